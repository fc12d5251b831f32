"""Facts about Slack users and channels Pulse needs (time zones, channel names), cached."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from store import profiles
from store.db import Database
from store.models import UserProfile
from store.types import utcnow

log = logging.getLogger(__name__)
PROFILE_TTL = dt.timedelta(hours=24)
CHANNEL_TTL_SECONDS = 300


class Directory:
    """Time zones from users.info (cached in the database) and channel names from conversations.list."""

    def __init__(self, database: Database, client: WebClient, default_tz: ZoneInfo) -> None:
        self.database = database
        self.client = client
        self.default_tz = default_tz
        self._channels: dict[str, dict[str, str]] = {}
        self._channels_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def tz_for(self, team_id: str, user_id: str) -> ZoneInfo:
        """The user's own time zone, or the workspace default when Slack does not say."""
        with self.database.session() as session:
            profile = profiles.cached(session, team_id, [user_id]).get(user_id)
        if not _fresh(profile):
            profile = self._refresh(team_id, user_id) or profile
        return _zone(profile.tz if profile else None, self.default_tz)

    def cached_tz(self, session: Session, team_id: str, user_id: str) -> ZoneInfo | None:
        """The user's time zone from a fresh cache entry, read in `session`; None when `tz_for` must ask Slack."""
        profile = profiles.cached(session, team_id, [user_id]).get(user_id)
        return _zone(profile.tz, self.default_tz) if profile is not None and _fresh(profile) else None

    def tz_many(self, session: Session, team_id: str, user_ids: list[str]) -> dict[str, ZoneInfo]:
        """Time zones of many users: one query for the cache, users.info only for unknown or old entries."""
        if not user_ids:
            return {}
        cached = profiles.cached(session, team_id, user_ids)
        zones: dict[str, ZoneInfo] = {}
        for user_id in user_ids:
            profile = cached.get(user_id)
            if not _fresh(profile):
                fetched = self._fetch(team_id, user_id)
                if fetched is not None:
                    profile = profiles.save(session, fetched)
            zones[user_id] = _zone(profile.tz if profile else None, self.default_tz)
        return zones

    def zones(self, session: Session, team_id: str) -> set[ZoneInfo]:
        """Every time zone the workspace's known people are in (the default for those Slack names none)."""
        return {_zone(name, self.default_tz) for name in profiles.zones(session, team_id)} | {self.default_tz}

    def names(self, team_id: str, user_ids: list[str]) -> dict[str, str]:
        """Display names of `user_ids` as people read them: the cache, users.info for the rest (then cached)."""
        with self.database.session(write=True) as session:
            cached = profiles.cached(session, team_id, user_ids)
            for user_id in user_ids:
                if user_id not in cached or not cached[user_id].display_name:
                    fetched = self._fetch(team_id, user_id)
                    if fetched is not None:
                        cached[user_id] = profiles.save(session, fetched)
            return {uid: profile.display_name for uid, profile in cached.items() if profile.display_name}

    def _refresh(self, team_id: str, user_id: str) -> UserProfile | None:
        profile = self._fetch(team_id, user_id)
        if profile is not None:
            try:
                with self.database.session(write=True) as session:
                    profiles.save(session, profile)
            except Exception as exc:  # a cache: the database being busy must not break the request
                log.warning("could not cache the profile of %s: %s", user_id, type(exc).__name__)
        return profile

    def _fetch(self, team_id: str, user_id: str) -> UserProfile | None:
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError as exc:  # remembered as "no zone known" so Slack is not asked on every command
            log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
            return UserProfile(team_id=team_id, user_id=user_id, tz=None, fetched_at=utcnow())
        except Exception as exc:  # network trouble must not break the command
            log.warning("users.info failed for %s: %s", user_id, type(exc).__name__)
            return None
        return UserProfile(
            team_id=team_id,
            user_id=user_id,
            tz=user.get("tz"),
            display_name=user.get("real_name") or user.get("name"),
            fetched_at=utcnow(),
        )

    def channel_id(self, team_id: str, name: str) -> str | None:
        """The ID of a channel named `name` (without #), from a cached conversations.list."""
        with self._lock:
            fresh = time.monotonic() - self._channels_at.get(team_id, -1e9) < CHANNEL_TTL_SECONDS
            if not fresh:
                self._channels[team_id] = self._list_channels()
                self._channels_at[team_id] = time.monotonic()
            return self._channels[team_id].get(name.lower())

    def _list_channels(self) -> dict[str, str]:
        names: dict[str, str] = {}
        try:
            for page in self.client.conversations_list(
                types="public_channel,private_channel", limit=1000, exclude_archived=True
            ):
                for channel in page.get("channels", []):
                    names[str(channel["name"]).lower()] = str(channel["id"])
        except Exception as exc:
            log.warning("conversations.list failed: %s", type(exc).__name__)
        return names


def _fresh(profile: UserProfile | None) -> bool:
    return profile is not None and utcnow() - profile.fetched_at <= PROFILE_TTL


def _zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default

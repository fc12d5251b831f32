"""Who a register means: a Slack user ID or mention as written, an email via users.lookupByEmail, or a name
matched against the workspace's members (users.list, read once)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain.errors import Invalid

SLACK_ID = re.compile(r"<?@?([UW](?=[A-Z0-9]*\d)[A-Z0-9]{3,})(?:\|[^>]*)?>?")  # IDs have a digit
EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


@dataclass
class People:
    """Finds Slack users for a register's person cells; each distinct text is looked up once."""

    client: WebClient | None  # None: no bot token, so only Slack IDs can be read
    found: dict[str, str] = field(default_factory=dict)
    _names: dict[str, set[str]] | None = None

    def user_id(self, text: str) -> str:
        """The Slack user ID `text` names; Invalid when nobody, or more than one person, answers to it."""
        written = text.strip()
        if written.casefold() in self.found:
            return self.found[written.casefold()]
        mention = SLACK_ID.fullmatch(written)
        address = written.strip("<>").removeprefix("mailto:").split("|")[0]  # also as Slack formats a mailto link
        if mention:
            user = mention.group(1)
        elif self.client is None:
            raise Invalid("person_needs_slack", text=written)
        elif EMAIL.fullmatch(address):
            user = self._by_email(address)
        else:
            user = self._by_name(written)
        self.found[written.casefold()] = user
        return user

    def _by_email(self, email: str) -> str:
        assert self.client is not None
        try:
            return str(self.client.users_lookupByEmail(email=email)["user"]["id"])
        except SlackApiError as exc:
            if exc.response.get("error") == "users_not_found":
                raise Invalid("person_no_email", text=email) from None
            raise

    def _by_name(self, name: str) -> str:
        matches = sorted(self._name_index().get(name.casefold(), set()))
        if not matches:
            raise Invalid("person_unknown", text=name)
        if len(matches) > 1:
            raise Invalid("person_ambiguous", text=name, count=len(matches))
        return matches[0]

    def _name_index(self) -> dict[str, set[str]]:
        """Real name, display name and handle of every active person in the workspace -> their IDs."""
        if self._names is None:
            assert self.client is not None
            names: dict[str, set[str]] = {}
            for page in self.client.users_list(limit=200):
                for member in page.get("members", []):
                    if member.get("deleted") or member.get("is_bot"):
                        continue
                    profile = member.get("profile") or {}
                    for name in {member.get("real_name"), member.get("name"), profile.get("display_name")}:
                        if name:
                            names.setdefault(str(name).casefold(), set()).add(str(member["id"]))
            self._names = names
        return self._names

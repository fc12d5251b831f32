"""Who the caller is to Pulse, what Pulse could not deliver (for admins), and the workspace's settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.bands import Band
from domain.budget import Currency
from domain.context import Context
from domain.errors import Forbidden, Invalid
from domain.inputs import Input, Nothing
from domain.lookup import visible_programs
from domain.messages import Reply, reply, use_case
from store import budget, outbox
from store.audit import snapshot
from store.models import WorkspaceSettings
from store.settings import settings_to_change, workspace_settings

DEFAULTS = WorkspaceSettings(team_id="")
LADDER_MAX_DAYS = 30  # working days overdue: a ladder step later than this would never be reached in practice
THRESHOLD_MAX = 100  # percent: more over plan, or more of the headcount filled, is no threshold
SETTINGS_REF = "settings"  # the audit trail's name for the workspace's settings


class Appetite(Input):
    """Open risks at or above `band` are above appetite (only those without a mitigation, when `unmitigated`)."""

    band: Band
    unmitigated: bool


class SettingsChange(Input):
    """What `/pulse settings` changes (None: unchanged); given nothing, it shows the settings."""

    escalation_channel: str | None = None
    escalation_default: bool = False  # back to the environment's PULSE_ESCALATION_CHANNEL
    bands: tuple[int, int, int] | None = None  # the scores where medium, high and critical begin
    ladder: tuple[int, int] | None = None  # working days overdue before ladder step 2 and step 3
    day_first: bool | None = None  # `3/4` is 3 April (day/month) rather than March 4
    appetite: Appetite | None = None
    currency: str | None = None  # ISO 4217 code budgets are kept in (`EUR`)
    budget_threshold: int | None = None  # % over a quarter's plan that is a budget reason
    staffing_threshold: int | None = None  # % of planned headcount filled below which a program is short


@dataclass(frozen=True)
class Setting:
    """One setting as it stands, and where its value comes from: `workspace` (an admin set it), `environment`
    (PULSE_ESCALATION_CHANNEL), `default` (Pulse's own) or `unset`."""

    name: str
    value: Any
    source: str


@use_case(writes=False)
def whoami(ctx: Context, _data: Nothing) -> Reply:
    """The caller's ID, role, time zone and the programs they own."""
    visible = visible_programs(ctx.session, ctx.actor)
    owned = [p for p in visible if p.owner_id == ctx.actor.user_id]
    return reply("whoami", actor=ctx.actor, tz=str(ctx.tz), owned=owned, visible=len(visible), today=ctx.today)


@use_case(writes=False)
def undelivered(ctx: Context, _data: Nothing) -> Reply:
    """Messages Pulse could not deliver yet, or gave up on (admins)."""
    if not ctx.actor.is_admin:
        raise Forbidden("outbox_admins")
    return reply("outbox", rows=outbox.problems(ctx.session, ctx.team_id))


@use_case(writes=True)
def settings(ctx: Context, data: SettingsChange) -> Reply:
    """Show the workspace's settings and where each comes from (anyone); change them (Pulse admins), audited."""
    if data == SettingsChange():
        row = workspace_settings(ctx.session, ctx.team_id)
        return reply("settings", settings=current(row, ctx.escalation_channel), changed=[], admin=ctx.actor.is_admin)
    if not ctx.actor.is_admin:
        raise Forbidden("settings_admins")
    _check(data)
    row = settings_to_change(ctx.session, ctx.team_id)
    old = _values(row)
    relabelled = _currency_change(ctx, row, data.currency)
    with ctx.changing(row, "settings", SETTINGS_REF, "update", None) as before:
        _apply(row, data)
        if snapshot(row) == before:
            raise Invalid("nothing_to_change", example="/pulse settings escalation:#tns-escalations")
        row.updated_at = ctx.now
    changed = [name for name, value in _values(row).items() if value != old[name]]
    return reply(
        "settings",
        settings=current(row, ctx.escalation_channel),
        changed=changed,
        admin=True,
        relabelled=relabelled and "currency" in changed,
    )


def _currency_change(ctx: Context, row: WorkspaceSettings, typed: str | None) -> bool:
    """Whether a new currency relabels amounts already recorded (Pulse converts no money); refused when the two
    currencies' minor units differ, since the kept amounts would then read a hundred times off."""
    if typed is None or not budget.any_recorded(ctx.session, ctx.team_id):
        return False
    old, new = Currency.named(row.currency), Currency.known(typed)
    if new.code != old.code and new.digits != old.digits:
        raise Invalid("currency_digits_differ", field="currency", old=old.code, new=new.code)
    return True


def current(row: WorkspaceSettings, environment_channel: str | None) -> list[Setting]:
    """Every setting of the workspace with where its value comes from."""
    listed = []
    for name, value in _values(row).items():
        source = "workspace" if value != _values(DEFAULTS)[name] else "default"
        if name == "escalation" and value is None:
            value, source = environment_channel, "environment" if environment_channel else "unset"
        listed.append(Setting(name, value, source))
    return listed


def _values(row: WorkspaceSettings) -> dict[str, Any]:
    """The settings `/pulse settings` names, by the name it gives them."""
    return {
        "escalation": row.escalation_channel,
        "bands": (row.band_medium_min, row.band_high_min, row.band_critical_min),
        "ladder": (row.ladder_step2_days, row.ladder_step3_days),
        "day_first": row.day_first,
        "appetite": (Band(row.appetite_band), row.appetite_needs_mitigation),
        "currency": row.currency,
        "budget_threshold": row.budget_threshold_pct,
        "staffing_threshold": row.staffing_threshold_pct,
    }


def _check(data: SettingsChange) -> None:
    """Refuse bands and ladder steps out of order, a currency ISO 4217 does not know and thresholds past 100%
    before anything changes."""
    if data.bands is not None and not 2 <= data.bands[0] < data.bands[1] < data.bands[2] <= 25:
        raise Invalid("bands_out_of_order", field="bands", got=",".join(map(str, data.bands)))
    if data.ladder is not None and not 1 <= data.ladder[0] < data.ladder[1] <= LADDER_MAX_DAYS:
        raise Invalid("ladder_out_of_order", field="ladder", got=",".join(map(str, data.ladder)), most=LADDER_MAX_DAYS)
    if data.currency is not None:
        Currency.known(data.currency)
    for name, value in (("budget_threshold", data.budget_threshold), ("staffing_threshold", data.staffing_threshold)):
        if value is not None and not 0 <= value <= THRESHOLD_MAX:
            raise Invalid("threshold_out_of_range", field=name, name=name, got=value, most=THRESHOLD_MAX)


def _apply(row: WorkspaceSettings, data: SettingsChange) -> None:
    if data.escalation_default:
        row.escalation_channel = None
    elif data.escalation_channel is not None:
        row.escalation_channel = data.escalation_channel
    if data.bands is not None:
        row.band_medium_min, row.band_high_min, row.band_critical_min = data.bands
    if data.ladder is not None:
        row.ladder_step2_days, row.ladder_step3_days = data.ladder
    if data.day_first is not None:
        row.day_first = data.day_first
    if data.appetite is not None:
        row.appetite_band, row.appetite_needs_mitigation = data.appetite.band.value, data.appetite.unmitigated
    if data.currency is not None:
        row.currency = Currency.known(data.currency).code
    if data.budget_threshold is not None:
        row.budget_threshold_pct = data.budget_threshold
    if data.staffing_threshold is not None:
        row.staffing_threshold_pct = data.staffing_threshold

"""The overdue-action escalation ladder: step 1 the owner, step 2 also the program owner (both by DM),
step 3 a post in the escalation channel; steps counted in working days since the action fell due."""

from __future__ import annotations

import datetime as dt

from domain.actions import is_overdue
from domain.calendar import WorkCalendar
from store.models import Action


def ladder_anchor(action: Action, calendar: WorkCalendar) -> dt.date:
    """The first working day the action counts as overdue (after its due date, or after a snooze)."""
    start = action.due + dt.timedelta(days=1)
    if action.snoozed_until is not None and action.snoozed_until > start:
        start = action.snoozed_until
    return calendar.first_working_day_from(start)


def step_key(action: Action, step: int, calendar: WorkCalendar) -> str:
    """The ledger key of one ladder step; a snooze starts a new ladder (new anchor), so its steps come again."""
    return f"action:A-{action.number}:{ladder_anchor(action, calendar).isoformat()}:step:{step}"


def ladder_step(action: Action, today: dt.date, calendar: WorkCalendar, step2_days: int, step3_days: int) -> int:
    """The highest ladder step reached by `today` (0 when not overdue)."""
    if not is_overdue(action, today):
        return 0
    anchor = ladder_anchor(action, calendar)
    if today < anchor:
        return 0
    elapsed = calendar.working_days_between(anchor, today)
    return 3 if elapsed >= step3_days else 2 if elapsed >= step2_days else 1

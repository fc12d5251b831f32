"""Budgets: per program and quarter, planned, committed and actual money in the workspace's currency.

Amounts are exact: typed as decimals, stored as integers in the currency's minor units (cents), compared in
integers. A quarter is over budget when its actuals exceed the plan by more than the workspace's threshold
(default 10%): that is a budget reason in the program's evidence and in the watermelon check."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import iso4217
from sqlmodel import Session

from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input
from domain.lookup import program, program_to_change
from domain.messages import Reply, reply, use_case
from domain.spelling import did_you_mean
from store import budget, programs
from store.models import BudgetPlan, BudgetSpend, Program, SpendCategory
from store.settings import workspace_settings

QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
# ISO 4217's current currencies that have a minor unit (gold, SDRs and test codes have none: no budget is kept
# in them), by code, with their English names (`Euro`, `Yen`) for a did-you-mean.
CURRENCIES = {c.code: c for c in iso4217.Currency if c.exponent is not None}
CURRENCY_NAMES = {c.currency_name.lower(): c.code for c in CURRENCIES.values()}
CODE_CUTOFF = 0.6  # the last letter off in a three-letter code (`EUT`) is still a typo of one (`EUR`)
MAX_MINOR = 10**15  # a ceiling no program budget reaches: a typo (`250kk`), not a plan


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, written `2027Q1`."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """`2027Q1` or `2027-q1` -> the quarter; None when `text` is not one."""
        match = QUARTER.match(text.strip())
        return cls(int(match.group(1)), int(match.group(2))) if match else None

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """Its last day."""
        following = dt.date(self.year + 1, 1, 1) if self.number == 4 else dt.date(self.year, 3 * self.number + 1, 1)
        return following - dt.timedelta(days=1)


@dataclass(frozen=True)
class Currency:
    """A currency's ISO code and how many digits its minor unit has (USD 2: cents)."""

    code: str
    digits: int

    @classmethod
    def named(cls, code: str) -> Currency:
        """A stored code's currency, its digits from ISO 4217 (2 for a code the table no longer has)."""
        found = CURRENCIES.get(code.upper())
        return cls(code.upper(), found.exponent if found and found.exponent is not None else 2)

    @classmethod
    def known(cls, typed: str) -> Currency:
        """The ISO 4217 currency `typed` names (`eur`, `EUR`); Invalid with a did-you-mean (`EUT` -> `EUR`,
        `euro` -> `EUR`) otherwise."""
        code = typed.strip().upper()
        if code in CURRENCIES:
            return cls.named(code)
        same_country = [c for c in CURRENCIES if c[:2] == code[:2]]  # a code's first two letters are its country's
        suggestion = (
            CURRENCY_NAMES.get(typed.strip().lower())
            or did_you_mean(code, same_country, cutoff=CODE_CUTOFF)
            or did_you_mean(code, CURRENCIES)
        )
        raise Invalid("unknown_currency", field="currency", value=typed, suggestion=suggestion)

    def minor_units(self, amount: Decimal, name: str) -> int:
        """`amount` in minor units, exactly; Invalid when it has finer parts than the currency (12.505 USD)."""
        scaled = amount.scaleb(self.digits)
        if scaled != scaled.to_integral_value():
            raise Invalid("money_too_precise", field=name, value=str(amount), currency=self.code, digits=self.digits)
        if abs(scaled) >= MAX_MINOR:
            raise Invalid("money_too_large", field=name, value=str(amount))
        return int(scaled)


def percent(part: int, whole: int) -> int:
    """`part` as a whole percentage of `whole` (exact arithmetic, rounded half to even)."""
    return round(Fraction(part * 100, whole))


@dataclass(frozen=True)
class QuarterBudget:
    """One quarter of a program's budget as of `today`: plan, commitments, actuals, and how they compare."""

    quarter: Quarter
    planned: int
    committed: int
    actual: int
    today: dt.date
    currency: Currency
    threshold_pct: int  # the workspace's: more than this over plan is a budget reason
    by_category: dict[str | None, int] = field(default_factory=dict)

    @property
    def variance(self) -> int:
        """Actuals minus plan: above zero is an overspend."""
        return self.actual - self.planned

    @property
    def variance_pct(self) -> int | None:
        return percent(self.variance, self.planned) if self.planned else None

    @property
    def spent_pct(self) -> int | None:
        """How much of the plan is spent."""
        return percent(self.actual, self.planned) if self.planned else None

    @property
    def elapsed_pct(self) -> int:
        """How much of the quarter has gone (its days, today included)."""
        if self.today < self.quarter.start:
            return 0
        if self.today > self.quarter.end:
            return 100
        days = (self.quarter.end - self.quarter.start).days + 1
        return percent((self.today - self.quarter.start).days + 1, days)

    @property
    def forecast(self) -> int:
        """What the quarter will have cost at its end if spending goes on at the rate so far (its actuals once
        it is over; nothing to project before it starts)."""
        if self.today > self.quarter.end or self.today < self.quarter.start:
            return self.actual
        days = (self.quarter.end - self.quarter.start).days + 1
        gone = (self.today - self.quarter.start).days + 1
        return round(Fraction(self.actual * days, gone))

    @property
    def categories(self) -> list[tuple[str | None, int]]:
        """Actuals by category (None: none given), largest first."""
        return sorted(self.by_category.items(), key=lambda item: (-item[1], item[0] or ""))

    @property
    def over_plan(self) -> bool:
        """Actuals exceed the plan by more than the threshold (integers: no rounding on the edge)."""
        return self.planned > 0 and self.variance * 100 > self.planned * self.threshold_pct


@dataclass(frozen=True)
class BudgetFacts:
    """A program's budget, quarter by quarter (oldest first), and the workspace's rule for overspending."""

    program: Program
    currency: Currency
    threshold_pct: int
    quarters: list[QuarterBudget]
    today: dt.date

    @property
    def over(self) -> list[QuarterBudget]:
        """Quarters (up to this one) whose actuals exceed the plan by more than the threshold: budget reasons."""
        return [q for q in self.quarters if q.quarter <= Quarter.of(self.today) and q.over_plan]

    @property
    def current(self) -> QuarterBudget | None:
        return next((q for q in self.quarters if q.quarter == Quarter.of(self.today)), None)


def budgets_for(
    session: Session, team_id: str, program_list: list[Program], *, today: dt.date
) -> dict[int, BudgetFacts]:
    """Each program's budget by quarter (plans, and quarters with spending but no plan), in two queries."""
    settings = workspace_settings(session, team_id)
    currency = Currency.named(settings.currency)
    ids = [p.id for p in program_list if p.id is not None]
    plans = {(p.program_id, p.quarter): p for p in budget.plans_for(session, ids)}
    spending = budget.spent(session, ids)
    quarters: dict[int, list[QuarterBudget]] = {pid: [] for pid in ids}
    for program_id, label in sorted(plans.keys() | spending.keys()):
        plan = plans.get((program_id, label))
        categories = spending.get((program_id, label), {})
        quarter = Quarter.parse(label)
        if quarter is None:  # pragma: no cover - labels are written from Quarter.label only
            continue
        quarters[program_id].append(
            QuarterBudget(
                quarter=quarter,
                planned=plan.planned if plan else 0,
                committed=plan.committed if plan else 0,
                actual=sum(categories.values()),
                today=today,
                currency=currency,
                threshold_pct=settings.budget_threshold_pct,
                by_category=categories,
            )
        )
    return {
        p.id: BudgetFacts(p, currency, settings.budget_threshold_pct, quarters[p.id], today)
        for p in program_list
        if p.id is not None
    }


class BudgetSet(Input):
    """A quarter's plan (and commitments) for a program, as decimals in the workspace's currency."""

    key: str
    quarter: str
    planned: Decimal | None = None
    committed: Decimal | None = None


class BudgetSpendInput(Input):
    """Money spent today (actuals), as a decimal in the workspace's currency."""

    key: str
    amount: Decimal
    category: SpendCategory | None = None
    note: str | None = None


class BudgetQuery(Input):
    key: str


def _quarter(text: str) -> Quarter:
    found = Quarter.parse(text)
    if found is None:
        raise Invalid("not_a_quarter", field="quarter", value=text)
    return found


def _amount(currency: Currency, amount: Decimal, name: str) -> int:
    if not amount.is_finite() or amount < 0:
        raise Invalid("money_negative", field=name, value=str(amount))
    return currency.minor_units(amount, name)


@use_case(writes=True)
def set_plan(ctx: Context, data: BudgetSet) -> Reply:
    """Set a quarter's planned and committed money (program owner or admin); a first plan needs `planned`."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "set_budget")
    quarter = _quarter(data.quarter)
    if data.planned is None and data.committed is None:
        raise Invalid("budget_needs_amount", key=owning.key, quarter=quarter.label)
    currency = Currency.named(workspace_settings(ctx.session, ctx.team_id).currency)
    planned = _amount(currency, data.planned, "planned") if data.planned is not None else None
    committed = _amount(currency, data.committed, "committed") if data.committed is not None else None
    programs.hold(ctx.session, owning.id or 0)
    plan = budget.plan_for(ctx.session, owning.id or 0, quarter.label)
    label = f"{owning.key}/{quarter.label}"
    if plan is None:
        if planned is None:
            raise Invalid("budget_needs_plan", field="planned", key=owning.key, quarter=quarter.label)
        plan = BudgetPlan(
            team_id=ctx.team_id,
            program_id=owning.id or 0,
            quarter=quarter.label,
            planned=planned,
            committed=committed or 0,
            set_by=ctx.actor.user_id,
        )
        ctx.created(plan, "budget", label, owning)
    else:
        if (planned is None or planned == plan.planned) and (committed is None or committed == plan.committed):
            raise Conflict("budget_unchanged", key=owning.key, quarter=quarter.label)
        with ctx.changing(plan, "budget", label, "update", owning):
            plan.planned = plan.planned if planned is None else planned
            plan.committed = plan.committed if committed is None else committed
            plan.set_by = ctx.actor.user_id
            plan.updated_at = ctx.now
    ctx.session.flush()
    facts = budgets_for(ctx.session, ctx.team_id, [owning], today=ctx.today)[owning.id or 0]
    shown = next(q for q in facts.quarters if q.quarter == quarter)
    return reply("budget_set", facts=facts, q=shown, program=owning)


@use_case(writes=True)
def spend(ctx: Context, data: BudgetSpendInput) -> Reply:
    """Record money spent today (program owner or admin), counted in today's quarter."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "spend_budget")
    currency = Currency.named(workspace_settings(ctx.session, ctx.team_id).currency)
    amount = _amount(currency, data.amount, "amount")
    if amount == 0:
        raise Invalid("money_zero", field="amount")
    programs.hold(ctx.session, owning.id or 0)
    quarter = Quarter.of(ctx.today)
    row = BudgetSpend(
        team_id=ctx.team_id,
        program_id=owning.id or 0,
        quarter=quarter.label,
        amount=amount,
        category=data.category,
        note=(data.note or "").strip() or None,
        spent_on=ctx.today,
        recorded_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.record("budget", f"{owning.key}/{quarter.label}", "spend", owning, None, row)
    ctx.session.flush()
    facts = budgets_for(ctx.session, ctx.team_id, [owning], today=ctx.today)[owning.id or 0]
    shown = next(q for q in facts.quarters if q.quarter == quarter)
    return reply("budget_spent", facts=facts, q=shown, spend=row, program=owning)


@use_case(writes=False)
def show(ctx: Context, data: BudgetQuery) -> Reply:
    """A program's budget quarter by quarter: plan, committed, actual, variance and burn."""
    found = program(ctx.session, ctx.actor, data.key)
    facts = budgets_for(ctx.session, ctx.team_id, [found], today=ctx.today)[found.id or 0]
    return reply("budget_show", facts=facts, program=found)

"""Budget math is exact: amounts typed as decimals become integer minor units and read back the same; the
over-plan rule is decided in integers, exactly at the threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.budget import parse_money
from commands.grammar import ParseContext
from domain.budget import Currency, Quarter, QuarterBudget
from domain.errors import Invalid
from templates import environment

USD, JPY = Currency.named("usd"), Currency.named("JPY")
CTX = ParseContext(user_id="U1", today=dt.date(2026, 11, 15))
cents = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2, allow_nan=False, allow_infinity=False)


@given(cents)
def test_typed_amounts_round_trip_through_minor_units(amount: Decimal) -> None:
    minor = USD.minor_units(amount, "planned")
    assert minor == amount * 100 and isinstance(minor, int)
    shown = environment().filters["money"](minor, USD)
    assert parse_money(shown.removeprefix("USD "), CTX) == amount


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("250k", 25_000_000), ("1.2m", 120_000_000), ("12,500.50", 1_250_050), ("12.5k", 1_250_000), (".5", 50)],
)
def test_shorthands_are_exact(typed: str, minor: int) -> None:
    assert USD.minor_units(parse_money(typed, CTX), "amount") == minor


def test_a_currency_without_cents_refuses_them() -> None:
    assert JPY.minor_units(Decimal("1200"), "amount") == 1200
    with pytest.raises(Invalid):
        JPY.minor_units(Decimal("0.5"), "amount")


@given(st.integers(min_value=1, max_value=10**13), st.integers(min_value=0, max_value=2 * 10**13), st.integers(0, 50))
def test_over_plan_is_more_than_the_threshold_exactly(planned: int, actual: int, threshold: int) -> None:
    quarter = QuarterBudget(Quarter(2026, 4), planned, 0, actual, dt.date(2026, 11, 15), USD, threshold)
    assert quarter.over_plan == (Decimal(actual) > Decimal(planned) * (1 + Decimal(threshold) / 100))


def test_the_forecast_projects_the_burn_to_the_quarters_end() -> None:
    quarter = QuarterBudget(Quarter(2026, 4), 100_000, 0, 46_000, dt.date(2026, 11, 15), USD, 10)
    assert (quarter.elapsed_pct, quarter.spent_pct, quarter.forecast) == (50, 46, 92_000)
    assert (Quarter.parse("2027-q1"), Quarter(2027, 1).end) == (Quarter(2027, 1), dt.date(2027, 3, 31))


quarters = st.builds(Quarter, st.integers(2020, 2035), st.integers(1, 4))
minor = st.integers(min_value=0, max_value=10**13)


@given(minor, minor)
def test_variance_is_actual_minus_plan_exactly(planned: int, actual: int) -> None:
    quarter = QuarterBudget(Quarter(2026, 4), planned, 0, actual, dt.date(2026, 11, 15), USD, 10)
    exact = Decimal(actual - planned) / 100  # in dollars: no float anywhere
    assert Decimal(quarter.variance) / 100 == exact
    if planned:
        assert quarter.variance_pct is not None
        assert abs(Decimal(quarter.variance_pct) - Decimal(actual - planned) * 100 / Decimal(planned)) <= Decimal("0.5")
    else:
        assert quarter.variance_pct is None


@given(quarters, st.integers(0, 91), st.integers(min_value=1, max_value=10**13), minor)
def test_burn_rate_is_the_share_spent_against_the_share_of_the_quarter_gone(
    quarter: Quarter, day: int, planned: int, actual: int
) -> None:
    today = min(quarter.start + dt.timedelta(days=day), quarter.end)
    budget = QuarterBudget(quarter, planned, 0, actual, today, USD, 10)
    days = (quarter.end - quarter.start).days + 1
    gone = (today - quarter.start).days + 1
    assert abs(Decimal(budget.elapsed_pct) - Decimal(gone * 100) / days) <= Decimal("0.5")
    assert abs(Decimal(budget.spent_pct or 0) - Decimal(actual * 100) / planned) <= Decimal("0.5")
    # The forecast is the spend so far carried on at the same daily rate to the quarter's end, to the cent.
    assert abs(Decimal(budget.forecast) - Decimal(actual) * days / gone) <= Decimal("0.5")
    assert budget.forecast >= actual
    if gone == days:
        assert budget.forecast == actual


@given(quarters, minor)
def test_outside_its_quarter_the_burn_is_the_actuals(quarter: Quarter, actual: int) -> None:
    before = QuarterBudget(quarter, 100, 0, actual, quarter.start - dt.timedelta(days=1), USD, 10)
    after = QuarterBudget(quarter, 100, 0, actual, quarter.end + dt.timedelta(days=1), USD, 10)
    assert (before.elapsed_pct, after.elapsed_pct) == (0, 100)
    assert before.forecast == after.forecast == actual


@given(st.lists(cents, min_size=1, max_size=20))
def test_spending_adds_up_to_the_cent(amounts: list[Decimal]) -> None:
    total = sum(USD.minor_units(amount, "amount") for amount in amounts)
    assert Decimal(total) / 100 == sum(amounts, Decimal(0))


@pytest.mark.parametrize(("code", "digits"), [("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("BHD", 3), ("CLF", 4)])
def test_minor_units_come_from_iso_4217(code: str, digits: int) -> None:
    assert Currency.known(code.lower()) == Currency(code, digits)

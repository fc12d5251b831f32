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

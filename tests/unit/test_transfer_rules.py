"""Transfers by table: GIVEN a person's moves, THEN which unit a day belongs to, which units share a month, and
which transfers are refused."""

from __future__ import annotations

from datetime import date

import pytest

from chamcong.rules.transfers import days_in_unit, initial_unit, refusal, unit_at, units_in_month


def move(from_unit: str, to_unit: str, effective: str) -> dict[str, str]:
    return {"from_unit": from_unit, "to_unit": to_unit, "effective": effective, "by": "admin",
            "at": "2026-11-20T08:00:00+07:00", "reason": "Điều động"}


NEVER: list[dict[str, str]] = []
ONCE = [move("A", "B", "2026-11-16")]
TWICE = [move("A", "B", "2026-11-16"), move("B", "C", "2026-11-25")]
BACK = [move("A", "B", "2026-11-10"), move("B", "A", "2026-11-20")]
SAME_DAY = [move("A", "B", "2026-11-16"), move("B", "C", "2026-11-16")]  # a wrong move put right the same day


@pytest.mark.parametrize(("history", "current", "initial"), [
    (NEVER, "A", "A"),
    (ONCE, "B", "A"),
    (TWICE, "C", "A"),
])
def test_the_unit_before_any_move(history: list[dict[str, str]], current: str, initial: str) -> None:
    assert initial_unit(history, current) == initial


@pytest.mark.parametrize(("history", "day", "unit"), [
    (NEVER, "2026-11-01", "A"),
    (ONCE, "2026-11-15", "A"),  # the day before the move: still the old unit
    (ONCE, "2026-11-16", "B"),  # the effective day: the new unit
    (ONCE, "2027-01-01", "B"),
    (TWICE, "2026-11-24", "B"),
    (TWICE, "2026-11-25", "C"),
    (BACK, "2026-11-09", "A"),
    (BACK, "2026-11-19", "B"),
    (BACK, "2026-11-20", "A"),
    (SAME_DAY, "2026-11-15", "A"),
    (SAME_DAY, "2026-11-16", "C"),  # the later of two moves on one day wins it
])
def test_the_unit_of_a_day(history: list[dict[str, str]], day: str, unit: str) -> None:
    assert unit_at(history, "A", date.fromisoformat(day)) == unit


D = date.fromisoformat
NOVEMBER = (D("2026-11-01"), D("2026-11-30"))


@pytest.mark.parametrize(("history", "current", "period", "stays"), [
    (NEVER, "A", NOVEMBER, [("A", D("2026-11-01"), D("2026-11-30"))]),
    (ONCE, "B", NOVEMBER, [("A", D("2026-11-01"), D("2026-11-15")), ("B", D("2026-11-16"), D("2026-11-30"))]),
    (TWICE, "C", NOVEMBER, [("A", D("2026-11-01"), D("2026-11-15")), ("B", D("2026-11-16"), D("2026-11-24")),
                            ("C", D("2026-11-25"), D("2026-11-30"))]),
    (BACK, "A", NOVEMBER, [("A", D("2026-11-01"), D("2026-11-09")), ("B", D("2026-11-10"), D("2026-11-19")),
                           ("A", D("2026-11-20"), D("2026-11-30"))]),
    (SAME_DAY, "C", NOVEMBER, [("A", D("2026-11-01"), D("2026-11-15")), ("C", D("2026-11-16"), D("2026-11-30"))]),
    # a move on the first day of the period: the whole period in the new unit
    ([move("A", "B", "2026-11-01")], "B", NOVEMBER, [("B", D("2026-11-01"), D("2026-11-30"))]),
    # a move on the last day: one day in the new unit
    ([move("A", "B", "2026-11-30")], "B", NOVEMBER, [("A", D("2026-11-01"), D("2026-11-29")),
                                                     ("B", D("2026-11-30"), D("2026-11-30"))]),
    # moves before and after the period
    (ONCE, "B", (D("2026-12-01"), D("2026-12-31")), [("B", D("2026-12-01"), D("2026-12-31"))]),
    (ONCE, "B", (D("2026-10-01"), D("2026-10-31")), [("A", D("2026-10-01"), D("2026-10-31"))]),
    # one day
    (ONCE, "B", (D("2026-11-15"), D("2026-11-15")), [("A", D("2026-11-15"), D("2026-11-15"))]),
    # an empty period
    (ONCE, "B", (D("2026-11-15"), D("2026-11-14")), []),
])
def test_the_units_of_a_period(history: list[dict[str, str]], current: str, period: tuple[date, date],
                               stays: list[tuple[str, date, date]]) -> None:
    assert units_in_month(history, current, *period) == stays


@pytest.mark.parametrize(("history", "current", "unit", "stretches"), [
    (BACK, "A", "A", [(D("2026-11-01"), D("2026-11-09")), (D("2026-11-20"), D("2026-11-30"))]),
    (BACK, "A", "B", [(D("2026-11-10"), D("2026-11-19"))]),
    (BACK, "A", "C", []),
    (SAME_DAY, "C", "B", []),  # a unit held for no whole day counts no day
])
def test_the_days_a_person_spent_in_a_unit(history: list[dict[str, str]], current: str, unit: str,
                                           stretches: list[tuple[date, date]]) -> None:
    assert days_in_unit(history, current, unit, *NOVEMBER) == stretches


TODAY = D("2026-11-20")


@pytest.mark.parametrize(("history", "current", "to_unit", "effective", "employed_from", "code"), [
    (NEVER, "A", "B", TODAY, None, None),
    (NEVER, "A", "B", D("2026-11-02"), None, None),  # dated back: allowed
    (NEVER, "A", "A", TODAY, None, "transfer_same_unit"),
    (NEVER, "A", "B", D("2026-11-21"), None, "transfer_in_future"),
    (NEVER, "A", "B", D("2026-10-31"), D("2026-11-01"), "transfer_before_employment"),
    (NEVER, "A", "B", D("2026-11-01"), D("2026-11-01"), None),  # the first working day itself
    (ONCE, "B", "C", D("2026-11-15"), None, "transfer_before_last"),
    (ONCE, "B", "C", D("2026-11-16"), None, None),  # the same day as the last move: put right the same day
    (ONCE, "B", "A", D("2026-11-17"), None, None),  # back where they came from
])
def test_which_transfers_are_refused(history: list[dict[str, str]], current: str, to_unit: str, effective: date,
                                     employed_from: date | None, code: str | None) -> None:
    assert refusal(history, current, to_unit, effective, employed_from, TODAY) == code

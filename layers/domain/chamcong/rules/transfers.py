"""People moving between units: which unit a person belonged to on a day (pure; tested by table).

A person's record keeps `unit_id` (the unit they are in today) and `transfers`, the history of their moves in
the order they were made: `{"from_unit", "to_unit", "effective": "YYYY-MM-DD", "by", "at", "reason"}`. A move
counts from its effective day on: the day before it belongs to `from_unit`, the effective day to `to_unit`.

Design (the simplest honest one): a transfer takes effect on a day no later than today, never in the future, so
`unit_id` is always the unit of today and nothing has to flip when a date comes. It may be dated back (a move
entered late): the days from its effective date then belong to the new unit. It is never dated before the
previous transfer's effective day nor before the person's first working day (`employed_from`); two moves on the
same day are kept in the order made, the later one wins that day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

History = Sequence[Mapping[str, Any]]
Stay = tuple[str, date, date]  # (unit_id, first day, last day), both days included


def initial_unit(history: History, current_unit: str) -> str:
    """The unit the person was in before any transfer (their current unit when they never moved)."""
    return str(history[0]["from_unit"]) if history else current_unit


def unit_at(history: History, initial: str, day: date) -> str:
    """The unit the person belonged to on `day`: the last transfer effective on or before it, else `initial`."""
    unit = initial
    for move in history:
        if date.fromisoformat(str(move["effective"])) <= day:
            unit = str(move["to_unit"])
    return unit


def units_in_month(history: History, current_unit: str, first: date, last: date) -> list[Stay]:
    """Each unit the person belonged to between `first` and `last` with its days, in date order.

    Despite the name, any period works (a day, a month, a quarter). Consecutive days in one unit form one stay;
    a person who left and came back has two stays in that unit. Empty when `last` is before `first`.
    """
    if last < first:
        return []
    start = initial_unit(history, current_unit)
    # The day each unit begins, in order; a later move on the same day replaces an earlier one.
    changes: list[tuple[date, str]] = []
    for move in history:
        effective = date.fromisoformat(str(move["effective"]))
        while changes and changes[-1][0] >= effective:
            changes.pop()
        changes.append((effective, str(move["to_unit"])))
    stays: list[Stay] = []
    unit, since = start, first
    for effective, to_unit in changes:
        if effective <= first:
            unit = to_unit
            continue
        if effective > last:
            break
        _add(stays, unit, since, effective - timedelta(days=1))
        unit, since = to_unit, effective
    _add(stays, unit, since, last)
    return stays


def days_in_unit(history: History, current_unit: str, unit_id: str, first: date, last: date) -> list[tuple[date, date]]:
    """The stretches of `first` … `last` the person spent in `unit_id` (empty if none)."""
    return [(a, b) for unit, a, b in units_in_month(history, current_unit, first, last) if unit == unit_id]


def refusal(history: History, current_unit: str, to_unit: str, effective: date, employed_from: date | None,
            today: date) -> str | None:
    """Why a transfer to `to_unit` effective on `effective` may not be recorded (a message code), or None."""
    if to_unit == current_unit:
        return "transfer_same_unit"
    if effective > today:
        return "transfer_in_future"
    if employed_from is not None and effective < employed_from:
        return "transfer_before_employment"
    if history and effective < date.fromisoformat(str(history[-1]["effective"])):
        return "transfer_before_last"
    return None


def _add(stays: list[Stay], unit: str, first: date, last: date) -> None:
    if last < first:
        return
    if stays and stays[-1][0] == unit and stays[-1][2] + timedelta(days=1) == first:
        stays[-1] = (unit, stays[-1][1], last)
    else:
        stays.append((unit, first, last))

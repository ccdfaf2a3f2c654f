"""The thresholds in force are read once and kept for `threshold_check_seconds`: no read per recognition."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chamcong.store import thresholds
from chamcong.store.models.calibration import CURRENT, ThresholdModel
from chamcong.store.thresholds import ThresholdBook


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _item(scope: str, scope_id: str, value: float) -> ThresholdModel:
    return ThresholdModel(CURRENT, ThresholdModel.current_key(scope, scope_id), scope=scope, scope_id=scope_id,
                          value=value, model_id="m", reason="r", set_by="admin",
                          set_at=datetime(2026, 11, 20, tzinfo=UTC))


def test_the_thresholds_are_read_again_only_after_the_check_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    scans: list[str] = []
    stored = [_item("site", "site", 0.52)]

    def query(partition: str, *args: Any, **kwargs: Any) -> list[ThresholdModel]:
        reads.append(partition)
        return list(stored)

    def scan(*args: Any, **kwargs: Any) -> list[Any]:
        scans.append("units")
        return []

    monkeypatch.setattr(ThresholdModel, "query", query)
    monkeypatch.setattr(thresholds.UnitModel, "scan", scan)
    clock = Clock()
    book = ThresholdBook(check_seconds=30, monotonic=clock)
    # GIVEN a first read
    assert book.in_force().current[("site", "site")].value == 0.52
    # WHEN recognitions follow within 30 s, THEN nothing is read again, even if the table changed meanwhile
    stored.append(_item("unit", "u1", 0.6))
    clock.now += 29
    assert ("unit", "u1") not in book.in_force().current
    assert reads == [CURRENT] and scans == []
    # after 30 s the new value is seen, and with a unit's threshold the tree is read once with it
    clock.now += 2
    assert book.in_force().current[("unit", "u1")].value == 0.6
    assert reads == [CURRENT, CURRENT] and scans == ["units"]
    # a change made in this function is seen at once
    stored[0] = _item("site", "site", 0.55)
    book.forget()
    assert book.in_force().current[("site", "site")].value == 0.55

"""The thresholds in force, as a warm function keeps them: one Query, re-read after `check_seconds`.

A change made in this function is seen at once (`forget`); one made elsewhere within `check_seconds`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from chamcong.store.models.calibration import CURRENT, ThresholdModel
from chamcong.store.models.units import UnitModel


@dataclass(frozen=True)
class InForce:
    """Every current threshold by (scope, scope_id), and the unit tree's parent links when a unit has one."""

    current: dict[tuple[str, str], ThresholdModel]
    parents: dict[str, str | None]


class ThresholdBook:
    def __init__(self, check_seconds: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._check_seconds = check_seconds
        self._monotonic = monotonic
        self._loaded: tuple[InForce, float] | None = None
        self._lock = threading.Lock()

    def in_force(self) -> InForce:
        with self._lock:
            now = self._monotonic()
            if self._loaded is not None and now - self._loaded[1] < self._check_seconds:
                return self._loaded[0]
            current = {(item.scope, item.scope_id): item for item in ThresholdModel.query(CURRENT)}
            # The tree only matters once a unit has a threshold of its own (one small scan, then kept).
            parents: dict[str, str | None] = {}
            if any(scope == "unit" for scope, _ in current):
                parents = {unit.unit_id: unit.parent_id
                           for unit in UnitModel.scan(attributes_to_get=["unit_id", "parent_id"])}
            loaded = InForce(current, parents)
            self._loaded = (loaded, now)
            return loaded

    def forget(self) -> None:
        with self._lock:
            self._loaded = None

"""The one place that builds the powertools Logger. Never log bodies, images or embeddings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from aws_lambda_powertools import Logger


@cache
def get_logger() -> Logger:
    return Logger(service="chamcong")


class Stopwatch:
    """Milliseconds per named stage of one request (logged, and read by the benchmark)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}

    @contextmanager
    def lap(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.laps[name] = self.laps.get(name, 0.0) + (time.perf_counter() - started) * 1000.0

    def rounded(self) -> dict[str, float]:
        return {name: round(ms, 1) for name, ms in self.laps.items()}

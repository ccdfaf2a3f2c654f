"""The one place that builds the powertools Logger and emits metrics. Never log bodies, images or embeddings.

Metrics are CloudWatch embedded-metric-format lines written to stdout (CloudWatch turns them into metrics
without any API call). Each is emitted on its own with `single_metric`, so nothing is buffered across the
requests a warm function serves, or across the threads of the local server.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

NAMESPACE = "Chamcong"


# Libraries that log whole requests at DEBUG (an embedding, a device secret, a password hash travel in them):
# never below WARNING, whatever level someone sets for the root logger while investigating.
_VERBOSE_LIBRARIES = ("botocore", "boto3", "pynamodb", "urllib3", "s3transfer")


@cache
def get_logger() -> Logger:
    for name in _VERBOSE_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    return Logger(service="chamcong")


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """One count, e.g. count("Recognitions", result="matched")."""
    _emit(name, MetricUnit.Count, value, dimensions)


def milliseconds(name: str, value: float, **dimensions: str) -> None:
    _emit(name, MetricUnit.Milliseconds, value, dimensions)


def _emit(name: str, unit: MetricUnit, value: float, dimensions: dict[str, str]) -> None:
    # Powertools' single_metric ignores POWERTOOLS_METRICS_DISABLED (its Metrics class honours it): honour it here.
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").strip().lower() in ("1", "true", "yes", "on"):
        return
    with single_metric(name=name, unit=unit, value=value, namespace=NAMESPACE) as metric:
        for key, dimension in dimensions.items():
            metric.add_dimension(name=key, value=dimension)


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

    def total(self) -> float:
        return sum(self.laps.values())

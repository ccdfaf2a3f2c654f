"""Fuzzing is part of the suite: a bounded, seeded schemathesis pass over every operation of the served contract.

`python -m tests.fuzz.harness --budget short` runs against a local stack in its own process, signed in as the
system admin, and fails on any server error, response that does not match its schema, undocumented status code
or content type, accepted invalid input, or wrong answer to an unsupported method. It is started when the suite
is collected and runs beside the other tests (tests/fuzz/background.py); this test, run last, reads its outcome.
The distinct failures, grouped by check and operation, are in the assertion message and in
out/fuzz-short/failures.txt. `make fuzz` runs the same for longer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fuzz import background

pytestmark = pytest.mark.slow


def test_a_bounded_fuzz_pass_finds_no_failure(models_dir: Path) -> None:
    finished = background.finish(models_dir)
    first = finished.report.splitlines()[0] if finished.report else ""
    covered = re.search(r"(\d+) cases over (\d+)/(\d+) operations; (\d+) distinct failures", first)
    assert covered is not None, finished.output[-3000:]
    cases, tested, total, failures = (int(group) for group in covered.groups())
    assert cases > 0 and tested == total > 0, finished.report
    assert failures == 0 and finished.exit_code == 0, finished.report

"""Fuzzing is part of the suite: a bounded, seeded schemathesis pass over every operation of the served contract.

It runs `tests/fuzz/harness.py` against a local stack in its own process (`python -m infra.local_stack serve`),
signed in as the system admin, and fails on any server error, response that does not match its schema, undocumented
status code or content type, accepted invalid input, or wrong answer to an unsupported method. The distinct
failures, grouped by check and operation, are in the assertion message and in out/fuzz-short/failures.txt.
`make fuzz` runs the same for longer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fuzz.harness import BUDGETS, REPO, local_stack, prepare, run_schemathesis

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def fuzzed_stack(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_stack(models_dir, tmp_path_factory.mktemp("fuzz-stack")) as api_url:
        yield api_url


def test_a_bounded_fuzz_pass_finds_no_failure(fuzzed_stack: str) -> None:
    outcome = run_schemathesis(fuzzed_stack, prepare(fuzzed_stack), BUDGETS["short"], REPO / "out" / "fuzz-short")
    print(outcome.report())
    assert outcome.cases > 0 and outcome.operations_tested == outcome.operations_total > 0, outcome.report()
    assert not outcome.failures and not outcome.errors and outcome.exit_code == 0, outcome.report()

"""The bounded fuzz pass runs beside the rest of the suite, in its own processes, and is checked last.

It needs a local stack and schemathesis, each busy on one core while the in-process tests use the other;
started when the suite is collected (tests/conftest.py) and read by tests/fuzz/test_fuzz.py at the end, it
costs the suite little wall-clock time. Run alone, the test starts it and waits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "out" / "fuzz-short"
TIMEOUT = 900  # seconds: the harness stops schemathesis itself well before (the short budget's timeout)


@dataclass
class Finished:
    exit_code: int
    output: str
    report: str


_running: subprocess.Popen[str] | None = None


def start(models_dir: Path) -> None:
    """Start `python -m tests.fuzz.harness --budget short` once per session."""
    global _running
    if _running is not None:
        return
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "failures.txt").unlink(missing_ok=True)
    log = (OUT / "harness.log").open("w")
    _running = subprocess.Popen(
        [sys.executable, "-m", "tests.fuzz.harness", "--budget", "short", "--out", str(OUT),
         "--models-dir", str(models_dir)],
        cwd=REPO, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT, text=True)


def finish(models_dir: Path) -> Finished:
    start(models_dir)
    assert _running is not None
    try:
        exit_code = _running.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _running.kill()
        exit_code = _running.wait()
    output = (OUT / "harness.log").read_text(errors="replace")
    summary = OUT / "failures.txt"
    return Finished(exit_code, output, summary.read_text() if summary.exists() else "(no report written)")


def stop() -> None:
    """At the end of a session whose fuzz test was deselected or never reached."""
    if _running is not None and _running.poll() is None:
        _running.terminate()
        try:
            _running.wait(timeout=60)
        except subprocess.TimeoutExpired:
            _running.kill()

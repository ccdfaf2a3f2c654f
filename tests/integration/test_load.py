"""`make load` keeps working: a short morning rush on the local stack, and how it reads the server's timings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import parse_server_timing

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("header", "expected"), [
    ("decode;dur=0.4, detect;dur=2.4, record;dur=8.1, total;dur=24.5",
     {"decode": 0.4, "detect": 2.4, "record": 8.1, "total": 24.5}),
    ('auth;desc="device, cached";dur=0.1,total;dur=3', {"auth": 0.1, "total": 3.0}),
    ("cache, miss;desc=x, bad;dur=x", {}),  # no duration: nothing to add up
    (None, {}),  # a server without the header
])
def test_server_timing_is_read_as_milliseconds_per_stage(header: str | None, expected: dict[str, float]) -> None:
    assert parse_server_timing(header) == expected


def test_a_short_rush_loses_nothing_doubles_nothing_and_the_day_shows_who_came(models_dir: Path,
                                                                              faces_dir: Path) -> None:
    # GIVEN a unit of 40 staff, those with photos in faces-dev enrolled, one lobby device
    # WHEN 20 people arrive in bursts of 10, 3 crops each, a quarter of the captures sent twice at once
    # (p99 is the coordinator's figure on a quiet machine; here only that it is measured)
    finished = subprocess.run(
        [sys.executable, "-m", "bench.load", "--arrivals", "20", "--staff", "40", "--duplicates", "0.25",
         "--photos", str(faces_dir), "--models-dir", str(models_dir), "--goal-p99-ms", "600000"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "POWERTOOLS_LOG_LEVEL": "ERROR"})
    out = finished.stdout
    # THEN every capture got its answer once, the day agrees with the answers, and the figures are printed
    assert finished.returncode == 0, out[-3000:] + finished.stderr[-3000:]
    assert re.search(r"arrivals \(captures\)\s+20 in bursts of 10, 3 crop\(s\) each; [1-9]\d* sent twice", out), out
    for figure in ("errors (non-2xx, not 'retry me')", "lost (no 2xx in the end)", "counted twice"):
        assert re.search(re.escape(figure) + r"\s+0\s*$", out, re.MULTILINE), (figure, out)
    assert "every answer, capture record, event and the unit's day agree" in out
    assert re.search(r"latency ms p50 / p95 / p99 / max\s+\d+ / \d+ / \d+ / \d+", out), out
    assert len(re.findall(r"^(?:[1-9]|10)\s+\d+\s+\d+\s+\d+\s+\d+\s*$", out, re.MULTILINE)) == 10, out


def test_the_server_s_time_is_split_into_compute_storage_and_the_rest(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.load import Arrival, Request, Run, Sent, report

    # GIVEN 10 answers of 100 ms whose Server-Timing says 20 ms of compute and 30 ms of storage
    run = Run(seconds=1.0)
    arrival = Arrival(0, "c0", "s1", "2026-12-02T07:00:00+07:00", (b"jpeg",), b"{}", twice=False)
    run.sent.append(Sent(arrival, answers=[{"result": "matched", "staff_id": "s1", "recorded": True}],
                         statuses=[200]))
    timing = parse_server_timing("auth;dur=5, decode;dur=2, detect;dur=8, align_embed;dur=10, gallery;dur=1, "
                                 "record;dur=24, total;dur=50")
    run.requests = [Request(n / 10, 100.0, 200, None, timing) for n in range(10)]
    # WHEN the figures are printed
    met = report(run, 1, 10, 3, [], 0)
    out = capsys.readouterr().out
    # THEN the split tells the product's compute from the stand-in's storage and from HTTP and queueing
    assert met
    assert re.search(r"of which compute\s+20\.0\s+20 %", out), out
    assert re.search(r"of which storage\s+30\.0\s+30 %", out), out
    assert re.search(r"rest: HTTP, queueing\s+50\.0\s+50 %", out), out

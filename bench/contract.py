"""`make bench`: what checking every answer against its declared response model costs per request.

The router validates each JSON answer with the route's pydantic model before sending it (and refuses, in
strict mode, anything the contract does not describe). This measures that check on answers of realistic
size — a unit's working day of 50 people with evidence links, a list of 200 accounts, a recognition — next
to what serialising the same answer to JSON costs anyway. It prints a table; it is not a test.

python -m bench.contract [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from chamcong.schemas.accounts import AccountList
from chamcong.schemas.attendance import UnitDays
from chamcong.schemas.devices import RecognitionResponse


def _unit_days(people: int) -> dict[str, Any]:
    evidence = {"event": "check_in", "captured_at_local": "2026-11-20T07:41:10+07:00", "device_id": "dev_0123456789",
                "capture_id": "cam1-000001", "snapshot_url": "https://bucket.s3.amazonaws.com/snapshots/" + "x" * 400,
                "snapshot_url_expires_at": "2026-11-20T07:46:10+07:00"}
    row = {"staff_id": "stf_0123456789abcdef0123", "full_name": "Nguyễn Thị Hoà", "date": "2026-11-20",
           "status": "late", "flags": ["late", "left_early"], "check_in": "07:41:10", "check_out": "16:38:22",
           "late_minutes": 12, "early_minutes": 22, "holiday": None, "evidence": evidence, "absence_id": None,
           "correction_id": None, "status_before_correction": None}
    return {"unit_id": "unit_0123456789", "date": "2026-11-20", "days": [dict(row) for _ in range(people)]}


def _accounts(count: int) -> dict[str, Any]:
    account = {"username": "can.bo", "display_name": "Trần Văn Bình", "unit_id": "unit_0123456789",
               "staff_id": "stf_0123", "grants": [{"role": "staff", "unit_id": "unit_0123456789"}],
               "status": "active", "lock_reason": None, "must_change_password": False, "password_deadline": None,
               "password_changed_at": "2026-11-20T07:41:10+07:00", "blocked_until": None,
               "created_at": "2026-11-20T07:41:10+07:00", "created_by": "admin"}
    return {"accounts": [dict(account) for _ in range(count)]}


def _recognition() -> dict[str, Any]:
    return {"capture_id": "cam1-000001", "result": "matched", "staff_id": "stf_0123", "full_name": "Nguyễn Thị Hoà",
            "similarity": 0.7743, "event": "check_in", "recorded": True,
            "captured_at_local": "2026-11-20T07:31:00+07:00",
            "display_message": "Xin chào Nguyễn Thị Hoà — đã ghi nhận giờ đến 07:31."}


def _median_us(work: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.contract", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    cases: list[tuple[str, type[BaseModel], dict[str, Any]]] = [
        ("recognition answer", RecognitionResponse, _recognition()),
        ("unit day, 50 people", UnitDays, _unit_days(50)),
        ("200 accounts", AccountList, _accounts(200)),
    ]
    print("\nResponse validation per request (median µs; json.dumps is what sending it costs anyway)")
    print(f"{'answer':<22} {'bytes':>8} {'validate':>10} {'json.dumps':>11} {'ratio':>6}")
    for name, model, body in cases:
        model.model_validate(body)  # warm up, and fail loudly if the sample drifted from the model
        validate = _median_us(lambda m=model, b=body: m.model_validate(b), args.repeats)  # type: ignore[misc]
        dump = _median_us(lambda b=body: json.dumps(b, ensure_ascii=False), args.repeats)  # type: ignore[misc]
        size = len(json.dumps(body, ensure_ascii=False).encode())
        print(f"{name:<22} {size:>8} {validate:>10.0f} {dump:>11.0f} {validate / dump:>6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

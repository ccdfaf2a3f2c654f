"""`python -m bench.today`: what the Today and Charts answers cost for a unit of 200 people.

A fresh product on moto, in this process, driven through the real chalice app (auth, validation, contract
check included). One unit of 200 people under a district; a month of check-ins and check-outs up to Friday
20 November 2026 09:00, some late, ten on leave, three spoof attempts. Rows are written straight to the tables:
this measures reading, not recognition. It prints, per route, the median wall time in process, the part of it
spent outside DynamoDB (moto emulates a query slowly: seconds for a month of a unit's events), the number of
DynamoDB calls (each a round trip of a few ms on real DynamoDB, ~100 ms per 1 MB page) and the answer's size.
It prints a table; it is not a test.

python -m bench.today [--people 200] [--repeats 5]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # Friday 09:00 at the site
PASSWORD = "Quản-trị-2026!"  # noqa: S105 - the bootstrap admin of a throw-away moto account


@contextmanager
def product(models_dir: Path) -> Iterator[Any]:
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_REGION", "ap-southeast-1"), ("AWS_DEFAULT_REGION", "ap-southeast-1"),
                        ("EMBEDDING_MODEL", "mobilefacenet_128d"), ("STRICT_CONTRACT", "true")):
        os.environ[name] = value
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    import app as api_module
    from chamcong.container import Container, set_container
    from chamcong.services.auth import ensure_bootstrap_admin
    from chamcong.settings import Settings
    from infra.provision import provision

    with mock_aws():
        settings = Settings()
        provision(boto3.session.Session(), settings, models_dir)
        set_container(Container(settings, clock=lambda: NOW))
        ensure_bootstrap_admin(PASSWORD)
        with Client(api_module.app) as client:
            yield client


def populate(people: int, seed: int = 7) -> str:
    from chamcong.store.models.absences import AbsenceModel
    from chamcong.store.models.attendance import EventModel
    from chamcong.store.models.devices import SpoofModel
    from chamcong.store.models.staff import StaffModel
    from chamcong.store.models.units import UnitModel

    rng = random.Random(seed)
    UnitModel("unit_district", name="UBND huyện Đà Bắc").save()
    UnitModel("unit_big", name="Trường THCS Đà Bắc", parent_id="unit_district").save()
    staff = [f"stf_{n:04d}" for n in range(people)]
    with StaffModel.batch_write() as batch:
        for n, staff_id in enumerate(staff):
            batch.save(StaffModel(staff_id, unit_id="unit_big", full_name=f"Nguyễn Văn Người {n:03d}"))
    days = [date(2026, 11, d) for d in range(2, 21) if date(2026, 11, d).weekday() < 5]
    with EventModel.batch_write() as batch:
        for day in days:
            for staff_id in staff:
                if rng.random() < 0.05:
                    continue  # not seen that day
                arrival = datetime.combine(day, datetime.min.time(), tzinfo=HCM) + timedelta(
                    hours=6, minutes=rng.randint(45, 104), seconds=rng.randint(0, 59))  # 06:45–07:44: 1 in 4 late
                moments = [("check_in", arrival)]
                if day < days[-1]:
                    moments.append(("check_out", arrival.replace(hour=17, minute=rng.randint(0, 40))))
                for kind, local in moments:
                    capture = f"{staff_id}-{day:%m%d}-{kind}"
                    batch.save(EventModel(staff_id, EventModel.key(local, "dev_big", capture), unit_id="unit_big",
                                          event_type=kind, local_date=day.isoformat(),
                                          captured_at=local.astimezone(UTC), captured_at_local=local.isoformat(),
                                          device_id="dev_big", capture_id=capture, similarity=0.8,
                                          snapshot_key=EventModel.snapshot_key_for(local, "dev_big", capture)))
    for staff_id in staff[:10]:
        AbsenceModel(staff_id, f"abs_{staff_id}", unit_id="unit_big", kind="leave", first_day="2026-11-19",
                     last_day="2026-11-20", reason="Nghỉ phép năm", created_by="bench").save()
    for n in range(3):
        local = datetime(2026, 11, 20, 7, 10 + n, tzinfo=HCM)
        SpoofModel("2026-11-20", SpoofModel.key(local, "dev_big", f"spoof-{n}"), unit_id="unit_big",
                   device_id="dev_big", device_name="Camera cổng trường", capture_id=f"spoof-{n}",
                   captured_at=local.astimezone(UTC), captured_at_local=local.isoformat(), liveness=-1.2, frames=3,
                   snapshot_keys=[SpoofModel.snapshot_key_for(local, "dev_big", f"spoof-{n}", f) for f in range(3)],
                   resembles_staff_id=staff[n], resembles_name=f"Nguyễn Văn Người {n:03d}", similarity=0.7,
                   expires_at=int(NOW.timestamp()) + 86400).save()
    return "unit_big"


def measure(client: Any, token: str, path: str, repeats: int) -> tuple[float, float, int, int]:
    """Median wall ms, median ms of it spent outside DynamoDB (moto), DynamoDB calls, bytes of the answer."""
    from pynamodb.connection.base import Connection

    original = Connection._make_api_call
    calls, in_store = 0, 0.0

    def counted(self: Any, operation: str, kwargs: dict[str, Any]) -> Any:
        nonlocal calls, in_store
        calls += 1
        started = time.perf_counter()
        try:
            return original(self, operation, kwargs)
        finally:
            in_store += time.perf_counter() - started

    totals, own, size = [], [], 0
    with mock.patch.object(Connection, "_make_api_call", counted):
        for _ in range(repeats):
            calls, in_store = 0, 0.0
            started = time.perf_counter()
            reply = client.http.get(path, headers={"Authorization": f"Bearer {token}"})
            elapsed = time.perf_counter() - started
            assert reply.status_code == 200, reply.body
            totals.append(elapsed * 1000)
            own.append((elapsed - in_store) * 1000)
            size = len(reply.body)
    return statistics.median(totals), statistics.median(own), calls, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.today", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.people < 1 or args.repeats < 1:
        parser.error("--people and --repeats must be at least 1")
    import json

    logging.getLogger("chamcong").setLevel(logging.WARNING)  # one log line per request would drown the table
    with product(Path(os.environ.get("MODELS_DIR", SHARED / "models"))) as client:
        started = time.perf_counter()
        unit_id = populate(args.people)
        print(f"populated {args.people} people, a month of events, in {time.perf_counter() - started:.1f} s")
        login = client.http.post("/v1/auth/login", headers={"Content-Type": "application/json"},
                                 body=json.dumps({"username": "admin", "password": PASSWORD}).encode())
        token = json.loads(login.body)["token"]
        print(f"\nGET answers for a unit of {args.people} people (median of {args.repeats}, in process, on moto)")
        print(f"{'route':<58} {'total ms':>9} {'ms without moto':>16} {'DynamoDB calls':>15} {'bytes':>8}")
        for path in ("/v1/attendance/overview?date=2026-11-20",
                     f"/v1/attendance/days?unit_id={unit_id}&date=2026-11-20",
                     "/v1/attendance/spoofs?date=2026-11-20",
                     "/v1/attendance/stats?month=2026-11"):
            total, own, calls, size = measure(client, token, path, args.repeats)
            print(f"{path:<58} {total:>9.0f} {own:>16.0f} {calls:>15} {size:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

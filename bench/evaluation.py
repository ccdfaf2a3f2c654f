"""`python -m bench.evaluation`: a district's monthly evaluation — 2,000 people in 100 units — computed and reported
in ONE invocation (the inline mode), on the local stack (moto server over HTTP, as `make serve` runs it).

The month (October 2026) is seeded straight into the tables (batch writes, timed apart): the units and their people
(one leader each), every working day's check-in and check-out (some late, some early, a few days missing), and ten
e-office tasks per person (most done on time, some late, some open). Then the run as the scheduler makes it on the
first working day of November (`monthly_reports.run_month`, as the system): every unit's drafts computed by the
evaluation service (`services.evaluations.compute_unit`), every unit's report and the district summary composed
with their XLSX, archived and sent. The goal: ≤ 60 s. It prints figures; it is not a test.

Without the evaluation service in the build (`chamcong.services.evaluations`), nothing can compute the drafts: the
evaluations are then seeded as stored drafts and only the report is timed (the output says so).

python -m bench.evaluation [--units 100] [--people 20] [--tasks 10]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.tables import print_table
from infra.local_stack import DEFAULT_MODELS_DIR, free_port, running_stack

MONTH = "2026-10"
RUN_AT = datetime(2026, 11, 2, 0, 30, tzinfo=UTC)  # 07:30 on Monday 2 November, the first working day
ADMIN_PASSWORD = "bench-evaluation-admin-password"  # noqa: S105 - a throwaway local account
ZONE_OFFSET = timedelta(hours=7)


def _working_days() -> list[date]:
    first = date(2026, 10, 1)
    return [first + timedelta(days=n) for n in range(31) if (first + timedelta(days=n)).weekday() < 5]


def _local(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=UTC) - ZONE_OFFSET


class Requests:
    """AWS requests made by this process (DynamoDB, S3, SES …), counted and timed per operation by wrapping botocore's
    one call path (the bench only). A DynamoDB query names its index ("Query by_unit"): moto answers a query on an
    index by scanning the whole table, DynamoDB by reading the index's partition."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.seconds: dict[tuple[str, str], float] = defaultdict(float)
        self.phase = "report"  # what the run is doing: "compute" (a unit's drafts) or "report" (all else)
        self.lock = threading.Lock()

    @contextmanager
    def counting(self) -> Iterator[None]:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        requests = self

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            name = requests.phase, f"{client.meta.service_model.service_name} {operation}"
            if params.get("TableName"):
                name = name[0], f"{name[1]} {params['TableName'].rsplit('-', 1)[-1]}"
            if params.get("IndexName"):
                name = name[0], f"{name[1]}.{params['IndexName']}"
            started = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                with requests.lock:
                    requests.calls[name] += 1
                    requests.seconds[name] += time.perf_counter() - started

        BaseClient._make_api_call = counted
        try:
            yield
        finally:
            BaseClient._make_api_call = original

    @contextmanager
    def computing(self) -> Iterator[None]:
        self.phase = "compute"
        try:
            yield
        finally:
            self.phase = "report"

    def on_indexes(self) -> tuple[int, float]:
        """The queries on an index: how many, and the time they took (on moto, a scan of the whole table each)."""
        keys = [key for key in self.calls if key[1].startswith("dynamodb Query ") and "." in key[1]]
        return sum(self.calls[key] for key in keys), sum(self.seconds[key] for key in keys)

    def rows(self) -> list[list[object]]:
        """phase, operation, requests, seconds (as the client waited: moto's work included), most time first."""
        return [[phase, name, self.calls[(phase, name)], f"{self.seconds[(phase, name)]:.1f} s"]
                for phase, name in sorted(self.calls, key=lambda key: -self.seconds[key])]


def seed(units: int, people: int, tasks: int, drafts: bool) -> int:
    """The district's month; returns how many people. `drafts`: also store an evaluation per person (when nothing
    can compute them)."""
    from chamcong.store.models import EventModel, StaffModel, TaskModel, UnitModel
    from chamcong.store.models.evaluations import EvaluationModel

    days = _working_days()
    with UnitModel.batch_write() as unit_batch, StaffModel.batch_write() as staff_batch, \
            EventModel.batch_write() as event_batch, TaskModel.batch_write() as task_batch, \
            EvaluationModel.batch_write() as evaluation_batch:
        unit_batch.save(UnitModel("u_district", name="UBND huyện Thử Nghiệm"))
        for u in range(units):
            unit_id = f"u_{u:03d}"
            unit_batch.save(UnitModel(unit_id, name=f"Phòng {u:03d}", parent_id="u_district",
                                      report_recipients=[f"lanhdao{u}@example.gov.vn"]))
            for p in range(people):
                staff_id = f"s_{u:03d}_{p:02d}"
                leads: dict[str, Any] = {"is_leader": p == 0} if hasattr(StaffModel, "is_leader") else {}
                staff_batch.save(StaffModel(staff_id, unit_id=unit_id, full_name=f"Cán bộ {u:03d} {p:02d}", **leads))
                for n, day in enumerate([] if drafts else days):  # nothing reads them without the compute
                    if (p + n) % 17 == 0:
                        continue  # a missing day
                    arrive = "07:35" if (p + n) % 7 == 0 else "07:20"
                    leave = "16:50" if (p + n) % 11 == 0 else "17:05"
                    for kind, hhmm in (("check_in", arrive), ("check_out", leave)):
                        at = _local(day, hhmm)
                        local = at + ZONE_OFFSET
                        capture = f"cap_{staff_id}_{day:%d}_{kind}"
                        event_batch.save(EventModel(
                            staff_id, EventModel.key(local, "dev_bench", capture), unit_id=unit_id, event_type=kind,
                            local_date=day.isoformat(), captured_at=at, captured_at_local=local.isoformat(),
                            device_id="dev_bench", capture_id=capture, similarity=0.8,
                            snapshot_key=EventModel.snapshot_key_for(local, "dev_bench", capture)))
                for t in range(0 if drafts else tasks):
                    external_id = f"{staff_id}-{t}"
                    assigned = _local(days[t * 2 % len(days)], "08:00")
                    due = assigned + timedelta(days=3)
                    status = "done" if (p + t) % 6 else "in_progress"
                    done = (due + timedelta(days=1 if (p + t) % 5 == 0 else -1)) if status == "done" else None
                    local_day = (assigned + ZONE_OFFSET).date()
                    task_batch.save(TaskModel(
                        TaskModel.partition_of("c_bench"), external_id, client_id="c_bench", external_id=external_id,
                        staff_id=staff_id, unit_id=unit_id, employee_code=staff_id,
                        assigned_key=TaskModel.assigned_key_of(local_day, "c_bench", external_id),
                        title=f"Văn bản {external_id}", assigned_at=assigned, due_at=due, completed_at=done,
                        status=status, content={}, content_hash="-", revision=1))
                if drafts:
                    total = 45 + (p * 37 + u * 11) % 55
                    grade = ("excellent" if total >= 90 else "good" if total >= 70 else
                             "completed" if total >= 50 else "not_completed")
                    evaluation_batch.save(EvaluationModel(
                        staff_id, MONTH, unit_id=unit_id, unit_month=EvaluationModel.unit_month_of(unit_id, MONTH),
                        full_name=f"Cán bộ {u:03d} {p:02d}", state="draft", ruleset_id="nd335-2025",
                        ruleset_version=1, total=f"{total}.00", grade=grade,
                        computed={"general": {"points": "25.00", "criteria": []},
                                  "tasks": {"quantity_percent": "90.00", "quality_percent": "95.00",
                                            "timeliness_percent": "80.00", "points": f"{total - 25}.00"},
                                  "unit": None, "disqualified_by": []}))
    return units * people


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluation", description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--people", type=int, default=20, help="staff per unit (the first leads it)")
    parser.add_argument("--tasks", type=int, default=10, help="e-office tasks per person in the month")
    args = parser.parse_args(argv)
    os.environ["HOME_AFFAIRS_RECIPIENTS"] = "phong-noi-vu@example.gov.vn"  # read by the stack's settings
    try:
        evaluations: Any = importlib.import_module("chamcong.services.evaluations")
        computes = hasattr(evaluations, "compute_unit")
    except ModuleNotFoundError:
        computes = False
    with tempfile.TemporaryDirectory() as out, \
            running_stack(free_port(), DEFAULT_MODELS_DIR, Path(out), ADMIN_PASSWORD, access_log=False):
        from chamcong.access import Access
        from chamcong.container import get_container
        from chamcong.services import monthly_reports

        container = get_container()
        container.clock = lambda: RUN_AT
        started = time.perf_counter()
        people = seed(args.units, args.people, args.tasks, drafts=not computes)
        seeded = time.perf_counter() - started
        requests = Requests()
        computing = [0.0]
        compute_drafts = monthly_reports.compute_drafts

        def timed_compute(container: Any, unit_id: str, month: str) -> Any:  # the compute's share of the run
            begun = time.perf_counter()
            with requests.computing():
                computed = compute_drafts(container, unit_id, month)
            computing[0] += time.perf_counter() - begun
            return computed

        monthly_reports.compute_drafts = timed_compute
        started = time.perf_counter()
        with requests.counting():
            result: dict[str, Any] = monthly_reports.run_month(container, Access.system(), MONTH, mode="inline")
        took = time.perf_counter() - started
        monthly_reports.compute_drafts = compute_drafts
        sent = [r for r in result["reports"] if r["status"] == "sent"]
        if len(sent) != args.units + 1:
            print(f"not every report was sent: {len(sent)} of {args.units + 1}", file=sys.stderr)
            return 1
        indexed, indexed_seconds = requests.on_indexes()
        what = ("compute every draft + every unit's report + the district summary" if computes else
                "every unit's report + the district summary (NO compute: the evaluation service is not in this "
                "build; drafts seeded)")
        print_table("The monthly evaluation of a district in one invocation, on the local stack (goal ≤ 60 s)",
                    ["figure", "value"], [
                        ["units / people / tasks per person", f"{args.units} / {people} / {args.tasks}"],
                        ["seeding (batch writes, not the run)", f"{seeded:.1f} s"],
                        [what, f"{took:.1f} s"],
                        ["  of which computing the drafts (compute_unit per unit)", f"{computing[0]:.1f} s"],
                        ["  of which the reports (read, compose, archive, send)", f"{took - computing[0]:.1f} s"],
                        ["AWS requests (DynamoDB, S3, SES)", str(sum(requests.calls.values()))],
                        ["  of which queries on an index (moto scans the whole table for each, DynamoDB reads "
                         "the index's partition)", f"{indexed} taking {indexed_seconds:.1f} s"],
                        ["the run without those index queries' time", f"{took - indexed_seconds:.1f} s"],
                    ])
        print_table("The run's requests per operation (time as the client waited, the local stand-in's work "
                    "included)", ["phase", "operation", "requests", "time"], requests.rows())
    return 0


if __name__ == "__main__":
    sys.exit(main())

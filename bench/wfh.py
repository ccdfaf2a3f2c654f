"""`python -m bench.wfh`: the 17:00 work-from-home summary for 2,000 people at home across 100 units.

On the local stack (moto server over HTTP, the API as `make serve` runs it). The day is seeded straight into the
tables (batch writes): 100 units of 40 people, 20 of each on the roster of Friday 20 November 2026, three tasks
each (one assigned that day and done, one assigned that day and open, one assigned earlier and due that day), and
a few noise tasks that do not count. Then the 17:00 report is run as the scheduler runs it (`wfh_reports.run`, as
the system): the roster, the day rules and each person's tasks read, the summary composed with its XLSX, archived
and sent. Seeding time is printed apart from the report's. It prints figures; it is not a test.

python -m bench.wfh [--units 100] [--people 40]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.tables import print_table
from infra.local_stack import DEFAULT_MODELS_DIR, free_port, running_stack

DAY = date(2026, 11, 20)  # a Friday, a working day
ADMIN_PASSWORD = "bench-wfh-admin-password"  # noqa: S105 - a throwaway local account


def _utc(local_hhmm: str, day: date = DAY) -> datetime:
    hours, minutes = (int(part) for part in local_hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=UTC) - timedelta(hours=7)


def seed(units: int, people: int) -> int:
    """The day's units, staff, rosters and tasks; returns how many people are at home."""
    from chamcong.store.models import RosterModel, StaffModel, TaskModel, UnitModel

    at_home = 0
    with UnitModel.batch_write() as unit_batch, StaffModel.batch_write() as staff_batch, \
            RosterModel.batch_write() as roster_batch, TaskModel.batch_write() as task_batch:
        unit_batch.save(UnitModel("u_district", name="UBND tỉnh Thử Nghiệm"))
        for u in range(units):
            unit_id = f"u_{u:03d}"
            unit_batch.save(UnitModel(unit_id, name=f"Đơn vị {u:03d}", parent_id="u_district",
                                      report_recipients=[f"lanhdao{u}@example.gov.vn"]))
            home = []
            for p in range(people):
                staff_id = f"s_{u:03d}_{p:02d}"
                staff_batch.save(StaffModel(staff_id, unit_id=unit_id, full_name=f"Cán bộ {u:03d} {p:02d}"))
                if p < people // 2:
                    home.append(staff_id)
            roster_batch.save(RosterModel(unit_id, RosterModel.day_key(DAY), day=DAY.isoformat(), staff_ids=home,
                                          updated_by="bench"))
            at_home += len(home)
            for n, staff_id in enumerate(home):
                for external_id, assigned, due, done, status in (
                        (f"{staff_id}-a", _utc("08:00"), None, _utc("10:00") if n % 5 else None,
                         "done" if n % 5 else "assigned"),
                        (f"{staff_id}-b", _utc("09:00"), None, None, "in_progress"),
                        (f"{staff_id}-c", _utc("09:00", DAY - timedelta(days=3)), _utc("16:30"), None, "assigned"),
                        (f"{staff_id}-x", _utc("09:00", DAY - timedelta(days=10)),
                         _utc("16:30", DAY + timedelta(days=2)), None, "assigned")):  # due later: not counted
                    local_day = (assigned + timedelta(hours=7)).date()
                    task_batch.save(TaskModel(
                        TaskModel.partition_of("c_bench"), external_id, client_id="c_bench", external_id=external_id,
                        staff_id=staff_id, unit_id=unit_id, employee_code=staff_id,
                        assigned_key=TaskModel.assigned_key_of(local_day, "c_bench", external_id),
                        title=f"Văn bản {external_id}", assigned_at=assigned, due_at=due, completed_at=done,
                        status=status, content={}, content_hash="-", revision=1))
    return at_home


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wfh", description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--people", type=int, default=40, help="staff per unit; half of them at home")
    args = parser.parse_args(argv)
    os.environ["PROVINCE_RECIPIENTS"] = "ubnd-tinh@example.gov.vn"  # read by the stack's settings
    with tempfile.TemporaryDirectory() as out, \
            running_stack(free_port(), DEFAULT_MODELS_DIR, Path(out), ADMIN_PASSWORD, access_log=False):
        from chamcong.access import Access
        from chamcong.container import get_container
        from chamcong.services import wfh_reports

        container = get_container()
        started = time.perf_counter()
        at_home = seed(args.units, args.people)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        result: dict[str, Any] = wfh_reports.run(container, Access.system(), DAY, "province")
        took = time.perf_counter() - started
        sent = [r for r in result["reports"] if r["status"] == "sent"]
        if len(sent) != 1:
            print(f"the province report was not sent: {result}", file=sys.stderr)
            return 1
        print_table("The 17:00 work-from-home summary on the local stack", ["figure", "value"], [
            ["units / people at home", f"{args.units} / {at_home}"],
            ["seeding (batch writes, not the report)", f"{seeded:.1f} s"],
            ["17:00 province report: read, compose, archive, send", f"{took:.1f} s"],
        ])
    return 0


if __name__ == "__main__":
    sys.exit(main())

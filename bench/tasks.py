"""`python -m bench.tasks`: what a 500-task batch from the e-office system costs, through the local HTTP stack.

A fresh local stack (moto server + the chalice app, as `make serve` runs it): a district, a unit of 100 people
with employee codes, an integration client. Then `POST /v1/tasks/batch` with 500 tasks, timed as the client sees
it: the first post (500 created), the identical re-post (500 unchanged: one batched read, no write) and a re-post
with 50 of them completed (50 updated, each keeping its history). Each is repeated over fresh task ids; the
median and p95 over the runs are printed. moto emulates DynamoDB in process, slower per write than the real
service, so the figures are an upper bound of the Lambda's work, without API Gateway's own few ms.
It prints a table; it is not a test.

python -m bench.tasks [--runs 5] [--people 100]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.tables import print_table

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PASSWORD = "bench-admin-password"  # noqa: S105 - a throwaway local stack's admin
TASKS = 500
UPDATED = 50


def _tasks(run: int, people: int, completed: set[int] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    day = f"2026-11-{2 + run % 18:02d}"
    tasks = []
    for n in range(TASKS):
        task: dict[str, Any] = {"external_id": f"R{run}-VB-{n:04d}", "assignee": f"BT{n % people:04d}",
                                "title": f"Xử lý văn bản đến số {n}/UBND", "document_number": f"{n}/UBND-VP",
                                "assigned_at": f"{day}T08:00:00+07:00", "due_at": f"{day}T16:00:00+07:00",
                                "status": "in_progress", "weight": 1.0}
        if n in completed:
            task.update(status="done", completed_at=f"{day}T15:00:00+07:00")
        tasks.append(task)
    return tasks


def _post(session: requests.Session, url: str, key: str, tasks: list[dict[str, Any]]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    reply = session.post(f"{url}/v1/tasks/batch", json={"tasks": tasks}, headers={"Authorization": f"ApiKey {key}"},
                         timeout=300)
    elapsed = (time.perf_counter() - started) * 1000
    if reply.status_code != 200:
        raise RuntimeError(f"POST /v1/tasks/batch: {reply.status_code} {reply.text[:300]}")
    return elapsed, dict(reply.json())


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tasks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get("MODELS_DIR", SHARED / "models")))
    args = parser.parse_args(argv)
    if not args.models_dir.is_dir():
        parser.error(f"not found: {args.models_dir}")
    from infra.local_stack import free_port, running_stack

    timings: dict[str, list[float]] = {"first post (500 created)": [], "identical re-post (500 unchanged)": [],
                                       f"re-post, {UPDATED} completed ({UPDATED} updated)": []}
    with tempfile.TemporaryDirectory(prefix="bench-tasks-") as out, \
            running_stack(free_port(), args.models_dir, Path(out), PASSWORD, access_log=False) as stack:
        url = stack.api_url
        session = requests.Session()
        token = session.post(f"{url}/v1/auth/login", json={"username": "admin", "password": PASSWORD},
                             timeout=30).json()["token"]
        admin = {"Authorization": f"Bearer {token}"}

        def call(path: str, body: dict[str, Any]) -> dict[str, Any]:
            reply = session.post(f"{url}{path}", json=body, headers=admin, timeout=60)
            if reply.status_code >= 300:
                raise RuntimeError(f"POST {path}: {reply.status_code} {reply.text[:300]}")
            return dict(reply.json())

        district = call("/v1/units", {"name": "UBND huyện Đà Bắc"})["unit_id"]
        unit = call("/v1/units", {"name": "Văn phòng HĐND và UBND", "parent_id": district})["unit_id"]
        for n in range(args.people):
            call("/v1/staff", {"full_name": f"Cán bộ số {n}", "unit_id": unit, "employee_code": f"BT{n:04d}"})
        key = str(call("/v1/integrations", {"name": "QLVB đo tải", "unit_id": unit})["key"])
        names = list(timings)
        for run in range(args.runs):
            first = _tasks(run, args.people)
            ms, answer = _post(session, url, key, first)
            assert answer["created"] == TASKS and not answer["rejected"], answer
            timings[names[0]].append(ms)
            ms, answer = _post(session, url, key, first)
            assert answer["unchanged"] == TASKS, answer
            timings[names[1]].append(ms)
            ms, answer = _post(session, url, key, _tasks(run, args.people, set(range(0, TASKS, TASKS // UPDATED))))
            assert answer["updated"] == UPDATED and answer["unchanged"] == TASKS - UPDATED, answer
            timings[names[2]].append(ms)
    print_table(f"POST /v1/tasks/batch, {TASKS} tasks, through the local HTTP stack (moto server + chalice), "
                f"{args.runs} runs, {args.people} assignees",
                ["call", "median ms", "p95 ms", "min ms", "max ms"],
                [[name, f"{statistics.median(values):.0f}", f"{p95(values):.0f}", f"{min(values):.0f}",
                  f"{max(values):.0f}"] for name, values in timings.items()])
    return 0


if __name__ == "__main__":
    sys.exit(main())

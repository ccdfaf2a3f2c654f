"""The demo's afternoon reports: run the 16:00 and the 17:00 work-from-home reports of a day through the API.

`run_wfh_reports(api, day)` posts `POST /v1/reports/wfh/run` for "units" then "province" with the demo's signed-in
admin session (`infra.demo.run.Api`); the e-mails land in the local stack's mail folder with their XLSX. The
roster and the tasks must be in place first (PUT /v1/units/{id}/roster/{date}, POST /v1/tasks/batch). In the same
process as the stack, `chamcong.services.wfh_reports.run_both(container, day)` does the same as the system.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol


class _Api(Protocol):
    def call(self, method: str, path: str, expected: int, **kwargs: object) -> dict[str, object]: ...


def run_wfh_reports(api: _Api, day: date) -> dict[str, Any]:
    """{"units": the 16:00 run's answer, "province": the 17:00 run's}: what was sent, to whom, or why nothing."""
    return {kind: api.call("POST", "/v1/reports/wfh/run", 200, json={"date": day.isoformat(), "kind": kind})
            for kind in ("units", "province")}

"""The daily reports: run a day again."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.reports import DailyReportRun, RunDailyReport
from chamcong.services import reports

routes = Routes("reports", "Báo cáo — the daily reports")


@routes.route("/v1/reports/daily/run", "POST", summary="Run a day's morning or evening reports again (sent ones are "
              "not sent twice)", auth="user", permission="reports:run", body=RunDailyReport,
              response=DailyReportRun, errors=("reports_failed",))
def run_daily_report(ctx: RequestContext) -> dict[str, Any]:
    return reports.run_daily(ctx.container, ctx.access, ctx.body.date, ctx.body.kind)

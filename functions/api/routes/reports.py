"""The daily reports: run a day again."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.common import XLSX, FileResult
from chamcong.schemas.reports import DailyReportList, DailyReportRun, ReportsQuery, RunDailyReport
from chamcong.services import reports

routes = Routes("reports", "Báo cáo — the daily reports")


@routes.route("/v1/reports/daily/run", "POST", summary="Run a day's morning or evening reports again (sent ones are "
              "not sent twice)", auth="user", permission="reports:run", body=RunDailyReport,
              response=DailyReportRun, errors=("reports_failed",))
def run_daily_report(ctx: RequestContext) -> dict[str, Any]:
    return reports.run_daily(ctx.container, ctx.access, ctx.body.date, ctx.body.kind)


@routes.route("/v1/reports/daily", "GET", summary="A day's daily reports the caller may read, with download paths",
              auth="user", permission="reports:read", query=ReportsQuery, response=DailyReportList)
def list_daily_reports(ctx: RequestContext) -> dict[str, Any]:
    return reports.list_daily(ctx.container, ctx.access, ctx.query.date)


@routes.route("/v1/reports/daily/{date}/{kind}/{audience}", "GET", summary="An archived daily report as the e-mail "
              "sent (message/rfc822, an .eml file); audience is a unit id or \"district\"", auth="user",
              permission="reports:read", errors=("report_not_found",), produces="message/rfc822")
def download_daily_report(ctx: RequestContext, date: str, kind: str, audience: str) -> FileResult:
    return reports.download_daily(ctx.container, ctx.access, date, kind, audience)


@routes.route("/v1/reports/daily/{date}/{kind}/{audience}/attachment", "GET", summary="The spreadsheet attached to "
              "an archived daily report: an .xlsx laid out like the offices' forms (text/csv for a report archived "
              "before the XLSX)", auth="user", permission="reports:read", errors=("report_not_found",),
              produces=XLSX)
def download_daily_report_attachment(ctx: RequestContext, date: str, kind: str, audience: str) -> FileResult:
    return reports.download_attachment(ctx.container, ctx.access, date, kind, audience)

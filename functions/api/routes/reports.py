"""The daily reports, the afternoon (work-from-home) reports and the monthly evaluation report: run again, read the
archive."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.common import XLSX, FileResult
from chamcong.schemas.reports import (
    DailyReportList,
    DailyReportRun,
    MonthlyReportList,
    MonthlyReportRun,
    MonthlyReportsQuery,
    ReportsQuery,
    RunDailyReport,
    RunMonthlyReport,
    RunWfhReport,
    WfhReportList,
    WfhReportRun,
    WfhReportText,
)
from chamcong.services import monthly_reports, reports, wfh_reports

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


@routes.route("/v1/reports/wfh/run", "POST", summary="Run a day's 16:00 (units) or 17:00 (province) work-from-home "
              "report again (sent ones are not sent twice)", auth="user", permission="reports:run", body=RunWfhReport,
              response=WfhReportRun, errors=("reports_failed",))
def run_wfh_report(ctx: RequestContext) -> dict[str, Any]:
    return wfh_reports.run(ctx.container, ctx.access, ctx.body.date, ctx.body.kind)


@routes.route("/v1/reports/wfh", "GET", summary="A day's afternoon (work-from-home) reports the caller may read, "
              "with download paths", auth="user", permission="reports:read", query=ReportsQuery,
              response=WfhReportList)
def list_wfh_reports(ctx: RequestContext) -> dict[str, Any]:
    return wfh_reports.list_reports(ctx.container, ctx.access, ctx.query.date)


@routes.route("/v1/reports/wfh/{date}/{kind}/{audience}", "GET", summary="An archived afternoon report as the "
              "e-mail sent (.eml); kind is units or province, audience a unit id, district or province", auth="user",
              permission="reports:read", errors=("report_not_found",), produces="message/rfc822")
def download_wfh_report(ctx: RequestContext, date: str, kind: str, audience: str) -> FileResult:
    return wfh_reports.download(ctx.container, ctx.access, date, kind, audience)


@routes.route("/v1/reports/wfh/{date}/{kind}/{audience}/attachment", "GET", summary="The .xlsx attached to an "
              "archived afternoon report, laid out like Appendix 2's form", auth="user", permission="reports:read",
              errors=("report_not_found",), produces=XLSX)
def download_wfh_report_attachment(ctx: RequestContext, date: str, kind: str, audience: str) -> FileResult:
    return wfh_reports.download_attachment(ctx.container, ctx.access, date, kind, audience)


@routes.route("/v1/reports/wfh/{date}/{kind}/{audience}/text", "GET", summary="An archived afternoon report's "
              "subject and plain text", auth="user", permission="reports:read", response=WfhReportText,
              errors=("report_not_found",))
def read_wfh_report_text(ctx: RequestContext, date: str, kind: str, audience: str) -> dict[str, Any]:
    return wfh_reports.text(ctx.container, ctx.access, date, kind, audience)


@routes.route("/v1/reports/monthly/run", "POST", summary="Compute the month's missing drafts and send its evaluation "
              "reports (each unit's leaders, Home Affairs); sent ones are not sent twice", auth="user",
              permission="reports:run", body=RunMonthlyReport, response=MonthlyReportRun,
              errors=("reports_failed", "report_month_not_ended", "report_not_found", "ruleset_not_found"))
def run_monthly_report(ctx: RequestContext) -> dict[str, Any]:
    return monthly_reports.run_month(ctx.container, ctx.access, ctx.body.month)


@routes.route("/v1/reports/monthly", "GET", summary="A month's evaluation reports the caller may read, with download "
              "paths", auth="user", permission="reports:read", query=MonthlyReportsQuery, response=MonthlyReportList)
def list_monthly_reports(ctx: RequestContext) -> dict[str, Any]:
    return monthly_reports.list_monthly(ctx.container, ctx.access, ctx.query.month)


@routes.route("/v1/reports/monthly/{month}/{audience}", "GET", summary="An archived monthly evaluation report as "
              "the e-mail sent (.eml: HTML, plain text, the .xlsx); audience is a unit id or \"district\"",
              auth="user", permission="reports:read", errors=("report_not_found",), produces="message/rfc822")
def download_monthly_report(ctx: RequestContext, month: str, audience: str) -> FileResult:
    return monthly_reports.download(ctx.container, ctx.access, month, audience)


@routes.route("/v1/reports/monthly/{month}/{audience}/attachment", "GET", summary="The .xlsx attached to an archived "
              "monthly evaluation report, laid out like the offices' summary form", auth="user",
              permission="reports:read", errors=("report_not_found",), produces=XLSX)
def download_monthly_report_attachment(ctx: RequestContext, month: str, audience: str) -> FileResult:
    return monthly_reports.download_attachment(ctx.container, ctx.access, month, audience)

"""Running the daily reports."""

from __future__ import annotations

from typing import Literal

from chamcong.schemas.common import Body, Day, View

ReportKind = Literal["morning", "evening"]


class RunDailyReport(Body):
    date: Day
    kind: ReportKind


class ReportOutcome(View):
    report_id: str
    audience: str
    status: Literal["sent", "already_sent", "in_progress", "archived", "failed"]
    recipients: list[str]
    archive_key: str | None


class DailyReportRun(View):
    date: str
    kind: ReportKind
    working_day: bool
    reports: list[ReportOutcome]

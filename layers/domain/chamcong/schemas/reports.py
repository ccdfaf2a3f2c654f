"""Running the daily reports."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chamcong.schemas.common import Body, Day, Query, View

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


class ReportsQuery(Query):
    date: Day | None = Field(default=None, description="A local day; default today")


class DailyReportEntry(View):
    report_id: str
    date: str
    kind: ReportKind
    audience: str = Field(description="A unit id, or district")
    audience_name: str
    status: Literal["sending", "sent", "failed", "archived"]
    recipients: list[str]
    sent_at: str | None
    download: str | None = Field(description="The archived e-mail (.eml); null until it is archived")
    attachment: str | None = Field(description="Its spreadsheet (.xlsx; the CSV of a report archived before)")


class DailyReportList(View):
    date: str
    reports: list[DailyReportEntry]


class DailyReportRun(View):
    date: str
    kind: ReportKind
    working_day: bool
    reports: list[ReportOutcome]

"""Running the daily reports."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chamcong.schemas.common import Body, Day, Month, Query, View

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


class ArchivedReport(View):
    """What every listed report says of itself, daily or afternoon."""

    report_id: str
    date: str
    audience_name: str
    status: Literal["sending", "sent", "failed", "archived"]
    recipients: list[str]
    sent_at: str | None
    download: str | None = Field(description="The archived e-mail (.eml); null until it is archived")


class DailyReportEntry(ArchivedReport):
    kind: ReportKind
    audience: str = Field(description="A unit id, or district")
    attachment: str | None = Field(description="Its spreadsheet (.xlsx; the CSV of a report archived before)")


class DailyReportList(View):
    date: str
    reports: list[DailyReportEntry]


class DailyReportRun(View):
    date: str
    kind: ReportKind
    working_day: bool
    reports: list[ReportOutcome]


# --- the afternoon (work-from-home) reports ----------------------------------------------------------------

WfhReportKind = Literal["units", "province"]


class RunWfhReport(Body):
    date: Day
    kind: WfhReportKind = Field(description="units: the 16:00 report (each unit's leaders, Home Affairs); "
                                            "province: the 17:00 summary")


class WfhReportRun(View):
    date: str
    kind: WfhReportKind
    working_day: bool = Field(description="false: a day off for every unit, nothing sent")
    nobody_at_home: bool = Field(description="a working day with nobody at home: units sends the note to Home "
                                             "Affairs only, province sends nothing")
    cutoff: str = Field(description="The moment tasks were judged processed at (16:00 or 17:00, or the run time "
                                    "if earlier)")
    reports: list[ReportOutcome]


class WfhReportEntry(ArchivedReport):
    kind: WfhReportKind
    audience: str = Field(description="A unit id, district (Home Affairs) or province")
    text: str | None = Field(description="Its subject and plain text (JSON)")
    attachment: str | None = Field(description="Its .xlsx; null for the note of a day with nobody at home")


class WfhReportList(View):
    date: str
    reports: list[WfhReportEntry]


class WfhReportText(View):
    subject: str
    text: str


# --- the monthly evaluation report -------------------------------------------------------------------------------

class RunMonthlyReport(Body):
    month: Month = Field(description="The month evaluated (it must have ended)")


class MonthlyReportRun(View):
    month: str
    mode: Literal["inline", "queue"] = Field(description="inline: every unit in this call; queue: one message per "
                                                         "unit to the evaluation queue, the summary sent by the last")
    queued: int = Field(description="Units sent to the queue (queue mode)")
    reports: list[ReportOutcome]


class MonthlyReportsQuery(Query):
    month: Month | None = Field(default=None, description="YYYY-MM; default the previous month")


class MonthlyReportEntry(ArchivedReport):
    month: str
    audience: str = Field(description="A unit id, or district (Home Affairs)")
    attachment: str | None = Field(description="Its .xlsx")


class MonthlyReportList(View):
    month: str
    reports: list[MonthlyReportEntry]

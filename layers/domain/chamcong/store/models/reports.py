"""The reports' sending records: the daily reports and the afternoon (work-from-home) reports."""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import (
    ListAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

WFH_PREFIX = "wfh-"  # the afternoon reports' kinds: "wfh-units", "wfh-province"
MONTHLY = "monthly"  # the monthly evaluation reports: day = the month's first day, audience a unit or "district"
MONTHLY_RUN = "monthly-run"  # a fanned-out monthly run: the units still pending (`pending`)
REMINDER_PREFIX = "reminder-"  # "reminder-{step}-{YYYY-MM}": an evaluation step's reminder sent on a day


class ReportModel(Model):
    """One report to one audience: report_id = "{day}#{kind}#{audience}" (a unit id, "district" or "province").

    kind: "morning" or "evening" (the daily reports), "wfh-units" or "wfh-province" (the afternoon reports),
    "monthly" (the monthly evaluation report: day = the month's first day), "monthly-run" (a fanned-out run's
    record), "reminder-{step}-{YYYY-MM}" (an evaluation step's reminder, audience a unit or a person).

    The record makes sending idempotent: a report is claimed ("sending") before SES is called and marked
    "sent" after, so a re-run of the day skips it, and a run that died mid-way can be retried.
    """

    class Meta:
        table_name = "reports"

    report_id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()  # sending, sent, failed, archived (no recipients configured)
    archive_key = UnicodeAttribute(null=True)
    recipients = ListAttribute(of=UnicodeAttribute, default=list)
    units = ListAttribute(of=UnicodeAttribute, null=True)  # the units it covers: who may read it
    message_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    claimed_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    # A fanned-out monthly run (kind MONTHLY_RUN): the units whose part is not done yet; each worker removes its
    # unit with a conditional update, and the one that empties it sends the summary.
    pending = UnicodeSetAttribute(null=True)

    @staticmethod
    def key(day: date, kind: str, audience: str) -> str:
        return f"{day.isoformat()}#{kind}#{audience}"

    @property
    def kind_and_audience(self) -> tuple[str, str]:
        """What `key` put after the day: the kind and the audience (a unit id, or "district")."""
        _, kind, audience = self.report_id.split("#", 2)
        return kind, audience

    @staticmethod
    def archive_key_for(day: date, kind: str, audience: str) -> str:
        """Where the complete message is archived in the data bucket."""
        if kind == MONTHLY:
            return f"reports/monthly/{day:%Y-%m}/{audience}.eml"
        if kind.startswith(REMINDER_PREFIX):
            return f"reports/reminders/{day.isoformat()}/{kind[len(REMINDER_PREFIX):]}/{audience}.eml"
        if kind.startswith(WFH_PREFIX):
            return f"reports/wfh/{day.isoformat()}/{kind[len(WFH_PREFIX):]}/{audience}.eml"
        return f"reports/daily/{day.isoformat()}/{kind}/{audience}.eml"

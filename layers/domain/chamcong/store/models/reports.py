"""The reports' sending records: the daily reports and the afternoon (work-from-home) reports."""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import (
    ListAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

WFH_PREFIX = "wfh-"  # the afternoon reports' kinds: "wfh-units", "wfh-province"


class ReportModel(Model):
    """One report to one audience: report_id = "{day}#{kind}#{audience}" (a unit id, "district" or "province").

    kind: "morning" or "evening" (the daily reports), "wfh-units" or "wfh-province" (the afternoon reports).

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
        if kind.startswith(WFH_PREFIX):
            return f"reports/wfh/{day.isoformat()}/{kind[len(WFH_PREFIX):]}/{audience}.eml"
        return f"reports/daily/{day.isoformat()}/{kind}/{audience}.eml"

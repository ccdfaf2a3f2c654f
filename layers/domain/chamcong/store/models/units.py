"""The unit tree and the work calendars."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


class UnitModel(Model):
    """A unit of the tree: province → district → agencies, communes, schools."""

    class Meta:
        table_name = "units"

    unit_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    report_recipients = ListAttribute(of=UnicodeAttribute, default=list)  # the unit's leaders, for daily reports
    # The work-from-home cap in percent of the unit's staff employed that day; None: the default (50%).
    wfh_cap_percent = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute(default=utcnow)


class CalendarModel(Model):
    """A work calendar for the site ("site") or a unit (its unit_id).

    `schedules` and `holidays` are JSON lists; a missing one is inherited from the parent unit, then from
    the site, then from the product's defaults (the settings' hours and the shipped public holidays).
    """

    class Meta:
        table_name = "calendars"

    scope = UnicodeAttribute(hash_key=True)
    schedules = JSONAttribute(null=True)
    holidays = JSONAttribute(null=True)
    updated_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute(default=utcnow)

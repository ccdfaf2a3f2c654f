"""Match thresholds set per site, unit or device, with every earlier value kept.

One table, two kinds of item:
- the current value of each scope, all in one partition ("current"), so a warm recognition function reads
  every threshold in force with one Query and keeps them for a while;
- one history item per change, in the scope's own partition ("history#{scope}#{scope_id}"), sorted by time.

A new table rather than the calendars' (one item per scope, no sort key, read by other functions) or the
audit trail's (month partitions, written only): thresholds need the previous value kept beside the current
one, a conditional write on the current item, and a read path the recognition function can afford.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

ThresholdScope = Literal["site", "unit", "device"]
SCOPES: tuple[ThresholdScope, ...] = ("site", "unit", "device")
SITE_ID = "site"  # the scope id of the whole deployment
CURRENT = "current"


class ThresholdModel(Model):
    """A threshold set for one scope: its value, the model it was set for, who set it, when and why.

    A current item also carries what it replaced (previous_*), so a reader sees both without a second read.
    """

    class Meta:
        table_name = "thresholds"

    partition = UnicodeAttribute(hash_key=True)  # "current", or "history#{scope}#{scope_id}"
    entry_key = UnicodeAttribute(range_key=True)  # current: "{scope}#{scope_id}"; history: "{UTC time}#{id}"
    scope = UnicodeAttribute()  # site | unit | device
    scope_id = UnicodeAttribute()  # "site", a unit id or a device id
    unit_id = UnicodeAttribute(null=True)  # the unit it concerns (a device's unit when set); None: the site
    value = NumberAttribute(null=True)  # None: the scope's own value was removed (it inherits again)
    model_id = UnicodeAttribute()
    target_fmr = NumberAttribute(null=True)
    reason = UnicodeAttribute()
    set_by = UnicodeAttribute()
    set_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)  # moves by one per change of the current item (a conditional write)
    previous_value = NumberAttribute(null=True)
    previous_model_id = UnicodeAttribute(null=True)
    previous_set_by = UnicodeAttribute(null=True)
    previous_set_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def current_key(scope: str, scope_id: str) -> str:
        return f"{scope}#{scope_id}"

    @staticmethod
    def history_partition(scope: str, scope_id: str) -> str:
        return f"history#{scope}#{scope_id}"

    @staticmethod
    def history_key(at: datetime, entry_id: str) -> str:
        return f"{at.astimezone(UTC).isoformat(timespec='microseconds')}#{entry_id}"

"""Recorded check-ins and check-outs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


class EventsByUnitIndex(GlobalSecondaryIndex["EventModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)


class EventModel(Model):
    """A recorded check-in or check-out with its evidence.

    event_key = "{local date}T{local time}#{device_id}#{capture_id}": sorted by time within a person,
    queried by day with begins_with, and unique per capture so a retry cannot add a second event.
    """

    class Meta:
        table_name = "events"

    staff_id = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    local_date = UnicodeAttribute()
    captured_at = UTCDateTimeAttribute()
    captured_at_local = UnicodeAttribute()
    device_id = UnicodeAttribute()
    capture_id = UnicodeAttribute()
    similarity = NumberAttribute()
    snapshot_key = UnicodeAttribute(null=True)  # None once erased with the person (privacy.erasure)
    recorded_at = UTCDateTimeAttribute(default=utcnow)
    # The device's clock was wrong by this many seconds; captured_at is already corrected (None: it was right)
    clock_offset_seconds = NumberAttribute(null=True)
    # When the person's biometric evidence (snapshot, clip) was erased; the event stays as a work record.
    evidence_erased_at = UTCDateTimeAttribute(null=True)

    # The passage's clip: its sha256 came inside the signed capture; the key is set when the clip is uploaded.
    clip_sha256 = UnicodeAttribute(null=True)
    clip_key = UnicodeAttribute(null=True)
    by_unit = EventsByUnitIndex()

    @staticmethod
    def key(local: datetime, device_id: str, capture_id: str) -> str:
        return f"{local.date().isoformat()}T{local:%H:%M:%S}#{device_id}#{capture_id}"

    @staticmethod
    def snapshot_key_for(local: datetime, device_id: str, capture_id: str, body_sha256: str = "") -> str:
        """Where the evidence photo of the event lives in the data bucket (expired by its lifecycle rule). With the
        request body's sha256, its prefix is in the key: another body under the same capture_id (a device bug)
        never overwrites the recorded event's evidence."""
        body = f".{body_sha256[:16]}" if body_sha256 else ""
        return f"snapshots/{local.date().isoformat()}/{device_id}/{capture_id}{body}.jpg"

    @staticmethod
    def clip_key_for(local_date: str, device_id: str, capture_id: str, extension: str) -> str:
        """Where a passage's clip lives (an event's or a spoof's), expired by the `clips/` lifecycle rule."""
        return f"clips/{local_date}/{device_id}/{capture_id}.{extension}"

    @classmethod
    def of_person_on(cls, staff_id: str, day: date) -> Iterator[EventModel]:
        return cls.query(staff_id, cls.event_key.startswith(f"{day.isoformat()}T"))

    @classmethod
    def of_person_in_month(cls, staff_id: str, first: date) -> Iterator[EventModel]:
        return cls.query(staff_id, cls.event_key.startswith(f"{first:%Y-%m}-"))

    @classmethod
    def of_person_between(cls, staff_id: str, first: date, last: date) -> Iterator[EventModel]:
        """A person's events of the local days first … last (both included)."""
        return cls.query(staff_id, cls.event_key.between(f"{first.isoformat()}T", f"{last.isoformat()}T~"))

    @classmethod
    def of_unit_between(cls, unit_id: str, first: date, last: date) -> Iterator[EventModel]:
        """A unit's events of the local days first … last (both included), in one query."""
        return cls.by_unit.query(unit_id, cls.event_key.between(f"{first.isoformat()}T", f"{last.isoformat()}T~"))

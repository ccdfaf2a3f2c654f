"""Lobby devices, the idempotency records of their captures, suspected spoofs, and the gallery's version pointer."""

from __future__ import annotations

from datetime import date, datetime

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


class DeviceModel(Model):
    class Meta:
        table_name = "devices"

    device_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    # The HMAC key must be readable to verify signatures; the table is encrypted at rest and
    # the secret is shown once at registration and never returned again.
    secret = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    created_at = UTCDateTimeAttribute(default=utcnow)


class CaptureModel(Model):
    """Idempotency record of one device capture: the first answer is kept and returned to every retry."""

    class Meta:
        table_name = "captures"

    device_id = UnicodeAttribute(hash_key=True)
    capture_id = UnicodeAttribute(range_key=True)
    body_sha256 = UnicodeAttribute()
    status = UnicodeAttribute()  # "pending" while a request works on it, then "done"
    claimed_at = NumberAttribute()
    response = JSONAttribute(null=True)
    expires_at = NumberAttribute()  # DynamoDB TTL


class SpoofModel(Model):
    """A capture judged a photo or a screen: not attendance, but evidence for Home Affairs, kept for a shorter time.

    Partitioned by the site's local day, so the morning report (and the Today page) reads one day in one query;
    attempt_key = "{local time}#{device_id}#{capture_id}" sorts by time and is unique per capture.
    """

    class Meta:
        table_name = "spoofs"

    local_date = UnicodeAttribute(hash_key=True)
    attempt_key = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()  # the device's unit: who is told
    device_id = UnicodeAttribute()
    device_name = UnicodeAttribute()  # as it was then: the report reads no other table
    capture_id = UnicodeAttribute()
    captured_at = UTCDateTimeAttribute()
    captured_at_local = UnicodeAttribute()
    liveness = NumberAttribute()  # the passage's score (below the threshold)
    frames = NumberAttribute()
    snapshot_keys = ListAttribute(of=UnicodeAttribute)
    # Whom the presented face resembled, if it passed the match threshold: the person whose photo was shown.
    resembles_staff_id = UnicodeAttribute(null=True)
    resembles_name = UnicodeAttribute(null=True)
    similarity = NumberAttribute(null=True)
    expires_at = NumberAttribute()  # DynamoDB TTL: the spoof evidence's own retention

    @staticmethod
    def key(local: datetime, device_id: str, capture_id: str) -> str:
        return f"{local:%H:%M:%S}#{device_id}#{capture_id}"

    @staticmethod
    def snapshot_key_for(local: datetime, device_id: str, capture_id: str, frame: int) -> str:
        """Under spoofs/, which the bucket expires after its own (shorter) retention."""
        return f"spoofs/{local.date().isoformat()}/{device_id}/{capture_id}-{frame}.jpg"

    @classmethod
    def on(cls, day: date) -> list[SpoofModel]:
        return list(cls.query(day.isoformat()))


class GalleryModel(Model):
    """Pointer to the current gallery object in S3; its version moves under a conditional write."""

    class Meta:
        table_name = "galleries"

    gallery_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute()
    object_key = UnicodeAttribute()
    model_id = UnicodeAttribute()
    size = NumberAttribute()
    updated_at = UTCDateTimeAttribute(default=utcnow)

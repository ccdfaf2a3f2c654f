"""Lobby devices, the idempotency records of their captures, and the gallery's version pointer."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
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

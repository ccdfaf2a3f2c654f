"""Lobby devices, the idempotency records of their captures, suspected spoofs, the gallery's version pointer,
and (in the same table as the pointer) which embedding model is active and the job that re-embeds the gallery."""

from __future__ import annotations

from datetime import date, datetime

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from chamcong.store.models.base import CompactJSONAttribute, utcnow


class DeviceModel(Model):
    class Meta:
        table_name = "devices"

    device_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    # The HMAC key must be readable to verify signatures: it is stored sealed (envelope encryption under the
    # deployment's KMS key, bound to this device_id: chamcong/store/device_secrets.py), shown once at registration
    # or rotation and never returned again. {"ciphertext", "nonce", "wrapped_key", "key_id"}.
    sealed_secret = CompactJSONAttribute(null=True)
    # Only on records written before secrets were sealed: read (and refused nowhere) until `python -m
    # infra.seal_secrets` seals it and removes it; nothing writes it any more.
    plain_secret = UnicodeAttribute(attr_name="secret", null=True)
    status = UnicodeAttribute(default="active")
    created_at = UTCDateTimeAttribute(default=utcnow)


class CaptureModel(Model):
    """Idempotency record of one device capture: the first answer is kept and returned to every retry.

    It is the arbiter of exactly-once (services/recognition.py): written once, with the answer, by a conditional
    put that only the first request of a capture wins; the event or spoof record it decided is written after it,
    and rebuilt from `record` by any retry, so a crash between the two writes is repaired by the device's retry.
    """

    class Meta:
        table_name = "captures"

    device_id = UnicodeAttribute(hash_key=True)
    capture_id = UnicodeAttribute(range_key=True)
    body_sha256 = UnicodeAttribute()
    # "done" (the answer is decided). "pending" is only found on claims left by older versions of the service.
    status = UnicodeAttribute()
    claimed_at = NumberAttribute()  # nanoseconds since the epoch of the recording (calibration reads it)
    response = CompactJSONAttribute(null=True)
    # What the answer recorded, to rebuild it on a retry: {"table": "events" | "spoofs", "item": the item's
    # attributes (pynamodb's to_simple_dict)}; None when nothing is recorded (unknown, no face, outside the windows).
    # Compact JSON, so that the capture stays within one write unit (1 KB) for the usual answer.
    record = CompactJSONAttribute(null=True)
    expires_at = NumberAttribute()  # DynamoDB TTL
    clock_offset_seconds = NumberAttribute(null=True)  # the device's clock was this wrong (captured_at corrected)
    clip_sha256 = UnicodeAttribute(null=True)  # of the passage's clip, signed in the body; the upload must match it
    clip_key = UnicodeAttribute(null=True)  # where the uploaded clip is (an unmatched passage's: nothing else links it)

    @staticmethod
    def unmatched_prefix(local_date: str, device_id: str | None = None) -> str:
        """Unmatched passages of a day (and a device): `unmatched/{date}/{device_id}/{HHMMSS}/{capture_id}/…`,
        expired by the `unmatched/` lifecycle rule (a short retention: they are mostly visitors)."""
        return f"unmatched/{local_date}/" + (f"{device_id}/" if device_id else "")

    @staticmethod
    def unmatched_crop_key(local: datetime, device_id: str, capture_id: str, body_sha256: str) -> str:
        """The best crop of a passage answered `unknown`; the body's sha256 prefix as for snapshots."""
        return (f"{CaptureModel.unmatched_prefix(local.date().isoformat(), device_id)}{local:%H%M%S}/{capture_id}/"
                f"crop.{body_sha256[:16]}.jpg")

    @staticmethod
    def unmatched_clip_key(local: datetime, device_id: str, capture_id: str, extension: str) -> str:
        return (f"{CaptureModel.unmatched_prefix(local.date().isoformat(), device_id)}{local:%H%M%S}/{capture_id}/"
                f"clip.{extension}")


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
    # When the frames of a spoof resembling an erased person were erased (the record stays, naming nobody).
    evidence_erased_at = UTCDateTimeAttribute(null=True)

    clip_sha256 = UnicodeAttribute(null=True)  # the passage's clip, as for events (EventModel.clip_key_for)
    clip_key = UnicodeAttribute(null=True)

    @staticmethod
    def key(local: datetime, device_id: str, capture_id: str) -> str:
        return f"{local:%H:%M:%S}#{device_id}#{capture_id}"

    @staticmethod
    def clip_key_for(local_date: str, device_id: str, capture_id: str, extension: str) -> str:
        """A refused passage's clip, with its frames under spoofs/: it expires with them (SpoofRetentionDays)."""
        return f"spoofs/{local_date}/{device_id}/{capture_id}-clip.{extension}"

    @staticmethod
    def snapshot_key_for(local: datetime, device_id: str, capture_id: str, frame: int, body_sha256: str = "") -> str:
        """Under spoofs/, which the bucket expires after its own (shorter) retention. With the request body's
        sha256, its prefix is in the key: another body under the same capture_id never overwrites the evidence."""
        body = f".{body_sha256[:16]}" if body_sha256 else ""
        return f"spoofs/{local.date().isoformat()}/{device_id}/{capture_id}{body}-{frame}.jpg"

    @classmethod
    def on(cls, day: date) -> list[SpoofModel]:
        return list(cls.query(day.isoformat()))


class GalleryModel(Model):
    """Pointer to the current gallery object in S3; its version moves under a conditional write.

    gallery_id = the model id (the deployment's gallery) or "{model_id}@{unit_id}" (a site's gallery, see
    `services.galleries`): a site's pointer also keeps the digest of its rows (a rebuild that would write the same
    rows writes nothing) and `stale`, set by a change made where no gallery can be built (a transfer, a rename in
    the API function): readers then build the site in memory until the reconcile publishes it again.
    """

    class Meta:
        table_name = "galleries"

    gallery_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute()
    object_key = UnicodeAttribute()
    # The object of the version before: kept for functions that are mid-reload, deleted by the next move.
    previous_key = UnicodeAttribute(null=True)
    model_id = UnicodeAttribute()
    size = NumberAttribute()
    updated_at = UTCDateTimeAttribute(default=utcnow)
    unit_id = UnicodeAttribute(null=True)  # a site's gallery: the unit its devices are registered to
    digest = UnicodeAttribute(null=True)
    stale = BooleanAttribute(null=True)


def site_gallery_id(model_id: str, unit_id: str) -> str:
    return f"{model_id}@{unit_id}"


SITE_GRANTS_PREFIX = "#grants@"


class SiteGrantsRecord(Model):
    """The people a unit admin let into a site besides its own (a visiting Home Affairs officer): one item per site
    in the galleries table, id "#grants@{unit_id}", `grants` = {staff_id: {"until", "reason", "by", "at"}},
    changed under a condition on `revision`."""

    class Meta:
        table_name = "galleries"

    gallery_id = UnicodeAttribute(hash_key=True)
    unit_id = UnicodeAttribute()
    grants = JSONAttribute(default=dict)
    revision = NumberAttribute(default=0)

    @staticmethod
    def key(unit_id: str) -> str:
        return f"{SITE_GRANTS_PREFIX}{unit_id}"


# Items of the galleries table that are not galleries: their ids start with "#", which no model id can
# (model ids start with a letter or digit), so they never collide with a gallery's pointer.
ACTIVE_MODEL_ID = "#active"
REEMBED_JOB_ID = "#reembed"


class ActiveModelRecord(Model):
    """Which embedding model the functions use now; absent until the first switch (then the setting decides).

    Moved only by the re-embedding job, under a condition on `generation`, when the new gallery is complete.
    """

    class Meta:
        table_name = "galleries"

    gallery_id = UnicodeAttribute(hash_key=True)  # always ACTIVE_MODEL_ID
    model_id = UnicodeAttribute()
    generation = NumberAttribute()  # +1 at every switch
    previous_model_id = UnicodeAttribute(null=True)  # its gallery is kept for a rollback
    switched_at = UTCDateTimeAttribute(default=utcnow)


class ReembedJobRecord(Model):
    """The one re-embedding job (the latest): its target, where its scan stands, what it found.

    Progress lives here and in the face records themselves (each face's embedding for the target model), so
    an invocation cut off by Lambda's time limit loses at most the face it was embedding.
    """

    class Meta:
        table_name = "galleries"

    gallery_id = UnicodeAttribute(hash_key=True)  # always REEMBED_JOB_ID
    job_id = UnicodeAttribute()
    source_model_id = UnicodeAttribute()
    target_model_id = UnicodeAttribute()
    source_generation = NumberAttribute()  # the active record's generation when the job started
    status = UnicodeAttribute()  # running | blocked | done
    phase = UnicodeAttribute()  # embed | switch | done
    cursor = JSONAttribute(null=True)  # the face scan's last evaluated key
    counts = JSONAttribute(default=dict)
    no_face = JSONAttribute(default=list)  # [{"staff_id", "face_id"}] photos the new model finds no face in
    allow_missing = BooleanAttribute(default=False)
    started_by = UnicodeAttribute()
    started_at = UTCDateTimeAttribute(default=utcnow)
    finished_at = UTCDateTimeAttribute(null=True)
    lease_until = NumberAttribute(default=0)  # epoch seconds: one invocation works on the job at a time
    runs = NumberAttribute(default=0)

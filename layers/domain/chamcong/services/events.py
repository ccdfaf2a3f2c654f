"""Reading recorded events with their evidence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.services.clips import clip_link, unmatched_passages
from chamcong.services.common import iso
from chamcong.services.staff import person_in_scope
from chamcong.store.models.attendance import EventModel


def list_events(container: Container, access: Access, staff_id: str, day: date | None) -> dict[str, Any]:
    person = person_in_scope(access, "events:read", staff_id)
    day = day or container.today()
    seconds = container.settings.presigned_url_seconds
    expires = iso(container.clock() + timedelta(seconds=seconds))
    events = list(EventModel.of_person_on(staff_id, day))
    return {
        "staff_id": staff_id,
        "date": day.isoformat(),
        "events": [
            {"event": event.event_type, "captured_at": iso(event.captured_at),
             "captured_at_local": event.captured_at_local, "device_id": event.device_id,
             "capture_id": event.capture_id, "similarity": event.similarity,
             # Evidence links are short-lived and issued only to someone allowed to read this person.
             "snapshot_url": container.blobs.presign(event.snapshot_key, seconds),
             "snapshot_url_expires_at": expires, **clip_link(container, event.clip_key),
             "clip_sha256": event.clip_sha256, "clock_offset_seconds": event.clock_offset_seconds}
            for event in events
        ],
        # No check-in that day: what the lobbies of the person's site saw that morning and matched to nobody.
        "nearest_evidence": [] if any(event.event_type == "check_in" for event in events)
        else unmatched_passages(container, person, [day]).get(day, []),
    }

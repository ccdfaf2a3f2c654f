"""Reading recorded events with their evidence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.evidence.views import View, record_views
from chamcong.services.clips import clip_link, unmatched_passages, unmatched_views
from chamcong.services.common import iso
from chamcong.services.staff import person_in_scope
from chamcong.store.models.attendance import EventModel


def list_events(container: Container, access: Access, staff_id: str, day: date | None) -> dict[str, Any]:
    person = person_in_scope(access, "events:read", staff_id)
    day = day or container.today()
    seconds = container.settings.presigned_url_seconds
    expires = iso(container.clock() + timedelta(seconds=seconds))
    events = list(EventModel.of_person_on(staff_id, day))
    nearest = {} if any(event.event_type == "check_in" for event in events) else unmatched_passages(
        container, person, [day])
    record_views(container, access, [
        View(staff_id, events[0].unit_id if events else person.unit_id, "snapshot",
             tuple(event.snapshot_key for event in events if event.snapshot_key), day.isoformat()),
        View(staff_id, events[0].unit_id if events else person.unit_id, "clip",
             tuple(event.clip_key for event in events if event.clip_key), day.isoformat()),
        *unmatched_views(staff_id, person.unit_id, nearest)])
    return {
        "staff_id": staff_id,
        "date": day.isoformat(),
        "events": [
            {"event": event.event_type, "captured_at": iso(event.captured_at),
             "captured_at_local": event.captured_at_local, "device_id": event.device_id,
             "capture_id": event.capture_id, "similarity": event.similarity,
             # Evidence links are short-lived and issued only to someone allowed to read this person.
             "snapshot_url": container.blobs.presign(event.snapshot_key, seconds) if event.snapshot_key else None,
             "snapshot_url_expires_at": expires, **clip_link(container, event.clip_key),
             "clip_sha256": event.clip_sha256, "clock_offset_seconds": event.clock_offset_seconds}
            for event in events
        ],
        # No check-in that day: what the lobbies of the person's site saw that morning and matched to nobody.
        "nearest_evidence": nearest.get(day, []),
    }

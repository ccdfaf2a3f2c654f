"""Reading recorded events with their evidence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.evidence.views import View, record_views
from chamcong.services.common import iso
from chamcong.services.staff import person_in_scope
from chamcong.store.models.attendance import EventModel


def list_events(container: Container, access: Access, staff_id: str, day: date | None) -> dict[str, Any]:
    person = person_in_scope(access, "events:read", staff_id)
    day = day or container.today()
    seconds = container.settings.presigned_url_seconds
    expires = iso(container.clock() + timedelta(seconds=seconds))
    found = list(EventModel.of_person_on(staff_id, day))
    record_views(container, access, [View(staff_id, found[0].unit_id if found else person.unit_id, "snapshot",
                                          tuple(event.snapshot_key for event in found), day.isoformat())])
    return {
        "staff_id": staff_id,
        "date": day.isoformat(),
        "events": [
            {"event": event.event_type, "captured_at": iso(event.captured_at),
             "captured_at_local": event.captured_at_local, "device_id": event.device_id,
             "capture_id": event.capture_id, "similarity": event.similarity,
             # Evidence links are short-lived and issued only to someone allowed to read this person.
             "snapshot_url": container.blobs.presign(event.snapshot_key, seconds) if event.snapshot_key else None,
             "snapshot_url_expires_at": expires, "clock_offset_seconds": event.clock_offset_seconds}
            for event in found
        ],
    }

"""Reading recorded events with their evidence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest
from chamcong.services.common import iso
from chamcong.services.staff import person_in_scope
from chamcong.store.models import EventModel


def parse_day(text: str | None, container: Container) -> date:
    if text is None:
        return container.clock().astimezone(container.site_windows.timezone).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest("validation_error", details={"field": "date", "reason": "YYYY-MM-DD"}) from None


def list_events(container: Container, access: Access, staff_id: str, day_text: str | None) -> dict[str, Any]:
    person_in_scope(access, "events:read", staff_id)
    day = parse_day(day_text, container)
    seconds = container.settings.presigned_url_seconds
    expires = iso(container.clock() + timedelta(seconds=seconds))
    events = EventModel.query(staff_id, EventModel.event_key.startswith(f"{day.isoformat()}T"))
    return {
        "staff_id": staff_id,
        "date": day.isoformat(),
        "events": [
            {"event": event.event_type, "captured_at": iso(event.captured_at),
             "captured_at_local": event.captured_at_local, "device_id": event.device_id,
             "capture_id": event.capture_id, "similarity": event.similarity,
             # Evidence links are short-lived and issued only to someone allowed to read this person.
             "snapshot_url": container.blobs.presign(event.snapshot_key, seconds),
             "snapshot_url_expires_at": expires}
            for event in events
        ],
    }

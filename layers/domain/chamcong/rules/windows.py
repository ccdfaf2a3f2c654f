"""Which event a capture is, from the local time it was taken and the site's windows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from chamcong.errors import BadRequest, Unprocessable

_WINDOW = re.compile(r"^\s*(?P<start>[0-2]\d:[0-5]\d)\s*-\s*(?P<end>[0-2]\d:[0-5]\d)\s*$")


class EventType(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"


@dataclass(frozen=True)
class Window:
    """A half-open local-time interval [start, end): 08:00:00 is already outside 05:30–08:00."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"window start {self.start} must be before its end {self.end}")

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end

    @classmethod
    def parse(cls, text: str) -> Window:
        """'05:30-08:00' → Window(05:30, 08:00)."""
        match = _WINDOW.match(text)
        if match is None:
            raise ValueError(f"a window is written HH:MM-HH:MM, not {text!r}")
        return cls(time.fromisoformat(match["start"]), time.fromisoformat(match["end"]))


@dataclass(frozen=True)
class SiteWindows:
    timezone: ZoneInfo
    check_in: Window
    check_out: Window

    def __post_init__(self) -> None:
        if not self.check_in.end <= self.check_out.start:
            raise ValueError("the check-in window must end before the check-out window starts")


def classify(captured_at: datetime, site: SiteWindows) -> tuple[EventType | None, datetime]:
    """The event a capture stands for (None outside both windows) and its local time at the site."""
    local = captured_at.astimezone(site.timezone)
    moment = local.time().replace(tzinfo=None)
    if site.check_in.contains(moment):
        return EventType.CHECK_IN, local
    if site.check_out.contains(moment):
        return EventType.CHECK_OUT, local
    return None, local


def parse_captured_at(text: str) -> datetime:
    """ISO 8601 with an explicit offset; a naive time is refused because its zone would be a guess."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise BadRequest("validation_error", details={"field": "captured_at",
                                                      "reason": "not ISO 8601"}) from exc
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadRequest("validation_error", details={"field": "captured_at",
                                                      "reason": "an offset such as +07:00 is required"})
    return value


def check_capture_age(captured_at: datetime, now: datetime, *, max_future: timedelta,
                      max_age: timedelta) -> None:
    """A device may upload late (it was offline) but not from the future, nor beyond the retention of queues."""
    if captured_at - now > max_future:
        raise Unprocessable("captured_at_in_future")
    if now - captured_at > max_age:
        raise Unprocessable("captured_at_too_old")

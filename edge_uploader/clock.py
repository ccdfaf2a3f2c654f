"""The box's clock, checked against the server's (standard library only).

A small board without a battery-backed clock can boot with a wrong date (1970, or whatever it last saved)
and set it right later, or never. So a capture keeps three things: the box's wall time when it was taken
(``device_time``), the boot it was taken in (``boot_id``), and its moment on that boot's clock
(``since_boot``: seconds since the boot, a clock nobody sets, so a date set right in the middle of a boot
does not move it).

Every answer of the server carries a ``Date`` header (any status). From one answer, the boot's *anchor* is
``server time − since_boot``, measured at the middle of the request (the header has whole seconds: its
half-second is added). A capture is then stamped ``since_boot + anchor``; the offset of the box's clock is
``server time − device time``, which is logged, and sent with the capture when it is more than 2 s.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
# An offset beyond this is said in the capture (clock_offset_seconds) and logged as a warning.
SKEW_SECONDS = 2.0
# The server refuses an offset beyond ten years (a date that far off is not a clock error).
MAX_OFFSET_SECONDS = 10 * 365.25 * 86400

_PROCESS = "process-"


@functools.cache
def boot_id() -> str:
    """This boot's id (Linux); elsewhere one per process, which only means the offset is learned per process."""
    try:
        return BOOT_ID_FILE.read_text().strip() or f"{_PROCESS}{uuid.uuid4()}"
    except OSError:
        return f"{_PROCESS}{uuid.uuid4()}"


def since_boot() -> float:
    """Seconds since the boot, counting suspend, never set by anyone (CLOCK_BOOTTIME; else monotonic)."""
    clock = getattr(time, "CLOCK_BOOTTIME", None)
    if clock is not None and not boot_id().startswith(_PROCESS):
        return time.clock_gettime(clock)
    return time.monotonic()


@dataclass(frozen=True)
class Moment:
    """Where a capture was taken on the box's clocks."""
    boot_id: str
    since_boot: float   # seconds since that boot
    device_time: float  # the box's wall clock then, seconds since the epoch (maybe wrong)


class BoxClock:
    """The box's clocks: wall (may be wrong), boot (right rate, unknown origin), and this boot's id."""

    def __init__(self, *, wall: Callable[[], float] | None = None, boot: Callable[[], float] | None = None,
                 boot_id_value: str | None = None) -> None:
        self._wall = wall
        self._boot = boot
        self.boot_id = boot_id_value or boot_id()

    def wall(self) -> float:
        return self._wall() if self._wall is not None else time.time()  # looked up at each call

    def since_boot(self) -> float:
        return self._boot() if self._boot is not None else since_boot()

    def moment_of(self, device_time: float) -> Moment:
        """A moment given on the wall clock (a frame's time) placed on this boot's clock."""
        return Moment(self.boot_id, self.since_boot() - (self.wall() - device_time), device_time)


def server_time(date_header: str | None) -> float | None:
    """The server's time from an HTTP ``Date`` header (whole seconds, +0.5 for the middle), None if unusable."""
    if not date_header:
        return None
    try:
        moment = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return moment.timestamp() + 0.5


def anchor_from(date_header: str | None, sent_boot: float, received_boot: float) -> float | None:
    """``server time − since_boot`` from one exchange, measured at the middle of the request."""
    server = server_time(date_header)
    if server is None:
        return None
    return server - (sent_boot + received_boot) / 2

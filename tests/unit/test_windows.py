"""Which event a capture becomes, by table (GIVEN a capture time, WHEN classified, THEN this event)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chamcong.errors import BadRequest, Unprocessable
from chamcong.rules.windows import (
    EventType,
    SiteWindows,
    Window,
    check_capture_age,
    classify,
    parse_captured_at,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SITE = SiteWindows(HCM, Window.parse("05:30-08:00"), Window.parse("16:30-18:00"))


@pytest.mark.parametrize(
    ("captured_at", "expected_event", "expected_local"),
    [
        ("2026-11-20T05:29:59+07:00", None, "05:29:59"),
        ("2026-11-20T05:30:00+07:00", EventType.CHECK_IN, "05:30:00"),
        ("2026-11-20T07:59:59+07:00", EventType.CHECK_IN, "07:59:59"),
        ("2026-11-20T08:00:00+07:00", None, "08:00:00"),
        ("2026-11-20T12:00:00+07:00", None, "12:00:00"),  # leaving and returning at noon is not recognised
        ("2026-11-20T16:29:59+07:00", None, "16:29:59"),
        ("2026-11-20T16:30:00+07:00", EventType.CHECK_OUT, "16:30:00"),
        ("2026-11-20T17:59:59+07:00", EventType.CHECK_OUT, "17:59:59"),
        ("2026-11-20T18:00:00+07:00", None, "18:00:00"),
        # The same instants sent in UTC land in the site's local windows.
        ("2026-11-20T00:31:00+00:00", EventType.CHECK_IN, "07:31:00"),
        ("2026-11-20T10:45:00Z", EventType.CHECK_OUT, "17:45:00"),
        # A device configured in another zone still counts by the site's clock.
        ("2026-11-20T08:15:00+08:00", EventType.CHECK_IN, "07:15:00"),
    ],
)
def test_capture_time_decides_the_event(captured_at: str, expected_event: EventType | None,
                                        expected_local: str) -> None:
    event, local = classify(parse_captured_at(captured_at), SITE)
    assert event == expected_event
    assert local.strftime("%H:%M:%S") == expected_local
    assert local.utcoffset() == timedelta(hours=7)


def test_local_date_follows_the_site_timezone() -> None:
    # GIVEN 23:30 UTC on the 19th, WHEN classified, THEN it is 06:30 on the 20th in Ha Noi: a check-in.
    event, local = classify(parse_captured_at("2026-11-19T23:30:00+00:00"), SITE)
    assert event is EventType.CHECK_IN
    assert local.date().isoformat() == "2026-11-20"


@pytest.mark.parametrize("text", ["2026-11-20T07:31:00", "yesterday", "", "2026-13-01T07:00:00+07:00"])
def test_captured_at_must_be_iso_with_an_offset(text: str) -> None:
    with pytest.raises(BadRequest) as error:
        parse_captured_at(text)
    assert error.value.code == "validation_error"


NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (timedelta(minutes=-4, seconds=-59), None),  # slight clock skew into the future is tolerated
        (timedelta(minutes=-5, seconds=-1), "captured_at_in_future"),
        (timedelta(days=6, hours=23), None),  # a device offline for most of a week still uploads
        (timedelta(days=7, seconds=1), "captured_at_too_old"),
    ],
)
def test_capture_age_limits(offset: timedelta, code: str | None) -> None:
    captured_at = NOW - offset
    if code is None:
        check_capture_age(captured_at, NOW, max_future=timedelta(minutes=5), max_age=timedelta(days=7))
        return
    with pytest.raises(Unprocessable) as error:
        check_capture_age(captured_at, NOW, max_future=timedelta(minutes=5), max_age=timedelta(days=7))
    assert error.value.code == code


@pytest.mark.parametrize("text", ["08:00-05:30", "0530-0800", "05:30"])
def test_badly_written_windows_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Window.parse(text)


def test_check_in_must_end_before_check_out_starts() -> None:
    with pytest.raises(ValueError):
        SiteWindows(HCM, Window.parse("05:30-17:00"), Window.parse("16:30-18:00"))

"""Small helpers shared by the services."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from chamcong.errors import BadRequest
from chamcong.settings import get_settings


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


@cache
def _site_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().site_timezone)


def iso(value: datetime) -> str:
    """An instant as people at the site read it: local time with its offset (2026-11-20T07:31:05+07:00)."""
    return value.astimezone(_site_zone()).isoformat(timespec="seconds")


def decode_base64(text: str) -> bytes:
    """Strict base64 (a data: URL prefix is tolerated, since browsers produce one)."""
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadRequest("invalid_base64") from exc
    if not data:
        raise BadRequest("invalid_base64")
    return data

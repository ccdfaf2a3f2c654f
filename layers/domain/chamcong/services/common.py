"""Small helpers shared by the services."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from chamcong.errors import BadRequest


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


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

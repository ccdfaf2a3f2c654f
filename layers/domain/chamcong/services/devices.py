"""Lobby devices: registration, and verification of their signed requests."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong import wire
from chamcong.errors import Unauthenticated
from chamcong.schemas import CreateDevice
from chamcong.services.common import iso, new_id
from chamcong.services.units import get_unit
from chamcong.store.models import DeviceModel

_TIMESTAMP = re.compile(r"^\d{1,12}$")
_SIGNATURE = re.compile(r"^[0-9a-fA-F]{64}$")


def device_view(device: DeviceModel) -> dict[str, Any]:
    return {"device_id": device.device_id, "name": device.name, "unit_id": device.unit_id,
            "status": device.status, "created_at": iso(device.created_at)}


def register_device(body: CreateDevice) -> dict[str, Any]:
    get_unit(body.unit_id)
    device = DeviceModel(new_id("dev"), name=body.name, unit_id=body.unit_id, secret=secrets.token_urlsafe(32))
    device.save(condition=DeviceModel.device_id.does_not_exist())
    return {**device_view(device), "secret": device.secret}


def authenticate_device(headers: Mapping[str, str], raw_body: bytes, now: datetime,
                        tolerance_seconds: int) -> DeviceModel:
    """The device behind a signed request; 401 for anything unknown, forged or stale. Writes nothing."""
    device_id = headers.get(wire.HEADER_DEVICE_ID, "")
    timestamp = headers.get(wire.HEADER_TIMESTAMP, "")
    signature = headers.get(wire.HEADER_SIGNATURE, "")
    if not device_id or not timestamp or not signature:
        raise Unauthenticated("missing_device_headers")
    if not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
        raise Unauthenticated("invalid_signature")
    # Freshness before the table lookup: a replayed old request costs no read.
    if abs(now.timestamp() - int(timestamp)) > tolerance_seconds:
        raise Unauthenticated("stale_timestamp")
    try:
        device = DeviceModel.get(device_id) if len(device_id) <= 128 else None
    except DoesNotExist:
        device = None
    if device is None or device.status != "active":
        raise Unauthenticated("unknown_device")
    if not wire.signature_matches(device.secret, timestamp, raw_body, signature):
        raise Unauthenticated("invalid_signature")
    return device

"""Lobby devices: registration, and verification of their signed requests."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong import device_signature
from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Conflict, NotFound, Unauthenticated
from chamcong.schemas.devices import CreateDevice
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.units import get_unit
from chamcong.store.device_cache import DeviceCache
from chamcong.store.models.devices import DeviceModel

_TIMESTAMP = re.compile(r"^\d{1,12}$")
_SIGNATURE = re.compile(r"^[0-9a-fA-F]{64}$")


def device_view(device: DeviceModel) -> dict[str, Any]:
    return {"device_id": device.device_id, "name": device.name, "unit_id": device.unit_id,
            "status": device.status, "created_at": iso(device.created_at)}


def register_device(container: Container, access: Access, body: CreateDevice, source: Source) -> dict[str, Any]:
    get_unit(body.unit_id)
    access.require_unit("devices:write", body.unit_id)
    device = DeviceModel(new_id("dev"), name=body.name, unit_id=body.unit_id, secret=secrets.token_urlsafe(32),
                         created_at=container.clock())
    audit.write(container, audit.entry(container.clock(), access.username, "device.register", unit_id=body.unit_id,
                                       subject=device.device_id, details={"name": body.name}, source=source),
                ("save", device, {"condition": DeviceModel.device_id.does_not_exist()}))
    return {**device_view(device), "secret": device.secret}


def list_devices(access: Access, unit_id: str | None) -> dict[str, Any]:
    if unit_id is not None:
        get_unit(unit_id)
        access.require_unit("devices:read", unit_id)
    visible = access.visible_units("devices:read")
    found = [device for device in DeviceModel.scan()
             if (unit_id is None or device.unit_id == unit_id) and (visible is None or device.unit_id in visible)]
    return {"devices": [device_view(device) for device in sorted(found, key=lambda d: (d.unit_id, d.name))]}


def _device(access: Access, device_id: str) -> DeviceModel:
    try:
        device = DeviceModel.get(device_id)
    except DoesNotExist:
        raise NotFound("device_not_found") from None
    access.require_unit("devices:write", device.unit_id)
    return device


def rotate_device(container: Container, access: Access, device_id: str, source: Source) -> dict[str, Any]:
    """A new secret, shown once; the old one stops working at once in this function and within
    `device_check_seconds` (10 s) in other warm functions (the box must be given the new one)."""
    device = _device(access, device_id)
    if device.status != "active":
        raise Conflict("device_revoked")
    secret = secrets.token_urlsafe(32)
    audit.write(container, audit.entry(container.clock(), access.username, "device.rotate", unit_id=device.unit_id,
                                       subject=device_id, source=source),
                ("update", device, {"actions": [DeviceModel.secret.set(secret)],
                                    "condition": DeviceModel.status == "active"}))
    container.device_cache.forget(device_id)
    device.refresh()
    return {**device_view(device), "secret": secret}


def revoke_device(container: Container, access: Access, device_id: str, source: Source) -> dict[str, Any]:
    """A revoked device is refused for good, at once in this function and within `device_check_seconds` (10 s)
    in other warm functions; its recorded events stay."""
    device = _device(access, device_id)
    if device.status != "revoked":
        audit.write(container, audit.entry(container.clock(), access.username, "device.revoke",
                                           unit_id=device.unit_id, subject=device_id, source=source),
                    ("update", device, {"actions": [DeviceModel.status.set("revoked")],
                                        "condition": DeviceModel.device_id.exists()}))
        container.device_cache.forget(device_id)
        device.refresh()
    return device_view(device)


def authenticate_device(headers: Mapping[str, str], raw_body: bytes, now: datetime, tolerance_seconds: int,
                        devices: DeviceCache | None = None) -> DeviceModel:
    """The device behind a signed request; 401 for anything unknown, forged or stale. Writes nothing.

    `devices` is the warm function's cache (`Container.device_cache`): a device seen within
    `device_check_seconds` costs no read. A revocation or rotation made in another warm function reaches this
    one within that time (10 s by default); a signature that fails against a kept secret reads the record again
    once, so a box given its new secret is accepted at once.
    """
    device_id = headers.get(device_signature.HEADER_DEVICE_ID, "")
    timestamp = headers.get(device_signature.HEADER_TIMESTAMP, "")
    signature = headers.get(device_signature.HEADER_SIGNATURE, "")
    if not device_id or not timestamp or not signature:
        raise Unauthenticated("missing_device_headers")
    if not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
        raise Unauthenticated("invalid_signature")
    # Freshness before the table lookup: a replayed old request costs no read.
    if abs(now.timestamp() - int(timestamp)) > tolerance_seconds:
        raise Unauthenticated("stale_timestamp")
    if len(device_id) > 128:
        raise Unauthenticated("unknown_device")
    cache = devices if devices is not None else DeviceCache(0.0)

    def verified(device: DeviceModel | None) -> bool:
        return (device is not None and device.status == "active"
                and device_signature.signature_matches(device.secret, timestamp, raw_body, signature))

    device, read_now = cache.get(device_id)
    if not verified(device) and not read_now:
        device, read_now = cache.get(device_id, reread=True)  # rotated (or revoked) in another warm function
    if device is None or device.status != "active":
        raise Unauthenticated("unknown_device")
    if not verified(device):
        raise Unauthenticated("invalid_signature")
    return device

"""Lobby devices: registration, and verification of their signed requests."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong import device_signature
from chamcong.access import Access
from chamcong.container import Container
from chamcong.crypto.envelope import SealedError
from chamcong.errors import Conflict, NotFound, Unauthenticated
from chamcong.schemas.devices import CreateDevice
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.units import get_unit
from chamcong.store import device_secrets
from chamcong.store.device_cache import DeviceCache
from chamcong.store.models.devices import DeviceModel

log = logging.getLogger("chamcong")

_TIMESTAMP = re.compile(r"^\d{1,12}$")
_SIGNATURE = re.compile(r"^[0-9a-fA-F]{64}$")


def device_view(device: DeviceModel) -> dict[str, Any]:
    return {"device_id": device.device_id, "name": device.name, "unit_id": device.unit_id,
            "status": device.status, "created_at": iso(device.created_at)}


def register_device(container: Container, access: Access, body: CreateDevice, source: Source) -> dict[str, Any]:
    """A new device; its secret is shown once and stored only sealed (envelope encryption bound to its id)."""
    get_unit(body.unit_id)
    access.require_unit("devices:write", body.unit_id)
    device_id = new_id("dev")
    secret = secrets.token_urlsafe(32)
    sealed = device_secrets.seal_secret(container.kms, container.settings.data_key_id, device_id, secret)
    device = DeviceModel(device_id, name=body.name, unit_id=body.unit_id, sealed_secret=sealed,
                         created_at=container.clock())
    audit.write(container, audit.entry(container.clock(), access.username, "device.register", unit_id=body.unit_id,
                                       subject=device.device_id, details={"name": body.name}, source=source),
                ("save", device, {"condition": DeviceModel.device_id.does_not_exist()}))
    return {**device_view(device), "secret": secret}


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
    sealed = device_secrets.seal_secret(container.kms, container.settings.data_key_id, device_id, secret)
    audit.write(container, audit.entry(container.clock(), access.username, "device.rotate", unit_id=device.unit_id,
                                       subject=device_id, source=source),
                ("update", device, {"actions": [DeviceModel.sealed_secret.set(sealed),
                                                DeviceModel.plain_secret.remove()],
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
                        devices: DeviceCache) -> DeviceModel:
    """The device behind a signed request; 401 for anything unknown, forged or stale. Writes nothing.

    `devices` is the warm function's cache (`Container.device_cache`): a device seen within
    `device_check_seconds` costs no read. A revocation or rotation made in another warm function reaches this
    one within that time (10 s by default); a signature that fails against a kept secret reads the record again
    once, so a box given its new secret is accepted at once. The secret is opened (KMS) once per sealed value
    and kept in the cache's memory; a sealed secret that does not open (altered, or moved from another record)
    is refused like a wrong signature, and logged.
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
    cache = devices

    def verified(device: DeviceModel | None) -> bool:
        if device is None or device.status != "active":
            return False
        try:
            secret = cache.secret(device)
        except SealedError:
            log.error("a device secret does not open", extra={"event": "device_secret_unreadable",
                                                                "device_id": device.device_id})
            return False
        return device_signature.signature_matches(secret, timestamp, raw_body, signature)

    device, read_now = cache.get(device_id)
    if not verified(device) and not read_now:
        device, read_now = cache.get(device_id, reread=True)  # rotated (or revoked) in another warm function
    if device is None or device.status != "active":
        raise Unauthenticated("unknown_device")
    if not verified(device):
        raise Unauthenticated("invalid_signature")
    return device


def seal_plain_secrets(container: Container, actor: str) -> dict[str, int]:
    """Seal every device secret still stored plain (records written before sealing), removing the plain attribute;
    idempotent. One audit entry `device.secrets_sealed` with the counts (never a secret)."""
    counts = {"devices": 0, "sealed": 0, "already_sealed": 0}
    for device in DeviceModel.scan():
        counts["devices"] += 1
        if device_secrets.seal_plain(container.kms, container.settings.data_key_id, device):
            counts["sealed"] += 1
            container.device_cache.forget(device.device_id)
        else:
            counts["already_sealed"] += 1
    audit.record_only(audit.entry(container.clock(), actor, "device.secrets_sealed", details=counts))
    return counts


def rewrap_secrets(container: Container, actor: str, to_key_id: str) -> dict[str, int]:
    """Move every sealed device secret to KMS key `to_key_id`: each data key re-wrapped with KMS ReEncrypt (no
    secret is decrypted here, the ciphertexts are unchanged); a plain one left is sealed under the new key first.
    Idempotent. One audit entry `device.secrets_rewrapped` with the key and the counts."""
    counts = {"devices": 0, "rewrapped": 0, "sealed": 0, "unchanged": 0}
    for device in DeviceModel.scan():
        counts["devices"] += 1
        if device.sealed_secret is None and device_secrets.seal_plain(container.kms, to_key_id, device):
            counts["sealed"] += 1
        elif device.sealed_secret is not None and device_secrets.rewrap_sealed(container.kms, device, to_key_id):
            counts["rewrapped"] += 1
        else:
            counts["unchanged"] += 1
        container.device_cache.forget(device.device_id)
    audit.record_only(audit.entry(container.clock(), actor, "device.secrets_rewrapped",
                                  details={"to_key_id": to_key_id, **counts}))
    return counts

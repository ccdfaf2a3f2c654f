"""A lobby device's HMAC secret, sealed in its record (envelope encryption under the deployment's KMS key).

The encryption context {"purpose": "device-secret", "device_id": …} binds a sealed secret to its device: copied onto
another device's record it does not open. The plaintext exists only in the registering or rotating request (shown
once) and in the memory of the warm functions that verify signatures (`DeviceCache`); it is never logged.
Records written before sealing keep a plain `secret` attribute (`DeviceModel.plain_secret`) until `seal_plain`
(run for every device by `python -m infra.seal_secrets`) seals it and removes it in one conditional update.
"""

from __future__ import annotations

import logging
from typing import Any

from chamcong.crypto import envelope
from chamcong.store.models.base import lost_condition
from chamcong.store.models.devices import DeviceModel

log = logging.getLogger("chamcong")

PURPOSE = "device-secret"


def context(device_id: str) -> dict[str, str]:
    return {"purpose": PURPOSE, "device_id": device_id}


def seal_secret(kms: Any, key_id: str, device_id: str, secret: str) -> dict[str, str]:
    return envelope.seal(kms, key_id, secret.encode("utf-8"), context(device_id))


def open_secret(kms: Any, device: DeviceModel) -> str:
    """The device's secret. A sealed one is opened with KMS (envelope.SealedError if it was altered or moved from
    another record); a plain one left by an older version is returned as it is, with a warning to seal it."""
    if device.sealed_secret is not None:
        return envelope.open_(kms, device.sealed_secret, context(device.device_id)).decode("utf-8")
    if device.plain_secret is not None:
        log.warning("a device secret is still stored plain: run python -m infra.seal_secrets",
                    extra={"event": "device_secret_plain", "device_id": device.device_id})
        return device.plain_secret
    raise envelope.SealedError("the device has no secret")


def seal_plain(kms: Any, key_id: str, device: DeviceModel) -> bool:
    """Seal a record's plain secret and remove the plain attribute, in one update conditional on the plain value
    being unchanged. False when there was nothing to seal (already sealed, or rotated meanwhile)."""
    plain = device.plain_secret
    if plain is None:
        return False
    sealed = seal_secret(kms, key_id, device.device_id, plain)
    try:
        device.update(actions=[DeviceModel.sealed_secret.set(sealed), DeviceModel.plain_secret.remove()],
                      condition=DeviceModel.plain_secret == plain)
    except Exception as error:
        if lost_condition(error):
            return False
        raise
    return True


def rewrap_sealed(kms: Any, device: DeviceModel, to_key_id: str) -> bool:
    """Re-wrap the device's data key under `to_key_id` (KMS ReEncrypt; the secret is never decrypted here), in one
    update conditional on the sealed value being unchanged. False when already under that key or changed meanwhile."""
    sealed = device.sealed_secret
    if sealed is None:
        return False
    moved = envelope.rewrap(kms, sealed, context(device.device_id), to_key_id)
    if moved["key_id"] == sealed.get("key_id"):
        return False
    try:
        device.update(actions=[DeviceModel.sealed_secret.set(moved)],
                      condition=DeviceModel.sealed_secret == sealed)
    except Exception as error:
        if lost_condition(error):
            return False
        raise
    return True

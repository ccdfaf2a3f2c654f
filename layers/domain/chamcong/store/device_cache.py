"""The lobby devices a warm function has seen, kept `check_seconds` so a recognition reads no device record.

A rotation or revocation made in this function is seen at once (`forget`); one made in another warm function
within `check_seconds` (the `device_check_seconds` setting, 10 s by default). A signature that does not verify
against a kept secret makes the caller read the record again once (`get(..., reread=True)`): a device given
its new secret right after a rotation elsewhere is not refused for those seconds. Unknown ids are not kept (a
flood of made-up ids cannot fill the cache; each costs the one read it always did).

Secrets are stored sealed (`store/device_secrets.py`): `secret(device)` opens one with KMS the first time it is
seen and keeps the plaintext in this function's memory only, keyed by the sealed value, so a device re-read with
the same sealed secret costs no KMS call, and a rotated one is opened afresh. Nothing here is written anywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong.store import device_secrets
from chamcong.store.models.devices import DeviceModel


class DeviceCache:
    def __init__(self, check_seconds: float, monotonic: Callable[[], float] = time.monotonic, *,
                 kms: Any = None) -> None:
        self._check_seconds = check_seconds
        self._monotonic = monotonic
        self._kms = kms
        self._kept: dict[str, tuple[DeviceModel, float]] = {}
        # device_id -> (the sealed value's ciphertext and wrapped key, its plaintext): memory only.
        self._opened: dict[str, tuple[tuple[str, str], str]] = {}
        self._lock = threading.Lock()

    def get(self, device_id: str, *, reread: bool = False) -> tuple[DeviceModel | None, bool]:
        """The device (None if there is none) and whether it was read from the table just now."""
        now = self._monotonic()
        if not reread:
            with self._lock:
                kept = self._kept.get(device_id)
            if kept is not None and now - kept[1] < self._check_seconds:
                return kept[0], False
        try:
            device = DeviceModel.get(device_id)
        except DoesNotExist:
            self.forget(device_id)
            return None, True
        if self._check_seconds > 0:
            with self._lock:
                self._kept[device_id] = (device, now)
        return device, True

    def secret(self, device: DeviceModel) -> str:
        """The device's secret in plaintext (envelope.SealedError if it does not open); KMS is asked once per
        sealed value this function sees."""
        sealed = device.sealed_secret
        if sealed is None:  # a plain secret left by an older version (logged once per warm function, not per use)
            fingerprint = ("plain", str(device.plain_secret))
        else:
            fingerprint = (str(sealed.get("ciphertext")), str(sealed.get("wrapped_key")))
        with self._lock:
            opened = self._opened.get(device.device_id)
        if opened is not None and opened[0] == fingerprint:
            return opened[1]
        secret = device_secrets.open_secret(self._kms, device)
        with self._lock:
            self._opened[device.device_id] = (fingerprint, secret)
        return secret

    def forget(self, device_id: str) -> None:
        with self._lock:
            self._kept.pop(device_id, None)
            self._opened.pop(device_id, None)

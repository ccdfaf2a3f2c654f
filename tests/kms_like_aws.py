"""moto's KMS as AWS behaves for a disabled key: AWS refuses Encrypt, Decrypt, GenerateDataKey and ReEncrypt under
a disabled key (DisabledException); moto 5.2 does not check. Patched in for the tests that disable a key, so that
"the old key disabled, the secrets still open" can fail when a secret is still wrapped by the old key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.core.exceptions import JsonRESTError
from moto.kms import models


class DisabledException(JsonRESTError):
    code = 400

    def __init__(self, key_id: str) -> None:
        super().__init__("DisabledException", f"{key_id} is disabled.")


@contextmanager
def disabled_keys_refused() -> Iterator[None]:
    real_encrypt = models.KmsBackend.encrypt
    real_decrypt = models.KmsBackend.decrypt

    def encrypt(self: Any, key_id: str, plaintext: bytes, encryption_context: dict[str, str]) -> Any:
        actual = self.any_id_to_key_id(key_id)
        if not self.keys[actual].enabled:
            raise DisabledException(self.keys[actual].arn)
        return real_encrypt(self, key_id, plaintext, encryption_context)

    def decrypt(self: Any, ciphertext_blob: bytes, encryption_context: dict[str, str],
                key_id: str | None = None) -> Any:
        plaintext, arn = real_decrypt(self, ciphertext_blob, encryption_context, key_id)
        if not self.keys[self.any_id_to_key_id(arn)].enabled:
            raise DisabledException(arn)
        return plaintext, arn

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(models.KmsBackend, "encrypt", encrypt)
        patch.setattr(models.KmsBackend, "decrypt", decrypt)
        yield

"""Who signs an evidence bundle's manifest: the deployment's KMS key, or a local key on the local stack.

ECDSA on P-256 with SHA-256, the signature DER-encoded: what AWS KMS answers for an `ECC_NIST_P256` key with
`ECDSA_SHA_256`, and what `cryptography` verifies offline with only the public key (`infra/verify_bundle.py`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

ALGORITHM = "ECDSA_P256_SHA256"


class Signer(Protocol):
    def sign(self, message: bytes) -> bytes: ...

    def public_key_pem(self) -> bytes: ...


def fingerprint(public_key_pem: bytes) -> str:
    """The SHA-256 of the public key's DER (SubjectPublicKeyInfo), in hex: what an office writes down."""
    key = serialization.load_pem_public_key(public_key_pem)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


class KmsSigner:
    """An AWS KMS asymmetric key (KeySpec ECC_NIST_P256, KeyUsage SIGN_VERIFY): the private key never leaves KMS."""

    def __init__(self, kms: Any, key_id: str) -> None:
        self._kms = kms
        self.key_id = key_id
        self._public: bytes | None = None

    def sign(self, message: bytes) -> bytes:
        answer = self._kms.sign(KeyId=self.key_id, Message=message, MessageType="RAW",
                                SigningAlgorithm="ECDSA_SHA_256")
        return bytes(answer["Signature"])

    def public_key_pem(self) -> bytes:
        if self._public is None:
            der = self._kms.get_public_key(KeyId=self.key_id)["PublicKey"]
            key = serialization.load_der_public_key(bytes(der))
            self._public = key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        return self._public


class LocalSigner:
    """A P-256 private key in a PEM file (the local stack's, under out/); created there if it does not exist."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            create_local_key(self.path)
        loaded = serialization.load_pem_private_key(self.path.read_bytes(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey) or loaded.curve.name != "secp256r1":
            raise ValueError(f"{self.path} is not a P-256 private key")
        self._key = loaded

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message, ec.ECDSA(hashes.SHA256()))

    def public_key_pem(self) -> bytes:
        return self._key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def create_local_key(path: Path) -> None:
    """A new P-256 key, readable only by its owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.touch(mode=0o600)
    path.write_bytes(pem)

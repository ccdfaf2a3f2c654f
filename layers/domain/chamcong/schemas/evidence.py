"""Evidence bundles: the key that signs them."""

from __future__ import annotations

from pydantic import Field

from chamcong.schemas.common import View


class EvidencePublicKey(View):
    algorithm: str = Field(description="ECDSA_P256_SHA256: ECDSA on P-256 with SHA-256, signatures DER-encoded")
    public_key_pem: str = Field(description="The public key (SubjectPublicKeyInfo, PEM)")
    sha256: str = Field(description="The SHA-256 of the key's DER, in hex: the fingerprint a bundle's manifest names")
    key_id: str | None = Field(description="The AWS KMS key's id or ARN; null for the local stack's key file")

"""Check an evidence bundle offline: every file against the signed manifest, and the signature.

    python -m infra.verify_bundle bundle.zip [--public-key key.pem] [--fingerprint SHA256HEX]

Needs only the standard library and `cryptography` (no AWS access, nothing of the product): a council's clerk
can run it on any machine. Without --public-key the bundle's own public_key.pem is used, which proves only that
the bundle is intact as its signer made it: pass the deployment's published key (GET /v1/evidence/public-key)
or its fingerprint to prove WHO signed it. Exit status 0 when everything holds, 1 otherwise, with a plain report.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "public_key.pem"


@dataclass
class Report:
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    def good(self, text: str) -> None:
        self.lines.append(f"OK    {text}")

    def bad(self, text: str) -> None:
        self.ok = False
        self.lines.append(f"FAIL  {text}")

    def note(self, text: str) -> None:
        self.lines.append(f"NOTE  {text}")

    def text(self) -> str:
        verdict = "VALID: the bundle is intact and signed by the key shown" if self.ok else "INVALID"
        return "\n".join([*self.lines, verdict])


def fingerprint_of(public_key: ec.EllipticCurvePublicKey) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def verify(bundle: bytes, public_key_pem: bytes | None = None, fingerprint: str | None = None) -> Report:
    report = Report()
    try:
        archive = zipfile.ZipFile(io.BytesIO(bundle))
        contents = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        report.bad(f"not a readable .zip: {error}")
        return report
    if MANIFEST not in contents or SIGNATURE not in contents:
        report.bad(f"{MANIFEST} or {SIGNATURE} is missing")
        return report
    manifest_bytes = contents[MANIFEST]
    try:
        manifest = json.loads(manifest_bytes)
        listed = {entry["path"]: entry for entry in manifest["files"]}
    except (ValueError, KeyError, TypeError) as error:
        report.bad(f"{MANIFEST} is not a bundle manifest: {error}")
        return report
    report.manifest = manifest
    subject = manifest.get("subject", {})
    report.note(f"subject {subject.get('full_name')} ({subject.get('staff_id')}), day {manifest.get('date')}, "
                f"generated {manifest.get('generated_at')} by {manifest.get('generated_by')}, "
                f"deployment {manifest.get('deployment', {}).get('name')}")
    _check_files(report, contents, listed)
    key = _key(report, contents, public_key_pem)
    if key is None:
        return report
    used = fingerprint_of(key)
    report.note(f"public key fingerprint (SHA-256) {used}")
    if fingerprint is not None:
        wanted = fingerprint.lower().replace(":", "").strip()
        if used == wanted:
            report.good("the key is the one whose fingerprint was given")
        else:
            report.bad(f"the key's fingerprint is not the one given ({wanted})")
    elif public_key_pem is None:
        report.note("no --public-key or --fingerprint given: compare the fingerprint above with the deployment's "
                    "published one (GET /v1/evidence/public-key)")
    if manifest.get("signature", {}).get("public_key_sha256") != used:
        report.bad("the manifest names another signing key than the one used to verify")
    try:
        key.verify(contents[SIGNATURE], manifest_bytes, ec.ECDSA(hashes.SHA256()))
        report.good(f"signature of {MANIFEST} (ECDSA P-256 SHA-256)")
    except InvalidSignature:
        report.bad(f"the signature of {MANIFEST} does not verify with this key")
    return report


def _check_files(report: Report, contents: dict[str, bytes], listed: dict[str, dict[str, Any]]) -> None:
    for path, entry in sorted(listed.items()):
        data = contents.get(path)
        if data is None:
            report.bad(f"{path}: listed in the manifest but missing")
        elif hashlib.sha256(data).hexdigest() != entry.get("sha256") or len(data) != entry.get("size"):
            report.bad(f"{path}: its content is not what the manifest records (sha256 or size differs)")
        else:
            report.good(f"{path} ({len(data)} bytes)")
    for path in sorted(set(contents) - set(listed) - {MANIFEST, SIGNATURE}):
        report.bad(f"{path}: in the bundle but not in the manifest")


def _key(report: Report, contents: dict[str, bytes], public_key_pem: bytes | None) -> Any:
    pem = public_key_pem if public_key_pem is not None else contents.get(PUBLIC_KEY)
    if pem is None:
        report.bad(f"no public key: {PUBLIC_KEY} is missing and none was given")
        return None
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as error:
        report.bad(f"the public key cannot be read: {error}")
        return None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        report.bad("the public key is not a P-256 key")
        return None
    return key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.verify_bundle", description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the evidence bundle (.zip)")
    parser.add_argument("--public-key", type=Path, help="the deployment's public key (PEM)")
    parser.add_argument("--fingerprint", help="the deployment's public key fingerprint (SHA-256, hex)")
    args = parser.parse_args(argv)
    report = verify(args.bundle.read_bytes(), args.public_key.read_bytes() if args.public_key else None,
                    args.fingerprint)
    print(report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The manifest's signers: the deployment's KMS key (on moto) and the local stack's key file, and why a day is late."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto import mock_aws

from chamcong.evidence.bundle import why
from chamcong.evidence.signing import KmsSigner, LocalSigner, fingerprint
from chamcong.rules.attendance import Attendance, DayStatus, DaySummary
from chamcong.rules.calendar import Schedule
from chamcong.rules.windows import EventType
from infra import verify_bundle

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _bundle(signer: KmsSigner | LocalSigner) -> bytes:
    """A minimal bundle as chamcong.evidence.bundle lays it out: one file, the key, the signed manifest."""
    import hashlib

    data = b'{"status": "late"}'
    pem = signer.public_key_pem()
    manifest = json.dumps({"subject": {"staff_id": "stf_1"}, "date": "2026-11-20",
                           "signature": {"public_key_sha256": fingerprint(pem)},
                           "files": [{"path": "day.json", "sha256": hashlib.sha256(data).hexdigest(),
                                      "size": len(data)},
                                     {"path": "public_key.pem", "sha256": hashlib.sha256(pem).hexdigest(),
                                      "size": len(pem)}]}).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("manifest.sig", signer.sign(manifest))
        archive.writestr("day.json", data)
        archive.writestr("public_key.pem", pem)
    return out.getvalue()


def test_a_bundle_signed_by_the_kms_key_verifies_offline_with_the_public_key_kms_gives(tmp_path: Path) -> None:
    with mock_aws():
        # GIVEN an asymmetric P-256 signing key in KMS, as the template's EvidenceSigningKey
        kms = boto3.client("kms", region_name="ap-southeast-1")
        key_id = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        signer = KmsSigner(kms, key_id)
        # WHEN a bundle is signed by it
        bundle = _bundle(signer)
        pem = signer.public_key_pem()
    # THEN it verifies offline (no AWS) with KMS's public key and its fingerprint, and not with another key
    assert verify_bundle.verify(bundle, pem, fingerprint(pem)).ok
    assert not verify_bundle.verify(bundle, LocalSigner(tmp_path / "another.pem").public_key_pem()).ok


def test_the_local_key_is_created_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "out" / "evidence-signing-key.pem"
    first = LocalSigner(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # the same key on the next start: bundles made before stay verifiable with the published key
    assert LocalSigner(path).public_key_pem() == first.public_key_pem()
    assert verify_bundle.verify(_bundle(first), first.public_key_pem()).ok


def test_a_key_that_is_not_p256_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "k.pem"
    path.write_bytes(ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(ValueError, match="not a P-256"):
        LocalSigner(path)


DAY = date(2026, 11, 20)
RULE = Schedule(valid_from=date(2026, 1, 1), work_start=time(7, 30), late_grace_minutes=5, early_grace_minutes=0)


def _at(hhmm: str, event: EventType) -> Attendance:
    return Attendance(event, datetime.combine(DAY, time.fromisoformat(hhmm), HANOI), "dev", "cap")


@pytest.mark.parametrize(("summary", "expected"), [
    (DaySummary(DAY, DayStatus.LATE, (DayStatus.LATE,), check_in=_at("07:41:30", EventType.CHECK_IN),
                late_minutes=12),
     ["Đi muộn 12 phút: chấm công vào lúc 07:41:30, giờ bắt đầu làm việc 07:30, thời gian cho phép 5 phút."]),
    (DaySummary(DAY, DayStatus.LEFT_EARLY, (DayStatus.LEFT_EARLY,), check_out=_at("16:45:00", EventType.CHECK_OUT),
                early_minutes=15),
     ["Về sớm 15 phút: chấm công ra lúc 16:45:00, giờ kết thúc làm việc 17:00, thời gian cho phép 0 phút."]),
    (DaySummary(DAY, DayStatus.ABSENT, (DayStatus.ABSENT,)),
     ["Vắng mặt: không có lần chấm công nào trong khung giờ vào 05:30–08:00 và khung giờ ra 16:30–18:00."]),
    (DaySummary(DAY, DayStatus.MISSING_CHECK_IN, (DayStatus.MISSING_CHECK_IN,)),
     ["Thiếu chấm công vào: không có lần chấm công nào trong khung giờ 05:30–08:00."]),
    (DaySummary(DAY, DayStatus.MISSING_CHECK_OUT, (DayStatus.MISSING_CHECK_OUT,)),
     ["Thiếu chấm công ra: không có lần chấm công nào trong khung giờ 16:30–18:00."]),
    (DaySummary(DAY, DayStatus.ON_TIME), []),
])
def test_why_a_day_was_judged_so_against_the_rule_in_force(summary: DaySummary, expected: list[str]) -> None:
    assert why(summary, RULE, "vi") == expected
    assert len(why(summary, RULE, "en")) == len(expected)


def test_the_offline_verifier_needs_nothing_but_the_standard_library_and_cryptography() -> None:
    import ast
    import sys

    source = Path(verify_bundle.__file__).read_text(encoding="utf-8")
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {str(node.module).split(".")[0] for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.ImportFrom) and node.level == 0}
    assert imported - set(sys.stdlib_module_names) == {"cryptography"}

"""The evidence bundle of a late, early or absent day: downloaded through the API, checked offline, every view audited.

Real models and photos: the events come from recognitions, the snapshots are what the lobby camera sent.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chamcong.store.models.attendance import EventModel
from chamcong.store.models.audit import AuditModel
from infra import verify_bundle
from tests.integration.harness import ADMIN_PASSWORD, Product, running_product
from tests.integration.photos import face_crop, photos_of

ZIP = "application/zip"
PEOPLE = {"obama": "Nguyễn Văn An", "biden": "Trần Thị Bình", "person01": "Lê Hoàng Cường"}
FRIDAY = "2026-11-20"


@dataclass
class Office:
    product: Product
    unit_id: str
    device_id: str
    staff: dict[str, str]
    faces_dir: Path

    def now(self, moment: datetime) -> None:
        self.product.clock.now = moment
        login = self.product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
        assert login.status == 200, login.body
        self.product.token = login.body["token"]

    def seen(self, person: str, at: str, capture_id: str) -> None:
        crop = face_crop(self.product.container.engine(), photos_of(self.faces_dir, person)[1])
        reply = self.product.recognise(self.device_id, capture_id, crop, at)
        assert reply.status == 200 and reply.body["recorded"], reply.body

    def bundle(self, person: str, day: str = FRIDAY, token: str | None = None) -> bytes:
        reply = self.product.request("GET", f"/v1/staff/{self.staff[person]}/days/{day}/evidence-bundle",
                                     headers={"Accept": ZIP}, token=token)
        assert reply.status == 200, reply.body
        assert reply.headers["Content-Type"].startswith(ZIP)
        return reply.raw


def _views() -> list[AuditModel]:
    return [item for item in AuditModel.scan() if item.action == "evidence.view"]


@pytest.fixture(scope="module")
def office(models_dir: Path, faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("EVIDENCE_LOCAL_KEY", str(tmp_path_factory.mktemp("keys") / "evidence.pem"))
        monkeypatch.setenv("DEPLOYMENT_NAME", "chamcong-test")
        with running_product(models_dir, tmp_path_factory.mktemp("cache"), monkeypatch) as product:
            unit_id = product.unit("Phòng Tài chính - Kế hoạch")
            staff = {}
            for person, name in PEOPLE.items():
                staff[person] = product.staff(name, unit_id)
                assert product.enrol(staff[person], photos_of(faces_dir, person)[0]).status == 201
            device_id, _ = product.device(unit_id)
            office = Office(product, unit_id, device_id, staff, faces_dir)
            # Friday 20 November 2026: An on time, Bình late (07:41:30, work starts 07:30) and gone early, Cường unseen
            office.now(datetime(2026, 11, 20, 0, 50, tzinfo=UTC))
            office.seen("obama", "2026-11-20T07:12:00+07:00", "fri-obama-in")
            office.seen("biden", "2026-11-20T07:41:30+07:00", "fri-biden-in")
            office.now(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))  # 18:30: the day is over
            office.seen("obama", "2026-11-20T17:05:00+07:00", "fri-obama-out")
            office.seen("biden", "2026-11-20T16:45:00+07:00", "fri-biden-out")
            yield office


def test_a_late_day_s_bundle_holds_the_records_the_snapshots_the_rule_and_a_valid_signature(office: Office) -> None:
    # WHEN the admin downloads Bình's bundle for her late Friday
    data = office.bundle("biden")
    files = {info.filename: zipfile.ZipFile(io.BytesIO(data)).read(info)
             for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    # THEN the day says why it is late, against the rule in force
    day = json.loads(files["day.json"])
    assert (day["status"], day["flags"], day["late_minutes"], day["early_minutes"]) == (
        "late", ["late", "left_early"], 12, 15)
    assert (day["rule"]["work_start"], day["rule"]["late_grace_minutes"]) == ("07:30", 0)
    assert day["why"]["vi"][0] == ("Đi muộn 12 phút: chấm công vào lúc 07:41:30, giờ bắt đầu làm việc 07:30, "
                                   "thời gian cho phép 0 phút.")
    assert day["why"]["en"][1].startswith("Left early by 15 minutes: checked out at 16:45:00")
    # AND both events are there with the very snapshots the camera sent, and the device's signed capture
    events = json.loads(files["events.json"])
    assert [e["capture_id"] for e in events] == ["fri-biden-in", "fri-biden-out"]
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    bucket = office.product.container.settings.data_bucket
    for event in events:
        stored = s3.get_object(Bucket=bucket, Key=event["snapshot_key"])["Body"].read()
        assert files[event["snapshot_file"]] == stored and stored[:2] == b"\xff\xd8"
        assert len(event["capture"]["body_sha256"]) == 64
    # AND the device with its registration (never its secret)
    [device] = json.loads(files["devices.json"])
    assert (device["device_id"], device["status"], device["registered_by"]) == (office.device_id, "active", "admin")
    assert "secret" not in files["devices.json"].decode()
    # AND the manifest names the subject, the day, who made it and every file's hash
    manifest = json.loads(files["manifest.json"])
    assert manifest["subject"] == {"staff_id": office.staff["biden"], "full_name": "Trần Thị Bình",
                                   "employee_code": None, "unit_id": office.unit_id}
    assert (manifest["date"], manifest["generated_by"], manifest["deployment"]["name"]) == (
        FRIDAY, "admin", "chamcong-test")
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "manifest.sig"}
    assert all(hashlib.sha256(files[p]).hexdigest() == e["sha256"] for p, e in listed.items())
    # AND the offline check passes against the key the deployment publishes
    published = office.product.get("/v1/evidence/public-key", token="")
    assert published.status == 200, published.body
    assert manifest["signature"]["public_key_sha256"] == published.body["sha256"]
    report = verify_bundle.verify(data, published.body["public_key_pem"].encode(), published.body["sha256"])
    assert report.ok, report.text()


def test_every_view_of_evidence_is_on_the_audit_trail(office: Office) -> None:
    before = {item.entry_key for item in _views()}
    # WHEN the admin reads the unit's day (a snapshot link for Bình's late check-in), her events, and her bundle
    assert office.product.get(f"/v1/attendance/days?unit_id={office.unit_id}&date={FRIDAY}").status == 200
    assert office.product.get(f"/v1/staff/{office.staff['biden']}/events?date={FRIDAY}").status == 200
    office.bundle("biden")
    # THEN three views are recorded: who, whose evidence, what, which objects, which day
    views = [item for item in _views() if item.entry_key not in before]
    snapshot_keys = sorted(e.snapshot_key for e in EventModel.of_person_on(office.staff["biden"],
                                                                           datetime(2026, 11, 20).date()))
    check_in_key = next(key for key in snapshot_keys if "fri-biden-in" in key)
    assert sorted((v.actor, v.subject, v.unit_id, v.details["what"], v.details["date"], sorted(v.details["keys"]))
                  for v in views) == [
        ("admin", office.staff["biden"], office.unit_id, "bundle", FRIDAY, snapshot_keys),
        # the unit's day links the deciding check-in only; the events list links both
        ("admin", office.staff["biden"], office.unit_id, "snapshot", FRIDAY, [check_in_key]),
        ("admin", office.staff["biden"], office.unit_id, "snapshot", FRIDAY, snapshot_keys)]
    # AND the next bundle of that day carries those earlier views among its audit entries
    entries = json.loads(zipfile.ZipFile(io.BytesIO(office.bundle("biden"))).read("audit.json"))
    assert {e["details"].get("what") for e in entries if e["action"] == "evidence.view"} >= {"snapshot", "bundle"}


def test_an_absent_day_has_a_bundle_and_a_correction_goes_into_it_with_its_author(office: Office) -> None:
    # GIVEN Cường was never seen on Friday, and his leader corrects the day afterwards
    reply = office.product.post("/v1/corrections", {"staff_id": office.staff["person01"], "date": FRIDAY,
                                                    "status": "business_trip",
                                                    "reason": "Đi công tác xã Đà Bắc theo Quyết định 12/QĐ"})
    assert reply.status == 201, reply.body
    # WHEN his bundle is downloaded
    files = zipfile.ZipFile(io.BytesIO(office.bundle("person01")))
    day = json.loads(files.read("day.json"))
    # THEN it says he was absent by the rules, and was corrected, by whom and why
    assert (day["status"], day["status_before_correction"], day["flags"]) == ("business_trip", "absent", ["absent"])
    assert day["why"]["vi"][0].startswith("Vắng mặt: không có lần chấm công nào trong khung giờ vào 05:30–08:00")
    [correction] = json.loads(files.read("corrections.json"))
    assert (correction["created_by"], correction["reason"]) == ("admin", "Đi công tác xã Đà Bắc theo Quyết định 12/QĐ")
    assert any(e["subject"] == correction["correction_id"] for e in json.loads(files.read("audit.json")))
    assert json.loads(files.read("events.json")) == []


def test_a_day_with_nothing_to_answer_for_has_no_bundle_and_a_colleague_gets_none(office: Office) -> None:
    # WHEN the admin asks for An's on-time Friday
    reply = office.product.request("GET", f"/v1/staff/{office.staff['obama']}/days/{FRIDAY}/evidence-bundle",
                                   headers={"Accept": ZIP, "Accept-Language": "vi"})
    # THEN there is nothing to bundle, said in Vietnamese
    assert reply.status == 422 and reply.body["code"] == "evidence_day_not_eligible"
    assert reply.body["message"].startswith("Ngày 20/11/2026 không có vi phạm")
    # AND An, signed in as herself, may not take her colleague's bundle, but may take none of her own on-time day
    token = office.product.account("an.nv", office.unit_id, staff_id=office.staff["obama"],
                                   grants=[{"role": "staff", "unit_id": office.unit_id}])
    before = {item.entry_key for item in _views()}
    other = office.product.request("GET", f"/v1/staff/{office.staff['biden']}/days/{FRIDAY}/evidence-bundle",
                                   headers={"Accept": ZIP}, token=token)
    assert other.status == 403
    assert {item.entry_key for item in _views()} == before
    # AND a day that does not exist, or outside the days the API knows, is not found
    for day in ("2026-02-30", "1999-12-31"):
        missing = office.product.request("GET", f"/v1/staff/{office.staff['biden']}/days/{day}/evidence-bundle",
                                         headers={"Accept": ZIP})
        assert (missing.status, missing.body["code"]) == (404, "not_found"), day
    # AND without asking for a .zip the API says so (API Gateway would otherwise send base64 text)
    plain = office.product.get(f"/v1/staff/{office.staff['biden']}/days/{FRIDAY}/evidence-bundle")
    assert plain.status == 406


def _rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, change.pop(info.filename, source.read(info)))
        for name, content in change.items():
            target.writestr(name, content)
    return out.getvalue()


def test_the_offline_check_fails_on_a_tampered_file_a_tampered_manifest_or_another_key(
        office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = office.bundle("biden")
    archive = zipfile.ZipFile(io.BytesIO(data))
    published = office.product.get("/v1/evidence/public-key", token="").body
    key_file = tmp_path / "published.pem"
    key_file.write_text(published["public_key_pem"])
    good = tmp_path / "good.zip"
    good.write_bytes(data)
    # GIVEN the genuine bundle: the command says VALID and exits 0
    assert verify_bundle.main([str(good), "--public-key", str(key_file)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("VALID: the bundle is intact and signed by the key shown")
    # WHEN one minute is taken off the lateness in day.json
    day = archive.read("day.json").replace(b'"late_minutes": 12', b'"late_minutes": 2')
    tampered_file = tmp_path / "file.zip"
    tampered_file.write_bytes(_rezip(data, {"day.json": day}))
    # THEN the check fails and names the file
    assert verify_bundle.main([str(tampered_file), "--public-key", str(key_file)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  day.json: its content is not what the manifest records" in out and out.rstrip().endswith("INVALID")
    # WHEN the manifest is edited to match (the forger recomputes the hash) — the signature no longer holds
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["files"]:
        if entry["path"] == "day.json":
            entry.update(sha256=hashlib.sha256(day).hexdigest(), size=len(day))
    forged = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    report = verify_bundle.verify(_rezip(data, {"day.json": day, "manifest.json": forged}), key_file.read_bytes())
    assert not report.ok
    assert "FAIL  the signature of manifest.json does not verify with this key" in report.lines
    assert f"OK    day.json ({len(day)} bytes)" in report.lines
    # WHEN the forger also signs with a key of their own and puts it in the bundle
    theirs = ec.generate_private_key(ec.SECP256R1())
    their_pem = theirs.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    resigned = _rezip(data, {"public_key.pem": their_pem})
    # THEN against the published key or its fingerprint it fails
    assert not verify_bundle.verify(resigned, key_file.read_bytes()).ok
    report = verify_bundle.verify(resigned, fingerprint=published["sha256"])
    assert not report.ok and any("fingerprint is not the one given" in line for line in report.lines)
    # AND a file slipped into the bundle is refused
    extra = verify_bundle.verify(_rezip(data, {"snapshots/extra.jpg": b"\xff\xd8"}), key_file.read_bytes())
    assert "FAIL  snapshots/extra.jpg: in the bundle but not in the manifest" in extra.lines


def _contents(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: archive.read(info) for info in archive.infolist()}


def test_a_clip_too_large_for_the_download_is_named_by_its_signed_hash_instead(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    from chamcong.evidence import bundle

    # GIVEN Bình's check-in with its clip (as the edge's upload links it)
    product = office.product
    [event] = [e for e in EventModel.scan() if e.capture_id == "fri-biden-in"]
    clip = b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 200
    key = f"clips/{FRIDAY}/{office.device_id}/fri-biden-in.webm"
    product.container.blobs.put(key, clip, "video/webm")
    event.update(actions=[EventModel.clip_key.set(key), EventModel.clip_sha256.set(hashlib.sha256(clip).hexdigest())])
    # WHEN the bundle is made THEN the clip is in it, listed in the manifest
    files = _contents(office.bundle("biden"))
    assert files["clips/fri-biden-in.webm"] == clip
    # WHEN the clip would make the bundle too large to download
    monkeypatch.setattr(bundle, "MAX_BUNDLE_BYTES", 60_000)
    data = office.bundle("biden")
    files = _contents(data)
    # THEN it is left out, its row says why and gives the sha256 the device signed; the bundle still verifies
    assert not any(name.startswith("clips/") for name in files)
    row = next(e for e in json.loads(files["events.json"]) if e["capture_id"] == "fri-biden-in")
    assert row["clip_file"] is None and "too large" in row["clip_missing"]
    assert row["clip_sha256"] == hashlib.sha256(clip).hexdigest()
    assert verify_bundle.verify(data).ok


def test_a_day_whose_snapshot_is_no_longer_kept_still_has_its_bundle(office: Office) -> None:
    # GIVEN Bình's check-out snapshot expired by the bucket's lifecycle rule (the event stays)
    [event] = [e for e in EventModel.scan() if e.capture_id == "fri-biden-out"]
    office.product.container.blobs.delete(event.snapshot_key)
    # WHEN the bundle is made THEN it is, with the records, and the row says the snapshot is no longer kept
    data = office.bundle("biden")
    files = _contents(data)
    row = next(e for e in json.loads(files["events.json"]) if e["capture_id"] == "fri-biden-out")
    assert row["snapshot_file"] is None and "no longer kept" in row["snapshot_missing"]
    assert any(name.startswith("snapshots/fri-biden-in") for name in files)
    assert verify_bundle.verify(data).ok


def test_an_absent_day_s_bundle_holds_the_passages_of_that_morning_nobody_was_matched_to(office: Office) -> None:
    # GIVEN somebody nobody enrolled passed the office's lobby at 07:20 on Friday (Cường was never recognised)
    crop = face_crop(office.product.container.engine(), photos_of(office.faces_dir, "kit_harington")[1])
    reply = office.product.recognise(office.device_id, "fri-unknown", crop, "2026-11-20T07:20:00+07:00")
    assert reply.status == 200 and reply.body["result"] == "unknown", reply.body
    # WHEN Cường's absent day's bundle is downloaded
    data = office.bundle("person01")
    files = _contents(data)
    # THEN it holds that passage, its time and camera, and the very crop the lobby kept, signed with the rest
    [passage] = json.loads(files["unmatched.json"])
    assert (passage["capture_id"], passage["captured_at_local"], passage["device_id"]) == (
        "fri-unknown", "2026-11-20T07:20:00", office.device_id)
    [stored_key] = [key for key in office.product.container.blobs.keys("unmatched/2026-11-20/")
                    if "/fri-unknown/crop" in key]
    assert files[passage["snapshot_file"]] == office.product.container.blobs.get(stored_key)
    assert verify_bundle.verify(data).ok
    # AND Bình's late day (she checked in) carries no unmatched passage
    assert json.loads(_contents(office.bundle("biden"))["unmatched.json"]) == []

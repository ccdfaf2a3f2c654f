"""Decree 13/2023: the notice recorded at enrolment, the person's own data (JSON and .zip), erasure requests
answered by the unit admin, and the impact-assessment dossier, through the API with real photos."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import boto3
import pytest

from chamcong.services.dossier import DOCX
from tests.integration.harness import Product, b64
from tests.integration.photos import face_crop, photos_of

ZIP = {"Accept": "application/zip"}


def _keys(product: Product, prefix: str) -> list[str]:
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    listing = s3.list_objects_v2(Bucket=product.container.settings.data_bucket, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def _audit_actions(product: Product, unit_id: str, staff_id: str) -> list[str]:
    entries = product.get(f"/v1/audit?from=2026-11-01&to=2026-12-31&unit_id={unit_id}&limit=500").body["entries"]
    return [entry["action"] for entry in entries if entry["subject"] == staff_id]


def test_an_enrolment_records_the_notice_the_person_was_given(product: Product, faces_dir: Path) -> None:
    unit = product.unit()
    staff_id = product.staff("Lò Văn Pâng", unit)
    # WHEN the unit enrols a photo the way existing clients do (no notice in the body)
    assert product.enrol(staff_id, photos_of(faces_dir, "person02")[0]).status == 201
    # AND a second one naming the notice it printed yesterday
    reply = product.post(f"/v1/staff/{staff_id}/faces", {"image_b64": b64(photos_of(faces_dir, "person02")[1]
                                                                          .read_bytes()),
                                                         "notice": {"version": "2026-01",
                                                                    "given_at": "2026-11-19T09:00:00+07:00"}})
    assert reply.status == 201, reply.body
    # THEN the person's data shows both notices: the current version, by the enrolling official, on the law
    notices = product.get(f"/v1/staff/{staff_id}/personal-data").body["notices"]
    assert [(n["version"], n["given_by"], n["legal_basis"], n["consent"]) for n in notices] == \
        [("2026-01", "admin", "law", None)] * 2
    # (oldest given first: the one printed yesterday, then the one recorded as given now)
    assert [n["given_at"] for n in notices] == ["2026-11-19T09:00:00+07:00", "2026-11-20T07:40:00+07:00"]
    assert notices[0]["face_ids"] == [reply.body["face_id"]] and len(notices[1]["face_ids"]) == 1
    # AND each is in the audit trail
    assert _audit_actions(product, unit, staff_id).count("privacy.notice") == 2


def test_consent_as_the_legal_basis_must_be_recorded_before_any_photo(product: Product, faces_dir: Path) -> None:
    unit = product.unit()
    staff_id = product.staff("Hà Thị Mai", unit)
    photo = b64(photos_of(faces_dir, "person03")[0].read_bytes())
    # GIVEN a deployment whose legal basis is the person's consent
    product.container.settings.privacy_legal_basis = "consent"
    # WHEN an official enrols without recording consent, or with a notice version that does not exist
    refused = product.post(f"/v1/staff/{staff_id}/faces", {"image_b64": photo})
    batch = product.post(f"/v1/staff/{staff_id}/faces/batch", {"images_b64": [photo], "notice": {"consent": False}})
    unknown = product.post(f"/v1/staff/{staff_id}/faces", {"image_b64": photo, "notice": {"version": "2019-01",
                                                                                        "consent": True}})
    # THEN nothing is enrolled and the official reads why
    assert (refused.status, refused.body["code"]) == (422, "consent_required")
    assert "đồng ý" in refused.body["message"]
    assert (batch.status, batch.body["code"]) == (422, "consent_required")
    assert (unknown.status, unknown.body["code"]) == (404, "notice_not_found")
    assert product.get(f"/v1/staff/{staff_id}").body["faces"] == []
    assert _keys(product, f"faces/{staff_id}/") == []
    # WHEN the consent is recorded, THEN the photo is enrolled with it
    given = product.post(f"/v1/staff/{staff_id}/faces", {"image_b64": photo, "notice": {"consent": True}})
    assert given.status == 201, given.body
    [notice] = product.get(f"/v1/staff/{staff_id}/personal-data").body["notices"]
    assert (notice["legal_basis"], notice["consent"], notice["face_ids"]) == ("consent", True, [given.body["face_id"]])
    # AND a body may state the basis itself (an office under contract) without consent
    other = product.staff("Đinh Văn Hùng", unit)
    reply = product.post(f"/v1/staff/{other}/faces", {"image_b64": b64(photos_of(faces_dir, "person04")[0]
                                                                        .read_bytes()),
                                                      "notice": {"legal_basis": "contract"}})
    assert reply.status == 201, reply.body


def test_the_notice_is_printable_text_with_the_retention_in_force(product: Product) -> None:
    listed = product.get("/v1/privacy/notices").body
    assert listed["current"] == "2026-01" and listed["legal_basis"] == "law"
    assert listed["notices"][0] == {"version": "2026-01", "title": "THÔNG BÁO VỀ VIỆC XỬ LÝ DỮ LIỆU CÁ NHÂN",
                                    "current": True}
    vi = product.get("/v1/privacy/notices/2026-01").body
    assert "Điều 13 Nghị định số 13/2023/NĐ-CP" in vi["text"] and "Ảnh chụp khi nhận diện" in vi["text"]
    assert "180 ngày" in vi["text"] and "{retention_table}" not in vi["text"]
    en = product.get("/v1/privacy/notices/2026-01?lang=en").body
    assert en["lang"] == "en" and "180 days" in en["text"] and "Decree 13/2023" in en["text"]
    # WHEN the deployment keeps snapshots a year, THEN the notice says so
    product.container.settings.snapshot_retention_days = 365
    assert "365 ngày" in product.get("/v1/privacy/notices/2026-01").body["text"]
    assert product.get("/v1/privacy/notices/2030-01").body["code"] == "notice_not_found"


@pytest.fixture()
def person(product: Product, faces_dir: Path) -> dict[str, str]:
    """GIVEN a person of a unit with an account, two enrolled photos, a check-in with its snapshot, a leave day."""
    unit = product.unit("Phòng Tài chính - Kế hoạch")
    staff_id = product.staff("Nguyễn Thị Hoa", unit)
    photos = photos_of(faces_dir, "obama")
    faces = [product.enrol(staff_id, photo).body["face_id"] for photo in photos[:2]]
    device_id, _ = product.device(unit)
    crop = face_crop(product.container.engine(), photos[2])
    recognised = product.recognise(device_id, "cap-hoa-1", crop, "2026-11-20T07:35:00+07:00")
    assert recognised.body["result"] == "matched", recognised.body
    assert product.post("/v1/absences", {"staff_id": staff_id, "kind": "leave", "first_day": "2026-11-23",
                                         "last_day": "2026-11-23", "reason": "Nghỉ phép năm"}).status == 201
    token = product.account("hoa.nt", unit, staff_id=staff_id)
    admin = product.account("quantri-tckh", unit, grants=[{"role": "unit_admin", "unit_id": unit}])
    return {"unit": unit, "staff_id": staff_id, "token": token, "admin": admin, "face1": faces[0],
            "face2": faces[1]}


def test_a_person_reads_and_downloads_everything_held_about_them(product: Product, person: dict[str, str]) -> None:
    staff_id = person["staff_id"]
    # WHEN the person opens their own data
    reply = product.get(f"/v1/staff/{staff_id}/personal-data", token=person["token"])
    assert reply.status == 200, reply.body
    data = reply.body
    # THEN they see their record, both photos with links, the check-in with its snapshot, the leave and the trail
    assert data["person"]["full_name"] == "Nguyễn Thị Hoa"
    assert sorted(face["face_id"] for face in data["faces"]) == sorted([person["face1"], person["face2"]])
    assert all("X-Amz-Signature" in face["photo_url"] for face in data["faces"])
    [event] = data["events"]
    assert event["event_type"] == "check_in" and event["local_date"] == "2026-11-20"
    assert "snapshots/2026-11-20/" in event["snapshot_url"]
    assert [absence["reason"] for absence in data["absences"]] == ["Nghỉ phép năm"]
    actions = {entry["action"] for entry in data["audit"]}
    assert {"staff.create", "face.enrol", "absence.create"} <= actions, actions
    assert len(data["notices"]) == 2
    # WHEN they download it as one archive
    archive = product.get(f"/v1/staff/{staff_id}/personal-data/archive", token=person["token"], headers=ZIP)
    assert archive.status == 200 and archive.headers["Content-Type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(archive.raw))
    names = set(files.namelist())
    # THEN it holds the same records, the photos and the snapshot, byte for byte what is stored
    stored = product.container.blobs
    for face_id in (person["face1"], person["face2"]):
        assert files.read(f"photos/{face_id}.jpg") == stored.get(f"faces/{staff_id}/{face_id}.jpg")
    [snapshot] = [name for name in names if name.startswith("snapshots/2026-11-20/")]
    assert files.read(snapshot)[:3] == b"\xff\xd8\xff"
    inside = json.loads(files.read("personal-data.json"))
    assert inside["staff_id"] == staff_id and inside["events"][0]["file"] == snapshot
    assert "Nguyễn Thị Hoa" in files.read("README.txt").decode()
    # AND both reads are in the audit trail, as the person's own
    entries = product.get(f"/v1/audit?from=2026-11-20&to=2026-11-20&unit_id={person['unit']}"
                          "&action=privacy.subject_access").body["entries"]
    # (the fake clock stands still: both entries have the same time, so their order is not asserted)
    assert sorted((entry["actor"], entry["details"]["what"]) for entry in entries) == [("hoa.nt", "archive"),
                                                                                        ("hoa.nt", "read")]
    # AND nobody else's data is theirs to read
    other = product.staff("Người khác", person["unit"])
    assert product.get(f"/v1/staff/{other}/personal-data", token=person["token"]).status == 403
    assert data["withheld"] == []


def test_others_who_may_read_a_person_see_only_what_their_role_reads(product: Product,
                                                                     person: dict[str, str]) -> None:
    staff_id = person["staff_id"]
    # WHEN the unit admin (who administers, reads no attendance and no audit trail) opens the person's data
    seen = product.get(f"/v1/staff/{staff_id}/personal-data", token=person["admin"])
    assert seen.status == 200, seen.body
    # THEN they see the record, the photos' dates and the notices, but no attendance, no trail, no photo
    assert seen.body["person"]["full_name"] == "Nguyễn Thị Hoa" and len(seen.body["notices"]) == 2
    assert seen.body["events"] == [] and seen.body["audit"] == [] and seen.body["absences"] == []
    assert [face["photo_url"] for face in seen.body["faces"]] == [None, None]
    assert set(seen.body["withheld"]) == {"events", "absences", "corrections", "evaluations", "audit", "photos"}
    archive = zipfile.ZipFile(io.BytesIO(product.get(f"/v1/staff/{staff_id}/personal-data/archive",
                                                     token=person["admin"], headers=ZIP).raw))
    assert not any(name.startswith(("photos/", "snapshots/")) for name in archive.namelist())
    # WHEN a system admin reads it THEN they see the attendance and the trail, still no photo
    full = product.get(f"/v1/staff/{staff_id}/personal-data").body
    assert len(full["events"]) == 1 and full["audit"] and full["withheld"] == ["photos"]


def test_an_erasure_request_is_completed_by_the_unit_admin(product: Product, person: dict[str, str]) -> None:
    staff_id = person["staff_id"]
    # WHEN the person asks for their biometric data to be erased
    asked = product.post(f"/v1/staff/{staff_id}/erasure-requests",
                         {"scope": "biometric", "reason": "Tôi chấm công bằng thẻ"}, token=person["token"])
    assert asked.status == 201, asked.body
    assert (asked.body["status"], asked.body["requested_by"]) == ("pending", "hoa.nt")
    # THEN a second request waits for the first
    again = product.post(f"/v1/staff/{staff_id}/erasure-requests", {"scope": "all", "reason": "Xoá hết"},
                         token=person["token"])
    assert (again.status, again.body["code"]) == (409, "erasure_request_pending")
    # AND the unit admin sees it among the unit's pending requests
    listed = product.get(f"/v1/erasure-requests?unit_id={person['unit']}&status=pending", token=person["admin"])
    assert [(r["request_id"], r["full_name"]) for r in listed.body["requests"]] == \
        [(asked.body["request_id"], "Nguyễn Thị Hoa")]
    # WHEN the unit admin completes it
    done = product.post(f"/v1/erasure-requests/{asked.body['request_id']}/complete", token=person["admin"])
    assert done.status == 200, done.body
    assert (done.body["status"], done.body["decided_by"], done.body["outcome"]) == \
        ("completed", "quantri-tckh", {"faces": 2, "person": False,
                                       "evidence": {"snapshots": 1, "clips": 0, "events_evidence_erased": 1}})
    # THEN the photos, the gallery rows and the check-in's snapshot are gone, the person and their attendance stay
    assert product.get(f"/v1/staff/{staff_id}").body["faces"] == []
    assert _keys(product, f"faces/{staff_id}/") == []
    assert _keys(product, "snapshots/") == []
    assert staff_id not in product.container.gallery.current().people()
    mine = product.get(f"/v1/staff/{staff_id}/personal-data", token=person["token"]).body
    assert mine["faces"] == [] and len(mine["events"]) == 1
    assert [r["status"] for r in mine["erasure_requests"]] == ["completed"]
    # AND it cannot be answered twice
    twice = product.post(f"/v1/erasure-requests/{asked.body['request_id']}/refuse", {"reason": "Nhầm"},
                         token=person["admin"])
    assert (twice.status, twice.body["code"]) == (409, "erasure_request_decided")
    assert {"privacy.erasure_request", "privacy.erasure_complete", "face.remove"} <= \
        set(_audit_actions(product, person["unit"], staff_id))


def test_an_erasure_request_refused_says_why_and_erases_nothing(product: Product, person: dict[str, str]) -> None:
    staff_id = person["staff_id"]
    asked = product.post(f"/v1/staff/{staff_id}/erasure-requests", {"scope": "all", "reason": "Tôi đã nghỉ hưu"},
                         token=person["token"]).body
    path = f"/v1/erasure-requests/{asked['request_id']}/refuse"
    # WHEN the unit admin refuses without a reason, THEN it is not refused
    assert product.post(path, {}, token=person["admin"]).status == 400
    assert product.post(path, {"reason": ""}, token=person["admin"]).status == 400
    # WHEN with a reason, THEN the person reads it and keeps everything
    refused = product.post(path, {"reason": "Hồ sơ đang được xem xét kỷ luật, cần giữ bằng chứng"},
                           token=person["admin"])
    assert refused.status == 200 and refused.body["status"] == "refused"
    mine = product.get(f"/v1/staff/{staff_id}/personal-data", token=person["token"]).body
    assert mine["erasure_requests"][0]["decision_reason"] == "Hồ sơ đang được xem xét kỷ luật, cần giữ bằng chứng"
    assert len(mine["faces"]) == 2
    assert "privacy.erasure_refuse" in _audit_actions(product, person["unit"], staff_id)


def test_an_erasure_of_the_person_removes_them(product: Product, person: dict[str, str]) -> None:
    staff_id = person["staff_id"]
    # GIVEN the unit admin asks on the person's behalf to erase them entirely
    asked = product.post(f"/v1/staff/{staff_id}/erasure-requests", {"scope": "all", "reason": "Đã chuyển công tác"},
                         token=person["admin"]).body
    done = product.post(f"/v1/erasure-requests/{asked['request_id']}/complete", token=person["admin"])
    assert done.status == 200, done.body
    assert done.body["outcome"] == {"faces": 2, "person": True}
    # THEN the person is no longer on the unit's staff, their photos are gone; the request stays, with the name
    listed = product.get(f"/v1/staff?unit_id={person['unit']}").body["staff"]
    assert staff_id not in {row["staff_id"] for row in listed}
    assert _keys(product, f"faces/{staff_id}/") == []
    [request] = product.get(f"/v1/erasure-requests?unit_id={person['unit']}", token=person["admin"]).body["requests"]
    assert (request["full_name"], request["status"]) == ("Nguyễn Thị Hoa", "completed")


def test_the_dossier_is_a_docx_regenerated_when_the_configuration_changes(product: Product) -> None:
    from docx import Document

    # WHEN Home Affairs downloads the impact-assessment dossier
    district = product.unit("UBND huyện")
    home_affairs = product.account("noivu-huyen", district, grants=[{"role": "oversight", "unit_id": district}])
    first = product.get("/v1/privacy/dossier", headers={"Accept": DOCX}, token=home_affairs)
    assert first.status == 200 and first.headers["Content-Type"] == DOCX
    document = Document(io.BytesIO(first.raw))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    # THEN it is in Vietnamese, with the classes of data, their retention and the security measures
    assert "4. Thời gian xử lý, lưu trữ và xoá dữ liệu" in headings
    assert "7. Biện pháp bảo vệ dữ liệu cá nhân" in headings
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Ảnh đăng ký khuôn mặt và véc-tơ đặc trưng" in cells and "180 ngày" in cells
    # AND it is kept, the same bytes, until the configuration changes
    assert _keys(product, "privacy/dossier/") and len(_keys(product, "privacy/dossier/")) == 1
    assert product.get("/v1/privacy/dossier", headers={"Accept": DOCX}).raw == first.raw
    product.container.settings.snapshot_retention_days = 365
    changed = product.get("/v1/privacy/dossier", headers={"Accept": DOCX})
    assert changed.raw != first.raw and len(_keys(product, "privacy/dossier/")) == 2
    cells = {cell.text for table in Document(io.BytesIO(changed.raw)).tables for row in table.rows
             for cell in row.cells}
    assert "365 ngày" in cells

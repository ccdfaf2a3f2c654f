"""Erasure that leaves nothing behind (issue 16 §2): after a person (or one photo) is removed, a scan of every item
of every table and every object of the bucket finds none of their photos' bytes, none of their embeddings (raw,
base64, or a gallery row at float tolerance, of either model), and their id only in work records.

Real photos: the man of the liveness samples (enrolled from his live frame, recognised, then his photo shown on a
phone), people of faces-dev; two embedding models (the re-embedding job switches from A to B, A is kept).
"""

from __future__ import annotations

from pathlib import Path

import boto3

from bench.liveness import SAMPLES_DIR
from chamcong.access import Access
from chamcong.privacy.erasure import erase_person
from chamcong.services import reembedding
from chamcong.store.models.accounts import AccountModel
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.devices import GalleryModel, SpoofModel
from chamcong.store.models.staff import FaceModel, RemovedStaffRecord
from infra.privacy_scan import Traces, scan, summary, traces_of
from tests.integration.harness import Product, b64
from tests.integration.photos import face_crop, passage, photos_of

MODEL_B = "mobilefacenet_128d_sfapi"
MORNING = "2026-11-19T07:{minute:02d}:00+07:00"


def _clients(product: Product) -> tuple[object, object, str]:
    settings = product.container.settings
    return (boto3.client("dynamodb", region_name="ap-southeast-1"), boto3.client("s3", region_name="ap-southeast-1"),
            settings.data_bucket)


def _traces(product: Product, staff_id: str, face_ids: list[str] | None = None) -> Traces:
    dynamodb, s3, bucket = _clients(product)
    return traces_of(dynamodb, s3, bucket, product.container.settings.faces_table, staff_id, face_ids)


def _scan(product: Product, traces: Traces) -> dict[str, object]:
    dynamodb, s3, bucket = _clients(product)
    return summary(scan(dynamodb, s3, bucket, traces))


def test_a_removed_person_leaves_no_photo_no_embedding_and_their_id_only_in_work_records(
        product: Product, faces_dir: Path) -> None:
    # GIVEN a lobby, a colleague, and Lê Văn Thành enrolled with his employee code
    unit = product.unit("Phòng Văn hoá - Thông tin")
    device_id, _ = product.device(unit)
    created = product.post("/v1/staff", {"full_name": "Lê Văn Thành", "unit_id": unit, "employee_code": "CB-0042"})
    assert created.status == 201, created.body
    staff_id = created.body["staff_id"]
    product.account("thanh.lv", unit, staff_id=staff_id)  # his own sign-in
    assert product.enrol(staff_id, SAMPLES_DIR / "phone-live-3.png").status == 201
    colleague = product.staff("Nguyễn Thị Hoa", unit)
    assert product.enrol(colleague, photos_of(faces_dir, "person01")[0]).status == 201
    # AND he was recognised at the lobby (an event with its snapshot) ...
    live = product.recognise(device_id, "live-him", passage(product.container.engine(), "phone-live-3.png", 7),
                             MORNING.format(minute=5))
    assert (live.body["result"], live.body["staff_id"]) == ("matched", staff_id), live.body
    # ... and someone showed his photo on a phone (a spoof that resembles him, its frames kept)
    shown = product.recognise(device_id, "spoof-him", passage(product.container.engine(), "phone-spoof-2.jpg", 1),
                              MORNING.format(minute=10))
    assert shown.body["result"] == "spoof_suspected", shown.body
    assert [s.resembles_staff_id for s in SpoofModel.scan()] == [staff_id]
    # AND the deployment moved to a second embedding model (the first one's gallery kept for a rollback)
    reembedding.start(product.container, Access.system(), MODEL_B)
    assert reembedding.run(product.container)["active_model_id"] == MODEL_B
    pointers = {p.gallery_id for p in GalleryModel.scan(GalleryModel.object_key.exists())}
    assert {"mobilefacenet_128d", MODEL_B} <= pointers and any("@" in p for p in pointers), pointers
    traces = _traces(product, staff_id)
    assert len(traces.photos) == 1 and len(traces.embeddings) == 2  # one photo, embedded by both models
    before = _scan(product, traces)
    assert before["left"], "the scan must find him before the erasure"

    # WHEN he is removed
    removed = product.delete(f"/v1/staff/{staff_id}")
    assert removed.status == 204, removed.body

    # THEN no table item and no object of the bucket holds his photo, his embeddings or his id outside work records
    after = _scan(product, traces)
    assert after["findings"] == [], after["findings"]
    assert after["gallery_objects"] >= 4 and after["gallery_rows"] >= 4  # the colleague's rows, both models, sites
    # AND his event stays as a work record, its evidence erased
    (event,) = EventModel.query(staff_id)
    assert event.snapshot_key is None and event.evidence_erased_at is not None and event.event_type == "check_in"
    # AND the spoof stays on the report's record, naming nobody and without frames
    (spoof,) = SpoofModel.scan()
    assert (spoof.resembles_staff_id, spoof.resembles_name, spoof.snapshot_keys) == (None, None, [])
    # AND his name stays for his work records, not in the lists of staff; his employee code is free again
    tombstone = RemovedStaffRecord.get(RemovedStaffRecord.key_of(staff_id))
    assert (tombstone.full_name, tombstone.former_unit_id) == ("Lê Văn Thành", unit)
    assert product.get(f"/v1/staff/{staff_id}").status == 404
    assert [p["staff_id"] for p in product.get(f"/v1/staff?unit_id={unit}").body["staff"]] == [colleague]
    again = product.post("/v1/staff", {"full_name": "Lê Văn Thành", "unit_id": unit, "employee_code": "CB-0042"})
    assert again.status == 201, again.body
    # AND the audit entry says what was erased, in counts only
    (entry,) = [a for a in AuditModel.scan() if a.action == "staff.remove"]
    erased = entry.details["erased"]
    assert erased["photos"] == 1 and erased["face_records"] == 1 and erased["snapshots"] == 1
    assert erased["spoof_frames"] == 3 and erased["captures"] >= 1
    assert all(isinstance(value, int) for value in erased.values())
    # AND his account stays for the administrators to close, no longer linked to him
    assert erased["accounts_unlinked"] == 1 and AccountModel.get("thanh.lv").staff_id is None
    # AND the colleague is still recognised, he is not
    probe = face_crop(product.container.engine(), photos_of(faces_dir, "person01")[-1])
    assert product.recognise(device_id, "after-1", probe, MORNING.format(minute=20)).body["staff_id"] == colleague
    him = product.recognise(device_id, "after-2", passage(product.container.engine(), "phone-live-3.png", 9),
                            MORNING.format(minute=25))
    assert him.body["result"] == "unknown", him.body


def test_a_removed_photo_leaves_no_copy_and_the_other_photo_still_recognises(product: Product,
                                                                               faces_dir: Path) -> None:
    # GIVEN a person enrolled with two photos, at a lobby, with two models' galleries
    unit = product.unit()
    device_id, _ = product.device(unit)
    staff_id = product.staff("Trần Văn Bình", unit)
    photos = photos_of(faces_dir, "person02")
    faces = [product.post(f"/v1/staff/{staff_id}/faces", {"image_b64": b64(photo.read_bytes())}).body["face_id"]
             for photo in photos[:2]]
    reembedding.start(product.container, Access.system(), MODEL_B)
    assert reembedding.run(product.container)["active_model_id"] == MODEL_B
    removed_face, kept_face = faces
    traces = _traces(product, staff_id, [removed_face])
    assert _scan(product, traces)["left"]

    # WHEN one photo is removed
    assert product.delete(f"/v1/staff/{staff_id}/faces/{removed_face}").status == 204

    # THEN nothing of that photo is left anywhere (its id only in the audit trail)
    after = _scan(product, traces)
    assert after["findings"] == [], after["findings"]
    assert [f.face_id for f in FaceModel.query(staff_id)] == [kept_face]
    # AND the other photo still recognises the person
    probe = face_crop(product.container.engine(), photos[-1])
    reply = product.recognise(device_id, "after", probe, MORNING.format(minute=15))
    assert reply.body["staff_id"] == staff_id, reply.body
    (entry,) = [a for a in AuditModel.scan() if a.action == "face.remove"]
    assert entry.details["erased"]["photos"] == 1 and entry.details["erased"]["face_records"] == 1


def test_erasing_twice_removes_nothing_more(product: Product, faces_dir: Path) -> None:
    # GIVEN an enrolled person erased once
    unit = product.unit()
    staff_id = product.staff("Phạm Thu Hà", unit)
    assert product.enrol(staff_id, photos_of(faces_dir, "person03")[0]).status == 201
    first = erase_person(product.container, staff_id)
    assert first["photos"] == 1 and first["face_records"] == 1 and first["gallery_rows"] >= 1
    # WHEN erased again (a retry after a crash) THEN nothing more is removed
    again = erase_person(product.container, staff_id)
    assert sum(again.values()) == 0, again

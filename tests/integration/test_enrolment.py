"""Enrolling face photos: good photos are kept; poor ones are refused with a code; removal forgets the face."""

from __future__ import annotations

from pathlib import Path

import boto3
import cv2
import numpy as np

from chamcong.container import Container
from chamcong.store.models.staff import FaceModel
from face_engine.image import decode_image, encode_jpeg
from tests.integration.harness import Product, b64
from tests.integration.photos import blank_jpeg, face_crop, photos_of


def _bucket_keys(product: Product, prefix: str) -> list[str]:
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    listing = s3.list_objects_v2(Bucket=product.container.settings.data_bucket, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def _refusal(product: Product, staff_id: str, image: bytes) -> tuple[int, str]:
    reply = product.post(f"/v1/staff/{staff_id}/faces", {"image_b64": b64(image)})
    return reply.status, reply.body.get("code", "")


def test_a_good_photo_is_enrolled_with_its_quality(product: Product, faces_dir: Path) -> None:
    unit = product.unit()
    staff_id = product.staff("Lò Văn Pâng", unit)
    reply = product.enrol(staff_id, photos_of(faces_dir, "person02")[0])
    assert reply.status == 201, reply.body
    assert reply.body["model_id"] == "mobilefacenet_128d"
    assert reply.body["quality"]["face_px"] >= 64
    record = product.get(f"/v1/staff/{staff_id}").body
    assert [face["face_id"] for face in record["faces"]] == [reply.body["face_id"]]
    assert _bucket_keys(product, f"faces/{staff_id}/") == [f"faces/{staff_id}/{reply.body['face_id']}.jpg"]
    assert len(product.container.gallery.current()) == 1


def test_poor_photos_are_refused_with_a_code_and_nothing_is_kept(product: Product, faces_dir: Path) -> None:
    unit = product.unit()
    staff_id = product.staff("Hà Thị Mai", unit)
    photo = decode_image(photos_of(faces_dir, "person03")[0].read_bytes())
    engine = product.container.engine()
    x, y, w, h = (int(v) for v in engine.detect(photo)[0].box)
    face = photo[max(y - h // 3, 0):y + h + h // 3, max(x - w // 3, 0):x + w + w // 3]

    # no face: a plain picture
    assert _refusal(product, staff_id, blank_jpeg(400, 300)) == (422, "no_face")
    # several faces: two people side by side
    other = decode_image(photos_of(faces_dir, "person10")[0].read_bytes())
    ox, oy, ow, oh = (int(v) for v in engine.detect(other)[0].box)
    other_face = other[max(oy - oh // 3, 0):oy + oh + oh // 3, max(ox - ow // 3, 0):ox + ow + ow // 3]
    height = 300
    pair = np.hstack([cv2.resize(face, (int(face.shape[1] * height / face.shape[0]), height)),
                      cv2.resize(other_face, (int(other_face.shape[1] * height / other_face.shape[0]), height))])
    assert _refusal(product, staff_id, encode_jpeg(pair)) == (422, "multiple_faces")
    # too small: the face about 40 px wide in a larger picture
    small = cv2.resize(face, None, fx=40 / face.shape[1], fy=40 / face.shape[1], interpolation=cv2.INTER_AREA)
    canvas = np.full((480, 640, 3), 128, np.uint8)
    canvas[200:200 + small.shape[0], 300:300 + small.shape[1]] = small
    assert _refusal(product, staff_id, encode_jpeg(canvas)) == (422, "face_too_small")
    # too blurred
    blurred = cv2.GaussianBlur(face, (0, 0), sigmaX=max(face.shape[:2]) / 80)  # still a face, but smeared
    assert _refusal(product, staff_id, encode_jpeg(blurred)) == (422, "too_blurry")
    # not an image at all, and not base64
    assert _refusal(product, staff_id, b"%PDF-1.4 not a photo") == (400, "invalid_image")
    bad = product.post(f"/v1/staff/{staff_id}/faces", {"image_b64": "**"})
    assert (bad.status, bad.body["code"]) == (400, "invalid_base64")

    assert product.get(f"/v1/staff/{staff_id}").body["faces"] == []
    assert _bucket_keys(product, "faces/") == []
    assert len(product.container.gallery.current()) == 0


def test_a_face_that_belongs_to_someone_else_is_refused(product: Product, faces_dir: Path) -> None:
    unit = product.unit()
    first = product.staff("Nguyễn Văn An", unit)
    assert product.enrol(first, photos_of(faces_dir, "obama")[0]).status == 201
    # WHEN another record is given a photo of the same person
    second = product.staff("Trần Văn Bình", unit)
    reply = product.enrol(second, photos_of(faces_dir, "obama")[2])
    # THEN it is refused, naming whom it matches, and nothing is written for the second record
    assert (reply.status, reply.body["code"]) == (422, "duplicate_person")
    assert reply.body["details"]["staff_id"] == first
    assert reply.body["message"] == "Khuôn mặt này trùng với một cán bộ khác đã được đăng ký."
    assert product.get(f"/v1/staff/{second}").body["faces"] == []
    # while a second photo of the same person on their own record is fine
    assert product.enrol(first, photos_of(faces_dir, "obama")[2]).status == 201


def test_enrolling_for_a_missing_person_is_404(product: Product, faces_dir: Path) -> None:
    reply = product.enrol("stf_missing", photos_of(faces_dir, "obama")[0])
    assert (reply.status, reply.body["code"]) == (404, "staff_not_found")


def test_removing_a_person_removes_their_photos_and_embeddings(product: Product, faces_dir: Path) -> None:
    unit = product.unit()
    staff_id = product.staff("Bùi Thị Xuân", unit)
    keep_id = product.staff("Đinh Tiên Hoàng", unit)
    for photo in photos_of(faces_dir, "person11")[:2]:
        assert product.enrol(staff_id, photo).status == 201
    assert product.enrol(keep_id, photos_of(faces_dir, "person01")[0]).status == 201
    device_id, _ = product.device(unit)
    probe = face_crop(product.container.engine(), photos_of(faces_dir, "person11")[3])
    before = product.recognise(device_id, "before-removal", probe, "2026-11-20T07:20:00+07:00")
    assert before.body["staff_id"] == staff_id

    assert product.delete(f"/v1/staff/{staff_id}").status == 204

    assert product.get(f"/v1/staff/{staff_id}").status == 404
    assert _bucket_keys(product, f"faces/{staff_id}/") == []
    assert list(FaceModel.query(staff_id)) == []
    gallery = product.container.gallery.current()
    assert staff_id not in gallery.staff_ids and keep_id in gallery.staff_ids
    after = product.recognise(device_id, "after-removal", probe, "2026-11-20T07:21:00+07:00")
    assert after.body["result"] == "unknown"


def test_removing_one_photo(product: Product, faces_dir: Path) -> None:
    unit = product.unit()
    staff_id = product.staff("Lê Lợi", unit)
    faces = [product.enrol(staff_id, photo).body["face_id"] for photo in photos_of(faces_dir, "person10")[:2]]
    assert product.delete(f"/v1/staff/{staff_id}/faces/{faces[0]}").status == 204
    assert [face["face_id"] for face in product.get(f"/v1/staff/{staff_id}").body["faces"]] == [faces[1]]
    assert product.container.gallery.current().face_ids == (faces[1],)
    assert product.delete(f"/v1/staff/{staff_id}/faces/{faces[0]}").status == 404


def test_another_warm_function_reloads_the_gallery_when_its_version_moves(product: Product,
                                                                          faces_dir: Path) -> None:
    # GIVEN a second function instance that has already loaded the (empty) gallery
    other = Container(product.container.settings, clock=product.clock)
    assert len(other.gallery.current()) == 0
    # WHEN the first instance enrols a face
    staff_id = product.staff("Phạm Ngũ Lão", product.unit())
    assert product.enrol(staff_id, photos_of(faces_dir, "person12")[0]).status == 201
    # THEN the second sees the new version on its next look
    reloaded = other.gallery.current()
    assert len(reloaded) == 1 and reloaded.version == product.container.gallery.current().version

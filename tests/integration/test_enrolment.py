"""Enrolling face photos: good photos are kept; poor ones are refused with a code; removal forgets the face."""

from __future__ import annotations

from datetime import timedelta
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
    # GIVEN a second function instance that has already loaded the (empty) gallery, and looks at its version on every
    # recognition (deployed, at most every gallery_check_seconds)
    other = Container(product.container.settings.model_copy(update={"gallery_check_seconds": 0.0}),
                      clock=product.clock)
    assert len(other.gallery.current()) == 0
    # WHEN the first instance enrols a face
    staff_id = product.staff("Phạm Ngũ Lão", product.unit())
    assert product.enrol(staff_id, photos_of(faces_dir, "person12")[0]).status == 201
    # THEN the second sees the new version on its next look
    reloaded = other.gallery.current()
    assert len(reloaded) == 1 and reloaded.version == product.container.gallery.current().version


def _portrait(product: Product, photo: Path) -> np.ndarray:
    """The photo cropped around its face (a third of the face's size of margin), as a BGR array."""
    image = decode_image(photo.read_bytes())
    x, y, w, h = (int(v) for v in product.container.engine().detect(image)[0].box)
    return image[max(y - h // 3, 0):y + h + h // 3, max(x - w // 3, 0):x + w + w // 3]


def test_a_batch_enrols_the_good_photos_and_says_what_to_change_for_the_others(product: Product,
                                                                                faces_dir: Path) -> None:
    # GIVEN a person and three photos: a good one, a blurred copy of another, and a face of 40 px
    staff_id = product.staff("Vi Thị Đào", product.unit())
    good = photos_of(faces_dir, "person04")[0].read_bytes()
    other = _portrait(product, photos_of(faces_dir, "person04")[1])
    # a blur of ~3.5 px of the 112 px crop the embedder sees: matching no longer works on such photos
    blurred = cv2.GaussianBlur(other, (0, 0), 3.5 * other.shape[1] / 1.67 / 112)
    small = cv2.resize(other, None, fx=40 / (other.shape[1] / 1.67), fy=40 / (other.shape[1] / 1.67),
                       interpolation=cv2.INTER_AREA)
    canvas = np.full((480, 640, 3), 128, np.uint8)
    canvas[200:200 + small.shape[0], 300:300 + small.shape[1]] = small
    # WHEN they are sent together, in Vietnamese
    reply = product.post(f"/v1/staff/{staff_id}/faces/batch",
                         {"images_b64": [b64(good), b64(encode_jpeg(blurred)), b64(encode_jpeg(canvas))]})
    # THEN the good one is enrolled and the others refused, each saying what to change
    assert reply.status == 200, reply.body
    results = reply.body["results"]
    assert reply.body["enrolled"] == 1
    assert [(r["index"], r["status"], r["code"]) for r in results] == [
        (0, "enrolled", None), (1, "refused", "too_blurry"), (2, "refused", "face_too_small")]
    assert results[0]["face"]["staff_id"] == staff_id and results[0]["face"]["quality"]["face_px"] >= 64
    assert results[1]["message"].startswith("Ảnh bị mờ: hãy chụp lại khi máy ảnh đã lấy nét vào khuôn mặt")
    assert results[1]["details"]["blur_sigma"] > results[1]["details"]["max_blur_sigma"]
    assert "cần ít nhất 64 điểm ảnh" in results[2]["message"]
    assert results[2]["details"]["min_face_px"] == 64 and results[2]["details"]["face_px"] < 64
    assert results[1]["face"] is None and results[2]["face"] is None
    # AND only the good photo is kept: record, stored photo, gallery
    face_id = results[0]["face"]["face_id"]
    assert [face["face_id"] for face in product.get(f"/v1/staff/{staff_id}").body["faces"]] == [face_id]
    assert _bucket_keys(product, f"faces/{staff_id}/") == [f"faces/{staff_id}/{face_id}.jpg"]
    assert product.container.gallery.current().face_ids == (face_id,)
    # AND the batch is audited with every photo's outcome, next to the enrolment itself
    now = product.clock()
    days = f"from={(now - timedelta(days=1)).date()}&to={(now + timedelta(days=1)).date()}"
    audit = product.get(f"/v1/audit?{days}")
    assert audit.status == 200, audit.body
    actions = {entry["action"]: entry for entry in audit.body["entries"] if entry["subject"] == staff_id}
    assert actions["face.enrol"]["details"] == {"face_id": face_id}
    assert [(o["code"], o["face_id"]) for o in actions["face.enrol_batch"]["details"]["outcomes"]] == [
        ("enrolled", face_id), ("too_blurry", None), ("face_too_small", None)]


def test_a_batch_answers_in_english_when_asked_and_refuses_what_is_not_a_photo(product: Product,
                                                                                faces_dir: Path) -> None:
    staff_id = product.staff("Hoàng Văn Thụ", product.unit())
    small = cv2.resize(_portrait(product, photos_of(faces_dir, "person06")[0]), (60, 72),
                       interpolation=cv2.INTER_AREA)
    canvas = np.full((480, 640, 3), 128, np.uint8)
    canvas[100:172, 100:160] = small
    reply = product.request("POST", f"/v1/staff/{staff_id}/faces/batch",
                            {"images_b64": ["**", b64(b"%PDF-1.4"), b64(encode_jpeg(canvas))]},
                            headers={"Accept-Language": "en"})
    assert reply.status == 200, reply.body
    assert [(r["status"], r["code"]) for r in reply.body["results"]] == [
        ("refused", "invalid_base64"), ("refused", "invalid_image"), ("refused", "face_too_small")]
    assert "at least 64 pixels are needed" in reply.body["results"][2]["message"]
    assert reply.body["enrolled"] == 0 and product.get(f"/v1/staff/{staff_id}").body["faces"] == []


def test_a_batch_holds_one_to_five_photos(product: Product, faces_dir: Path) -> None:
    staff_id = product.staff("Nông Văn Dền", product.unit())
    photo = b64(encode_jpeg(cv2.resize(_portrait(product, photos_of(faces_dir, "person07")[0]), (150, 180))))
    for images in ([], [photo] * 6):
        reply = product.post(f"/v1/staff/{staff_id}/faces/batch", {"images_b64": images})
        assert (reply.status, reply.body["code"]) == (400, "validation_error")
    # five photos of ~0.9 MB each of base64 fit (more than the 2 MB of every other route) ...
    noise = np.random.default_rng(1).integers(0, 255, (850, 850, 3), dtype=np.uint8)
    heavy = b64(encode_jpeg(noise))
    assert 2 * 1024 * 1024 < 5 * len(heavy) < 5 * 1024 * 1024
    reply = product.post(f"/v1/staff/{staff_id}/faces/batch", {"images_b64": [heavy] * 5})
    assert reply.status == 200 and [r["code"] for r in reply.body["results"]] == ["no_face"] * 5
    # ... a body over 5 MiB does not, and the answer gives the limit
    reply = product.post(f"/v1/staff/{staff_id}/faces/batch", {"images_b64": [heavy] * 4 + ["A" * 2_000_000]})
    assert (reply.status, reply.body["code"]) == (413, "payload_too_large")
    assert reply.body["details"] == {"max_bytes": 5 * 1024 * 1024}


def test_a_sharp_id_photo_is_enrolled(product: Product, faces_dir: Path) -> None:
    # GIVEN a passport-style photo: 413×531 px (35×45 mm at 300 dpi), the face about 60 % of its height
    staff_id = product.staff("Lương Thế Vinh", product.unit())
    image = decode_image(photos_of(faces_dir, "person09")[0].read_bytes())
    x, y, w, h = product.container.engine().detect(image)[0].box
    crop_h = h / 0.6
    crop_w = crop_h * 35 / 45
    top, left = max(int(y + h / 2 - crop_h / 2), 0), max(int(x + w / 2 - crop_w / 2), 0)
    id_photo = cv2.resize(image[top:int(top + crop_h), left:int(left + crop_w)], (413, 531),
                          interpolation=cv2.INTER_AREA)
    # WHEN enrolled through the single-photo route THEN it is accepted, sharp and frontal
    reply = product.post(f"/v1/staff/{staff_id}/faces", {"image_b64": b64(encode_jpeg(id_photo))})
    assert reply.status == 201, reply.body
    quality = reply.body["quality"]
    assert quality["blur_sigma"] < 1.5 and abs(quality["yaw"]) < 20 and abs(quality["pitch"]) < 20

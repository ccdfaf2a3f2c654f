"""Enrolling face photos of a staff member, and removing them."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest, NotFound, Unprocessable
from chamcong.messages import message_for
from chamcong.privacy.erasure import erase_face
from chamcong.schemas.privacy import NoticeGiven
from chamcong.services import audit, galleries, notices
from chamcong.services.audit import Source
from chamcong.services.calibration import site_threshold
from chamcong.services.common import decode_base64, new_id
from chamcong.services.faces import analyse_enrolment_photo, decode
from chamcong.services.staff import face_view, find_staff, person_in_scope
from chamcong.store.models.staff import FaceModel, StaffModel


def enrol_face(container: Container, access: Access, staff_id: str, image_b64: str,
               source: Source, notice: NoticeGiven | None = None) -> dict[str, Any]:
    """Check the photo, refuse a face that is already someone else's, then record it.

    Writes go record → photo → gallery; if a later step fails the earlier ones are undone, so a
    failed enrolment leaves nothing behind. The notice the person was given (`notices.resolve`: absent, the
    current one, now, on the deployment's legal basis) is checked first and recorded with the photo.
    """
    staff = person_in_scope(access, "faces:write", staff_id)
    given = notices.resolve(container, access, notice)
    face = _enrol_one(container, access, staff, image_b64, source)
    notices.record(container, access, staff, given, [face["face_id"]], source)
    return face


def enrol_faces(container: Container, access: Access, staff_id: str, images_b64: list[str], source: Source,
                lang: str, notice: NoticeGiven | None = None) -> dict[str, Any]:
    """Several photos of one person, each judged on its own: the good ones are enrolled even when others
    are refused, and each refusal says, in the caller's language, what to change.

    Every enrolled photo is audited as a single enrolment is (face.enrol); the batch as a whole is
    audited once more (face.enrol_batch) with each photo's outcome, refusals included.
    """
    staff = person_in_scope(access, "faces:write", staff_id)
    given = notices.resolve(container, access, notice)  # refused before any photo is taken in
    results: list[dict[str, Any]] = []
    for index, image_b64 in enumerate(images_b64):
        try:
            face = _enrol_one(container, access, staff, image_b64, source)
        except (BadRequest, Unprocessable) as refused:
            results.append({"index": index, "status": "refused", "code": refused.code,
                            "message": message_for(refused.code, lang, refused.params),
                            "details": refused.details, "face": None})
        else:
            results.append({"index": index, "status": "enrolled", "code": None, "message": None, "details": {},
                            "face": face})
    enrolled = sum(result["status"] == "enrolled" for result in results)
    audit.record_only(audit.entry(
        container.clock(), access.username, "face.enrol_batch", unit_id=staff.unit_id, subject=staff_id,
        details={"photos": len(results), "enrolled": enrolled,
                 "outcomes": [{"index": result["index"], "code": result["code"] or "enrolled",
                               "face_id": result["face"]["face_id"] if result["face"] else None}
                              for result in results]},
        source=source))
    if enrolled:
        notices.record(container, access, staff, given,
                       [result["face"]["face_id"] for result in results if result["face"]], source)
    return {"results": results, "enrolled": enrolled}


def _enrol_one(container: Container, access: Access, staff: StaffModel, image_b64: str,
               source: Source) -> dict[str, Any]:
    import numpy as np

    from face_engine.image import encode_jpeg

    staff_id = staff.staff_id
    image = decode(decode_base64(image_b64))
    model = container.recognition_model()  # one model for the embedding, the duplicate check and the gallery
    analysis = analyse_enrolment_photo(model.engine, image)
    embedding = analysis.embedding
    assert embedding is not None  # analyse_enrolment_photo refuses a photo without one
    # A photo that any lobby of the site would take for someone else is refused: the site's threshold in force.
    threshold = site_threshold(container, model)
    match = model.gallery.current().without_staff(staff_id).best_match(embedding)
    if match is not None and match.similarity >= threshold:
        # Name the other person only to someone who may see them.
        other = find_staff(match.staff_id)
        shown = other is not None and access.sees_person("staff:read", other.staff_id, other.unit_id)
        raise Unprocessable("duplicate_person", details={"staff_id": match.staff_id if shown else None,
                                                         "similarity": round(match.similarity, 4)})

    model_id = model.model_id
    face_id = new_id("face")
    face = FaceModel(
        staff_id, face_id, photo_key=FaceModel.photo_key_for(staff_id, face_id), model_id=model_id,
        embedding=np.asarray(embedding, dtype="<f4").tobytes(), quality=analysis.quality(),
    )
    face.save(condition=FaceModel.face_id.does_not_exist())
    try:
        container.blobs.put(face.photo_key, encode_jpeg(image), "image/jpeg")
        model.gallery.update(lambda gallery: gallery.with_face(staff_id, face_id, embedding, model_id=model_id))
    except Exception:
        container.blobs.delete(face.photo_key)
        face.delete()
        raise
    galleries.after_person_changed(container, staff_id, staff.unit_id)  # the sites whose lobbies may see them
    audit.record_only(audit.entry(container.clock(), access.username, "face.enrol", unit_id=staff.unit_id,
                                  subject=staff_id, details={"face_id": face_id}, source=source))
    return face_view(face)


def remove_face(container: Container, access: Access, staff_id: str, face_id: str, source: Source) -> None:
    staff = person_in_scope(access, "faces:write", staff_id)
    try:
        face = FaceModel.get(staff_id, face_id)
    except DoesNotExist:
        raise NotFound("face_not_found") from None
    for kept in container.kept_galleries():
        kept.update(lambda gallery: gallery.without_face(face_id))
    galleries.after_person_changed(container, staff_id, staff.unit_id)  # and from every site's gallery
    # The photo, the record and every other copy of the row (other models, earlier versions, other objects).
    erased = erase_face(container, staff_id, face.face_id)
    audit.record_only(audit.entry(container.clock(), access.username, "face.remove", unit_id=staff.unit_id,
                                  subject=staff_id, details={"face_id": face_id, "erased": erased}, source=source))

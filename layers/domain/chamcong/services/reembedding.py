"""Changing the embedding model without an empty gallery: re-embed every enrolment photo, then switch at once.

The job, one at a time (its record is `ReembedJobRecord` in the galleries table):

1. **start** names the target model. Nothing changes for recognitions: they keep the active model
   (`ActiveModelRecord`, or the `embedding_model` setting before any switch) and its gallery.
2. **embed** (resumable): scan the face records page by page; for each, load the stored photo, find its main
   face with the target model's engine and store that embedding in the face record itself
   (`FaceModel.embeddings[target]`). The scan's cursor is saved after every page and each face's embedding
   is its own progress mark, so an invocation cut off by Lambda's 15 minutes loses at most one face; the
   next invocation (the schedule, or `run` again) continues. A photo the new model finds no face in is
   listed in the job (`no_face`), never silently dropped.
3. **switch**: scan again, embed whatever was enrolled meanwhile, build the whole new gallery in one go and
   publish it beside the old one; drop faces removed meanwhile (reconcile), then move the active pointer with
   a conditional write (only from the generation the job started on), and reconcile once more for
   enrolments that landed in the old gallery while the pointer moved. If a person would be left with no
   face at all in the new gallery the job stops as `blocked` until started again with `allow_missing`.
4. The old gallery is **kept** for a rollback (removals keep pruning it; `start` back to the old model
   re-embeds only the faces enrolled since, as every face record still holds its old embedding).

Running the job for the model already active, or again after it finished, changes nothing.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chamcong.access import Access
from chamcong.container import Container, RecognitionModel
from chamcong.errors import Conflict, Unprocessable
from chamcong.observability import count, get_logger
from chamcong.services import audit, galleries
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.store.models.base import lost_condition, utcnow
from chamcong.store.models.devices import ACTIVE_MODEL_ID, REEMBED_JOB_ID, ActiveModelRecord, ReembedJobRecord
from chamcong.store.models.staff import FaceModel

if TYPE_CHECKING:
    import numpy as np

    from face_engine.engine import FaceEngine

PAGE = 25  # faces per scan page: the cursor is saved after each
LEASE_SECONDS = 16 * 60  # longer than a Lambda can run: a holder that died frees the job after this
MAX_LISTED = 1000  # photos without a face listed in the job record (the count goes on)


def embed_main_face(engine: FaceEngine, image: np.ndarray) -> np.ndarray | None:
    """The embedding of the photo's main face (the one enrolment chose), or None if the model finds none.

    Not the enrolment quality gate: the photo was accepted once, a stricter gate later must not drop people.
    """
    from face_engine.quality import QualityPolicy, main_face

    face = main_face(engine.detect(image), QualityPolicy())
    if face is None:
        return None
    return engine.embed_face(image, face)


def embedding_for(face: FaceModel, model_id: str) -> bytes | None:
    """The face's embedding by `model_id` (little-endian float32 bytes), if it has one."""
    if face.model_id == model_id:
        return bytes(face.embedding)
    stored = (face.embeddings.as_dict() if face.embeddings is not None else {}).get(model_id)
    return base64.b64decode(stored) if stored else None


# --- start and status ----------------------------------------------------------------------------------------


def start(container: Container, access: Access, model_id: str, *, allow_missing: bool = False,
          source: Source | None = None) -> dict[str, Any]:
    """Start re-embedding the gallery for `model_id` (or resume the job already aiming at it)."""
    access.require_site("galleries:write")
    from face_engine.manifest import UnknownModelError, load_manifest

    try:
        manifest = load_manifest(model_id)
    except UnknownModelError:
        raise Unprocessable("unknown_model") from None
    if manifest.kind != "embedder":
        raise Unprocessable("unknown_model")
    active = _active()
    active_id = active.model_id if active else container.settings.embedding_model
    job = _job()
    if job is not None and job.status != "done":
        if job.target_model_id != model_id:
            raise Conflict("reembed_in_progress", details={"target_model_id": job.target_model_id})
        if allow_missing and not job.allow_missing:
            job.update(actions=[ReembedJobRecord.allow_missing.set(True), ReembedJobRecord.status.set("running")],
                       condition=ReembedJobRecord.job_id == job.job_id)
        return _view(container)
    if model_id == active_id:
        return _view(container)  # already the active model: nothing to do
    job = ReembedJobRecord(REEMBED_JOB_ID, job_id=new_id("rej"), source_model_id=active_id,
                           target_model_id=model_id, source_generation=int(active.generation) if active else 0,
                           status="running", phase="embed", cursor=None, counts={}, no_face=[],
                           allow_missing=allow_missing, started_by=access.username, started_at=container.clock())
    try:
        job.save(condition=ReembedJobRecord.gallery_id.does_not_exist() | (ReembedJobRecord.status == "done"))
    except PutError as exc:
        if lost_condition(exc):
            raise Conflict("reembed_in_progress") from None
        raise
    audit.record_only(audit.entry(container.clock(), access.username, "gallery.reembed.start", subject=job.job_id,
                                  details={"from": active_id, "to": model_id}, source=source))
    return _view(container)


def status(container: Container, access: Access) -> dict[str, Any]:
    access.require_site("galleries:read")
    return _view(container)


# --- the work --------------------------------------------------------------------------------------------------


def run(container: Container, *, should_stop: Callable[[], bool] = lambda: False) -> dict[str, Any]:
    """Do as much of the job as time allows (`should_stop` is asked between faces); its status afterwards."""
    job = _job()
    if job is None or job.status != "running":
        return _view(container)
    if not _take_lease(job):
        return _view(container)  # another invocation is working on it
    try:
        model = container.model(job.target_model_id)
        if job.phase == "embed" and _embed_pass(container, model, job, should_stop):
            job.update(actions=[ReembedJobRecord.phase.set("switch"), ReembedJobRecord.cursor.remove()])
        if job.phase == "switch" and not should_stop():
            _switch(container, model, job, should_stop)
    finally:
        _release_lease(job)
    return _view(container)


def _embed_pass(container: Container, model: RecognitionModel, job: ReembedJobRecord,
                should_stop: Callable[[], bool]) -> bool:
    """Embed every face missing the target's embedding; True when the whole table was scanned."""
    cursor = job.cursor
    while True:
        page = FaceModel.scan(limit=PAGE, page_size=PAGE, last_evaluated_key=cursor)
        for face in page:
            if should_stop():  # the page starts again next time; its finished faces are skipped at once
                job.update(actions=[ReembedJobRecord.counts.set(job.counts), ReembedJobRecord.no_face.set(job.no_face)],
                           condition=ReembedJobRecord.job_id == job.job_id)
                return False
            _ensure_embedding(container, model, job, face)
        cursor = page.last_evaluated_key
        job.update(actions=[ReembedJobRecord.cursor.set(cursor), ReembedJobRecord.counts.set(job.counts),
                            ReembedJobRecord.no_face.set(job.no_face)],
                   condition=ReembedJobRecord.job_id == job.job_id)
        if not cursor:
            return True


def _ensure_embedding(container: Container, model: RecognitionModel, job: ReembedJobRecord,
                      face: FaceModel) -> bytes | None:
    """The face's embedding by the target model, made now from its stored photo if it has none yet."""
    import numpy as np

    from face_engine.image import InvalidImage, decode_image

    known = embedding_for(face, model.model_id)
    if known is not None:
        return known
    counts = job.counts
    reason = "no_face"
    image = None
    try:
        image = decode_image(container.blobs.get(face.photo_key))
    except InvalidImage:
        reason = "invalid_image"
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
            raise
        if not _still_enrolled(face):
            counts["gone"] = counts.get("gone", 0) + 1  # removed with its photo a moment ago
            return None
        reason = "photo_missing"
    vector = embed_main_face(model.engine, image) if image is not None else None
    if vector is None:
        entry = {"staff_id": face.staff_id, "face_id": face.face_id, "reason": reason}
        if entry not in job.no_face:
            counts["no_face"] = counts.get("no_face", 0) + 1
            if len(job.no_face) < MAX_LISTED:
                job.no_face.append(entry)
        return None
    data = np.asarray(vector, dtype="<f4").tobytes()
    if not _store_embedding(face, model.model_id, data):
        counts["gone"] = counts.get("gone", 0) + 1
        return None
    counts["embedded"] = counts.get("embedded", 0) + 1
    count("FacesReembedded")
    return data


def _store_embedding(face: FaceModel, model_id: str, data: bytes) -> bool:
    """Write one model's embedding into the face record; False if the face was removed meanwhile."""
    text = base64.b64encode(data).decode()
    exists = FaceModel.face_id.exists()
    attempts: list[tuple[Any, Any]] = [
        (cast(Any, FaceModel.embeddings)[model_id].set(text), exists & FaceModel.embeddings.exists()),
        (FaceModel.embeddings.set({model_id: text}), exists & FaceModel.embeddings.does_not_exist()),
    ]
    for action, condition in attempts * 2:
        try:
            face.update(actions=[action], condition=condition)
            return True
        except UpdateError as exc:
            if not lost_condition(exc):
                raise
        if not _still_enrolled(face):
            return False
    return False


def _still_enrolled(face: FaceModel) -> bool:
    try:
        FaceModel.get(face.staff_id, face.face_id, consistent_read=True)
        return True
    except DoesNotExist:
        return False


def _all_faces() -> Iterator[FaceModel]:
    yield from FaceModel.scan(page_size=100, consistent_read=True)


def _switch(container: Container, model: RecognitionModel, job: ReembedJobRecord,
            should_stop: Callable[[], bool]) -> None:
    from face_engine.gallery import Gallery

    job.no_face = []  # listed afresh from the complete scan: photos removed meanwhile drop out
    job.counts.pop("no_face", None)
    staff_ids: list[str] = []
    face_ids: list[str] = []
    vectors: list[bytes] = []
    people: set[str] = set()
    for face in _all_faces():
        if should_stop():
            return
        people.add(face.staff_id)
        data = _ensure_embedding(container, model, job, face)
        if data is not None:
            staff_ids.append(face.staff_id)
            face_ids.append(face.face_id)
            vectors.append(data)
    left_out = sorted(people - set(staff_ids))
    job.counts.update({"faces": len(face_ids), "people": len(people) - len(left_out),
                       "people_without_face": len(left_out)})
    if left_out and not job.allow_missing:
        job.update(actions=[ReembedJobRecord.status.set("blocked"), ReembedJobRecord.counts.set(job.counts),
                            ReembedJobRecord.no_face.set(job.no_face)],
                   condition=ReembedJobRecord.job_id == job.job_id)
        get_logger().warning("re-embedding blocked", extra={"people_without_face": len(left_out)})
        return
    built = _build(Gallery, model, staff_ids, face_ids, vectors)
    model.gallery.update(lambda _: built)
    _reconcile(container, model, job)
    galleries.reconcile(container, [model.gallery])  # the new model's site galleries, complete before the switch
    _move_pointer(job)
    container.forget_active_model()  # this function switches at once; others within gallery_check_seconds
    # Faces enrolled into the old gallery while the pointer moved: their records exist, their vectors not yet.
    _reconcile(container, model, job)
    galleries.reconcile(container, [model.gallery])
    job.update(actions=[ReembedJobRecord.status.set("done"), ReembedJobRecord.phase.set("done"),
                        ReembedJobRecord.counts.set(job.counts), ReembedJobRecord.no_face.set(job.no_face),
                        ReembedJobRecord.finished_at.set(container.clock())],
               condition=ReembedJobRecord.job_id == job.job_id)
    audit.record_only(audit.entry(container.clock(), audit.SYSTEM, "gallery.reembed.switch", subject=job.job_id,
                                  details={"from": job.source_model_id, "to": job.target_model_id,
                                           **{k: int(v) for k, v in job.counts.items()}}))
    count("EmbeddingModelSwitched")


def _build(gallery_type: Any, model: RecognitionModel, staff_ids: list[str], face_ids: list[str],
           vectors: list[bytes]) -> Any:
    import numpy as np

    dimension = int(model.manifest.dimension or 0)
    if not vectors:
        return gallery_type.empty(model.model_id, dimension)
    matrix = np.frombuffer(b"".join(vectors), dtype="<f4").reshape(len(vectors), dimension)
    return gallery_type.from_embeddings(model.model_id, staff_ids, face_ids, matrix)


def _reconcile(container: Container, model: RecognitionModel, job: ReembedJobRecord) -> None:
    """Make the target gallery hold exactly the faces on record: add the missing, drop the removed."""
    import numpy as np

    on_record: dict[str, tuple[str, bytes]] = {}
    for face in _all_faces():
        data = _ensure_embedding(container, model, job, face)
        if data is not None:
            on_record[face.face_id] = (face.staff_id, data)

    def change(gallery: Any) -> Any:
        present = set(gallery.face_ids)
        result = gallery
        for face_id in present - set(on_record):
            result = result.without_face(face_id)
        for face_id in sorted(set(on_record) - present):
            staff_id, data = on_record[face_id]
            result = result.with_face(staff_id, face_id, np.frombuffer(data, dtype="<f4"), model_id=model.model_id)
        return result

    model.gallery.update(change)


def _move_pointer(job: ReembedJobRecord) -> None:
    """The switch: only from the generation the job started on, so two switches can never interleave."""
    now = utcnow()
    if job.source_generation == 0:
        record = ActiveModelRecord(ACTIVE_MODEL_ID, model_id=job.target_model_id, generation=1,
                                   previous_model_id=job.source_model_id, switched_at=now)
        try:
            record.save(condition=ActiveModelRecord.gallery_id.does_not_exist())
            return
        except PutError as exc:
            if not lost_condition(exc):
                raise
            raise Conflict("conflict") from None
    record = ActiveModelRecord(ACTIVE_MODEL_ID)
    try:
        record.update(actions=[ActiveModelRecord.model_id.set(job.target_model_id),
                               ActiveModelRecord.generation.add(1),
                               ActiveModelRecord.previous_model_id.set(job.source_model_id),
                               ActiveModelRecord.switched_at.set(now)],
                      condition=(ActiveModelRecord.generation == job.source_generation)
                      & (ActiveModelRecord.model_id == job.source_model_id))
    except UpdateError as exc:
        if lost_condition(exc):
            raise Conflict("conflict") from None
        raise


# --- records ---------------------------------------------------------------------------------------------------


def _active() -> ActiveModelRecord | None:
    try:
        return ActiveModelRecord.get(ACTIVE_MODEL_ID, consistent_read=True)
    except DoesNotExist:
        return None


def _job() -> ReembedJobRecord | None:
    try:
        return ReembedJobRecord.get(REEMBED_JOB_ID, consistent_read=True)
    except DoesNotExist:
        return None


def _take_lease(job: ReembedJobRecord) -> bool:
    now = int(time.time())
    try:
        job.update(actions=[ReembedJobRecord.lease_until.set(now + LEASE_SECONDS), ReembedJobRecord.runs.add(1)],
                   condition=(ReembedJobRecord.job_id == job.job_id) & (ReembedJobRecord.lease_until < now))
        return True
    except UpdateError as exc:
        if lost_condition(exc):
            return False
        raise


def _release_lease(job: ReembedJobRecord) -> None:
    try:
        job.update(actions=[ReembedJobRecord.lease_until.set(0)], condition=ReembedJobRecord.job_id == job.job_id)
    except UpdateError as exc:
        if not lost_condition(exc):
            raise


def _view(container: Container) -> dict[str, Any]:
    active = _active()
    job = _job()
    return {
        "active_model_id": active.model_id if active else container.settings.embedding_model,
        "previous_model_id": active.previous_model_id if active else None,
        "generation": int(active.generation) if active else 0,
        "job": None if job is None else {
            "job_id": job.job_id, "source_model_id": job.source_model_id, "target_model_id": job.target_model_id,
            "status": job.status, "phase": job.phase,
            "counts": {key: int(value) for key, value in (job.counts or {}).items()},
            "no_face": list(job.no_face or []), "allow_missing": bool(job.allow_missing),
            "started_by": job.started_by, "started_at": iso(job.started_at),
            "finished_at": iso(job.finished_at) if job.finished_at else None, "runs": int(job.runs or 0),
        },
    }


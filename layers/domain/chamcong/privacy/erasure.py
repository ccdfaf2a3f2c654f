"""Erasure that leaves nothing behind (issue 16 §2): a person, or one of their photos, removed from every table and
every object of the data bucket that held their biometric data.

What goes, for a photo: the photo (`faces/`), its face record (with the embeddings of every model), its row in every
gallery object (every pointer of the galleries table — every model, every site, kept or not —, the object each
pointer replaced, `previous_key`, and any object under `gallery/` no pointer references).
For a person, also: the snapshots (`snapshots/`) and clips (`clips/`) of their events (each event keeps its
staff_id and times as a work record, `snapshot_key`/`clip_key` cleared and `evidence_erased_at` set), the frames of
the spoofs that resembled them (the spoof record stays, no longer naming them), the captures' idempotency records
that name them, their site grants, and the link of an account to them (the account stays for its administrators).
Attendance events, absences, corrections, evaluations, tasks, rosters, reports and the audit trail stay: work
records, without biometric data. The staff record's tombstone (`services.staff.remove_staff`) keeps the name.

Each function returns the counts of what it removed (never content), which the callers put in their audit entry.
numpy (the vision layer) is needed: these run where galleries are written (the recognition function).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from chamcong.container import Container
from chamcong.store.gallery import GalleryRepository
from chamcong.store.models.accounts import AccountModel
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.base import lost_condition
from chamcong.store.models.devices import CaptureModel, GalleryModel, SiteGrantsRecord, SpoofModel
from chamcong.store.models.staff import FaceModel

if TYPE_CHECKING:
    from face_engine.gallery import Gallery

GALLERY_PREFIX = "gallery/"


def erase_face(container: Container, staff_id: str, face_id: str) -> dict[str, int]:
    """One photo: the photo, its face record and its row in every gallery object. Counts of what was removed."""
    counts: Counter[str] = Counter()
    try:
        face = FaceModel.get(staff_id, face_id, consistent_read=True)
    except DoesNotExist:
        face = None
    if face is not None:
        container.blobs.delete(face.photo_key)
        counts["photos"] += 1
    # A photo left by an interrupted removal (record gone, object not) goes too.
    container.blobs.delete(FaceModel.photo_key_for(staff_id, face_id))
    counts.update(_erase_from_galleries(container, lambda gallery: _rows_of(gallery, staff_id, {face_id})))
    if face is not None:
        face.delete()
        counts["face_records"] += 1
    return dict(counts)


def erase_person(container: Container, staff_id: str) -> dict[str, int]:
    """Everything biometric about a person, and every copy of it: see the module's doc. Counts of what was removed.

    Idempotent: run again, it removes nothing more (a run cut off half-way is finished by the next).
    """
    counts: Counter[str] = Counter()
    # The galleries first: the person stops being recognised before anything else goes.
    counts.update(_erase_from_galleries(container, lambda gallery: _rows_of(gallery, staff_id, None)))
    faces = list(FaceModel.query(staff_id, consistent_read=True))
    photo_keys = {face.photo_key for face in faces}
    photo_keys.update(container.blobs.keys(f"faces/{staff_id}/"))  # also any photo whose record is gone
    if photo_keys:
        container.blobs.delete(*sorted(photo_keys))
    counts["photos"] += len(photo_keys)
    for face in faces:
        face.delete()
    counts["face_records"] += len(faces)
    counts.update(_erase_event_evidence(container, staff_id))
    counts.update(_erase_spoof_evidence(container, staff_id))
    counts["captures"] += _erase_captures(staff_id)
    counts["site_grants"] += _erase_grants(staff_id)
    counts["accounts_unlinked"] += _unlink_accounts(staff_id)
    return dict(counts)


def erase_evidence(container: Container, staff_id: str) -> dict[str, int]:
    """The person's face in evidence: their events' snapshots and clips, the frames of spoofs that resembled them
    (the records stay, without them). An erasure request of scope "biometric" does this after removing the photos."""
    counts: Counter[str] = Counter()
    counts.update(_erase_event_evidence(container, staff_id))
    counts.update(_erase_spoof_evidence(container, staff_id))
    return dict(counts)


# --- galleries: every pointer, every object ----------------------------------------------------------------------

def _rows_of(gallery: Gallery, staff_id: str, face_ids: set[str] | None) -> list[int]:
    """The rows of the gallery that are the person's (or only those of `face_ids`)."""
    return [row for row, (owner, face) in enumerate(zip(gallery.staff_ids, gallery.face_ids, strict=True))
            if owner == staff_id and (face_ids is None or face in face_ids)]


def _without_rows(gallery: Gallery, rows: list[int]) -> Gallery:
    import numpy as np

    keep = np.ones(len(gallery), dtype=bool)
    keep[rows] = False
    return gallery._keeping(keep)


def _pointers() -> list[GalleryModel]:
    """Every gallery pointer (every model, the deployment's and every site's); not the table's other items."""
    return [pointer for pointer in GalleryModel.scan(GalleryModel.object_key.exists(), consistent_read=True)
            if not pointer.gallery_id.startswith("#")]


def _load(container: Container, key: str) -> Gallery | None:
    from face_engine.gallery import Gallery

    data = container.blobs.get_if_exists(key)
    if data is None:
        return None
    try:
        return Gallery.from_bytes(data)
    except ValueError:
        return None  # not a gallery file: nothing of anyone's to find in it


def _erase_from_galleries(container: Container, rows_of: Any) -> dict[str, int]:
    """Rewrite every gallery that holds the rows without them; delete every older or unreferenced object that holds
    them. `rows_of(gallery)` → the rows to remove."""
    counts: Counter[str] = Counter()
    for pointer in _pointers():
        current = _load(container, pointer.object_key)
        if current is not None and rows_of(current):
            repository = GalleryRepository(container.blobs, pointer.model_id, current.dimension,
                                           unit_id=pointer.unit_id)
            if pointer.unit_id is None:
                repository.update(lambda gallery: _without_rows(gallery, rows) if (rows := rows_of(gallery))
                                  else gallery)
            else:
                from chamcong.services.galleries import rows_digest

                def build(repository: GalleryRepository = repository) -> tuple[Gallery, str]:
                    latest = repository.latest()
                    rows = rows_of(latest)
                    cleaned = _without_rows(latest, rows) if rows else latest
                    return cleaned, rows_digest(cleaned)

                repository.publish(build)
                container.expire_site_gallery(pointer.model_id, pointer.unit_id)
            counts["galleries_rewritten"] += 1
            counts["gallery_rows"] += len(rows_of(current))
    # The objects the pointers replaced (kept for functions mid-reload), and any no pointer references.
    referenced: set[str] = set()
    for pointer in _pointers():
        referenced.add(pointer.object_key)
        previous = pointer.previous_key
        if previous and _holds(container, previous, rows_of):
            _forget_previous(pointer)
            container.blobs.delete(previous)
            counts["gallery_objects_deleted"] += 1
    for key in list(container.blobs.keys(GALLERY_PREFIX)):
        if key not in referenced and _holds(container, key, rows_of, unreadable=True):
            container.blobs.delete(key)
            counts["gallery_objects_deleted"] += 1
    return dict(counts)


def _holds(container: Container, key: str, rows_of: Any, unreadable: bool = False) -> bool:
    gallery = _load(container, key)
    if gallery is None:
        return unreadable and key.endswith(".npz")
    return bool(rows_of(gallery))


def _forget_previous(pointer: GalleryModel) -> None:
    """The pointer stops naming the deleted object (a writer that moved it since already forgot it)."""
    try:
        pointer.update(actions=[GalleryModel.previous_key.remove()],
                       condition=GalleryModel.previous_key == pointer.previous_key)
    except UpdateError as exc:
        if not lost_condition(exc):
            raise


# --- the person's evidence: snapshots and clips of events, frames of spoofs, captures, grants ---------------------

def _erase_event_evidence(container: Container, staff_id: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    now = container.clock()
    for event in EventModel.query(staff_id):
        keys = [key for key in (event.snapshot_key, getattr(event, "clip_key", None)) if key]
        if not keys:
            continue
        container.blobs.delete(*keys)
        counts["snapshots"] += bool(event.snapshot_key)
        counts["clips"] += bool(getattr(event, "clip_key", None))
        actions: list[Action] = [EventModel.snapshot_key.remove(), EventModel.evidence_erased_at.set(now)]
        clip_key = getattr(EventModel, "clip_key", None)
        if clip_key is not None and getattr(event, "clip_key", None):
            actions.append(clip_key.remove())
        event.update(actions=actions)
        counts["events_evidence_erased"] += 1
    return dict(counts)


def _erase_spoof_evidence(container: Container, staff_id: str) -> dict[str, int]:
    """A spoof that resembled the person: its frames (their face, or a photo of it) go; the record stays as the
    report's line, no longer naming anyone."""
    counts: Counter[str] = Counter()
    now = container.clock()
    for spoof in SpoofModel.scan(SpoofModel.resembles_staff_id == staff_id, consistent_read=True):
        keys = [str(key) for key in spoof.snapshot_keys or []]
        clip = getattr(spoof, "clip_key", None)
        if clip:
            keys.append(str(clip))
        if keys:
            container.blobs.delete(*keys)
        counts["spoof_frames"] += len(keys)
        actions: list[Action] = [SpoofModel.snapshot_keys.set([]), SpoofModel.resembles_staff_id.remove(),
                   SpoofModel.resembles_name.remove(), SpoofModel.similarity.remove(),
                   SpoofModel.evidence_erased_at.set(now)]
        clip_key = getattr(SpoofModel, "clip_key", None)
        if clip_key is not None and clip:
            actions.append(clip_key.remove())
        spoof.update(actions=actions)
        counts["spoofs_evidence_erased"] += 1
    return dict(counts)


def _erase_captures(staff_id: str) -> int:
    """The idempotency records whose answer or recorded item names the person. A retry of such a capture (within
    `capture_max_age_days`) is judged again, and nobody is recognised in it any more."""
    found = list(CaptureModel.scan(CaptureModel.response.contains(staff_id) | CaptureModel.record.contains(staff_id),
                                   consistent_read=True))
    with CaptureModel.batch_write() as batch:
        for capture in found:
            batch.delete(capture)
    return len(found)


def _unlink_accounts(staff_id: str) -> int:
    """An account that was the person's stops naming them (it stays, for its administrators to lock or remove)."""
    found = list(AccountModel.scan(AccountModel.staff_id == staff_id, consistent_read=True))
    for account in found:
        account.update(actions=[AccountModel.staff_id.remove()])
    return len(found)


def _erase_grants(staff_id: str) -> int:
    removed = 0
    for record in SiteGrantsRecord.scan(SiteGrantsRecord.gallery_id.startswith("#grants@"), consistent_read=True):
        grants = dict(record.grants or {})
        if staff_id in grants:
            grants.pop(staff_id)
            record.update(actions=[SiteGrantsRecord.grants.set(grants),
                                   SiteGrantsRecord.revision.set(SiteGrantsRecord.revision + 1)])
            removed += 1
    return removed

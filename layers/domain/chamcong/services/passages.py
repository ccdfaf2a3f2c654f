"""What the crops of one passage show: whose face, and whether it is a live person or a photo or a screen.

A person stops for about two seconds in front of the lobby camera; the edge sends up to three crops of that
pause. Each crop is detected and embedded on its own; the passage is then judged as a whole: liveness on
all its frames together (one frame and one model are not enough), and one identity from the fused
embedding. The decision is one value (`Passage`); recording it is the recognition service's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chamcong.container import Container, RecognitionModel
from chamcong.observability import Stopwatch
from chamcong.services.galleries import StaffCard, card, site_gallery
from chamcong.store.models.staff import StaffModel

if TYPE_CHECKING:
    import numpy as np

    from face_engine.engine import DetectedFace


@dataclass(frozen=True)
class Frame:
    """One crop of the passage in which a face was found."""

    index: int  # its place in the request
    image: np.ndarray
    face: DetectedFace
    embedding: np.ndarray


@dataclass(frozen=True)
class Passage:
    result: str  # matched | unknown | no_face | spoof_suspected
    frames: tuple[Frame, ...] = ()
    staff: StaffCard | None = None  # matched (or, for a spoof, whom the presented face resembled)
    similarity: float | None = None
    liveness: float | None = None  # the passage's liveness score; None when liveness is switched off

    @property
    def evidence(self) -> Frame | None:
        """The frame kept as the snapshot of a recorded event: the largest face of the passage."""
        return max(self.frames, key=lambda frame: frame.face.size, default=None)


def judge(container: Container, model: RecognitionModel, images: Sequence[np.ndarray], threshold: float,
          watch: Stopwatch, site: str | None = None) -> Passage:
    """Detect and embed every crop with `model`, check liveness on the whole passage, then identify the fused face
    in the same model's gallery (never one model's embedding against another's gallery, even mid-switch): the
    gallery of the device's `site` (its unit: the people of its subtree and those granted access, labelled, so no
    staff record is read), or without a site the deployment's."""
    from face_engine.fusion import fuse
    from face_engine.gallery import decide

    engine = model.engine
    found = []
    for index, image in enumerate(images):
        with watch.lap("detect"):
            faces = engine.detect(image)
        if faces:
            # A crop holds one person; if the detector also sees a sliver of a neighbour, the largest face wins.
            found.append((index, image, faces[0]))
    if not found:
        return Passage("no_face")
    with watch.lap("align_embed"):  # every frame (and its mirror) in one forward pass
        embeddings = engine.embed_faces([(image, face) for _, image, face in found])
    frames = [Frame(index, image, face, embedding)
              for (index, image, face), embedding in zip(found, embeddings, strict=True)]

    liveness = None
    live = True
    liveness_model = container.liveness()
    if liveness_model is not None:
        from face_engine.liveness import judge as judge_liveness

        with watch.lap("liveness"):
            verdict = judge_liveness(liveness_model.scores([(frame.image, frame.face) for frame in frames]),
                                     liveness_model.default_policy())
        liveness, live = round(float(verdict.score), 3), verdict.live

    with watch.lap("gallery"):
        # The pointer is re-checked at most every gallery_check_seconds; the object reloaded only if it moved.
        gallery = site_gallery(container, model, site) if site is not None else model.gallery.current()
    with watch.lap("match"):
        # One ranking for both the decision and, for an unknown face, how close it came.
        ranked = gallery.ranked_people(fuse([frame.embedding for frame in frames]), top=1)
        match = decide(ranked, threshold)
    staff = None
    if match is not None:
        staff = card(gallery, match.staff_id) if site is not None else _staff(match.staff_id)
    similarity = round(float(ranked[0].similarity), 4) if ranked else None
    if not live:
        if staff is None and site is not None:
            # Evidence for Home Affairs: a photo of someone who does not work behind this lobby is worth naming
            # too, so a refused passage (rare) is also compared with the whole deployment.
            wider = decide(model.gallery.current().ranked_people(fuse([frame.embedding for frame in frames]), top=1),
                           threshold)
            if wider is not None:
                staff, similarity = _staff(wider.staff_id), round(float(wider.similarity), 4)
        return Passage("spoof_suspected", tuple(frames), staff, similarity, liveness)
    if staff is None:
        return Passage("unknown", tuple(frames), None, similarity, liveness)
    return Passage("matched", tuple(frames), staff, similarity, liveness)


def _staff(staff_id: str) -> StaffCard | None:
    """Who a face of the deployment's (unlabelled) gallery is."""
    from pynamodb.exceptions import DoesNotExist

    try:
        person = StaffModel.get(staff_id)
    except DoesNotExist:  # removed a moment ago, before the gallery moved
        return None
    return StaffCard(person.staff_id, person.full_name, person.unit_id)

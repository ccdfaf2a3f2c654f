"""Face work shared by enrolment and recognition: decode an image, find the face, embed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chamcong.errors import BadRequest, Unprocessable

if TYPE_CHECKING:
    import numpy as np

    from face_engine.engine import DetectedFace, FaceEngine


@dataclass(frozen=True)
class EmbeddedFace:
    face: DetectedFace
    embedding: np.ndarray
    blur: float


def decode(data: bytes) -> np.ndarray:
    from face_engine.image import InvalidImage, decode_image

    try:
        return decode_image(data)
    except InvalidImage as exc:
        raise BadRequest(exc.code) from exc


def embed_face(engine: FaceEngine, image: np.ndarray, face: DetectedFace) -> EmbeddedFace:
    aligned = engine.align(image, face)
    return EmbeddedFace(face=face, embedding=engine.embed(aligned), blur=engine.blur_score(aligned))


def embed_enrolment_photo(engine: FaceEngine, image: np.ndarray) -> EmbeddedFace:
    """The one face of an enrolment photo, or 422 with the reason the photo cannot be used."""
    from face_engine.engine import QualityPolicy, assess

    faces = engine.detect(image)
    if not faces:
        raise Unprocessable("no_face")
    embedded = embed_face(engine, image, faces[0])
    problem = assess(faces, embedded.blur, QualityPolicy())
    if problem is not None:
        raise Unprocessable(problem)
    return embedded

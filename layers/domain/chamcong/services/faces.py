"""Face work for enrolment: decode an image, find the one face it is about, check it, embed it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chamcong.errors import BadRequest, Unprocessable

if TYPE_CHECKING:
    import numpy as np

    from face_engine.engine import DetectedFace, FaceEngine


def decode(data: bytes) -> np.ndarray:
    from face_engine.image import InvalidImage, decode_image

    try:
        return decode_image(data)
    except InvalidImage as exc:
        raise BadRequest(exc.code) from exc


def analyse_enrolment_photo(engine: FaceEngine, image: np.ndarray) -> tuple[DetectedFace, np.ndarray, float]:
    """The main face of an enrolment photo, its embedding and blur, or 422 with why it cannot be used."""
    analysis = engine.analyse(image)
    if analysis.problem is not None or analysis.face is None or analysis.embedding is None or analysis.blur is None:
        raise Unprocessable(analysis.problem or "no_face")
    return analysis.face, analysis.embedding, analysis.blur

"""Face work for enrolment: decode an image, find the one face it is about, check it, embed it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chamcong.errors import BadRequest, Unprocessable

if TYPE_CHECKING:
    import numpy as np

    from face_engine.engine import FaceAnalysis, FaceEngine


def decode(data: bytes) -> np.ndarray:
    from face_engine.image import InvalidImage, decode_image

    try:
        return decode_image(data)
    except InvalidImage as exc:
        raise BadRequest(exc.code) from exc


def analyse_enrolment_photo(engine: FaceEngine, image: np.ndarray) -> FaceAnalysis:
    """The main face of an enrolment photo with its embedding, or 422 with the reason it cannot be used."""
    analysis = engine.analyse(image)
    if analysis.problem is not None:
        raise Unprocessable(analysis.problem)
    if analysis.face is None or analysis.embedding is None:
        raise Unprocessable("no_face")
    return analysis

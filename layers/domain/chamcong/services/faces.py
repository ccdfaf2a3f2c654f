"""Face work for enrolment: decode an image, find the one face it is about, judge it, embed it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chamcong.errors import BadRequest, Unprocessable

if TYPE_CHECKING:
    import numpy as np

    from face_engine.engine import FaceEngine
    from face_engine.quality import FaceAnalysis, Verdict

# The way a face is turned, for the face_not_frontal message: (Vietnamese, English).
_TURNED_SIDEWAYS = ("quay nghiêng sang một bên khoảng {angle}°", "turned about {angle}° to the side")
_TILTED_DOWN = ("cúi xuống khoảng {angle}°", "tilted down about {angle}°")
_TILTED_UP = ("ngửa lên khoảng {angle}°", "tilted up about {angle}°")


def decode(data: bytes) -> np.ndarray:
    from face_engine.image import InvalidImage, decode_image

    try:
        return decode_image(data)
    except InvalidImage as exc:
        raise BadRequest(exc.code) from exc


def refusal(verdict: Verdict) -> Unprocessable:
    """The 422 for a refused enrolment photo: its code, the measurements, and the message's blanks."""
    details = dict(verdict.details)
    params: dict[str, str | tuple[str, str]] = {}
    if verdict.code == "face_too_small":
        params = {"face_px": str(details["face_px"]), "min_px": str(details["min_face_px"])}
    elif verdict.code == "face_not_frontal":
        yaw, pitch = int(details["yaw"]), int(details["pitch"])
        if abs(yaw) / details["max_yaw"] >= abs(pitch) / details["max_pitch"]:
            template, angle = _TURNED_SIDEWAYS, abs(yaw)
        else:
            template, angle = (_TILTED_DOWN if pitch > 0 else _TILTED_UP), abs(pitch)
        params = {"direction": (template[0].format(angle=angle), template[1].format(angle=angle))}
    return Unprocessable(verdict.code, details=details, params=params)


def analyse_enrolment_photo(engine: FaceEngine, image: np.ndarray) -> FaceAnalysis:
    """The analysis of an acceptable enrolment photo (main face, embedding, quality), or 422 saying
    what to change."""
    analysis = engine.analyse(image)
    if analysis.verdict is not None:
        raise refusal(analysis.verdict)
    if analysis.face is None or analysis.embedding is None:
        raise Unprocessable("no_face")
    return analysis

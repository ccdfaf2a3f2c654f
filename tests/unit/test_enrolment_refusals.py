"""What a refused enrolment photo tells the person, by table: the code, the measurements, the words."""

from __future__ import annotations

from typing import Any

import pytest

from chamcong.messages import message_for
from chamcong.services.faces import refusal
from face_engine.quality import Verdict

LIMITS = {"max_yaw": 45, "max_pitch": 30}


@pytest.mark.parametrize(
    ("verdict", "vi", "en"),
    [
        (Verdict("face_too_small", {"face_px": 40, "min_face_px": 64}),
         "Khuôn mặt trong ảnh quá nhỏ (40 điểm ảnh): cần ít nhất 64 điểm ảnh",
         "The face is too small (40 pixels): at least 64 pixels are needed"),
        (Verdict("face_not_frontal", {"yaw": -62, "pitch": 4, **LIMITS}),
         "quay nghiêng sang một bên khoảng 62°", "turned about 62° to the side"),
        (Verdict("face_not_frontal", {"yaw": 10, "pitch": 36, **LIMITS}),
         "cúi xuống khoảng 36°", "tilted down about 36°"),
        (Verdict("face_not_frontal", {"yaw": 3, "pitch": -33, **LIMITS}),
         "ngửa lên khoảng 33°", "tilted up about 33°"),
        # turned and tilted: the worse of the two, relative to its limit, is named
        (Verdict("face_not_frontal", {"yaw": 50, "pitch": 31, **LIMITS}),
         "quay nghiêng sang một bên khoảng 50°", "turned about 50° to the side"),
        (Verdict("too_blurry", {"blur_sigma": 2.6, "max_blur_sigma": 2.0}),
         "Ảnh bị mờ: hãy chụp lại khi máy ảnh đã lấy nét vào khuôn mặt", "camera focused on the face"),
        (Verdict("no_face"), "cả khuôn mặt nằm trong khung hình", "the whole face inside the frame"),
        (Verdict("multiple_faces", {"faces": 2}), "chỉ có một người", "one person only"),
    ],
)
def test_each_refusal_says_what_to_change(verdict: Verdict, vi: str, en: str) -> None:
    # GIVEN the gate's verdict WHEN it becomes the 422 THEN the code and measurements are kept and the
    # message, in both languages, carries the numbers and what to do
    error = refusal(verdict)
    assert (error.status, error.code, error.details) == (422, verdict.code, verdict.details)
    words: dict[str, Any] = {"vi": message_for(error.code, "vi", error.params),
                             "en": message_for(error.code, "en", error.params)}
    assert vi in words["vi"] and en in words["en"]
    assert "{" not in words["vi"] + words["en"]

"""Which files the server takes as a passage's clip, and where clips and unmatched passages are kept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chamcong.privacy.classes import by_key
from chamcong.services.clips import clip_kind
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.devices import CaptureModel


@pytest.mark.parametrize(("head", "kind"), [
    (b"\x1a\x45\xdf\xa3\x9fB\x86\x81\x01", "webm"),  # EBML: WebM (VP8), what the edge writes
    (b"RIFF\x10\x00\x00\x00AVI LIST", "avi"),  # MJPEG in AVI: the edge's fallback
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", None),  # a still image, not a clip
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", None),  # a JPEG
    (b"\x00\x00\x00\x1cftypisom", None),  # MP4: not what the edge writes
    (b"", None),
])
def test_only_webm_and_avi_are_taken_as_clips(head: bytes, kind: str | None) -> None:
    assert clip_kind(head + bytes(64)) == kind


def test_clips_and_unmatched_passages_live_under_their_data_classes_prefixes() -> None:
    local = datetime(2026, 11, 20, 7, 12, 40, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    clip = EventModel.clip_key_for("2026-11-20", "dev_1", "cap-1", "webm")
    crop = CaptureModel.unmatched_crop_key(local, "dev_1", "cap-1", "ab" * 32)
    unmatched_clip = CaptureModel.unmatched_clip_key(local, "dev_1", "cap-1", "webm")
    assert clip == "clips/2026-11-20/dev_1/cap-1.webm"
    assert crop == "unmatched/2026-11-20/dev_1/071240/cap-1/crop.abababababababab.jpg"
    assert unmatched_clip == "unmatched/2026-11-20/dev_1/071240/cap-1/clip.webm"
    assert clip.startswith(by_key("clips").prefixes)
    assert crop.startswith(by_key("unmatched").prefixes) and unmatched_clip.startswith(by_key("unmatched").prefixes)

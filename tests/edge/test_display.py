"""What the lobby screen shows: boxes, and Vietnamese text with its diacritics, to a file, a video or a window."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import ImageFont

from edge_uploader.display import LOOK_AT_CAMERA, WAITING, Display, Overlay, annotate, find_font
from edge_uploader.errors import DisplayError

BOX = (500.0, 250.0, 150.0, 180.0)


def lobby() -> np.ndarray:
    return np.full((720, 1280, 3), 128, np.uint8)


def test_a_truetype_font_with_vietnamese_letters_is_found() -> None:
    # GIVEN the font the display would use on this machine
    path = find_font()
    assert path is not None, "install fonts-dejavu-core (or set EDGE_FONT) for Vietnamese text on the screen"
    font = ImageFont.truetype(path, 32)
    # THEN "ữ" and "u" are drawn differently (a font without the letter draws the same empty box for every one)
    assert font.getmask("ữ").getbbox() != font.getmask("u").getbbox()
    assert font.getmask("ữ").getbbox() != font.getmask("ễ").getbbox()


def test_each_state_is_drawn_above_its_face_and_the_banner_at_the_bottom() -> None:
    font_path = find_font()
    fonts = {}

    def font_of(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        fonts[size] = ImageFont.truetype(font_path, size) if font_path else ImageFont.load_default(size)
        return fonts[size]

    plain = lobby()
    shown = annotate(plain, [Overlay(BOX, WAITING, "waiting")], "Xin chào Nguyễn Văn An", font_of)
    # the frame itself is untouched; the copy has a box around the face, text above it and a banner
    assert (plain == 128).all()
    x, y, w = (int(v) for v in BOX[:3])
    assert tuple(shown[y, x + w // 2]) == (0, 200, 255)  # amber box (BGR) while waiting
    assert (shown[y - 30:y - 5, x:x + 200] != 128).any()
    assert (shown[-20:, :] != 128).any()
    assert (shown[300:400, 100:300] == 128).all()  # nothing drawn elsewhere
    matched = annotate(plain, [Overlay(BOX, "Nguyễn Văn An", "matched")], "", font_of)
    assert tuple(matched[y, x + w // 2]) == (90, 200, 40)  # green once recognised


def test_targets(tmp_path: Path) -> None:
    # A picture for a kiosk page, replaced in one step
    picture = Display(str(tmp_path / "screen" / "lobby.jpg"))
    picture.show(lobby(), [Overlay(BOX, WAITING, "waiting")])
    assert cv2.imread(str(tmp_path / "screen" / "lobby.jpg")).shape == (720, 1280, 3)
    assert [p.name for p in (tmp_path / "screen").iterdir()] == ["lobby.jpg"]
    # A video of every frame
    video = Display(str(tmp_path / "lobby.avi"), fps=10)
    for _ in range(5):
        video.show(lobby(), [])
    video.close()
    assert cv2.VideoCapture(str(tmp_path / "lobby.avi")).get(cv2.CAP_PROP_FRAME_COUNT) == 5
    # Anything else is refused by name
    with pytest.raises(DisplayError) as wrong:
        Display(str(tmp_path / "lobby.gif"))
    assert wrong.value.code == "display_invalid"
    if "GUI:                           NONE" in cv2.getBuildInformation():
        with pytest.raises(DisplayError) as headless:
            Display("window")
        assert headless.value.code == "display_unavailable"


def test_a_passage_judged_a_spoof_asks_to_look_straight_into_the_camera_in_red() -> None:
    font_path = find_font()

    def font_of(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        return ImageFont.truetype(font_path, size) if font_path else ImageFont.load_default(size)

    assert LOOK_AT_CAMERA == "Vui lòng nhìn thẳng vào camera"
    shown = annotate(lobby(), [Overlay(BOX, LOOK_AT_CAMERA, "look")], LOOK_AT_CAMERA, font_of)
    x, y, w = (int(v) for v in BOX[:3])
    assert tuple(shown[y, x + w // 2]) == (50, 50, 230)  # a red box (BGR), not the green of a recognition
    assert (shown[y - 30:y - 5, x:x + 200] != 128).any() and (shown[-20:, :] != 128).any()

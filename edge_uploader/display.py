"""What the lobby screen shows: a box around each face, and a line of Vietnamese above it.

While a person is being followed: "Bỏ khẩu trang, dừng 2 giây". Once the capture is sent: "Đang nhận
diện…". When the server answers: its ``display_message`` (the name and what was recorded), or, when it
judged the passage a photo or a screen (``spoof_suspected``), "Vui lòng nhìn thẳng vào camera". Text is drawn
with a TrueType font through Pillow, because OpenCV's own fonts have no Vietnamese diacritics.

Targets: a ``.jpg``/``.png`` path (the latest frame, replaced atomically, for a kiosk page to refresh), an
``.avi``/``.mp4`` path (every frame, to review), or ``window`` (needs an OpenCV build with a GUI).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from edge_uploader.errors import DisplayError
from edge_uploader.view import LOOK_AT_CAMERA, SENT, WAITING, Overlay

__all__ = ["LOOK_AT_CAMERA", "SENT", "WAITING", "Display", "Overlay", "annotate", "find_font"]

log = logging.getLogger("edge_uploader.display")
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
]
COLOURS = {"waiting": (255, 200, 0), "sent": (80, 160, 255), "matched": (40, 200, 90), "look": (230, 50, 50),
           "other": (255, 140, 0)}


def find_font(explicit: str | None = None) -> str | None:
    for candidate in [explicit or os.environ.get("EDGE_FONT", ""), *FONT_CANDIDATES]:
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class Display:
    def __init__(self, target: str, *, fps: float = 10.0, font: str | None = None) -> None:
        self.target = target
        self.fps = fps
        self._writer: cv2.VideoWriter | None = None
        self._last_write = 0.0
        suffix = Path(target).suffix.lower()
        if target == "window":
            try:
                cv2.namedWindow("chamcong", cv2.WINDOW_NORMAL)
            except cv2.error as error:
                raise DisplayError("display_unavailable", "this OpenCV build has no window support; "
                                   "write to a .jpg or .avi file instead") from error
            self.kind = "window"
        elif suffix in (".jpg", ".jpeg", ".png"):
            self.kind = "image"
        elif suffix in (".avi", ".mp4"):
            self.kind = "video"
        else:
            raise DisplayError("display_invalid", "display must be a .jpg/.png or .avi/.mp4 path, or 'window'")
        if self.kind != "window":
            Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
        font_path = find_font(font)
        if font_path is None:
            log.warning("no TrueType font found; Vietnamese text may lose its diacritics (set EDGE_FONT)",
                        extra={"fields": {"event": "font_missing"}})
        self._font_path = font_path
        self._fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def _font(self, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if size not in self._fonts:
            self._fonts[size] = (ImageFont.truetype(self._font_path, size) if self._font_path
                                 else ImageFont.load_default(size))
        return self._fonts[size]

    def show(self, frame: np.ndarray, overlays: Sequence[Overlay], banner: str = "") -> None:
        now = time.monotonic()
        if self.kind == "image" and now - self._last_write < 0.2:
            return
        annotated = annotate(frame, overlays, banner, self._font)
        if self.kind == "window":
            cv2.imshow("chamcong", annotated)
            cv2.waitKey(1)
        elif self.kind == "image":
            path = Path(self.target).expanduser()
            temporary = path.with_name(f".{path.name}.tmp{path.suffix}")
            cv2.imwrite(str(temporary), annotated)
            os.replace(temporary, path)
        else:
            if self._writer is None:
                fourcc = cv2.VideoWriter.fourcc(*("MJPG" if self.target.lower().endswith(".avi") else "mp4v"))
                self._writer = cv2.VideoWriter(str(Path(self.target).expanduser()), fourcc, self.fps,
                                               (annotated.shape[1], annotated.shape[0]))
            self._writer.write(annotated)
        self._last_write = now

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
        if self.kind == "window":
            cv2.destroyAllWindows()


def annotate(frame: np.ndarray, overlays: Sequence[Overlay], banner: str,
             font_of: Callable[[int], Any]) -> np.ndarray:
    """A copy of the frame with boxes (OpenCV) and text (Pillow)."""
    canvas = frame.copy()
    for overlay in overlays:
        x, y, w, h = (round(v) for v in overlay.box)
        red, green, blue = COLOURS.get(overlay.state, COLOURS["other"])
        cv2.rectangle(canvas, (x, y), (x + w, y + h), (blue, green, red), 3)
    texts = [o for o in overlays if o.text]
    if not texts and not banner:
        return canvas
    image = Image.fromarray(cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(image)
    size = max(16, frame.shape[0] // 30)
    font = font_of(size)
    for overlay in texts:
        box_x, box_y = overlay.box[0], overlay.box[1]
        left, top, right, bottom = draw.textbbox((0, 0), overlay.text, font=font)
        text_w, text_h = right - left, bottom - top
        tx = int(min(max(box_x, 4), frame.shape[1] - text_w - 8))
        ty = int(max(box_y - text_h - 14, 4))
        draw.rectangle((tx - 6, ty - 4, tx + text_w + 6, ty + text_h + 6), fill=(0, 0, 0))
        draw.text((tx - left, ty - top), overlay.text, font=font, fill=COLOURS.get(overlay.state, COLOURS["other"]))
    if banner:
        left, top, right, bottom = draw.textbbox((0, 0), banner, font=font)
        ty = frame.shape[0] - (bottom - top) - 16
        draw.rectangle((0, ty - 8, frame.shape[1], frame.shape[0]), fill=(0, 0, 0))
        draw.text(((frame.shape[1] - (right - left)) // 2, ty - top), banner, font=font, fill=(255, 255, 255))
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)

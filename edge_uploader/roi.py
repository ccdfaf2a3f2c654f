"""The region of interest, apart from the detector so the configuration can be checked without OpenCV."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Roi:
    """Region of interest as fractions of the frame: left, top, width, height."""
    x: float = 0.0
    y: float = 0.0
    w: float = 1.0
    h: float = 1.0

    @classmethod
    def parse(cls, text: str) -> Roi:
        try:
            x, y, w, h = (float(part) for part in text.split(","))
        except ValueError as error:
            raise ValueError("roi must be four numbers x,y,w,h (fractions of the frame)") from error
        if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
            raise ValueError("roi must lie inside the frame: 0 <= x,y < 1, 0 < w <= 1-x, 0 < h <= 1-y")
        return cls(x, y, w, h)

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        left, top = round(self.x * width), round(self.y * height)
        right, bottom = round((self.x + self.w) * width), round((self.y + self.h) * height)
        return left, top, max(right - left, 1), max(bottom - top, 1)

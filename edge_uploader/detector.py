"""Face detection at the camera: YuNet (the same model file as the server), on a downscaled region of interest.

Detection runs on the region of interest scaled down to ``detect_width`` (faces in a lobby are large, and
a smaller input is what makes a small box keep up); boxes and landmarks are mapped back to full-frame
pixels so the crop sent to the server is cut from the full-resolution frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge_uploader.roi import Roi


@dataclass(frozen=True)
class Face:
    box: tuple[float, float, float, float]  # x, y, w, h in full-frame pixels
    landmarks: np.ndarray                    # 5×2: right eye, left eye, nose tip, right and left mouth corners
    score: float

    @property
    def center(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2

    @property
    def width(self) -> float:
        return self.box[2]


class Detector:
    def __init__(self, model_path: str, *, detect_width: int = 640, roi: Roi | None = None,
                 min_face_px: int = 60, score_threshold: float = 0.7) -> None:
        self.detect_width = detect_width
        self.roi = roi or Roi()
        self.min_face_px = min_face_px
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # not "targets not supported" per load
        self._net = cv2.FaceDetectorYN.create(model_path, "", (320, 320), score_threshold, 0.3, 50)
        self._input_size: tuple[int, int] | None = None

    def detect(self, frame: np.ndarray) -> list[Face]:
        height, width = frame.shape[:2]
        left, top, roi_w, roi_h = self.roi.pixels(width, height)
        region = frame[top:top + roi_h, left:left + roi_w]
        scale = min(1.0, self.detect_width / roi_w)
        if scale < 1.0:
            region = cv2.resize(region, (max(int(roi_w * scale), 1), max(int(roi_h * scale), 1)),
                                interpolation=cv2.INTER_AREA)
        size = (region.shape[1], region.shape[0])
        if size != self._input_size:
            self._net.setInputSize(size)
            self._input_size = size
        _, rows = self._net.detect(region)
        faces = []
        for row in rows if rows is not None else []:
            box = row[:4] / scale + np.array([left, top, 0, 0], dtype=np.float32)
            landmarks = row[4:14].reshape(5, 2) / scale + np.array([left, top], dtype=np.float32)
            face = Face((float(box[0]), float(box[1]), float(box[2]), float(box[3])), landmarks, float(row[14]))
            if face.width >= self.min_face_px:
                faces.append(face)
        return faces

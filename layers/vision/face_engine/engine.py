"""Face detection (YuNet), 5-point alignment and embedding (ONNX through cv2.dnn); the enrolment gate is in
`quality`."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .manifest import ModelManifest

if TYPE_CHECKING:
    from .quality import FaceAnalysis, QualityPolicy

# Where the five landmarks of a frontal face sit in the 112×112 crop the ArcFace family of embedders
# (MobileFaceNet, SFace) was trained on; same order as YuNet's landmarks.
ARCFACE_REFERENCE_112 = np.array(
    [
        [38.2946, 51.6963],  # right eye (image left)
        [73.5318, 51.5014],  # left eye
        [56.0252, 71.7366],  # nose tip
        [41.5493, 92.3655],  # right mouth corner
        [70.7299, 92.2041],  # left mouth corner
    ],
    dtype=np.float32,
)
ALIGNED_SIZE = 112

# YuNet misses faces below ~80 px, and even where it finds a face in a tiny image its landmarks are
# coarse: on faces-dev faces cropped to 100 px, the worst similarity to the full-resolution embedding
# was 0.79 without upscaling and 0.87 with it. So images whose shorter side is under this are upscaled
# first: YuNet sees the ~65 px face of a 90×110 camera crop at ~230 px.
MIN_DETECT_SIDE = 320
# Larger images are downscaled for speed; a face that stays detectable at this size is big enough for
# enrolment anyway.
MAX_DETECT_SIDE = 1280
_NMS_THRESHOLD = 0.3
_TOP_K = 5000

@dataclass(frozen=True, eq=False)
class DetectedFace:
    """One face, in the coordinates of the image passed to `detect`."""

    box: tuple[float, float, float, float]  # x, y, w, h
    landmarks: np.ndarray  # (5, 2) float32: right eye, left eye, nose, right mouth, left mouth
    score: float
    # (width, height) of the image it was found in: lets `assess` tell a face cut by the edge.
    frame_size: tuple[int, int] | None = None

    @property
    def size(self) -> float:
        """The face's smaller box side in pixels: what detectors and embedders care about."""
        return min(self.box[2], self.box[3])

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]


def detection_scale(width: int, height: int) -> float:
    """Factor to resize an image by before detection (see MIN_DETECT_SIDE / MAX_DETECT_SIDE)."""
    shorter, longer = min(width, height), max(width, height)
    scale = MIN_DETECT_SIDE / shorter if shorter < MIN_DETECT_SIDE else 1.0
    # The cap wins over the upscale: a 100×3000 strip is not worth a 320×9600 detection.
    return min(scale, MAX_DETECT_SIDE / longer)


def _faces_from_yunet(
    rows: np.ndarray | None, scale: float, frame_size: tuple[int, int]
) -> list[DetectedFace]:
    """Map YuNet output rows (x, y, w, h, 10 landmark coords, score) back to original pixels."""
    if rows is None:
        return []
    faces = []
    for row in np.asarray(rows, dtype=np.float32).reshape(-1, 15):
        x, y, w, h = (row[:4] / scale).tolist()
        landmarks = (row[4:14].reshape(5, 2) / scale).astype(np.float32)
        faces.append(
            DetectedFace(box=(x, y, w, h), landmarks=landmarks, score=float(row[14]), frame_size=frame_size)
        )
    return sorted(faces, key=lambda face: face.area, reverse=True)


def similarity_transform(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """2×3 least-squares similarity (rotation, uniform scale, translation) mapping source onto target.

    Umeyama's closed form: deterministic, unlike the RANSAC/LMEDS estimators, so the same photo always
    yields the same embedding.
    """
    src = np.asarray(source, dtype=np.float64)
    dst = np.asarray(target, dtype=np.float64)
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    covariance = dst_c.T @ src_c / len(src)
    u, singular, vt = np.linalg.svd(covariance)
    reflection = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        reflection[1, 1] = -1.0
    rotation = u @ reflection @ vt
    variance = (src_c**2).sum() / len(src)
    scale = float(np.trace(np.diag(singular) @ reflection) / variance) if variance > 0 else 1.0
    translation = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, translation[:, None]]).astype(np.float32)


def blur_score(aligned: np.ndarray) -> float:
    """Variance of the Laplacian of the grey aligned face: low means blurry.

    Measured on the 112×112 crop, so a sharp face scores alike in a 400 px and a 4000 px photo, and
    only on its inner part (brows to chin, cheek to cheek): the crop's corners hold hair, background
    and, for a face near the photo's edge, the black fill of the warp, whose hard edge would make a
    blurred face look sharp.
    """
    grey = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY) if aligned.ndim == 3 else aligned
    height, width = grey.shape[:2]
    inner = grey[height * 2 // 7 : height * 13 // 14, width // 7 : width * 6 // 7]
    return float(cv2.Laplacian(inner, cv2.CV_64F).var())


def l2_normalise(vector: np.ndarray) -> np.ndarray:
    """float32 unit vector; ValueError for a zero or non-finite vector (it would match nothing sanely)."""
    flat = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(flat))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("embedding has zero or non-finite norm")
    return flat / norm


class FaceEngine:
    """Detect, align and embed faces with one detector and one embedder. Thread-safe."""

    def __init__(
        self,
        detector: cv2.FaceDetectorYN,
        detector_manifest: ModelManifest,
        net: cv2.dnn.Net,
        embedder_manifest: ModelManifest,
    ) -> None:
        if detector_manifest.kind != "detector" or embedder_manifest.kind != "embedder":
            raise ValueError("FaceEngine needs a detector manifest and an embedder manifest")
        self._detector = detector
        self._net = net
        self.detector_manifest = detector_manifest
        self.embedder_manifest = embedder_manifest
        # cv2 nets keep per-call state; the local dev server is threaded.
        self._detector_lock = threading.Lock()
        self._net_lock = threading.Lock()

    @classmethod
    def from_paths(
        cls,
        detector_path: Path,
        detector_manifest: ModelManifest,
        embedder_path: Path,
        embedder_manifest: ModelManifest,
    ) -> FaceEngine:
        """Load both models from (already verified) files."""
        # OpenCV 5 warns on every detector creation that its new graph engine ignores compute targets;
        # harmless (we run on the CPU) and it would fill every function's log.
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        detector = cv2.FaceDetectorYN.create(
            str(detector_path),
            "",
            (detector_manifest.input_width, detector_manifest.input_height),
            detector_manifest.default_threshold,
            _NMS_THRESHOLD,
            _TOP_K,
        )
        net = cv2.dnn.readNetFromONNX(str(embedder_path))
        return cls(detector, detector_manifest, net, embedder_manifest)

    @property
    def model_id(self) -> str:
        """Id of the embedder: galleries are only comparable within one embedder."""
        return self.embedder_manifest.model_id

    @property
    def dimension(self) -> int:
        return int(self.embedder_manifest.dimension or 0)

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """Faces in a BGR image, largest first, in the image's own pixel coordinates."""
        height, width = image.shape[:2]
        if height == 0 or width == 0:
            return []
        scale = detection_scale(width, height)
        resized = image
        if scale != 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
            resized = cv2.resize(image, size, interpolation=interpolation)
        with self._detector_lock:
            self._detector.setInputSize((resized.shape[1], resized.shape[0]))
            _, rows = self._detector.detect(resized)
        return _faces_from_yunet(rows, scale, (width, height))

    def align(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        """The face warped onto the 112×112 ArcFace template (5-point similarity transform)."""
        matrix = similarity_transform(face.landmarks, ARCFACE_REFERENCE_112)
        return cv2.warpAffine(
            image,
            matrix,
            (ALIGNED_SIZE, ALIGNED_SIZE),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
        )

    def embed(self, aligned: np.ndarray) -> np.ndarray:
        """L2-normalised float32 embedding of an aligned face."""
        manifest = self.embedder_manifest
        blob = cv2.dnn.blobFromImage(
            aligned,
            scalefactor=manifest.scale,
            size=(manifest.input_width, manifest.input_height),
            mean=manifest.mean,
            swapRB=manifest.swap_rb,
            crop=False,
        )
        with self._net_lock:
            self._net.setInput(blob)
            output = self._net.forward()
        return l2_normalise(output)

    def embed_face(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        """Align and embed one detected face."""
        return self.embed(self.align(image, face))

    def blur_score(self, aligned: np.ndarray) -> float:
        return blur_score(aligned)

    def analyse(self, image: np.ndarray, policy: QualityPolicy | None = None) -> FaceAnalysis:
        """Main face, its embedding, blur and pose, and the enrolment verdict (see `quality.analyse`)."""
        from .quality import analyse

        return analyse(self, image, policy)


_MOVED_TO_QUALITY = frozenset({"QualityPolicy", "FaceAnalysis", "QualityCode", "main_face", "competing_faces",
                               "assess", "analyse"})


def __getattr__(name: str) -> object:
    """The enrolment gate moved to `quality`; `from face_engine.engine import QualityPolicy` keeps working."""
    if name in _MOVED_TO_QUALITY:
        from . import quality

        return getattr(quality, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

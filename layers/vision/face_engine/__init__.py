"""Face engine for the vision layer: model manifests and verified model files, image decoding,
YuNet detection, 5-point alignment, ONNX embeddings, enrolment quality and the gallery.

Importing the package loads no model and touches no network or disk beyond the package itself.
"""

from .engine import (
    DetectedFace,
    EngineOptions,
    FaceAnalysis,
    FaceEngine,
    QualityCode,
    QualityPolicy,
    analyse,
    assess,
    blur_score,
    main_face,
)
from .fusion import fuse
from .gallery import Gallery, Match, decide
from .image import InvalidImage, decode_image, encode_jpeg
from .manifest import ModelManifest, UnknownModelError, available_manifests, load_manifest
from .model_files import ModelIntegrityError, ModelStore, fetch_url, sha256_file, upload_to_s3

__all__ = [
    "DetectedFace",
    "EngineOptions",
    "FaceAnalysis",
    "FaceEngine",
    "Gallery",
    "InvalidImage",
    "Match",
    "ModelIntegrityError",
    "ModelManifest",
    "ModelStore",
    "QualityCode",
    "QualityPolicy",
    "UnknownModelError",
    "analyse",
    "assess",
    "available_manifests",
    "blur_score",
    "decide",
    "decode_image",
    "encode_jpeg",
    "fetch_url",
    "fuse",
    "load_manifest",
    "main_face",
    "sha256_file",
    "upload_to_s3",
]

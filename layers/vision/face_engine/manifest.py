"""Model manifests: what a model file is, how to verify it and how to feed it.

A manifest travels with the code (packaged JSON) so a deployment can verify whatever file it finds in
S3 or /tmp against a hash it did not get from the same place.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Model ids become file names inside the package: keep them to a safe alphabet so an id taken from
# configuration cannot walk out of the manifests folder.
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_MANIFEST_DIR = "manifests"


class UnknownModelError(LookupError):
    """No packaged manifest has this model id."""


class ModelManifest(BaseModel):
    """Identity, integrity and preprocessing of one ONNX model file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model_id: str = Field(pattern=_MODEL_ID.pattern)
    kind: Literal["detector", "embedder", "liveness"]
    file_name: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.onnx$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: int = Field(gt=0)
    input_width: int = Field(gt=0)
    input_height: int = Field(gt=0)
    scale: float = Field(gt=0)
    mean: tuple[float, float, float]
    swap_rb: bool
    dimension: int | None = Field(default=None, gt=0)
    # Liveness: side of the square crop fed to the net, as a multiple of the face box's longer side.
    context: float | None = Field(default=None, gt=1, le=8)
    # Detector: minimum detection score. Embedder: minimum cosine similarity for a match. Liveness: minimum
    # real − spoof logit difference of a frame (and of a passage's mean).
    default_threshold: float
    # Embedder: the embedding is the normalised sum of the aligned face's and its mirror image's. Part of the
    # model's vector space: galleries built with and without it are not comparable, so it is fixed per model id.
    flip_average: bool = False
    source_url: str
    licence: str
    notes: str = ""

    @model_validator(mode="after")
    def _embedders_have_a_dimension(self) -> ModelManifest:
        if self.kind == "embedder" and self.dimension is None:
            raise ValueError(f"embedder manifest {self.model_id!r} needs a dimension")
        if self.kind != "embedder" and self.dimension is not None:
            raise ValueError(f"{self.kind} manifest {self.model_id!r} must not have a dimension")
        if (self.kind == "liveness") != (self.context is not None):
            raise ValueError(f"manifest {self.model_id!r}: a context (crop scale) goes with liveness models only")
        if self.kind != "embedder" and self.flip_average:
            raise ValueError(f"{self.kind} manifest {self.model_id!r} cannot flip-average")
        return self


def _manifest_folder() -> Traversable:
    return resources.files("face_engine").joinpath(_MANIFEST_DIR)


def available_manifests() -> list[str]:
    """Model ids of every manifest packaged with face_engine, sorted."""
    return sorted(
        entry.name.removesuffix(".json")
        for entry in _manifest_folder().iterdir()
        if entry.name.endswith(".json") and entry.is_file()
    )


def load_manifest(model_id: str) -> ModelManifest:
    """The packaged manifest for `model_id`; UnknownModelError if there is none."""
    if not _MODEL_ID.fullmatch(model_id):
        raise UnknownModelError(f"not a valid model id: {model_id!r}")
    entry = _manifest_folder().joinpath(f"{model_id}.json")
    if not entry.is_file():
        raise UnknownModelError(f"no manifest for model {model_id!r}; known: {available_manifests()}")
    manifest = ModelManifest.model_validate(json.loads(entry.read_text(encoding="utf-8")))
    if manifest.model_id != model_id:
        # A renamed file would silently hand out another model's hash.
        raise UnknownModelError(f"manifest {model_id}.json describes {manifest.model_id!r}")
    return manifest

"""The versioned face gallery: a matrix of embeddings in S3, a version pointer in DynamoDB.

One gallery per embedding model (gallery_id = model id), so changing the model starts a new,
empty gallery instead of comparing vectors from different spaces. Writers change it under
optimistic concurrency: read the pointer, write a new object, move the pointer only if nobody
moved it first. Warm functions keep the loaded gallery and reload when the pointer's version moves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist, PutError

from chamcong.errors import Conflict
from chamcong.store.blobs import BlobStore
from chamcong.store.models.base import lost_condition, utcnow
from chamcong.store.models.devices import GalleryModel

if TYPE_CHECKING:
    from face_engine.gallery import Gallery


@dataclass
class _Loaded:
    gallery: Gallery
    checked_at: float


class GalleryRepository:
    def __init__(self, blobs: BlobStore, model_id: str, dimension: int, *, check_seconds: float = 0.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._blobs = blobs
        self.model_id = model_id
        self._dimension = dimension
        self._check_seconds = check_seconds
        self._monotonic = monotonic
        self._loaded: _Loaded | None = None

    def current(self) -> Gallery:
        """The gallery as of now; reloads from S3 only when the version pointer has moved."""
        loaded = self._loaded
        now = self._monotonic()
        if loaded is not None and now - loaded.checked_at < self._check_seconds:
            return loaded.gallery
        pointer = self._read_pointer()
        if loaded is not None and pointer is not None and loaded.gallery.version == pointer.version:
            loaded.checked_at = now
            return loaded.gallery
        gallery = self._load(pointer)
        self._loaded = _Loaded(gallery, now)
        return gallery

    def update(self, change: Callable[[Gallery], Gallery], attempts: int = 8) -> Gallery:
        """Apply `change` to the newest gallery and publish the result as the next version.

        A change that returns the gallery itself (nothing to remove) writes nothing.
        """
        for _ in range(attempts):
            pointer = self._read_pointer(consistent=True)
            base = self._load(pointer)
            result = change(base)
            if result is base:
                return base
            if result.model_id != self.model_id:
                raise ValueError(f"a {result.model_id!r} gallery cannot be published as {self.model_id!r}")
            changed = replace(result, version=base.version + 1)
            key = self._object_key(changed.version)
            self._blobs.put(key, changed.to_bytes())
            new_pointer = GalleryModel(self.model_id, version=changed.version, object_key=key,
                                       model_id=self.model_id, size=len(changed), updated_at=utcnow())
            condition = (GalleryModel.version == base.version) if pointer else GalleryModel.gallery_id.does_not_exist()
            try:
                new_pointer.save(condition=condition)
            except PutError as exc:
                if not lost_condition(exc):
                    raise
                self._blobs.delete(key)  # somebody else moved first: retry on their version
                continue
            if pointer is not None and base.version > 1:
                # Keep the previous object for functions that are mid-reload; the one before it can go.
                self._blobs.delete(self._object_key(base.version - 1))
            self._loaded = _Loaded(changed, self._monotonic())
            return changed
        raise Conflict("conflict")

    def exists(self) -> bool:
        return self._read_pointer(consistent=True) is not None

    def _object_key(self, version: int) -> str:
        return f"gallery/{self.model_id}/v{version:010d}.npz"

    def _read_pointer(self, consistent: bool = False) -> GalleryModel | None:
        try:
            return GalleryModel.get(self.model_id, consistent_read=consistent)
        except DoesNotExist:
            return None

    def _load(self, pointer: GalleryModel | None) -> Gallery:
        from face_engine.gallery import Gallery

        if pointer is None:
            return Gallery.empty(self.model_id, self._dimension)
        return Gallery.from_bytes(self._blobs.get(pointer.object_key))


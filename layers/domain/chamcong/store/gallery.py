"""The versioned face gallery: a matrix of embeddings in S3, a version pointer in DynamoDB.

One gallery per embedding model (gallery_id = model id), so changing the model starts a new,
empty gallery instead of comparing vectors from different spaces; and per site (gallery_id =
"{model_id}@{unit_id}"), the rows of the people a site's devices may see, rebuilt whole by `publish`.
Writers change it under optimistic concurrency: read the pointer, write a new object under a key of its own (each
attempt's key is unique, so concurrent writers of the same version never overwrite each other's object), move the
pointer only if nobody moved it first. The loser deletes only its own object; the winner deletes the object two
versions back, whose key the pointer it replaced remembered. Warm functions keep the loaded gallery and reload when
the pointer's version moves.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, PutError

from chamcong.errors import Conflict
from chamcong.store.blobs import BlobStore
from chamcong.store.models.base import lost_condition, utcnow
from chamcong.store.models.devices import GalleryModel, site_gallery_id

if TYPE_CHECKING:
    from face_engine.gallery import Gallery


@dataclass
class _Loaded:
    gallery: Gallery
    checked_at: float
    usable: bool = True  # a site's pointer marked stale is not used (see `published`)


class GalleryRepository:
    def __init__(self, blobs: BlobStore, model_id: str, dimension: int, *, check_seconds: float = 0.0,
                 monotonic: Callable[[], float] = time.monotonic, unit_id: str | None = None) -> None:
        self._blobs = blobs
        self.model_id = model_id
        self.unit_id = unit_id  # a site's gallery; None: the deployment's
        self.gallery_id = model_id if unit_id is None else site_gallery_id(model_id, unit_id)
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

    def published(self) -> Gallery | None:
        """A site's gallery as published, reloaded only when its pointer moved; None when there is none to use:
        no pointer yet, or one marked stale (the caller builds the site in memory)."""
        loaded = self._loaded
        now = self._monotonic()
        if loaded is not None and now - loaded.checked_at < self._check_seconds:
            return loaded.gallery if loaded.usable else None
        pointer = self._read_pointer()
        usable = pointer is not None and not pointer.stale
        if loaded is not None and pointer is not None and loaded.gallery.version == pointer.version:
            loaded.checked_at, loaded.usable = now, usable
            return loaded.gallery if usable else None
        if pointer is None:
            self._loaded = None
            return None
        gallery = self._load(pointer)
        self._loaded = _Loaded(gallery, now, usable)
        return gallery if usable else None

    def latest(self) -> Gallery:
        """The newest version (consistent pointer read); the object is loaded only if it moved."""
        pointer = self._read_pointer(consistent=True)
        loaded = self._loaded
        if loaded is not None and pointer is not None and loaded.gallery.version == pointer.version:
            return loaded.gallery
        gallery = self._load(pointer)
        self._loaded = _Loaded(gallery, self._monotonic())
        return gallery

    def publish(self, build: Callable[[], tuple[Gallery, str]], attempts: int = 8) -> Gallery | None:
        """Publish what `build()` returns (a whole gallery and the digest of its rows) as the next version; None
        when the pointer already holds that digest and is not stale (nothing written).

        `build` is called after the pointer is read, on every attempt: a writer that read an older source than
        another cannot publish after it (its condition on the version fails and it builds again).
        """
        for _ in range(attempts):
            pointer = self._read_pointer(consistent=True)
            gallery, digest = build()
            if pointer is not None and pointer.digest == digest and not pointer.stale:
                return None
            version = (int(pointer.version) if pointer is not None else 0) + 1
            changed = replace(gallery, version=version)
            if self._move(pointer, changed, unit_id=self.unit_id, digest=digest):
                return changed
        raise Conflict("conflict")

    def expire(self) -> None:
        """Look at the pointer again on the next read (a change made in this function is seen at once)."""
        if self._loaded is not None:
            self._loaded.checked_at = float("-inf")

    def hold(self, gallery: Gallery) -> None:
        """Keep a gallery built in memory (a site with no usable pointer) until the next check of the pointer."""
        self._loaded = _Loaded(gallery, self._monotonic())

    @property
    def dimension(self) -> int:
        return self._dimension

    def pointer(self) -> GalleryModel | None:
        return self._read_pointer(consistent=True)

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
            if self._move(pointer, changed):
                return changed
        raise Conflict("conflict")

    def _move(self, pointer: GalleryModel | None, changed: Gallery, **extra: Any) -> bool:
        """Write `changed` under a key of its own and move the pointer from `pointer` to it; False when another
        writer moved the pointer first (our object is deleted, nobody else's)."""
        key = self._object_key(changed.version)
        self._blobs.put(key, changed.to_bytes())
        new_pointer = GalleryModel(self.gallery_id, version=changed.version, object_key=key,
                                   previous_key=pointer.object_key if pointer is not None else None,
                                   model_id=self.model_id, size=len(changed), updated_at=utcnow(), **extra)
        condition = ((GalleryModel.version == pointer.version) if pointer is not None
                     else GalleryModel.gallery_id.does_not_exist())
        try:
            new_pointer.save(condition=condition)
        except PutError as exc:
            if not lost_condition(exc):
                raise
            self._blobs.delete(key)  # somebody else moved first: only our own object goes
            return False
        if pointer is not None:
            # Keep the object just replaced for functions that are mid-reload; the one before it can go.
            before = pointer.previous_key or self._legacy_key(int(pointer.version) - 1)
            if before and before != key:
                self._blobs.delete(before)
        self._loaded = _Loaded(changed, self._monotonic())
        return True

    def exists(self) -> bool:
        return self._read_pointer(consistent=True) is not None

    def _object_key(self, version: int) -> str:
        """A key of its own for each write attempt (the version first, so a listing sorts by version)."""
        return f"{self._prefix()}v{version:010d}-{uuid.uuid4().hex[:12]}.npz"

    def _legacy_key(self, version: int) -> str | None:
        """The key versions written before keys were unique had (pointers of then remember no previous key)."""
        return f"{self._prefix()}v{version:010d}.npz" if version >= 1 else None

    def _prefix(self) -> str:
        if self.unit_id is not None:
            return f"gallery/{self.model_id}/sites/{self.unit_id}/"
        return f"gallery/{self.model_id}/"

    def _read_pointer(self, consistent: bool = False) -> GalleryModel | None:
        try:
            return GalleryModel.get(self.gallery_id, consistent_read=consistent)
        except DoesNotExist:
            return None

    def _load(self, pointer: GalleryModel | None, attempts: int = 8) -> Gallery:
        """The gallery `pointer` names. Its object may be gone by the time it is read: two writers moved the pointer
        on meanwhile and the second deleted it (only the current object and the one before are kept). Then the
        pointer is read again and the newer object loaded; a writer's condition on the version it read then fails
        and it starts again from the newest."""
        from face_engine.gallery import Gallery

        for _ in range(attempts):
            if pointer is None:
                return Gallery.empty(self.model_id, self._dimension)
            data = self._blobs.get_if_exists(pointer.object_key)
            if data is not None:
                return Gallery.from_bytes(data)
            pointer = self._read_pointer(consistent=True)
        raise Conflict("conflict")


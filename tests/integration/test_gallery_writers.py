"""Writers of one gallery at the same moment: each keeps its own object, the pointer never names a missing one.

The interleavings are made deterministic (a writer is interrupted at the exact point where another acts): threads
against in-process moto would also test moto, whose conditional writes are not atomic under threads.

Found by the morning-rush load: eight enrolments at once gave every writer of version v+1 the same object key,
so a writer that lost the pointer race deleted the winner's object (NoSuchKey on the next load).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from chamcong.errors import Conflict
from chamcong.store.gallery import GalleryRepository
from chamcong.store.models.devices import GalleryModel
from face_engine.gallery import Gallery
from tests.integration.harness import Product

MODEL = "mobilefacenet_128d"


def _face(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=128).astype(np.float32)


def _repository(product: Product, unit_id: str | None = None) -> GalleryRepository:
    """A writer as another function would hold it (its own repository, nothing cached)."""
    return GalleryRepository(product.container.blobs, MODEL, 128, unit_id=unit_id)


def _objects(product: Product, prefix: str) -> list[str]:
    client = product.container.blobs
    return sorted(key for key in client.keys(prefix))


def test_a_writer_that_loses_the_race_leaves_the_winners_gallery_whole(product: Product) -> None:
    # GIVEN a gallery holding one person
    _repository(product).update(lambda g: g.with_face("s-1", "f-1", _face(1)))
    winner = _repository(product)

    # WHEN another writer reads the same version and, while it computes, the winner publishes first
    def slow_change(base: Gallery) -> Gallery:
        winner.update(lambda g: g.with_face("s-2", "f-2", _face(2)))
        return base.with_face("s-3", "f-3", _face(3))

    with pytest.raises(Conflict):
        _repository(product).update(slow_change, attempts=1)

    # THEN the live gallery loads and holds the winner's person, not the loser's
    fresh = _repository(product).current()
    assert fresh.people() == {"s-1", "s-2"}
    assert fresh.version == 2
    # AND the loser's object is gone, the winner's and the one before it stay (a function may be mid-reload)
    pointer = GalleryModel.get(MODEL, consistent_read=True)
    assert _objects(product, f"gallery/{MODEL}/") == sorted([pointer.object_key, pointer.previous_key])


class _Interrupted:
    """The bucket as one writer sees it: the first time it reads a gallery object, other writers act first."""

    def __init__(self, blobs: Any, meanwhile: Callable[[], None]) -> None:
        self._blobs, self._meanwhile = blobs, meanwhile

    def get_if_exists(self, key: str) -> bytes | None:
        if key.startswith("gallery/"):
            meanwhile, self._meanwhile = self._meanwhile, lambda: None
            meanwhile()
        found: bytes | None = self._blobs.get_if_exists(key)
        return found

    def get(self, key: str) -> bytes:
        found = self.get_if_exists(key)
        if found is None:
            raise KeyError(key)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._blobs, name)


def _add(repository: GalleryRepository, index: int) -> None:
    """Add one person as the product does: to the deployment's gallery (update), or publish a site's whole."""
    if repository.unit_id is None:
        repository.update(lambda g: g.with_face(f"s-{index}", f"f-{index}", _face(index)))
        return

    def build() -> tuple[Gallery, str]:
        base = repository.latest()
        label = (f"Người {index}", str(repository.unit_id))
        return base.with_face(f"s-{index}", f"f-{index}", _face(index), label=label), f"d{len(base)}-{index}"

    repository.publish(build)


@pytest.mark.parametrize("unit_id", [None, "unit-site"], ids=["deployment", "site"])
def test_a_writer_whose_version_was_deleted_meanwhile_starts_again_from_the_newest(
        product: Product, unit_id: str | None) -> None:
    # GIVEN a gallery of one person
    _add(_repository(product, unit_id), 0)
    # WHEN a writer reads the pointer, and before it reads that version's object two other writers move on (the
    # second deletes the object the first was about to read: only the current version and the one before are kept)
    meanwhile = lambda: (_add(_repository(product, unit_id), 1), _add(_repository(product, unit_id), 2))  # noqa: E731
    slow = GalleryRepository(_Interrupted(product.container.blobs, meanwhile), MODEL, 128, unit_id=unit_id)
    _add(slow, 3)
    # THEN it loaded the newest version instead and lost nobody: four people, four versions
    gallery = _repository(product, unit_id).latest()
    assert gallery.people() == {"s-0", "s-1", "s-2", "s-3"}
    assert gallery.version == 4
    # AND only the current object and the one before it are kept
    pointer = _repository(product, unit_id).pointer()
    assert pointer is not None and pointer.previous_key is not None
    prefix = f"gallery/{MODEL}/" if unit_id is None else f"gallery/{MODEL}/sites/{unit_id}/"
    kept = [key for key in _objects(product, prefix) if unit_id is not None or "/sites/" not in key]
    assert kept == sorted([pointer.object_key, pointer.previous_key])

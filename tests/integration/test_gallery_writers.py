"""Writers of one gallery at the same moment: each keeps its own object, the pointer never names a missing one.

Found by the morning-rush load: eight enrolments at once gave every writer of version v+1 the same object key,
so a writer that lost the pointer race deleted the winner's object (NoSuchKey on the next load).
"""

from __future__ import annotations

import concurrent.futures

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


@pytest.mark.parametrize("unit_id", [None, "unit-site"], ids=["deployment", "site"])
def test_six_writers_at_once_lose_nobody_and_leave_two_objects(product: Product, unit_id: str | None) -> None:
    # WHEN six people are added at the same moment by six functions
    def add(index: int) -> None:
        repository = _repository(product, unit_id)
        if unit_id is None:
            repository.update(lambda g: g.with_face(f"s-{index}", f"f-{index}", _face(index)), attempts=20)
        else:
            def build() -> tuple[Gallery, str]:
                base = repository.latest() if repository.exists() else Gallery.empty(MODEL, 128)
                label = (f"Người {index}", unit_id)
                return base.with_face(f"s-{index}", f"f-{index}", _face(index), label=label), f"d{index}"
            repository.publish(build, attempts=20)

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        list(pool.map(add, range(6)))

    repository = _repository(product, unit_id)
    gallery = repository.latest()
    # THEN the pointer's object loads: the deployment's gallery holds all six (each change applies to the newest),
    # a site's holds what its last publisher built on the newest version it read
    if unit_id is None:
        assert gallery.people() == {f"s-{index}" for index in range(6)}
    assert gallery.version == 6
    # AND only the current object and the one before it are kept
    pointer = repository.pointer()
    assert pointer is not None and pointer.previous_key is not None
    prefix = f"gallery/{MODEL}/" if unit_id is None else f"gallery/{MODEL}/sites/{unit_id}/"
    kept = [key for key in _objects(product, prefix) if unit_id is not None or "/sites/" not in key]
    assert kept == sorted([pointer.object_key, pointer.previous_key])

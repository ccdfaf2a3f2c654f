from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.harness import Product, running_product


@pytest.fixture
def product(models_dir: Path, tmp_path_factory: pytest.TempPathFactory,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Product]:
    """A fresh, empty product with the admin signed in."""
    with running_product(models_dir, tmp_path_factory.getbasetemp() / "model-cache", monkeypatch) as running:
        yield running

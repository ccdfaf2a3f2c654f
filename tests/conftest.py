"""Shared fixtures: where the real models and photos are, and a fresh AWS account in moto."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))


def _required_dir(variable: str, default: Path) -> Path:
    path = Path(os.environ.get(variable, default))
    if not path.is_dir():
        pytest.fail(f"{path} is missing: put the project's shared folder beside the checkout or set {variable}")
    return path


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing() -> Iterator[None]:
    """Argon2id at its cheapest inside the test process: every integration test makes a fresh product whose admin
    is hashed and signed in, and at the deployed cost that was minutes of the suite. What is hashed, verified and
    refused is unchanged; the deployed parameters are checked in tests/unit/test_passwords.py, and the servers
    that tests start (the browser tests' site, the edge's stack) hash at the deployed cost."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from chamcong import passwords

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_HASHER", PasswordHasher.from_parameters(CHEAPEST))
        passwords._dummy_hash.cache_clear()
        yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def models_dir() -> Path:
    return _required_dir("MODELS_DIR", SHARED / "models")


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    return _required_dir("FACES_DIR", SHARED / "faces-dev")


@pytest.fixture(autouse=True)
def _aws_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test ever reaches a real AWS account."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """The bounded fuzz pass runs in its own processes beside the other tests: start it now, check it last."""
    fuzz = [item for item in items if item.nodeid.startswith("tests/fuzz/test_fuzz.py")]
    if not fuzz:
        return
    for item in fuzz:
        items.remove(item)
        items.append(item)
    from tests.fuzz import background

    background.start(Path(os.environ.get("MODELS_DIR", SHARED / "models")))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from tests.fuzz import background

    background.stop()

"""Model files: verified copies from a local folder, S3 (moto) or an HTTP server."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

import face_engine.model_files as store_module
from face_engine import ModelIntegrityError, ModelManifest, ModelStore, fetch_url, load_manifest, upload_to_s3

BUCKET = "chamcong-test-models"


@pytest.fixture
def yunet() -> ModelManifest:
    # The smallest shared model file keeps these tests fast.
    return load_manifest("yunet_2023mar")


@pytest.fixture
def tampered_dir(tmp_path: Path, models_dir: Path, yunet: ModelManifest) -> Path:
    """A folder holding the detector file with one byte changed (same size, different hash)."""
    folder = tmp_path / "tampered"
    folder.mkdir()
    data = bytearray((models_dir / yunet.file_name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / yunet.file_name).write_bytes(bytes(data))
    return folder


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-1")
    with mock_aws():
        client = boto3.client("s3", region_name="ap-southeast-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
        )
        yield client


@pytest.fixture
def http_models(models_dir: Path) -> Iterator[str]:
    """Base URL of a real HTTP server on 127.0.0.1 serving the shared models folder."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    class QuietServer(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client hanging up early (the size guard does) is not a test failure

    handler = functools.partial(QuietHandler, directory=str(models_dir))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_local_dir_copy_is_verified_once_per_process(
    tmp_path: Path, models_dir: Path, yunet: ModelManifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a store reading from the shared models folder, counting hash computations
    hashed: list[Path] = []
    real_sha256 = store_module.sha256_file

    def counting_sha256(path: Path | str) -> str:
        hashed.append(Path(path))
        return real_sha256(path)

    monkeypatch.setattr(store_module, "sha256_file", counting_sha256)
    store = ModelStore(tmp_path / "cache", local_dir=models_dir)
    # WHEN asking for the detector twice
    first = store.path_for(yunet)
    second = store.path_for(yunet)
    # THEN it is copied into the cache, identical, and hashed only once
    assert first == second == tmp_path / "cache" / yunet.file_name
    assert first.read_bytes() == (models_dir / yunet.file_name).read_bytes()
    assert len(hashed) == 1
    assert _leftovers(tmp_path / "cache") == [yunet.file_name]


def test_tampered_file_is_refused_and_not_kept(
    tmp_path: Path, tampered_dir: Path, yunet: ModelManifest
) -> None:
    # GIVEN a source folder with a modified detector file
    cache = tmp_path / "cache"
    store = ModelStore(cache, local_dir=tampered_dir)
    # WHEN asking for it
    with pytest.raises(ModelIntegrityError) as refused:
        store.path_for(yunet)
    # THEN the error names the model and both hashes, and nothing is left in the cache
    message = str(refused.value)
    assert yunet.model_id in message
    assert yunet.sha256 in message
    assert store_module.sha256_file(tampered_dir / yunet.file_name) in message
    assert _leftovers(cache) == []


def test_stale_file_in_the_cache_is_replaced(tmp_path: Path, models_dir: Path, yunet: ModelManifest) -> None:
    # GIVEN a warm /tmp holding a wrong file under the model's name
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / yunet.file_name).write_bytes(b"left over from an older deployment")
    # WHEN a new store asks for the model
    path = ModelStore(cache, local_dir=models_dir).path_for(yunet)
    # THEN the verified file replaces it
    assert store_module.sha256_file(path) == yunet.sha256


def test_model_from_s3_is_downloaded_and_verified(
    s3: Any, tmp_path: Path, models_dir: Path, yunet: ModelManifest
) -> None:
    # GIVEN the detector uploaded with its manifest, the way the deploy helper does it
    keys = upload_to_s3(yunet, models_dir / yunet.file_name, s3, BUCKET, "models/")
    # WHEN a store in a cold function asks for it
    path = ModelStore(tmp_path / "tmp-models", s3_client=s3, bucket=BUCKET).path_for(yunet)
    # THEN the file is in the cache and verified, and the manifest JSON sits beside it in S3
    assert keys == (f"models/{yunet.file_name}", f"models/{yunet.model_id}.json")
    assert store_module.sha256_file(path) == yunet.sha256
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=keys[1])["Body"].read())
    assert ModelManifest.model_validate(stored) == yunet


def test_tampered_object_in_s3_is_refused(
    s3: Any, tmp_path: Path, tampered_dir: Path, yunet: ModelManifest
) -> None:
    # GIVEN a modified detector file in the bucket
    s3.upload_file(str(tampered_dir / yunet.file_name), BUCKET, f"models/{yunet.file_name}")
    cache = tmp_path / "cache"
    # WHEN the store downloads it
    with pytest.raises(ModelIntegrityError):
        ModelStore(cache, s3_client=s3, bucket=BUCKET).path_for(yunet)
    # THEN nothing is kept under the final name (nor as a temp file)
    assert _leftovers(cache) == []


def test_upload_refuses_a_file_that_does_not_match(s3: Any, tampered_dir: Path, yunet: ModelManifest) -> None:
    # GIVEN a modified file WHEN uploading it THEN it never reaches the bucket
    with pytest.raises(ModelIntegrityError):
        upload_to_s3(yunet, tampered_dir / yunet.file_name, s3, BUCKET)
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_fetch_url_accepts_the_right_file(http_models: str, tmp_path: Path, yunet: ModelManifest) -> None:
    # GIVEN a local HTTP server serving the detector (stands in for the OpenCV Zoo URL)
    url = f"{http_models}/{yunet.file_name}"
    # WHEN fetching it with its manifest
    path = fetch_url(yunet, tmp_path, url=url, timeout=10)
    # THEN it is on disk and verified
    assert path == tmp_path / yunet.file_name
    assert store_module.sha256_file(path) == yunet.sha256


def test_fetch_url_refuses_a_wrong_hash(http_models: str, tmp_path: Path, yunet: ModelManifest) -> None:
    # GIVEN a manifest whose sha256 does not match what the server sends
    wrong = yunet.model_copy(update={"sha256": "0" * 64})
    # WHEN fetching
    with pytest.raises(ModelIntegrityError, match="0" * 64):
        fetch_url(wrong, tmp_path, url=f"{http_models}/{yunet.file_name}", timeout=10)
    # THEN nothing stays on disk
    assert _leftovers(tmp_path) == []


def test_fetch_url_refuses_a_longer_file(http_models: str, tmp_path: Path, yunet: ModelManifest) -> None:
    # GIVEN the URL of a bigger file than the manifest promises
    mobilefacenet = load_manifest("mobilefacenet_128d")
    # WHEN fetching it as the detector THEN the size check refuses it
    with pytest.raises(ModelIntegrityError, match="size"):
        fetch_url(yunet, tmp_path, url=f"{http_models}/{mobilefacenet.file_name}", timeout=10)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/model.onnx"])
def test_fetch_url_only_speaks_http(url: str, tmp_path: Path, yunet: ModelManifest) -> None:
    # GIVEN a non-HTTP URL WHEN fetching THEN it is refused before any I/O
    with pytest.raises(ValueError, match="http"):
        fetch_url(yunet, tmp_path, url=url)


def test_store_needs_a_source(tmp_path: Path) -> None:
    # GIVEN neither S3 nor a local folder WHEN building a store THEN it is a configuration error
    with pytest.raises(ValueError):
        ModelStore(tmp_path)

"""Model files: fetched from S3 (or a local folder), verified by sha256, cached on local disk.

In Lambda the cache is /tmp/models, which survives between warm invocations: a file is downloaded and
hashed once per cold start at most, and never used before its size and hash match the manifest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from .manifest import ModelManifest

_CHUNK = 1 << 20


class ModelIntegrityError(Exception):
    """A model file does not have the size or sha256 its manifest promises."""


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file, read in chunks (model files are tens of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(manifest: ModelManifest, path: Path) -> None:
    """Raise ModelIntegrityError unless `path` is exactly the file the manifest describes."""
    size = path.stat().st_size
    if size != manifest.size_bytes:
        raise ModelIntegrityError(
            f"model {manifest.model_id} ({manifest.file_name}): size {size} bytes, "
            f"expected {manifest.size_bytes}; sha256 expected {manifest.sha256}, "
            f"got {sha256_file(path)}"
        )
    actual = sha256_file(path)
    if actual != manifest.sha256:
        raise ModelIntegrityError(
            f"model {manifest.model_id} ({manifest.file_name}): sha256 {actual}, expected {manifest.sha256}"
        )


def _install_verified(manifest: ModelManifest, dest_dir: Path, fill: Callable[[BinaryIO], None]) -> Path:
    """Write through `fill` into a temp file beside the destination, verify, then rename into place.

    The rename is atomic on one file system, so a concurrent reader (another thread, or the next warm
    invocation after a timeout mid-download) sees either no file or the verified one, never a partial or
    tampered file under the final name.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / manifest.file_name
    fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix=f".{manifest.file_name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
        verify_file(manifest, tmp)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


class ModelStore:
    """Hands out paths of verified local copies of model files.

    Source, in order of precedence: `local_dir` (local stack, tests) or `s3://bucket/{prefix}{file}`.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        s3_client: Any = None,
        bucket: str | None = None,
        prefix: str = "models/",
        local_dir: Path | None = None,
    ) -> None:
        if local_dir is None and (s3_client is None or not bucket):
            raise ValueError("ModelStore needs either local_dir or both s3_client and bucket")
        self._cache_dir = Path(cache_dir)
        self._s3 = s3_client
        self._bucket = bucket
        self._prefix = prefix
        self._local_dir = Path(local_dir) if local_dir is not None else None
        self._verified: dict[str, Path] = {}
        # One fetch at a time: two threads asking for the same 40 MB file should not download it twice.
        self._lock = threading.Lock()

    def path_for(self, manifest: ModelManifest) -> Path:
        """Path of a verified copy of the manifest's file in the cache; fetches it if needed."""
        with self._lock:
            known = self._verified.get(manifest.sha256)
            if known is not None and known.exists():
                return known
            path = self._cached_or_fetched(manifest)
            self._verified[manifest.sha256] = path
            return path

    def _cached_or_fetched(self, manifest: ModelManifest) -> Path:
        cached = self._cache_dir / manifest.file_name
        if cached.exists():
            try:
                verify_file(manifest, cached)
                return cached
            except ModelIntegrityError:
                # A stale or foreign file in /tmp: replace it rather than fail the whole warm container.
                cached.unlink(missing_ok=True)
        return _install_verified(manifest, self._cache_dir, self._filler(manifest))

    def _filler(self, manifest: ModelManifest) -> Callable[[BinaryIO], None]:
        if self._local_dir is not None:
            source = self._local_dir / manifest.file_name

            def copy_local(fh: BinaryIO) -> None:
                with open(source, "rb") as src:
                    shutil.copyfileobj(src, fh, _CHUNK)

            return copy_local

        key = f"{self._prefix}{manifest.file_name}"

        def download(fh: BinaryIO) -> None:
            self._s3.download_fileobj(self._bucket, key, fh)

        return download


def fetch_url(manifest: ModelManifest, dest_dir: Path, url: str | None = None, timeout: float = 60) -> Path:
    """Download a model over HTTP(S) into dest_dir, verified like the store does (deploy helper)."""
    source = url or manifest.source_url
    if urllib.parse.urlsplit(source).scheme not in ("http", "https"):
        # urlopen would also read file:// and ftp:// URLs; a model comes from a web server or not at all.
        raise ValueError(f"model URL must be http(s): {source!r}")

    def download(fh: BinaryIO) -> None:
        with urllib.request.urlopen(source, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            # Never write more than one byte beyond the expected size: a wrong URL serving a huge file
            # should fail fast instead of filling the disk.
            remaining = manifest.size_bytes + 1
            while remaining > 0:
                chunk = response.read(min(_CHUNK, remaining))
                if not chunk:
                    break
                fh.write(chunk)
                remaining -= len(chunk)

    return _install_verified(manifest, Path(dest_dir), download)


def upload_to_s3(
    manifest: ModelManifest, path: Path, s3_client: Any, bucket: str, prefix: str = "models/"
) -> tuple[str, str]:
    """Put a verified model file and its manifest JSON into the bucket; returns (file key, manifest key)."""
    verify_file(manifest, Path(path))
    file_key = f"{prefix}{manifest.file_name}"
    manifest_key = f"{prefix}{manifest.model_id}.json"
    s3_client.upload_file(str(path), bucket, file_key)
    s3_client.put_object(
        Bucket=bucket,
        Key=manifest_key,
        Body=manifest.model_dump_json(indent=2).encode("utf-8"),
        ContentType="application/json",
    )
    return file_key, manifest_key

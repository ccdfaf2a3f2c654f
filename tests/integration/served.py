"""The local stack as a separate process (`python -m infra.local_stack serve`), the way `make serve` runs it."""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from infra.local_stack import free_port

REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def local_stack(models_dir: Path, out_dir: Path, admin_password: str,
                env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Yields the API URL and the process; stops it with SIGTERM (and checks it stopped cleanly). ``env``: settings."""
    port = free_port()
    env = {**os.environ, "BOOTSTRAP_ADMIN_PASSWORD": admin_password, "MODELS_DIR": str(models_dir),
           "OUT_DIR": str(out_dir), **(env or {})}
    process = subprocess.Popen([sys.executable, "-m", "infra.local_stack", "serve", "--port", str(port)],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("API ready at "):
            break
    assert lines and lines[-1].strip() == f"API ready at http://127.0.0.1:{port}", "".join(lines)
    # Keep reading what it prints (its access log): a pipe nobody reads fills up, and then every request the
    # server logs blocks on writing its line.
    threading.Thread(target=collections.deque, args=(process.stdout, 200), name="served-output", daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=30) == 0, "the local stack did not stop cleanly on SIGTERM"
        finally:
            if process.poll() is None:
                process.kill()

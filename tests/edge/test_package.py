"""What goes onto the box beside the camera: the uploader and the wire format, nothing of the server."""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from edge_uploader import config
from edge_uploader.cli import build_parser
from edge_uploader.queue import CaptureQueue

REPO = Path(__file__).resolve().parents[2]


def test_the_uploader_imports_nothing_of_the_server_but_the_wire_format() -> None:
    server_side = {"chamcong", "face_engine", "app", "infra", "tests", "bench"}
    for module in (REPO / "edge_uploader").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):  # "from chamcong import device_signature" names that module
                base = node.module or ""
                imported = [f"{base}.{alias.name}" if base == "chamcong" else base for alias in node.names]
            else:
                continue
            for name in imported:
                if name.split(".")[0] in server_side:
                    assert name == "chamcong.device_signature" or name.startswith(
                        "chamcong.device_signature."), f"{module.name}: {name}"


def test_edge_pins_are_the_tested_pins() -> None:
    def pins(path: Path) -> dict[str, str]:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        return dict(line.lower().split("==") for line in lines if line and not line.startswith("#"))

    edge, dev = pins(REPO / "edge_uploader" / "requirements.txt"), pins(REPO / "requirements" / "dev.txt")
    assert edge and all(dev.get(name) == version for name, version in edge.items()), edge


@pytest.fixture(scope="module")
def package() -> Path:
    """The edge package as `make edge` builds it (once for this module)."""
    subprocess.run(["make", "-s", "edge", f"PY={sys.executable}"], cwd=REPO, check=True, capture_output=True,  # noqa: S607
                   timeout=120)
    return REPO / "out" / "edge" / "chamcong-edge.pyz"


def test_make_edge_builds_one_runnable_file(tmp_path: Path, package: Path) -> None:
    # WHEN the edge package is built
    # THEN it holds the uploader and the wire format only
    names = set(zipfile.ZipFile(package).namelist())
    code = {n for n in names if n.endswith(".py")}
    assert code == {"__main__.py", "chamcong/__init__.py", "chamcong/device_signature.py"} | {
        f"edge_uploader/{p.name}" for p in (REPO / "edge_uploader").glob("*.py")}
    assert (REPO / "out" / "edge" / "requirements.txt").is_file()
    # and it runs from anywhere: help, and a clear refusal with exit code 2 for a missing setting
    helped = subprocess.run([sys.executable, str(package), "--help"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, check=False)
    assert helped.returncode == 0 and "--once" in helped.stdout
    refused = subprocess.run([sys.executable, str(package), "--source", "0"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60, check=False, env={"PATH": "/usr/bin:/bin"})
    assert refused.returncode == 2 and "error [config_missing]" in refused.stderr
    assert "Traceback" not in refused.stderr


# Run with this, Python cannot import what `pip install -r requirements.txt` brings, as on a fresh box.
BLOCK_REQUIREMENTS = """\
import sys


class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"cv2", "numpy", "requests", "PIL"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NotInstalled())
"""


@pytest.fixture
def bare_box(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs a command with this Python, minus OpenCV, numpy, requests and pillow."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCK_REQUIREMENTS, encoding="utf-8")
    work = tmp_path / "box"
    work.mkdir()

    def run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *argv], cwd=work, capture_output=True, text=True, timeout=60,
                              check=False, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(blocker), **env})

    for module in ("cv2", "numpy", "requests", "PIL"):  # the blocker works
        tried = run("-c", f"import {module}")
        assert tried.returncode == 1 and f"No module named {module!r}" in tried.stderr, tried.stderr
    return run


def test_the_package_helps_queues_sends_and_refuses_without_the_requirements(
        tmp_path: Path, package: Path, bare_box: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    # help names the program as it was invoked, for the uploader and both subcommands
    helped = bare_box(str(package), "--help")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: chamcong-edge.pyz [-h] [--once]")
    assert "chamcong-edge.pyz queue [--queue-path P]" in helped.stdout
    for command in ("queue", "send"):
        helped = bare_box(str(package), command, "--help")
        assert helped.returncode == 0 and helped.stdout.startswith(f"usage: chamcong-edge.pyz {command} "), helped
    # a configuration error is the usual one-line refusal, exit code 2
    secret = {"EDGE_DEVICE_SECRET": "s3cret"}
    for argv, env, expected in (
            (["--source", "0"], {}, "edge_uploader: error [config_missing]: api_url is required"),
            (["--source", "0", "--api-url", "https://api.example.vn"], secret,
             "edge_uploader: error [config_missing]: device_id is required"),
            (["--source", "0", "--api-url", "https://api.example.vn", "--device-id", "lobby-1"], {},
             "edge_uploader: error [config_missing]: the device secret is required"),
            (["--source", "0", "--api-url", "ftp://api.example.vn", "--device-id", "lobby-1"], secret,
             "edge_uploader: error [config_invalid]: api_url must be an http(s) URL"),
            (["--source", "0", "--api-url", "https://api.example.vn", "--device-id", "lobby-1", "--model",
              str(tmp_path / "missing.onnx")], secret, "edge_uploader: error [model_not_found]")):
        refused = bare_box(str(package), *argv, **env)
        assert refused.returncode == 2 and refused.stderr.startswith(expected), (argv, refused.stderr)
        assert "Traceback" not in refused.stderr
    # the queue is SQLite only: it is read without the requirements
    queue = CaptureQueue(tmp_path / "queue.sqlite3")
    queue.put("20261120T072500-abc", "2026-11-20T07:25:00.000+07:00", b"jpeg")
    queue.close()
    listed = bare_box(str(package), "queue", "--queue-path", str(tmp_path / "queue.sqlite3"))
    assert listed.returncode == 0 and "1 waiting" in listed.stdout and "20261120T072500-abc" in listed.stdout
    # send needs the standard library only: it gets as far as the network (nothing listens on that port)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9")
    sent = bare_box(str(package), "send", "--image", str(photo), "--api-url", f"http://127.0.0.1:{port}",
                    "--device-id", "lobby-1", **secret)
    assert sent.returncode == 1 and "error [unreachable]" in sent.stderr and "Traceback" not in sent.stderr
    # and running for real says, in one line, what to install
    model = tmp_path / "model.onnx"
    model.write_bytes(b"not read before the requirements are there")
    started = bare_box(str(package), "--source", "0", "--api-url", "https://api.example.vn", "--device-id",
                       "lobby-1", "--model", str(model), **secret)
    assert started.returncode == 2
    assert started.stderr == ("edge_uploader: error [requirements_missing]: No module named 'cv2': install the "
                              "uploader's requirements first, pip install -r requirements.txt\n")


def test_as_a_module_the_usage_says_python_m(bare_box: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    helped = bare_box("-m", "edge_uploader", "--help")  # found through the checkout's .pth in the venv
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: python -m edge_uploader [-h]")
    assert "python -m edge_uploader queue [--queue-path P]" in helped.stdout
    assert "python -m edge_uploader send --image PHOTO.jpg" in helped.stdout


def test_the_example_configuration_is_valid(tmp_path: Path, models_dir: Path) -> None:
    parser = build_parser()
    secret = tmp_path / "device-secret"
    secret.write_text("s3cret\n", encoding="utf-8")
    example = (REPO / "edge_uploader" / "edge.example.toml").read_text(encoding="utf-8")
    args = parser.parse_args(["--config", str(REPO / "edge_uploader" / "edge.example.toml"),
                              "--device-secret-file", str(secret),
                              "--model", str(models_dir / config.MODEL_NAME)])
    loaded = config.load(args, {})
    assert loaded.api_url.startswith("https://") and loaded.roi.w == 0.6 and loaded.device_secret == "s3cret"
    assert "device_secret_file" in example

"""What goes onto the box beside the camera: the uploader and the wire format, nothing of the server."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

from edge_uploader import config
from edge_uploader.cli import build_parser

REPO = Path(__file__).resolve().parents[2]


def test_the_uploader_imports_nothing_of_the_server_but_the_wire_format() -> None:
    server_side = {"chamcong", "face_engine", "app", "infra", "tests", "bench"}
    for module in (REPO / "edge_uploader").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):  # "from chamcong import wire" names chamcong.wire
                base = node.module or ""
                imported = [f"{base}.{alias.name}" if base == "chamcong" else base for alias in node.names]
            else:
                continue
            for name in imported:
                if name.split(".")[0] in server_side:
                    assert name == "chamcong.wire" or name.startswith("chamcong.wire."), f"{module.name}: {name}"


def test_edge_pins_are_the_tested_pins() -> None:
    def pins(path: Path) -> dict[str, str]:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        return dict(line.lower().split("==") for line in lines if line and not line.startswith("#"))

    edge, dev = pins(REPO / "edge_uploader" / "requirements.txt"), pins(REPO / "requirements" / "dev.txt")
    assert edge and all(dev.get(name) == version for name, version in edge.items()), edge


def test_make_edge_builds_one_runnable_file(tmp_path: Path) -> None:
    # WHEN the edge package is built
    subprocess.run(["make", "-s", "edge", f"PY={sys.executable}"], cwd=REPO, check=True, capture_output=True,  # noqa: S607
                   timeout=120)
    package = REPO / "out" / "edge" / "chamcong-edge.pyz"
    # THEN it holds the uploader and the wire format only
    names = set(zipfile.ZipFile(package).namelist())
    code = {n for n in names if n.endswith(".py")}
    assert code == {"__main__.py", "chamcong/__init__.py", "chamcong/wire.py"} | {
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

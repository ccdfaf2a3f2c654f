"""The demo's evidence bundle: a late day's signed .zip downloaded as a leader would, then checked offline.

The check is the command a council's clerk would run (`python -m infra.verify_bundle`, a separate process that
needs only `cryptography`) against the fingerprint the deployment publishes; a copy whose day.json was altered
(the lateness changed) is refused by the same command.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import requests

from infra.local_stack import REPO

ZIP = "application/zip"
ANSWERABLE = ("late", "left_early", "absent", "missing_check_in", "missing_check_out")


def _answerable(day: dict[str, object]) -> int:
    """How well a day shows a bundle: a late day first, then the other days with something to answer for."""
    flags = [str(flag) for flag in day.get("flags") or []]  # type: ignore[attr-defined]
    for rank, status in enumerate(ANSWERABLE):
        if status in flags:
            return rank
    return len(ANSWERABLE)


def verify_offline(bundle: Path, fingerprint: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "infra.verify_bundle", str(bundle), "--fingerprint", fingerprint]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,  # noqa: S603
                          cwd=REPO)


def play(session: requests.Session, base: str, people: Iterable[tuple[str, str, dict[str, object]]], day: date,
         out_dir: Path) -> tuple[str, int]:
    """`people`: (staff_id, full name, their day as GET /v1/attendance/days gave it). The text and the failures."""
    chosen = sorted((p for p in people if _answerable(p[2]) < len(ANSWERABLE)), key=lambda p: _answerable(p[2]))
    if not chosen:
        return "\nGói chứng cứ / evidence bundle: không có ngày vi phạm nào / no day with anything to answer for", 0
    staff_id, full_name, judged = chosen[0]
    reply = session.get(f"{base}/v1/staff/{staff_id}/days/{day.isoformat()}/evidence-bundle",
                        headers={"Accept": ZIP}, timeout=120)
    if reply.status_code != 200:
        return f"\nGói chứng cứ / evidence bundle: {reply.status_code} {reply.text[:200]}", 1
    folder = out_dir / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    bundle = folder / f"chung-cu-{staff_id}-{day.isoformat()}.zip"
    bundle.write_bytes(reply.content)
    published = requests.get(f"{base}/v1/evidence/public-key", timeout=30).json()
    genuine = verify_offline(bundle, published["sha256"])
    # A forger changes the lateness (or any byte of any file): the same command refuses it.
    archive = zipfile.ZipFile(io.BytesIO(reply.content))
    tampered = folder / f"chung-cu-{staff_id}-{day.isoformat()}-da-sua.zip"
    with zipfile.ZipFile(tampered, "w") as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "day.json":
                data = data.replace(b'"late_minutes": ', b'"late_minutes": 1')
            out.writestr(info.filename, data)
    forged = verify_offline(tampered, published["sha256"])
    manifest = json.loads(archive.read("manifest.json"))
    day_json = json.loads(archive.read("day.json"))
    lines = ["", f"Gói chứng cứ / evidence bundle: {full_name}, {day:%d/%m/%Y} ({', '.join(day_json['why']['vi'])})",
             f"  {bundle.relative_to(out_dir)} ({len(reply.content)} bytes, {len(manifest['files'])} files), "
             f"signed {manifest['signature']['algorithm']}, key SHA-256 {published['sha256'][:16]}…",
             "  manifest.json: " + ", ".join(f"{e['path']} {e['size']} B sha256 {e['sha256'][:12]}…"
                                             for e in manifest["files"]),
             f"  python -m infra.verify_bundle … --fingerprint …: exit {genuine.returncode} — "
             f"{genuine.stdout.strip().splitlines()[-1]}",
             f"  the same with day.json altered ({tampered.name}): exit {forged.returncode} — "
             f"{next((line for line in forged.stdout.splitlines() if line.startswith('FAIL')), '')}"]
    failures = int(genuine.returncode != 0 or forged.returncode != 1 or _answerable(judged) >= len(ANSWERABLE))
    return "\n".join(lines), failures

"""`make demo` (the README's main command) runs a day and prints a credible table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_demo_runs_a_working_day(faces_dir: Path, models_dir: Path, tmp_path: Path) -> None:
    # GIVEN a small photo folder: three people to enrol and one stranger (links, not copies)
    faces = tmp_path / "faces"
    faces.mkdir()
    for person in ("biden", "obama", "person03", "person07"):
        (faces / person).symlink_to(faces_dir / person)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "infra.demo", "--faces", str(faces), "--strangers", "1", "--out", str(out)],
        cwd=REPO, env={**os.environ, "MODELS_DIR": str(models_dir)}, capture_output=True, text=True, timeout=300,
        check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # THEN every enrolled person has a check-in and a check-out, and the stranger stays unknown
    lines = result.stdout.splitlines()
    rows = {line.split("(")[1].split(")")[0]: line for line in lines if "(" in line and ":" in line
            and line.split("(")[1].split(")")[0] in {"biden", "obama", "person03"}}
    assert set(rows) == {"biden", "obama", "person03"}
    for row in rows.values():
        check_in, check_out = row.split()[-3], row.split()[-2]
        assert check_in.startswith("07:") and check_out.startswith("17:"), row
    assert "0 bị nhận nhầm / falsely matched" in result.stdout
    assert "Tỉ lệ nhận diện / recognition rate" in result.stdout
    assert (out / "report.txt").read_text(encoding="utf-8").startswith("Ngày làm việc")
    assert any((out / "snapshots").glob("*-check_in-*.jpg"))

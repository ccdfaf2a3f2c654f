"""`make demo` (the README's main command): lobby clips through the edge uploader, a credible day out."""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parents[2]


def test_demo_runs_a_working_day_through_the_edge_uploader(faces_dir: Path, models_dir: Path, tmp_path: Path) -> None:
    # GIVEN a small photo folder: three people to enrol and one stranger (links, not copies)
    faces = tmp_path / "faces"
    faces.mkdir()
    for person in ("biden", "obama", "person03", "person07"):
        (faces / person).symlink_to(faces_dir / person)
    out = tmp_path / "out"
    # WHEN the demo runs
    result = subprocess.run(
        [sys.executable, "-m", "infra.demo", "--faces", str(faces), "--strangers", "1", "--out", str(out)],
        cwd=REPO, env={**os.environ, "MODELS_DIR": str(models_dir)}, capture_output=True, text=True, timeout=600,
        check=False)
    # THEN it exits 0, every uploader run succeeded, and one capture went out per passage
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("edge uploader exit 0") == 6, result.stdout
    assert "Ảnh gửi / captures sent: 8 cho / for 8 lượt qua sảnh / passages" in result.stdout
    # and each enrolled person has a check-in in the morning window and a check-out in the evening window
    rows = [line for line in result.stdout.splitlines() if line.startswith(("Nguyễn Văn An", "Trần Thị Bình",
                                                                            "Lê Hoàng Cường"))]
    assert len(rows) == 3, result.stdout
    for row in rows:
        found = re.search(r"(\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d)  (.+?)\s+(\S)\s+(\S)\s*$", row)
        assert found is not None, row
        check_in, check_out, status, morning, evening = found.groups()
        assert "06:00:00" <= check_in < "08:00:00" and "16:30:00" <= check_out < "18:00:00", row
        assert (morning, evening) == ("✓", "✓"), row
        # and the status is the one GET /v1/attendance/days derived (work 07:30–17:00, no grace by default)
        late, early = check_in > "07:30:00", check_out < "17:00:00"
        assert ("Đi muộn" in status) == late and (("Về sớm" in status) or ("về sớm" in status)) == early, row
        assert ("Đúng giờ" in status) == (not late and not early), row
    # and the stranger stays unknown, nobody is taken for someone else
    assert "Người lạ / strangers: 1 người, 2/2 lượt 'không nhận ra'" in result.stdout
    assert "Nhận nhầm người / false matches: 0" in result.stdout
    assert "recognition rate: 6/6" in result.stdout
    # and the photos held up to the camera at 07:50 were refused (each may get its one second look), nobody recorded
    found = re.search(r"spoof attempts at 07:50: 2 photos .* (\d) captures, (\d) refused as spoofs, 0 recorded — "
                      r"edge exit 0", result.stdout)
    assert found is not None and found.group(1) == found.group(2) and int(found.group(1)) >= 2, result.stdout
    # and a late day's signed evidence bundle verifies offline against the published key; an altered copy does not
    assert re.search(r"Gói chứng cứ / evidence bundle: .+ \(Đi muộn \d+ phút", result.stdout), result.stdout
    assert "--fingerprint …: exit 0 — VALID: the bundle is intact and signed by the key shown" in result.stdout
    assert "-da-sua.zip): exit 1 — FAIL  day.json: its content is not what the manifest records" in result.stdout
    assert len(list((out / "evidence").glob("chung-cu-*.zip"))) == 2
    # and the report, the evidence and the annotated lobby videos are left behind (the clips themselves are not)
    assert (out / "report.txt").read_text(encoding="utf-8").startswith("Ngày làm việc")
    assert len(list((out / "snapshots").glob("*-check_in-*.jpg"))) == 3
    assert len(list((out / "snapshots").glob("*-check_out-*.jpg"))) == 3
    video = cv2.VideoCapture(str(out / "lobby-morning-1.avi"))
    assert video.isOpened() and video.get(cv2.CAP_PROP_FRAME_COUNT) > 10
    assert not (out / "clips").exists()
    # and the privacy documents an office files: the notice to print and the impact-assessment dossier (.docx)
    assert (out / "notice-2026-01.vi.md").read_text(encoding="utf-8").startswith("# THÔNG BÁO VỀ VIỆC XỬ LÝ")
    assert (out / "dossier.docx").read_bytes()[:2] == b"PK"
    assert "7. Biện pháp bảo vệ dữ liệu cá nhân" in result.stdout
    # and the morning and evening reports of the day exist as e-mails a person can open, in Vietnamese
    parsed = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
              for path in (out / "mail").glob("*.eml")]
    mails = {message["Subject"]: message for message in parsed}
    summary = mails["[Chấm công] Tổng hợp toàn huyện — báo cáo buổi chiều ngày " + mails_day(result.stdout)]
    text = summary.get_body(("plain",)).get_content()
    assert text.startswith("Kính gửi Phòng Nội vụ,\n\nTổng hợp chấm công buổi chiều"), text
    for unit in ("Phòng Nội vụ", "Văn phòng HĐND và UBND", "Phòng Tài chính - Kế hoạch"):  # one person each
        assert f"\n{unit}: 1 người" in text, text
    assert len([s for s in mails if "buổi sáng" in s]) == len([s for s in mails if "buổi chiều" in s]) == 4
    # and Home Affairs reads about the attempts in the morning summary
    morning = mails["[Chấm công] Tổng hợp toàn huyện — báo cáo buổi sáng ngày " + mails_day(result.stdout)]
    assert f"Nghi vấn dùng ảnh hoặc màn hình thay người thật ({found.group(1)} lượt" in morning.get_body(
        ("plain",)).get_content()


def mails_day(output: str) -> str:
    """The demo day as the reports write it (dd/mm/yyyy), from the demo's first line about it."""
    found = re.search(r"working day: (\d\d/\d\d/\d{4})", output)
    assert found is not None, output
    return found.group(1)

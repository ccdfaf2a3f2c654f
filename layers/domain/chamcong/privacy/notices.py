"""The notice of processing of personal data (Decree 13/2023/NĐ-CP Art. 13), versioned as data.

Each version is a pair of Markdown files in `chamcong/data/notices/`: `{version}.vi.md` (the text an office prints
and the person signs) and `{version}.en.md`. A version is named by the month it took effect (`2026-01`); the newest
is the one given at an enrolment that names none. The texts hold placeholders filled from the deployment's own
configuration when read: `{version}`, `{region}`, `{legal_basis}`, `{contact}` and `{retention_table}` (from
`privacy.classes.DATA_CLASSES` and the retention settings), so the notice always states the retention in force.
Pure: no AWS.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from chamcong.privacy.classes import DATA_CLASSES, Basis, retention_days

NOTICES_PACKAGE = "chamcong.data"
NOTICES_FOLDER = "notices"
VERSION_PATTERN = re.compile(r"^\d{4}-\d{2}$")
LANGS = ("vi", "en")

BASIS_TEXT: dict[str, tuple[str, str]] = {
    Basis.LAW: (
        "Xử lý dữ liệu theo quy định của pháp luật, không cần sự đồng ý của chủ thể dữ liệu (điểm d khoản 1 Điều 17 "
        "Nghị định 13/2023/NĐ-CP): thực hiện nhiệm vụ quản lý cán bộ, công chức, viên chức; theo dõi thời giờ làm việc "
        "và đánh giá, xếp loại hằng tháng theo quy định.",
        "Processing required by law, without the person's consent (Decree 13/2023/NĐ-CP Art. 17(1)(d)): the office's "
        "duty of managing civil servants and public employees; working-time records and the monthly evaluation."),
    Basis.CONSENT: (
        "Sự đồng ý của chủ thể dữ liệu (Điều 11 Nghị định 13/2023/NĐ-CP). Sự đồng ý được ghi nhận khi đăng ký ảnh "
        "khuôn mặt; Ông/Bà có thể rút lại sự đồng ý bằng yêu cầu xoá dữ liệu sinh trắc học.",
        "The person's consent (Decree 13/2023/NĐ-CP Art. 11), recorded at the enrolment of the face photos; it is "
        "withdrawn by asking for the erasure of the biometric data."),
    Basis.CONTRACT: (
        "Thực hiện hợp đồng lao động với chủ thể dữ liệu (điểm b khoản 1 Điều 17 Nghị định 13/2023/NĐ-CP).",
        "The performance of the person's employment contract (Decree 13/2023/NĐ-CP Art. 17(1)(b))."),
}


@cache
def versions() -> tuple[str, ...]:
    """The versions shipped, oldest first (each has both languages: a test checks it)."""
    folder = resources.files(NOTICES_PACKAGE) / NOTICES_FOLDER
    found = {entry.name.split(".", 1)[0] for entry in folder.iterdir() if entry.name.endswith(".md")}
    return tuple(sorted(version for version in found if VERSION_PATTERN.match(version)))


def current_version() -> str:
    return versions()[-1]


def exists(version: str) -> bool:
    return version in versions()


def _template(version: str, lang: str) -> str:
    return (resources.files(NOTICES_PACKAGE) / NOTICES_FOLDER / f"{version}.{lang}.md").read_text(encoding="utf-8")


def title(version: str, lang: str) -> str:
    """The first heading of the text."""
    for line in _template(version, lang).splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return version


def retention_lines(settings: Any, lang: str) -> list[str]:
    """One line per class of personal data: its name and how long it is kept, as configured."""
    lines: list[str] = []
    for data_class in DATA_CLASSES:
        if not data_class.personal:
            continue
        days = retention_days(data_class, settings)
        if lang == "vi":
            kept = f"{days} ngày" if days is not None and data_class.default_days != days else data_class.kept_vi
            lines.append(f"- {data_class.name_vi}: {kept}.")
        else:
            kept = f"{days} days" if days is not None and data_class.default_days != days else data_class.kept_en
            lines.append(f"- {data_class.name_en}: {kept}.")
    return lines


def render(version: str, lang: str, settings: Any) -> str:
    """The notice's text with the deployment's values filled in (KeyError: no such version)."""
    if not exists(version) or lang not in LANGS:
        raise KeyError(version)
    basis = BASIS_TEXT.get(settings.privacy_legal_basis, BASIS_TEXT[Basis.LAW])
    values = {"version": version, "region": settings.aws_region, "contact": settings.privacy_contact,
              "legal_basis": basis[0] if lang == "vi" else basis[1],
              "retention_table": "\n".join(retention_lines(settings, lang))}
    return re.sub(r"\{(version|region|contact|legal_basis|retention_table)\}", lambda m: values[m.group(1)],
                  _template(version, lang))

"""A task spreadsheet (for offices whose e-office system has no API): its header, and each row as the record
`POST /v1/tasks/batch` would receive (pure: cells in, records out; the batch's own checks judge them afterwards).

Columns are found by their header, Vietnamese or the API's field name, whatever the case, accents or spacing
(see `COLUMNS`). Required: Mã nhiệm vụ / external_id, Mã cán bộ / assignee, Tên nhiệm vụ / title,
Ngày giao / assigned_at, Trạng thái / status. Optional: Số văn bản / document_number, Hạn xử lý / due_at,
Ngày hoàn thành / completed_at, Khối lượng / weight, Đạt yêu cầu / meets_requirements, Số lỗi lớn /
major_errors, Nguyên nhân khách quan / objective_cause, Trễ hạn do khách quan / late_objective_cause,
Cập nhật lúc / updated_at.

Cells are translated, never judged here: a time written "dd/mm/yyyy hh:mm" (or ISO 8601, or a date cell) in the
site's time zone becomes ISO 8601 with its offset; a status in Vietnamese ("Đang xử lý") its API name; "Có" /
"Không" a boolean; "1,5" a number. A cell that cannot be translated is passed on as written, so the batch's
validation refuses the row naming that field (task_invalid). Blank cells are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo
from typing import Any

from chamcong.rules.staff_sheet import Header, cell_text, fold

# Each column: the API field, then what a header may say (folded: lower case, no accents, single spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "external_id": ("ma nhiem vu", "ma cong viec", "ma ho so", "external id"),
    "assignee": ("ma can bo", "ma cb", "ma nguoi xu ly", "ma nguoi thuc hien", "assignee", "employee code"),
    "title": ("ten nhiem vu", "nhiem vu", "noi dung", "trich yeu", "title"),
    "document_number": ("so van ban", "so ky hieu", "so hieu van ban", "document number"),
    "assigned_at": ("ngay giao", "thoi diem giao", "ngay giao viec", "assigned at"),
    "due_at": ("han xu ly", "han hoan thanh", "thoi han", "due at"),
    "completed_at": ("ngay hoan thanh", "thoi diem hoan thanh", "completed at"),
    "status": ("trang thai", "status"),
    "weight": ("khoi luong", "trong so", "weight"),
    "meets_requirements": ("dat yeu cau", "meets requirements"),
    "major_errors": ("so loi lon", "loi lon", "major errors"),
    "objective_cause": ("nguyen nhan khach quan", "objective cause"),
    "late_objective_cause": ("tre han do khach quan", "late objective cause"),
    "updated_at": ("cap nhat luc", "updated at"),
}
HEADERS: dict[str, str] = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
REQUIRED = ("external_id", "assignee", "title", "assigned_at", "status")
INSTANTS = ("assigned_at", "due_at", "completed_at", "updated_at")
QUALITY = ("meets_requirements", "major_errors", "objective_cause")

STATUSES: dict[str, str] = {
    **dict.fromkeys(("assigned", "da giao", "moi giao", "giao"), "assigned"),
    **dict.fromkeys(("in progress", "dang xu ly", "dang thuc hien"), "in_progress"),
    **dict.fromkeys(("done", "da xu ly", "hoan thanh", "da hoan thanh"), "done"),
    **dict.fromkeys(("cancelled", "canceled", "huy", "da huy", "huy bo"), "cancelled"),
}
BOOLEANS: dict[str, bool] = {**dict.fromkeys(("co", "x", "dung", "dat", "true", "yes", "1"), True),
                             **dict.fromkeys(("khong", "sai", "khong dat", "false", "no", "0"), False)}

_LOCAL = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def instant(value: Any, zone: tzinfo) -> Any:
    """A sheet's time as ISO 8601 with its offset; what cannot be read is returned as written."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        return moment.isoformat()
    if isinstance(value, date):
        return datetime.combine(value, time(0), zone).isoformat()
    text = cell_text(value)
    found = _LOCAL.match(text)
    try:
        if found:
            day, month, year, hour, minute, second = (int(part) if part else 0 for part in found.groups())
            return datetime(year, month, day, hour, minute, second, tzinfo=zone).isoformat()
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return text
    return (parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)).isoformat()


def number(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    text = cell_text(value).replace(",", ".")
    try:
        parsed = float(text)
    except ValueError:
        return cell_text(value)
    return int(parsed) if parsed.is_integer() else parsed


def boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    return BOOLEANS.get(fold(cell_text(value)), cell_text(value))


def record_of(cells: Sequence[Any], header: Header, zone: tzinfo) -> dict[str, Any]:
    """One data row as a batch record (blank cells left out)."""
    raw: dict[str, Any] = {}
    for column, index in header.columns.items():
        value = cells[index] if index < len(cells) else None
        if cell_text(value) == "":
            continue
        if column in INSTANTS:
            raw[column] = instant(value, zone)
        elif column == "status":
            raw[column] = STATUSES.get(fold(cell_text(value)), cell_text(value))
        elif column in ("weight", "major_errors"):
            raw[column] = number(value)
        elif column in ("meets_requirements", "objective_cause", "late_objective_cause"):
            raw[column] = boolean(value)
        else:
            raw[column] = cell_text(value)
    if "weight" in raw and isinstance(raw["weight"], int):
        raw["weight"] = float(raw["weight"])  # the batch's weight is a number, strictly: 2 → 2.0
    quality = {column: raw.pop(column) for column in QUALITY if column in raw}
    if quality:
        raw["quality"] = quality
    return raw

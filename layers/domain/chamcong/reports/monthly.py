"""The monthly evaluation report (Decree 335/2025): the e-mails to a unit's leaders and to Home Affairs, with the
XLSX laid out like the offices' summary form.

- **A unit** (`unit_report`, to its leaders): "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ, CÔNG CHỨC THÁNG
  MM/YYYY": one row per person — position/group, general criteria (/30), task result (/70: quantity, quality,
  timeliness, points), a leader's unit component, total, grade by the score, grade after the cap, notes — and the
  counts per grade under the table; a second sheet "Chưa hoàn thành bước": who has not finished which step, its
  deadline, overdue or not.
- **The district** (`district_report`, to Home Affairs): a first sheet with one row per unit (people, counts per
  grade by the score and after the cap, demoted by the cap, not finished, overdue) and the totals; then a sheet per
  unit with its people; then every unit's "Chưa hoàn thành bước".

The rows and counts are `rules.monthly_report`'s; the messages are built by `daily.compose_message`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from chamcong.reports.daily import ascii_slug, compose_message
from chamcong.reports.xlsx import Cell, Column, Form, Section, workbook_bytes
from chamcong.rules.monthly_report import (
    ACTOR_LABELS,
    GRADE_LABELS,
    GRADES,
    STATE_LABELS,
    STEP_LABELS,
    Counts,
    DistrictReport,
    MovedOut,
    Pending,
    Row,
    UnitReport,
)

RULESET_NAME = "Nghị định số 335/2025/NĐ-CP"
TASKS_GROUP = "Kết quả nhiệm vụ (/70)"
PERSON_COLUMNS = (Column("Họ và tên", 28), Column("Chức vụ/nhóm", 16),
                  Column("Tiêu chí chung (/30)", 11, align="right", number_format="0.00"),
                  Column("Số lượng", 10, group=TASKS_GROUP, align="right", number_format="0%"),
                  Column("Chất lượng", 10, group=TASKS_GROUP, align="right", number_format="0%"),
                  Column("Tiến độ", 10, group=TASKS_GROUP, align="right", number_format="0%"),
                  Column("Điểm", 10, group=TASKS_GROUP, align="right", number_format="0.00"),
                  Column("Điểm đơn vị (lãnh đạo)", 11, align="right", number_format="0.00"),
                  Column("Tổng điểm", 10, align="right", number_format="0.00"),
                  Column("Xếp loại theo điểm", 20), Column("Xếp loại sau giới hạn tỷ lệ", 20), Column("Ghi chú", 26))
PENDING_TITLE = "Chưa hoàn thành bước"
PENDING_COLUMNS = (Column("Họ và tên", 28), Column("Đơn vị", 26), Column("Trạng thái", 18),
                   Column("Bước chưa hoàn thành", 20), Column("Người thực hiện", 20),
                   Column("Hạn", 12, align="center"), Column("Quá hạn", 10, align="center"))
SHORT_GRADES = {"excellent": "Xuất sắc", "good": "Tốt", "completed": "Hoàn thành", "not_completed": "Không HT"}
BY_SCORE, AFTER_CAP = "Xếp loại theo điểm", "Sau giới hạn tỷ lệ"
UNIT_COLUMNS = (Column("Đơn vị", 30), Column("Số người", 9, align="right"),
                *(Column(SHORT_GRADES[g], 10, group=BY_SCORE, align="right") for g in GRADES),
                *(Column(SHORT_GRADES[g], 10, group=AFTER_CAP, align="right") for g in GRADES),
                Column("Hạ do giới hạn tỷ lệ", 11, align="right"), Column("Chưa hoàn thành bước", 11, align="right"),
                Column("Quá hạn", 9, align="right"))


def title(month: str) -> str:
    year, number = month.split("-")
    return f"Bảng tổng hợp kết quả đánh giá, xếp loại cán bộ, công chức tháng {number}/{year}"


def month_text(month: str) -> str:
    year, number = month.split("-")
    return f"{number}/{year}"


def _number(value: Decimal | None) -> Cell:
    return float(value) if value is not None else None


def position(row: Row) -> str:
    return f"{'Lãnh đạo' if row.is_leader else 'Công chức'} — nhóm {row.duty_group}"


MOVED_OUT_TITLE = "Chuyển sang đơn vị khác trong tháng (được đánh giá tại đơn vị mới, không tính ở đây)"


def _days(first: date, last: date) -> str:
    return f"{first:%d/%m}–{last:%d/%m}"


def notes(row: Row, moved: Sequence[tuple[str, date, date]] = ()) -> str:
    parts = [f"Tháng có chuyển đơn vị: {name} {_days(first, last)}" for name, first, last in moved]
    if row.demoted:
        parts.append("Hạ từ Hoàn thành xuất sắc do giới hạn tỷ lệ")
    if row.disqualified_by:
        parts.append("Thuộc trường hợp không hoàn thành nhiệm vụ")
    if row.state != "locked":
        parts.append(f"Chưa phê duyệt ({STATE_LABELS.get(row.state, row.state).lower()})")
    return "; ".join(parts)


def person_cells(row: Row, moved: Sequence[tuple[str, date, date]] = ()) -> list[Cell]:
    return [row.full_name, position(row), _number(row.general), _number(row.quantity), _number(row.quality),
            _number(row.timeliness), _number(row.task_points), _number(row.unit_points), _number(row.total),
            GRADE_LABELS.get(row.grade, row.grade),
            GRADE_LABELS.get(row.final_grade, row.final_grade) if row.final_grade else "Chưa phê duyệt",
            notes(row, moved)]


def moved_out_cells(moved: MovedOut) -> list[Cell]:
    """Someone who left the unit during the month: their days here, where they are evaluated and how."""
    final = GRADE_LABELS.get(moved.final_grade, moved.final_grade) if moved.final_grade else None
    where = moved.evaluated_in_name or moved.evaluated_in
    return [moved.full_name, None, None, None, None, None, None, None, _number(moved.total),
            GRADE_LABELS.get(moved.grade, moved.grade) if moved.grade else None, final,
            f"Thuộc đơn vị {_days(moved.first, moved.last)}; đánh giá tại {where}"]


def pending_cells(pending: Pending, unit_name: str) -> list[Cell]:
    return [pending.full_name, unit_name, STATE_LABELS.get(pending.state, pending.state), STEP_LABELS[pending.step],
            ACTOR_LABELS[pending.actor], f"{pending.deadline:%d/%m/%Y}", "Có" if pending.overdue else "Không"]


def summary(counts: Counts) -> list[tuple[str, Cell]]:
    """The counts per grade under the table: by the score, then after the cap."""
    lines: list[tuple[str, Cell]] = [("Số người được đánh giá", counts.people)]
    lines += [(f"{GRADE_LABELS[g]} (theo điểm)", counts.by_score.get(g, 0)) for g in GRADES]
    lines += [(f"{GRADE_LABELS[g]} (sau giới hạn tỷ lệ)", counts.final.get(g, 0)) for g in GRADES]
    lines += [("Hạ từ Hoàn thành xuất sắc do giới hạn tỷ lệ", counts.demoted),
              ("Chưa phê duyệt", counts.cap_pending), ("Chưa hoàn thành bước", counts.not_finished),
              ("Trong đó quá hạn", counts.overdue)]
    return lines


def _subtitle(ruleset_name: str, sent_at: datetime) -> str:
    return f"(Theo {ruleset_name}; số liệu đến {sent_at:%H:%M} ngày {sent_at:%d/%m/%Y})"


def _pending_form(units: Sequence[UnitReport], agency: str, superior: str, day: date, ruleset_name: str,
                  sent_at: datetime) -> Form:
    return Form(superior=superior, agency=agency, title=f"Danh sách {PENDING_TITLE.lower()} đánh giá tháng "
                f"{month_text(units[0].month) if units else ''}", subtitle=_subtitle(ruleset_name, sent_at), day=day,
                columns=PENDING_COLUMNS, sheet=PENDING_TITLE,
                sections=[Section([pending_cells(p, unit.unit_name) for unit in units for p in unit.pending])])


def unit_form(unit: UnitReport, day: date, sent_at: datetime, superior: str = "",
              ruleset_name: str = RULESET_NAME, sheet: str | None = None) -> Form:
    return Form(superior=superior, agency=unit.unit_name, title=title(unit.month),
                subtitle=_subtitle(ruleset_name, sent_at), day=day, columns=PERSON_COLUMNS,
                sections=[Section([person_cells(row, unit.moved_in.get(row.staff_id, ())) for row in unit.rows]),
                          *([Section([moved_out_cells(m) for m in unit.moved_out], title=MOVED_OUT_TITLE)]
                            if unit.moved_out else [])],
                summary=summary(unit.counts), summary_title="Tổng hợp xếp loại",
                sheet=sheet or f"danh-gia-{unit.month}")


def unit_workbook(unit: UnitReport, sent_at: datetime, superior: str = "",
                  ruleset_name: str = RULESET_NAME) -> bytes:
    day = sent_at.date()
    return workbook_bytes(unit_form(unit, day, sent_at, superior, ruleset_name), sent_at,
                          [_pending_form([unit], unit.unit_name, superior, day, ruleset_name, sent_at)])


def _unit_cells(name: str, counts: Counts) -> list[Cell]:
    return [name, counts.people, *(counts.by_score.get(g, 0) for g in GRADES),
            *(counts.final.get(g, 0) for g in GRADES), counts.demoted, counts.not_finished, counts.overdue]


def district_workbook(district: DistrictReport, sent_at: datetime, agency: str = "",
                      ruleset_name: str = RULESET_NAME, unit_sheets: bool = True) -> bytes:
    """The summary sheet; with `unit_sheets` (a district) a sheet per unit with its people — a province's summary
    leaves them to the units' own reports — then everyone's pending steps."""
    day = sent_at.date()
    totals = _unit_cells("", district.counts)
    first = Form(superior=agency, agency="Phòng Nội vụ", title=title(district.month),
                 subtitle=_subtitle(ruleset_name, sent_at), day=day, columns=UNIT_COLUMNS,
                 sections=[Section([_unit_cells(unit.unit_name, unit.counts) for unit in district.units])],
                 totals=[None, *totals[1:]], totals_label=f"Tổng cộng ({len(district.units)} đơn vị)",
                 summary=summary(district.counts), summary_title="Tổng hợp xếp loại toàn huyện",
                 sheet=f"tong-hop-{district.month}")
    units = [unit_form(unit, day, sent_at, agency, ruleset_name, sheet=f"{index}. {unit.unit_name}")
             for index, unit in enumerate(district.units, start=1) if unit_sheets]
    return workbook_bytes(first, sent_at, [*units, _pending_form(district.units, "Phòng Nội vụ", agency, day,
                                                                 ruleset_name, sent_at)])


def _context(month: str, counts: Counts, sent_at: datetime) -> dict[str, Any]:
    return {"month": month_text(month), "counts": counts, "grades": GRADES, "labels": GRADE_LABELS,
            "states": STATE_LABELS, "steps": STEP_LABELS, "actors": ACTOR_LABELS, "sent_at": sent_at}


def unit_report(unit: UnitReport, sender: str, recipients: Sequence[str], sent_at: datetime, superior: str = "",
                ruleset_name: str = RULESET_NAME) -> EmailMessage:
    """The unit's monthly report to its leaders."""
    subject = f"[Chấm công] {unit.unit_name} — kết quả đánh giá, xếp loại tháng {month_text(unit.month)}"
    demoted = [row for row in unit.rows if row.demoted]
    context = {**_context(unit.month, unit.counts, sent_at), "unit": unit, "demoted": demoted}
    return compose_message(subject, sender, recipients, sent_at, "monthly_unit", context,
                           (attachment_name(unit.month, unit.unit_name, unit.unit_id),
                            unit_workbook(unit, sent_at, superior, ruleset_name)))


def district_report(district: DistrictReport, sender: str, recipients: Sequence[str], sent_at: datetime,
                    agency: str = "", ruleset_name: str = RULESET_NAME, unit_sheets: bool = True) -> EmailMessage:
    """The district summary to Home Affairs: every unit's counts, the cap's effect, who is behind."""
    subject = f"[Chấm công] Tổng hợp toàn huyện — kết quả đánh giá, xếp loại tháng {month_text(district.month)}"
    demoted = [(unit.unit_name, row) for unit in district.units for row in unit.rows if row.demoted]
    context = {**_context(district.month, district.counts, sent_at), "district": district, "demoted": demoted}
    return compose_message(subject, sender, recipients, sent_at, "monthly_district", context,
                           (attachment_name(district.month, "tong-hop", "district"),
                            district_workbook(district, sent_at, agency, ruleset_name, unit_sheets)))


def reminder(unit_name: str, month: str, step: str, deadline: date, overdue: bool, people: Sequence[str],
             sender: str, recipients: Sequence[str], sent_at: datetime) -> EmailMessage:
    """A reminder of a step due within a day or overdue: to the person (self-assessment), the reviewers or heads."""
    when = "đã quá hạn" if overdue else "sắp đến hạn"
    subject = (f"[Chấm công] Nhắc việc: {STEP_LABELS[step].lower()} kết quả tháng {month_text(month)} {when} "
               f"({deadline:%d/%m/%Y})")
    context = {"unit_name": unit_name, "month": month_text(month), "step": STEP_LABELS[step], "deadline": deadline,
               "overdue": overdue, "people": people, "own": step == "self_assess"}
    return compose_message(subject, sender, recipients, sent_at, "monthly_reminder", context, None)


def attachment_name(month: str, name: str, fallback: str) -> str:
    """danh-gia-xep-loai-2026-11-phong-noi-vu.xlsx"""
    return f"danh-gia-xep-loai-{month}-{ascii_slug(name) or ascii_slug(fallback)}.xlsx"

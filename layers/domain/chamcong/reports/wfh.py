"""The 16:00 and 17:00 work-from-home reports (document 002, Appendix 2): the e-mails and their XLSX forms.

- **units** (16:00): per unit with someone at home, one row per person — the tasks assigned while at home,
  processed on the e-office system (count, ratio), not processed (count, ratio) — and the unit's total row.
  Each unit's leaders get their unit (`unit_report`); Home Affairs gets every unit, one numbered section per unit
  as in Appendix 2: "1 <unit>", "1.1 <person>" (`home_affairs_report`).
- **province** (17:00): one e-mail to the province's recipients (`province_report`): per unit totals and ratios,
  the people at home who processed nothing while they had tasks (discipline), the best performers (commendation).
- A working day with nobody at home: one short note to Home Affairs (`nobody_report`), no attachment.

Which tasks count, and the ratios, are `rules.wfh_report`'s. Messages are built by `daily.compose_message`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any

from chamcong.reports.daily import ascii_slug, compose_message
from chamcong.reports.xlsx import Cell, Column, Form, Section, workbook_bytes
from chamcong.rules.wfh_report import Tally, WfhKind, percent, total

PROCESSED = "Đã xử lý trên hệ thống"
NOT_PROCESSED = "Chưa xử lý"
# After the STT column: Appendix 2's columns.
PERSON_COLUMNS = (Column("Họ và tên", 30),
                  Column("Tổng số nhiệm vụ được giao khi làm việc tại nhà", 18, align="right"),
                  Column("Số lượng", 11, group=PROCESSED, align="right"),
                  Column("Tỷ lệ", 11, group=PROCESSED, align="right", number_format="0.0%"),
                  Column("Số lượng", 11, group=NOT_PROCESSED, align="right"),
                  Column("Tỷ lệ", 11, group=NOT_PROCESSED, align="right", number_format="0.0%"))
UNIT_COLUMNS = (Column("Đơn vị", 34), Column("Số người làm việc tại nhà", 14, align="right"),
                *PERSON_COLUMNS[1:])
TITLES = {"units": "Báo cáo kết quả xử lý công việc của cán bộ, công chức làm việc tại nhà",
          "province": "Tổng hợp kết quả xử lý công việc của cán bộ, công chức làm việc tại nhà"}
SLUGS = {"units": "16h", "province": "17h"}
# The province summary's two lists, each on a sheet of its own after the table.
IDLE_TITLE = "Cán bộ làm việc tại nhà không xử lý nhiệm vụ nào"
BEST_TITLE = "Cán bộ làm việc tại nhà hoàn thành tốt nhiệm vụ"
LIST_COLUMNS = (Column("Họ và tên", 30), Column("Đơn vị", 34),
                Column("Số nhiệm vụ được giao", 14, align="right"), Column("Đã xử lý", 12, align="right"))


@dataclass(frozen=True)
class PersonRow:
    staff_id: str
    full_name: str
    tally: Tally

    @property
    def ratios(self) -> tuple[str, str]:
        return _ratios(self.tally)


@dataclass(frozen=True)
class UnitRows:
    unit_id: str
    unit_name: str
    people: Sequence[PersonRow]  # the unit's people at home, in name order

    @property
    def tally(self) -> Tally:
        return total(person.tally for person in self.people)

    @property
    def ratios(self) -> tuple[str, str]:
        return _ratios(self.tally)


@dataclass(frozen=True)
class Named:
    """A person in the province report's lists, with their unit's name."""

    full_name: str
    unit_name: str
    tally: Tally


def _ratios(tally: Tally) -> tuple[str, str]:
    return percent(tally.share(tally.processed)), percent(tally.share(tally.not_processed))


def _cells(counted: Tally) -> list[Cell]:
    return [counted.counted, counted.processed, counted.share(counted.processed), counted.not_processed,
            counted.share(counted.not_processed)]


def _subtitle(day: date, cutoff: datetime) -> str:
    return f"(Ngày {day:%d/%m/%Y}, số liệu đến {cutoff:%H:%M})"


def unit_report(unit: UnitRows, day: date, cutoff: datetime, sender: str, recipients: Sequence[str],
                sent_at: datetime, superior: str = "") -> EmailMessage:
    """A unit's 16:00 report to its leaders: its people at home, one row each, and the unit's total."""
    form = Form(superior=superior, agency=unit.unit_name, title=TITLES["units"], subtitle=_subtitle(day, cutoff),
                day=day, columns=PERSON_COLUMNS,
                sections=[Section([[person.full_name, *_cells(person.tally)] for person in unit.people])],
                totals=[None, *_cells(unit.tally)], totals_label=f"Tổng cộng ({len(unit.people)} người)",
                sheet=f"tai-nha-{day.isoformat()}")
    subject = f"[Chấm công] {unit.unit_name} — làm việc tại nhà ngày {day:%d/%m/%Y} (16:00)"
    return compose_message(subject, sender, recipients, sent_at, "wfh_units",
                           {"units": [unit], "day": day, "cutoff": cutoff, "home_affairs": False},
                           (attachment_name(day, "units", unit.unit_name, unit.unit_id), workbook_bytes(form, sent_at)))


def home_affairs_report(units: Sequence[UnitRows], day: date, cutoff: datetime, sender: str,
                        recipients: Sequence[str], sent_at: datetime, agency: str = "") -> EmailMessage:
    """The 16:00 report to Home Affairs: every unit with someone at home, numbered as Appendix 2."""
    everyone = total(unit.tally for unit in units)
    people = sum(len(unit.people) for unit in units)
    form = Form(superior=agency, agency="Phòng Nội vụ", title=TITLES["units"], subtitle=_subtitle(day, cutoff),
                day=day, columns=PERSON_COLUMNS, nested_numbers=True,
                sections=[Section([[person.full_name, *_cells(person.tally)] for person in unit.people],
                                  title=unit.unit_name, totals=[None, *_cells(unit.tally)]) for unit in units],
                totals=[None, *_cells(everyone)], totals_label=f"Tổng cộng ({people} người)",
                sheet=f"tai-nha-{day.isoformat()}")
    subject = f"[Chấm công] Tổng hợp làm việc tại nhà ngày {day:%d/%m/%Y} (16:00)"
    return compose_message(subject, sender, recipients, sent_at, "wfh_units",
                           {"units": units, "day": day, "cutoff": cutoff, "home_affairs": True, "total": everyone,
                            "people": people},
                           (attachment_name(day, "units", "tong-hop", "home-affairs"), workbook_bytes(form, sent_at)))


def province_report(units: Sequence[UnitRows], idle: Sequence[Named], best: Sequence[Named], day: date,
                    cutoff: datetime, sender: str, recipients: Sequence[str], sent_at: datetime,
                    agency: str = "") -> EmailMessage:
    """The 17:00 summary: per unit totals and ratios, who processed nothing, the best performers."""
    everyone = total(unit.tally for unit in units)
    people = sum(len(unit.people) for unit in units)
    form = Form(superior=agency, agency="Phòng Nội vụ", title=TITLES["province"], subtitle=_subtitle(day, cutoff),
                day=day, columns=UNIT_COLUMNS,
                sections=[Section([[unit.unit_name, len(unit.people), *_cells(unit.tally)] for unit in units])],
                totals=[None, people, *_cells(everyone)], totals_label=f"Tổng cộng ({len(units)} đơn vị)",
                sheet=f"tong-hop-{day.isoformat()}")
    lists = [Form(superior=agency, agency="Phòng Nội vụ", title=title, subtitle=_subtitle(day, cutoff), day=day,
                  columns=LIST_COLUMNS, sheet=sheet,
                  sections=[Section([[person.full_name, person.unit_name, person.tally.counted,
                                      person.tally.processed] for person in people])])
             for title, sheet, people in ((IDLE_TITLE, "khong-xu-ly", idle), (BEST_TITLE, "lam-tot", best))]
    subject = f"[Chấm công] Tổng hợp toàn tỉnh — làm việc tại nhà ngày {day:%d/%m/%Y} (17:00)"
    context: dict[str, Any] = {"units": units, "idle": idle, "best": best, "day": day, "cutoff": cutoff,
                               "total": everyone, "people": people, "ratios": _ratios(everyone)}
    return compose_message(subject, sender, recipients, sent_at, "wfh_province", context,
                           (attachment_name(day, "province", "tong-hop", "province"),
                            workbook_bytes(form, sent_at, lists)))


def nobody_report(day: date, sender: str, recipients: Sequence[str], sent_at: datetime) -> EmailMessage:
    """A working day with nobody at home: the short note to Home Affairs."""
    subject = f"[Chấm công] Ngày {day:%d/%m/%Y}: không có ai làm việc tại nhà"
    return compose_message(subject, sender, recipients, sent_at, "wfh_nobody", {"day": day}, None)


def attachment_name(day: date, kind: WfhKind, name: str, fallback: str) -> str:
    """lam-viec-tai-nha-2026-11-20-16h-phong-noi-vu.xlsx"""
    return f"lam-viec-tai-nha-{day.isoformat()}-{SLUGS[kind]}-{ascii_slug(name) or ascii_slug(fallback)}.xlsx"

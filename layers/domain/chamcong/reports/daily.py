"""The daily attendance reports: what a unit's leaders and the Home Affairs office read every morning and evening.

Composed from the day rows `GET /v1/attendance/days` gives, rendered from Jinja templates (HTML with a
plain-text part, Vietnamese) with an XLSX attachment laid out like the offices' forms (`reports.xlsx`: the
title block, numbered rows, "Giờ chấm công" and "Số phút" over their columns, a totals row), and returned as a
complete MIME message ready for SES and for the archive.
"""

from __future__ import annotations

import email.policy
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any, Literal
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from chamcong.messages import DAY_STATUS_LABELS, day_status_label
from chamcong.reports.xlsx import CONTENT_TYPE, Cell, Column, Form, Section, workbook_bytes

Kind = Literal["morning", "evening"]
KIND_SLUGS = {"morning": "sang", "evening": "chieu"}  # in attachment names
KIND_TITLES = {"morning": "buổi sáng (sau giờ chấm công đến)", "evening": "buổi chiều (sau giờ chấm công về)"}
# What each report lists by name, in this order; the other statuses are only counted.
EXCEPTIONS = ("absent", "missing_check_in", "missing_check_out", "late", "left_early", "on_leave", "business_trip",
              "work_from_home")
# The exceptions whose rows link to the person's day on the site (with SITE_URL): where the evidence is.
LINKED = ("absent", "missing_check_in", "missing_check_out", "late", "left_early")
# The attachment's table, after its STT column: one row per person.
SHEET_COLUMNS = (Column("Họ và tên", 30), Column("Trạng thái", 20),
                 Column("Đến", 11, group="Giờ chấm công", align="center"),
                 Column("Về", 11, group="Giờ chấm công", align="center"),
                 Column("Đi muộn", 10, group="Số phút", align="right"),
                 Column("Về sớm", 10, group="Số phút", align="right"),
                 Column("Ảnh bằng chứng (mã lượt chụp)", 26))
SHEET_TITLES = {"morning": "Báo cáo chấm công buổi sáng", "evening": "Báo cáo chấm công buổi chiều"}
DISTRICT_SHEET_TITLES = {"morning": "Tổng hợp chấm công toàn huyện buổi sáng",
                         "evening": "Tổng hợp chấm công toàn huyện buổi chiều"}

# Headers are not folded at 78 characters: Python's folding of encoded words drops the space at the fold ("kết
# quả" arrived as "kếtquả"); a subject stays one encoded word, well inside the 998 characters a header line may have.
MAIL_POLICY = email.policy.default.clone(max_line_length=998)
_CONTROL = {"Cc", "Zl", "Zp"}  # control characters, line and paragraph separators

_templates = Environment(loader=PackageLoader("chamcong.reports", "templates"), undefined=StrictUndefined,
                         autoescape=select_autoescape(["html", "html.j2"]), trim_blocks=True, lstrip_blocks=True)
_templates.filters["status"] = day_status_label


@dataclass
class UnitDay:
    unit_id: str
    unit_name: str
    rows: list[dict[str, Any]]
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.counts = Counter(status for row in self.rows for status in flags_of(row))

    def exceptions(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """(status, people) for every exception that has someone, the most serious first; someone both late
        and early is under both."""
        return [(status, [row for row in self.rows if status in flags_of(row)]) for status in EXCEPTIONS
                if self.counts[status]]


def flags_of(row: dict[str, Any]) -> list[str]:
    """What a day counts as: every flag (late and left early), or its status when it has none or was corrected."""
    flags = [str(flag) for flag in row.get("flags") or []]
    if not flags or row.get("correction_id"):
        return [str(row["status"])]
    return flags


@dataclass(frozen=True)
class SpoofAttempt:
    """A passage refused as a photo or a screen, as Home Affairs reads it."""

    time: str  # HH:MM, site time
    unit_name: str
    device_name: str
    resembles: str | None  # whose enrolled face the presented one matched, if anyone's
    frames: int


def day_link(site_url: str, staff_id: str, day: date) -> str:
    """The person's month on the site, opened at the day: {site}/#/people/{id}/month?month=YYYY-MM&date=YYYY-MM-DD."""
    query = urlencode({"month": f"{day:%Y-%m}", "date": day.isoformat()})
    return f"{site_url}/#/people/{quote(staff_id, safe='')}/month?{query}"


def _links(site_url: str, day: date) -> Any:
    """The templates' `link(status, row)`: the row's day on the site, or None (no site, or not an exception)."""
    def link(status: str, row: dict[str, Any]) -> str | None:
        if not site_url or status not in LINKED or not row.get("staff_id"):
            return None
        return day_link(site_url, str(row["staff_id"]), day)
    return link


def unit_report(unit: UnitDay, day: date, kind: Kind, sender: str, recipients: Sequence[str],
                sent_at: datetime, site_url: str = "", superior: str = "") -> EmailMessage:
    """The unit's report to its leaders; `superior` is the agency above the unit, for the attachment's title block."""
    context = {"unit": unit, "day": day, "kind": kind, "title": KIND_TITLES[kind], "labels": DAY_STATUS_LABELS,
               "site_url": site_url, "link": _links(site_url, day)}
    # "—", not ":": Python's header folding drops the space after a colon between encoded words
    subject = f"[Chấm công] {unit.unit_name} — báo cáo {KIND_TITLES[kind].split(' (')[0]} ngày {day:%d/%m/%Y}"
    return compose_message(subject, sender, recipients, sent_at, "daily_unit", context,
                    attachment=(attachment_name(day, kind, unit.unit_name, unit.unit_id),
                                _sheet(superior, unit.unit_name, SHEET_TITLES[kind], [unit], day, kind, sent_at,
                                       sections=False)))


def district_report(units: Sequence[UnitDay], day: date, kind: Kind, sender: str, recipients: Sequence[str],
                    sent_at: datetime, spoofs: Sequence[SpoofAttempt] = (), site_url: str = "",
                    agency: str = "") -> EmailMessage:
    """The summary to Home Affairs; `agency` is the district's own name (the top of the unit tree), for the
    attachment's title block."""
    totals: Counter[str] = Counter()
    for unit in units:
        totals.update(unit.counts)
    context = {"units": units, "day": day, "kind": kind, "title": KIND_TITLES[kind], "totals": totals,
               "exceptions": EXCEPTIONS, "labels": DAY_STATUS_LABELS, "spoofs": spoofs, "site_url": site_url,
               "link": _links(site_url, day)}
    subject = f"[Chấm công] Tổng hợp toàn huyện — báo cáo {KIND_TITLES[kind].split(' (')[0]} ngày {day:%d/%m/%Y}"
    return compose_message(subject, sender, recipients, sent_at, "daily_district", context,
                    attachment=(attachment_name(day, kind, "Tổng hợp", "district"),
                                _sheet("", agency, DISTRICT_SHEET_TITLES[kind], units, day, kind, sent_at,
                                       sections=True)))


def attachment_name(day: date, kind: Kind, name: str, fallback: str) -> str:
    """cham-cong-2026-11-20-sang-phong-noi-vu.xlsx: the unit's name in plain ASCII (its id if nothing is left)."""
    return f"cham-cong-{day.isoformat()}-{KIND_SLUGS[kind]}-{ascii_slug(name) or ascii_slug(fallback)}.xlsx"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, diacritics dropped (đ → d): "Phòng Nội vụ" → "phong-noi-vu"."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(char for char in plain if not unicodedata.combining(char)).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")[:80].rstrip("-")


def compose_message(subject: str, sender: str, recipients: Sequence[str], sent_at: datetime, template: str,
             context: dict[str, Any], attachment: tuple[str, bytes] | None) -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = header_text(subject)
    message["Date"] = format_datetime(sent_at)
    message["From"] = formataddr(("Hệ thống chấm công", sender))
    message["To"] = ", ".join(recipients)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(_templates.get_template(f"{template}.txt.j2").render(context))
    message.add_alternative(_templates.get_template(f"{template}.html.j2").render(context), subtype="html")
    if attachment is None:
        return message
    name, data = attachment
    maintype, subtype = CONTENT_TYPE.split("/")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=header_text(name))
    return message


def header_text(text: str) -> str:
    """A header value from stored names: a control character (a line break…) becomes a space, never a new header."""
    return "".join(" " if unicodedata.category(char) in _CONTROL else char for char in text)


def _sheet(superior: str, agency: str, title: str, units: Sequence[UnitDay], day: date, kind: Kind,
           sent_at: datetime, sections: bool) -> bytes:
    """The attachment: one numbered row per person; in the summary, under a title row per unit."""
    every_row = [row for unit in units for row in unit.rows]
    checked_in = sum(1 for row in every_row if row.get("check_in"))
    checked_out = sum(1 for row in every_row if row.get("check_out"))
    late = sum(int(row.get("late_minutes") or 0) for row in every_row)
    early = sum(int(row.get("early_minutes") or 0) for row in every_row)
    totals: list[Cell] = [None, None, checked_in, checked_out, late, early, None]
    form = Form(superior=superior, agency=agency, title=title,
                subtitle=f"({KIND_TITLES[kind].split('(')[1].rstrip(')')}, ngày {day:%d/%m/%Y})", day=day,
                columns=SHEET_COLUMNS,
                sections=[Section([_sheet_row(row) for row in unit.rows],
                                  f"{unit.unit_name} ({len(unit.rows)} người)" if sections else None)
                          for unit in units],
                totals=totals, totals_label=f"Tổng cộng ({len(every_row)} người)",
                sheet=f"{KIND_SLUGS[kind]}-{day.isoformat()}")
    return workbook_bytes(form, sent_at)


def _sheet_row(row: dict[str, Any]) -> list[Cell]:
    evidence = row.get("evidence") or {}
    return [str(row["full_name"]), day_status_label(str(row["status"])), row.get("check_in") or None,
            row.get("check_out") or None, int(row.get("late_minutes") or 0) or None,
            int(row.get("early_minutes") or 0) or None, evidence.get("capture_id") or None]

"""The daily attendance reports: what a unit's leaders and the Home Affairs office read every morning and evening.

Composed from the day rows `GET /v1/attendance/days` gives, rendered from Jinja templates (HTML with a
plain-text part, Vietnamese) with a CSV attachment (UTF-8 with a byte-order mark, so Excel shows the
diacritics), and returned as a complete MIME message ready for SES and for the archive.
"""

from __future__ import annotations

import csv
import io
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

Kind = Literal["morning", "evening"]
KIND_SLUGS = {"morning": "sang", "evening": "chieu"}  # in attachment names
KIND_TITLES = {"morning": "buổi sáng (sau giờ chấm công đến)", "evening": "buổi chiều (sau giờ chấm công về)"}
# What each report lists by name, in this order; the other statuses are only counted.
EXCEPTIONS = ("absent", "missing_check_in", "missing_check_out", "late", "left_early", "on_leave", "business_trip",
              "work_from_home")
# The exceptions whose rows link to the person's day on the site (with SITE_URL): where the evidence is.
LINKED = ("absent", "missing_check_in", "missing_check_out", "late", "left_early")
CSV_COLUMNS = ("Họ và tên", "Đơn vị", "Ngày", "Trạng thái", "Giờ đến", "Giờ về", "Đi muộn (phút)", "Về sớm (phút)",
               "Ảnh bằng chứng (mã lượt chụp)")

_CONTROL = {"Cc", "Zl", "Zp"}  # control characters, line and paragraph separators
# Cells starting with these are formulas to Excel and LibreOffice (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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
                sent_at: datetime, site_url: str = "") -> EmailMessage:
    context = {"unit": unit, "day": day, "kind": kind, "title": KIND_TITLES[kind], "labels": DAY_STATUS_LABELS,
               "site_url": site_url, "link": _links(site_url, day)}
    # "—", not ":": Python's header folding drops the space after a colon between encoded words
    subject = f"[Chấm công] {unit.unit_name} — báo cáo {KIND_TITLES[kind].split(' (')[0]} ngày {day:%d/%m/%Y}"
    return _message(subject, sender, recipients, sent_at, "daily_unit", context,
                    attachment=(attachment_name(day, kind, unit.unit_name, unit.unit_id), _csv([unit], day)))


def district_report(units: Sequence[UnitDay], day: date, kind: Kind, sender: str, recipients: Sequence[str],
                    sent_at: datetime, spoofs: Sequence[SpoofAttempt] = (), site_url: str = "") -> EmailMessage:
    totals: Counter[str] = Counter()
    for unit in units:
        totals.update(unit.counts)
    context = {"units": units, "day": day, "kind": kind, "title": KIND_TITLES[kind], "totals": totals,
               "exceptions": EXCEPTIONS, "labels": DAY_STATUS_LABELS, "spoofs": spoofs, "site_url": site_url,
               "link": _links(site_url, day)}
    subject = f"[Chấm công] Tổng hợp toàn huyện — báo cáo {KIND_TITLES[kind].split(' (')[0]} ngày {day:%d/%m/%Y}"
    return _message(subject, sender, recipients, sent_at, "daily_district", context,
                    attachment=(attachment_name(day, kind, "Tổng hợp", "district"), _csv(units, day)))


def attachment_name(day: date, kind: Kind, name: str, fallback: str) -> str:
    """cham-cong-2026-11-20-sang-phong-noi-vu.csv: the unit's name in plain ASCII (its id if nothing is left)."""
    return f"cham-cong-{day.isoformat()}-{KIND_SLUGS[kind]}-{ascii_slug(name) or ascii_slug(fallback)}.csv"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, diacritics dropped (đ → d): "Phòng Nội vụ" → "phong-noi-vu"."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(char for char in plain if not unicodedata.combining(char)).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")[:80].rstrip("-")


def _message(subject: str, sender: str, recipients: Sequence[str], sent_at: datetime, template: str,
             context: dict[str, Any], attachment: tuple[str, bytes]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = header_text(subject)
    message["Date"] = format_datetime(sent_at)
    message["From"] = formataddr(("Hệ thống chấm công", sender))
    message["To"] = ", ".join(recipients)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(_templates.get_template(f"{template}.txt.j2").render(context))
    message.add_alternative(_templates.get_template(f"{template}.html.j2").render(context), subtype="html")
    name, data = attachment
    message.add_attachment(data, maintype="text", subtype="csv", filename=header_text(name),
                           params={"charset": "utf-8"})
    return message


def header_text(text: str) -> str:
    """A header value from stored names: a control character (a line break…) becomes a space, never a new header."""
    return "".join(" " if unicodedata.category(char) in _CONTROL else char for char in text)


def csv_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula is shown as text: prefixed with a quote (OWASP)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv(units: Sequence[UnitDay], day: date) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for unit in units:
        for row in unit.rows:
            evidence = row.get("evidence") or {}
            writer.writerow([csv_cell(value) for value in (
                row["full_name"], unit.unit_name, f"{day:%d/%m/%Y}", day_status_label(str(row["status"])),
                row.get("check_in") or "", row.get("check_out") or "", row.get("late_minutes") or "",
                row.get("early_minutes") or "", evidence.get("capture_id", ""))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

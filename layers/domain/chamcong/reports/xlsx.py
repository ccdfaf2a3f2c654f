"""A report as a spreadsheet laid out like an office's paper form (openpyxl), for any report's attachment.

The sheet reads top to bottom as Vietnamese administrative forms do:

    UBND HUYỆN ĐÀ BẮC                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM      ← title block: the superior agency,
    PHÒNG NỘI VỤ                       Độc lập - Tự do - Hạnh phúc                the issuing agency, the motto
                                       Ngày 20 tháng 11 năm 2026                 and the date
                      BÁO CÁO CHẤM CÔNG BUỔI SÁNG                               ← the title, then a subtitle
                      (sau giờ chấm công đến)
    STT | Họ và tên | Giờ chấm công | Số phút        ← the header: a group of columns under one merged heading,
        |           | Đến  | Về     | Muộn | Sớm        the others merged over both header rows
    1   | …                                           ← numbered rows (STT), optionally in titled sections
    Tổng cộng …                                       ← the totals row, its values given by the caller

with thin borders on the table, column widths, the header frozen, and A4 landscape printing that fits the
width of a page and repeats the header rows on every page. A form is data (`Form`); `workbook_bytes` is the
only writer, so the 16:00 and 17:00 reports reuse it with their own columns.

Every text cell is written as text, never as a formula: a stored name such as `=HYPERLINK(…)` shows as typed.
The file is the same bytes for the same form and time (its timestamps are the `created` given).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Literal

from chamcong.schemas.common import XLSX

if TYPE_CHECKING:  # openpyxl is imported when a spreadsheet is written: not on every cold start of the functions
    from openpyxl.styles import Alignment, Border, Font
    from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPE = XLSX
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER_HEADING = "STT"
TOTALS_LABEL = "Tổng cộng"
FONT = "Times New Roman"  # the font of Vietnamese administrative documents (Decree 30/2020/NĐ-CP)
TITLE_ROWS = 7            # the title block, the title, the subtitle and a blank row above the header

# XML 1.0 has no place for these; openpyxl refuses them. A stored name never holds one, but a report must
# not fail on old data: they become spaces.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@cache
def _border() -> Border:
    from openpyxl.styles import Border, Side

    thin = Side(style="thin")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


Align = Literal["left", "center", "right"]
Cell = str | int | float | None


@dataclass(frozen=True)
class Column:
    heading: str
    width: float = 14
    group: str | None = None  # adjacent columns with the same group share one merged heading above theirs
    align: Align = "left"
    number_format: str = "General"  # e.g. "0.0%" for a ratio


@dataclass(frozen=True)
class Section:
    """Rows under a bold title row spanning the table (a unit in a summary); without a title, just rows."""

    rows: Sequence[Sequence[Cell]]
    title: str | None = None
    totals: Sequence[Cell] | None = None  # with Form.nested_numbers: the section's own totals on its title row


@dataclass(frozen=True)
class Form:
    superior: str          # the agency above the issuer, e.g. "UBND huyện Đà Bắc" ("" if none)
    agency: str            # the issuing agency or unit, e.g. "Phòng Nội vụ"
    title: str             # e.g. "Báo cáo chấm công buổi sáng"
    subtitle: str          # e.g. "(sau giờ chấm công đến)"
    day: date
    columns: Sequence[Column]  # after the STT column, which the writer adds
    sections: Sequence[Section]
    totals: Sequence[Cell] | None = None  # one per column (None: blank); the label fills the blanks before
    sheet: str = "Báo cáo"
    totals_label: str = TOTALS_LABEL
    # Numbered as Appendix 2 of document 002: a section's title row "1", its rows "1.1", "1.2"; the title in the
    # first column, the section's totals (if given) in the others.
    nested_numbers: bool = False
    # A summary block under the table (a blank row, its bold title, then one "label | value" row each: the label
    # over the first two columns, the value in the third), e.g. the monthly report's counts per grade.
    summary: Sequence[tuple[str, Cell]] = ()
    summary_title: str = ""

    def __post_init__(self) -> None:
        if self.totals is not None and len(self.totals) != len(self.columns):
            raise ValueError("one total per column")

    @property
    def header_groups(self) -> bool:
        """Two header rows when some columns share a heading, else one."""
        return any(column.group for column in self.columns)


def vietnamese_date(day: date) -> str:
    """"ngày 05 tháng 02 năm 2026", "ngày 20 tháng 11 năm 2026": a day under 10 and the months 1 and 2 take a
    leading zero, as the rules for administrative documents write dates."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def header_rows(form: Form) -> tuple[int, int]:
    """The first and last rows of the table's header (1-based), the rows repeated on every printed page."""
    first = TITLE_ROWS + 1
    return first, first + (1 if form.header_groups else 0)


def workbook_bytes(form: Form, created: datetime, more: Sequence[Form] = ()) -> bytes:
    """The form as an .xlsx file; `more` forms each on a sheet of their own after it (a list that belongs with
    the report but not in its table, e.g. the province summary's who-processed-nothing)."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    for index, one in enumerate([form, *more]):
        _write_sheet(first if index == 0 else book.create_sheet(), one)
    book.properties.creator = book.properties.lastModifiedBy = "Hệ thống chấm công"
    book.properties.title = form.title
    stamp = created if created.tzinfo is None else created.astimezone(UTC).replace(tzinfo=None)
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return _same_timestamps(buffer.getvalue(), stamp)


def _write_sheet(sheet: Worksheet, form: Form) -> None:
    sheet.title = _sheet_title(form.sheet)
    width = len(form.columns) + 1
    _title_block(sheet, form, width)
    first_header, last_header = header_rows(form)
    _header(sheet, form, first_header, last_header)
    row = _body(sheet, form, last_header + 1, width)
    if form.totals is not None:
        _totals(sheet, form, row, width)
        row += 1
    if form.summary:
        row = _summary(sheet, form, row + 1, width)
    sheet.column_dimensions["A"].width = 6
    for index, column in enumerate(form.columns, start=2):
        sheet.column_dimensions[_column_letter(index)].width = column.width
    _print_setup(sheet, form, first_header, last_header, row - 1, width)


def _title_block(sheet: Worksheet, form: Form, width: int) -> None:
    left = max(1, width // 2)  # the agencies on the left, the nation and the date on the right
    right = left + 1 if left < width else left
    # The agency above (plain) and the issuer (bold); without an agency above, the issuer is the first line.
    agencies = [(form.superior.upper(), _font(size=12))] if form.superior else []
    agencies.append((form.agency.upper(), _font(size=12, bold=True)))
    for row, (text, font) in enumerate(agencies, start=1):
        _merged(sheet, row, 1, row, left, text, font, "center")
    for row, text, font in ((1, NATION, _font(size=12, bold=True)), (2, MOTTO, _font(size=13, bold=True)),
                            (3, vietnamese_date(form.day).capitalize(), _font(size=12, italic=True))):
        _merged(sheet, row, right, row, width, text, font, "center")
    _merged(sheet, 5, 1, 5, width, form.title.upper(), _font(size=14, bold=True), "center")
    _merged(sheet, 6, 1, 6, width, form.subtitle, _font(size=12, italic=True), "center")


def _header(sheet: Worksheet, form: Form, first: int, last: int) -> None:
    font = _font(bold=True)
    _merged(sheet, first, 1, last, 1, NUMBER_HEADING, font, "center", border=True)
    index = 0
    while index < len(form.columns):
        column = form.columns[index]
        start = index + 2
        if column.group is None:
            _merged(sheet, first, start, last, start, column.heading, font, "center", border=True)
            index += 1
            continue
        span = 1
        while index + span < len(form.columns) and form.columns[index + span].group == column.group:
            span += 1
        _merged(sheet, first, start, first, start + span - 1, column.group, font, "center", border=True)
        for offset in range(span):
            _write(sheet, last, start + offset, form.columns[index + offset].heading, font, "center", border=True)
        index += span
    for row in range(first, last + 1):
        sheet.row_dimensions[row].height = 30


def _body(sheet: Worksheet, form: Form, row: int, width: int) -> int:
    number = 0
    for section_number, section in enumerate(form.sections, start=1):
        if form.nested_numbers:
            _section_row(sheet, form, section, row, section_number, width)
            row += 1
        elif section.title is not None:
            _merged(sheet, row, 1, row, width, section.title, _font(bold=True), "left", border=True)
            row += 1
        for inner, values in enumerate(section.rows, start=1):
            if len(values) != len(form.columns):
                raise ValueError("one value per column")
            number += 1
            label: Cell = f"{section_number}.{inner}" if form.nested_numbers else number
            _write(sheet, row, 1, label, _font(), "center", border=True)
            for index, (column, value) in enumerate(zip(form.columns, values, strict=True), start=2):
                _write(sheet, row, index, value, _font(), column.align, border=True, number_format=column.number_format)
            row += 1
    return row


def _section_row(sheet: Worksheet, form: Form, section: Section, row: int, number: int, width: int) -> None:
    """A nested section's title row: its number, its title, and its totals (or the title across the table)."""
    font = _font(bold=True)
    _write(sheet, row, 1, str(number), font, "center", border=True)
    if section.totals is None:
        _merged(sheet, row, 2, row, width, section.title or "", font, "left", border=True)
        return
    if len(section.totals) != len(form.columns):
        raise ValueError("one total per column")
    _write(sheet, row, 2, section.title or "", font, "left", border=True)
    for index in range(1, len(form.columns)):
        column = form.columns[index]
        _write(sheet, row, index + 2, section.totals[index], font, column.align, border=True,
               number_format=column.number_format)


def _totals(sheet: Worksheet, form: Form, row: int, width: int) -> None:
    assert form.totals is not None
    font = _font(bold=True)
    # The label spans STT and every blank total before the first value.
    leading = next((index for index, value in enumerate(form.totals) if value is not None), len(form.totals))
    _merged(sheet, row, 1, row, leading + 1, form.totals_label, font, "center", border=True)
    for index in range(leading, len(form.columns)):
        column = form.columns[index]
        _write(sheet, row, index + 2, form.totals[index], font, column.align, border=True,
               number_format=column.number_format)


def _summary(sheet: Worksheet, form: Form, row: int, width: int) -> int:
    """The summary block from `row`; the row after it."""
    if form.summary_title:
        _merged(sheet, row, 1, row, width, form.summary_title, _font(bold=True), "left")
        row += 1
    for label, value in form.summary:
        _merged(sheet, row, 1, row, min(2, width), label, _font(), "left", border=True)
        _write(sheet, row, min(3, width), value, _font(bold=True), "right", border=True)
        row += 1
    return row


def _print_setup(sheet: Worksheet, form: Form, first_header: int, last_header: int, last_row: int,
                 width: int) -> None:
    sheet.freeze_panes = sheet.cell(row=last_header + 1, column=1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"{first_header}:{last_header}"
    sheet.print_area = f"A1:{_column_letter(width)}{max(last_row, last_header)}"
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "Trang &P / &N"


def _merged(sheet: Worksheet, top: int, left: int, bottom: int, right: int, value: Cell, font: Font, align: Align,
            border: bool = False) -> None:
    _write(sheet, top, left, value, font, align, border=border)
    if (top, left) != (bottom, right):
        sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
        if border:  # a merged range shows the borders of all its cells
            for row in range(top, bottom + 1):
                for column in range(left, right + 1):
                    sheet.cell(row=row, column=column).border = _border()


def _write(sheet: Worksheet, row: int, column: int, value: Cell, font: Font, align: Align, border: bool = False,
           number_format: str = "General") -> None:
    cell = sheet.cell(row=row, column=column)
    if value == "":
        value = None
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub(" ", value)
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    else:
        cell.value = value
        cell.number_format = number_format
    cell.font = font
    cell.alignment = _alignment(align)
    if border:
        cell.border = _border()


@cache
def _font(size: int = 12, bold: bool = False, italic: bool = False) -> Font:
    """One object per kind of text (openpyxl keeps a style by value: a cell only refers to it), not one a cell."""
    from openpyxl.styles import Font

    return Font(name=FONT, size=size, bold=bold, italic=italic)


@cache
def _alignment(align: Align) -> Alignment:
    from openpyxl.styles import Alignment

    return Alignment(horizontal=align, vertical="center", wrap_text=True)


def _sheet_title(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", _ILLEGAL.sub(" ", name))[:31].strip() or "Sheet1"


def _same_timestamps(data: bytes, stamp: datetime) -> bytes:
    """The archive again with every member dated `stamp` (zip members carry the time they were written)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    when = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=when)
            copy.compress_type = zipfile.ZIP_DEFLATED
            copy.external_attr = info.external_attr
            target.writestr(copy, source.read(info.filename))
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))

"""A staff spreadsheet's header and rows, read into what each row asks for (pure: cells in, rows out).

The columns are found by their header, in Vietnamese or English, whatever the case, accents or spacing:
"Họ và tên" / full_name, "Đơn vị" / unit, "Mã cán bộ" / employee_code, and the optional "Email", "Nhóm chức
trách" / duty_group (the monthly evaluation's cap is counted per duty group) and "Lãnh đạo" / is_leader (x, có,
1 or yes; không, 0 or no; blank leaves it as it is). The header
is the first row that names the three required columns (a title line above it is allowed). Each data row
becomes a `SheetRow` — what it says, cleaned — or a `RowRefusal` with the code of what is wrong; a code
repeated on several rows refuses every one of them, since the file does not say which is right.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import EmailStr, TypeAdapter, ValidationError

from chamcong.schemas.common import Name
from chamcong.schemas.staff import EMPLOYEE_CODE_PATTERN

REQUIRED = ("full_name", "unit", "employee_code")
OPTIONAL = ("email", "duty_group", "is_leader")
# Folded header text (see `fold`) → the column it names.
HEADERS: dict[str, str] = {
    **dict.fromkeys(("ho va ten", "ho ten", "full name", "fullname", "name"), "full_name"),
    **dict.fromkeys(("don vi", "ma don vi", "ten don vi", "unit", "unit id", "unit name"), "unit"),
    **dict.fromkeys(("ma can bo", "ma cb", "ma nhan vien", "employee code", "staff code", "code"),
                    "employee_code"),
    **dict.fromkeys(("email", "e mail", "thu dien tu", "dia chi email"), "email"),
    **dict.fromkeys(("nhom chuc trach", "nhom", "duty group"), "duty_group"),
    **dict.fromkeys(("lanh dao", "la lanh dao", "leader", "is leader"), "is_leader"),
}
# What a "Lãnh đạo" cell may say (folded); blank: not stated.
_YES = frozenset({"x", "co", "1", "yes", "true"})
_NO = frozenset({"khong", "0", "no", "false"})
_DUTY_GROUP = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Rows searched for the header before giving up (a title and a blank line or two may come first).
HEADER_SEARCH_ROWS = 10

_CODE = re.compile(EMPLOYEE_CODE_PATTERN)
_NAME: TypeAdapter[str] = TypeAdapter(Name)
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)


def fold(text: str) -> str:
    """Lower case, no accents (đ → d), words separated by one space: "Mã  Cán_Bộ" → "ma can bo"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0" (a code typed as 00123 in a text cell keeps its zeros)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


@dataclass(frozen=True)
class Header:
    row: int  # the spreadsheet row it was found on
    columns: dict[str, int]  # column name → 0-based index


class HeaderMissing(Exception):
    """No row among the first few names the required columns."""


def find_header(rows: Iterable[tuple[int, Sequence[Any]]], headers: dict[str, str] | None = None,
                required: Sequence[str] = REQUIRED) -> Header:
    """The first row (of the first HEADER_SEARCH_ROWS) naming every required column; the first of a repeat wins.
    `headers` (folded header text → column; default the staff sheet's) lets another sheet use the same search."""
    headers = HEADERS if headers is None else headers
    for searched, (number, cells) in enumerate(rows):
        if searched >= HEADER_SEARCH_ROWS:
            break
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            name = headers.get(fold(cell_text(cell)))
            if name is not None and name not in columns:
                columns[name] = index
        if all(name in columns for name in required):
            return Header(number, columns)
    raise HeaderMissing


@dataclass(frozen=True)
class SheetRow:
    row: int
    full_name: str
    unit: str  # a unit id or a unit's name, as written (resolved against the caller's units later)
    employee_code: str  # as written
    email: str | None  # None: the cell is blank (an existing person's e-mail is then left as it is)
    duty_group: str | None = None  # None: blank, left as it is (a new person: "chung")
    is_leader: bool | None = None  # None: blank, left as it is (a new person: not a leader)

    @property
    def code_key(self) -> str:
        return self.employee_code.upper()


@dataclass(frozen=True)
class RowRefusal:
    row: int
    code: str
    employee_code: str | None
    full_name: str | None


def is_blank(cells: Sequence[Any]) -> bool:
    return all(cell_text(cell) == "" for cell in cells)


def parse_row(number: int, cells: Sequence[Any], header: Header) -> SheetRow | RowRefusal:
    """One data row, checked in the order a person fixes a row: code, name, unit, e-mail."""

    def text(column: str) -> str:
        index = header.columns.get(column)
        return cell_text(cells[index]) if index is not None and index < len(cells) else ""

    code, name, unit, email = text("employee_code"), text("full_name"), text("unit"), text("email")
    shown_code = code[:32] or None
    shown_name = name[:200] or None
    if not _CODE.match(code):
        return RowRefusal(number, "import_code_invalid", None, shown_name)
    try:
        name = _NAME.validate_python(name)
    except ValidationError:
        return RowRefusal(number, "import_name_invalid", shown_code, None)
    if not unit:
        return RowRefusal(number, "import_unit_missing", shown_code, name)
    if email:
        try:
            email = str(_EMAIL.validate_python(email))
        except ValidationError:
            return RowRefusal(number, "import_email_invalid", shown_code, name)
    group, leads = text("duty_group").lower(), fold(text("is_leader"))
    if group and not _DUTY_GROUP.match(group):
        return RowRefusal(number, "import_duty_group_invalid", shown_code, name)
    if leads and leads not in _YES | _NO:
        return RowRefusal(number, "import_leader_invalid", shown_code, name)
    return SheetRow(number, name, unicodedata.normalize("NFC", unit), code, email or None, group or None,
                    (leads in _YES) if leads else None)


def parse_rows(rows: Iterable[tuple[int, Sequence[Any]]], header: Header) -> list[SheetRow | RowRefusal]:
    """Every non-blank row below the header, in order; a code on several rows refuses each of them."""
    parsed = [parse_row(number, cells, header) for number, cells in rows
              if number > header.row and not is_blank(cells)]
    counts = Counter(row.code_key for row in parsed if isinstance(row, SheetRow))
    return [RowRefusal(row.row, "import_code_repeated", row.employee_code, row.full_name)
            if isinstance(row, SheetRow) and counts[row.code_key] > 1 else row
            for row in parsed]


def unit_name_key(name: str) -> str:
    """How a unit's name in a sheet is compared with the units' names: same letters and accents, any case."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())

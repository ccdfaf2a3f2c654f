"""Base classes and shared value types of the HTTP contract.

- `Body`: a request body. Unknown fields are refused, and the router validates it strictly from the raw JSON:
  `{"date": 0}` is not a date and `"working": 0` is not a boolean.
- `Query`: a query string. Unknown parameters are refused (a misspelt filter must not be silently ignored).
- `View`: a response. Unknown fields are refused too: the router checks every answer against its model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"
MONTH_PATTERN = r"^20\d\d-(0[1-9]|1[0-2])$"  # within the days the product holds (FIRST_DAY … LAST_DAY)
# Days the product can hold: wide enough for any record, narrow enough that date arithmetic never overflows.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGITS = re.compile(r"^[0-9]{1,9}$")
# Control, format, surrogate, private-use and unassigned characters, and line/paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class View(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _iso_day(value: Any) -> Any:
    """YYYY-MM-DD and nothing else (no times, no week dates, no numbers); read here so strict mode accepts it."""
    if isinstance(value, str):
        if not _ISO_DAY.match(value):
            raise ValueError("a date is written YYYY-MM-DD")
        return date.fromisoformat(value)  # an impossible date (2026-02-30) raises ValueError: a 400
    return value


def _digits(value: Any) -> Any:
    if isinstance(value, str):
        if not _DIGITS.match(value):
            raise ValueError("a whole number in digits 0-9")
        return int(value)
    return value


def _clean(text: str, allowed: frozenset[str]) -> str:
    """Unicode NFC (one way to write each Vietnamese letter) and no invisible or control characters."""
    text = unicodedata.normalize("NFC", text)
    for character in text:
        if character not in allowed and unicodedata.category(character) in _REFUSED_CATEGORIES:
            raise ValueError("control or invisible characters are not allowed")
    return text


def _clean_line(text: str) -> str:
    return _clean(text, frozenset())


def _clean_text(text: str) -> str:
    return _clean(text, frozenset("\n\t"))


Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=128)]
Username = Annotated[str, Field(pattern=USERNAME_PATTERN, max_length=64)]
# One line, as a name is shown in e-mail subjects, file names and tables.
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean_line)]
# Free text a person writes (a reason, a note): lines and tabs allowed, other control characters not.
Text = Annotated[str, Field(min_length=3, max_length=500), AfterValidator(_clean_text)]
Day = Annotated[date, BeforeValidator(_iso_day), Field(ge=FIRST_DAY, le=LAST_DAY,
                                                       description="YYYY-MM-DD, 2000-01-01 … 2099-12-31")]
Month = Annotated[str, Field(pattern=MONTH_PATTERN, description="YYYY-MM")]
Limit = Annotated[int, BeforeValidator(_digits)]


@dataclass(frozen=True)
class FileResult:
    """An answer that is a file rather than JSON: a download (with a file name) or a page shown inline."""

    body: str | bytes
    content_type: str
    filename: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def textual(self) -> bool:
        return is_textual(self.content_type)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # a report's spreadsheet


def is_textual(content_type: str) -> bool:
    """Whether API Gateway carries an answer of this type as text; any other is binary (see `BinaryMediaTypes`)."""
    kind = content_type.split(";")[0].strip()
    return kind.startswith("text/") or kind in {"application/javascript", "message/rfc822", "application/json"}


class Error(View):
    code: str = Field(description="Machine-readable, stable; see the x-error-codes of each operation")
    message: str = Field(description="For people: Vietnamese, or English with Accept-Language: en")
    details: dict[str, Any] | None = None

"""A staff spreadsheet's header and rows, by table: what a unit admin types, what the import understands."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chamcong.rules.staff_sheet import (
    Header,
    HeaderMissing,
    RowRefusal,
    SheetRow,
    cell_text,
    find_header,
    fold,
    parse_row,
    parse_rows,
    unit_name_key,
)


@pytest.mark.parametrize(("written", "folded"), [
    ("Họ và tên", "ho va ten"),
    ("HỌ VÀ TÊN", "ho va ten"),
    ("  Mã  cán_bộ ", "ma can bo"),
    ("Đơn vị", "don vi"),
    ("Ho va ten", "ho va ten"),  # typed without accents
    ("full_name", "full name"),
    ("E-mail", "e mail"),
    ("Mã cán bộ (*)", "ma can bo"),
    ("", ""),
])
def test_headers_fold_case_accents_and_spacing(written: str, folded: str) -> None:
    assert fold(written) == folded


@pytest.mark.parametrize(("value", "text"), [
    (None, ""),
    ("  DB-01 ", "DB-01"),
    (1004, "1004"),
    (1004.0, "1004"),  # a number cell Excel stored as a float
    (12.5, "12.5"),
    ("00123", "00123"),  # a text cell keeps its leading zeros
    (True, "TRUE"),
    (date(2026, 1, 2), "2026-01-02"),
])
def test_cells_read_as_the_person_sees_them(value: Any, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(("rows", "expected"), [
    ([(1, ["Họ và tên", "Đơn vị", "Mã cán bộ", "Email"])],
     Header(1, {"full_name": 0, "unit": 1, "employee_code": 2, "email": 3})),
    ([(1, ["employee_code", "FULL NAME", "unit"])], Header(1, {"employee_code": 0, "full_name": 1, "unit": 2})),
    # a title and a blank line above the header; unknown columns around it
    ([(1, ["DANH SÁCH CÁN BỘ"]), (2, []), (3, ["STT", "Mã CB", "Ho ten", "Tên đơn vị", "Ghi chú"])],
     Header(3, {"employee_code": 1, "full_name": 2, "unit": 3})),
    # a repeated column: the first one counts
    ([(1, ["Họ và tên", "Họ tên", "Đơn vị", "Mã cán bộ"])], Header(1, {"full_name": 0, "unit": 2, "employee_code": 3})),
])
def test_the_header_is_the_first_row_naming_the_required_columns(rows: list[tuple[int, list[Any]]],
                                                                  expected: Header) -> None:
    assert find_header(rows) == expected


@pytest.mark.parametrize("rows", [
    [],
    [(1, ["Họ và tên", "Đơn vị"])],  # no code column
    [(1, ["Nguyễn Văn A", "Phòng Nội vụ", "NV-1"])],  # data, no header
    [(n, []) for n in range(1, 11)] + [(11, ["Họ và tên", "Đơn vị", "Mã cán bộ"])],  # too far down
])
def test_no_header_is_refused(rows: list[tuple[int, list[Any]]]) -> None:
    with pytest.raises(HeaderMissing):
        find_header(rows)


HEADER = Header(1, {"full_name": 0, "unit": 1, "employee_code": 2, "email": 3})


@pytest.mark.parametrize(("cells", "expected"), [
    (["Nguyễn Văn An", "Phòng Nội vụ", "NV-01", "an@dabac.gov.vn"],
     SheetRow(2, "Nguyễn Văn An", "Phòng Nội vụ", "NV-01", "an@dabac.gov.vn")),
    (["  Lò Thị Ánh ", "unit_1", 1004, None], SheetRow(2, "Lò Thị Ánh", "unit_1", "1004", None)),
    # a name written with decomposed accents is stored composed (NFC)
    (["Nguye\u0302\u0303n", "Phòng", "a.b_c-d", ""], SheetRow(2, "Nguyễn", "Phòng", "a.b_c-d", None)),
    (["Nguyễn Văn An", "Phòng Nội vụ"], RowRefusal(2, "import_code_invalid", None, "Nguyễn Văn An")),  # short row
    (["Nguyễn Văn An", "Phòng Nội vụ", "NV 01"], RowRefusal(2, "import_code_invalid", None, "Nguyễn Văn An")),
    (["Nguyễn Văn An", "Phòng Nội vụ", "mã-01"], RowRefusal(2, "import_code_invalid", None, "Nguyễn Văn An")),
    (["Nguyễn Văn An", "Phòng Nội vụ", "X" * 33], RowRefusal(2, "import_code_invalid", None, "Nguyễn Văn An")),
    (["", "Phòng Nội vụ", "NV-01"], RowRefusal(2, "import_name_invalid", "NV-01", None)),
    (["Nguyễn\u200bVăn", "Phòng Nội vụ", "NV-01"], RowRefusal(2, "import_name_invalid", "NV-01", None)),
    (["A" * 201, "Phòng Nội vụ", "NV-01"], RowRefusal(2, "import_name_invalid", "NV-01", None)),
    (["Nguyễn Văn An", "", "NV-01"], RowRefusal(2, "import_unit_missing", "NV-01", "Nguyễn Văn An")),
    (["Nguyễn Văn An", "Phòng", "NV-01", "an@"], RowRefusal(2, "import_email_invalid", "NV-01", "Nguyễn Văn An")),
])
def test_a_row_is_read_or_refused_with_what_to_fix(cells: list[Any], expected: SheetRow | RowRefusal) -> None:
    assert parse_row(2, cells, HEADER) == expected


def test_blank_rows_are_skipped_and_a_code_on_two_rows_refuses_both() -> None:
    rows = [(1, ["Họ và tên", "Đơn vị", "Mã cán bộ", "Email"]),
            (2, ["Hà Văn A", "P1", "NV-1", None]),
            (3, [None, "", None, None]),
            (4, ["Hà Văn B", "P1", "nv-1", None]),
            (5, ["Hà Văn C", "P1", "NV-2", None])]
    parsed = parse_rows(rows, find_header(rows))
    assert parsed == [RowRefusal(2, "import_code_repeated", "NV-1", "Hà Văn A"),
                      RowRefusal(4, "import_code_repeated", "nv-1", "Hà Văn B"),
                      SheetRow(5, "Hà Văn C", "P1", "NV-2", None)]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Phòng Nội vụ", "phòng nội vụ", True),
    ("Phòng  Nội vụ ", "Phòng Nội vụ", True),
    ("Phòng Nội vụ", "Phong Noi vu", False),  # accents matter in a unit's name
    ("Tổ một cửa", "To\u0302\u0309 mo\u0302\u0323t cu\u031b\u0309a", True),  # composed or not
])
def test_unit_names_compare_in_any_case_but_with_their_accents(a: str, b: str, same: bool) -> None:
    assert (unit_name_key(a) == unit_name_key(b)) is same


EVALUATION_HEADER = Header(1, {"full_name": 0, "unit": 1, "employee_code": 2, "duty_group": 3, "is_leader": 4})


@pytest.mark.parametrize(("cells", "expected"), [
    # blank: left as it is (a new person: the general group, not a leader)
    (["Hà Thị Thu", "Phòng", "NV-01", "", ""], SheetRow(2, "Hà Thị Thu", "Phòng", "NV-01", None, None, None)),
    (["Hà Thị Thu", "Phòng", "NV-01", "Chuyen-Vien", "x"],
     SheetRow(2, "Hà Thị Thu", "Phòng", "NV-01", None, "chuyen-vien", True)),
    (["Hà Thị Thu", "Phòng", "NV-01", "lanh-dao", "Có"],
     SheetRow(2, "Hà Thị Thu", "Phòng", "NV-01", None, "lanh-dao", True)),
    (["Hà Thị Thu", "Phòng", "NV-01", None, "không"], SheetRow(2, "Hà Thị Thu", "Phòng", "NV-01", None, None, False)),
    (["Hà Thị Thu", "Phòng", "NV-01", None, 0], SheetRow(2, "Hà Thị Thu", "Phòng", "NV-01", None, None, False)),
    (["Hà Thị Thu", "Phòng", "NV-01", "Chuyên viên", ""],
     RowRefusal(2, "import_duty_group_invalid", "NV-01", "Hà Thị Thu")),
    (["Hà Thị Thu", "Phòng", "NV-01", "", "trưởng phòng"],
     RowRefusal(2, "import_leader_invalid", "NV-01", "Hà Thị Thu")),
])
def test_the_duty_group_and_leader_columns_are_optional_and_checked(cells: list[Any],
                                                                   expected: SheetRow | RowRefusal) -> None:
    assert parse_row(2, cells, EVALUATION_HEADER) == expected


def test_the_evaluation_columns_are_found_by_their_vietnamese_headers() -> None:
    rows = [(1, ["Họ và tên", "Đơn vị", "Mã cán bộ", "Nhóm chức trách", "Lãnh đạo"])]
    assert find_header(rows).columns == {"full_name": 0, "unit": 1, "employee_code": 2, "duty_group": 3,
                                         "is_leader": 4}

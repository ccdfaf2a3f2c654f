"""A report's spreadsheet laid out like an office's form: GIVEN a form or a day, WHEN written, THEN opened in a
spreadsheet program it reads cell by cell as the paper form does."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from chamcong.reports.daily import UnitDay, district_report, unit_report
from chamcong.reports.xlsx import CONTENT_TYPE, Column, Form, Section, vietnamese_date, workbook_bytes

FRIDAY = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 1, 15, tzinfo=UTC)  # 08:15 in Ha Noi


def opened(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def merged(sheet: Worksheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def values(sheet: Worksheet, row: int) -> list[Any]:
    return [cell.value for cell in sheet[row]]


WFH_LIKE = Form(superior="UBND huyện Đà Bắc", agency="Phòng Nội vụ", title="Kết quả xử lý công việc",
                subtitle="(cán bộ làm việc tại nhà)", day=date(2026, 2, 5),
                columns=[Column("Họ và tên", 28), Column("Số việc được giao", 12, align="right"),
                         Column("Số lượng", 10, group="Đã xử lý", align="right"),
                         Column("Tỉ lệ", 10, group="Đã xử lý", align="right", number_format="0.0%"),
                         Column("Số lượng", 10, group="Chưa xử lý", align="right"),
                         Column("Tỉ lệ", 10, group="Chưa xử lý", align="right", number_format="0.0%")],
                sections=[Section([["Nguyễn Văn An", 4, 3, 0.75, 1, 0.25], ["Trần Thị Bình", 2, 2, 1.0, 0, 0.0]])],
                totals=[None, 6, 5, 5 / 6, 1, 1 / 6])


def test_a_form_has_its_title_block_grouped_header_numbered_rows_and_totals() -> None:
    # WHEN a form with two groups of columns (Đã xử lý, Chưa xử lý) is written and opened
    sheet = opened(workbook_bytes(WFH_LIKE, AT))
    # THEN the title block names the agencies on the left and the nation, motto and date on the right
    assert values(sheet, 1)[0] == "UBND HUYỆN ĐÀ BẮC" and values(sheet, 1)[3] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert values(sheet, 2)[0] == "PHÒNG NỘI VỤ" and values(sheet, 2)[3] == "Độc lập - Tự do - Hạnh phúc"
    assert values(sheet, 3)[3] == "Ngày 05 tháng 02 năm 2026"
    assert sheet["A2"].font.b and not sheet["A1"].font.b and sheet["D1"].font.b
    # and the title and subtitle span the table
    assert (sheet["A5"].value, sheet["A6"].value) == ("KẾT QUẢ XỬ LÝ CÔNG VIỆC", "(cán bộ làm việc tại nhà)")
    assert {"A1:C1", "A2:C2", "D1:G1", "D2:G2", "D3:G3", "A5:G5", "A6:G6"} <= merged(sheet)
    # and the header has "Đã xử lý" and "Chưa xử lý" each over its two columns; the others over both header rows
    assert values(sheet, 8) == ["STT", "Họ và tên", "Số việc được giao", "Đã xử lý", None, "Chưa xử lý", None]
    assert values(sheet, 9) == [None, None, None, "Số lượng", "Tỉ lệ", "Số lượng", "Tỉ lệ"]
    assert {"A8:A9", "B8:B9", "C8:C9", "D8:E8", "F8:G8"} <= merged(sheet)
    # and the rows are numbered, with the ratios shown as percentages
    assert values(sheet, 10) == [1, "Nguyễn Văn An", 4, 3, 0.75, 1, 0.25]
    assert values(sheet, 11) == [2, "Trần Thị Bình", 2, 2, 1.0, 0, 0.0]
    assert sheet["E10"].number_format == "0.0%"
    # and the totals row is labelled over STT and the name, with its values under their columns
    assert values(sheet, 12) == ["Tổng cộng", None, 6, 5, pytest.approx(5 / 6), 1, pytest.approx(1 / 6)]
    assert "A12:B12" in merged(sheet) and sheet["A12"].font.b
    assert sheet.max_row == 12
    # and the table has borders, the title block none
    assert sheet["G12"].border.bottom.style == "thin" and sheet["B9"].border.left.style == "thin"
    assert sheet["A1"].border.bottom.style is None


def test_a_form_prints_on_a4_landscape_repeating_its_header_with_its_column_widths() -> None:
    sheet = opened(workbook_bytes(WFH_LIKE, AT))
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == "$8:$9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.freeze_panes == "A10"
    assert [sheet.column_dimensions[letter].width for letter in "ABCDEFG"] == [6, 28, 12, 10, 10, 10, 10]


def test_a_form_without_groups_has_one_header_row_and_sections_have_title_rows() -> None:
    # GIVEN a form of plain columns, its rows in two titled sections, without totals
    form = Form(superior="", agency="UBND huyện Đà Bắc", title="Danh sách", subtitle="", day=FRIDAY,
                columns=[Column("Họ và tên"), Column("Ghi chú")],
                sections=[Section([["A", "x"]], title="Phòng Nội vụ"), Section([["B", ""]], title="Phòng Y tế")])
    sheet = opened(workbook_bytes(form, AT))
    # THEN the agency is the first line, the header one row, and the numbers run on across the sections
    assert sheet["A1"].value == "UBND HUYỆN ĐÀ BẮC" and sheet["A1"].font.b
    assert values(sheet, 8) == ["STT", "Họ và tên", "Ghi chú"] and sheet.print_title_rows == "$8:$8"
    assert [values(sheet, row) for row in range(9, 13)] == [
        ["Phòng Nội vụ", None, None], [1, "A", "x"], ["Phòng Y tế", None, None], [2, "B", None]]
    assert {"A9:C9", "A11:C11"} <= merged(sheet)


def test_the_same_form_at_the_same_time_is_the_same_file() -> None:
    # WHEN the same form is written twice (a report re-composed)
    first, second = workbook_bytes(WFH_LIKE, AT), workbook_bytes(WFH_LIKE, AT)
    # THEN the bytes are the same, dated when the report was made
    assert first == second
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {(2026, 11, 20, 1, 15, 0)}
    assert load_workbook(io.BytesIO(first)).properties.created == datetime(2026, 11, 20, 1, 15)


def test_a_control_character_in_stored_text_does_not_stop_the_report() -> None:
    form = Form(superior="", agency="Phòng\x0bNội vụ", title="T", subtitle="", day=FRIDAY,
                columns=[Column("Họ và tên")], sections=[Section([["Nguyễn\x00Văn An"]])], sheet="a/b:c")
    sheet = opened(workbook_bytes(form, AT))
    assert sheet["A1"].value == "PHÒNG NỘI VỤ" and sheet["B9"].value == "Nguyễn Văn An"
    assert sheet.title == "a b c"


def test_a_form_refuses_rows_and_totals_that_do_not_match_its_columns() -> None:
    with pytest.raises(ValueError):
        Form(superior="", agency="x", title="t", subtitle="", day=FRIDAY, columns=[Column("a")], sections=[],
             totals=[1, 2])
    with pytest.raises(ValueError):
        workbook_bytes(Form(superior="", agency="x", title="t", subtitle="", day=FRIDAY, columns=[Column("a")],
                            sections=[Section([["1", "2"]])]), AT)


@pytest.mark.parametrize(("day", "written"), [
    (date(2026, 1, 1), "ngày 01 tháng 01 năm 2026"),
    (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (date(2026, 11, 20), "ngày 20 tháng 11 năm 2026"),
])
def test_dates_are_written_as_administrative_documents_write_them(day: date, written: str) -> None:
    assert vietnamese_date(day) == written


# --- the daily reports' attachment -------------------------------------------------------------------------

def person(name: str, status: str, flags: tuple[str, ...] = (), **times: Any) -> dict[str, Any]:
    return {"staff_id": f"stf_{name[:3]}", "full_name": name, "date": FRIDAY.isoformat(), "status": status,
            "flags": list(flags), "check_in": times.get("check_in"), "check_out": times.get("check_out"),
            "late_minutes": times.get("late_minutes", 0), "early_minutes": times.get("early_minutes", 0),
            "holiday": None, "evidence": times.get("evidence")}


NOI_VU = UnitDay("unit_nv", "Phòng Nội vụ", [
    person("Nguyễn Văn An", "on_time", check_in="07:20:00"),
    person("Trần Thị Bình", "late", ("late",), check_in="07:44:00", late_minutes=14,
           evidence={"capture_id": "cap_0001"}),
    person("Lê Văn Cường", "missing_check_in"),
])
Y_TE = UnitDay("unit_yt", "Phòng Y tế", [person("Đặng Thu Hà", "late", ("late",), check_in="07:35:00",
                                                late_minutes=5)])


def attachment(message: Any) -> tuple[str, Worksheet]:
    found = next(p for p in message.iter_attachments())
    assert found.get_content_type() == CONTENT_TYPE
    return found.get_filename(), opened(found.get_payload(decode=True))


def test_a_units_morning_attachment_reads_like_the_form_with_the_late_person_and_the_totals() -> None:
    # GIVEN Phòng Nội vụ's morning: one on time, Trần Thị Bình 14 minutes late, one not seen
    # WHEN its report is composed
    name, sheet = attachment(unit_report(NOI_VU, FRIDAY, "morning", "s@x.vn", ["a@x.vn"], AT,
                                         superior="UBND huyện Đà Bắc"))
    # THEN the spreadsheet is named after the unit, and its title block says whose it is, what and when
    assert name == "cham-cong-2026-11-20-sang-phong-noi-vu.xlsx"
    assert (sheet["A1"].value, sheet["A2"].value, sheet["E3"].value) == (
        "UBND HUYỆN ĐÀ BẮC", "PHÒNG NỘI VỤ", "Ngày 20 tháng 11 năm 2026")
    assert sheet["A5"].value == "BÁO CÁO CHẤM CÔNG BUỔI SÁNG"
    assert sheet["A6"].value == "(sau giờ chấm công đến, ngày 20/11/2026)"
    # and its header groups the times under "Giờ chấm công" and the minutes under "Số phút"
    assert values(sheet, 8) == ["STT", "Họ và tên", "Trạng thái", "Giờ chấm công", None, "Số phút", None,
                                "Ảnh bằng chứng (mã lượt chụp)"]
    assert values(sheet, 9) == [None, None, None, "Đến", "Về", "Đi muộn", "Về sớm", None]
    assert {"D8:E8", "F8:G8", "A8:A9", "H8:H9"} <= merged(sheet)
    # and each person has a numbered row; the late one with her minutes and the evidence's capture
    assert [values(sheet, row) for row in (10, 11, 12)] == [
        [1, "Nguyễn Văn An", "Đúng giờ", "07:20:00", None, None, None, None],
        [2, "Trần Thị Bình", "Đi muộn", "07:44:00", None, 14, None, "cap_0001"],
        [3, "Lê Văn Cường", "Thiếu giờ đến", None, None, None, None, None]]
    # and the totals row counts the people, those who checked in and out, and the minutes late and early
    assert values(sheet, 13) == ["Tổng cộng (3 người)", None, None, 2, 0, 14, 0, None]
    assert sheet.max_row == 13 and sheet.title == "sang-2026-11-20"


def test_the_district_summary_attachment_has_a_row_per_unit_above_its_people_numbered_throughout() -> None:
    # WHEN the evening summary of two units is composed
    name, sheet = attachment(district_report([NOI_VU, Y_TE], FRIDAY, "evening", "s@x.vn", ["b@x.vn"], AT,
                                             agency="UBND huyện Đà Bắc"))
    assert name == "cham-cong-2026-11-20-chieu-tong-hop.xlsx"
    assert sheet["A1"].value == "UBND HUYỆN ĐÀ BẮC"
    assert sheet["A5"].value == "TỔNG HỢP CHẤM CÔNG TOÀN HUYỆN BUỔI CHIỀU"
    assert sheet["A6"].value == "(sau giờ chấm công về, ngày 20/11/2026)"
    # THEN each unit is a title row over its people, and the numbers run across the units
    assert [values(sheet, row)[:3] for row in range(10, 16)] == [
        ["Phòng Nội vụ (3 người)", None, None], [1, "Nguyễn Văn An", "Đúng giờ"], [2, "Trần Thị Bình", "Đi muộn"],
        [3, "Lê Văn Cường", "Thiếu giờ đến"], ["Phòng Y tế (1 người)", None, None], [4, "Đặng Thu Hà", "Đi muộn"]]
    assert {"A10:H10", "A14:H14"} <= merged(sheet)
    # and the totals are the district's
    assert values(sheet, 16) == ["Tổng cộng (4 người)", None, None, 3, 0, 19, 0, None]

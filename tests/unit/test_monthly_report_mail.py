"""The monthly report's e-mails and their XLSX, opened and checked cell by cell."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from openpyxl import load_workbook

from chamcong.reports import monthly
from chamcong.rules.monthly_report import Item, assemble, unit_report

MONTH = "2026-11"
SENT = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
TODAY = date(2026, 12, 4)  # self-assessment overdue (3 Dec), review due tomorrow (5 Dec)


def computed(general: str, quantity: str, quality: str, timeliness: str, points: str,
             unit: str | None = None) -> dict[str, Any]:
    def percent(share: str) -> str:
        return f"{float(share) * 100:.2f}"
    return {"general": {"points": general, "criteria": [{"code": "discipline", "points": general}]},
            "tasks": {"quantity_percent": percent(quantity), "quality_percent": percent(quality),
                      "timeliness_percent": percent(timeliness), "points": points},
            "unit": {"points": unit} if unit else None, "disqualified_by": []}


ITEMS = [
    Item("s1", "Nguyễn Văn An", "locked", "95.50", "excellent", "excellent", is_leader=True,
         computed=computed("28.00", "1.00", "1.00", "0.91", "67.50", unit="66.00")),
    Item("s2", "Trần Thị Bình", "locked", "92.00", "excellent", "good", duty_group="chuyên môn",
         computed=computed("27.00", "1.00", "0.95", "0.90", "65.00"), cap={"demoted": True, "reason": "cap"}),
    Item("s3", "Lê Văn Cường", "self_assessed", "89.99", "good",
         computed=computed("25.00", "0.90", "0.90", "0.95", "64.99")),
    Item("s4", "Phạm Thu Dung", "draft", "49.99", "not_completed",
         computed=computed("20.00", "0.50", "0.40", "0.25", "29.99")),
]


def _report() -> Any:
    return unit_report("u1", "Phòng Nội vụ", MONTH, ITEMS, [("s5", "Đặng Văn Em")], TODAY)


def _attachment(message: EmailMessage) -> tuple[str, Any]:
    part = next(p for p in message.walk() if p.get_filename())
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_filename()), load_workbook(io.BytesIO(payload))


def _text(message: EmailMessage, kind: str) -> str:
    body = message.get_body(preferencelist=(kind,))
    assert body is not None
    return str(body.get_content())


def test_the_unit_s_xlsx_is_the_offices_summary_form_cell_by_cell() -> None:
    # GIVEN a unit's month: two approved (one demoted by the cap), one self-assessed, one draft, one never computed
    message = monthly.unit_report(_report(), "chamcong@example.gov.vn", ["lanhdao@example.gov.vn"], SENT,
                                  superior="UBND huyện Đà Bắc")
    name, book = _attachment(message)
    # THEN the file is named for the month and the unit
    assert name == "danh-gia-xep-loai-2026-11-phong-noi-vu.xlsx"
    sheet = book.worksheets[0]
    # AND the title block and title are the form's
    assert sheet["A1"].value == "UBND HUYỆN ĐÀ BẮC" and sheet["A2"].value == "PHÒNG NỘI VỤ"
    assert sheet["A5"].value == "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ, CÔNG CHỨC THÁNG 11/2026"
    assert "Nghị định số 335/2025/NĐ-CP" in sheet["A6"].value
    # AND the header: the task result's four columns under one heading
    assert [sheet.cell(8, c).value for c in range(1, 14)] == [
        "STT", "Họ và tên", "Chức vụ/nhóm", "Tiêu chí chung (/30)", "Kết quả nhiệm vụ (/70)", None, None, None,
        "Điểm đơn vị (lãnh đạo)", "Tổng điểm", "Xếp loại theo điểm", "Xếp loại sau giới hạn tỷ lệ", "Ghi chú"]
    assert [sheet.cell(9, c).value for c in range(5, 9)] == ["Số lượng", "Chất lượng", "Tiến độ", "Điểm"]
    # AND one row per person evaluated, every part of the score
    assert [sheet.cell(10, c).value for c in range(1, 14)] == [
        1, "Nguyễn Văn An", "Lãnh đạo — nhóm chung", 28.0, 1.0, 1.0, 0.91, 67.5, 66.0, 95.5,
        "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ", None]
    assert [sheet.cell(11, c).value for c in (2, 3, 10, 11, 12, 13)] == [
        "Trần Thị Bình", "Công chức — nhóm chuyên môn", 92.0, "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ", "Hạ từ Hoàn thành xuất sắc do giới hạn tỷ lệ"]
    # 89.99 stays 89.99 (shown with two decimals, never rounded up to 90.00)
    assert sheet.cell(12, 10).value == 89.99 and sheet.cell(12, 10).number_format == "0.00"
    assert [sheet.cell(12, c).value for c in (11, 12, 13)] == [
        "Hoàn thành tốt nhiệm vụ", "Chưa phê duyệt", "Chưa phê duyệt (đã tự đánh giá)"]
    assert sheet.cell(13, 2).value == "Phạm Thu Dung" and sheet.cell(13, 9).value is None  # no unit component
    assert sheet.cell(14, 2).value is None  # Đặng Văn Em has no evaluation: not a row, but behind (next sheet)
    # AND the counts per grade under the table, by the score and after the cap
    block = {sheet.cell(r, 1).value: sheet.cell(r, 3).value for r in range(15, 30) if sheet.cell(r, 1).value}
    assert block["Tổng hợp xếp loại"] is None
    assert block["Số người được đánh giá"] == 4
    assert block["Hoàn thành xuất sắc nhiệm vụ (theo điểm)"] == 2
    assert block["Hoàn thành xuất sắc nhiệm vụ (sau giới hạn tỷ lệ)"] == 1
    assert block["Hoàn thành tốt nhiệm vụ (sau giới hạn tỷ lệ)"] == 2
    assert block["Không hoàn thành nhiệm vụ (theo điểm)"] == 1
    assert block["Hạ từ Hoàn thành xuất sắc do giới hạn tỷ lệ"] == 1
    assert block["Chưa phê duyệt"] == 2
    assert block["Chưa hoàn thành bước"] == 3 and block["Trong đó quá hạn"] == 2
    # AND the second sheet lists who has not finished which step, its deadline, overdue or not
    pending = book["Chưa hoàn thành bước"]
    rows = [[pending.cell(r, c).value for c in range(2, 9)] for r in range(9, 12)]
    assert rows == [
        ["Đặng Văn Em", "Phòng Nội vụ", "Chưa tính điểm", "Tính điểm (bản nháp)", "Lãnh đạo trực tiếp",
         "03/12/2026", "Có"],
        ["Phạm Thu Dung", "Phòng Nội vụ", "Bản nháp", "Tự đánh giá", "Cán bộ tự đánh giá", "03/12/2026", "Có"],
        ["Lê Văn Cường", "Phòng Nội vụ", "Đã tự đánh giá", "Nhận xét, đánh giá", "Lãnh đạo trực tiếp",
         "05/12/2026", "Không"]]


def test_the_unit_s_e_mail_tells_the_distribution_the_cap_s_effect_and_who_is_behind() -> None:
    message = monthly.unit_report(_report(), "chamcong@example.gov.vn", ["lanhdao@example.gov.vn"], SENT)
    assert message["Subject"] == "[Chấm công] Phòng Nội vụ — kết quả đánh giá, xếp loại tháng 11/2026"
    text = _text(message, "plain")
    assert "- Hoàn thành xuất sắc nhiệm vụ: 2 theo điểm, 1 sau giới hạn tỷ lệ" in text
    assert "1 người chuyển từ Hoàn thành xuất sắc sang Hoàn thành tốt nhiệm vụ" in text
    assert "Trần Thị Bình (92.00 điểm)" in text
    assert "Đặng Văn Em: Tính điểm (bản nháp) (Lãnh đạo trực tiếp), hạn 03/12/2026, quá hạn" in text
    html = _text(message, "html")
    assert "Trần Thị Bình" in html and "3 người, 2 quá hạn" in html


def test_the_district_workbook_has_a_summary_a_sheet_per_unit_and_who_is_behind() -> None:
    # GIVEN two units
    other = unit_report("u2", "Phòng Y tế", MONTH, [Item("s9", "Bùi Văn Khoa", "locked", "75.00", "good", "good",
                                                          computed=computed("25", "1", "1", "1", "50"))], [], TODAY)
    district = assemble(MONTH, [_report(), other])
    message = monthly.district_report(district, "chamcong@example.gov.vn", ["noivu@example.gov.vn"], SENT,
                                      agency="UBND huyện Đà Bắc")
    name, book = _attachment(message)
    assert name == "danh-gia-xep-loai-2026-11-tong-hop.xlsx"
    # THEN the first sheet has a row per unit: people, counts by the score and after the cap, demoted, behind
    first = book.worksheets[0]
    assert [first.cell(10, c).value for c in range(1, 15)] == [1, "Phòng Nội vụ", 4, 2, 1, 0, 1, 1, 2, 0, 1, 1, 3, 2]
    assert [first.cell(11, c).value for c in range(2, 15)] == ["Phòng Y tế", 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert first.cell(12, 1).value == "Tổng cộng (2 đơn vị)"
    assert [first.cell(12, c).value for c in range(3, 15)] == [5, 2, 2, 0, 1, 1, 3, 0, 1, 1, 3, 2]
    # AND a sheet per unit, then every unit's pending steps
    assert book.sheetnames[1:] == ["1. Phòng Nội vụ", "2. Phòng Y tế", "Chưa hoàn thành bước"]
    assert book["2. Phòng Y tế"]["B10"].value == "Bùi Văn Khoa"
    assert book["Chưa hoàn thành bước"].cell(11, 2).value == "Lê Văn Cường"
    text = _text(message, "plain")
    assert "2 đơn vị, 5 người được đánh giá" in text
    assert "2. Phòng Y tế: 1 người;" in text


def test_a_month_split_between_two_units_shows_in_both_reports() -> None:
    # GIVEN Trần Thị Bình moved from Phòng Y tế to Phòng Nội vụ on 16 November: evaluated in Phòng Nội vụ
    from chamcong.rules.monthly_report import MovedOut

    moved_in = {"s2": [("Phòng Y tế", date(2026, 11, 1), date(2026, 11, 15))]}
    here = unit_report("u1", "Phòng Nội vụ", MONTH, ITEMS, [], TODAY, moved_in=moved_in)
    left = unit_report("u2", "Phòng Y tế", MONTH, [], [], TODAY, moved_out=[
        MovedOut("s2", "Trần Thị Bình", date(2026, 11, 1), date(2026, 11, 15), "u1", "Phòng Nội vụ",
                 Decimal("92.00"), "excellent", "good")])
    # THEN her row in Phòng Nội vụ notes the other unit and its days
    _, book = _attachment(monthly.unit_report(here, "chamcong@example.gov.vn", ["a@example.gov.vn"], SENT))
    assert book.worksheets[0].cell(11, 13).value == (
        "Tháng có chuyển đơn vị: Phòng Y tế 01/11–15/11; Hạ từ Hoàn thành xuất sắc do giới hạn tỷ lệ")
    # AND Phòng Y tế lists her apart, with her days there, where she is evaluated and her grades — not counted
    message = monthly.unit_report(left, "chamcong@example.gov.vn", ["b@example.gov.vn"], SENT)
    _, book = _attachment(message)
    sheet = book.worksheets[0]
    assert sheet.cell(10, 1).value == ("Chuyển sang đơn vị khác trong tháng (được đánh giá tại đơn vị mới, "
                                       "không tính ở đây)")
    assert [sheet.cell(11, c).value for c in (1, 2, 10, 11, 12, 13)] == [
        1, "Trần Thị Bình", 92.0, "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
        "Thuộc đơn vị 01/11–15/11; đánh giá tại Phòng Nội vụ"]
    assert left.counts.people == 0
    assert "Trần Thị Bình: thuộc đơn vị 01/11–15/11, đánh giá tại Phòng Nội vụ (Hoàn thành tốt nhiệm vụ)" in _text(
        message, "plain")

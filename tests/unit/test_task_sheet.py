"""A task spreadsheet's cells read into batch records (chamcong.rules.task_sheet), by table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chamcong.rules.staff_sheet import HeaderMissing, find_header
from chamcong.rules.task_sheet import HEADERS, REQUIRED, instant, record_of

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("cell", "expected"), [
    ("20/11/2026 07:30", "2026-11-20T07:30:00+07:00"),
    ("2/1/2026 7:05", "2026-01-02T07:05:00+07:00"),
    ("20/11/2026", "2026-11-20T00:00:00+07:00"),
    ("20/11/2026 07:30:15", "2026-11-20T07:30:15+07:00"),
    ("2026-11-20T07:30:00+07:00", "2026-11-20T07:30:00+07:00"),
    ("2026-11-20T00:30:00Z", "2026-11-20T00:30:00+00:00"),
    ("2026-11-20 07:30", "2026-11-20T07:30:00+07:00"),  # ISO without its zone: the site's time
    (datetime(2026, 11, 20, 7, 30), "2026-11-20T07:30:00+07:00"),  # a date cell of Excel
    (date(2026, 11, 20), "2026-11-20T00:00:00+07:00"),
    ("31/02/2026 07:00", "31/02/2026 07:00"),  # no such day: passed on as written, the batch refuses it
    ("ngày mai", "ngày mai"),
])
def test_times_are_read_in_the_sites_zone(cell: Any, expected: str) -> None:
    assert instant(cell, HANOI) == expected


def test_a_header_in_vietnamese_or_with_the_api_names_is_found_below_a_title() -> None:
    rows = [(1, ["DANH SÁCH NHIỆM VỤ"]), (2, []),
            (3, ["STT", "Mã nhiệm vụ", "MÃ CÁN BỘ", "Tên nhiệm vụ", "Ngày giao", "Trạng thái", "due_at"])]
    header = find_header(rows, HEADERS, REQUIRED)
    assert header.row == 3
    assert header.columns == {"external_id": 1, "assignee": 2, "title": 3, "assigned_at": 4, "status": 5,
                              "due_at": 6}
    with pytest.raises(HeaderMissing):
        find_header([(1, ["Mã cán bộ", "Tên nhiệm vụ"])], HEADERS, REQUIRED)


COLUMNS = ["Mã nhiệm vụ", "Mã cán bộ", "Tên nhiệm vụ", "Ngày giao", "Trạng thái", "Khối lượng", "Đạt yêu cầu",
           "Số lỗi lớn", "Trễ hạn do khách quan"]


@pytest.mark.parametrize(("cells", "expected"), [
    (["VB-1", "CB001", "Việc", "20/11/2026 08:00", "Đang xử lý", "1,5", "", "", ""],
     {"external_id": "VB-1", "assignee": "CB001", "title": "Việc", "assigned_at": "2026-11-20T08:00:00+07:00",
      "status": "in_progress", "weight": 1.5}),
    (["VB-2", "CB001", "Việc", "20/11/2026 08:00", "Đã xử lý", 2, "Có", 1.0, "Không"],
     {"external_id": "VB-2", "assignee": "CB001", "title": "Việc", "assigned_at": "2026-11-20T08:00:00+07:00",
      "status": "done", "weight": 2.0, "quality": {"meets_requirements": True, "major_errors": 1},
      "late_objective_cause": False}),
    (["VB-3", "CB001", "Việc", "20/11/2026 08:00", "Đã huỷ", "nhiều", "", "", "x"],
     {"external_id": "VB-3", "assignee": "CB001", "title": "Việc", "assigned_at": "2026-11-20T08:00:00+07:00",
      "status": "cancelled", "weight": "nhiều", "late_objective_cause": True}),
    (["VB-4", "CB001", "Việc", "20/11/2026 08:00", "treo", "", "", "", ""],  # unknown status: passed on
     {"external_id": "VB-4", "assignee": "CB001", "title": "Việc", "assigned_at": "2026-11-20T08:00:00+07:00",
      "status": "treo"}),
])
def test_a_row_becomes_the_record_the_batch_would_receive(cells: list[Any], expected: dict[str, Any]) -> None:
    header = find_header([(1, COLUMNS)], HEADERS, REQUIRED)
    assert record_of(cells, header, HANOI) == expected

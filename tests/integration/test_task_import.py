"""Tasks from a spreadsheet (an office whose e-office system has no API): checked, imported, re-imported.

The clock stands at 2026-11-20 07:40 in Hà Nội (tests.integration.harness.DEFAULT_NOW).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chamcong.store.models.audit import AuditModel
from chamcong.store.models.tasks import TaskModel
from tests.integration.harness import Product, b64
from tests.integration.test_staff_import import xlsx
from tests.integration.test_tasks import Office, _office, _tasks_of


def _import(product: Product, unit_id: str, file_name: str, data: bytes, mode: str, *,
            token: str | None = None) -> Any:
    return product.post("/v1/tasks/import", {"unit_id": unit_id, "file_name": file_name,
                                             "content_base64": b64(data), "mode": mode}, token=token)


def _csv(rows: list[list[str]]) -> bytes:
    return ("\ufeff" + "\r\n".join(";".join(row) for row in rows) + "\r\n").encode()


HEADER = ["STT", "Mã nhiệm vụ", "Mã cán bộ", "Tên nhiệm vụ", "Số văn bản", "Ngày giao", "Hạn xử lý",
          "Ngày hoàn thành", "Trạng thái", "Khối lượng"]


def _rows(completed: str = "") -> list[list[str]]:
    return [
        HEADER,
        ["1", "VB-1", "CB001", "Trả lời kiến nghị cử tri", "125/UBND-VP", "19/11/2026 08:00", "20/11/2026 16:00",
         completed, "Đã xử lý" if completed else "Đang xử lý", "1,5"],
        ["2", "VB-2", "cb002", "Báo cáo tuần", "", "2026-11-20T07:30:00+07:00", "", "", "assigned", ""],
        ["3", "VB-3", "CB404", "Tờ trình", "", "20/11/2026 07:00", "", "", "Đã giao", ""],  # nobody holds the code
        ["4", "VB-4", "CB900", "Quyết định", "", "20/11/2026 07:00", "", "", "Đã giao", ""],  # another office
        ["5", "VB-5", "CB001", "Công văn", "", "ngày mai", "", "", "Đã giao", ""],  # not a time
        ["6", "VB-6", "CB003", "Giấy mời", "", "20/11/2026 07:00", "", "", "Đã hủy", ""],  # the unit below: in reach
        ["7", "VB-1", "CB002", "Lặp lại", "", "20/11/2026 07:00", "", "", "Đã giao", ""],  # the same id twice
    ]


def _statuses(reply: Any) -> dict[int, tuple[str, str | None]]:
    assert reply.status == 200, reply.body
    return {row["row"]: (row["status"], row["code"]) for row in reply.body["rows"]}


def _imported(office: Office) -> dict[str, TaskModel]:
    return {task.external_id: task for task in TaskModel.scan()
            if task.partition == TaskModel.partition_of(f"import:{office.unit}")}


def test_a_csv_is_checked_then_imported_row_by_row_and_a_reimport_changes_nothing(product: Product) -> None:
    office = _office(product)
    refusals = {4: ("refused", "task_assignee_unknown"), 5: ("refused", "task_assignee_out_of_scope"),
                6: ("refused", "task_invalid"), 8: ("refused", "task_duplicate_in_batch")}
    # WHEN the admin checks the office's CSV (semicolons, as Excel writes it in Vietnam)
    checked = _import(product, office.unit, "nhiem-vu.csv", _csv(_rows()), "check")
    # THEN every row (numbered as in the sheet: the header is row 1) says what importing would do, the refused
    # ones why, and nothing is written
    assert _statuses(checked) == {2: ("created", None), 3: ("created", None), 7: ("created", None), **refusals}
    assert checked.body["client_id"] == f"import:{office.unit}"
    assert (checked.body["created"], checked.body["refused"]) == (3, 4)
    rows = {row["row"]: row for row in checked.body["rows"]}
    assert (rows[4]["external_id"], rows[4]["assignee"]) == ("VB-3", "CB404")
    assert "assigned_at" in rows[6]["message"]
    assert _imported(office) == {}
    # WHEN it is imported
    imported = _import(product, office.unit, "nhiem-vu.csv", _csv(_rows()), "import")
    assert _statuses(imported) == _statuses(checked)
    # THEN the person's day (the day the task was given) shows it, its times read in Hà Nội's time
    day = _tasks_of(product, office.people["CB001"], day="2026-11-19")["tasks"]
    assert [(t["external_id"], t["document_number"], t["status"], t["due_at"], t["weight"]) for t in day] == [
        ("VB-1", "125/UBND-VP", "in_progress", "2026-11-20T16:00:00+07:00", 1.5)]
    assert set(_imported(office)) == {"VB-1", "VB-2", "VB-6"}
    # WHEN the same file is imported again, nothing changes
    again = _import(product, office.unit, "nhiem-vu.csv", _csv(_rows()), "import")
    assert {status for status, _ in _statuses(again).values()} == {"unchanged", "refused"}
    assert {task.external_id: int(task.revision) for task in _imported(office).values()} == {
        "VB-1": 1, "VB-2": 1, "VB-6": 1}
    # WHEN a newer file says the first task was done, that row updates it and keeps the earlier version
    newer = _import(product, office.unit, "nhiem-vu.csv", _csv(_rows(completed="20/11/2026 07:20")), "import")
    assert _statuses(newer)[2] == ("updated", None) and _statuses(newer)[3] == ("unchanged", None)
    task = _tasks_of(product, office.people["CB001"], day="2026-11-19")["tasks"][0]
    assert (task["status"], task["completed_at"], task["revision"], task["versions"]) == (
        "done", "2026-11-20T07:20:00+07:00", 2, 1)
    # AND each import (not the check) is in the audit log under the admin's name
    imports = [entry for entry in AuditModel.scan() if entry.action == "tasks.import"]
    assert len(imports) == 3 and {entry.details["file_name"] for entry in imports} == {"nhiem-vu.csv"}


def test_a_unit_admin_imports_an_xlsx_for_their_unit_only(product: Product) -> None:
    office = _office(product)
    token = product.account("quantri.vp", office.unit, grants=[{"role": "unit_admin", "unit_id": office.unit}])
    # GIVEN a workbook with the API's field names as headers and real date cells
    workbook = xlsx([
        ["external_id", "assignee", "title", "assigned_at", "due_at", "status", "meets_requirements"],
        ["HS-1", "CB003", "Hồ sơ một cửa", datetime(2026, 11, 20, 7, 0), datetime(2026, 11, 20, 17, 0), "assigned",
         None],
        ["HS-2", "CB900", "Hồ sơ khác", datetime(2026, 11, 20, 7, 0), None, "assigned", None],
        ["HS-3", "CB001", "Hồ sơ đã xong", datetime(2026, 11, 20, 7, 0), None, "cancelled", "Có"],
    ], title="DANH SÁCH NHIỆM VỤ")
    # WHEN the unit admin imports it for their unit
    reply = _import(product, office.unit, "nhiem-vu.xlsx", workbook, "import", token=token)
    # THEN the row naming a person outside their subtree is refused, the others stored
    assert _statuses(reply) == {4: ("created", None), 5: ("refused", "task_assignee_out_of_scope"),
                                6: ("created", None)}
    stored = _imported(office)
    assert stored["HS-1"].assigned_at.isoformat() == "2026-11-20T00:00:00+00:00"
    assert stored["HS-3"].quality == {"meets_requirements": True, "major_errors": 0, "objective_cause": False}
    # AND they cannot import for a unit outside their subtree
    assert _import(product, office.sibling, "nhiem-vu.xlsx", workbook, "check", token=token).status == 403
    # AND a file the office did not lay out as tasks, or cannot be read, is refused whole with a code
    missing = _import(product, office.unit, "nv.csv", _csv([["Mã cán bộ", "Tên nhiệm vụ"], ["CB001", "X"]]),
                      "check", token=token)
    assert (missing.status, missing.body["code"]) == (400, "task_import_columns_missing")
    broken = _import(product, office.unit, "nv.xlsx", b"PK\x03\x04 not a workbook", "check", token=token)
    assert (broken.status, broken.body["code"]) == (400, "import_file_invalid")
    too_many = _import(product, office.unit, "nv.csv", _csv([HEADER] + [
        ["", f"VB-{n}", "CB001", "Việc", "", "20/11/2026 07:00", "", "", "Đã giao", ""] for n in range(1001)]),
        "check", token=token)
    assert (too_many.status, too_many.body["code"]) == (400, "task_import_too_large")

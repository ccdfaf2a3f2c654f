"""Bulk enrolment's spreadsheet: people created, updated or left as they are by employee code, row by row."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest

from tests.integration.harness import Product, b64


def xlsx(rows: list[list[Any]], title: str | None = None) -> bytes:
    """A real workbook, as Excel would save it (with a title line above the header when asked)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post_file(product: Product, filename: str, data: bytes, *, dry_run: bool | None = None,
              token: str | None = None, lang: str = "vi") -> Any:
    body: dict[str, Any] = {"filename": filename, "content_b64": b64(data)}
    if dry_run is not None:
        body["dry_run"] = dry_run
    return product.request("POST", "/v1/staff/import", body, token=token, headers={"Accept-Language": lang})


def by_row(reply: Any) -> dict[int, dict[str, Any]]:
    return {row["row"]: row for row in reply.body["rows"]}


def people(product: Product, unit_id: str) -> dict[str, tuple[str, str | None]]:
    """code → (name, e-mail) of a unit's staff, as the list shows them."""
    listed = product.get(f"/v1/staff?unit_id={unit_id}").body["staff"]
    return {p["employee_code"]: (p["full_name"], p["email"]) for p in listed}


def test_an_xlsx_creates_updates_and_refuses_row_by_row_and_a_repost_changes_nothing(product: Product) -> None:
    district = product.unit("UBND huyện Đà Bắc")
    home = product.unit("Phòng Nội vụ", district)
    finance = product.unit("Phòng Tài chính - Kế hoạch", district)
    product.unit("Tổ một cửa", home), product.unit("Tổ một cửa", finance)  # two units of one name
    # GIVEN one person already on file, with a code, and one who will not change
    existing = product.post("/v1/staff", {"full_name": "Hà Văn Chung", "unit_id": home, "employee_code": "DB-001"})
    same = product.post("/v1/staff", {"full_name": "Xa Thị Mai", "unit_id": finance, "employee_code": "DB-002",
                                      "email": "mai@dabac.gov.vn"})
    # WHEN the unit admin's workbook is imported (a title above the header, columns in another order)
    workbook = xlsx([
        ["STT", "Mã cán bộ", "Họ và tên", "Đơn vị", "Email"],
        [1, "db-001", "Hà Văn Chung", "Phòng Tài chính - Kế hoạch", "chung@dabac.gov.vn"],  # moved, e-mail added
        [2, "DB-002", "Xa Thị Mai", finance, None],                                        # unchanged
        [3, "DB-003", "Đinh Công Tráng", "phòng nội vụ", "trang@dabac.gov.vn"],           # new (name, any case)
        [4, 1004, "Lò Thị Ánh", home, None],                                               # a numeric code
        [5, "DB 005", "Bạc Cầm Quý", home, None],                                          # code not valid
        [6, "DB-006", "Mè Văn Sử", "Phòng Không Có", None],                                # no such unit
        [7, "DB-007", "Sa Văn Khánh", "Tổ một cửa", None],                                 # two units of that name
        [8, "DB-008", "Quách Thị Hồng", home, "not-an-address"],                          # bad e-mail
        [9, "DB-009", "", home, None],                                                     # no name
        [10, "DB-010", "Hoàng Văn Thụ", home, None],                                       # the code twice
        [11, "db-010", "Hoàng Văn Thái", home, None],
        [],
        [13, "DB-013", "Nguyễn Thị Định", "  Phòng Nội vụ ", None],
    ], title="DANH SÁCH CÁN BỘ HUYỆN ĐÀ BẮC")
    reply = post_file(product, "danh-sach.xlsx", workbook)
    # THEN each row says what happened to it, by its row number in the sheet (the header is row 3)
    assert reply.status == 200, reply.body
    rows = by_row(reply)
    statuses = {number: (row["status"], row["code"]) for number, row in rows.items()}
    assert statuses == {
        4: ("updated", None), 5: ("unchanged", None), 6: ("created", None), 7: ("created", None),
        8: ("refused", "import_code_invalid"), 9: ("refused", "import_unit_unknown"),
        10: ("refused", "import_unit_ambiguous"), 11: ("refused", "import_email_invalid"),
        12: ("refused", "import_name_invalid"), 13: ("refused", "import_code_repeated"),
        14: ("refused", "import_code_repeated"), 16: ("created", None)}
    assert [reply.body[count] for count in ("created", "updated", "unchanged", "refused")] == [3, 1, 1, 7]
    assert rows[4]["staff_id"] == existing.body["staff_id"] and rows[5]["staff_id"] == same.body["staff_id"]
    assert rows[10]["message"].startswith("Có nhiều đơn vị cùng tên") and rows[10]["staff_id"] is None
    # AND the people are as the sheet says
    assert people(product, home) == {"DB-003": ("Đinh Công Tráng", "trang@dabac.gov.vn"), "1004": ("Lò Thị Ánh", None),
                                     "DB-013": ("Nguyễn Thị Định", None)}
    assert people(product, finance) == {"DB-001": ("Hà Văn Chung", "chung@dabac.gov.vn"),
                                        "DB-002": ("Xa Thị Mai", "mai@dabac.gov.vn")}
    # AND the move is a transfer from today, kept in the person's history
    moves = product.get(f"/v1/staff/{existing.body['staff_id']}/transfers").body["transfers"]
    assert [(m["from_unit"], m["to_unit"], m["effective"]) for m in moves] == [(home, finance, "2026-11-20")]
    # AND the audit trail names each person created or updated, and what changed
    trail = product.get("/v1/audit?from=2026-11-20&to=2026-11-20&limit=500").body["entries"]
    updates = [e for e in trail if e["action"] == "staff.update"]
    assert [e["details"] for e in updates] == [{"unit_id": [home, finance], "email": [None, "chung@dabac.gov.vn"],
                                                "via": "import"}]
    assert sum(1 for e in trail if e["action"] == "staff.create" and e["details"].get("via") == "import") == 3
    # WHEN the same file is posted again THEN nothing changes: no new person, no new entry
    again = post_file(product, "danh-sach.xlsx", workbook)
    assert again.status == 200
    assert [again.body[count] for count in ("created", "updated", "unchanged", "refused")] == [0, 0, 5, 7]
    assert {row["staff_id"] for row in again.body["rows"] if row["staff_id"]} == {
        row["staff_id"] for row in reply.body["rows"] if row["staff_id"]}
    assert len(product.get("/v1/staff").body["staff"]) == 5
    assert len(product.get("/v1/audit?from=2026-11-20&to=2026-11-20&limit=500").body["entries"]) == len(trail)


def test_a_csv_with_vietnamese_names_and_english_headers_is_read_as_utf8(product: Product) -> None:
    unit = product.unit("Trường THCS Tú Lý")
    text = ("Full name;Unit;Employee code;E-mail\r\n"
            f"Đặng Thị Ngọc Ánh;{unit};TL-01;anh@tuly.edu.vn\r\n"
            f"\"Lường Văn Ơn; con\";{unit};TL-02;\r\n"
            "Phạm Ưng Quyền;Trường THCS Tú Lý;TL-03;\r\n")
    # GIVEN a CSV saved by Excel (a byte order mark, semicolons) WHEN imported in English
    reply = post_file(product, "staff.csv", "\ufeff".encode() + text.encode(), lang="en")
    # THEN every Vietnamese name arrives intact
    assert reply.status == 200, reply.body
    assert [(row["row"], row["status"]) for row in reply.body["rows"]] == [(2, "created"), (3, "created"),
                                                                          (4, "created")]
    assert people(product, unit) == {"TL-01": ("Đặng Thị Ngọc Ánh", "anh@tuly.edu.vn"),
                                     "TL-02": ("Lường Văn Ơn; con", None), "TL-03": ("Phạm Ưng Quyền", None)}
    # WHEN a corrected file (one name fixed) is imported THEN only that person is updated
    fixed = text.replace("Phạm Ưng Quyền", "Phạm Ưng Quyên")
    again = post_file(product, "staff.csv", fixed.encode(), lang="en")
    assert [row["status"] for row in again.body["rows"]] == ["unchanged", "unchanged", "updated"]
    assert people(product, unit)["TL-03"] == ("Phạm Ưng Quyên", None)


def test_a_dry_run_reports_without_writing(product: Product) -> None:
    unit = product.unit()
    data = f"Họ và tên,Đơn vị,Mã cán bộ\nVàng A Dế,{unit},NV-1\nGiàng Thị Dua,{unit},\n".encode()
    reply = post_file(product, "thu.csv", data, dry_run=True)
    assert reply.status == 200 and reply.body["dry_run"] is True
    assert [(row["status"], row["code"]) for row in reply.body["rows"]] == [("created", None),
                                                                            ("refused", "import_code_invalid")]
    assert product.get(f"/v1/staff?unit_id={unit}").body["staff"] == []
    assert post_file(product, "thu.csv", data).body["created"] == 1


def test_a_unit_admin_imports_only_into_their_units(product: Product) -> None:
    district = product.unit("UBND huyện Mai Châu")
    own, sibling = product.unit("Phòng Nội vụ", district), product.unit("Phòng Tư pháp", district)
    child = product.unit("Bộ phận một cửa", own)
    elsewhere = product.post("/v1/staff", {"full_name": "Vì Văn Lả", "unit_id": sibling, "employee_code": "MC-9"})
    admin = product.account("quantri-mc", own, grants=[{"role": "unit_admin", "unit_id": own}])
    leader = product.account("truongphong-mc", own, grants=[{"role": "unit_leader", "unit_id": own}])
    data = xlsx([["Họ và tên", "Đơn vị", "Mã cán bộ"],
                 ["Hà Thị Mỹ", "Bộ phận một cửa", "MC-1"],   # their child unit, by name
                 ["Lò Văn Tè", sibling, "MC-2"],              # a sibling unit, by id
                 ["Lò Văn Tè", "Phòng Tư pháp", "MC-3"],      # a sibling unit, by name: not among theirs
                 ["Vì Văn Lả", own, "MC-9"]])                 # someone of the sibling unit, by code
    # WHEN the unit admin imports it THEN only the row for their own subtree is written
    reply = post_file(product, "mc.xlsx", data, token=admin)
    assert reply.status == 200, reply.body
    assert [(row["status"], row["code"]) for row in reply.body["rows"]] == [
        ("created", None), ("refused", "import_unit_out_of_scope"), ("refused", "import_unit_unknown"),
        ("refused", "import_staff_out_of_scope")]
    assert "Vì Văn Lả" not in str(reply.body["rows"][3]["message"])
    assert [p["full_name"] for p in product.get(f"/v1/staff?unit_id={child}").body["staff"]] == ["Hà Thị Mỹ"]
    assert [p["full_name"] for p in product.get(f"/v1/staff?unit_id={sibling}").body["staff"]] == ["Vì Văn Lả"]
    assert product.get(f"/v1/staff/{elsewhere.body['staff_id']}").body["unit_id"] == sibling
    # AND a unit leader (who may not write staff) is refused the whole file
    refused = post_file(product, "mc.xlsx", data, token=leader)
    assert refused.status == 403 and refused.body["code"] == "forbidden"


def test_a_file_that_cannot_be_read_is_refused_whole_with_a_code(product: Product) -> None:
    unit = product.unit()
    header = "Họ và tên,Đơn vị,Mã cán bộ\n"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("xl/sharedStrings.xml", b" " * (65 * 1024 * 1024))
    cases = {
        "not a workbook": ("ds.xlsx", b"PK\x03\x04 this is no zip", "import_file_invalid"),
        "a picture named .xlsx": ("ds.xlsx", b"\xff\xd8\xff\xe0 jpeg", "import_file_invalid"),
        "another kind of file": ("ds.pdf", b"%PDF-1.4", "import_file_invalid"),
        "not UTF-8": ("ds.csv", "Họ và tên,Đơn vị,Mã cán bộ\n".encode("cp1258", "replace") + b"\xff\xfe",
                      "import_file_invalid"),
        "no header": ("ds.csv", f"Vàng A Dế,{unit},NV-1\n".encode(), "import_columns_missing"),
        "a header without the code": ("ds.csv", "Họ và tên,Đơn vị\nA,B\n".encode(), "import_columns_missing"),
        "2,001 people": ("ds.csv", (header + "".join(f"Người {i},{unit},C{i}\n" for i in range(2001))).encode(),
                         "import_too_large"),
        "over 2 MiB": ("ds.csv", (header + f"Tên,{unit},C1," + "x" * (2 * 1024 * 1024) + "\n").encode(),
                       "import_too_large"),
        "a small zip that unpacks into 65 MiB": ("ds.xlsx", bomb.getvalue(), "import_too_large"),
        "a workbook without the unit column": ("ds.xlsx", xlsx([["Họ và tên", "Mã cán bộ"], ["A", "B"]]),
                                               "import_columns_missing"),
    }
    for case, (filename, data, code) in cases.items():
        reply = post_file(product, filename, data)
        assert reply.status == 400 and reply.body["code"] == code, (case, reply.status, reply.body)
        assert reply.body["message"]
    not_base64 = product.post("/v1/staff/import", {"filename": "ds.csv", "content_b64": "%%% not base64"})
    assert not_base64.status == 400 and not_base64.body["code"] == "import_file_invalid"
    # AND nothing was written by any of them
    assert product.get("/v1/staff").body["staff"] == []


def test_a_file_imported_twice_at_once_creates_each_person_once(product: Product,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from chamcong.services import staff_import

    unit = product.unit()
    data = f"Họ và tên,Đơn vị,Mã cán bộ\nVàng A Dế,{unit},NV-1\nGiàng Thị Dua,{unit},NV-2\n".encode()
    # GIVEN the first import of a file has landed
    assert post_file(product, "ds.csv", data).body["created"] == 2
    first_ids = {p["employee_code"]: p["staff_id"] for p in product.get(f"/v1/staff?unit_id={unit}").body["staff"]}
    # WHEN a second import of the same file had read the codes before the first landed (nobody held them then)
    real = staff_import._holders
    calls = iter([True])
    monkeypatch.setattr(staff_import, "_holders", lambda rows: ({}, {}) if next(calls, False) else real(rows))
    reply = post_file(product, "ds.csv", data.replace("Giàng Thị Dua".encode(), "Giàng Thị Dưa".encode()))
    # THEN its creations lose to the claims, and each row is read again: one person per code, never two
    assert reply.status == 200, reply.body
    assert [(row["status"], row["staff_id"]) for row in reply.body["rows"]] == [
        ("unchanged", first_ids["NV-1"]), ("updated", first_ids["NV-2"])]
    listed = product.get(f"/v1/staff?unit_id={unit}").body["staff"]
    assert sorted((p["employee_code"], p["full_name"]) for p in listed) == [("NV-1", "Vàng A Dế"),
                                                                           ("NV-2", "Giàng Thị Dưa")]


def test_the_duty_group_and_leader_columns_set_what_the_monthly_evaluation_counts_by(product: Product) -> None:
    unit = product.unit("Phòng Nội vụ")
    # WHEN a sheet names each person's duty group and who leads the unit
    sheet = ("Họ và tên,Đơn vị,Mã cán bộ,Nhóm chức trách,Lãnh đạo\n"
             f"Hà Văn Chung,{unit},NV-01,lanh-dao,x\n"
             f"Xa Thị Mai,{unit},NV-02,,\n")
    reply = post_file(product, "can-bo.csv", sheet.encode())
    assert reply.status == 200 and reply.body["created"] == 2, reply.body
    # THEN the records say so; a blank cell gives the general group, not a leader
    listed = {p["employee_code"]: (p["duty_group"], p["is_leader"])
              for p in product.get(f"/v1/staff?unit_id={unit}").body["staff"]}
    assert listed == {"NV-01": ("lanh-dao", True), "NV-02": ("chung", False)}
    # WHEN a later sheet moves Mai to another group and leaves the leader column blank
    again = ("Họ và tên,Đơn vị,Mã cán bộ,Nhóm chức trách,Lãnh đạo\n"
             f"Hà Văn Chung,{unit},NV-01,,\n"
             f"Xa Thị Mai,{unit},NV-02,chuyen-vien,không\n"
             f"Lê Văn Tâm,{unit},NV-03,Chuyên viên,\n")
    rows = by_row(post_file(product, "can-bo.csv", again.encode()))
    # THEN only what a cell says changes, and a group that is not one refuses its row
    assert [(rows[n]["status"], rows[n]["code"]) for n in (2, 3, 4)] == [
        ("unchanged", None), ("updated", None), ("refused", "import_duty_group_invalid")]
    listed = {p["employee_code"]: (p["duty_group"], p["is_leader"])
              for p in product.get(f"/v1/staff?unit_id={unit}").body["staff"]}
    assert listed == {"NV-01": ("lanh-dao", True), "NV-02": ("chuyen-vien", False)}

"""The 16:00 and 17:00 work-from-home reports for a constructed day, end to end: a roster, a leave that wins over
it, tasks posted by the e-office system's integration client, both runs, the e-mails' recipients, the XLSX cell
by cell, a re-run that sends nothing twice, a day with nobody at home and a day off.

One stack for the module; the tests run in order on it (the clock stands at Friday 20 November 2026, 20:00).
"""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import scheduled  # functions/api/scheduled.py: the ReportsFunction's handler
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from openpyxl import load_workbook

from chamcong.reports.xlsx import CONTENT_TYPE as XLSX
from tests.fakes import LambdaContext
from tests.integration.harness import ADMIN_PASSWORD, Product, running_product

HOME_AFFAIRS = "phong-noi-vu@dabac.example.gov.vn"
PROVINCE = "ubnd-tinh@hoabinh.example.gov.vn, vp-ubnd@hoabinh.example.gov.vn"
FRIDAY, THURSDAY, SATURDAY = "2026-11-20", "2026-11-19", "2026-11-21"
UNITS = {  # unit → (leaders' address, [(name, employee code)])
    "Phòng Nội vụ": ("lanhdao-nv@dabac.example.gov.vn",
                     [("Nguyễn Văn An", "NV1"), ("Trần Thị Bình", "NV2"), ("Lê Văn Cường", "NV3"),
                      ("Phạm Thu Dung", "NV4"), ("Đặng Văn Em", "NV5"), ("Vũ Thị Giang", "NV6")]),
    "Phòng Tài chính - Kế hoạch": ("lanhdao-tckh@dabac.example.gov.vn", [("Hoàng Văn Hải", "TC1"),
                                                                         ("Dương Thị Lan", "TC2")]),
    "Phòng Y tế": ("lanhdao-yt@dabac.example.gov.vn", [("Bùi Văn Khoa", "YT1"), ("Ngô Thị Mai", "YT2")]),
}


def task(external_id: str, code: str, assigned: str, status: str = "assigned", due: str | None = None,
         done: str | None = None) -> dict[str, Any]:
    """A task record as the e-office system posts it; times are local ("11-20 08:00")."""
    def at(text: str) -> str:
        return f"2026-{text.replace(' ', 'T')}:00+07:00"
    record: dict[str, Any] = {"external_id": external_id, "assignee": code, "title": f"Văn bản {external_id}",
                              "assigned_at": at(assigned), "status": status}
    if due:
        record["due_at"] = at(due)
    if done:
        record["completed_at"] = at(done)
    return record


TASKS = [
    # Nguyễn Văn An, at home: VB1 and VB2 and VB5 count; VB2 was done at 16:30 (after 16:00, before 17:00)
    task("VB1", "NV1", "11-20 08:00", "done", done="11-20 10:00"),
    task("VB2", "NV1", "11-18 08:00", "done", due="11-20 17:00", done="11-20 16:30"),
    task("VB3", "NV1", "11-20 08:30", "cancelled"),                                     # cancelled: not counted
    task("VB4", "NV1", "11-18 09:00", "done", due="11-20 17:00", done="11-19 15:00"),   # done before the day
    task("VB5", "NV1", "11-20 09:00", "in_progress"),
    task("VB12", "NV1", "11-18 09:00", "assigned", due="11-23 17:00"),                 # due later: not counted
    # Trần Thị Bình, at home: both done by 16:00 — the best performer
    task("VB6", "NV2", "11-20 09:00", "done", done="11-20 11:00"),
    task("VB7", "NV2", "11-20 09:30", "done", done="11-20 15:00"),
    # Lê Văn Cường is on the roster but on leave: the leave wins, he is not at home
    task("VB8", "NV3", "11-20 08:00"),
    # Hoàng Văn Hải, at home: two tasks, none processed — discipline
    task("VB9", "TC1", "11-20 08:00"),
    task("VB10", "TC1", "11-17 08:00", "in_progress", due="11-20 12:00"),
    # Dương Thị Lan works at the office: her task is in no report
    task("VB11", "TC2", "11-20 08:00", "done", done="11-20 09:00"),
]


@dataclass
class Day:
    product: Product
    units: dict[str, str]  # name → unit id
    people: dict[str, str]  # name → staff id

    def sent(self) -> list[EmailMessage]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"]
        return [email.message_from_bytes(m.raw_data.encode() if isinstance(m.raw_data, str) else m.raw_data,
                                         policy=email.policy.default)  # type: ignore[misc]
                for m in backend.sent_messages]

    def run(self, day: str, kind: str) -> dict[str, Any]:
        reply = self.product.post("/v1/reports/wfh/run", {"date": day, "kind": kind})
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def attachment(self, path: str) -> Any:
        return self.workbook(path).active

    def workbook(self, path: str) -> Any:
        reply = self.product.request("GET", path, headers={"Accept": XLSX})
        assert reply.status == 200, reply.body
        return load_workbook(io.BytesIO(reply.raw))


@pytest.fixture(scope="module")
def day(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("HOME_AFFAIRS_RECIPIENTS", HOME_AFFAIRS)
        monkeypatch.setenv("PROVINCE_RECIPIENTS", PROVINCE)
        with running_product(models_dir, tmp_path_factory.getbasetemp() / "model-cache", monkeypatch) as product:
            district = product.unit("UBND huyện Đà Bắc")
            units, people = {}, {}
            for unit_name, (leaders, members) in UNITS.items():
                reply = product.post("/v1/units", {"name": unit_name, "parent_id": district,
                                                   "report_recipients": [leaders]})
                assert reply.status == 201, reply.body
                units[unit_name] = reply.body["unit_id"]
                for name, code in members:
                    created = product.post("/v1/staff", {"full_name": name, "unit_id": units[unit_name],
                                                         "employee_code": code})
                    assert created.status == 201, created.body
                    people[name] = created.body["staff_id"]
            product.clock.now = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # 20:00 in Hà Nội
            login = product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
            product.token = login.body["token"]
            yield Day(product, units, people)


def _roster_and_tasks(day: Day) -> None:
    product = day.product
    for unit_name, names in (("Phòng Nội vụ", ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]),
                             ("Phòng Tài chính - Kế hoạch", ["Hoàng Văn Hải"])):
        reply = product.request("PUT", f"/v1/units/{day.units[unit_name]}/roster/{FRIDAY}",
                                {"staff_ids": [day.people[name] for name in names]})
        assert reply.status == 200, reply.body
    leave = product.post("/v1/absences", {"staff_id": day.people["Lê Văn Cường"], "kind": "leave",
                                          "first_day": FRIDAY, "last_day": FRIDAY, "reason": "Nghỉ phép năm"})
    assert leave.status == 201, leave.body
    client = product.post("/v1/integrations", {"name": "Hệ thống quản lý văn bản", "unit_id":
                                               product.get("/v1/units").body["units"][0]["unit_id"]})
    assert client.status == 201, client.body
    posted = product.post("/v1/tasks/batch", {"tasks": TASKS}, token="",
                          headers={"Authorization": f"ApiKey {client.body['key']}"})
    assert posted.status == 200 and posted.body["rejected"] == [], posted.body


def test_a_working_day_with_nobody_at_home_sends_only_a_note_to_home_affairs(day: Day) -> None:
    # GIVEN Thursday: a working day, nobody on any roster
    # WHEN the 16:00 and the 17:00 runs are made
    units = day.run(THURSDAY, "units")
    province = day.run(THURSDAY, "province")
    # THEN Home Affairs alone gets the short note, without an attachment
    sent = day.sent()
    assert [(str(m["To"]), str(m["Subject"])) for m in sent] == [
        (HOME_AFFAIRS, "[Chấm công] Ngày 19/11/2026: không có ai làm việc tại nhà")]
    assert "không có ai làm việc tại nhà" in sent[0].get_body(preferencelist=("plain",)).get_content()
    assert not list(sent[0].iter_attachments())
    assert units["nobody_at_home"] and [r["audience"] for r in units["reports"]] == ["district"]
    # AND the province run sends nothing, and says so
    assert province["nobody_at_home"] is True and province["reports"] == []
    # AND a Saturday is nobody's working day: nothing, and the answer says it is not a working day
    saturday = day.run(SATURDAY, "units")
    assert (saturday["working_day"], saturday["reports"]) == (False, [])
    assert len(day.sent()) == 1


def test_the_16_00_report_goes_to_each_unit_with_someone_at_home_and_to_home_affairs(day: Day) -> None:
    # GIVEN Friday's roster (one of them on leave) and the tasks the e-office system posted
    _roster_and_tasks(day)
    before = len(day.sent())
    # WHEN the 16:00 run is made (at 20:00: it judges the tasks as they stood at 16:00)
    run = day.run(FRIDAY, "units")
    # THEN each unit with someone at home got its report at its leaders, and Home Affairs the whole
    assert run["cutoff"].startswith("2026-11-20T16:00:00")
    sent = {str(m["To"]): m for m in day.sent()[before:]}
    assert set(sent) == {"lanhdao-nv@dabac.example.gov.vn", "lanhdao-tckh@dabac.example.gov.vn", HOME_AFFAIRS}
    nv = sent["lanhdao-nv@dabac.example.gov.vn"].get_body(preferencelist=("plain",)).get_content()
    # An: VB1, VB2 and VB5 count (VB2 done at 16:30, after the cut-off); Bình: both done; Cường is on leave
    assert "Nguyễn Văn An: 3 nhiệm vụ; đã xử lý 1 (33,3%), chưa xử lý 2 (66,7%)" in nv
    assert "Trần Thị Bình: 2 nhiệm vụ; đã xử lý 2 (100,0%), chưa xử lý 0 (0,0%)" in nv
    assert "Lê Văn Cường" not in nv and "Phòng Tài chính" not in nv
    # AND Home Affairs' XLSX is laid out as Appendix 2: title block, merged headers, "1 <unit>", "1.1 <person>"
    listed = day.product.get(f"/v1/reports/wfh?date={FRIDAY}").body["reports"]
    summary = next(r for r in listed if r["kind"] == "units" and r["audience"] == "district")
    sheet = day.attachment(summary["attachment"])
    assert (sheet["A1"].value, sheet["A2"].value) == ("UBND HUYỆN ĐÀ BẮC", "PHÒNG NỘI VỤ")
    assert sheet["D3"].value == "Ngày 20 tháng 11 năm 2026"
    assert sheet["A5"].value.startswith("BÁO CÁO KẾT QUẢ XỬ LÝ CÔNG VIỆC")
    assert {"D8:E8", "F8:G8", "A8:A9", "B8:B9", "C8:C9"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(8, c).value for c in (4, 6)] == ["Đã xử lý trên hệ thống", "Chưa xử lý"]
    assert [sheet.cell(9, c).value for c in range(4, 8)] == ["Số lượng", "Tỷ lệ", "Số lượng", "Tỷ lệ"]
    rows = [[sheet.cell(r, c).value for c in range(1, 8)] for r in range(10, 16)]
    assert rows[0] == ["1", "Phòng Nội vụ", 5, 3, 0.6, 2, 0.4]
    assert rows[1][:4] == ["1.1", "Nguyễn Văn An", 3, 1] and rows[1][5] == 2
    assert rows[1][4] == pytest.approx(1 / 3) and sheet.cell(11, 5).number_format == "0.0%"
    assert rows[2] == ["1.2", "Trần Thị Bình", 2, 2, 1.0, 0, 0.0]
    assert rows[3] == ["2", "Phòng Tài chính - Kế hoạch", 2, 0, 0.0, 2, 1.0]
    assert rows[4] == ["2.1", "Hoàng Văn Hải", 2, 0, 0.0, 2, 1.0]
    assert rows[5] == ["Tổng cộng (3 người)", None, 7, 3, pytest.approx(3 / 7), 4, pytest.approx(4 / 7)]
    # AND a unit's own text is readable through the API; the unit without anyone at home has no report
    assert [r["audience_name"] for r in listed] == ["Phòng Nội vụ", "Phòng Tài chính - Kế hoạch",
                                                    "Tổng hợp các đơn vị (gửi Phòng Nội vụ)"]
    text = day.product.get(listed[0]["text"]).body
    assert text["subject"] == "[Chấm công] Phòng Nội vụ — làm việc tại nhà ngày 20/11/2026 (16:00)"


def test_the_17_00_summary_goes_to_the_province_with_discipline_and_commendation(day: Day) -> None:
    before = len(day.sent())
    # WHEN the 17:00 run is made
    run = day.run(FRIDAY, "province")
    # THEN one e-mail went to the province's recipients
    sent = day.sent()[before:]
    assert [str(m["To"]) for m in sent] == [PROVINCE] and run["reports"][0]["audience"] == "province"
    body = sent[0].get_body(preferencelist=("plain",)).get_content()
    # with VB2 (done at 16:30) now processed: Phòng Nội vụ 4 of 5
    assert "1. Phòng Nội vụ: 2 người, 5 nhiệm vụ; đã xử lý 4 (80,0%), chưa xử lý 1 (20,0%)" in body
    # AND Hải, who processed nothing of his two tasks, is named for discipline; Bình, who did all, for commendation
    idle = body.split("Không xử lý nhiệm vụ nào")[1].split("Hoàn thành")[0]
    best = body.split("Hoàn thành tất cả nhiệm vụ")[1]
    assert "Hoàng Văn Hải (Phòng Tài chính - Kế hoạch): 2 nhiệm vụ" in idle and "Nguyễn Văn An" not in idle
    assert "Trần Thị Bình (Phòng Nội vụ): 2/2 nhiệm vụ" in best and "Nguyễn Văn An" not in best
    # AND its XLSX has a row per unit and the totals
    listed = day.product.get(f"/v1/reports/wfh?date={FRIDAY}").body["reports"]
    book = day.workbook(next(r for r in listed if r["kind"] == "province")["attachment"])
    sheet, idle_sheet, best_sheet = book.worksheets
    assert sheet["A5"].value.startswith("TỔNG HỢP KẾT QUẢ XỬ LÝ CÔNG VIỆC")
    assert {"E8:F8", "G8:H8"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(10, c).value for c in range(1, 9)] == [1, "Phòng Nội vụ", 2, 5, 4, 0.8, 1, pytest.approx(0.2)]
    assert [sheet.cell(12, c).value for c in (1, 3, 4, 5, 7)] == ["Tổng cộng (2 đơn vị)", 3, 7, 4, 3]
    # AND the two lists follow, each on its own sheet in the same form: who processed nothing, who did everything
    assert idle_sheet["A5"].value == "CÁN BỘ LÀM VIỆC TẠI NHÀ KHÔNG XỬ LÝ NHIỆM VỤ NÀO"
    assert [idle_sheet.cell(9, c).value for c in range(1, 6)] == [1, "Hoàng Văn Hải", "Phòng Tài chính - Kế hoạch",
                                                                  2, 0]
    assert best_sheet["A5"].value == "CÁN BỘ LÀM VIỆC TẠI NHÀ HOÀN THÀNH TỐT NHIỆM VỤ"
    assert [best_sheet.cell(9, c).value for c in range(1, 6)] == [1, "Trần Thị Bình", "Phòng Nội vụ", 2, 2]
    assert idle_sheet.cell(10, 2).value is None and best_sheet.cell(10, 2).value is None


def test_a_re_run_sends_nothing_twice(day: Day) -> None:
    before = len(day.sent())
    # WHEN both runs are made again: the 16:00 from the site, the 17:00 as the scheduler's retry would
    units = day.run(FRIDAY, "units")
    province = scheduled.daily_report({"report": "wfh", "kind": "province", "date": FRIDAY}, LambdaContext())
    # THEN nothing is sent again, and the answers say the reports were already sent
    assert len(day.sent()) == before
    assert {r["status"] for r in units["reports"] + province["reports"]} == {"already_sent"}

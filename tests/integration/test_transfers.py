"""People moving between units through the HTTP API: a transfer with its effective day and history; each day
belongs to the unit the person was in on it (the unit's days, the person's month, the daily report, the roster).

The clock stands at Friday 20 November 2026, 07:40: the move is dated back to Monday 16 November.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chamcong.services.staff import get_staff
from chamcong.services.transfers import members_of_month, unit_of_month, units_of_month
from tests.integration.harness import ADMIN_PASSWORD, Product

MOVE_DAY = "2026-11-16"  # Monday
BEFORE = "2026-11-13"  # Friday, the last working day in the old unit
AFTER = "2026-11-17"  # Tuesday, in the new unit
REASON = "Quyết định điều động số 125/QĐ-UBND"


@dataclass
class Offices:
    product: Product
    district: str
    finance: str  # Phòng Tài chính - Kế hoạch: where Bình worked
    home_affairs: str  # Phòng Nội vụ: where she goes
    mover: str
    stayer: str
    finance_admin: str  # a unit admin of the finance office only

    def days(self, unit: str, day: str) -> dict[str, str]:
        reply = self.product.get(f"/v1/attendance/days?unit_id={unit}&date={day}")
        assert reply.status == 200, reply.body
        return {row["full_name"]: row["status"] for row in reply.body["days"]}

    def transfer(self, to_unit: str, effective: str, *, token: str | None = None, lang: str = "vi") -> Any:
        return self.product.request("POST", f"/v1/staff/{self.mover}/transfers",
                                    {"to_unit_id": to_unit, "effective": effective, "reason": REASON},
                                    token=token, headers={"Accept-Language": lang})


@pytest.fixture
def offices(product: Product) -> Offices:
    district = product.unit("UBND huyện Đà Bắc")
    finance = product.unit("Phòng Tài chính - Kế hoạch", district)
    home_affairs = product.unit("Phòng Nội vụ", district)
    mover = product.staff("Trần Thị Bình", finance)
    stayer = product.staff("Nguyễn Văn An", finance)
    product.staff("Lê Hoàng Cường", home_affairs)
    admin = product.account("quantri-tckh", finance, grants=[{"role": "unit_admin", "unit_id": finance}])
    return Offices(product, district, finance, home_affairs, mover, stayer, admin)


def test_a_move_in_the_middle_of_the_month_splits_the_days_between_the_two_units(offices: Offices) -> None:
    product = offices.product
    # GIVEN leave entered for Wednesday while Bình still worked in finance
    leave = product.post("/v1/absences", {"staff_id": offices.mover, "kind": "leave", "first_day": "2026-11-18",
                                          "last_day": "2026-11-18", "reason": "Nghỉ phép năm"})
    assert leave.status == 201, leave.body
    # WHEN she is moved to home affairs from Monday 16 November
    moved = offices.transfer(offices.home_affairs, MOVE_DAY)
    # THEN the move is recorded with its day, who made it and why; she is in home affairs today
    assert moved.status == 201, moved.body
    assert moved.body["unit_id"] == offices.home_affairs
    assert [(t["from_unit"], t["to_unit"], t["effective"], t["by"], t["reason"])
            for t in moved.body["transfers"]] == [(offices.finance, offices.home_affairs, MOVE_DAY, "admin", REASON)]
    # and finance's days up to the move still list her, from the move no more
    assert offices.days(offices.finance, BEFORE) == {"Nguyễn Văn An": "absent", "Trần Thị Bình": "absent"}
    assert offices.days(offices.finance, AFTER) == {"Nguyễn Văn An": "absent"}
    # and home affairs' days list her from the move on, not before
    assert offices.days(offices.home_affairs, BEFORE) == {"Lê Hoàng Cường": "absent"}
    assert offices.days(offices.home_affairs, AFTER) == {"Lê Hoàng Cường": "absent", "Trần Thị Bình": "absent"}
    # and the leave entered in finance counts on her day in home affairs
    assert offices.days(offices.home_affairs, "2026-11-18")["Trần Thị Bình"] == "on_leave"
    assert "Trần Thị Bình" not in offices.days(offices.finance, "2026-11-18")
    # and her own month still has every day, the ones in finance as the ones in home affairs
    month = product.get(f"/v1/staff/{offices.mover}/days?month=2026-11")
    assert month.status == 200, month.body
    statuses = {row["date"]: row["status"] for row in month.body["days"]}
    assert len(statuses) == 30
    assert (statuses[BEFORE], statuses[AFTER], statuses["2026-11-18"]) == ("absent", "absent", "on_leave")
    # and the history is listed, and the move is in the audit trail of both units
    history = product.get(f"/v1/staff/{offices.mover}/transfers")
    assert history.status == 200 and history.body == moved.body
    for unit in (offices.finance, offices.home_affairs):
        audited = product.get(f"/v1/audit?from=2026-11-20&to=2026-11-20&action=staff.transfer&unit_id={unit}")
        assert audited.status == 200, audited.body
        assert [(e["subject"], e["details"]["effective"]) for e in audited.body["entries"]] == [
            (offices.mover, MOVE_DAY)]


def test_the_daily_report_of_a_day_before_the_move_lists_the_person_in_the_old_unit(offices: Offices) -> None:
    product = offices.product
    # GIVEN Bình moved to home affairs from Monday
    assert offices.transfer(offices.home_affairs, MOVE_DAY).status == 201
    # WHEN the morning reports of Friday 13 November (before the move) run
    product.clock.now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    product.token = product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD},
                                 token="").body["token"]
    ran = product.post("/v1/reports/daily/run", {"date": BEFORE, "kind": "morning"})
    assert ran.status == 200, ran.body

    def report_of(unit: str, day: str) -> str:
        eml = product.get(f"/v1/reports/daily/{day}/morning/{unit}")
        assert eml.status == 200, eml.body
        message = email.message_from_bytes(eml.body.encode("utf-8"), policy=email.policy.default)
        payload = next(p for p in message.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode("utf-8")

    # THEN finance's report names her, home affairs' does not
    assert "Trần Thị Bình" in report_of(offices.finance, BEFORE)
    assert "Trần Thị Bình" not in report_of(offices.home_affairs, BEFORE)
    # and Tuesday's reports the other way round
    assert product.post("/v1/reports/daily/run", {"date": AFTER, "kind": "morning"}).status == 200
    assert "Trần Thị Bình" not in report_of(offices.finance, AFTER)
    assert "Trần Thị Bình" in report_of(offices.home_affairs, AFTER)


def test_the_roster_of_a_day_names_those_who_belonged_to_the_unit_that_day(offices: Offices) -> None:
    product = offices.product
    # GIVEN Bình moved to home affairs from Monday
    assert offices.transfer(offices.home_affairs, MOVE_DAY).status == 201
    # WHEN finance names her at home on Tuesday, THEN it is refused: she was no longer theirs
    refused = product.request("PUT", f"/v1/units/{offices.finance}/roster/{AFTER}", {"staff_ids": [offices.mover]})
    assert refused.status == 422 and refused.body["code"] == "roster_staff_not_in_unit", refused.body
    # and home affairs may name her that day, and counts her among its employed for the cap
    named = product.request("PUT", f"/v1/units/{offices.home_affairs}/roster/{AFTER}",
                            {"staff_ids": [offices.mover]})
    assert named.status == 200, named.body
    assert named.body["allowance"]["employed"] == 2
    # and Friday 13 November's roster of finance still counts her among its two
    before = product.get(f"/v1/units/{offices.finance}/roster/{BEFORE}")
    assert before.status == 200 and before.body["allowance"]["employed"] == 2, before.body


def test_a_task_belongs_to_the_unit_of_its_assignee_on_the_day_it_was_assigned(offices: Offices) -> None:
    product = offices.product
    # GIVEN Bình (code CB007) moved to home affairs from Monday, and the district's e-office system
    assert product.request("PATCH", f"/v1/staff/{offices.mover}", {"employee_code": "CB007"}).status == 200
    assert offices.transfer(offices.home_affairs, MOVE_DAY).status == 201
    client = product.post("/v1/integrations", {"name": "Văn phòng điện tử huyện", "unit_id": offices.district})
    assert client.status == 201, client.body
    # WHEN it sends a task assigned to her before the move and one after
    sent = product.post("/v1/tasks/batch", {"tasks": [
        {"external_id": "VB-1", "assignee": "CB007", "title": "Báo cáo quyết toán", "status": "assigned",
         "assigned_at": f"{BEFORE}T08:00:00+07:00"},
        {"external_id": "VB-2", "assignee": "CB007", "title": "Tổng hợp biên chế", "status": "assigned",
         "assigned_at": f"{AFTER}T08:00:00+07:00"}]}, headers={"Authorization": f"ApiKey {client.body['key']}"},
        token="")
    assert sent.status == 200, sent.body

    def titles(unit: str) -> list[str]:
        reply = product.get(f"/v1/units/{unit}/tasks?period=month&date=2026-11-20")
        assert reply.status == 200, reply.body
        return [task["title"] for task in reply.body["tasks"]]

    # THEN the first counts in finance, the second in home affairs
    assert titles(offices.finance) == ["Báo cáo quyết toán"]
    assert titles(offices.home_affairs) == ["Tổng hợp biên chế"]


def test_a_month_split_between_two_units_is_evaluated_where_the_person_is_at_its_end(offices: Offices) -> None:
    # GIVEN Bình moved to home affairs from 16 November
    assert offices.transfer(offices.home_affairs, MOVE_DAY).status == 201
    person = get_staff(offices.mover)
    # THEN November is home affairs' month for her, with her days in each unit; October was finance's
    assert unit_of_month(person, "2026-11") == offices.home_affairs
    assert unit_of_month(person, "2026-10") == offices.finance
    assert units_of_month(person, "2026-11") == [(offices.finance, date(2026, 11, 1), date(2026, 11, 15)),
                                                 (offices.home_affairs, date(2026, 11, 16), date(2026, 11, 30))]
    # and finance's November still finds her, for her first fifteen days
    assert sorted((p.full_name, a.day, b.day) for p, a, b in members_of_month(offices.finance, "2026-11")) == [
        ("Nguyễn Văn An", 1, 30), ("Trần Thị Bình", 1, 15)]


def test_an_admin_of_only_one_of_the_units_is_refused(offices: Offices) -> None:
    # WHEN the finance office's admin moves Bình to home affairs, which they do not manage
    refused = offices.transfer(offices.home_affairs, MOVE_DAY, token=offices.finance_admin)
    # THEN it is refused and nothing changed
    assert refused.status == 403, refused.body
    assert offices.product.get(f"/v1/staff/{offices.mover}/transfers").body == {
        "staff_id": offices.mover, "unit_id": offices.finance, "transfers": []}


@pytest.mark.parametrize(("moved_before", "to", "effective", "code", "vi"), [
    (True, "finance", "2026-11-10", "transfer_before_last", "lần điều chuyển gần nhất"),
    (False, "home_affairs", "2026-11-23", "transfer_in_future", "không được sau hôm nay"),
    (False, "finance", MOVE_DAY, "transfer_same_unit", "đang thuộc đơn vị này"),
])
def test_a_transfer_out_of_order_is_refused_with_a_reason_in_words(offices: Offices, moved_before: bool, to: str,
                                                                   effective: str, code: str, vi: str) -> None:
    # GIVEN (in the first case) Bình moved to home affairs from Monday
    if moved_before:
        assert offices.transfer(offices.home_affairs, MOVE_DAY).status == 201
    # WHEN a move is dated before the last one, in the future, or goes to the unit she is in
    to_unit = getattr(offices, to)
    refused = offices.transfer(to_unit, effective)
    # THEN it is refused, saying why in Vietnamese (and in English when asked)
    assert refused.status == 422 and refused.body["code"] == code, refused.body
    assert vi in refused.body["message"]
    assert offices.transfer(to_unit, effective, lang="en").body["message"].startswith("The ")
    # and the history is as it was
    history = offices.product.get(f"/v1/staff/{offices.mover}/transfers").body["transfers"]
    assert len(history) == (1 if moved_before else 0)


def test_moving_a_person_by_editing_their_unit_is_a_transfer_from_today(offices: Offices) -> None:
    # WHEN the admin edits Bình's unit
    edited = offices.product.request("PATCH", f"/v1/staff/{offices.mover}", {"unit_id": offices.home_affairs})
    assert edited.status == 200 and edited.body["unit_id"] == offices.home_affairs, edited.body
    # THEN the move is kept in her history from today, and yesterday still belongs to finance
    history = offices.product.get(f"/v1/staff/{offices.mover}/transfers").body["transfers"]
    assert [(t["from_unit"], t["to_unit"], t["effective"]) for t in history] == [
        (offices.finance, offices.home_affairs, "2026-11-20")]
    assert "Trần Thị Bình" in offices.days(offices.finance, "2026-11-19")
    assert "Trần Thị Bình" in offices.days(offices.home_affairs, "2026-11-20")

"""The demo's work-from-home day (issue 13): a roster, tasks from the e-office system, then the afternoon reports.

On the working day before the lobby's day (nobody passed the camera then), in Phòng Nội vụ:

1. the unit's leader (`truongphong`) puts as many people on the roster as the cap allows, then tries one more,
   which the API refuses whole (422 `wfh_cap_exceeded`, its Vietnamese message printed);
2. the system admin gives the unit's people their employee codes (mã cán bộ) and creates an integration client
   for the district (`POST /v1/integrations`, its key shown once);
3. the client posts the day's tasks of the people at home (`Authorization: ApiKey …`) with one bad record,
   whose rejection is printed, and posts the same batch again, which changes nothing;
4. `afternoon_reports`: the 16:00 and 17:00 reports of that day, run as the schedule runs them, then again (the
   re-run sends nothing twice); their e-mails with the XLSX in the output folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

import requests

from chamcong.messages import day_status_label

DEMO_CLIENT = "Hệ thống quản lý văn bản và điều hành (demo)"
# The tasks each person at home is given that day: (title, document number, completed at, status); the first
# person also gets one still in progress at the end of the day.
TASKS = [("Tham mưu văn bản trả lời kiến nghị của cử tri", "125/UBND-NV", "10:40", "done"),
         ("Tổng hợp báo cáo công tác cải cách hành chính quý IV", "88/BC-NV", "15:20", "done")]
OPEN_TASK = ("Thẩm định hồ sơ nâng lương trước thời hạn", "301/NV", None, "in_progress")


@dataclass
class Member:
    staff_id: str
    full_name: str
    employee_code: str


@dataclass
class WfhDay:
    """What the work-from-home part left on the stack, for the afternoon reports' runs."""

    day: date | None = None
    unit_id: str = ""
    at_home: list[Member] = field(default_factory=list)
    client_id: str = ""
    lines: list[str] = field(default_factory=list)


class Http(Protocol):
    """One call to the API: (status, JSON body). `authorization` is the whole header (Bearer … or ApiKey …)."""

    def __call__(self, method: str, path: str, body: dict[str, Any] | None = None, *, authorization: str = "",
                 params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]: ...


class RequestsHttp:
    """`Http` over the network, as the demo talks to the local stack (answers in Vietnamese)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def __call__(self, method: str, path: str, body: dict[str, Any] | None = None, *, authorization: str = "",
                 params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        headers = {"Accept-Language": "vi", **({"Authorization": authorization} if authorization else {})}
        reply = self.session.request(method, self.base + path, json=body, params=params, headers=headers,
                                     timeout=120)
        return reply.status_code, dict(reply.json()) if reply.content else {}


def play(http: Http, admin: str, unit: dict[str, Any], members: list[tuple[str, str]], lobby_day: date,
         leader: tuple[str, str] | None, district_id: str) -> WfhDay:
    """The roster, the client and its tasks. `admin` is the system admin's Authorization header; `members` the
    (staff id, full name) of the unit's enrolled people; `leader` the unit leader's username and password."""
    result = WfhDay(unit_id=str(unit["unit_id"]))
    out = result.lines
    out += ["", f"Ngày làm việc tại nhà / a work-from-home day — {unit['name']}:"]
    if leader is None or len(members) < 2:
        out.append("  bỏ qua: đơn vị cần ít nhất 2 cán bộ và một lãnh đạo / skipped: the unit needs two people and "
                   "a leader")
        return result
    token = _call(http, "", "POST", "/v1/auth/login", 200, {"username": leader[0], "password": leader[1]})
    bearer = f"Bearer {token['token']}"
    unit_path = f"/v1/units/{result.unit_id}"
    day = _working_day_before(http, bearer, unit_path, lobby_day)
    result.day = day
    day_path = f"{unit_path}/roster/{day.isoformat()}"
    roster = _call(http, bearer, "GET", day_path, 200)
    allowed, employed = int(roster["allowance"]["allowed"]), int(roster["allowance"]["employed"])
    candidates = [(str(person["staff_id"]), str(person["full_name"])) for person in roster["candidates"]]
    # 1. within the cap, then one more than it allows
    chosen = candidates[:allowed]
    saved = _call(http, bearer, "PUT", day_path, 200,
                  {"staff_ids": [staff_id for staff_id, _ in chosen], "note": "Luân phiên theo tuần"})
    out.append(f"  {leader[0]} lập lịch ngày {day:%d/%m/%Y} / sets the roster: {len(saved['staff'])} người ở nhà, "
               f"tối đa {allowed} trên {employed} cán bộ / at home, at most {allowed} of {employed} — "
               + ", ".join(str(person["full_name"]) for person in saved["staff"]))
    over = [staff_id for staff_id, _ in candidates[:allowed + 1]]
    status, refused = http("PUT", day_path, {"staff_ids": over}, authorization=bearer)
    out.append(f"  {len(over)} người / people → {status} {refused.get('code')}: {refused.get('message')}")
    kept = _call(http, bearer, "GET", day_path, 200)
    out.append(f"  lịch vẫn là / the roster stays: {len(kept['staff'])} người / people")
    days = _call(http, bearer, "GET", "/v1/attendance/days", 200,
                 params={"unit_id": result.unit_id, "date": day.isoformat()})["days"]
    statuses = {str(row["staff_id"]): str(row["status"]) for row in days}
    # 2. employee codes, and the district's integration client
    codes = {staff_id: f"NV{number:03d}" for number, (staff_id, _) in enumerate(members, start=1)}
    for staff_id, code in codes.items():
        _call(http, admin, "PATCH", f"/v1/staff/{staff_id}", 200, {"employee_code": code})
    result.at_home = [Member(staff_id, name, codes[staff_id]) for staff_id, name in chosen]
    out.append("  trạng thái ngày / day status: " + ", ".join(
        f"{member.full_name} — {day_status_label(statuses.get(member.staff_id, 'pending'))}"
        for member in result.at_home))
    client = _call(http, admin, "POST", "/v1/integrations", 201, {"name": DEMO_CLIENT, "unit_id": district_id})
    result.client_id = str(client["client_id"])
    out.append(f"  admin tạo kết nối cho hệ thống quản lý văn bản / creates an integration client: "
               f"{client['client_id']} "
               f"(khoá chỉ hiện một lần, gửi trong Authorization: ApiKey … / key shown once, sent as ApiKey)")
    # 3. the day's tasks of the people at home, one bad record among them; then the same batch again
    batch = {"tasks": _tasks(result.at_home, day)}
    key = f"ApiKey {client['key']}"
    first = _call(http, key, "POST", "/v1/tasks/batch", 200, batch)
    out.append(f"  POST /v1/tasks/batch: {len(batch['tasks'])} bản ghi / records → nhận / accepted "
               f"{first['accepted']} (mới / created {first['created']}), từ chối / rejected {len(first['rejected'])}")
    for rejection in first["rejected"]:
        out.append(f"    #{rejection['index']} {rejection['external_id']}: {rejection['code']} — "
                   f"{rejection['message']}")
    again = _call(http, key, "POST", "/v1/tasks/batch", 200, batch)
    out.append(f"  gửi lại / posted again: nhận / accepted {again['accepted']}, mới / created {again['created']}, "
               f"cập nhật / updated {again['updated']}, không đổi / unchanged {again['unchanged']}")
    counts = _call(http, bearer, "GET", f"{unit_path}/tasks", 200,
                   params={"period": "day", "date": day.isoformat()})["counts"]
    out.append(f"  công việc của đơn vị trong ngày / the unit's tasks that day: giao / assigned {counts['assigned']}, "
               f"đã xử lý / done {counts['done']}, chưa xử lý / open {counts['open']}")
    return result


def afternoon_reports(http: Http, admin: str, wfh: WfhDay) -> list[str]:
    """The 16:00 (per unit and for Home Affairs) and 17:00 (province) work-from-home reports of `wfh.day`, run on
    demand as the schedule runs them (`POST /v1/reports/wfh/run`); the e-mails, with their XLSX, land in the
    output folder's mail/. Run twice, to show that a re-run sends nothing again."""
    assert wfh.day is not None
    out = ["", f"Báo cáo làm việc tại nhà ngày {wfh.day:%d/%m/%Y} / the afternoon reports:"]
    for kind, label in (("units", "16:00 đơn vị / units"), ("province", "17:00 tỉnh / province")):
        body = {"date": wfh.day.isoformat(), "kind": kind}
        run = _call(http, admin, "POST", "/v1/reports/wfh/run", 200, body)
        for report in run["reports"]:
            out.append(f"  {label}: {report['audience']} → {report['status']} "
                       f"({', '.join(report['recipients']) or '—'})")
        if run.get("nobody_at_home"):
            out.append(f"  {label}: không ai làm việc tại nhà / nobody at home")
        again = _call(http, admin, "POST", "/v1/reports/wfh/run", 200, body)
        statuses = sorted({str(report["status"]) for report in again["reports"]})
        out.append(f"  {label}, chạy lại / re-run: {', '.join(statuses) or '—'}")
    listed = _call(http, admin, "GET", "/v1/reports/wfh", 200, params={"date": wfh.day.isoformat()})["reports"]
    district = next((report for report in listed if report["audience"] == "district"), None)
    if district is not None and district.get("text"):
        text = _call(http, admin, "GET", str(district["text"]), 200)
        out.append("  bảng 16:00 gửi Sở Nội vụ / the 16:00 table for Home Affairs:")
        out += [f"    {line}" for line in str(text["text"]).splitlines() if line.strip()][:14]
    return out


def _tasks(at_home: list[Member], day: date) -> list[dict[str, Any]]:
    stamp = f"{day.isoformat()}T{{}}:00+07:00"
    records: list[dict[str, Any]] = []
    for number, member in enumerate(at_home):
        plan = [*TASKS, OPEN_TASK] if number == 0 else TASKS
        for index, (title, document, completed, status) in enumerate(plan):
            record: dict[str, Any] = {
                "external_id": f"VB-{day:%Y%m%d}-{member.employee_code}-{index + 1}", "assignee": member.employee_code,
                "title": title, "document_number": document, "assigned_at": stamp.format("08:00"),
                "due_at": stamp.format("17:00"), "status": status}
            if completed:
                record["completed_at"] = stamp.format(completed)
                record["quality"] = {"meets_requirements": True, "major_errors": 0, "objective_cause": False}
            records.append(record)
    # A record the e-office system got wrong: completed before it was assigned.
    records.append({"external_id": f"VB-{day:%Y%m%d}-LOI", "assignee": at_home[0].employee_code,
                    "title": "Bản ghi lỗi: hoàn thành trước khi được giao", "assigned_at": stamp.format("14:00"),
                    "completed_at": stamp.format("09:00"), "status": "done"})
    return records


def _working_day_before(http: Http, bearer: str, unit_path: str, day: date) -> date:
    """The unit's last working day before `day`, by its own calendar (a holiday is skipped)."""
    months = sorted({f"{day:%Y-%m}", f"{day.replace(day=1) - timedelta(days=1):%Y-%m}"})
    working = [date.fromisoformat(str(entry["date"])) for month in months
               for entry in _call(http, bearer, "GET", f"{unit_path}/roster", 200, params={"month": month})[
                   "working_days"]]
    before = [one for one in working if one < day]
    if not before:
        raise RuntimeError(f"no working day before {day} in the unit's calendar")
    return max(before)


def _call(http: Http, authorization: str, method: str, path: str, expected: int, body: dict[str, Any] | None = None,
          *, params: dict[str, str] | None = None) -> dict[str, Any]:
    status, answer = http(method, path, body, authorization=authorization, params=params)
    if status != expected:
        raise RuntimeError(f"{method} {path} → {status}: {str(answer)[:300]}")
    return answer

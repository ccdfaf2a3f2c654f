"""The demo's month (issue 14): the monthly evaluation of Phòng Nội vụ under Decree 335/2025, through its workflow.

The month is the one before the lobby's day (it has ended). The lobby camera was installed only this month, so:

1. the unit's paper attendance sheet of that month is entered as corrections, the sheet named as their reason
   (two late mornings and one unexcused absence are entered as what they were);
2. the system admin marks the unit's leader (`is_leader`) and the duty groups, gives the district's head an
   account (`thutruong`, role unit_head) and every member who has none an account of their own;
3. the e-office system posts the month's tasks (some late, some with major errors, one late for an objective
   cause, one still open at month end), and the leader enters by hand a task the e-office system does not have;
4. the leader computes the unit's drafts; each person self-assesses the general criteria; the leader reviews
   each (one adjustment, with its reason) and the head reviews the leader; the head approves the unit, the cap
   on "excellent" (at most 20% of those rated good) shown and applied;
5. the monthly reports run as the schedule runs them on the first working day (`POST /v1/reports/monthly/run`),
   then again (the re-run sends nothing twice); the e-mails with their XLSX land in the output folder's mail/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chamcong.rules.evaluation import GRADE_LABELS
from infra.demo.wfh import Http, _call

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HEAD = "thutruong"  # the district's head (Chủ tịch UBND huyện): reviews the unit's leader, approves the unit
DUTY_GROUP = "chuyen-vien"  # chuyên viên: the cap is counted within one group of similar duties
LEADER_GROUP = "lanh-dao-phong"  # lãnh đạo phòng
SHEET = "Theo bảng chấm công giấy tháng {month} (camera sảnh lắp từ tháng sau)"
# The month's e-office tasks of each person: (title, document number, working day of the month it is assigned on,
# calendar days to its deadline).
TASKS = [
    ("Tham mưu kế hoạch tuyển dụng công chức cấp xã", "KH-101", 0, 5),
    ("Thẩm định hồ sơ nâng bậc lương thường xuyên", "TĐ-214", 2, 4),
    ("Báo cáo số lượng, chất lượng cán bộ, công chức", "BC-77", 4, 6),
    ("Dự thảo quyết định kiện toàn hội đồng thi đua", "QĐ-35", 6, 3),
    ("Tổng hợp kết quả đánh giá cán bộ quý III", "BC-90", 8, 5),
    ("Rà soát vị trí việc làm các phòng chuyên môn", "CV-412", 10, 4),
]


@dataclass(frozen=True)
class Profile:
    """How one person's month went, by their place in the unit (the leader first)."""

    late_days: tuple[int, ...] = ()  # working days (index) they arrived late
    absent_days: tuple[int, ...] = ()  # working days with no check-in and no reason
    late_tasks: tuple[tuple[int, int], ...] = ()  # (task index, days late)
    objective: tuple[int, ...] = ()  # late tasks whose delay had an objective cause the leader confirmed
    errors: tuple[tuple[int, int], ...] = ()  # (task index, major errors)
    still_open: tuple[int, ...] = ()  # tasks not done at month end
    self_points: float = 6  # what they give themselves on each criterion they enter (out of 6)


PROFILES = [
    Profile(self_points=6),  # the leader
    Profile(self_points=6),
    Profile(late_days=(3,), late_tasks=((1, 2),), errors=((3, 1),), self_points=5.5),
    Profile(late_tasks=((0, 1), (4, 3)), objective=(4,), self_points=5.5),
    Profile(late_days=(5, 12), absent_days=(9,), late_tasks=((2, 1),), errors=((1, 2),), still_open=(5,),
            self_points=5),
]
ADJUSTED = 1  # the leader lowers this person's "competence" entry, with a reason
ADJUSTMENT_REASON = "Còn phải sửa lại dự thảo hai lần trước khi trình; chưa đạt mức tối đa"


@dataclass
class Member:
    staff_id: str
    full_name: str
    username: str
    bearer: str = ""
    profile: Profile = Profile()


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def play(http: Http, admin: str, unit: dict[str, Any], district_id: str, members: list[tuple[str, str, str | None]],
         lobby_day: date, password: str) -> list[str]:
    """The month before `lobby_day` for `unit`. `members`: (staff id, full name, username or None) with the
    unit's leader first; those with a username already have an account whose password is `password`."""
    first = previous_month(lobby_day)
    month = f"{first:%Y-%m}"
    out = ["", f"Đánh giá, xếp loại tháng {first:%m/%Y} / the monthly evaluation — {unit['name']}:"]
    if len(members) < 2:
        return [*out, "  bỏ qua: đơn vị cần ít nhất 2 cán bộ / skipped: the unit needs two people"]
    unit_id = str(unit["unit_id"])
    people = _people(http, admin, unit_id, district_id, members, password)
    leader, staff = people[0], people[1:]
    head = _account(http, admin, HEAD, district_id, None, [{"role": "unit_head", "unit_id": district_id}], password)
    out.append(f"  tài khoản / accounts: {HEAD} (Thủ trưởng / head of unit, cả huyện), "
               + ", ".join(person.username for person in people))
    working = _attendance(http, admin, people, month, out)
    _tasks(http, admin, leader, people, working, district_id, out)
    base = f"/v1/units/{unit_id}/evaluations/{month}"
    computed = _call(http, leader.bearer, "POST", f"{base}/compute", 200)
    out.append(f"  {leader.username} tính dự thảo / computes the drafts: {len(computed['rows'])} người / people, "
               f"theo / by {computed['ruleset']['name_vi']} (phiên bản / version {computed['ruleset']['version']})")
    criteria = _entry_criteria(http, admin)
    for person in people:
        path = f"/v1/staff/{person.staff_id}/evaluations/{month}"
        _call(http, person.bearer, "PUT", f"{path}/self-assessment", 200, {
            "general": {code: person.profile.self_points for code in criteria},
            "comment": "Hoàn thành các nhiệm vụ được giao trong tháng"})
    out.append(f"  {len(people)} người tự đánh giá / people self-assess")
    for number, person in enumerate(people):
        reviewer = head if person is leader else leader.bearer
        general: dict[str, dict[str, Any]] = {
            code: {"points": person.profile.self_points, "reason": None} for code in criteria}
        if number == ADJUSTED and "competence" in general:
            general["competence"] = {"points": 5, "reason": ADJUSTMENT_REASON}
        _call(http, reviewer, "PUT", f"/v1/staff/{person.staff_id}/evaluations/{month}/review", 200,
              {"general": general, "disqualifications": [], "comment": "Đồng ý với kết quả tự đánh giá"})
    out.append(f"  {leader.username} nhận xét, đánh giá / reviews {len(staff)} người / people "
               f"(điều chỉnh một tiêu chí, có lý do / one criterion adjusted, with its reason); "
               f"{HEAD} đánh giá lãnh đạo phòng / reviews the leader")
    table = _call(http, head, "GET", base, 200)
    chosen = [staff_id for group in table["cap"] for staff_id in group["tied"][: group["slots"]]]
    approved = _call(http, head, "POST", f"{base}/approve", 200, {"excellent": chosen})
    details = {person.staff_id: _call(http, head, "GET", f"/v1/staff/{person.staff_id}/evaluations/{month}", 200)
               for person in people}
    out += _table(approved, table["cap"], details)
    out += _reports(http, admin, month, {unit_id: str(unit["name"]), "district": "toàn huyện / district"})
    return out


def _people(http: Http, admin: str, unit_id: str, district_id: str, members: list[tuple[str, str, str | None]],
            password: str) -> list[Member]:
    people: list[Member] = []
    for number, (staff_id, full_name, username) in enumerate(members[: len(PROFILES)]):
        leads = number == 0
        _call(http, admin, "PATCH", f"/v1/staff/{staff_id}", 200, {
            "duty_group": LEADER_GROUP if leads else DUTY_GROUP, "is_leader": leads})
        record = _call(http, admin, "GET", f"/v1/staff/{staff_id}", 200)
        if not record.get("employee_code"):
            _call(http, admin, "PATCH", f"/v1/staff/{staff_id}", 200, {"employee_code": f"NV{number + 1:03d}"})
        if username is None:
            username = f"canbo{number + 1}"
            _account(http, admin, username, unit_id, staff_id, None, password)
        people.append(Member(staff_id, full_name, username, _sign_in(http, username, password), PROFILES[number]))
    del district_id
    return people


def _account(http: Http, admin: str, username: str, unit_id: str, staff_id: str | None,
             grants: list[dict[str, str]] | None, password: str) -> str:
    """An account made as the offices make them: a temporary password, changed at the first sign-in."""
    body: dict[str, Any] = {"username": username, "unit_id": unit_id, "staff_id": staff_id}
    if grants is not None:
        body["grants"] = grants
    created = _call(http, admin, "POST", "/v1/accounts", 201, body)
    first = _call(http, "", "POST", "/v1/auth/login", 200,
                  {"username": username, "password": created["temporary_password"]})
    changed = _call(http, f"Bearer {first['token']}", "POST", "/v1/auth/password", 200,
                    {"current_password": created["temporary_password"], "new_password": password})
    return f"Bearer {changed['token']}"


def _sign_in(http: Http, username: str, password: str) -> str:
    answer = _call(http, "", "POST", "/v1/auth/login", 200, {"username": username, "password": password})
    return f"Bearer {answer['token']}"


def _attendance(http: Http, admin: str, people: list[Member], month: str, out: list[str]) -> list[date]:
    """The paper sheet entered as corrections; returns the month's working days (by the unit's calendar)."""
    working: list[date] = []
    entered = 0
    for person in people:
        days = _call(http, admin, "GET", f"/v1/staff/{person.staff_id}/days", 200, params={"month": month})["days"]
        mine = [row for row in days if row["status"] not in ("weekend", "holiday", "not_employed")]
        working = working or [date.fromisoformat(str(row["date"])) for row in mine]
        for index, row in enumerate(mine):
            if index in person.profile.absent_days or row["status"] not in ("absent", "missing_check_in",
                                                                             "missing_check_out", "pending"):
                continue
            status = "late" if index in person.profile.late_days else "on_time"
            _call(http, admin, "POST", "/v1/corrections", 201, {
                "staff_id": person.staff_id, "date": row["date"], "status": status,
                "reason": SHEET.format(month=f"{month[5:]}/{month[:4]}")})
            entered += 1
    out.append(f"  bảng chấm công giấy nhập thành {entered} đính chính / the paper sheet entered as {entered} "
               f"corrections ({len(working)} ngày làm việc / working days)")
    return working


def _tasks(http: Http, admin: str, leader: Member, people: list[Member], working: list[date], district_id: str,
           out: list[str]) -> None:
    client = _call(http, admin, "POST", "/v1/integrations", 201,
                   {"name": "Hệ thống quản lý văn bản — đồng bộ tháng (demo)", "unit_id": district_id})
    now = datetime.now(HANOI)
    records: list[dict[str, Any]] = []
    for person in people:
        code = _call(http, admin, "GET", f"/v1/staff/{person.staff_id}", 200)["employee_code"]
        late, errors = dict(person.profile.late_tasks), dict(person.profile.errors)
        for index, (title, document, on_day, days) in enumerate(TASKS):
            assigned = datetime.combine(working[min(on_day, len(working) - 1)], datetime.min.time(), HANOI) \
                + timedelta(hours=8)
            due = assigned + timedelta(days=days, hours=9)
            record: dict[str, Any] = {
                "external_id": f"VB-{working[0]:%Y%m}-{code}-{index + 1}", "assignee": code, "title": title,
                "document_number": document,
                "assigned_at": assigned.isoformat(), "due_at": due.isoformat(), "weight": 1}
            if index in person.profile.still_open:
                record["status"] = "in_progress"
            else:
                done = min(due - timedelta(hours=2) + timedelta(days=late.get(index, 0)), now - timedelta(hours=1))
                record.update(status="done", completed_at=done.isoformat(), quality={
                    "meets_requirements": True, "major_errors": errors.get(index, 0), "objective_cause": False})
                if index in person.profile.objective:
                    record["late_objective_cause"] = True
            records.append(record)
    posted = _call(http, f"ApiKey {client['key']}", "POST", "/v1/tasks/batch", 200, {"tasks": records})
    out.append(f"  hệ thống văn bản gửi / the e-office system posts {posted['accepted']} nhiệm vụ / tasks "
               f"(từ chối / rejected {len(posted['rejected'])})")
    for rejection in posted["rejected"]:
        out.append(f"    #{rejection['index']} {rejection['external_id']}: {rejection['code']} — "
                   f"{rejection['message']}")
    clerk = people[-1]
    day = working[min(3, len(working) - 1)]
    start = datetime.combine(day, datetime.min.time(), HANOI) + timedelta(hours=8)
    _call(http, leader.bearer, "POST", f"/v1/staff/{clerk.staff_id}/tasks", 201, {
        "title": "Tiếp công dân định kỳ tại bộ phận một cửa", "weight": 1, "assigned_at": start.isoformat(),
        "due_at": (start + timedelta(hours=9)).isoformat(), "status": "done",
        "completed_at": (start + timedelta(hours=8)).isoformat()})
    out.append(f"  {leader.username} nhập tay một nhiệm vụ không có trên hệ thống văn bản / enters a task by hand "
               f"for {clerk.full_name}")


def _entry_criteria(http: Http, admin: str) -> list[str]:
    """The general criteria a person enters (not the attendance one), from the rule set in force."""
    listing = _call(http, admin, "GET", "/v1/rulesets", 200)
    current = next(item for item in listing["rulesets"] if item["in_force"])
    ruleset = _call(http, admin, "GET", f"/v1/rulesets/{current['ruleset_id']}/{current['version']}", 200)
    return [c["code"] for c in ruleset["body"]["general"]["criteria"] if c["source"] == "entry"]


def _table(approved: dict[str, Any], cap: list[dict[str, Any]], details: dict[str, dict[str, Any]]) -> list[str]:
    """The unit's month as the head approved it: each person's parts, grade by points and after the cap."""
    out = ["  Bảng tổng hợp / the month's table:",
           f"    {'Họ và tên':<22} {'chung/30':>8} {'nhiệm vụ/70':>11} {'tổng':>6}  xếp loại theo điểm → sau giới hạn "
           f"/ grade by points → after the cap"]
    for row in approved["rows"]:
        computed = details[row["staff_id"]]["computed"]
        out.append(f"    {row['full_name']:<22} {computed['general']['points']:>8} {computed['tasks']['points']:>11} "
                   f"{row['total']:>6}  {_grade(row['grade'])} → {_grade(row['final_grade'])} ({row['state']})")
    for group in cap:
        out.append(f"  giới hạn xuất sắc, nhóm / the cap on excellent, group {group['duty_group']}: tối đa / at most "
                   f"{group['limit']}, {'áp dụng / binds' if group['binds'] else 'không vượt / does not bind'}; "
                   f"hạ xuống tốt / made good: {len(group['demote'])}, ngang điểm / tied: {len(group['tied'])}")
    out.append(f"  thủ trưởng phê duyệt / the head approves: {approved['states'].get('locked', 0)} đã khoá / locked")
    return out


def _grade(code: str | None) -> str:
    return GRADE_LABELS[code][0] if code else "—"


def _reports(http: Http, admin: str, month: str, names: dict[str, str]) -> list[str]:
    """The month's reports as the schedule runs them on the first working day, then once more."""
    out = [f"  Báo cáo tháng / the monthly reports ({month}):"]
    for label in ("chạy / run", "chạy lại / re-run"):
        run = _call(http, admin, "POST", "/v1/reports/monthly/run", 200, {"month": month})
        shown = [f"{names.get(str(report['audience']), report['audience'])} → {report['status']}"
                 for report in run["reports"] if str(report["audience"]) in names]
        out.append(f"    {label}: " + "; ".join(sorted(shown)))
    return out

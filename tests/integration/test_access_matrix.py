"""Who may do what, where: every role × every route × own unit / child / sibling / other district.

The tree: a province with two districts. The accounts under test, all created through the API:
- oversight (Home Affairs of district 1), granted `oversight` on district 1;
- a unit admin, a unit leader and a head of unit of A (in district 1), granted on A;
- a staff member of A, who holds only `staff`.
Targets: A itself ("own"), A's sub-unit ("child"), A's sibling in district 1 ("sibling"), a unit of
district 2 ("other"), and for routes about a person, the staff account's own person ("self").

The expected answers are written out below as the product promises them (README, "Roles"), not derived
from the code under test. A refusal must be 403 and carry none of the target's data: no names, no
evidence links.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

import app as api_module
from chamcong.schemas.common import XLSX
from chamcong.services.dossier import DOCX
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.roster import RosterModel
from tests.integration.harness import Product, Reply

ROLES = ("oversight", "unit_admin", "unit_leader", "unit_head", "staff")
UNIT_TARGETS = ("own", "child", "sibling", "other")
PERSON_TARGETS = ("self", "own", "child", "sibling", "other")

# Where each role's grant reaches (the staff account reaches only its own person).
REACH: dict[str, set[str]] = {
    "oversight": {"self", "own", "child", "sibling"},
    "unit_admin": {"self", "own", "child"},
    "unit_leader": {"self", "own", "child"},
    "unit_head": {"self", "own", "child"},
    "staff": set(),
}
# Routes a plain staff account may use, for its own person only.
STAFF_SELF_ROUTES = {"GET /v1/staff/{staff_id}", "GET /v1/staff/{staff_id}/transfers", "GET /v1/staff?employee_code",
                     "GET /v1/staff/{staff_id}/events", "GET /v1/staff/{staff_id}/days",
                     "GET /v1/staff/{staff_id}/days/{date}/evidence-bundle",
                     "GET /v1/absences?staff_id", "GET /v1/corrections?staff_id", "GET /v1/staff/{staff_id}/tasks",
                     "GET /v1/staff/{staff_id}/evaluations/{month}", "GET /v1/staff/{staff_id}/evaluations",
                     "PUT /v1/staff/{staff_id}/evaluations/{month}/self-assessment",
                     "GET /v1/staff/{staff_id}/personal-data", "GET /v1/staff/{staff_id}/personal-data/archive",
                     "POST /v1/staff/{staff_id}/erasure-requests"}

READERS = {"oversight", "unit_admin", "unit_leader", "unit_head"}
# attendance, events, absences, corrections: not the unit admin
PEOPLE_READERS = {"oversight", "unit_leader", "unit_head"}
RULESET_READERS = {"oversight", "unit_admin", "unit_leader", "unit_head"}

# route → the roles that may use it on a target their grant reaches
ALLOWED_ROLES: dict[str, set[str]] = {
    "GET /v1/auth/me": set(ROLES),
    "POST /v1/accounts": {"unit_admin"},
    "GET /v1/accounts?unit_id": {"unit_admin", "oversight"},
    "GET /v1/accounts/{username}": {"unit_admin", "oversight"},
    "POST /v1/accounts/{username}/reset": {"unit_admin"},
    "POST /v1/accounts/{username}/lock": {"unit_admin"},
    "POST /v1/accounts/{username}/unlock": {"unit_admin"},
    "POST /v1/accounts/{username}/roles": {"unit_admin"},
    "DELETE /v1/accounts/{username}/roles/{role}": {"unit_admin"},
    "GET /v1/audit": {"oversight"},
    "POST /v1/units": {"unit_admin"},
    "GET /v1/units/{unit_id}": READERS,
    "PATCH /v1/units/{unit_id}": {"unit_admin"},
    "DELETE /v1/units/{unit_id}": {"unit_admin"},
    "POST /v1/staff": {"unit_admin"},
    "GET /v1/staff?unit_id": READERS,
    "GET /v1/staff?employee_code": READERS,
    "GET /v1/staff/{staff_id}": READERS,
    "PATCH /v1/staff/{staff_id}": {"unit_admin"},
    # A move needs both units in reach: each person goes to a unit their admin also manages (own ↔ child).
    "POST /v1/staff/{staff_id}/transfers": {"unit_admin"},
    "GET /v1/staff/{staff_id}/transfers": READERS,
    "DELETE /v1/staff/{staff_id}": {"unit_admin"},
    # Who may import at all; where each row may go is the import's own test (tests/integration/test_staff_import.py).
    "POST /v1/staff/import": {"unit_admin"},
    "POST /v1/staff/{staff_id}/faces": {"unit_admin"},
    "POST /v1/staff/{staff_id}/faces/batch": {"unit_admin"},
    "DELETE /v1/staff/{staff_id}/faces/{face_id}": {"unit_admin"},
    "POST /v1/devices": {"unit_admin"},
    "GET /v1/devices?unit_id": {"unit_admin", "oversight"},
    "POST /v1/devices/{device_id}/rotate": {"unit_admin"},
    "POST /v1/devices/{device_id}/revoke": {"unit_admin"},
    # Who else a site's lobbies recognise: a unit admin grants it in their subtree; those who see devices read it.
    "GET /v1/sites/{unit_id}/grants": {"unit_admin", "oversight"},
    "POST /v1/sites/{unit_id}/grants": {"unit_admin"},
    "DELETE /v1/sites/{unit_id}/grants/{staff_id}": {"unit_admin"},
    # Integration clients (the e-office system): a unit admin for their subtree, like devices.
    "POST /v1/integrations": {"unit_admin"},
    "GET /v1/integrations?unit_id": {"unit_admin"},
    "POST /v1/integrations/{client_id}/rotate": {"unit_admin"},
    "POST /v1/integrations/{client_id}/revoke": {"unit_admin"},
    # Tasks from the e-office system: read like attendance (a person their own).
    "GET /v1/staff/{staff_id}/tasks": PEOPLE_READERS,
    "GET /v1/units/{unit_id}/tasks": PEOPLE_READERS,
    # A task spreadsheet (no API in the office): a unit admin for their subtree.
    "POST /v1/tasks/import": {"unit_admin"},
    # Match thresholds: a unit admin calibrates their subtree (units and devices); the site, a system admin only.
    "GET /v1/thresholds/proposal?unit_id": {"unit_admin"},
    "GET /v1/thresholds/proposal?device_id": {"unit_admin"},
    "GET /v1/thresholds": {"unit_admin"},
    "PUT /v1/thresholds/{scope}/{scope_id}?unit": {"unit_admin"},
    "PUT /v1/thresholds/{scope}/{scope_id}?device": {"unit_admin"},
    "PUT /v1/thresholds/{scope}/{scope_id}?site": set(),
    "GET /v1/thresholds/{scope}/{scope_id}?unit": {"unit_admin"},
    "GET /v1/thresholds/{scope}/{scope_id}?device": {"unit_admin"},
    "GET /v1/staff/{staff_id}/events": PEOPLE_READERS,
    "GET /v1/attendance/days": PEOPLE_READERS,
    # Today and the charts: without a unit, every unit the reader oversees (a staff account has none: 403)
    "GET /v1/attendance/overview": PEOPLE_READERS,
    "GET /v1/attendance/spoofs": PEOPLE_READERS,
    "GET /v1/attendance/spoofs?unit_id": PEOPLE_READERS,
    "GET /v1/attendance/stats": PEOPLE_READERS,
    "GET /v1/attendance/stats?unit_id": PEOPLE_READERS,
    "GET /v1/staff/{staff_id}/days": PEOPLE_READERS,
    "GET /v1/staff/{staff_id}/days/{date}/evidence-bundle": PEOPLE_READERS,
    "POST /v1/absences": {"unit_leader"},
    "GET /v1/absences?unit_id": PEOPLE_READERS,
    "GET /v1/absences?staff_id": PEOPLE_READERS,
    "DELETE /v1/staff/{staff_id}/absences/{absence_id}": {"unit_leader"},
    "POST /v1/corrections": {"unit_leader"},
    "GET /v1/corrections?unit_id": PEOPLE_READERS,
    "GET /v1/corrections?staff_id": PEOPLE_READERS,
    # The work-from-home roster: the leader sets it, oversight approves exceptions to its cap, both read it.
    "PUT /v1/units/{unit_id}/roster/{date}": {"unit_leader"},
    "GET /v1/units/{unit_id}/roster/{date}": PEOPLE_READERS,
    "GET /v1/units/{unit_id}/roster": PEOPLE_READERS,
    "POST /v1/units/{unit_id}/roster-exceptions": {"oversight"},
    "GET /v1/units/{unit_id}/roster-exceptions": PEOPLE_READERS,
    "GET /v1/units/{unit_id}/calendar": READERS,
    "PUT /v1/units/{unit_id}/calendar": {"unit_admin"},
    # The whole site: only a system admin (not among the roles here), except reading the site's calendar.
    "GET /v1/calendars/site": READERS,
    "PUT /v1/calendars/site": set(),
    "POST /v1/reports/daily/run": set(),
    # Reports: a unit's needs the unit in reach; the list shows each reader what they reach.
    "GET /v1/reports/daily": PEOPLE_READERS,
    "GET /v1/reports/daily/{date}/{kind}/{audience}": PEOPLE_READERS,
    "GET /v1/reports/daily/{date}/{kind}/{audience}/attachment": PEOPLE_READERS,
    "POST /v1/reports/wfh/run": set(),
    "GET /v1/reports/wfh": PEOPLE_READERS,
    "GET /v1/reports/wfh/{date}/{kind}/{audience}": PEOPLE_READERS,
    "GET /v1/reports/wfh/{date}/{kind}/{audience}/attachment": PEOPLE_READERS,
    "GET /v1/reports/wfh/{date}/{kind}/{audience}/text": PEOPLE_READERS,
    # The monthly evaluation: the leader (and the head) compute and review, the head approves, oversight reopens,
    # the person reads and self-assesses their own; rule sets are read by the officials, added by a system admin.
    "GET /v1/rulesets": RULESET_READERS,
    "GET /v1/rulesets/{ruleset_id}/{version}": RULESET_READERS,
    "POST /v1/rulesets": set(),
    "POST /v1/units/{unit_id}/evaluations/{month}/compute": {"unit_leader", "unit_head"},
    "GET /v1/units/{unit_id}/evaluations/{month}": PEOPLE_READERS,
    "GET /v1/staff/{staff_id}/evaluations/{month}": PEOPLE_READERS,
    "PUT /v1/staff/{staff_id}/evaluations/{month}/self-assessment": set(),
    "PUT /v1/staff/{staff_id}/evaluations/{month}/review": {"unit_leader", "unit_head"},
    "POST /v1/staff/{staff_id}/evaluations/{month}/return": {"unit_leader", "unit_head"},
    "POST /v1/units/{unit_id}/evaluations/{month}/approve": {"unit_head"},
    "PUT /v1/staff/{staff_id}/evaluations/{month}/other-unit": {"unit_leader", "unit_head"},
    "POST /v1/staff/{staff_id}/evaluations/{month}/reopen": {"oversight"},
    "GET /v1/staff/{staff_id}/evaluations": PEOPLE_READERS,
    "POST /v1/staff/{staff_id}/tasks": {"unit_leader"},
    "POST /v1/reports/monthly/run": set(),
    "GET /v1/reports/monthly": PEOPLE_READERS,
    "GET /v1/reports/monthly/{month}/{audience}": PEOPLE_READERS,
    "GET /v1/reports/monthly/{month}/{audience}/attachment": PEOPLE_READERS,
    # Decree 13/2023: the notice is read by every role; a person's own data by the person and whoever may read
    # them; erasure is asked by the person or their unit admin and answered by the unit admin; the impact-assessment
    # dossier is for Home Affairs (oversight) and system admins.
    "GET /v1/privacy/notices": set(ROLES),
    "GET /v1/privacy/notices/{notice_version}": set(ROLES),
    "GET /v1/staff/{staff_id}/personal-data": READERS,
    "GET /v1/staff/{staff_id}/personal-data/archive": READERS,
    "POST /v1/staff/{staff_id}/erasure-requests": {"unit_admin"},
    "GET /v1/erasure-requests": {"unit_admin"},
    "GET /v1/erasure-requests?unit_id": {"unit_admin"},
    "POST /v1/erasure-requests/{request_id}/complete": {"unit_admin"},
    "POST /v1/erasure-requests/{request_id}/refuse": {"unit_admin"},
    "GET /v1/privacy/dossier": {"oversight"},
}
# Lists without a target are checked by what they return (test_lists_show_only_what_the_role_oversees);
# one's own password and session by tests/integration/test_account_lifecycle.py.
CHECKED_ELSEWHERE = {"GET /v1/units", "POST /v1/auth/password", "POST /v1/auth/logout"}


@dataclass
class World:
    product: Product
    units: dict[str, str] = field(default_factory=dict)  # target name → unit id (plus D1, D2, PROV)
    people: dict[str, str] = field(default_factory=dict)  # target name → staff id
    tokens: dict[str, str] = field(default_factory=dict)  # role → token
    accounts: dict[str, str] = field(default_factory=dict)  # unit target → a plain account living there
    devices: dict[str, str] = field(default_factory=dict)  # unit target → device id
    integrations: dict[str, str] = field(default_factory=dict)  # unit target → integration client id
    absences: dict[str, str] = field(default_factory=dict)  # person target → absence id
    reported: bool = False  # Wednesday's morning reports archived (no recipients set)
    wfh_reported: bool = False  # Wednesday's 16:00 work-from-home reports archived (someone at home in each unit)
    monthly_reported: bool = False  # August's evaluation reports archived (every unit has people)
    computed: set[tuple[str, str]] = field(default_factory=set)  # (unit, month) whose evaluations exist
    counter: itertools.count = field(default_factory=itertools.count)

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def as_admin(self, method: str, path: str, body: object = None) -> Reply:
        reply = self.product.request(method, path, body)
        assert reply.status in (200, 201, 204), (method, path, reply.body)
        return reply


def build_world(product: Product) -> World:
    world = World(product)
    province = product.unit("Tỉnh Hoà Bình")
    d1 = product.unit("UBND huyện Đà Bắc", province)
    d2 = product.unit("UBND huyện Mai Châu", province)
    own = product.unit("Phòng Nội vụ", d1)
    world.units = {"PROV": province, "D1": d1, "D2": d2, "own": own, "child": product.unit("Bộ phận một cửa", own),
                   "sibling": product.unit("Phòng Tài chính", d1), "other": product.unit("Phòng Nội vụ Mai Châu", d2)}
    for target, unit in (("self", "own"), ("own", "own"), ("child", "child"), ("sibling", "sibling"),
                         ("other", "other")):
        world.people[target] = product.staff(f"Cán bộ {target}", world.units[unit])
    leader_person = product.staff("Trưởng phòng Nội vụ", own)
    world.tokens = {
        "oversight": product.account("noivu-huyen", d1, grants=[{"role": "oversight", "unit_id": d1}]),
        "unit_admin": product.account("quantri-noivu", own, grants=[{"role": "unit_admin", "unit_id": own}]),
        "unit_leader": product.account("truongphong", own, staff_id=leader_person,
                                       grants=[{"role": "unit_leader", "unit_id": own},
                                               {"role": "staff", "unit_id": own}]),
        "unit_head": product.account("thutruong", own, grants=[{"role": "unit_head", "unit_id": own}]),
        "staff": product.account("canbo-self", own, staff_id=world.people["self"]),
    }
    for target in UNIT_TARGETS:
        unit = world.units[target]
        world.accounts[target] = username = f"acct-{target}"
        world.as_admin("POST", "/v1/accounts", {"username": username, "unit_id": unit,
                                                "grants": [{"role": "unit_leader", "unit_id": unit}]})
        world.devices[target] = world.as_admin("POST", "/v1/devices", {"name": f"Camera {target}",
                                                                       "unit_id": unit}).body["device_id"]
        world.integrations[target] = world.as_admin("POST", "/v1/integrations", {
            "name": f"Văn phòng điện tử {target}", "unit_id": unit}).body["client_id"]
    for target, staff_id in world.people.items():
        world.absences[target] = world.as_admin("POST", "/v1/absences", {
            "staff_id": staff_id, "kind": "leave", "first_day": "2026-12-01", "last_day": "2026-12-01",
            "reason": "Nghỉ phép năm"}).body["absence_id"]
        # A recorded (late) check-in with its snapshot, as the recognition route leaves them.
        key = f"snapshots/2026-11-20/{staff_id}.jpg"
        product.container.blobs.put(key, b"\xff\xd8 evidence", "image/jpeg")
        EventModel(staff_id, f"2026-11-20T07:35:00#dev_x#cap_{staff_id}", unit_id=_unit_of(world, target),
                   event_type="check_in", local_date="2026-11-20",
                   captured_at=datetime(2026, 11, 20, 0, 35, tzinfo=UTC), captured_at_local="2026-11-20T07:35:00+07:00",
                   device_id="dev_x", capture_id=f"cap_{staff_id}", similarity=0.8, snapshot_key=key).save()
    return world


def _unit_of(world: World, person_target: str) -> str:
    return world.units["own" if person_target == "self" else person_target]


# --- the requests, one per route, for a target ----------------------------------------------------------

Request = Callable[[World, str], tuple[str, str, object]]


def _unit(world: World, target: str) -> str:
    return world.units[target]


def _person(world: World, target: str) -> str:
    return world.people[target]


def _reported_unit(world: World, target: str) -> str:
    if not world.reported:
        world.as_admin("POST", "/v1/reports/daily/run", {"date": "2026-11-18", "kind": "morning"})
        world.reported = True
    return world.units[target]


def _wfh_reported_unit(world: World, target: str) -> str:
    if not world.wfh_reported:
        for person in ("own", "child", "sibling", "other"):  # stored as a roster is (a unit of one is over the cap)
            RosterModel(_unit_of(world, person), RosterModel.day_key(date(2026, 11, 18)), day="2026-11-18",
                        staff_ids=[world.people[person]], updated_by="admin").save()
        world.as_admin("POST", "/v1/reports/wfh/run", {"date": "2026-11-18", "kind": "units"})
        world.wfh_reported = True
    return world.units[target]


def _monthly_reported_unit(world: World, target: str) -> str:
    if not world.monthly_reported:
        reply = world.as_admin("POST", "/v1/reports/monthly/run", {"month": "2026-08"})
        assert reply.status == 200, reply.body
        world.monthly_reported = True
    return world.units[target]


def _fresh_unit_under(world: World, target: str) -> str:
    return str(world.as_admin("POST", "/v1/units", {"name": world.unique("Tổ tạm "),
                                                     "parent_id": world.units[target]}).body["unit_id"])


def _coded_person(world: World, target: str) -> str:
    """The target person's employee code (given to them by the site's admin on first use)."""
    code = f"MA-{target}"
    world.as_admin("PATCH", f"/v1/staff/{world.people[target]}", {"employee_code": code})
    return code


def _staff_sheet(world: World, target: str) -> dict[str, object]:
    code = world.unique("NEW-")
    sheet = f"Họ và tên,Đơn vị,Mã cán bộ\nNgười mới {code},{world.units[target]},{code}\n"
    return {"filename": "danh-sach.csv", "content_b64": base64.b64encode(sheet.encode()).decode()}


def _fresh_person_in(world: World, target: str) -> str:
    return str(world.as_admin("POST", "/v1/staff", {"full_name": world.unique("Người tạm "),
                                                     "unit_id": _unit_of(world, target)}).body["staff_id"])


def _without_open_request(world: World, target: str) -> str:
    """The target person, any erasure request of theirs still open refused by the site's admin first."""
    staff_id = world.people[target]
    listed = world.as_admin("GET", f"/v1/erasure-requests?unit_id={_unit_of(world, target)}").body["requests"]
    for request in listed:
        if request["staff_id"] == staff_id and request["status"] == "pending":
            world.as_admin("POST", f"/v1/erasure-requests/{request['request_id']}/refuse", {"reason": "Đã xem xét"})
    return staff_id


def _pending_request(world: World, target: str) -> str:
    """A new erasure request of the target person's biometric data (they have no photo: completing erases none)."""
    staff_id = _without_open_request(world, target)
    return str(world.as_admin("POST", f"/v1/staff/{staff_id}/erasure-requests", {
        "scope": "biometric", "reason": "Yêu cầu của cán bộ"}).body["request_id"])


# --- the monthly evaluation: October 2026 for reading and the workflow, September for approving and reopening -----

def _computed(world: World, unit: str, month: str) -> None:
    """The unit's month computed once: its people's evaluations then exist, whatever later rows do to them."""
    if (unit, month) not in world.computed:
        world.as_admin("POST", f"/v1/units/{unit}/evaluations/{month}/compute")
        world.computed.add((unit, month))


def _evaluated(world: World, target: str) -> str:
    """The target person, whose October evaluation exists (computed by the site's admin)."""
    _computed(world, _unit_of(world, target), "2026-10")
    return world.people[target]


def _reviewed(world: World, target: str) -> str:
    """The target person, their October evaluation reviewed by the site's admin (so that it may be returned)."""
    staff_id = _evaluated(world, target)
    world.as_admin("PUT", f"/v1/staff/{staff_id}/evaluations/2026-10/review", {"general": {}})
    return staff_id


def _ready(world: World, unit_target: str) -> str:
    """The unit, every September evaluation of it reviewed by the site's admin (so that it may be approved)."""
    unit = world.units[unit_target]
    _computed(world, unit, "2026-09")
    for row in world.as_admin("GET", f"/v1/units/{unit}/evaluations/2026-09").body["rows"]:
        if row["state"] in ("draft", "self_assessed"):
            world.as_admin("PUT", f"/v1/staff/{row['staff_id']}/evaluations/2026-09/review", {"general": {}})
    return unit


def _locked(world: World, target: str) -> str:
    """The target person, their September evaluation approved (locked) by the site's admin."""
    unit = _ready(world, "own" if target == "self" else target)
    world.as_admin("POST", f"/v1/units/{unit}/evaluations/2026-09/approve", {"excellent": []})
    return world.people[target]


REQUESTS: dict[str, tuple[tuple[str, ...], Request]] = {
    "GET /v1/auth/me": (("own",), lambda w, t: ("GET", "/v1/auth/me", None)),
    "POST /v1/accounts": (UNIT_TARGETS, lambda w, t: ("POST", "/v1/accounts", {
        "username": w.unique("new-"), "unit_id": _unit(w, t), "grants": []})),
    "GET /v1/accounts?unit_id": (UNIT_TARGETS, lambda w, t: ("GET", f"/v1/accounts?unit_id={_unit(w, t)}", None)),
    "GET /v1/accounts/{username}": (UNIT_TARGETS, lambda w, t: ("GET", f"/v1/accounts/{w.accounts[t]}", None)),
    "POST /v1/accounts/{username}/reset": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/accounts/{w.accounts[t]}/reset", {})),
    "POST /v1/accounts/{username}/lock": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/accounts/{w.accounts[t]}/lock", {"reason": "Nghỉ hưu"})),
    "POST /v1/accounts/{username}/unlock": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/accounts/{w.accounts[t]}/unlock", None)),
    "POST /v1/accounts/{username}/roles": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/accounts/{w.accounts[t]}/roles", {"role": "unit_admin", "unit_id": _unit(w, t)})),
    "DELETE /v1/accounts/{username}/roles/{role}": (UNIT_TARGETS, lambda w, t: (
        "DELETE", f"/v1/accounts/{w.accounts[t]}/roles/unit_leader?unit_id={_unit(w, t)}", None)),
    "GET /v1/audit": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/audit?from=2026-11-01&to=2026-11-30&unit_id={_unit(w, t)}", None)),
    "POST /v1/units": (UNIT_TARGETS, lambda w, t: ("POST", "/v1/units", {"name": "Tổ mới",
                                                                          "parent_id": _unit(w, t)})),
    "GET /v1/units/{unit_id}": (UNIT_TARGETS, lambda w, t: ("GET", f"/v1/units/{_unit(w, t)}", None)),
    "PATCH /v1/units/{unit_id}": (UNIT_TARGETS, lambda w, t: ("PATCH", f"/v1/units/{_unit(w, t)}", {
        "report_recipients": ["lanhdao@dabac.gov.vn"]})),
    "DELETE /v1/units/{unit_id}": (UNIT_TARGETS, lambda w, t: (
        "DELETE", f"/v1/units/{_fresh_unit_under(w, t)}", None)),
    "POST /v1/staff": (UNIT_TARGETS, lambda w, t: ("POST", "/v1/staff", {"full_name": "Người mới",
                                                                          "unit_id": _unit(w, t)})),
    "GET /v1/staff?unit_id": (UNIT_TARGETS, lambda w, t: ("GET", f"/v1/staff?unit_id={_unit(w, t)}", None)),
    "GET /v1/staff?employee_code": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff?employee_code={_coded_person(w, t)}", None)),
    "GET /v1/staff/{staff_id}": (PERSON_TARGETS, lambda w, t: ("GET", f"/v1/staff/{_person(w, t)}", None)),
    "PATCH /v1/staff/{staff_id}": (PERSON_TARGETS, lambda w, t: (
        "PATCH", f"/v1/staff/{_person(w, t)}", {"email": f"{w.unique('canbo')}@dabac.gov.vn"})),
    "POST /v1/staff/{staff_id}/transfers": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/staff/{_fresh_person_in(w, t)}/transfers", {
            "to_unit_id": w.units["own" if t == "child" else "child"], "effective": "2026-11-20",
            "reason": "Quyết định điều động"})),
    "GET /v1/staff/{staff_id}/transfers": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_person(w, t)}/transfers", None)),
    "POST /v1/staff/import": (("own",), lambda w, t: ("POST", "/v1/staff/import", _staff_sheet(w, t))),
    "DELETE /v1/staff/{staff_id}": (UNIT_TARGETS, lambda w, t: (
        "DELETE", f"/v1/staff/{_fresh_person_in(w, t)}", None)),
    # The photo is not a photo: an allowed caller gets past the scope check to 400 invalid_image.
    "POST /v1/staff/{staff_id}/faces": (PERSON_TARGETS, lambda w, t: (
        "POST", f"/v1/staff/{_person(w, t)}/faces", {"image_b64": "aGVsbG8gd29ybGQ="})),
    # Each photo is judged on its own: an allowed caller gets 200 with the photo refused as invalid_image.
    "POST /v1/staff/{staff_id}/faces/batch": (PERSON_TARGETS, lambda w, t: (
        "POST", f"/v1/staff/{_person(w, t)}/faces/batch", {"images_b64": ["aGVsbG8gd29ybGQ="]})),
    "DELETE /v1/staff/{staff_id}/faces/{face_id}": (PERSON_TARGETS, lambda w, t: (
        "DELETE", f"/v1/staff/{_person(w, t)}/faces/face_missing", None)),
    "POST /v1/devices": (UNIT_TARGETS, lambda w, t: ("POST", "/v1/devices", {"name": "Camera cổng",
                                                                              "unit_id": _unit(w, t)})),
    "GET /v1/devices?unit_id": (UNIT_TARGETS, lambda w, t: ("GET", f"/v1/devices?unit_id={_unit(w, t)}", None)),
    "POST /v1/devices/{device_id}/rotate": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/devices/{w.devices[t]}/rotate", None)),
    "GET /v1/sites/{unit_id}/grants": (UNIT_TARGETS, lambda w, t: ("GET", f"/v1/sites/{_unit(w, t)}/grants", None)),
    # A visitor from another district: where they work is not the granting admin's to reach.
    "POST /v1/sites/{unit_id}/grants": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/sites/{_unit(w, t)}/grants", {"staff_id": w.people["other"], "until": "2026-12-31",
                                                    "reason": "Đoàn kiểm tra công vụ"})),
    # Nobody holds a grant: an allowed caller gets past the scope check to 404 site_grant_not_found.
    "DELETE /v1/sites/{unit_id}/grants/{staff_id}": (UNIT_TARGETS, lambda w, t: (
        "DELETE", f"/v1/sites/{_unit(w, t)}/grants/stf_nobody", None)),
    "POST /v1/devices/{device_id}/revoke": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/devices/{w.devices[t]}/revoke", None)),
    "GET /v1/thresholds/proposal?unit_id": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/thresholds/proposal?fmr=0.001&unit_id={_unit(w, t)}", None)),
    "POST /v1/integrations": (UNIT_TARGETS, lambda w, t: ("POST", "/v1/integrations", {
        "name": "Hệ thống quản lý văn bản", "unit_id": _unit(w, t)})),
    "GET /v1/integrations?unit_id": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/integrations?unit_id={_unit(w, t)}", None)),
    "POST /v1/integrations/{client_id}/rotate": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/integrations/{w.integrations[t]}/rotate", None)),
    "POST /v1/integrations/{client_id}/revoke": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/integrations/{w.integrations[t]}/revoke", None)),
    "GET /v1/staff/{staff_id}/tasks": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_person(w, t)}/tasks?period=month&date=2026-11-20", None)),
    "GET /v1/units/{unit_id}/tasks": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/units/{_unit(w, t)}/tasks?period=quarter&date=2026-11-20", None)),
    # An allowed caller gets past the scope check to 200 with the one row judged (checked, nothing written).
    "POST /v1/tasks/import": (UNIT_TARGETS, lambda w, t: ("POST", "/v1/tasks/import", {
        "unit_id": _unit(w, t), "file_name": "nv.csv", "mode": "check", "content_base64": base64.b64encode(
            "Mã nhiệm vụ,Mã cán bộ,Tên nhiệm vụ,Ngày giao,Trạng thái\nVB-1,CB-X,Việc,20/11/2026 07:00,Đã giao\n"
            .encode()).decode()})),
    "GET /v1/thresholds/proposal?device_id": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/thresholds/proposal?device_id={w.devices[t]}", None)),
    "GET /v1/thresholds": (("own",), lambda w, t: ("GET", "/v1/thresholds", None)),
    "PUT /v1/thresholds/{scope}/{scope_id}?unit": (UNIT_TARGETS, lambda w, t: (
        "PUT", f"/v1/thresholds/unit/{_unit(w, t)}", {"threshold": 0.55, "reason": "Camera ngược sáng"})),
    "PUT /v1/thresholds/{scope}/{scope_id}?device": (UNIT_TARGETS, lambda w, t: (
        "PUT", f"/v1/thresholds/device/{w.devices[t]}", {"threshold": 0.56, "reason": "Cổng phụ tối"})),
    "PUT /v1/thresholds/{scope}/{scope_id}?site": (("own",), lambda w, t: (
        "PUT", "/v1/thresholds/site/site", {"threshold": 0.52, "reason": "Toàn tỉnh"})),
    "GET /v1/thresholds/{scope}/{scope_id}?unit": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/thresholds/unit/{_unit(w, t)}", None)),
    "GET /v1/thresholds/{scope}/{scope_id}?device": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/thresholds/device/{w.devices[t]}", None)),
    "GET /v1/staff/{staff_id}/events": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_person(w, t)}/events?date=2026-11-20", None)),
    "GET /v1/attendance/days": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/attendance/days?unit_id={_unit(w, t)}&date=2026-11-20", None)),
    "GET /v1/attendance/overview": (("own",), lambda w, t: ("GET", "/v1/attendance/overview?date=2026-11-20", None)),
    "GET /v1/attendance/spoofs": (("own",), lambda w, t: ("GET", "/v1/attendance/spoofs?date=2026-11-20", None)),
    "GET /v1/attendance/spoofs?unit_id": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/attendance/spoofs?date=2026-11-20&unit_id={_unit(w, t)}", None)),
    "GET /v1/attendance/stats": (("own",), lambda w, t: ("GET", "/v1/attendance/stats?month=2026-11", None)),
    "GET /v1/attendance/stats?unit_id": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/attendance/stats?month=2026-11&unit_id={_unit(w, t)}", None)),
    "GET /v1/staff/{staff_id}/days": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_person(w, t)}/days?month=2026-11", None)),
    "GET /v1/staff/{staff_id}/days/{date}/evidence-bundle": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_person(w, t)}/days/2026-11-20/evidence-bundle", None)),
    "POST /v1/absences": (PERSON_TARGETS, lambda w, t: ("POST", "/v1/absences", {
        "staff_id": _person(w, t), "kind": "business_trip", "first_day": "2026-12-02", "last_day": "2026-12-03",
        "reason": "Công tác tỉnh"})),
    "GET /v1/absences?unit_id": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/absences?unit_id={_unit(w, t)}&from=2026-11-01&to=2026-12-31", None)),
    "GET /v1/absences?staff_id": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/absences?staff_id={_person(w, t)}&from=2026-11-01&to=2026-12-31", None)),
    "DELETE /v1/staff/{staff_id}/absences/{absence_id}": (PERSON_TARGETS, lambda w, t: (
        "DELETE", f"/v1/staff/{_person(w, t)}/absences/{w.absences[t]}", None)),
    "POST /v1/corrections": (PERSON_TARGETS, lambda w, t: ("POST", "/v1/corrections", {
        "staff_id": _person(w, t), "date": "2026-11-19", "status": "on_time", "reason": "Máy chấm công hỏng"})),
    "GET /v1/corrections?unit_id": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/corrections?unit_id={_unit(w, t)}&date=2026-11-19", None)),
    "GET /v1/corrections?staff_id": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/corrections?staff_id={_person(w, t)}", None)),
    "PUT /v1/units/{unit_id}/roster/{date}": (UNIT_TARGETS, lambda w, t: (
        "PUT", f"/v1/units/{_unit(w, t)}/roster/2026-12-02", {"staff_ids": [], "note": "Không ai ở nhà"})),
    "GET /v1/units/{unit_id}/roster/{date}": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/units/{_unit(w, t)}/roster/2026-12-02", None)),
    "GET /v1/units/{unit_id}/roster": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/units/{_unit(w, t)}/roster?month=2026-12", None)),
    "POST /v1/units/{unit_id}/roster-exceptions": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/units/{_unit(w, t)}/roster-exceptions", {"from": "2026-12-01", "to": "2026-12-04",
                                                               "max_share": 0.6, "reason": "Dịch bệnh"})),
    "GET /v1/units/{unit_id}/roster-exceptions": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/units/{_unit(w, t)}/roster-exceptions", None)),
    "GET /v1/units/{unit_id}/calendar": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/units/{_unit(w, t)}/calendar", None)),
    "PUT /v1/units/{unit_id}/calendar": (UNIT_TARGETS, lambda w, t: (
        "PUT", f"/v1/units/{_unit(w, t)}/calendar", {"schedules": None, "holidays": None})),
    "GET /v1/calendars/site": (("own",), lambda w, t: ("GET", "/v1/calendars/site", None)),
    "PUT /v1/calendars/site": (("own",), lambda w, t: ("PUT", "/v1/calendars/site", {"holidays": None})),
    "POST /v1/reports/daily/run": (("own",), lambda w, t: ("POST", "/v1/reports/daily/run", {
        "date": "2026-11-19", "kind": "morning"})),
    "GET /v1/reports/daily": (("own",), lambda w, t: ("GET", "/v1/reports/daily?date=2026-11-18", None)),
    "GET /v1/reports/daily/{date}/{kind}/{audience}": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/reports/daily/2026-11-18/morning/{_reported_unit(w, t)}", None)),
    "GET /v1/reports/daily/{date}/{kind}/{audience}/attachment": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/reports/daily/2026-11-18/morning/{_reported_unit(w, t)}/attachment", None)),
    "POST /v1/reports/wfh/run": (("own",), lambda w, t: ("POST", "/v1/reports/wfh/run", {
        "date": "2026-11-19", "kind": "province"})),
    "GET /v1/reports/wfh": (("own",), lambda w, t: ("GET", "/v1/reports/wfh?date=2026-11-18", None)),
    "GET /v1/reports/wfh/{date}/{kind}/{audience}": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/reports/wfh/2026-11-18/units/{_wfh_reported_unit(w, t)}", None)),
    "GET /v1/reports/wfh/{date}/{kind}/{audience}/attachment": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/reports/wfh/2026-11-18/units/{_wfh_reported_unit(w, t)}/attachment", None)),
    "GET /v1/reports/wfh/{date}/{kind}/{audience}/text": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/reports/wfh/2026-11-18/units/{_wfh_reported_unit(w, t)}/text", None)),
    # Last: the people created and removed above are gone before any month is computed.
    "GET /v1/rulesets": (("own",), lambda w, t: ("GET", "/v1/rulesets", None)),
    "GET /v1/rulesets/{ruleset_id}/{version}": (("own",), lambda w, t: ("GET", "/v1/rulesets/nd335-2025/1", None)),
    "POST /v1/rulesets": (("own",), lambda w, t: ("POST", "/v1/rulesets", {"ruleset_id": "tinh-hoa-binh",
                                                                            "version": 1})),
    "POST /v1/units/{unit_id}/evaluations/{month}/compute": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/units/{_unit(w, t)}/evaluations/2026-10/compute", None)),
    "GET /v1/units/{unit_id}/evaluations/{month}": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/units/{_unit(w, t)}/evaluations/2026-10", None)),
    "GET /v1/staff/{staff_id}/evaluations/{month}": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_evaluated(w, t)}/evaluations/2026-10", None)),
    "PUT /v1/staff/{staff_id}/evaluations/{month}/self-assessment": (PERSON_TARGETS, lambda w, t: (
        "PUT", f"/v1/staff/{_evaluated(w, t)}/evaluations/2026-10/self-assessment", {"general": {"competence": 3}})),
    "PUT /v1/staff/{staff_id}/evaluations/{month}/review": (PERSON_TARGETS, lambda w, t: (
        "PUT", f"/v1/staff/{_evaluated(w, t)}/evaluations/2026-10/review", {"general": {"competence": {"points": 3}}})),
    "POST /v1/staff/{staff_id}/evaluations/{month}/return": (PERSON_TARGETS, lambda w, t: (
        "POST", f"/v1/staff/{_reviewed(w, t)}/evaluations/2026-10/return", {"to": "person",
                                                                            "reason": "Bổ sung minh chứng"})),
    "POST /v1/units/{unit_id}/evaluations/{month}/approve": (UNIT_TARGETS, lambda w, t: (
        "POST", f"/v1/units/{_ready(w, t)}/evaluations/2026-09/approve", {"excellent": []})),
    # The unit named is the caller's target; the person (of the 'other' unit) never spent days there: allowed callers
    # are told so (422), the others are refused (403).
    "PUT /v1/staff/{staff_id}/evaluations/{month}/other-unit": (UNIT_TARGETS, lambda w, t: (
        "PUT", f"/v1/staff/{_evaluated(w, 'other')}/evaluations/2026-10/other-unit", {
            "unit_id": _unit(w, t), "comment": "Hoàn thành tốt việc được giao trong thời gian biệt phái"})),
    "POST /v1/staff/{staff_id}/evaluations/{month}/reopen": (PERSON_TARGETS, lambda w, t: (
        "POST", f"/v1/staff/{_locked(w, t)}/evaluations/2026-09/reopen", {"reason": "Đơn khiếu nại"})),
    "GET /v1/staff/{staff_id}/evaluations": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_person(w, t)}/evaluations?period=year&date=2026-11-20", None)),
    "POST /v1/staff/{staff_id}/tasks": (PERSON_TARGETS, lambda w, t: (
        "POST", f"/v1/staff/{_person(w, t)}/tasks", {"title": "Tiếp công dân", "status": "assigned",
                                                     "assigned_at": "2026-10-05T08:00:00+07:00"})),
    # The monthly report (after the evaluations above: its run computes August's drafts, a month nobody else uses)
    "POST /v1/reports/monthly/run": (("own",), lambda w, t: ("POST", "/v1/reports/monthly/run", {
        "month": "2026-08"})),
    "GET /v1/reports/monthly": (("own",), lambda w, t: ("GET", "/v1/reports/monthly?month=2026-08", None)),
    "GET /v1/reports/monthly/{month}/{audience}": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/reports/monthly/2026-08/{_monthly_reported_unit(w, t)}", None)),
    "GET /v1/reports/monthly/{month}/{audience}/attachment": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/reports/monthly/2026-08/{_monthly_reported_unit(w, t)}/attachment", None)),
    "GET /v1/privacy/notices": (("own",), lambda w, t: ("GET", "/v1/privacy/notices", None)),
    "GET /v1/privacy/notices/{notice_version}": (("own",), lambda w, t: ("GET", "/v1/privacy/notices/2026-01", None)),
    "GET /v1/staff/{staff_id}/personal-data": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_person(w, t)}/personal-data", None)),
    "GET /v1/staff/{staff_id}/personal-data/archive": (PERSON_TARGETS, lambda w, t: (
        "GET", f"/v1/staff/{_person(w, t)}/personal-data/archive", None)),
    "POST /v1/staff/{staff_id}/erasure-requests": (PERSON_TARGETS, lambda w, t: (
        "POST", f"/v1/staff/{_without_open_request(w, t)}/erasure-requests",
        {"scope": "biometric", "reason": "Tôi không muốn dùng khuôn mặt"})),
    "GET /v1/erasure-requests": (("own",), lambda w, t: ("GET", "/v1/erasure-requests", None)),
    "GET /v1/erasure-requests?unit_id": (UNIT_TARGETS, lambda w, t: (
        "GET", f"/v1/erasure-requests?unit_id={_unit(w, t)}", None)),
    "POST /v1/erasure-requests/{request_id}/complete": (PERSON_TARGETS, lambda w, t: (
        "POST", f"/v1/erasure-requests/{_pending_request(w, t)}/complete", None)),
    "POST /v1/erasure-requests/{request_id}/refuse": (PERSON_TARGETS, lambda w, t: (
        "POST", f"/v1/erasure-requests/{_pending_request(w, t)}/refuse", {"reason": "Đang xem xét kỷ luật"})),
    "GET /v1/privacy/dossier": (("own",), lambda w, t: ("GET", "/v1/privacy/dossier", None)),
}
SITE_WIDE = {"GET /v1/attendance/overview", "GET /v1/attendance/spoofs", "GET /v1/attendance/stats",
             "GET /v1/auth/me", "POST /v1/staff/import", "GET /v1/calendars/site", "PUT /v1/calendars/site",
             "POST /v1/reports/daily/run", "POST /v1/reports/wfh/run", "GET /v1/reports/wfh",
             "GET /v1/reports/daily", "GET /v1/thresholds", "PUT /v1/thresholds/{scope}/{scope_id}?site",
             "GET /v1/rulesets", "GET /v1/rulesets/{ruleset_id}/{version}", "POST /v1/rulesets",
             "POST /v1/reports/monthly/run", "GET /v1/reports/monthly", "GET /v1/privacy/notices",
             "GET /v1/privacy/notices/{notice_version}", "GET /v1/erasure-requests", "GET /v1/privacy/dossier"}
ACCEPT = {"GET /v1/reports/daily/{date}/{kind}/{audience}/attachment": {"Accept": XLSX},  # a binary answer
          "GET /v1/reports/wfh/{date}/{kind}/{audience}/attachment": {"Accept": XLSX},
          "GET /v1/reports/monthly/{month}/{audience}/attachment": {"Accept": XLSX},
          "GET /v1/staff/{staff_id}/days/{date}/evidence-bundle": {"Accept": "application/zip"},
          "GET /v1/staff/{staff_id}/personal-data/archive": {"Accept": "application/zip"},
          "GET /v1/privacy/dossier": {"Accept": DOCX}}
ALLOWED_STATUS = {"POST /v1/staff/{staff_id}/faces": 400, "DELETE /v1/staff/{staff_id}/faces/{face_id}": 404,
                  "DELETE /v1/sites/{unit_id}/grants/{staff_id}": 404,
                  "PUT /v1/staff/{staff_id}/evaluations/{month}/other-unit": 422}


def expected_allowed(route: str, role: str, target: str) -> bool:
    if route in SITE_WIDE:
        return role in ALLOWED_ROLES[route]
    if role == "staff":
        return route in STAFF_SELF_ROUTES and target == "self"
    return role in ALLOWED_ROLES[route] and target in REACH[role]


def test_the_matrix_covers_every_route_of_the_api() -> None:
    declared = {f"{spec.method} {spec.path}" for spec in api_module.api.specs if spec.auth == "user"}
    covered = {key.split("?")[0] for key in REQUESTS} | CHECKED_ELSEWHERE
    assert covered == declared, "a new route needs its row in the access matrix"
    assert set(REQUESTS) == set(ALLOWED_ROLES)


def test_every_role_reaches_exactly_what_the_matrix_says(product: Product) -> None:
    world = build_world(product)
    wrong: list[str] = []
    checked = 0
    for route, (targets, make) in REQUESTS.items():
        for role, target in itertools.product(ROLES, targets):
            method, path, body = make(world, target)
            reply = product.request(method, path, body, token=world.tokens[role], headers=ACCEPT.get(route))
            allowed = expected_allowed(route, role, target)
            checked += 1
            if allowed:
                ok = reply.status == ALLOWED_STATUS[route] if route in ALLOWED_STATUS else 200 <= reply.status < 300
            else:
                ok = reply.status == 403 and reply.body["code"] == "forbidden" and _leaks_nothing(world, reply)
            if not ok:
                wrong.append(f"{role:<12} {target:<8} {route}: {'allow' if allowed else 'deny'} expected, got "
                             f"{reply.status} {json.dumps(reply.body, ensure_ascii=False)[:160]}")
    assert checked > 500
    assert not wrong, "\n".join(wrong)


def _leaks_nothing(world: World, reply: Reply) -> bool:
    text = json.dumps(reply.body, ensure_ascii=False)
    secrets = [*world.people.values(), "Cán bộ", "snapshot", "X-Amz-Signature"]
    return not any(secret in text for secret in secrets)


def test_evidence_links_are_issued_only_to_those_allowed(product: Product) -> None:
    world = build_world(product)
    # GIVEN the leader of A and the staff member of A
    for role, target, links in (("unit_leader", "own", 1), ("unit_leader", "child", 1), ("staff", "self", 1),
                                ("unit_leader", "sibling", 0), ("oversight", "other", 0), ("staff", "own", 0)):
        reply = product.get(f"/v1/staff/{world.people[target]}/events?date=2026-11-20", token=world.tokens[role])
        urls = [event["snapshot_url"] for event in reply.body.get("events", [])] if reply.status == 200 else []
        assert len(urls) == links, (role, target, reply.body)
        # a link, when given, is short-lived and points at that person's own snapshot only
        for url in urls:
            assert f"snapshots/2026-11-20/{world.people[target]}.jpg" in url and "X-Amz-Expires=300" in url
    days = product.get(f"/v1/attendance/days?unit_id={world.units['own']}&date=2026-11-20",
                       token=world.tokens["unit_leader"]).body["days"]
    assert {row["staff_id"] for row in days if row["evidence"]} == {world.people["own"], world.people["self"]}


def test_lists_show_only_what_the_role_oversees(product: Product) -> None:
    world = build_world(product)
    u = world.units
    units_seen = {
        "oversight": {u["D1"], u["own"], u["child"], u["sibling"]},
        "unit_admin": {u["own"], u["child"]},
        "unit_leader": {u["own"], u["child"]},
    }
    for role, expected in units_seen.items():
        listed = product.get("/v1/units", token=world.tokens[role])
        assert {unit["unit_id"] for unit in listed.body["units"]} == expected, role
    assert product.get("/v1/units", token=world.tokens["staff"]).status == 403
    # Absences of "every unit" mean every unit the reader oversees
    for role, expected_people in (("oversight", {"self", "own", "child", "sibling"}),
                                  ("unit_leader", {"self", "own", "child"})):
        listed = product.get("/v1/absences?from=2026-11-01&to=2026-12-31", token=world.tokens[role]).body
        assert {a["staff_id"] for a in listed["absences"]} == {world.people[t] for t in expected_people}, role
    # Accounts and devices likewise
    accounts = product.get("/v1/accounts", token=world.tokens["unit_admin"]).body["accounts"]
    assert {a["username"] for a in accounts} >= {"acct-own", "acct-child", "quantri-noivu"}
    assert not {a["username"] for a in accounts} & {"acct-sibling", "acct-other", "noivu-huyen", "admin"}
    overseen = product.get("/v1/accounts", token=world.tokens["oversight"]).body["accounts"]
    assert "acct-sibling" in {a["username"] for a in overseen}
    assert not {a["username"] for a in overseen} & {"acct-other", "admin"}
    devices = product.get("/v1/devices", token=world.tokens["oversight"]).body["devices"]
    assert {d["device_id"] for d in devices} == {world.devices[t] for t in ("own", "child", "sibling")}
    assert all("secret" not in d or d["secret"] is None for d in devices)
    # The audit trail: oversight reads its district's entries and nothing of district 2's
    trail = product.get("/v1/audit?from=2026-11-01&to=2026-11-30&limit=500", token=world.tokens["oversight"]).body
    in_district = {u["D1"], u["own"], u["child"], u["sibling"]}
    assert trail["entries"] and {entry["unit_id"] for entry in trail["entries"]} <= in_district
    assert any(entry["action"] == "account.create" and entry["subject"] == "acct-sibling"
               for entry in trail["entries"])


@pytest.mark.parametrize("role", ["unit_admin", "unit_leader"])
def test_a_unit_scoped_role_never_reaches_above_its_unit(product: Product, role: str) -> None:
    world = build_world(product)
    token = world.tokens[role]
    for unit in (world.units["D1"], world.units["PROV"]):
        assert product.get(f"/v1/units/{unit}", token=token).status == 403
        assert product.get(f"/v1/staff?unit_id={unit}", token=token).status == 403
    # nor renames or moves the unit it was granted (that takes its parent's rights)
    moved = product.request("PATCH", f"/v1/units/{world.units['own']}", {"parent_id": world.units["D2"]},
                            token=token)
    assert moved.status == 403


def test_a_self_route_is_open_to_every_signed_in_role(product: Product) -> None:
    world = build_world(product)
    for role in ROLES:
        me = product.get("/v1/auth/me", token=world.tokens[role])
        assert me.status == 200 and me.body["must_change_password"] is False

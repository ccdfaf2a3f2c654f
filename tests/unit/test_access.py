"""Who may do what, where: the unit tree, the roles as data, and the scope questions of `Access`.

Pure: no AWS. The unit tree used throughout is a province with two districts:

    P  (province)
    ├── D1 (district)          ← the grants under test sit here
    │   ├── A1 (agency)
    │   │   └── T1 (team)
    │   └── A2 (agency)
    └── D2 (district)          ← a sibling of D1
        └── B1 (agency)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from chamcong.access import PERMISSIONS, ROLES, SELF, Access, Grant, Principal, Target, UnitTree
from chamcong.errors import Forbidden

PARENTS: dict[str, str | None] = {"P": None, "D1": "P", "A1": "D1", "T1": "A1", "A2": "D1", "D2": "P", "B1": "D2"}
ALL_UNITS = set(PARENTS)

OWN_STAFF = "s-own"  # the principal's own staff record, in D1
COLLEAGUE = "s-colleague"  # another person of D1


def _tree() -> UnitTree:
    return UnitTree(PARENTS)


def _access(*grants: Grant, staff_id: str | None = OWN_STAFF, unit_id: str | None = "D1") -> Access:
    return Access(Principal("someone", tuple(grants), staff_id=staff_id, unit_id=unit_id), _tree)


def _finishes(call: Callable[[], Any], seconds: float = 2.0) -> Any:
    """Run `call` in a daemon thread; fail (instead of hanging the suite) if it does not return in time."""
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "did not finish: the unit tree loops"
    return result[0]


# --- the unit tree ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("unit", "lineage"), [
    ("T1", ["T1", "A1", "D1", "P"]),
    ("A2", ["A2", "D1", "P"]),
    ("B1", ["B1", "D2", "P"]),
    ("D1", ["D1", "P"]),
    ("P", ["P"]),
    ("unknown", ["unknown"]),  # a unit the tree does not know is only itself
])
def test_lineage_is_the_unit_then_its_ancestors_nearest_first(unit: str, lineage: list[str]) -> None:
    # GIVEN the province tree WHEN a unit's lineage is asked THEN it starts at the unit and climbs to the root
    assert _tree().lineage(unit) == lineage


@pytest.mark.parametrize(("unit", "root", "inside"), [
    ("D1", "D1", True),  # a unit is within itself
    ("A1", "D1", True),
    ("T1", "D1", True),  # at any depth
    ("T1", "P", True),
    ("A2", "A1", False),  # a sibling
    ("B1", "D1", False),  # a cousin
    ("D2", "D1", False),
    ("D1", "A1", False),  # a parent is not within its child
    ("P", "D1", False),
])
def test_within(unit: str, root: str, inside: bool) -> None:
    assert _tree().within(unit, root) is inside


@pytest.mark.parametrize(("root", "subtree"), [
    ("P", ALL_UNITS),  # province
    ("D1", {"D1", "A1", "A2", "T1"}),  # district
    ("D2", {"D2", "B1"}),
    ("A1", {"A1", "T1"}),  # agency
    ("A2", {"A2"}),
    ("T1", {"T1"}),  # team: a leaf
])
def test_subtree_at_every_depth(root: str, subtree: set[str]) -> None:
    assert _tree().subtree(root) == subtree


@pytest.mark.parametrize("parents", [
    {"a": "b", "b": "c", "c": "a"},  # a three-unit ring
    {"a": "a"},  # a unit that is its own parent
    {"a": "b", "b": "a", "x": "a"},  # a ring with a branch hanging off it
])
def test_a_cycle_in_the_data_does_not_loop_forever(parents: dict[str, str | None]) -> None:
    # GIVEN parent links that (against the writes' rules) form a cycle
    tree = UnitTree(parents)
    # WHEN the tree is climbed THEN every question still returns, each unit listed once
    lineage = _finishes(lambda: tree.lineage("a"))
    assert lineage[0] == "a" and len(lineage) == len(set(lineage))
    assert _finishes(lambda: tree.within("a", "zzz")) is False
    assert "a" in _finishes(lambda: tree.subtree("a"))


def test_a_ring_is_cut_where_it_closes() -> None:
    tree = UnitTree({"a": "b", "b": "c", "c": "a"})
    assert _finishes(lambda: tree.lineage("a")) == ["a", "b", "c"]
    assert _finishes(lambda: tree.subtree("b")) == {"a", "b", "c"}


# --- the roles as the product promises them ------------------------------------------------------

# Written out here on purpose, not derived from the module: a change to a role must change this test too.
# tasks:read: the tasks the e-office system posted (a person sees their own; leaders and oversight their subtree)
# tasks:import: a task spreadsheet for an office without an API (unit admin, their subtree)
# evaluations (Decree 335/2025): a person reads and self-assesses their own; a leader reviews, enters manual tasks
# (tasks:write); the head of a unit approves (and may review); oversight reopens a locked one. rulesets:write is
# a system admin's only.
READ_OWN = {"staff:read", "events:read", "attendance:read", "absences:read", "corrections:read", "tasks:read"}
EXPECTED_ROLES: dict[str, set[str]] = {
    "staff": {"account:self", *READ_OWN, "evaluations:read", "evaluations:self", "privacy:request"},
    "unit_leader": {"account:self", *READ_OWN, "units:read", "calendars:read", "absences:write",
                    "corrections:write", "reports:read", "roster:read", "roster:write", "evaluations:read",
                    "evaluations:review", "tasks:write", "rulesets:read"},
    "unit_head": {"account:self", *READ_OWN, "units:read", "calendars:read", "reports:read", "roster:read",
                  "evaluations:read", "evaluations:review", "evaluations:approve", "rulesets:read"},
    "unit_admin": {"account:self", "accounts:read", "accounts:write", "roles:write", "units:read", "units:write",
                   "staff:read", "staff:write", "faces:write", "devices:read", "devices:write", "calendars:read",
                   "calendars:write", "recognition:calibrate", "integrations:read", "integrations:write",
                   "tasks:import", "rulesets:read", "sites:grant", "privacy:request", "privacy:erasure"},
    "oversight": {"account:self", *READ_OWN, "units:read", "calendars:read", "devices:read", "accounts:read",
                  "audit:read", "reports:read", "roster:read", "roster:approve", "evaluations:read",
                  "evaluations:reopen", "rulesets:read", "dossier:read"},
    "system_admin": {"*"},
}
EXPECTED_SCOPES = {"staff": "self", "unit_leader": "subtree", "unit_head": "subtree", "unit_admin": "subtree",
                   "oversight": "subtree", "system_admin": "site"}
DELEGABLE = {"staff", "unit_leader", "unit_admin"}  # a unit admin may hand these out
EVERY_PERMISSION = {
    "account:self", "accounts:read", "accounts:write", "roles:write", "audit:read", "units:read", "units:write",
    "staff:read", "staff:write", "faces:write", "devices:read", "devices:write", "events:read", "attendance:read",
    "absences:read", "absences:write", "corrections:read", "corrections:write", "calendars:read",
    "calendars:write", "reports:run", "reports:read", "recognition:calibrate", "tasks:read", "integrations:read",
    "integrations:write", "roster:read", "roster:write", "roster:approve", "tasks:import", "tasks:write",
    "evaluations:read", "evaluations:self", "evaluations:review", "evaluations:approve", "evaluations:reopen",
    "rulesets:read", "rulesets:write", "sites:grant", "privacy:request", "privacy:erasure", "dossier:read",
}


def test_the_roles_are_exactly_the_six_promised() -> None:
    assert set(ROLES) == set(EXPECTED_ROLES)


@pytest.mark.parametrize("role", sorted(EXPECTED_ROLES))
def test_each_role_carries_exactly_its_promised_permissions(role: str) -> None:
    assert set(ROLES[role].permissions) == EXPECTED_ROLES[role]
    assert ROLES[role].scope == EXPECTED_SCOPES[role]
    assert ROLES[role].delegable is (role in DELEGABLE)
    assert ROLES[role].label_vi and ROLES[role].label_en


def test_the_permissions_a_route_may_declare() -> None:
    assert set(PERMISSIONS) == EVERY_PERMISSION
    assert SELF == "account:self"
    assert "*" not in PERMISSIONS


def test_the_unit_admin_administers_but_reads_no_attendance_and_no_audit() -> None:
    unit_admin = ROLES["unit_admin"].permissions
    assert not unit_admin & {"events:read", "attendance:read", "absences:read", "corrections:read", "audit:read"}
    assert not unit_admin & {"absences:write", "corrections:write", "reports:run"}


def test_oversight_only_reads_approves_cap_exceptions_and_reopens_locked_evaluations() -> None:
    oversight = ROLES["oversight"].permissions
    assert {"audit:read", "accounts:read", "roster:approve", "evaluations:reopen"} <= oversight
    assert all(p in {SELF, "roster:approve", "evaluations:reopen"} or p.endswith(":read") for p in oversight), \
        sorted(oversight)


@pytest.mark.parametrize(("permission", "holders"), [
    ("reports:run", {"system_admin"}),
    ("reports:read", {"unit_leader", "unit_head", "oversight", "system_admin"}),
    ("audit:read", {"oversight", "system_admin"}),
    ("roles:write", {"unit_admin", "system_admin"}),
    ("accounts:write", {"unit_admin", "system_admin"}),
    ("absences:write", {"unit_leader", "system_admin"}),
    ("corrections:write", {"unit_leader", "system_admin"}),
    ("roster:write", {"unit_leader", "system_admin"}),
    ("roster:approve", {"oversight", "system_admin"}),
    ("roster:read", {"unit_leader", "unit_head", "oversight", "system_admin"}),
    ("evaluations:read", {"staff", "unit_leader", "unit_head", "oversight", "system_admin"}),
    ("evaluations:self", {"staff", "system_admin"}),
    ("evaluations:review", {"unit_leader", "unit_head", "system_admin"}),
    ("evaluations:approve", {"unit_head", "system_admin"}),
    ("evaluations:reopen", {"oversight", "system_admin"}),
    ("tasks:write", {"unit_leader", "system_admin"}),
    # Decree 13/2023: a person asks for their own erasure (or their unit admin for them); the unit admin answers;
    # the impact-assessment dossier is read by Home Affairs (oversight) and system admins.
    ("privacy:request", {"staff", "unit_admin", "system_admin"}),
    ("privacy:erasure", {"unit_admin", "system_admin"}),
    ("dossier:read", {"oversight", "system_admin"}),
    ("rulesets:read", {"unit_leader", "unit_head", "unit_admin", "oversight", "system_admin"}),
    ("rulesets:write", {"system_admin"}),
    ("recognition:calibrate", {"unit_admin", "system_admin"}),
    (SELF, set(EXPECTED_ROLES)),
])
def test_who_holds_a_permission(permission: str, holders: set[str]) -> None:
    # GIVEN one account per role WHEN asked whether it holds the permission anywhere THEN only the holders do
    held = {role for role in EXPECTED_ROLES
            if Principal("p", (Grant(role, None if role == "system_admin" else "D1"),)).holds(permission)}
    assert held == holders


def test_an_unknown_role_carries_nothing() -> None:
    access = _access(Grant("superuser", "P"))
    assert not access.principal.holds(SELF)
    assert not access.allows("units:read", Target("P"))
    assert access.visible_units("units:read") == set()


# --- allows(): each role granted at district D1 ----------------------------------------------------

TARGETS: dict[str, Target] = {
    "own unit": Target("D1"),
    "child": Target("A1"),
    "grandchild": Target("T1"),
    "person in grandchild": Target("T1", "s-someone"),
    "sibling district": Target("D2"),
    "person in sibling district": Target("D2", "s-elsewhere"),
    "parent": Target("P"),
    "whole site": Target(None),
}
SUBTREE_REACH = {"own unit", "child", "grandchild", "person in grandchild"}

# role, a permission it carries, the targets it reaches with that permission
REACH: list[tuple[str, Grant, str, set[str]]] = [
    ("unit_leader", Grant("unit_leader", "D1"), "attendance:read", SUBTREE_REACH),
    ("unit_leader", Grant("unit_leader", "D1"), "absences:write", SUBTREE_REACH),
    ("unit_admin", Grant("unit_admin", "D1"), "staff:write", SUBTREE_REACH),
    ("unit_admin", Grant("unit_admin", "D1"), "accounts:write", SUBTREE_REACH),
    ("oversight", Grant("oversight", "D1"), "audit:read", SUBTREE_REACH),
    ("oversight", Grant("oversight", "D1"), "attendance:read", SUBTREE_REACH),
    ("system_admin", Grant("system_admin", None), "reports:run", set(TARGETS)),
    ("system_admin", Grant("system_admin", None), "staff:write", set(TARGETS)),
    ("staff", Grant("staff", "D1"), "attendance:read", set()),  # never a unit, never someone else
]


@pytest.mark.parametrize(("role", "grant", "permission", "reached"), REACH,
                         ids=[f"{role}-{permission}" for role, _, permission, _ in REACH])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_a_role_at_a_district_reaches_its_subtree(role: str, grant: Grant, permission: str, reached: set[str],
                                                  target: str) -> None:
    # GIVEN the role granted at D1 WHEN asked about a target THEN allowed exactly within the role's reach
    assert _access(grant).allows(permission, TARGETS[target]) is (target in reached)


@pytest.mark.parametrize(("role", "permission"), [
    ("unit_leader", "units:write"),
    ("unit_leader", "audit:read"),
    ("unit_admin", "attendance:read"),
    ("unit_admin", "audit:read"),
    ("unit_admin", "absences:write"),
    ("oversight", "accounts:write"),
    ("oversight", "absences:write"),
    ("staff", "absences:write"),
    ("staff", "units:read"),
])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_a_permission_the_role_lacks_reaches_nothing_even_in_its_own_unit(role: str, permission: str,
                                                                          target: str) -> None:
    assert _access(Grant(role, "D1")).allows(permission, TARGETS[target]) is False


@pytest.mark.parametrize(("target", "allowed"), [
    (Target("D1", OWN_STAFF), True),  # the holder's own records
    (Target("D1", COLLEAGUE), False),  # another person of the same unit
    (Target("A1", "s-someone"), False),  # someone below
    (Target("D1"), False),  # the unit as a whole
    (Target("P"), False),
    (Target(None), False),  # the whole site
])
@pytest.mark.parametrize("permission", sorted(READ_OWN))
def test_the_staff_role_reaches_only_its_holders_own_records(target: Target, allowed: bool, permission: str) -> None:
    assert _access(Grant("staff", "D1")).allows(permission, target) is allowed


def test_the_staff_role_of_an_account_without_a_person_reaches_nobody() -> None:
    access = _access(Grant("staff", "D1"), staff_id=None)
    assert not access.allows("attendance:read", Target("D1", None))
    assert not access.allows("attendance:read", Target("D1", OWN_STAFF))


def test_require_raises_forbidden_outside_the_scope_and_passes_inside() -> None:
    access = _access(Grant("unit_leader", "D1"))
    access.require("attendance:read", Target("T1"))
    access.require_unit("attendance:read", "A1")
    access.require_person("attendance:read", COLLEAGUE, "D1")
    for refused in (lambda: access.require("attendance:read", Target("D2")),
                    lambda: access.require_unit("attendance:read", "P"),
                    lambda: access.require_person("attendance:read", "s-elsewhere", "B1"),
                    lambda: access.require_site("attendance:read"),
                    lambda: access.require_unit("units:write", "D1")):
        with pytest.raises(Forbidden) as caught:
            refused()
        assert caught.value.code == "forbidden"
        assert caught.value.status == 403


def test_require_site_needs_a_site_wide_grant() -> None:
    _access(Grant("system_admin", None)).require_site("reports:run")
    with pytest.raises(Forbidden):
        _access(Grant("oversight", "P")).require_site("audit:read")  # even at the root of the tree


def test_sees_person() -> None:
    leader = _access(Grant("unit_leader", "A1"))
    assert leader.sees_person("events:read", "s-1", "T1")
    assert not leader.sees_person("events:read", "s-2", "A2")
    own = _access(Grant("staff", "D1"))
    assert own.sees_person("events:read", OWN_STAFF, "D1")
    assert not own.sees_person("events:read", COLLEAGUE, "D1")


# --- visible_units() -----------------------------------------------------------------------------

@pytest.mark.parametrize(("grants", "permission", "visible"), [
    ((Grant("unit_leader", "D1"),), "attendance:read", {"D1", "A1", "A2", "T1"}),
    ((Grant("unit_leader", "A1"),), "attendance:read", {"A1", "T1"}),
    ((Grant("oversight", "P"),), "audit:read", ALL_UNITS),
    # the union of the grants' subtrees
    ((Grant("unit_leader", "A1"), Grant("oversight", "D2")), "staff:read", {"A1", "T1", "D2", "B1"}),
    ((Grant("unit_leader", "A1"), Grant("unit_leader", "A2")), "staff:read", {"A1", "T1", "A2"}),
    # overlapping grants do not count a unit twice
    ((Grant("unit_leader", "D1"), Grant("unit_leader", "A1")), "staff:read", {"D1", "A1", "A2", "T1"}),
    # only the grants that carry the permission count
    ((Grant("unit_leader", "A1"), Grant("unit_admin", "D2")), "attendance:read", {"A1", "T1"}),
    ((Grant("unit_leader", "A1"), Grant("unit_admin", "D2")), "staff:write", {"D2", "B1"}),
    ((Grant("unit_admin", "D1"),), "attendance:read", set()),
    # staff only: one person, never a whole unit
    ((Grant("staff", "D1"),), "attendance:read", set()),
    ((Grant("staff", "D1"), Grant("unit_leader", "A2")), "attendance:read", {"A2"}),
    ((), "attendance:read", set()),
])
def test_visible_units_is_the_union_of_the_grants_subtrees(grants: tuple[Grant, ...], permission: str,
                                                           visible: set[str]) -> None:
    assert _access(*grants).visible_units(permission) == visible


@pytest.mark.parametrize("grants", [
    (Grant("system_admin", None),),
    (Grant("staff", "D1"), Grant("system_admin", None)),
    (Grant("unit_leader", "A1"), Grant("system_admin", None)),
])
def test_a_system_admin_sees_every_unit(grants: tuple[Grant, ...]) -> None:
    assert _access(*grants).visible_units("attendance:read") is None


# --- can_grant() and can_manage() ----------------------------------------------------------------

UNIT_ADMIN_GRANTS: list[tuple[Grant, bool]] = [
    (Grant("staff", "D1"), True),
    (Grant("staff", "T1"), True),
    (Grant("unit_leader", "A1"), True),
    (Grant("unit_leader", "D1"), True),
    (Grant("unit_admin", "A2"), True),
    (Grant("unit_admin", "D1"), True),
    (Grant("staff", "D2"), False),  # beside
    (Grant("unit_leader", "B1"), False),
    (Grant("unit_admin", "P"), False),  # above
    (Grant("unit_leader", None), False),  # the whole site
    (Grant("oversight", "A1"), False),  # never oversight, even inside
    (Grant("oversight", "D1"), False),
    (Grant("system_admin", None), False),
    (Grant("system_admin", "A1"), False),
    (Grant("no_such_role", "A1"), False),
]


@pytest.mark.parametrize(("grant", "allowed"), UNIT_ADMIN_GRANTS)
def test_a_unit_admin_grants_delegable_roles_inside_their_subtree_only(grant: Grant, allowed: bool) -> None:
    assert _access(Grant("unit_admin", "D1")).can_grant(grant) is allowed


@pytest.mark.parametrize(("grant", "allowed"), UNIT_ADMIN_GRANTS)
def test_a_system_admin_grants_every_role_anywhere(grant: Grant, allowed: bool) -> None:
    assert _access(Grant("system_admin", None)).can_grant(grant) is (grant.role in ROLES)


@pytest.mark.parametrize("granter", ["staff", "unit_leader", "oversight"])
@pytest.mark.parametrize("grant", [Grant("staff", "A1"), Grant("unit_leader", "A1"), Grant("unit_admin", "A1")])
def test_roles_without_roles_write_grant_nothing(granter: str, grant: Grant) -> None:
    assert _access(Grant(granter, "D1")).can_grant(grant) is False


MANAGED: list[tuple[str, str | None, tuple[Grant, ...], bool]] = [
    ("a person below", "A1", (Grant("staff", "A1"),), True),
    ("an account without roles", "T1", (), True),
    ("a leader and an admin inside", "A1", (Grant("unit_leader", "A1"), Grant("unit_admin", "D1")), True),
    ("an account of the sibling district", "D2", (Grant("staff", "D2"),), False),
    ("an account of the province", "P", (), False),
    ("an account of no unit", None, (), False),
    ("an oversight account inside", "A1", (Grant("oversight", "A1"),), False),
    ("a system admin belonging to a unit inside", "A1", (Grant("system_admin", None),), False),
    ("a unit admin of the province, placed inside", "A1", (Grant("unit_admin", "P"),), False),
    ("a leader also granted beside", "A1", (Grant("unit_leader", "A1"), Grant("unit_leader", "D2")), False),
]


@pytest.mark.parametrize(("case", "account_unit", "grants", "allowed"), MANAGED, ids=[m[0] for m in MANAGED])
def test_a_unit_admin_manages_only_accounts_it_could_have_made(case: str, account_unit: str | None,
                                                               grants: tuple[Grant, ...], allowed: bool) -> None:
    assert _access(Grant("unit_admin", "D1")).can_manage(account_unit, grants) is allowed


@pytest.mark.parametrize(("case", "account_unit", "grants", "allowed"), MANAGED, ids=[m[0] for m in MANAGED])
def test_a_system_admin_manages_every_account(case: str, account_unit: str | None, grants: tuple[Grant, ...],
                                              allowed: bool) -> None:
    assert _access(Grant("system_admin", None)).can_manage(account_unit, grants) is True


@pytest.mark.parametrize("manager", ["unit_leader", "oversight", "staff"])
def test_roles_without_accounts_write_manage_nobody(manager: str) -> None:
    assert _access(Grant(manager, "D1")).can_manage("A1", (Grant("staff", "A1"),)) is False


# --- several roles on one person -----------------------------------------------------------------

def test_a_leader_of_an_agency_who_is_also_staff_of_the_district() -> None:
    # GIVEN unit_leader at A1 and staff at D1 (their own person sits in the district office)
    access = _access(Grant("unit_leader", "A1"), Grant("staff", "D1"))
    # THEN the leader's subtree and their own records, and nothing else
    assert access.allows("attendance:read", Target("A1"))
    assert access.allows("attendance:read", Target("T1", "s-someone"))
    assert access.allows("attendance:read", Target("D1", OWN_STAFF))
    assert not access.allows("attendance:read", Target("D1", COLLEAGUE))
    assert not access.allows("attendance:read", Target("D1"))
    # the staff grant lends no write permission to the holder's own records
    assert not access.allows("absences:write", Target("D1", OWN_STAFF))
    assert access.allows("absences:write", Target("A1", "s-someone"))
    assert access.visible_units("attendance:read") == {"A1", "T1"}
    assert access.principal.roles == ["staff", "unit_leader"]


def test_a_leader_and_staff_at_the_same_unit() -> None:
    access = _access(Grant("unit_leader", "D1"), Grant("staff", "D1"))
    assert access.allows("absences:write", Target("D1", COLLEAGUE))
    assert access.allows("attendance:read", Target("D1", OWN_STAFF))
    assert access.visible_units("attendance:read") == {"D1", "A1", "A2", "T1"}


def test_one_grants_permission_does_not_borrow_another_grants_scope() -> None:
    # GIVEN unit_leader at A1 (reads attendance) and unit_admin at D2 (writes staff)
    access = _access(Grant("unit_leader", "A1"), Grant("unit_admin", "D2"))
    assert access.principal.holds("attendance:read") and access.principal.holds("staff:write")
    assert access.allows("attendance:read", Target("A1"))
    assert not access.allows("attendance:read", Target("D2"))  # the admin grant does not read attendance
    assert access.allows("staff:write", Target("B1"))
    assert not access.allows("staff:write", Target("A1"))  # the leader grant does not write staff
    assert not access.principal.holds("audit:read")


# --- the `checked` flag: a route must ask about scope --------------------------------------------

SCOPE_QUESTIONS: dict[str, Callable[[Access], Any]] = {
    "allows (yes)": lambda a: a.allows("attendance:read", Target("A1")),
    "allows (no)": lambda a: a.allows("attendance:read", Target("D2")),
    "require_unit": lambda a: a.require_unit("attendance:read", "A1"),
    "require_person": lambda a: a.require_person("attendance:read", "s-1", "A1"),
    "sees_person": lambda a: a.sees_person("attendance:read", "s-1", "A1"),
    "visible_units": lambda a: a.visible_units("attendance:read"),
    "visible_units (none)": lambda a: a.visible_units("roles:write"),
    "acknowledge": lambda a: a.acknowledge(),
}


@pytest.mark.parametrize("question", sorted(SCOPE_QUESTIONS))
def test_checked_becomes_true_after_a_scope_question(question: str) -> None:
    access = _access(Grant("unit_leader", "D1"))
    assert access.checked is False
    SCOPE_QUESTIONS[question](access)
    assert access.checked is True


def test_checked_becomes_true_even_when_the_answer_is_a_refusal() -> None:
    access = _access(Grant("unit_leader", "D1"))
    with pytest.raises(Forbidden):
        access.require_site("attendance:read")
    assert access.checked is True


def test_what_is_not_a_scope_question_leaves_checked_false() -> None:
    access = _access(Grant("unit_leader", "D1"))
    assert access.principal.holds("attendance:read")
    assert access.username == "someone"
    assert access.principal.roles == ["unit_leader"]
    assert access.tree.within("A1", "D1")  # loading the tree is not asking about scope
    assert access.checked is False


def test_the_tree_is_loaded_once_and_only_when_a_scope_needs_it() -> None:
    loads: list[int] = []

    def load() -> UnitTree:
        loads.append(1)
        return _tree()

    admin = Access(Principal("admin", (Grant("system_admin", None),)), load)
    admin.acknowledge()
    assert admin.allows("reports:run", Target(None)) and admin.visible_units("staff:read") is None
    assert loads == []  # a site-wide grant needs no tree
    leader = Access(Principal("leader", (Grant("unit_leader", "D1"),)), load)
    assert leader.allows("staff:read", Target("A1")) and not leader.allows("staff:read", Target("D2"))
    assert leader.visible_units("staff:read") == {"D1", "A1", "A2", "T1"}
    assert loads == [1]

"""Who may do what, where: roles are data, scoped to a unit subtree, and checked in this one place.

A grant is a role at a unit. It covers that unit and every unit below it, whatever the depth, so
moving a unit moves everything granted on it. `staff` is the exception: it covers the holder's own
records only. `system_admin` is granted on the whole site (unit None).

The router checks that a signed-in account holds a route's permission somewhere; the service then
names the unit or person it is about to read or change and asks `Access.require`, or asks
`Access.visible_units` to filter a list. A route that ran without asking is refused by the router, so
a forgotten scope check fails closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from chamcong.errors import Forbidden

SELF = "account:self"  # every signed-in account: read itself, change its password, sign out
SYSTEM = "system"  # the identity of scheduled work; no account may be named so

Scope = Literal["self", "subtree", "site"]


@dataclass(frozen=True)
class Role:
    label_vi: str
    label_en: str
    scope: Scope
    permissions: frozenset[str]
    # A unit admin may hand out a delegable role inside their subtree; the others only a system admin grants.
    delegable: bool


_READ_PEOPLE = {"staff:read", "events:read", "attendance:read", "absences:read", "corrections:read", "tasks:read"}

ROLES: dict[str, Role] = {
    "staff": Role("Cán bộ", "Staff", "self", frozenset({SELF, *_READ_PEOPLE, "evaluations:read", "evaluations:self",
                                                 "privacy:request"}),
                  delegable=True),
    "unit_leader": Role("Lãnh đạo đơn vị", "Unit leader", "subtree", frozenset({
        SELF, *_READ_PEOPLE, "units:read", "calendars:read", "absences:write", "corrections:write",
        "reports:read", "roster:read", "roster:write", "evaluations:read", "evaluations:review", "tasks:write",
        "rulesets:read"}),
        delegable=True),
    # The head of a unit approves its monthly evaluations (the cap decided per duty group); only a system admin
    # grants it. A head may review too. Nobody reviews, approves or reopens their own evaluation (the service).
    "unit_head": Role("Thủ trưởng đơn vị", "Head of unit", "subtree", frozenset({
        SELF, *_READ_PEOPLE, "units:read", "calendars:read", "reports:read", "roster:read", "evaluations:read",
        "evaluations:review", "evaluations:approve", "rulesets:read"}),
        delegable=False),
    "unit_admin": Role("Quản trị đơn vị", "Unit admin", "subtree", frozenset({
        SELF, "units:read", "units:write", "staff:read", "staff:write", "faces:write", "devices:read",
        "devices:write", "calendars:read", "calendars:write", "accounts:read", "accounts:write", "roles:write",
        "recognition:calibrate", "integrations:read", "integrations:write", "tasks:import", "rulesets:read",
        "sites:grant", "privacy:request", "privacy:erasure"}),
        delegable=True),
    "oversight": Role("Giám sát (Nội vụ, Ban Tổ chức)", "Oversight (Home Affairs, organisation board)", "subtree",
                      frozenset({SELF, *_READ_PEOPLE, "units:read", "calendars:read", "devices:read",
                                 "accounts:read", "audit:read", "reports:read", "roster:read",
                                 "roster:approve", "evaluations:read", "evaluations:reopen", "rulesets:read",
                                 "dossier:read"}),
                      delegable=False),
    "system_admin": Role("Quản trị hệ thống", "System admin", "site", frozenset({"*"}), delegable=False),
}

# Every permission a route may declare (a test checks each route's is one of these).
PERMISSIONS: frozenset[str] = frozenset(
    p for role in ROLES.values() for p in role.permissions if p != "*") | {"reports:run", "rulesets:write"}


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: str | None  # None: the whole site (system_admin); for `staff`, the holder's unit

    def as_dict(self) -> dict[str, str | None]:
        return {"role": self.role, "unit_id": self.unit_id}


@dataclass(frozen=True)
class Principal:
    """The signed-in account, as the router hands it to a route."""

    username: str
    grants: tuple[Grant, ...]
    staff_id: str | None = None  # the person this account belongs to, if any
    unit_id: str | None = None  # the unit the account belongs to
    must_change_password: bool = False
    password_deadline: datetime | None = None

    @property
    def roles(self) -> list[str]:
        return sorted({grant.role for grant in self.grants})

    def holds(self, permission: str) -> bool:
        """True if some grant carries the permission, wherever it applies."""
        return any(_carries(grant, permission) for grant in self.grants)


@dataclass(frozen=True)
class Target:
    """What a request reads or changes: a unit (None: the whole site), and the person if it is about one."""

    unit_id: str | None
    staff_id: str | None = None


class UnitTree:
    """The unit hierarchy as parent links, read once per request when a scope has to be decided."""

    def __init__(self, parents: Mapping[str, str | None]) -> None:
        self.parents = dict(parents)

    def lineage(self, unit_id: str) -> list[str]:
        """The unit and its ancestors, nearest first (a cycle, which writes prevent, is cut)."""
        chain: list[str] = []
        current: str | None = unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def within(self, unit_id: str, root: str) -> bool:
        return root in self.lineage(unit_id)

    def subtree(self, root: str) -> set[str]:
        return {unit for unit in self.parents if self.within(unit, root)}


def _carries(grant: Grant, permission: str) -> bool:
    role = ROLES.get(grant.role)
    return role is not None and ("*" in role.permissions or permission in role.permissions)


@dataclass
class Access:
    """A request's authorisation: the principal, and the unit tree loaded only if a scope is asked about."""

    principal: Principal
    load_tree: Callable[[], UnitTree]
    checked: bool = False
    _tree: UnitTree | None = field(default=None, repr=False)

    @property
    def tree(self) -> UnitTree:
        if self._tree is None:
            self._tree = self.load_tree()
        return self._tree

    @property
    def username(self) -> str:
        return self.principal.username

    def allows(self, permission: str, target: Target) -> bool:
        self.checked = True
        return any(self._covers(grant, target) for grant in self.principal.grants if _carries(grant, permission))

    def require(self, permission: str, target: Target) -> None:
        if not self.allows(permission, target):
            raise Forbidden("forbidden")

    def require_person(self, permission: str, staff_id: str, unit_id: str) -> None:
        self.require(permission, Target(unit_id, staff_id))

    def require_unit(self, permission: str, unit_id: str | None) -> None:
        """A unit's records; None is the whole site (an account or unit that hangs above every unit)."""
        self.require(permission, Target(unit_id))

    def require_site(self, permission: str) -> None:
        """An operation on the whole site (its calendar, every unit's reports): only site-wide grants."""
        self.require(permission, Target(None))

    def acknowledge(self) -> None:
        """A route that needs nothing beyond holding its permission (the account's own affairs)."""
        self.checked = True

    def visible_units(self, permission: str) -> set[str] | None:
        """Units whose records the principal may read with this permission; None means every unit.

        A `staff` grant contributes nothing here: it reaches one person, never a whole unit.
        """
        self.checked = True
        units: set[str] = set()
        for grant in self.principal.grants:
            if not _carries(grant, permission):
                continue
            scope = ROLES[grant.role].scope
            if scope == "site":
                return None
            if scope == "subtree" and grant.unit_id is not None:
                units |= self.tree.subtree(grant.unit_id)
        return units

    def sees_person(self, permission: str, staff_id: str, unit_id: str) -> bool:
        return self.allows(permission, Target(unit_id, staff_id))

    def can_grant(self, grant: Grant) -> bool:
        """A system admin grants anything; a unit admin grants delegable roles inside their subtree."""
        role = ROLES.get(grant.role)
        if role is None:
            return False
        if role.scope == "site" or grant.unit_id is None:
            return self.allows("roles:write", Target(None))
        if not role.delegable:
            return self.allows("roles:write", Target(None))
        return self.allows("roles:write", Target(grant.unit_id))

    def can_manage(self, account_unit: str | None, grants: Iterable[Grant]) -> bool:
        """Manage an account (reset, lock, roles): it sits in scope and holds nothing the manager could not grant.

        So a unit admin never resets the password of someone above or beside them, nor of an oversight or
        system admin account that happens to belong to one of their units.
        """
        if not self.allows("accounts:write", Target(account_unit)):
            return False
        return all(self.can_grant(grant) for grant in grants)

    @classmethod
    def system(cls) -> Access:
        """Scheduled work (reports, sweeps) acting for the whole site, audited as actor "system"."""
        return cls(Principal(SYSTEM, (Grant("system_admin", None),)), lambda: UnitTree({}))

    def _covers(self, grant: Grant, target: Target) -> bool:
        scope = ROLES[grant.role].scope
        if scope == "site":
            return True
        if scope == "self":
            return target.staff_id is not None and target.staff_id == self.principal.staff_id
        if target.unit_id is None or grant.unit_id is None:
            return False
        return self.tree.within(target.unit_id, grant.unit_id)

"""Units of the administrative tree: province → district → agencies, communes, schools, at any depth.

Nothing below a unit stores its ancestry (records keep only their own unit_id), so renaming or moving a
unit is one write, and every grant on an ancestor follows the unit to its new place at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist

from chamcong.access import UnitTree
from chamcong.errors import Conflict, NotFound, Unprocessable
from chamcong.schemas.units import CreateUnit, UpdateUnit
from chamcong.services import audit, galleries
from chamcong.services.common import iso, new_id
from chamcong.store.models.accounts import AccountModel
from chamcong.store.models.devices import DeviceModel
from chamcong.store.models.staff import StaffModel
from chamcong.store.models.units import UnitModel

if TYPE_CHECKING:
    from chamcong.access import Access
    from chamcong.container import Container
    from chamcong.services.audit import Source

DEFAULT_WFH_CAP_PERCENT = 50  # document 004: no more than half of a unit's staff at home


def unit_view(unit: UnitModel) -> dict[str, Any]:
    return {"unit_id": unit.unit_id, "name": unit.name, "parent_id": unit.parent_id,
            "report_recipients": list(unit.report_recipients or []), "wfh_cap_percent": wfh_cap_percent(unit),
            "created_at": iso(unit.created_at)}


def wfh_cap_percent(unit: UnitModel) -> int:
    """The unit's work-from-home cap in percent: its own, or the default of document 004 (half)."""
    return DEFAULT_WFH_CAP_PERCENT if unit.wfh_cap_percent is None else int(unit.wfh_cap_percent)


def get_unit(unit_id: str, code: str = "unit_not_found") -> UnitModel:
    try:
        return UnitModel.get(unit_id)
    except DoesNotExist:
        raise NotFound(code) from None


def load_tree() -> UnitTree:
    """The whole tree's parent links (one scan of a small table: a district has hundreds of units, not more)."""
    return UnitTree({unit.unit_id: unit.parent_id
                     for unit in UnitModel.scan(attributes_to_get=["unit_id", "parent_id"])})


def create_unit(container: Container, access: Access, body: CreateUnit, source: Source) -> dict[str, Any]:
    if body.parent_id is not None:
        get_unit(body.parent_id, "parent_unit_not_found")
    # Creating, moving or removing a unit takes the right to write where it hangs (a top-level one: the site).
    access.require_unit("units:write", body.parent_id)
    unit = UnitModel(new_id("unit"), name=body.name, parent_id=body.parent_id,
                     report_recipients=[str(address) for address in body.report_recipients],
                     created_at=container.clock())
    audit.write(container, audit.entry(container.clock(), access.username, "unit.create", unit_id=unit.unit_id,
                                       subject=unit.unit_id, details={"name": unit.name, "parent_id": unit.parent_id},
                                       source=source),
                ("save", unit, {"condition": UnitModel.unit_id.does_not_exist()}))
    return unit_view(unit)


def list_units(access: Access) -> dict[str, Any]:
    visible = access.visible_units("units:read")
    units = sorted((unit for unit in UnitModel.scan() if visible is None or unit.unit_id in visible),
                   key=lambda unit: (unit.parent_id or "", unit.name))
    return {"units": [unit_view(unit) for unit in units]}


def read_unit(access: Access, unit_id: str) -> dict[str, Any]:
    unit = get_unit(unit_id)
    access.require_unit("units:read", unit_id)
    return unit_view(unit)


def update_unit(container: Container, access: Access, unit_id: str, body: UpdateUnit,
                source: Source) -> dict[str, Any]:
    """Rename a unit, change its report recipients, or move it under another parent (never under itself)."""
    unit = get_unit(unit_id)
    access.require_unit("units:write", unit_id)
    changes: dict[str, Any] = {}
    actions = []
    if "parent_id" in body.model_fields_set and body.parent_id != unit.parent_id:
        if body.parent_id is not None:
            get_unit(body.parent_id, "parent_unit_not_found")
            if access.tree.within(body.parent_id, unit_id):
                raise Unprocessable("unit_move_cycle")
        # Moving takes the right to write both where the unit leaves and where it arrives: a unit admin
        # cannot move the unit they were granted (its parent is above them), only units beneath it.
        access.require_unit("units:write", unit.parent_id)
        access.require_unit("units:write", body.parent_id)
        changes["parent_id"] = [unit.parent_id, body.parent_id]
        actions.append(UnitModel.parent_id.set(body.parent_id) if body.parent_id else UnitModel.parent_id.remove())
    if body.name is not None and body.name != unit.name:
        changes["name"] = [unit.name, body.name]
        actions.append(UnitModel.name.set(body.name))
    if body.report_recipients is not None:
        recipients = [str(address) for address in body.report_recipients]
        changes["report_recipients"] = [list(unit.report_recipients or []), recipients]
        actions.append(UnitModel.report_recipients.set(recipients))  # type: ignore[arg-type]
    if "wfh_cap_percent" in body.model_fields_set and body.wfh_cap_percent != unit.wfh_cap_percent:
        changes["wfh_cap_percent"] = [unit.wfh_cap_percent, body.wfh_cap_percent]
        actions.append(UnitModel.wfh_cap_percent.set(body.wfh_cap_percent) if body.wfh_cap_percent is not None
                       else UnitModel.wfh_cap_percent.remove())
    if actions:
        audit.write(container, audit.entry(container.clock(), access.username, "unit.update", unit_id=unit_id,
                                           subject=unit_id, details=changes, source=source),
                    ("update", unit, {"actions": actions, "condition": UnitModel.unit_id.exists()}))
        if "parent_id" in changes:  # the sites above its old place lose its people, those above the new one gain them
            galleries.mark_units_stale(container, *changes["parent_id"])
        unit.refresh()
    return unit_view(unit)


def delete_unit(container: Container, access: Access, unit_id: str, source: Source) -> None:
    """Remove an empty unit (no sub-units, staff, accounts or devices): history is never orphaned."""
    unit = get_unit(unit_id)
    access.require_unit("units:write", unit_id)
    access.require_unit("units:write", unit.parent_id)
    children = [child for child, parent in access.tree.parents.items() if parent == unit_id]
    has_staff = next(iter(StaffModel.by_unit.query(unit_id, limit=1)), None) is not None
    has_accounts = next(iter(AccountModel.by_unit.query(unit_id, limit=1)), None) is not None
    has_devices = any(True for _ in DeviceModel.scan(DeviceModel.unit_id == unit_id))
    if children or has_staff or has_accounts or has_devices:
        raise Conflict("unit_not_empty", details={"units": len(children), "staff": has_staff,
                                                  "accounts": has_accounts, "devices": has_devices})
    audit.write(container, audit.entry(container.clock(), access.username, "unit.delete", unit_id=unit_id,
                                       subject=unit_id, details={"name": unit.name, "parent_id": unit.parent_id},
                                       source=source),
                ("delete", unit, {"condition": UnitModel.unit_id.exists()}))

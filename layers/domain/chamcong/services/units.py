"""Units of the administrative tree."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong.errors import NotFound
from chamcong.schemas import CreateUnit
from chamcong.services.common import iso, new_id
from chamcong.store.models import UnitModel


def unit_view(unit: UnitModel) -> dict[str, Any]:
    return {"unit_id": unit.unit_id, "name": unit.name, "parent_id": unit.parent_id,
            "report_recipients": list(unit.report_recipients or []), "created_at": iso(unit.created_at)}


def get_unit(unit_id: str, code: str = "unit_not_found") -> UnitModel:
    try:
        return UnitModel.get(unit_id)
    except DoesNotExist:
        raise NotFound(code) from None


def create_unit(body: CreateUnit) -> dict[str, Any]:
    if body.parent_id is not None:
        get_unit(body.parent_id, "parent_unit_not_found")
    unit = UnitModel(new_id("unit"), name=body.name, parent_id=body.parent_id,
                     report_recipients=[str(address) for address in body.report_recipients])
    unit.save(condition=UnitModel.unit_id.does_not_exist())
    return unit_view(unit)


def list_units() -> dict[str, Any]:
    units = sorted(UnitModel.scan(), key=lambda unit: (unit.parent_id or "", unit.name))
    return {"units": [unit_view(unit) for unit in units]}

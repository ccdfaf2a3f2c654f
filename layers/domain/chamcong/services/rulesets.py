"""The evaluation's rule sets: the built-in versions and those a system admin adds as data (no code change).

A version is identified by (ruleset_id, version) and never changes once it exists; an evaluation records the
version it was computed with. Which is in force: the setting `evaluation_ruleset`, its newest version effective
in the month.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PynamoDBException

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Conflict, NotFound, Unprocessable
from chamcong.rules.rulesets import parse
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso
from chamcong.services.evaluation_inputs import RuleSetVersion, every_version, find_ruleset, in_force
from chamcong.store.models.base import lost_condition
from chamcong.store.models.evaluations import RuleSetModel


def _summary(version: RuleSetVersion, current: tuple[str, int] | None) -> dict[str, Any]:
    ruleset = version.ruleset
    return {"ruleset_id": ruleset.ruleset_id, "version": int(ruleset.version), "name_vi": ruleset.name_vi,
            "name_en": ruleset.name_en, "effective_from": ruleset.effective_from, "builtin": version.builtin,
            "created_by": version.created_by,
            "created_at": iso(version.created_at) if version.created_at else None,
            "in_force": version.key == current}


def _current(container: Container) -> tuple[str, int] | None:
    try:
        ruleset = in_force(container, f"{container.today():%Y-%m}")
    except NotFound:
        return None
    return ruleset.ruleset_id, int(ruleset.version)


def list_rulesets(container: Container, access: Access) -> dict[str, Any]:
    access.acknowledge()  # the rule sets are the same for every unit: holding rulesets:read is enough
    current = _current(container)
    return {"setting": container.settings.evaluation_ruleset, "month": f"{container.today():%Y-%m}",
            "rulesets": [_summary(version, current) for version in every_version()]}


def read_ruleset(container: Container, access: Access, ruleset_id: str, version: str) -> dict[str, Any]:
    access.acknowledge()
    found = find_ruleset(ruleset_id, int(version))
    return {**_summary(found, _current(container)), "body": found.ruleset.model_dump(mode="json")}


def add_ruleset(container: Container, access: Access, body: dict[str, Any], source: Source) -> dict[str, Any]:
    """A new version, validated whole; refused if that (ruleset_id, version) exists, built in or added."""
    access.require_site("rulesets:write")
    try:
        ruleset = parse(body)
    except ValueError as exc:
        field = str(getattr(exc, "path", "") or "(document)")
        raise Unprocessable("ruleset_invalid", details={"field": field, "reason": str(exc)[:500]},
                            params={"field": field}) from None
    version = int(ruleset.version)
    try:
        find_ruleset(ruleset.ruleset_id, version)
    except NotFound:
        pass
    else:
        raise Conflict("ruleset_version_exists")
    now = container.clock()
    item = RuleSetModel(RuleSetModel.key_of(ruleset.ruleset_id), RuleSetModel.version_key(version),
                        body=ruleset.model_dump(mode="json"), created_by=access.username, created_at=now)
    named = RuleSetModel(RuleSetModel.INDEX, ruleset.ruleset_id, body={"ruleset_id": ruleset.ruleset_id},
                         created_by=access.username, created_at=now)
    try:
        audit.write(container, audit.entry(now, access.username, "rulesets.add", subject=f"{ruleset.ruleset_id}@"
                                           f"{version}", details={"ruleset_id": ruleset.ruleset_id,
                                                                  "version": version}, source=source),
                    ("save", item, {"condition": RuleSetModel.staff_id.does_not_exist()}),
                    ("save", named, {}))
    except PynamoDBException as exc:
        if not lost_condition(exc):
            raise
        raise Conflict("ruleset_version_exists") from None
    return {**_summary(RuleSetVersion(ruleset, False, access.username, now), _current(container)),
            "body": item.body}

"""Match thresholds calibrated per site, unit or device: propose, apply (audited), read, and resolve.

- `propose` scores the enrolled gallery (every cross-person pair, same-person pairs) and the recent matched
  captures of the scope's devices, and asks `rules.calibration` for the threshold of a target false-match rate.
  It needs numpy (the gallery), so its route runs in the recognition function.
- `apply` sets (or removes) a scope's own threshold for the active model, keeping the previous one, audited.
- `threshold_for` is what recognition uses: device, then the nearest unit up the tree, then the site, then the
  deployment's setting or the model's default. Thresholds set for another model are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chamcong.access import Access, UnitTree
from chamcong.container import Container, RecognitionModel
from chamcong.errors import BadRequest, Conflict, NotFound, Unprocessable
from chamcong.rules.calibration import (
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    SAFETY_FLOOR,
    Basis,
    Proposal,
    Rates,
    SetThreshold,
    highest_needed,
    propose_threshold,
    rates_at,
    resolve_threshold,
)
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.units import get_unit, load_tree
from chamcong.store.models.base import lost_condition
from chamcong.store.models.calibration import CURRENT, SCOPES, SITE_ID, ThresholdModel
from chamcong.store.models.devices import CaptureModel, DeviceModel
from chamcong.store.models.staff import StaffModel

if TYPE_CHECKING:
    import numpy as np

PERMISSION = "recognition:calibrate"
MAX_CAPTURE_DAYS = 30  # captures are kept 30 days by default (CAPTURE_RETENTION_DAYS)
_ROWS_PER_BLOCK = 512  # gallery rows scored at once: 512 × 100 000 faces is 200 MB of float32 at most


# --- resolving on the hot path --------------------------------------------------------------------------

def _set(item: ThresholdModel | None) -> SetThreshold | None:
    if item is None or item.value is None:
        return None
    return SetThreshold(float(item.value), item.model_id)


@dataclass(frozen=True)
class ModelFacts:
    """The embedding model a threshold is for, and the value that applies when nothing is set for it."""

    model_id: str
    default: float  # the deployment's MATCH_THRESHOLD (for its configured model) or the manifest's default


def active_model(container: Container) -> ModelFacts:
    """The active model's id and default, without loading its engine (the command runs without model files)."""
    from face_engine.manifest import load_manifest

    model_id = container.active_model_id()
    settings = container.settings
    if settings.match_threshold is not None and model_id == settings.embedding_model:
        return ModelFacts(model_id, settings.match_threshold)
    return ModelFacts(model_id, load_manifest(model_id).default_threshold)


def threshold_for(container: Container, device: DeviceModel, model: RecognitionModel | None = None) -> float:
    """The threshold recognition applies to this device's captures: the device's, the nearest unit's up the tree,
    the site's, else `model.threshold`; only values set for `model` count (default: the active model).

    Pass the passage's own `RecognitionModel` so it is judged with one model's engine, gallery and threshold. No
    DynamoDB read while the warm cache is fresh (`threshold_check_seconds`).
    """
    facts = ModelFacts(model.model_id, model.threshold) if model is not None else active_model(container)
    return _in_force(container, facts, "device", device.device_id, device.unit_id)


def site_threshold(container: Container, model: RecognitionModel | None = None) -> float:
    """The threshold set for the whole site (or the model's): for what no device decides, e.g. enrolment's
    duplicate check."""
    facts = ModelFacts(model.model_id, model.threshold) if model is not None else active_model(container)
    return _in_force(container, facts, "site", SITE_ID, None)


def _in_force(container: Container, model: ModelFacts, scope: str, scope_id: str, unit_id: str | None) -> float:
    """What applies to a scope now: its own value, or what it inherits."""
    book = container.thresholds.in_force()
    device = book.current.get(("device", scope_id)) if scope == "device" else None
    lineage = UnitTree(book.parents).lineage(unit_id) if unit_id is not None else []
    units = [_set(book.current.get(("unit", unit))) for unit in lineage]
    return resolve_threshold(model.model_id, model.default, _set(device), units,
                             _set(book.current.get(("site", SITE_ID))))


# --- scopes and who may act on them ------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    scope: str
    scope_id: str
    unit_id: str | None  # the unit whose subtree it covers; None: the whole site


def _scope(access: Access, scope: str, scope_id: str) -> Scope:
    """The scope, if it exists (404) and the caller may calibrate it (403)."""
    if scope not in SCOPES or (scope == "site" and scope_id != SITE_ID):
        raise NotFound("unknown_threshold_scope")
    if scope == "site":
        access.require_site(PERMISSION)
        return Scope("site", SITE_ID, None)
    if scope == "unit":
        get_unit(scope_id)
        access.require_unit(PERMISSION, scope_id)
        return Scope("unit", scope_id, scope_id)
    device = _device(scope_id)
    access.require_unit(PERMISSION, device.unit_id)
    return Scope("device", scope_id, device.unit_id)


def _device(device_id: str) -> DeviceModel:
    try:
        return DeviceModel.get(device_id)
    except DoesNotExist:
        raise NotFound("device_not_found") from None


# --- propose -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scores:
    """The scores a proposal is made from (plain floats: the rule is pure Python)."""

    impostor: list[float]  # every cross-person score at or above `keep_from`, and the highest ones below it
    impostor_pairs: int
    nearest_impostor: list[float]
    genuine: list[float]
    faces: int
    people: int


def propose(container: Container, access: Access, target_fmr: float, unit_id: str | None, device_id: str | None,
            days: int = MAX_CAPTURE_DAYS, basis: Basis = "passage") -> dict[str, Any]:
    """A threshold for `target_fmr` in a scope (a unit's subtree, a device's unit subtree, or everyone).

    basis "passage" (the default): the rate per stranger passing a camera, compared with the whole gallery — what
    "strangers matched" counts; "pair": per comparison of two different people's faces, which with N people
    enrolled lets about N times more strangers through (see rules.calibration.propose_threshold).
    """
    if unit_id is not None and device_id is not None:
        raise BadRequest("threshold_scope_conflict")
    if device_id is not None:
        scope = _scope(access, "device", device_id)
    elif unit_id is not None:
        scope = _scope(access, "unit", unit_id)
    else:
        scope = _scope(access, "site", SITE_ID)
    tree = load_tree() if scope.unit_id is not None else None
    units = tree.subtree(scope.unit_id) if tree is not None and scope.unit_id is not None else None
    people = _people(units)
    devices = [_device(device_id)] if device_id is not None else _devices(units)
    model = active_model(container)
    model_default = model.default
    in_force = _in_force(container, model, scope.scope, scope.scope_id, scope.unit_id)
    scores = _gallery_scores(container, model.model_id, people, target_fmr,
                             keep_from=min(in_force, model_default - SAFETY_FLOOR))
    since_ns = int((container.clock() - timedelta(days=days)).timestamp() * 1_000_000_000)
    captures = _capture_scores(devices, since_ns)
    proposal = propose_threshold(scores.impostor, scores.genuine, captures, target_fmr=target_fmr,
                                 model_default=model_default, impostor_pairs=scores.impostor_pairs,
                                 nearest_impostor=scores.nearest_impostor, basis=basis)
    now = rates_at(in_force, scores.impostor, scores.impostor_pairs, scores.genuine, captures,
                   scores.nearest_impostor)
    proposed = rates_at(proposal.threshold, scores.impostor, scores.impostor_pairs, scores.genuine, captures,
                        scores.nearest_impostor)
    return _proposal_view(scope, model.model_id, proposal, proposed, now, scores.faces,
                          scores.people, days)


def _people(units: set[str] | None) -> set[str] | None:
    """Staff ids of these units (None: everyone)."""
    if units is None:
        return None
    return {staff.staff_id for unit in units for staff in StaffModel.by_unit.query(unit)}


def _devices(units: set[str] | None) -> list[DeviceModel]:
    return [device for device in DeviceModel.scan() if units is None or device.unit_id in units]


def _gallery_scores(container: Container, model_id: str, people: set[str] | None, target_fmr: float,
                    keep_from: float) -> Scores:
    """Cosine scores between the scope's enrolled faces and the whole gallery, in blocks of rows.

    A pair is an impostor pair when the two faces are of different people and at least one is in scope (a
    stranger to the scope may be anyone enrolled); each unordered pair counts once.
    """
    import numpy as np

    gallery = container.gallery_for(model_id).current()
    matrix = gallery.matrix
    staff = np.asarray(gallery.staff_ids, dtype=object)
    in_scope = np.ones(len(gallery), dtype=bool) if people is None else np.isin(staff, list(people))
    rows = np.flatnonzero(in_scope)
    if len(rows) == 0:
        return Scores([], 0, [], [], 0, 0)
    codes = np.unique(staff, return_inverse=True)[1]
    cap = highest_needed(target_fmr, len(rows) * len(gallery))
    kept: list[np.ndarray] = []
    top = np.empty(0, dtype=np.float32)
    pairs = 0
    nearest: list[np.ndarray] = []
    genuine: list[np.ndarray] = []
    for start in range(0, len(rows), _ROWS_PER_BLOCK):
        block = rows[start:start + _ROWS_PER_BLOCK]
        scores = matrix[block] @ matrix.T
        same = codes[block][:, None] == codes[None, :]
        # Each unordered pair once: a column in scope counts only after its row (out of scope: always).
        later = (np.arange(len(gallery))[None, :] > block[:, None]) | ~in_scope[None, :]
        impostor = scores[~same & later]
        pairs += int(impostor.size)
        kept.append(impostor[impostor >= keep_from])
        top = _top(np.concatenate([top, impostor]), cap)
        others = np.where(same, -np.inf, scores).max(axis=1)
        nearest.append(others[np.isfinite(others)])
        genuine.append(scores[same & later & in_scope[None, :]])
    # Every score that could pass a threshold from `keep_from` up, and the highest ones below it if needed.
    return Scores(impostor=_floats(*kept, top[top < keep_from]), impostor_pairs=pairs,
                  nearest_impostor=_floats(*nearest), genuine=_floats(*genuine), faces=len(rows),
                  people=len(set(staff[rows].tolist())))


def _top(values: np.ndarray, count: int) -> np.ndarray:
    import numpy as np

    if values.size <= count:
        return values
    return np.partition(values, values.size - count)[values.size - count:]


def _floats(*arrays: np.ndarray) -> list[float]:
    return [round(float(value), 6) for array in arrays for value in array.tolist()]


def _capture_scores(devices: Iterable[DeviceModel], since_ns: int) -> list[float]:
    """Similarities of the devices' recent matched captures, as their answers recorded them."""
    found: list[float] = []
    for device in devices:
        for capture in CaptureModel.query(device.device_id, filter_condition=CaptureModel.claimed_at >= since_ns):
            response = capture.response or {}
            similarity = response.get("similarity")
            if response.get("result") == "matched" and isinstance(similarity, int | float):
                found.append(float(similarity))
    return found


def _rates_view(rates: Rates) -> dict[str, Any]:
    return {"threshold": rates.threshold, "expected_fmr": rates.expected_fmr, "fmr_upper_95": rates.fmr_upper_95,
            "stranger_rate": rates.stranger_rate, "accept_rate": rates.accept_rate,
            "gallery_accept_rate": rates.gallery_accept_rate, "capture_accept_rate": rates.capture_accept_rate}


def _proposal_view(scope: Scope, model_id: str, proposal: Proposal, proposed: Rates, now: Rates, faces: int,
                   people: int, days: int) -> dict[str, Any]:
    return {
        "scope": scope.scope, "scope_id": scope.scope_id, "model_id": model_id,
        "target_fmr": proposal.target_fmr, "basis": proposal.basis, "model_default": proposal.model_default,
        "floor": proposal.floor,
        "proposed": _rates_view(proposed),
        "in_force": _rates_view(now),
        "samples": {"faces": faces, "people": people, "impostor_pairs": proposal.impostor_pairs,
                    "impostor_max": None if proposal.impostor_max is None else round(proposal.impostor_max, 4),
                    "genuine_pairs": proposal.genuine_pairs, "captures": proposal.captures, "capture_days": days},
        "warnings": [{"code": w.code, "vi": w.vi, "en": w.en} for w in proposal.warnings],
    }


# --- apply, list, history ----------------------------------------------------------------------------

def apply(container: Container, access: Access, scope_name: str, scope_id: str, value: float | None, reason: str,
          target_fmr: float | None, source: Source) -> dict[str, Any]:
    """Set a scope's threshold for the active model (None: remove its own, so it inherits), keeping the old one."""
    scope = _scope(access, scope_name, scope_id)
    if value is not None and not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
        raise Unprocessable("threshold_out_of_range")
    model = active_model(container)
    model_id = model.model_id
    at = container.clock()
    key = ThresholdModel.current_key(scope.scope, scope.scope_id)
    try:
        old: ThresholdModel | None = ThresholdModel.get(CURRENT, key, consistent_read=True)
    except DoesNotExist:
        old = None
    before = _in_force(container, model, scope.scope, scope.scope_id, scope.unit_id)
    fields: dict[str, Any] = {
        "scope": scope.scope, "scope_id": scope.scope_id, "unit_id": scope.unit_id,
        "value": None if value is None else round(value, 4), "model_id": model_id, "target_fmr": target_fmr,
        "reason": reason, "set_by": access.username, "set_at": at, "version": (old.version + 1) if old else 1,
        "previous_value": old.value if old else None, "previous_model_id": old.model_id if old else None,
        "previous_set_by": old.set_by if old else None, "previous_set_at": old.set_at if old else None}
    current = ThresholdModel(CURRENT, key, **fields)
    history = ThresholdModel(ThresholdModel.history_partition(scope.scope, scope.scope_id),
                             ThresholdModel.history_key(at, new_id("thr")), **fields)
    condition = (ThresholdModel.version == old.version) if old else ThresholdModel.partition.does_not_exist()
    record = audit.entry(at, access.username, "threshold.set", unit_id=scope.unit_id,
                         subject=f"{scope.scope}:{scope.scope_id}", source=source,
                         details={"threshold": fields["value"], "previous": fields["previous_value"],
                                  "previous_model_id": fields["previous_model_id"], "in_force_before": before,
                                  "model_id": model_id, "target_fmr": target_fmr, "reason": reason})
    try:
        audit.write(container, record, ("save", current, {"condition": condition}),
                    ("save", history, {"condition": ThresholdModel.partition.does_not_exist()}))
    except TransactWriteError as exc:
        if lost_condition(exc):
            raise Conflict("conflict") from exc  # someone else changed it first: read again and retry
        raise
    container.thresholds.forget()
    return {**threshold_view(current, model_id),
            "in_force": _in_force(container, model, scope.scope, scope.scope_id, scope.unit_id)}


def threshold_view(item: ThresholdModel, active_model: str) -> dict[str, Any]:
    previous = None
    if item.previous_set_by is not None:
        previous = {"threshold": item.previous_value, "model_id": item.previous_model_id,
                    "set_by": item.previous_set_by,
                    "set_at": iso(item.previous_set_at) if item.previous_set_at else None}
    return {"scope": item.scope, "scope_id": item.scope_id, "unit_id": item.unit_id,
            "threshold": None if item.value is None else float(item.value), "model_id": item.model_id,
            "applies": item.value is not None and item.model_id == active_model,
            "target_fmr": item.target_fmr, "reason": item.reason, "set_by": item.set_by, "set_at": iso(item.set_at),
            "previous": previous}


def list_thresholds(container: Container, access: Access) -> dict[str, Any]:
    """The thresholds set in the caller's reach, each with the one it replaced; the site's for every reader.

    A removed value (the scope inherits again) is not listed: the scope's history shows it.
    """
    visible = access.visible_units(PERMISSION)
    model = active_model(container)
    found = [item for item in ThresholdModel.query(CURRENT)
             if item.value is not None and (item.scope == "site" or visible is None or item.unit_id in visible)]
    order: dict[str, int] = {name: index for index, name in enumerate(SCOPES)}
    found.sort(key=lambda item: (order.get(item.scope, 9), item.unit_id or "", item.scope_id))
    return {"model_id": model.model_id, "model_default": model.default,
            "thresholds": [threshold_view(item, model.model_id) for item in found]}


def history(container: Container, access: Access, scope_name: str, scope_id: str) -> dict[str, Any]:
    """A scope's current threshold, what applies there now, and every value it had, newest first."""
    scope = _scope(access, scope_name, scope_id)
    model = active_model(container)
    try:
        current: ThresholdModel | None = ThresholdModel.get(CURRENT, ThresholdModel.current_key(scope.scope,
                                                                                                scope.scope_id))
    except DoesNotExist:
        current = None
    changes = ThresholdModel.query(ThresholdModel.history_partition(scope.scope, scope.scope_id),
                                   scan_index_forward=False)
    return {"scope": scope.scope, "scope_id": scope.scope_id, "model_id": model.model_id,
            "in_force": _in_force(container, model, scope.scope, scope.scope_id, scope.unit_id),
            "current": threshold_view(current, model.model_id) if current else None,
            "history": [threshold_view(item, model.model_id) for item in changes]}

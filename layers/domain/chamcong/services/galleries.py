"""Galleries per site: a lobby compares a face only with the people who may pass it.

A **site** is a unit some device is registered to. Its gallery holds the faces of everyone whose unit (today) is in
the site's subtree, plus the people a unit admin granted access to the site (`grants`, until a day). It is built
from the deployment's gallery (`model.gallery`, which enrolment still checks duplicates against) by keeping those
people's rows, labelled with their name and unit, so a recognition reads no staff record.

- Each site's gallery is its own versioned object (`GalleryRepository` with a unit id); a rebuild that would write
  the same rows (same digest) writes nothing.
- Changes made in the recognition function (enrol, remove a face or a person, a grant) rebuild the sites concerned
  at once: the sites on the person's path to the root and the sites holding a grant for them. Changes made where no
  gallery can be built (the API function has no numpy: a transfer, a rename, a unit moved, a device registered)
  mark those sites' pointers `stale`; readers then build the site in memory from the deployment's gallery until the
  reconcile (every 10 minutes, `reconcile`) publishes it again. The reconcile also rebuilds any site whose digest is
  not what its people make today (a crash between the deployment's write and a site's, an expired grant).
- A site with no pointer yet is built in memory (and logged), never an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chamcong.access import Access, UnitTree
from chamcong.errors import Conflict, NotFound, Unprocessable
from chamcong.observability import count, get_logger
from chamcong.services import audit
from chamcong.services.common import iso
from chamcong.store.models.base import lost_condition
from chamcong.store.models.devices import (
    SITE_GRANTS_PREFIX,
    DeviceModel,
    GalleryModel,
    SiteGrantsRecord,
    site_gallery_id,
)
from chamcong.store.models.staff import StaffModel

if TYPE_CHECKING:
    from chamcong.container import Container, RecognitionModel
    from chamcong.schemas.galleries import CreateGrant
    from chamcong.services.audit import Source
    from chamcong.store.gallery import GalleryRepository
    from face_engine.gallery import Gallery

Label = tuple[str, str]  # (full_name, unit_id), as face_engine.gallery.Label


@dataclass(frozen=True)
class StaffCard:
    """Who a recognised face is, as the site's gallery labels them: no staff record read per recognition."""

    staff_id: str
    full_name: str
    unit_id: str


# --- pure parts ---------------------------------------------------------------------------------------------------

def active_grants(grants: Mapping[str, Mapping[str, Any]], today: date) -> dict[str, Mapping[str, Any]]:
    """The grants in force on `today`: no `until`, or `until` today or later."""
    return {staff_id: grant for staff_id, grant in grants.items()
            if not grant.get("until") or date.fromisoformat(str(grant["until"])) >= today}


def site_people(tree: UnitTree, site: str, staff: Iterable[tuple[str, str, str]],
                granted: Iterable[str]) -> dict[str, Label]:
    """staff_id → (full_name, unit_id) of the people a site's devices may see: those whose unit is in the site's
    subtree, and those granted access (wherever they work). `staff` = (staff_id, full_name, unit_id) rows."""
    granted = set(granted)
    return {staff_id: (name, unit) for staff_id, name, unit in staff
            if staff_id in granted or tree.within(unit, site)}


def people_by_site(tree: UnitTree, sites: Iterable[str], staff: Iterable[tuple[str, str, str]],
                   grants: Mapping[str, Iterable[str]]) -> dict[str, dict[str, Label]]:
    """`site_people` of every site at once (each person walks up their own path once): site → staff_id → label."""
    result: dict[str, dict[str, Label]] = {site: {} for site in sites}
    granted_to: dict[str, list[str]] = {}
    for site, people in grants.items():
        if site in result:
            for staff_id in people:
                granted_to.setdefault(staff_id, []).append(site)
    for staff_id, name, unit in staff:
        for site in [*tree.lineage(unit), *granted_to.get(staff_id, ())]:
            if site in result:
                result[site][staff_id] = (name, unit)
    return result


def sites_concerned(tree: UnitTree, sites: Iterable[str], units: Iterable[str]) -> set[str]:
    """The sites whose gallery a change to a person in one of `units` may change: every site on their path up."""
    wanted = set(sites)
    return {site for unit in units for site in tree.lineage(unit) if site in wanted}


def rows_digest(gallery: Gallery) -> str:
    """What a site's gallery holds, as a digest: its faces, whose, and their labels (embeddings follow face ids)."""
    digest = hashlib.sha256()
    rows = sorted(zip(gallery.face_ids, gallery.staff_ids, gallery.labels or [("", "")] * len(gallery), strict=True))
    for face_id, staff_id, (name, unit) in rows:
        digest.update("\x1f".join((face_id, staff_id, name, unit)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


# --- reading what a site holds ------------------------------------------------------------------------------------

def sites() -> set[str]:
    """Every unit an active device is registered to (one scan of a small table)."""
    return {device.unit_id for device in DeviceModel.scan(attributes_to_get=["unit_id", "status"])
            if device.status == "active"}


def _tree() -> UnitTree:
    from chamcong.services.units import load_tree

    return load_tree()


def _grants_of(unit_id: str) -> dict[str, Any]:
    try:
        return dict(SiteGrantsRecord.get(SiteGrantsRecord.key(unit_id), consistent_read=True).grants or {})
    except DoesNotExist:
        return {}


def _all_grants() -> dict[str, dict[str, Any]]:
    """unit_id → its grants, for every site that has any."""
    return {record.unit_id: dict(record.grants or {})
            for record in SiteGrantsRecord.scan(SiteGrantsRecord.gallery_id.startswith(SITE_GRANTS_PREFIX))}


def _staff_rows(tree: UnitTree, site: str, granted: Iterable[str]) -> list[tuple[str, str, str]]:
    rows = {person.staff_id: (person.staff_id, person.full_name, person.unit_id)
            for unit in sorted(tree.subtree(site) | {site}) for person in StaffModel.by_unit.query(unit)}
    missing = [staff_id for staff_id in granted if staff_id not in rows]
    if missing:
        rows.update({person.staff_id: (person.staff_id, person.full_name, person.unit_id)
                     for person in StaffModel.batch_get(missing)})
    return list(rows.values())


def _people_of(container: Container, tree: UnitTree, site: str) -> dict[str, Label]:
    granted = active_grants(_grants_of(site), container.today())
    return site_people(tree, site, _staff_rows(tree, site, granted), granted)


def site_gallery(container: Container, model: RecognitionModel, unit_id: str) -> Gallery:
    """The gallery of the site `unit_id` for `model`: the published one (its pointer re-checked at most every
    `gallery_check_seconds`), or, when it has none or it is stale, one built in memory from the deployment's."""
    repository = container.site_gallery_repository(model.model_id, unit_id, int(model.manifest.dimension or 0))
    published = repository.published()
    if published is not None:
        return published
    deployment = model.gallery.current()
    built = deployment.for_people(_people_of(container, _tree(), unit_id))
    repository.hold(built)
    get_logger().info("site gallery built in memory", extra={"event": "site_gallery_in_memory", "unit_id": unit_id,
                                                             "model_id": model.model_id, "faces": len(built)})
    count("SiteGalleriesBuiltInMemory")
    return built


def card(gallery: Gallery, staff_id: str) -> StaffCard | None:
    label = gallery.label(staff_id)
    return StaffCard(staff_id, label[0], label[1]) if label is not None else None


# --- writing: rebuilds where numpy is, stale marks where it is not ------------------------------------------------

def _site_repositories(container: Container, unit_id: str) -> list[GalleryRepository]:
    """The site's gallery for every model kept (the active one, a rollback's, a re-embedding's target)."""
    return [container.site_gallery_repository(kept.model_id, unit_id, kept.dimension)
            for kept in container.kept_galleries()]


def rebuild_sites(container: Container, unit_ids: Iterable[str]) -> list[str]:
    """Rebuild the galleries of these sites (every kept model) from the deployment's; the ids rebuilt (a site whose
    rows did not change is skipped)."""
    wanted = sorted(set(unit_ids))
    if not wanted:
        return []
    tree = _tree()
    rebuilt = []
    for kept in container.kept_galleries():
        for unit_id in wanted:
            repository = container.site_gallery_repository(kept.model_id, unit_id, kept.dimension)

            def build(kept: GalleryRepository = kept, unit_id: str = unit_id) -> tuple[Gallery, str]:
                gallery = kept.latest().for_people(_people_of(container, tree, unit_id))
                return gallery, rows_digest(gallery)

            if repository.publish(build) is not None:
                rebuilt.append(site_gallery_id(kept.model_id, unit_id))
    return rebuilt


def person_sites(tree: UnitTree, staff_id: str, units: Iterable[str]) -> set[str]:
    """The sites a person's change concerns: those on the path up from each of `units` (before and after a move),
    and those holding a grant for them."""
    by_grant = {unit_id for unit_id, grants in _all_grants().items() if staff_id in grants}
    return sites_concerned(tree, sites(), units) | by_grant


def after_person_changed(container: Container, staff_id: str, *units: str) -> list[str]:
    """In the recognition function, after the deployment's gallery changed for a person (enrolled, a face or the
    person removed): rebuild the sites concerned now."""
    return rebuild_sites(container, person_sites(_tree(), staff_id, units))


def mark_person_stale(container: Container, staff_id: str, *units: str) -> None:
    """In the API function, after a person moved or was renamed: their sites are read from the deployment's gallery
    until the reconcile rebuilds them."""
    mark_stale(container, person_sites(_tree(), staff_id, units))


def mark_units_stale(container: Container, *units: str | None) -> None:
    """After a unit moved or was removed: the sites above its old and new places."""
    tree = _tree()
    mark_stale(container, sites_concerned(tree, sites(), [unit for unit in units if unit]))


def mark_stale(container: Container, unit_ids: Iterable[str]) -> None:
    from chamcong.container import kept_model_ids, read_active_model_id

    models = {read_active_model_id(container.settings.embedding_model), *kept_model_ids()}
    for unit_id in sorted(set(unit_ids)):
        for model_id in sorted(models):
            pointer = GalleryModel(site_gallery_id(model_id, unit_id))
            try:
                pointer.update(actions=[GalleryModel.stale.set(True)], condition=GalleryModel.gallery_id.exists())
            except UpdateError as exc:
                if not lost_condition(exc):
                    raise  # no pointer yet: readers build it in memory anyway
            # Seen at once in this function; in other warm functions within `gallery_check_seconds`.
            container.expire_site_gallery(model_id, unit_id)


def reconcile(container: Container, models: list[GalleryRepository] | None = None) -> dict[str, Any]:
    """Every 10 minutes: rebuild every site whose gallery is stale or does not hold what its people make today
    (a crash between the deployment's write and a site's, a person moved or renamed, a grant expired), for every
    kept model (or those of `models`: the re-embedding job builds its model's sites before switching to it)."""
    tree = _tree()
    all_sites = sorted(sites())
    grants = _all_grants()
    today = container.today()
    staff = [(person.staff_id, person.full_name, person.unit_id)
             for person in StaffModel.scan(StaffModel.unit_id.exists(),
                                           attributes_to_get=["staff_id", "full_name", "unit_id"])]
    by_site = people_by_site(tree, all_sites, staff,
                             {site: active_grants(held, today) for site, held in grants.items()})
    rebuilt: list[str] = []
    for kept in container.kept_galleries() if models is None else models:
        for unit_id in all_sites:
            people = by_site[unit_id]
            repository = container.site_gallery_repository(kept.model_id, unit_id, kept.dimension)

            def build(kept: GalleryRepository = kept, people: dict[str, Label] = people) -> tuple[Gallery, str]:
                gallery = kept.latest().for_people(people)
                return gallery, rows_digest(gallery)

            if repository.publish(build) is not None:
                rebuilt.append(site_gallery_id(kept.model_id, unit_id))
    if rebuilt:
        get_logger().info("site galleries reconciled", extra={"event": "site_galleries_reconciled",
                                                              "rebuilt": rebuilt})
    return {"sites": len(all_sites), "rebuilt": rebuilt}



# --- grants: a unit admin lets a person of another unit into a site ------------------------------------------------

def _site(access: Access, permission: str, unit_id: str) -> SiteGrantsRecord:
    from chamcong.store.models.units import UnitModel

    try:
        UnitModel.get(unit_id)
    except DoesNotExist:
        raise NotFound("site_not_found") from None
    access.require_unit(permission, unit_id)
    try:
        return SiteGrantsRecord.get(SiteGrantsRecord.key(unit_id), consistent_read=True)
    except DoesNotExist:
        return SiteGrantsRecord(SiteGrantsRecord.key(unit_id), unit_id=unit_id, grants={}, revision=0)


def _grant_view(unit_id: str, staff_id: str, grant: Mapping[str, Any], person: StaffModel | None,
                today: date) -> dict[str, Any]:
    return {"unit_id": unit_id, "staff_id": staff_id, "full_name": person.full_name if person else None,
            "staff_unit_id": person.unit_id if person else None, "until": grant.get("until"),
            "reason": grant["reason"], "granted_by": grant["by"], "granted_at": grant["at"],
            "active": staff_id in active_grants({staff_id: grant}, today)}


def list_grants(container: Container, access: Access, unit_id: str) -> dict[str, Any]:
    """The people let into a site besides its own, by name (Vietnamese order), expired ones marked."""
    from chamcong.rules.collation import vietnamese_key

    record = _site(access, "devices:read", unit_id)
    grants = dict(record.grants or {})
    people = {person.staff_id: person for person in StaffModel.batch_get(list(grants))} if grants else {}
    today = container.today()
    views = [_grant_view(unit_id, staff_id, grant, people.get(staff_id), today) for staff_id, grant in grants.items()]
    views.sort(key=lambda view: (vietnamese_key(view["full_name"] or ""), view["staff_id"]))
    return {"unit_id": unit_id, "grants": views}


def _save_grants(container: Container, record: SiteGrantsRecord, grants: dict[str, Any], entry: Any) -> None:
    revision = int(record.revision or 0)
    condition = (SiteGrantsRecord.revision == revision) if revision else SiteGrantsRecord.gallery_id.does_not_exist()
    updated = SiteGrantsRecord(record.gallery_id, unit_id=record.unit_id, grants=grants, revision=revision + 1)
    try:
        audit.write(container, entry, ("save", updated, {"condition": condition}))
    except TransactWriteError as exc:
        if lost_condition(exc):
            raise Conflict("conflict") from None  # somebody changed the site's grants meanwhile: read them again
        raise


def grant(container: Container, access: Access, unit_id: str, body: CreateGrant, source: Source) -> dict[str, Any]:
    """Let a person (of any unit) into a site until a day, audited (`site.grant`); the site's gallery is rebuilt."""
    record = _site(access, "sites:grant", unit_id)
    try:
        person = StaffModel.get(body.staff_id)
    except DoesNotExist:
        raise NotFound("staff_not_found") from None
    today = container.today()
    if body.until is not None and body.until < today:
        raise Unprocessable("grant_until_past")
    held = {"until": body.until.isoformat() if body.until else None, "reason": body.reason,
            "by": access.username, "at": iso(container.clock())}
    grants = {**dict(record.grants or {}), body.staff_id: held}
    _save_grants(container, record, grants, audit.entry(
        container.clock(), access.username, "site.grant", unit_id=unit_id, subject=body.staff_id,
        details={"until": held["until"], "reason": body.reason, "staff_unit_id": person.unit_id}, source=source))
    rebuild_sites(container, [unit_id] if unit_id in sites() else [])
    return _grant_view(unit_id, body.staff_id, held, person, today)


def revoke_grant(container: Container, access: Access, unit_id: str, staff_id: str, source: Source) -> None:
    """Take a person's access to a site away, audited (`site.revoke_grant`); the site's gallery is rebuilt."""
    record = _site(access, "sites:grant", unit_id)
    grants = dict(record.grants or {})
    if staff_id not in grants:
        raise NotFound("site_grant_not_found")
    removed = grants.pop(staff_id)
    _save_grants(container, record, grants, audit.entry(
        container.clock(), access.username, "site.revoke_grant", unit_id=unit_id, subject=staff_id,
        details={"until": removed.get("until"), "reason": removed.get("reason")}, source=source))
    rebuild_sites(container, [unit_id] if unit_id in sites() else [])

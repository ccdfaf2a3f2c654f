"""The notice of processing given at enrolment (Decree 13/2023/NĐ-CP Art. 11 and 13): its versions, and the record
of which one each person was given, when, by whom and on which legal basis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import NotFound, Unprocessable
from chamcong.privacy import notices
from chamcong.schemas.privacy import NoticeGiven
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.store.models.privacy import NoticeRecordModel
from chamcong.store.models.staff import StaffModel

# A notice given "now" on a device whose clock runs a little ahead is not refused.
FUTURE_TOLERANCE = timedelta(minutes=5)


def list_notices(container: Container, access: Access) -> dict[str, Any]:
    access.acknowledge()  # every signed-in person may read the notices
    current = notices.current_version()
    return {"notices": [{"version": version, "title": notices.title(version, "vi"), "current": version == current}
                        for version in reversed(notices.versions())],
            "current": current, "legal_basis": container.settings.privacy_legal_basis}


def read_notice(container: Container, access: Access, version: str, lang: str) -> dict[str, Any]:
    access.acknowledge()
    if not notices.exists(version):
        raise NotFound("notice_not_found")
    lang = lang if lang in notices.LANGS else "vi"
    return {"version": version, "lang": lang, "title": notices.title(version, lang),
            "text": notices.render(version, lang, container.settings),
            "current": version == notices.current_version()}


@dataclass(frozen=True)
class GivenNotice:
    """A notice as it will be recorded once a photo is enrolled under it."""

    version: str
    given_at: datetime
    given_by: str
    legal_basis: str
    consent: bool | None


def resolve(container: Container, access: Access, given: NoticeGiven | None) -> GivenNotice:
    """The notice an enrolment records, checked before any photo is taken in: an unknown version is 404
    `notice_not_found`; consent as the basis without `consent: true` is 422 `consent_required`."""
    now = container.clock()
    version = (given.version if given else None) or notices.current_version()
    if not notices.exists(version):
        raise NotFound("notice_not_found")
    basis = (given.legal_basis if given else None) or container.settings.privacy_legal_basis
    consent = given.consent if given else None
    if basis == "consent" and consent is not True:
        raise Unprocessable("consent_required")
    given_at = (given.given_at if given else None) or now
    if given_at > now + FUTURE_TOLERANCE:
        raise Unprocessable("notice_given_in_future")
    return GivenNotice(version, given_at, access.username, basis, consent)


def record(container: Container, access: Access, staff: StaffModel, given: GivenNotice, face_ids: list[str],
           source: Source) -> dict[str, Any]:
    """Record the notice under which these photos were enrolled, with its audit entry (privacy.notice)."""
    notice_id = new_id("ntc")
    item = NoticeRecordModel(staff.staff_id, NoticeRecordModel.key(given.given_at, notice_id), notice_id=notice_id,
                             version=given.version, given_at=given.given_at, given_by=given.given_by,
                             legal_basis=given.legal_basis, consent=given.consent, face_ids=face_ids,
                             created_at=container.clock())
    audit.write(container, audit.entry(
        container.clock(), access.username, "privacy.notice", unit_id=staff.unit_id, subject=staff.staff_id,
        details={"notice_id": notice_id, "version": given.version, "legal_basis": given.legal_basis,
                 "consent": given.consent, "given_at": iso(given.given_at), "face_ids": face_ids},
        source=source), ("save", item, {}))
    return view(item)


def of_person(staff_id: str) -> list[dict[str, Any]]:
    """The notices a person was given, oldest first."""
    return [view(item) for item in NoticeRecordModel.query(
        staff_id, NoticeRecordModel.record_key.startswith(NoticeRecordModel.PREFIX))]


def view(item: NoticeRecordModel) -> dict[str, Any]:
    return {"notice_id": item.notice_id, "version": item.version, "given_at": iso(item.given_at),
            "given_by": item.given_by, "legal_basis": item.legal_basis, "consent": item.consent,
            "face_ids": list(item.face_ids or [])}

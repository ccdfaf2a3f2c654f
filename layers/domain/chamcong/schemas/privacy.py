"""Notices, the person's own data, erasure requests (Decree 13/2023/NĐ-CP)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from chamcong.schemas.common import Body, Id, Query, Text, View

NOTICE_VERSION_PATTERN = r"^\d{4}-\d{2}$"
LegalBasis = Literal["law", "consent", "contract"]
ErasureScope = Literal["biometric", "all"]
ErasureStatus = Literal["pending", "completing", "completed", "refused"]


class NoticeGiven(Body):
    """The notice the person was given before their photos were taken; absent: the current version, now, by the
    enrolling official, on the deployment's legal basis (PRIVACY_LEGAL_BASIS)."""

    version: str | None = Field(default=None, pattern=NOTICE_VERSION_PATTERN,
                                description="The notice's version (GET /v1/privacy/notices); absent: the current one")
    given_at: AwareDatetime | None = Field(default=None, description="When it was given; absent: now")
    legal_basis: LegalBasis | None = Field(default=None, description="absent: the deployment's privacy_legal_basis")
    consent: bool | None = Field(default=None, description="Required true when the legal basis is consent")


class NoticeSummary(View):
    version: str
    title: str
    current: bool


class NoticeList(View):
    notices: list[NoticeSummary]
    current: str
    legal_basis: LegalBasis


class NoticeQuery(Query):
    lang: Literal["vi", "en"] | None = Field(default=None, description="absent: the request's language")


class NoticeText(View):
    version: str
    lang: Literal["vi", "en"]
    title: str
    text: str = Field(description="Markdown, the deployment's retention and legal basis filled in")
    current: bool


class NoticeRecord(View):
    notice_id: str
    version: str
    given_at: str
    given_by: str
    legal_basis: LegalBasis
    consent: bool | None
    face_ids: list[str]


class PersonalFace(View):
    face_id: str
    model_id: str
    created_at: str
    photo_url: str | None = Field(description="A link to the photo, valid a few minutes")


class PersonalEvent(View):
    local_date: str
    event_type: str
    captured_at: str
    device_id: str
    similarity: float
    snapshot_url: str | None = Field(description="A link to the snapshot, valid a few minutes; None once expired")


class PersonalData(View):
    """Everything the product holds about a person (Decree 13/2023/NĐ-CP Art. 9 and 14)."""

    staff_id: str
    generated_at: str
    person: dict[str, Any]
    faces: list[PersonalFace]
    notices: list[NoticeRecord]
    events: list[PersonalEvent]
    absences: list[dict[str, Any]]
    corrections: list[dict[str, Any]]
    evaluations: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    audit_truncated: bool
    erasure_requests: list[ErasureRequest]
    withheld: list[Literal["events", "absences", "corrections", "evaluations", "audit", "photos"]] = Field(
        description="Sections not shown to this reader (the person themself sees all; others what their role reads)")


class CreateErasureRequest(Body):
    scope: ErasureScope = Field(description="biometric: every face photo and embedding; all: the person as well")
    reason: Text


class ErasureRequest(View):
    request_id: str
    staff_id: str
    full_name: str
    unit_id: str
    scope: ErasureScope
    reason: str
    status: ErasureStatus
    requested_by: str
    requested_at: str
    decided_by: str | None
    decided_at: str | None
    decision_reason: str | None
    outcome: dict[str, Any] | None


class ErasureRequestList(View):
    requests: list[ErasureRequest]


class ErasureRequestQuery(Query):
    unit_id: Id | None = Field(default=None, description="absent: every unit the caller answers for")
    status: ErasureStatus | None = None


class RefuseErasureRequest(Body):
    reason: Text


PersonalData.model_rebuild()

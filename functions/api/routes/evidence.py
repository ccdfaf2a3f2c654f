"""Evidence for discipline: the signed bundle of a person's day, and the key that signs it."""

from __future__ import annotations

from typing import Any

from chamcong.evidence import bundle
from chamcong.http import PUBLIC, RequestContext, Routes
from chamcong.schemas.common import FileResult
from chamcong.schemas.evidence import EvidencePublicKey

routes = Routes("evidence", "Chứng cứ — evidence bundles for discipline")


@routes.route("/v1/staff/{staff_id}/days/{date}/evidence-bundle", "GET", summary="The signed evidence bundle "
              "(.zip) of a late, early, absent, missing-check-in/out or spoofed day: records, snapshots, the rule, "
              "corrections, audit entries and a signed manifest", auth="user", permission="events:read",
              errors=("staff_not_found", "evidence_day_not_eligible", "evidence_signing_unavailable"),
              produces=bundle.ZIP)
def evidence_bundle(ctx: RequestContext, staff_id: str, date: str) -> FileResult:
    return bundle.download(ctx.container, ctx.access, staff_id, date)


@routes.route("/v1/evidence/public-key", "GET", summary="The public key that signs evidence bundles, with its "
              "SHA-256 fingerprint", auth="public", permission=PUBLIC, response=EvidencePublicKey,
              errors=("evidence_signing_unavailable",))
def evidence_public_key(ctx: RequestContext) -> dict[str, Any]:
    return bundle.public_key(ctx.container)

"""Galleries per site: the people a unit admin lets into a site besides its own (grants)."""

from __future__ import annotations

from pydantic import Field

from chamcong.schemas.common import Body, Day, Id, Text, View


class CreateGrant(Body):
    staff_id: Id = Field(description="The person let in (of any unit)")
    until: Day | None = Field(default=None, description="Their last day (YYYY-MM-DD); none: until revoked")
    reason: Text


class Grant(View):
    unit_id: str = Field(description="The site: the unit its devices are registered to")
    staff_id: str
    full_name: str | None = Field(description="None when the person's record is gone")
    staff_unit_id: str | None = Field(description="The unit the person works in")
    until: str | None
    reason: str
    granted_by: str
    granted_at: str
    active: bool = Field(description="False after its last day: the next reconcile takes the person out")


class GrantList(View):
    unit_id: str
    grants: list[Grant]

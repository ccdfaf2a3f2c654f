"""Staff records and their enrolled face photos."""

from __future__ import annotations

from pydantic import EmailStr, Field

from chamcong.schemas.common import Body, Day, Id, Name, Query, View


class CreateStaff(Body):
    full_name: Name
    unit_id: Id
    email: EmailStr | None = None
    employed_from: Day | None = Field(default=None, description="First working day; earlier days are "
                                                                "'not_employed'")


class StaffQuery(Query):
    unit_id: Id | None = Field(default=None, description="One unit; default: every unit in the caller's scope")


class Face(View):
    face_id: str
    staff_id: str
    model_id: str
    quality: dict[str, float]
    created_at: str


class Staff(View):
    staff_id: str
    full_name: str
    unit_id: str
    email: str | None
    employed_from: str | None = None
    created_at: str
    faces: list[Face] | None = None


class StaffList(View):
    staff: list[Staff]


class EnrolFace(Body):
    image_b64: str = Field(min_length=1, description="The photo (JPEG or PNG), base64; at most 2 MB of request body")

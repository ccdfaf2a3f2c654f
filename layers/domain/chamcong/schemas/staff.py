"""Staff records and their enrolled face photos."""

from __future__ import annotations

from typing import Annotated, Any, Literal

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


# Photos one batch may carry, and the body it may take: five ordinary photos (≤ ~750 KB of JPEG each) fit in
# 5 MiB of base64, and Lambda takes at most 6 MB of synchronous request (the body plus the event around it).
MAX_BATCH_PHOTOS = 5
MAX_BATCH_BODY_BYTES = 5 * 1024 * 1024


class EnrolFaces(Body):
    images_b64: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1, max_length=MAX_BATCH_PHOTOS,
        description="1 to 5 photos (JPEG or PNG) of the same person, base64; at most 5 MiB of request body")


class EnrolmentResult(View):
    index: int = Field(description="Position of the photo in images_b64")
    status: Literal["enrolled", "refused"]
    code: str | None = Field(description="Why the photo was refused (an error code of the single-photo route)")
    message: str | None = Field(description="What to change, in the language asked for (Accept-Language)")
    details: dict[str, Any] = Field(description="The measurements behind a refusal, e.g. face_px and min_face_px")
    face: Face | None


class EnrolmentBatch(View):
    results: list[EnrolmentResult]
    enrolled: int

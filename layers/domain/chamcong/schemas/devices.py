"""Lobby devices and the signed face crops they send."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chamcong.schemas.common import Body, Id, Name, Query, View


class CreateDevice(Body):
    name: Name
    unit_id: Id


class DevicesQuery(Query):
    unit_id: Id | None = Field(default=None, description="One unit; default: every unit in the caller's scope")


class Device(View):
    device_id: str
    name: str
    unit_id: str
    status: str
    created_at: str
    secret: str | None = Field(default=None, description="Shown once, in the registration response only")


class DeviceList(View):
    devices: list[Device]


class RecognitionRequest(Body):
    capture_id: Id = Field(description="Unique per device; retries reuse it")
    captured_at: str = Field(min_length=10, max_length=40,
                             description="ISO 8601 with offset, e.g. 2026-11-20T07:31:05+07:00")
    image_b64: str = Field(min_length=1, description="The face crop (JPEG or PNG), base64")


class RecognitionResponse(View):
    capture_id: str
    result: Literal["matched", "unknown", "no_face"]
    staff_id: str | None
    full_name: str | None
    similarity: float | None
    event: Literal["check_in", "check_out"] | None
    recorded: bool
    captured_at_local: str
    display_message: str = Field(description="What the lobby screen shows, in Vietnamese")

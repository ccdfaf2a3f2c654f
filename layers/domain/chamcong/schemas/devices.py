"""Lobby devices and the signed face crops they send."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from chamcong.schemas.common import Body, Id, Name, Query, View

# A passage's crops: the edge sends the sharpest, most frontal ones spread over the 2-second pause.
MAX_FRAMES = 3
# A box that booted in 1970 is 56 years off: the bound only keeps the number sane.
MAX_CLOCK_OFFSET_SECONDS = 100 * 365.25 * 86400
# A passage's clip: a few seconds of low-resolution video (WebM/VP8), a few hundred KB; refused above this.
MAX_CLIP_BYTES = 1024 * 1024
SHA256_HEX = r"^[0-9a-f]{64}$"


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
    image_b64: str | None = Field(default=None, min_length=1,
                                  description="One face crop (JPEG, PNG or WebP), base64. Give this or images_b64")
    images_b64: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None, min_length=1, max_length=MAX_FRAMES,
        description=f"1 to {MAX_FRAMES} crops of the same passage, base64; judged together as one capture")
    clock_offset_seconds: float | None = Field(
        default=None, ge=-MAX_CLOCK_OFFSET_SECONDS, le=MAX_CLOCK_OFFSET_SECONDS,
        description="Set when the device's clock was wrong (by more than 2 s): captured_at is the device's time "
                    "corrected by this many seconds (server time - device time, from the Date of the server's "
                    "answers). Stored with the event and the capture")
    clip_sha256: str | None = Field(
        default=None, pattern=SHA256_HEX,
        description="sha256 (hex) of the passage's clip, uploaded afterwards to PUT /v1/recognitions/{capture_id}/"
                    "clip: inside the signed body, so the server can prove the clip is the one the device recorded")

    @model_validator(mode="after")
    def _one_way_to_send_crops(self) -> RecognitionRequest:
        if (self.image_b64 is None) == (self.images_b64 is None):
            raise ValueError("give exactly one of image_b64 and images_b64")
        return self

    @property
    def crops_b64(self) -> list[str]:
        """The passage's crops, whichever way they were sent."""
        return list(self.images_b64) if self.images_b64 is not None else [str(self.image_b64)]


class RecognitionResponse(View):
    capture_id: str
    result: Literal["matched", "unknown", "no_face", "spoof_suspected"] = Field(
        description="spoof_suspected: the passage looks like a photo or a screen; nothing is recorded")
    staff_id: str | None
    full_name: str | None
    similarity: float | None
    event: Literal["check_in", "check_out"] | None
    recorded: bool
    frames: int = Field(default=1, description="How many of the crops sent showed a face and were judged")
    captured_at_local: str
    display_message: str = Field(description="What the lobby screen shows, in Vietnamese")


class ClipUpload(Body):
    clip_b64: str = Field(min_length=1,  # larger than MAX_CLIP_BYTES: 413 clip_too_large (service)
                          description=f"The passage's clip (WebM, at most {MAX_CLIP_BYTES} bytes), base64; its "
                                      "sha256 must be the clip_sha256 of the capture")


class ClipStored(View):
    capture_id: str
    clip_sha256: str
    size: int
    linked_to: Literal["event", "spoof", "unmatched", "none"] = Field(
        description="What the clip is evidence of: the event or spoof the capture recorded, an unmatched passage "
                    "(kept briefly), or nothing (no face, outside the windows: the clip is not kept)")

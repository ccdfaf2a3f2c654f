"""Lobby devices and the signed face crops they send."""

from __future__ import annotations

from typing import Any

from chamcong.http import DEVICE, RequestContext, Routes
from chamcong.schemas.devices import (
    ClipStored,
    ClipUpload,
    CreateDevice,
    Device,
    DeviceList,
    DevicesQuery,
    RecognitionRequest,
    RecognitionResponse,
)
from chamcong.services import clips, devices, recognition

routes = Routes("devices", "Thiết bị ở sảnh và nhận diện — lobby devices and recognitions")


@routes.route("/v1/devices", "POST", summary="Register a lobby device; the secret is shown once", auth="user",
              permission="devices:write", body=CreateDevice, response=Device, status=201, errors=("unit_not_found",))
def register_device(ctx: RequestContext) -> dict[str, Any]:
    return devices.register_device(ctx.container, ctx.access, ctx.body, ctx.source)


@routes.route("/v1/devices", "GET", summary="Lobby devices in the caller's scope (never their secrets)",
              auth="user", permission="devices:read", query=DevicesQuery, response=DeviceList,
              errors=("unit_not_found",))
def list_devices(ctx: RequestContext) -> dict[str, Any]:
    return devices.list_devices(ctx.access, ctx.query.unit_id)


@routes.route("/v1/devices/{device_id}/rotate", "POST", summary="Give a device a new secret (shown once; the old "
              "one stops working)", auth="user", permission="devices:write", response=Device,
              errors=("device_not_found", "device_revoked"))
def rotate_device(ctx: RequestContext, device_id: str) -> dict[str, Any]:
    return devices.rotate_device(ctx.container, ctx.access, device_id, ctx.source)


@routes.route("/v1/devices/{device_id}/revoke", "POST", summary="Revoke a device for good", auth="user",
              permission="devices:write", response=Device, errors=("device_not_found",))
def revoke_device(ctx: RequestContext, device_id: str) -> dict[str, Any]:
    return devices.revoke_device(ctx.container, ctx.access, device_id, ctx.source)


@routes.route("/v1/recognitions", "POST", summary="A signed face crop from a lobby device", auth="device",
              permission=DEVICE, body=RecognitionRequest, response=RecognitionResponse, vision=True,
              errors=("invalid_base64", "invalid_image", "image_too_large", "captured_at_in_future",
                      "captured_at_too_old", "capture_conflict"))
def recognise(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.device is not None
    return recognition.recognise(ctx.container, ctx.device, ctx.raw_body, ctx.body, ctx.watch)


@routes.route("/v1/recognitions/{capture_id}/clip", "PUT", summary="The clip of a passage, after its capture was "
              "answered: kept if its sha256 is the one the capture signed", auth="device", permission=DEVICE,
              body=ClipUpload, response=ClipStored,
              errors=("invalid_base64", "capture_not_found", "clip_mismatch", "clip_too_large", "invalid_clip"))
def upload_clip(ctx: RequestContext, capture_id: str) -> dict[str, Any]:
    assert ctx.device is not None
    return clips.store_clip(ctx.container, ctx.device, capture_id, ctx.body)

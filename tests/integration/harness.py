"""A fresh product on moto, driven through the real chalice app with its test client."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from chalice.test import Client
from moto import mock_aws

import app as api_module
from chamcong import device_signature
from chamcong.container import Container, set_container
from chamcong.services.auth import ensure_bootstrap_admin
from chamcong.settings import Settings
from infra.provision import provision

ADMIN_PASSWORD = "Quản-trị-2026!"
# What every account created in the tests chooses when it changes its temporary password.
OWN_PASSWORD = "Trà đá vỉa hè lúc năm giờ chiều"
# 07:40 in Ha Noi on Friday 20 November 2026: inside the check-in window.
DEFAULT_NOW = datetime(2026, 11, 20, 0, 40, tzinfo=UTC)


@dataclass
class FakeClock:
    now: datetime = DEFAULT_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Reply:
    status: int
    body: Any  # JSON parsed, else text, else (a binary file) None: see `raw`
    headers: dict[str, str]
    raw: bytes = b""  # the body as received


@dataclass
class Product:
    client: Client
    container: Container
    clock: FakeClock
    token: str = ""
    devices: dict[str, str] = field(default_factory=dict)  # device_id → secret

    def request(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
                headers: dict[str, str] | None = None, token: str | None = None) -> Reply:
        sent = dict(headers or {})
        if token is None:
            token = self.token
        if token:
            sent.setdefault("Authorization", f"Bearer {token}")
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        if data:
            sent.setdefault("Content-Type", "application/json")
        response = self.client.http.request(method, path, headers=sent, body=data)
        raw = response.body if isinstance(response.body, bytes) else response.body.encode()
        try:
            text = raw.decode()
        except UnicodeDecodeError:  # a binary file (an .xlsx)
            return Reply(response.status_code, None, dict(response.headers), raw)
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return Reply(response.status_code, parsed, dict(response.headers), raw)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.request("DELETE", path, **kwargs)

    # --- shortcuts for the admin's set-up ---------------------------------------------------------

    def unit(self, name: str = "Phòng Nội vụ", parent_id: str | None = None) -> str:
        reply = self.post("/v1/units", {"name": name, "parent_id": parent_id})
        assert reply.status == 201, reply.body
        return str(reply.body["unit_id"])

    def staff(self, full_name: str, unit_id: str) -> str:
        reply = self.post("/v1/staff", {"full_name": full_name, "unit_id": unit_id})
        assert reply.status == 201, reply.body
        return str(reply.body["staff_id"])

    def enrol(self, staff_id: str, photo: Path) -> Reply:
        return self.post(f"/v1/staff/{staff_id}/faces", {"image_b64": b64(photo.read_bytes())})

    def account(self, username: str, unit_id: str, *, staff_id: str | None = None,
                grants: list[dict[str, str | None]] | None = None, token: str | None = None) -> str:
        """Create an account through the API, sign in with its temporary password, change it; its token."""
        body: dict[str, Any] = {"username": username, "unit_id": unit_id, "staff_id": staff_id}
        if grants is not None:
            body["grants"] = grants
        created = self.post("/v1/accounts", body, token=token)
        assert created.status == 201, created.body
        first = self.post("/v1/auth/login", {"username": username, "password": created.body["temporary_password"]},
                          token="")
        assert first.status == 200 and first.body["must_change_password"], first.body
        changed = self.post("/v1/auth/password", {"current_password": created.body["temporary_password"],
                                                  "new_password": OWN_PASSWORD}, token=first.body["token"])
        assert changed.status == 200, changed.body
        return str(changed.body["token"])

    def device(self, unit_id: str, name: str = "Camera sảnh chính") -> tuple[str, str]:
        reply = self.post("/v1/devices", {"name": name, "unit_id": unit_id})
        assert reply.status == 201, reply.body
        self.devices[reply.body["device_id"]] = reply.body["secret"]
        return reply.body["device_id"], reply.body["secret"]

    def recognise(self, device_id: str, capture_id: str, image: bytes | list[bytes], captured_at: str,
                  *, secret: str | None = None, timestamp: int | None = None) -> Reply:
        """One crop as `image_b64`; a list of crops (a passage's frames) as `images_b64`."""
        crops = {"images_b64": [b64(crop) for crop in image]} if isinstance(image, list) else {"image_b64": b64(image)}
        body = json.dumps({"capture_id": capture_id, "captured_at": captured_at, **crops}).encode()
        return self.signed_post("/v1/recognitions", body, device_id, secret=secret, timestamp=timestamp)

    def signed_post(self, path: str, body: bytes, device_id: str, *, secret: str | None = None,
                    timestamp: int | None = None) -> Reply:
        stamp = int(self.clock().timestamp()) if timestamp is None else timestamp
        headers = device_signature.signed_headers(device_id, secret or self.devices[device_id], stamp, body)
        return self.post(path, raw=body, headers=headers, token="")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@contextmanager
def running_product(models_dir: Path, cache_dir: Path, monkeypatch: Any) -> Iterator[Product]:
    monkeypatch.setenv("EMBEDDING_MODEL", "mobilefacenet_128d")
    monkeypatch.setenv("MODEL_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("AWS_REGION", "ap-southeast-1")
    monkeypatch.setenv("STRICT_CONTRACT", "true")  # an answer outside a route's declared contract fails the test
    if not os.environ.get("EVIDENCE_LOCAL_KEY"):  # evidence bundles are signed with a key of the test's own
        monkeypatch.setenv("EVIDENCE_LOCAL_KEY", str(cache_dir / "evidence-signing-key.pem"))
    with mock_aws():
        settings = Settings()
        provision(boto3.session.Session(), settings, models_dir)
        clock = FakeClock()
        container = Container(settings, clock=clock)
        set_container(container)
        ensure_bootstrap_admin(ADMIN_PASSWORD)
        try:
            with Client(api_module.app) as client:
                product = Product(client, container, clock)
                login = product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
                assert login.status == 200, login.body
                product.token = login.body["token"]
                yield product
        finally:
            set_container(None)

"""Integration clients (the e-office system): created, rotated and revoked like lobby devices, all audited.

A client's key is `{client_id}.{secret}` (secret: 256 random bits), shown once; only its SHA-256 is stored
(see `IntegrationClientModel` for why a fast hash is the right one for a random key). The key names its
client, so authenticating a call is one consistent read.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Conflict, NotFound, Unauthenticated
from chamcong.schemas.common import ID_PATTERN
from chamcong.schemas.tasks import CreateIntegration
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.units import get_unit
from chamcong.store.models.tasks import CLIENTS_PARTITION, IntegrationClientModel

SCHEME = "apikey"
_ID = re.compile(ID_PATTERN)
_SECRET = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key(client_id: str) -> str:
    return f"{client_id}.{secrets.token_urlsafe(32)}"


def client_view(client: IntegrationClientModel) -> dict[str, Any]:
    return {"client_id": client.client_id, "name": client.name, "unit_id": client.unit_id_of_client,
            "status": client.status, "created_at": iso(client.created_at), "created_by": client.created_by,
            "rotated_at": iso(client.rotated_at) if client.rotated_at else None}


def create_client(container: Container, access: Access, body: CreateIntegration, source: Source) -> dict[str, Any]:
    get_unit(body.unit_id)
    access.require_unit("integrations:write", body.unit_id)
    client_id = new_id("int")
    key = _new_key(client_id)
    client = IntegrationClientModel(CLIENTS_PARTITION, client_id, name=body.name, unit_id_of_client=body.unit_id,
                                    key_sha256=key_hash(key), created_at=container.clock(),
                                    created_by=access.username)
    audit.write(container, audit.entry(container.clock(), access.username, "integration.create",
                                       unit_id=body.unit_id, subject=client_id, details={"name": body.name},
                                       source=source),
                ("save", client, {"condition": IntegrationClientModel.entry_key.does_not_exist()}))
    return {**client_view(client), "key": key}


def list_clients(access: Access, unit_id: str | None) -> dict[str, Any]:
    if unit_id is not None:
        get_unit(unit_id)
        access.require_unit("integrations:read", unit_id)
    visible = access.visible_units("integrations:read")
    found = [client for client in IntegrationClientModel.query(CLIENTS_PARTITION)
             if (unit_id is None or client.unit_id_of_client == unit_id)
             and (visible is None or client.unit_id_of_client in visible)]
    return {"integrations": [client_view(client) for client in
                             sorted(found, key=lambda c: (c.unit_id_of_client, c.name, c.client_id))]}


def find_client(client_id: str) -> IntegrationClientModel | None:
    try:
        return IntegrationClientModel.get(CLIENTS_PARTITION, client_id, consistent_read=True)
    except DoesNotExist:
        return None


def _client(access: Access, client_id: str) -> IntegrationClientModel:
    client = find_client(client_id)
    if client is None:
        raise NotFound("integration_not_found")
    access.require_unit("integrations:write", client.unit_id_of_client)
    return client


def rotate_client(container: Container, access: Access, client_id: str, source: Source) -> dict[str, Any]:
    """A new key, shown once; the old one stops working at once."""
    client = _client(access, client_id)
    if client.status != "active":
        raise Conflict("integration_revoked")
    key = _new_key(client_id)
    now = container.clock()
    audit.write(container, audit.entry(now, access.username, "integration.rotate",
                                       unit_id=client.unit_id_of_client, subject=client_id, source=source),
                ("update", client, {"actions": [IntegrationClientModel.key_sha256.set(key_hash(key)),
                                                IntegrationClientModel.rotated_at.set(now)],
                                    "condition": IntegrationClientModel.status == "active"}))
    client.refresh(consistent_read=True)
    return {**client_view(client), "key": key}


def revoke_client(container: Container, access: Access, client_id: str, source: Source) -> dict[str, Any]:
    """A revoked client is refused at once and for good; the tasks it posted stay."""
    client = _client(access, client_id)
    if client.status != "revoked":
        audit.write(container, audit.entry(container.clock(), access.username, "integration.revoke",
                                           unit_id=client.unit_id_of_client, subject=client_id, source=source),
                    ("update", client, {"actions": [IntegrationClientModel.status.set("revoked")],
                                        "condition": IntegrationClientModel.entry_key.exists()}))
        client.refresh(consistent_read=True)
    return client_view(client)


def authenticate_client(authorization: str | None) -> IntegrationClientModel:
    """The client behind `Authorization: ApiKey <key>`; 401 for anything missing, unknown, wrong or revoked."""
    scheme, _, key = (authorization or "").strip().partition(" ")
    key = key.strip()
    if scheme.lower() != SCHEME or not key:
        raise Unauthenticated("missing_api_key")
    client_id, _, secret = key.partition(".")
    if not _ID.match(client_id) or not _SECRET.match(secret):
        raise Unauthenticated("invalid_api_key")
    client = find_client(client_id)
    if client is None or not hmac.compare_digest(client.key_sha256, key_hash(key)):
        raise Unauthenticated("invalid_api_key")
    if client.status != "active":
        raise Unauthenticated("api_key_revoked")
    return client

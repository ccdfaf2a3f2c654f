"""The OpenAPI document the API serves is a valid OpenAPI document (no server needed: it is built from the routes)."""

from __future__ import annotations

import json

from openapi_spec_validator import validate

import app  # functions/api/app.py


def test_the_served_openapi_document_is_valid() -> None:
    # What GET /v1/openapi.json answers, through JSON as it goes over the device_signature.
    document = json.loads(json.dumps(app.api.openapi("Chấm công khuôn mặt — HTTP API", "1.0")))
    validate(document)

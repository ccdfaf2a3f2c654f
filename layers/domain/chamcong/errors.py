"""Domain errors: each carries a stable code; its HTTP status comes from the catalogue (`chamcong.messages`).

The subclasses say at the raise site what kind of refusal it is; the catalogue is the one place that decides
the status a code is answered with (a code missing from it is answered with the class's status).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "validation_error"

    def __init__(self, code: str | None = None, *, details: dict[str, Any] | None = None,
                 status: int | None = None, params: dict[str, str | tuple[str, str]] | None = None) -> None:
        self.code = code or type(self).code
        self.details = details or {}
        # Values filled into the message ("whom to contact"); a (Vietnamese, English) pair where wording differs.
        self.params = params or {}
        from chamcong.messages import CATALOGUE  # here, not at import: the catalogue imports the rules

        entry = CATALOGUE.get(self.code)
        if status is not None:
            self.status = status
        elif entry is not None:
            self.status = entry.status
        super().__init__(self.code)


class BadRequest(DomainError):
    status = 400


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class Unprocessable(DomainError):
    """The request was well formed but the content cannot be accepted (e.g. a poor face photo)."""

    status = 422

"""What every table model shares."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def lost_condition(exc: Exception) -> bool:
    """True when DynamoDB refused a write because its condition (or a transaction's) did not hold."""
    return getattr(exc, "cause_response_code", None) in {"ConditionalCheckFailedException",
                                                          "TransactionCanceledException"}

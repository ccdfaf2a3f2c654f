"""What every table model shares."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import JSONAttribute


def utcnow() -> datetime:
    return datetime.now(UTC)


def lost_condition(exc: Exception) -> bool:
    """True when DynamoDB refused a write because its condition (or a transaction's) did not hold."""
    return getattr(exc, "cause_response_code", None) in {"ConditionalCheckFailedException",
                                                          "TransactionCanceledException"}


class CompactJSONAttribute(JSONAttribute):
    """JSON as DynamoDB bills it: UTF-8 as is (pynamodb's JSONAttribute writes "đ" as six bytes, "\\u0111") and no
    spaces. A write costs one unit per KB started: this keeps a capture's record within one."""

    def serialize(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

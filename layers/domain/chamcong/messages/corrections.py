"""Corrections of a person's day. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "own_correction": Message(
        403,
        'Không thể tự điều chỉnh ngày công của chính mình.',
        'You cannot correct your own day.',
    ),
    "correction_in_future": Message(
        422,
        'Không thể điều chỉnh một ngày chưa tới.',
        'A day that has not come cannot be corrected.',
    ),
}

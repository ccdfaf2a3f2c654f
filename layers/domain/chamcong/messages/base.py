"""One entry of the error catalogue."""

from __future__ import annotations

from typing import NamedTuple


class Message(NamedTuple):
    status: int  # the HTTP status every answer with this code carries
    vi: str
    en: str

"""What stops the uploader from starting: a machine-readable code and a plain message (exit code 2)."""

from __future__ import annotations


class EdgeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ConfigError(EdgeError):
    """A setting is missing or wrong."""


class SourceError(EdgeError):
    """The camera, stream, file or folder cannot be used."""


class DisplayError(EdgeError):
    """The display target cannot be used."""

"""What stops the uploader from starting: a machine-readable code and a plain message (exit code 2).

The exit codes live here too, so the command line can answer ``--help`` and refuse a bad setting
without importing OpenCV (which the runner needs).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNDELIVERED = 1   # --once: captures still waiting in the queue when the drain timed out
EXIT_USAGE = 2         # bad configuration or source
EXIT_REJECTED = 3      # --once: the server refused captures for good (moved aside), or the full queue dropped some


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

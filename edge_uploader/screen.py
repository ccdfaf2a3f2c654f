"""``--screen HOST:PORT``: the lobby screen's data and page, served by the uploader (standard library only).

``GET /screen.json`` answers what the ``--display`` output shows now (view.py's ``screen_state``, with the time
it last changed); any other GET path is a file of the screen folder (``--screen-files``, by default the
``screen/`` folder ``make edge`` writes beside the uploader: web/lobby.html and what it loads), ``/`` being
lobby.html. Only text, script, style, font and vector files are served: never a camera frame or a face crop,
even if one were written into that folder. Every other method is refused.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from edge_uploader.errors import ConfigError

log = logging.getLogger("edge_uploader.screen")

INDEX = "lobby.html"
# What the folder may serve; raster images (a frame, a crop) are not in it.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
# A static kiosk page on the office network: the site's policy (no inline script, nothing from elsewhere),
# without HSTS (plain HTTP on a closed network) and without the camera (the page only reads /screen.json).
SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
        "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
MAX_FILE_BYTES = 5 * 1024 * 1024
NOT_FOUND = json.dumps({"code": "not_found", "message": "Không tìm thấy. (Not found.)"}, ensure_ascii=False).encode()
NOT_ALLOWED = json.dumps({"code": "method_not_allowed", "message": "Chỉ hỗ trợ GET. (Only GET is allowed.)"},
                         ensure_ascii=False).encode()


def parse_address(value: str) -> tuple[str, int]:
    """"HOST:PORT" ("127.0.0.1:8080", "0.0.0.0:8080", "[::1]:8080", "localhost:8080") → (host, port)."""
    host, sep, port_text = value.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port_text.isdigit() or any(char in host for char in "/ []@?#"):
        raise ConfigError("config_invalid", "screen must be HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080")
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ConfigError("config_invalid", "screen's port must be between 1 and 65535")
    return host, port


class ScreenBoard:
    """The latest screen state, written by the runner's main loop and read by the server's threads."""

    def __init__(self, now: datetime) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, Any] = {"state": "idle", "text": "", "name": None, "message": None, "result": None,
                                       "updated_at": now.isoformat(timespec="milliseconds")}

    def update(self, state: dict[str, Any], now: datetime) -> None:
        """A new state; `updated_at` moves only when what the screen says changes."""
        with self._lock:
            if any(self._state[key] != value for key, value in state.items()):
                self._state = {**state, "updated_at": now.isoformat(timespec="milliseconds")}

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._state)


class ScreenServer:
    def __init__(self, board: ScreenBoard, host: str, port: int, files: Path) -> None:
        self.board = board
        self.files = files
        handler = type("Handler", (_Handler,), {"screen": self})
        try:
            self.httpd = ThreadingHTTPServer((host, port), handler)
        except OSError as error:
            raise ConfigError("screen_unavailable", f"cannot listen on {host}:{port} for the screen: "
                                                    f"{error.strerror}") from error
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        if not (self.files / INDEX).is_file():
            log.warning("no lobby page in the screen folder: only /screen.json is served", extra={"fields": {
                "event": "screen_files_missing", "folder": str(self.files)}})
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="screen", daemon=True)
        self._thread.start()
        host, port = self.address
        log.info("lobby screen served", extra={"fields": {"event": "screen_started", "url": f"http://{host}:{port}/"}})

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(2)

    def file_for(self, url_path: str) -> Path | None:
        """The file of the screen folder a URL path names, or None (outside it, hidden, or not a served kind)."""
        relative = unquote(url_path).lstrip("/") or INDEX
        parts = Path(relative).parts
        if "\\" in relative or "\x00" in relative or any(part.startswith(".") for part in parts):
            return None
        root = self.files.resolve()
        candidate = (root / relative).resolve()
        if (not candidate.is_relative_to(root) or not candidate.is_file()
                or candidate.suffix.lower() not in CONTENT_TYPES or candidate.stat().st_size > MAX_FILE_BYTES):
            return None
        return candidate


class _Handler(BaseHTTPRequestHandler):
    screen: ScreenServer
    server_version = "chamcong-edge-screen"
    sys_version = ""

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/screen.json":
            body = json.dumps(self.screen.board.snapshot(), ensure_ascii=False).encode()
            self._send(HTTPStatus.OK, "application/json; charset=utf-8", body)
            return
        found = self.screen.file_for(path)
        if found is None:
            self._send(HTTPStatus.NOT_FOUND, "application/json; charset=utf-8", NOT_FOUND)
            return
        self._send(HTTPStatus.OK, CONTENT_TYPES[found.suffix.lower()], found.read_bytes())

    def _refuse(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "application/json; charset=utf-8", NOT_ALLOWED, allow=True)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # HEAD, POST, PUT, DELETE, OPTIONS, any other method: only GET is served
            return self._refuse
        raise AttributeError(name)

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, allow: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        if allow:
            self.send_header("Allow", "GET")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("screen request", extra={"fields": {"event": "screen_request", "line": format % args}})

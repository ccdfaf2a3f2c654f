"""The officials' web site (`web/`): what it is served with, here and behind CloudFront.

The local stack serves `web/` at `/` beside the API (`/v1/...`) with these headers; `template.yaml`'s
ResponseHeadersPolicy sets the same ones in AWS (a template test holds the two together).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WEB_DIR = REPO / "web"
# What `make web` installs from web/package-lock.json and copies here (git-ignored): the site's only third-party code.
VENDOR_DIR = WEB_DIR / "vendor"
# Files of web/ that are not part of the site.
NOT_SERVED = ("node_modules", "package.json", "package-lock.json", "README.md")


def content_security_policy(evidence_origin: str) -> str:
    """No inline script or style, nothing from elsewhere but the evidence photos (short-lived S3 links)."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: blob: {evidence_origin}",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(evidence_origin: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(evidence_origin),
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # The enrolment page may use the device camera; nothing else may.
        "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    }


CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json; charset=utf-8",
}


def content_type(path: Path) -> str | None:
    """None: not a kind of file the site serves."""
    return CONTENT_TYPES.get(path.suffix.lower())


def site_file(url_path: str, web_dir: Path = WEB_DIR) -> Path | None:
    """The file of web/ a URL path names (`/` is index.html), or None when it names nothing servable."""
    relative = url_path.split("?", 1)[0].split("#", 1)[0].lstrip("/") or "index.html"
    if relative.endswith("/"):
        relative += "index.html"
    parts = Path(relative).parts
    if not parts or parts[0] in NOT_SERVED or any(part.startswith(".") or part == ".." for part in parts):
        return None
    candidate = (web_dir / relative).resolve()
    if not candidate.is_relative_to(web_dir.resolve()) or not candidate.is_file() or content_type(candidate) is None:
        return None
    return candidate


def site_files(web_dir: Path = WEB_DIR) -> dict[str, Path]:
    """Every file of the site: its URL path without the leading slash (the object key in the site bucket) → the file.
    Exactly what `site_file` serves, nothing under node_modules or hidden folders."""
    files: dict[str, Path] = {}
    for folder, subfolders, names in os.walk(web_dir):
        directory = Path(folder)
        subfolders[:] = sorted(d for d in subfolders
                               if not d.startswith(".") and not (directory == web_dir and d in NOT_SERVED))
        for name in sorted(names):
            key = (directory / name).relative_to(web_dir).as_posix()
            served = site_file(key, web_dir)
            if served is not None:
                files[key] = served
    return files

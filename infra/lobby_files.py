"""`make edge`: copy the lobby page (web/lobby.html) and the files it loads into the edge uploader's screen folder.

python -m infra.lobby_files DEST [--web-dir DIR]

Follows what the page loads — `src`/`href` in HTML, `import … from "./x.js"`, `import("./x.js")` and
`export … from` in scripts, `url(…)` and `@import` in stylesheets — as far as it stays inside web/ and is a file
the site serves (infra/site.py: `site_file`). Other origins, data: URLs and absolute paths the edge does not
serve (/v1/…) are left alone. Without web/lobby.html it copies nothing and says so (exit 0): the page is
optional, the uploader then serves only /screen.json.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from infra.site import WEB_DIR, site_file

PAGE = "lobby.html"
_HTML_REFERENCES = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)
_JS_REFERENCES = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(?:"([^"]+)"|'([^']+)')""")
_CSS_REFERENCES = re.compile(r"""url\(\s*(?:"([^"]+)"|'([^']+)'|([^)\s]+))\s*\)|@import\s+(?:"([^"]+)"|'([^']+)')""")


def references(key: str, text: str) -> list[str]:
    """The site paths (keys relative to web/) a page, script or stylesheet at `key` loads."""
    suffix = Path(key).suffix.lower()
    pattern = {".html": _HTML_REFERENCES, ".js": _JS_REFERENCES, ".mjs": _JS_REFERENCES,
               ".css": _CSS_REFERENCES}.get(suffix)
    if pattern is None:
        return []
    found = []
    for match in pattern.finditer(text):
        target = next(group for group in match.groups() if group)
        target = target.split("#", 1)[0].split("?", 1)[0]
        if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("//"):
            continue  # another origin, data:, mailto:…
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(key), target))
        if resolved and not resolved.startswith(".."):
            found.append(resolved)
    return found


def lobby_files(web_dir: Path = WEB_DIR) -> dict[str, Path]:
    """lobby.html and everything it loads, transitively: key → file. Empty without the page."""
    files: dict[str, Path] = {}
    pending = [PAGE]
    while pending:
        key = pending.pop()
        if key in files:
            continue
        path = site_file(key, web_dir)
        if path is None:
            continue  # not a file of the site (an API path, a missing file): nothing to copy
        files[key] = path
        pending.extend(references(key, path.read_text(encoding="utf-8", errors="replace")))
    return files


def copy_lobby(destination: Path, web_dir: Path = WEB_DIR) -> list[str]:
    files = lobby_files(web_dir)
    for key, path in files.items():
        target = destination / key
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return sorted(files)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.lobby_files",
                                     description="Copy web/lobby.html and what it loads for the edge uploader.")
    parser.add_argument("destination", help="the screen folder to fill (e.g. out/edge/screen)")
    parser.add_argument("--web-dir", default=str(WEB_DIR))
    args = parser.parse_args(argv)
    web_dir = Path(args.web_dir)
    copied = copy_lobby(Path(args.destination), web_dir)
    if not copied:
        print(f"no {web_dir / PAGE} yet: the uploader's --screen will serve only /screen.json")
        return 0
    print(f"lobby screen: {len(copied)} file(s) copied to {args.destination}: {', '.join(copied)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

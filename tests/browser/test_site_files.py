"""The site's files as written: one catalogue with both languages, no HTML built from strings, the API's words."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from chamcong.messages.attendance import DAY_STATUS_LABELS
from chamcong.password_policy import MAX_LENGTH, MIN_LENGTH

WEB = Path(__file__).resolve().parents[2] / "web"
SCRIPTS = sorted(p for p in (WEB / "js").rglob("*.js"))


def code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of a script that are code (comments left out: they may name what is forbidden)."""
    return [(number, line) for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if not line.lstrip().startswith(("//", "/*", "*"))]


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict[str, str]]:
    """The catalogue as the browser assembles it (js/messages/index.js run by Node; it fails on a duplicate key)."""
    script = ("import(process.argv[1]).then(m => process.stdout.write(JSON.stringify(m.catalogue)))"
              ".catch(e => { console.error(String(e)); process.exit(1); })")
    done = subprocess.run(["node", "--input-type=module", "-e", script,  # noqa: S607 - the machine's Node.js
                           (WEB / "js" / "messages" / "index.js").as_uri()], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_every_message_has_vietnamese_and_english(catalogue: dict[str, dict[str, str]]) -> None:
    missing = [key for key, entry in catalogue.items() if not entry.get("vi") or not entry.get("en")]
    assert missing == []
    placeholders = [key for key, entry in catalogue.items()
                    if set(re.findall(r"\{(\w+)\}", entry["vi"])) != set(re.findall(r"\{(\w+)\}", entry["en"]))]
    assert placeholders == [], "the two languages name different {placeholders}"


def test_every_message_a_script_asks_for_exists(catalogue: dict[str, dict[str, str]]) -> None:
    asked = {(path.name, key) for path in SCRIPTS for _, line in code_lines(path)
             for key in re.findall(r"\bt\(\s*'([a-z0-9_.]+)'", line)}
    assert asked, "no t('…') calls found: the pattern is out of date"
    assert sorted((name, key) for name, key in asked if key not in catalogue) == []


def test_no_script_builds_html_from_strings() -> None:
    """Everything from the API becomes text nodes (js/dom.js); nothing is parsed as HTML."""
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(")
    offenders = [f"{path.relative_to(WEB)}:{number}" for path in SCRIPTS
                 for number, line in code_lines(path) if forbidden.search(line)]
    assert offenders == []


def test_no_inline_script_or_style_in_the_pages() -> None:
    """The Content-Security-Policy forbids them; a page that had one would silently break."""
    for page in WEB.rglob("*.html"):
        if "node_modules" in page.parts or "vendor" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), page
        assert "<style" not in text and " style=" not in text and re.search(r"\son\w+=", text) is None, page


def test_day_statuses_read_as_in_the_reports(catalogue: dict[str, dict[str, str]]) -> None:
    for status, (vi, en) in DAY_STATUS_LABELS.items():
        assert catalogue[f"status.{status}"] == {"vi": vi, "en": en}


def test_the_password_rules_shown_are_the_ones_enforced() -> None:
    page = (WEB / "js" / "pages" / "password.js").read_text(encoding="utf-8")
    assert f"PASSWORD_MIN_LENGTH = {MIN_LENGTH};" in page and f"PASSWORD_MAX_LENGTH = {MAX_LENGTH};" in page


def test_third_party_code_is_pinned_in_the_lock_file() -> None:
    lock = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))
    package = json.loads((WEB / "package.json").read_text(encoding="utf-8"))
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned to one version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version

"""`make edge` copies the lobby page and what it loads, nothing else, into the uploader's screen folder."""

from __future__ import annotations

from pathlib import Path

from infra.lobby_files import copy_lobby, main


def _web(root: Path, files: dict[str, str]) -> Path:
    web = root / "web"
    for name, text in files.items():
        path = web / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return web


def test_the_lobby_page_and_what_it_loads_are_copied_and_nothing_else(tmp_path: Path) -> None:
    # GIVEN a site whose lobby page loads a stylesheet, a module that imports others, and things not to copy
    web = _web(tmp_path, {
        "lobby.html": '<!doctype html><link rel="stylesheet" href="css/lobby.css?v=2">'
                      '<script type="module" src="./js/lobby.js"></script>'
                      '<script src="https://cdn.example.com/x.js"></script><a href="/v1/me">me</a>'
                      '<img src="data:image/png;base64,AAAA"><link rel="icon" href="/favicon.svg">',
        "css/lobby.css": "@import 'fonts.css'; body { background: url(../img/bg.svg) }",
        "css/fonts.css": "@font-face { src: url('../vendor/font.woff2') }",
        "js/lobby.js": 'import { t } from "./i18n.js";\nimport("../vendor/clock.js");\nexport * from "./x.js";',
        "js/i18n.js": "export const t = 1;",
        "js/x.js": "export const y = 2; import '../../../etc/passwd';",
        "vendor/clock.js": "", "vendor/font.woff2": "", "img/bg.svg": "<svg/>", "favicon.svg": "<svg/>",
        "index.html": "<script src=app.js></script>", "app.js": "", "js/unrelated.js": "",
        "node_modules/x/index.js": "",
    })
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root")
    # WHEN make edge copies it
    destination = tmp_path / "out" / "screen"
    copied = copy_lobby(destination, web)
    # THEN exactly the page and what it loads, transitively, are there, in the same layout
    expected = ["css/fonts.css", "css/lobby.css", "favicon.svg", "img/bg.svg", "js/i18n.js", "js/lobby.js", "js/x.js",
                "lobby.html", "vendor/clock.js", "vendor/font.woff2"]
    assert copied == expected
    assert sorted(p.relative_to(destination).as_posix() for p in destination.rglob("*") if p.is_file()) == expected
    assert (destination / "js" / "lobby.js").read_text() == (web / "js" / "lobby.js").read_text()


def test_without_a_lobby_page_nothing_is_copied_and_the_build_goes_on(tmp_path: Path) -> None:
    web = _web(tmp_path, {"index.html": "<p>site</p>"})
    assert main([str(tmp_path / "screen"), "--web-dir", str(web)]) == 0
    assert not (tmp_path / "screen").exists()

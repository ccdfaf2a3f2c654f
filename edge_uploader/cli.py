"""python -m edge_uploader: run beside the lobby camera; ``queue``: look into the queue; ``send``: post one photo.

Only the running uploader needs OpenCV, numpy, requests and pillow: they are imported when it starts, so
``--help``, a configuration error, ``queue`` and ``send`` work on a box where ``pip install -r
requirements.txt`` has not been run yet.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType, ModuleType

from edge_uploader import config as settings
from edge_uploader import logs
from edge_uploader.errors import EXIT_OK, EXIT_USAGE, EdgeError
from edge_uploader.queue import CaptureQueue

PROG = "python -m edge_uploader"

DESCRIPTION = """\
Runs beside the lobby camera: finds faces with YuNet, follows each person, and when they pause sends up
to 3 face crops of that passage as one capture, signed with the device secret, to POST /v1/recognitions.
Every capture is written to a local SQLite queue before it is sent and leaves it only when the server has
answered, so nothing is lost when the network, the API or this program stops.

Settings come from a TOML file (--config), then EDGE_* environment variables, then these flags.
The device secret: EDGE_DEVICE_SECRET, device_secret in the file, or --device-secret-file.
"""
EPILOG = """\
exit codes: 0 done (or stopped by SIGTERM/Ctrl-C); 1 --once: captures still waiting when the drain timed
out (they stay queued); 2 bad configuration; 3 --once: the server refused captures for good (moved aside),
or the queue was full and refused new ones.

{prog} queue [--queue-path P] [--json] [--requeue-rejected]
    shows what is waiting, what was refused and why; --requeue-rejected gives refused captures another try.
{prog} send --image PHOTO.jpg [--image B.jpg --image C.jpg] [--at HH:MM | --captured-at ISO] [--capture-id ID]
    posts 1 to 3 photos as one capture, signed with the device secret, and prints the server's answer.
"""


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    # allow_abbrev=False: "--device-secret" must not be taken for an abbreviation of --device-secret-file
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, epilog=EPILOG.format(prog=prog),
                                     formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    parser.add_argument("--once", action="store_true",
                        help="process the file or folder to the end, deliver the queue, exit (see exit codes)")
    settings.refuse_secret_flag(parser)
    settings.add_arguments(parser)
    return parser


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """``prog`` is how the usage names this program: the zipapp passes its own file name."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["queue"]:
        return queue_command(argv[1:], prog=f"{prog} queue")
    if argv[:1] == ["send"]:
        from edge_uploader import send

        return send.main(argv[1:], prog=f"{prog} send")
    args = build_parser(prog).parse_args(argv)
    try:
        config = settings.load(args)
        logs.setup(config.log_level)
        runner = _import_runner()
        uploader = runner.Uploader(config, once=args.once)
    except EdgeError as error:
        print(f"edge_uploader: error [{error.code}]: {error}", file=sys.stderr)
        return EXIT_USAGE
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        return int(uploader.run(stop))
    except EdgeError as error:  # a video file that turns out unreadable
        print(f"edge_uploader: error [{error.code}]: {error}", file=sys.stderr)
        return EXIT_USAGE


def _import_runner() -> ModuleType:
    """The uploader proper, with OpenCV, numpy, requests and pillow: imported once the settings are known good."""
    try:
        from edge_uploader import runner
    except ImportError as error:
        if (error.name or "").split(".")[0] in ("edge_uploader", "chamcong"):
            raise  # our own code is broken: the traceback is what helps
        reason = " ".join(str(error).split())
        raise EdgeError("requirements_missing", f"{reason}: install the uploader's requirements first, "
                                                "pip install -r requirements.txt") from error
    return runner


def queue_command(argv: list[str], prog: str = f"{PROG} queue") -> int:
    parser = argparse.ArgumentParser(prog=prog,
                                     description="What waits in the local queue, and what the server refused.")
    parser.add_argument("--queue-path", help="the queue file (env EDGE_QUEUE_PATH; default edge-queue.sqlite3)")
    parser.add_argument("--config", help="TOML file to take queue_path from")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--requeue-rejected", action="store_true", help="send the refused captures again")
    parser.add_argument("--last", type=int, default=10, help="show the last N delivered captures (default 10)")
    args = parser.parse_args(argv)
    if args.last < 0:
        parser.error("--last must not be negative")
    path = _queue_path(args)
    if not path.is_file():
        print(f"edge_uploader: error [queue_not_found]: no queue at {path}", file=sys.stderr)
        return EXIT_USAGE
    queue = CaptureQueue(path)
    try:
        if args.requeue_rejected:
            print(f"{queue.requeue_rejected()} refused capture(s) queued again")
        counts = queue.counts()
        waiting, rejected = queue.waiting(), queue.rejections()
        if args.json:
            print(json.dumps({"waiting": waiting, "rejected": rejected, "delivered": counts.delivered,
                              "clips_waiting": counts.clips},
                             ensure_ascii=False, indent=2))
            return EXIT_OK
        print(f"{path}: {counts.pending} waiting, {counts.delivered} delivered (journal), {counts.rejected} refused, "
              f"{counts.clips} clip(s) waiting")
        for row in waiting:
            print(f"  waiting  {row['capture_id']}  {row['captured_at']}  attempts {row['attempts']}"
                  f"  {row['last_error'] or ''}")
        for row in rejected:
            print(f"  refused  {row['capture_id']}  {row['captured_at']}  HTTP {row['status']} {row['code'] or ''}"
                  f"  {row['reason'] or ''}")
        for row in queue.journal()[-args.last:] if args.last else []:
            recorded = "recorded" if row["recorded"] else "not recorded"
            corrected = f", box clock corrected by {row['clock_offset']:+.0f} s" if row["clock_offset"] else ""
            corrected += f", clip {row['clip']}" if row["clip"] else ""
            print(f"  sent     {row['capture_id']}  {row['captured_at']}  {row['result']} {row['event'] or ''} "
                  f"({recorded}, {row['attempts']} attempt{'s' if row['attempts'] != 1 else ''}{corrected})")
        return EXIT_OK
    finally:
        queue.close()


def _queue_path(args: argparse.Namespace) -> Path:
    import os
    import tomllib

    if args.queue_path:
        return Path(args.queue_path)
    if os.environ.get("EDGE_QUEUE_PATH"):
        return Path(os.environ["EDGE_QUEUE_PATH"])
    config_file = args.config or os.environ.get("EDGE_CONFIG")
    if config_file and Path(config_file).is_file():
        value = tomllib.loads(Path(config_file).read_text(encoding="utf-8")).get("queue_path")
        if value:
            return Path(str(value))
    return Path("edge-queue.sqlite3")

"""`make serve`: the whole product on this machine. moto server stands in for AWS (in a child process); the chalice
app is real.

python -m infra.local_stack serve [--port 8000] [--models-dir DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalGatewayException

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODELS_DIR = REPO.parent / "shared" / "models"
LOCAL_EMBEDDING_MODEL = "mobilefacenet_128d"  # SFace cannot be fetched here; see MODELS.md
API_BACKLOG = 128  # connections waiting to be accepted by the local API server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def local_environment(moto_port: int, out_dir: Path, site_url: str = "") -> dict[str, str]:
    """What the functions would get from the template, pointed at moto; `site_url`: where the site is served
    (here the API's own address: the same origin serves both), for the links in the daily report e-mails."""
    return {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
        "AWS_REGION": "ap-southeast-1",
        "AWS_DEFAULT_REGION": "ap-southeast-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "EMBEDDING_MODEL": os.environ.get("EMBEDDING_MODEL", LOCAL_EMBEDDING_MODEL),
        "MODEL_CACHE_DIR": str(out_dir / "model-cache"),
        "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
        # Every e-mail the local stack sends through (moto's) SES is also written here, to open and read.
        "MAIL_COPY_DIR": str(out_dir / "mail"),
        "SITE_URL": site_url,
        # Evidence bundles are signed here with a local P-256 key (created on first use; deployed: a KMS key).
        "EVIDENCE_LOCAL_KEY": str(out_dir / "evidence-signing-key.pem"),
        "DEPLOYMENT_NAME": "chamcong-local",
        # An answer outside a route's declared contract is a 500 here, so it is seen (deployed: logged, counted).
        "STRICT_CONTRACT": os.environ.get("STRICT_CONTRACT", "true"),
        # Metrics are CloudWatch's business; on this machine they would only fill the terminal.
        "POWERTOOLS_METRICS_DISABLED": os.environ.get("POWERTOOLS_METRICS_DISABLED", "true"),
    }


class _ApiHandler(ChaliceRequestHandler):
    """Chalice's local server, answering an unknown route as the deployed API Gateway does (see template.yaml).

    Chalice answers 403 "Missing Authentication Token" where API Gateway's configured response is a JSON 404.
    """

    quiet = False
    # The answer's headers and body leave in two writes; with Nagle's algorithm the body waits for the client's
    # delayed ACK of the headers (40 ms on Linux) on every kept-alive request. API Gateway has no such wait.
    disable_nagle_algorithm = True

    def _send_error_response(self, error: LocalGatewayException) -> None:
        if isinstance(error, ForbiddenError):
            from chamcong.http import REQUEST_ID_HEADER, error_body, negotiate_language

            body = error_body("not_found", negotiate_language(self.headers.get("accept-language")))
            self._send_http_response(404, {"Content-Type": "application/json; charset=utf-8",
                                           REQUEST_ID_HEADER: uuid.uuid4().hex},
                                     json.dumps(body, ensure_ascii=False).encode())
            return
        super()._send_error_response(error)

    def do_GET(self) -> None:
        if not self._send_site_file(head=False):
            self._generic_handle()

    def do_HEAD(self) -> None:
        if not self._send_site_file(head=True):
            self._generic_handle()

    def _send_site_file(self, head: bool) -> bool:
        """The web site at `/` beside the API, as CloudFront serves it deployed (same origin, same headers)."""
        from infra.site import content_type, security_headers, site_file

        path = self.path.split("?", 1)[0]
        if path.startswith(("/v1/", "/docs")) or path == "/v1":
            return False
        found = site_file(path)
        if found is None:
            return False
        body = found.read_bytes()
        # Not in the access log: a page load is dozens of files, and the log is there to follow the API.
        self.send_response_only(200)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string())
        headers = {"Content-Type": content_type(found) or "application/octet-stream",
                   "Content-Length": str(len(body)),
                   "Cache-Control": "no-cache" if found.suffix == ".html" else "max-age=300",
                   **security_headers(os.environ.get("AWS_ENDPOINT_URL", ""))}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return True

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, …) goes to the app like GET does, which answers a JSON 405 with Allow
        # (or 404 for an unknown path), not the HTML 501 of http.server.
        if name.startswith("do_") and name[3:].isalpha() and name[3:].isupper():
            return self._generic_handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class _QuietApiHandler(_ApiHandler):
    quiet = True


class _OneDynamoDBRequestAtATime:
    """WSGI middleware for moto: DynamoDB requests are served one at a time.

    DynamoDB applies each request (a conditional update, a transaction) atomically; moto's in-memory tables
    check a condition and apply an update in separate steps, so two concurrent `ADD failed_logins 1` could
    both read 3 and write 4. The local stack's HTTP server is threaded, so without this a burst of requests
    would meet races that DynamoDB does not have.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB_"):
            return self.app(environ, start_response)
        with self.lock:
            return self.app(environ, start_response)


class LocalAWS:
    """moto server on 127.0.0.1, run as moto's ThreadedMotoServer runs it, but with atomic DynamoDB requests."""

    def __init__(self, port: int) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        self.server = make_server(
            "127.0.0.1", port, _OneDynamoDBRequestAtATime(DomainDispatcherApplication(create_backend_app)),
            threaded=True, request_handler=MotoRequestHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="moto", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class MotoProcess:
    """The same moto server (`LocalAWS`) in a child process, so its work never holds the GIL the API threads need.

    The child stops when told (SIGTERM), and also when its parent is gone however it went (even `kill -9`):
    it watches its stdin, a pipe only the parent holds, and exits at its end.
    """

    def __init__(self, port: int, ready_seconds: float = 60.0) -> None:
        self.port = port
        self.ready_seconds = ready_seconds
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-m", "infra.local_stack", "moto", "--port", str(self.port)], cwd=REPO,
            # Its own session: a Ctrl-C in the terminal reaches the parent only, which then stops the child.
            stdin=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + self.ready_seconds
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the local AWS stand-in (moto) exited with status {self.process.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the local AWS stand-in (moto) did not listen on port {self.port} in time")
            time.sleep(0.05)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            assert process.stdin is not None
            process.stdin.close()
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_moto(port: int) -> int:
    """The child's side of `MotoProcess`: serve until SIGTERM/SIGINT or until stdin ends (the parent is gone)."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    def watch_parent() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = LocalAWS(port)
    moto.start()
    threading.Thread(target=watch_parent, name="watch-parent", daemon=True).start()
    try:
        stop.wait()
    finally:
        moto.stop()
    return 0


@dataclass
class RunningStack:
    api_url: str
    moto_url: str
    out_dir: Path
    admin_password: str | None  # None when the account already existed


def moto_in_child_process() -> bool:
    """moto runs in a child process unless LOCAL_MOTO=thread (as before issue 15: a thread of this process).

    In a child process moto's work no longer competes with the API threads for this process's GIL: under `make
    load` a recognition's storage time and the latency tail fall (README, "Load: the morning rush")."""
    return os.environ.get("LOCAL_MOTO", "process") != "thread"


@contextlib.contextmanager
def running_stack(port: int, models_dir: Path, out_dir: Path, admin_password: str | None = None,
                  host: str = "127.0.0.1", access_log: bool = True) -> Iterator[RunningStack]:
    """Start moto (in a child process, see `moto_in_child_process`) and the API, provision from the template,
    yield, and stop everything on exit, an exception included; if this process is killed outright, moto follows."""
    import boto3

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines say nothing useful here

    out_dir.mkdir(parents=True, exist_ok=True)
    moto_port = free_port()
    moto: LocalAWS | MotoProcess = MotoProcess(moto_port) if moto_in_child_process() else LocalAWS(moto_port)
    moto.start()
    api_server = None
    try:
        os.environ.update(local_environment(moto_port, out_dir, site_url=f"http://{host}:{port}"))
        from chamcong.container import Container, set_container
        from chamcong.services.auth import ensure_bootstrap_admin
        from chamcong.settings import Settings
        from infra.provision import provision

        settings = Settings()
        provision(boto3.session.Session(), settings, models_dir)
        container = Container(settings)
        set_container(container)
        password = admin_password or secrets.token_urlsafe(12)
        created = ensure_bootstrap_admin(password)
        container.engine()  # load and verify the models now, so the first recognition is not slow
        container.liveness()

        from chalice.config import Config
        from chalice.local import create_local_server

        import app as api_module  # functions/api/app.py

        config = Config.create(app_name="chamcong-api")
        api_server = create_local_server(api_module.app, config, host, port)
        # API Gateway takes bursts of connections; socketserver listens with a backlog of 5, beyond which Linux
        # drops the handshake or, with SYN cookies, resets the connection. Listening again sets a longer one.
        api_server.server.socket.listen(API_BACKLOG)
        api_server.server.RequestHandlerClass = functools.partial(
            _ApiHandler if access_log else _QuietApiHandler, app_object=api_module.app, config=config)
        thread = threading.Thread(target=api_server.server.serve_forever, name="chalice-local", daemon=True)
        thread.start()
        yield RunningStack(f"http://{host}:{port}", f"http://127.0.0.1:{moto_port}", out_dir,
                           password if created else None)
    finally:
        if api_server is not None:
            api_server.shutdown()
            api_server.server.server_close()
        moto.stop()


def serve(args: argparse.Namespace) -> int:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    password = os.environ.get("BOOTSTRAP_ADMIN_PASSWORD") or None
    demo = None
    if args.demo:
        from infra.demo.run import ADMIN_PASSWORD, HOME_AFFAIRS, PROVINCE, plan

        demo = plan(["--models-dir", args.models_dir, "--out", str(Path(args.out) / "demo")],
                    prog="python -m infra.local_stack serve --demo")
        password = ADMIN_PASSWORD
        os.environ.setdefault("HOME_AFFAIRS_RECIPIENTS", HOME_AFFAIRS)
        os.environ.setdefault("PROVINCE_RECIPIENTS", PROVINCE)
    with running_stack(args.port, Path(args.models_dir), Path(args.out), password) as stack:
        if demo is not None:
            from infra.demo.run import DEMO_ACCOUNTS, play

            print(f"Loading the demo district (about a minute) on {stack.api_url} …", flush=True)
            day = play(stack.api_url, demo)
            print(day.text)
            print(f"\nThe demo district is loaded; its working day is {day.day:%d/%m/%Y}.")
            print(f"Open {stack.api_url}/#/today?date={day.day.isoformat()} and sign in as:")
            for username, secret, label in DEMO_ACCOUNTS:
                print(f"  {username:<14} {secret!r:<38} {label}")
        elif stack.admin_password is not None and not os.environ.get("BOOTSTRAP_ADMIN_PASSWORD"):
            print(f"Admin account: admin / {stack.admin_password}  "
                  "(shown once; set BOOTSTRAP_ADMIN_PASSWORD to choose it)")
        print(f"Local AWS (moto) at {stack.moto_url}; output folder {stack.out_dir}")
        print(f"E-mails sent (daily reports) are also written as .eml files to {stack.out_dir / 'mail'}")
        print("Daily reports go to no one until recipients are set: PATCH /v1/units/{id} with "
              '{"report_recipients": [...]} for a unit\'s leaders, HOME_AFFAIRS_RECIPIENTS (comma-separated) '
              "for the district summary; until then they are only archived. "
              f"List a day's reports, sent or archived, with GET {stack.api_url}/v1/reports/daily?date=YYYY-MM-DD")
        print(f"API docs at {stack.api_url}/docs (OpenAPI at {stack.api_url}/v1/openapi.json)")
        print(f"Web site at {stack.api_url}/")
        print(f"API ready at {stack.api_url}", flush=True)
        stop.wait()
        print("Stopping…", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local_stack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the local stack until Ctrl-C / SIGTERM")
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve_parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", str(DEFAULT_MODELS_DIR)))
    serve_parser.add_argument("--out", default=os.environ.get("OUT_DIR", str(REPO / "out")))
    serve_parser.add_argument("--demo", action="store_true",
                              help="load the demo district of `make demo` first (units, people, a day of captures, "
                                   "the accounts), then keep serving")
    moto_parser = commands.add_parser("moto", help="only the local AWS stand-in (run by the others in a child process)")
    moto_parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "moto":
        return serve_moto(args.port)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    if not Path(args.models_dir).is_dir():
        parser.error(f"models folder {args.models_dir} does not exist (set MODELS_DIR)")
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())

"""A relay between the edge uploader and the API that can fail the ways networks and servers fail.

- before ``start()``: the API is down (the port is held but not listening: connections are refused);
- ``lose_answers = n``: the next n requests reach the API, but the answer is lost on the way back;
- ``hold = True``: a request reaches the API, then the relay keeps the connection open without answering
  (``upstream_answered`` is set), so the test can kill the uploader mid-upload.
"""

from __future__ import annotations

import http.server
import threading

import requests


class Relay:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler(), bind_and_activate=False)
        self._server.daemon_threads = True
        self._server.server_bind()  # the port is ours from now on; nothing answers on it until start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.lose_answers = 0
        self.hold = False
        self.upstream_answered = threading.Event()
        self.release = threading.Event()
        self.requests = 0
        self._serving: threading.Thread | None = None

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k: v for k, v in self.headers.items() if k.lower().startswith(("x-", "content-type"))}
                relay.requests += 1
                answer = requests.post(relay.upstream + self.path, data=body, headers=headers, timeout=60)
                if relay.hold:
                    relay.upstream_answered.set()
                    relay.release.wait(120)
                    self.close_connection = True
                    return
                if relay.lose_answers > 0:
                    relay.lose_answers -= 1
                    self.close_connection = True
                    return
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler

    def start(self) -> None:
        self._server.server_activate()
        self._serving = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._serving.start()

    def stop(self) -> None:
        self.release.set()
        if self._serving is not None:
            self._server.shutdown()
        self._server.server_close()

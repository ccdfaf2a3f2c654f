"""What operators see in production: request ids in every log line, metrics in CloudWatch's embedded metric
format, and nothing personal — no image, embedding, password, token or device secret — in either.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chamcong.observability import get_logger
from chamcong.store.models.staff import FaceModel
from tests.fakes import LambdaContext
from tests.integration.harness import ADMIN_PASSWORD, Product
from tests.integration.photos import blank_jpeg, face_crop, photos_of

MORNING = "2026-11-20T07:31:05+07:00"


def _json_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


def _metrics(lines: list[dict[str, Any]]) -> list[tuple[str, float, dict[str, str]]]:
    """(name, value, dimensions) of every embedded-metric-format line."""
    found = []
    for line in lines:
        meta = line.get("_aws")
        if not meta:
            continue
        for directive in meta["CloudWatchMetrics"]:
            assert directive["Namespace"] == "Chamcong"
            dimensions = {name: line[name] for group in directive["Dimensions"] for name in group}
            for metric in directive["Metrics"]:
                found.append((metric["Name"], line[metric["Name"]], dimensions))
    return found


class Logged:
    """Every line the product's logger writes, formatted as in Lambda (JSON with the appended keys)."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    @property
    def text(self) -> str:
        return self.buffer.getvalue()

    @property
    def lines(self) -> list[dict[str, Any]]:
        return _json_lines(self.text)


@pytest.fixture
def logged() -> Iterator[Logged]:
    # The logger is built once per process and keeps the stream it was built with, so read it at the source.
    logger = get_logger()
    captured = Logged()
    handler = logging.StreamHandler(captured.buffer)
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)
    try:
        yield captured
    finally:
        logger._logger.removeHandler(handler)


@pytest.fixture
def office(product: Product, faces_dir: Path) -> dict[str, Any]:
    unit = product.unit()
    person = product.staff("Nguyễn Thị Hoà", unit)
    device_id, secret = product.device(unit)
    return {"unit": unit, "person": person, "device": device_id, "secret": secret,
            "photo": photos_of(faces_dir, "obama")[0], "probe": photos_of(faces_dir, "obama")[1]}


def test_no_image_embedding_password_token_or_secret_reaches_the_logs(
        product: Product, office: dict[str, Any], logged: Logged, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # GIVEN an enrolment, a sign-in with a wrong and then the right password, and a recognition
    photo_b64 = base64.b64encode(office["photo"].read_bytes()).decode()
    assert product.post(f"/v1/staff/{office['person']}/faces", {"image_b64": photo_b64}).status == 201
    wrong = product.post("/v1/auth/login", {"username": "admin", "password": "Sai-mật-khẩu-123"}, token="")
    right = product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
    assert wrong.status == 401 and right.status == 200
    crop = face_crop(product.container.engine(), office["probe"])
    answer = product.recognise(office["device"], "cam-log-1", crop, MORNING)
    assert answer.status == 200 and answer.body["result"] == "matched"
    face = next(iter(FaceModel.query(office["person"])))
    printed = capsys.readouterr()
    everything = logged.text + printed.out + printed.err + caplog.text
    # THEN the logs say what happened …
    assert any(line.get("message") == "recognition" and line.get("result") == "matched" for line in logged.lines)
    assert any(line.get("message") == "request" and line.get("route") == "POST /v1/auth/login"
               and line.get("status") == 401 for line in logged.lines)
    # … and hold none of these
    secrets = {
        "the enrolment photo": photo_b64[1000:1040],
        "the lobby crop": base64.b64encode(crop).decode()[500:540],
        "the embedding (base64)": base64.b64encode(face.embedding).decode()[:40],
        "the embedding (hex)": face.embedding.hex()[:40],
        "the admin's password": ADMIN_PASSWORD,
        "the wrong password": "Sai-mật-khẩu-123",
        "the bearer token": right.body["token"],
        "the device secret": office["secret"],
    }
    leaked = [what for what, value in secrets.items() if value in everything]
    assert leaked == []


def test_every_log_line_of_a_request_carries_its_request_id(product: Product, logged: Logged) -> None:
    reply = product.get("/v1/units")
    request_id = reply.headers.get("X-Request-Id") or reply.headers.get("x-request-id")
    lines = [line for line in logged.lines if line.get("message") == "request"]
    assert lines and all(line.get("request_id") == request_id for line in lines)


def test_recognitions_and_sign_in_failures_are_counted(
        product: Product, office: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert product.enrol(office["person"], office["photo"]).status == 201
    capsys.readouterr()
    # WHEN a known face, a blank image and a wrong password arrive
    crop = face_crop(product.container.engine(), office["probe"])
    assert product.recognise(office["device"], "cam-m-1", crop, MORNING).body["result"] == "matched"
    assert product.recognise(office["device"], "cam-m-2", blank_jpeg(), MORNING).body["result"] == "no_face"
    product.post("/v1/auth/login", {"username": "admin", "password": "không-đúng-đâu"}, token="")
    metrics = _metrics(_json_lines(capsys.readouterr().out))
    # THEN CloudWatch gets a count by result, the latency, and the failed sign-in
    assert any(name == "Recognitions" and dims.get("result") == "matched" for name, _, dims in metrics)
    assert any(name == "Recognitions" and dims.get("result") == "no_face" for name, _, dims in metrics)
    assert any(name == "RecognitionLatency" for name, _, _ in metrics)
    assert any(name == "SignInFailures" for name, _, _ in metrics)


def test_scheduled_handlers_log_their_invocation_id(product: Product, logged: Logged) -> None:
    import scheduled

    context = LambdaContext()
    scheduled.account_sweep({}, context)
    lines = [line for line in logged.lines if line.get("message") == "account sweep"]
    assert lines and lines[0]["function_request_id"] == context.aws_request_id


def test_reports_sent_and_failed_are_counted(product: Product, capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a unit with a person and a leader to send its report to
    unit = product.post("/v1/units", {"name": "Phòng Nội vụ", "report_recipients": ["lanhdao@example.gov.vn"]})
    product.staff("Trần Văn Bình", unit.body["unit_id"])
    capsys.readouterr()
    # WHEN Thursday's morning reports run
    run = product.post("/v1/reports/daily/run", {"date": "2026-11-19", "kind": "morning"})
    assert run.status == 200, run.body
    metrics = _metrics(_json_lines(capsys.readouterr().out))
    # THEN the unit's report (sent) and the district summary (archived: no Home Affairs address) are counted
    sent = [value for name, value, dims in metrics if name == "ReportsSent" and dims.get("kind") == "morning"]
    failed = [value for name, value, dims in metrics if name == "ReportsFailed"]
    assert sent in ([1.0], [[1.0]]) and failed in ([0.0], [[0.0]])

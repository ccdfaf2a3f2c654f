"""`make serve` as a person uses it: start it, follow the README over real HTTP, stop it with SIGTERM."""

from __future__ import annotations

import base64
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests

from chamcong import device_signature
from chamcong.settings import Settings
from tests.integration.photos import photos_of
from tests.integration.served import REPO, local_stack

PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture(scope="module")
def served(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_stack(models_dir, tmp_path_factory.mktemp("out"), PASSWORD) as (url, _):
        yield url
    port = url.rsplit(":", 1)[1]
    # Everything it started is gone: the port is free again.
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/v1/openapi.json", timeout=2)


def test_readme_flow_records_a_check_in_with_its_snapshot(served: str, faces_dir: Path) -> None:
    api = requests.Session()
    # The admin signs in with the bootstrap password
    login = api.post(f"{served}/v1/auth/login", json={"username": "admin", "password": PASSWORD}, timeout=10)
    assert login.status_code == 200, login.text
    api.headers["Authorization"] = f"Bearer {login.json()['token']}"
    unit = api.post(f"{served}/v1/units", json={"name": "UBND huyện Đà Bắc"}, timeout=10).json()
    person = api.post(f"{served}/v1/staff", json={"full_name": "Đinh Công Tráng", "unit_id": unit["unit_id"]},
                      timeout=10).json()
    photos = photos_of(faces_dir, "obama")
    enrolled = api.post(f"{served}/v1/staff/{person['staff_id']}/faces",
                        json={"image_b64": base64.b64encode(photos[0].read_bytes()).decode()}, timeout=60)
    assert enrolled.status_code == 201, enrolled.text
    device = api.post(f"{served}/v1/devices", json={"name": "Camera sảnh", "unit_id": unit["unit_id"]},
                      timeout=10).json()

    # The device posts a signed photo taken a moment ago at 07:31 local time (yesterday if it is earlier now)
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    now = datetime.now(hanoi)
    moment = now.replace(hour=7, minute=31, second=0, microsecond=0)
    if moment > now:
        moment -= timedelta(days=1)
    body = json.dumps({"capture_id": "readme-1", "captured_at": moment.isoformat(),
                       "image_b64": base64.b64encode(photos[1].read_bytes()).decode()}).encode()
    headers = device_signature.signed_headers(device["device_id"], device["secret"], int(time.time()), body)
    recognised = requests.post(f"{served}/v1/recognitions", data=body, headers=headers, timeout=60)
    assert recognised.status_code == 200, recognised.text
    answer = recognised.json()
    assert (answer["result"], answer["staff_id"], answer["event"], answer["recorded"]) == (
        "matched", person["staff_id"], "check_in", True)

    events = api.get(f"{served}/v1/staff/{person['staff_id']}/events",
                     params={"date": moment.date().isoformat()}, timeout=10).json()["events"]
    assert [event["capture_id"] for event in events] == ["readme-1"]
    snapshot = requests.get(events[0]["snapshot_url"], timeout=10)
    assert snapshot.status_code == 200 and snapshot.content[:3] == b"\xff\xd8\xff"

    # The device's secret is stored only sealed, under the local stack's KMS key (moto), and that key encrypts the
    # bucket the snapshot came from
    moto = "{0.scheme}://{0.netloc}".format(urlsplit(events[0]["snapshot_url"]))
    aws = {"endpoint_url": moto, "region_name": "ap-southeast-1", "aws_access_key_id": "local",
           "aws_secret_access_key": "local"}
    item = boto3.client("dynamodb", **aws).get_item(TableName=Settings().devices_table,
                                                    Key={"device_id": {"S": device["device_id"]}})["Item"]
    assert "secret" not in item and device["secret"] not in json.dumps(item)
    data_key = boto3.client("kms", **aws).describe_key(KeyId=Settings().data_key_id)["KeyMetadata"]["Arn"]
    assert json.loads(item["sealed_secret"]["S"])["key_id"] == data_key
    rule = boto3.client("s3", **aws).get_bucket_encryption(Bucket=Settings().data_bucket)[
        "ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    assert (rule["SSEAlgorithm"], rule["KMSMasterKeyID"]) == ("aws:kms", data_key)


def test_the_local_server_answers_like_api_gateway_in_json(served: str) -> None:
    # An unknown route: the same JSON 404 the deployed API Gateway is configured to give
    unknown = requests.get(f"{served}/v1/nothing-here", timeout=10)
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert unknown.headers["X-Request-Id"]
    # A method the path does not have, even one http.server does not know: a JSON 405 naming what it has
    for method in ("PUT", "TRACE", "QUERY"):
        refused = requests.request(method, f"{served}/v1/units", timeout=10)
        assert refused.status_code == 405, (method, refused.text)
        assert refused.json()["code"] == "method_not_allowed"
        assert {m.strip() for m in refused.headers["Allow"].split(",")} == {"GET", "POST"}
    # The docs page
    assert requests.get(f"{served}/docs", timeout=10).headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("path", "kind"), [("/", "text/html"), ("/js/main.js", "text/javascript"),
                                             ("/css/app.css", "text/css"), ("/lobby.html", "text/html")])
def test_the_web_site_is_served_beside_the_api_with_the_deployed_headers(served: str, path: str, kind: str) -> None:
    from infra.site import security_headers

    reply = requests.get(f"{served}{path}", timeout=10)
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith(kind)
    policy = reply.headers["Content-Security-Policy"]
    evidence = policy.split("img-src 'self' data: blob: ", 1)[1].split(";", 1)[0]
    assert evidence.startswith("http://127.0.0.1:")  # the local stand-in for S3, where snapshot links point
    for name, value in security_headers(evidence).items():
        assert reply.headers[name] == value
    assert requests.head(f"{served}{path}", timeout=10).content == b""


@pytest.mark.parametrize("path", ["/package.json", "/package-lock.json", "/node_modules/jszip/package.json",
                                  "/.gitignore", "/js/../../README.md", "/%2e%2e/README.md", "/nothing.html",
                                  "/help/img/../../../template.yaml"])
def test_nothing_but_the_site_s_files_is_served(served: str, path: str) -> None:
    reply = requests.get(f"{served}{path}", timeout=10)
    assert reply.status_code == 404 and reply.json()["code"] == "not_found"


# --- the local AWS stand-in runs in a child process; nothing of it outlives the stack ---------------------------

def _listening(url_or_port: str | int) -> bool:
    port = int(str(url_or_port).rsplit(":", 1)[-1])
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _gone(port: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _listening(port):
            return True
        time.sleep(0.1)
    return False


def test_a_stack_that_fails_midway_leaves_neither_moto_nor_the_api_running(models_dir: Path, tmp_path: Path) -> None:
    # GIVEN a program that starts the local stack and fails while using it
    script = ("import sys\nfrom pathlib import Path\nfrom infra.local_stack import free_port, running_stack\n"
              f"with running_stack(free_port(), Path({str(models_dir)!r}), Path({str(tmp_path)!r}), 'pw-123456789',"
              " access_log=False) as stack:\n"
              "    print(stack.api_url, stack.moto_url, flush=True)\n"
              "    raise RuntimeError('something went wrong')\n")
    # WHEN it runs
    finished = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300,
                              check=False)
    # THEN it fails with its own error, and neither the API nor moto is still there
    assert finished.returncode == 1 and "something went wrong" in finished.stderr, finished.stderr[-2000:]
    api_url, moto_url = finished.stdout.split()
    assert not _listening(api_url) and not _listening(moto_url)


def test_moto_stops_when_the_process_that_started_it_is_killed() -> None:
    # GIVEN a process that started the local AWS stand-in
    script = ("import time\nfrom infra.local_stack import MotoProcess, free_port\n"
              "moto = MotoProcess(free_port())\nmoto.start()\nprint(moto.port, flush=True)\ntime.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        port = int(parent.stdout.readline())
        assert _listening(port)
        # WHEN that process is killed outright (no clean-up code runs)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        # THEN moto goes with it
        assert _gone(port), "moto outlived the process that started it"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_make_serve_stopped_with_sigterm_stops_moto_too(models_dir: Path, tmp_path: Path) -> None:
    with local_stack(models_dir, tmp_path, PASSWORD) as (url, process):
        assert requests.get(f"{url}/v1/openapi.json", timeout=10).status_code == 200
        children = _children(process.pid)
        assert children, "moto runs in a child process of the stack"
    # the stack stopped cleanly on SIGTERM (local_stack checks it); its child is gone too
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if lines.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found

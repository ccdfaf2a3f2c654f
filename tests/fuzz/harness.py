"""Fuzz the served API contract with schemathesis, against a real local stack.

python -m tests.fuzz.harness [--budget long|short] [--out DIR]     (make fuzz: the long budget)

Starts `python -m infra.local_stack serve` (as `make serve` does), creates through the API what the
fuzzer needs to reach past 401 and 404 (a unit, staff, accounts, lobby devices: see `prepare`), runs
`schemathesis run` on the served `GET /v1/openapi.json` with the hooks in `tests/fuzz/hooks.py`, and
writes the distinct failures, grouped by check and operation, to `<out>/failures.txt`. Exit status 1
when the run found any failure.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
ADMIN_PASSWORD = "fuzz-Admin-pass-7Q2x"  # the local stack's bootstrap admin (BOOTSTRAP_ADMIN_PASSWORD)
SELF_PASSWORD = "Sacrificial-pass-8W3z"
CHECKS = ("not_a_server_error", "response_schema_conformance", "status_code_conformance",
          "content_type_conformance", "negative_data_rejection", "unsupported_method")


@dataclass(frozen=True)
class Budget:
    """How long a run may take: schemathesis's examples per operation (fuzzing phase) and a time cap."""

    max_examples: int
    phases: str
    # Schemathesis's --max-time is a target, not a cap: fuzzing and stateful phases repeat until it is spent.
    max_time: int | None = None
    timeout: int = 900  # seconds; the run is stopped (and fails) past it
    seed: int = 20261202


# `make test`: a fixed seed, the schema's examples, the coverage phase (every boundary and type error the
# schema describes, per operation) and a short fuzzing phase. `make fuzz`: more fuzzing, and stateful
# sequences of calls (create, then use the id).
BUDGETS = {
    "short": Budget(max_examples=10, phases="examples,coverage,fuzzing", timeout=420),
    "long": Budget(max_examples=100, phases="examples,coverage,fuzzing,stateful", max_time=600, timeout=1080),
}


# --- the local stack ---------------------------------------------------------------------------------

@contextlib.contextmanager
def local_stack(models_dir: Path, out_dir: Path, admin_password: str = ADMIN_PASSWORD) -> Iterator[str]:
    """`python -m infra.local_stack serve` in its own process; yields the API URL, stops it with SIGTERM.

    Like tests/integration/served.py, but its output goes to a file: a fuzz run makes thousands of
    requests, and the access log written to a pipe nobody reads any more fills it and blocks the server.
    """
    from infra.local_stack import free_port

    out_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = out_dir / "local_stack.log"
    env = {**os.environ, "BOOTSTRAP_ADMIN_PASSWORD": admin_password, "MODELS_DIR": str(models_dir),
           "OUT_DIR": str(out_dir)}
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "infra.local_stack", "serve", "--port", str(port)],
                                   cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        ready = f"API ready at http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while ready not in log_path.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()


# --- the data the fuzzer is given --------------------------------------------------------------------

def _call(method: str, url: str, token: str | None = None, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.request(method, url, headers=headers, timeout=30, **kwargs)
    assert answer.ok, f"{method} {url}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


def prepare(api_url: str, admin_password: str = ADMIN_PASSWORD) -> dict[str, Any]:
    """Create through the API what the fuzzer's known ids name; returns the state `hooks.py` reads."""
    token = _call("POST", f"{api_url}/v1/auth/login", json={"username": "admin", "password": admin_password})["token"]
    unit = _call("POST", f"{api_url}/v1/units", token, json={"name": "Phòng Kiểm thử (fuzz)"})["unit_id"]
    spare_unit = _call("POST", f"{api_url}/v1/units", token, json={"name": "Tổ tạm (fuzz, to remove)",
                                                                   "parent_id": unit})["unit_id"]
    staff = _call("POST", f"{api_url}/v1/staff", token, json={"full_name": "Nguyễn Văn Thử",
                                                              "unit_id": unit})["staff_id"]
    spare_staff = _call("POST", f"{api_url}/v1/staff", token, json={"full_name": "Trần Thị Tạm",
                                                                    "unit_id": unit})["staff_id"]
    _call("POST", f"{api_url}/v1/accounts", token, json={
        "username": "fuzz-target", "unit_id": unit, "staff_id": staff,
        "grants": [{"role": "staff", "unit_id": unit}]})
    # The sacrificial account for logout and password changes, with a password of its own.
    created = _call("POST", f"{api_url}/v1/accounts", token, json={
        "username": "fuzz-self", "unit_id": unit, "grants": [{"role": "unit_leader", "unit_id": unit}]})
    temporary = _call("POST", f"{api_url}/v1/auth/login",
                      json={"username": "fuzz-self", "password": created["temporary_password"]})["token"]
    _call("POST", f"{api_url}/v1/auth/password", temporary,
          json={"current_password": created["temporary_password"], "new_password": SELF_PASSWORD})
    device = _call("POST", f"{api_url}/v1/devices", token, json={"name": "Camera sảnh (fuzz)", "unit_id": unit})
    target_device = _call("POST", f"{api_url}/v1/devices", token, json={"name": "Camera phụ (fuzz)",
                                                                        "unit_id": unit})["device_id"]
    today = datetime.now(timezone(timedelta(hours=7))).date().isoformat()
    return {
        "api_url": api_url,
        "admin": {"username": "admin", "password": admin_password},
        "self_account": {"username": "fuzz-self", "password": SELF_PASSWORD},
        "target_username": "fuzz-target",
        "unit_id": unit, "disposable_unit_id": spare_unit,
        "staff_id": staff, "disposable_staff_id": spare_staff,
        "device": {"device_id": device["device_id"], "secret": device["secret"]},
        "target_device_id": target_device,
        "date": today,
    }


# --- running schemathesis ----------------------------------------------------------------------------

@dataclass
class Failure:
    check: str
    operation: str
    status: int | None
    title: str
    count: int = 0
    example: str = ""


@dataclass
class Outcome:
    exit_code: int
    seconds: float
    cases: int
    operations_tested: int
    operations_total: int
    failures: list[Failure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    summary_path: Path | None = None

    def report(self) -> str:
        lines = [f"schemathesis exit {self.exit_code} in {self.seconds:.0f} s: {self.cases} cases over "
                 f"{self.operations_tested}/{self.operations_total} operations; "
                 f"{len(self.failures)} distinct failures (check, operation, status), {len(self.errors)} errors"]
        by_check: dict[str, list[Failure]] = defaultdict(list)
        for failure in self.failures:
            by_check[failure.check].append(failure)
        for check in sorted(by_check):
            lines.append(f"\n{check}: {len(by_check[check])}")
            for failure in sorted(by_check[check], key=lambda f: (f.operation, f.status or 0, f.title)):
                lines.append(f"  {failure.operation:<50} {failure.status!s:>4}  {failure.title}  (x{failure.count})")
                lines.append(f"      e.g. {failure.example}")
        for error in self.errors:
            lines.append(f"\nerror: {error}")
        return "\n".join(lines)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _response_text(response: dict[str, Any] | None) -> str:
    if not response:
        return ""
    content = response.get("content") or {}
    raw = content.get("$base64")
    body = base64.b64decode(raw).decode("utf-8", "replace") if raw else str(content.get("string", ""))
    return body


def _collect(ndjson: Path) -> tuple[list[Failure], list[str], int]:
    """Distinct failures from the run's event stream: one per (check, operation, status, title)."""
    failures: dict[tuple[str, str, int | None, str], Failure] = {}
    errors: list[str] = []
    cases: set[str] = set()
    with ndjson.open() as events:
        for line in events:
            event = json.loads(line)
            if "NonFatalError" in event or "FatalError" in event:
                payload = event.get("NonFatalError") or event.get("FatalError") or {}
                info = payload.get("info") or {}
                errors.append(_short(f"{payload.get('label', '')}: {info.get('title', '')} {info.get('message', '')}"))
                continue
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished["recorder"]
            cases.update(recorder.get("cases", {}))
            for case_id, checks in recorder.get("checks", {}).items():
                for check in checks:
                    if check["status"] != "failure":
                        continue
                    info = check["failure_info"]["failure"]
                    interaction = recorder.get("interactions", {}).get(case_id) or {}
                    request, response = interaction.get("request") or {}, interaction.get("response")
                    status = response.get("status_code") if response else None
                    operation = info.get("operation") or recorder.get("label", "")
                    method = request.get("method", "")
                    if method and not operation.startswith(method + " "):
                        operation = f"{operation} (sent as {method})"
                    key = (check["name"], operation, status, info.get("title", ""))
                    entry = failures.setdefault(key, Failure(*key))
                    entry.count += 1
                    if not entry.example:
                        uri = request.get("uri", "").split("//", 1)[-1].split("/", 1)[-1]
                        message = info.get("message") or ""
                        entry.example = _short(f"{method} /{uri} → {status} {_response_text(response)}"
                                               + (f" | {message}" if message else ""))
    return list(failures.values()), errors, len(cases)


def run_schemathesis(api_url: str, state: dict[str, Any], budget: Budget, out_dir: Path) -> Outcome:
    out_dir.mkdir(parents=True, exist_ok=True)
    state_file = out_dir / "state.json"
    state_file.write_text(json.dumps(state, indent=2))
    ndjson, run_json = out_dir / "events.ndjson", out_dir / "run.json"
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "--no-color",
        "run", f"{api_url}/v1/openapi.json", "--url", api_url,
        "--checks", ",".join(CHECKS), "--phases", budget.phases,
        "--max-examples", str(budget.max_examples),
        "--seed", str(budget.seed), "--generation-database", "none", "--workers", "1",
        "--report", "ndjson,json,junit", "--report-ndjson-path", str(ndjson), "--report-json-path", str(run_json),
        "--report-junit-path", str(out_dir / "junit.xml"),
        *(["--max-time", str(budget.max_time)] if budget.max_time else []),
    ]
    env = {**os.environ, "CHAMCONG_FUZZ_STATE": str(state_file)}
    started = time.monotonic()
    with (out_dir / "schemathesis.log").open("w") as log:
        try:
            exit_code = subprocess.run(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       check=False, timeout=budget.timeout).returncode
        except subprocess.TimeoutExpired:
            exit_code = -1  # what it reported until then is still read below
            log.write(f"\nstopped after {budget.timeout} s\n")
    seconds = time.monotonic() - started
    failures, errors, cases = _collect(ndjson) if ndjson.exists() else ([], ["no event stream written"], 0)
    if exit_code == -1:
        errors.append(f"schemathesis did not finish within {budget.timeout} s")
    totals = json.loads(run_json.read_text()) if run_json.exists() else {}
    operations = totals.get("operations", {})
    outcome = Outcome(exit_code, seconds, totals.get("test_cases", {}).get("generated", cases),
                      operations.get("tested", 0), operations.get("total", 0), failures, errors)
    outcome.summary_path = out_dir / "failures.txt"
    outcome.summary_path.write_text(outcome.report() + "\n")
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.harness", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", choices=sorted(BUDGETS), default="long")
    parser.add_argument("--out", default=str(REPO / "out" / "fuzz"))
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", str(REPO.parent / "shared" / "models")))
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    with local_stack(Path(args.models_dir), out_dir / "stack") as api_url:
        state = prepare(api_url)
        budget = BUDGETS[args.budget]
        print(f"Fuzzing {api_url} ({args.budget}: {budget}); output in {out_dir}", flush=True)
        outcome = run_schemathesis(api_url, state, budget, out_dir)
    print(outcome.report())
    print(f"\nFailures: {outcome.summary_path}; schemathesis's own output: {out_dir / 'schemathesis.log'}")
    return 0 if outcome.exit_code == 0 and not outcome.failures and not outcome.errors else 1


if __name__ == "__main__":
    sys.exit(main())

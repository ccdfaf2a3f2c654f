"""`make bench`: a cold start of the recognition function, from a fresh process to its first answer.

A moto server stands in for AWS (tables, the bucket with the model files, a gallery of the people in
../shared/faces-dev plus `--extra-faces` random ones, a lobby device), provisioned by this process. Then a fresh
Python process does what a new Lambda container does: imports the function's code (`app.app`, the
RecognitionFunction's handler in template.yaml), and answers one signed `POST /v1/recognitions` as API Gateway
delivers it. The models are fetched from the bucket into an empty /tmp-like folder and verified, as on a cold
Lambda. The split is printed; the goal is ≤ 1.5 s from the process's start to the answer.

The first answer's work is timed in the order the handler would do it lazily (the embedding model and detector,
the liveness model, the gallery, then the request itself): the same work, made visible. Lambda's own part (fetching
the code and layers, starting the runtime) is not on this machine and not counted.

python -m bench.coldstart [--runs N] [--extra-faces N]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.tables import print_table

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 1.5
SPLIT = ("interpreter", "imports", "models", "liveness", "gallery", "request")


def child(event_file: Path) -> int:
    """The fresh process: import the handler, answer the event, print the milliseconds of each part."""
    started_at = float(os.environ["BENCH_SPAWNED_AT"])
    marks = {"interpreter": time.time()}
    sys.path[:0] = [str(REPO / "functions" / "api"), str(REPO / "layers" / "domain"), str(REPO / "layers" / "vision")]
    import app  # functions/api/app.py: the RecognitionFunction's Handler (app.app)

    marks["imports"] = time.time()
    from chamcong.container import get_container

    container = get_container()
    model = container.recognition_model()
    marks["models"] = time.time()
    container.liveness()
    marks["liveness"] = time.time()
    gallery = model.gallery.current()
    marks["gallery"] = time.time()
    event = json.loads(event_file.read_text())
    answer = app.app(event, None)
    marks["request"] = time.time()
    previous = started_at
    split = {}
    for name in SPLIT:
        split[name] = (marks[name] - previous) * 1000
        previous = marks[name]
    body = json.loads(answer["body"])
    print("RESULT " + json.dumps({"split": split, "status": answer["statusCode"], "result": body.get("result"),
                                  "gallery_faces": len(gallery),
                                  "server_timing": answer["headers"].get("Server-Timing", "")}), flush=True)
    return 0


def api_gateway_event(path: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """A REST API (AWS::Serverless::Api) proxy event as API Gateway hands it to the function."""
    return {
        "resource": path, "path": path, "httpMethod": "POST", "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
        "stageVariables": None, "isBase64Encoded": False, "body": body.decode(),
        "requestContext": {"resourcePath": path, "httpMethod": "POST", "requestId": "bench-coldstart-0001",
                           "stage": "api", "apiId": "bench", "identity": {"sourceIp": "203.0.113.7"}},
    }


def provision_world(models_dir: Path, faces_dir: Path, extra_faces: int, out: Path) -> tuple[dict[str, str], Path]:
    """Tables, bucket, models, a gallery and a device on the moto server; the environment and the event to send."""
    import boto3
    import numpy as np

    from bench.recognition import passage_crops
    from chamcong import device_signature
    from chamcong.access import Access, Grant, Principal
    from chamcong.container import Container, set_container
    from chamcong.errors import DomainError
    from chamcong.schemas.staff import CreateStaff
    from chamcong.schemas.units import CreateUnit
    from chamcong.services import enrolment, staff, units
    from chamcong.services.audit import Source
    from chamcong.settings import Settings
    from chamcong.store import device_secrets
    from chamcong.store.models.devices import DeviceModel
    from infra.provision import provision

    settings = Settings()
    provision(boto3.session.Session(), settings, models_dir)
    container = Container(settings)
    set_container(container)
    admin = Access(Principal("bench", (Grant("system_admin", None),)), units.load_tree)
    unit = units.create_unit(container, admin, CreateUnit(name="Đo khởi động"), Source())
    probe = None
    for person in sorted(p for p in faces_dir.iterdir() if p.is_dir()):
        photos = sorted(person.glob("*.jpg"))
        record = staff.create_staff(container, admin, CreateStaff(full_name=person.name, unit_id=unit["unit_id"]),
                                    Source())
        try:
            enrolment.enrol_face(container, admin, record["staff_id"],
                                 base64.b64encode(photos[0].read_bytes()).decode(), Source())
        except DomainError:
            continue
        if probe is None and len(photos) > 1:
            probe = passage_crops(container.engine(), photos[1], 1)[0]
    assert probe is not None, "no enrolled person with a second photo"
    if extra_faces:
        rng = np.random.default_rng(7)
        vectors = rng.standard_normal((extra_faces, 128)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

        def add(gallery: Any) -> Any:
            for number, vector in enumerate(vectors):
                gallery = gallery.with_face(f"stf_extra{number:06d}", f"fac_extra{number:06d}", vector,
                                            model_id=gallery.model_id)
            return gallery

        container.gallery.update(add)
    secret = "coldstart-secret"  # noqa: S105 - sealed like every device secret; the cold start opens it with KMS
    device = DeviceModel("dev_coldstart", name="Sảnh", unit_id=unit["unit_id"],
                         sealed_secret=device_secrets.seal_secret(container.kms, container.settings.data_key_id,
                                                                  "dev_coldstart", secret))
    device.save()
    set_container(None)
    captured_at = container.clock().astimezone(container.site_windows.timezone).replace(microsecond=0)
    body = json.dumps({"capture_id": "cold-1", "captured_at": captured_at.isoformat(),
                       "image_b64": base64.b64encode(probe).decode()}).encode()
    event_file = out / "event.json"
    headers = device_signature.signed_headers(device.device_id, secret, int(time.time()), body)
    event_file.write_text(json.dumps(api_gateway_event("/v1/recognitions", body, headers)))
    return dict(os.environ), event_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes, each with an empty model cache")
    parser.add_argument("--extra-faces", type=int, default=1000, help="random faces added to the gallery")
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get(
        "MODELS_DIR", REPO.parent / "shared" / "models")))
    parser.add_argument("--faces", type=Path, default=Path(os.environ.get(
        "FACES_DIR", REPO.parent / "shared" / "faces-dev")))
    parser.add_argument("--profile", action="store_true", help="print the first run's cProfile (cumulative)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        if not os.environ.get("BENCH_PROFILE"):
            return child(args.child)
        import cProfile
        import pstats

        profile = cProfile.Profile()
        status = profile.runcall(child, args.child)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(
            *([os.environ["BENCH_PROFILE_FILTER"]] if os.environ.get("BENCH_PROFILE_FILTER") else []), 40)
        return status
    if args.runs < 1 or args.extra_faces < 0:
        parser.error("--runs must be positive and --extra-faces not negative")
    for folder in (args.models_dir, args.faces):
        if not folder.is_dir():
            parser.error(f"{folder} does not exist")

    import logging

    from infra.local_stack import LocalAWS, free_port, local_environment

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines
    moto_port = free_port()
    moto = LocalAWS(moto_port)
    moto.start()
    runs: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as folder:
            out = Path(folder)
            os.environ.update(local_environment(moto_port, out))
            os.environ["MODEL_CACHE_DIR"] = str(out / "provision-cache")
            environment, event_file = provision_world(args.models_dir, args.faces, args.extra_faces, out)
            for run in range(args.runs):
                env = {**environment, "MODEL_CACHE_DIR": str(out / f"cold-{run}"),  # empty: as a new container's /tmp
                       "BENCH_SPAWNED_AT": repr(time.time()), **({"BENCH_PROFILE": "1"} if args.profile else {})}
                spawned = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "bench.coldstart", "--child", str(event_file)],  # noqa: S603
                                      cwd=REPO, env=env, capture_output=True, text=True, check=False)
                wall = (time.perf_counter() - spawned) * 1000
                found = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
                if done.returncode != 0 or not found:
                    print(done.stdout[-2000:] + done.stderr[-3000:], file=sys.stderr)
                    return 1
                if args.profile and run == 0:
                    print(done.stderr[-12000:], file=sys.stderr)
                result = json.loads(found[-1].removeprefix("RESULT "))
                result["wall"] = wall
                runs.append(result)
    finally:
        moto.stop()

    first = runs[0]
    rows = [(name, *(f"{run['split'][name]:.0f}" for run in runs),
             f"{statistics.median(run['split'][name] for run in runs):.0f}") for name in SPLIT]
    totals = [sum(run["split"].values()) for run in runs]
    rows.append(("to the first answer", *(f"{total:.0f}" for total in totals), f"{statistics.median(totals):.0f}"))
    rows.append(("process exit (wall)", *(f"{run['wall']:.0f}" for run in runs),
                 f"{statistics.median(run['wall'] for run in runs):.0f}"))
    print_table(f"Cold start of the recognition function: fresh process → first answer, ms ({len(runs)} runs; gallery "
                f"of {first['gallery_faces']} faces; models fetched from S3 (moto) into an empty cache)",
                ("part", *(f"run {n + 1}" for n in range(len(runs))), "median"), rows)
    print("interpreter = Python starting; imports = the function's code (app.app); models = detector + embedder "
          "(S3 → /tmp,\nsha256, ONNX load); liveness = its model likewise; gallery = pointer + object from S3; "
          "request = the first\nrecognition itself (its Server-Timing: " + first["server_timing"] + ").")
    median_total = statistics.median(totals) / 1000
    verdict = "met" if median_total <= GOAL_SECONDS else "NOT met"
    print(f"Goal ≤ {GOAL_SECONDS} s to the first answer: {median_total:.2f} s median — {verdict}. "
          f"First answers: {[(run['status'], run['result']) for run in runs]}")
    return 0 if all(run["status"] == 200 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

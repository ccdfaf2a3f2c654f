"""`make bench`: how fast one recognition is, stage by stage, in process and through HTTP, against the raw pipeline.

With the real models and the photos in ../shared/faces-dev (or FACES_DIR): people are enrolled from their first
photo, then face crops of their other photos (what a lobby device sends) are recognised

1. in process: through the recognition service exactly as in production, against in-process moto;
2. through HTTP: signed `POST /v1/recognitions` to a local stack (`infra.local_stack.running_stack`, run in a child
   process as `make serve` runs it: chalice's local server + moto), the stages read from each answer's
   `Server-Timing` header, the client's total beside them; one client, then `--clients` at once;
3. the raw pipeline on the same crops in the same run: decode + detect + align + embed (with its mirror), no HTTP,
   no storage, no liveness; one thread, then the best of 1…2×CPUs threads.

The issue's goal is HTTP recognitions per second ≥ 0.5× the raw pipeline's; the ratio is printed for one client
against one thread and for `--clients` clients against the raw pipeline at its best thread count. It prints
tables; it is not a test. Timings on a shared machine are noisy: read medians, run it twice.

python -m bench.recognition [--repeats N] [--http-repeats N] [--clients N] [--sizes 1000,10000,100000] [--no-http]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.engine import median, time_gallery_match
from bench.tables import print_table

REPO = Path(__file__).resolve().parents[1]
STAGES = ["auth", "decode", "detect", "align_embed", "liveness", "gallery", "match", "record"]
STACK_PASSWORD = "bench-recognition-admin"  # noqa: S105 - a throwaway local stack's admin
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
WARM_UP = 5  # requests (and raw passes) not counted: the first runs of the ONNX sessions are slow


def passage_crops(engine: Any, photo: Path, frames: int) -> list[bytes]:
    """The crops a device sends for one passage: the first as in single-crop mode, the others cut a little
    differently (the face moves a little over the pause)."""
    from tests.integration.photos import face_crop

    cuts = [(160, 1.6), (180, 1.5), (150, 1.7)][:frames]
    return [face_crop(engine, photo, side=side, margin=margin) for side, margin in cuts]


def bench_recognition(models_dir: Path, faces_dir: Path, repeats: int, frames: int = 1) -> dict[str, list[float]]:
    """Per-stage milliseconds of recognise() on device-like crops (`frames` per passage), against moto."""
    import boto3
    from moto import mock_aws

    from chamcong.access import Access, Grant, Principal
    from chamcong.container import Container, set_container
    from chamcong.errors import DomainError
    from chamcong.observability import Stopwatch
    from chamcong.schemas.devices import RecognitionRequest
    from chamcong.schemas.staff import CreateStaff
    from chamcong.schemas.units import CreateUnit
    from chamcong.services import enrolment, recognition, staff, units
    from chamcong.services.audit import Source
    from chamcong.settings import Settings
    from chamcong.store import device_secrets
    from chamcong.store.models.devices import DeviceModel
    from infra.provision import provision

    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_REGION": "ap-southeast-1", "EMBEDDING_MODEL": "mobilefacenet_128d",
                       "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true",
                       "MODEL_CACHE_DIR": tempfile.mkdtemp(prefix="bench-models-")})
    os.environ.pop("AWS_ENDPOINT_URL", None)
    stages: dict[str, list[float]] = {}
    with mock_aws():
        settings = Settings()
        provision(boto3.session.Session(), settings, models_dir)
        container = Container(settings)
        set_container(container)
        admin = Access(Principal("bench", (Grant("system_admin", None),)), units.load_tree)
        unit = units.create_unit(container, admin, CreateUnit(name="Bench"), Source())
        probes: list[list[bytes]] = []
        engine = container.engine()
        for person in sorted(p for p in faces_dir.iterdir() if p.is_dir()):
            photos = sorted(person.glob("*.jpg"))
            record = staff.create_staff(container, admin, CreateStaff(full_name=person.name, unit_id=unit["unit_id"]),
                                        Source())
            try:
                enrolment.enrol_face(container, admin, record["staff_id"],
                                     base64.b64encode(photos[0].read_bytes()).decode(), Source())
            except DomainError:  # a photo the enrolment refuses is simply not benchmarked
                continue
            probes.extend(passage_crops(engine, photo, frames) for photo in photos[1:])
        device = DeviceModel("dev_bench", name="bench", unit_id=unit["unit_id"],
                             sealed_secret=device_secrets.seal_secret(container.kms, container.settings.data_key_id,
                                                                      "dev_bench", "x"))
        device.save()
        # Captures at 07:30 on the latest morning that has passed, so every matched crop is recorded.
        now = container.clock().astimezone(container.site_windows.timezone)
        captured_at = now.replace(hour=7, minute=30, second=0, microsecond=0)
        if captured_at > now:
            captured_at -= timedelta(days=1)
        for round_number in range(repeats):
            for number, crops in enumerate(probes):
                sent = ({"image_b64": base64.b64encode(crops[0]).decode()} if len(crops) == 1 else
                        {"images_b64": [base64.b64encode(crop).decode() for crop in crops]})
                body = json.dumps({"capture_id": f"b{round_number}-{number}", "captured_at": captured_at.isoformat(),
                                   **sent}).encode()
                request = RecognitionRequest.model_validate_json(body)
                watch = Stopwatch()
                started = time.perf_counter()
                recognition.recognise(container, device, body, request, watch)
                total = (time.perf_counter() - started) * 1000
                for name, ms in watch.laps.items():
                    stages.setdefault(name, []).append(ms)
                stages.setdefault("total", []).append(total)
        # What a recognition writes, as DynamoDB bills it (bench.cost)
        from bench.cost import item_bytes
        from chamcong.store.models.attendance import EventModel
        from chamcong.store.models.devices import CaptureModel

        stages["capture_bytes"] = [item_bytes(item.to_dynamodb_dict()) for item in CaptureModel.scan()]
        stages["event_bytes"] = [item_bytes(item.to_dynamodb_dict()) for item in EventModel.scan()]
        set_container(None)
    return stages


# --- through HTTP, and the raw pipeline ------------------------------------------------------------------------


def load_engine(models_dir: Path) -> Any:
    """The local stack's detector and embedder, loaded here from the model files (no AWS)."""
    from face_engine import FaceEngine
    from face_engine.manifest import load_manifest

    detector, embedder = load_manifest("yunet_2023mar"), load_manifest("mobilefacenet_128d")
    return FaceEngine.from_paths(models_dir / detector.file_name, detector, models_dir / embedder.file_name, embedder)


def people_photos(faces_dir: Path) -> dict[str, list[Path]]:
    return {person.name: photos for person in sorted(p for p in faces_dir.iterdir() if p.is_dir())
            if len(photos := sorted(person.glob("*.jpg"))) > 1}


def raw_pipeline(engine: Any) -> Callable[[bytes], None]:
    """What the issue calls the raw OpenCV pipeline: decode, detect, align + embed (and its mirror), nothing else."""
    from face_engine import decode_image

    def run(crop: bytes) -> None:
        image = decode_image(crop)
        faces = engine.detect(image)
        if faces:
            engine.embed_faces([(image, faces[0])])

    return run


def rate(work: Callable[[bytes], Any], crops: Sequence[bytes], threads: int) -> float:
    """Crops per second through `work` on `threads` threads (after a warm-up that is not counted)."""
    for crop in crops[:WARM_UP]:
        work(crop)
    started = time.perf_counter()
    if threads == 1:
        for crop in crops:
            work(crop)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(work, crops))
    return len(crops) / (time.perf_counter() - started)


def cv2_thread_effect(raw: Callable[[bytes], None], crops: Sequence[bytes]) -> dict[str, tuple[int, float]]:
    """The raw pipeline's rate on one thread with OpenCV's own thread pool at 1 thread and at its default."""
    import cv2

    default = cv2.getNumThreads()
    found = {}
    try:
        for label, threads in (("1", 1), ("default", default)):
            cv2.setNumThreads(threads)
            found[label] = (threads, rate(raw, crops, 1))
    finally:
        cv2.setNumThreads(default)
    return found


def parse_server_timing(header: str) -> dict[str, float]:
    """`decode;dur=0.4, detect;dur=2.4, …` → {"decode": 0.4, "detect": 2.4, …}."""
    stages: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "dur" and name:
                stages[name] = stages.get(name, 0.0) + float(value)
    return stages


@dataclass
class HttpRun:
    rate: float  # recognitions per second, over the whole run
    client_ms: list[float] = field(default_factory=list)
    server: dict[str, list[float]] = field(default_factory=dict)  # Server-Timing stages, "total" included
    errors: dict[str, int] = field(default_factory=dict)


@dataclass
class Stack:
    api_url: str
    device_id: str
    secret: str
    enrolled: list[str]


@contextmanager
def stack_in_child(models_dir: Path, faces_dir: Path) -> Iterator[Stack]:
    """A local stack with everyone enrolled from their first photo and one lobby device, in a child process (the
    server is then measured as `make serve` runs it, without this process's clients in its interpreter)."""
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bench.recognition", "--serve-stack", "--models-dir", str(models_dir),
         "--faces", str(faces_dir)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdin is not None and child.stdout is not None
    try:
        ready = None
        for line in child.stdout:
            if line.startswith("READY "):
                ready = json.loads(line.removeprefix("READY "))
                break
        if ready is None:
            raise RuntimeError(f"the local stack did not start (exit {child.wait(timeout=60)})")
        yield Stack(**ready)
    finally:
        child.stdin.close()  # the child's signal to stop its stack
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.terminate()
            child.wait(timeout=30)


def serve_stack(models_dir: Path, faces_dir: Path) -> int:
    """The child of `stack_in_child`: start, enrol, print READY, serve until stdin closes, stop cleanly."""
    import requests

    from infra.local_stack import free_port, running_stack

    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    with tempfile.TemporaryDirectory(prefix="bench-recognition-") as out, \
            running_stack(free_port(), models_dir, Path(out), STACK_PASSWORD, access_log=False) as stack:
        session = requests.Session()
        token = session.post(f"{stack.api_url}/v1/auth/login", json={"username": "admin", "password": STACK_PASSWORD},
                             timeout=30).json()["token"]
        session.headers["Authorization"] = f"Bearer {token}"

        def call(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
            reply = session.request(method, f"{stack.api_url}{path}", json=body, timeout=120)
            if reply.status_code >= 300:
                raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text[:300]}")
            answer: dict[str, Any] = reply.json()
            return answer

        unit = call("POST", "/v1/units", {"name": "Đo tốc độ nhận diện"})["unit_id"]
        device = call("POST", "/v1/devices", {"name": "Camera đo", "unit_id": unit})
        enrolled = []
        for name, photos in people_photos(faces_dir).items():
            staff_id = call("POST", "/v1/staff", {"full_name": f"Cán bộ {name}", "unit_id": unit})["staff_id"]
            batch = call("POST", f"/v1/staff/{staff_id}/faces/batch",
                         {"images_b64": [base64.b64encode(photos[0].read_bytes()).decode()]})
            if int(batch["enrolled"]) > 0:
                enrolled.append(name)
        print("READY " + json.dumps({"api_url": stack.api_url, "device_id": device["device_id"],
                                     "secret": device["secret"], "enrolled": enrolled}), flush=True)
        sys.stdin.read()
    return 0


class Sender:
    """Signed recognitions as a device sends them, each thread with its own connection; keeps what came back."""

    def __init__(self, stack: Stack, prefix: str) -> None:
        import requests

        self._requests = requests
        self.stack = stack
        self.prefix = prefix
        # Yesterday at 07:20, site time: inside the check-in window and within the 7 days a capture may be late.
        self.captured_at = (datetime.now(HANOI) - timedelta(days=1)).replace(hour=7, minute=20, second=0,
                                                                            microsecond=0).isoformat()
        self.run = HttpRun(rate=0.0)
        self.counted = True
        self._lock = threading.Lock()
        self._local = threading.local()

    def __call__(self, numbered: tuple[int, bytes]) -> None:
        from chamcong import device_signature

        number, crop = numbered
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self._requests.Session()
        body = json.dumps({"capture_id": f"{self.prefix}-{number}", "captured_at": self.captured_at,
                           "image_b64": base64.b64encode(crop).decode()}).encode()
        headers = device_signature.signed_headers(self.stack.device_id, self.stack.secret, int(time.time()), body)
        started = time.perf_counter()
        reply = session.post(f"{self.stack.api_url}/v1/recognitions", data=body, headers=headers, timeout=120)
        client_ms = (time.perf_counter() - started) * 1000
        if not self.counted:
            return
        with self._lock:
            if reply.status_code != 200:
                self.run.errors[str(reply.status_code)] = self.run.errors.get(str(reply.status_code), 0) + 1
                return
            self.run.client_ms.append(client_ms)
            for name, ms in parse_server_timing(reply.headers.get("Server-Timing", "")).items():
                self.run.server.setdefault(name, []).append(ms)


def side_by_side(raw: Callable[[bytes], None], raw_threads: int, sender: Sender, clients: int,
                 crops: Sequence[bytes], block: int = 8) -> tuple[float, float]:
    """Recognitions per second of the raw pipeline and through HTTP, measured in alternating blocks of the same
    crops, so that a neighbour's load on a shared machine falls on both alike."""
    numbered = list(enumerate(crops))
    sender.counted = False
    for item in numbered[:WARM_UP]:
        sender((-1 - item[0], item[1]))
        raw(item[1])
    sender.counted = True
    raw_seconds = http_seconds = 0.0
    with ThreadPoolExecutor(raw_threads) as raw_pool, ThreadPoolExecutor(clients) as http_pool:
        for first in range(0, len(numbered), block):
            chunk = numbered[first:first + block]
            started = time.perf_counter()
            list(raw_pool.map(raw, [crop for _, crop in chunk]))
            raw_seconds += time.perf_counter() - started
            started = time.perf_counter()
            list(http_pool.map(sender, chunk))
            http_seconds += time.perf_counter() - started
    sender.run.rate = len(crops) / http_seconds
    return len(crops) / raw_seconds, sender.run.rate


def bench_http(models_dir: Path, faces_dir: Path, repeats: int, clients: int) -> float:
    """Print the stages through HTTP and the HTTP/raw ratio, sequential and concurrent; return the server's median
    time without storage (total − record), one client, in ms."""
    cpus = os.cpu_count() or 1
    with stack_in_child(models_dir, faces_dir) as stack:
        engine = load_engine(models_dir)
        photos = people_photos(faces_dir)
        crops = [passage_crops(engine, photo, 1)[0] for name in stack.enrolled for photo in photos[name][1:]] * repeats
        raw = raw_pipeline(engine)
        thread_counts = sorted({1, 2, cpus, 2 * cpus})
        raw_by_threads = {threads: rate(raw, crops, threads) for threads in thread_counts}
        cv2_threads = cv2_thread_effect(raw, crops)
        best_threads = max(raw_by_threads, key=lambda threads: raw_by_threads[threads])
        raw_one, _ = side_by_side(raw, 1, sequential_sender := Sender(stack, "seq"), 1, crops)
        raw_best, _ = side_by_side(raw, best_threads, concurrent_sender := Sender(stack, "conc"), clients, crops)
    sequential, concurrent = sequential_sender.run, concurrent_sender.run

    rows = []
    for name in [*STAGES, "total"]:
        seq, conc = sequential.server.get(name, []), concurrent.server.get(name, [])
        if seq or conc:
            rows.append((name, f"{median(seq):.1f}", f"{median(conc):.1f}"))
    outside_seq = [c - s for c, s in zip(sequential.client_ms, sequential.server.get("total", []), strict=False)]
    outside_conc = [c - s for c, s in zip(concurrent.client_ms, concurrent.server.get("total", []), strict=False)]
    rows += [("client total", f"{median(sequential.client_ms):.1f}", f"{median(concurrent.client_ms):.1f}"),
             ("client p95", f"{percentile(sequential.client_ms, 95):.1f}",
              f"{percentile(concurrent.client_ms, 95):.1f}"),
             ("outside the server", f"{median(outside_seq):.1f}", f"{median(outside_conc):.1f}")]
    print_table(f"Through HTTP (local stack in a child process; {len(crops)} signed recognitions of one ≈160 px crop "
                f"each), median ms from the Server-Timing header",
                ("stage", "1 client", f"{clients} clients"), rows)
    print("total = the server's time for the request (router + auth + stages); outside the server = client total −\n"
          "server total: HTTP, chalice's local server, the client, waiting for the interpreter. record = the capture\n"
          "put (and, when recorded, the snapshot to S3 and the event put) against moto, in its own process on the\n"
          "same 2 CPUs (botocore's signing and parsing are the product's; moto's work is the local stand-in's).")
    if sequential.errors or concurrent.errors:
        print(f"ERRORS (status: count): 1 client {sequential.errors}, {clients} clients {concurrent.errors}")

    ratio_seq = sequential.rate / raw_one
    ratio_conc = concurrent.rate / raw_best
    ratio_rows = [
        ("1 client vs 1 thread", f"{sequential.rate:.1f}", f"{raw_one:.1f}", f"{ratio_seq:.2f}×",
         "met" if ratio_seq >= 0.5 else "NOT met"),
        (f"{clients} clients vs best raw ({best_threads} threads)", f"{concurrent.rate:.1f}",
         f"{raw_best:.1f}", f"{ratio_conc:.2f}×", "met" if ratio_conc >= 0.5 else "NOT met"),
    ]
    print_table(f"Recognitions per second, HTTP vs the raw pipeline on the same crops ({cpus} CPU(s); goal ≥ 0.5×)",
                ("comparison", "HTTP /s", "raw /s", "HTTP / raw", "goal"), ratio_rows)
    print("Each pair measured in alternating blocks of 8 crops (raw, then HTTP). The best thread count was chosen\n"
          "beforehand: " + ", ".join(f"{threads}: {value:.1f}/s" for threads, value in raw_by_threads.items())
          + ". The raw pipeline has no liveness (its lap above) and no storage.")
    print("cv2.setNumThreads, raw pipeline on one thread: " + ", ".join(
        f"{'default (' + str(n) + ')' if label == 'default' else n}: {value:.1f}/s"
        for label, (n, value) in cv2_threads.items()) + ". OpenCV follows the CPUs the process may use (1 on a "
        "1,769 MB Lambda, which has one vCPU), and the embeddings are the same either way: the setting is left alone.")
    return median([t - r for t, r in zip(sequential.server.get("total", []), sequential.server.get("record", []),
                                          strict=False)])


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recognition", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="passes over the probe crops, in process")
    parser.add_argument("--http-repeats", type=int, default=2, help="passes over the probe crops, through HTTP")
    parser.add_argument("--clients", type=int, default=4, help="clients at once for the concurrent HTTP run")
    parser.add_argument("--no-http", action="store_true", help="in process only")
    parser.add_argument("--serve-stack", action="store_true", help=argparse.SUPPRESS)  # the HTTP run's child
    parser.add_argument("--sizes", default="1000,10000,100000", help="gallery sizes for 1:N matching")
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get(
        "MODELS_DIR", REPO.parent / "shared" / "models")))
    parser.add_argument("--faces", type=Path, default=Path(os.environ.get(
        "FACES_DIR", REPO.parent / "shared" / "faces-dev")))
    args = parser.parse_args(argv)
    try:
        sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes is a comma-separated list of whole numbers")
    if min(args.repeats, args.http_repeats, args.clients) < 1 or any(size < 1 for size in sizes):
        parser.error("--repeats, --http-repeats, --clients and --sizes must be positive")
    for folder in (args.models_dir, args.faces):
        if not folder.is_dir():
            parser.error(f"{folder} does not exist")
    if args.serve_stack:
        return serve_stack(args.models_dir, args.faces)

    print(f"Recognition benchmark — {os.cpu_count()} CPU(s), models mobilefacenet_128d + yunet_2023mar")
    stages = bench_recognition(args.models_dir, args.faces, args.repeats)
    passages = bench_recognition(args.models_dir, args.faces, args.repeats, frames=3)
    order = ["decode", "detect", "align_embed", "liveness", "gallery", "match", "record", "total"]
    rows = [(name, f"{median(stages.get(name, [])):.1f}", f"{median(passages.get(name, [])):.1f}",
             f"{median(passages.get(name, [])) / median(stages.get(name, [])):.2f}×" if stages.get(name) else "",
             str(len(stages.get(name, [])))) for name in order]
    print_table("One recognition: one crop (≈160 px, as a device sends it) and a passage of 3 crops (server time)",
                 ("stage", "1 crop, median ms", "3 crops, median ms", "3 / 1", "samples"), rows)
    print("gallery = the gallery in memory (its version pointer is read at most every gallery_check_seconds);\n"
          "record = the snapshot to S3, the capture put and the event put. They run against in-process moto here,\n"
          "which costs more per call than DynamoDB/S3 from a Lambda in the same region: read them as upper bounds.")
    total = median(stages["total"])
    print(f"\nFaces per second, one recognition at a time on one process: {1000 / total:.1f}")
    computing = total - median(stages["record"])
    if not args.no_http:
        computing = bench_http(args.models_dir, args.faces, args.http_repeats, args.clients)

    from bench.cost import Recognition, print_cost, wru

    captures, events = stages["capture_bytes"], stages["event_bytes"]
    print_cost(Recognition(compute_ms=computing, recorded_share=len(events) / max(len(captures), 1),
                           capture_wru=wru(median(captures)), event_wru=wru(median(events))),
               note=f"(items measured: capture {median(captures):.0f} B, event {median(events):.0f} B; computing = "
                    "the server's total minus record, " + ("in process)" if args.no_http else
                                                           "one client through HTTP)"))

    match_rows = []
    for size in sizes:
        timings = time_gallery_match(size, 128, repeats=30)
        match_rows.append((f"{size:,}", f"{median(timings):.2f}", f"{max(timings):.2f}"))
    print_table("1:N match, 128-d gallery of random unit vectors", ("gallery", "median ms", "max ms"), match_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

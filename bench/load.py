"""`make load`: the morning rush on the local stack, measured from outside, then the day checked.

A fresh local stack (moto standing in for AWS, the real chalice app): one unit of 1,000 staff with one lobby device.
Every person with photos in ../shared/faces-dev and ../shared/faces-eval is enrolled with their first usable photo;
the rest of the 1,000 are staff without faces. Then 1,000 arrivals over a compressed morning (their captured_at
spread over 06:30-07:59 of the last working day), in bursts of 10 at once: each arrival is one passage of 3 crops
cut from a photo of an enrolled person that was not enrolled, as the edge cuts them (1.6× the face box, at most
320 px, the box jittered from frame to frame, sensor noise, JPEG q92), in the body the edge uploader sends, signed
like it. About 5 % of captures are sent twice at the same moment (a retry racing the first). Like the uploader, a
client retries after a network error, a 5xx or a 409 `capture_in_progress` until it gets a 2xx.

Printed: latency percentiles, throughput, errors, lost captures, captures counted twice, latency by tenth of the
run (it should stay flat), and the split of the time: what the server says it spent (`Server-Timing`: compute
stages, `record` = storage, here moto) against the rest (HTTP, queueing, the client). Then the day is checked:
every capture answered 200 has its capture record; events = answers that said recorded; no capture id has two
events; the unit's day (GET /v1/attendance/days) shows every person whose arrival was recorded as present.

Exit status 1 when a goal is missed (p99 ≤ 1 s, 0 errors, 0 lost, 0 counted twice, the day consistent).

python -m bench.load [--arrivals 1000] [--staff 1000] [--burst 10] [--frames 3] [--duplicates 0.05] [--pause S]
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import contextlib
import http.client
import json
import math
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import numpy as np
import requests

from bench.tables import print_table

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PHOTO_SETS = (SHARED / "faces-dev", SHARED / "faces-eval" / "asian-celeb29", SHARED / "faces-eval" / "glint-celeb24")
PASSWORD = "load-admin-password"  # noqa: S105 - a throwaway local stack's admin
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING_START, MORNING_MINUTES = (6, 30), 89  # captured_at from 06:30 to 07:59, inside the check-in window
PROBES_PER_PERSON = 6  # photos of one person kept for the arrivals (a person arrives from one of these)
TIGHT_PX = 160  # a photo this small is already a face crop (glint-celeb24: 112×112): sent as it is, with noise
RETRIES = 8  # attempts of one request before its capture counts as lost
GOAL_P99_MS = 1000.0
COMPUTE_STAGES = ("decode", "detect", "align_embed", "liveness", "match")
STORAGE_STAGES = ("auth", "gallery", "record")  # the device check, the gallery's pointer (and reload), the writes


@dataclass(frozen=True)
class Arrival:
    number: int
    capture_id: str
    staff_id: str
    captured_at: str
    crops: tuple[bytes, ...]
    body: bytes  # what the edge uploader sends for these crops
    twice: bool  # sent twice at once: a retry racing the first


@dataclass
class Sent:
    """One capture's requests (two for a racing retry) and what came back."""

    arrival: Arrival
    answers: list[dict[str, Any]] = field(default_factory=list)  # the 200 answers
    statuses: list[int] = field(default_factory=list)  # every answer's status, retries included (0: no answer)


@dataclass
class Request:
    started: float  # seconds since the run began
    ms: float
    status: int
    code: str | None
    timing: dict[str, float]  # Server-Timing, ms per entry (empty when the server sends none)


@dataclass
class Run:
    requests: list[Request] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def parse_server_timing(header: str | None) -> dict[str, float]:
    """`name;dur=ms, name;desc="…";dur=ms, …` → {name: ms}; entries without a duration are left out."""
    timing: dict[str, float] = {}
    outside_quotes = r'(?=(?:[^"]*"[^"]*")*[^"]*$)'  # a separator not inside a quoted desc="…"
    for entry in re.split("," + outside_quotes, header or ""):
        name, *params = (part.strip() for part in re.split(";" + outside_quotes, entry))
        for param in params:
            key, _, value = param.partition("=")
            if name and key.strip().lower() == "dur":
                with contextlib.suppress(ValueError):
                    timing[name] = timing.get(name, 0.0) + float(value.strip().strip('"'))
    return timing


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else math.nan


def last_working_day(today: date) -> date:
    """The last Monday-to-Friday before today: captures may be up to 7 days late, and none is in the future."""
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


# --- the district and its photos ------------------------------------------------------------------------------

class Admin:
    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        token = self.session.post(f"{base}/v1/auth/login", json={"username": "admin", "password": PASSWORD},
                                  timeout=30).json()["token"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        reply = self.session.request(method, f"{self.base}{path}", timeout=120, **kwargs)
        if reply.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text[:300]}")
        return dict(reply.json())


def people_with_photos(sets: Sequence[Path]) -> list[tuple[str, list[Path]]]:
    people = []
    for folder in sets:
        if not folder.is_dir():
            continue
        for person in sorted(p for p in folder.iterdir() if p.is_dir()):
            found = sorted(p for p in person.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
            if len(found) >= 2:  # one to enrol, at least one to arrive with
                people.append((f"{folder.name}/{person.name}", found))
    return people


class Crops:
    """Passages of one probe photo as the edge would send them: every call a new pause in front of the camera."""

    def __init__(self, engine: Any, path: Path) -> None:
        from face_engine import decode_image

        self.frame = decode_image(path.read_bytes())
        self.tight = max(self.frame.shape[:2]) <= TIGHT_PX
        faces = [] if self.tight else engine.detect(self.frame)
        self.face = faces[0] if faces else None

    @property
    def usable(self) -> bool:
        return self.tight or self.face is not None

    def passage(self, frames: int, rng: np.random.Generator) -> list[bytes]:
        from bench.liveness import EDGE_JPEG, edge_crop, jittered, noisy
        from face_engine import encode_jpeg

        if self.tight:
            return [encode_jpeg(noisy(self.frame, rng), EDGE_JPEG) for _ in range(frames)]
        assert self.face is not None
        return [encode_jpeg(edge_crop(self.frame, jittered(self.face, rng), rng=rng), EDGE_JPEG)
                for _ in range(frames)]


def build_district(api: Admin, engine: Any, staff_count: int,
                   sets: Sequence[Path]) -> tuple[str, str, str, dict[str, list[Crops]], int]:
    """The unit, its device, its staff; every person with photos enrolled. Returns the unit, the device's id and
    secret, the probe photos of each enrolled staff id, and how many people the enrolment refused."""
    unit = str(api.call("POST", "/v1/units", json={"name": "UBND huyện Giờ Cao Điểm"})["unit_id"])
    device = api.call("POST", "/v1/devices", json={"name": "Camera sảnh chính", "unit_id": unit})
    people = people_with_photos(sets)[:staff_count]

    def create(number: int) -> str:
        record = api.call("POST", "/v1/staff", json={"full_name": f"Cán bộ số {number + 1:04d}", "unit_id": unit})
        return str(record["staff_id"])

    # One by one, four at a time (the spreadsheet import of 1,000 rows is slower on moto: its queries scan).
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        staff_ids = list(pool.map(create, range(staff_count)))

    def enrol(item: tuple[str, tuple[str, list[Path]]]) -> tuple[str, list[Crops] | None]:
        staff_id, (_name, paths) = item
        for index, path in enumerate(paths[:-1]):  # the first usable photo; at least one is kept to arrive with
            image = base64.b64encode(path.read_bytes()).decode()
            batch = api.call("POST", f"/v1/staff/{staff_id}/faces/batch", json={"images_b64": [image]})
            if int(batch["enrolled"]) > 0:
                crops = [Crops(engine, probe) for probe in paths[index + 1:][:PROBES_PER_PERSON]]
                return staff_id, [c for c in crops if c.usable] or None
        return staff_id, None

    probes: dict[str, list[Crops]] = {}
    refused = 0
    # One at a time: two enrolments at once can publish the same gallery version object (see the report of
    # issue 15: store/gallery.py names a version's object by its number alone).
    for staff_id, crops in map(enrol, zip(staff_ids, people, strict=False)):
        if crops:
            probes[staff_id] = crops
        else:
            refused += 1
    return unit, str(device["device_id"]), str(device["secret"]), probes, refused


def plan_arrivals(probes: dict[str, list[Crops]], count: int, frames: int, duplicates: float, day: date,
                  seed: int) -> list[Arrival]:
    from edge_uploader.wire import recognition_body

    chooser = random.Random(seed)
    people = sorted(probes)
    start = datetime(day.year, day.month, day.day, *MORNING_START, tzinfo=HANOI)
    who = [people[n % len(people)] if n < len(people) else chooser.choice(people) for n in range(count)]
    photo = [chooser.choice(probes[staff_id]) for staff_id in who]
    twice = [chooser.random() < duplicates for _ in range(count)]

    def arrival(number: int) -> Arrival:
        crops = photo[number].passage(frames, np.random.default_rng([seed, number]))
        moment = (start + timedelta(seconds=MORNING_MINUTES * 60 * number / count)).isoformat(timespec="seconds")
        capture_id = f"rush-{number:05d}"
        return Arrival(number, capture_id, who[number], moment, tuple(crops),
                       recognition_body(capture_id, moment, crops), twice[number])

    with concurrent.futures.ThreadPoolExecutor(2) as pool:  # OpenCV lets go of the interpreter while it works
        arrivals = list(pool.map(arrival, range(count)))
    chooser.shuffle(arrivals)  # who comes when does not follow the order people were enrolled in
    return arrivals


# --- the rush -------------------------------------------------------------------------------------------------

def post(api_url: str, device_id: str, secret: str, sent: Sent, run: Run, began: float) -> None:
    """One request of a capture, retried as the uploader retries, until a 2xx (or RETRIES attempts)."""
    from chamcong import device_signature

    target = urlsplit(api_url)
    body = sent.arrival.body
    for attempt in range(RETRIES):
        headers = device_signature.signed_headers(device_id, secret, int(time.time()), body)
        started = time.perf_counter()
        status, code, timing, answer = 0, None, {}, None
        try:
            connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
            try:
                connection.request("POST", "/v1/recognitions", body=body, headers=headers)
                reply = connection.getresponse()
                data = reply.read()
                status = reply.status
                timing = parse_server_timing(reply.getheader("Server-Timing"))
            finally:
                connection.close()
            parsed = json.loads(data) if data else {}
            code = parsed.get("code") if status >= 300 else None
            answer = parsed if 200 <= status < 300 else None
        except (OSError, http.client.HTTPException, ValueError):
            status = 0
        ms = (time.perf_counter() - started) * 1000
        with run.lock:
            run.requests.append(Request(started - began, ms, status, code, timing))
            sent.statuses.append(status)
            if answer is not None:
                sent.answers.append(answer)
        if answer is not None or (400 <= status < 500 and not (status == 409 and code == "capture_in_progress")):
            return  # delivered, or refused for good (counted as an error)
        time.sleep(min(0.1 * 2 ** attempt, 2.0) * random.uniform(0.5, 1.0))


def warm_up(api_url: str, device_id: str, secret: str, arrivals: Sequence[Arrival], burst: int) -> None:
    """One burst at noon (outside both windows: matched, nothing recorded), not counted: the first answers of a
    fresh stack pay for lazy loading (the gallery, the liveness model), which `make bench` measures as cold start."""
    from edge_uploader.wire import recognition_body

    noon = datetime.fromisoformat(arrivals[0].captured_at).replace(hour=12, minute=0).isoformat()
    warm = [replace(arrival, capture_id=f"warm-{n}", body=recognition_body(f"warm-{n}", noon, arrival.crops),
                    twice=False) for n, arrival in enumerate(arrivals[:burst])]
    rush(api_url, device_id, secret, warm, burst, 0.0)


def rush(api_url: str, device_id: str, secret: str, arrivals: Sequence[Arrival], burst: int, pause: float) -> Run:
    run = Run()
    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(burst * 2) as pool:
        for first in range(0, len(arrivals), burst):
            futures = []
            for arrival in arrivals[first:first + burst]:
                sent = Sent(arrival)
                run.sent.append(sent)
                for _ in range(2 if arrival.twice else 1):
                    futures.append(pool.submit(post, api_url, device_id, secret, sent, run, began))
            for future in futures:
                future.result()
            if pause:
                time.sleep(pause)
    run.seconds = time.perf_counter() - began
    return run


# --- the day afterwards ---------------------------------------------------------------------------------------

def check_day(api: Admin, unit_id: str, device_id: str, run: Run, day: date) -> tuple[list[str], int]:
    """What is wrong with the recorded day, as sentences (empty: every answer and the day agree), and how many
    capture ids have more than one event."""
    from chamcong.store.models.attendance import EventModel
    from chamcong.store.models.devices import CaptureModel

    problems: list[str] = []
    captures = {capture.capture_id: capture for capture in CaptureModel.query(device_id)}
    answered = [sent for sent in run.sent if sent.answers]
    missing = [sent.arrival.capture_id for sent in answered if sent.arrival.capture_id not in captures]
    if missing:
        problems.append(f"{len(missing)} captures answered 200 have no capture record, e.g. {missing[:3]}")
    events = [event for event in EventModel.scan() if event.device_id == device_id]
    per_capture = Counter(event.capture_id for event in events)
    doubled = sorted(capture_id for capture_id, n in per_capture.items() if n > 1)
    if doubled:
        problems.append(f"{len(doubled)} capture ids have two events or more, e.g. {doubled[:3]}")
    recorded = {sent.arrival.capture_id: sent.answers[0] for sent in answered if sent.answers[0].get("recorded")}
    if set(per_capture) != set(recorded):
        problems.append(f"events ({len(per_capture)} captures) ≠ answers that said recorded ({len(recorded)}): "
                        f"{len(set(per_capture) - set(recorded))} events without such an answer, "
                        f"{len(set(recorded) - set(per_capture))} such answers without an event")
    wrong = [event.capture_id for event in events
             if event.capture_id in recorded and recorded[event.capture_id]["staff_id"] != event.staff_id]
    if wrong:
        problems.append(f"{len(wrong)} events are for another person than the answer said, e.g. {wrong[:3]}")
    arrived = {str(answer["staff_id"]) for answer in recorded.values()}
    rows = api.call("GET", "/v1/attendance/days", params={"unit_id": unit_id, "date": day.isoformat()})["days"]
    present = {row["staff_id"] for row in rows if row["check_in"] is not None and row["status"] != "absent"}
    absent = sorted(arrived - present)
    if absent:
        problems.append(f"{len(absent)} people whose arrival was recorded are not present on the unit's day")
    return problems, len(doubled)


# --- the figures ----------------------------------------------------------------------------------------------

@dataclass
class Tally:
    errors: int
    lost: int
    doubled: int
    retried: int
    told_to_retry: int
    results: Counter[str]
    people_recognised: int
    people_sent: int


def tally(run: Run) -> Tally:
    errors = sum(1 for r in run.requests
                 if not 200 <= r.status < 300 and not (r.status == 409 and r.code == "capture_in_progress"))
    told = sum(1 for r in run.requests if r.status == 409 and r.code == "capture_in_progress")
    lost = sum(1 for sent in run.sent if not sent.answers)
    doubled = 0
    results: Counter[str] = Counter()
    recognised: set[str] = set()
    for sent in run.sent:
        if not sent.answers:
            continue
        first = sent.answers[0]
        results[str(first.get("result"))] += 1
        if first.get("recorded") and first.get("staff_id") == sent.arrival.staff_id:
            recognised.add(sent.arrival.staff_id)
        keys = {(a.get("result"), a.get("staff_id"), a.get("event"), a.get("recorded")) for a in sent.answers}
        doubled += int(len(keys) > 1)  # two answers to one capture that disagree
    retried = sum(max(0, len(sent.statuses) - (2 if sent.arrival.twice else 1)) for sent in run.sent)
    return Tally(errors, lost, doubled, retried, told, results, len(recognised),
                 len({sent.arrival.staff_id for sent in run.sent}))


def report(run: Run, arrivals: int, burst: int, frames: int, problems: list[str], counted_twice: int,
           goal_p99_ms: float = GOAL_P99_MS) -> bool:
    """Print the figures; True when every goal is met."""
    ms = [r.ms for r in run.requests]
    facts = tally(run)
    doubled = facts.doubled + counted_twice
    ok_requests = [r for r in run.requests if 200 <= r.status < 300]
    p99 = percentile(ms, 99)
    rows = [
        ("arrivals (captures)", f"{arrivals} in bursts of {burst}, {frames} crop(s) each; "
                                f"{sum(s.arrival.twice for s in run.sent)} sent twice at once"),
        ("requests", f"{len(run.requests)} ({facts.retried} retries after an error or a 409 capture_in_progress)"),
        ("latency ms p50 / p95 / p99 / max", f"{percentile(ms, 50):.0f} / {percentile(ms, 95):.0f} / {p99:.0f} / "
                                            f"{max(ms, default=math.nan):.0f}"),
        ("throughput", f"{len(ok_requests) / run.seconds:.1f} answers/s, {arrivals / run.seconds:.1f} arrivals/s, "
                       f"{arrivals * frames / run.seconds:.0f} crops/s over {run.seconds:.1f} s"),
        ("errors (non-2xx, not 'retry me')", str(facts.errors)),
        ("409 capture_in_progress (retried)", str(facts.told_to_retry)),
        ("lost (no 2xx in the end)", str(facts.lost)),
        ("counted twice", str(doubled)),
        ("answers", ", ".join(f"{name} {n}" for name, n in sorted(facts.results.items()))),
        ("people recognised / arrived", f"{facts.people_recognised} / {facts.people_sent}"),
    ]
    print_table("The morning rush, measured from outside (one client process, the local stack in it)",
                ("", "figure"), rows)

    ordered = sorted(run.requests, key=lambda r: r.started)
    tenths = []
    for tenth in range(10):
        part = [r.ms for r in ordered[len(ordered) * tenth // 10:len(ordered) * (tenth + 1) // 10]]
        tenths.append((f"{tenth + 1}", str(len(part)), f"{percentile(part, 50):.0f}", f"{percentile(part, 95):.0f}",
                       f"{max(part, default=math.nan):.0f}"))
    print_table("Latency by tenth of the run (flat: no climb as the tables grow)",
                ("tenth", "requests", "p50 ms", "p95 ms", "max ms"), tenths)

    timed = [r for r in ok_requests if "total" in r.timing]
    if timed:
        order = (*COMPUTE_STAGES, *STORAGE_STAGES)
        stages = sorted({name for r in timed for name in r.timing} - {"total"},
                        key=lambda n: (order.index(n) if n in order else len(order), n))
        client = float(np.mean([r.ms for r in timed]))
        server = float(np.mean([r.timing["total"] for r in timed]))
        compute = float(np.mean([sum(v for k, v in r.timing.items() if k in COMPUTE_STAGES) for r in timed]))
        storage = float(np.mean([sum(v for k, v in r.timing.items() if k in STORAGE_STAGES) for r in timed]))
        split = [(name, f"{np.mean([r.timing.get(name, 0.0) for r in timed]):.1f}",
                 "compute" if name in COMPUTE_STAGES else "storage (moto here)" if name in STORAGE_STAGES
                 else "server, other") for name in stages]
        split += [("server total", f"{server:.1f}", "Server-Timing total"),
                  ("  of which compute", f"{compute:.1f}", f"{100 * compute / client:.0f} % of the client's time "
                                                            "(the product's own cost)"),
                  ("  of which storage", f"{storage:.1f}", f"{100 * storage / client:.0f} % (the local stand-in's "
                                                            "cost here, not DynamoDB's or S3's)"),
                  ("rest: HTTP, queueing", f"{client - server:.1f}",
                   f"{100 * (client - server) / client:.0f} % (the local server's threads, waiting behind the "
                   "burst, the client)"),
                  ("client total", f"{client:.1f}", f"{len(timed)} answers with Server-Timing")]
        print_table("Where the time goes (mean ms per 200 answer)", ("stage", "ms", "what"), split)
    else:
        print("\nNo Server-Timing header in the answers: the split of the server's time is not available.")

    print("\nThe day afterwards: " + ("every answer, capture record, event and the unit's day agree."
                                      if not problems else ""))
    for problem in problems:
        print(f"  ✗ {problem}")
    goals = [(f"p99 ≤ {goal_p99_ms:.0f} ms", p99 <= goal_p99_ms, f"{p99:.0f} ms"),
             ("0 errors", facts.errors == 0, str(facts.errors)), ("0 lost", facts.lost == 0, str(facts.lost)),
             ("0 counted twice", doubled == 0, str(doubled)),
             ("the day checks out", not problems, f"{len(problems)} problem(s)")]
    print_table("Goals", ("goal", "met", "measured"), [(g, "yes" if met else "NO", m) for g, met, m in goals])
    return all(met for _, met, _ in goals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arrivals", type=int, default=1000, help="captures (people arriving); default 1000")
    parser.add_argument("--staff", type=int, default=1000, help="staff of the unit, with or without faces")
    parser.add_argument("--burst", type=int, default=10, help="arrivals sent at once; default 10")
    parser.add_argument("--frames", type=int, default=3, choices=(1, 2, 3), help="crops per passage; default 3")
    parser.add_argument("--duplicates", type=float, default=0.05, help="share of captures sent twice at once")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between bursts (0: the next burst "
                                                                  "leaves when the last is answered)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--goal-p99-ms", type=float, default=GOAL_P99_MS, help=argparse.SUPPRESS)  # tests: noisy
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get("MODELS_DIR", SHARED / "models")))
    parser.add_argument("--photos", default=",".join(str(p) for p in PHOTO_SETS),
                        help="comma-separated folders of people's photos (one folder per person)")
    args = parser.parse_args(argv)
    if args.arrivals < 1 or args.burst < 1 or args.staff < 1 or not 0 <= args.duplicates <= 1 or args.pause < 0:
        parser.error("--arrivals, --burst and --staff must be positive, --duplicates in 0..1, --pause ≥ 0")
    sets = [Path(p.strip()) for p in args.photos.split(",") if p.strip()]
    if not args.models_dir.is_dir() or not any(s.is_dir() for s in sets):
        parser.error(f"models ({args.models_dir}) or photos ({args.photos}) not found (set MODELS_DIR)")

    from chamcong.container import get_container
    from infra.local_stack import free_port, running_stack

    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    day = last_working_day(datetime.now(HANOI).date())
    with tempfile.TemporaryDirectory(prefix="bench-load-") as out, \
            running_stack(free_port(), args.models_dir, Path(out), PASSWORD, access_log=False) as stack:
        started = time.monotonic()
        api = Admin(stack.api_url)
        engine = get_container().engine()  # the stack's own detector, to cut the crops as the edge would
        unit, device_id, secret, probes, refused = build_district(api, engine, args.staff, sets)
        district_seconds = time.monotonic() - started
        if not probes:
            print("nobody could be enrolled from the photos given", file=sys.stderr)
            return 1
        arrivals = plan_arrivals(probes, args.arrivals, args.frames, args.duplicates, day, args.seed)
        print(f"Local stack at {stack.api_url}: 1 unit, {args.staff} staff, {len(probes)} enrolled "
              f"({refused} refused by the enrolment), 1 device; {len(arrivals)} arrivals on {day:%d/%m/%Y} "
              f"prepared in {time.monotonic() - started:.0f} s (the district {district_seconds:.0f} s). The rush …",
              flush=True)
        warm_up(stack.api_url, device_id, secret, arrivals, args.burst)
        run = rush(stack.api_url, device_id, secret, arrivals, args.burst, args.pause)
        problems, counted_twice = check_day(api, unit, device_id, run, day)
    met = report(run, len(arrivals), args.burst, args.frames, problems, counted_twice, args.goal_p99_ms)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

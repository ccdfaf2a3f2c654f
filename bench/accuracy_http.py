"""Recognition accuracy as an outsider measures it: through the HTTP API of the local stack.

For each photo set and each number of enrolment photos (1 and 3), a fresh local stack: two people in three are
enrolled through `POST /v1/staff/{id}/faces/batch` with their first photos, the third person of every three is a
stranger. Every other photo then passes the lobby as a signed `POST /v1/recognitions` — a camera-like crop (1.6×
the face box, at most 320 px, JPEG q92, as the edge uploader cuts it) of the photo, or the photo itself when it is
already a tight face crop (glint-celeb24). One photo is one passage of one frame: these are still photos of
different days, not frames of one pause (the frames of a pause are measured by bench.accuracy).

Counted, per passage: genuine ones recognised as their own person, given to **another** person, and strangers
matched to anyone; people the enrolment refused entirely count as not recognised on every passage.

python -m bench.accuracy_http [--sets faces-dev,asian-celeb29,glint-celeb24] [--enrol 1,3] [--every N]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import requests

from bench.tables import print_table
from face_engine import FaceEngine, InvalidImage, decode_image, encode_jpeg

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SETS = {"faces-dev": SHARED / "faces-dev", "asian-celeb29": SHARED / "faces-eval" / "asian-celeb29",
        "glint-celeb24": SHARED / "faces-eval" / "glint-celeb24"}
TIGHT_CROPS = {"glint-celeb24"}  # already 112×112 aligned faces: sent as they are
PASSWORD = "bench-admin-password"  # noqa: S105 - a throwaway local stack's admin
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Tally:
    people: int = 0
    strangers: int = 0
    refused_people: int = 0
    genuine: int = 0
    recognised: int = 0
    wrong_person: int = 0
    stranger_passages: int = 0
    strangers_matched: int = 0
    refused_as_spoofs: int = 0  # photos judged not live (web photos are photos of photos; tight crops lack context)
    other_results: dict[str, int] = field(default_factory=dict)
    ms: list[float] = field(default_factory=list)


def photos(folder: Path) -> dict[str, list[Path]]:
    found = {person.name: sorted(p for p in person.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
             for person in sorted(folder.iterdir()) if person.is_dir()}
    return {name: paths for name, paths in found.items() if paths}


def camera_crop(engine: FaceEngine, path: Path) -> bytes | None:
    """What a lobby device sends for this photo: its largest face cut as the edge uploader cuts it, JPEG q92."""
    from bench.liveness import EDGE_JPEG
    from edge_uploader.detector import Face
    from edge_uploader.passages import crop_face

    try:
        image = decode_image(path.read_bytes())
    except InvalidImage:
        return None
    faces = engine.detect(image)
    if not faces:
        return None
    return encode_jpeg(crop_face(image, Face(faces[0].box, faces[0].landmarks, faces[0].score)), EDGE_JPEG)


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        token = self.session.post(f"{base}/v1/auth/login", json={"username": "admin", "password": PASSWORD},
                                  timeout=30).json()["token"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs: object) -> dict[str, object]:
        reply = self.session.request(method, f"{self.base}{path}", timeout=120, **kwargs)  # type: ignore[arg-type]
        if reply.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text[:300]}")
        return dict(reply.json())


def run_config(folder: Path, set_name: str, enrol_count: int, every: int, models_dir: Path) -> Tally:
    from chamcong import device_signature
    from chamcong.container import get_container
    from infra.local_stack import free_port, running_stack

    people = photos(folder)
    names = sorted(people)
    strangers = set(names[2::3])
    tally = Tally(people=len(names) - len(strangers), strangers=len(strangers))
    with tempfile.TemporaryDirectory(prefix="bench-http-") as out, \
            running_stack(free_port(), models_dir, Path(out), PASSWORD, access_log=False) as stack:
        api = Client(stack.api_url)
        engine = get_container().engine()  # the stack's own detector, loaded in this process
        unit = api.call("POST", "/v1/units", json={"name": f"Đo độ chính xác {set_name}"})["unit_id"]
        device = api.call("POST", "/v1/devices", json={"name": "Camera đo", "unit_id": unit})
        device_id, secret = str(device["device_id"]), str(device["secret"])
        staff_of: dict[str, str] = {}
        for name in names:
            if name in strangers:
                continue
            record = api.call("POST", "/v1/staff", json={"full_name": f"Cán bộ {name}", "unit_id": unit})
            staff_of[name] = str(record["staff_id"])
            enrolment = [base64.b64encode(path.read_bytes()).decode() for path in people[name][:enrol_count]]
            batch = api.call("POST", f"/v1/staff/{staff_of[name]}/faces/batch", json={"images_b64": enrolment})
            if int(str(batch["enrolled"])) == 0:
                tally.refused_people += 1
        number = 0
        # Yesterday at 07:20, site time: inside the check-in window and within the 7 days a capture may be late.
        captured_at = (datetime.now(HANOI) - timedelta(days=1)).replace(hour=7, minute=20, second=0, microsecond=0)
        for name in names:
            probes = people[name] if name in strangers else people[name][enrol_count:]
            for path in probes[::every]:
                crop = path.read_bytes() if set_name in TIGHT_CROPS else camera_crop(engine, path)
                stranger = name in strangers
                if crop is None:  # the device would not even have sent it: a missed passage
                    if not stranger:
                        tally.genuine += 1
                    continue
                number += 1
                body = json.dumps({"capture_id": f"p{number}", "captured_at": captured_at.isoformat(),
                                   "image_b64": base64.b64encode(crop).decode()}).encode()
                started = time.perf_counter()
                reply = requests.post(f"{stack.api_url}/v1/recognitions", data=body, timeout=120,
                                      headers=device_signature.signed_headers(device_id, secret, int(time.time()),
                                                                              body))
                tally.ms.append((time.perf_counter() - started) * 1000)
                answer = reply.json()
                result = str(answer.get("result", f"http_{reply.status_code}"))
                matched = result == "matched"
                if stranger:
                    tally.stranger_passages += 1
                    tally.strangers_matched += int(matched)
                else:
                    tally.genuine += 1
                    tally.recognised += int(matched and answer.get("staff_id") == staff_of[name])
                    tally.wrong_person += int(matched and answer.get("staff_id") != staff_of[name])
                tally.refused_as_spoofs += int(result == "spoof_suspected")
                if not matched:
                    tally.other_results[result] = tally.other_results.get(result, 0) + 1
                if reply.status_code != 200:
                    raise RuntimeError(f"recognition answered {reply.status_code}: {answer}")
    return tally


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy_http", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    parser.add_argument("--enrol", default="1,3", help="enrolment photos per person, comma-separated")
    parser.add_argument("--every", type=int, default=1, help="send every Nth probe photo (1: all)")
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get("MODELS_DIR", SHARED / "models")))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # SET:COUNT, run in a child process (moto is per process)
    args = parser.parse_args(argv)
    if args.one:
        set_name, count = args.one.split(":")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
        tally = run_config(SETS[set_name], set_name, int(count), args.every, args.models_dir)
        print("RESULT " + json.dumps(asdict(tally)))
        return 0
    chosen = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SETS]
    if unknown or not chosen:
        parser.error(f"unknown photo set(s) {unknown}; choose from {', '.join(SETS)}")
    try:
        counts = [int(value) for value in args.enrol.split(",")]
    except ValueError:
        parser.error("--enrol is a comma-separated list of whole numbers")
    if any(not 1 <= count <= 5 for count in counts) or args.every < 1:
        parser.error("--enrol takes 1 to 5 photos; --every must be positive")
    missing = [str(SETS[name]) for name in chosen if not SETS[name].is_dir()]
    if missing or not args.models_dir.is_dir():
        parser.error(f"not found: {', '.join(missing + ([] if args.models_dir.is_dir() else [str(args.models_dir)]))}")
    rows = []
    for set_name in chosen:
        for count in counts:
            started = time.monotonic()
            # One stack per configuration, each in its own process: moto keeps its tables per process.
            child = subprocess.run([sys.executable, "-m", "bench.accuracy_http", "--one", f"{set_name}:{count}",  # noqa: S603
                                    "--every", str(args.every), "--models-dir", str(args.models_dir)],
                                   cwd=REPO, capture_output=True, text=True, check=False)
            found = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
            if child.returncode != 0 or not found:
                print(child.stdout[-2000:] + child.stderr[-3000:], file=sys.stderr)
                return 1
            tally = Tally(**json.loads(found[-1].removeprefix("RESULT ")))
            rows.append((set_name, str(count), f"{tally.people} + {tally.strangers}",
                         f"{tally.refused_people}",
                         f"{tally.recognised}/{tally.genuine} ({_pct(tally.recognised, tally.genuine)})",
                         str(tally.wrong_person),
                         f"{tally.strangers_matched}/{tally.stranger_passages} "
                         f"({_pct(tally.strangers_matched, tally.stranger_passages)})",
                         str(tally.refused_as_spoofs),
                         f"{float(np.median(tally.ms)) if tally.ms else float('nan'):.0f}",
                         f"{time.monotonic() - started:.0f}"))
            print(f"  {set_name}, {count} enrolment photo(s): done in {time.monotonic() - started:.0f} s; "
                  f"not matched: {tally.other_results}", flush=True)
    print_table("Through the HTTP API of the local stack: one photo = one passage of one frame (targets, 1 photo: "
                 "≥ 95 % recognised, 0 wrong person, ≤ 0.1 % strangers; 3 photos: ≥ 98 %)",
                 ("set", "enrolled photos", "people + strangers", "people refused", "genuine recognised",
                  "wrong person", "strangers matched", "passages refused as spoofs", "median ms", "s"), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make demo`: a working day on the local stack, through the HTTP API, with real photos.

Starts the local stack, creates a small district, enrols most people from the photo folder (one photo
each), keeps a few as strangers, registers a lobby device, then sends every other photo as a signed
capture in the morning window and again in the evening window of the most recent working day. Prints
per person the check-in and check-out times, the strangers counted as unknown, and the recognition
rate; writes a short report and the evidence snapshots under the output folder.

python -m infra.demo [--faces DIR] [--models-dir DIR] [--out DIR] [--strangers N]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from chamcong import wire
from infra.local_stack import DEFAULT_MODELS_DIR, REPO, free_port, running_stack

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = ["Phòng Nội vụ", "Văn phòng HĐND và UBND", "Phòng Tài chính - Kế hoạch"]
# Demo names for the photo folders (the photos are public test photos; the names are invented).
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức", "Vũ Thị Hà",
         "Đặng Quốc Hùng", "Bùi Thị Lan", "Đỗ Văn Long", "Hồ Thị Mai", "Ngô Đức Nam", "Dương Thị Oanh",
         "Lý Văn Phúc", "Đinh Thị Quyên", "Mai Xuân Sơn", "Tạ Thị Thảo", "Lò Văn Tuấn", "Hà Thị Uyên"]


@dataclass
class Person:
    folder: str
    full_name: str
    photos: list[Path]
    staff_id: str | None = None
    results: dict[str, list[dict[str, object]]] = field(default_factory=lambda: {"morning": [], "evening": []})


def last_working_day(today: date) -> date:
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def call(self, method: str, path: str, expected: int, **kwargs: object) -> dict[str, object]:
        reply = self.session.request(method, self.base + path, timeout=120, **kwargs)  # type: ignore[arg-type]
        if reply.status_code != expected:
            raise RuntimeError(f"{method} {path} → {reply.status_code}: {reply.text[:300]}")
        return dict(reply.json()) if reply.content else {}


def run_day(api: Client, people: list[Person], strangers: list[Person], device: dict[str, object],
            day: date) -> None:
    """Each photo except the enrolment one passes the lobby camera in the morning and again at night."""
    windows = {"morning": (7, 5), "evening": (17, 2)}
    for number, person in enumerate(people + strangers):
        probes = person.photos[1:] if person.staff_id else person.photos
        for window, (hour, minute) in windows.items():
            for index, photo in enumerate(probes):
                moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI) + timedelta(
                    minutes=2 * number, seconds=7 * index)
                body = json.dumps({"capture_id": f"demo-{day}-{window}-{person.folder}-{index}",
                                   "captured_at": moment.isoformat(),
                                   "image_b64": base64.b64encode(photo.read_bytes()).decode()}).encode()
                headers = wire.signed_headers(str(device["device_id"]), str(device["secret"]), int(time.time()), body)
                answer = api.call("POST", "/v1/recognitions", 200, data=body, headers=headers)
                person.results[window].append(answer)


def report(people: list[Person], strangers: list[Person], day: date) -> tuple[str, float]:
    lines = [f"Ngày làm việc / working day {day.isoformat()} (Asia/Ho_Chi_Minh)", "",
             f"{'Cán bộ / staff':<34} {'ảnh':>4} {'giờ đến':>8} {'giờ về':>8}  nhận diện / recognised"]
    recognised = total = 0
    for person in people:
        times = {}
        ok = 0
        for window, answers in person.results.items():
            mine = [a for a in answers if a["result"] == "matched" and a["staff_id"] == person.staff_id]
            ok += len(mine)
            recorded = sorted(str(a["captured_at_local"])[11:16] for a in mine if a["recorded"])
            times[window] = (recorded[0] if window == "morning" else recorded[-1]) if recorded else "—"
        count = sum(len(answers) for answers in person.results.values())
        recognised, total = recognised + ok, total + count
        lines.append(f"{person.full_name:<34} {count:>4} {times['morning']:>8} {times['evening']:>8}  {ok}/{count}")
    lines.append("")
    unknown = sum(1 for s in strangers for answers in s.results.values() for a in answers if a["result"] == "unknown")
    wrongly = sum(1 for s in strangers for answers in s.results.values() for a in answers if a["result"] == "matched")
    stranger_total = sum(len(answers) for s in strangers for answers in s.results.values())
    lines.append(f"Người lạ / strangers: {len(strangers)} người, {unknown}/{stranger_total} lượt là 'unknown'"
                 f", {wrongly} bị nhận nhầm / falsely matched")
    rate = recognised / total if total else 0.0
    lines.append(f"Tỉ lệ nhận diện / recognition rate: {recognised}/{total} = {rate:.1%}")
    return "\n".join(lines), rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", default=os.environ.get("FACES") or os.environ.get(
        "FACES_DIR", str(REPO.parent / "shared" / "faces-dev")), help="folder of <person>/*.jpg")
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", str(DEFAULT_MODELS_DIR)))
    parser.add_argument("--out", default=os.environ.get("OUT_DIR", str(REPO / "out" / "demo")))
    parser.add_argument("--strangers", type=int, default=3, help="people kept out of the enrolment")
    args = parser.parse_args(argv)
    faces = Path(args.faces)
    folders = sorted(p for p in faces.iterdir() if p.is_dir()) if faces.is_dir() else []
    everyone = [Person(f.name, f"{NAMES[i % len(NAMES)]} ({f.name})", sorted(f.glob("*.jpg")))
                for i, f in enumerate(folders)]
    everyone = [p for p in everyone if p.photos]
    if args.strangers < 0:
        parser.error("--strangers must not be negative")
    if len(everyone) < args.strangers + 2:
        parser.error(f"{faces} needs at least {args.strangers + 2} folders of <person>/*.jpg")
    # Strangers: the last folders; the others are enrolled (those with one photo have nothing left to probe).
    strangers, people = everyone[-args.strangers:] if args.strangers else [], everyone[:len(everyone) - args.strangers]
    out_dir = Path(args.out)
    started = time.monotonic()
    with running_stack(free_port(), Path(args.models_dir), out_dir, "demo-admin-password", access_log=False) as stack:
        print(f"Local stack up at {stack.api_url}")
        api = Client(stack.api_url)
        token = api.call("POST", "/v1/auth/login", 200, json={"username": "admin", "password": "demo-admin-password"})
        api.session.headers["Authorization"] = f"Bearer {token['token']}"
        district = api.call("POST", "/v1/units", 201, json={"name": "UBND huyện Đà Bắc (demo)"})
        units = [api.call("POST", "/v1/units", 201, json={"name": name, "parent_id": district["unit_id"]})
                 for name in UNITS]
        enrolled = []
        for number, person in enumerate(people):
            unit = units[number % len(units)]
            staff = api.call("POST", "/v1/staff", 201, json={"full_name": person.full_name, "unit_id": unit["unit_id"]})
            reply = api.session.post(f"{stack.api_url}/v1/staff/{staff['staff_id']}/faces", timeout=120,
                                     json={"image_b64": base64.b64encode(person.photos[0].read_bytes()).decode()})
            if reply.status_code == 201:
                person.staff_id = str(staff["staff_id"])
                enrolled.append(person)
            else:
                print(f"  {person.folder}: {person.photos[0].name} refused ({reply.json().get('code')})")
        print(f"Enrolled {len(enrolled)} people in {len(units)} units; {len(strangers)} kept as strangers")
        device = api.call("POST", "/v1/devices", 201,
                          json={"name": "Camera sảnh chính", "unit_id": district["unit_id"]})
        day = last_working_day(datetime.now(HANOI).date())
        run_day(api, enrolled, strangers, device, day)
        text, rate = report(enrolled, strangers, day)
        print()
        print(text)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "report.txt").write_text(text + "\n", encoding="utf-8")
        snapshots = out_dir / "snapshots"
        snapshots.mkdir(exist_ok=True)
        for person in enrolled:
            events = api.call("GET", f"/v1/staff/{person.staff_id}/events", 200, params={"date": day.isoformat()})
            for event in events["events"]:  # type: ignore[attr-defined]
                image = requests.get(event["snapshot_url"], timeout=30)
                name = f"{person.folder}-{event['event']}-{event['captured_at_local'][11:19].replace(':', '')}.jpg"
                (snapshots / name).write_bytes(image.content)
    print(f"\nReport and snapshots in {out_dir} ({time.monotonic() - started:.0f} s)")
    return 0 if rate > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""`make demo`: a working day in the lobby, end to end, on the local stack.

1. Starts the local stack (as `make serve`), creates a district (Home Affairs and two more units), enrols
   most people from the photo folder with one or two photos each, keeps a few as strangers, and
   registers the lobby camera as a device.
2. Builds synthetic lobby clips from *other* photos of the same people plus the strangers (heads pasted
   onto a drawn lobby, walking in, pausing, walking out): three waves of arrivals in the morning and
   three of departures in the evening.
3. Runs the edge uploader (`python -m edge_uploader --once`, a separate process, as on the box) on each
   clip, time-stamped inside the check-in or check-out window of the most recent working day.
4. Prints per person the check-in and check-out times the server recorded and whether each passage was
   recognised, the strangers counted as unknown, and the recognition rate; writes the report, the
   annotated lobby videos and the evidence snapshots under the output folder.
5. A work-from-home day (infra/demo/wfh.py): the leader's roster within the cap and one refused over it, an
   integration client posting the day's tasks of the people at home (a bad record rejected, a re-post that
   changes nothing), then the afternoon reports (`afternoon_reports`).
6. The month before (infra/demo/evaluation.py): its attendance and tasks, the evaluation of Phòng Nội vụ through
   self-assessment, review and the head's approval with the cap, and the monthly reports with their XLSX.
7. A late day's evidence bundle (infra/demo/evidence.py): downloaded, verified offline against the published key's
   fingerprint with `python -m infra.verify_bundle`, and a tampered copy refused.
8. The privacy documents (infra/demo/dossier.py): the notice printed at enrolment (out/notice-*.vi.md) and the
   impact-assessment dossier (out/dossier.docx), both from the API.
9. Erasure (infra/demo/privacy.py): a person leaves; every table and object is scanned for what is left of them.

python -m infra.demo [--faces DIR] [--models-dir DIR] [--out DIR] [--strangers N]
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import requests

from chamcong.messages import day_status_label
from edge_uploader.queue import CaptureQueue
from infra.demo.dossier import privacy_documents
from infra.demo.evaluation import play as evaluation_month
from infra.demo.evidence import play as evidence_bundle
from infra.demo.lobby import DETECTOR_FILE, PassageTruth, build_clip, photo_folders, schedule, usable
from infra.demo.privacy import erase_demo
from infra.demo.spoofs import spoof_clip
from infra.demo.wfh import RequestsHttp, afternoon_reports
from infra.demo.wfh import play as work_from_home_day
from infra.local_stack import DEFAULT_MODELS_DIR, REPO, free_port, running_stack

SAMPLES_DIR = REPO.parent / "shared" / "liveness-samples"

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DISTRICT = "UBND huyện Đà Bắc (demo)"
UNITS = ["Phòng Nội vụ", "Văn phòng HĐND và UBND", "Phòng Tài chính - Kế hoạch"]
UNIT_LEADERS = [["truongphong.noivu@dabac.example.gov.vn"], ["chanhvanphong@dabac.example.gov.vn"],
                ["truongphong.tckh@dabac.example.gov.vn", "phophong.tckh@dabac.example.gov.vn"]]
HOME_AFFAIRS = "phongnoivu@dabac.example.gov.vn"  # receives the district summary
PROVINCE = "vanphong@ubndtinh.example.gov.vn"  # receives the 17:00 work-from-home summary
# Demo names for the photo folders (the photos are public test photos; the names are invented).
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức", "Vũ Thị Hà",
         "Đặng Quốc Hùng", "Bùi Thị Lan", "Đỗ Văn Long", "Hồ Thị Mai", "Ngô Đức Nam", "Dương Thị Oanh",
         "Lý Văn Phúc", "Đinh Thị Quyên", "Mai Xuân Sơn", "Tạ Thị Thảo", "Lò Văn Tuấn", "Hà Thị Uyên"]
# Waves of people through the lobby (local time on the demo day): arrivals, then departures.
WAVES = {"morning": [(6, 52), (7, 18), (7, 41)], "evening": [(16, 38), (17, 6), (17, 33)]}
ENROL_TWO_FROM = 4  # people with at least this many photos are enrolled with two
# What the demo's accounts chose when they changed their temporary passwords, printed so a person can try them.
DEMO_PASSWORD = "Một câu dài dễ nhớ cho buổi demo"  # noqa: S105 - a demo's published password
ADMIN_PASSWORD = "demo-admin-password"  # noqa: S105 - the local stack's admin, printed by the demo
# The demo's accounts, printed by `make serve DEMO=1` to sign in to the web site with.
DEMO_ACCOUNTS = [
    ("admin", ADMIN_PASSWORD, "Quản trị hệ thống / system admin"),
    ("noivu-huyen", DEMO_PASSWORD, "Phòng Nội vụ, giám sát cả huyện / Home Affairs, oversees the district"),
    ("truongphong", DEMO_PASSWORD, "Lãnh đạo Phòng Nội vụ / leader of Phòng Nội vụ"),
    ("quantri-noivu", DEMO_PASSWORD, "Quản trị Phòng Nội vụ / unit admin of Phòng Nội vụ"),
    ("canbo", DEMO_PASSWORD, "Cán bộ Phòng Nội vụ / a civil servant of Phòng Nội vụ"),
    ("thutruong", DEMO_PASSWORD, "Thủ trưởng, phê duyệt đánh giá cả huyện / head of unit, approves the evaluations"),
]


@dataclass
class Person:
    folder: str
    full_name: str
    photos: list[Path]
    stranger: bool = False
    enrolled: list[Path] = field(default_factory=list)
    probes: list[Path] = field(default_factory=list)  # what the camera sees: never an enrolment photo
    staff_id: str | None = None
    unit: str = ""
    unit_id: str = ""
    # per window: the captures the uploader sent during this person's passage, with the server's answers
    answers: dict[str, list[dict[str, object]]] = field(default_factory=lambda: {"morning": [], "evening": []})
    events: list[dict[str, object]] = field(default_factory=list)
    day: dict[str, object] = field(default_factory=dict)  # the working day as GET /v1/attendance/days gives it

    def probe(self, window: str) -> Path:
        return self.probes[0] if window == "morning" or len(self.probes) == 1 else self.probes[1]


def last_working_day(today: date) -> date:
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


class Api:
    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def call(self, method: str, path: str, expected: int, **kwargs: object) -> dict[str, object]:
        reply = self.session.request(method, self.base + path, timeout=120, **kwargs)  # type: ignore[arg-type]
        if reply.status_code != expected:
            raise RuntimeError(f"{method} {path} → {reply.status_code}: {reply.text[:300]}")
        return dict(reply.json()) if reply.content else {}


def enrol(api: Api, people: list[Person]) -> list[dict[str, object]]:
    district = api.call("POST", "/v1/units", 201, json={"name": DISTRICT})
    units = [api.call("POST", "/v1/units", 201, json={"name": name, "parent_id": district["unit_id"],
                                                      "report_recipients": leaders})
             for name, leaders in zip(UNITS, UNIT_LEADERS, strict=True)]
    for number, person in enumerate(p for p in people if not p.stranger):
        unit = units[number % len(units)]
        staff = api.call("POST", "/v1/staff", 201, json={"full_name": person.full_name, "unit_id": unit["unit_id"]})
        count = 2 if len(person.photos) >= ENROL_TWO_FROM else 1
        for photo in person.photos[:count]:
            reply = api.session.post(f"{api.base}/v1/staff/{staff['staff_id']}/faces", timeout=120,
                                     json={"image_b64": base64.b64encode(photo.read_bytes()).decode()})
            if reply.status_code == 201:
                person.enrolled.append(photo)
            else:
                print(f"  {person.folder}: {photo.name} refused ({reply.json().get('code')})")
        if person.enrolled:
            person.staff_id = str(staff["staff_id"])
            person.unit, person.unit_id = str(unit["name"]), str(unit["unit_id"])
    return [district, *units]


def run_window(window: str, people: list[Person], day: date, device: dict[str, object], api_url: str,
               models_dir: Path, out_dir: Path, queue: Path) -> int:
    """Every person passes the lobby once in this window, in three waves; the uploader runs on each wave."""
    rng = np.random.default_rng(7 if window == "morning" else 8)
    order = [people[i] for i in rng.permutation(len(people))]
    waves = WAVES[window]
    failures = 0
    for number, (hour, minute) in enumerate(waves):
        group = order[number::len(waves)]
        walkers = schedule([(p.folder, p.probe(window)) for p in group], gap=4.0, seed=number)
        clip = out_dir / "clips" / f"{window}-{number + 1}.avi"
        truth = build_clip(walkers, clip, detector_model=models_dir / DETECTOR_FILE, seed=number)
        recorded_at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI)
        before = delivered(queue)
        started = time.monotonic()
        result = run_edge(clip, recorded_at, device, api_url, models_dir, out_dir / f"lobby-{window}-{number + 1}.avi",
                          queue)
        status = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
        print(f"  {window} wave {number + 1} at {hour:02d}:{minute:02d}: {len(group)} people, "
              f"edge uploader exit {result.returncode} in {time.monotonic() - started:.0f} s — {status}")
        if result.returncode != 0:
            failures += 1
            print(result.stderr[-2000:], file=sys.stderr)
        journal = [row for row in CaptureQueue(queue).journal() if row["capture_id"] not in before]
        attribute(journal, truth, group, recorded_at, window)
    return failures


def delivered(queue: Path) -> set[str]:
    return {str(row["capture_id"]) for row in CaptureQueue(queue).journal()} if queue.exists() else set()


def run_edge(clip: Path, recorded_at: datetime, device: dict[str, object], api_url: str, models_dir: Path,
             display: Path, queue: Path) -> subprocess.CompletedProcess[str]:
    """The edge uploader on a recorded clip, as the box beside the camera runs it (its own process)."""
    command = [sys.executable, "-m", "edge_uploader", "--once", "--source", str(clip),
               "--recorded-at", recorded_at.isoformat(), "--api-url", api_url,
               "--device-id", str(device["device_id"]), "--queue-path", str(queue),
               "--model", str(models_dir / DETECTOR_FILE), "--status-interval", "600",
               "--display", str(display), "--log-level", "ERROR"]
    secret = {"EDGE_DEVICE_SECRET": str(device["secret"])}
    return subprocess.run(command, cwd=REPO, env={**os.environ, **secret},  # noqa: S603 - our own module
                          capture_output=True, text=True, timeout=600, check=False)


def attempt_spoofs(day: date, device: dict[str, object], api_url: str, models_dir: Path, out_dir: Path,
                   queue: Path) -> tuple[str, int]:
    """Photos held up to the lobby camera at 07:50: each should be refused, none recorded."""
    clip = out_dir / "clips" / "spoofs.avi"
    shown = spoof_clip(SAMPLES_DIR, clip)
    before = delivered(queue)
    recorded_at = datetime(day.year, day.month, day.day, 7, 50, tzinfo=HANOI)
    result = run_edge(clip, recorded_at, device, api_url, models_dir, out_dir / "lobby-spoofs.avi", queue)
    answers = [row for row in CaptureQueue(queue).journal() if row["capture_id"] not in before]
    refused = sum(1 for row in answers if row.get("result") == "spoof_suspected")
    recorded = sum(1 for row in answers if row.get("recorded"))
    print(f"  spoof attempts at 07:50: {len(shown)} photos held up to the camera ({', '.join(shown)}), "
          f"{len(answers)} captures, {refused} refused as spoofs, {recorded} recorded — edge exit {result.returncode}")
    text = (f"\nẢnh/màn hình đưa trước camera / photos held up to the camera: {len(shown)} lần thử, "
            f"{refused} bị từ chối (\"Vui lòng nhìn thẳng vào camera\"), {recorded} được ghi nhận / "
            f"{refused} refused, {recorded} recorded")
    return text, int(result.returncode != 0 or recorded > 0 or refused < len(shown) or refused != len(answers))


def attribute(journal: list[dict[str, object]], truth: list[PassageTruth], group: list[Person],
              recorded_at: datetime, window: str) -> None:
    """Give each delivered capture to the passage it was taken in (the clip's ground truth)."""
    by_label = {p.folder: p for p in group}
    for row in journal:
        offset = (datetime.fromisoformat(str(row["captured_at"])) - recorded_at).total_seconds()
        inside = [t for t in truth if t.start - 0.05 <= offset <= t.end + 0.05]
        standing = [t for t in inside if t.pause_start - 0.5 <= offset <= t.pause_end + 0.05]
        candidates = standing or inside
        if candidates:
            by_label[candidates[0].label].answers[window].append(row)


def status_text(day: dict[str, object]) -> str:
    """'Đi muộn 12 phút, về sớm 22 phút', 'Đúng giờ': what the API derived, every flag with its minutes."""
    minutes = {"late": day.get("late_minutes"), "left_early": day.get("early_minutes")}
    flags = [str(flag) for flag in day.get("flags") or []] or [str(day.get("status", "pending"))]  # type: ignore[attr-defined]
    parts = [day_status_label(flag) + (f" {minutes[flag]} phút" if minutes.get(flag) else "") for flag in flags]
    return ", ".join([parts[0], *(part[0].lower() + part[1:] for part in parts[1:])])


def report(people: list[Person], day: date) -> tuple[str, float]:
    enrolled = [p for p in people if p.staff_id]
    strangers = [p for p in people if p.stranger]
    lines = [f"Ngày làm việc / working day: {day:%d/%m/%Y} ({day:%A}), Asia/Ho_Chi_Minh", "",
             f"{'Cán bộ / staff':<32} {'Đơn vị / unit':<28} {'ảnh':>3} {'đến':>8} {'về':>8}  "
             f"{'trạng thái / status':<32} {'sáng':<5} {'chiều':<5}"]
    recognised = passages = captures = 0
    statuses: Counter[str] = Counter()
    for person in enrolled:
        marks = []
        for window in ("morning", "evening"):
            answers = person.answers[window]
            passages += 1
            captures += len(answers)
            ok = any(a["result"] == "matched" and a["staff_id"] == person.staff_id for a in answers)
            recognised += ok
            marks.append("✓" if ok else ("✗" if answers else "—"))
        lines.append(f"{person.full_name:<32} {person.unit[:28]:<28} {len(person.enrolled):>3} "
                     f"{person.day.get('check_in') or '—':>8} {person.day.get('check_out') or '—':>8}  "
                     f"{status_text(person.day):<32} {marks[0]:<5} {marks[1]:<5}")
        statuses[str(person.day.get("status"))] += 1
    stranger_answers = [a for s in strangers for answers in s.answers.values() for a in answers]
    unknown = sum(1 for a in stranger_answers if a["result"] == "unknown")
    wrong = sum(1 for p in people for answers in p.answers.values() for a in answers
                if a["result"] == "matched" and a["staff_id"] != p.staff_id)
    rate = recognised / passages if passages else 0.0
    lines += ["", "Trong ngày / the day: " + ", ".join(f"{day_status_label(status)} {count}"
                                                     for status, count in sorted(statuses.items())),
              f"Người lạ / strangers: {len(strangers)} người, {unknown}/{len(stranger_answers)} lượt 'không nhận ra' "
              f"/ unknown",
              f"Nhận nhầm người / false matches: {wrong}",
              f"Ảnh gửi / captures sent: {captures + len(stranger_answers)} cho / for "
              f"{passages + 2 * len(strangers)} lượt qua sảnh / passages",
              f"Tỉ lệ nhận diện / recognition rate: {recognised}/{passages} lượt = {rate:.1%}"]
    return "\n".join(lines), rate


def accounts(api: Api, units: list[dict[str, object]], enrolled: list[Person], day: date) -> str:
    """Four accounts made through the API, as the offices' rules make them, and what each may see."""
    district, own, other = (str(units[0]["unit_id"]), str(units[1]["unit_id"]), str(units[2]["unit_id"]))
    members = [p for p in enrolled if p.unit_id == own]
    if len(members) < 2:
        return ""
    leader, clerk = members[0], members[1]
    plan = [("noivu-huyen", "Giám sát / oversight", district, None, [{"role": "oversight", "unit_id": district}]),
            ("quantri-noivu", "Quản trị đơn vị / unit admin", own, None, [{"role": "unit_admin", "unit_id": own}]),
            ("truongphong", "Lãnh đạo / unit leader", own, leader.staff_id,
             [{"role": "unit_leader", "unit_id": own}, {"role": "staff", "unit_id": own}]),
            ("canbo", "Cán bộ / staff", own, clerk.staff_id, None)]
    tokens: dict[str, str] = {}
    lines = ["", "Tài khoản / accounts (tạo qua API như các cơ quan làm / made through the API as the offices do):",
             f"  mật khẩu / password: \"{DEMO_PASSWORD}\" (admin: \"{ADMIN_PASSWORD}\")"]
    for username, label, unit_id, staff_id, grants in plan:
        body: dict[str, object] = {"username": username, "unit_id": unit_id, "staff_id": staff_id}
        if grants is not None:
            body["grants"] = grants
        created = api.call("POST", "/v1/accounts", 201, json=body)
        first = api.call("POST", "/v1/auth/login", 200, json={"username": username,
                                                              "password": created["temporary_password"]})
        changed = api.call("POST", "/v1/auth/password", 200, headers={"Authorization": f"Bearer {first['token']}"},
                           json={"current_password": created["temporary_password"],
                                 "new_password": DEMO_PASSWORD})
        tokens[username] = f"Bearer {changed['token']}"
        deadline = datetime.fromisoformat(str(first["password_deadline"])).astimezone(HANOI)
        lines.append(f"  {username:<14} {label:<30} mật khẩu tạm đã đổi trước hạn / temporary one changed before "
                     f"{deadline:%d-%m-%Y %H:%M}")

    def answer(username: str, path: str) -> str:
        reply = api.session.get(api.base + path, headers={"Authorization": tokens[username]}, timeout=60)
        return "✓" if reply.status_code == 200 else f"✗ {reply.status_code} {reply.json().get('code')}"

    own_days = f"/v1/attendance/days?unit_id={own}&date={day.isoformat()}"
    other_days = f"/v1/attendance/days?unit_id={other}&date={day.isoformat()}"
    lines.append("  Ai xem được gì / who sees what:")
    lines.append(f"    truongphong  ngày công {UNITS[0]} {answer('truongphong', own_days)}   "
                 f"{UNITS[1]} {answer('truongphong', other_days)}")
    lines.append(f"    noivu-huyen  ngày công {UNITS[0]} {answer('noivu-huyen', own_days)}   "
                 f"{UNITS[1]} {answer('noivu-huyen', other_days)}   nhật ký / audit "
                 f"{answer('noivu-huyen', f'/v1/audit?from={day.isoformat()}&to={day.isoformat()}')}")
    lines.append(f"    quantri-noivu  tài khoản / accounts {answer('quantri-noivu', f'/v1/accounts?unit_id={own}')}   "
                 f"ngày công {answer('quantri-noivu', own_days)}")
    month = f"{day:%Y-%m}"
    own_month, colleague = (f"/v1/staff/{clerk.staff_id}/days?month={month}",
                            f"/v1/staff/{leader.staff_id}/days?month={month}")
    lines.append(f"    canbo        ngày công của mình / own {answer('canbo', own_month)}"
                 f"   của đồng nghiệp / a colleague's {answer('canbo', colleague)}")
    lines.append(f"    quantri-noivu  đặt lại mật khẩu ở đơn vị khác / reset elsewhere "
                 f"{_reset_elsewhere(api, tokens['quantri-noivu'], other)}")
    return "\n".join(lines)


def work_from_home(api: Api, units: list[dict[str, object]], enrolled: list[Person], day: date) -> str:
    """The work-from-home day of Phòng Nội vụ (infra/demo/wfh.py), then the afternoon reports' hook."""
    own = units[1]
    members = [(str(p.staff_id), p.full_name) for p in enrolled if p.unit_id == own["unit_id"]]
    # `truongphong` exists when `accounts` made the unit's accounts (two people or more in the unit).
    leader = ("truongphong", DEMO_PASSWORD) if len(members) >= 2 else None
    http, admin = RequestsHttp(api.base), str(api.session.headers["Authorization"])
    wfh = work_from_home_day(http, admin, own, members, day, leader, str(units[0]["unit_id"]))
    lines = wfh.lines
    if wfh.day is not None:
        lines += afternoon_reports(http, admin, wfh)
    return "\n".join(lines)


def monthly_evaluation(api: Api, units: list[dict[str, object]], enrolled: list[Person], day: date) -> str:
    """The month before the lobby's day in Phòng Nội vụ, through its workflow (infra/demo/evaluation.py)."""
    own = units[1]
    members = [p for p in enrolled if p.unit_id == own["unit_id"]]
    accounts_made = ["truongphong", "canbo"] if len(members) >= 2 else []  # made by `accounts`
    named = [(str(p.staff_id), p.full_name, accounts_made[i] if i < len(accounts_made) else None)
             for i, p in enumerate(members)]
    http, admin = RequestsHttp(api.base), str(api.session.headers["Authorization"])
    return "\n".join(evaluation_month(http, admin, own, str(units[0]["unit_id"]), named, day, DEMO_PASSWORD))


def _reset_elsewhere(api: Api, token: str, unit_id: str) -> str:
    api.call("POST", "/v1/accounts", 201, json={"username": "canbo-khac", "unit_id": unit_id})
    reply = api.session.post(f"{api.base}/v1/accounts/canbo-khac/reset", json={}, timeout=60,
                             headers={"Authorization": token})
    return "✓" if reply.status_code == 200 else f"✗ {reply.status_code} {reply.json().get('code')}"


@dataclass
class DemoPlan:
    people: list[Person]
    models_dir: Path
    out_dir: Path
    strangers: int


def plan(argv: list[str] | None = None, prog: str = "python -m infra.demo") -> DemoPlan:
    """The demo's arguments checked, its people chosen, and its output folder emptied."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", default=os.environ.get("FACES") or os.environ.get(
        "FACES_DIR", str(REPO.parent / "shared" / "faces-dev")), help="folder of <person>/*.jpg")
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", str(DEFAULT_MODELS_DIR)))
    parser.add_argument("--out", default=os.environ.get("OUT_DIR", str(REPO / "out" / "demo")))
    parser.add_argument("--strangers", type=int, default=3, help="people kept out of the enrolment")
    args = parser.parse_args(argv)
    faces, models_dir = Path(args.faces), Path(args.models_dir)
    everyone = [Person(name, NAMES[i % len(NAMES)], photos) for i, (name, photos) in enumerate(
        photo_folders(faces).items()) if len(photos) >= 2]  # one to enrol, another for the camera
    if args.strangers < 0:
        parser.error("--strangers must not be negative")
    if len(everyone) < args.strangers + 1:
        parser.error(f"{faces} needs at least {args.strangers + 1} folders of <person>/<photo> with two photos each")
    if not (models_dir / DETECTOR_FILE).is_file():
        parser.error(f"{models_dir} has no {DETECTOR_FILE} (set MODELS_DIR)")
    for person in everyone[len(everyone) - args.strangers:]:
        person.stranger = True
        person.full_name = f"người lạ / stranger ({person.folder})"
    out_dir = Path(args.out)
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    return DemoPlan(everyone, models_dir, out_dir, args.strangers)


@dataclass
class DemoDay:
    day: date
    text: str
    failures: int
    rate: float


def play(stack_url: str, demo: DemoPlan) -> DemoDay:
    """The demo district on a running stack: enrolment, a morning and an evening in the lobby, reports, accounts."""
    everyone, models_dir, out_dir = demo.people, demo.models_dir, demo.out_dir
    api = Api(stack_url)
    token = api.call("POST", "/v1/auth/login", 200, json={"username": "admin", "password": ADMIN_PASSWORD})
    api.session.headers["Authorization"] = f"Bearer {token['token']}"
    units = enrol(api, everyone)
    for person in everyone:
        others = [p for p in person.photos if p not in person.enrolled]
        person.probes = usable(others, models_dir / DETECTOR_FILE, limit=2)
        if not person.probes:
            print(f"  {person.folder}: no other photo with a usable face for the lobby clip; left out")
            person.staff_id, person.stranger = None, False
    enrolled = [p for p in everyone if p.staff_id]
    print(f"Enrolled {len(enrolled)} people ({sum(len(p.enrolled) for p in enrolled)} photos) in "
          f"{len(units) - 1} units under {DISTRICT}; {demo.strangers} kept as strangers")
    device = api.call("POST", "/v1/devices", 201,
                      json={"name": "Camera sảnh chính", "unit_id": units[0]["unit_id"]})
    day = last_working_day(datetime.now(HANOI).date())
    walkers = [p for p in everyone if p.staff_id or p.stranger]
    queue = out_dir / "edge-queue.sqlite3"
    failures = run_window("morning", walkers, day, device, stack_url, models_dir, out_dir, queue)
    spoof_text, spoof_failures = attempt_spoofs(day, device, stack_url, models_dir, out_dir, queue)
    failures += spoof_failures + run_window("evening", walkers, day, device, stack_url, models_dir, out_dir, queue)
    for unit_id in {p.unit_id for p in enrolled}:
        rows = api.call("GET", "/v1/attendance/days", 200, params={"unit_id": unit_id, "date": day.isoformat()})
        by_staff = {row["staff_id"]: row for row in rows["days"]}  # type: ignore[attr-defined]
        for person in enrolled:
            person.day = by_staff.get(person.staff_id, person.day)
    snapshots = out_dir / "snapshots"
    snapshots.mkdir()
    for person in enrolled:
        person.events = list(api.call("GET", f"/v1/staff/{person.staff_id}/events", 200,
                                      params={"date": day.isoformat()})["events"])  # type: ignore[call-overload]
        for event in person.events:
            image = requests.get(str(event["snapshot_url"]), timeout=30)
            name = f"{person.folder}-{event['event']}-{str(event['captured_at_local'])[11:19].replace(':', '')}.jpg"
            (snapshots / name).write_bytes(image.content)
    text, rate = report(walkers, day)
    text += spoof_text
    bundle_text, bundle_failures = evidence_bundle(api.session, stack_url, [
        (str(p.staff_id), p.full_name, p.day) for p in enrolled], day, out_dir)
    text += bundle_text
    failures += bundle_failures
    for kind in ("morning", "evening"):  # what the schedule sends at 08:15 and 18:15, run on demand here
        run = api.call("POST", "/v1/reports/daily/run", 200, json={"date": day.isoformat(), "kind": kind})
        sent = [r for r in run["reports"] if r["status"] == "sent"]  # type: ignore[attr-defined]
        label = "sáng" if kind == "morning" else "chiều"
        text += f"\nBáo cáo {label} / {kind} reports: {len(sent)} thư đã gửi / sent"
    mails = sorted((out_dir / "mail").glob("*.eml"))
    text += "\n" + "\n".join(f"  {path.relative_to(out_dir)}" for path in mails)
    text += accounts(api, units, enrolled, day)
    text += work_from_home(api, units, enrolled, day)
    text += monthly_evaluation(api, units, enrolled, day)
    text += privacy_documents(api.session, api.base, out_dir)
    # Last, so nothing above changes: someone without an account leaves, and nothing of their face stays.
    leaving = ([p for p in enrolled if p.unit_id != units[1]["unit_id"]] or enrolled)[-1]
    erased_text, left = erase_demo(api, str(leaving.staff_id), leaving.full_name)
    text += erased_text
    shutil.rmtree(out_dir / "clips", ignore_errors=True)
    return DemoDay(day, text, failures + left, rate)


def main(argv: list[str] | None = None) -> int:
    demo = plan(argv)
    started = time.monotonic()
    os.environ["HOME_AFFAIRS_RECIPIENTS"] = HOME_AFFAIRS
    os.environ["PROVINCE_RECIPIENTS"] = PROVINCE
    with running_stack(free_port(), demo.models_dir, demo.out_dir, ADMIN_PASSWORD, access_log=False) as stack:
        print(f"Local stack up at {stack.api_url}")
        result = play(stack.api_url, demo)
    print()
    print(result.text)
    (demo.out_dir / "report.txt").write_text(result.text + "\n", encoding="utf-8")
    out_dir = demo.out_dir
    shown = os.path.relpath(out_dir) if out_dir.resolve().is_relative_to(Path.cwd()) else out_dir
    print(f"\nReport, lobby videos and evidence snapshots in {shown} ({time.monotonic() - started:.0f} s)")
    return 0 if result.failures == 0 and result.rate > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""A small district with a known morning and evening, made through the HTTP API of a served stack.

The browser tests read the web site against it, so what is "right" is known here, not derived from the API:
who came when, who is late and by how much, who never came, who is on leave, and a photo held up to the camera.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import requests

from chamcong.device_signature import signed_headers
from edge_uploader.clips import encode_clip
from edge_uploader.detector import Detector
from edge_uploader.passages import crop_face
from edge_uploader.wire import clip_body, recognition_body

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "Một câu dài dễ nhớ cho trình duyệt"
DISTRICT = "UBND huyện Thử Nghiệm"
UNIT_A = "Phòng Nội vụ"
UNIT_B = "Phòng Tài chính - Kế hoạch"
# A name a careless page would run as HTML (the site must show it as text).
HOSTILE_NAME = "<script>window.__pwned = 1</script> O'Brien \"Bà\" <img src=x onerror=window.__pwned=2>"


@dataclass
class Person:
    key: str  # how the tests name this person
    full_name: str
    unit: str
    folder: str
    arrives: str | None = None  # local HH:MM of the morning capture
    leaves: str | None = None
    staff_id: str = ""


@dataclass
class Account:
    username: str
    password: str
    staff: str | None = None  # the Person.key of a personal account


@dataclass
class District:
    url: str
    day: date
    admin_password: str
    units: dict[str, str] = field(default_factory=dict)  # name → unit_id
    people: dict[str, Person] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    temporary: Account | None = None  # an account whose temporary password was never changed
    device_id: str = ""
    spoof_captures: int = 0
    unmatched_clip: str = ""  # the sha256 of the visitor's clip, once the server kept it

    def person(self, key: str) -> Person:
        return self.people[key]


# Who works where and when they passed the lobby on the test day (work starts 07:30, ends 17:00).
PEOPLE = [
    Person("leader", "Nguyễn Văn An", UNIT_A, "", "07:05", "17:10"),
    Person("clerk", "Trần Thị Bình", UNIT_A, "", "07:20", "16:40"),   # left 20 minutes early
    Person("late1", "Lê Hoàng Cường", UNIT_A, "", "07:47", "17:20"),  # 17 minutes late
    Person("late2", "Phạm Thu Dung", UNIT_A, "", "07:58", None),      # 28 minutes late, no check-out
    Person("missing", "Hoàng Minh Đức", UNIT_A, "", None, None),      # never came: absent
    Person("leave", "Vũ Thị Hà", UNIT_A, "", None, None),             # on leave (entered by the leader)
    Person("other", "Đặng Quốc Hùng", UNIT_B, "", "07:12", "17:05"),
    Person("hostile", HOSTILE_NAME, UNIT_B, "", None, None),
]


def last_working_day(today: date) -> date:
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


class Client:
    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expected: int = 200, **kwargs: object) -> dict[str, object]:
        reply = self.session.request(method, self.url + path, timeout=120, **kwargs)  # type: ignore[arg-type]
        assert reply.status_code == expected, f"{method} {path} → {reply.status_code} {reply.text[:300]}"
        return dict(reply.json()) if reply.content else {}


def sign_in(url: str, username: str, password: str) -> Client:
    token = Client(url).call("POST", "/v1/auth/login", json={"username": username, "password": password})["token"]
    return Client(url, str(token))


def post_capture(url: str, device_id: str, secret: str, captured: datetime, images: list[bytes],
                 clip: bytes | None = None) -> dict[str, object]:
    """A capture, signed as the edge signs it; with `clip`, its sha256 in the body and the clip uploaded after."""
    capture_id = uuid.uuid4().hex
    body = recognition_body(capture_id, captured.isoformat(), images,
                            clip_sha256=hashlib.sha256(clip).hexdigest() if clip else None)
    headers = {"Content-Type": "application/json",
               **signed_headers(device_id, secret, int(time.time()), body)}
    reply = requests.post(f"{url}/v1/recognitions", data=body, headers=headers, timeout=120)
    assert reply.status_code in (200, 201), reply.text[:300]
    if clip:
        upload = clip_body(clip)
        stored = requests.put(f"{url}/v1/recognitions/{capture_id}/clip", data=upload, timeout=60, headers={
            "Content-Type": "application/json", **signed_headers(device_id, secret, int(time.time()), upload)})
        assert stored.status_code == 200, stored.text[:300]
    return dict(reply.json())


def passage_clip(photo: Path) -> bytes:
    """A few seconds of the lobby (small WebM, as the edge writes it) with the photo drifting across."""
    image = cv2.imread(str(photo))
    assert image is not None
    small = cv2.resize(image, (200, min(200, round(200 * image.shape[0] / image.shape[1]))))
    frames = []
    for index in range(24):
        frame = np.full((240, 320, 3), 110, np.uint8)
        frame[20:20 + small.shape[0], index * 4:index * 4 + 200] = small
        frames.append(frame)
    clip = encode_clip(frames, 8.0)
    assert clip is not None
    return clip.data


def camera_crop(detector: Detector, photo: Path) -> bytes:
    """What the lobby device sends for this photo: the edge uploader's own crop of the largest face, as JPEG."""
    image = cv2.imdecode(np.frombuffer(photo.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    faces = detector.detect(image)
    assert faces, f"no face in {photo}"
    ok, jpeg = cv2.imencode(".jpg", crop_face(image, max(faces, key=lambda f: f.box[2] * f.box[3])))
    assert ok
    return bytes(jpeg)


def build(url: str, admin_password: str, faces_dir: Path, models_dir: Path, liveness_dir: Path) -> District:
    detector = Detector(str(models_dir / "face_detection_yunet_2023mar.onnx"))
    folders = sorted(p for p in faces_dir.iterdir() if p.is_dir() and len(list(p.glob("*.jpg"))) >= 2)
    district = District(url, last_working_day(datetime.now(HANOI).date()), admin_password)
    admin = sign_in(url, "admin", admin_password)
    top = admin.call("POST", "/v1/units", 201, json={"name": DISTRICT})
    district.units[DISTRICT] = str(top["unit_id"])
    for name in (UNIT_A, UNIT_B):
        unit = admin.call("POST", "/v1/units", 201, json={"name": name, "parent_id": top["unit_id"]})
        district.units[name] = str(unit["unit_id"])
    device = admin.call("POST", "/v1/devices", 201, json={"name": "Camera sảnh", "unit_id": top["unit_id"]})
    district.device_id, secret = str(device["device_id"]), str(device["secret"])
    candidates = iter(folders)
    for template in PEOPLE:
        person = Person(**{**template.__dict__})
        staff = admin.call("POST", "/v1/staff", 201, json={"full_name": person.full_name,
                                                            "unit_id": district.units[person.unit]})
        person.staff_id = str(staff["staff_id"])
        # Enrol the first folder whose photo the server takes and whose camera crop it recognises.
        for folder in candidates:
            photo = sorted(folder.glob("*.jpg"))[0]
            enrolled = admin.session.post(f"{url}/v1/staff/{person.staff_id}/faces", timeout=120,
                                          json={"image_b64": base64.b64encode(photo.read_bytes()).decode()})
            if enrolled.status_code != 201:
                continue
            person.folder = folder.name
            crop = camera_crop(detector, photo)
            break
        else:
            raise AssertionError("not enough usable people in faces-dev for the browser tests")
        for at in (person.arrives, person.leaves):
            if at is None:
                continue
            hour, minute = map(int, at.split(":"))
            captured = datetime(district.day.year, district.day.month, district.day.day, hour, minute, tzinfo=HANOI)
            answer = post_capture(url, district.device_id, secret, captured, [crop])
            assert answer.get("result") == "matched" and answer.get("staff_id") == person.staff_id, answer
        district.people[person.key] = person
    # Leave for one person, entered as a leader would.
    admin.call("POST", "/v1/absences", 201, json={
        "staff_id": district.person("leave").staff_id, "kind": "leave", "first_day": district.day.isoformat(),
        "last_day": district.day.isoformat(), "reason": "Nghỉ phép năm"})
    # A photo held up to the camera at 07:50.
    spoof = (liveness_dir / "spoof-1.jpg").read_bytes()
    captured = datetime(district.day.year, district.day.month, district.day.day, 7, 50, tzinfo=HANOI)
    answer = post_capture(url, district.device_id, secret, captured, [spoof])
    district.spoof_captures = int(answer.get("result") == "spoof_suspected")
    # A visitor nobody enrolled passes at 07:15, with the clip of the passage: the nearest evidence of an absent day.
    visitor = sorted(next(candidates).glob("*.jpg"))[0]
    captured = datetime(district.day.year, district.day.month, district.day.day, 7, 15, tzinfo=HANOI)
    clip = passage_clip(visitor)
    answer = post_capture(url, district.device_id, secret, captured, [camera_crop(detector, visitor)], clip)
    district.unmatched_clip = hashlib.sha256(clip).hexdigest() if answer.get("result") == "unknown" else ""
    # Accounts, as the offices make them; each chose PASSWORD in place of its temporary one.
    unit_a, unit_b = district.units[UNIT_A], district.units[UNIT_B]
    plans = [
        ("noivu", top["unit_id"], None, [{"role": "oversight", "unit_id": top["unit_id"]}]),
        ("lanhdao", unit_a, "leader", [{"role": "unit_leader", "unit_id": unit_a},
                                       {"role": "staff", "unit_id": unit_a}]),
        ("quantri", unit_a, None, [{"role": "unit_admin", "unit_id": unit_a}]),
        ("canbo", unit_a, "clerk", None),
        ("canbo-b", unit_b, "other", None),
    ]
    for username, unit_id, person_key, grants in plans:
        body: dict[str, object] = {"username": username, "unit_id": unit_id,
                                   "staff_id": district.person(person_key).staff_id if person_key else None}
        if grants is not None:
            body["grants"] = grants
        created = admin.call("POST", "/v1/accounts", 201, json=body)
        first = sign_in(url, username, str(created["temporary_password"]))
        first.call("POST", "/v1/auth/password", json={"current_password": created["temporary_password"],
                                                      "new_password": PASSWORD})
        district.accounts[username] = Account(username, PASSWORD, person_key)
    created = admin.call("POST", "/v1/accounts", 201, json={"username": "moi", "unit_id": unit_a})
    district.temporary = Account("moi", str(created["temporary_password"]))
    return district


def dump(district: District) -> str:
    return json.dumps(district, default=lambda o: o.__dict__ if hasattr(o, "__dict__") else str(o))


@dataclass
class EvaluationMonth:
    """A past month of Phòng Nội vụ with tasks, evaluated up to the step the browser test takes over."""

    month: str  # "YYYY-MM"
    head: Account  # the head of the district's offices (unit_head): approves and decides the cap
    tasks: dict[str, int] = field(default_factory=dict)  # person key → tasks done in the month


# Who had which tasks in the evaluated month (all done on time), and what their leader scored them (the four
# general criteria people enter; the fifth, discipline, comes from attendance). The clerk scores herself in the
# browser test; the leader's own evaluation is reviewed by the head.
EVALUATION_TASKS = {"clerk": 3, "late1": 2, "late2": 2}
REVIEWED = {"late1": 6, "late2": 4, "missing": 3, "leave": 3}


def evaluation_month_of(today: date) -> str:
    """Two months back: ended, past its self-assessment deadline whatever today is (so a leader may review a draft
    nobody self-assessed), and far from the test day the other browser tests read."""
    index = today.year * 12 + today.month - 1 - 2
    return f"{index // 12}-{index % 12 + 1:02d}"


def evaluate_month(district: District) -> EvaluationMonth:
    """As an office would: a head of unit's account, the unit's leader marked as such, a month's tasks entered by
    the leader, the month computed, every evaluation but the clerk's (hers waits for her self-assessment) reviewed."""
    url = district.url
    admin = sign_in(url, "admin", district.admin_password)
    top, unit_a = district.units[DISTRICT], district.units[UNIT_A]
    created = admin.call("POST", "/v1/accounts", 201, json={
        "username": "thutruong", "unit_id": top, "grants": [{"role": "unit_head", "unit_id": top}]})
    first = sign_in(url, "thutruong", str(created["temporary_password"]))
    first.call("POST", "/v1/auth/password", json={"current_password": created["temporary_password"],
                                                  "new_password": PASSWORD})
    head = sign_in(url, "thutruong", PASSWORD)
    admin.call("PATCH", f"/v1/staff/{district.person('leader').staff_id}", json={"is_leader": True})
    month = evaluation_month_of(datetime.now(HANOI).date())
    year, number = map(int, month.split("-"))
    leader = sign_in(url, "lanhdao", PASSWORD)
    for key, count in EVALUATION_TASKS.items():
        for index in range(count):
            assigned = datetime(year, number, 3 + 2 * index, 8, 0, tzinfo=HANOI)
            leader.call("POST", f"/v1/staff/{district.person(key).staff_id}/tasks", 201, json={
                "title": f"Báo cáo chuyên đề số {index + 1}", "weight": 1, "status": "done",
                "assigned_at": assigned.isoformat(), "due_at": (assigned + timedelta(days=2)).isoformat(),
                "completed_at": (assigned + timedelta(days=1)).isoformat()})
    leader.call("POST", f"/v1/units/{unit_a}/evaluations/{month}/compute")
    record: Any = leader.call("GET", f"/v1/staff/{district.person('clerk').staff_id}/evaluations/{month}")
    criteria = [str(one["code"]) for one in record["criteria"] if one["source"] == "entry"]
    for key, points in REVIEWED.items():
        leader.call("PUT", f"/v1/staff/{district.person(key).staff_id}/evaluations/{month}/review", json={
            "general": {code: {"points": points, "reason": "Cán bộ không tự đánh giá đúng hạn"} for code in criteria},
            "disqualifications": [], "comment": None})
    head.call("PUT", f"/v1/staff/{district.person('leader').staff_id}/evaluations/{month}/review", json={
        "general": {code: {"points": 5, "reason": "Thủ trưởng đánh giá lãnh đạo phòng"} for code in criteria},
        "disqualifications": [], "comment": "Hoàn thành tốt vai trò lãnh đạo phòng."})
    return EvaluationMonth(month, Account("thutruong", PASSWORD), dict(EVALUATION_TASKS))

"""A photo or a screen held up to the lobby camera is refused, kept as evidence and reported to Home Affairs.

Real camera and phone frames (../shared/liveness-samples), cut the way the edge cuts them, through the signed
recognition route: a colleague showing someone's photo must never check that person in.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from bench.liveness import SAMPLES_DIR
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.devices import SpoofModel
from tests.integration.harness import Product, running_product
from tests.integration.photos import passage

HOME_AFFAIRS = "phong-noi-vu@dabac.example.gov.vn"
# The man of the phone samples: enrolled from his live frame, then shown to the camera on a phone and on paper.
ENROLLED_LIVE = "phone-live-3.png"
HIS_PHOTOS_SHOWN = ["phone-spoof-2.jpg", "phone-spoof-3.jpg"]
OTHER_SPOOFS = ["spoof-1.jpg", "spoof-2.jpg"]
OTHER_LIVES = ["live-1.jpg", "phone-live-1.jpg", "phone-live-2.jpg"]
MORNING = "2026-11-19T07:{minute:02d}:00+07:00"


@dataclass
class Lobby:
    product: Product
    unit_id: str
    device_id: str
    staff_id: str



@pytest.fixture(scope="module")
def lobby(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lobby]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("HOME_AFFAIRS_RECIPIENTS", HOME_AFFAIRS)
        with running_product(models_dir, tmp_path_factory.mktemp("cache"), monkeypatch) as product:
            unit_id = product.unit("Phòng Văn hoá - Thông tin")
            staff_id = product.staff("Lê Văn Thành", unit_id)
            reply = product.enrol(staff_id, SAMPLES_DIR / ENROLLED_LIVE)
            assert reply.status == 201, reply.body
            device_id, _ = product.device(unit_id)
            yield Lobby(product, unit_id, device_id, staff_id)


def test_his_photo_shown_to_the_camera_is_refused_and_kept_as_evidence(lobby: Lobby) -> None:
    product = lobby.product
    for number, sample in enumerate(HIS_PHOTOS_SHOWN):
        # WHEN a colleague holds up his photo (a phone screen, a print) for the 2-second pause
        frames = passage(product.container.engine(), sample, number)
        reply = product.recognise(lobby.device_id, f"spoof-{number}", frames,
                                  MORNING.format(minute=10 + number))
        # THEN nobody is checked in, and the lobby screen only asks to look at the camera
        assert reply.status == 200, reply.body
        assert (reply.body["result"], reply.body["recorded"], reply.body["event"]) == ("spoof_suspected", False, None)
        assert reply.body["staff_id"] is None and reply.body["full_name"] is None and reply.body["similarity"] is None
        assert reply.body["display_message"] == "Vui lòng nhìn thẳng vào camera."
        assert reply.body["frames"] == 3
    assert list(EventModel.query(lobby.staff_id)) == []
    # AND each attempt is on record for the day with its three frames, and whose face it showed
    attempts = SpoofModel.on(date(2026, 11, 19))
    assert [a.capture_id for a in attempts] == ["spoof-0", "spoof-1"]
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    for attempt in attempts:
        assert (attempt.unit_id, attempt.resembles_staff_id, attempt.resembles_name) == (
            lobby.unit_id, lobby.staff_id, "Lê Văn Thành")
        assert attempt.liveness < 0 and attempt.frames == 3 and len(attempt.snapshot_keys) == 3
        for key in attempt.snapshot_keys:
            assert key.startswith("spoofs/2026-11-19/")  # the prefix the bucket expires on its own clock
            body = s3.get_object(Bucket=product.container.settings.data_bucket, Key=key)["Body"].read()
            assert body[:3] == b"\xff\xd8\xff"
        # AND the record expires with the spoof retention (60 days by default), not the attendance snapshots'
        days = (attempt.expires_at - product.clock().timestamp()) / 86400
        assert 59 < days <= 60


def test_he_himself_is_checked_in_and_other_photos_are_refused(lobby: Lobby) -> None:
    product = lobby.product
    live = product.recognise(lobby.device_id, "live-him", passage(product.container.engine(), ENROLLED_LIVE, 7),
                             MORNING.format(minute=20))
    assert (live.body["result"], live.body["staff_id"], live.body["recorded"]) == ("matched", lobby.staff_id, True)
    for number, sample in enumerate(OTHER_SPOOFS):
        frames = passage(product.container.engine(), sample, 20 + number)
        reply = product.recognise(lobby.device_id, f"other-spoof-{number}", frames,
                                  MORNING.format(minute=21 + number))
        assert reply.body["result"] == "spoof_suspected", sample
    for number, sample in enumerate(OTHER_LIVES):
        frames = passage(product.container.engine(), sample, 30 + number)
        reply = product.recognise(lobby.device_id, f"other-live-{number}", frames,
                                  MORNING.format(minute=25 + number))
        assert reply.body["result"] == "unknown", sample  # live, and not enrolled


def test_a_retried_spoof_is_answered_the_same_and_recorded_once(lobby: Lobby) -> None:
    product = lobby.product
    frames = passage(product.container.engine(), "phone-spoof-3.jpg", 40)
    first = product.recognise(lobby.device_id, "spoof-retry", frames, MORNING.format(minute=40))
    again = product.recognise(lobby.device_id, "spoof-retry", frames, MORNING.format(minute=40))
    assert first.body == again.body and first.body["result"] == "spoof_suspected"
    assert [a.capture_id for a in SpoofModel.on(date(2026, 11, 19))].count("spoof-retry") == 1


def test_the_morning_report_tells_home_affairs_whose_photo_was_shown(lobby: Lobby) -> None:
    product = lobby.product
    reply = product.post("/v1/reports/daily/run", {"date": "2026-11-19", "kind": "morning"})
    assert reply.status == 200, reply.body
    backend = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"]
    sent = [email.message_from_bytes(m.raw_data.encode() if isinstance(m.raw_data, str) else m.raw_data,
                                     policy=email.policy.default) for m in backend.sent_messages]
    district = [message for message in sent if HOME_AFFAIRS in str(message["To"])]
    assert len(district) == 1
    text = district[0].get_body(preferencelist=("plain",)).get_content()
    html = district[0].get_body(preferencelist=("html",)).get_content()
    attempts = len(SpoofModel.on(date(2026, 11, 19)))
    assert f"Nghi vấn dùng ảnh hoặc màn hình thay người thật ({attempts} lượt" in text
    assert "07:10" in text and "khuôn mặt giống Lê Văn Thành" in text
    assert "không giống ai đã đăng ký" in text  # the strangers' photos
    assert "Lê Văn Thành" in html and f"{attempts} lượt" in html
    # AND the evening report does not repeat the morning's attempts
    evening = product.post("/v1/reports/daily/run", {"date": "2026-11-19", "kind": "evening"})
    assert evening.status == 200
    last = email.message_from_bytes(backend.sent_messages[-1].raw_data.encode(), policy=email.policy.default)
    assert "Nghi vấn dùng ảnh" not in last.get_body(preferencelist=("plain",)).get_content()


def test_a_day_he_was_on_time_but_his_photo_was_shown_has_a_signed_bundle_with_the_frames(lobby: Lobby) -> None:
    import io
    import json
    import zipfile

    from infra import verify_bundle

    product = lobby.product
    # GIVEN he checked in himself at 07:20 and leaves at 17:05: by the rules an on-time day
    frames = passage(product.container.engine(), ENROLLED_LIVE, 50)
    out = product.recognise(lobby.device_id, "live-him-out", frames, "2026-11-19T17:05:00+07:00")
    assert (out.body["result"], out.body["event"]) == ("matched", "check_out"), out.body
    # WHEN the admin downloads that day's evidence bundle
    reply = product.request("GET", f"/v1/staff/{lobby.staff_id}/days/2026-11-19/evidence-bundle",
                            headers={"Accept": "application/zip"})
    assert reply.status == 200, reply.body
    archive = zipfile.ZipFile(io.BytesIO(reply.raw))
    # THEN the day is on time, and the attempts made with his photo are there with every frame the device sent
    assert json.loads(archive.read("day.json"))["status"] == "on_time"
    attempts = json.loads(archive.read("spoofs.json"))
    recorded = [a for a in SpoofModel.on(date(2026, 11, 19)) if a.resembles_staff_id == lobby.staff_id]
    assert sorted(a["capture_id"] for a in attempts) == sorted(a.capture_id for a in recorded)
    assert {"spoof-0", "spoof-1"} <= {a["capture_id"] for a in attempts}
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    for attempt in attempts:
        assert attempt["resembles_name"] == "Lê Văn Thành" and len(attempt["frame_files"]) == 3
        for path, key in zip(attempt["frame_files"], attempt["snapshot_keys"], strict=True):
            stored = s3.get_object(Bucket=product.container.settings.data_bucket, Key=key)["Body"].read()
            assert archive.read(path) == stored
    # AND it verifies offline against the published key
    published = product.get("/v1/evidence/public-key", token="").body
    assert verify_bundle.verify(reply.raw, published["public_key_pem"].encode(), published["sha256"]).ok

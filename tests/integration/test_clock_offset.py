"""A lobby device that corrected its clock says so; the server keeps the correction with the event and the capture."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from chamcong.store.models.devices import CaptureModel
from tests.integration.harness import Product, b64, running_product
from tests.integration.photos import face_crop, photos_of

YEAR = 31_536_000.4


@pytest.fixture(scope="module")
def office(models_dir: Path, faces_dir: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Product, str, str, bytes]]:
    """GIVEN one enrolled person, a lobby device, and a crop of that person from another photo."""
    with pytest.MonkeyPatch.context() as monkeypatch, running_product(
            models_dir, tmp_path_factory.mktemp("cache"), monkeypatch) as product:
        unit_id = product.unit("Phòng Nội vụ")
        staff_id = product.staff("Cán bộ Obama", unit_id)
        assert product.enrol(staff_id, photos_of(faces_dir, "obama")[0]).status == 201
        device_id, _ = product.device(unit_id)
        crop = face_crop(product.container.engine(), photos_of(faces_dir, "obama")[1])
        yield product, staff_id, device_id, crop


def send(product: Product, device_id: str, capture_id: str, crop: bytes, captured_at: str,
         **extra: object) -> tuple[int, dict[str, object]]:
    body = json.dumps({"capture_id": capture_id, "captured_at": captured_at, "image_b64": b64(crop), **extra})
    reply = product.signed_post("/v1/recognitions", body.encode(), device_id)
    return reply.status, reply.body


def test_a_corrected_capture_keeps_its_correction_on_the_event_and_the_capture(
        office: tuple[Product, str, str, bytes]) -> None:
    product, staff_id, device_id, crop = office
    # WHEN a device whose clock was a year behind sends a capture stamped with the corrected time
    status, answer = send(product, device_id, "skewed-1", crop, "2026-11-19T07:45:00+07:00",
                          clock_offset_seconds=YEAR)
    # THEN it is recorded at that time, and the event and the capture record keep the correction
    assert status == 200 and answer["event"] == "check_in", answer
    [event] = product.get(f"/v1/staff/{staff_id}/events?date=2026-11-19").body["events"]
    assert (event["captured_at_local"], event["clock_offset_seconds"]) == ("2026-11-19T07:45:00+07:00", YEAR)
    assert CaptureModel.get(device_id, "skewed-1").clock_offset_seconds == YEAR
    # AND a device whose clock was right says nothing, and nothing is stored
    status, _ = send(product, device_id, "right-1", crop, "2026-11-18T07:40:00+07:00")
    assert status == 200
    [event] = product.get(f"/v1/staff/{staff_id}/events?date=2026-11-18").body["events"]
    assert event["clock_offset_seconds"] is None
    assert CaptureModel.get(device_id, "right-1").clock_offset_seconds is None


@pytest.mark.parametrize("offset", [101 * 365.25 * 86400, "a year", None])
def test_an_offset_that_is_not_a_sane_number_is_refused(office: tuple[Product, str, str, bytes],
                                                        offset: object) -> None:
    product, _, device_id, crop = office
    # WHEN the offset is beyond a hundred years, not a number, or null written out
    status, answer = send(product, device_id, f"insane-{offset}", crop, "2026-11-17T07:45:00+07:00",
                          clock_offset_seconds=offset)
    # THEN the body is refused as invalid (null is the same as leaving it out)
    if offset is None:
        assert status == 200, answer
    else:
        assert (status, answer["code"]) == (400, "validation_error"), answer

"""Thresholds calibrated per site, unit or device, on real faces (../shared/faces-dev) through the HTTP API.

GIVEN a province with two units, people of faces-dev enrolled with several photos each, and lobby devices that
have matched a few passages, WHEN an admin asks for a threshold at a false-match rate of 0.1 %, THEN it is
above every pair of different people seen (too few pairs to show 0.1 %: it says so) and reports how many
same-person scores it still accepts; applied per unit, it is what that unit's devices use, while a device
elsewhere keeps the site's or the model's value; every change is audited and the previous value kept.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from chamcong.services.calibration import threshold_for
from chamcong.store.models.calibration import CURRENT, ThresholdModel
from chamcong.store.models.devices import DeviceModel
from face_engine import load_manifest
from infra import calibrate
from tests.integration.harness import Product
from tests.integration.photos import face_crop, photos_of

MODEL_DEFAULT = load_manifest("mobilefacenet_128d").default_threshold

UNIT_A_PEOPLE = ("person01", "person02", "person03", "person04")
UNIT_B_PEOPLE = ("person10", "person11", "person05", "obama")
NOVEMBER = "from=2026-11-01&to=2026-11-30"


def _enrol_people(product: Product, unit: str, people: tuple[str, ...], faces_dir: Path,
                  photos_each: int = 3) -> dict[str, str]:
    """Each person with up to `photos_each` photos (a photo the quality gate refuses is skipped)."""
    staff: dict[str, str] = {}
    for person in people:
        staff_id = product.staff(f"Cán bộ {person}", unit)
        photos = photos_of(faces_dir, person)[:photos_each]
        enrolled = sum(product.enrol(staff_id, photo).status == 201 for photo in photos)
        assert enrolled >= 2, person
        staff[person] = staff_id
    return staff


def _scores(product: Product, people: set[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Independently of the service: every impostor pair (one side in `people`) and every genuine pair."""
    gallery = product.container.gallery.current()
    staff = np.array(gallery.staff_ids)
    scores = gallery.matrix @ gallery.matrix.T
    i, j = np.triu_indices(len(staff), k=1)
    in_scope = np.ones(len(staff), bool) if people is None else np.isin(staff, list(people))
    different = staff[i] != staff[j]
    touches = in_scope[i] | in_scope[j]
    return scores[i, j][different & touches], scores[i, j][~different & in_scope[i] & in_scope[j]]


@pytest.fixture
def site(product: Product, faces_dir: Path) -> dict[str, Any]:
    province = product.unit("Tỉnh Hoà Bình")
    unit_a = product.unit("Phòng Nội vụ", province)
    unit_a1 = product.unit("Bộ phận một cửa", unit_a)
    unit_b = product.unit("Phòng Tài chính", province)
    people_a = _enrol_people(product, unit_a, UNIT_A_PEOPLE, faces_dir)
    people_b = _enrol_people(product, unit_b, UNIT_B_PEOPLE, faces_dir)
    device_a1, _ = product.device(unit_a1, "Camera một cửa")
    device_b, _ = product.device(unit_b, "Camera tài chính")
    # The people of A check in at the one-stop desk's camera: they are let into A1's site (its gallery holds A1's own
    # people and those granted access).
    for staff_id in people_a.values():
        granted = product.post(f"/v1/sites/{unit_a1}/grants", {"staff_id": staff_id, "reason": "Làm việc tại một cửa"})
        assert granted.status == 201, granted.body
    # Passages of people of A at the device of A1, with photos they did not enrol (their 5th).
    engine = product.container.engine()
    matched = 0
    for n, person in enumerate(UNIT_A_PEOPLE):
        reply = product.recognise(device_a1, f"cap-{n}", face_crop(engine, photos_of(faces_dir, person)[4]),
                                  f"2026-11-20T07:{10 + n:02d}:00+07:00")
        assert reply.status == 200, reply.body
        matched += reply.body["result"] == "matched"
    return {"province": province, "A": unit_a, "A1": unit_a1, "B": unit_b, "people_a": people_a,
            "people_b": people_b, "device_a1": device_a1, "device_b": device_b, "matched": matched}


def test_a_proposal_at_0_1_percent_is_above_every_impostor_pair_and_reports_the_accept_rate(
        product: Product, site: dict[str, Any]) -> None:
    impostor, genuine = _scores(product)
    # WHEN the system admin asks for the whole site (per stranger passage, the default)
    reply = product.get("/v1/thresholds/proposal?fmr=0.001")
    assert reply.status == 200, reply.body
    proposal = reply.body
    proposed = proposal["proposed"]
    # THEN no pair of different people would match at the proposed threshold
    assert proposed["threshold"] > float(impostor.max())
    assert proposed["expected_fmr"] == 0.0
    assert proposal["samples"]["impostor_pairs"] == impostor.size
    assert proposal["samples"]["impostor_max"] == pytest.approx(float(impostor.max()), abs=1e-4)
    assert proposal["basis"] == "passage" and proposed["stranger_rate"] == 0.0
    # and it says there are too few enrolled faces to show a rate of 0.1 % (fewer than 1,000)
    assert proposal["samples"]["faces"] < 1000
    assert "too_few_faces_for_passages" in [w["code"] for w in proposal["warnings"]]
    # per pair of faces too: fewer than 1,000 pairs, so above every one of them as well
    per_pair = product.get("/v1/thresholds/proposal?fmr=0.001&basis=pair").body
    assert impostor.size < 1000 and per_pair["proposed"]["threshold"] > float(impostor.max())
    assert "too_few_impostor_pairs" in [w["code"] for w in per_pair["warnings"]]
    assert all(w["vi"] and w["en"] for w in proposal["warnings"])
    # and the accept rate is what the same-person scores say, gallery pairs and the passages at the lobby
    assert proposal["samples"]["genuine_pairs"] == genuine.size
    assert proposal["samples"]["captures"] == site["matched"] >= 3
    assert proposed["gallery_accept_rate"] == pytest.approx(float((genuine >= proposed["threshold"]).mean()))
    assert 0.5 < proposed["accept_rate"] <= 1.0
    # beside what today's threshold (the model's default) does
    assert proposal["in_force"]["threshold"] == MODEL_DEFAULT == proposal["model_default"]
    assert proposal["model_id"] == "mobilefacenet_128d" and proposal["scope"] == "site"


def test_a_unit_proposal_counts_the_pairs_its_people_are_in(product: Product, site: dict[str, Any]) -> None:
    impostor, genuine = _scores(product, set(site["people_b"].values()))
    reply = product.get(f"/v1/thresholds/proposal?fmr=0.001&unit_id={site['B']}")
    assert reply.status == 200, reply.body
    assert reply.body["samples"]["people"] == len(UNIT_B_PEOPLE)
    assert reply.body["samples"]["impostor_pairs"] == impostor.size
    assert reply.body["samples"]["genuine_pairs"] == genuine.size
    assert reply.body["samples"]["captures"] == 0  # B's device saw nobody
    assert reply.body["proposed"]["threshold"] > float(impostor.max())
    # per passage (a stranger against the whole gallery): above every face's nearest other person, and it says so
    passage = product.get(f"/v1/thresholds/proposal?fmr=0.001&unit_id={site['B']}&basis=passage").body
    assert passage["basis"] == "passage" and passage["proposed"]["stranger_rate"] == 0.0
    assert passage["proposed"]["threshold"] > float(impostor.max())
    assert "too_few_faces_for_passages" in [w["code"] for w in passage["warnings"]]
    # a device's proposal takes its unit's subtree and its own captures
    device = product.get(f"/v1/thresholds/proposal?device_id={site['device_a1']}").body
    assert device["scope"] == "device" and device["samples"]["captures"] == site["matched"]
    assert device["samples"]["people"] == 0  # nobody is enrolled in A1 itself
    assert "no_impostor_pairs" in [w["code"] for w in device["warnings"]]
    # one scope at a time
    both = product.get(f"/v1/thresholds/proposal?unit_id={site['B']}&device_id={site['device_b']}")
    assert (both.status, both.body["code"]) == (400, "threshold_scope_conflict")
    assert product.get("/v1/thresholds/proposal?fmr=0.5").status == 400
    for bad in ("fmr=nan", "fmr=5e-324", "fmr=abc", "days=0", "days=31", "unit_id=a%20b", "extra=1"):
        refused = product.get(f"/v1/thresholds/proposal?{bad}")
        assert (refused.status, refused.body["code"]) == (400, "validation_error"), bad


def test_a_threshold_applied_per_unit_reaches_its_devices_only_is_audited_and_keeps_the_previous_one(
        product: Product) -> None:
    province = product.unit("Tỉnh Hoà Bình")
    unit_a = product.unit("Phòng Nội vụ", province)
    unit_a1 = product.unit("Bộ phận một cửa", unit_a)
    unit_b = product.unit("Phòng Tài chính", province)
    device_a1 = DeviceModel.get(product.device(unit_a1, "Camera một cửa")[0])
    device_b = DeviceModel.get(product.device(unit_b, "Camera tài chính")[0])
    container = product.container
    assert threshold_for(container, device_a1) == threshold_for(container, device_b) == MODEL_DEFAULT  # the model's

    # WHEN the unit A gets its own threshold
    set_a = product.request("PUT", f"/v1/thresholds/unit/{unit_a}", {"threshold": 0.55, "reason": "Camera ngược sáng",
                                                                     "target_fmr": 0.001})
    assert set_a.status == 200, set_a.body
    assert set_a.body["in_force"] == 0.55 and set_a.body["previous"] is None
    # THEN a device in A's subtree uses it, a device elsewhere does not
    assert threshold_for(container, device_a1) == 0.55
    assert threshold_for(container, device_b) == MODEL_DEFAULT
    # the same when recognition hands over the passage's own model snapshot
    assert threshold_for(container, device_a1, container.recognition_model()) == 0.55
    product.clock.advance(minutes=5)
    # WHEN the site gets one: B's device takes it, A's keeps its unit's (the nearest wins)
    assert product.request("PUT", "/v1/thresholds/site/site", {"threshold": 0.53, "reason": "Hiệu chỉnh toàn tỉnh"}
                           ).status == 200
    assert (threshold_for(container, device_a1), threshold_for(container, device_b)) == (0.55, 0.53)
    # a device of its own wins over everything
    product.clock.advance(minutes=5)
    assert product.request("PUT", f"/v1/thresholds/device/{device_b.device_id}",
                           {"threshold": 0.6, "reason": "Cổng phụ, ánh sáng yếu"}).status == 200
    assert threshold_for(container, device_b) == 0.6
    # WHEN A's threshold changes again, the previous value is kept
    product.clock.advance(minutes=5)
    again = product.request("PUT", f"/v1/thresholds/unit/{unit_a}", {"threshold": 0.58, "reason": "Đổi camera mới"})
    assert again.body["previous"]["threshold"] == 0.55 and again.body["previous"]["set_by"] == "admin"
    assert threshold_for(container, device_a1) == 0.58
    history = product.get(f"/v1/thresholds/unit/{unit_a}").body
    assert [h["threshold"] for h in history["history"]] == [0.58, 0.55]
    assert history["current"]["threshold"] == 0.58 and history["in_force"] == 0.58
    listed = product.get("/v1/thresholds").body
    assert {(t["scope"], t["threshold"], (t["previous"] or {}).get("threshold")) for t in listed["thresholds"]} == {
        ("site", 0.53, None), ("unit", 0.58, 0.55), ("device", 0.6, None)}
    # and every change is in the audit trail, with the old and the new value
    trail = product.get(f"/v1/audit?{NOVEMBER}&action=threshold.set").body["entries"]
    unit_changes = [e["details"] for e in trail if e["subject"] == f"unit:{unit_a}"]
    assert [(d["previous"], d["threshold"]) for d in unit_changes] == [(0.55, 0.58), (None, 0.55)]
    assert unit_changes[1]["in_force_before"] == MODEL_DEFAULT and unit_changes[1]["reason"] == "Camera ngược sáng"
    assert len(trail) == 4

    # A threshold set for another embedding model is ignored (the model may have been switched since).
    ThresholdModel(CURRENT, ThresholdModel.current_key("device", device_a1.device_id), scope="device",
                   scope_id=device_a1.device_id, unit_id=unit_a1, value=0.3, model_id="sface_2021dec",
                   reason="Mô hình cũ", set_by="admin", set_at=container.clock()).save()
    container.thresholds.forget()
    assert threshold_for(container, device_a1) == 0.58
    shown = {t["scope_id"]: t for t in product.get("/v1/thresholds").body["thresholds"]}
    assert shown[device_a1.device_id]["applies"] is False

    # Removing a scope's own value: it inherits again, and the removal is kept too.
    product.clock.advance(minutes=5)
    removed = product.request("PUT", f"/v1/thresholds/device/{device_b.device_id}",
                              {"threshold": None, "reason": "Trả về ngưỡng chung"})
    assert removed.status == 200 and removed.body["in_force"] == 0.53
    assert threshold_for(container, device_b) == 0.53

    # Refusals: out of range, unknown scope, nothing to name.
    for value in (0.1, 0.96, 1):
        bad = product.request("PUT", f"/v1/thresholds/unit/{unit_a}", {"threshold": value, "reason": "Thử"})
        assert (bad.status, bad.body["code"]) == (422, "threshold_out_of_range")
        assert bad.body["message"] == "Ngưỡng nhận diện phải nằm trong khoảng 0,20 – 0,95."
    for path in ("/v1/thresholds/province/x", "/v1/thresholds/site/other"):
        unknown = product.request("PUT", path, {"threshold": 0.5, "reason": "Thử lại"})
        assert (unknown.status, unknown.body["code"]) == (404, "unknown_threshold_scope")
    for body in ({"threshold": True, "reason": "Thử lại"}, {"threshold": "0.5", "reason": "Thử lại"},
                 {"threshold": 0.5}, {"threshold": 0.5, "reason": "x"}, {"threshold": 0.5, "reason": "Thử", "a": 1}):
        malformed = product.request("PUT", f"/v1/thresholds/unit/{unit_a}", body)
        assert (malformed.status, malformed.body["code"]) == (400, "validation_error"), body
    missing = product.request("PUT", "/v1/thresholds/unit/unit_missing", {"threshold": 0.5, "reason": "Thử lại"})
    assert (missing.status, missing.body["code"]) == (404, "unit_not_found")
    assert threshold_for(container, device_a1) == 0.58  # nothing refused changed anything

    # Another unit's admin is refused; the unit's own admin may calibrate it and its devices, not the site.
    admin_b = product.account("quantri-taichinh", unit_b, grants=[{"role": "unit_admin", "unit_id": unit_b}])
    refused = product.request("PUT", f"/v1/thresholds/unit/{unit_a}", {"threshold": 0.7, "reason": "Không được"},
                              token=admin_b)
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    assert product.get(f"/v1/thresholds/proposal?unit_id={unit_a}", token=admin_b).status == 403
    assert product.request("PUT", "/v1/thresholds/site/site", {"threshold": 0.7, "reason": "Không được"},
                           token=admin_b).status == 403
    product.clock.advance(minutes=5)
    own = product.request("PUT", f"/v1/thresholds/unit/{unit_b}", {"threshold": 0.54, "reason": "Đơn vị tự chỉnh"},
                          token=admin_b)
    assert own.status == 200 and threshold_for(container, device_b) == 0.54
    seen = {t["scope_id"] for t in product.get("/v1/thresholds", token=admin_b).body["thresholds"]}
    assert seen == {"site", unit_b}  # not A's values
    assert threshold_for(container, device_a1) == 0.58


def test_the_command_proposes_and_applies_against_the_stack_s_tables(product: Product, faces_dir: Path) -> None:
    unit = product.unit("Phòng Nội vụ")
    _enrol_people(product, unit, ("person01", "person10", "person11"), faces_dir, photos_each=2)
    device = DeviceModel.get(product.device(unit)[0])

    out = io.StringIO()
    with redirect_stdout(out):
        assert calibrate.main(["propose", "--fmr", "0.001", "--unit", unit]) == 0
    printed = out.getvalue()
    assert "Ngưỡng đề xuất" in printed and "too_few_faces_for_passages" in printed

    with redirect_stdout(io.StringIO()):
        assert calibrate.main(["apply", "--scope", "unit", "--id", unit, "--threshold", "0.56", "--reason",
                               "Hiệu chỉnh sau khi lắp camera", "--by", "ops.nguyen"]) == 0
    product.container.thresholds.forget()  # the command wrote from its own container
    assert threshold_for(product.container, device) == 0.56
    today = datetime.now(UTC).date()  # the command runs on the real clock, not the product's
    trail = product.get(f"/v1/audit?from={today - timedelta(days=1)}&to={today + timedelta(days=1)}"
                        "&action=threshold.set").body["entries"]
    assert [(e["actor"], e["details"]["threshold"]) for e in trail] == [("ops.nguyen", 0.56)]

    # bad arguments: a usage error (2); a refused value (3), nothing written
    with pytest.raises(SystemExit) as usage, redirect_stdout(io.StringIO()):
        calibrate.main(["propose", "--fmr", "abc"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as both:
        calibrate.main(["propose", "--unit", unit, "--device", device.device_id])
    assert both.value.code == 2
    with redirect_stdout(io.StringIO()):
        assert calibrate.main(["apply", "--scope", "unit", "--id", unit, "--threshold", "0.99", "--reason",
                               "Quá cao", "--by", "ops.nguyen"]) == 3
        assert calibrate.main(["apply", "--scope", "unit", "--id", "unit_missing", "--threshold", "0.5",
                               "--reason", "Không có", "--by", "ops.nguyen"]) == 3
    product.container.thresholds.forget()
    assert threshold_for(product.container, device) == 0.56


def test_two_admins_changing_one_threshold_at_once_do_not_lose_a_change(product: Product,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    unit = product.unit("Phòng Nội vụ")
    body = {"threshold": 0.55, "reason": "Lần đầu"}
    assert product.request("PUT", f"/v1/thresholds/unit/{unit}", body).status == 200
    # GIVEN one admin read the unit's threshold (version 1) while another changed it meanwhile
    stale = ThresholdModel.get(CURRENT, ThresholdModel.current_key("unit", unit))
    product.clock.advance(minutes=1)
    assert product.request("PUT", f"/v1/thresholds/unit/{unit}", {"threshold": 0.57, "reason": "Người thứ hai"}
                           ).status == 200
    # WHEN the first writes on what it read
    product.clock.advance(minutes=1)
    with monkeypatch.context() as patched:
        patched.setattr(ThresholdModel, "get", classmethod(lambda cls, *args, **kwargs: stale))
        late = product.request("PUT", f"/v1/thresholds/unit/{unit}", {"threshold": 0.6, "reason": "Người thứ nhất"})
    # THEN it is told to read again, and nothing of it is written: no history item, no audit entry
    assert (late.status, late.body["code"]) == (409, "conflict")
    history = product.get(f"/v1/thresholds/unit/{unit}").body
    assert [h["threshold"] for h in history["history"]] == [0.57, 0.55]
    trail = product.get(f"/v1/audit?{NOVEMBER}&action=threshold.set").body["entries"]
    assert len(trail) == 2


def test_a_device_s_own_threshold_decides_its_recognitions(product: Product, site: dict[str, Any],
                                                          faces_dir: Path) -> None:
    # GIVEN a person of A recognised at A1's camera under the model's threshold
    engine = product.container.engine()
    crop = face_crop(engine, photos_of(faces_dir, "person01")[3])  # a photo not enrolled
    before = product.recognise(site["device_a1"], "strict-0", crop, "2026-11-19T07:30:00+07:00")
    assert before.body["result"] == "matched", before.body
    # WHEN that camera alone gets a threshold above the person's score
    strict = round(min(0.95, before.body["similarity"] + 0.02), 3)
    reply = product.request("PUT", f"/v1/thresholds/device/{site['device_a1']}",
                            {"threshold": strict, "reason": "Camera ngược sáng, siết ngưỡng"})
    assert reply.status == 200, reply.body
    # THEN the same passage there is no longer given to anybody, and nothing is recorded
    after = product.recognise(site["device_a1"], "strict-1", crop, "2026-11-18T07:30:00+07:00")
    assert (after.body["result"], after.body["recorded"]) == ("unknown", False), (strict, before.body, after.body)
    # AND the other unit's camera (where the person is let in too) still uses the model's threshold
    granted = product.post(f"/v1/sites/{site['B']}/grants", {"staff_id": site["people_a"]["person01"],
                                                             "reason": "Công tác tại Phòng Tài chính"})
    assert granted.status == 201, granted.body
    other = product.recognise(site["device_b"], "strict-2", crop, "2026-11-18T07:31:00+07:00")
    assert other.body["result"] == "matched"

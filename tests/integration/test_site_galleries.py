"""A lobby compares a face only with the people who may pass it: the gallery of its device's site.

Real models and photos. A district with two offices under it; a camera in one office's lobby and one at the
district's. People are enrolled from their first photo and come to a lobby with another photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import scheduled

from chamcong.access import Access
from chamcong.services import galleries
from chamcong.store.models.devices import GalleryModel, site_gallery_id
from chamcong.store.models.staff import StaffModel
from face_engine.gallery import Gallery
from tests.integration.harness import Product
from tests.integration.photos import face_crop, photos_of

MORNING = "2026-11-20T07:31:05+07:00"


@dataclass
class District:
    product: Product
    faces_dir: Path
    district: str
    home_affairs: str
    finance: str
    lobby: str  # the camera of Home Affairs' lobby
    district_lobby: str  # the camera of the district's own lobby: everyone under it
    staff: dict[str, str]  # photo folder → staff_id

    def arrive(self, device_id: str, person: str, capture_id: str, photo: int = 1) -> dict[str, object]:
        crop = face_crop(self.product.container.engine(), photos_of(self.faces_dir, person)[photo])
        reply = self.product.recognise(device_id, capture_id, crop, MORNING)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def published(self, unit_id: str) -> Gallery:
        """The site's gallery object as stored (what a fresh function would load)."""
        model_id = self.product.container.recognition_model().model_id
        pointer = GalleryModel.get(site_gallery_id(model_id, unit_id), consistent_read=True)
        return Gallery.from_bytes(self.product.container.blobs.get(pointer.object_key))


@pytest.fixture
def district(product: Product, faces_dir: Path) -> District:
    """GIVEN Home Affairs (Obama, Biden) and Finance (Kit Harington) under a district, each enrolled; a camera in
    Home Affairs' lobby and one in the district's."""
    top = product.unit("UBND huyện Đà Bắc")
    home_affairs = product.unit("Phòng Nội vụ", top)
    finance = product.unit("Phòng Tài chính - Kế hoạch", top)
    lobby, _ = product.device(home_affairs, "Camera sảnh Nội vụ")
    district_lobby, _ = product.device(top, "Camera sảnh huyện")
    staff = {}
    for person, unit in (("obama", home_affairs), ("biden", home_affairs), ("kit_harington", finance)):
        staff[person] = product.staff(f"Cán bộ {person}", unit)
        reply = product.enrol(staff[person], photos_of(faces_dir, person)[0])
        assert reply.status == 201, reply.body
    return District(product, faces_dir, top, home_affairs, finance, lobby, district_lobby, staff)


def test_a_lobby_recognises_its_own_people_and_not_those_of_another_office(district: District) -> None:
    # WHEN an Home Affairs officer and a Finance officer pass Home Affairs' camera
    own = district.arrive(district.lobby, "obama", "own-1")
    other = district.arrive(district.lobby, "kit_harington", "other-1")
    # THEN the officer of the office is greeted by name, the other is not someone of this lobby
    assert (own["result"], own["staff_id"], own["full_name"]) == ("matched", district.staff["obama"], "Cán bộ obama")
    assert (other["result"], other["staff_id"], other["recorded"]) == ("unknown", None, False)
    # AND the district's lobby knows everyone under it
    at_district = district.arrive(district.district_lobby, "kit_harington", "district-1")
    assert (at_district["result"], at_district["staff_id"]) == ("matched", district.staff["kit_harington"])
    # AND the site's gallery is its own object, holding only its people, labelled
    stored = district.published(district.home_affairs)
    assert stored.people() == {district.staff["obama"], district.staff["biden"]}
    assert stored.label(district.staff["biden"]) == ("Cán bộ biden", district.home_affairs)


def test_a_transfer_moves_a_person_between_lobbies_at_once_and_the_reconcile_publishes_it(district: District) -> None:
    # GIVEN Kit Harington moved from Finance to Home Affairs today
    moved = district.product.post(f"/v1/staff/{district.staff['kit_harington']}/transfers",
                                  {"to_unit_id": district.home_affairs, "effective": "2026-11-20",
                                   "reason": "Điều động"})
    assert moved.status == 201, moved.body
    # WHEN he passes Home Affairs' camera, THEN he is recognised there at once
    reply = district.arrive(district.lobby, "kit_harington", "moved-1")
    assert (reply["result"], reply["staff_id"]) == ("matched", district.staff["kit_harington"])
    # AND the scheduled reconcile publishes the site's gallery with him in it (and not again when nothing changed)
    result = galleries.reconcile(district.product.container)
    model_id = district.product.container.recognition_model().model_id
    assert site_gallery_id(model_id, district.home_affairs) in result["rebuilt"]
    assert district.staff["kit_harington"] in district.published(district.home_affairs).people()
    assert galleries.reconcile(district.product.container)["rebuilt"] == []


def test_a_renamed_person_is_greeted_by_the_new_name(district: District) -> None:
    renamed = district.product.request("PATCH", f"/v1/staff/{district.staff['biden']}",
                                       {"full_name": "Joseph Biden"})
    assert renamed.status == 200, renamed.body
    reply = district.arrive(district.lobby, "biden", "renamed-1")
    assert (reply["result"], reply["full_name"]) == ("matched", "Joseph Biden")


def test_a_removed_face_or_person_leaves_every_site_gallery(district: District) -> None:
    product = district.product
    obama = district.staff["obama"]
    [face] = product.get(f"/v1/staff/{obama}").body["faces"]
    # WHEN Obama's only face is removed and Biden is removed altogether
    assert product.delete(f"/v1/staff/{obama}/faces/{face['face_id']}").status == 204
    assert product.delete(f"/v1/staff/{district.staff['biden']}").status == 204
    # THEN no stored site gallery holds them, and the lobby no longer knows them
    for unit in (district.home_affairs, district.district):
        assert district.published(unit).people().isdisjoint({obama, district.staff["biden"]})
    assert district.arrive(district.lobby, "obama", "removed-1")["result"] == "unknown"
    assert district.arrive(district.district_lobby, "biden", "removed-2")["result"] == "unknown"


def test_a_site_without_a_published_gallery_is_built_in_memory(district: District) -> None:
    # GIVEN a new office whose person was enrolled before its lobby had a camera (so no site gallery was published)
    product = district.product
    culture = product.unit("Phòng Văn hóa - Thông tin", district.district)
    person = product.staff("Cán bộ person01", culture)
    assert product.enrol(person, photos_of(district.faces_dir, "person01")[0]).status == 201
    camera, _ = product.device(culture, "Camera sảnh Văn hóa")
    model_id = product.container.recognition_model().model_id
    assert GalleryModel.count(site_gallery_id(model_id, culture)) == 0
    # WHEN the person passes the new camera, THEN they are recognised (and only the office's people are compared)
    reply = district.arrive(camera, "person01", "new-site-1")
    assert (reply["result"], reply["staff_id"]) == ("matched", person)
    assert district.arrive(camera, "obama", "new-site-2")["result"] == "unknown"


def test_the_reconcile_heals_a_crash_between_the_deployment_s_gallery_and_a_site_s(district: District) -> None:
    # GIVEN Biden's face erased from the deployment's gallery by a function that crashed before the sites' rebuild
    container = district.product.container
    biden = district.staff["biden"]
    container.recognition_model().gallery.update(lambda gallery: gallery.without_staff(biden))
    assert biden in district.published(district.home_affairs).people()  # the crash left him in the site's
    # WHEN the scheduled function runs
    result = scheduled.reembed({}, _Context())
    # THEN both sites above him are rebuilt without him, and the others are left as they were (same digest)
    model_id = container.recognition_model().model_id
    assert sorted(result["site_galleries"]["rebuilt"]) == sorted(
        site_gallery_id(model_id, unit) for unit in (district.home_affairs, district.district))
    for unit in (district.home_affairs, district.district):
        assert biden not in district.published(unit).people()
    assert district.arrive(district.lobby, "biden", "healed-1")["result"] == "unknown"


class _Context:
    function_name = "ReembedFunction"
    memory_limit_in_mb = 1769
    invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:ReembedFunction"
    aws_request_id = "req-reconcile"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 900_000


def test_a_person_granted_access_is_recognised_at_that_site_until_revoked_or_expired(district: District) -> None:
    product = district.product
    kit = district.staff["kit_harington"]
    # GIVEN a Finance officer who is not recognised in Home Affairs' lobby
    assert district.arrive(district.lobby, "kit_harington", "before-grant")["result"] == "unknown"
    # WHEN Home Affairs' admin lets him in until the end of the month
    granted = product.post(f"/v1/sites/{district.home_affairs}/grants",
                           {"staff_id": kit, "until": "2026-11-30", "reason": "Kiểm tra công vụ"})
    assert granted.status == 201, granted.body
    assert (granted.body["full_name"], granted.body["staff_unit_id"], granted.body["active"]) == (
        "Cán bộ kit_harington", district.finance, True)
    # THEN he is recognised there, the grant is listed and audited
    reply = district.arrive(district.lobby, "kit_harington", "granted-1")
    assert (reply["result"], reply["staff_id"], reply["full_name"]) == ("matched", kit, "Cán bộ kit_harington")
    listed = product.get(f"/v1/sites/{district.home_affairs}/grants").body
    assert [(g["staff_id"], g["until"], g["reason"]) for g in listed["grants"]] == [(kit, "2026-11-30",
                                                                                      "Kiểm tra công vụ")]
    audit = product.get("/v1/audit?from=2026-11-20&to=2026-11-20&action=site.grant").body["entries"]
    assert [entry["subject"] for entry in audit] == [kit]
    # AND once the grant has expired, the next reconcile takes him out
    product.clock.advance(days=11)
    try:
        assert galleries.reconcile(product.container)["rebuilt"]
        assert kit not in district.published(district.home_affairs).people()
        listed = galleries.list_grants(product.container, Access.system(), district.home_affairs)["grants"]
        assert [(g["staff_id"], g["active"]) for g in listed] == [(kit, False)]  # still listed, marked expired
    finally:
        product.clock.advance(days=-11)


def test_a_revoked_grant_stops_recognition_at_once(district: District) -> None:
    product = district.product
    kit = district.staff["kit_harington"]
    assert product.post(f"/v1/sites/{district.home_affairs}/grants",
                        {"staff_id": kit, "reason": "Biệt phái"}).status == 201
    assert district.arrive(district.lobby, "kit_harington", "granted-2")["result"] == "matched"
    assert product.delete(f"/v1/sites/{district.home_affairs}/grants/{kit}").status == 204
    assert district.arrive(district.lobby, "kit_harington", "revoked-1")["result"] == "unknown"
    again = product.delete(f"/v1/sites/{district.home_affairs}/grants/{kit}")
    assert (again.status, again.body["code"]) == (404, "site_grant_not_found")
    past = product.post(f"/v1/sites/{district.home_affairs}/grants",
                        {"staff_id": kit, "until": "2026-11-19", "reason": "Biệt phái"})
    assert (past.status, past.body["code"]) == (422, "grant_until_past")
    assert product.post("/v1/sites/unit_nowhere/grants", {"staff_id": kit, "reason": "Biệt phái"}).status == 404


def test_a_unit_moved_under_a_site_is_recognised_there_at_once(district: District) -> None:
    # WHEN Finance is moved under Home Affairs
    moved = district.product.request("PATCH", f"/v1/units/{district.finance}", {"parent_id": district.home_affairs})
    assert moved.status == 200, moved.body
    # THEN Home Affairs' lobby knows Finance's people at once
    reply = district.arrive(district.lobby, "kit_harington", "unit-moved-1")
    assert (reply["result"], reply["staff_id"]) == ("matched", district.staff["kit_harington"])


def test_a_recognition_reads_no_staff_record(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the site's gallery published (the fixture's enrolments did it)
    assert district.published(district.home_affairs).people() == {district.staff["obama"], district.staff["biden"]}

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("a recognition read a staff record")

    monkeypatch.setattr(StaffModel, "get", no_read)
    # WHEN a person passes the lobby THEN they are greeted by name from the gallery's labels alone
    reply = district.arrive(district.lobby, "biden", "no-read-1")
    assert (reply["result"], reply["full_name"]) == ("matched", "Cán bộ biden")

"""Staff records named by employee code (mã cán bộ), and edited: the code is one person's, in any case."""

from __future__ import annotations

from typing import Any

from chamcong.store.models.staff import EmployeeCodeClaim
from tests.integration.harness import Product


def _audit(product: Product, action: str) -> list[dict[str, Any]]:
    reply = product.get(f"/v1/audit?from=2026-11-20&to=2026-11-20&action={action}")
    assert reply.status == 200, reply.body
    return list(reply.body["entries"])


def test_a_code_is_given_at_creation_found_in_any_case_and_never_given_twice(product: Product) -> None:
    unit = product.unit("Phòng Tài chính - Kế hoạch")
    # GIVEN a person created with their employee code
    created = product.post("/v1/staff", {"full_name": "Hà Thị Thu", "unit_id": unit, "employee_code": "TCKH-001"})
    assert created.status == 201, created.body
    assert created.body["employee_code"] == "TCKH-001"
    # WHEN the unit's list and the code (in lower case) are looked up THEN the person carries the code
    listed = product.get(f"/v1/staff?unit_id={unit}").body["staff"]
    assert [(p["full_name"], p["employee_code"]) for p in listed] == [("Hà Thị Thu", "TCKH-001")]
    found = product.get("/v1/staff?employee_code=tckh-001")
    assert found.status == 200 and [p["staff_id"] for p in found.body["staff"]] == [created.body["staff_id"]]
    assert product.get("/v1/staff?employee_code=TCKH-999").body == {"staff": []}
    # AND the claim items are not people: the list of every unit shows one person
    assert [p["full_name"] for p in product.get("/v1/staff").body["staff"]] == ["Hà Thị Thu"]
    # WHEN someone else is created with the same code in another case THEN 409, with the words to show
    again = product.post("/v1/staff", {"full_name": "Lê Văn Hùng", "unit_id": unit, "employee_code": "tckh-001"},
                         headers={"Accept-Language": "vi"})
    assert again.status == 409 and again.body["code"] == "employee_code_taken"
    assert "Mã cán bộ này đã được dùng" in again.body["message"]
    assert [p["full_name"] for p in product.get(f"/v1/staff?unit_id={unit}").body["staff"]] == ["Hà Thị Thu"]
    # AND a code that is not one is refused before anything is written
    for bad in ("", "TC KH", "mã-01", "X" * 33):
        reply = product.post("/v1/staff", {"full_name": "Lê Văn Hùng", "unit_id": unit, "employee_code": bad})
        assert reply.status == 400 and reply.body["code"] == "validation_error", bad


def test_editing_a_person_changes_what_was_sent_moves_the_code_and_audits_old_and_new(product: Product) -> None:
    district = product.unit("UBND huyện Đà Bắc")
    finance, home = product.unit("Phòng Tài chính", district), product.unit("Phòng Nội vụ", district)
    person = product.post("/v1/staff", {"full_name": "Nguyen Van An", "unit_id": finance, "employee_code": "DB-01",
                                        "email": "an@dabac.gov.vn"}).body["staff_id"]
    # WHEN the name is corrected, the code changed and the person moved
    reply = product.request("PATCH", f"/v1/staff/{person}", {"full_name": "Nguyễn Văn An", "employee_code": "DB-07",
                                                             "unit_id": home})
    # THEN the record says so, the e-mail (not sent) is kept
    assert reply.status == 200, reply.body
    assert (reply.body["full_name"], reply.body["employee_code"], reply.body["unit_id"], reply.body["email"]) == (
        "Nguyễn Văn An", "DB-07", home, "an@dabac.gov.vn")
    assert [p["staff_id"] for p in product.get("/v1/staff?employee_code=db-07").body["staff"]] == [person]
    # AND the old code is free at once: a new person may take it
    assert product.get("/v1/staff?employee_code=DB-01").body == {"staff": []}
    newcomer = product.post("/v1/staff", {"full_name": "Đinh Thị Bé", "unit_id": finance, "employee_code": "db-01"})
    assert newcomer.status == 201, newcomer.body
    # AND taking someone else's code is refused, nothing changed
    taken = product.request("PATCH", f"/v1/staff/{person}", {"employee_code": "DB-01", "full_name": "X Y"})
    assert taken.status == 409 and taken.body["code"] == "employee_code_taken"
    assert product.get(f"/v1/staff/{person}").body["full_name"] == "Nguyễn Văn An"
    # AND the audit trail holds each change as old → new
    entry = next(e for e in _audit(product, "staff.update") if e["subject"] == person)
    assert entry["details"] == {"full_name": ["Nguyen Van An", "Nguyễn Văn An"], "employee_code": ["DB-01", "DB-07"],
                                "unit_id": [finance, home]}
    # WHEN the code and e-mail are removed (null) THEN the person has none, and the code is free
    cleared = product.request("PATCH", f"/v1/staff/{person}", {"employee_code": None, "email": None})
    assert cleared.status == 200 and (cleared.body["employee_code"], cleared.body["email"]) == (None, None)
    assert EmployeeCodeClaim.count(EmployeeCodeClaim.claim_key("DB-07")) == 0
    # AND a name or unit cannot be removed
    for field in ("full_name", "unit_id"):
        refused = product.request("PATCH", f"/v1/staff/{person}", {field: None})
        assert refused.status == 400 and refused.body["code"] == "validation_error", field
    # AND changing only the case of one's own code keeps it (no 409 against oneself)
    product.request("PATCH", f"/v1/staff/{person}", {"employee_code": "nv-5"})
    recased = product.request("PATCH", f"/v1/staff/{person}", {"employee_code": "NV-5"})
    assert recased.status == 200 and recased.body["employee_code"] == "NV-5"


def test_a_unit_admin_edits_and_moves_only_within_their_units(product: Product) -> None:
    district = product.unit("UBND huyện Mai Châu")
    own = product.unit("Phòng Nội vụ", district)
    child = product.unit("Bộ phận một cửa", own)
    sibling = product.unit("Phòng Tư pháp", district)
    token = product.account("quantri-mc", own, grants=[{"role": "unit_admin", "unit_id": own}])
    mine = product.post("/v1/staff", {"full_name": "Hà Văn Chung", "unit_id": own, "employee_code": "MC-1"}).body
    theirs = product.post("/v1/staff", {"full_name": "Vì Thị Lan", "unit_id": sibling}).body
    # WHEN the admin moves their person within their subtree THEN it works
    moved = product.request("PATCH", f"/v1/staff/{mine['staff_id']}", {"unit_id": child}, token=token)
    assert moved.status == 200 and moved.body["unit_id"] == child
    # WHEN they move them to a sibling unit, or edit the sibling's person THEN 403 and nothing changes
    out = product.request("PATCH", f"/v1/staff/{mine['staff_id']}", {"unit_id": sibling}, token=token)
    assert out.status == 403 and out.body["code"] == "forbidden"
    other = product.request("PATCH", f"/v1/staff/{theirs['staff_id']}", {"full_name": "Vì Thị Hoa"}, token=token)
    assert other.status == 403 and "Vì Thị Lan" not in str(other.body)
    assert product.get(f"/v1/staff/{mine['staff_id']}").body["unit_id"] == child
    assert product.get(f"/v1/staff/{theirs['staff_id']}").body["full_name"] == "Vì Thị Lan"
    # AND looking a code up answers only within their scope
    assert product.get("/v1/staff?employee_code=mc-1", token=token).body["staff"][0]["full_name"] == "Hà Văn Chung"
    product.request("PATCH", f"/v1/staff/{theirs['staff_id']}", {"employee_code": "MC-2"})
    assert product.get("/v1/staff?employee_code=MC-2", token=token).status == 403


def test_removing_a_person_frees_their_code(product: Product) -> None:
    unit = product.unit()
    person = product.post("/v1/staff", {"full_name": "Bùi Văn Tâm", "unit_id": unit, "employee_code": "NV-9"})
    assert product.delete(f"/v1/staff/{person.body['staff_id']}").status == 204
    again = product.post("/v1/staff", {"full_name": "Bùi Thị Tâm", "unit_id": unit, "employee_code": "nv-9"})
    assert again.status == 201, again.body


def test_a_person_s_duty_group_and_leadership_are_kept_shown_and_edited(product: Product) -> None:
    unit = product.unit("Phòng Nội vụ")
    # GIVEN a person created without them: the general group, not a leader
    plain = product.post("/v1/staff", {"full_name": "Hà Thị Thu", "unit_id": unit}).body
    assert (plain["duty_group"], plain["is_leader"]) == ("chung", False)
    # WHEN the head of the unit is created as its leader, in the group of the unit's leaders
    head = product.post("/v1/staff", {"full_name": "Lê Văn Hùng", "unit_id": unit, "duty_group": "lanh-dao",
                                      "is_leader": True})
    assert head.status == 201, head.body
    # THEN the record says so, and the unit's list too
    listed = {p["full_name"]: (p["duty_group"], p["is_leader"])
              for p in product.get(f"/v1/staff?unit_id={unit}").body["staff"]}
    assert listed == {"Hà Thị Thu": ("chung", False), "Lê Văn Hùng": ("lanh-dao", True)}
    # WHEN the first person is put in another group THEN only that changes, audited as old → new
    reply = product.request("PATCH", f"/v1/staff/{plain['staff_id']}", {"duty_group": "chuyen-vien"})
    assert reply.status == 200 and (reply.body["duty_group"], reply.body["is_leader"]) == ("chuyen-vien", False)
    [entry] = [e for e in _audit(product, "staff.update") if e["subject"] == plain["staff_id"]]
    assert entry["details"] == {"duty_group": ["chung", "chuyen-vien"]}
    # AND a group that is not one, or leadership sent as null, is refused
    for body in ({"duty_group": "Nhóm 1"}, {"is_leader": None}, {"is_leader": "yes"}):
        bad = product.request("PATCH", f"/v1/staff/{plain['staff_id']}", body)
        assert bad.status == 400 and bad.body["code"] == "validation_error", body

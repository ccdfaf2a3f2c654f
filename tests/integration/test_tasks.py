"""Tasks from the e-office system, end to end through the API: an integration client, its key, its batches.

The clock stands at 2026-11-20 07:40 in Hà Nội (tests.integration.harness.DEFAULT_NOW).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from chamcong.services.integrations import find_client, key_hash
from chamcong.store.models.tasks import TaskModel
from tests.integration.harness import Product, Reply


@dataclass
class Office:
    district: str
    unit: str  # the client's unit
    child: str  # below it: in the client's reach
    sibling: str  # beside it: outside
    people: dict[str, str]  # employee code → staff id
    client_id: str
    key: str


def _person(product: Product, name: str, unit: str, code: str) -> str:
    reply = product.post("/v1/staff", {"full_name": name, "unit_id": unit, "employee_code": code})
    assert reply.status == 201, reply.body
    return str(reply.body["staff_id"])


def _office(product: Product) -> Office:
    district = product.unit("UBND huyện Đà Bắc")
    unit = product.unit("Văn phòng HĐND và UBND", district)
    child = product.unit("Bộ phận một cửa", unit)
    sibling = product.unit("Phòng Tài chính - Kế hoạch", district)
    people = {"CB001": _person(product, "Nguyễn Thị Hoà", unit, "CB001"),
              "CB002": _person(product, "Trần Văn Đức", unit, "CB002"),
              "CB003": _person(product, "Lê Thị Ánh", child, "CB003"),
              "CB900": _person(product, "Phạm Văn Sơn", sibling, "CB900")}
    created = product.post("/v1/integrations", {"name": "Hệ thống quản lý văn bản điều hành", "unit_id": unit})
    assert created.status == 201, created.body
    return Office(district, unit, child, sibling, people, created.body["client_id"], created.body["key"])


def _post(product: Product, key: str, tasks: list[Any], lang: str | None = None) -> Reply:
    headers = {"Authorization": f"ApiKey {key}"}
    if lang:
        headers["Accept-Language"] = lang
    return product.post("/v1/tasks/batch", {"tasks": tasks}, headers=headers, token="")


def _task(external_id: str, assignee: str, **fields: Any) -> dict[str, Any]:
    return {"external_id": external_id, "assignee": assignee, "title": f"Xử lý văn bản {external_id}",
            "assigned_at": "2026-11-20T07:30:00+07:00", "status": "assigned", **fields}


def _tasks_of(product: Product, staff_id: str, period: str = "day", day: str = "2026-11-20") -> dict[str, Any]:
    reply = product.get(f"/v1/staff/{staff_id}/tasks?period={period}&date={day}")
    assert reply.status == 200, reply.body
    return dict(reply.body)


GOOD_AND_BAD = [
    _task("VB-1", "CB001", document_number="125/UBND-VP", due_at="2026-11-20T16:00:00+07:00"),
    _task("VB-2", "cb002", status="done", completed_at="2026-11-20T07:35:00+07:00", weight=2),
    _task("VB-3", "CB404"),  # nobody holds the code
    _task("VB-4", "CB900"),  # a person of another office
    _task("VB-5", "CB001", status="done", completed_at="2026-11-19T16:00:00+07:00"),  # done before assigned
    {"external_id": "VB-6", "assignee": "CB001", "assigned_at": "2026-11-20T07:30:00+07:00", "status": "assigned"},
    _task("VB-1", "CB002"),  # the same task twice in one batch
    "VB-8",  # not a record at all
    _task("VB-9", "CB003", status="in_progress"),  # a person of the unit below: in reach
]


def test_a_batch_stores_the_good_records_and_says_why_each_bad_one_was_refused(product: Product) -> None:
    office = _office(product)
    # WHEN the e-office system posts good and bad records together
    reply = _post(product, office.key, GOOD_AND_BAD)
    # THEN the good ones are stored and each bad one is named with its index, its id and a code
    assert reply.status == 200, reply.body
    assert (reply.body["accepted"], reply.body["created"], reply.body["updated"]) == (3, 3, 0)
    assert [(r["index"], r["external_id"], r["code"]) for r in reply.body["rejected"]] == [
        (2, "VB-3", "task_assignee_unknown"),
        (3, "VB-4", "task_assignee_out_of_scope"),
        (4, "VB-5", "task_dates_impossible"),
        (5, "VB-6", "task_invalid"),
        (6, "VB-1", "task_duplicate_in_batch"),
        (7, None, "task_invalid"),
    ]
    messages = {r["index"]: r["message"] for r in reply.body["rejected"]}
    assert messages[2] == "Không có cán bộ nào mang mã cán bộ này."
    assert messages[4] == "Thời điểm không hợp lý: completed_at trước assigned_at."
    assert "title" in messages[5]
    # AND the person's day shows what was stored, with the counts
    day = _tasks_of(product, office.people["CB001"])
    assert [(t["external_id"], t["document_number"], t["status"], t["revision"]) for t in day["tasks"]] == [
        ("VB-1", "125/UBND-VP", "assigned", 1)]
    assert day["counts"]["assigned"] == 1 and day["counts"]["open"] == 1 and day["counts"]["done"] == 0
    assert _tasks_of(product, office.people["CB002"])["counts"]["weight_done"] == 2.0
    # AND nothing was stored for the refused records
    assert _tasks_of(product, office.people["CB900"])["tasks"] == []
    stored = {task.external_id for task in TaskModel.scan() if task.partition.startswith("client#")}
    assert stored == {"VB-1", "VB-2", "VB-9"}


def test_rejections_are_explained_in_english_on_request(product: Product) -> None:
    office = _office(product)
    reply = _post(product, office.key, [_task("VB-3", "CB404")], lang="en")
    assert reply.body["rejected"][0]["message"] == "No staff member holds this employee code."


def test_the_same_batch_again_changes_nothing_and_a_newer_version_keeps_the_history(product: Product) -> None:
    office = _office(product)
    assert _post(product, office.key, GOOD_AND_BAD).status == 200
    before = _tasks_of(product, office.people["CB001"])
    # WHEN the system posts the same batch again, later (a retry)
    product.clock.advance(minutes=10)
    again = _post(product, office.key, GOOD_AND_BAD)
    # THEN the same records are accepted, nothing is created or changed, the same ones are refused
    assert (again.body["accepted"], again.body["created"], again.body["updated"], again.body["unchanged"]) == (
        3, 0, 0, 3)
    assert len(again.body["rejected"]) == 6
    assert _tasks_of(product, office.people["CB001"]) == before
    # AND the same instant written with another offset is the same content
    same = _task("VB-1", "CB001", document_number="125/UBND-VP", due_at="2026-11-20T09:00:00Z")
    assert _post(product, office.key, [same]).body["unchanged"] == 1

    # WHEN a newer version of VB-1 says it was done
    product.clock.advance(hours=2)
    done = copy.deepcopy(GOOD_AND_BAD[0])
    done.update(status="done", completed_at="2026-11-20T09:45:00+07:00")
    updated = _post(product, office.key, [done])
    # THEN it updates the task: the next revision, the earlier one kept
    assert (updated.body["updated"], updated.body["created"]) == (1, 0)
    day = _tasks_of(product, office.people["CB001"])
    task = day["tasks"][0]
    assert (task["status"], task["completed_at"], task["revision"], task["versions"]) == (
        "done", "2026-11-20T09:45:00+07:00", 2, 1)
    assert day["counts"]["done"] == 1 and day["counts"]["open"] == 0
    stored = TaskModel.get(TaskModel.partition_of(office.client_id), "VB-1")
    assert [version["content"]["status"] for version in stored.history] == ["assigned"]
    assert stored.history[0]["revision"] == 1
    # AND posting that version again changes nothing more
    assert _post(product, office.key, [done]).body["unchanged"] == 1
    assert TaskModel.get(TaskModel.partition_of(office.client_id), "VB-1").revision == 2


def test_an_older_version_than_the_stored_one_is_refused(product: Product) -> None:
    office = _office(product)
    newer = _task("VB-1", "CB001", status="in_progress", updated_at="2026-11-20T07:39:00+07:00")
    older = _task("VB-1", "CB001", status="assigned", updated_at="2026-11-20T07:31:00+07:00")
    assert _post(product, office.key, [newer]).body["created"] == 1
    reply = _post(product, office.key, [older])
    assert [r["code"] for r in reply.body["rejected"]] == ["task_outdated"]
    assert _tasks_of(product, office.people["CB001"])["tasks"][0]["status"] == "in_progress"


def test_a_client_writes_only_for_the_people_of_its_own_subtree(product: Product) -> None:
    office = _office(product)
    # GIVEN a client of the unit below: the parent unit's people and the sibling's are outside its reach
    child_client = product.post("/v1/integrations", {"name": "Một cửa điện tử", "unit_id": office.child}).body
    reply = _post(product, child_client["key"], [_task("MC-1", "CB001"), _task("MC-2", "CB900"),
                                                 _task("MC-3", "CB003")])
    # THEN only its own unit's person gets the task
    assert reply.body["created"] == 1
    assert [(r["external_id"], r["code"]) for r in reply.body["rejected"]] == [
        ("MC-1", "task_assignee_out_of_scope"), ("MC-2", "task_assignee_out_of_scope")]
    assert [t["external_id"] for t in _tasks_of(product, office.people["CB003"])["tasks"]] == ["MC-3"]
    assert _tasks_of(product, office.people["CB001"])["tasks"] == []


def test_more_than_500_tasks_in_one_call_is_refused_whole(product: Product) -> None:
    office = _office(product)
    reply = _post(product, office.key, [_task(f"VB-{n}", "CB001") for n in range(501)])
    assert reply.status == 400 and reply.body["code"] == "validation_error"
    assert _tasks_of(product, office.people["CB001"])["tasks"] == []


@pytest.mark.parametrize(("authorization", "code"), [
    (None, "missing_api_key"),
    ("ApiKey", "missing_api_key"),
    ("Bearer something", "missing_api_key"),
    ("ApiKey int_0000000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid_api_key"),
    ("ApiKey not-a-key", "invalid_api_key"),
])
def test_a_call_without_a_valid_key_is_refused(product: Product, authorization: str | None, code: str) -> None:
    office = _office(product)
    headers = {"Authorization": authorization} if authorization else {}
    reply = product.post("/v1/tasks/batch", {"tasks": [_task("VB-1", "CB001")]}, headers=headers, token="")
    assert reply.status == 401 and reply.body["code"] == code
    assert _tasks_of(product, office.people["CB001"])["tasks"] == []


def test_a_signed_in_official_cannot_post_tasks_with_their_session(product: Product) -> None:
    office = _office(product)
    reply = product.post("/v1/tasks/batch", {"tasks": [_task("VB-1", "CB001")]})  # the admin's Bearer token
    assert reply.status == 401 and reply.body["code"] == "missing_api_key"
    assert _tasks_of(product, office.people["CB001"])["tasks"] == []


def test_rotating_and_revoking_a_client(product: Product) -> None:
    office = _office(product)
    # GIVEN the key works
    assert _post(product, office.key, [_task("VB-1", "CB001")]).body["created"] == 1
    # WHEN the key is rotated THEN the old key is refused and the new one works
    rotated = product.post(f"/v1/integrations/{office.client_id}/rotate")
    assert rotated.status == 200 and rotated.body["key"] != office.key and rotated.body["rotated_at"]
    old = _post(product, office.key, [_task("VB-2", "CB001")])
    assert old.status == 401 and old.body["code"] == "invalid_api_key"
    assert _post(product, rotated.body["key"], [_task("VB-2", "CB001")]).body["created"] == 1
    # WHEN it is revoked THEN its key is refused with 401, for good; its tasks stay
    revoked = product.post(f"/v1/integrations/{office.client_id}/revoke")
    assert revoked.status == 200 and revoked.body["status"] == "revoked" and revoked.body.get("key") is None
    refused = _post(product, rotated.body["key"], [_task("VB-3", "CB001")])
    assert refused.status == 401 and refused.body["code"] == "api_key_revoked"
    assert product.post(f"/v1/integrations/{office.client_id}/rotate").body["code"] == "integration_revoked"
    assert [t["external_id"] for t in _tasks_of(product, office.people["CB001"])["tasks"]] == ["VB-1", "VB-2"]
    # AND the list shows the client, never a key; the audit trail has each step
    listed = product.get(f"/v1/integrations?unit_id={office.unit}").body["integrations"]
    assert [(c["client_id"], c["status"], c.get("key")) for c in listed] == [(office.client_id, "revoked", None)]
    trail = product.get("/v1/audit?from=2026-11-20&to=2026-11-20").body["entries"]
    assert {(e["action"], e["subject"]) for e in trail} >= {
        ("integration.create", office.client_id), ("integration.rotate", office.client_id),
        ("integration.revoke", office.client_id), ("tasks.batch", office.client_id)}
    # AND only the key's hash is stored
    stored = find_client(office.client_id)
    assert stored is not None and stored.key_sha256 == key_hash(rotated.body["key"])
    assert rotated.body["key"] not in str(stored.attribute_values)


def test_a_unit_reads_its_peoples_tasks_with_the_counts_per_person(product: Product) -> None:
    office = _office(product)
    # GIVEN tasks over November, one late, one excused, one cancelled, and one of December
    _post(product, office.key, [
        _task("VB-1", "CB001", status="done", completed_at="2026-11-20T07:35:00+07:00"),
        _task("VB-2", "CB001", assigned_at="2026-11-03T08:00:00+07:00", due_at="2026-11-10T17:00:00+07:00"),
        _task("VB-3", "CB002", assigned_at="2026-11-04T08:00:00+07:00", due_at="2026-11-05T17:00:00+07:00",
              late_objective_cause=True, weight=3),
        _task("VB-4", "CB002", status="cancelled"),
        _task("VB-5", "CB003"),  # the unit below: not this unit's own people
    ])
    # WHEN the unit's month is read
    reply = product.get(f"/v1/units/{office.unit}/tasks?period=month&date=2026-11-01")
    # THEN
    assert reply.status == 200, reply.body
    body = reply.body
    assert (body["first_day"], body["last_day"]) == ("2026-11-01", "2026-11-30")
    assert {k: body["counts"][k] for k in ("assigned", "done", "open", "late", "late_objective_cause",
                                           "cancelled", "weight_assigned")} == {
        "assigned": 3, "done": 1, "open": 2, "late": 1, "late_objective_cause": 1, "cancelled": 1,
        "weight_assigned": 5.0}
    per_person = {p["staff_id"]: (p["counts"]["assigned"], p["counts"]["late"]) for p in body["people"]}
    assert per_person == {office.people["CB001"]: (2, 1), office.people["CB002"]: (1, 0)}
    assert [t["external_id"] for t in body["tasks"]] == ["VB-2", "VB-3", "VB-1", "VB-4"]
    assert [t["late"] for t in body["tasks"]] == [True, True, False, False]
    # AND the day, and the quarter, are read the same way
    day = product.get(f"/v1/units/{office.unit}/tasks?period=day&date=2026-11-20").body
    assert [t["external_id"] for t in day["tasks"]] == ["VB-1", "VB-4"]
    quarter = product.get(f"/v1/units/{office.unit}/tasks?period=quarter&date=2026-12-31").body
    assert quarter["counts"]["assigned"] == 3 and quarter["first_day"] == "2026-10-01"


@pytest.mark.parametrize("path", ["/v1/units/{unit}/tasks?period=week&date=2026-11-20",
                                  "/v1/units/{unit}/tasks?period=day&date=2026-13-01",
                                  "/v1/units/{unit}/tasks?period=day",
                                  "/v1/integrations?unit_id="])
def test_bad_task_queries_are_refused_with_400(product: Product, path: str) -> None:
    office = _office(product)
    reply = product.get(path.format(unit=office.unit))
    assert reply.status == 400 and reply.body["code"] == "validation_error"

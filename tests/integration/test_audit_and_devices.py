"""The audit trail and lobby devices through the HTTP API.

The trail says who did what, to what, when and from where; it is read by oversight (within the units it
oversees) and system admins, and nothing can change it. A device secret opens the recognition route
only; rotating it ends the old one at once, revoking ends the device.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import scheduled  # functions/api/scheduled.py: the MaintenanceFunction's handler

from chamcong import device_signature as signing
from infra.template import resources_of_type
from tests.fakes import LambdaContext
from tests.integration.harness import ADMIN_PASSWORD, OWN_PASSWORD, Product, Reply

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) coc_coc_browser/117.0"
PHONE = "ChamCongMobile/1.2 (Android 13)"
# What the chalice test client (like `chalice local`) reports as the caller's address.
LOCAL_IP = "127.0.0.1"
NOVEMBER = "from=2026-11-01&to=2026-11-30"


def sign_in(product: Product, username: str, password: str, agent: str | None = None) -> Reply:
    return product.post("/v1/auth/login", {"username": username, "password": password}, token="",
                        headers={"User-Agent": agent} if agent else None)


def trail(product: Product, query: str, token: str | None = None) -> Reply:
    return product.get(f"/v1/audit?{query}", token=token)


def entries(product: Product, query: str, token: str | None = None) -> list[dict[str, Any]]:
    reply = trail(product, query, token)
    assert reply.status == 200, reply.body
    found: list[dict[str, Any]] = reply.body["entries"]
    return found


def the_one(found: list[dict[str, Any]], action: str, **fields: Any) -> dict[str, Any]:
    matching = [e for e in found if e["action"] == action and all(e[k] == v for k, v in fields.items())]
    assert len(matching) == 1, (action, fields, matching)
    return matching[0]


def test_the_trail_records_who_did_what_to_what_when_and_from_where(product: Product) -> None:
    # GIVEN the admin working from a browser (every request of theirs sends its User-Agent)
    def admin(method: str, path: str, body: Any = None) -> Reply:
        reply = product.request(method, path, body, headers={"User-Agent": BROWSER})
        assert reply.status in (200, 201), (path, reply.body)
        return reply

    signed_in = sign_in(product, "admin", ADMIN_PASSWORD, BROWSER)
    product.token = signed_in.body["token"]
    assert sign_in(product, "admin", "Quản-trị-2025!", BROWSER).status == 401
    assert sign_in(product, "khong.ton.tai", ADMIN_PASSWORD).status == 401
    # WHEN they build a commune, give a staff member an account, and that account goes through its life
    district = admin("POST", "/v1/units", {"name": "UBND huyện Đà Bắc"}).body["unit_id"]
    commune = admin("POST", "/v1/units", {"name": "UBND xã Tú Lý", "parent_id": district}).body["unit_id"]
    admin("PATCH", f"/v1/units/{commune}", {"name": "UBND xã Tú Lý mới"})
    person = product.staff("Đinh Văn Tú", commune)
    created = admin("POST", "/v1/accounts", {"username": "tu.dinh", "unit_id": commune, "staff_id": person})
    first = sign_in(product, "tu.dinh", created.body["temporary_password"])
    assert product.post("/v1/auth/password", {"current_password": created.body["temporary_password"],
                                              "new_password": OWN_PASSWORD},
                        token=first.body["token"], headers={"User-Agent": PHONE}).status == 200
    admin("POST", "/v1/accounts/tu.dinh/roles", {"role": "unit_leader", "unit_id": commune})
    admin("DELETE", f"/v1/accounts/tu.dinh/roles/unit_leader?unit_id={commune}")
    admin("POST", "/v1/accounts/tu.dinh/lock", {"reason": "Nghỉ việc chờ quyết định"})
    admin("POST", "/v1/accounts/tu.dinh/reset", {})
    # and record an absence, cancel it, correct a day
    absence = admin("POST", "/v1/absences", {"staff_id": person, "kind": "leave", "first_day": "2026-11-23",
                                             "last_day": "2026-11-24", "reason": "Nghỉ phép năm"}).body
    admin("DELETE", f"/v1/staff/{person}/absences/{absence['absence_id']}")
    correction = admin("POST", "/v1/corrections", {"staff_id": person, "date": "2026-11-19", "status": "on_time",
                                                   "reason": "Máy chấm công mất điện"}).body
    # and register a lobby device, rotate its secret, revoke it
    device_id = admin("POST", "/v1/devices", {"name": "Camera sảnh", "unit_id": commune}).body["device_id"]
    admin("POST", f"/v1/devices/{device_id}/rotate")
    admin("POST", f"/v1/devices/{device_id}/revoke")
    # and six days later the sweep locks the account whose reset password was never changed
    product.clock.advance(days=6)
    assert scheduled.account_sweep({}, LambdaContext())["locked"] == ["tu.dinh"]
    product.clock.advance(minutes=1)
    product.token = sign_in(product, "admin", ADMIN_PASSWORD, BROWSER).body["token"]

    # THEN the trail holds each of them, newest first
    found = entries(product, NOVEMBER)
    times = [entry["at"] for entry in found]
    assert times == sorted(times, reverse=True)
    assert found[0]["action"] == "login" and found[0]["at"] == "2026-11-26T07:41:00+07:00"
    friday = "2026-11-20T07:40:00+07:00"
    # sign-ins, good and bad, with where they came from
    browser_login = the_one(found, "login", actor="admin", at=friday, user_agent=BROWSER, outcome="ok")
    assert (browser_login["source_ip"], browser_login["unit_id"], browser_login["subject"]) == (LOCAL_IP, None, None)
    wrong = the_one(found, "login", actor="admin", outcome="refused")
    assert (wrong["details"]["reason"], wrong["source_ip"], wrong["user_agent"]) == (
        "wrong_password", LOCAL_IP, BROWSER)
    # an unknown username is kept as a detail; the actor is "anonymous", never a name someone typed
    unknown = the_one(found, "login", actor="anonymous")
    assert (unknown["outcome"], unknown["details"], unknown["unit_id"]) == (
        "refused", {"reason": "unknown_user", "username": "khong.ton.tai"}, None)
    assert (unknown["source_ip"], unknown["user_agent"]) == (LOCAL_IP, None)  # no User-Agent was sent
    holder = the_one(found, "login", actor="tu.dinh")
    assert (holder["outcome"], holder["unit_id"], holder["source_ip"]) == ("ok", commune, LOCAL_IP)
    # what the admin changed: actor, unit, subject, time, source
    expected = [("unit.create", commune, commune), ("unit.update", commune, commune),
                ("account.create", commune, "tu.dinh"), ("role.grant", commune, "tu.dinh"),
                ("role.revoke", commune, "tu.dinh"), ("account.reset", commune, "tu.dinh"),
                ("absence.create", commune, absence["absence_id"]),
                ("absence.cancel", commune, absence["absence_id"]),
                ("correction.create", commune, correction["correction_id"]),
                ("device.register", commune, device_id), ("device.rotate", commune, device_id),
                ("device.revoke", commune, device_id)]
    for action, unit_id, subject in expected:
        entry = the_one(found, action, subject=subject)
        assert (entry["actor"], entry["unit_id"], entry["at"], entry["outcome"]) == (
            "admin", unit_id, friday, "ok"), action
        assert (entry["source_ip"], entry["user_agent"]) == (LOCAL_IP, BROWSER), action
    assert the_one(found, "unit.create", subject=district)["unit_id"] == district
    assert the_one(found, "unit.update", subject=commune)["details"]["name"] == ["UBND xã Tú Lý", "UBND xã Tú Lý mới"]
    assert the_one(found, "role.grant", subject="tu.dinh")["details"] == {"role": "unit_leader", "unit_id": commune}
    # the holder's own password change, from their phone
    change = the_one(found, "password.change", actor="tu.dinh")
    assert (change["subject"], change["unit_id"], change["user_agent"], change["source_ip"]) == (
        "tu.dinh", commune, PHONE, LOCAL_IP)
    # the two locks: the admin's, with the reason typed, and the sweep's, by "system", from nowhere
    by_admin = the_one(found, "account.lock", actor="admin")
    assert (by_admin["subject"], by_admin["unit_id"], by_admin["details"]["reason"]) == (
        "tu.dinh", commune, "by_admin")
    assert "Nghỉ việc chờ quyết định" in json.dumps(by_admin["details"], ensure_ascii=False)
    by_sweep = the_one(found, "account.lock", actor="system")
    assert (by_sweep["subject"], by_sweep["unit_id"], by_sweep["details"]["reason"], by_sweep["at"]) == (
        "tu.dinh", commune, "password_expired", "2026-11-26T07:40:00+07:00")
    assert (by_sweep["source_ip"], by_sweep["user_agent"]) == (None, None)

    # WHEN the trail is filtered THEN only what matches comes back
    mine = entries(product, f"{NOVEMBER}&actor=tu.dinh")
    assert sorted(entry["action"] for entry in mine) == ["login", "password.change"]
    in_commune = entries(product, f"{NOVEMBER}&unit_id={commune}")
    assert {entry["unit_id"] for entry in in_commune} == {commune}
    assert {entry["action"] for entry in in_commune} >= {"account.create", "device.revoke", "absence.cancel"}
    locks = entries(product, f"{NOVEMBER}&action=account.lock")
    assert sorted(entry["actor"] for entry in locks) == ["admin", "system"]
    assert entries(product, f"{NOVEMBER}&actor=admin&action=device.rotate") == [
        the_one(found, "device.rotate", subject=device_id)]
    latest = trail(product, f"{NOVEMBER}&limit=1").body
    assert (latest["entries"], latest["truncated"]) == (found[:1], True)
    assert trail(product, f"{NOVEMBER}&limit=500").body["truncated"] is False
    # and days outside the range hold nothing of this
    assert entries(product, "from=2026-11-27&to=2026-11-30") == []


def test_oversight_reads_the_trail_of_the_units_it_oversees_and_nothing_else(product: Product) -> None:
    # GIVEN two districts, each with a commune and a lobby device
    da_bac = product.unit("UBND huyện Đà Bắc")
    tu_ly = product.unit("UBND xã Tú Lý", da_bac)
    mai_chau = product.unit("UBND huyện Mai Châu")
    chieng_chau = product.unit("UBND xã Chiềng Châu", mai_chau)
    product.device(tu_ly)
    product.device(chieng_chau)
    # and Đà Bắc's Home Affairs office overseeing its district
    oversight = product.account("noi.vu.da.bac", da_bac, grants=[{"role": "oversight", "unit_id": da_bac}])
    # WHEN it reads the trail
    found = entries(product, NOVEMBER, token=oversight)
    # THEN it sees what happened in Đà Bắc and its communes
    assert {entry["unit_id"] for entry in found} == {da_bac, tu_ly}
    assert {(entry["action"], entry["unit_id"]) for entry in found} >= {
        ("unit.create", da_bac), ("unit.create", tu_ly), ("device.register", tu_ly),
        ("account.create", da_bac), ("login", da_bac), ("password.change", da_bac)}
    # and nothing of Mai Châu, nor the site's own entries (the admin's sign-in)
    everything = entries(product, NOVEMBER)
    assert {entry["unit_id"] for entry in everything} == {da_bac, tu_ly, mai_chau, chieng_chau, None}
    # WHEN it asks for a unit of the other district by name THEN 403
    for unit_id in (mai_chau, chieng_chau):
        refused = trail(product, f"{NOVEMBER}&unit_id={unit_id}", token=oversight)
        assert (refused.status, refused.body["code"]) == (403, "forbidden"), unit_id
        assert "entries" not in refused.body
    # and the admin's entries, asked for by actor, are only those about Đà Bắc
    by_admin = entries(product, f"{NOVEMBER}&actor=admin", token=oversight)
    assert by_admin and {entry["unit_id"] for entry in by_admin} == {da_bac, tu_ly}
    # and one of its own communes alone
    assert {entry["unit_id"] for entry in entries(product, f"{NOVEMBER}&unit_id={tu_ly}", token=oversight)} == {
        tu_ly}


def test_the_first_day_of_a_month_is_read_whole(product: Product) -> None:
    # GIVEN things done on Tuesday 1 December in Ha Noi: just after midnight (still November in UTC) and at 08:00
    product.clock.now = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # 00:30 local
    product.token = sign_in(product, "admin", ADMIN_PASSWORD).body["token"]
    product.clock.now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 local
    product.token = sign_in(product, "admin", ADMIN_PASSWORD).body["token"]
    unit = product.unit("UBND xã Tú Lý")
    # WHEN that day is read, alone or as the last day of a range, from the whole trail or by actor
    for query in ("from=2026-12-01&to=2026-12-01", "from=2026-11-25&to=2026-12-01",
                  "from=2026-12-01&to=2026-12-01&actor=admin"):
        found = entries(product, query)
        # THEN every entry of the day is there, from both UTC months, newest first
        assert sorted((e["action"], e["at"]) for e in found) == [
            ("login", "2026-12-01T00:30:00+07:00"), ("login", "2026-12-01T08:00:00+07:00"),
            ("unit.create", "2026-12-01T08:00:00+07:00")], query
        assert found[-1]["at"] == "2026-12-01T00:30:00+07:00", query
    assert entries(product, f"from=2026-12-01&to=2026-12-01&unit_id={unit}")[0]["action"] == "unit.create"


def test_staff_leaders_and_unit_admins_cannot_read_the_trail(product: Product) -> None:
    unit = product.unit("UBND xã Tú Lý")
    token = product.account("tu.dinh", unit, staff_id=product.staff("Đinh Văn Tú", unit))
    # GIVEN one account that is in turn staff, unit leader, then unit admin of its commune
    for previous, role in ((None, "staff"), ("staff", "unit_leader"), ("unit_leader", "unit_admin")):
        if previous is not None:
            assert product.delete(f"/v1/accounts/tu.dinh/roles/{previous}?unit_id={unit}").status == 200
            assert product.post("/v1/accounts/tu.dinh/roles", {"role": role, "unit_id": unit}).status == 200
        assert product.get("/v1/auth/me", token=token).body["grants"] == [{"role": role, "unit_id": unit}]
        # WHEN it reads the trail, all of it or its own unit's THEN 403
        for query in (NOVEMBER, f"{NOVEMBER}&unit_id={unit}"):
            refused = trail(product, query, token=token)
            assert (refused.status, refused.body["code"]) == (403, "forbidden"), (role, query)
            assert refused.body["message"] == "Bạn không có quyền thực hiện thao tác này."


def test_bad_trail_queries_are_refused(product: Product) -> None:
    for query in ("", "from=2026-11-01", "to=2026-11-30", "from=2026-11-30&to=2026-11-01",
                  "from=2026-08-20&to=2026-11-20",  # 93 days
                  "from=2026-11-01&to=2026-11-31", "from=01-11-2026&to=2026-11-30",
                  f"{NOVEMBER}&limit=0", f"{NOVEMBER}&limit=501", f"{NOVEMBER}&limit=-1", f"{NOVEMBER}&limit=ten"):
        reply = trail(product, query)
        assert (reply.status, reply.body["code"]) == (400, "validation_error"), query
        assert reply.body["message"] == "Dữ liệu gửi lên không hợp lệ."
    # and the edges are accepted: 92 days, limit 1 and 500
    for query in ("from=2026-08-21&to=2026-11-20", f"{NOVEMBER}&limit=1", f"{NOVEMBER}&limit=500"):
        assert trail(product, query).status == 200, query


def test_no_route_changes_or_deletes_the_trail(product: Product) -> None:
    # WHEN the API's description is read THEN the trail can only be read
    paths = product.get("/v1/openapi.json", token="").body["paths"]
    audit_paths = {path: set(methods) for path, methods in paths.items() if path.startswith("/v1/audit")}
    assert audit_paths == {"/v1/audit": {"get"}}
    # and the routes answer so
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        reply = product.request(method, "/v1/audit", {"entries": []})
        assert (reply.status, reply.body["code"]) == (405, "method_not_allowed"), method


def _mentions_audit_table(value: Any) -> bool:
    return "AuditTable" in json.dumps(value)


def test_no_function_may_update_or_delete_audit_entries() -> None:
    # GIVEN every function's IAM policies in template.yaml
    forbidden = {"dynamodb:updateitem", "dynamodb:deleteitem", "dynamodb:batchwriteitem", "dynamodb:*",
                 "dynamodb:partiqlupdate", "dynamodb:partiqldelete", "dynamodb:deletetable",
                 "dynamodb:updatetable", "*"}
    functions = resources_of_type("AWS::Serverless::Function")
    assert {"ApiFunction", "MaintenanceFunction"} <= set(functions)
    writers = set()
    for name, function in functions.items():
        for policy in function["Properties"].get("Policies", []):
            if not isinstance(policy, dict) or "Statement" not in policy:
                # a SAM policy template on the trail (DynamoDBCrudPolicy …) would grant writes
                assert not _mentions_audit_table(policy) or set(policy) == {"DynamoDBReadPolicy"}, (name, policy)
                continue
            for statement in policy["Statement"]:
                if statement.get("Effect") != "Allow":
                    continue
                resources = statement["Resource"] if isinstance(statement["Resource"], list) else [
                    statement["Resource"]]
                if not (_mentions_audit_table(resources) or "*" in resources):
                    continue
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                # THEN none allows changing or deleting an entry
                assert not {action.lower() for action in actions} & forbidden, (name, statement)
                if _mentions_audit_table(resources) and "dynamodb:PutItem" in actions:
                    writers.add(name)
    # and the functions that write entries (through transactions of PutItem) may still do so
    assert {"ApiFunction", "MaintenanceFunction"} <= writers


def test_a_device_secret_opens_the_recognition_route_only(product: Product) -> None:
    unit = product.unit("UBND xã Tú Lý")
    device_id, secret = product.device(unit)
    stamp = int(product.clock().timestamp())
    # WHEN a device signs requests to user routes THEN they are refused as unauthenticated
    for method, path, body in (("GET", "/v1/units", b""), ("GET", "/v1/devices", b""),
                               ("GET", f"/v1/audit?{NOVEMBER}", b""),
                               ("POST", "/v1/units", '{"name": "Xã giả"}'.encode()),
                               ("POST", f"/v1/devices/{device_id}/rotate", b"")):
        reply = product.request(method, path, raw=body, headers=signing.signed_headers(device_id, secret, stamp, body),
                                token="")
        assert (reply.status, reply.body["code"]) == (401, "unauthenticated"), path
    # and nothing was written
    assert [u["name"] for u in product.get("/v1/units").body["units"]] == ["UBND xã Tú Lý"]
    # WHEN it signs a recognition THEN it is past authentication (this body then fails validation)
    accepted = product.signed_post("/v1/recognitions", b'{"capture_id": "cap-1"}', device_id)
    assert (accepted.status, accepted.body["code"]) == (400, "validation_error")


def test_rotating_and_revoking_a_device(product: Product) -> None:
    unit = product.unit("UBND xã Tú Lý")
    device_id, old = product.device(unit)
    body = b'{"capture_id": "cap-1"}'  # fails validation, but only once the signature is accepted
    assert product.signed_post("/v1/recognitions", body, device_id, secret=old).body["code"] == "validation_error"
    # WHEN the admin rotates the secret
    rotated = product.post(f"/v1/devices/{device_id}/rotate")
    # THEN a new one is shown, once
    assert rotated.status == 200, rotated.body
    new = rotated.body["secret"]
    assert len(new) >= 32 and new != old
    assert (rotated.body["device_id"], rotated.body["status"]) == (device_id, "active")
    listed = product.get("/v1/devices").body["devices"]
    assert [d["device_id"] for d in listed] == [device_id]
    assert "secret" not in listed[0] and new not in json.dumps(listed) and old not in json.dumps(listed)
    # and the old one stops working at once, the new one works
    stale = product.signed_post("/v1/recognitions", body, device_id, secret=old)
    assert (stale.status, stale.body["code"]) == (401, "invalid_signature")
    assert stale.body["message"] == "Chữ ký của thiết bị không hợp lệ."
    fresh = product.signed_post("/v1/recognitions", body, device_id, secret=new)
    assert (fresh.status, fresh.body["code"]) == (400, "validation_error")
    # WHEN the device is revoked THEN its secret opens nothing
    revoked = product.post(f"/v1/devices/{device_id}/revoke")
    assert revoked.status == 200 and revoked.body["status"] == "revoked" and "secret" not in revoked.body
    gone = product.signed_post("/v1/recognitions", body, device_id, secret=new)
    assert (gone.status, gone.body["code"]) == (401, "unknown_device")
    assert gone.body["message"] == "Thiết bị chưa được đăng ký hoặc đã bị thu hồi."
    # and it cannot be given a new secret
    again = product.post(f"/v1/devices/{device_id}/rotate")
    assert (again.status, again.body["code"]) == (409, "device_revoked")
    assert again.body["message"] == "Thiết bị đã bị thu hồi."
    assert product.post(f"/v1/devices/{device_id}/revoke").body["status"] == "revoked"
    assert product.get("/v1/devices").body["devices"][0]["status"] == "revoked"


def test_devices_are_listed_within_the_callers_scope(product: Product) -> None:
    # GIVEN a district, a commune with a team under it, a sibling commune, each with a device
    district = product.unit("UBND huyện Đà Bắc")
    commune = product.unit("UBND xã Tú Lý", district)
    team = product.unit("Bộ phận một cửa", commune)
    sibling = product.unit("UBND xã Hào Lý", district)
    devices = {unit_id: product.device(unit_id, f"Camera {n}")[0]
               for n, unit_id in enumerate((district, commune, team, sibling))}
    # and the commune's unit admin
    admin = product.account("lan.ha", commune, grants=[{"role": "unit_admin", "unit_id": commune}])
    # WHEN she lists devices THEN she sees her commune's and its team's, not the sibling's nor the district's
    mine = product.get("/v1/devices", token=admin)
    assert mine.status == 200
    assert {d["device_id"] for d in mine.body["devices"]} == {devices[commune], devices[team]}
    assert {d["device_id"] for d in product.get(f"/v1/devices?unit_id={team}", token=admin).body["devices"]} == {
        devices[team]}
    # and asking for the sibling's, or rotating or revoking its device, is refused
    beside = product.get(f"/v1/devices?unit_id={sibling}", token=admin)
    assert (beside.status, beside.body["code"]) == (403, "forbidden")
    for action in ("rotate", "revoke"):
        refused = product.post(f"/v1/devices/{devices[sibling]}/{action}", token=admin)
        assert (refused.status, refused.body["code"]) == (403, "forbidden"), action
    # while the system admin sees all four, and nobody ever sees a secret
    everything = product.get("/v1/devices").body["devices"]
    assert {d["device_id"] for d in everything} == set(devices.values())
    assert {d["status"] for d in everything} == {"active"}
    for listing in (everything, mine.body["devices"]):
        assert all("secret" not in d for d in listing)
        assert not any(secret in json.dumps(listing) for secret in product.devices.values())

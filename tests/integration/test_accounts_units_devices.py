"""Signing in, building the unit tree, staff records and devices through the HTTP API."""

from __future__ import annotations

from tests.integration.harness import ADMIN_PASSWORD, Product


def test_login_gives_a_bearer_token_and_refuses_wrong_passwords(product: Product) -> None:
    # WHEN the admin signs in THEN a token comes back with its expiry
    ok = product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
    assert ok.status == 200
    assert ok.body["token"] and ok.body["expires_at"] and ok.body["roles"] == ["system_admin"]
    # WHEN the password or the user is wrong THEN 401 with the same code (no user enumeration)
    for username, password in (("admin", "sai mật khẩu"), ("nobody", ADMIN_PASSWORD)):
        bad = product.post("/v1/auth/login", {"username": username, "password": password}, token="")
        assert bad.status == 401
        assert bad.body["code"] == "invalid_credentials"
        assert bad.body["message"] == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_tokens_expire(product: Product) -> None:
    assert product.get("/v1/units").status == 200
    product.clock.advance(hours=8, seconds=1)
    expired = product.get("/v1/units")
    assert expired.status == 401
    assert expired.body["code"] == "token_expired"


def test_admin_routes_need_a_token(product: Product) -> None:
    for token in ("", "made-up-token"):
        reply = product.post("/v1/units", {"name": "Xã A"}, token=token)
        assert reply.status == 401
        assert reply.body["code"] == "unauthenticated"
    assert product.get("/v1/units").body == {"units": []}  # nothing was written


def test_errors_are_vietnamese_unless_english_is_asked_for(product: Product) -> None:
    vi = product.post("/v1/units", {"name": "Xã A", "parent_id": "unit_missing"})
    en = product.post("/v1/units", {"name": "Xã A", "parent_id": "unit_missing"},
                      headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert (vi.status, vi.body["code"]) == (en.status, en.body["code"]) == (404, "parent_unit_not_found")
    assert vi.body["message"] == "Không tìm thấy đơn vị cấp trên."
    assert en.body["message"] == "Parent unit not found."


def test_unit_tree_staff_and_devices(product: Product) -> None:
    district = product.unit("UBND huyện Đà Bắc")
    home_affairs = product.unit("Phòng Nội vụ", district)
    units = product.get("/v1/units").body["units"]
    assert {(u["name"], u["parent_id"]) for u in units} == {("UBND huyện Đà Bắc", None),
                                                           ("Phòng Nội vụ", district)}
    staff = product.post("/v1/staff", {"full_name": "Nguyễn Thị Hoà", "unit_id": home_affairs,
                                       "email": "hoa@dabac.gov.vn"})
    assert staff.status == 201
    assert staff.body["full_name"] == "Nguyễn Thị Hoà" and staff.body["faces"] == []
    listed = product.get(f"/v1/staff?unit_id={home_affairs}").body["staff"]
    assert [s["staff_id"] for s in listed] == [staff.body["staff_id"]]
    assert product.get(f"/v1/staff/{staff.body['staff_id']}").body["email"] == "hoa@dabac.gov.vn"
    # A device's secret is shown once, at registration
    device = product.post("/v1/devices", {"name": "Camera sảnh", "unit_id": district})
    assert device.status == 201 and len(device.body["secret"]) >= 32


def test_bad_bodies_are_refused_with_codes_and_write_nothing(product: Product) -> None:
    cases = [
        (b"{not json", "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (b'{"name": ""}', "validation_error"),
        (b'{"name": "A", "extra": 1}', "validation_error"),
        (b'{"name": "A", "parent_id": "../etc"}', "validation_error"),
    ]
    for raw, code in cases:
        reply = product.post("/v1/units", raw=raw)
        assert (reply.status, reply.body["code"]) == (400, code), raw
    assert product.get("/v1/units").body == {"units": []}
    unit = product.unit()
    bad_staff = product.post("/v1/staff", {"full_name": "A", "unit_id": unit, "email": "not-an-email"})
    assert bad_staff.status == 400
    assert bad_staff.body["details"]["errors"][0]["field"] == "email"
    missing = product.post("/v1/staff", {"full_name": "A", "unit_id": "unit_nope"})
    assert (missing.status, missing.body["code"]) == (404, "unit_not_found")
    assert product.get(f"/v1/staff?unit_id={unit}").body == {"staff": []}
    # Without a unit: everyone the caller may see (the system admin: the whole site)
    assert [person["full_name"] for person in product.get("/v1/staff").body["staff"]] == []
    assert product.get("/v1/staff/stf_nope").status == 404


def test_a_body_over_2_mb_is_refused(product: Product) -> None:
    reply = product.post("/v1/units", raw=b'{"name": "' + b"a" * (2 * 1024 * 1024) + b'"}')
    assert (reply.status, reply.body["code"]) == (413, "payload_too_large")


def test_other_content_types_get_the_same_error_shape(product: Product) -> None:
    reply = product.post("/v1/units", raw=b"name=A", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 415
    assert reply.body["code"] == "unsupported_media_type" and reply.body["message"]


def test_openapi_describes_every_route(product: Product) -> None:
    document = product.get("/v1/openapi.json", token="").body
    assert document["openapi"].startswith("3.")
    described = {(path, method.upper()) for path, methods in document["paths"].items() for method in methods}
    routes = {(path, method) for path, methods in product.client._app.routes.items() for method in methods}
    assert described == routes
    recognitions = document["paths"]["/v1/recognitions"]["post"]
    assert "RecognitionRequest" in recognitions["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert {"no_face", "multiple_faces", "face_too_small", "too_blurry", "duplicate_person"} <= set(
        document["paths"]["/v1/staff/{staff_id}/faces"]["post"]["x-error-codes"])
    assert "`duplicate_person`" in document["paths"]["/v1/staff/{staff_id}/faces"]["post"]["responses"]["422"][
        "description"]

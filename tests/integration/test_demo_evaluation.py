"""The demo's month (infra/demo/evaluation.py), played on the in-process product instead of the local stack: what
`make demo` prints is what the API did — the paper attendance sheet entered as corrections, the month's tasks,
self-assessment, review with an adjustment and its reason, the head's approval with the cap on "excellent", and
the monthly reports sent once. (`make demo` runs it on the local stack; its small test run has units too small.)"""

from __future__ import annotations

from datetime import date
from typing import Any

from infra.demo.evaluation import play
from tests.integration.harness import OWN_PASSWORD, Product

FRIDAY = date(2026, 11, 20)  # the lobby's day: the month evaluated is October
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức")


def test_the_demo_plays_a_month_of_evaluation_through_the_api(product: Product) -> None:
    # GIVEN a district, Phòng Nội vụ with five people, its leader's and one civil servant's accounts
    district = product.unit("UBND huyện Đà Bắc (demo)")
    unit = product.unit("Phòng Nội vụ", district)
    assert product.request("PATCH", f"/v1/units/{unit}", {"report_recipients": ["truongphong@dabac.example.gov.vn"]}
                           ).status == 200
    ids = [product.staff(name, unit) for name in NAMES]
    product.account("truongphong", unit, staff_id=ids[0],
                    grants=[{"role": "unit_leader", "unit_id": unit}, {"role": "staff", "unit_id": unit}])
    product.account("canbo", unit, staff_id=ids[1])

    def http(method: str, path: str, body: dict[str, Any] | None = None, *, authorization: str = "",
             params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        query = "&".join(f"{name}={value}" for name, value in (params or {}).items())
        reply = product.request(method, f"{path}?{query}" if query else path, body, token="",
                                headers={"Authorization": authorization, "Accept-Language": "vi"})
        return reply.status, reply.body

    members = [(ids[0], NAMES[0], "truongphong"), (ids[1], NAMES[1], "canbo"),
               *((staff_id, name, None) for staff_id, name in zip(ids[2:], NAMES[2:], strict=True))]
    # WHEN the demo plays the month before the lobby's day
    lines = play(http, f"Bearer {product.token}", {"unit_id": unit, "name": "Phòng Nội vụ"}, district, members,
                 FRIDAY, OWN_PASSWORD)
    text = "\n".join(lines)
    # THEN October was evaluated for the five, through every step, and locked by the head
    assert "Đánh giá, xếp loại tháng 10/2026" in text, text
    assert "posts 30 nhiệm vụ / tasks (từ chối / rejected 0)" in text, text
    table = product.get(f"/v1/units/{unit}/evaluations/2026-10").body
    assert {row["staff_id"] for row in table["rows"]} == set(ids)
    assert all(row["state"] == "locked" and row["final_grade"] for row in table["rows"]), table["rows"]
    # AND the paper sheet's late mornings and absence cost discipline points; the on-time people lost none
    def discipline(staff_id: str) -> str:
        record = product.get(f"/v1/staff/{staff_id}/evaluations/2026-10").body
        return next(c["points"] for c in record["computed"]["general"]["criteria"] if c["code"] == "discipline")

    assert discipline(ids[1]) == "6.00" and discipline(ids[4]) == "3.00"  # two late (0.5 each), one absent (2)
    # AND the leader's adjustment is kept with its reason, and the head reviewed the leader
    second = product.get(f"/v1/staff/{ids[1]}/evaluations/2026-10").body
    assert second["review_entry"]["general"]["competence"]["reason"].startswith("Còn phải sửa lại dự thảo")
    assert product.get(f"/v1/staff/{ids[0]}/evaluations/2026-10").body["review_entry"]["by"] == "thutruong"
    # AND the task entered by hand counts for the last person
    tasks = product.get(f"/v1/staff/{ids[4]}/tasks?period=month&date=2026-10-01").body["tasks"]
    assert any(task["title"] == "Tiếp công dân định kỳ tại bộ phận một cửa" and task["entered_by"] == "truongphong"
               for task in tasks)
    # AND nobody of five can stay excellent (20% of those rated good rounds down to nobody): the cap is printed
    assert "giới hạn xuất sắc" in text
    assert not any(row["final_grade"] == "excellent" for row in table["rows"])
    # AND the monthly reports were sent, and the re-run sent nothing again
    first, again = (line for line in lines if "chạy" in line)
    assert "Phòng Nội vụ → sent" in first and "Phòng Nội vụ → already_sent" in again, (first, again)

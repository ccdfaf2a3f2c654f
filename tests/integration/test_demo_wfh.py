"""The demo's work-from-home day (infra/demo/wfh.py), played on the in-process product instead of the local stack:
what `make demo` prints is what the API did — the roster within the cap kept, the one over it refused with the
Vietnamese message and nothing saved, the tasks of the people at home stored with the bad record rejected, and a
re-post changing nothing. (`make demo` itself runs it on the local stack; its small test run has units too small.)"""

from __future__ import annotations

from datetime import date
from typing import Any

from infra.demo.wfh import play
from tests.integration.harness import OWN_PASSWORD, Product

FRIDAY = date(2026, 11, 20)  # the lobby's day; the clock stands at Friday 07:40, so Thursday is over
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức")


def test_the_demo_plays_a_work_from_home_day_through_the_api(product: Product) -> None:
    # GIVEN a district, Phòng Nội vụ with five people and its leader
    district = product.unit("UBND huyện Đà Bắc (demo)")
    unit = product.unit("Phòng Nội vụ", district)
    members = [(product.staff(name, unit), name) for name in NAMES]
    product.account("truongphong", unit, grants=[{"role": "unit_leader", "unit_id": unit}])

    def http(method: str, path: str, body: dict[str, Any] | None = None, *, authorization: str = "",
             params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        query = "&".join(f"{name}={value}" for name, value in (params or {}).items())
        reply = product.request(method, f"{path}?{query}" if query else path, body, token="",
                                headers={"Authorization": authorization, "Accept-Language": "vi"})
        return reply.status, reply.body

    # WHEN the demo plays the day before the lobby's
    wfh = play(http, f"Bearer {product.token}", {"unit_id": unit, "name": "Phòng Nội vụ"}, members, FRIDAY,
               ("truongphong", OWN_PASSWORD), district)
    text = "\n".join(wfh.lines)
    # THEN Thursday's roster holds two of five (the cap), in name order, and they are working from home
    assert wfh.day == date(2026, 11, 19)
    assert [member.full_name for member in wfh.at_home] == ["Hoàng Minh Đức", "Lê Hoàng Cường"]
    assert "2 người ở nhà, tối đa 2 trên 5 cán bộ" in text
    assert "Hoàng Minh Đức — Làm việc tại nhà, Lê Hoàng Cường — Làm việc tại nhà" in text
    # AND three were refused whole, with the message a leader reads, and the roster stayed at two
    assert "3 người / people → 422 wfh_cap_exceeded: Vượt giới hạn làm việc tại nhà: ngày 19/11/2026" in text
    assert "lịch vẫn là / the roster stays: 2 người" in text
    roster = product.get(f"/v1/units/{unit}/roster/2026-11-19").body
    assert [person["full_name"] for person in roster["staff"]] == ["Hoàng Minh Đức", "Lê Hoàng Cường"]
    # AND the client's batch: 5 tasks stored, the one completed before it was assigned rejected, printed
    assert "6 bản ghi / records → nhận / accepted 5 (mới / created 5), từ chối / rejected 1" in text
    assert "#5 VB-20261119-LOI: task_dates_impossible" in text
    # AND the same batch again changes nothing
    assert "nhận / accepted 5, mới / created 0, cập nhật / updated 0, không đổi / unchanged 5" in text
    # AND the unit's tasks of the day are what was posted: 4 done, 1 open
    assert "giao / assigned 5, đã xử lý / done 4, chưa xử lý / open 1" in text
    tasks = product.get(f"/v1/units/{unit}/tasks?period=day&date=2026-11-19").body
    assert tasks["counts"]["assigned"] == 5 and tasks["counts"]["done"] == 4

"""Who a site's gallery holds: the people of its subtree and those granted access; which sites a change concerns."""

from __future__ import annotations

from datetime import date

import pytest

from chamcong.access import UnitTree
from chamcong.services.galleries import active_grants, people_by_site, site_people, sites_concerned

# district ─┬─ home_affairs ── archive
#           └─ finance
TREE = UnitTree({"district": None, "home_affairs": "district", "archive": "home_affairs", "finance": "district",
                 "other_district": None})
STAFF = [("an", "An", "home_affairs"), ("binh", "Bình", "archive"), ("chi", "Chi", "finance"),
         ("dung", "Dũng", "other_district")]


@pytest.mark.parametrize(("site", "granted", "expected"), [
    ("home_affairs", [], {"an", "binh"}),  # its own people and those of the units beneath it
    ("archive", [], {"binh"}),
    ("district", [], {"an", "binh", "chi"}),  # a district's lobby sees everyone under it
    ("finance", ["dung"], {"chi", "dung"}),  # a visitor granted access, from anywhere
    ("other_district", ["an"], {"an", "dung"}),
    ("nowhere", [], set()),
])
def test_a_site_holds_its_subtree_and_its_granted_visitors(site: str, granted: list[str], expected: set[str]) -> None:
    people = site_people(TREE, site, STAFF, granted)
    assert set(people) == expected
    assert all(people[staff_id] == (name, unit) for staff_id, name, unit in STAFF if staff_id in expected)
    # the same answer when every site is computed at once (the reconcile)
    assert set(people_by_site(TREE, [site], STAFF, {site: granted})[site]) == expected


@pytest.mark.parametrize(("units", "expected"), [
    (["archive"], {"home_affairs", "district"}),  # every site on the way up
    (["finance", "archive"], {"home_affairs", "district"}),  # a transfer: where they left and where they arrive
    (["other_district"], set()),  # no device there: no site
])
def test_a_change_concerns_the_sites_on_the_path_up(units: list[str], expected: set[str]) -> None:
    assert sites_concerned(TREE, {"district", "home_affairs"}, units) == expected


def test_a_grant_ends_after_its_last_day() -> None:
    grants = {"an": {"until": "2026-11-20"}, "binh": {"until": None}, "chi": {"until": "2026-11-19"}}
    assert set(active_grants(grants, date(2026, 11, 20))) == {"an", "binh"}
    assert set(active_grants(grants, date(2026, 11, 21))) == {"binh"}


def test_a_warm_function_keeps_the_most_recently_used_site_galleries(monkeypatch: pytest.MonkeyPatch) -> None:
    from chamcong import container as module
    from chamcong.container import Container
    from chamcong.settings import Settings

    monkeypatch.setattr(module, "SITE_GALLERIES_KEPT", 2)
    warm = Container(Settings(aws_region="ap-southeast-1"))
    first = warm.site_gallery_repository("m", "unit_a", 128)
    warm.site_gallery_repository("m", "unit_b", 128)
    assert warm.site_gallery_repository("m", "unit_a", 128) is first  # used again: kept, and now the newest
    warm.site_gallery_repository("m", "unit_c", 128)  # one too many: the least recently used (unit_b) goes
    assert [repo.gallery_id for repo in warm.kept_site_galleries()] == ["m@unit_a", "m@unit_c"]
    assert first.unit_id == "unit_a" and first.gallery_id == "m@unit_a"

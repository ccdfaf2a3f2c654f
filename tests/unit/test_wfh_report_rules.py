"""The afternoon reports' rule, by table: which tasks count for a person at home on a day, and which of them
were processed by the report's cut-off."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from chamcong.rules.collation import vietnamese_key
from chamcong.rules.wfh_report import (
    Tally,
    TaskTimes,
    best_performers,
    counts_on,
    cutoff,
    percent,
    processed_nothing,
    tally,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
D = date(2026, 11, 20)


def at(text: str) -> datetime:
    """A local time in Ha Noi: "11-20 09:00" → 2026-11-20 09:00 +07:00."""
    return datetime.fromisoformat(f"2026-{text.replace(' ', 'T')}:00+07:00")


@pytest.mark.parametrize(("case", "task", "counts", "processed_by_16"), [
    ("assigned on D, open", TaskTimes("assigned", at("11-20 08:00")), True, False),
    ("assigned on D, done at 15:59", TaskTimes("done", at("11-20 08:00"), None, at("11-20 15:59")), True, True),
    ("assigned on D, done at 16:00 sharp", TaskTimes("done", at("11-20 08:00"), None, at("11-20 16:00")), True, True),
    ("assigned on D, done after the cut-off", TaskTimes("done", at("11-20 08:00"), None, at("11-20 16:30")),
     True, False),
    ("assigned on D 00:10 local (D-1 in UTC)", TaskTimes("in_progress", at("11-20 00:10")), True, False),
    ("assigned on D, cancelled", TaskTimes("cancelled", at("11-20 08:00")), False, False),
    ("assigned before D, due on D, open", TaskTimes("in_progress", at("11-17 08:00"), at("11-20 17:00")),
     True, False),
    ("assigned before D, due on D, done on D", TaskTimes("done", at("11-17 08:00"), at("11-20 17:00"),
                                                        at("11-20 10:00")), True, True),
    ("assigned before D, due on D, completed before D",
     TaskTimes("done", at("11-17 08:00"), at("11-20 17:00"), at("11-19 23:59")), False, False),
    ("assigned before D, due on D, cancelled", TaskTimes("cancelled", at("11-17 08:00"), at("11-20 17:00")),
     False, False),
    ("assigned before D, due after D", TaskTimes("assigned", at("11-17 08:00"), at("11-21 09:00")), False, False),
    ("assigned before D, due before D (overdue)", TaskTimes("assigned", at("11-17 08:00"), at("11-19 17:00")),
     False, False),
    ("assigned before D, no due date", TaskTimes("assigned", at("11-17 08:00")), False, False),
    ("assigned after D", TaskTimes("assigned", at("11-21 08:00"), at("11-20 17:00")), False, False),
])
def test_which_tasks_count_and_which_were_processed(case: str, task: TaskTimes, counts: bool,
                                                    processed_by_16: bool) -> None:
    assert counts_on(task, D, HANOI) is counts, case
    cut = cutoff(D, "units", at("11-20 20:00"), HANOI)
    assert tally([task], D, cut, HANOI) == Tally(int(counts), int(processed_by_16)), case


@pytest.mark.parametrize(("kind", "now", "expected"), [
    ("units", "11-20 20:00", "11-20 16:00"),     # a later run (a re-run) judges at the cut-off
    ("province", "11-20 20:00", "11-20 17:00"),
    ("units", "11-20 11:00", "11-20 11:00"),     # a run before the cut-off judges at the run time
    ("province", "11-25 08:00", "11-20 17:00"),  # a past day's report is reproducible
])
def test_the_cut_off(kind: str, now: str, expected: str) -> None:
    assert cutoff(D, kind, at(now), HANOI) == at(expected)  # type: ignore[arg-type]


def test_a_task_done_between_16_and_17_is_processed_for_the_province_but_not_for_the_units() -> None:
    task = TaskTimes("done", at("11-20 08:00"), None, at("11-20 16:30"))
    late = at("11-21 08:00")
    assert tally([task], D, cutoff(D, "units", late, HANOI), HANOI) == Tally(1, 0)
    assert tally([task], D, cutoff(D, "province", late, HANOI), HANOI) == Tally(1, 1)


@pytest.mark.parametrize(("counted", "done", "processed_share", "not_share", "nothing"), [
    (3, 2, "66,7%", "33,3%", False),
    (1, 1, "100,0%", "0,0%", False),
    (2, 0, "0,0%", "100,0%", True),
    (0, 0, "—", "—", False),  # nothing counted: no ratio, and not "processed nothing"
])
def test_ratios_as_the_reports_write_them(counted: int, done: int, processed_share: str, not_share: str,
                                          nothing: bool) -> None:
    one = Tally(counted, done)
    assert (percent(one.share(one.processed)), percent(one.share(one.not_processed))) == (processed_share, not_share)
    assert processed_nothing(one) is nothing


def test_best_performers_every_task_processed_most_first_then_by_name_ties_at_the_cut_kept() -> None:
    people = [("a", "Trần Văn Bình", Tally(3, 3)), ("b", "Nguyễn Văn An", Tally(3, 3)),
              ("c", "Lê Thị Chi", Tally(5, 4)),   # one left: not every task processed
              ("d", "Phạm Dung", Tally(0, 0)),    # nothing counted
              ("e", "Đỗ Hà", Tally(1, 1)), ("f", "Vũ Lan", Tally(1, 1)), ("g", "Hoàng Minh", Tally(2, 2))]
    best = best_performers(people, vietnamese_key, limit=3)
    assert [who for who, _, _ in best] == ["b", "a", "g"]
    # a tie at the cut: both with 1 processed are kept past the limit
    assert [who for who, _, _ in best_performers(people, vietnamese_key, limit=4)] == ["b", "a", "g", "e", "f"]

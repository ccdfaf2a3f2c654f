"""The threshold proposal and where a threshold applies, by table."""

from __future__ import annotations

import pytest

from chamcong.rules.calibration import (
    SetThreshold,
    highest_needed,
    propose_threshold,
    rates_at,
    resolve_threshold,
    upper_bound_95,
)

# 2,000 impostor pairs spread evenly over 0.000 … 0.3998 (step 0.0002), plus the few high ones each case adds.
SPREAD = [i * 0.0002 for i in range(2000)]
GENUINE = [0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9] * 3  # 30 same-person scores


@pytest.mark.parametrize(("case", "impostor", "fmr", "default", "threshold", "warnings"), [
    # 0.1 % of 2,000 pairs allows 2 false matches: the threshold sits just above the third highest (0.41).
    ("rate allows two", [*SPREAD[3:], 0.41, 0.43, 0.47], 0.001, 0.45, 0.411, []),
    # 0.01 % of 2,000 pairs allows none, and 2,000 pairs cannot show 0.01 %: above every pair, with a warning.
    ("too few pairs", [*SPREAD[1:], 0.47], 0.0001, 0.5, 0.471, ["too_few_impostor_pairs"]),
    # a clean gallery would give 0.40: not below the model's default minus 0.05, and it says so.
    ("raised to floor", SPREAD, 0.001, 0.5, 0.45, ["raised_to_model_floor"]),
    # two different people with near-identical photos: capped at the maximum an admin may set, with a warning.
    ("capped", [*SPREAD[3:], 0.97, 0.98, 0.99], 0.0005, 0.5, 0.95, ["capped_at_maximum"]),
    # nothing to compare: the model's default, and why.
    ("no pairs", [], 0.001, 0.363, 0.363, ["no_impostor_pairs"]),
    # a score exactly on a step is not let through (strictly above it).
    ("on a step", [*SPREAD[1:], 0.46], 0.0001, 0.5, 0.461, ["too_few_impostor_pairs"]),
])
def test_the_proposed_threshold(case: str, impostor: list[float], fmr: float, default: float, threshold: float,
                                warnings: list[str]) -> None:
    proposal = propose_threshold(impostor, GENUINE, [], target_fmr=fmr, model_default=default)
    assert proposal.threshold == pytest.approx(threshold), case
    assert [w.code for w in proposal.warnings] == warnings, case
    if impostor:
        passing = sum(1 for s in impostor if s >= proposal.threshold)
        assert passing <= max(int(fmr * len(impostor)), 0) or "capped_at_maximum" in warnings, case
        assert proposal.expected_fmr == passing / len(impostor)
        assert proposal.impostor_pairs == len(impostor) and proposal.impostor_max == max(impostor)


def test_the_expected_accept_rate_counts_gallery_pairs_and_captures() -> None:
    proposal = propose_threshold([*SPREAD[1:], 0.47], [0.45, 0.5, 0.6, 0.9], [0.52, 0.8], target_fmr=0.0001,
                                 model_default=0.5)
    assert proposal.threshold == pytest.approx(0.471)
    assert proposal.gallery_accept_rate == pytest.approx(3 / 4)
    assert proposal.capture_accept_rate == pytest.approx(2 / 2)
    assert proposal.accept_rate == pytest.approx(5 / 6)
    assert (proposal.genuine_pairs, proposal.captures) == (4, 2)
    assert "too_few_genuine_scores" in [w.code for w in proposal.warnings]


def test_only_the_highest_impostor_scores_are_needed_when_the_count_is_given() -> None:
    everything = [*SPREAD[3:], 0.41, 0.43, 0.47]
    needed = highest_needed(0.001, len(everything))
    assert needed == 3
    top = sorted(everything, reverse=True)[:needed]
    whole = propose_threshold(everything, GENUINE, [], target_fmr=0.001, model_default=0.45)
    partial = propose_threshold(top, GENUINE, [], target_fmr=0.001, model_default=0.45,
                                impostor_pairs=len(everything))
    assert partial.threshold == whole.threshold == pytest.approx(0.411)
    assert partial.expected_fmr == whole.expected_fmr == pytest.approx(2 / 2000)


def test_the_warnings_read_in_vietnamese_and_english() -> None:
    proposal = propose_threshold([0.3, 0.2], [0.8], [], target_fmr=0.001, model_default=0.5)
    first = proposal.warnings[0]
    assert first.code == "too_few_impostor_pairs"
    assert "cần ít nhất 1000, hiện có 2" in first.vi and "at least 1000 needed, 2 available" in first.en


@pytest.mark.parametrize(("hits", "trials", "bound"), [(0, 1000, 0.003), (0, 0, 1.0), (0, 2, 1.0), (5, 1000, 0.0102)])
def test_the_upper_bound_of_a_rate(hits: int, trials: int, bound: float) -> None:
    assert upper_bound_95(hits, trials) == pytest.approx(bound, abs=3e-4)


def test_rates_at_a_given_threshold() -> None:
    rates = rates_at(0.5, [0.6, 0.55, 0.2], 1000, [0.4, 0.7], [0.9], nearest_impostor=[0.6, 0.3, 0.1, 0.2])
    assert rates.expected_fmr == pytest.approx(2 / 1000)
    assert rates.stranger_rate == pytest.approx(1 / 4)
    assert rates.accept_rate == pytest.approx(2 / 3)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 5e-324, 1e-7])
def test_a_rate_outside_0_1_is_refused(bad: float) -> None:
    with pytest.raises(ValueError):
        propose_threshold([0.1], [0.9], [], target_fmr=bad, model_default=0.5)


M, OTHER = "mobilefacenet_128d", "sface_2021dec"


@pytest.mark.parametrize(("case", "device", "units", "site", "expected"), [
    ("nothing set: the model", None, [None, None], None, 0.5),
    ("site", None, [None, None], SetThreshold(0.47, M), 0.47),
    ("the unit above the device's wins over the site", None, [None, SetThreshold(0.55, M)], SetThreshold(0.47, M),
     0.55),
    ("the nearest unit wins", None, [SetThreshold(0.6, M), SetThreshold(0.55, M)], None, 0.6),
    ("the device wins", SetThreshold(0.62, M), [SetThreshold(0.6, M)], SetThreshold(0.47, M), 0.62),
    ("another model's values are ignored", SetThreshold(0.3, OTHER), [SetThreshold(0.31, OTHER)],
     SetThreshold(0.32, OTHER), 0.5),
    ("another model's device value falls through to this model's unit", SetThreshold(0.3, OTHER),
     [None, SetThreshold(0.58, M)], None, 0.58),
])
def test_where_a_threshold_applies(case: str, device: SetThreshold | None, units: list[SetThreshold | None],
                                   site: SetThreshold | None, expected: float) -> None:
    assert resolve_threshold(M, 0.5, device, units, site) == expected, case


def test_per_passage_the_same_rate_asks_for_a_higher_threshold() -> None:
    # GIVEN 2,000 enrolled faces: their pairs are mostly far apart, but three faces each have someone close
    impostor = [*SPREAD[3:], 0.46, 0.48, 0.49]
    nearest = [*([0.35] * 1997), 0.46, 0.48, 0.49]
    per_pair = propose_threshold(impostor, GENUINE, [], target_fmr=0.001, model_default=0.45,
                                 nearest_impostor=nearest)
    per_passage = propose_threshold(impostor, GENUINE, [], target_fmr=0.001, model_default=0.45,
                                    nearest_impostor=nearest, basis="passage")
    # THEN both let two through (0.48 and 0.49): two of 2,000 pairs, two of 2,000 faces
    assert per_pair.threshold == pytest.approx(0.461) and per_passage.threshold == pytest.approx(0.461)
    # and with many faces each near someone, per passage asks for more than per pair
    crowded = [*([0.44] * 1990), *([0.47] * 10)]
    pair = propose_threshold(impostor, GENUINE, [], target_fmr=0.001, model_default=0.45, nearest_impostor=crowded)
    passage = propose_threshold(impostor, GENUINE, [], target_fmr=0.001, model_default=0.45,
                                nearest_impostor=crowded, basis="passage")
    assert pair.threshold == pytest.approx(0.461) and pair.stranger_rate == pytest.approx(10 / 2000)
    assert passage.threshold == pytest.approx(0.471) and passage.stranger_rate == 0.0
    assert passage.basis == "passage" and passage.warnings == ()
    # too few faces to show the rate per passage: above every face's nearest stranger, and it says so
    few = propose_threshold(impostor, GENUINE, [], target_fmr=0.001, model_default=0.45,
                            nearest_impostor=[0.3, 0.47], basis="passage")
    assert few.threshold == pytest.approx(0.471)
    assert [w.code for w in few.warnings] == ["too_few_faces_for_passages"]

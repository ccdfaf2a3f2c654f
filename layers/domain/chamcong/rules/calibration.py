"""A match threshold proposed for a target false-match rate, from scores a site already holds.

Pure: scores in, a proposal out. The service computes the scores (cosine similarities):

- impostor: every pair of enrolled faces of two different people (the gallery's cross-person pairs). Only the
  highest ones decide a threshold, so the caller may pass the top of the list with the total count;
- nearest impostor: for each enrolled face, its best score against anyone else (what a stranger passage looks
  like to the gallery: identification, not one comparison);
- genuine: pairs of enrolment photos of the same person, and the similarities of the site's recent matched
  captures (those are biased upwards: they all passed the threshold of their day).

The threshold is the lowest value, in steps of 0.001, that lets at most `floor(fmr × pairs)` impostor pairs
through; with too few pairs to see a rate that small it stays above every impostor pair seen and says so. It
never goes below the model's default minus a safety floor, nor outside the range an admin may set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from chamcong.messages.calibration import WARNINGS

MIN_THRESHOLD = 0.2
MAX_THRESHOLD = 0.95
SAFETY_FLOOR = 0.05  # how far below the model's published default a proposal may go
MIN_GENUINE = 20  # fewer genuine scores than this give an accept rate too rough to quote
STEP = 1000  # thresholds are proposed in steps of 0.001
Basis = Literal["pair", "passage"]
MIN_FMR = 1e-6  # one in a million pairs: below that no site has the pairs to see it

@dataclass(frozen=True)
class Notice:
    code: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def vi(self) -> str:
        return WARNINGS[self.code][0].format(**dict(self.values))

    @property
    def en(self) -> str:
        return WARNINGS[self.code][1].format(**dict(self.values))


@dataclass(frozen=True)
class Proposal:
    threshold: float
    target_fmr: float
    basis: Basis
    expected_fmr: float | None  # impostor pairs at or above the threshold / pairs; None without pairs
    fmr_upper_95: float | None  # 95 % upper bound of that rate given the number of pairs
    stranger_rate: float | None  # enrolled faces whose nearest other person reaches the threshold
    accept_rate: float | None  # genuine scores (gallery pairs and captures) at or above the threshold
    gallery_accept_rate: float | None
    capture_accept_rate: float | None
    impostor_pairs: int
    impostor_max: float | None
    genuine_pairs: int
    captures: int
    model_default: float
    floor: float
    warnings: tuple[Notice, ...]


def _up(value: float) -> float:
    """Rounded up to the next 0.001 strictly above `value`'s step (so `value` itself falls below it)."""
    return (math.floor(value * STEP + 1e-9) + 1) / STEP


def _rate(scores: Sequence[float], threshold: float) -> float | None:
    return sum(1 for s in scores if s >= threshold) / len(scores) if scores else None


def upper_bound_95(hits: int, trials: int) -> float:
    """One-sided 95 % upper bound of a rate seen as hits/trials (the rule of three at zero, Wilson otherwise)."""
    if trials <= 0:
        return 1.0
    if hits == 0:
        return min(1.0, 3.0 / trials)
    z = 1.645
    p = hits / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return min(1.0, (centre + spread) / (1 + z * z / trials))


def propose_threshold(impostor_highest: Sequence[float], genuine: Sequence[float], captures: Sequence[float], *,
                      target_fmr: float, model_default: float, impostor_pairs: int | None = None,
                      nearest_impostor: Sequence[float] = (), safety_floor: float = SAFETY_FLOOR,
                      basis: Basis = "pair") -> Proposal:
    """The threshold for `target_fmr`, its expected rates and the warnings that go with it.

    `impostor_highest` holds impostor scores (all of them, or the highest ones when `impostor_pairs` gives the
    total); at least `floor(target_fmr × pairs) + 1` of the highest are needed for an exact answer.

    basis "pair": the rate is per comparison of two different people's faces. basis "passage": per stranger
    passing the camera, who is compared with the whole gallery at once — each enrolled face stands in for a
    stranger to everyone else (`nearest_impostor`). With N people enrolled a passage is about N comparisons, so
    the same rate asks for a higher threshold; it is the rate a lobby's "strangers matched" is counted in.
    """
    if not MIN_FMR <= target_fmr < 1:
        raise ValueError(f"target_fmr must be from {MIN_FMR} to below 1")
    pairs = len(impostor_highest) if impostor_pairs is None else impostor_pairs
    if pairs < len(impostor_highest):
        raise ValueError("impostor_pairs cannot be fewer than the scores given")
    floor = round(max(MIN_THRESHOLD, model_default - safety_floor), 3)
    warnings: list[Notice] = []
    highest = sorted(impostor_highest, reverse=True)
    sample, samples = (highest, pairs) if basis == "pair" else (sorted(nearest_impostor, reverse=True),
                                                               len(nearest_impostor))
    if not highest or not sample:
        threshold = round(min(max(model_default, MIN_THRESHOLD), MAX_THRESHOLD), 3)
        warnings.append(Notice("no_impostor_pairs"))
    else:
        allowed = math.floor(target_fmr * samples + 1e-9)  # false matches the rate allows among these samples
        needed = math.ceil(1 / target_fmr - 1e-9)
        if samples < needed:
            code = "too_few_impostor_pairs" if basis == "pair" else "too_few_faces_for_passages"
            warnings.append(Notice(code, (("needed", str(needed)), ("pairs", str(samples)))))
        if allowed >= len(sample):
            raise ValueError("not enough of the highest impostor scores for this rate")
        computed = _up(sample[allowed])  # strictly above the (allowed + 1)-th highest: at most `allowed` pass
        threshold = computed
        if computed < floor:
            threshold = floor
            warnings.append(Notice("raised_to_model_floor", (("computed", f"{computed:.3f}"),
                                                              ("floor", f"{floor:.3f}"))))
        if computed > MAX_THRESHOLD:
            threshold = MAX_THRESHOLD
            warnings.append(Notice("capped_at_maximum", (("computed", f"{computed:.3f}"),
                                                          ("maximum", f"{MAX_THRESHOLD:.2f}"))))
        threshold = max(threshold, MIN_THRESHOLD)
    every_genuine = [*genuine, *captures]
    if len(every_genuine) < MIN_GENUINE:
        warnings.append(Notice("too_few_genuine_scores", (("genuine", str(len(every_genuine))),)))
    rates = rates_at(threshold, highest, pairs, genuine, captures, nearest_impostor)
    return Proposal(
        threshold=threshold, target_fmr=target_fmr, basis=basis, expected_fmr=rates.expected_fmr,
        fmr_upper_95=rates.fmr_upper_95, stranger_rate=rates.stranger_rate, accept_rate=rates.accept_rate,
        gallery_accept_rate=rates.gallery_accept_rate, capture_accept_rate=rates.capture_accept_rate,
        impostor_pairs=pairs, impostor_max=highest[0] if highest else None,
        genuine_pairs=len(genuine), captures=len(captures), model_default=model_default, floor=floor,
        warnings=tuple(warnings),
    )


@dataclass(frozen=True)
class Rates:
    """What a threshold does to the scores: strangers let through, people recognised."""

    threshold: float
    expected_fmr: float | None
    fmr_upper_95: float | None
    stranger_rate: float | None
    accept_rate: float | None
    gallery_accept_rate: float | None
    capture_accept_rate: float | None


def rates_at(threshold: float, impostor: Sequence[float], pairs: int, genuine: Sequence[float],
             captures: Sequence[float], nearest_impostor: Sequence[float] = ()) -> Rates:
    """The rates at `threshold`; `impostor` must hold every impostor score at or above it (of `pairs` in all)."""
    false_matches = sum(1 for s in impostor if s >= threshold)
    return Rates(threshold=threshold, expected_fmr=false_matches / pairs if pairs else None,
                 fmr_upper_95=upper_bound_95(false_matches, pairs) if pairs else None,
                 stranger_rate=_rate(nearest_impostor, threshold),
                 accept_rate=_rate([*genuine, *captures], threshold),
                 gallery_accept_rate=_rate(genuine, threshold), capture_accept_rate=_rate(captures, threshold))


def highest_needed(target_fmr: float, pairs: int) -> int:
    """How many of the highest impostor scores `propose_threshold` needs for `pairs` pairs at `target_fmr`."""
    return min(pairs, math.floor(target_fmr * pairs + 1e-9) + 1)


# --- where a threshold applies: device, then the nearest unit, then the site, then the model ---------------

@dataclass(frozen=True)
class SetThreshold:
    value: float
    model_id: str


def resolve_threshold(model_id: str, model_default: float, device: SetThreshold | None,
                      units_nearest_first: Sequence[SetThreshold | None], site: SetThreshold | None) -> float:
    """The most specific threshold set for the active model; one set for another model is ignored."""
    for candidate in (device, *units_nearest_first, site):
        if candidate is not None and candidate.model_id == model_id:
            return candidate.value
    return model_default

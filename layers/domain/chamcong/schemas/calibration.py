"""Match thresholds per site, unit or device: the proposal, a change, the values in force."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chamcong.schemas.common import Body, Id, Limit, Query, Text, View

Rate = float


class ProposalQuery(Query):
    fmr: float = Field(default=0.001, ge=0.000001, le=0.1, allow_inf_nan=False,
                       description="Target false-match rate per pair of different people (0.001 = 0.1 %), "
                                   "0.000001–0.1")
    unit_id: Id | None = Field(default=None, description="A unit and its subtree; default: the whole site")
    device_id: Id | None = Field(default=None, description="A device (its unit's subtree, its own captures)")
    days: Limit = Field(default=30, ge=1, le=30, description="Recent captures of how many days (1–30)")
    basis: Literal["pair", "passage"] = Field(default="passage", description="passage (default): the rate per "
                                              "stranger passing a camera, compared with the whole gallery; pair: "
                                              "per comparison of two people's faces (lower thresholds)")


class SetThreshold(Body):
    threshold: float | None = Field(allow_inf_nan=False, description="0.20–0.95; null removes the scope's own "
                                    "value, so it inherits from the unit above, the site or the model")
    reason: Text
    target_fmr: float | None = Field(default=None, gt=0, lt=1, allow_inf_nan=False,
                                     description="The false-match rate it was chosen for, if from a proposal")


class Rates(View):
    threshold: float
    expected_fmr: Rate | None = Field(description="Pairs of different people at or above the threshold / pairs")
    fmr_upper_95: Rate | None = Field(description="95 % upper bound of that rate, given how many pairs there are")
    stranger_rate: Rate | None = Field(description="Enrolled faces whose nearest other person reaches it")
    accept_rate: Rate | None = Field(description="Same-person scores (gallery pairs and captures) that reach it")
    gallery_accept_rate: Rate | None
    capture_accept_rate: Rate | None


class Samples(View):
    faces: int
    people: int
    impostor_pairs: int
    impostor_max: float | None
    genuine_pairs: int
    captures: int
    capture_days: int


class ProposalWarning(View):
    code: str
    vi: str
    en: str


class Proposal(View):
    scope: Literal["site", "unit", "device"]
    scope_id: str
    model_id: str
    target_fmr: float
    basis: Literal["pair", "passage"]
    model_default: float
    floor: float = Field(description="The lowest a proposal goes: the model's default minus a safety margin")
    proposed: Rates
    in_force: Rates = Field(description="The same figures at the threshold that applies there today")
    samples: Samples
    warnings: list[ProposalWarning]


class PreviousThreshold(View):
    threshold: float | None
    model_id: str | None
    set_by: str | None
    set_at: str | None


class Threshold(View):
    scope: Literal["site", "unit", "device"]
    scope_id: str
    unit_id: str | None
    threshold: float | None
    model_id: str
    applies: bool = Field(description="False when set for another model (or removed): it is then ignored")
    target_fmr: float | None
    reason: str
    set_by: str
    set_at: str
    previous: PreviousThreshold | None


class AppliedThreshold(Threshold):
    in_force: float = Field(description="What now applies to the scope (its own value, or what it inherits)")


class ThresholdList(View):
    model_id: str
    model_default: float = Field(description="The deployment's setting or the model's default")
    thresholds: list[Threshold]


class ThresholdHistory(View):
    scope: Literal["site", "unit", "device"]
    scope_id: str
    model_id: str
    in_force: float
    current: Threshold | None
    history: list[Threshold]

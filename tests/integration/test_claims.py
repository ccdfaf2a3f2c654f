"""The one "do it once" helper: a claim is taken once, read back by the next request, taken over only when
its holder died (and, for captures, only by the same body), and retried at once when its work failed.

Run against moto tables made from the template's own definitions, with the two models that use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws
from pynamodb.exceptions import UpdateError

from chamcong.settings import Settings
from chamcong.store import claims
from chamcong.store.models import bind_models
from chamcong.store.models.devices import CaptureModel
from chamcong.store.models.reports import ReportModel
from infra.provision import create_tables

NOW = datetime(2026, 11, 20, 1, 15, tzinfo=UTC)


@pytest.fixture
def tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-1")
    with mock_aws():
        settings = Settings()
        create_tables(boto3.client("dynamodb", region_name="ap-southeast-1"), settings)
        bind_models(settings)
        yield


def _capture(claimed_at: int, body: str = "a" * 64) -> CaptureModel:
    return CaptureModel("dev_1", "cam-1", body_sha256=body, status="pending", claimed_at=claimed_at, expires_at=1)


def test_the_first_claim_wins_and_the_next_reads_it(tables: None) -> None:
    assert claims.claim(_capture(100), stale_before=0) is None
    existing = claims.claim(_capture(200), stale_before=0)
    assert existing is not None and existing.claimed_at == 100


def test_a_stale_claim_is_taken_over_by_the_same_body_only(tables: None) -> None:
    claims.claim(_capture(100), stale_before=0)
    other_body = claims.claim(_capture(900, body="b" * 64), stale_before=500,
                              takeover_guard=CaptureModel.body_sha256 == "b" * 64)
    assert other_body is not None and other_body.claimed_at == 100  # not taken over: another body
    same_body = claims.claim(_capture(900), stale_before=500, takeover_guard=CaptureModel.body_sha256 == "a" * 64)
    assert same_body is None
    assert CaptureModel.get("dev_1", "cam-1").claimed_at == 900


def test_a_fresh_claim_is_not_taken_over(tables: None) -> None:
    claims.claim(_capture(100), stale_before=0)
    assert claims.claim(_capture(150), stale_before=50) is not None  # claimed at 100, not before 50


def test_held_is_true_only_for_the_claim_that_holds_the_work(tables: None) -> None:
    mine = _capture(100)
    claims.claim(mine, stale_before=0)
    claims.claim(_capture(900), stale_before=500, takeover_guard=CaptureModel.body_sha256 == "a" * 64)
    with pytest.raises(UpdateError) as refused:
        mine.update(actions=[CaptureModel.status.set("done")], condition=claims.held(mine))
    assert refused.value.cause_response_code == "ConditionalCheckFailedException"
    taker = _capture(900)
    taker.update(actions=[CaptureModel.status.set("done")], condition=claims.held(taker))
    assert CaptureModel.get("dev_1", "cam-1").status == "done"


def test_a_failed_report_is_claimed_again_at_once_but_a_sent_one_never(tables: None) -> None:
    def report(at: datetime) -> ReportModel:
        return ReportModel("2026-11-20#morning#unit_1", status="sending", claimed_at=at, recipients=[])

    assert claims.claim(report(NOW), stale_before=NOW - timedelta(minutes=10), retryable=("failed",)) is None
    ReportModel("2026-11-20#morning#unit_1").update(actions=[ReportModel.status.set("failed")])
    later = NOW + timedelta(minutes=1)
    assert claims.claim(report(later), stale_before=later - timedelta(minutes=10), retryable=("failed",)) is None
    ReportModel("2026-11-20#morning#unit_1").update(actions=[ReportModel.status.set("sent")])
    much_later = NOW + timedelta(hours=5)
    existing = claims.claim(report(much_later), stale_before=much_later - timedelta(minutes=10),
                            retryable=("failed",))
    assert existing is not None and existing.status == "sent"

"""Retention (issue 16 §1): each class of data kept in a table is purged at its age and not before, by the daily
purge (`privacy.purge`), which is idempotent and audited with counts only.

Items are written as the product writes them, dated by the fake clock: for each class one item exactly its
retention old (kept) and one a day older (purged); a day later the first goes too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pynamodb.models import Model

from chamcong.privacy.classes import by_key, retention_days
from chamcong.privacy.purge import purge
from chamcong.store.models.absences import AbsenceModel
from chamcong.store.models.accounts import SessionModel
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.corrections import CorrectionModel
from chamcong.store.models.devices import CaptureModel, SpoofModel
from chamcong.store.models.evaluations import EvaluationModel
from chamcong.store.models.privacy import ErasureRequestModel, NoticeRecordModel
from chamcong.store.models.reports import ReportModel
from chamcong.store.models.roster import RosterExceptionModel, RosterModel
from chamcong.store.models.tasks import TaskModel
from tests.fakes import LambdaContext
from tests.integration.harness import Product
from tests.integration.photos import blank_jpeg

SITE = ZoneInfo("Asia/Ho_Chi_Minh")
Factory = Callable[[str, date, datetime, int], Model]  # (tag, local day, instant, retention days) → an item


def _event(tag: str, day: date, at: datetime, days: int) -> Model:
    local = at.astimezone(SITE)
    return EventModel("stf_1", f"{day.isoformat()}T07:20:00#dev_1#{tag}", unit_id="u1", event_type="check_in",
                      local_date=day.isoformat(), captured_at=at, captured_at_local=local.isoformat(),
                      device_id="dev_1", capture_id=tag, similarity=0.9, snapshot_key=f"snapshots/{day}/dev_1/{tag}")


def _capture(tag: str, day: date, at: datetime, days: int) -> Model:
    # As services.recognition writes it: expires_at = written + CAPTURE_RETENTION_DAYS.
    return CaptureModel("dev_1", tag, body_sha256="0" * 64, status="done", claimed_at=0, response={},
                        expires_at=int((at + timedelta(days=days)).timestamp()))


def _spoof(tag: str, day: date, at: datetime, days: int) -> Model:
    return SpoofModel(day.isoformat(), f"07:20:00#dev_1#{tag}", unit_id="u1", device_id="dev_1", device_name="Sảnh",
                      capture_id=tag, captured_at=at, captured_at_local=at.isoformat(), liveness=-1.0, frames=1,
                      snapshot_keys=[], expires_at=int((at + timedelta(days=days)).timestamp()))


def _absence(tag: str, day: date, at: datetime, days: int) -> Model:
    return AbsenceModel("stf_1", tag, unit_id="u1", kind="leave", first_day=(day - timedelta(days=2)).isoformat(),
                        last_day=day.isoformat(), reason="Nghỉ phép", created_by="admin", created_at=at)


def _correction(tag: str, day: date, at: datetime, days: int) -> Model:
    return CorrectionModel("stf_1", CorrectionModel.key(day, at, tag), correction_id=tag, unit_id="u1",
                           day=day.isoformat(), status="present", reason="Quên chấm công", created_by="admin")


def _roster(tag: str, day: date, at: datetime, days: int) -> Model:
    return RosterModel(f"u-{tag}", RosterModel.day_key(day), day=day.isoformat(), staff_ids=["stf_1"],
                       updated_by="admin")


def _roster_exception(tag: str, day: date, at: datetime, days: int) -> Model:
    return RosterExceptionModel("u1", RosterExceptionModel.key(day - timedelta(days=3), tag), exception_id=tag,
                                first_day=(day - timedelta(days=3)).isoformat(), last_day=day.isoformat(),
                                reason="Bão", approved_by="admin")


def _task(tag: str, day: date, at: datetime, days: int) -> Model:
    return TaskModel("client#eoffice", tag, client_id="eoffice", external_id=tag, staff_id="stf_1", unit_id="u1",
                     employee_code="CB-1", assigned_key=f"{at.isoformat()}#{tag}", title="Báo cáo quý",
                     assigned_at=at, status="done", content={}, content_hash="h", revision=1)


def _report(tag: str, day: date, at: datetime, days: int) -> Model:
    return ReportModel(ReportModel.key(day, "morning", tag), status="sent", claimed_at=at)


def _session(tag: str, day: date, at: datetime, days: int) -> Model:
    return SessionModel(tag, username="admin", expires_at=int(at.timestamp()))


def _notice(tag: str, day: date, at: datetime, days: int) -> Model:
    return NoticeRecordModel("stf_1", NoticeRecordModel.key(at, tag), notice_id=tag, version="2026-01", given_at=at,
                             given_by="admin", legal_basis="law", face_ids=["f1"])


def _erasure_request(tag: str, day: date, at: datetime, days: int) -> Model:
    return ErasureRequestModel("stf_1", ErasureRequestModel.key(tag), request_id=tag, unit_id="u1",
                               full_name="Lê Văn Thành", scope="biometric", reason="Xin xoá ảnh", status="refused",
                               requested_by="stf_1", requested_at=at, decided_by="admin", decided_at=at,
                               decision_reason="Còn công tác")


# class → its items' factories (a table may hold several kinds of the class: absences and corrections).
DATED: dict[str, list[Factory]] = {
    "events": [_event], "captures": [_capture], "spoofs": [_spoof], "absences": [_absence, _correction],
    "rosters": [_roster, _roster_exception], "tasks": [_task], "reports": [_report],
    "privacy_records": [_notice, _erasure_request],
}


def _exists(item: Model) -> bool:
    keys = [getattr(item, item._hash_key_attribute().attr_name)]
    range_key = item._range_key_attribute()
    if range_key is not None:
        keys.append(getattr(item, range_key.attr_name))
    try:
        type(item).get(*keys, consistent_read=True)
    except type(item).DoesNotExist:
        return False
    return True


@pytest.mark.parametrize("class_key", sorted(DATED))
def test_each_class_is_purged_at_its_age_and_not_before(product: Product, class_key: str) -> None:
    container = product.container
    days = retention_days(by_key(class_key), container.settings)
    assert days is not None
    now = product.clock()
    today = now.astimezone(SITE).date()
    # GIVEN, for each kind of item of the class, one exactly its retention old and one a day older
    kept, old = [], []
    for number, factory in enumerate(DATED[class_key]):
        kept.append(factory(f"kept{number}", today - timedelta(days=days), now - timedelta(days=days), days))
        old.append(factory(f"old{number}", today - timedelta(days=days + 1), now - timedelta(days=days + 1), days))
    for item in kept + old:
        item.save()
    # WHEN the daily purge runs
    counts = purge(container)
    # THEN the older one is gone, the one exactly its retention old is kept
    assert counts[class_key] == len(old), counts
    assert [_exists(item) for item in old] == [False] * len(old)
    assert [_exists(item) for item in kept] == [True] * len(kept)
    # AND nothing of any other class was touched, and a second run the same day deletes nothing
    assert sum(counts.values()) == len(old), counts
    assert sum(purge(container).values()) == 0
    # AND a day later the kept one has reached its age: it goes
    product.clock.advance(days=1)
    assert purge(container)[class_key] == len(kept)
    assert [_exists(item) for item in kept] == [False] * len(kept)


def test_an_erasure_request_still_waiting_for_its_answer_is_never_purged(product: Product) -> None:
    days = retention_days(by_key("privacy_records"), product.container.settings)
    assert days is not None
    waiting = _erasure_request("waiting", date(2000, 1, 1), product.clock() - timedelta(days=days + 30), days)
    waiting.status = "pending"
    waiting.save()
    assert purge(product.container)["privacy_records"] == 0
    assert _exists(waiting)


def test_a_month_of_evaluations_goes_once_all_of_it_is_older_than_the_retention(product: Product) -> None:
    container = product.container
    days = retention_days(by_key("evaluations"), container.settings)
    assert days is not None
    today = product.clock().astimezone(SITE).date()
    cutoff = today - timedelta(days=days)  # the oldest day still kept

    def evaluation(month: str) -> EvaluationModel:
        return EvaluationModel("stf_1", month, unit_id="u1", unit_month=f"u1#{month}", full_name="Lê Văn Thành",
                               ruleset_id="nd335-2025", ruleset_version=1)

    before = (cutoff.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    holding = evaluation(cutoff.strftime("%Y-%m"))  # its month holds a day still kept
    gone = evaluation(before)
    holding.save()
    gone.save()
    # WHEN the purge runs THEN only the month wholly older than the retention goes
    assert purge(container)["evaluations"] == 1
    assert not _exists(gone) and _exists(holding)
    # AND the first day its whole month has passed the retention, it goes too
    next_month = (cutoff.replace(day=28) + timedelta(days=4)).replace(day=1)
    product.clock.advance(days=(next_month - cutoff).days)
    assert purge(container)["evaluations"] == 1 and not _exists(holding)


def test_a_session_goes_once_it_has_expired(product: Product) -> None:
    # GIVEN a session expired a second ago (DynamoDB's TTL has not got to it yet) and a live one
    now = product.clock()
    expired = SessionModel("expired", username="admin", expires_at=int((now - timedelta(seconds=1)).timestamp()))
    live = SessionModel("live", username="admin", expires_at=int((now + timedelta(hours=8)).timestamp()))
    expired.save()
    live.save()
    # WHEN the purge runs THEN the expired one is gone, the live one kept
    counts = purge(product.container)
    assert counts["sessions"] >= 1 and not _exists(expired) and _exists(live)


def test_the_purge_is_audited_with_counts_only(product: Product) -> None:
    # GIVEN an event older than its retention
    now = product.clock()
    days = retention_days(by_key("events"), product.container.settings) or 0
    _event("old", now.astimezone(SITE).date() - timedelta(days=days + 1), now, days).save()
    purge(product.container)
    # WHEN the purge runs THEN one entry says how many of each class went, and nothing of what they held
    (entry,) = [a for a in AuditModel.scan() if a.action == "privacy.purge"]
    assert entry.actor == "system" and entry.details["counts"]["events"] == 1
    assert set(entry.details) == {"counts", "objects", "retention_days"}
    assert entry.details["retention_days"]["events"] == 1826


def test_captures_are_written_with_the_configured_retention(product: Product) -> None:
    # GIVEN a deployment keeping captures' records 9 days (CAPTURE_RETENTION_DAYS)
    product.container.settings.capture_retention_days = 9
    device_id, _ = product.device(product.unit())
    # WHEN a capture comes THEN DynamoDB's TTL attribute says 9 days, not a constant
    reply = product.recognise(device_id, "cap-ttl", blank_jpeg(), "2026-11-20T07:35:00+07:00")
    assert reply.status == 200, reply.body
    capture = CaptureModel.get(device_id, "cap-ttl")
    assert capture.expires_at == int((product.clock() + timedelta(days=9)).timestamp())



def test_the_maintenance_function_runs_the_purge_when_its_daily_schedule_says_so(product: Product) -> None:
    import scheduled

    # GIVEN an attendance record older than its retention
    now = product.clock()
    days = retention_days(by_key("events"), product.container.settings) or 0
    _event("old", now.astimezone(SITE).date() - timedelta(days=days + 1), now, days).save()
    # WHEN the 02:30 schedule invokes the maintenance function with its input
    result = scheduled.account_sweep({"job": "privacy_purge"}, LambdaContext())
    # THEN the purge ran (and not the account sweep)
    assert result["job"] == "privacy_purge" and result["counts"]["events"] == 1


def test_the_daily_run_rebuilds_the_dossier_only_when_the_configuration_changed(product: Product) -> None:
    import scheduled

    from chamcong.services import dossier

    # GIVEN a first daily run: the dossier of the configuration in force is built and stored
    first = scheduled.account_sweep({"job": "privacy_purge"}, LambdaContext())["dossier_rebuilt"]
    assert first and list(product.container.blobs.keys(dossier.key_of(first)))
    # WHEN the next day nothing changed THEN nothing is rebuilt
    assert scheduled.account_sweep({"job": "privacy_purge"}, LambdaContext())["dossier_rebuilt"] is None
    # WHEN a deploy shortens the snapshots' retention THEN the next run builds the new dossier, audited
    product.container.settings.snapshot_retention_days = 90
    second = scheduled.account_sweep({"job": "privacy_purge"}, LambdaContext())["dossier_rebuilt"]
    assert second and second != first
    entries = [item for item in AuditModel.scan() if item.action == "privacy.dossier"]
    assert sorted(entry.details["digest"] for entry in entries) == sorted([first, second])


def test_entries_written_before_the_audit_trail_had_a_retention_get_their_expiry_once(product: Product) -> None:
    from chamcong.privacy.audit_expiry import backfill
    from chamcong.services import audit

    # GIVEN an entry as an older version wrote it (no expires_at) and one written today
    old_at = product.clock() - timedelta(days=400)
    older = audit.entry(old_at, "admin", "staff.create", subject="stf_1")
    older.expires_at = None
    older.save()
    audit.record_only(audit.entry(product.clock(), "admin", "staff.update", subject="stf_1"))
    # WHEN the operator back-fills
    counts = backfill(product.container, "operator:test")
    # THEN only the older one gets an expiry, its time + the audit retention; its content is as it was
    assert counts == {"entries": 1, "set": 1}
    days = retention_days(by_key("audit"), product.container.settings) or 0
    stored = AuditModel.get(older.month, older.entry_key, consistent_read=True)
    assert stored.expires_at == int((old_at + timedelta(days=days)).timestamp())
    assert (stored.action, stored.subject, stored.actor) == ("staff.create", "stf_1", "admin")
    # AND a second run finds nothing (its own entry of the first run has an expiry too)
    assert backfill(product.container, "operator:test") == {"entries": 0, "set": 0}


def test_the_audit_trail_expires_by_its_ttl_attribute_and_the_purge_never_deletes_from_it(product: Product) -> None:
    from chamcong.services import audit

    # GIVEN an entry written 10 years and a day ago (the trail is append-only: no function may delete it)
    days = retention_days(by_key("audit"), product.container.settings)
    assert days == 3653
    old = product.clock() - timedelta(days=days + 1)
    entry = audit.entry(old, "admin", "staff.update", subject="stf_1")
    audit.record_only(entry)
    # THEN it carries the TTL attribute DynamoDB removes it by: its time plus AUDIT_RETENTION_DAYS
    assert entry.expires_at == int((old + timedelta(days=days)).timestamp())
    assert entry.expires_at < product.clock().timestamp()
    # AND the purge leaves it to DynamoDB
    purge(product.container)
    assert _exists(entry)

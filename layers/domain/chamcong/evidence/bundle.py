"""The evidence bundle of a person's day: one signed .zip a disciplinary council can file and check offline.

Inside: the day as the rules judged it and why (`day.json`: the status, the minutes late against work start and
grace, the calendar rule in force), the day's event records and their snapshots (and clips, where the event has
one), the device's signed capture record, the spoofing attempts that resembled the person, the devices and their
registration, the corrections and absences with their authors, the audit entries about that person and day, the
public key and `manifest.json` (every file's sha256 and size, whose day, generated when and by whom, by which
deployment), signed in `manifest.sig`: ECDSA P-256 SHA-256 over the manifest's bytes, DER-encoded.
`python -m infra.verify_bundle bundle.zip` checks it with only `cryptography`.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import DomainError, NotFound, Unprocessable
from chamcong.evidence.signing import ALGORITHM, Signer, fingerprint
from chamcong.evidence.views import View, record_views
from chamcong.rules.attendance import DayStatus, DaySummary
from chamcong.rules.calendar import Schedule, WorkCalendar
from chamcong.schemas.common import FIRST_DAY, LAST_DAY, FileResult
from chamcong.services.attendance import NO_CHECK_IN, JudgedDay, judge_person_day
from chamcong.services.calendars import calendar_for
from chamcong.services.clips import unmatched_objects
from chamcong.services.common import iso
from chamcong.services.staff import person_in_scope
from chamcong.services.transfers import unit_on
from chamcong.store.models.absences import AbsenceModel
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.corrections import CorrectionModel
from chamcong.store.models.devices import CaptureModel, DeviceModel, SpoofModel

FORMAT = "chamcong-evidence-bundle/1"
ZIP = "application/zip"
# The days a bundle is made for: something to answer for (by the rules, before any correction) or a spoof.
ANSWERABLE = frozenset({DayStatus.LATE, DayStatus.LEFT_EARLY, DayStatus.ABSENT, DayStatus.MISSING_CHECK_IN,
                        DayStatus.MISSING_CHECK_OUT})
# The bundle goes back through Lambda (6 MB answers, base64): its files stay within this many bytes. Snapshots and
# records always go in; a clip that would pass it is left out and named in its row (its sha256 is the signed one).
MAX_BUNDLE_BYTES = 4_000_000
AUDIT_AFTER_DAYS = 92  # audit entries about the day read up to this long after it (corrections come later)
MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "public_key.pem"


def download(container: Container, access: Access, staff_id: str, day_text: str) -> FileResult:
    """GET /v1/staff/{staff_id}/days/{date}/evidence-bundle."""
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:  # the days the API knows (schemas.common.Day)
        person_in_scope(access, "events:read", staff_id)
        raise NotFound("not_found", details={"field": "date"})
    data = build_bundle(container, access, staff_id, day)
    return FileResult(data, ZIP, f"chung-cu-{staff_id}-{day.isoformat()}.zip")


def build_bundle(container: Container, access: Access, staff_id: str, day: date) -> bytes:
    """The signed .zip of one person's day, for whoever may see that person's evidence; the view is audited."""
    person = person_in_scope(access, "events:read", staff_id)
    signer = container.evidence_signer
    if signer is None:
        raise DomainError("evidence_signing_unavailable")
    unit_id = unit_on(person, day)
    calendar = calendar_for(container, unit_id)
    judged = judge_person_day(container, person, day, calendar)
    spoofs = [a for a in SpoofModel.on(day) if a.resembles_staff_id == staff_id]
    if not (_answerable(judged.summary) or spoofs):
        raise Unprocessable("evidence_day_not_eligible", params={"date": f"{day:%d/%m/%Y}"})
    events = sorted(judged.recorded.values(), key=lambda e: e.captured_at)
    files: dict[str, bytes] = {}
    event_rows = []
    clips: list[tuple[dict[str, Any], str, str, str | None]] = []  # (row, path, key, signed sha256), added last
    for event in events:
        row = _event(event)
        row["snapshot_file"] = _add_stored(container, files, row, "snapshot",
                                           f"snapshots/{event.capture_id}{_ext(event.snapshot_key or '')}",
                                           event.snapshot_key)
        clip_key = getattr(event, "clip_key", None)  # clips are added by the edge's clip upload
        if clip_key:
            clips.append((row, f"clips/{event.capture_id}{_ext(clip_key)}", clip_key, event.clip_sha256))
        row["capture"] = _capture(event.device_id, event.capture_id)
        event_rows.append(row)
    spoof_rows = []
    for attempt in spoofs:
        row = _spoof(attempt)
        frames = [_add_stored(container, files, row, "frame", f"spoofs/{attempt.capture_id}-{n}{_ext(str(key))}",
                              str(key)) for n, key in enumerate(attempt.snapshot_keys or [])]
        row["frame_files"] = [frame for frame in frames if frame]
        clip_key = getattr(attempt, "clip_key", None)
        if clip_key:
            clips.append((row, f"clips/{attempt.capture_id}{_ext(clip_key)}", clip_key, attempt.clip_sha256))
        spoof_rows.append(row)
    # A day without a check-in: the passages of that morning the lobbies matched to nobody (they may be the person).
    unmatched_rows, unmatched_keys = [], []
    if {judged.summary.status, *judged.summary.flags} & NO_CHECK_IN:
        for passage in unmatched_objects(container, person, day):
            row = {key: passage[key] for key in ("device_id", "device_name", "capture_id", "captured_at_local")}
            unmatched_keys.extend(passage["keys"].values())
            row["snapshot_file"] = _add_stored(container, files, row, "snapshot",
                                               f"unmatched/{passage['capture_id']}{_ext(passage['keys']['crop'])}",
                                               passage["keys"]["crop"])
            if passage["keys"].get("clip"):
                clips.append((row, f"unmatched/{passage['capture_id']}{_ext(passage['keys']['clip'])}",
                              passage["keys"]["clip"], None))
            unmatched_rows.append(row)
    for row, path, key, signed in clips:
        data = _stored(container, key)
        if data is None:
            row["clip_file"], row["clip_missing"] = None, "no longer kept (its retention passed, or erased)"
        elif sum(len(kept) for kept in files.values()) + len(data) > MAX_BUNDLE_BYTES:
            row["clip_file"], row["clip_missing"] = None, "left out: the bundle would be too large to download"
            row["clip_sha256"] = signed
        else:
            row["clip_file"] = _add(files, path, data)
    devices = sorted({e.device_id for e in events} | {a.device_id for a in spoofs})
    corrections = sorted(CorrectionModel.of_person(staff_id, day), key=lambda c: c.created_at)
    absences = list(AbsenceModel.of_person_between(staff_id, day, day))
    now = container.clock()
    _put_json(files, "day.json", _day(person, unit_id, calendar, judged))
    _put_json(files, "events.json", event_rows)
    _put_json(files, "spoofs.json", spoof_rows)
    _put_json(files, "unmatched.json", unmatched_rows)
    _put_json(files, "devices.json", [_device(device_id) for device_id in devices])
    _put_json(files, "corrections.json", [_correction(c) for c in corrections])
    _put_json(files, "absences.json", [_absence(a) for a in absences])
    _put_json(files, "audit.json", _audit_entries(container, staff_id, day, now,
                                                  {c.correction_id for c in corrections} |
                                                  {a.absence_id for a in absences} | set(devices)))
    files["README.txt"] = _readme(person.full_name, day).encode()
    public_pem = signer.public_key_pem()
    files[PUBLIC_KEY] = public_pem
    manifest = _manifest(container, access, person, unit_id, day, now, files, public_pem, signer)
    viewed = dict.fromkeys([*(e.snapshot_key for e in events if e.snapshot_key), *(key for _, _, key, _ in clips),
                            *unmatched_keys, *(str(k) for a in spoofs for k in a.snapshot_keys or [])])
    record_views(container, access, [View(staff_id, unit_id, "bundle", tuple(viewed) or (f"bundle:{day.isoformat()}",),
                                          day.isoformat())])
    return _zip(files, manifest, signer.sign(manifest))


def _answerable(summary: DaySummary) -> bool:
    judged = {summary.status, *summary.flags}
    if summary.status_before_correction is not None:
        judged.add(summary.status_before_correction)
    return bool(judged & ANSWERABLE)


def _manifest(container: Container, access: Access, person: Any, unit_id: str, day: date, now: datetime,
              files: dict[str, bytes], public_pem: bytes, signer: Signer) -> bytes:
    body = {
        "format": FORMAT,
        "subject": {"staff_id": person.staff_id, "full_name": person.full_name,
                    "employee_code": person.employee_code, "unit_id": unit_id},
        "date": day.isoformat(),
        "generated_at": iso(now),
        "generated_by": access.username,
        "deployment": {"name": container.settings.deployment_name, "region": container.settings.aws_region},
        "signature": {"algorithm": ALGORITHM, "file": SIGNATURE, "public_key_file": PUBLIC_KEY,
                      "public_key_sha256": fingerprint(public_pem),
                      "key_id": getattr(signer, "key_id", None)},
        "files": [{"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                  for path, data in sorted(files.items())],
    }
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode()


def _zip(files: dict[str, bytes], manifest: bytes, signature: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in [(MANIFEST, manifest), (SIGNATURE, signature), *sorted(files.items())]:
            archive.writestr(path, data)
    return out.getvalue()


def _stored(container: Container, key: str | None) -> bytes | None:
    """An evidence object, or None when there is none any more (erased, or expired by the bucket's lifecycle)."""
    return container.blobs.get_if_exists(key) if key else None


def _add_stored(container: Container, files: dict[str, bytes], row: dict[str, Any], what: str, path: str,
                key: str | None) -> str | None:
    """Add a stored object to the bundle; when it is no longer kept, say so in the row instead."""
    data = _stored(container, key)
    if data is None:
        row[f"{what}_missing"] = "no longer kept (its retention passed, or erased)"
        return None
    return _add(files, path, data)


def _add(files: dict[str, bytes], path: str, data: bytes) -> str:
    files[path] = data
    return path


def _put_json(files: dict[str, bytes], path: str, value: Any) -> None:
    files[path] = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode()


def _ext(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _event(event: EventModel) -> dict[str, Any]:
    return {"event": event.event_type, "captured_at": iso(event.captured_at),
            "captured_at_local": event.captured_at_local, "recorded_at": iso(event.recorded_at),
            "device_id": event.device_id, "capture_id": event.capture_id, "unit_id": event.unit_id,
            "similarity": float(event.similarity), "snapshot_key": event.snapshot_key,
            "clock_offset_seconds": event.clock_offset_seconds,
            "clip_key": getattr(event, "clip_key", None), "clip_sha256": getattr(event, "clip_sha256", None)}


def _capture(device_id: str, capture_id: str) -> dict[str, Any] | None:
    """The device's signed capture as recorded (its body's sha256: the request the device signed)."""
    try:
        capture = CaptureModel.get(device_id, capture_id)
    except CaptureModel.DoesNotExist:
        return None  # captures are kept CAPTURE_RETENTION_DAYS; the event outlives them
    return {"body_sha256": capture.body_sha256, "status": capture.status,
            "clock_offset_seconds": capture.clock_offset_seconds}


def _spoof(attempt: SpoofModel) -> dict[str, Any]:
    return {"captured_at": iso(attempt.captured_at), "captured_at_local": attempt.captured_at_local,
            "device_id": attempt.device_id, "device_name": attempt.device_name, "capture_id": attempt.capture_id,
            "unit_id": attempt.unit_id, "liveness": float(attempt.liveness), "frames": int(attempt.frames),
            "resembles_staff_id": attempt.resembles_staff_id, "resembles_name": attempt.resembles_name,
            "similarity": float(attempt.similarity) if attempt.similarity is not None else None,
            "snapshot_keys": [str(k) for k in attempt.snapshot_keys]}


def _device(device_id: str) -> dict[str, Any]:
    """The device and its registration (never its secret)."""
    try:
        device = DeviceModel.get(device_id)
    except DeviceModel.DoesNotExist:
        return {"device_id": device_id, "registered": False}
    registered = next((item for item in _entries_between(device.created_at - timedelta(seconds=5),
                                                         device.created_at + timedelta(seconds=5))
                       if item.subject == device_id and item.action == "device.register"), None)
    return {"device_id": device.device_id, "name": device.name, "unit_id": device.unit_id, "status": device.status,
            "registered_at": iso(device.created_at), "registered_by": registered.actor if registered else None}


def _correction(correction: CorrectionModel) -> dict[str, Any]:
    return {"correction_id": correction.correction_id, "day": correction.day, "status": correction.status,
            "reason": correction.reason, "created_by": correction.created_by,
            "created_at": iso(correction.created_at), "unit_id": correction.unit_id}


def _absence(absence: AbsenceModel) -> dict[str, Any]:
    return {"absence_id": absence.absence_id, "kind": absence.kind, "first_day": absence.first_day,
            "last_day": absence.last_day, "part": absence.part, "reason": absence.reason,
            "created_by": absence.created_by, "created_at": iso(absence.created_at),
            "cancelled_by": absence.cancelled_by,
            "cancelled_at": iso(absence.cancelled_at) if absence.cancelled_at else None}


def _audit_entries(container: Container, staff_id: str, day: date, now: datetime,
                   related: set[str]) -> list[dict[str, Any]]:
    """Entries about the person on that day, or naming that day, or about the day's corrections, absences and
    devices, from the day's start up to now (at most AUDIT_AFTER_DAYS later); oldest first."""
    zone = container.work_calendar.timezone
    start = datetime.combine(day, time.min, zone).astimezone(UTC)
    end = min(now, start + timedelta(days=AUDIT_AFTER_DAYS))
    day_text = day.isoformat()
    found = []
    for item in _entries_between(start, end + timedelta(seconds=1)):
        details = item.details or {}
        about_person = item.subject == staff_id or details.get("staff_id") == staff_id
        that_day = item.at.astimezone(zone).date() == day or day_text in (details.get("date"), details.get("day"))
        if (about_person and that_day) or (item.subject in related):
            found.append({"at": iso(item.at), "actor": item.actor, "action": item.action, "outcome": item.outcome,
                          "unit_id": item.unit_id, "subject": item.subject, "details": details})
    return found


def _entries_between(start: datetime, end: datetime) -> Iterable[AuditModel]:
    between = AuditModel.entry_key.between(AuditModel.key(start), AuditModel.key(end))
    month = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while month < end:
        yield from AuditModel.query(f"{month:%Y-%m}", between)
        month = (month + timedelta(days=32)).replace(day=1)


def _day(person: Any, unit_id: str, calendar: WorkCalendar, judged: JudgedDay) -> dict[str, Any]:
    summary = judged.summary
    schedule = calendar.schedule_on(summary.day)
    return {"staff_id": person.staff_id, "full_name": person.full_name, "unit_id": unit_id,
            "date": summary.day.isoformat(), "status": summary.status.value,
            "flags": [flag.value for flag in summary.flags],
            "status_before_correction": summary.status_before_correction.value
            if summary.status_before_correction else None,
            "check_in": summary.check_in.at.isoformat() if summary.check_in else None,
            "check_out": summary.check_out.at.isoformat() if summary.check_out else None,
            "late_minutes": summary.late_minutes, "early_minutes": summary.early_minutes,
            "holiday": summary.holiday, "correction_id": judged.correction_id,
            "timezone": str(calendar.timezone),
            "rule": _schedule(schedule) if schedule else None,
            "why": {"vi": why(summary, schedule, "vi"), "en": why(summary, schedule, "en")}}


def _schedule(schedule: Schedule) -> dict[str, Any]:
    return {"valid_from": schedule.valid_from.isoformat(),
            "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
            "work_start": f"{schedule.work_start:%H:%M}", "work_end": f"{schedule.work_end:%H:%M}",
            "late_grace_minutes": schedule.late_grace_minutes, "early_grace_minutes": schedule.early_grace_minutes,
            "check_in_window": f"{schedule.check_in.start:%H:%M}-{schedule.check_in.end:%H:%M}",
            "check_out_window": f"{schedule.check_out.start:%H:%M}-{schedule.check_out.end:%H:%M}",
            "weekdays": sorted(schedule.weekdays)}


def why(summary: DaySummary, schedule: Schedule | None, lang: str) -> list[str]:
    """The day's judgement in sentences, against the rule in force: what an official reads first."""
    vi = lang == "vi"
    lines = []
    flags = set(summary.flags)
    if DayStatus.LATE in flags and summary.check_in and schedule:
        at = f"{summary.check_in.at:%H:%M:%S}"
        lines.append(f"Đi muộn {summary.late_minutes} phút: chấm công vào lúc {at}, giờ bắt đầu làm việc "
                     f"{schedule.work_start:%H:%M}, thời gian cho phép {schedule.late_grace_minutes} phút." if vi else
                     f"Late by {summary.late_minutes} minutes: checked in at {at}, work starts at "
                     f"{schedule.work_start:%H:%M} with {schedule.late_grace_minutes} minutes' grace.")
    if DayStatus.LEFT_EARLY in flags and summary.check_out and schedule:
        at = f"{summary.check_out.at:%H:%M:%S}"
        lines.append(f"Về sớm {summary.early_minutes} phút: chấm công ra lúc {at}, giờ kết thúc làm việc "
                     f"{schedule.work_end:%H:%M}, thời gian cho phép {schedule.early_grace_minutes} phút." if vi else
                     f"Left early by {summary.early_minutes} minutes: checked out at {at}, work ends at "
                     f"{schedule.work_end:%H:%M} with {schedule.early_grace_minutes} minutes' grace.")
    if DayStatus.ABSENT in flags and schedule:
        lines.append(f"Vắng mặt: không có lần chấm công nào trong khung giờ vào {schedule.check_in.start:%H:%M}–"
                     f"{schedule.check_in.end:%H:%M} và khung giờ ra {schedule.check_out.start:%H:%M}–"
                     f"{schedule.check_out.end:%H:%M}." if vi else
                     f"Absent: no check-in in the window {schedule.check_in.start:%H:%M}–"
                     f"{schedule.check_in.end:%H:%M} and no check-out in {schedule.check_out.start:%H:%M}–"
                     f"{schedule.check_out.end:%H:%M}.")
    if DayStatus.MISSING_CHECK_IN in flags and schedule:
        lines.append(f"Thiếu chấm công vào: không có lần chấm công nào trong khung giờ {schedule.check_in.start:%H:%M}"
                     f"–{schedule.check_in.end:%H:%M}." if vi else
                     f"Missing check-in: none in the window {schedule.check_in.start:%H:%M}–"
                     f"{schedule.check_in.end:%H:%M}.")
    if DayStatus.MISSING_CHECK_OUT in flags and schedule:
        lines.append(f"Thiếu chấm công ra: không có lần chấm công nào trong khung giờ "
                     f"{schedule.check_out.start:%H:%M}–{schedule.check_out.end:%H:%M}." if vi else
                     f"Missing check-out: none in the window {schedule.check_out.start:%H:%M}–"
                     f"{schedule.check_out.end:%H:%M}.")
    if summary.correction is not None:
        c = summary.correction
        lines.append(f"Đã điều chỉnh thành «{c.status.value}» bởi {c.author} lúc {c.at.isoformat()}: {c.reason}"
                     if vi else f"Corrected to \"{c.status.value}\" by {c.author} at {c.at.isoformat()}: {c.reason}")
    return lines


def _readme(full_name: str, day: date) -> str:
    return (f"GÓI CHỨNG CỨ CHẤM CÔNG — {full_name}, ngày {day:%d/%m/%Y}\n\n"
            "manifest.json liệt kê mọi tệp trong gói với mã băm SHA-256 và kích thước; manifest.sig là chữ ký "
            "ECDSA P-256 SHA-256 của hệ thống trên đúng các byte của manifest.json; public_key.pem là khoá công khai "
            "(dấu vân tay SHA-256 ghi trong manifest.json, đối chiếu với GET /v1/evidence/public-key).\n"
            "Kiểm tra ngoại tuyến: python -m infra.verify_bundle <tệp .zip> [--fingerprint <dấu vân tay>]\n\n"
            f"EVIDENCE BUNDLE — {full_name}, {day.isoformat()}\n"
            "manifest.json lists every file with its SHA-256 and size; manifest.sig is the deployment's ECDSA P-256 "
            "SHA-256 signature over manifest.json's exact bytes; public_key.pem is the public key (its SHA-256 "
            "fingerprint is in manifest.json; compare it with GET /v1/evidence/public-key).\n"
            "Verify offline: python -m infra.verify_bundle <file.zip> [--fingerprint <fingerprint>]\n")


def public_key(container: Container) -> dict[str, Any]:
    """GET /v1/evidence/public-key: the key that signs bundles, for anyone checking one."""
    signer = container.evidence_signer
    if signer is None:
        raise DomainError("evidence_signing_unavailable")
    pem = signer.public_key_pem()
    return {"algorithm": ALGORITHM, "public_key_pem": pem.decode(), "sha256": fingerprint(pem),
            "key_id": getattr(signer, "key_id", None)}

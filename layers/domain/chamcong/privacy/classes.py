"""Every class of data the product keeps, where it lives, for what, on which legal basis, and for how long.

This one table is what retention (`privacy.purge`, the bucket's lifecycle rules), erasure (`privacy.erasure`), a
person's own data (`privacy.subject`) and the impact-assessment dossier (`privacy.dossier`) read: a new table or S3
prefix that is not listed here fails `tests/unit/test_data_classes.py`. Pure data, no AWS.

Retention is in days, configurable per class as a template parameter (`parameter`) passed to the functions as an
environment variable (`setting`, read by `Settings`); `None` means "while the person is enrolled" (erased with
them) or "while it is in use" — see `kept`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mechanism(StrEnum):
    LIFECYCLE = "lifecycle"  # an S3 lifecycle rule on the prefix expires objects at their age
    PURGE = "purge"  # the daily purge function deletes items older than the retention (idempotent, audited)
    TTL = "ttl"  # a DynamoDB TTL attribute set at write time (the purge function is the backstop)
    ERASURE = "erasure"  # kept while the person is enrolled; erased with the person or the photo
    IN_USE = "in_use"  # configuration or accounts: kept while in use, removed by an administrator


class Basis(StrEnum):
    """Legal bases of Decree 13/2023/NĐ-CP the product relies on."""

    CONSENT = "consent"  # Art. 11: the person's consent
    LAW = "law"  # Art. 17: processing required by law (public duties, civil-servant management, Decree 335)
    CONTRACT = "contract"  # Art. 17(1)(b)... kept for offices whose staff are under contract


@dataclass(frozen=True)
class DataClass:
    key: str  # stable id, used in purge counts, settings and the dossier
    name_vi: str
    name_en: str
    tables: tuple[str, ...]  # logical table names (Meta.table_name before the settings override)
    prefixes: tuple[str, ...]  # S3 key prefixes of the data bucket
    mechanism: Mechanism
    setting: str | None  # the Settings field holding its retention in days; None: kept while enrolled / in use
    parameter: str | None  # the template parameter that sets it
    default_days: int | None
    minimum_days: int | None
    sensitive: bool  # sensitive personal data (Decree 13 Art. 2(4)): biometric data
    personal: bool
    purpose_vi: str
    purpose_en: str
    basis: Basis
    kept_vi: str  # how long, said for the dossier and the retention table
    kept_en: str


def _days(days: int, vi: str = "", en: str = "") -> tuple[str, str]:
    return (vi or f"{days} ngày", en or f"{days} days")


DATA_CLASSES: tuple[DataClass, ...] = (
    DataClass(
        "enrolment_photos", "Ảnh đăng ký khuôn mặt và véc-tơ đặc trưng", "Enrolment photos and embeddings",
        ("faces",), ("faces/",), Mechanism.ERASURE, None, None, None, None, True, True,
        "Nhận diện cán bộ khi chấm công; kiểm tra trùng người khi đăng ký.",
        "Recognise staff at check-in and check-out; refuse a second enrolment of the same person.",
        Basis.CONSENT, "Trong thời gian cán bộ còn đăng ký; xoá khi xoá người hoặc xoá ảnh",
        "While the person is enrolled; erased with the person or the photo"),
    DataClass(
        "galleries", "Bộ sưu tập véc-tơ khuôn mặt (toàn hệ thống, từng điểm)",
        "Face galleries (deployment and sites)",
        ("galleries",), ("gallery/",), Mechanism.ERASURE, None, None, None, None, True, True,
        "So khớp khuôn mặt tại sảnh với người được phép đi qua.",
        "Match a face in a lobby against the people who may pass it.",
        Basis.CONSENT, "Phiên bản hiện tại và phiên bản liền trước; người bị xoá được xoá khỏi mọi phiên bản",
        "The current version and the one before; an erased person leaves every version"),
    DataClass(
        "snapshots", "Ảnh chụp khi nhận diện (bằng chứng giờ đến, giờ về)", "Recognition snapshots (evidence)",
        (), ("snapshots/",), Mechanism.LIFECYCLE, "snapshot_retention_days", "SnapshotRetentionDays", 180, 31,
        True, True,
        "Bằng chứng của bản ghi chấm công khi có khiếu nại hoặc xem xét kỷ luật.",
        "Evidence of an attendance record for a complaint or a disciplinary review.",
        Basis.LAW, *_days(180)),
    DataClass(
        "clips", "Đoạn video ngắn của lượt đi qua", "Short clips of passages",
        (), ("clips/",), Mechanism.LIFECYCLE, "clip_retention_days", "ClipRetentionDays", 90, 7, True, True,
        "Bằng chứng thiết bị đã ghi lại đúng lượt đi qua vào thời điểm đó.",
        "Evidence that the device recorded this passage at that moment.",
        Basis.LAW, *_days(90)),
    DataClass(
        "spoofs", "Ảnh và bản ghi lượt nghi giả mạo (ảnh, màn hình)", "Frames and records of suspected spoofs",
        ("spoofs",), ("spoofs/",), Mechanism.LIFECYCLE, "spoof_retention_days", "SpoofRetentionDays", 60, 7,
        True, True,
        "Báo cáo Phòng Nội vụ các lượt dùng ảnh hoặc màn hình để chấm công hộ.",
        "Report to Home Affairs the passages made with a photo or a screen.",
        Basis.LAW, *_days(60)),
    DataClass(
        "unmatched", "Ảnh lượt đi qua không nhận diện được", "Snapshots of passages nobody was matched to",
        (), ("unmatched/",), Mechanism.LIFECYCLE, "unmatched_retention_days", "UnmatchedRetentionDays", 14, 1,
        True, True,
        "Bằng chứng gần nhất cho ngày vắng hoặc thiếu giờ đến của cán bộ (có thể là khách).",
        "The nearest evidence for a day absent or without a check-in (may be visitors).",
        Basis.LAW, *_days(14)),
    DataClass(
        "captures", "Bản ghi chống trùng của từng lượt gửi", "Idempotency records of captures",
        ("captures",), (), Mechanism.TTL, "capture_retention_days", "CaptureRetentionDays", 30, 8, False, True,
        "Bảo đảm mỗi lượt gửi từ thiết bị chỉ được ghi nhận một lần.",
        "Make sure each capture from a device is recorded once.",
        Basis.LAW, *_days(30)),
    DataClass(
        "events", "Bản ghi chấm công (giờ đến, giờ về)", "Attendance records (check-ins, check-outs)",
        ("events",), (), Mechanism.PURGE, "event_retention_days", "EventRetentionDays", 1826, 366, False, True,
        "Theo dõi thời giờ làm việc; căn cứ đánh giá, xếp loại hằng tháng (Nghị định 335/2025).",
        "Working-time records; the basis of the monthly evaluation (Decree 335/2025).",
        Basis.LAW, "5 năm", "5 years"),
    DataClass(
        "absences", "Nghỉ phép, công tác và chỉnh sửa chấm công", "Absences, trips and corrections",
        ("absences", "corrections"), (), Mechanism.PURGE, "absence_retention_days", "AbsenceRetentionDays", 1826, 366,
        False, True,
        "Căn cứ xác định ngày công; lý do và người chỉnh sửa.", "The basis of each day's status; who corrected what.",
        Basis.LAW, "5 năm", "5 years"),
    DataClass(
        "rosters", "Lịch làm việc tại nhà", "Work-from-home rosters",
        ("rosters",), (), Mechanism.PURGE, "roster_retention_days", "RosterRetentionDays", 1826, 366, False, True,
        "Xác định ngày làm việc tại nhà.", "Which days a person worked from home.",
        Basis.LAW, "5 năm", "5 years"),
    DataClass(
        "tasks", "Nhiệm vụ từ hệ thống quản lý văn bản", "Tasks from the e-office system",
        ("tasks",), (), Mechanism.PURGE, "task_retention_days", "TaskRetentionDays", 1826, 366, False, True,
        "Kết quả thực hiện nhiệm vụ, căn cứ đánh giá hằng tháng.", "Task results, the basis of the monthly evaluation.",
        Basis.LAW, "5 năm", "5 years"),
    DataClass(
        "evaluations", "Đánh giá, xếp loại hằng tháng", "Monthly evaluations",
        ("evaluations",), (), Mechanism.PURGE, "evaluation_retention_days", "EvaluationRetentionDays", 3653, 1826,
        False, True,
        "Kết quả đánh giá, xếp loại cán bộ, công chức, viên chức (Nghị định 335/2025).",
        "Evaluation and grading of civil servants (Decree 335/2025).",
        Basis.LAW, "10 năm", "10 years"),
    DataClass(
        "reports", "Báo cáo đã gửi (lưu trữ)", "Reports sent (archive)",
        ("reports",), ("reports/",), Mechanism.PURGE, "report_retention_days", "ReportRetentionDays", 1826, 366,
        False, True,
        "Bản lưu các báo cáo ngày, tháng đã gửi lãnh đạo và Phòng Nội vụ.",
        "The archive of daily and monthly reports sent to leaders and Home Affairs.",
        Basis.LAW, "5 năm", "5 years"),
    DataClass(
        "audit", "Nhật ký thao tác", "Audit trail",
        ("audit",), (), Mechanism.TTL, "audit_retention_days", "AuditRetentionDays", 3653, 1826, False, True,
        "Ai đã làm gì, khi nào: bằng chứng cho thanh tra và hội đồng kỷ luật.",
        "Who did what, when: evidence for inspectors and disciplinary councils.",
        Basis.LAW, "10 năm", "10 years"),
    DataClass(
        "privacy_records", "Thông báo đã đưa, sự đồng ý và yêu cầu xoá dữ liệu",
        "Notices given, consents and erasure requests",
        ("privacy",), (), Mechanism.PURGE, "audit_retention_days", "AuditRetentionDays", 3653, 1826, False, True,
        "Chứng minh việc xử lý dữ liệu là hợp pháp và yêu cầu của chủ thể dữ liệu đã được trả lời.",
        "Prove that the processing was lawful and that the person's requests were answered.",
        Basis.LAW, "10 năm (như nhật ký thao tác)", "10 years (as the audit trail)"),
    DataClass(
        "sessions", "Phiên đăng nhập", "Sign-in sessions",
        ("sessions",), (), Mechanism.TTL, None, None, None, None, False, True,
        "Giữ phiên đăng nhập của người dùng.", "Keep a user signed in.",
        Basis.LAW, "Đến khi hết hạn phiên (8 giờ)", "Until the session expires (8 hours)"),
    DataClass(
        "staff", "Hồ sơ cán bộ, đơn vị, tài khoản", "Staff records, units and accounts",
        ("staff", "units", "accounts"), (), Mechanism.IN_USE, None, None, None, None, False, True,
        "Quản lý cán bộ và quyền truy cập.", "Manage staff and who may see what.",
        Basis.LAW, "Trong thời gian công tác; khi xoá chỉ giữ họ tên và mã làm hồ sơ công việc",
        "While employed; on removal only the name and id stay as work records"),
    DataClass(
        "configuration", "Cấu hình: thiết bị, lịch, ngưỡng, tích hợp", "Configuration: devices, calendars, thresholds",
        ("devices", "calendars", "thresholds"), ("models/", "privacy/"), Mechanism.IN_USE, None, None, None, None,
        False, False,
        "Vận hành hệ thống.", "Run the product.", Basis.LAW, "Trong thời gian sử dụng", "While in use"),
)


def by_key(key: str) -> DataClass:
    for data_class in DATA_CLASSES:
        if data_class.key == key:
            return data_class
    raise KeyError(key)


def retention_days(data_class: DataClass, settings: object) -> int | None:
    """The class's retention in days as configured (None: kept while enrolled or in use)."""
    if data_class.setting is None:
        return None
    return int(getattr(settings, data_class.setting))

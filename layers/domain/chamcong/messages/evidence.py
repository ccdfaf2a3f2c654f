"""Evidence bundles for discipline. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "evidence_day_not_eligible": Message(
        422,
        'Ngày {date} không có vi phạm (đi muộn, về sớm, vắng mặt, thiếu chấm công vào hoặc ra) và không có lần '
        'giả mạo khuôn mặt nào: không có gói chứng cứ cho ngày này.',
        'On {date} there was nothing to answer for (late, left early, absent, a missing check-in or check-out) and '
        'no spoofing attempt: there is no evidence bundle for that day.',
    ),
    "evidence_signing_unavailable": Message(
        503,
        'Hệ thống chưa được cấu hình khoá ký chứng cứ nên chưa thể tạo gói chứng cứ. Vui lòng liên hệ quản trị '
        'hệ thống.',
        'No evidence signing key is configured, so no evidence bundle can be made. Please contact the system '
        'administrator.',
    ),
}

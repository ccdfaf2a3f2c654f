"""The daily reports. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "report_not_found": Message(
        404,
        "Không tìm thấy báo cáo.",
        "Report not found.",
    ),
    "reports_failed": Message(
        502,
        'Một số báo cáo chưa gửi được; bản lưu vẫn còn và hệ thống sẽ gửi lại.',
        'Some reports could not be sent; they are archived and will be retried.',
    ),
    "report_month_not_ended": Message(
        409,
        "Tháng này chưa kết thúc: chưa thể lập báo cáo đánh giá, xếp loại của tháng.",
        "The month has not ended yet: its evaluation report cannot be made.",
    ),
}

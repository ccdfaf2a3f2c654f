"""Notices, the person's own data, erasure requests and the impact-assessment dossier (Decree 13/2023/NĐ-CP).

Each code: (HTTP status, Vietnamese, English).
"""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "notice_not_found": Message(
        404,
        'Không tìm thấy thông báo xử lý dữ liệu cá nhân có phiên bản này.',
        'No notice of processing of personal data has this version.',
    ),
    "consent_required": Message(
        422,
        'Cơ sở pháp lý là sự đồng ý của cán bộ: cần ghi nhận cán bộ đã đồng ý (consent: true) sau khi được '
        'thông báo, trước khi đăng ký ảnh khuôn mặt. Ảnh chưa được đăng ký.',
        'The legal basis is the person\'s consent: record that they consented (consent: true) after reading '
        'the notice before enrolling their face. No photo was enrolled.',
    ),
    "notice_given_in_future": Message(
        422,
        'Thời điểm thông báo cho cán bộ không được ở tương lai. Ảnh chưa được đăng ký.',
        'The time the notice was given cannot be in the future. No photo was enrolled.',
    ),
    "erasure_request_not_found": Message(
        404,
        'Không tìm thấy yêu cầu xoá dữ liệu.',
        'Erasure request not found.',
    ),
    "erasure_request_pending": Message(
        409,
        'Cán bộ này đã có một yêu cầu xoá dữ liệu đang chờ xử lý; quản trị đơn vị cần hoàn thành hoặc từ chối '
        'yêu cầu đó trước.',
        'This person already has an erasure request waiting; the unit admin completes or refuses it first.',
    ),
    "erasure_request_decided": Message(
        409,
        'Yêu cầu xoá dữ liệu này đã được xử lý (hoàn thành hoặc từ chối) trước đó.',
        'This erasure request was already completed or refused.',
    ),
}

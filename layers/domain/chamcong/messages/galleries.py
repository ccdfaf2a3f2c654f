"""The face gallery and its embedding model: the re-embedding job; galleries per site and their grants. Each code:
(HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "unknown_model": Message(
        422,
        'Không có mô hình nhận diện khuôn mặt với mã này.',
        'There is no face embedding model with this id.',
    ),
    "reembed_in_progress": Message(
        409,
        'Đang có một lượt tính lại dữ liệu khuôn mặt cho mô hình khác; hãy chờ lượt đó hoàn tất.',
        'A re-embedding job for another model is in progress; wait until it completes.',
    ),
    "site_not_found": Message(
        404,
        'Không tìm thấy đơn vị (điểm đặt thiết bị) này.',
        'There is no such site (the unit a lobby device is registered to).',
    ),
    "site_grant_not_found": Message(
        404,
        'Người này không có quyền ra vào được cấp riêng cho điểm này.',
        'This person has no access granted to this site.',
    ),
    "grant_until_past": Message(
        422,
        'Ngày hết hạn của quyền ra vào không được trước hôm nay.',
        'The last day of an access grant cannot be before today.',
    ),
}

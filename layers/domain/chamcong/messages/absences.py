"""Leave, business trips and work from home. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "absence_not_found": Message(
        404,
        'Không tìm thấy đăng ký vắng mặt.',
        'Absence not found.',
    ),
    "own_absence": Message(
        403,
        'Không thể tự ghi nhận nghỉ phép, công tác hay làm việc tại nhà cho chính mình.',
        'You cannot record an absence for yourself.',
    ),
    "absence_dates_invalid": Message(
        422,
        'Ngày kết thúc phải không trước ngày bắt đầu, và một lần đăng ký không quá một năm.',
        'The last day must not be before the first, and one absence spans at most a year.',
    ),
    "absence_overlaps": Message(
        409,
        'Cán bộ đã có đăng ký vắng mặt trùng thời gian này.',
        'This person already has an absence overlapping these days.',
    ),
}

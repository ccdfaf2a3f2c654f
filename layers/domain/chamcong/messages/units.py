"""The unit tree and work calendars. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "unit_not_found": Message(
        404,
        'Không tìm thấy đơn vị.',
        'Unit not found.',
    ),
    "parent_unit_not_found": Message(
        404,
        'Không tìm thấy đơn vị cấp trên.',
        'Parent unit not found.',
    ),
    "unit_move_cycle": Message(
        422,
        'Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.',
        'A unit cannot be moved under itself or one of its own sub-units.',
    ),
    "unit_not_empty": Message(
        409,
        'Đơn vị còn đơn vị trực thuộc, cán bộ, tài khoản hoặc thiết bị nên chưa thể xoá.',
        'The unit still has sub-units, staff, accounts or devices and cannot be removed.',
    ),
    "calendar_invalid": Message(
        422,
        'Lịch làm việc không hợp lệ (giờ làm phải nằm trong khung chấm công, các giai đoạn không chồng lên nhau).',
        'The work calendar is not consistent (working hours inside the windows, periods not overlapping).',
    ),
}

"""The work-from-home roster and the exceptions to its cap. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "wfh_cap_exceeded": Message(
        422,
        'Vượt giới hạn làm việc tại nhà: ngày {date} đơn vị chỉ được tối đa {allowed} người làm việc tại nhà '
        '(trên {employed} cán bộ của đơn vị), danh sách đang có {requested} người. Danh sách chưa được lưu.',
        'Over the work-from-home cap: on {date} at most {allowed} of the unit\'s {employed} staff may work from '
        'home, and the roster names {requested}. The roster was not saved.',
    ),
    "roster_staff_not_in_unit": Message(
        422,
        'Danh sách có người không phải cán bộ của đơn vị này. Danh sách chưa được lưu.',
        'The roster names someone who is not on this unit\'s staff. The roster was not saved.',
    ),
    "roster_staff_not_employed": Message(
        422,
        'Danh sách có người chưa bắt đầu công tác tại đơn vị vào ngày này. Danh sách chưa được lưu.',
        'The roster names someone not yet employed on that day. The roster was not saved.',
    ),
    "roster_day_off": Message(
        422,
        'Ngày này là ngày nghỉ (cuối tuần hoặc ngày lễ) theo lịch làm việc của đơn vị, không cần lập danh sách '
        'làm việc tại nhà.',
        'That day is a weekend or holiday in the unit\'s work calendar: there is no work-from-home roster to set.',
    ),
    "roster_exception_invalid": Message(
        422,
        'Thời gian ngoại lệ không hợp lệ: ngày kết thúc không được trước ngày bắt đầu và không quá một năm.',
        'The exception\'s period is not valid: it must not end before it starts, and spans at most a year.',
    ),
}

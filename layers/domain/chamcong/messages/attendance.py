"""What a day's status is called where officials read it (reports, the web, the demo)."""

from __future__ import annotations

from chamcong.rules.attendance import DayStatus

DAY_STATUS_LABELS: dict[str, tuple[str, str]] = {
    DayStatus.ON_TIME: ("Đúng giờ", "On time"),
    DayStatus.LATE: ("Đi muộn", "Late"),
    DayStatus.LEFT_EARLY: ("Về sớm", "Left early"),
    DayStatus.MISSING_CHECK_IN: ("Thiếu giờ đến", "No check-in"),
    DayStatus.MISSING_CHECK_OUT: ("Thiếu giờ về", "No check-out"),
    DayStatus.ABSENT: ("Vắng không lý do", "Absent without reason"),
    DayStatus.ON_LEAVE: ("Nghỉ phép", "On leave"),
    DayStatus.BUSINESS_TRIP: ("Đi công tác", "On a business trip"),
    DayStatus.WORK_FROM_HOME: ("Làm việc tại nhà", "Working from home"),
    DayStatus.HOLIDAY: ("Nghỉ lễ", "Public holiday"),
    DayStatus.WEEKEND: ("Nghỉ cuối tuần", "Weekend"),
    DayStatus.NOT_EMPLOYED: ("Chưa công tác", "Not yet employed"),
    DayStatus.PENDING: ("Chưa đến giờ chấm công", "Not yet due"),
}


def day_status_label(status: str, lang: str = "vi") -> str:
    vi, en = DAY_STATUS_LABELS[status]
    return en if lang == "en" else vi

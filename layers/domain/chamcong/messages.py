"""What officials read when something goes wrong: one catalogue, Vietnamese first, English available.

Codes are machine-readable and stable; clients branch on them, people read the message.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (Vietnamese, English)
    "invalid_json": ("Nội dung yêu cầu không phải JSON hợp lệ.", "The request body is not valid JSON."),
    "validation_error": ("Dữ liệu gửi lên không hợp lệ.", "The request data is not valid."),
    "invalid_base64": ("Ảnh không được mã hoá base64 hợp lệ.", "The image is not valid base64."),
    "invalid_image": ("Tệp gửi lên không phải là ảnh đọc được.", "The file is not a readable image."),
    "image_too_large": ("Ảnh có kích thước quá lớn.", "The image dimensions are too large."),
    "payload_too_large": (
        "Dữ liệu gửi lên vượt quá giới hạn 2 MB.",
        "The request body exceeds the 2 MB limit.",
    ),
    "unsupported_media_type": (
        "Chỉ chấp nhận dữ liệu dạng application/json.",
        "Only application/json is accepted.",
    ),
    "not_found": ("Không tìm thấy địa chỉ yêu cầu.", "No such resource."),
    "method_not_allowed": ("Phương thức không được hỗ trợ.", "Method not allowed."),
    "throttled": ("Hệ thống đang bận, vui lòng thử lại sau ít giây.", "Too many requests; retry in a few seconds."),
    "internal_error": (
        "Hệ thống gặp lỗi, vui lòng thử lại sau hoặc liên hệ quản trị viên.",
        "Internal error; please retry later or contact the administrator.",
    ),
    # authentication
    "invalid_credentials": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."),
    "unauthenticated": (
        "Bạn cần đăng nhập để thực hiện thao tác này.",
        "You must sign in to do this.",
    ),
    "token_expired": (
        "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
        "Your session has expired; please sign in again.",
    ),
    "forbidden": ("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
    "token_revoked": (
        "Phiên đăng nhập không còn hiệu lực (mật khẩu đã đổi hoặc tài khoản đã bị khoá); vui lòng đăng nhập lại.",
        "This session is no longer valid (the password changed or the account was locked); sign in again.",
    ),
    "login_blocked": (
        "Bạn đã nhập sai mật khẩu quá nhiều lần; tài khoản tạm khoá {minutes} phút. Hãy thử lại sau, hoặc liên hệ "
        "quản trị viên đơn vị nếu quên mật khẩu.",
        "Too many wrong passwords: the account is blocked for {minutes} minutes. Try again later, or ask your "
        "unit admin if you forgot the password.",
    ),
    "account_locked": (
        "Tài khoản của bạn đã bị khoá. Vui lòng liên hệ {contact} để được mở khoá hoặc cấp lại mật khẩu.",
        "Your account is locked. Please contact {contact} to have it unlocked or a new password issued.",
    ),
    "password_expired": (
        "Bạn chưa đổi mật khẩu tạm thời trước hạn ({deadline}) nên tài khoản đã bị khoá. Vui lòng liên hệ "
        "{contact} để được cấp mật khẩu mới.",
        "The temporary password was not changed before its deadline ({deadline}), so the account is locked. "
        "Please contact {contact} for a new password.",
    ),
    "password_change_required": (
        "Bạn cần đổi mật khẩu tạm thời trước khi sử dụng hệ thống.",
        "You must change your temporary password before using the system.",
    ),
    "current_password_wrong": ("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
    "password_too_short": ("Mật khẩu phải có ít nhất 10 ký tự.", "The password must have at least 10 characters."),
    "password_too_long": ("Mật khẩu không được dài quá 128 ký tự.", "The password must have at most 128 characters."),
    "password_contains_username": (
        "Mật khẩu không được chứa tên đăng nhập.",
        "The password must not contain the username.",
    ),
    "password_too_common": (
        "Mật khẩu này quá phổ biến hoặc đã bị lộ trong các vụ rò rỉ dữ liệu; hãy chọn mật khẩu khác, ví dụ một câu "
        "dài dễ nhớ.",
        "This password is too common or known from data breaches; choose another, such as a long sentence.",
    ),
    "password_reused": (
        "Mật khẩu mới phải khác mật khẩu hiện tại.",
        "The new password must differ from the current one.",
    ),
    # accounts and roles
    "account_not_found": ("Không tìm thấy tài khoản.", "Account not found."),
    "username_taken": ("Tên đăng nhập này đã được sử dụng.", "This username is already taken."),
    "staff_not_in_unit": (
        "Cán bộ này không thuộc đơn vị của tài khoản.",
        "This staff member does not belong to the account's unit.",
    ),
    "staff_role_needs_person": (
        "Vai trò cán bộ chỉ cấp cho tài khoản gắn với một cán bộ.",
        "The staff role needs an account that belongs to a person.",
    ),
    "password_deadline_invalid": (
        "Hạn đổi mật khẩu phải từ hôm nay trở đi và không quá 90 ngày.",
        "The password deadline must be today or later, and within 90 days.",
    ),
    "grant_not_found": ("Tài khoản không có vai trò này.", "The account does not hold this role."),
    "own_account": (
        "Không thể tự khoá, mở khoá, cấp lại mật khẩu hay đổi vai trò cho chính tài khoản của mình.",
        "You cannot lock, unlock, reset or change the roles of your own account.",
    ),
    "reset_required": (
        "Tài khoản bị khoá do quá hạn đổi mật khẩu tạm thời; hãy cấp lại mật khẩu thay vì mở khoá.",
        "The account was locked because its temporary password expired; reset it instead of unlocking.",
    ),
    # devices
    "missing_device_headers": (
        "Thiếu thông tin xác thực thiết bị (X-Device-Id, X-Timestamp, X-Signature).",
        "Device authentication headers are missing (X-Device-Id, X-Timestamp, X-Signature).",
    ),
    "unknown_device": ("Thiết bị chưa được đăng ký hoặc đã bị thu hồi.", "Unknown or revoked device."),
    "invalid_signature": ("Chữ ký của thiết bị không hợp lệ.", "The device signature is not valid."),
    "stale_timestamp": (
        "Thời gian của thiết bị lệch quá 5 phút so với máy chủ; hãy đồng bộ đồng hồ.",
        "The device clock is more than 5 minutes off the server's; synchronise it.",
    ),
    # recognitions
    "captured_at_in_future": (
        "Thời điểm ghi hình ở tương lai (quá 5 phút).",
        "captured_at is more than 5 minutes in the future.",
    ),
    "captured_at_too_old": (
        "Thời điểm ghi hình cũ hơn 7 ngày, không thể ghi nhận.",
        "captured_at is older than 7 days and cannot be recorded.",
    ),
    "capture_conflict": (
        "Mã ghi hình này đã được dùng cho một ảnh khác.",
        "This capture_id was already used for a different image.",
    ),
    "capture_in_progress": (
        "Ảnh này đang được xử lý, vui lòng gửi lại sau ít giây.",
        "This capture is being processed; retry in a few seconds.",
    ),
    "gallery_model_mismatch": (
        "Dữ liệu khuôn mặt được tạo bằng mô hình khác; cần đăng ký lại ảnh.",
        "The face gallery was built with another model; faces must be re-enrolled.",
    ),
    # enrolment
    "no_face": ("Không tìm thấy khuôn mặt trong ảnh.", "No face was found in the photo."),
    "multiple_faces": (
        "Ảnh có nhiều khuôn mặt; hãy dùng ảnh chỉ có một người.",
        "The photo shows several faces; use a photo of one person.",
    ),
    "face_too_small": (
        "Khuôn mặt trong ảnh quá nhỏ; hãy dùng ảnh chụp gần hơn.",
        "The face is too small; use a closer photo.",
    ),
    "too_blurry": ("Ảnh bị mờ; hãy chụp lại ảnh rõ nét hơn.", "The photo is too blurred; take a sharper one."),
    "duplicate_person": (
        "Khuôn mặt này trùng với một cán bộ khác đã được đăng ký.",
        "This face already belongs to another enrolled person.",
    ),
    # records
    "unit_not_found": ("Không tìm thấy đơn vị.", "Unit not found."),
    "parent_unit_not_found": ("Không tìm thấy đơn vị cấp trên.", "Parent unit not found."),
    "staff_not_found": ("Không tìm thấy cán bộ.", "Staff member not found."),
    "face_not_found": ("Không tìm thấy ảnh khuôn mặt.", "Face photo not found."),
    "device_not_found": ("Không tìm thấy thiết bị.", "Device not found."),
    "device_revoked": ("Thiết bị đã bị thu hồi.", "The device has been revoked."),
    "unit_move_cycle": (
        "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.",
        "A unit cannot be moved under itself or one of its own sub-units.",
    ),
    "unit_not_empty": (
        "Đơn vị còn đơn vị trực thuộc, cán bộ, tài khoản hoặc thiết bị nên chưa thể xoá.",
        "The unit still has sub-units, staff, accounts or devices and cannot be removed.",
    ),
    "absence_not_found": ("Không tìm thấy đăng ký vắng mặt.", "Absence not found."),
    # attendance
    "own_absence": (
        "Không thể tự ghi nhận nghỉ phép, công tác hay làm việc tại nhà cho chính mình.",
        "You cannot record an absence for yourself.",
    ),
    "own_correction": ("Không thể tự điều chỉnh ngày công của chính mình.", "You cannot correct your own day."),
    "absence_dates_invalid": (
        "Ngày kết thúc phải không trước ngày bắt đầu, và một lần đăng ký không quá một năm.",
        "The last day must not be before the first, and one absence spans at most a year.",
    ),
    "absence_overlaps": (
        "Cán bộ đã có đăng ký vắng mặt trùng thời gian này.",
        "This person already has an absence overlapping these days.",
    ),
    "correction_in_future": ("Không thể điều chỉnh một ngày chưa tới.", "A day that has not come cannot be corrected."),
    "calendar_invalid": (
        "Lịch làm việc không hợp lệ (giờ làm phải nằm trong khung chấm công, các giai đoạn không chồng lên nhau).",
        "The work calendar is not consistent (working hours inside the windows, periods not overlapping).",
    ),
    "report_not_found": ("Không tìm thấy báo cáo.", "Report not found."),
    "reports_failed": (
        "Một số báo cáo chưa gửi được; bản lưu vẫn còn và hệ thống sẽ gửi lại.",
        "Some reports could not be sent; they are archived and will be retried.",
    ),
    "conflict": (
        "Dữ liệu vừa bị thay đổi bởi thao tác khác, vui lòng thử lại.",
        "The data changed concurrently; please retry.",
    ),
}


def message_for(code: str, lang: str = "vi", params: dict[str, str | tuple[str, str]] | None = None) -> str:
    vi, en = MESSAGES.get(code, MESSAGES["internal_error"])
    template = en if lang == "en" else vi
    if not params:
        return template
    index = 1 if lang == "en" else 0
    return template.format(**{name: value if isinstance(value, str) else value[index]
                              for name, value in params.items()})


# What a day's status is called where officials read it (reports, the web, the demo).
DAY_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "on_time": ("Đúng giờ", "On time"),
    "late": ("Đi muộn", "Late"),
    "left_early": ("Về sớm", "Left early"),
    "missing_check_in": ("Thiếu giờ đến", "No check-in"),
    "missing_check_out": ("Thiếu giờ về", "No check-out"),
    "absent": ("Vắng không lý do", "Absent without reason"),
    "on_leave": ("Nghỉ phép", "On leave"),
    "business_trip": ("Đi công tác", "On a business trip"),
    "work_from_home": ("Làm việc tại nhà", "Working from home"),
    "holiday": ("Nghỉ lễ", "Public holiday"),
    "weekend": ("Nghỉ cuối tuần", "Weekend"),
    "not_employed": ("Chưa công tác", "Not yet employed"),
    "pending": ("Chưa đến giờ chấm công", "Not yet due"),
}


def day_status_label(status: str, lang: str = "vi") -> str:
    vi, en = DAY_STATUS_LABELS[status]
    return en if lang == "en" else vi

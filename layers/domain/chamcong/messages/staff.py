"""Staff records and their enrolled face photos. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    # Enrolment photo verdicts: each says what to change. The same texts answer one photo (422) and
    # fill each refused photo of a batch.
    "no_face": Message(
        422,
        'Không tìm thấy khuôn mặt trong ảnh: hãy chụp chính diện, cả khuôn mặt nằm trong khung hình, đủ ánh sáng.',
        'No face was found: take the photo facing the camera, the whole face inside the frame, in good light.',
    ),
    "multiple_faces": Message(
        422,
        'Ảnh có nhiều khuôn mặt: hãy dùng ảnh chỉ có một người.',
        'The photo shows several faces: use a photo of one person only.',
    ),
    "face_too_small": Message(
        422,
        'Khuôn mặt trong ảnh quá nhỏ ({face_px} điểm ảnh): cần ít nhất {min_px} điểm ảnh; '
        'hãy đứng gần máy ảnh hơn hoặc dùng ảnh có độ phân giải cao hơn.',
        'The face is too small ({face_px} pixels): at least {min_px} pixels are needed; '
        'move closer to the camera or use a higher-resolution photo.',
    ),
    "too_blurry": Message(
        422,
        'Ảnh bị mờ: hãy chụp lại khi máy ảnh đã lấy nét vào khuôn mặt, đủ ánh sáng và giữ yên máy.',
        'The photo is blurred: take it again with the camera focused on the face, in good light, held still.',
    ),
    "face_not_frontal": Message(
        422,
        'Khuôn mặt không nhìn thẳng ({direction}): hãy nhìn thẳng vào máy ảnh, giữ đầu thẳng.',
        'The face is not facing the camera ({direction}): look straight into the camera, head upright.',
    ),
    "duplicate_person": Message(
        422,
        'Khuôn mặt này trùng với một cán bộ khác đã được đăng ký.',
        'This face already belongs to another enrolled person.',
    ),
    "staff_not_found": Message(
        404,
        'Không tìm thấy cán bộ.',
        'Staff member not found.',
    ),
    "face_not_found": Message(
        404,
        'Không tìm thấy ảnh khuôn mặt.',
        'Face photo not found.',
    ),
    # Employee codes (mã cán bộ)
    "employee_code_taken": Message(
        409,
        'Mã cán bộ này đã được dùng cho một cán bộ khác: mỗi mã chỉ dùng cho một người (không phân biệt chữ hoa, '
        'chữ thường).',
        'This employee code already belongs to another person: each code names one person (in any case).',
    ),
    # A staff spreadsheet as a whole (POST /v1/staff/import): nothing is changed.
    "import_file_invalid": Message(
        400,
        'Không đọc được tệp: hãy gửi tệp Excel (.xlsx) hoặc CSV (UTF-8) có dòng tiêu đề ở dòng đầu tiên.',
        'The file cannot be read: send an Excel (.xlsx) or CSV (UTF-8) file with its header on the first row.',
    ),
    "import_columns_missing": Message(
        400,
        'Tệp thiếu cột bắt buộc: dòng tiêu đề cần có các cột "Họ và tên", "Đơn vị" và "Mã cán bộ" '
        '(cột "Email" không bắt buộc).',
        'The file lacks a required column: the header needs "Họ và tên" (full_name), "Đơn vị" (unit) and '
        '"Mã cán bộ" (employee_code); "Email" is optional.',
    ),
    "import_too_large": Message(
        400,
        'Tệp quá lớn: mỗi lần nhập tối đa 2 MiB và 2.000 cán bộ; hãy chia tệp thành nhiều phần.',
        'The file is too large: at most 2 MiB and 2,000 people per import; split it into several files.',
    ),
    # One row of a staff spreadsheet: the row is refused, the others are still imported.
    "import_name_invalid": Message(
        422,
        'Họ và tên trống hoặc không hợp lệ (tối đa 200 ký tự, trên một dòng).',
        'The full name is empty or not valid (at most 200 characters, on one line).',
    ),
    "import_code_invalid": Message(
        422,
        'Mã cán bộ trống hoặc không hợp lệ: 1 đến 32 ký tự gồm chữ, số, dấu chấm, gạch dưới hoặc gạch ngang.',
        'The employee code is empty or not valid: 1 to 32 letters, digits, dots, underscores or hyphens.',
    ),
    "import_code_repeated": Message(
        422,
        'Mã cán bộ này xuất hiện ở nhiều dòng của tệp: hãy giữ lại một dòng cho mỗi người.',
        'This employee code appears on several rows of the file: keep one row per person.',
    ),
    "import_unit_missing": Message(
        422,
        'Chưa ghi đơn vị: hãy ghi mã đơn vị hoặc tên chính xác của đơn vị.',
        'No unit given: write the unit id or the exact name of the unit.',
    ),
    "import_unit_unknown": Message(
        422,
        'Không tìm thấy đơn vị này trong các đơn vị bạn quản lý: hãy ghi mã đơn vị hoặc tên chính xác của đơn vị.',
        'No unit you manage has this id or name: write the unit id or the exact name of the unit.',
    ),
    "import_unit_ambiguous": Message(
        422,
        'Có nhiều đơn vị cùng tên này trong phạm vi bạn quản lý: hãy ghi mã đơn vị thay cho tên.',
        'Several units you manage have this name: write the unit id instead of the name.',
    ),
    "import_unit_out_of_scope": Message(
        403,
        'Bạn không có quyền thêm hoặc sửa cán bộ của đơn vị này.',
        'You may not add or change the staff of this unit.',
    ),
    "import_staff_out_of_scope": Message(
        403,
        'Mã cán bộ này thuộc về một cán bộ của đơn vị ngoài phạm vi bạn quản lý.',
        'This employee code belongs to a person of a unit outside your scope.',
    ),
    "import_email_invalid": Message(
        422,
        'Địa chỉ email không hợp lệ.',
        'The e-mail address is not valid.',
    ),
    "import_duty_group_invalid": Message(
        422,
        'Nhóm chức trách không hợp lệ: chỉ gồm chữ thường không dấu, chữ số, "-" hoặc "_" (ví dụ: chuyen-vien).',
        'The duty group is not valid: lower-case letters without accents, digits, "-" or "_" (e.g. chuyen-vien).',
    ),
    "import_leader_invalid": Message(
        422,
        'Cột "Lãnh đạo" chỉ ghi "x", "có" hoặc "không" (hoặc để trống).',
        'The "Lãnh đạo" (leader) column takes "x", "yes" or "no" (or blank).',
    ),
    # Transfers (POST /v1/staff/{staff_id}/transfers): a move between units with its effective day.
    "transfer_same_unit": Message(
        422,
        'Cán bộ đang thuộc đơn vị này: hãy chọn đơn vị khác để điều chuyển đến.',
        'The person is already in this unit: choose another unit to move them to.',
    ),
    "transfer_in_future": Message(
        422,
        'Ngày có hiệu lực không được sau hôm nay: hãy ghi nhận việc điều chuyển vào ngày nó bắt đầu có hiệu lực '
        'hoặc sau đó.',
        'The effective date may not be after today: record the move on or after the day it takes effect.',
    ),
    "transfer_before_employment": Message(
        422,
        'Ngày có hiệu lực không được trước ngày cán bộ bắt đầu làm việc.',
        "The effective date may not be before the person's first working day.",
    ),
    "transfer_before_last": Message(
        422,
        'Ngày có hiệu lực không được trước ngày có hiệu lực của lần điều chuyển gần nhất.',
        'The effective date may not be before that of the last transfer.',
    ),
}

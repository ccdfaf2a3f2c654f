"""Integration clients (the e-office system) and the tasks they post. Each code: (HTTP status, Vietnamese, English).

The `task_*` codes below 'per record' answer one refused record inside a 200 batch answer (`rejected[]`); their
status is what the same refusal would be on its own.
"""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    # Authentication of an integration client: Authorization: ApiKey <key>
    "missing_api_key": Message(
        401,
        'Thiếu khoá tích hợp (tiêu đề Authorization: ApiKey <khoá>).',
        'The integration key is missing (header Authorization: ApiKey <key>).',
    ),
    "invalid_api_key": Message(
        401,
        'Khoá tích hợp không đúng hoặc đã được cấp lại.',
        'The integration key is wrong or has been rotated.',
    ),
    "api_key_revoked": Message(
        401,
        'Khoá tích hợp đã bị thu hồi; hãy liên hệ quản trị đơn vị để được cấp khách tích hợp mới.',
        'The integration client has been revoked; ask the unit admin for a new client.',
    ),
    "integration_not_found": Message(
        404,
        'Không tìm thấy khách tích hợp.',
        'Integration client not found.',
    ),
    "integration_revoked": Message(
        409,
        'Khách tích hợp đã bị thu hồi.',
        'The integration client has been revoked.',
    ),
    "too_many_tasks": Message(
        400,
        'Mỗi lần gửi tối đa {max} nhiệm vụ.',
        'At most {max} tasks per call.',
    ),
    # Per record
    "task_invalid": Message(
        422,
        'Bản ghi nhiệm vụ không hợp lệ ở trường {field}.',
        'The task record is not valid at field {field}.',
    ),
    "task_duplicate_in_batch": Message(
        422,
        'Mã nhiệm vụ (external_id) này xuất hiện nhiều lần trong cùng một lần gửi; chỉ bản ghi đầu tiên được xét.',
        'This external_id appears more than once in the batch; only the first record is considered.',
    ),
    "task_assignee_unknown": Message(
        422,
        'Không có cán bộ nào mang mã cán bộ này.',
        'No staff member holds this employee code.',
    ),
    "task_assignee_out_of_scope": Message(
        403,
        'Cán bộ này không thuộc đơn vị của khách tích hợp.',
        "This person is outside the integration client's unit.",
    ),
    "task_dates_impossible": Message(
        422,
        'Thời điểm không hợp lý: {reason}.',
        'Impossible dates: {reason}.',
    ),
    "task_status_inconsistent": Message(
        422,
        'Trạng thái không khớp với thời điểm hoàn thành: {reason}.',
        'The status does not match the completion time: {reason}.',
    ),
    "task_outdated": Message(
        409,
        'Đã có phiên bản mới hơn của nhiệm vụ này (updated_at); bản ghi không được áp dụng.',
        'A newer version of this task is already stored (updated_at); the record was not applied.',
    ),
    "task_conflict": Message(
        409,
        'Nhiệm vụ này vừa được cập nhật đồng thời; hãy gửi lại bản ghi.',
        'This task was being updated at the same time; send the record again.',
    ),
    # A task spreadsheet as a whole (POST /v1/tasks/import): nothing is written. Unreadable: import_file_invalid.
    "task_import_columns_missing": Message(
        400,
        'Tệp thiếu cột bắt buộc: dòng tiêu đề cần có "Mã nhiệm vụ", "Mã cán bộ", "Tên nhiệm vụ", "Ngày giao" và '
        '"Trạng thái" (hoặc tên trường của API: external_id, assignee, title, assigned_at, status).',
        'The file lacks a required column: the header needs "Mã nhiệm vụ" (external_id), "Mã cán bộ" (assignee), '
        '"Tên nhiệm vụ" (title), "Ngày giao" (assigned_at) and "Trạng thái" (status).',
    ),
    "task_import_too_large": Message(
        400,
        'Tệp quá lớn: mỗi lần nhập tối đa 2 MiB và 1.000 nhiệm vụ; hãy chia tệp thành nhiều phần.',
        'The file is too large: at most 2 MiB and 1,000 tasks per import; split it into several files.',
    ),
}

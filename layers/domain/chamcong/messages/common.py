"""Errors any route may answer: malformed requests, limits, the platform's own answers.

Each code: (HTTP status, Vietnamese, English).
"""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "invalid_json": Message(
        400,
        'Nội dung yêu cầu không phải JSON hợp lệ.',
        'The request body is not valid JSON.',
    ),
    "validation_error": Message(
        400,
        'Dữ liệu gửi lên không hợp lệ.',
        'The request data is not valid.',
    ),
    "invalid_base64": Message(
        400,
        'Ảnh không được mã hoá base64 hợp lệ.',
        'The image is not valid base64.',
    ),
    "invalid_image": Message(
        400,
        'Tệp gửi lên không phải là ảnh đọc được.',
        'The file is not a readable image.',
    ),
    "image_too_large": Message(
        400,
        'Ảnh có kích thước quá lớn.',
        'The image dimensions are too large.',
    ),
    "payload_too_large": Message(
        413,
        'Dữ liệu gửi lên vượt quá dung lượng cho phép.',
        'The request body is larger than allowed.',
    ),
    "unsupported_media_type": Message(
        415,
        'Chỉ chấp nhận dữ liệu dạng application/json.',
        'Only application/json is accepted.',
    ),
    "not_acceptable": Message(
        406,
        'Tệp này chỉ được gửi khi yêu cầu nêu đúng kiểu tệp trong tiêu đề Accept (xem chi tiết).',
        'This file is sent only when the Accept header names its type (see the details).',
    ),
    "not_found": Message(
        404,
        'Không tìm thấy địa chỉ yêu cầu.',
        'No such resource.',
    ),
    "method_not_allowed": Message(
        405,
        'Phương thức không được hỗ trợ.',
        'Method not allowed.',
    ),
    "throttled": Message(
        429,
        'Hệ thống đang bận, vui lòng thử lại sau ít giây.',
        'Too many requests; retry in a few seconds.',
    ),
    "internal_error": Message(
        500,
        'Hệ thống gặp lỗi, vui lòng thử lại sau hoặc liên hệ quản trị viên.',
        'Internal error; please retry later or contact the administrator.',
    ),
    "conflict": Message(
        409,
        'Dữ liệu vừa bị thay đổi bởi thao tác khác, vui lòng thử lại.',
        'The data changed concurrently; please retry.',
    ),
}

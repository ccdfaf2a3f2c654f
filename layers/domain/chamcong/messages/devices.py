"""Lobby devices and their signed recognitions. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "missing_device_headers": Message(
        401,
        'Thiếu thông tin xác thực thiết bị (X-Device-Id, X-Timestamp, X-Signature).',
        'Device authentication headers are missing (X-Device-Id, X-Timestamp, X-Signature).',
    ),
    "unknown_device": Message(
        401,
        'Thiết bị chưa được đăng ký hoặc đã bị thu hồi.',
        'Unknown or revoked device.',
    ),
    "invalid_signature": Message(
        401,
        'Chữ ký của thiết bị không hợp lệ.',
        'The device signature is not valid.',
    ),
    "stale_timestamp": Message(
        401,
        'Thời gian của thiết bị lệch quá 5 phút so với máy chủ; hãy đồng bộ đồng hồ.',
        "The device clock is more than 5 minutes off the server's; synchronise it.",
    ),
    "captured_at_in_future": Message(
        422,
        'Thời điểm ghi hình ở tương lai (quá 5 phút).',
        'captured_at is more than 5 minutes in the future.',
    ),
    "captured_at_too_old": Message(
        422,
        'Thời điểm ghi hình cũ hơn 7 ngày, không thể ghi nhận.',
        'captured_at is older than 7 days and cannot be recorded.',
    ),
    "capture_conflict": Message(
        409,
        'Mã ghi hình này đã được dùng cho một ảnh khác.',
        'This capture_id was already used for a different image.',
    ),
    "capture_in_progress": Message(
        409,
        'Ảnh này đang được xử lý, vui lòng gửi lại sau ít giây.',  # no longer answered; old edges know it
        'This capture is being processed; retry in a few seconds.',
    ),
    "gallery_model_mismatch": Message(
        409,
        'Dữ liệu khuôn mặt được tạo bằng mô hình khác; cần đăng ký lại ảnh.',
        'The face gallery was built with another model; faces must be re-enrolled.',
    ),
    "device_not_found": Message(
        404,
        'Không tìm thấy thiết bị.',
        'Device not found.',
    ),
    "device_revoked": Message(
        409,
        'Thiết bị đã bị thu hồi.',
        'The device has been revoked.',
    ),
    "capture_not_found": Message(
        404,
        'Không tìm thấy lượt ghi hình này của thiết bị (chưa gửi, hoặc đã hết thời hạn lưu).',
        'This device has no such capture (never sent, or no longer kept).',
    ),
    "clip_mismatch": Message(
        422,
        'Đoạn video không khớp mã băm (sha256) đã ký trong lượt ghi hình, hoặc lượt ghi hình không có đoạn video.',
        'The clip does not match the sha256 signed in the capture, or the capture announced no clip.',
    ),
    "clip_too_large": Message(
        413,
        'Đoạn video vượt quá 1 MB.',
        'The clip is larger than 1 MB.',
    ),
    "invalid_clip": Message(
        422,
        'Tệp gửi lên không phải là đoạn video WebM hoặc AVI.',
        'The file is not a WebM or AVI clip.',
    ),
}

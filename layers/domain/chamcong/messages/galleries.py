"""The face gallery and its embedding model: the re-embedding job. Each code: (HTTP status, Vietnamese, English)."""

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
}

"""Staff records and their enrolled face photos. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "no_face": Message(
        422,
        'Không tìm thấy khuôn mặt trong ảnh.',
        'No face was found in the photo.',
    ),
    "multiple_faces": Message(
        422,
        'Ảnh có nhiều khuôn mặt; hãy dùng ảnh chỉ có một người.',
        'The photo shows several faces; use a photo of one person.',
    ),
    "face_too_small": Message(
        422,
        'Khuôn mặt trong ảnh quá nhỏ; hãy dùng ảnh chụp gần hơn.',
        'The face is too small; use a closer photo.',
    ),
    "too_blurry": Message(
        422,
        'Ảnh bị mờ; hãy chụp lại ảnh rõ nét hơn.',
        'The photo is too blurred; take a sharper one.',
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
}

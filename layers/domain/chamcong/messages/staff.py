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
}

"""Calibrating the match threshold: errors (HTTP status, Vietnamese, English) and a proposal's warnings."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "threshold_out_of_range": Message(
        422,
        'Ngưỡng nhận diện phải nằm trong khoảng 0,20 – 0,95.',
        'The match threshold must be between 0.20 and 0.95.',
    ),
    "unknown_threshold_scope": Message(
        404,
        'Phạm vi áp dụng ngưỡng không hợp lệ: chỉ có site (toàn hệ thống, mã "site"), unit (đơn vị) '
        'hoặc device (thiết bị).',
        'Unknown threshold scope: use site (the whole deployment, id "site"), unit or device.',
    ),
    "threshold_scope_conflict": Message(
        400,
        'Chỉ chọn một phạm vi: đơn vị (unit_id) hoặc thiết bị (device_id), không chọn cả hai.',
        'Choose one scope: a unit (unit_id) or a device (device_id), not both.',
    ),
}

# Why a proposal deserves a second look (not errors: they travel with the proposal): code → (vi, en).
WARNINGS: dict[str, tuple[str, str]] = {
    "too_few_impostor_pairs": (
        "Chưa đủ cặp ảnh của những người khác nhau để kiểm chứng tỷ lệ nhận nhầm đã chọn (cần ít nhất {needed}, "
        "hiện có {pairs}); ngưỡng được đặt cao hơn mọi cặp đã thấy.",
        "Too few pairs of different people to support the chosen false-match rate (at least {needed} needed, "
        "{pairs} available); the threshold is set above every pair seen.",
    ),
    "too_few_faces_for_passages": (
        "Chưa đủ ảnh đăng ký để kiểm chứng tỷ lệ người lạ bị nhận nhầm đã chọn (cần ít nhất {needed} ảnh, hiện "
        "có {pairs}); ngưỡng được đặt cao hơn mọi người lạ đã thấy.",
        "Too few enrolled faces to support the chosen rate of strangers matched (at least {needed} needed, {pairs} "
        "available); the threshold is set above every stranger seen.",
    ),
    "no_impostor_pairs": (
        "Chưa có ảnh của ít nhất hai người trong phạm vi này: không thể đề xuất ngưỡng, giữ ngưỡng mặc định "
        "của mô hình.",
        "No enrolled faces of two different people in this scope: no threshold can be derived; the model's "
        "default is kept.",
    ),
    "raised_to_model_floor": (
        "Ngưỡng tính được ({computed}) thấp hơn mức an toàn của mô hình ({floor}); đề xuất được nâng lên mức này.",
        "The computed threshold ({computed}) is below the model's safety floor ({floor}); the proposal is raised "
        "to it.",
    ),
    "capped_at_maximum": (
        "Ngưỡng tính được ({computed}) vượt mức tối đa cho phép ({maximum}): nhiều người khác nhau có ảnh rất "
        "giống nhau, nên kiểm tra lại ảnh đăng ký.",
        "The computed threshold ({computed}) is above the allowed maximum ({maximum}): different people have very "
        "similar photos; check the enrolment photos.",
    ),
    "too_few_genuine_scores": (
        "Chỉ có {genuine} điểm tương đồng của cùng một người: tỷ lệ chấp nhận dự kiến chỉ mang tính tham khảo.",
        "Only {genuine} same-person scores: the expected accept rate is a rough indication.",
    ),
}



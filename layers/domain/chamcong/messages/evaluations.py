"""The monthly evaluation (Decree 335/2025) and its rule sets. Each code: (HTTP status, Vietnamese, English).

The grade, state, step and warning labels a report or page shows are not errors: they live beside the rules
(`rules.evaluation.GRADE_LABELS`, `WARNING_LABELS`, `REASON_LABELS`; `rules.evaluation_workflow.STATE_LABELS`,
`STEP_LABELS`, `OWNER_LABELS`).
"""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "evaluation_not_found": Message(
        404,
        'Chưa có phiếu đánh giá của cán bộ này cho tháng này (bản nháp chưa được tính).',
        'There is no evaluation of this person for this month yet (the draft has not been computed).',
    ),
    "evaluation_locked": Message(
        409,
        'Phiếu đánh giá đã được phê duyệt và khoá; chỉ cơ quan giám sát được mở lại, kèm lý do.',
        'The evaluation is approved and locked; only oversight may reopen it, with a reason.',
    ),
    "evaluation_wrong_state": Message(
        409,
        'Phiếu đánh giá đang ở bước khác, không thực hiện được thao tác này.',
        'The evaluation is at another step: this action is not possible now.',
    ),
    "evaluation_own": Message(
        403,
        'Không ai được tự nhận xét, phê duyệt hoặc mở lại phiếu đánh giá của chính mình.',
        'Nobody reviews, approves or reopens their own evaluation.',
    ),
    "evaluation_reason_required": Message(
        422,
        'Cần ghi rõ lý do cho thao tác này.',
        'This action needs a reason.',
    ),
    "evaluation_points_out_of_range": Message(
        422,
        'Điểm của tiêu chí {criterion} phải từ 0 đến {max} (tối đa 2 chữ số thập phân).',
        'The points of criterion {criterion} must be between 0 and {max} (at most 2 decimals).',
    ),
    "evaluation_criterion_unknown": Message(
        422,
        'Bộ quy tắc đang áp dụng không có tiêu chí {criterion} được chấm bằng tay.',
        'The rule set in force has no entered criterion {criterion}.',
    ),
    "evaluation_disqualification_unknown": Message(
        422,
        'Bộ quy tắc đang áp dụng không có trường hợp này, hoặc trường hợp này chỉ áp dụng với người đứng đầu.',
        'The rule set in force has no such case, or the case applies to leaders only.',
    ),
    "evaluation_cap_choice_invalid": Message(
        422,
        'Danh sách giữ mức "Hoàn thành xuất sắc nhiệm vụ" phải chọn đúng số người còn được giữ, và chỉ trong số '
        'những người bằng điểm tại ngưỡng khống chế (không chọn khi không có ai bằng điểm).',
        'Choose exactly as many people as may stay "Excellent", only among those tied at the cap\'s boundary '
        '(nobody when nobody is tied).',
    ),
    "evaluation_unit_not_ready": Message(
        409,
        'Chưa thể phê duyệt: còn phiếu đánh giá của đơn vị chưa được lãnh đạo trực tiếp đánh giá.',
        'Not yet: some evaluations of the unit have not been reviewed by the direct leader.',
    ),
    "evaluation_month_not_ended": Message(
        409,
        'Tháng chưa kết thúc: chỉ tính phiếu đánh giá sau khi hết tháng.',
        'The month has not ended: evaluations are computed once it is over.',
    ),
    "evaluation_changed": Message(
        409,
        'Phiếu đánh giá vừa được người khác thay đổi; hãy tải lại và thực hiện lại.',
        'Someone else has just changed the evaluation; reload it and try again.',
    ),
    "manual_task_invalid": Message(
        422,
        'Nhiệm vụ nhập tay không hợp lệ ở trường {field}.',
        'The manual task is not valid at field {field}.',
    ),
    "ruleset_invalid": Message(
        422,
        'Bộ quy tắc đánh giá không hợp lệ ở trường {field}.',
        'The evaluation rule set is not valid at field {field}.',
    ),
    "ruleset_not_found": Message(
        404,
        'Không tìm thấy bộ quy tắc đánh giá (hoặc phiên bản có hiệu lực cho tháng này).',
        'Evaluation rule set not found (or no version in force for this month).',
    ),
    "ruleset_version_exists": Message(
        409,
        'Phiên bản này của bộ quy tắc đã có; phiên bản đã có không sửa được, hãy thêm phiên bản mới.',
        'This version of the rule set exists already; versions are never changed, add a new one.',
    ),
}

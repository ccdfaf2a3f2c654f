// A person's month (#/people/:staff_id/month): the calendar, the totals, one day with its evidence.
export default {
  'month.nav': { vi: 'Ngày công của tôi', en: 'My days' },
  'month.title': { vi: 'Ngày công trong tháng', en: 'Days of the month' },
  'month.month_title': { vi: 'Tháng {month}/{year}', en: '{month}/{year}' },
  'month.nav_label': { vi: 'Chuyển tháng', en: 'Change month' },
  'month.previous': { vi: 'Tháng trước', en: 'Previous month' },
  'month.next': { vi: 'Tháng sau', en: 'Next month' },
  'month.pick': { vi: 'Chọn tháng', en: 'Choose a month' },
  'month.totals': { vi: 'Tổng hợp tháng', en: 'Month totals' },
  'month.total_present': { vi: 'ngày có chấm công', en: 'days with a check-in or out' },
  'month.total_late_days': { vi: 'ngày đi muộn', en: 'days late' },
  'month.total_late_minutes': { vi: 'phút đi muộn', en: 'minutes late' },
  'month.total_early_days': { vi: 'ngày về sớm', en: 'days left early' },
  'month.total_early_minutes': { vi: 'phút về sớm', en: 'minutes left early' },
  'month.total_absent': { vi: 'ngày vắng không lý do', en: 'days absent without reason' },
  'month.total_missing': { vi: 'ngày thiếu giờ đến hoặc về', en: 'days without a check-in or out' },
  'month.total_on_leave': { vi: 'ngày nghỉ phép', en: 'days on leave' },
  'month.total_business_trip': { vi: 'ngày đi công tác', en: 'days on a business trip' },
  'month.total_work_from_home': { vi: 'ngày làm việc tại nhà', en: 'days working from home' },
  'month.calendar_caption': { vi: 'Lịch ngày công {month}', en: 'Calendar of {month}' },
  'month.weekday_mon': { vi: 'T2', en: 'Mon' },
  'month.weekday_tue': { vi: 'T3', en: 'Tue' },
  'month.weekday_wed': { vi: 'T4', en: 'Wed' },
  'month.weekday_thu': { vi: 'T5', en: 'Thu' },
  'month.weekday_fri': { vi: 'T6', en: 'Fri' },
  'month.weekday_sat': { vi: 'T7', en: 'Sat' },
  'month.weekday_sun': { vi: 'CN', en: 'Sun' },
  'month.weekday_long_mon': { vi: 'Thứ Hai', en: 'Monday' },
  'month.weekday_long_tue': { vi: 'Thứ Ba', en: 'Tuesday' },
  'month.weekday_long_wed': { vi: 'Thứ Tư', en: 'Wednesday' },
  'month.weekday_long_thu': { vi: 'Thứ Năm', en: 'Thursday' },
  'month.weekday_long_fri': { vi: 'Thứ Sáu', en: 'Friday' },
  'month.weekday_long_sat': { vi: 'Thứ Bảy', en: 'Saturday' },
  'month.weekday_long_sun': { vi: 'Chủ Nhật', en: 'Sunday' },
  'month.open_day': { vi: 'Xem chi tiết ngày {date}', en: 'Details of {date}' },
  'month.late_by': { vi: 'Muộn {minutes} phút', en: '{minutes} min late' },
  'month.early_by': { vi: 'Sớm {minutes} phút', en: '{minutes} min early' },
  'month.part_morning': { vi: 'Buổi sáng', en: 'Morning' },
  'month.part_afternoon': { vi: 'Buổi chiều', en: 'Afternoon' },
  'month.corrected_from': { vi: 'sửa từ “{status}”', en: 'corrected from “{status}”' },
  'month.hint': {
    vi: 'Bấm vào một ngày đi muộn hoặc về sớm để xem giờ chấm công và ảnh bằng chứng do camera chụp, và tải gói '
      + 'chứng cứ có chữ ký số của ngày đó.',
    en: 'Click a late or early day to see its check-ins and the evidence photo the camera took, and to download '
      + 'its signed evidence bundle.',
  },
  'month.day_title': { vi: 'Ngày {date}', en: '{date}' },
  'month.day_times': { vi: 'Giờ đến {in}, giờ về {out}', en: 'In at {in}, out at {out}' },
  'month.absence_line': {
    vi: '{kind}: {reason} (do {who} nhập lúc {when}).',
    en: '{kind}: {reason} (entered by {who} at {when}).',
  },
  'month.correction_line': {
    vi: 'Đã điều chỉnh từ “{before}” thành “{status}”: {reason} (do {who} điều chỉnh lúc {when}).',
    en: 'Corrected from “{before}” to “{status}”: {reason} (by {who} at {when}).',
  },
  'month.day_not_in_month': {
    vi: 'Ngày được chọn không thuộc tháng này.',
    en: 'The chosen day is not in this month.',
  },
  'month.close_day': { vi: 'Đóng chi tiết ngày', en: 'Close the day' },
  'month.event_check_in': { vi: 'Giờ đến', en: 'Check-in' },
  'month.event_check_out': { vi: 'Giờ về', en: 'Check-out' },
  'month.evidence_alt': {
    vi: 'Ảnh bằng chứng do camera chụp khi chấm công ({event}) lúc {time}',
    en: 'Evidence photo the camera took at the {event} at {time}',
  },
  'month.evidence_caption': {
    vi: 'Ảnh bằng chứng — {event}, {when}, thiết bị {device}.',
    en: 'Evidence — {event}, {when}, device {device}.',
  },
  'month.evidence_expires': {
    vi: 'Đường dẫn tới ảnh chỉ có hiệu lực đến {time}; sau đó hãy tải lại trang.',
    en: 'The link to the photo works until {time}; after that, reload the page.',
  },
  'month.evidence_personal': {
    vi: 'Ảnh khuôn mặt là dữ liệu cá nhân: chỉ xem khi cần, không sao chép hay chia sẻ.',
    en: 'A face photo is personal data: look only when needed, never copy or share it.',
  },
  'month.bundle_title': { vi: 'Gói chứng cứ', en: 'Evidence bundle' },
  'month.bundle_note': {
    vi: 'Một tệp .zip có chữ ký số của hệ thống: các lần chấm công và ảnh, quy định giờ làm việc đã áp dụng, các '
      + 'điều chỉnh và người thực hiện, nhật ký truy cập. Có thể kiểm tra ngoại tuyến để nộp hồ sơ xử lý kỷ luật. '
      + 'Mỗi lần tải đều được ghi vào nhật ký.',
    en: 'One .zip signed by the system: the check-ins and their photos, the working-hours rule applied, the '
      + 'corrections and who made them, the audit entries. It can be checked offline for a disciplinary file. '
      + 'Every download is recorded in the audit trail.',
  },
  'month.bundle_download': { vi: 'Tải gói chứng cứ (.zip)', en: 'Download the evidence bundle (.zip)' },
  'month.bundle_done': { vi: 'Đã tải gói chứng cứ.', en: 'The evidence bundle was downloaded.' },
  'month.events_title': { vi: 'Các lần chấm công trong ngày', en: 'Check-ins and check-outs of the day' },
  'month.no_events': { vi: 'Không có lần chấm công nào trong ngày này.', en: 'Nothing was recorded on this day.' },
  'month.event_time': { vi: 'Giờ', en: 'Time' },
  'month.event_kind': { vi: 'Loại', en: 'Kind' },
  'month.event_device': { vi: 'Thiết bị', en: 'Device' },
  'month.event_similarity': { vi: 'Độ khớp', en: 'Similarity' },
  'month.event_snapshot': { vi: 'Ảnh', en: 'Photo' },
  'month.open_snapshot': { vi: 'Xem ảnh (dữ liệu cá nhân)', en: 'Open the photo (personal data)' },
  'month.snapshot_erased': { vi: 'Ảnh đã được xoá cùng dữ liệu khuôn mặt của người này',
    en: 'The photo was erased with this person\'s face data' },

  'month.open_clip': { vi: 'Xem video lượt đi qua', en: 'Watch the clip of the passage' },
  'month.nearest_title': {
    vi: 'Lượt đi qua không nhận diện được sáng hôm đó',
    en: 'Passages nobody was matched to that morning',
  },
  'month.nearest_note': {
    vi: 'Camera nơi làm việc đã ghi lại các lượt đi qua này nhưng không nhận ra ai (có thể là khách). '
      + 'Chúng chỉ được lưu ít ngày; đường dẫn chỉ có hiệu lực trong thời gian ngắn.',
    en: 'The cameras of the workplace recorded these passages but matched nobody (they may be visitors). '
      + 'They are kept for a few days only; the links work for a short time.',
  },
  'month.nearest_none': {
    vi: 'Camera không ghi lại lượt đi qua nào chưa nhận diện được sáng hôm đó (hoặc đã quá thời hạn lưu).',
    en: 'No unmatched passage was recorded that morning (or they are no longer kept).',
  },
  'month.events_links_note': {
    vi: 'Các đường dẫn ảnh chỉ có hiệu lực trong thời gian ngắn.',
    en: 'The photo links work for a short time only.',
  },
};

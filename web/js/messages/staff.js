// Staff and enrolment: the list of people, adding one, their face photos (upload or camera), removing.
export default {
  'staff.title': { vi: 'Cán bộ', en: 'Staff' },
  'staff.intro': {
    vi: 'Danh sách cán bộ, công chức trong phạm vi của bạn và ảnh khuôn mặt dùng để chấm công.',
    en: 'The staff in your scope and the face photos used to record their attendance.',
  },
  'staff.search': { vi: 'Tìm theo tên', en: 'Search by name' },
  'staff.search_hint': {
    vi: 'Gõ có dấu hoặc không dấu đều được, ví dụ “nguyen van an”.',
    en: 'With or without Vietnamese accents, e.g. “nguyen van an”.',
  },
  'staff.count': { vi: '{shown} / {total} cán bộ', en: '{shown} of {total} staff' },
  'staff.empty': { vi: 'Đơn vị này chưa có cán bộ nào.', en: 'This unit has no staff yet.' },
  'staff.no_match': {
    vi: 'Không có cán bộ nào có tên khớp với “{query}”.',
    en: 'No staff member’s name matches “{query}”.',
  },
  'staff.caption': { vi: 'Danh sách cán bộ', en: 'Staff list' },
  'staff.email': { vi: 'Thư điện tử', en: 'E-mail' },
  'staff.employed_from': { vi: 'Ngày bắt đầu công tác', en: 'Employed from' },
  'staff.actions': { vi: 'Xem', en: 'Open' },
  'staff.month_link': { vi: 'Chấm công tháng', en: 'Month' },
  'staff.faces_link': { vi: 'Ảnh khuôn mặt', en: 'Face photos' },
  'staff.month_of': { vi: 'Chấm công tháng của {name}', en: 'Month of {name}' },
  'staff.faces_of': { vi: 'Hồ sơ và ảnh khuôn mặt của {name}', en: 'Record and face photos of {name}' },
  'staff.read_only': {
    vi: 'Bạn chỉ được xem; việc thêm, xoá cán bộ và đăng ký ảnh do quản trị đơn vị thực hiện.',
    en: 'You may look only; unit admins add and remove staff and enrol their photos.',
  },
  // Adding a person
  'staff.add': { vi: 'Thêm cán bộ', en: 'Add a staff member' },
  'staff.add_submit': { vi: 'Lưu cán bộ mới', en: 'Save the new staff member' },
  'staff.email_hint': { vi: 'Không bắt buộc.', en: 'Optional.' },
  'staff.employed_from_hint': {
    vi: 'Không bắt buộc. Những ngày trước ngày này được ghi là “Chưa công tác”.',
    en: 'Optional. Days before it count as “Not yet employed”.',
  },
  'staff.added': {
    vi: 'Đã thêm cán bộ {name}. Bước tiếp theo: đăng ký ảnh khuôn mặt bên dưới.',
    en: '{name} was added. Next: enrol their face photos below.',
  },
  'staff.no_unit_to_add': {
    vi: 'Bạn không quản trị đơn vị nào để thêm cán bộ.',
    en: 'You administer no unit to add staff to.',
  },
  // One person
  'staff.back': { vi: '← Danh sách cán bộ', en: '← Staff list' },
  'staff.record': { vi: 'Hồ sơ', en: 'Record' },
  'staff.staff_id': { vi: 'Mã hồ sơ', en: 'Record id' },
  'staff.created_at': { vi: 'Ngày tạo hồ sơ', en: 'Record created' },
  'staff.not_given': { vi: '—', en: '—' },
  'staff.faces': { vi: 'Ảnh khuôn mặt đã đăng ký', en: 'Enrolled face photos' },
  'staff.faces_none': {
    vi: 'Chưa có ảnh khuôn mặt nào: người này chưa thể chấm công bằng khuôn mặt. Hãy đăng ký ít nhất 2–3 ảnh.',
    en: 'No face photo yet: this person cannot yet be recognised. Enrol at least 2–3 photos.',
  },
  'staff.faces_count': { vi: '{count} ảnh', en: '{count} photo(s)' },
  'staff.faces_caption': {
    vi: 'Ảnh đã đăng ký (ảnh không hiển thị ở đây; chỉ có các số đo chất lượng)',
    en: 'Enrolled photos (the photos themselves are not shown here, only their quality measurements)',
  },
  'staff.face_id': { vi: 'Mã ảnh', en: 'Photo id' },
  'staff.face_date': { vi: 'Ngày đăng ký', en: 'Enrolled on' },
  'staff.face_px': { vi: 'Cỡ mặt (điểm ảnh)', en: 'Face size (px)' },
  'staff.face_score': { vi: 'Độ tin cậy phát hiện', en: 'Detection score' },
  'staff.face_blur': { vi: 'Độ mờ (sigma)', en: 'Blur (sigma)' },
  'staff.face_pose': { vi: 'Góc quay / cúi (độ)', en: 'Yaw / pitch (°)' },
  'staff.face_model': { vi: 'Mô hình', en: 'Model' },
  'staff.face_remove': { vi: 'Xoá ảnh', en: 'Remove photo' },
  'staff.face_remove_label': { vi: 'Xoá ảnh {face_id}', en: 'Remove photo {face_id}' },
  'staff.face_remove_title': { vi: 'Xoá ảnh khuôn mặt?', en: 'Remove this face photo?' },
  'staff.face_remove_text': {
    vi: 'Ảnh {face_id} (đăng ký {date}) và dữ liệu nhận diện (embedding) của ảnh sẽ bị xoá vĩnh viễn.',
    en: 'Photo {face_id} (enrolled {date}) and its recognition data (embedding) will be deleted for good.',
  },
  'staff.face_remove_last': {
    vi: 'Đây là ảnh cuối cùng: sau khi xoá, người này sẽ không được nhận diện ở sảnh cho đến khi đăng ký ảnh mới.',
    en: 'This is the last photo: once removed, this person is not recognised in the lobby until a new one is enrolled.',
  },
  'staff.face_removed': { vi: 'Đã xoá ảnh {face_id}.', en: 'Photo {face_id} removed.' },
  'staff.confirm_remove': { vi: 'Xoá', en: 'Remove' },
  // Enrolment
  'staff.enrol': { vi: 'Đăng ký ảnh khuôn mặt', en: 'Enrol face photos' },
  'staff.enrol_tips': {
    vi: 'Ảnh tốt: một người, nhìn thẳng vào máy ảnh, cả khuôn mặt trong khung hình, đủ ánh sáng, không đeo kính '
      + 'râm hay khẩu trang, ảnh rõ nét. Nên đăng ký 2–3 ảnh chụp ở các thời điểm khác nhau.',
    en: 'A good photo: one person, facing the camera, the whole face in the frame, good light, no sunglasses or '
      + 'mask, in focus. Enrol 2–3 photos taken at different times.',
  },
  'staff.upload_title': { vi: 'Từ tệp ảnh', en: 'From photo files' },
  'staff.upload_files': { vi: 'Chọn ảnh từ máy (JPEG hoặc PNG, chọn được nhiều ảnh)',
    en: 'Choose photos (JPEG or PNG, several at once)' },
  'staff.upload_hint': {
    vi: 'Ảnh chỉ được gửi tới hệ thống chấm công; mỗi lần gửi tối đa {max} ảnh, nhiều hơn sẽ được chia thành nhiều lần.',
    en: 'Photos go to the attendance system only; at most {max} per request, more are sent in several requests.',
  },
  'staff.upload_submit': { vi: 'Tải ảnh lên', en: 'Upload photos' },
  'staff.upload_none': { vi: 'Hãy chọn ít nhất một ảnh.', en: 'Choose at least one photo.' },
  'staff.results': { vi: 'Kết quả kiểm tra ảnh', en: 'Photo check results' },
  'staff.results_summary': {
    vi: 'Đã đăng ký {enrolled} / {total} ảnh.',
    en: '{enrolled} of {total} photo(s) enrolled.',
  },
  'staff.preview_alt': { vi: 'Ảnh xem trước: {name}', en: 'Preview: {name}' },
  'staff.verdict_checking': { vi: 'Đang kiểm tra…', en: 'Checking…' },
  'staff.verdict_enrolled': { vi: 'Đã đăng ký', en: 'Enrolled' },
  'staff.verdict_enrolled_text': {
    vi: 'Ảnh đạt yêu cầu và đã được đăng ký (mã ảnh {face_id}).',
    en: 'The photo is good and was enrolled (photo id {face_id}).',
  },
  'staff.verdict_refused': { vi: 'Không nhận', en: 'Refused' },
  'staff.verdict_retry': {
    vi: 'Hãy chụp lại hoặc chọn ảnh khác theo hướng dẫn trên rồi tải lên lại.',
    en: 'Take the photo again or choose another, as advised above, and upload it again.',
  },
  'staff.file_unreadable': {
    vi: 'Trình duyệt không đọc được tệp này như một ảnh: hãy chọn tệp ảnh JPEG hoặc PNG.',
    en: 'The browser cannot read this file as an image: choose a JPEG or PNG photo.',
  },
  'staff.captured_name': { vi: 'Ảnh chụp lúc {time}', en: 'Taken at {time}' },
  // Camera
  'staff.camera': { vi: 'Chụp bằng máy ảnh của thiết bị', en: 'Take photos with the device camera' },
  'staff.camera_start': { vi: 'Bật máy ảnh', en: 'Turn the camera on' },
  'staff.camera_stop': { vi: 'Tắt máy ảnh', en: 'Turn the camera off' },
  'staff.camera_capture': { vi: 'Chụp ảnh', en: 'Take photo' },
  'staff.camera_hint': {
    vi: 'Mỗi ảnh chụp được gửi ngay để kiểm tra; kết quả hiện bên dưới. Máy ảnh tự tắt khi rời trang.',
    en: 'Each photo taken is checked at once; the verdict appears below. The camera turns off when you leave.',
  },
  'staff.camera_video': { vi: 'Hình ảnh từ máy ảnh', en: 'Camera view' },
  'staff.camera_denied': {
    vi: 'Trình duyệt không được phép dùng máy ảnh. Hãy cho phép trang này dùng máy ảnh (biểu tượng máy ảnh '
      + 'hoặc ổ khoá trên thanh địa chỉ) rồi bấm “Bật máy ảnh” lại, hoặc tải ảnh lên từ máy.',
    en: 'The browser may not use the camera. Allow this site to use the camera (the camera or padlock icon in '
      + 'the address bar) and press “Turn the camera on” again, or upload photos instead.',
  },
  'staff.camera_missing': {
    vi: 'Không tìm thấy máy ảnh trên thiết bị này. Hãy tải ảnh lên từ máy.',
    en: 'This device has no camera. Upload photos instead.',
  },
  'staff.camera_busy': {
    vi: 'Máy ảnh đang được một ứng dụng khác dùng. Hãy đóng ứng dụng đó rồi thử lại.',
    en: 'Another application is using the camera. Close it and try again.',
  },
  'staff.camera_unsupported': {
    vi: 'Trình duyệt này không cho dùng máy ảnh (cần trình duyệt mới và kết nối HTTPS). Hãy tải ảnh lên từ máy.',
    en: 'This browser cannot use the camera (a recent browser over HTTPS is needed). Upload photos instead.',
  },
  'staff.camera_failed': {
    vi: 'Không bật được máy ảnh ({reason}). Hãy thử lại hoặc tải ảnh lên từ máy.',
    en: 'The camera could not be turned on ({reason}). Try again or upload photos instead.',
  },
  // Removing the person
  'staff.remove': { vi: 'Xoá cán bộ này', en: 'Remove this person' },
  'staff.remove_title': { vi: 'Xoá cán bộ {name}?', en: 'Remove {name}?' },
  'staff.remove_deleted': { vi: 'Sẽ bị xoá vĩnh viễn:', en: 'Deleted for good:' },
  'staff.remove_record': {
    vi: 'hồ sơ cán bộ (họ tên, đơn vị, thư điện tử, ngày bắt đầu công tác);',
    en: 'the staff record (name, unit, e-mail, first working day);',
  },
  'staff.remove_faces': {
    vi: '{count} ảnh khuôn mặt cùng dữ liệu nhận diện (embedding) của các ảnh đó — từ lúc này người này không '
      + 'còn được nhận diện ở sảnh.',
    en: '{count} face photo(s) with their recognition data (embeddings) — from now on this person is no longer '
      + 'recognised in the lobby.',
  },
  'staff.remove_kept': { vi: 'Được giữ lại:', en: 'Kept:' },
  'staff.remove_kept_records': {
    vi: 'các lần chấm công, ngày nghỉ, công tác và điều chỉnh đã ghi, nhật ký hệ thống;',
    en: 'the attendance already recorded, leave, trips and corrections, the audit trail;',
  },
  'staff.remove_kept_account': {
    vi: 'tài khoản đăng nhập gắn với người này (nếu có) — khoá hoặc xoá ở trang Quản trị tài khoản.',
    en: 'any sign-in account linked to this person — lock or remove it under account administration.',
  },
  'staff.remove_irreversible': { vi: 'Không thể hoàn tác.', en: 'This cannot be undone.' },
  'staff.remove_confirm': { vi: 'Xoá cán bộ', en: 'Remove the person' },
  'staff.removed': {
    vi: 'Đã xoá cán bộ {name} cùng {count} ảnh khuôn mặt.',
    en: '{name} and {count} face photo(s) were removed.',
  },
  'staff.notice_recorded': {
    vi: 'Mỗi lần đăng ký, hệ thống ghi nhận cán bộ đã được thông báo về việc xử lý dữ liệu cá nhân (phiên bản {version}).',
    en: 'Each enrolment records that the person was given the notice of processing of personal data (version '
      + '{version}).',
  },
  'staff.notice_print': { vi: 'In thông báo để cán bộ ký', en: 'Print the notice for the person to sign' },
  'staff.notice_consent': {
    vi: 'Cán bộ đã đọc thông báo và đồng ý cho xử lý dữ liệu khuôn mặt',
    en: 'The person read the notice and consents to the processing of their face data',
  },
};

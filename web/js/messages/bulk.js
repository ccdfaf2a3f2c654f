// Bulk enrolment (#/staff/bulk).
export default {
  'bulk.title': { vi: 'Đăng ký hàng loạt', en: 'Bulk enrolment' },
  'bulk.back': { vi: 'Về danh sách cán bộ', en: 'Back to the staff list' },
  'bulk.intro': {
    vi: 'Dùng khi triển khai: nhập danh sách cán bộ từ bảng tính, rồi ảnh khuôn mặt đặt tên theo mã cán bộ. Chạy lại với cùng tệp không tạo trùng.',
    en: 'For a roll-out: the staff list from a spreadsheet, then face photos named by employee code. Running it again with the same files creates no duplicates.',
  },
  'bulk.step1': { vi: '1. Bảng tính danh sách cán bộ', en: '1. The staff spreadsheet' },
  'bulk.sheet_help': {
    vi: 'Tệp XLSX hoặc CSV, dòng đầu là tiêu đề cột: Họ và tên, Đơn vị (tên hoặc mã đơn vị), Mã cán bộ, Email.',
    en: 'An XLSX or CSV file whose first row names the columns: Full name, Unit (name or id), Employee code, E-mail.',
  },
  'bulk.sheet': { vi: 'Bảng tính (XLSX, CSV)', en: 'Spreadsheet (XLSX, CSV)' },
  'bulk.step2': { vi: '2. Ảnh khuôn mặt', en: '2. Face photos' },
  'bulk.photos_help': {
    vi: 'Mỗi ảnh đặt tên theo mã cán bộ: CB001.jpg; nhiều ảnh của một người: CB001_1.jpg, CB001_2.jpg. Chọn một tệp ZIP hoặc cả thư mục.',
    en: 'Name each photo by employee code: CB001.jpg; several of one person: CB001_1.jpg, CB001_2.jpg. Choose a ZIP file or a whole folder.',
  },
  'bulk.zip': { vi: 'Tệp ZIP hoặc các tệp ảnh', en: 'ZIP file or photo files' },
  'bulk.folder': { vi: 'Hoặc cả một thư mục ảnh', en: 'Or a whole folder of photos' },
  'bulk.check': { vi: 'Kiểm tra bảng tính', en: 'Check the spreadsheet' },
  'bulk.run': { vi: 'Nhập danh sách và ảnh', en: 'Import the list and photos' },
  'bulk.no_sheet': { vi: 'Hãy chọn tệp bảng tính trước.', en: 'Choose the spreadsheet first.' },
  'bulk.checked': {
    vi: 'Kiểm tra xong (chưa ghi gì): {created} sẽ thêm mới, {updated} sẽ cập nhật, {unchanged} không đổi, {refused} dòng lỗi.',
    en: 'Checked (nothing written): {created} to create, {updated} to update, {unchanged} unchanged, {refused} rows refused.',
  },
  'bulk.imported': {
    vi: 'Đã nhập danh sách: {created} thêm mới, {updated} cập nhật, {unchanged} không đổi, {refused} dòng lỗi.',
    en: 'List imported: {created} created, {updated} updated, {unchanged} unchanged, {refused} rows refused.',
  },
  'bulk.done': {
    vi: 'Xong: {people} người trong danh sách, {photos} ảnh đã xử lý. Kết quả từng dòng ở bảng dưới.',
    en: 'Done: {people} people in the list, {photos} photos processed. Each row\'s result is below.',
  },
  'bulk.unmatched': {
    vi: 'Ảnh không khớp mã cán bộ nào trong bảng tính: {names}',
    en: 'Photos matching no employee code in the spreadsheet: {names}',
  },
  'bulk.report': { vi: 'Kết quả từng dòng', en: 'Result per row' },
  'bulk.col_row': { vi: 'Dòng', en: 'Row' },
  'bulk.col_code': { vi: 'Mã cán bộ', en: 'Employee code' },
  'bulk.col_sheet': { vi: 'Danh sách', en: 'Record' },
  'bulk.col_photos': { vi: 'Ảnh', en: 'Photos' },
  'bulk.row_created': { vi: 'Thêm mới', en: 'Created' },
  'bulk.row_updated': { vi: 'Cập nhật', en: 'Updated' },
  'bulk.row_unchanged': { vi: 'Không đổi', en: 'Unchanged' },
  'bulk.row_refused': { vi: 'Bị từ chối', en: 'Refused' },
  'bulk.no_photo': { vi: 'Không có ảnh', en: 'No photo' },
  'bulk.already_enrolled': {
    vi: 'Đã có {count} ảnh đăng ký, bỏ qua (xoá ảnh cũ ở trang cán bộ nếu muốn thay)',
    en: 'Already has {count} enrolled photos, skipped (remove them on the person\'s page to replace)',
  },
  'bulk.photo_enrolled': { vi: '{name}: đã đăng ký', en: '{name}: enrolled' },
  'bulk.download_report': { vi: 'Tải kết quả (CSV)', en: 'Download the result (CSV)' },
  'bulk.consent': {
    vi: 'Mọi cán bộ trong danh sách đã đọc thông báo xử lý dữ liệu cá nhân và đồng ý',
    en: 'Everyone listed read the notice of processing of personal data and consents',
  },
};

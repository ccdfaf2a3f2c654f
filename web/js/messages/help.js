// The user guide (#/help): one section per audience that document 001 trains.
export default {
  'help.title': { vi: 'Hướng dẫn sử dụng', en: 'User guide' },
  'help.intro': {
    vi: 'Chọn phần dành cho bạn. Mỗi phần nói việc cần làm hằng ngày, theo thứ tự, kèm hình minh hoạ.',
    en: 'Choose the part for you. Each says what to do day to day, step by step, with pictures.',
  },
  'help.contents': { vi: 'Nội dung', en: 'Contents' },
  'help.picture': { vi: 'Hình: {name}', en: 'Picture: {name}' },
  'help.staff.title': { vi: 'Cán bộ, công chức', en: 'Civil servants' },
  'help.staff.1': {
    vi: 'Khi đến và khi về, đi qua camera ở sảnh: bỏ khẩu trang, nhìn thẳng vào camera và dừng khoảng 2 giây. Màn hình bên cạnh hiện tên của bạn khi đã được ghi nhận. Giờ đến được nhận từ 05:30 đến 08:00, giờ về từ 16:30 đến 18:00.',
    en: 'When you arrive and when you leave, walk past the lobby camera: take off your mask, look straight at it and stop for about 2 seconds. The screen beside it shows your name once you are recorded. Arrivals count from 05:30 to 08:00, departures from 16:30 to 18:00.',
  },
  'help.staff.2': {
    vi: 'Lần đầu đăng nhập bằng mật khẩu tạm thời do quản trị đơn vị cấp, bạn phải đổi mật khẩu trong vòng 5 ngày; quá hạn tài khoản tự khoá và bạn cần nhờ quản trị đơn vị cấp lại.',
    en: 'The first time you sign in with the temporary password from your unit admin, you must change it within 5 days; after that the account locks and your unit admin must issue a new one.',
  },
  'help.staff.3': {
    vi: 'Mục "Ngày công của tôi" cho xem từng ngày trong tháng: giờ đến, giờ về, số phút đi muộn, về sớm, ngày nghỉ phép, công tác, làm việc tại nhà. Bấm vào một ngày đi muộn hoặc về sớm để xem ảnh bằng chứng do camera chụp.',
    en: '"My days" shows each day of the month: arrival and departure times, minutes late or early, leave, trips and work from home. Click a late or early day to see the evidence photo the camera took.',
  },
  'help.staff.4': {
    vi: 'Nếu thấy sai (camera không nhận ra bạn, bạn đi công tác nhưng chưa được ghi), báo lãnh đạo đơn vị để điều chỉnh kèm lý do; mọi điều chỉnh đều được lưu vết.',
    en: 'If something is wrong (the camera missed you, a trip is not recorded), tell your unit leader, who corrects it with a reason; every correction is kept in the audit trail.',
  },
  'help.leaders.title': { vi: 'Lãnh đạo đơn vị', en: 'Unit leaders' },
  'help.leaders.1': {
    vi: 'Trang "Hôm nay" cho biết ai đã đến, ai đi muộn và muộn bao nhiêu phút, ai chưa đến, ai nghỉ phép, đi công tác hoặc làm việc tại nhà, và các lần đưa ảnh hay màn hình trước camera. Trong giờ chấm công đến, trang tự cập nhật mỗi phút.',
    en: '"Today" shows who has arrived, who is late and by how much, who is missing, on leave, on a trip or at home, and any photo or screen held up to the camera. During the check-in window it refreshes every minute.',
  },
  'help.leaders.2': {
    vi: 'Mục "Nghỉ phép và điều chỉnh": nhập nghỉ phép, công tác, làm việc tại nhà cho cán bộ của đơn vị; điều chỉnh một ngày công kèm lý do; huỷ khi nhập nhầm.',
    en: '"Absences and corrections": enter leave, business trips and work from home for your staff; correct a day with a reason; cancel an entry made by mistake.',
  },
  'help.leaders.3': {
    vi: 'Mỗi sáng (08:15) và chiều (18:15) hệ thống gửi thư báo cáo ngày; mỗi trường hợp đi muộn, về sớm, vắng có đường dẫn tới ngày công của người đó kèm ảnh bằng chứng. Mục "Báo cáo" cho xem lại và tải tệp đính kèm.',
    en: 'Every morning (08:15) and evening (18:15) the daily report is e-mailed; each late, early or absent case links to that person\'s day with its evidence. "Reports" shows them again and downloads the attachment.',
  },
  'help.leaders.4': {
    vi: 'Mục "Biểu đồ" cho thấy tỉ lệ có mặt theo ngày, đi muộn theo thứ trong tuần và giờ đến trong buổi sáng.',
    en: '"Charts" shows the attendance rate per day, lateness by weekday and arrival times in the morning.',
  },
  'help.leaders.5': {
    vi: 'Mục "Làm việc tại nhà": chọn ngày, đánh dấu những người làm việc tại nhà; số người được phép hiện ngay khi bạn đánh dấu (tối đa một nửa số cán bộ của đơn vị, trừ khi Phòng Nội vụ duyệt ngoại lệ). Danh sách vượt giới hạn không được lưu. Người nghỉ phép hoặc đi công tác trong ngày được tính theo nghỉ phép, công tác.',
    en: '"Work from home": pick a day and tick who works from home; how many may is shown as you tick (at most half the unit unless Home Affairs approves an exception). A list over the limit is not saved. Someone on leave or a trip that day counts as on leave or on the trip.',
  },
  'help.leaders.6': {
    vi: 'Mục "Nhiệm vụ" cho xem nhiệm vụ của đơn vị và từng người theo ngày, tháng, quý, lấy từ hệ thống quản lý văn bản. Ngày có người làm việc tại nhà, lúc 16:00 hệ thống gửi báo cáo kết quả xử lý công việc của họ (theo Phụ lục 2) kèm bảng tính Excel; mục "Báo cáo" cho xem lại.',
    en: '"Tasks" shows the unit\'s and each person\'s tasks by day, month or quarter, from the e-office system. On a day with people at home, at 16:00 their results are e-mailed (Appendix 2) with an Excel sheet; "Reports" shows them again.',
  },
  'help.compiler.title': { vi: 'Cán bộ tổng hợp của đơn vị', en: 'The unit\'s compiling officer' },
  'help.compiler.1': {
    vi: 'Cuối tháng, mở "Ngày công" của từng người hoặc tải báo cáo ngày để đối chiếu; các ngày nghỉ phép, công tác và điều chỉnh đã có lý do và người nhập.',
    en: 'At the end of the month, open each person\'s days or download the daily reports to check; leave, trips and corrections carry their reason and who entered them.',
  },
  'help.compiler.2': {
    vi: 'Kết quả chấm công là căn cứ cho đánh giá, xếp loại hằng tháng theo Nghị định 335/2025: các ngày đi muộn, về sớm, vắng không lý do trừ điểm tiêu chí kỷ luật, kỷ cương (xem phần "Đánh giá, xếp loại hằng tháng").',
    en: 'Attendance is a basis of the monthly rating under Decree 335/2025: late, early and unexcused days deduct from the discipline criterion (see "Monthly evaluation").',
  },
  'help.admins.title': { vi: 'Quản trị đơn vị', en: 'Unit admins' },
  'help.admins.1': {
    vi: 'Mỗi đơn vị có một tài khoản quản trị. Mục "Cán bộ": thêm người, tải ảnh đăng ký khuôn mặt (ảnh chính diện, rõ nét, không đeo kính râm hay khẩu trang) hoặc chụp bằng camera của máy; hệ thống cho biết ảnh nào dùng được và vì sao ảnh khác bị từ chối.',
    en: 'Each unit has one admin account. "Staff": add people, upload face photos (frontal, sharp, no sunglasses or mask) or take them with the device camera; the system says which photos it took and why others were refused.',
  },
  'help.admins.2': {
    vi: 'Khi triển khai, dùng "Đăng ký hàng loạt": một bảng tính (họ tên, đơn vị, mã cán bộ, email) và một thư mục hoặc tệp ZIP ảnh đặt tên theo mã cán bộ; hệ thống báo kết quả từng dòng.',
    en: 'For a roll-out use "Bulk enrolment": a spreadsheet (name, unit, employee code, e-mail) and a folder or ZIP of photos named by employee code; the result is reported row by row.',
  },
  'help.admins.3': {
    vi: 'Mục "Quản trị": tạo tài khoản (mật khẩu tạm thời chỉ hiện một lần — hãy trao tận tay), cấp lại mật khẩu, khoá, mở khoá, phân quyền trong phạm vi đơn vị; đăng ký thiết bị camera (khoá bí mật chỉ hiện một lần); lịch làm việc và ngày nghỉ lễ; nhật ký thao tác.',
    en: '"Administration": create accounts (the temporary password is shown once — hand it over in person), reset, lock, unlock and grant roles within your unit; register camera devices (the secret is shown once); working hours and holidays; the audit trail.',
  },
  'help.admins.4': {
    vi: 'Nhiệm vụ từ hệ thống quản lý văn bản: trong "Quản trị" › "Kết nối hệ thống" tạo khoá kết nối cho hệ thống đó (khoá chỉ hiện một lần); đơn vị chưa kết nối được thì dùng "Nhập nhiệm vụ" với tệp Excel hoặc CSV — hệ thống kiểm tra trước, báo từng dòng bị từ chối và lý do.',
    en: 'Tasks from the e-office system: in "Administration" › "Integrations" create a key for that system (shown once); a unit without a connection uses "Import tasks" with an Excel or CSV file — it is checked first, and each refused row is reported with its reason.',
  },
  'help.home_affairs.title': { vi: 'Phòng Nội vụ', en: 'Home Affairs office' },
  'help.home_affairs.1': {
    vi: 'Tài khoản giám sát xem được mọi đơn vị được giao: trang "Hôm nay" có số liệu từng đơn vị, bấm vào một đơn vị để xem chi tiết; thư tổng hợp của huyện được gửi mỗi sáng và chiều.',
    en: 'An oversight account sees every unit it is given: "Today" has each unit\'s figures, click one for details; the district summary is e-mailed every morning and evening.',
  },
  'help.home_affairs.2': {
    vi: 'Ngày có cán bộ làm việc tại nhà: 16:00 nhận báo cáo tổng hợp theo từng đơn vị, 17:00 báo cáo toàn tỉnh gồm những người không xử lý nhiệm vụ nào và những người làm tốt; ngày không ai làm việc tại nhà chỉ nhận một thư báo ngắn. Tài khoản giám sát duyệt ngoại lệ giới hạn làm việc tại nhà cho một đơn vị, kèm lý do.',
    en: 'On a day with people at home: at 16:00 the summary per unit, at 17:00 the province summary with those who processed nothing and the best performers; a day with nobody at home brings a short note only. Oversight accounts approve an exception to a unit\'s work-from-home limit, with a reason.',
  },
  'help.evaluation.title': { vi: 'Đánh giá, xếp loại hằng tháng', en: 'Monthly evaluation' },
  'help.evaluation.1': {
    vi: 'Cán bộ, công chức: đầu tháng, mở "Đánh giá, xếp loại" (mặc định là tháng trước). Phiếu đã tính sẵn điểm kỷ luật từ chấm công (từng ngày bị trừ) và điểm kết quả nhiệm vụ (số lượng, chất lượng, tiến độ, từng nhiệm vụ). Tự chấm các tiêu chí chung còn lại trong phạm vi điểm tối đa, ghi nhận xét rồi bấm "Gửi tự đánh giá"; có thể sửa cho đến khi lãnh đạo đánh giá.',
    en: 'Civil servants: early in the month, open "Evaluation" (the previous month by default). The discipline points from attendance (each day deducted) and the task points (quantity, quality, timeliness, per task) are already computed. Score the other general criteria within their maximums, add a comment and press "Submit the self-assessment"; you may change it until your leader reviews it.',
  },
  'help.evaluation.2': {
    vi: 'Lãnh đạo đơn vị: mục "Đánh giá đơn vị" có bảng của cả đơn vị và việc còn chờ ai. Bấm "Tính lại" sau khi cập nhật chấm công hoặc nhiệm vụ. Mở phiếu từng người để chấm: điểm khác điểm tự chấm phải ghi lý do; ghi trường hợp buộc xếp loại không hoàn thành (kỷ luật, suy thoái) kèm căn cứ; "Trả lại" cán bộ kèm lý do khi cần làm lại. Không ai tự đánh giá, phê duyệt phiếu của chính mình.',
    en: 'Unit leaders: "Unit evaluations" has the unit\'s table and who must act. Press "Compute" after attendance or tasks change. Open each person\'s evaluation to review it: a score different from the self-assessment needs a reason; record a disqualifying case (discipline, degradation) with its grounds; "Return" it to the person with a reason when it must be redone. Nobody reviews or approves their own evaluation.',
  },
  'help.evaluation.3': {
    vi: 'Thủ trưởng đơn vị: khi mọi phiếu đã được lãnh đạo đánh giá, phần "Phê duyệt kết quả của đơn vị" hiện giới hạn tỷ lệ: số người xếp loại xuất sắc không vượt quá 20% số người hoàn thành tốt nhiệm vụ trong cùng nhóm nhiệm vụ. Hệ thống đề xuất người được giữ (điểm cao trước); người bằng điểm tại ranh giới do thủ trưởng chọn đúng số suất còn lại. Phê duyệt khoá các phiếu; người bị hạ loại được ghi lý do.',
    en: 'Heads of unit: once every evaluation is reviewed, "Approve the unit\'s results" shows the cap: those rated excellent may not exceed 20% of those rated good in the same duty group. The system proposes who stays (highest first); the head chooses among people tied at the boundary, exactly the slots left. Approval locks the evaluations; those lowered have the reason recorded.',
  },
  'help.evaluation.4': {
    vi: 'Phòng Nội vụ (giám sát): phiếu đã khoá chỉ được mở lại bởi tài khoản giám sát, bằng nút "Mở lại" kèm lý do; việc mở lại được ghi nhật ký và phiếu trở về bước chờ phê duyệt.',
    en: 'Home Affairs (oversight): a locked evaluation can be reopened only by an oversight account, with "Reopen" and a reason; the reopening is audited and the evaluation goes back to awaiting approval.',
  },
  'help.evaluation.5': {
    vi: 'Bộ tiêu chí (Quản trị › "Bộ tiêu chí đánh giá") cho xem điểm, trọng số, mức trừ, khung xếp loại đang áp dụng; quản trị hệ thống thêm phiên bản mới bằng tệp JSON. Mỗi cơ quan cần đối chiếu trọng số mặc định với văn bản chính thức của Nghị định.',
    en: 'The rule set (Administration › "Evaluation rule sets") shows the points, weights, deductions and grade bands in force; a system admin adds a version as a JSON file. Each office must check the default weights against the decree\'s official text.',
  },
  'help.privacy.title': { vi: 'Dữ liệu cá nhân và bằng chứng', en: 'Personal data and evidence' },
  'help.privacy.1': {
    vi: 'Ảnh khuôn mặt là dữ liệu cá nhân nhạy cảm (Nghị định 13/2023/NĐ-CP). Trước khi đăng ký ảnh, quản trị đơn vị in "Thông báo xử lý dữ liệu cá nhân" (mục "In thông báo") để cán bộ đọc và ký; hệ thống ghi lại phiên bản thông báo, thời điểm, người đăng ký và cơ sở pháp lý (và sự đồng ý, nếu cơ quan chọn cơ sở là sự đồng ý).',
    en: 'Face photos are sensitive personal data (Decree 13/2023/NĐ-CP). Before enrolling photos, the unit admin prints the "Notice of personal data processing" for the person to read and sign; the product records the notice version, when, by whom and the legal basis (and the consent, where the office chose consent as the basis).',
  },
  'help.privacy.2': {
    vi: 'Mục "Dữ liệu cá nhân của tôi" cho bạn xem mọi dữ liệu hệ thống giữ về bạn (hồ sơ, ảnh, lượt chấm công kèm ảnh, nghỉ phép, điều chỉnh, đánh giá, nhật ký thao tác liên quan) và tải về thành một tệp .zip. Bạn có thể yêu cầu xoá dữ liệu khuôn mặt hoặc toàn bộ dữ liệu; quản trị đơn vị thực hiện hoặc từ chối kèm lý do, bạn xem được câu trả lời ở cùng trang.',
    en: '"My personal data" shows everything the product holds about you (record, photos, check-ins with their photos, leave, corrections, evaluations, audit entries about you) and downloads it as one .zip. You may ask for your face data or all your data to be erased; your unit admin completes or refuses the request with a reason, which you read on the same page.',
  },
  'help.privacy.3': {
    vi: 'Quản trị đơn vị trả lời yêu cầu xoá ở mục "Yêu cầu xoá dữ liệu". Khi xoá, ảnh, véc-tơ khuôn mặt ở mọi phiên bản bộ sưu tập và ảnh, video bằng chứng của người đó bị xoá hẳn; bản ghi chấm công, đánh giá và nhật ký vẫn giữ họ tên và mã làm hồ sơ công việc.',
    en: 'Unit admins answer erasure requests under "Erasure requests". Erasing removes the photos, the face vectors in every version of every gallery and the person\'s evidence photos and clips for good; attendance records, evaluations and the audit trail keep the name and id as work records.',
  },
  'help.privacy.4': {
    vi: 'Mỗi lần xem ảnh, video bằng chứng hay tải gói chứng cứ đều được ghi vào nhật ký: ai xem bằng chứng của ai, lúc nào. Trên trang ngày công, ngày đi muộn, về sớm, vắng có nút "Tải gói chứng cứ (.zip)": gói gồm bản ghi, ảnh, video, thiết bị, quy định giờ làm việc áp dụng, các điều chỉnh và nhật ký, có chữ ký số của hệ thống để hội đồng kỷ luật kiểm tra được là chưa bị sửa.',
    en: 'Every view of an evidence photo or clip and every evidence bundle downloaded is written to the audit trail: who saw whose evidence, when. On the month page, a late, early or absent day has "Download the evidence bundle (.zip)": the records, photos, clips, device, working-hours rule, corrections and audit entries, digitally signed by the product so that a disciplinary council can check nothing was changed.',
  },
  'help.privacy.5': {
    vi: 'Mỗi loại dữ liệu có thời hạn lưu riêng (ví dụ ảnh bằng chứng 180 ngày, lượt không nhận diện được 14 ngày, bản ghi chấm công 5 năm) và được tự động xoá khi hết hạn. Phòng Nội vụ tải "Hồ sơ đánh giá tác động xử lý dữ liệu cá nhân" (tệp .docx) từ trang in thông báo để lưu hồ sơ.',
    en: 'Each class of data has its own retention (e.g. evidence photos 180 days, unmatched passages 14 days, attendance records 5 years) and is deleted automatically when it ends. Home Affairs downloads the "Personal data processing impact assessment" (.docx) from the notice print page to file it.',
  },
};

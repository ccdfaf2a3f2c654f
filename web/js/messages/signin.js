// Signing in, the forced password change, signing out.
export default {
  'signin.title': { vi: 'Đăng nhập', en: 'Sign in' },
  'signin.username': { vi: 'Tên đăng nhập', en: 'Username' },
  'signin.password': { vi: 'Mật khẩu', en: 'Password' },
  'signin.submit': { vi: 'Đăng nhập', en: 'Sign in' },
  'signin.expired': {
    vi: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại; bạn sẽ trở về trang đang xem.',
    en: 'Your session has ended. Sign in again to return to the page you were on.',
  },
  'signin.intro': {
    vi: 'Dành cho cán bộ, công chức, lãnh đạo đơn vị, quản trị đơn vị và phòng Nội vụ.',
    en: 'For civil servants, unit leaders, unit admins and the Home Affairs office.',
  },
  'signin.forgot': {
    vi: 'Quên mật khẩu? Quản trị viên đơn vị của bạn cấp lại mật khẩu tạm thời.',
    en: 'Forgot your password? Your unit admin issues a new temporary one.',
  },
  'password.title': { vi: 'Đổi mật khẩu', en: 'Change password' },
  'password.forced': {
    vi: 'Bạn đang dùng mật khẩu tạm thời. Hãy đổi mật khẩu trước {deadline}; quá hạn, tài khoản sẽ bị khoá.',
    en: 'You are using a temporary password. Change it before {deadline}; after that the account locks.',
  },
  'password.current': { vi: 'Mật khẩu hiện tại', en: 'Current password' },
  'password.new': { vi: 'Mật khẩu mới', en: 'New password' },
  'password.repeat': { vi: 'Nhập lại mật khẩu mới', en: 'New password again' },
  'password.submit': { vi: 'Đổi mật khẩu', en: 'Change password' },
  'password.mismatch': { vi: 'Hai lần nhập mật khẩu mới không giống nhau.', en: 'The two new passwords differ.' },
  'password.rules_title': { vi: 'Mật khẩu mới cần:', en: 'The new password must:' },
  'password.rule_length': { vi: 'có từ {min} đến {max} ký tự;', en: 'have {min} to {max} characters;' },
  'password.rule_username': { vi: 'không chứa tên đăng nhập;', en: 'not contain the username;' },
  'password.rule_common': {
    vi: 'không phải mật khẩu phổ biến hoặc đã bị lộ (nên dùng một câu dài dễ nhớ);',
    en: 'not be a common or leaked password (a long sentence you remember is best);',
  },
  'password.rule_reuse': { vi: 'khác mật khẩu đang dùng.', en: 'differ from the current one.' },
  'password.done': {
    vi: 'Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã bị đăng xuất.',
    en: 'Password changed. Your other sessions were signed out.',
  },
};

"""Signing in, sessions, passwords, accounts and roles. Each code: (HTTP status, Vietnamese, English)."""

from __future__ import annotations

from chamcong.messages.base import Message

MESSAGES: dict[str, Message] = {
    "invalid_credentials": Message(
        401,
        'Tên đăng nhập hoặc mật khẩu không đúng.',
        'Wrong username or password.',
    ),
    "unauthenticated": Message(
        401,
        'Bạn cần đăng nhập để thực hiện thao tác này.',
        'You must sign in to do this.',
    ),
    "token_expired": Message(
        401,
        'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.',
        'Your session has expired; please sign in again.',
    ),
    "forbidden": Message(
        403,
        'Bạn không có quyền thực hiện thao tác này.',
        'You are not allowed to do this.',
    ),
    "token_revoked": Message(
        401,
        'Phiên đăng nhập không còn hiệu lực (mật khẩu đã đổi hoặc tài khoản đã bị khoá); vui lòng đăng nhập lại.',
        'This session is no longer valid (the password changed or the account was locked); sign in again.',
    ),
    "login_blocked": Message(
        403,
        'Bạn đã nhập sai mật khẩu quá nhiều lần; tài khoản tạm khoá {minutes} phút. Hãy thử lại sau, hoặc liên hệ '
        'quản trị viên đơn vị nếu quên mật khẩu.',
        'Too many wrong passwords: the account is blocked for {minutes} minutes. Try again later, or ask your unit '
        'admin if you forgot the password.',
    ),
    "account_locked": Message(
        403,
        'Tài khoản của bạn đã bị khoá. Vui lòng liên hệ {contact} để được mở khoá hoặc cấp lại mật khẩu.',
        'Your account is locked. Please contact {contact} to have it unlocked or a new password issued.',
    ),
    "password_expired": Message(
        403,
        'Bạn chưa đổi mật khẩu tạm thời trước hạn ({deadline}) nên tài khoản đã bị khoá. Vui lòng liên hệ {contact}'
        ' để được cấp mật khẩu mới.',
        'The temporary password was not changed before its deadline ({deadline}), so the account is locked. Please '
        'contact {contact} for a new password.',
    ),
    "password_change_required": Message(
        403,
        'Bạn cần đổi mật khẩu tạm thời trước khi sử dụng hệ thống.',
        'You must change your temporary password before using the system.',
    ),
    "current_password_wrong": Message(
        422,
        'Mật khẩu hiện tại không đúng.',
        'The current password is wrong.',
    ),
    "password_too_short": Message(
        422,
        'Mật khẩu phải có ít nhất 10 ký tự.',
        'The password must have at least 10 characters.',
    ),
    "password_too_long": Message(
        422,
        'Mật khẩu không được dài quá 128 ký tự.',
        'The password must have at most 128 characters.',
    ),
    "password_contains_username": Message(
        422,
        'Mật khẩu không được chứa tên đăng nhập.',
        'The password must not contain the username.',
    ),
    "password_too_common": Message(
        422,
        'Mật khẩu này quá phổ biến hoặc đã bị lộ trong các vụ rò rỉ dữ liệu; hãy chọn mật khẩu khác, ví dụ một câu '
        'dài dễ nhớ.',
        'This password is too common or known from data breaches; choose another, such as a long sentence.',
    ),
    "password_reused": Message(
        422,
        'Mật khẩu mới phải khác mật khẩu hiện tại.',
        'The new password must differ from the current one.',
    ),
    "account_not_found": Message(
        404,
        'Không tìm thấy tài khoản.',
        'Account not found.',
    ),
    "username_taken": Message(
        409,
        'Tên đăng nhập này đã được sử dụng.',
        'This username is already taken.',
    ),
    "staff_not_in_unit": Message(
        422,
        'Cán bộ này không thuộc đơn vị của tài khoản.',
        "This staff member does not belong to the account's unit.",
    ),
    "staff_role_needs_person": Message(
        422,
        'Vai trò cán bộ chỉ cấp cho tài khoản gắn với một cán bộ.',
        'The staff role needs an account that belongs to a person.',
    ),
    "password_deadline_invalid": Message(
        422,
        'Hạn đổi mật khẩu phải từ hôm nay trở đi và không quá 90 ngày.',
        'The password deadline must be today or later, and within 90 days.',
    ),
    "grant_not_found": Message(
        404,
        'Tài khoản không có vai trò này.',
        'The account does not hold this role.',
    ),
    "own_account": Message(
        403,
        'Không thể tự khoá, mở khoá, cấp lại mật khẩu hay đổi vai trò cho chính tài khoản của mình.',
        'You cannot lock, unlock, reset or change the roles of your own account.',
    ),
    "reset_required": Message(
        409,
        'Tài khoản bị khoá do quá hạn đổi mật khẩu tạm thời; hãy cấp lại mật khẩu thay vì mở khoá.',
        'The account was locked because its temporary password expired; reset it instead of unlocking.',
    ),
}

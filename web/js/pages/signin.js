// Sign in ("Tên đăng nhập", "Mật khẩu", "Đăng nhập"); the refusals say what to do and whom to ask.
import { api } from '../api.js';
import { field, h, show } from '../dom.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { errorBox, notice } from '../ui.js';

export default {
  id: 'sign-in',
  path: '/sign-in',
  title: 'signin.title',
  public: true,
  async render(main, context) {
    const username = h('input', { name: 'username', autocomplete: 'username', required: true,
      autocapitalize: 'none', spellcheck: 'false' });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password',
      required: true });
    const messages = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, t('signin.submit'));
    const form = h('form', { novalidate: false }, field(t('signin.username'), username),
      field(t('signin.password'), password), button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      button.setAttribute('aria-busy', 'true');
      button.disabled = true;
      messages.replaceChildren();
      try {
        const login = await api('POST', '/v1/auth/login', { body: { username: username.value.trim(),
          password: password.value } });
        session.start(login);
        const next = context.query.next && context.query.next.startsWith('/') ? context.query.next : '';
        if (login.must_change_password) {
          context.navigate('/password', { next });
        } else if (next) {
          window.location.hash = `#${next}`;
        } else {
          context.navigate('/');
        }
      } catch (error) {
        password.value = '';
        show(messages, errorBox(error));
      } finally {
        button.removeAttribute('aria-busy');
        button.disabled = false;
      }
    });
    show(main, h('article', { class: 'sign-in' },
      h('header', {}, h('h1', { tabindex: '-1' }, t('signin.title')), h('p', {}, t('signin.intro'))),
      context.query.expired ? notice(t('signin.expired'), 'warning') : null,
      messages, form, h('p', {}, h('small', {}, t('signin.forgot')))));
    username.focus();
  },
};

// Changing one's password; a temporary one must be changed before its deadline or the account locks.
import { api } from '../api.js';
import { field, h, show } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import * as session from '../session.js';
import { errorBox, heading, notice } from '../ui.js';

// The rules POST /v1/auth/password enforces (chamcong/password_policy.py; a test holds the numbers together).
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export default {
  id: 'password',
  path: '/password',
  title: 'password.title',
  nav: null,
  async render(main, context) {
    const signedIn = session.current();
    const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
    const next = h('input', { type: 'password', autocomplete: 'new-password', required: true,
      minlength: PASSWORD_MIN_LENGTH, maxlength: PASSWORD_MAX_LENGTH });
    const repeat = h('input', { type: 'password', autocomplete: 'new-password', required: true });
    const messages = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, t('password.submit'));
    const rules = h('div', { id: 'password-rules' }, h('p', {}, t('password.rules_title')), h('ul', {},
      h('li', {}, t('password.rule_length', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })),
      h('li', {}, t('password.rule_username')), h('li', {}, t('password.rule_common')),
      h('li', {}, t('password.rule_reuse'))));
    next.setAttribute('aria-describedby', 'password-rules');
    const form = h('form', {}, field(t('password.current'), current), field(t('password.new'), next),
      field(t('password.repeat'), repeat), rules, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      messages.replaceChildren();
      if (next.value !== repeat.value) {
        show(messages, notice(t('password.mismatch'), 'error'));
        repeat.focus();
        return;
      }
      button.setAttribute('aria-busy', 'true');
      button.disabled = true;
      try {
        const login = await api('POST', '/v1/auth/password', { body: { current_password: current.value,
          new_password: next.value } });
        session.start(login);
        const target = context.query.next && context.query.next.startsWith('/') ? context.query.next : '';
        show(main, heading(t('password.title')), notice(t('password.done'), 'success'));
        if (target) window.location.hash = `#${target}`;
        else context.navigate('/');
      } catch (error) {
        show(messages, errorBox(error));
      } finally {
        button.removeAttribute('aria-busy');
        button.disabled = false;
      }
    });
    const forced = signedIn.must_change_password && signedIn.password_deadline
      ? notice(t('password.forced', { deadline: formatDateTime(signedIn.password_deadline) }), 'warning') : null;
    show(main, h('article', { class: 'sign-in' }, h('h1', { tabindex: '-1' }, t('password.title')), forced,
      messages, form));
    current.focus();
  },
};

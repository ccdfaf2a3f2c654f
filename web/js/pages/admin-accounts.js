// Accounts of a unit: create one (the temporary password shown once), reset, lock, unlock, grant and revoke roles.
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { t, todayInHanoi } from '../i18n.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, submitting, unitSelect } from '../ui.js';
import {
  adminNav, adminPage, confirmAction, dayOffset, grantableRoles, openDialog, secretBox, unitNamer, when,
} from './admin-common.js';

const PATH = '/admin/accounts';

function canWrite() {
  return session.hasRole('unit_admin', 'system_admin');
}

function grantText(grant, unitName) {
  return grant.role === 'system_admin' ? t('role.system_admin')
    : `${t(`role.${grant.role}`)} · ${unitName(grant.unit_id)}`;
}

function statusText(account) {
  if (account.status === 'locked') {
    // lock_reason is a code (chamcong/store/models/accounts.py); the admin's note is in the audit trail.
    if (account.lock_reason === 'by_admin') return t('admin.accounts.locked_by_admin');
    if (account.lock_reason === 'password_expired') return t('admin.accounts.locked_expired');
    return t('admin.accounts.locked');
  }
  if (account.blocked_until) return t('admin.accounts.blocked_until', { time: when(account.blocked_until) });
  if (account.must_change_password) {
    return t('admin.accounts.must_change', { deadline: when(account.password_deadline) });
  }
  return t('admin.accounts.active');
}

/** The temporary password, once, with its deadline and what happens if it is not changed. */
function temporaryPasswordBox(account) {
  return secretBox(t('admin.accounts.temporary_title', { username: account.username }),
    t('admin.accounts.temporary_label'), account.temporary_password,
    h('p', {}, t('admin.accounts.temporary_deadline', { deadline: when(account.password_deadline) })));
}

export default adminPage('admin-accounts', PATH, async (main, context) => {
  const unitId = context.query.unit_id || '';
  const messages = h('div', { 'aria-live': 'polite' });
  const secretArea = h('div', {});
  const listArea = h('div', {}, busy());
  const createArea = h('div', {});
  show(main, heading(t('admin.accounts.title')), adminNav(PATH), messages, secretArea, createArea, listArea);
  const units = await loadUnits();
  const unitName = unitNamer(units);

  const filter = unitSelect(units, unitId, { all: t('common.all_units') });
  filter.addEventListener('change', () => context.navigate(PATH, { unit_id: filter.value }));
  listArea.before(h('div', { class: 'toolbar' }, field(t('common.unit'), filter)));
  if (canWrite()) show(createArea, createForm());

  async function reload(done) {
    let reply;
    try {
      reply = await api('GET', '/v1/accounts', { query: { unit_id: unitId } });
    } catch (error) {
      show(listArea, errorBox(error));
      return;
    }
    show(listArea, reply.accounts.length ? table([
      { label: t('admin.accounts.username'), cell: (account) => h('strong', {}, account.username) },
      { label: t('admin.accounts.display_name'), cell: (account) => account.display_name || '—' },
      { label: t('common.unit'), cell: (account) => unitName(account.unit_id) },
      { label: t('admin.accounts.roles'), cell: (account) => (account.grants.length ? h('ul', { class: 'plain' },
        account.grants.map((grant) => h('li', {}, grantText(grant, unitName)))) : '—') },
      { label: t('admin.accounts.status'), cell: (account) => h('span', {
        class: `badge account-${account.status}` }, statusText(account)) },
      canWrite() ? { label: t('admin.actions'), cell: (account) => h('button', {
        type: 'button', class: 'outline small', onclick: () => manage(account),
        'aria-label': t('admin.accounts.manage_named', { username: account.username }),
      }, t('admin.accounts.manage')) } : null,
    ].filter(Boolean), reply.accounts, t('admin.accounts.caption')) : notice(t('admin.accounts.empty')));
    if (done) show(messages, notice(done, 'success'));
  }

  function createForm() {
    const username = h('input', { required: true, pattern: '[a-z0-9][a-z0-9._\\-]{2,63}', maxlength: 64,
      autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
    const displayName = h('input', { maxlength: 200, autocomplete: 'off' });
    const unit = unitSelect(units, unitId || (units[0] && units[0].unit_id));
    const person = h('select', {}, h('option', { value: '' }, t('admin.accounts.no_person')));
    const roles = grantableRoles().map((role) => ({ role, box: h('input', { type: 'checkbox', name: 'role',
      value: role, id: `create-role-${role}` }) }));
    const deadline = h('input', { type: 'date', min: dayOffset(todayInHanoi(), 1) });
    const errors = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, t('admin.accounts.create'));
    async function loadPeople() {
      person.replaceChildren(h('option', { value: '' }, t('admin.accounts.no_person')));
      if (!unit.value) return;
      try {
        const reply = await api('GET', '/v1/staff', { query: { unit_id: unit.value } });
        for (const member of reply.staff) person.append(h('option', { value: member.staff_id }, member.full_name));
      } catch (error) {
        show(errors, errorBox(error));
      }
    }
    unit.addEventListener('change', loadPeople);
    loadPeople();
    const form = h('form', {},
      field(t('admin.accounts.username'), username, t('admin.accounts.username_hint')),
      field(t('admin.accounts.display_name'), displayName),
      field(t('common.unit'), unit),
      field(t('admin.accounts.person'), person, t('admin.accounts.person_hint')),
      h('fieldset', {}, h('legend', {}, t('admin.accounts.roles')),
        roles.map(({ role, box }) => h('label', { for: box.id }, box, t(`role.${role}`))),
        h('small', {}, t('admin.accounts.roles_hint'))),
      field(t('admin.accounts.deadline'), deadline, t('admin.accounts.deadline_hint')),
      errors, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const chosen = roles.filter(({ box }) => box.checked).map(({ role }) => ({
        role, unit_id: role === 'system_admin' ? null : unit.value }));
      const body = { username: username.value.trim(), unit_id: unit.value, staff_id: person.value || null,
        display_name: displayName.value.trim() || null, password_deadline: deadline.value || null };
      if (chosen.length) body.grants = chosen;
      const created = await submitting(button, errors, () => api('POST', '/v1/accounts', { body }));
      if (!created) return;
      form.reset();
      details.open = false;
      show(secretArea, temporaryPasswordBox(created));
      await reload(t('admin.accounts.created', { username: created.username }));
      secretArea.scrollIntoView({ block: 'nearest' });
    });
    const details = h('details', { class: 'create' }, h('summary', { role: 'button', class: 'outline' },
      t('admin.accounts.create_title')), h('article', {}, form));
    return details;
  }

  function manage(account) {
    const body = h('div', {});
    const errors = h('div', { 'aria-live': 'polite' });
    const secret = h('div', {});
    const { close } = openDialog(t('admin.accounts.manage_named', { username: account.username }),
      h('div', {}, errors, secret, body), () => reload());

    function after(updated, done) {
      account = updated;
      show(errors, notice(done, 'success'));
      draw();
    }

    function draw() {
      const reset = h('button', { type: 'button', class: 'outline' }, t('admin.accounts.reset'));
      reset.addEventListener('click', async () => {
        if (!await confirmAction(t('admin.accounts.reset_confirm', { username: account.username }),
          t('admin.accounts.reset'))) return;
        const updated = await submitting(reset, errors, () => api('POST',
          `/v1/accounts/${encodeURIComponent(account.username)}/reset`, { body: {} }));
        if (!updated) return;
        show(secret, temporaryPasswordBox(updated));
        const { temporary_password: _shown, ...kept } = updated;
        after(kept, t('admin.accounts.reset_done'));
      });
      const reason = h('input', { maxlength: 500, required: true, autocomplete: 'off' });
      const lock = h('button', { type: 'submit', class: 'secondary' }, t('admin.accounts.lock'));
      const lockForm = h('form', {}, field(t('admin.accounts.lock_reason'), reason), lock);
      lockForm.addEventListener('submit', async (event) => {
        event.preventDefault();
        const updated = await submitting(lock, errors, () => api('POST',
          `/v1/accounts/${encodeURIComponent(account.username)}/lock`, { body: { reason: reason.value } }));
        if (updated) after(updated, t('admin.accounts.lock_done'));
      });
      const unlock = h('button', { type: 'button', class: 'outline' }, t('admin.accounts.unlock'));
      unlock.addEventListener('click', async () => {
        const updated = await submitting(unlock, errors, () => api('POST',
          `/v1/accounts/${encodeURIComponent(account.username)}/unlock`));
        if (updated) after(updated, t('admin.accounts.unlock_done'));
      });
      const role = h('select', {}, grantableRoles().map((name) => h('option', { value: name }, t(`role.${name}`))));
      const grantUnit = unitSelect(units, account.unit_id);
      const grant = h('button', { type: 'submit' }, t('admin.accounts.grant'));
      const grantForm = h('form', { class: 'toolbar' }, field(t('admin.accounts.role'), role),
        field(t('common.unit'), grantUnit), grant);
      grantForm.addEventListener('submit', async (event) => {
        event.preventDefault();
        const updated = await submitting(grant, errors, () => api('POST',
          `/v1/accounts/${encodeURIComponent(account.username)}/roles`, { body: {
            role: role.value, unit_id: role.value === 'system_admin' ? null : grantUnit.value } }));
        if (updated) after(updated, t('admin.accounts.grant_done'));
      });
      const grants = account.grants.length ? h('ul', {}, account.grants.map((held) => {
        const revoke = h('button', { type: 'button', class: 'outline secondary small',
          'aria-label': t('admin.accounts.revoke_named', { role: grantText(held, unitName) }) },
        t('admin.accounts.revoke'));
        revoke.addEventListener('click', async () => {
          if (!await confirmAction(t('admin.accounts.revoke_confirm', { role: grantText(held, unitName),
            username: account.username }), t('admin.accounts.revoke'))) return;
          const updated = await submitting(revoke, errors, () => api('DELETE',
            `/v1/accounts/${encodeURIComponent(account.username)}/roles/${encodeURIComponent(held.role)}`,
            { query: { unit_id: held.unit_id } }));
          if (updated) after(updated, t('admin.accounts.revoke_done'));
        });
        return h('li', {}, grantText(held, unitName), ' ', revoke);
      })) : h('p', {}, t('common.none'));
      show(body,
        h('p', {}, h('strong', {}, t('admin.accounts.status')), ': ', statusText(account)),
        h('section', {}, h('h3', {}, t('admin.accounts.password_section')), h('p', {},
          t('admin.accounts.reset_hint')), reset),
        h('section', {}, h('h3', {}, t('admin.accounts.lock_section')),
          account.status === 'locked' || account.blocked_until ? unlock : lockForm),
        h('section', {}, h('h3', {}, t('admin.accounts.roles')), grants, grantForm));
    }
    draw();
    return close;
  }

  await reload();
});

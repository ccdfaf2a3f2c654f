// The audit trail: who did what, when, newest first, with filters (period, unit, actor, action) kept in the address.
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { t, todayInHanoi } from '../i18n.js';
import { busy, errorBox, heading, loadUnits, notice, unitSelect } from '../ui.js';
import { adminNav, adminPage, dayOffset, unitNamer, when } from './admin-common.js';

const PATH = '/admin/audit';
// The actions the services record (chamcong/services/*: audit.entry(..., action, ...)); each has a readable name.
export const ACTIONS = ['login', 'password.change', 'account.create', 'account.reset', 'account.lock',
  'account.unlock', 'role.grant', 'role.revoke', 'unit.create', 'unit.update', 'unit.delete', 'calendar.write',
  'staff.create', 'staff.remove', 'face.enrol', 'face.enrol_batch', 'face.remove', 'device.register',
  'device.rotate', 'device.revoke', 'absence.create', 'absence.cancel', 'correction.create', 'threshold.set',
  'gallery.reembed.start', 'gallery.reembed.switch'];
const PAGE = 100;
const MAX_LIMIT = 500;

function actionName(action) {
  return ACTIONS.includes(action) ? t(`audit.action.${action}`) : action;
}

function detailsText(details) {
  return Object.entries(details || {}).map(([key, value]) => `${key}: ${typeof value === 'string' ? value
    : JSON.stringify(value)}`).join('; ');
}

export default adminPage('admin-audit', PATH, async (main, context) => {
  const today = todayInHanoi();
  const query = {
    from: context.query.from || dayOffset(today, -6), to: context.query.to || today,
    actor: context.query.actor || '', unit_id: context.query.unit_id || '', action: context.query.action || '',
    limit: Math.min(Number(context.query.limit) || PAGE, MAX_LIMIT),
  };
  const listArea = h('div', {}, busy());
  show(main, heading(t('admin.audit.title')), adminNav(PATH), listArea);
  const units = await loadUnits();
  const unitName = unitNamer(units);
  const from = h('input', { type: 'date', value: query.from, required: true });
  const to = h('input', { type: 'date', value: query.to, required: true });
  const actor = h('input', { value: query.actor, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
  const unit = unitSelect(units, query.unit_id, { all: t('common.all_units') });
  const action = h('select', {}, h('option', { value: '' }, t('admin.audit.all_actions')),
    ACTIONS.map((name) => h('option', { value: name, selected: name === query.action }, actionName(name))));
  const form = h('form', { class: 'toolbar filters' }, field(t('admin.audit.from'), from),
    field(t('admin.audit.to'), to, t('admin.audit.period_hint')), field(t('admin.audit.actor'), actor),
    field(t('common.unit'), unit), field(t('admin.audit.action'), action),
    h('button', { type: 'submit' }, t('admin.audit.apply')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    context.navigate(PATH, { from: from.value, to: to.value, actor: actor.value.trim(), unit_id: unit.value,
      action: action.value });
  });
  listArea.before(form);

  let reply;
  try {
    reply = await api('GET', '/v1/audit', { query });
  } catch (error) {
    show(listArea, errorBox(error));
    return;
  }
  const more = reply.truncated && query.limit < MAX_LIMIT
    ? h('p', {}, h('a', { href: `#${PATH}?${new URLSearchParams(Object.entries({
      ...query, limit: Math.min(query.limit + PAGE, MAX_LIMIT) }).filter(([, value]) => value !== ''))}`,
    role: 'button', class: 'outline' }, t('admin.audit.more'))) : null;
  show(listArea, reply.entries.length ? table([
    { label: t('admin.audit.at'), cell: (entry) => when(entry.at) },
    { label: t('admin.audit.actor'), cell: (entry) => entry.actor },
    { label: t('admin.audit.action'), cell: (entry) => h('span', { title: entry.action }, actionName(entry.action)) },
    { label: t('admin.audit.outcome'), cell: (entry) => (['ok', 'refused'].includes(entry.outcome)
      ? t(`audit.outcome.${entry.outcome}`) : entry.outcome) },
    { label: t('common.unit'), cell: (entry) => (entry.unit_id ? unitName(entry.unit_id) : '—') },
    { label: t('admin.audit.subject'), cell: (entry) => entry.subject || '—' },
    { label: t('admin.audit.details'), cell: (entry) => h('small', { class: 'audit-details' },
      detailsText(entry.details)) },
  ], reply.entries, t('admin.audit.caption', { count: reply.entries.length })) : notice(t('admin.audit.empty')),
  reply.truncated ? notice(query.limit < MAX_LIMIT ? t('admin.audit.truncated') : t('admin.audit.narrow'),
    'warning') : null, more);
});

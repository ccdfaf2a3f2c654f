// The evaluation rule sets (#/admin/rulesets?ruleset_id=&version=): every version (built in or added), which is in
// force, one version in full (criteria and points, the attendance deductions, the task weights and deductions, the
// leaders' shares, the grade bands, the cap, the disqualifying cases, the deadlines); a system admin adds a version
// by pasting or uploading its JSON, and reads the API's refusal when it is not valid.
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { link } from '../router.js';
import * as session from '../session.js';
import { busy, errorBox, heading, notice, statusLabel, submitting } from '../ui.js';
import { adminNav, adminPage, when } from './admin-common.js';
import { both, gradeLabel, points } from './evaluations.js';

const PATH = '/admin/rulesets';
const percent = (value) => formatNumber(Math.round(Number(value) * 10000) / 100);

function versionsTable(list, chosen) {
  return table([
    { label: t('rulesets.col_name'), cell: (one) => [both(one, 'name') || one.ruleset_id,
      one.in_force ? [' ', h('span', { class: 'badge grade-good' }, t('rulesets.in_force'))] : null] },
    { label: t('rulesets.col_id'), cell: (one) => h('code', {}, one.ruleset_id) },
    { label: t('rulesets.col_version'), class: 'numeric', cell: (one) => formatNumber(one.version) },
    { label: t('rulesets.col_from'), cell: (one) => one.effective_from || '—' },
    { label: t('rulesets.col_origin'), cell: (one) => (one.builtin || !one.created_by ? t('rulesets.builtin')
      : [t('rulesets.added', { who: one.created_by }), one.created_at ? h('br') : null,
        one.created_at ? h('small', {}, when(one.created_at)) : null]) },
    { label: t('admin.actions'), cell: (one) => h('a', {
      href: link(PATH, { ruleset_id: one.ruleset_id, version: one.version }),
      'aria-current': chosen && chosen.ruleset_id === one.ruleset_id && Number(chosen.version) === one.version
        ? 'true' : null,
      'aria-label': t('rulesets.open_named', { name: both(one, 'name') || one.ruleset_id, version: one.version }),
    }, t('rulesets.open')) },
  ], list, t('rulesets.caption'));
}

function detail(ruleset) {
  const general = ruleset.general || {};
  const tasks = ruleset.tasks || {};
  const weights = tasks.weights || {};
  const leader = ruleset.leader || {};
  const cap = ruleset.cap || {};
  const deadlines = ruleset.deadlines_days_after_month_end || {};
  const titleText = t('rulesets.detail_title', { name: both(ruleset, 'name'), version: ruleset.version });
  return h('section', { class: 'ruleset', 'aria-labelledby': 'ruleset-detail' },
    h('h2', { id: 'ruleset-detail', tabindex: '-1' }, titleText),
    both(ruleset, 'notes') ? h('p', {}, both(ruleset, 'notes')) : null,
    table([
      { label: t('rulesets.col_code'), cell: (criterion) => h('code', {}, criterion.code) },
      { label: t('evaluations.col_criterion'), cell: (criterion) => both(criterion) },
      { label: t('evaluations.col_max'), class: 'numeric', cell: (criterion) => points(criterion.max_points) },
      { label: t('rulesets.col_source'), cell: (criterion) => (['entry', 'attendance'].includes(criterion.source)
        ? t(`rulesets.source.${criterion.source}`) : criterion.source) },
    ], general.criteria || [], `${t('rulesets.criteria_caption')} (${points(general.max_points)})`),
    table([
      { label: t('rulesets.col_status'), cell: ([status]) => statusLabel(status) },
      { label: t('rulesets.col_deduction'), class: 'numeric', cell: ([, value]) => points(value) },
    ], Object.entries(ruleset.attendance || {}), t('rulesets.attendance_caption')),
    h('h3', {}, t('rulesets.tasks_title')),
    h('ul', {},
      h('li', {}, t('rulesets.tasks_max', { max: points(tasks.max_points) })),
      h('li', {}, t('rulesets.weights', { quantity: formatNumber(Number(weights.quantity ?? 0)),
        quality: formatNumber(Number(weights.quality ?? 0)),
        timeliness: formatNumber(Number(weights.timeliness ?? 0)) })),
      h('li', {}, t('rulesets.error_deduction', { share: percent(tasks.major_error_deduction ?? 0) })),
      h('li', {}, t('rulesets.late_deduction', { share: percent(tasks.late_deduction ?? 0) })),
      h('li', {}, t('rulesets.leader', { own: percent(leader.own_share ?? 0), unit: percent(leader.unit_share ?? 0),
        factor: percent(leader.unit_factor_when_any_not_completed ?? 0) }))),
    table([
      { label: t('rulesets.col_grade'), cell: (band) => gradeLabel(band.grade) },
      { label: t('rulesets.col_min'), class: 'numeric', cell: (band) => points(band.min_points) },
    ], ruleset.grades || [], t('rulesets.bands_caption')),
    cap.grade ? h('p', {}, t('rulesets.cap', { grade: gradeLabel(cap.grade), of: gradeLabel(cap.max_ratio_of),
      ratio: percent(cap.ratio) })) : null,
    table([
      { label: t('rulesets.col_code'), cell: (one) => h('code', {}, one.code) },
      { label: t('evaluations.col_criterion'), cell: (one) => both(one) },
      { label: t('rulesets.col_leaders_only'), cell: (one) => t(one.leaders_only ? 'common.yes' : 'common.no') },
    ], ruleset.disqualifying || [], t('rulesets.disqualifying_caption')),
    Object.keys(deadlines).length ? h('p', {}, t('rulesets.deadlines', {
      self_assess: formatNumber(Number(deadlines.self_assess ?? 0)),
      review: formatNumber(Number(deadlines.review ?? 0)),
      approve: formatNumber(Number(deadlines.approve ?? 0)) })) : null);
}

function addForm(context, messages) {
  const file = h('input', { type: 'file', accept: '.json,application/json' });
  const text = h('textarea', { rows: 12, spellcheck: 'false', class: 'code' });
  file.addEventListener('change', async () => {
    if (file.files[0]) text.value = await file.files[0].text();
  });
  const where = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('rulesets.add'));
  const form = h('form', {}, h('p', {}, t('rulesets.add_hint')), field(t('rulesets.file'), file),
    field(t('rulesets.json'), text), where, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let body;
    try {
      body = JSON.parse(text.value);
    } catch (error) {
      show(where, h('p', { class: 'notice error', role: 'alert' }, t('rulesets.not_json', { error: error.message })));
      return;
    }
    const saved = await submitting(button, where, () => api('POST', '/v1/rulesets', { body }));
    if (!saved) return;
    const added = saved.ruleset || saved;
    context.navigate(PATH, { ruleset_id: added.ruleset_id, version: added.version, added: '1' });
  });
  return h('details', { class: 'create' }, h('summary', { role: 'button', class: 'outline' }, t('rulesets.add_title')),
    h('article', {}, form));
}

export default adminPage('admin-rulesets', PATH, async (main, context) => {
  const messages = h('div', { 'aria-live': 'polite' });
  const listArea = h('div', {}, busy());
  const detailArea = h('div', {});
  show(main, heading(t('rulesets.title')), adminNav(PATH), h('p', {}, t('rulesets.intro')), messages,
    session.hasRole('system_admin') ? addForm(context, messages) : null, listArea, detailArea);
  let reply;
  try {
    reply = await api('GET', '/v1/rulesets');
  } catch (error) {
    if (context.isCurrent()) show(listArea, errorBox(error));
    return;
  }
  if (!context.isCurrent()) return;
  const list = reply.rulesets;
  const inForce = list.find((one) => one.in_force) || list[0];
  const chosen = context.query.ruleset_id && context.query.version
    ? { ruleset_id: context.query.ruleset_id, version: Number(context.query.version) } : inForce;
  show(listArea, versionsTable(list, chosen));
  if (!chosen) return;
  show(detailArea, busy());
  try {
    const one = await api('GET', `/v1/rulesets/${encodeURIComponent(chosen.ruleset_id)}/${chosen.version}`);
    if (!context.isCurrent()) return;
    const ruleset = { ...(one.body || one), ruleset_id: one.ruleset_id, version: one.version };
    show(detailArea, detail(ruleset));
    if (context.query.added) {
      show(messages, notice(t('rulesets.saved', { name: both(ruleset, 'name'), version: ruleset.version }), 'success'));
    }
    if (context.query.ruleset_id) detailArea.querySelector('h2')?.focus();
  } catch (error) {
    if (context.isCurrent()) show(detailArea, errorBox(error));
  }
});

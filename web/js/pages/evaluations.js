// The monthly evaluation (Decree 335/2025): one's own (#/evaluations?month=), a unit's table with the cap and the
// head's approval (#/evaluations/unit?unit_id=&month=), and one person's with the leader's review, the return and
// oversight's reopening (#/evaluations/person/:staff_id?month=). Every number comes from the API (strings with two
// decimals, rounded down); the page never scores anything itself, it only shows each number with its sources.
import { api } from '../api.js';
import { field, h, show, table, uniqueId } from '../dom.js';
import { formatDate, formatDateTime, formatNumber, lang, t, todayInHanoi } from '../i18n.js';
import { link } from '../router.js';
import * as session from '../session.js';
import {
  busy, confirmDialog, errorBox, heading, loadUnits, notice, statusLabel, submitting, unitSelect,
} from '../ui.js';
import { shiftMonth } from './month.js';

const MONTH = /^20\d\d-(0[1-9]|1[0-2])$/;
export const GRADES = ['excellent', 'good', 'completed', 'not_completed'];
const STATES = ['draft', 'self_assessed', 'reviewed', 'locked'];
const ACTIONS = ['compute', 'self_assess', 'review', 'return_to_person', 'approve', 'return_to_review', 'reopen',
  'other_unit_input'];
const WARNINGS = ['criterion_not_entered', 'no_tasks', 'no_subordinates', 'disqualification_not_applicable',
  'disqualification_unknown'];
const ENTRY_ROLES = ['self', 'review', 'other_unit'];
const PARTS = ['quantity', 'quality', 'timeliness'];
// Who holds which step (chamcong/access.py): the API refuses the rest, and a person's own evaluation whatever.
export const READERS = ['staff', 'unit_leader', 'unit_head', 'oversight', 'system_admin'];
export const UNIT_READERS = ['unit_leader', 'unit_head', 'oversight', 'system_admin'];
export const REVIEWERS = ['unit_leader', 'unit_head', 'system_admin'];
export const APPROVERS = ['unit_head', 'system_admin'];
export const REOPENERS = ['oversight', 'system_admin'];

/** The month before this one (the one being evaluated in the first days of a month). */
export function previousMonth() {
  return shiftMonth(todayInHanoi().slice(0, 7), -1);
}

export function chosenMonth(query) {
  return MONTH.test(query.month || '') ? query.month : previousMonth();
}

export function monthName(month) {
  const [year, number] = month.split('-');
  return `${number}/${year}`;
}

/** "87.50" (the API's points, rounded down to 2 decimals) as the language writes it: "87,50". */
export function points(value) {
  if (value === null || value === undefined || value === '') return '—';
  const number = Number(value);
  return Number.isFinite(number) ? formatNumber(number, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : String(value);
}

/** A share 0..1 ("0.66") as a percentage. */
function share(value) {
  if (value === null || value === undefined) return '—';
  const number = Number(value);
  return Number.isFinite(number) ? `${formatNumber(Math.floor(number * 10000) / 100)}%` : String(value);
}

export function gradeLabel(grade) {
  return GRADES.includes(grade) ? t(`evaluations.grade.${grade}`) : (grade || '—');
}

export function gradeBadge(grade) {
  return grade ? h('span', { class: `badge grade-${grade}` }, gradeLabel(grade)) : '—';
}

export function stateLabel(state) {
  return STATES.includes(state) ? t(`evaluations.state.${state}`) : (state || '—');
}

function actionLabel(action) {
  return ACTIONS.includes(action) ? t(`evaluations.action.${action}`) : action;
}

function roleLabel(role) {
  return ENTRY_ROLES.includes(role) ? t(`evaluations.role.${role}`) : role;
}

/** A text the rule set gives in both languages ({label_vi, label_en} or {name_vi, name_en}). */
export function both(item, stem = 'label') {
  if (!item) return '';
  return item[`${stem}_${lang()}`] || item[`${stem}_vi`] || item[stem] || item.code || '';
}

const staffPath = (staffId, month) => `/v1/staff/${encodeURIComponent(staffId)}/evaluations/${month}`;

// ----- the evaluation and its sources ------------------------------------------------------------------------

function criterionSource(criterion, selfPoints) {
  if (criterion.source === 'attendance') {
    const days = (criterion.days || []).filter((day) => Number(day.deduction) > 0);
    if (!days.length) return t('evaluations.no_deduction');
    return h('details', {}, h('summary', {}, t('evaluations.from_attendance', { count: formatNumber(days.length) })),
      h('ul', { class: 'plain' }, days.map((day) => h('li', {}, t('evaluations.day_deduction', {
        day: formatDate(day.day), status: statusLabel(day.status), points: points(day.deduction) })))));
  }
  const entry = criterion.entry;
  const parts = [];
  if (entry) {
    parts.push(h('span', {}, t('evaluations.entry', { points: points(entry.points), who: entry.by,
      role: roleLabel(entry.role) })));
    if (entry.reason) parts.push(h('br'), h('small', {}, t('evaluations.entry_reason', { reason: entry.reason })));
  } else {
    parts.push(h('em', {}, t('evaluations.not_entered')));
  }
  if (selfPoints !== undefined && entry && entry.role !== 'self') {
    parts.push(h('br'), h('small', {}, t('evaluations.self_value', { points: points(selfPoints) })));
  }
  return parts;
}

/** The general criteria of a computed evaluation (rules.evaluation's to_json: general = {points, criteria}). */
function criteriaOf(computed) {
  const general = computed?.general;
  return Array.isArray(general) ? general : general?.criteria || [];
}

function generalPart(evaluation, computed) {
  const general = criteriaOf(computed);
  const max = general.reduce((sum, criterion) => sum + Number(criterion.max_points || 0), 0);
  const selfGeneral = evaluation.self_entry?.general || {};
  return h('section', { 'aria-labelledby': 'evaluation-general' },
    h('h2', { id: 'evaluation-general' }, t('evaluations.general_title', { max: formatNumber(max) })),
    computed.general?.points !== undefined ? h('p', {}, t('evaluations.general_points', {
      points: points(computed.general.points) })) : null,
    table([
      { label: t('evaluations.col_criterion'), cell: (criterion) => both(criterion) },
      { label: t('evaluations.col_max'), class: 'numeric', cell: (criterion) => points(criterion.max_points) },
      { label: t('evaluations.col_points'), class: 'numeric', cell: (criterion) => h('strong', {},
        points(criterion.points)) },
      { label: t('evaluations.col_source'),
        cell: (criterion) => criterionSource(criterion, selfGeneral[criterion.code]) },
    ], general, t('evaluations.general_caption')));
}

const REASONS = ['cancelled', 'not_done', 'done', 'meets_requirements', 'not_meeting_requirements', 'major_errors',
  'major_errors_objective_cause', 'on_time', 'no_deadline', 'not_yet_due', 'late', 'late_objective_cause'];
const TASK_STATUSES = ['assigned', 'in_progress', 'done', 'cancelled'];

function reasonLabel(code) {
  return REASONS.includes(code) ? t(`evaluations.reason.${code}`) : code;
}

/** "100.00" (a percentage the API computed) as "100%". */
function percentText(value) {
  if (value === null || value === undefined) return '—';
  return `${formatNumber(Number(value), { maximumFractionDigits: 2 })}%`;
}

function tasksPart(computed) {
  const tasks = computed.tasks || {};
  const rows = tasks.rows || [];
  const max = tasks.max_points ?? 70;
  const credit = (row, part) => {
    const value = row[`${part}_credit`];
    const reason = row[`${part}_reason`];
    return [value === null || value === undefined ? '—' : points(value),
      reason ? [h('br'), h('small', {}, reasonLabel(reason))] : null];
  };
  return h('section', { 'aria-labelledby': 'evaluation-tasks' },
    h('h2', { id: 'evaluation-tasks' }, t('evaluations.tasks_title', { max: formatNumber(Number(max)) })),
    h('dl', { class: 'counts evaluation-parts' },
      PARTS.map((part) => h('div', { class: 'count', dataset: { part } }, h('dt', {}, t(`evaluations.${part}`)),
        h('dd', {}, percentText(tasks[`${part}_percent`]), tasks[`${part}_points`] !== undefined
          ? h('small', {}, ` ${t('evaluations.part_points', { points: points(tasks[`${part}_points`]) })}`) : null))),
      h('div', { class: 'count', dataset: { part: 'points' } }, h('dt', {}, t('evaluations.tasks_points')),
        h('dd', {}, points(tasks.points)))),
    tasks.own_points !== undefined && computed.unit ? h('p', {}, t('evaluations.own_points', {
      points: points(tasks.own_points) })) : null,
    rows.length ? table([
      { label: t('evaluations.col_task'), cell: (row) => row.title || row.key },
      { label: t('evaluations.col_task_status'), cell: (row) => (TASK_STATUSES.includes(row.status)
        ? t(`tasks.status_${row.status}`) : row.status || '—') },
      { label: t('evaluations.col_weight'), class: 'numeric', cell: (row) => points(row.weight) },
      ...PARTS.map((part) => ({ label: t(`evaluations.credit_${part}`), cell: (row) => credit(row, part) })),
    ], rows, t('evaluations.tasks_caption')) : notice(t('evaluations.no_task_rows')));
}

function unitPart(unit) {
  if (!unit) return null;
  const item = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
  return h('section', { 'aria-labelledby': 'evaluation-unit' },
    h('h2', { id: 'evaluation-unit' }, t('evaluations.unit_title')),
    h('dl', { class: 'evaluation-facts' },
      item(t('evaluations.unit_subordinates'), formatNumber(Number(unit.subordinates ?? 0))),
      item(t('evaluations.unit_mean'), points(unit.mean_task_points)),
      item(t('evaluations.unit_factor'), share(unit.factor ?? 1)),
      item(t('evaluations.unit_points'), points(unit.points))));
}

function summaryPart(evaluation, computed) {
  const item = (label, value, key) => [h('dt', {}, label), h('dd', { dataset: { fact: key } }, value)];
  const deadlines = evaluation.deadlines || {};
  const cap = evaluation.cap;
  const ruleset = evaluation.ruleset ? both(evaluation.ruleset, 'name') || evaluation.ruleset.ruleset_id
    : evaluation.ruleset_id;
  return h('section', { 'aria-labelledby': 'evaluation-summary', class: 'evaluation-summary' },
    h('h2', { id: 'evaluation-summary' }, t('evaluations.summary')),
    h('dl', { class: 'evaluation-facts' },
      item(t('evaluations.total'), h('strong', {}, t('evaluations.total_of', { points: points(evaluation.total) })),
        'total'),
      item(t('evaluations.grade'), gradeBadge(evaluation.grade), 'grade'),
      evaluation.final_grade ? item(t('evaluations.final_grade'), gradeBadge(evaluation.final_grade), 'final_grade')
        : null,
      item(t('evaluations.state'), stateLabel(evaluation.state), 'state'),
      ruleset ? item(t('evaluations.ruleset'), t('evaluations.ruleset_version', { name: ruleset,
        version: evaluation.ruleset?.version ?? evaluation.ruleset_version ?? '' }), 'ruleset') : null,
      Object.keys(deadlines).length ? item(t('evaluations.deadlines'), h('ul', { class: 'plain' },
        ['self_assess', 'review', 'approve'].filter((step) => deadlines[step]).map((step) => h('li', {},
          `${t(`evaluations.deadline_${step}`)}: ${formatDate(String(deadlines[step]).slice(0, 10))}`))), 'deadlines')
        : null),
    cap?.demoted ? notice(t('evaluations.cap_demoted', { by: cap.decided_by || '—' }), 'warning') : null,
    (computed.disqualified_by || []).length ? h('div', {}, h('h3', {}, t('evaluations.disqualified')),
      h('ul', {}, disqualifications(evaluation, computed).map((text) => h('li', {}, text)))) : null,
    (computed.warnings || []).length ? h('div', {}, h('h3', {}, t('evaluations.warnings')),
      h('ul', {}, computed.warnings.map((warning) => h('li', {},
        WARNINGS.includes(warning) ? t(`evaluations.warning.${warning}`) : warning)))) : null);
}

function disqualifications(evaluation, computed) {
  const recorded = new Map((evaluation.review_entry?.disqualifications || []).map((one) => [one.code, one]));
  const cases = new Map((evaluation.disqualifying || []).map((one) => [one.code, one]));
  return computed.disqualified_by.map((code) => {
    const one = recorded.get(code);
    const label = both(cases.get(code), 'label') || code;
    return one?.reason ? `${label}: ${one.reason}` : label;
  });
}

function commentsPart(evaluation) {
  const own = evaluation.self_entry;
  const review = evaluation.review_entry;
  if (!own?.comment && !review?.comment) return null;
  return h('section', { 'aria-labelledby': 'evaluation-comments' },
    h('h2', { id: 'evaluation-comments' }, t('evaluations.comments')),
    own?.comment ? h('blockquote', {}, own.comment, h('footer', {}, t('evaluations.self_comment', { who: own.by })))
      : null,
    review?.comment ? h('blockquote', {}, review.comment, h('footer', {}, t('evaluations.review_comment',
      { who: review.by }))) : null);
}

/** A month split between units: the other units' stays, each with its leader's input once given. */
function otherUnitsPart(evaluation, unitName) {
  const stays = evaluation.other_units || [];
  if (!stays.length) return null;
  const labels = new Map((evaluation.criteria || []).map((criterion) => [criterion.code, both(criterion)]));
  return h('section', { 'aria-labelledby': 'evaluation-other-units' },
    h('h2', { id: 'evaluation-other-units' }, t('evaluations.other_units')),
    table([
      { label: t('evaluations.col_unit'), cell: (stay) => unitName(stay.unit_id) },
      { label: t('evaluations.col_days'),
        cell: (stay) => `${formatDate(stay.first_day)} – ${formatDate(stay.last_day)}` },
      { label: t('evaluations.col_input'), cell: (stay) => (stay.input ? [
        h('ul', { class: 'plain' }, Object.entries(stay.input.general || {}).map(([code, value]) => h('li', {},
          `${labels.get(code) || code}: ${points(value)}`))),
        stay.input.comment ? h('p', {}, stay.input.comment) : null,
        h('small', {}, t('evaluations.other_unit_by', { who: stay.input.by || '—' }))]
        : h('em', {}, t('evaluations.other_unit_waiting'))) },
    ], stays, t('evaluations.other_units_caption')));
}

function historyPart(evaluation) {
  const history = evaluation.history || [];
  if (!history.length) return null;
  return h('section', { 'aria-labelledby': 'evaluation-history' },
    h('h2', { id: 'evaluation-history' }, t('evaluations.history')),
    table([
      { label: t('evaluations.col_at'), cell: (step) => (step.at ? formatDateTime(step.at) : '—') },
      { label: t('evaluations.col_action'), cell: (step) => actionLabel(step.action) },
      { label: t('evaluations.col_change'), cell: (step) => (step.from && step.from !== step.to
        ? `${stateLabel(step.from)} → ${stateLabel(step.to)}` : stateLabel(step.to)) },
      { label: t('evaluations.col_by'), cell: (step) => step.by || '—' },
      { label: t('evaluations.col_why'), cell: (step) => step.reason || '—' },
    ], history, t('evaluations.history_caption')));
}

/** Everything an evaluation says, with its sources: the parts in order, then comments and history. */
export function evaluationDetail(evaluation, unitName = (unitId) => unitId) {
  const computed = evaluation.computed || {};
  return h('div', { class: 'evaluation', dataset: { state: evaluation.state } },
    summaryPart(evaluation, computed), generalPart(evaluation, computed), tasksPart(computed),
    unitPart(computed.unit), otherUnitsPart(evaluation, unitName), commentsPart(evaluation), historyPart(evaluation));
}

/** The criteria a person or a leader enters (source "entry"), with their labels and maximums. */
function entryCriteria(evaluation) {
  if (evaluation.criteria?.length) return evaluation.criteria.filter((criterion) => criterion.source === 'entry');
  const fromComputed = criteriaOf(evaluation.computed).filter((criterion) => criterion.source === 'entry');
  return fromComputed;
}

function pointsInput(max, value) {
  return h('input', { type: 'number', min: 0, max: Number(max), step: '0.01', inputmode: 'decimal', required: true,
    value: value === undefined || value === null ? '' : String(Number(value)) });
}

// ----- the forms -------------------------------------------------------------------------------------------

function selfAssessmentForm(evaluation, month, done) {
  const previous = evaluation.self_entry?.general || {};
  const inputs = entryCriteria(evaluation).map((criterion) => ({ criterion,
    input: pointsInput(criterion.max_points, previous[criterion.code]) }));
  const comment = h('textarea', { rows: 3, maxlength: 2000 });
  comment.value = evaluation.self_entry?.comment || '';
  const where = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('evaluations.self_submit'));
  const form = h('form', { class: 'evaluation-form self-assessment' },
    h('p', {}, t('evaluations.self_hint')),
    inputs.map(({ criterion, input }) => field(t('evaluations.points_of', { label: both(criterion),
      max: points(criterion.max_points) }), input)),
    field(t('evaluations.comment'), comment), where, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { general: Object.fromEntries(inputs.map(({ criterion, input }) => [criterion.code,
      Number(input.value)])), comment: comment.value.trim() || null };
    const saved = await submitting(button, where, () => api('PUT',
      `${staffPath(evaluation.staff_id, month)}/self-assessment`, { body }));
    if (saved) done(saved, t('evaluations.self_saved'));
  });
  return h('section', { 'aria-labelledby': 'evaluation-self' },
    h('h2', { id: 'evaluation-self', tabindex: '-1' }, t('evaluations.self_title')), h('article', {}, form));
}

function reviewForm(evaluation, month, done) {
  const own = evaluation.self_entry?.general || {};
  const reviewed = evaluation.review_entry?.general || {};
  const rows = entryCriteria(evaluation).map((criterion) => {
    const before = reviewed[criterion.code];
    const input = pointsInput(criterion.max_points, before?.points ?? own[criterion.code]);
    const reason = h('input', { type: 'text', maxlength: 500, value: before?.reason || '' });
    const reasonField = field(t('evaluations.reason_for', { label: both(criterion) }), reason,
      t('evaluations.reason_needed'));
    const differs = () => own[criterion.code] === undefined || Number(input.value) !== Number(own[criterion.code]);
    const update = () => {
      reasonField.hidden = !differs();
      reason.required = differs();
    };
    input.addEventListener('input', update);
    update();
    return { criterion, input, reason, differs, node: h('div', { class: 'review-criterion' },
      field(t('evaluations.points_of', { label: both(criterion), max: points(criterion.max_points) }), input,
        own[criterion.code] !== undefined ? t('evaluations.self_value', { points: points(own[criterion.code]) })
          : null),
      reasonField) };
  });
  const recorded = new Map((evaluation.review_entry?.disqualifications || []).map((one) => [one.code, one]));
  const cases = (evaluation.disqualifying || []).filter((one) => !one.leaders_only || evaluation.is_leader)
    .map((one) => {
      const id = uniqueId('disqualifying');
      const box = h('input', { type: 'checkbox', id, value: one.code, checked: recorded.has(one.code) });
      const reason = h('input', { type: 'text', maxlength: 500, value: recorded.get(one.code)?.reason || '' });
      const reasonField = field(t('evaluations.disqualifying_reason', { label: both(one) }), reason);
      const update = () => {
        reasonField.hidden = !box.checked;
        reason.required = box.checked;
      };
      box.addEventListener('change', update);
      update();
      return { one, box, reason, node: h('li', {}, h('label', { for: id }, box, ' ', both(one)), reasonField) };
    });
  const comment = h('textarea', { rows: 3, maxlength: 2000 });
  comment.value = evaluation.review_entry?.comment || '';
  const where = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('evaluations.review_submit'));
  const form = h('form', { class: 'evaluation-form review' }, h('p', {}, t('evaluations.review_hint')),
    rows.map((row) => row.node),
    cases.length ? h('fieldset', {}, h('legend', {}, t('evaluations.disqualifying_legend')),
      h('ul', { class: 'plain' }, cases.map((one) => one.node))) : null,
    field(t('evaluations.comment'), comment), where, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      general: Object.fromEntries(rows.map((row) => [row.criterion.code, { points: Number(row.input.value),
        reason: row.reason.value.trim() || null }])),
      disqualifications: cases.filter((one) => one.box.checked).map((one) => ({ code: one.one.code,
        reason: one.reason.value.trim() })),
      comment: comment.value.trim() || null,
    };
    const saved = await submitting(button, where, () => api('PUT', `${staffPath(evaluation.staff_id, month)}/review`,
      { body }));
    if (saved) done(saved, t('evaluations.review_saved'));
  });
  return h('section', { 'aria-labelledby': 'evaluation-review' },
    h('h2', { id: 'evaluation-review', tabindex: '-1' }, t('evaluations.review_title')), h('article', {}, form));
}

function reasonForm(title, label, buttons, hint) {
  const reason = h('textarea', { rows: 2, minlength: 3, maxlength: 500, required: true });
  const where = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'evaluation-form' }, hint ? h('p', {}, hint) : null, field(label, reason), where,
    h('div', { class: 'row-actions' }, buttons.map(({ text, action, kind }) => {
      const button = h('button', { type: 'button', class: kind || 'secondary' }, text);
      button.addEventListener('click', async () => {
        if (!form.reportValidity()) return;
        await submitting(button, where, () => action(reason.value.trim()));
      });
      return button;
    })));
  return h('details', { class: 'entry' }, h('summary', { role: 'button', class: 'outline secondary' }, title),
    h('article', {}, form));
}

// ----- the pages -------------------------------------------------------------------------------------------

function monthFilter(context, path, month, extra = () => ({}), before = []) {
  const input = h('input', { type: 'month', value: month, required: true, pattern: '\\d{4}-\\d{2}' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t(before.length ? 'evaluations.unit_filter'
    : 'evaluations.filter') }, before, field(t('evaluations.month'), input),
  h('button', { type: 'submit', class: 'secondary' }, t('common.show')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    context.navigate(path, { ...extra(), month: MONTH.test(input.value) ? input.value : month });
  });
  return form;
}

/** One person's evaluation with what the signed-in account may do with it. */
async function renderEvaluation(area, context, staffId, month, { messages, reviewing }) {
  show(area, busy());
  let evaluation;
  try {
    evaluation = await api('GET', staffPath(staffId, month));
  } catch (error) {
    if (!context.isCurrent()) return null;
    show(area, error.code === 'evaluation_not_found' ? notice(t('evaluations.not_yet')) : errorBox(error));
    return null;
  }
  if (!context.isCurrent()) return null;
  const own = session.current()?.account?.staff_id === evaluation.staff_id;
  const reload = async (saved, text) => {
    show(messages, notice(text, 'success'));
    await renderEvaluation(area, context, staffId, month, { messages, reviewing });
  };
  const forms = [];
  const state = evaluation.state;
  if (own && ['draft', 'self_assessed'].includes(state)) forms.push(selfAssessmentForm(evaluation, month, reload));
  if (reviewing && !own && session.hasRole(...REVIEWERS) && ['draft', 'self_assessed', 'reviewed'].includes(state)) {
    forms.push(reviewForm(evaluation, month, reload));
  }
  const returnTo = (to) => async (reason) => {
    const saved = await api('POST', `${staffPath(staffId, month)}/return`, { body: { to, reason } });
    await reload(saved, t('evaluations.returned'));
    return saved;
  };
  if (reviewing && !own) {
    const buttons = [];
    if (session.hasRole(...REVIEWERS) && ['self_assessed', 'reviewed'].includes(state)) {
      buttons.push({ text: t('evaluations.return_person'), action: returnTo('person') });
    }
    if (session.hasRole(...APPROVERS) && state === 'reviewed') {
      buttons.push({ text: t('evaluations.return_review'), action: returnTo('review') });
    }
    if (buttons.length) forms.push(reasonForm(t('evaluations.return_title'), t('evaluations.return_reason'), buttons));
    if (session.hasRole(...REOPENERS) && state === 'locked') {
      forms.push(reasonForm(t('evaluations.reopen_title'), t('evaluations.reopen_reason'), [{
        text: t('evaluations.reopen'), kind: 'danger', action: async (reason) => {
          const saved = await api('POST', `${staffPath(staffId, month)}/reopen`, { body: { reason } });
          await reload(saved, t('evaluations.reopened'));
          return saved;
        } }], t('evaluations.reopen_hint')));
    }
  }
  let unitName = (unitId) => unitId;
  if (evaluation.other_units?.length) {
    // Unit names for a split month, when the account may list units (a civil servant reads the ids).
    const units = await loadUnits().catch(() => []);
    const names = new Map(units.map((unit) => [unit.unit_id, unit.name]));
    unitName = (unitId) => names.get(unitId) || unitId;
    if (!context.isCurrent()) return null;
  }
  show(area, evaluationDetail(evaluation, unitName), forms);
  return evaluation;
}

export default {
  id: 'evaluations',
  path: '/evaluations',
  title: 'evaluations.title',
  nav: { order: 57, label: 'evaluations.nav', visible: (s) => Boolean(s.current()?.account?.staff_id) },
  allowed: (s) => s.hasRole(...READERS),
  async render(main, context) {
    const month = chosenMonth(context.query);
    const staffId = session.current()?.account?.staff_id;
    const messages = h('div', { 'aria-live': 'polite' });
    const area = h('div', {});
    const unitLink = session.hasRole(...UNIT_READERS) ? h('a', { href: link('/evaluations/unit', { month }) },
      t('evaluations.open_unit')) : null;
    show(main, heading(t('evaluations.title'), unitLink), h('p', {}, t('evaluations.intro')),
      monthFilter(context, '/evaluations', month), messages, area);
    if (!staffId) {
      show(area, notice(t('evaluations.no_staff')));
      return;
    }
    await renderEvaluation(area, context, staffId, month, { messages, reviewing: false });
  },
};

export const evaluationsPerson = {
  id: 'evaluations-person',
  path: '/evaluations/person/:staff_id',
  title: 'evaluations.person_title',
  section: 'evaluations-unit',
  allowed: (s) => s.hasRole(...READERS),
  async render(main, context) {
    const month = chosenMonth(context.query);
    const staffId = context.params.staff_id;
    const messages = h('div', { 'aria-live': 'polite' });
    const area = h('div', {});
    const title = h('span', {}, t('evaluations.person_title'));
    const back = session.hasRole(...UNIT_READERS) ? h('p', {}, h('a', { href: link('/evaluations/unit', {
      month, unit_id: context.query.unit_id }) }, t('evaluations.back_unit'))) : null;
    show(main, back, heading(title), monthFilter(context, `/evaluations/person/${staffId}`, month,
      () => (context.query.unit_id ? { unit_id: context.query.unit_id } : {})), messages, area);
    const evaluation = await renderEvaluation(area, context, staffId, month, { messages, reviewing: true });
    if (evaluation && context.isCurrent()) {
      show(title, t('evaluations.person_named', { name: evaluation.full_name || staffId, month: monthName(month) }));
    }
  },
};

// ----- a unit's month --------------------------------------------------------------------------------------

const WAITING = { draft: 'person', self_assessed: 'reviewer', reviewed: 'head', locked: 'nobody' };

function countsPart(reply) {
  const counts = reply.counts || {};
  const deadlines = reply.deadlines || {};
  return h('section', { 'aria-labelledby': 'evaluation-counts' },
    h('h2', { id: 'evaluation-counts' }, t('evaluations.counts_title')),
    h('p', {}, t('evaluations.counts_hint')),
    h('dl', { class: 'counts evaluation-counts' }, GRADES.map((grade) => h('div', { class: 'count',
      dataset: { grade } }, h('dt', {}, gradeLabel(grade)), h('dd', {}, formatNumber(Number(counts[grade] ?? 0)))))),
    Object.keys(deadlines).length ? h('p', {}, t('evaluations.unit_deadlines', {
      self_assess: formatDate(String(deadlines.self_assess).slice(0, 10)),
      review: formatDate(String(deadlines.review).slice(0, 10)),
      approve: formatDate(String(deadlines.approve).slice(0, 10)) })) : null);
}

function capList(reply) {
  const cap = reply.cap ?? reply.caps ?? [];
  if (Array.isArray(cap)) return cap;
  if (cap && typeof cap === 'object' && 'limit' in cap) return [{ duty_group: 'chung', ...cap }];
  return Object.entries(cap || {}).map(([group, one]) => ({ duty_group: group, ...one }));
}

function capPart(caps, nameOf, ruleset) {
  if (!caps.length) return null;
  const names = (ids) => (ids || []).map(nameOf).join(', ') || '—';
  return h('section', { 'aria-labelledby': 'evaluation-cap', class: 'evaluation-cap' },
    h('h2', { id: 'evaluation-cap' }, t('evaluations.cap_title', { group: caps.map((cap) => cap.duty_group)
      .join(', ') })),
    h('p', {}, t('evaluations.cap_rule', { name: ruleset ? both(ruleset, 'name') || ruleset.ruleset_id : '' })),
    caps.map((cap) => h('article', { dataset: { group: cap.duty_group, binds: String(Boolean(cap.binds)) } },
      caps.length > 1 ? h('h3', {}, cap.duty_group) : null,
      h('p', {}, h('strong', {}, t('evaluations.cap_limit', { limit: formatNumber(Number(cap.limit ?? 0)) })), ' — ',
        cap.binds ? t('evaluations.cap_binds') : t('evaluations.cap_free')),
      cap.binds ? h('dl', { class: 'evaluation-facts' },
        h('dt', {}, t('evaluations.cap_keep')), h('dd', {}, names(cap.keep)),
        h('dt', {}, t('evaluations.cap_demote')), h('dd', {}, names(cap.demote)),
        (cap.tied || []).length ? [
          h('dt', {}, t('evaluations.cap_tied', { slots: formatNumber(Number(cap.slots ?? 0)) })),
          h('dd', {}, names(cap.tied))] : null) : null)));
}

function approvalPart(reply, caps, nameOf, unitName, month, done) {
  const choices = caps.filter((cap) => (cap.tied || []).length).map((cap) => {
    const boxes = cap.tied.map((staffId) => {
      const id = uniqueId('tied');
      const box = h('input', { type: 'checkbox', id, value: staffId });
      return { box, node: h('li', {}, h('label', { for: id }, box, ' ', nameOf(staffId))) };
    });
    const counter = h('p', { role: 'status', class: 'notice' });
    const count = () => {
      const chosen = boxes.filter(({ box }) => box.checked).length;
      counter.textContent = t('evaluations.choose_count', { count: formatNumber(chosen),
        slots: formatNumber(Number(cap.slots)) });
    };
    boxes.forEach(({ box }) => box.addEventListener('change', count));
    count();
    return { cap, boxes, node: h('fieldset', { dataset: { slots: String(cap.slots), group: cap.duty_group } },
      h('legend', {}, t('evaluations.choose_tied', { group: cap.duty_group,
      slots: formatNumber(Number(cap.slots)) })), h('ul', { class: 'plain' }, boxes.map(({ node }) => node)),
    counter) };
  });
  const where = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('evaluations.approve'));
  const form = h('form', { class: 'evaluation-form approve' }, h('p', {}, t('evaluations.approve_hint')),
    choices.map((choice) => choice.node), where, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const question = h('p', {}, t('evaluations.approve_question', { month: monthName(month), unit: unitName }));
    if (!await confirmDialog(t('evaluations.approve_title'), question, t('evaluations.approve'))) return;
    const excellent = choices.flatMap((choice) => choice.boxes.filter(({ box }) => box.checked)
      .map(({ box }) => box.value));
    const saved = await submitting(button, where, () => api('POST',
      `/v1/units/${encodeURIComponent(reply.unit_id)}/evaluations/${month}/approve`, { body: { excellent } }));
    if (saved) done(saved);
  });
  return h('section', { 'aria-labelledby': 'evaluation-approve' },
    h('h2', { id: 'evaluation-approve' }, t('evaluations.approve_title')), h('article', {}, form));
}

export const evaluationsUnit = {
  id: 'evaluations-unit',
  path: '/evaluations/unit',
  title: 'evaluations.unit_page',
  nav: { order: 58, label: 'evaluations.unit_nav' },
  allowed: (s) => s.hasRole(...UNIT_READERS),
  async render(main, context) {
    const month = chosenMonth(context.query);
    show(main, heading(t('evaluations.unit_page')), busy());
    let units;
    try {
      units = await loadUnits();
    } catch (error) {
      if (context.isCurrent()) show(main, heading(t('evaluations.unit_page')), errorBox(error));
      return;
    }
    if (!context.isCurrent()) return;
    const known = new Set(units.map((unit) => unit.unit_id));
    const led = session.grantedUnits('unit_leader', 'unit_head').filter((id) => known.has(id));
    const unitId = known.has(context.query.unit_id) ? context.query.unit_id : led[0] || units[0]?.unit_id;
    if (!unitId) {
      show(main, heading(t('evaluations.unit_page')), notice(t('evaluations.no_units')));
      return;
    }
    const unitName = units.find((unit) => unit.unit_id === unitId)?.name || '';
    const select = unitSelect(units, unitId);
    const filter = monthFilter(context, '/evaluations/unit', month, () => ({ unit_id: select.value }),
      [field(t('common.unit'), select)]);
    const messages = h('div', { 'aria-live': 'polite' });
    const area = h('div', {}, busy());
    const unitPath = `/v1/units/${encodeURIComponent(unitId)}/evaluations/${month}`;
    const computeButton = session.hasRole(...REVIEWERS) ? h('button', { type: 'button', class: 'secondary' },
      t('evaluations.compute')) : null;
    show(main, heading(t('evaluations.unit_page')), filter, computeButton ? h('div', { class: 'toolbar' },
      h('p', {}, h('small', {}, t('evaluations.compute_hint'))), computeButton) : null, messages, area);

    async function load() {
      let reply;
      try {
        reply = await api('GET', unitPath);
      } catch (error) {
        if (context.isCurrent()) show(area, errorBox(error));
        return;
      }
      if (!context.isCurrent()) return;
      const { rows } = reply;
      const names = new Map(rows.map((row) => [row.staff_id, row.full_name]));
      const nameOf = (staffId) => names.get(staffId) || staffId;
      if (!rows.length) {
        show(area, notice(t('evaluations.unit_empty')));
        return;
      }
      const personLink = (row) => h('a', { href: link(`/evaluations/person/${row.staff_id}`, { month,
        unit_id: unitId }), 'aria-label': t('evaluations.open_person', { name: row.full_name }) }, row.full_name);
      const caps = capList(reply);
      const waiting = (row) => {
        const who = WAITING[row.state];
        return ['person', 'reviewer', 'head', 'nobody'].includes(who) ? t(`evaluations.waiting.${who}`)
          : (who || '—');
      };
      const allReviewed = rows.every((row) => ['reviewed', 'locked'].includes(row.state)
        || row.staff_id === session.current()?.account?.staff_id);
      const pending = rows.some((row) => row.state === 'reviewed');
      const approving = session.hasRole(...APPROVERS) && pending;
      show(area,
        table([
          { label: t('evaluations.col_name'), cell: (row) => [personLink(row), row.is_leader
            ? h('small', {}, ` ${t('evaluations.leader_mark')}`) : null] },
          { label: t('evaluations.col_group'), cell: (row) => row.duty_group || '—' },
          // The parts, when the API lists them with each row (the person's page always has them).
          ...['general', 'tasks', 'unit'].filter((part) => rows.some((row) => row[part] !== undefined))
            .map((part) => ({ label: t(`evaluations.col_${part}`), class: 'numeric',
              cell: (row) => (row[part] === null || row[part] === undefined ? '—' : points(row[part])) })),
          { label: t('evaluations.col_total'), class: 'numeric', cell: (row) => h('strong', {}, points(row.total)) },
          { label: t('evaluations.col_grade'), cell: (row) => gradeBadge(row.grade) },
          { label: t('evaluations.col_final'), cell: (row) => [gradeBadge(row.final_grade), row.cap?.demoted
            ? h('small', {}, ` ${t('evaluations.demoted_by_cap')}`) : null] },
          { label: t('evaluations.col_state'), cell: (row) => stateLabel(row.state) },
          { label: t('evaluations.col_waiting'), cell: waiting },
        ], rows, t('evaluations.table_caption', { month: monthName(month) })),
        countsPart(reply), capPart(caps, nameOf, reply.ruleset),
        approving ? (allReviewed ? approvalPart(reply, caps, nameOf, unitName, month, async (saved) => {
          const count = saved.rows.filter((row) => row.state === 'locked').length;
          show(messages, notice(t('evaluations.approved', { count: formatNumber(Number(count || 0)) }), 'success'));
          await load();
        }) : notice(t('evaluations.not_ready'), 'warning')) : null);
    }

    if (computeButton) {
      computeButton.addEventListener('click', async () => {
        const done = await submitting(computeButton, messages, () => api('POST', `${unitPath}/compute`));
        if (!done) return;
        const count = done.rows.length;
        show(messages, notice(t('evaluations.computed', { count: formatNumber(Number(count)) }), 'success'));
        await load();
      });
    }
    await load();
  },
};

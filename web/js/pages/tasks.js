// Tasks from the e-office system: a unit's (#/tasks?unit=&period=&date=) and a person's
// (#/tasks/person/:staff_id?period=&date=), one module for both: the period chosen (day, month, quarter), the
// counts the afternoon reports use, and the list with status, due, completed and late.
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { formatDate, formatDateTime, formatNumber, t, todayInHanoi } from '../i18n.js';
import { link } from '../router.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, unitSelect } from '../ui.js';

const DAY = /^20\d\d-(0[1-9]|1[0-2])-\d\d$/;
const PERIODS = ['day', 'month', 'quarter'];
// Who reads a unit's tasks (tasks:read on a unit in chamcong/access.py); who imports a file (tasks:import).
export const UNIT_READERS = ['unit_leader', 'unit_head', 'oversight', 'system_admin'];
export const IMPORTERS = ['unit_admin', 'system_admin'];
const COUNTS = ['assigned', 'done', 'open', 'late', 'late_objective_cause', 'cancelled'];

function choice(context) {
  const period = PERIODS.includes(context.query.period) ? context.query.period : 'day';
  const date = DAY.test(context.query.date || '') ? context.query.date : todayInHanoi();
  return { period, date };
}

function periodForm(context, path, { period, date }, extra = {}, before = []) {
  const periodSelect = h('select', {}, PERIODS.map((value) => h('option', { value, selected: value === period },
    t(`tasks.period_${value}`))));
  const dateInput = h('input', { type: 'date', value: date, required: true });
  const form = h('form', { class: 'toolbar tasks-filters' }, before,
    field(t('tasks.period'), periodSelect), field(t('common.date'), dateInput),
    h('div', {}, h('button', { type: 'submit' }, t('common.show'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = { ...extra(), period: periodSelect.value, date: dateInput.value };
    context.navigate(path, query);
  });
  return form;
}

function countsList(reply) {
  const { counts } = reply;
  const item = (label, value) => h('div', { class: 'count' }, h('dt', {}, label), h('dd', {}, value));
  return h('section', { class: 'task-counts' }, h('h2', {}, t('tasks.counts_title', {
    first: formatDate(reply.first_day), last: formatDate(reply.last_day) })),
  h('dl', { class: 'counts' }, COUNTS.map((key) => item(t(`tasks.count_${key}`), formatNumber(counts[key]))),
    item(t('tasks.count_weight'), `${formatNumber(counts.weight_done)} / ${formatNumber(counts.weight_assigned)}`)));
}

function when(iso) {
  return iso ? formatDateTime(iso) : '—';
}

function tasksTable(tasks, nameOf) {
  if (!tasks.length) return notice(t('tasks.empty'));
  const columns = [
    { label: t('tasks.col_title'), cell: (task) => [h('strong', {}, task.title),
      task.document_number ? h('small', {}, ` (${task.document_number})`) : null] },
    nameOf ? { label: t('tasks.col_person'), cell: (task) => h('a', {
      href: link(`/tasks/person/${task.staff_id}`) }, nameOf(task)) } : null,
    { label: t('tasks.col_status'), cell: (task) => h('span', { class: `badge task-${task.status}` },
      t(`tasks.status_${task.status}`)) },
    { label: t('tasks.col_assigned'), cell: (task) => when(task.assigned_at) },
    { label: t('tasks.col_due'), cell: (task) => when(task.due_at) },
    { label: t('tasks.col_completed'), cell: (task) => when(task.completed_at) },
    { label: t('tasks.col_late'), cell: (task) => {
      if (!task.late) return t('common.no');
      return task.late_objective_cause ? t('tasks.late_objective') : h('strong', { class: 'late' }, t('common.yes'));
    } },
  ].filter(Boolean);
  return table(columns, tasks, t('tasks.list_caption'));
}

async function renderUnit(main, context) {
  const chosen = choice(context);
  const messages = h('div', { 'aria-live': 'polite' });
  const results = h('div', {}, busy());
  const importLink = session.hasRole(...IMPORTERS) ? h('a', { href: '#/tasks/import' }, t('tasks_import.title'))
    : null;
  show(main, heading(t('tasks.title'), importLink), h('p', {}, t('tasks.intro')), messages, results);
  let units;
  try {
    units = await loadUnits();
  } catch (error) {
    show(results, errorBox(error));
    return;
  }
  if (!context.isCurrent()) return;
  if (!units.length) {
    show(results, notice(t('tasks.no_units')));
    return;
  }
  const unitId = units.some((unit) => unit.unit_id === context.query.unit) ? context.query.unit : units[0].unit_id;
  const select = unitSelect(units, unitId);
  const form = periodForm(context, '/tasks', chosen, () => ({ unit: select.value }), [field(t('common.unit'), select)]);
  select.addEventListener('change', () => form.requestSubmit());
  results.before(form);
  let reply;
  let staff;
  try {
    [reply, staff] = await Promise.all([
      api('GET', `/v1/units/${encodeURIComponent(unitId)}/tasks`, { query: chosen }),
      api('GET', '/v1/staff', { query: { unit_id: unitId } }).then((answer) => answer.staff, () => []),
    ]);
  } catch (error) {
    if (context.isCurrent()) show(results, errorBox(error));
    return;
  }
  if (!context.isCurrent()) return;
  const names = new Map(staff.map((person) => [person.staff_id, person.full_name]));
  const nameOf = (row) => names.get(row.staff_id) || row.employee_code || row.staff_id;
  const codes = new Map(reply.tasks.map((task) => [task.staff_id, task.employee_code]));
  const people = reply.people.length ? table([
    { label: t('common.name'), cell: (row) => h('a', { href: link(`/tasks/person/${row.staff_id}`, chosen) },
      names.get(row.staff_id) || codes.get(row.staff_id) || row.staff_id) },
    ...['assigned', 'done', 'open', 'late'].map((key) => ({ label: t(`tasks.count_${key}`), class: 'numeric',
      cell: (row) => formatNumber(row.counts[key]) })),
  ], reply.people, t('tasks.people_caption')) : null;
  show(results, countsList(reply), people, h('h2', {}, t('tasks.list_title')), tasksTable(reply.tasks, nameOf));
}

async function renderPerson(main, context) {
  const staffId = context.params.staff_id;
  const chosen = choice(context);
  const results = h('div', {}, busy());
  const title = h('span', {}, t('tasks.person_title'));
  const back = session.hasRole(...UNIT_READERS) ? h('p', {}, h('a', { href: link('/tasks', chosen) }, t('tasks.back')))
    : null;
  show(main, back, heading(title),
    periodForm(context, `/tasks/person/${staffId}`, chosen, () => ({})), results);
  let reply;
  let person = null;
  try {
    [reply, person] = await Promise.all([
      api('GET', `/v1/staff/${encodeURIComponent(staffId)}/tasks`, { query: chosen }),
      api('GET', `/v1/staff/${encodeURIComponent(staffId)}`).catch(() => null),
    ]);
  } catch (error) {
    if (context.isCurrent()) show(results, errorBox(error));
    return;
  }
  if (!context.isCurrent()) return;
  if (person) show(title, t('tasks.person_named', { name: person.full_name }));
  show(results, countsList(reply), h('h2', {}, t('tasks.list_title')), tasksTable(reply.tasks, null));
}

export const personTasks = {
  id: 'tasks-person',
  path: '/tasks/person/:staff_id',
  title: 'tasks.person_title',
  // A civil servant's own tasks; leaders and oversight reach anyone's in their scope from the unit's list.
  nav: {
    order: 31,
    label: 'tasks.mine',
    path: (s) => `/tasks/person/${encodeURIComponent(s.current().account?.staff_id || '')}`,
    visible: (s) => Boolean(s.current()?.account?.staff_id) && !s.hasRole(...UNIT_READERS),
  },
  section: 'tasks',
  allowed: (s) => Boolean(s.current()),
  render: renderPerson,
};

export default {
  id: 'tasks',
  path: '/tasks',
  title: 'tasks.title',
  nav: { order: 55 },
  allowed: (s) => s.hasRole(...UNIT_READERS),
  render: renderUnit,
};

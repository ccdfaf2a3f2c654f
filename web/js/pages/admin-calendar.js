// Work calendars: the site's and a unit's own hours by date range and holidays / make-up working days, each part
// either set here or inherited (from a parent unit, the site, or the product's defaults), as PUT expects.
import { api } from '../api.js';
import { field, h, show, uniqueId } from '../dom.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, submitting, unitTree } from '../ui.js';
import { adminNav, adminPage, unitNamer } from './admin-common.js';

const PATH = '/admin/calendar';
const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];  // 0 = Monday … 6 = Sunday, as the API counts them
const DEFAULT_SCHEDULE = { valid_from: '2000-01-01', valid_to: null, check_in: '05:30-08:00',
  check_out: '16:30-18:00', work_start: '07:30', work_end: '17:00', late_grace_minutes: 0, early_grace_minutes: 0,
  weekdays: [0, 1, 2, 3, 4] };

function input(type, value, extra) {
  return h('input', { type, value: value ?? '', ...extra });
}

/** One period of working hours as inputs; read() gives the API's ScheduleSpec. */
function scheduleRow(schedule, onRemove) {
  const [checkInFrom, checkInTo] = schedule.check_in.split('-');
  const [checkOutFrom, checkOutTo] = schedule.check_out.split('-');
  const inputs = {
    valid_from: input('date', schedule.valid_from, { required: true }),
    valid_to: input('date', schedule.valid_to),
    work_start: input('time', schedule.work_start, { required: true }),
    work_end: input('time', schedule.work_end, { required: true }),
    check_in_from: input('time', checkInFrom, { required: true }),
    check_in_to: input('time', checkInTo, { required: true }),
    check_out_from: input('time', checkOutFrom, { required: true }),
    check_out_to: input('time', checkOutTo, { required: true }),
    late_grace_minutes: input('number', schedule.late_grace_minutes, { min: 0, max: 120, step: 1, required: true }),
    early_grace_minutes: input('number', schedule.early_grace_minutes, { min: 0, max: 120, step: 1,
      required: true }),
  };
  const days = WEEKDAYS.map((day) => {
    const box = h('input', { type: 'checkbox', id: uniqueId('weekday'), checked: schedule.weekdays.includes(day) });
    return { day, box, label: h('label', { for: box.id }, box, t(`admin.calendar.weekday_${day}`)) };
  });
  const element = h('fieldset', { class: 'schedule' }, h('legend', {}, t('admin.calendar.period')),
    h('div', { class: 'toolbar' }, field(t('admin.calendar.valid_from'), inputs.valid_from),
      field(t('admin.calendar.valid_to'), inputs.valid_to, t('admin.calendar.valid_to_hint'))),
    h('div', { class: 'toolbar' }, field(t('admin.calendar.work_start'), inputs.work_start),
      field(t('admin.calendar.work_end'), inputs.work_end)),
    h('div', { class: 'toolbar' }, field(t('admin.calendar.check_in_from'), inputs.check_in_from),
      field(t('admin.calendar.check_in_to'), inputs.check_in_to)),
    h('div', { class: 'toolbar' }, field(t('admin.calendar.check_out_from'), inputs.check_out_from),
      field(t('admin.calendar.check_out_to'), inputs.check_out_to)),
    h('div', { class: 'toolbar' }, field(t('admin.calendar.late_grace'), inputs.late_grace_minutes),
      field(t('admin.calendar.early_grace'), inputs.early_grace_minutes)),
    h('fieldset', { class: 'weekdays' }, h('legend', {}, t('admin.calendar.weekdays')), days.map((d) => d.label)),
    h('button', { type: 'button', class: 'outline secondary small', onclick: () => onRemove(row) },
      t('admin.calendar.remove_period')));
  const row = {
    element,
    read: () => ({
      valid_from: inputs.valid_from.value, valid_to: inputs.valid_to.value || null,
      check_in: `${inputs.check_in_from.value}-${inputs.check_in_to.value}`,
      check_out: `${inputs.check_out_from.value}-${inputs.check_out_to.value}`,
      work_start: inputs.work_start.value, work_end: inputs.work_end.value,
      late_grace_minutes: Number(inputs.late_grace_minutes.value),
      early_grace_minutes: Number(inputs.early_grace_minutes.value),
      weekdays: days.filter((d) => d.box.checked).map((d) => d.day),
    }),
  };
  return row;
}

/** One holiday or make-up working day as inputs; read() gives the API's HolidaySpec. */
function holidayRow(holiday, onRemove) {
  const day = input('date', holiday.date, { required: true });
  const name = input('text', holiday.name, { required: true, maxlength: 200 });
  const working = h('input', { type: 'checkbox', id: uniqueId('working'), checked: holiday.working });
  const element = h('div', { class: 'toolbar holiday' }, field(t('admin.calendar.holiday_date'), day),
    field(t('admin.calendar.holiday_name'), name),
    h('label', { for: working.id, class: 'inline-check' }, working, t('admin.calendar.working_day')),
    h('button', { type: 'button', class: 'outline secondary small', onclick: () => onRemove(row),
      'aria-label': t('admin.calendar.remove_holiday_named', { name: holiday.name || '' }) },
    t('admin.calendar.remove_holiday')));
  const row = { element, read: () => ({ date: day.value, name: name.value, working: working.checked }) };
  return row;
}

/** One part of the calendar (hours or holidays): "own" (edited here) or inherited (shown, disabled). */
function part({ title, own, origin, canWrite, scopeName, rows, makeRow, blank, addLabel }) {
  const list = h('div', {});
  const current = [];
  const remove = (row) => {
    current.splice(current.indexOf(row), 1);
    row.element.remove();
  };
  const add = (value) => {
    const row = makeRow(value, remove);
    current.push(row);
    list.append(row.element);
    return row;
  };
  rows.forEach(add);
  const addButton = h('button', { type: 'button', class: 'outline small', onclick: () => {
    const row = add(blank());
    row.element.querySelector('input')?.focus();
  } }, addLabel);
  const body = h('fieldset', { disabled: !own || !canWrite }, list, addButton);
  const toggle = h('input', { type: 'checkbox', role: 'switch', id: uniqueId('own'), checked: own });
  toggle.addEventListener('change', () => {
    body.disabled = !toggle.checked;
  });
  return {
    element: h('section', { class: 'calendar-part' }, h('h2', {}, title), h('p', { class: 'origin' }, origin),
      canWrite ? h('label', { for: toggle.id }, toggle, t('admin.calendar.own', { scope: scopeName })) : null,
      body),
    read: () => (toggle.checked ? current.map((row) => row.read()) : null),
  };
}

export default adminPage('admin-calendar', PATH, async (main, context) => {
  const unitId = context.query.unit_id || '';
  const messages = h('div', { 'aria-live': 'polite' });
  const formArea = h('div', {}, busy());
  show(main, heading(t('admin.calendar.title')), adminNav(PATH), messages, formArea);
  const units = await loadUnits();
  const unitName = unitNamer(units);
  const scope = h('select', {}, h('option', { value: '' }, t('admin.calendar.site')),
    unitTree(units).map((unit) => h('option', { value: unit.unit_id, selected: unit.unit_id === unitId },
      `${'\u00a0\u00a0'.repeat(unit.depth)}${unit.name}`)));
  scope.addEventListener('change', () => context.navigate(PATH, { unit_id: scope.value }));
  formArea.before(h('div', { class: 'toolbar' }, field(t('admin.calendar.scope'), scope)));
  const path = unitId ? `/v1/units/${encodeURIComponent(unitId)}/calendar` : '/v1/calendars/site';
  const canWrite = unitId ? session.hasRole('unit_admin', 'system_admin') : session.hasRole('system_admin');
  const scopeName = unitId ? unitName(unitId) : t('admin.calendar.site_lower');
  const originName = (from) => (from === 'defaults' ? t('admin.calendar.from_defaults')
    : from === 'site' ? t('admin.calendar.site') : unitName(from));
  const origin = (from) => (from === (unitId || 'site') ? t('admin.calendar.is_own', { scope: scopeName })
    : t('admin.calendar.inherited', { from: originName(from) }));

  function draw(calendar) {
    const mine = unitId || 'site';
    const hours = part({
      title: t('admin.calendar.hours'), own: calendar.schedules_from === mine, origin: origin(calendar.schedules_from),
      canWrite, scopeName, rows: calendar.schedules, makeRow: scheduleRow, addLabel: t('admin.calendar.add_period'),
      blank: () => ({ ...DEFAULT_SCHEDULE, valid_from: '' }),
    });
    const holidays = part({
      title: t('admin.calendar.holidays'), own: calendar.holidays_from === mine,
      origin: origin(calendar.holidays_from), canWrite, scopeName, rows: calendar.holidays, makeRow: holidayRow,
      addLabel: t('admin.calendar.add_holiday'), blank: () => ({ date: '', name: '', working: false }),
    });
    const errors = h('div', { 'aria-live': 'polite' });
    const save = h('button', { type: 'submit' }, t('admin.calendar.save'));
    const form = h('form', { class: 'calendar' }, hours.element, holidays.element, canWrite ? errors : null,
      canWrite ? save : notice(t('admin.calendar.read_only')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const saved = await submitting(save, errors, () => api('PUT', path, { body: {
        schedules: hours.read(), holidays: holidays.read() } }));
      if (!saved) return;
      draw(saved);
      show(messages, notice(t('admin.calendar.saved', { scope: scopeName }), 'success'));
    });
    show(formArea, form);
  }

  try {
    draw(await api('GET', path));
  } catch (error) {
    show(formArea, errorBox(error));
  }
});


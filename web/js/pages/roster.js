// The work-from-home roster (#/roster?unit_id=&month=YYYY-MM&date=YYYY-MM-DD): a unit's working days of a month
// with who stays home and how many may; a day opened in the editor (the unit's staff employed that day as
// checkboxes, the cap counted as they tick, leave or a trip shown as winning); oversight's exceptions to the cap.
// The numbers (employed, allowed, conflicts) come from the API; the page only counts the ticks.
import { api } from '../api.js';
import { field, h, show, uniqueId } from '../dom.js';
import { formatDate, formatDateTime, formatNumber, t, todayInHanoi } from '../i18n.js';
import { link } from '../router.js';
import * as session from '../session.js';
import { busy, confirmDialog, errorBox, heading, loadUnits, notice, submitting, unitSelect } from '../ui.js';

const MONTH = /^20\d\d-(0[1-9]|1[0-2])$/;
const DAY = /^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const CONFLICTS = { leave: 'roster.conflict_leave', business_trip: 'roster.conflict_business_trip' };

const canWrite = () => session.hasRole('unit_leader', 'system_admin');
const canApprove = () => session.hasRole('oversight', 'system_admin');
const longDate = (day) => formatDate(day, { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' });

function limitText(exception) {
  return exception.max_people !== null && exception.max_people !== undefined
    ? t('roster.limit_people', { value: formatNumber(exception.max_people) })
    : t('roster.limit_share', { value: formatNumber(Math.round(exception.max_share * 1000) / 10) });
}

export default {
  id: 'roster',
  path: '/roster',
  title: 'roster.title',
  nav: { order: 55, label: 'roster.nav' },
  allowed: (s) => s.hasRole('unit_leader', 'unit_head', 'oversight', 'system_admin'),
  async render(main, context) {
    const today = todayInHanoi();
    const date = DAY.test(context.query.date || '') ? context.query.date : null;
    const month = date ? date.slice(0, 7) : (MONTH.test(context.query.month || '') ? context.query.month
      : today.slice(0, 7));
    show(main, heading(t('roster.title')), busy());
    let units;
    try {
      units = await loadUnits();
    } catch (error) {
      if (context.isCurrent()) show(main, heading(t('roster.title')), errorBox(error));
      return;
    }
    if (!context.isCurrent()) return;
    const known = new Set(units.map((unit) => unit.unit_id));
    const ledUnits = session.grantedUnits('unit_leader').filter((id) => known.has(id));
    const unitId = known.has(context.query.unit_id) ? context.query.unit_id : ledUnits[0] || units[0]?.unit_id;
    if (!unitId) {
      show(main, heading(t('roster.title')), notice(t('roster.no_units')));
      return;
    }
    const unitName = units.find((unit) => unit.unit_id === unitId)?.name || '';
    const go = (query) => context.navigate('/roster', { unit_id: unitId, month, ...query });

    // The filter: the unit (oversight and system admins, or a leader of several units) and the month.
    const unitChoice = session.hasRole('oversight', 'system_admin') || ledUnits.length > 1
      ? unitSelect(units, unitId) : null;
    const monthInput = h('input', { type: 'month', value: month, required: true, pattern: '\\d{4}-\\d{2}' });
    const filter = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('roster.filter') },
      unitChoice ? field(t('common.unit'), unitChoice) : h('p', {}, h('strong', {}, unitName)),
      field(t('roster.month'), monthInput), h('button', { type: 'submit', class: 'secondary' }, t('common.show')));
    filter.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = MONTH.test(monthInput.value) ? monthInput.value : month;
      context.navigate('/roster', { unit_id: unitChoice ? unitChoice.value : unitId, month: chosen });
    });

    const messages = h('div', { 'aria-live': 'polite' });
    const monthPart = h('div', {}, busy());
    const dayPart = h('div', {});
    const exceptionPart = h('div', {}, busy());
    show(main, heading(t('roster.title')), filter, messages, dayPart, monthPart, exceptionPart);

    const unitPath = `/v1/units/${encodeURIComponent(unitId)}`;

    async function loadMonth() {
      try {
        const reply = await api('GET', `${unitPath}/roster`, { query: { month } });
        if (context.isCurrent()) show(monthPart, monthTable(reply));
      } catch (error) {
        if (context.isCurrent()) show(monthPart, errorBox(error));
      }
    }

    function monthTable(reply) {
      const rosters = new Map(reply.days.map((day) => [day.date, day]));
      const rows = new Map(reply.working_days.map((day) => [day.date, { date: day.date,
        allowance: day.allowance, staff: [] }]));
      for (const day of reply.days) rows.set(day.date, day);
      const ordered = [...rows.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
      const [year, number] = month.split('-');
      const title = h('h2', { id: 'roster-month' }, t('roster.month_title', { month: `${number}/${year}` }));
      if (!ordered.length) {
        return h('section', { 'aria-labelledby': 'roster-month' }, title, h('p', {}, t('roster.no_working_days')));
      }
      const names = (day) => (day.staff.length ? h('ul', { class: 'plain' }, day.staff.map((person) => h('li', {},
        person.full_name, person.conflict ? h('small', {}, ` (${t(CONFLICTS[person.conflict.kind])})`) : null)))
        : t('roster.nobody'));
      return h('section', { 'aria-labelledby': 'roster-month' }, title, h('div', { class: 'table-wrap' },
        h('table', { class: 'striped' }, h('caption', {}, t('roster.month_caption')),
          h('thead', {}, h('tr', {}, [t('roster.col_day'), t('roster.col_at_home'), t('roster.col_allowed'),
            t('roster.col_action')].map((label) => h('th', { scope: 'col' }, label)))),
          h('tbody', {}, ordered.map((day) => h('tr', { dataset: { date: day.date },
            'aria-current': day.date === date ? 'date' : null },
          h('td', {}, longDate(day.date)),
          h('td', {}, names(day)),
          h('td', {}, t('roster.count_of_allowed', { count: formatNumber(rosters.get(day.date)?.staff.length || 0),
            allowed: formatNumber(day.allowance.allowed) })),
          h('td', {}, h('a', { href: link('/roster', { unit_id: unitId, month, date: day.date }) },
            t(canWrite() ? 'roster.edit_day' : 'roster.view_day', { date: formatDate(day.date) })))))))));
    }

    async function loadDay() {
      if (!date) return;
      show(dayPart, busy());
      try {
        const day = await api('GET', `${unitPath}/roster/${date}`);
        if (context.isCurrent()) show(dayPart, editor(day));
      } catch (error) {
        if (context.isCurrent()) show(dayPart, errorBox(error));
      }
    }

    function editor(day) {
      const titleId = uniqueId('roster-day');
      const title = h('h2', { id: titleId, tabindex: '-1' }, t('roster.day_title', { date: longDate(day.date) }));
      const section = (...children) => h('section', { class: 'roster-day', 'aria-labelledby': titleId }, title,
        h('article', {}, children));
      if (!day.working) return section(notice(t('roster.day_off')));
      const { allowed, employed } = day.allowance;
      const onRoster = new Set(day.staff.map((person) => person.staff_id));
      // Everyone who could be named, and anyone still named who no longer could (moved away): ticked, to untick.
      const offered = new Set(day.candidates.map((person) => person.staff_id));
      const people = [...day.candidates, ...day.staff.filter((person) => !offered.has(person.staff_id))];
      const updated = day.updated_by ? h('p', {}, h('small', {}, t('roster.updated', { who: day.updated_by,
        when: formatDateTime(day.updated_at) }))) : null;
      const exception = day.allowance.exception_id ? notice(t('roster.exception_in_force')) : null;
      const legend = t('roster.people_legend', { allowed: formatNumber(allowed), employed: formatNumber(employed) });
      const hint = (person) => {
        if (!offered.has(person.staff_id)) return t('roster.not_in_unit');
        return person.conflict ? t(CONFLICTS[person.conflict.kind]) : null;
      };
      if (!canWrite()) {
        return section(h('p', {}, legend), updated, exception, day.staff.length ? h('ul', {}, day.staff.map(
          (person) => h('li', {}, person.full_name, hint(person) ? h('small', {}, ` (${hint(person)})`) : null)))
          : h('p', {}, t('roster.nobody')), day.note ? h('p', {}, day.note) : null);
      }
      const boxes = people.map((person) => {
        const id = uniqueId('roster-person');
        const extra = hint(person);
        const box = h('input', { type: 'checkbox', id, value: person.staff_id, checked: onRoster.has(person.staff_id),
          'aria-describedby': extra ? `${id}-hint` : null });
        return { box, row: h('li', {}, h('label', { for: id }, box, ' ', person.full_name),
          extra ? h('small', { id: `${id}-hint`, class: person.conflict ? 'conflict' : null }, extra) : null) };
      });
      const counter = h('p', { id: uniqueId('roster-counter'), class: 'notice', role: 'status',
        'aria-live': 'polite' });
      const count = () => {
        const ticked = boxes.filter(({ box }) => box.checked).length;
        const over = ticked - allowed;
        counter.className = over > 0 ? 'notice warning' : 'notice';
        counter.dataset.over = over > 0 ? 'true' : 'false';
        counter.textContent = over > 0
          ? t('roster.counter_over', { count: formatNumber(ticked), allowed: formatNumber(allowed),
            over: formatNumber(over) })
          : t('roster.counter', { count: formatNumber(ticked), allowed: formatNumber(allowed) });
      };
      boxes.forEach(({ box }) => box.addEventListener('change', count));
      count();
      const note = h('textarea', { rows: 2, maxlength: 500, minlength: 3 });
      note.value = day.note || '';
      const where = h('div', { 'aria-live': 'polite' });
      const button = h('button', { type: 'submit' }, t('roster.save'));
      const form = h('form', {},
        h('fieldset', {}, h('legend', {}, legend),
          boxes.length ? h('ul', { class: 'plain roster-people' }, boxes.map(({ row }) => row))
            : h('p', {}, t('roster.no_candidates'))),
        counter, field(t('roster.note'), note, t('roster.note_hint')), where, button);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const staffIds = boxes.filter(({ box }) => box.checked).map(({ box }) => box.value);
        const text = note.value.trim();
        const saved = await submitting(button, where, () => api('PUT', `${unitPath}/roster/${day.date}`,
          { body: { staff_ids: staffIds, note: text || null } }));
        if (!saved) return;
        show(dayPart, editor(saved));
        show(messages, notice(t('roster.saved', { date: formatDate(saved.date),
          count: formatNumber(saved.staff.length) }), 'success'));
        await loadMonth();
      });
      return section(updated, exception, form);
    }

    async function loadExceptions() {
      try {
        const reply = await api('GET', `${unitPath}/roster-exceptions`);
        if (context.isCurrent()) show(exceptionPart, exceptions(reply.exceptions));
      } catch (error) {
        if (context.isCurrent()) show(exceptionPart, errorBox(error));
      }
    }

    function exceptions(list) {
      const title = h('h2', { id: 'roster-exceptions' }, t('roster.exceptions_title'));
      const listed = list.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'striped' },
        h('caption', {}, t('roster.exceptions_caption')),
        h('thead', {}, h('tr', {}, [t('roster.col_period'), t('roster.col_limit'), t('roster.col_reason'),
          t('roster.col_approved')].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, list.map((one) => h('tr', { dataset: { exception: one.exception_id } },
          h('td', {}, `${formatDate(one.from)} – ${formatDate(one.to)}`),
          h('td', {}, limitText(one)),
          h('td', {}, one.reason),
          h('td', {}, one.approved_by, h('br'), h('small', {}, formatDateTime(one.approved_at))))))))
        : h('p', {}, t('roster.no_exceptions'));
      return h('section', { 'aria-labelledby': 'roster-exceptions' }, title, listed,
        canApprove() ? approveForm() : null);
    }

    function approveForm() {
      const first = h('input', { type: 'date', required: true, value: date || `${month}-01` });
      const last = h('input', { type: 'date', required: true, value: date || `${month}-01` });
      const kind = h('select', {}, h('option', { value: 'people' }, t('roster.kind_people')),
        h('option', { value: 'share' }, t('roster.kind_share')));
      const value = h('input', { type: 'number', required: true, min: 0, max: 100000, step: 1, inputmode: 'numeric' });
      kind.addEventListener('change', () => value.setAttribute('max', kind.value === 'share' ? '100' : '100000'));
      const reason = h('textarea', { required: true, rows: 2, minlength: 3, maxlength: 500 });
      const where = h('div', { 'aria-live': 'polite' });
      const button = h('button', { type: 'submit' }, t('roster.approve'));
      first.addEventListener('change', () => {
        if (!last.value || last.value < first.value) last.value = first.value;
      });
      const form = h('form', {}, h('div', { class: 'grid' }, field(t('roster.from'), first),
        field(t('roster.to'), last)), h('div', { class: 'grid' }, field(t('roster.limit_kind'), kind),
        field(t('roster.limit_value'), value)), field(t('roster.reason'), reason), where, button);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const number = Number(value.value);
        const body = { from: first.value, to: last.value, reason: reason.value.trim() };
        if (kind.value === 'share') body.max_share = number / 100;
        else body.max_people = number;
        const limit = limitText({ max_people: body.max_people ?? null, max_share: body.max_share ?? null });
        const question = h('p', {}, t('roster.approve_question', { unit: unitName, from: formatDate(body.from),
          to: formatDate(body.to), limit }));
        if (!await confirmDialog(t('roster.approve_title'), question, t('roster.approve_confirm'))) return;
        const saved = await submitting(button, where, () => api('POST', `${unitPath}/roster-exceptions`, { body }));
        if (!saved) return;
        show(messages, notice(t('roster.approved', { limit: limitText(saved), from: formatDate(saved.from),
          to: formatDate(saved.to) }), 'success'));
        await Promise.all([loadExceptions(), loadMonth(), loadDay()]);
      });
      return h('details', { class: 'entry' }, h('summary', { role: 'button', class: 'outline' },
        t('roster.approve_open')), h('article', {}, form));
    }

    await Promise.all([loadMonth(), loadDay(), loadExceptions()]);
    if (date && context.isCurrent()) dayPart.querySelector('h2')?.focus();
  },
};

// Absences and corrections (#/absences?unit_id=&from=&to=): the list of a unit (or every unit in scope) for a
// period; leaders and system admins enter leave, a business trip, work from home or a correction, and cancel an
// absence. Home Affairs (oversight) reads every unit's list.
import { api } from '../api.js';
import { field, h, show } from '../dom.js';
import { formatDate, formatDateTime, t, todayInHanoi } from '../i18n.js';
import { link } from '../router.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, statusBadge, statusLabel, submitting, unitTree } from '../ui.js';

const DAY = /^20\d\d-(0[1-9]|1[0-2])-\d\d$/;
const KINDS = ['leave', 'business_trip', 'work_from_home'];
const PARTS = ['full', 'morning', 'afternoon'];
// What a correction may set a day to (weekend, holiday, pending and not employed come from the calendar).
const CORRECTABLE = ['on_time', 'late', 'left_early', 'missing_check_in', 'missing_check_out', 'absent', 'on_leave',
  'business_trip', 'work_from_home'];

function monthBounds(today) {
  const [year, month] = today.split('-').map(Number);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { from: `${today.slice(0, 7)}-01`, to: `${today.slice(0, 7)}-${String(last).padStart(2, '0')}` };
}

function monthLink(staffId, query) {
  return link(`/people/${encodeURIComponent(staffId)}/month`, query);
}

const canWrite = () => session.hasRole('unit_leader', 'system_admin');

/** <select> of people grouped by unit (the units' tree order), with a first empty choice. */
function personSelect(people, units) {
  const groups = unitTree(units).map((unit) => [unit, people.filter((person) => person.unit_id === unit.unit_id)])
    .filter(([, members]) => members.length);
  const known = new Set(units.map((unit) => unit.unit_id));
  const others = people.filter((person) => !known.has(person.unit_id));
  return h('select', { required: true }, h('option', { value: '' }, t('absences.choose_person')),
    groups.map(([unit, members]) => h('optgroup', { label: unit.name },
      members.map((person) => h('option', { value: person.staff_id }, person.full_name)))),
    others.map((person) => h('option', { value: person.staff_id }, person.full_name)));
}

function options(values, prefix, selected) {
  return values.map((value) => h('option', { value, selected: value === selected }, t(`${prefix}${value}`)));
}

export default {
  id: 'absences',
  path: '/absences',
  title: 'absences.title',
  nav: { order: 50 },
  allowed: (s) => s.hasRole('unit_leader', 'unit_head', 'oversight', 'system_admin'),
  async render(main, context) {
    const today = todayInHanoi();
    const bounds = monthBounds(today);
    const from = DAY.test(context.query.from || '') ? context.query.from : bounds.from;
    const to = DAY.test(context.query.to || '') ? context.query.to : bounds.to;
    show(main, heading(t('absences.title')), busy());
    let units;
    let people;
    try {
      units = await loadUnits();
      const leaderUnits = session.grantedUnits('unit_leader');
      // 'all' (or no choice, for oversight and leaders of several units): every unit in scope.
      const asked = context.query.unit_id;
      const unitId = asked === 'all' ? '' : asked || (session.hasRole('oversight', 'system_admin')
        || leaderUnits.length !== 1 ? '' : leaderUnits[0]);
      people = (await api('GET', '/v1/staff', { query: { unit_id: unitId } })).staff;
      if (!context.isCurrent()) return;
      draw(unitId);
    } catch (error) {
      if (context.isCurrent()) show(main, heading(t('absences.title')), errorBox(error));
    }

    function draw(unitId) {
      const names = new Map(people.map((person) => [person.staff_id, person.full_name]));
      const unitNames = new Map(units.map((unit) => [unit.unit_id, unit.name]));
      const lists = h('div', { 'aria-live': 'polite' }, busy());

      // The filter: a unit (or every unit in scope) and a period; it lives in the address.
      const unitChoice = h('select', { name: 'unit_id' }, h('option', { value: '' }, t('common.all_units')),
        unitTree(units).map((unit) => h('option', { value: unit.unit_id, selected: unit.unit_id === unitId },
          `${'\u00a0\u00a0'.repeat(unit.depth)}${unit.name}`)));
      const fromInput = h('input', { type: 'date', name: 'from', value: from, required: true });
      const toInput = h('input', { type: 'date', name: 'to', value: to, required: true });
      const filter = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('absences.filter') },
        field(t('common.unit'), unitChoice), field(t('absences.from'), fromInput), field(t('absences.to'), toInput),
        h('button', { type: 'submit', class: 'secondary' }, t('common.show')));
      filter.addEventListener('submit', (event) => {
        event.preventDefault();
        context.navigate('/absences', { unit_id: unitChoice.value || 'all', from: fromInput.value, to: toInput.value });
      });

      async function load() {
        try {
          const absences = api('GET', '/v1/absences', { query: { unit_id: unitId, from, to } });
          const unitIds = unitId ? [unitId] : units.map((unit) => unit.unit_id);
          const corrections = Promise.all(unitIds.map((id) => api('GET', '/v1/corrections',
            { query: { unit_id: id, from, to } }).then((reply) => reply.corrections)));
          const [absenceList, correctionLists] = await Promise.all([absences, corrections]);
          if (!context.isCurrent()) return;
          show(lists, absenceTable(absenceList.absences),
            correctionTable(correctionLists.flat().sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))));
        } catch (error) {
          if (context.isCurrent()) show(lists, errorBox(error));
        }
      }

      const personCell = (staffId, query) => h('a', { href: monthLink(staffId, query) },
        names.get(staffId) || staffId);

      function absenceTable(absences) {
        const title = h('h2', { id: 'absence-list' }, t('absences.list_title'));
        if (!absences.length) {
          return h('section', { 'aria-labelledby': 'absence-list' }, title,
            h('p', {}, t('absences.none', { from: formatDate(from), to: formatDate(to) })));
        }
        const state = (absence) => {
          if (absence.cancelled_at) {
            return t('absences.cancelled', { who: absence.cancelled_by, when: formatDateTime(absence.cancelled_at) });
          }
          if (!canWrite()) return t('absences.active');
          return h('button', { type: 'button', class: 'secondary outline', onclick: () => confirmCancel(absence) },
            t('absences.cancel'));
        };
        const rows = absences.map((absence) => h('tr', { dataset: { absence: absence.absence_id } },
          h('td', {}, personCell(absence.staff_id, { month: absence.first_day.slice(0, 7) })),
          h('td', {}, unitNames.get(absence.unit_id) || absence.unit_id),
          h('td', {}, t(`absences.kind_${absence.kind}`)),
          h('td', {}, absence.first_day === absence.last_day ? formatDate(absence.first_day)
            : `${formatDate(absence.first_day)} – ${formatDate(absence.last_day)}`,
          absence.part !== 'full' ? h('div', {}, h('small', {}, t(`absences.part_${absence.part}`))) : null),
          h('td', {}, absence.reason),
          h('td', {}, absence.created_by, h('br'), h('small', {}, formatDateTime(absence.created_at))),
          h('td', {}, state(absence))));
        const headers = [t('common.name'), t('common.unit'), t('absences.kind'), t('absences.days'),
          t('absences.reason'), t('absences.entered'), t('absences.state')];
        return h('section', { 'aria-labelledby': 'absence-list' }, title, h('div', { class: 'table-wrap' },
          h('table', { class: 'striped' },
            h('caption', {}, t('absences.list_caption', { from: formatDate(from), to: formatDate(to) })),
            h('thead', {}, h('tr', {}, headers.map((label) => h('th', { scope: 'col' }, label)))),
            h('tbody', {}, rows))));
      }

      function correctionTable(corrections) {
        const section = h('h2', { id: 'correction-list' }, t('absences.corrections_title'));
        if (!corrections.length) {
          return h('section', { 'aria-labelledby': 'correction-list' }, section,
            h('p', {}, t('absences.no_corrections', { from: formatDate(from), to: formatDate(to) })));
        }
        return h('section', { 'aria-labelledby': 'correction-list' }, section, h('div', { class: 'table-wrap' },
          h('table', { class: 'striped' },
            h('caption', {}, t('absences.corrections_caption', { from: formatDate(from), to: formatDate(to) })),
            h('thead', {}, h('tr', {}, [t('common.name'), t('common.unit'), t('common.date'),
              t('absences.new_status'), t('absences.reason'), t('absences.entered')]
              .map((label) => h('th', { scope: 'col' }, label)))),
            h('tbody', {}, corrections.map((correction) => h('tr', {},
              h('td', {}, personCell(correction.staff_id, { month: correction.date.slice(0, 7),
                date: correction.date })),
              h('td', {}, unitNames.get(correction.unit_id) || correction.unit_id),
              h('td', {}, formatDate(correction.date)),
              h('td', {}, statusBadge(correction.status)),
              h('td', {}, correction.reason),
              h('td', {}, correction.created_by, h('br'),
                h('small', {}, formatDateTime(correction.created_at)))))))));
      }

      // Cancelling asks first, in a dialog that says whose absence and which days; the record stays.
      const dialogText = h('p', {});
      const dialogMessages = h('div', { 'aria-live': 'polite' });
      const confirmButton = h('button', { type: 'button' }, t('absences.cancel_confirm'));
      const keepButton = h('button', { type: 'button', class: 'secondary' }, t('absences.cancel_keep'));
      const dialog = h('dialog', { 'aria-labelledby': 'cancel-title' }, h('article', {},
        h('h2', { id: 'cancel-title' }, t('absences.cancel_title')), dialogText,
        h('p', {}, h('small', {}, t('absences.cancel_kept'))), dialogMessages,
        h('footer', {}, keepButton, ' ', confirmButton)));
      let pending = null;
      keepButton.addEventListener('click', () => dialog.close());
      confirmButton.addEventListener('click', async () => {
        const absence = pending;
        const done = await submitting(confirmButton, dialogMessages, () => api('DELETE',
          `/v1/staff/${encodeURIComponent(absence.staff_id)}/absences/${encodeURIComponent(absence.absence_id)}`));
        if (done) {
          dialog.close();
          show(messages, notice(t('absences.cancel_done', { name: names.get(absence.staff_id) || '' }), 'success'));
          await load();
        }
      });
      function confirmCancel(absence) {
        pending = absence;
        dialogMessages.replaceChildren();
        show(dialogText, t('absences.cancel_question', {
          kind: t(`absences.kind_${absence.kind}`).toLowerCase(), name: names.get(absence.staff_id) || '',
          from: formatDate(absence.first_day), to: formatDate(absence.last_day) }));
        dialog.showModal();
      }

      const messages = h('div', { 'aria-live': 'polite' });
      show(main, heading(t('absences.title')), filter, messages,
        canWrite() ? h('div', { class: 'entry-forms' }, absenceForm(), correctionForm()) : null,
        lists, dialog);
      load();

      function absenceForm() {
        const person = personSelect(people, units);
        const kind = h('select', { required: true }, options(KINDS, 'absences.kind_', 'leave'));
        const first = h('input', { type: 'date', required: true, value: today });
        const last = h('input', { type: 'date', required: true, value: today });
        const part = h('select', {}, options(PARTS, 'absences.part_', 'full'));
        const reason = h('textarea', { required: true, rows: 2, maxlength: 2000 });
        const where = h('div', { 'aria-live': 'polite' });
        const button = h('button', { type: 'submit' }, t('absences.save_absence'));
        const form = h('form', {}, field(t('absences.person'), person), field(t('absences.kind'), kind),
          h('div', { class: 'grid' }, field(t('absences.first_day'), first), field(t('absences.last_day'), last)),
          field(t('absences.part'), part, t('absences.part_hint')), field(t('absences.reason'), reason), where,
          button);
        first.addEventListener('change', () => {
          if (!last.value || last.value < first.value) last.value = first.value;
        });
        form.addEventListener('submit', async (event) => {
          event.preventDefault();
          const saved = await submitting(button, where, () => api('POST', '/v1/absences', { body: {
            staff_id: person.value, kind: kind.value, first_day: first.value, last_day: last.value,
            part: part.value, reason: reason.value } }));
          if (!saved) return;
          reason.value = '';
          show(where, h('p', { class: 'notice success', role: 'status' },
            t('absences.saved', { kind: t(`absences.kind_${saved.kind}`), name: names.get(saved.staff_id) || '' }),
            ' ', h('a', { href: monthLink(saved.staff_id, { month: saved.first_day.slice(0, 7) }) },
              t('absences.see_month'))));
          await load();
        });
        return h('details', { class: 'entry' }, h('summary', { role: 'button', class: 'outline' },
          t('absences.new_absence')), h('article', {}, form));
      }

      function correctionForm() {
        const person = personSelect(people, units);
        const date = h('input', { type: 'date', required: true, max: today, value: today });
        const status = h('select', { required: true }, options(CORRECTABLE, 'status.', 'on_time'));
        const reason = h('textarea', { required: true, rows: 2, maxlength: 2000 });
        const where = h('div', { 'aria-live': 'polite' });
        const button = h('button', { type: 'submit' }, t('absences.save_correction'));
        const form = h('form', {}, field(t('absences.person'), person), field(t('common.date'), date),
          field(t('absences.new_status'), status), field(t('absences.reason'), reason,
            t('absences.correction_hint')), where, button);
        form.addEventListener('submit', async (event) => {
          event.preventDefault();
          const saved = await submitting(button, where, () => api('POST', '/v1/corrections', { body: {
            staff_id: person.value, date: date.value, status: status.value, reason: reason.value } }));
          if (!saved) return;
          reason.value = '';
          show(where, h('p', { class: 'notice success', role: 'status' },
            t('absences.correction_saved', { name: names.get(saved.staff_id) || '', date: formatDate(saved.date),
              status: statusLabel(saved.status) }),
            ' ', h('a', { href: monthLink(saved.staff_id, { month: saved.date.slice(0, 7), date: saved.date }) },
              t('absences.see_month'))));
          await load();
        });
        return h('details', { class: 'entry' }, h('summary', { role: 'button', class: 'outline' },
          t('absences.new_correction')), h('article', {}, form));
      }
    }
  },
};

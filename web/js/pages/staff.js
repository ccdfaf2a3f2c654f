// Staff list (#/staff): search by name with or without accents, filter by unit, add a person.
// Unit admins and system admins change; leaders and oversight read (GET /v1/staff is theirs too).
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { formatDate, t } from '../i18n.js';
import { link } from '../router.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, submitting, subtreeOf, unitSelect } from '../ui.js';

export const READERS = ['unit_admin', 'system_admin', 'unit_leader', 'unit_head', 'oversight'];

/** 'Nguyễn Văn Đức' → 'nguyen van duc': what the search compares, so accents may be left out. */
export function searchKey(text) {
  return String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase()
    .replace(/\s+/g, ' ').trim();
}

/** The units whose staff the signed-in account may add, change and enrol (unit_admin's subtrees). */
export function writableUnits(units) {
  if (session.hasRole('system_admin')) return new Set(units.map((unit) => unit.unit_id));
  const children = new Map();
  for (const unit of units) {
    if (!children.has(unit.parent_id)) children.set(unit.parent_id, []);
    children.get(unit.parent_id).push(unit.unit_id);
  }
  const writable = new Set();
  const walk = (unitId) => {
    if (writable.has(unitId)) return;
    writable.add(unitId);
    (children.get(unitId) || []).forEach(walk);
  };
  session.grantedUnits('unit_admin').forEach(walk);
  return writable;
}

// A message to show once on the next page (after adding or removing someone), never in the address.
let flash = null;
export function setFlash(text, kind = 'success') {
  flash = { text, kind };
}
export function takeFlash() {
  const taken = flash;
  flash = null;
  return taken ? notice(taken.text, taken.kind) : null;
}

function addForm(units, writable, selected, context) {
  const choices = units.filter((unit) => writable.has(unit.unit_id));
  const name = h('input', { name: 'full_name', required: true, maxlength: 200, autocomplete: 'off' });
  const unit = unitSelect(choices, writable.has(selected) ? selected : choices[0]?.unit_id);
  unit.name = 'unit_id';
  unit.required = true;
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'off' });
  const employedFrom = h('input', { name: 'employed_from', type: 'date' });
  const messages = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('staff.add_submit'));
  const form = h('form', {}, messages, field(t('common.name'), name), field(t('common.unit'), unit),
    field(t('staff.email'), email, t('staff.email_hint')),
    field(t('staff.employed_from'), employedFrom, t('staff.employed_from_hint')), button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const created = await submitting(button, messages, () => api('POST', '/v1/staff', { body: {
      full_name: name.value.trim(), unit_id: unit.value, email: email.value.trim() || null,
      employed_from: employedFrom.value || null } }));
    if (created) {
      setFlash(t('staff.added', { name: created.full_name }));
      context.navigate(`/staff/${encodeURIComponent(created.staff_id)}`);
    }
  });
  return h('details', { class: 'add-staff' }, h('summary', {}, h('strong', {}, t('staff.add'))),
    h('article', {}, choices.length ? form : notice(t('staff.no_unit_to_add'), 'warning')));
}

export default {
  id: 'staff',
  path: '/staff',
  title: 'staff.title',
  nav: { order: 40 },
  allowed: (s) => s.hasRole(...READERS),
  async render(main, context) {
    const flashed = takeFlash();
    show(main, heading(t('staff.title')), flashed, busy());
    const selected = context.query.unit || '';
    // A unit with units below it shows everyone in its subtree (a district: all its offices), one unit its own.
    let units;
    try {
      units = await loadUnits();
    } catch (error) {
      show(main, heading(t('staff.title')), errorBox(error));
      return;
    }
    const subtree = selected ? subtreeOf(units, selected) : null;
    const reply = await api('GET', '/v1/staff', { query: { unit_id: subtree && subtree.size > 1 ? '' : selected } })
      .catch((error) => error);
    if (!context.isCurrent()) return;
    const writable = writableUnits(units);
    const unitNames = new Map(units.map((unit) => [unit.unit_id, unit.name]));
    const canAdd = writable.size > 0;

    const search = h('input', { type: 'search', name: 'q', value: context.query.q || '', autocomplete: 'off' });
    const unitFilter = unitSelect(units, selected, { all: t('common.all_units') });
    unitFilter.name = 'unit';
    const count = h('p', { class: 'staff-count', 'aria-live': 'polite' });
    const results = h('div', {});
    const staff = reply instanceof Error ? []
      : reply.staff.filter((person) => !subtree || subtree.has(person.unit_id));
    const keyed = staff.map((person) => ({ person, key: searchKey(person.full_name) }));

    const columns = [
      { label: t('common.name'), cell: (person) => h('a', { href: link(`/staff/${person.staff_id}`) },
        person.full_name) },
      { label: t('common.unit'), cell: (person) => unitNames.get(person.unit_id) || person.unit_id },
      { label: t('staff.email'), cell: (person) => person.email || t('staff.not_given') },
      { label: t('staff.employed_from'), cell: (person) => (person.employed_from
        ? formatDate(person.employed_from) : t('staff.not_given')) },
      { label: t('staff.actions'), cell: (person) => h('span', { class: 'row-links' },
        h('a', { href: link(`/people/${person.staff_id}/month`),
          'aria-label': t('staff.month_of', { name: person.full_name }) }, t('staff.month_link')),
        h('a', { href: link(`/staff/${person.staff_id}`),
          'aria-label': t('staff.faces_of', { name: person.full_name }) }, t('staff.faces_link'))) },
    ];

    const refresh = () => {
      const query = searchKey(search.value);
      const shown = query ? keyed.filter((entry) => entry.key.includes(query)).map((entry) => entry.person) : staff;
      show(count, t('staff.count', { shown: shown.length, total: staff.length }));
      if (reply instanceof Error) show(results, errorBox(reply));
      else if (!staff.length) show(results, notice(t('staff.empty')));
      else if (!shown.length) show(results, notice(t('staff.no_match', { query: search.value.trim() })));
      else show(results, table(columns, shown, t('staff.caption')));
      // Keep the search in the address (no new page load) so that going back returns to it.
      window.history.replaceState(null, '', link('/staff', { unit: selected, q: search.value.trim() }));
    };
    search.addEventListener('input', refresh);
    unitFilter.addEventListener('change', () => context.navigate('/staff', { unit: unitFilter.value,
      q: search.value.trim() }));

    show(main, heading(t('staff.title'), canAdd ? h('a', { href: '#/staff/bulk' },
      t('bulk.title')) : null), flashed, h('p', {}, t('staff.intro')),
      canAdd ? addForm(units, writable, selected, context) : notice(t('staff.read_only')),
      h('div', { class: 'toolbar staff-filters' }, field(t('staff.search'), search, t('staff.search_hint')),
        field(t('common.unit'), unitFilter)),
      count, results);
    refresh();
  },
};

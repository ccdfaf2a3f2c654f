// The unit tree: create a unit under one, rename, move, set report recipients, remove an empty one.
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { busy, errorBox, forgetUnits, heading, loadUnits, notice, submitting, unitTree } from '../ui.js';
import { adminNav, adminPage, confirmAction, openDialog } from './admin-common.js';

const PATH = '/admin/units';

function recipientsInput(recipients) {
  return h('textarea', { rows: 2, autocomplete: 'off', value: (recipients || []).join('\n') });
}

function readRecipients(textarea) {
  return textarea.value.split(/[\s,;]+/).map((text) => text.trim()).filter(Boolean);
}

/** <select> of possible parents; a system admin may also choose the top of the tree. */
function parentSelect(units, selected, excluded) {
  const top = session.hasRole('system_admin') ? h('option', { value: '' }, t('admin.units.top')) : null;
  const hidden = new Set(excluded ? [...subtree(units, excluded)] : []);
  return h('select', {}, top, unitTree(units).filter((unit) => !hidden.has(unit.unit_id)).map((unit) =>
    h('option', { value: unit.unit_id, selected: unit.unit_id === selected },
      `${'\u00a0\u00a0'.repeat(unit.depth)}${unit.name}`)));
}

function subtree(units, root) {
  const found = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const unit of units) {
      if (unit.parent_id && found.has(unit.parent_id) && !found.has(unit.unit_id)) {
        found.add(unit.unit_id);
        grew = true;
      }
    }
  }
  return found;
}

export default adminPage('admin-units', PATH, async (main) => {
  const messages = h('div', { 'aria-live': 'polite' });
  const listArea = h('div', {}, busy());
  show(main, heading(t('admin.units.title')), adminNav(PATH), messages, listArea);

  async function reload(done) {
    forgetUnits();
    let units;
    try {
      units = await loadUnits(true);
    } catch (error) {
      show(listArea, errorBox(error));
      return;
    }
    show(listArea, createForm(units), unitsTable(units));
    if (done) show(messages, notice(done, 'success'));
  }

  function createForm(units) {
    const name = h('input', { required: true, maxlength: 200, autocomplete: 'off' });
    const parent = parentSelect(units, units.length ? unitTree(units)[0].unit_id : '');
    const recipients = recipientsInput([]);
    const button = h('button', { type: 'submit' }, t('admin.units.create'));
    const errors = h('div', { 'aria-live': 'polite' });
    const form = h('form', {}, field(t('admin.units.name'), name), field(t('admin.units.parent'), parent),
      field(t('admin.units.recipients'), recipients, t('admin.units.recipients_hint')), errors, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const created = await submitting(button, errors, () => api('POST', '/v1/units', { body: {
        name: name.value, parent_id: parent.value || null, report_recipients: readRecipients(recipients) } }));
      if (created) await reload(t('admin.units.created', { name: created.name }));
    });
    return h('details', { class: 'create' }, h('summary', { role: 'button', class: 'outline' },
      t('admin.units.create_title')), h('article', {}, form));
  }

  function unitsTable(units) {
    if (!units.length) return notice(t('admin.units.empty'));
    return table([
      { label: t('admin.units.name'), cell: (unit) => h('span', { class: `depth-${Math.min(unit.depth, 6)}` },
        unit.name) },
      { label: t('admin.units.recipients'), cell: (unit) => unit.report_recipients.join(', ') || '—' },
      { label: t('admin.actions'), cell: (unit) => h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'outline small', onclick: () => edit(units, unit),
          'aria-label': t('admin.units.edit_named', { name: unit.name }) }, t('admin.units.edit')),
        h('button', { type: 'button', class: 'outline secondary small', onclick: () => remove(unit),
          'aria-label': t('admin.units.remove_named', { name: unit.name }) }, t('admin.units.remove'))) },
    ], unitTree(units), t('admin.units.caption'));
  }

  function edit(units, unit) {
    const name = h('input', { required: true, maxlength: 200, value: unit.name, autocomplete: 'off' });
    const parent = parentSelect(units, unit.parent_id || '', unit.unit_id);
    const recipients = recipientsInput(unit.report_recipients);
    const button = h('button', { type: 'submit' }, t('common.save'));
    const errors = h('div', { 'aria-live': 'polite' });
    const form = h('form', {}, field(t('admin.units.name'), name), field(t('admin.units.parent'), parent),
      field(t('admin.units.recipients'), recipients, t('admin.units.recipients_hint')), errors, button);
    const { close } = openDialog(t('admin.units.edit_named', { name: unit.name }), form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      if (name.value.trim() !== unit.name) body.name = name.value;
      if ((parent.value || null) !== (unit.parent_id || null)) body.parent_id = parent.value || null;
      const wanted = readRecipients(recipients);
      if (wanted.join('\n') !== unit.report_recipients.join('\n')) body.report_recipients = wanted;
      if (!Object.keys(body).length) {
        close();
        return;
      }
      const updated = await submitting(button, errors, () => api('PATCH', `/v1/units/${encodeURIComponent(
        unit.unit_id)}`, { body }));
      if (updated) {
        close();
        await reload(t('admin.units.saved', { name: updated.name }));
      }
    });
    name.focus();
  }

  async function remove(unit) {
    if (!await confirmAction(t('admin.units.remove_confirm', { name: unit.name }), t('admin.units.remove'))) return;
    messages.replaceChildren();
    try {
      await api('DELETE', `/v1/units/${encodeURIComponent(unit.unit_id)}`);
    } catch (error) {
      show(messages, errorBox(error));
      return;
    }
    await reload(t('admin.units.removed', { name: unit.name }));
  }

  await reload();
});

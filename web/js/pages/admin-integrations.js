// Integration clients (the e-office system posting tasks): create one for a unit (its key shown once, with a copy
// button), rotate (a new key, shown once; the old stops at once), revoke with confirmation, list.
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { t } from '../i18n.js';
import { busy, errorBox, heading, loadUnits, notice, submitting, unitSelect } from '../ui.js';
import { adminNav, adminPage, confirmAction, secretBox, unitNamer, when } from './admin-common.js';

const PATH = '/admin/integrations';

/** The client's key, once: how to send it, and a button that copies it. */
function keyBox(client, title) {
  const status = h('span', { role: 'status' });
  const copy = h('button', { type: 'button', class: 'outline small', onclick: async () => {
    try {
      await navigator.clipboard.writeText(client.key);
      show(status, t('admin.integrations.copied'));
    } catch {
      show(status, t('admin.integrations.copy_failed'));
    }
  } }, t('admin.integrations.copy'));
  return secretBox(title, t('admin.integrations.key_label'), client.key, h('p', {}, copy, ' ', status),
    h('p', {}, h('small', {}, t('admin.integrations.key_hint'))));
}

export default adminPage('admin-integrations', PATH, async (main, context) => {
  const unitId = context.query.unit_id || '';
  const messages = h('div', { 'aria-live': 'polite' });
  const keyArea = h('div', {});
  const listArea = h('div', {}, busy());
  show(main, heading(t('admin.integrations.title')), adminNav(PATH), h('p', {}, t('admin.integrations.intro')),
    messages, keyArea, listArea);
  let units;
  try {
    units = await loadUnits();
  } catch (error) {
    show(listArea, errorBox(error));
    return;
  }
  if (!context.isCurrent()) return;
  const unitName = unitNamer(units);
  const filter = unitSelect(units, unitId, { all: t('common.all_units') });
  filter.addEventListener('change', () => context.navigate(PATH, { unit_id: filter.value }));
  listArea.before(createForm(), h('div', { class: 'toolbar' }, field(t('common.unit'), filter)));

  async function reload(done) {
    let reply;
    try {
      reply = await api('GET', '/v1/integrations', { query: { unit_id: unitId } });
    } catch (error) {
      show(listArea, errorBox(error));
      return;
    }
    show(listArea, reply.integrations.length ? table([
      { label: t('admin.integrations.name'), cell: (client) => h('strong', {}, client.name) },
      { label: t('admin.integrations.id'), cell: (client) => h('code', {}, client.client_id) },
      { label: t('common.unit'), cell: (client) => unitName(client.unit_id) },
      { label: t('admin.integrations.status'), cell: (client) => h('span', {
        class: `badge device-${client.status}` }, t(`admin.integrations.${client.status}`)) },
      { label: t('admin.integrations.created'), cell: (client) => when(client.created_at) },
      { label: t('admin.integrations.rotated_at'), cell: (client) => when(client.rotated_at) },
      { label: t('admin.actions'), cell: (client) => (client.status === 'revoked' ? '—'
        : h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'outline small', onclick: (event) => rotate(client, event.target),
            'aria-label': t('admin.integrations.rotate_named', { name: client.name }) },
          t('admin.integrations.rotate')),
          h('button', { type: 'button', class: 'outline secondary small',
            onclick: (event) => revoke(client, event.target),
            'aria-label': t('admin.integrations.revoke_named', { name: client.name }) },
          t('admin.integrations.revoke')))) },
    ], reply.integrations, t('admin.integrations.caption')) : notice(t('admin.integrations.empty')));
    if (done) show(messages, notice(done, 'success'));
  }

  function createForm() {
    const name = h('input', { required: true, maxlength: 200, autocomplete: 'off' });
    const unit = unitSelect(units, unitId || (units[0] && units[0].unit_id));
    const errors = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, t('admin.integrations.create'));
    const form = h('form', {}, field(t('admin.integrations.name'), name, t('admin.integrations.name_hint')),
      field(t('common.unit'), unit, t('admin.integrations.unit_hint')), errors, button);
    const details = h('details', { class: 'create' }, h('summary', { role: 'button', class: 'outline' },
      t('admin.integrations.create_title')), h('article', {}, form));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const client = await submitting(button, errors, () => api('POST', '/v1/integrations', { body: {
        name: name.value, unit_id: unit.value } }));
      if (!client) return;
      form.reset();
      details.open = false;
      show(keyArea, keyBox(client, t('admin.integrations.created_title', { name: client.name })));
      await reload(t('admin.integrations.created_done', { name: client.name }));
    });
    return details;
  }

  async function rotate(client, button) {
    if (!await confirmAction(t('admin.integrations.rotate_confirm', { name: client.name }),
      t('admin.integrations.rotate'))) return;
    const rotated = await submitting(button, messages, () => api('POST',
      `/v1/integrations/${encodeURIComponent(client.client_id)}/rotate`));
    if (!rotated) return;
    show(keyArea, keyBox(rotated, t('admin.integrations.rotated_title', { name: rotated.name })));
    await reload(t('admin.integrations.rotated_done', { name: rotated.name }));
  }

  async function revoke(client, button) {
    if (!await confirmAction(t('admin.integrations.revoke_confirm', { name: client.name }),
      t('admin.integrations.revoke'))) return;
    const revoked = await submitting(button, messages, () => api('POST',
      `/v1/integrations/${encodeURIComponent(client.client_id)}/revoke`));
    if (!revoked) return;
    keyArea.replaceChildren();
    await reload(t('admin.integrations.revoked_done', { name: revoked.name }));
  }

  await reload();
});

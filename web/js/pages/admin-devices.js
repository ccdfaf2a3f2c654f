// Lobby devices: register one (its secret shown once, with the id for the edge uploader), rotate, revoke, list; and,
// for one unit (a site), the people of other units its lobbies also recognise (grants), with add and remove.
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, submitting, unitSelect } from '../ui.js';
import { adminNav, adminPage, confirmAction, secretBox, unitNamer, when } from './admin-common.js';

const PATH = '/admin/devices';

function canWrite() {
  return session.hasRole('unit_admin', 'system_admin');
}

/** Who else a site's lobbies recognise: people of other units let in until a day (GET/POST/DELETE grants). */
function grantsSection(unitId, unitName) {
  const base = `/v1/sites/${encodeURIComponent(unitId)}/grants`;
  const messages = h('div', { 'aria-live': 'polite' });
  const listArea = h('div', {}, busy());
  const section = h('section', { class: 'site-grants', 'aria-labelledby': 'site-grants-title' },
    h('h2', { id: 'site-grants-title' }, t('admin.grants.title', { unit: unitName(unitId) })),
    h('p', {}, h('small', {}, t('admin.grants.hint'))), messages, canWrite() ? grantForm() : null, listArea);

  async function reload(done) {
    let reply;
    try {
      reply = await api('GET', base);
    } catch (error) {
      show(listArea, errorBox(error));
      return;
    }
    show(listArea, reply.grants.length ? table([
      { label: t('admin.grants.person'), cell: (grant) => h('strong', {}, grant.full_name || grant.staff_id) },
      { label: t('admin.grants.works_in'), cell: (grant) => grant.staff_unit_id ? unitName(grant.staff_unit_id) : '—' },
      { label: t('admin.grants.until'), cell: (grant) => grant.until || t('admin.grants.no_end') },
      { label: t('admin.grants.reason'), cell: (grant) => grant.reason },
      { label: t('admin.grants.state'), cell: (grant) => h('span', { class: 'badge' },
        grant.active ? t('admin.grants.active') : t('admin.grants.expired')) },
      canWrite() ? { label: t('admin.actions'), cell: (grant) => h('button', { type: 'button',
        class: 'outline secondary small', onclick: (event) => revoke(grant, event.target),
        'aria-label': t('admin.grants.revoke_named', { name: grant.full_name || grant.staff_id }) },
      t('admin.grants.revoke')) } : null,
    ].filter(Boolean), reply.grants, t('admin.grants.caption')) : notice(t('admin.grants.empty')));
    if (done) show(messages, notice(done, 'success'));
  }

  function grantForm() {
    const staffId = h('input', { required: true, maxlength: 128, autocomplete: 'off' });
    const until = h('input', { type: 'date' });
    const reason = h('input', { required: true, minlength: 3, maxlength: 500, autocomplete: 'off' });
    const errors = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, t('admin.grants.add'));
    const form = h('form', {}, field(t('admin.grants.staff_id'), staffId, t('admin.grants.staff_id_hint')),
      field(t('admin.grants.until'), until, t('admin.grants.until_hint')),
      field(t('admin.grants.reason'), reason), errors, button);
    const details = h('details', { class: 'create' }, h('summary', { role: 'button', class: 'outline' },
      t('admin.grants.add_title')), h('article', {}, form));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = { staff_id: staffId.value.trim(), reason: reason.value };
      if (until.value) body.until = until.value;
      const grant = await submitting(button, errors, () => api('POST', base, { body }));
      if (!grant) return;
      form.reset();
      details.open = false;
      await reload(t('admin.grants.added', { name: grant.full_name || grant.staff_id }));
    });
    return details;
  }

  async function revoke(grant, button) {
    const name = grant.full_name || grant.staff_id;
    if (!await confirmAction(t('admin.grants.revoke_confirm', { name }), t('admin.grants.revoke'))) return;
    const done = await submitting(button, messages, () => api('DELETE',
      `${base}/${encodeURIComponent(grant.staff_id)}`).then(() => true));
    if (!done) return;
    await reload(t('admin.grants.revoked', { name }));
  }

  reload();
  return section;
}

/** The device's id and secret, once, as the edge uploader's configuration wants them. */
function deviceSecretBox(device, title) {
  return secretBox(title, t('admin.devices.secret_label'), device.secret,
    h('p', {}, t('admin.devices.id_label'), ' ', h('code', { class: 'device-id' }, device.device_id)),
    h('p', {}, h('small', {}, t('admin.devices.config_hint'))));
}

export default adminPage('admin-devices', PATH, async (main, context) => {
  const unitId = context.query.unit_id || '';
  const messages = h('div', { 'aria-live': 'polite' });
  const secretArea = h('div', {});
  const listArea = h('div', {}, busy());
  show(main, heading(t('admin.devices.title')), adminNav(PATH), messages, secretArea, listArea);
  const units = await loadUnits();
  const unitName = unitNamer(units);
  const filter = unitSelect(units, unitId, { all: t('common.all_units') });
  filter.addEventListener('change', () => context.navigate(PATH, { unit_id: filter.value }));
  listArea.before(canWrite() ? registerForm() : null, h('div', { class: 'toolbar' }, field(t('common.unit'), filter)));

  async function reload(done) {
    let reply;
    try {
      reply = await api('GET', '/v1/devices', { query: { unit_id: unitId } });
    } catch (error) {
      show(listArea, errorBox(error));
      return;
    }
    show(listArea, reply.devices.length ? table([
      { label: t('admin.devices.name'), cell: (device) => h('strong', {}, device.name) },
      { label: t('admin.devices.id'), cell: (device) => h('code', {}, device.device_id) },
      { label: t('common.unit'), cell: (device) => unitName(device.unit_id) },
      { label: t('admin.devices.status'), cell: (device) => h('span', { class: `badge device-${device.status}` },
        device.status === 'revoked' ? t('admin.devices.revoked') : t('admin.devices.active')) },
      { label: t('admin.devices.created'), cell: (device) => when(device.created_at) },
      canWrite() ? { label: t('admin.actions'), cell: (device) => device.status === 'revoked' ? '—'
        : h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'outline small', onclick: (event) => rotate(device, event.target),
            'aria-label': t('admin.devices.rotate_named', { name: device.name }) }, t('admin.devices.rotate')),
          h('button', { type: 'button', class: 'outline secondary small',
            onclick: (event) => revoke(device, event.target),
            'aria-label': t('admin.devices.revoke_named', { name: device.name }) }, t('admin.devices.revoke'))) }
        : null,
    ].filter(Boolean), reply.devices, t('admin.devices.caption')) : notice(t('admin.devices.empty')));
    if (done) show(messages, notice(done, 'success'));
  }

  function registerForm() {
    const name = h('input', { required: true, maxlength: 200, autocomplete: 'off' });
    const unit = unitSelect(units, unitId || (units[0] && units[0].unit_id));
    const errors = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, t('admin.devices.register'));
    const form = h('form', {}, field(t('admin.devices.name'), name, t('admin.devices.name_hint')),
      field(t('common.unit'), unit), errors, button);
    const details = h('details', { class: 'create' }, h('summary', { role: 'button', class: 'outline' },
      t('admin.devices.register_title')), h('article', {}, form));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const device = await submitting(button, errors, () => api('POST', '/v1/devices', { body: {
        name: name.value, unit_id: unit.value } }));
      if (!device) return;
      form.reset();
      details.open = false;
      show(secretArea, deviceSecretBox(device, t('admin.devices.registered_title', { name: device.name })));
      await reload(t('admin.devices.registered', { name: device.name }));
    });
    return details;
  }

  async function rotate(device, button) {
    if (!await confirmAction(t('admin.devices.rotate_confirm', { name: device.name }), t('admin.devices.rotate'))) {
      return;
    }
    const rotated = await submitting(button, messages, () => api('POST',
      `/v1/devices/${encodeURIComponent(device.device_id)}/rotate`));
    if (!rotated) return;
    show(secretArea, deviceSecretBox(rotated, t('admin.devices.rotated_title', { name: rotated.name })));
    await reload(t('admin.devices.rotated', { name: rotated.name }));
  }

  async function revoke(device, button) {
    if (!await confirmAction(t('admin.devices.revoke_confirm', { name: device.name }), t('admin.devices.revoke'))) {
      return;
    }
    const revoked = await submitting(button, messages, () => api('POST',
      `/v1/devices/${encodeURIComponent(device.device_id)}/revoke`));
    if (!revoked) return;
    secretArea.replaceChildren();
    await reload(t('admin.devices.revoked_done', { name: revoked.name }));
  }

  await reload();
  // One unit chosen: the site its devices serve, and who else its lobbies recognise.
  if (unitId) listArea.after(grantsSection(unitId, unitName));
});

// What the administration pages share: their sub-navigation (each link only for the roles the API allows),
// a confirmation dialog, the "shown only once" box for secrets, and unit names. Not a page itself.
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import * as session from '../session.js';
import { confirmDialog } from '../ui.js';

// Who may open each sub-page: the roles whose permissions (chamcong/access.py ROLES) the page's reads need.
export const ADMIN_PAGES = [
  { path: '/admin/units', title: 'admin.units.title', roles: ['unit_admin', 'system_admin'] },
  { path: '/admin/accounts', title: 'admin.accounts.title', roles: ['unit_admin', 'oversight', 'system_admin'] },
  { path: '/admin/devices', title: 'admin.devices.title', roles: ['unit_admin', 'oversight', 'system_admin'] },
  { path: '/admin/integrations', title: 'admin.integrations.title', roles: ['unit_admin', 'system_admin'] },
  { path: '/admin/calendar', title: 'admin.calendar.title', roles: ['unit_admin', 'oversight', 'system_admin'] },
  { path: '/admin/audit', title: 'admin.audit.title', roles: ['oversight', 'system_admin'] },
];

export function allowedAdminPages(sessionModule = session) {
  return ADMIN_PAGES.filter((entry) => sessionModule.hasRole(...entry.roles));
}

/** A page object for one administration sub-page. */
export function adminPage(id, path, render) {
  const entry = ADMIN_PAGES.find((candidate) => candidate.path === path);
  return {
    id, path, title: entry.title, nav: null, section: 'admin',
    allowed: (sessionModule) => sessionModule.hasRole(...entry.roles),
    render,
  };
}

/** The small navigation between the administration sub-pages. */
export function adminNav(currentPath) {
  return h('nav', { class: 'subnav', 'aria-label': t('admin.subnav') }, h('ul', {},
    allowedAdminPages().map((entry) => h('li', {}, h('a', {
      href: `#${entry.path}`, 'aria-current': entry.path === currentPath ? 'page' : null,
    }, t(entry.title))))));
}

/** Asks before something that cannot be undone; resolves true when confirmed. */
export function confirmAction(question, confirmLabel) {
  return confirmDialog(t('admin.confirm_title'), h('p', {}, question), confirmLabel);
}

/** A modal dialog holding `content`; returns {dialog, close}. Closing removes it from the page. */
export function openDialog(title, content, onClose) {
  const dialog = h('dialog', { 'aria-label': title });
  const close = () => {
    if (!dialog.isConnected) return;
    dialog.close();
    dialog.remove();
    if (onClose) onClose();
  };
  dialog.append(h('article', {}, h('header', {}, h('h2', {}, title)), content,
    h('footer', {}, h('button', { type: 'button', class: 'secondary', onclick: close }, t('common.close')))));
  dialog.addEventListener('close', close);
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close };
}

/** A secret the API gives once (temporary password, device secret): shown here, never stored anywhere. */
export function secretBox(title, label, secret, ...extra) {
  return h('article', { class: 'secret-box', role: 'status' },
    h('h2', {}, title),
    h('p', { class: 'notice warning' }, h('strong', {}, t('admin.shown_once'))),
    h('p', {}, label), h('p', { class: 'secret', dataset: { secret: 'yes' } }, secret), extra);
}

/** "Phòng Nội vụ" for a unit id, from the units the caller can see (the id itself if unknown). */
export function unitNamer(units) {
  const names = new Map(units.map((unit) => [unit.unit_id, unit.name]));
  return (unitId) => (unitId ? names.get(unitId) || unitId : t('admin.whole_site'));
}

export function when(iso) {
  return iso ? formatDateTime(iso) : '—';
}

/** The roles an admin may hand out: a unit admin the delegable ones, a system admin every one. */
export function grantableRoles() {
  return session.hasRole('system_admin')
    ? ['staff', 'unit_leader', 'unit_head', 'unit_admin', 'oversight', 'system_admin']
    : ['staff', 'unit_leader', 'unit_admin'];
}

/** Today plus `days` as YYYY-MM-DD (Hanoi). */
export function dayOffset(isoDay, days) {
  const [year, month, day] = isoDay.split('-').map(Number);
  const moved = new Date(Date.UTC(year, month - 1, day + days));
  return moved.toISOString().slice(0, 10);
}

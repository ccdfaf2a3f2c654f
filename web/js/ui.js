// Small pieces every page uses: messages for errors, a busy line, page headings, unit choices, day statuses.
import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** An error as the person should read it: the API's own message (in their language), never a raw code. */
export function errorBox(error) {
  const message = error?.message || t('error.unexpected', { status: error?.status ?? '?' });
  return h('p', { class: 'notice error', role: 'alert', dataset: { code: error?.code || 'error' } }, message);
}

export function notice(text, kind = 'info') {
  return h('p', { class: `notice ${kind}`, role: kind === 'success' ? 'status' : null }, text);
}

export function busy() {
  return h('p', { 'aria-busy': 'true' }, t('common.loading'));
}

export function heading(text, ...extra) {
  return h('header', { class: 'page-heading' }, h('h1', { tabindex: '-1' }, text), extra);
}

/** Run `action` for a form submit, showing busy state and the error (if any) in `where`. */
export async function submitting(button, where, action) {
  button.setAttribute('aria-busy', 'true');
  button.disabled = true;
  where.replaceChildren();
  try {
    return await action();
  } catch (error) {
    where.replaceChildren(errorBox(error));
    return undefined;
  } finally {
    button.removeAttribute('aria-busy');
    button.disabled = false;
  }
}

let unitsCache = null;
/** The units in the caller's scope (GET /v1/units), cached for the page's life; `fresh` reloads. */
export async function loadUnits(fresh = false) {
  if (!unitsCache || fresh) unitsCache = api('GET', '/v1/units').then((reply) => reply.units);
  try {
    return await unitsCache;
  } catch (error) {
    unitsCache = null;
    throw error;
  }
}

export function forgetUnits() {
  unitsCache = null;
}

/** Units ordered as a tree (parents first, children indented by depth), for selects and lists. */
export function unitTree(units) {
  const byParent = new Map();
  const ids = new Set(units.map((unit) => unit.unit_id));
  for (const unit of units) {
    const parent = ids.has(unit.parent_id) ? unit.parent_id : null;
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(unit);
  }
  const ordered = [];
  const walk = (parent, depth) => {
    for (const unit of (byParent.get(parent) || []).sort((a, b) => a.name.localeCompare(b.name, 'vi'))) {
      ordered.push({ ...unit, depth });
      walk(unit.unit_id, depth + 1);
    }
  };
  walk(null, 0);
  return ordered;
}

/** The unit and every unit below it, among `units` (the caller's scope), as a Set of ids. */
export function subtreeOf(units, unitId) {
  const below = new Set([unitId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const unit of units) {
      if (below.has(unit.parent_id) && !below.has(unit.unit_id)) {
        below.add(unit.unit_id);
        grew = true;
      }
    }
  }
  return below;
}

/** <select> of units; `all` adds a first option with value '' (label given). */
export function unitSelect(units, selected, { all } = {}) {
  return h('select', {}, all ? h('option', { value: '' }, all) : null,
    unitTree(units).map((unit) => h('option', { value: unit.unit_id, selected: unit.unit_id === selected },
      `${'\u00a0\u00a0'.repeat(unit.depth)}${unit.name}`)));
}

/** A day status as words: 'late' → 'Đi muộn'. */
export function statusLabel(status) {
  return t(`status.${status}`);
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, statusLabel(status));
}

/** A modal confirmation (Pico's <dialog>): resolves true when the person confirms. */
export function confirmDialog(title, body, confirmLabel) {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'secondary' }, t('common.cancel'));
    const confirm = h('button', { type: 'button', class: 'danger' }, confirmLabel);
    const titleId = `dialog-title-${Date.now()}`;
    const dialog = h('dialog', { 'aria-labelledby': titleId },
      h('article', {}, h('header', {}, h('h2', { id: titleId }, title)), body,
        h('footer', {}, cancel, confirm)));
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// Today (#/today?date=&unit_id=): the home page of leaders, oversight and system admins.
// Without unit_id: the counts of every unit in reach (GET /v1/attendance/overview), one row per unit to drill into.
// With unit_id: the unit's people grouped (GET /v1/attendance/days) and the captures refused as spoofs
// (GET /v1/attendance/spoofs). Refreshed every minute while the check-in window is open.
import { api } from '../api.js';
import { field, h, show } from '../dom.js';
import { formatDate, formatNumber, t, todayInHanoi, TIMEZONE } from '../i18n.js';
import { link, navigate } from '../router.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, statusBadge } from '../ui.js';

const REFRESH_MS = 60_000;
// Without an answer that says so (the unit view has none), the site's usual check-in window, local time.
const WINDOW_START = '05:30';
const WINDOW_END = '08:00';
const PRESENT = ['on_time', 'late', 'left_early', 'missing_check_out'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function hanoiClock(now = new Date()) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: TIMEZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(now);
}

/** Whether `day` is today in Hanoi and now is inside the usual check-in window. */
export function inUsualWindow(day, now = new Date()) {
  const clock = hanoiClock(now);
  return day === todayInHanoi(now) && clock >= WINDOW_START && clock < WINDOW_END;
}

/** Which group of the unit view a person's day falls in. */
export function groupOf(day) {
  const corrected = Boolean(day.correction_id);
  if (['on_leave', 'business_trip', 'work_from_home'].includes(day.status)) return day.status;
  if (['holiday', 'weekend', 'not_employed'].includes(day.status)) return 'not_working';
  if (!corrected && day.flags.includes('late')) return 'late';
  if (corrected && day.status === 'late') return 'late';
  if (PRESENT.includes(day.status) || (!corrected && day.check_in)) return 'on_time';
  return 'missing';  // absent, missing check-in, or not checked in yet
}

const GROUPS = ['late', 'missing', 'on_leave', 'business_trip', 'work_from_home', 'on_time', 'not_working'];

function hhmm(time) {
  return time ? time.slice(0, 5) : '—';
}

function personLink(day, date) {
  return h('a', { href: link(`/people/${encodeURIComponent(day.staff_id)}/month`, { month: date.slice(0, 7), date }) },
    day.full_name);
}

function countCard(label, value, extra) {
  return h('div', { class: 'count' }, h('strong', {}, formatNumber(value)), label,
    extra ? h('small', {}, extra) : null);
}

/** The cards at the top: `late` is people late by the rules (a late arrival never checked out included). */
function countsOf(counts, late, lateMinutes, spoofs) {
  const sum = (...statuses) => statuses.reduce((total, status) => total + (counts[status] || 0), 0);
  return [
    ['present', t('today.count_present'), sum(...PRESENT)],
    ['on_time', t('today.count_on_time'), Math.max(0, sum(...PRESENT) - late)],
    ['late', t('today.count_late'), late, lateMinutes ? t('today.late_total', { minutes: lateMinutes }) : null],
    ['not_in', t('today.count_not_in'), sum('missing_check_in', 'pending')],
    ['absent', t('today.count_absent'), sum('absent')],
    ['on_leave', t('today.count_leave'), sum('on_leave')],
    ['business_trip', t('today.count_trip'), sum('business_trip')],
    ['work_from_home', t('today.count_home'), sum('work_from_home')],
    ['spoofs', t('today.count_spoofs'), spoofs],
  ];
}

function countsSection(date, rows) {
  return h('section', { 'aria-labelledby': 'today-counts' },
    h('h2', { id: 'today-counts', class: 'visually-hidden' }, t('today.counts', { date: formatDate(date) })),
    h('div', { class: 'counts' }, rows.map(([key, label, value, extra]) => {
      const card = countCard(label, value, extra);
      card.dataset.count = key;
      return card;
    })));
}

// --- all units -------------------------------------------------------------------------------------------

function overviewView(answer, spoofs, date, spoofsOpen, onToggle) {
  const { totals } = answer;
  // Units with nobody employed (a district's own level) are shown only when something happened at their camera.
  const units = answer.units.filter((unit) => unit.staff > 0 || unit.spoofs > 0);
  const sum = (counts, ...statuses) => statuses.reduce((total, status) => total + (counts[status] || 0), 0);
  const list = document.createDocumentFragment();
  for (const unit of units) {
    const { counts } = unit;
    const late = unit.late ?? counts.late;
    const line = (key, label, value, extra) => h('li', { dataset: { count: key } },
      h('strong', {}, formatNumber(value)), ' ', label, extra ? h('small', {}, ` (${extra})`) : null);
    list.append(h('li', { class: 'unit-card', dataset: { unit: unit.unit_id } }, h('article', {},
      h('h3', {}, h('a', { href: link('/today', { date, unit_id: unit.unit_id }) }, unit.name)),
      h('ul', { class: 'unit-counts' },
        line('staff', t('today.count_staff'), unit.staff),
        line('present', t('today.count_present'), sum(counts, ...PRESENT)),
        line('late', t('today.count_late'), late,
          unit.late_minutes ? t('common.minutes', { minutes: unit.late_minutes }) : null),
        line('not_in', t('today.count_not_in'), sum(counts, 'missing_check_in', 'pending')),
        line('absent', t('today.count_absent'), counts.absent),
        line('away', t('today.col_away'), sum(counts, 'on_leave', 'business_trip', 'work_from_home')),
        line('spoofs', t('today.count_spoofs'), unit.spoofs)))));
  }
  return [
    countsSection(date, countsOf(totals.counts, totals.late ?? totals.counts.late, totals.late_minutes,
      totals.spoofs)),
    h('section', { 'aria-labelledby': 'today-units' },
      h('h2', { id: 'today-units' }, t('today.units')),
      units.length ? [h('p', {}, t('today.units_caption')), h('ul', { class: 'unit-cards' }, list)]
        : notice(t('today.no_units'))),
    spoofsSection(spoofs, spoofsOpen, onToggle),
  ];
}

// --- one unit --------------------------------------------------------------------------------------------

function groupTable(group, days, date) {
  const rows = document.createDocumentFragment();
  for (const day of days) {
    let detail;
    if (group === 'late') {
      detail = t('today.late_by', { minutes: day.late_minutes });
    } else if (group === 'missing' && day.status === 'pending') {
      detail = t('today.count_not_in');
    } else {
      detail = statusBadge(day.status);
    }
    rows.append(h('tr', { dataset: { staff: day.staff_id } },
      h('th', { scope: 'row' }, personLink(day, date)),
      h('td', {}, hhmm(day.check_in)),
      h('td', {}, hhmm(day.check_out)),
      h('td', {}, detail, group !== 'late' && group !== 'missing' && day.flags.length > 1
        ? day.flags.filter((flag) => flag !== day.status).map((flag) => [' ', statusBadge(flag)]) : null,
      group === 'late' && day.flags.some((flag) => flag !== 'late')
        ? day.flags.filter((flag) => flag !== 'late').map((flag) => [' ', statusBadge(flag)]) : null,
      day.correction_id ? [' ', h('small', {}, `(${t('today.corrected')})`)] : null)));
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'striped' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('common.name')),
      h('th', { scope: 'col' }, t('today.col_check_in')), h('th', { scope: 'col' }, t('today.col_check_out')),
      h('th', { scope: 'col' }, t('today.col_status')))),
    h('tbody', {}, rows)));
}

function spoofFrames(attempt) {
  const time = hhmm(attempt.captured_at_local.slice(11, 19) || attempt.captured_at_local);
  return h('div', { class: 'spoof-frames' }, attempt.snapshot_urls.map((url, index) => h('img', {
    src: url, loading: 'lazy', width: '160', height: '160',
    alt: t('today.spoof_frame', { number: index + 1, count: attempt.snapshot_urls.length, time,
      device: attempt.device_name }),
  })));
}

function spoofsSection(reply, open, onToggle) {
  if (reply === null) return null;
  if (reply instanceof Error) {
    return h('section', { class: 'spoofs' }, notice(t('today.spoofs_unavailable', { message: reply.message }),
      'warning'));
  }
  const attempts = reply.attempts;
  if (!attempts.length) return h('section', { class: 'spoofs' }, h('p', {}, t('today.spoofs_none')));
  const list = h('div');
  const details = h('details', { class: 'spoofs', open: open || null },
    h('summary', {}, t('today.spoofs', { count: attempts.length })), h('p', {}, t('today.spoofs_hint')), list);
  const fill = () => {
    // The frames are faces: fetched only when someone opens the list.
    if (!details.open || list.childElementCount) return;
    list.append(...attempts.map((attempt) => {
      const time = hhmm(attempt.captured_at_local.slice(11, 19) || attempt.captured_at_local);
      return h('article', { class: 'spoof', dataset: { attempt: attempt.attempt_key } },
        h('p', {}, h('strong', {}, t('today.spoof_at', { time, device: attempt.device_name }))),
        h('p', {}, attempt.resembles_name
          ? t('today.spoof_resembles', { name: attempt.resembles_name,
            similarity: formatNumber(attempt.similarity ?? 0, { maximumFractionDigits: 2 }) })
          : t('today.spoof_unknown'),
        h('br'), t('today.spoof_liveness', { score: formatNumber(attempt.liveness, { maximumFractionDigits: 2 }) })),
        spoofFrames(attempt));
    }));
  };
  details.addEventListener('toggle', () => {
    onToggle(details.open);
    fill();
  });
  fill();
  return details;
}

function unitView(reply, spoofs, date) {
  const groups = new Map(GROUPS.map((group) => [group, []]));
  for (const day of reply.days) groups.get(groupOf(day)).push(day);
  groups.get('late').sort((a, b) => b.late_minutes - a.late_minutes);
  const counts = {};
  for (const day of reply.days) counts[day.status] = (counts[day.status] || 0) + 1;
  const lateMinutes = groups.get('late').reduce((total, day) => total + day.late_minutes, 0);
  const spoofCount = spoofs instanceof Error ? 0 : spoofs.attempts.length;
  const cards = countsOf(counts, groups.get('late').length, lateMinutes, spoofCount);
  const fragment = document.createDocumentFragment();
  fragment.append(countsSection(date, cards));
  for (const group of GROUPS) {
    const days = groups.get(group);
    if (group === 'not_working' && !days.length) continue;
    const id = `today-group-${group}`;
    fragment.append(h('section', { class: `today-group group-${group}`, 'aria-labelledby': id, dataset: { group } },
      h('h2', { id }, t(`today.${group}`), ' ', h('span', { class: 'badge' }, formatNumber(days.length))),
      days.length ? groupTable(group, days, date) : h('p', {}, t('today.nobody'))));
  }
  return fragment;
}

// --- the page --------------------------------------------------------------------------------------------

export default {
  id: 'today',
  path: '/today',
  title: 'today.title',
  nav: { order: 10 },
  allowed: () => session.hasRole('unit_leader', 'unit_head', 'oversight', 'system_admin'),
  async render(main, context) {
    const date = DAY.test(context.query.date || '') ? context.query.date : todayInHanoi();
    const unitId = context.query.unit_id || '';
    const leaderUnits = session.grantedUnits('unit_leader');
    const overseer = session.hasRole('oversight', 'system_admin');
    if (!unitId && !overseer && leaderUnits.length === 1) {
      window.location.replace(link('/today', { date: context.query.date, unit_id: leaderUnits[0] }));
      return undefined;
    }

    const dateInput = h('input', { type: 'date', name: 'date', value: date, max: '9999-12-31' });
    const form = h('form', { class: 'toolbar today-date' }, field(t('today.date'), dateInput),
      h('button', { type: 'submit', class: 'secondary' }, t('today.show')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (DAY.test(dateInput.value)) navigate('/today', { date: dateInput.value, unit_id: unitId });
    });
    const title = h('span', {}, t('today.title'));
    const updated = h('p', { class: 'today-updated', 'aria-live': 'polite', role: 'status' });
    const results = h('div', { class: 'today-results' }, busy());
    const back = unitId && (overseer || leaderUnits.length !== 1)
      ? h('p', {}, h('a', { href: link('/today', { date }) }, t('today.all_units'))) : null;
    const head = heading(title, h('small', {}, formatDate(date, { weekday: 'long', day: '2-digit', month: '2-digit',
      year: 'numeric' })));
    show(main, head, back, form, updated, results);

    let timer = null;
    let spoofsOpen = false;
    let loading = null;

    async function load() {
      if (loading) return;
      const controller = new AbortController();
      loading = controller;
      try {
        let live;
        if (unitId) {
          const [days, spoofs, units] = await Promise.all([
            api('GET', '/v1/attendance/days', { query: { unit_id: unitId, date }, signal: controller.signal }),
            api('GET', '/v1/attendance/spoofs', { query: { unit_id: unitId, date }, signal: controller.signal })
              .catch((error) => (error.name === 'AbortError' ? Promise.reject(error) : error)),
            loadUnits().catch(() => []),
          ]);
          if (!context.isCurrent()) return;
          const unit = units.find((one) => one.unit_id === unitId);
          title.textContent = t('today.unit_title', { unit: unit ? unit.name : unitId });
          document.title = `${title.textContent} · ${t('app.name')}`;
          const view = unitView(days, spoofs, date);
          view.append(spoofsSection(spoofs, spoofsOpen, (open) => { spoofsOpen = open; }));
          results.replaceChildren(view);
          live = inUsualWindow(date);
        } else {
          const [answer, spoofs] = await Promise.all([
            api('GET', '/v1/attendance/overview', { query: { date }, signal: controller.signal }),
            api('GET', '/v1/attendance/spoofs', { query: { date }, signal: controller.signal })
              .catch((error) => (error.name === 'AbortError' ? Promise.reject(error) : error)),
          ]);
          if (!context.isCurrent()) return;
          results.replaceChildren(...overviewView(answer, spoofs, date, spoofsOpen, (open) => { spoofsOpen = open; }));
          live = answer.in_check_in_window;
        }
        updated.replaceChildren(t('today.updated', { time: hanoiClock() }), live ? ` · ${t('today.live')}` : '');
        if (live && !timer) timer = setInterval(load, REFRESH_MS);
        if (!live && timer) {
          clearInterval(timer);
          timer = null;
        }
      } catch (error) {
        if (error.name === 'AbortError' || !context.isCurrent()) return;
        if (timer && results.querySelector('.today-group, .unit-cards')) {
          updated.replaceChildren(errorBox(error));  // keep the last good answer on screen
        } else {
          show(results, errorBox(error));
        }
      } finally {
        if (loading === controller) loading = null;
      }
    }

    await load();
    return () => {
      if (timer) clearInterval(timer);
      timer = null;
      if (loading) loading.abort();
    };
  },
};

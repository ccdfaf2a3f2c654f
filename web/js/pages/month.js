// A person's month (#/people/:staff_id/month?month=YYYY-MM&date=YYYY-MM-DD): a calendar of day statuses with
// times, late/early minutes, absences and corrections, the month's totals, and one day's details with the
// evidence snapshot (the daily report e-mails link here with date = the day to open).
import { api, apiFile } from '../api.js';
import { download, field, h, show } from '../dom.js';
import { formatDate, formatDateTime, formatNumber, t, todayInHanoi } from '../i18n.js';
import { link } from '../router.js';
import { busy, errorBox, heading, loadUnits, notice, statusBadge, statusLabel, submitting } from '../ui.js';

const MONTH = /^20\d\d-(0[1-9]|1[0-2])$/;
const DAY = /^20\d\d-(0[1-9]|1[0-2])-\d\d$/;
// Days that are not working days: nothing happened to open.
const QUIET = new Set(['weekend', 'holiday', 'pending', 'not_employed']);
// Days with something to answer for: their signed evidence bundle can be downloaded (the API also makes one for a
// day with a spoofing attempt, which the month does not show).
const ANSWERABLE = new Set(['late', 'left_early', 'absent', 'missing_check_in', 'missing_check_out']);
const ZIP = 'application/zip';
// Monday first.
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function shiftMonth(month, delta) {
  const [year, number] = month.split('-').map(Number);
  const index = year * 12 + (number - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function lastDayOf(month) {
  const [year, number] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(year, number, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** 0 = Monday … 6 = Sunday, for an ISO day. */
function weekdayIndex(isoDay) {
  const [year, month, day] = isoDay.split('-').map(Number);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

const hhmm = (time) => (time ? time.slice(0, 5) : '');

function monthTitle(month) {
  const [year, number] = month.split('-').map(Number);
  return t('month.month_title', { month: number, year });
}

function totals(days) {
  const sum = { late_days: 0, late_minutes: 0, early_days: 0, early_minutes: 0, absent: 0, missing: 0,
    on_leave: 0, business_trip: 0, work_from_home: 0, present: 0 };
  for (const day of days) {
    if (day.late_minutes > 0) {
      sum.late_days += 1;
      sum.late_minutes += day.late_minutes;
    }
    if (day.early_minutes > 0) {
      sum.early_days += 1;
      sum.early_minutes += day.early_minutes;
    }
    if (day.status === 'absent') sum.absent += 1;
    if (day.status === 'missing_check_in' || day.status === 'missing_check_out') sum.missing += 1;
    if (day.status in sum) sum[day.status] += 1;
    if (day.check_in || day.check_out) sum.present += 1;
  }
  return sum;
}

function countsBlock(sum) {
  const items = [
    ['month.total_present', sum.present],
    ['month.total_late_days', sum.late_days],
    ['month.total_late_minutes', sum.late_minutes],
    ['month.total_early_days', sum.early_days],
    ['month.total_early_minutes', sum.early_minutes],
    ['month.total_absent', sum.absent],
    ['month.total_missing', sum.missing],
    ['month.total_on_leave', sum.on_leave],
    ['month.total_business_trip', sum.business_trip],
    ['month.total_work_from_home', sum.work_from_home],
  ];
  return h('section', { 'aria-labelledby': 'month-totals' }, h('h2', { id: 'month-totals' }, t('month.totals')),
    h('div', { class: 'counts' }, items.map(([key, value]) => h('div', { class: 'count', dataset: { total: key } },
      h('strong', {}, formatNumber(value)), t(key)))));
}

/** What a day cell says besides its status: times, minutes, the absence or correction that applies. */
function dayLines(day, absences, corrections) {
  const lines = [];
  if (day.check_in || day.check_out) {
    lines.push(h('span', { class: 'times' }, `${hhmm(day.check_in) || '—'} – ${hhmm(day.check_out) || '—'}`));
  }
  if (day.late_minutes > 0) lines.push(h('span', {}, t('month.late_by', { minutes: day.late_minutes })));
  if (day.early_minutes > 0) lines.push(h('span', {}, t('month.early_by', { minutes: day.early_minutes })));
  if (day.holiday) lines.push(h('span', {}, day.holiday));
  const absence = day.absence_id ? absences.get(day.absence_id) : null;
  if (absence) {
    lines.push(h('span', { class: 'note' }, absence.part === 'full' ? absence.reason
      : `${t(`month.part_${absence.part}`)}: ${absence.reason}`));
  }
  if (day.status_before_correction) {
    lines.push(h('span', { class: 'note' }, t('month.corrected_from', {
      status: statusLabel(day.status_before_correction) })));
    const correction = day.correction_id ? corrections.get(day.correction_id) : null;
    if (correction) lines.push(h('span', { class: 'note' }, correction.reason));
  }
  return lines;
}

function calendar(data, staffId, month, selected, absences, corrections) {
  const cells = [];
  const first = data.days[0]?.date || `${month}-01`;
  for (let i = 0; i < weekdayIndex(first); i += 1) cells.push(h('td', { class: 'pad', 'aria-hidden': 'true' }));
  for (const day of data.days) {
    const number = Number(day.date.slice(8));
    const weekday = t(`month.weekday_${WEEKDAYS[weekdayIndex(day.date)]}`);
    const label = h('span', { class: 'day-number' }, h('span', { class: 'weekday' }, `${weekday} `), number);
    const opens = !QUIET.has(day.status) || day.check_in || day.check_out;
    const title = opens
      ? h('a', { href: link(`/people/${encodeURIComponent(staffId)}/month`, { month, date: day.date }),
        'aria-label': t('month.open_day', { date: formatDate(day.date) }),
        'aria-current': day.date === selected ? 'date' : null }, label)
      : label;
    const classes = ['day', `day-${day.status}`];
    if (day.date === selected) classes.push('selected');
    // Days still to come stay quiet: only their number (the status says so to screen readers).
    const badge = day.status === 'pending' ? h('span', { class: 'visually-hidden' }, statusLabel(day.status))
      : h('div', {}, statusBadge(day.status));
    cells.push(h('td', { class: classes.join(' '), dataset: { date: day.date } }, title, badge,
      dayLines(day, absences, corrections)));
  }
  while (cells.length % 7 !== 0) cells.push(h('td', { class: 'pad', 'aria-hidden': 'true' }));
  const rows = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(h('tr', {}, cells.slice(i, i + 7)));
  return h('div', { class: 'month-calendar-wrap' }, h('table', { class: 'month-calendar' },
    h('caption', {}, t('month.calendar_caption', { month: monthTitle(month) })),
    h('thead', {}, h('tr', {}, WEEKDAYS.map((name) => h('th', { scope: 'col' },
      h('abbr', { title: t(`month.weekday_long_${name}`) }, t(`month.weekday_${name}`)))))),
    h('tbody', {}, rows)));
}

function evidenceFigure(evidence) {
  const when = formatDateTime(evidence.captured_at_local);
  if (!evidence.snapshot_url) return h('p', {}, t('month.snapshot_erased'));
  return h('figure', { class: 'evidence' },
    h('img', { src: evidence.snapshot_url, alt: t('month.evidence_alt', {
      event: t(`month.event_${evidence.event}`), time: hhmm(evidence.captured_at_local.slice(11)) }),
    width: 240, loading: 'lazy', referrerpolicy: 'no-referrer' }),
    h('figcaption', {},
      h('span', {}, t('month.evidence_caption', { event: t(`month.event_${evidence.event}`), when,
        device: evidence.device_id })),
      h('br'),
      h('small', {}, t('month.evidence_expires', { time: formatDateTime(evidence.snapshot_url_expires_at) })),
      h('br'),
      h('small', {}, t('month.evidence_personal'))));
}

/** A day without a check-in: the passages of that morning the site's cameras matched to nobody. */
function nearestEvidence(passages) {
  return h('section', { class: 'nearest-evidence', 'aria-labelledby': 'nearest-title' },
    h('h3', { id: 'nearest-title' }, t('month.nearest_title')),
    passages.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'striped' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('month.event_time')),
        h('th', { scope: 'col' }, t('month.event_device')), h('th', { scope: 'col' }, t('month.event_snapshot')))),
      h('tbody', {}, passages.map((passage) => h('tr', {},
        h('td', {}, hhmm(passage.captured_at_local.slice(11))),
        h('td', {}, passage.device_name),
        h('td', {}, h('a', { href: passage.snapshot_url, target: '_blank', rel: 'noopener noreferrer' },
          t('month.open_snapshot')), passage.clip_url ? [h('br'), h('a', { href: passage.clip_url,
          target: '_blank', rel: 'noopener noreferrer' }, t('month.open_clip'))] : null)))))) :
      h('p', {}, t('month.nearest_none')),
    h('p', {}, h('small', {}, t('month.nearest_note'))));
}

/** The absence and the correction that apply to a day, with their reasons and authors. */
function dayReasons(day, absences, corrections) {
  const lines = [];
  const absence = day.absence_id ? absences.get(day.absence_id) : null;
  if (absence) {
    lines.push(h('p', {}, t('month.absence_line', { kind: statusLabel(day.status), reason: absence.reason,
      who: absence.created_by, when: formatDateTime(absence.created_at) })));
  }
  const correction = day.correction_id ? corrections.get(day.correction_id) : null;
  if (day.status_before_correction) {
    lines.push(h('p', {}, t('month.correction_line', { before: statusLabel(day.status_before_correction),
      status: statusLabel(day.status), reason: correction ? correction.reason : '—',
      who: correction ? correction.created_by : '—',
      when: correction ? formatDateTime(correction.created_at) : '—' })));
  }
  return lines;
}

function answerable(day) {
  return [day.status, day.status_before_correction, ...(day.flags || [])].some((status) => ANSWERABLE.has(status));
}

/** The button that downloads the day's signed evidence bundle (.zip): records, photos, the rule, a signature. */
function bundleButton(staffId, day) {
  const messages = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'outline', dataset: { action: 'evidence-bundle' } },
    t('month.bundle_download'));
  button.addEventListener('click', async () => {
    const file = await submitting(button, messages, () => apiFile(
      `/v1/staff/${encodeURIComponent(staffId)}/days/${day.date}/evidence-bundle`, undefined, ZIP));
    if (file) {
      download(file.blob, file.filename || `chung-cu-${staffId}-${day.date}.zip`);
      messages.replaceChildren(notice(t('month.bundle_done'), 'success'));
    }
  });
  return h('section', { class: 'evidence-bundle', 'aria-labelledby': 'bundle-title' },
    h('h3', { id: 'bundle-title' }, t('month.bundle_title')),
    h('p', {}, h('small', {}, t('month.bundle_note'))), button, messages);
}

async function dayDetails(where, staffId, day, month, absences, corrections) {
  const events = h('div', {}, busy());
  show(where, h('article', { id: 'day-details', 'aria-labelledby': 'day-details-title' },
    h('header', {}, h('h2', { id: 'day-details-title' }, t('month.day_title', {
      date: formatDate(day.date, { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' }) })),
    h('p', {}, statusBadge(day.status), ' ',
      day.check_in || day.check_out
        ? t('month.day_times', { in: hhmm(day.check_in) || '—', out: hhmm(day.check_out) || '—' }) : null),
    day.late_minutes > 0 ? h('p', {}, t('month.late_by', { minutes: day.late_minutes })) : null,
    day.early_minutes > 0 ? h('p', {}, t('month.early_by', { minutes: day.early_minutes })) : null,
    dayReasons(day, absences, corrections)),
    day.evidence ? evidenceFigure(day.evidence) : null,
    answerable(day) ? bundleButton(staffId, day) : null,
    h('h3', {}, t('month.events_title')), events,
    h('footer', {}, h('a', { href: link(`/people/${encodeURIComponent(staffId)}/month`, { month }) },
      t('month.close_day')))));
  try {
    const reply = await api('GET', `/v1/staff/${encodeURIComponent(staffId)}/events`, { query: { date: day.date } });
    if (!reply.events.length) {
      show(events, h('p', {}, t('month.no_events')), nearestEvidence(reply.nearest_evidence || []));
      return;
    }
    show(events, h('div', { class: 'table-wrap' }, h('table', { class: 'striped' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('month.event_time')),
        h('th', { scope: 'col' }, t('month.event_kind')), h('th', { scope: 'col' }, t('month.event_device')),
        h('th', { scope: 'col', class: 'numeric' }, t('month.event_similarity')),
        h('th', { scope: 'col' }, t('month.event_snapshot')))),
      h('tbody', {}, reply.events.map((event) => h('tr', {},
        h('td', {}, hhmm(event.captured_at_local.slice(11))),
        h('td', {}, t(`month.event_${event.event}`)),
        h('td', {}, event.device_id),
        h('td', { class: 'numeric' }, formatNumber(event.similarity, { maximumFractionDigits: 2 })),
        h('td', {}, event.snapshot_url
          ? h('a', { href: event.snapshot_url, target: '_blank', rel: 'noopener noreferrer' }, t('month.open_snapshot'))
          : t('month.snapshot_erased'), event.clip_url ? [h('br'), h('a', { href: event.clip_url, target: '_blank',
          rel: 'noopener noreferrer' }, t('month.open_clip'))] : null)))))),
    h('p', {}, h('small', {}, t('month.events_links_note'))),
    reply.nearest_evidence && reply.nearest_evidence.length ? nearestEvidence(reply.nearest_evidence) : null);
  } catch (error) {
    show(events, errorBox(error));
  }
}

export default {
  id: 'month',
  path: '/people/:staff_id/month',
  title: 'month.title',
  nav: {
    order: 30,
    label: 'month.nav',
    path: (session) => `/people/${encodeURIComponent(session.current().account?.staff_id || '')}/month`,
    visible: (session) => Boolean(session.current()?.account?.staff_id),
  },
  // Leaders and oversight reach anyone's month in their scope; a civil servant their own (the API decides).
  allowed: (session) => Boolean(session.current()),
  async render(main, context) {
    const staffId = context.params.staff_id;
    const date = DAY.test(context.query.date || '') ? context.query.date : null;
    let month = MONTH.test(context.query.month || '') ? context.query.month : null;
    if (!month) month = date ? date.slice(0, 7) : todayInHanoi().slice(0, 7);
    const base = `/people/${encodeURIComponent(staffId)}/month`;
    show(main, heading(t('month.title')), busy());
    const id = encodeURIComponent(staffId);
    const period = { from: `${month}-01`, to: lastDayOf(month) };
    let person;
    let data;
    let absences = [];
    let corrections = [];
    try {
      [person, data] = await Promise.all([
        api('GET', `/v1/staff/${id}`),
        api('GET', `/v1/staff/${id}/days`, { query: { month } }),
      ]);
    } catch (error) {
      if (!context.isCurrent()) return;
      show(main, heading(t('month.title')), errorBox(error));
      return;
    }
    // The absences and corrections say why (their reasons); the month shows without them if they fail.
    [absences, corrections] = await Promise.all([
      api('GET', '/v1/absences', { query: { staff_id: staffId, ...period } }).then((r) => r.absences, () => []),
      api('GET', '/v1/corrections', { query: { staff_id: staffId, ...period } }).then((r) => r.corrections,
        () => []),
    ]);
    const units = await loadUnits().catch(() => []);
    if (!context.isCurrent()) return;
    const unit = units.find((candidate) => candidate.unit_id === person.unit_id);
    const byAbsence = new Map(absences.map((absence) => [absence.absence_id, absence]));
    const byCorrection = new Map(corrections.map((correction) => [correction.correction_id, correction]));
    const picker = h('input', { type: 'month', name: 'month', value: month, min: '2000-01', max: '2099-12' });
    const form = h('form', { class: 'toolbar month-picker', role: 'search' }, field(t('month.pick'), picker),
      h('button', { type: 'submit', class: 'secondary' }, t('common.show')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (MONTH.test(picker.value)) context.navigate(base, { month: picker.value });
    });
    const details = h('div', { 'aria-live': 'polite' });
    show(main,
      heading(person.full_name, h('p', { class: 'person-unit' }, unit ? unit.name : null)),
      h('nav', { class: 'month-nav', 'aria-label': t('month.nav_label') },
        h('a', { href: link(base, { month: shiftMonth(month, -1) }), role: 'button', class: 'outline secondary' },
          `← ${t('month.previous')}`),
        h('h2', { class: 'month-name' }, monthTitle(month)),
        h('a', { href: link(base, { month: shiftMonth(month, 1) }), role: 'button', class: 'outline secondary' },
          `${t('month.next')} →`)),
      form,
      details,
      calendar(data, staffId, month, date, byAbsence, byCorrection),
      countsBlock(totals(data.days)),
      h('p', {}, h('small', {}, t('month.hint'))));
    const day = date && data.days.find((candidate) => candidate.date === date);
    if (day) {
      await dayDetails(details, staffId, day, month, byAbsence, byCorrection);
      if (context.isCurrent()) document.getElementById('day-details')?.scrollIntoView({ block: 'start' });
    } else if (date) {
      show(details, notice(t('month.day_not_in_month'), 'warning'));
    }
  },
};

// Personal data under Decree 13/2023/NĐ-CP:
// - #/people/:staff_id/personal-data ("Dữ liệu cá nhân của tôi"): everything the product holds about a person, the
//   archive (.zip) to download, and a request to erase their biometric data or themselves;
// - #/erasure-requests: a unit admin's list of requests, completed (after a confirmation) or refused with a reason;
// - #/privacy/notice?version=&lang=: the notice of processing, laid out to print and sign at enrolment; Home Affairs
//   and system admins also download the impact-assessment dossier (.docx) there.
// Every read of a person's data is audited by the API; the page only shows what it answers.
import { api, apiFile } from '../api.js';
import { download, field, h, show, table } from '../dom.js';
import { formatDate, formatDateTime, lang, t } from '../i18n.js';
import { link } from '../router.js';
import * as session from '../session.js';
import { busy, confirmDialog, errorBox, heading, loadUnits, notice, submitting, unitSelect } from '../ui.js';

const ZIP = 'application/zip';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const STATUSES = ['pending', 'completing', 'completed', 'refused'];
const VERSION = /^\d{4}-\d{2}$/;

const statusText = (status) => t(`privacy.status_${status}`);
const scopeText = (scope) => t(`privacy.scope_${scope}`);
const when = (instant) => (instant ? formatDateTime(instant) : '');

function section(id, title, ...content) {
  return h('section', { 'aria-labelledby': id, class: `privacy-${id}` }, h('h2', { id }, title), content);
}

function listOrNothing(rows, columns, caption) {
  return rows.length ? table(columns, rows, caption) : h('p', {}, t('privacy.nothing'));
}

function requestForm(staffId, onDone) {
  const scope = h('select', { required: true },
    h('option', { value: 'biometric' }, scopeText('biometric')), h('option', { value: 'all' }, scopeText('all')));
  const reason = h('textarea', { required: true, rows: 3, minlength: 3, maxlength: 500 });
  const messages = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('privacy.request_submit'));
  const form = h('form', { class: 'privacy-request' }, field(t('privacy.request_scope'), scope),
    field(t('privacy.request_reason'), reason, t('privacy.request_reason_hint')), button, messages);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const made = await submitting(button, messages, () => api('POST',
      `/v1/staff/${encodeURIComponent(staffId)}/erasure-requests`, { body: { scope: scope.value, reason: reason.value } }));
    if (made) onDone(made);
  });
  return form;
}

function requestsTable(requests) {
  return listOrNothing(requests, [
    { label: t('privacy.col_requested_at'), cell: (r) => when(r.requested_at) },
    { label: t('privacy.col_scope'), cell: (r) => scopeText(r.scope) },
    { label: t('privacy.col_reason'), cell: (r) => r.reason },
    { label: t('privacy.col_status'), cell: (r) => h('span', { class: `badge erasure-${r.status}` },
      statusText(r.status)) },
    { label: t('privacy.col_answer'), cell: (r) => (r.decided_by ? [t('privacy.answered_by', {
      who: r.decided_by, at: when(r.decided_at) }), r.decision_reason ? h('br') : null, r.decision_reason || '']
      : '') },
  ], t('privacy.requests_caption'));
}

const personalData = {
  id: 'personal-data',
  path: '/people/:staff_id/personal-data',
  title: 'privacy.title',
  nav: {
    order: 59,
    label: 'privacy.nav',
    path: (s) => `/people/${encodeURIComponent(s.current().account?.staff_id || '')}/personal-data`,
    visible: (s) => Boolean(s.current()?.account?.staff_id),
  },
  allowed: (s) => Boolean(s.current()),
  async render(main, context) {
    const staffId = context.params.staff_id;
    const id = encodeURIComponent(staffId);
    show(main, heading(t('privacy.title')), busy());
    let data;
    try {
      data = await api('GET', `/v1/staff/${id}/personal-data`);
    } catch (error) {
      if (context.isCurrent()) show(main, heading(t('privacy.title')), errorBox(error));
      return;
    }
    if (!context.isCurrent()) return;
    const own = session.current()?.account?.staff_id === staffId;
    const messages = h('div', { 'aria-live': 'polite' });
    const archiveButton = h('button', { type: 'button', class: 'secondary' }, t('privacy.download'));
    archiveButton.addEventListener('click', () => submitting(archiveButton, messages, async () => {
      const file = await apiFile(`/v1/staff/${id}/personal-data/archive`, undefined, ZIP);
      download(file.blob, file.filename || `du-lieu-ca-nhan-${staffId}.zip`);
    }));
    const person = data.person;
    const open = data.erasure_requests.some((r) => r.status === 'pending' || r.status === 'completing');
    const requestPart = h('div', {});
    const showRequests = (requests, pending) => show(requestPart, requestsTable(requests),
      pending ? notice(t('privacy.request_waiting')) : requestForm(staffId, (made) => {
        show(messages, notice(t('privacy.request_sent'), 'success'));
        showRequests([made, ...requests], true);
      }));
    showRequests(data.erasure_requests, open);

    show(main,
      heading(t(own ? 'privacy.title' : 'privacy.title_of', { name: person.full_name })),
      h('p', {}, t('privacy.intro'), ' ', h('a', { href: link('/privacy/notice') }, t('privacy.read_notice'))),
      h('div', { class: 'row-actions' }, archiveButton), messages,
      data.withheld.length ? notice(t('privacy.withheld', { sections: data.withheld.map((name) =>
        t(`privacy.withheld_${name}`)).join(', ') })) : null,
      section('privacy-person', t('privacy.section_person'), h('dl', {},
        h('dt', {}, t('privacy.full_name')), h('dd', {}, person.full_name),
        h('dt', {}, t('privacy.employee_code')), h('dd', {}, person.employee_code || '—'),
        h('dt', {}, t('privacy.email')), h('dd', {}, person.email || '—'),
        h('dt', {}, t('privacy.unit')), h('dd', {}, person.unit_id))),
      section('privacy-faces', t('privacy.section_faces'), listOrNothing(data.faces, [
        { label: t('privacy.col_enrolled_at'), cell: (f) => when(f.created_at) },
        { label: t('privacy.col_model'), cell: (f) => f.model_id },
        { label: t('privacy.col_photo'), cell: (f) => (f.photo_url ? h('a', { href: f.photo_url, target: '_blank',
          rel: 'noopener noreferrer' }, t('privacy.open_photo')) : '—') },
      ], t('privacy.faces_caption'))),
      section('privacy-notices', t('privacy.section_notices'), listOrNothing(data.notices, [
        { label: t('privacy.col_version'), cell: (n) => h('a', { href: link('/privacy/notice', { version: n.version }) },
          n.version) },
        { label: t('privacy.col_given_at'), cell: (n) => when(n.given_at) },
        { label: t('privacy.col_given_by'), cell: (n) => n.given_by },
        { label: t('privacy.col_basis'), cell: (n) => t(`privacy.basis_${n.legal_basis}`) },
        { label: t('privacy.col_consent'), cell: (n) => (n.consent === null ? '—' : t(n.consent ? 'privacy.yes'
          : 'privacy.no')) },
      ], t('privacy.notices_caption'))),
      section('privacy-events', t('privacy.section_events', { count: data.events.length }), listOrNothing(
        [...data.events].reverse(), [
          { label: t('privacy.col_time'), cell: (e) => when(e.captured_at) },
          { label: t('privacy.col_event'), cell: (e) => t(`privacy.event_${e.event_type}`) },
          { label: t('privacy.col_device'), cell: (e) => e.device_id },
          { label: t('privacy.col_snapshot'), cell: (e) => (e.snapshot_url ? h('a', { href: e.snapshot_url,
            target: '_blank', rel: 'noopener noreferrer' }, t('privacy.open_snapshot')) : '—') },
        ], t('privacy.events_caption'))),
      section('privacy-absences', t('privacy.section_absences'), listOrNothing(data.absences, [
        { label: t('privacy.col_days'), cell: (a) => `${formatDate(a.first_day)} – ${formatDate(a.last_day)}` },
        { label: t('privacy.col_reason'), cell: (a) => a.reason },
        { label: t('privacy.col_by'), cell: (a) => a.created_by },
      ], t('privacy.absences_caption')), listOrNothing(data.corrections, [
        { label: t('privacy.col_day'), cell: (c) => formatDate(c.date) },
        { label: t('privacy.col_reason'), cell: (c) => c.reason },
        { label: t('privacy.col_by'), cell: (c) => c.created_by },
      ], t('privacy.corrections_caption'))),
      section('privacy-evaluations', t('privacy.section_evaluations'), listOrNothing(data.evaluations, [
        { label: t('privacy.col_month'), cell: (e) => e.month },
        { label: t('privacy.col_total'), cell: (e) => e.total },
        { label: t('privacy.col_grade'), cell: (e) => e.final_grade || e.grade },
      ], t('privacy.evaluations_caption'))),
      section('privacy-audit', t('privacy.section_audit'), listOrNothing(data.audit, [
        { label: t('privacy.col_time'), cell: (a) => when(a.at) },
        { label: t('privacy.col_actor'), cell: (a) => a.actor },
        { label: t('privacy.col_action'), cell: (a) => a.action },
      ], t('privacy.audit_caption')), data.audit_truncated ? notice(t('privacy.audit_truncated')) : null),
      section('privacy-erasure', t('privacy.section_erasure'), h('p', {}, t('privacy.erasure_intro')), requestPart));
  },
};

const erasureRequests = {
  id: 'erasure-requests',
  path: '/erasure-requests',
  title: 'privacy.requests_title',
  nav: { order: 85, label: 'privacy.requests_nav' },
  allowed: (s) => s.hasRole('unit_admin', 'system_admin'),
  async render(main, context) {
    show(main, heading(t('privacy.requests_title')), busy());
    let units;
    try {
      units = await loadUnits();
    } catch (error) {
      if (context.isCurrent()) show(main, heading(t('privacy.requests_title')), errorBox(error));
      return;
    }
    if (!context.isCurrent()) return;
    const known = new Set(units.map((unit) => unit.unit_id));
    const unitId = known.has(context.query.unit_id) ? context.query.unit_id : '';
    const asked = context.query.status;
    const status = STATUSES.includes(asked) ? asked : (asked === 'any' ? '' : 'pending');
    const unitChoice = unitSelect(units, unitId, { all: t('privacy.all_units') });
    const statusChoice = h('select', {}, h('option', { value: '', selected: status === '' }, t('privacy.status_any')),
      STATUSES.map((s) => h('option', { value: s, selected: s === status }, statusText(s))));
    const filter = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('privacy.requests_filter') },
      field(t('common.unit'), unitChoice), field(t('privacy.col_status'), statusChoice),
      h('button', { type: 'submit', class: 'secondary' }, t('common.show')));
    filter.addEventListener('submit', (event) => {
      event.preventDefault();
      context.navigate('/erasure-requests', { unit_id: unitChoice.value, status: statusChoice.value || 'any' });
    });
    const messages = h('div', { 'aria-live': 'polite' });
    const listPart = h('div', {}, busy());
    show(main, heading(t('privacy.requests_title')), h('p', {}, t('privacy.requests_intro')), filter, messages,
      listPart);

    async function load() {
      try {
        const reply = await api('GET', '/v1/erasure-requests', { query: { unit_id: unitId || undefined,
          status: status || undefined } });
        if (context.isCurrent()) show(listPart, requestList(reply.requests));
      } catch (error) {
        if (context.isCurrent()) show(listPart, errorBox(error));
      }
    }

    function actions(request) {
      if (request.status !== 'pending' && request.status !== 'completing') return '';
      const complete = h('button', { type: 'button', class: 'danger' }, t('privacy.complete'));
      const refuse = h('button', { type: 'button', class: 'secondary' }, t('privacy.refuse'));
      const where = h('div', { 'aria-live': 'polite' });
      complete.addEventListener('click', async () => {
        const body = h('p', {}, t(`privacy.complete_confirm_${request.scope}`, { name: request.full_name }));
        if (!await confirmDialog(t('privacy.complete_title'), body, t('privacy.complete'))) return;
        const done = await submitting(complete, where, () => api('POST',
          `/v1/erasure-requests/${encodeURIComponent(request.request_id)}/complete`));
        if (done) {
          show(messages, notice(t('privacy.completed', { name: request.full_name }), 'success'));
          load();
        }
      });
      refuse.addEventListener('click', () => {
        const reason = h('textarea', { required: true, rows: 2, minlength: 3, maxlength: 500 });
        const send = h('button', { type: 'submit' }, t('privacy.refuse_submit'));
        const form = h('form', { class: 'refuse-form' }, field(t('privacy.refuse_reason'), reason), send);
        form.addEventListener('submit', async (event) => {
          event.preventDefault();
          const done = await submitting(send, where, () => api('POST',
            `/v1/erasure-requests/${encodeURIComponent(request.request_id)}/refuse`, { body: { reason: reason.value } }));
          if (done) {
            show(messages, notice(t('privacy.refused', { name: request.full_name }), 'success'));
            load();
          }
        });
        show(where, form);
        reason.focus();
      });
      return h('div', {}, h('div', { class: 'row-actions' }, complete, refuse), where);
    }

    function requestList(requests) {
      return listOrNothing(requests, [
        { label: t('privacy.col_person'), cell: (r) => r.full_name },
        { label: t('privacy.col_requested_at'), cell: (r) => [when(r.requested_at), h('br'),
          h('small', {}, t('privacy.requested_by', { who: r.requested_by }))] },
        { label: t('privacy.col_scope'), cell: (r) => scopeText(r.scope) },
        { label: t('privacy.col_reason'), cell: (r) => r.reason },
        { label: t('privacy.col_status'), cell: (r) => [statusText(r.status), r.decision_reason
          ? [h('br'), h('small', {}, r.decision_reason)] : null] },
        { label: t('privacy.col_action'), cell: actions },
      ], t('privacy.requests_caption'));
    }

    load();
  },
};

// The notice's Markdown as DOM: headings, bullet lists, paragraphs; **bold** kept as <strong>; nothing as HTML.
function inline(text) {
  return text.split(/(\*\*[^*]+\*\*)/).filter(Boolean).map((part) => (part.startsWith('**') && part.endsWith('**')
    ? h('strong', {}, part.slice(2, -2)) : part));
}

export function markdown(text) {
  const blocks = [];
  let paragraph = [];
  let list = null;
  const flush = () => {
    if (paragraph.length) blocks.push(h('p', {}, inline(paragraph.join(' '))));
    paragraph = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith('- ')) {
      flush();
      if (!list) {
        list = h('ul', {});
        blocks.push(list);
      }
      list.append(h('li', {}, inline(line.slice(2))));
      continue;
    }
    if (list && line.startsWith('  ') && list.lastChild) {
      list.lastChild.append(` ${line.trim()}`);
      continue;
    }
    list = null;
    if (line.startsWith('# ')) {
      flush();
      blocks.push(h('h1', { class: 'notice-title' }, line.slice(2)));
    } else if (line.startsWith('## ')) {
      flush();
      blocks.push(h('h2', {}, line.slice(3)));
    } else if (line === '---') {
      flush();
      blocks.push(h('hr'));
    } else if (!line) {
      flush();
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

const noticePage = {
  id: 'privacy-notice',
  path: '/privacy/notice',
  title: 'privacy.notice_title',
  nav: null,
  allowed: (s) => Boolean(s.current()),
  async render(main, context) {
    show(main, heading(t('privacy.notice_title')), busy());
    const chosenLang = ['vi', 'en'].includes(context.query.lang) ? context.query.lang : lang();
    let listed;
    let text;
    try {
      listed = await api('GET', '/v1/privacy/notices');
      const version = VERSION.test(context.query.version || '') ? context.query.version : listed.current;
      text = await api('GET', `/v1/privacy/notices/${version}`, { query: { lang: chosenLang } });
    } catch (error) {
      if (context.isCurrent()) show(main, heading(t('privacy.notice_title')), errorBox(error));
      return;
    }
    if (!context.isCurrent()) return;
    const print = h('button', { type: 'button' }, t('privacy.print'));
    print.addEventListener('click', () => window.print());
    const other = chosenLang === 'vi' ? 'en' : 'vi';
    const messages = h('div', { 'aria-live': 'polite' });
    const tools = [print, h('a', { href: link('/privacy/notice', { version: text.version, lang: other }),
      role: 'button', class: 'secondary' }, t(`privacy.notice_in_${other}`))];
    if (session.hasRole('oversight', 'system_admin')) {
      const dossier = h('button', { type: 'button', class: 'secondary' }, t('privacy.dossier'));
      dossier.addEventListener('click', () => submitting(dossier, messages, async () => {
        const file = await apiFile('/v1/privacy/dossier', undefined, DOCX);
        download(file.blob, file.filename || 'ho-so-danh-gia-tac-dong.docx');
      }));
      tools.push(dossier);
    }
    const versions = listed.notices.length > 1 ? h('p', {}, t('privacy.versions'), ' ', listed.notices.map((n) =>
      [h('a', { href: link('/privacy/notice', { version: n.version, lang: chosenLang }) }, n.version), ' '])) : null;
    show(main, h('div', { class: 'row-actions no-print' }, tools), messages, versions,
      h('article', { class: 'printable-notice', lang: text.lang }, markdown(text.text)));
  },
};

export { erasureRequests, noticePage };
export default personalData;

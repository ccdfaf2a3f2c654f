// The reports of a day: the daily ones (each unit's and the district's, morning and evening) and the afternoon
// work-from-home ones (16:00: each unit's and Home Affairs'; 17:00: the province's). One is opened as the e-mail's
// plain-text part (never its HTML), its XLSX attachment downloaded; a system admin can run a day's reports again.
import { apiFile, api } from '../api.js';
import { download, field, h, show, table } from '../dom.js';
import { formatDate, t, todayInHanoi } from '../i18n.js';
import { blobAsBinary, readMail } from '../mail.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, submitting } from '../ui.js';
import { confirmAction, unitNamer, when } from './admin-common.js';

const PATH = '/reports';
const KINDS = ['morning', 'evening'];
const WFH_KINDS = ['units', 'province'];
// The two families of reports: where they are listed and run, their kinds.
const FAMILIES = [
  { id: 'daily', list: '/v1/reports/daily', run: '/v1/reports/daily/run', kinds: KINDS, label: 'reports.run_kind',
    button: 'reports.run' },
  { id: 'wfh', list: '/v1/reports/wfh', run: '/v1/reports/wfh/run', kinds: WFH_KINDS,
    label: 'reports.run_kind_wfh', button: 'reports.run_wfh' },
];
// The attachment: an .xlsx; a report archived before the XLSX attached a CSV, served as text.
const SPREADSHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, text/csv;q=0.9, */*;q=0.8';
const STATUSES = ['sending', 'sent', 'failed', 'archived'];
const OUTCOMES = ['sent', 'already_sent', 'in_progress', 'archived', 'failed'];

function kindName(kind) {
  return KINDS.includes(kind) || WFH_KINDS.includes(kind) ? t(`reports.kind.${kind}`) : kind;
}

function audienceName(audience, unitName) {
  if (audience === 'district') return t('reports.district');
  if (audience === 'province') return t('reports.province');
  return unitName(audience);
}

export default {
  id: 'reports',
  path: PATH,
  title: 'reports.title',
  nav: { order: 60 },
  allowed: (sessionModule) => sessionModule.hasRole('unit_leader', 'unit_head', 'oversight', 'system_admin'),
  async render(main, context) {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(context.query.date || '') ? context.query.date : todayInHanoi();
    const messages = h('div', { 'aria-live': 'polite' });
    const lists = Object.fromEntries(FAMILIES.map((family) => [family.id, h('div', {}, busy())]));
    const viewer = h('div', { id: 'report-view' });
    const date = h('input', { type: 'date', value: day, required: true });
    const picker = h('form', { class: 'toolbar' }, field(t('common.date'), date),
      h('button', { type: 'submit' }, t('common.show')));
    picker.addEventListener('submit', (event) => {
      event.preventDefault();
      if (date.value) context.navigate(PATH, { date: date.value });
    });
    const admin = session.hasRole('system_admin');
    show(main, heading(t('reports.title')), picker, messages,
      h('section', { 'aria-labelledby': 'reports-daily' }, h('h2', { id: 'reports-daily' }, t('reports.daily_title')),
        admin ? runForm(FAMILIES[0]) : null, lists.daily),
      h('section', { 'aria-labelledby': 'reports-wfh' }, h('h2', { id: 'reports-wfh' }, t('reports.wfh_title')),
        h('p', {}, t('reports.wfh_hint')), admin ? runForm(FAMILIES[1]) : null, lists.wfh),
      viewer);

    function runForm(family) {
      const kind = h('select', {}, family.kinds.map((name) => h('option', { value: name }, kindName(name))));
      const button = h('button', { type: 'submit', class: 'secondary' }, t(family.button));
      const result = h('div', { 'aria-live': 'polite' });
      const form = h('form', { class: 'toolbar' }, field(t(family.label), kind), button);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!await confirmAction(t('reports.run_confirm', { kind: kindName(kind.value), date: formatDate(day) }),
          t(family.button))) return;
        const run = await submitting(button, result, () => api('POST', family.run, {
          body: { date: day, kind: kind.value } }));
        if (!run) return;
        let unitName = (unitId) => unitId;
        try {
          unitName = unitNamer(await loadUnits());
        } catch {
          // the ids are shown instead of the names
        }
        let summary = t('reports.run_done', { count: run.reports.length });
        if (!run.working_day) summary = t('reports.run_not_working_day');
        else if (run.nobody_at_home && !run.reports.length) summary = t('reports.run_nobody_at_home');
        show(result, notice(summary, 'success'),
        run.reports.length ? table([
          { label: t('reports.audience'), cell: (outcome) => audienceName(outcome.audience, unitName) },
          { label: t('reports.status'), cell: (outcome) => (OUTCOMES.includes(outcome.status)
            ? t(`reports.outcome.${outcome.status}`) : outcome.status) },
          { label: t('reports.recipients'), cell: (outcome) => outcome.recipients.join(', ') || '—' },
        ], run.reports, t('reports.run_caption')) : null);
        await reload(family);
      });
      return h('details', {}, h('summary', {}, t(`reports.run_title.${family.id}`)), h('article', {},
        h('p', {}, t(`reports.run_hint.${family.id}`)), form, result));
    }

    async function open(report, button) {
      const mail = await submitting(button, messages, async () => readMail(await blobAsBinary(
        (await apiFile(report.download)).blob)));
      if (!mail) return;
      show(viewer, h('article', { class: 'mail' },
        h('header', {}, h('h2', { tabindex: '-1' }, mail.subject || t('reports.no_subject')),
          h('dl', { class: 'mail-headers' },
            h('dt', {}, t('reports.mail_from')), h('dd', {}, mail.from),
            h('dt', {}, t('reports.mail_to')), h('dd', {}, mail.to || '—'),
            h('dt', {}, t('reports.mail_date')), h('dd', {}, mail.date),
            mail.attachments.length ? [h('dt', {}, t('reports.mail_attachment')),
              h('dd', {}, mail.attachments.join(', '))] : null)),
        h('pre', { class: 'mail-text' }, mail.text),
        h('footer', {}, attachmentButton(report))));
      viewer.querySelector('h2').focus();
    }

    function attachmentButton(report) {
      const button = h('button', { type: 'button', class: 'outline small',
        'aria-label': t('reports.attachment_named', { name: report.audience_name,
        kind: kindName(report.kind).toLocaleLowerCase() }) },
      t('reports.attachment'));
      button.addEventListener('click', async () => {
        const file = await submitting(button, messages, () => apiFile(report.attachment, undefined, SPREADSHEET));
        if (file) download(file.blob, file.filename || `${report.report_id}.xlsx`);
      });
      return button;
    }

    async function reload(family) {
      const listArea = lists[family.id];
      let reply;
      try {
        reply = await api('GET', family.list, { query: { date: day } });
      } catch (error) {
        show(listArea, errorBox(error));
        return;
      }
      show(listArea, reply.reports.length ? table([
        { label: t('reports.audience'), cell: (report) => (report.audience === 'district'
          || report.audience === 'province' ? h('strong', {}, report.audience_name) : report.audience_name) },
        { label: t('reports.kind'), cell: (report) => kindName(report.kind) },
        { label: t('reports.status'), cell: (report) => h('span', { class: `badge report-${report.status}` },
          STATUSES.includes(report.status) ? t(`reports.status.${report.status}`) : report.status) },
        { label: t('reports.sent_at'), cell: (report) => when(report.sent_at) },
        { label: t('reports.recipients'), cell: (report) => report.recipients.join(', ') || '—' },
        { label: t('admin.actions'), cell: (report) => (report.download ? h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'small', onclick: (event) => open(report, event.target),
            'aria-label': t('reports.open_named', { name: report.audience_name,
              kind: kindName(report.kind).toLocaleLowerCase() }) },
          t('reports.open')), report.attachment ? attachmentButton(report) : null) : t('reports.not_archived')) },
      ], reply.reports, t(`reports.caption.${family.id}`, { date: formatDate(reply.date) }))
        : notice(t(`reports.empty.${family.id}`, { date: formatDate(reply.date) })));
    }

    await Promise.all(FAMILIES.map(reload));
  },
};

// The daily reports of a day: each unit's and the district's, morning and evening; one opened as the e-mail's
// plain-text part (never its HTML), the XLSX attachment downloaded; a system admin can run a day's reports again.
import { apiFile, api } from '../api.js';
import { download, field, h, show, table } from '../dom.js';
import { formatDate, t, todayInHanoi } from '../i18n.js';
import { blobAsBinary, readMail } from '../mail.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, submitting } from '../ui.js';
import { confirmAction, unitNamer, when } from './admin-common.js';

const PATH = '/reports';
const KINDS = ['morning', 'evening'];
// The attachment: an .xlsx; a report archived before the XLSX attached a CSV, served as text.
const SPREADSHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, text/csv;q=0.9, */*;q=0.8';
const STATUSES = ['sending', 'sent', 'failed', 'archived'];
const OUTCOMES = ['sent', 'already_sent', 'in_progress', 'archived', 'failed'];

function kindName(kind) {
  return KINDS.includes(kind) ? t(`reports.kind.${kind}`) : kind;
}

export default {
  id: 'reports',
  path: PATH,
  title: 'reports.title',
  nav: { order: 60 },
  allowed: (sessionModule) => sessionModule.hasRole('unit_leader', 'oversight', 'system_admin'),
  async render(main, context) {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(context.query.date || '') ? context.query.date : todayInHanoi();
    const messages = h('div', { 'aria-live': 'polite' });
    const listArea = h('div', {}, busy());
    const viewer = h('div', { id: 'report-view' });
    const date = h('input', { type: 'date', value: day, required: true });
    const picker = h('form', { class: 'toolbar' }, field(t('common.date'), date),
      h('button', { type: 'submit' }, t('common.show')));
    picker.addEventListener('submit', (event) => {
      event.preventDefault();
      if (date.value) context.navigate(PATH, { date: date.value });
    });
    show(main, heading(t('reports.title')), picker,
      session.hasRole('system_admin') ? runForm() : null, messages, listArea, viewer);

    function runForm() {
      const kind = h('select', {}, KINDS.map((name) => h('option', { value: name }, kindName(name))));
      const button = h('button', { type: 'submit', class: 'secondary' }, t('reports.run'));
      const result = h('div', { 'aria-live': 'polite' });
      const form = h('form', { class: 'toolbar' }, field(t('reports.run_kind'), kind), button);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!await confirmAction(t('reports.run_confirm', { kind: kindName(kind.value), date: formatDate(day) }),
          t('reports.run'))) return;
        const run = await submitting(button, result, () => api('POST', '/v1/reports/daily/run', {
          body: { date: day, kind: kind.value } }));
        if (!run) return;
        let unitName = (unitId) => unitId;
        try {
          unitName = unitNamer(await loadUnits());
        } catch {
          // the ids are shown instead of the names
        }
        show(result, notice(run.working_day ? t('reports.run_done', { count: run.reports.length })
          : t('reports.run_not_working_day'), 'success'),
        run.reports.length ? table([
          { label: t('reports.audience'), cell: (outcome) => outcome.audience === 'district'
            ? t('reports.district') : unitName(outcome.audience) },
          { label: t('reports.status'), cell: (outcome) => (OUTCOMES.includes(outcome.status)
            ? t(`reports.outcome.${outcome.status}`) : outcome.status) },
          { label: t('reports.recipients'), cell: (outcome) => outcome.recipients.join(', ') || '—' },
        ], run.reports, t('reports.run_caption')) : null);
        await reload();
      });
      return h('details', {}, h('summary', {}, t('reports.run_title')), h('article', {},
        h('p', {}, t('reports.run_hint')), form, result));
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

    async function reload() {
      let reply;
      try {
        reply = await api('GET', '/v1/reports/daily', { query: { date: day } });
      } catch (error) {
        show(listArea, errorBox(error));
        return;
      }
      show(listArea, reply.reports.length ? table([
        { label: t('reports.audience'), cell: (report) => (report.audience === 'district'
          ? h('strong', {}, report.audience_name) : report.audience_name) },
        { label: t('reports.kind'), cell: (report) => kindName(report.kind) },
        { label: t('reports.status'), cell: (report) => h('span', { class: `badge report-${report.status}` },
          STATUSES.includes(report.status) ? t(`reports.status.${report.status}`) : report.status) },
        { label: t('reports.sent_at'), cell: (report) => when(report.sent_at) },
        { label: t('reports.recipients'), cell: (report) => report.recipients.join(', ') || '—' },
        { label: t('admin.actions'), cell: (report) => (report.download ? h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'small', onclick: (event) => open(report, event.target),
            'aria-label': t('reports.open_named', { name: report.audience_name,
              kind: kindName(report.kind).toLocaleLowerCase() }) },
          t('reports.open')), attachmentButton(report)) : t('reports.not_archived')) },
      ], reply.reports, t('reports.caption', { date: formatDate(reply.date) }))
        : notice(t('reports.empty', { date: formatDate(reply.date) })));
    }

    await reload();
  },
};

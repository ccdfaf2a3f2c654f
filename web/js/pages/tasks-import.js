// Tasks from a spreadsheet (#/tasks/import), for an office whose e-office system has no API: the unit, the file
// (XLSX or CSV, the columns of POST /v1/tasks/import), "check" first (nothing written), then "import"; each row's
// verdict, the refused ones with the reason, downloadable as CSV; a template file to start from.
import { api, fileToBase64 } from '../api.js';
import { download, field, h, show, table } from '../dom.js';
import { t } from '../i18n.js';
import { busy, errorBox, heading, loadUnits, notice, unitSelect } from '../ui.js';
import { IMPORTERS, UNIT_READERS } from './tasks.js';

// The template's columns: the Vietnamese headers the API reads (chamcong/rules/task_sheet.py), and one example.
const TEMPLATE = [
  ['Mã nhiệm vụ', 'Mã cán bộ', 'Tên nhiệm vụ', 'Số văn bản', 'Ngày giao', 'Hạn xử lý', 'Ngày hoàn thành',
    'Trạng thái', 'Khối lượng', 'Đạt yêu cầu', 'Số lỗi lớn', 'Nguyên nhân khách quan', 'Trễ hạn do khách quan'],
  ['VB-2026-0001', 'CB001', 'Trả lời kiến nghị cử tri', '125/UBND-VP', '19/11/2026 08:00', '20/11/2026 16:00',
    '20/11/2026 15:30', 'Đã xử lý', '1', 'Có', '0', 'Không', ''],
];

function csvBlob(rows) {
  const quote = (value) => `"${String(value ?? '').replaceAll('"', '""')}"`;
  const text = rows.map((row) => row.map(quote).join(',')).join('\r\n');
  return new Blob([`\ufeff${text}\r\n`], { type: 'text/csv;charset=utf-8' });
}

export default {
  id: 'tasks-import',
  path: '/tasks/import',
  title: 'tasks_import.title',
  // Unit admins have no tasks list to start from: the import gets its own entry for them.
  nav: { order: 56, visible: (s) => !s.hasRole(...UNIT_READERS) },
  section: 'tasks',
  allowed: (s) => s.hasRole(...IMPORTERS),
  async render(main, context) {
    const messages = h('div', { 'aria-live': 'polite' });
    const results = h('div', { 'aria-live': 'polite' });
    const area = h('div', {}, busy());
    show(main, heading(t('tasks_import.title')), h('p', {}, t('tasks_import.intro')), area, messages, results);
    let units;
    try {
      units = await loadUnits();
    } catch (error) {
      show(area, errorBox(error));
      return;
    }
    if (!context.isCurrent()) return;
    const unit = unitSelect(units, units[0] && units[0].unit_id);
    const fileInput = h('input', { type: 'file', accept: '.xlsx,.csv', required: true });
    const check = h('button', { type: 'button', class: 'secondary' }, t('tasks_import.check'));
    const run = h('button', { type: 'submit' }, t('tasks_import.run'));
    const templateButton = h('button', { type: 'button', class: 'outline', onclick: () => download(
      csvBlob(TEMPLATE), 'mau-nhap-nhiem-vu.csv') }, t('tasks_import.template'));
    const form = h('form', {}, field(t('common.unit'), unit, t('tasks_import.unit_hint')),
      field(t('tasks_import.file'), fileInput, t('tasks_import.file_hint')),
      h('div', { role: 'group' }, check, run));
    show(area, h('details', {}, h('summary', {}, t('tasks_import.columns_title')),
      h('p', {}, t('tasks_import.columns')), h('p', {}, t('tasks_import.dates')), templateButton), form);

    function report(answer) {
      const rows = answer.rows.map((row) => ({ ...row, verdict: row.status === 'refused' ? row.message
        : t(`tasks_import.row_${row.status}`) }));
      const refused = rows.filter((row) => row.status === 'refused');
      const columns = [
        { label: t('tasks_import.col_row'), class: 'numeric', cell: (row) => String(row.row) },
        { label: t('tasks_import.col_external_id'), cell: (row) => row.external_id || '' },
        { label: t('tasks_import.col_assignee'), cell: (row) => row.assignee || '' },
        { label: t('tasks_import.col_result'), cell: (row) => (row.status === 'refused'
          ? h('span', { class: 'refused' }, row.code, ': ', row.verdict) : row.verdict) },
      ];
      const csv = () => csvBlob([[t('tasks_import.col_row'), t('tasks_import.col_external_id'),
        t('tasks_import.col_assignee'), t('tasks_import.col_status'), t('tasks_import.col_code'),
        t('tasks_import.col_result')], ...rows.map((row) => [row.row, row.external_id, row.assignee,
        t(`tasks_import.row_${row.status}`), row.code, row.verdict])]);
      show(results, notice(t(answer.mode === 'check' ? 'tasks_import.checked' : 'tasks_import.imported', {
        created: answer.created, updated: answer.updated, unchanged: answer.unchanged, refused: answer.refused,
      }), answer.refused ? 'warning' : 'success'),
      refused.length ? table(columns, refused, t('tasks_import.refused_caption')) : null,
      h('button', { type: 'button', class: 'secondary', onclick: () => download(csv(), 'ket-qua-nhap-nhiem-vu.csv') },
        t('tasks_import.download_report')),
      h('details', {}, h('summary', {}, t('tasks_import.all_rows')), table(columns, rows,
        t('tasks_import.rows_caption'))));
    }

    async function send(mode, button) {
      messages.replaceChildren();
      const file = fileInput.files[0];
      if (!file) {
        show(messages, notice(t('tasks_import.no_file'), 'warning'));
        return;
      }
      button.setAttribute('aria-busy', 'true');
      button.disabled = true;
      try {
        report(await api('POST', '/v1/tasks/import', { body: { unit_id: unit.value, file_name: file.name,
          content_base64: await fileToBase64(file), mode } }));
      } catch (error) {
        results.replaceChildren();
        show(messages, errorBox(error));
      } finally {
        button.removeAttribute('aria-busy');
        button.disabled = false;
      }
    }

    check.addEventListener('click', () => send('check', check));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send('import', run);
    });
  },
};

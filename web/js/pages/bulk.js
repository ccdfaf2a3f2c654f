// Bulk enrolment for a unit admin rolling the product out: a spreadsheet of staff (name, unit, employee code,
// e-mail) through POST /v1/staff/import, then a folder or ZIP of photos named by employee code, each person's
// photos through POST /v1/staff/{id}/faces/batch. Every row and every photo gets its own verdict.
import { api, fileToBase64 } from '../api.js';
import { download, field, h, show, table } from '../dom.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { errorBox, heading, notice } from '../ui.js';
import { vendor } from '../vendor.js';

const PHOTO = /\.(jpe?g|png)$/i;
const MAX_PER_REQUEST = 5;  // the batch route's limit

/** 'CB-001_2.jpg' → 'CB-001' when that code is known: the longest known code the name starts with. */
export function codeOfPhoto(filename, codes) {
  const stem = filename.split('/').pop().replace(PHOTO, '').toUpperCase();
  let best = null;
  for (const code of codes) {
    const upper = code.toUpperCase();
    const rest = stem.slice(upper.length);
    if (stem.startsWith(upper) && (rest === '' || /^[ _(-]/.test(rest)) && (!best || upper.length > best.length)) {
      best = code;
    }
  }
  return best;
}

async function photosFrom(files) {
  const photos = [];
  for (const file of files) {
    if (/\.zip$/i.test(file.name)) {
      const JSZip = await vendor('jszip.min.js', 'JSZip');
      const archive = await JSZip.loadAsync(file);
      const entries = Object.values(archive.files).filter((entry) => !entry.dir && PHOTO.test(entry.name)
        && !entry.name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX'));
      for (const entry of entries) {
        photos.push({ name: entry.name, blob: await entry.async('blob') });
      }
    } else if (PHOTO.test(file.name)) {
      photos.push({ name: file.webkitRelativePath || file.name, blob: file });
    }
  }
  return photos;
}

function rowStatus(row) {
  return t(`bulk.row_${row.status}`);
}

function reportCsv(rows) {
  const quote = (value) => `"${String(value ?? '').replaceAll('"', '""')}"`;
  const lines = [[t('bulk.col_row'), t('bulk.col_code'), t('common.name'), t('bulk.col_sheet'),
    t('bulk.col_photos')].map(quote).join(',')];
  for (const row of rows) {
    lines.push([row.row, row.employee_code, row.full_name, row.sheet, row.photos].map(quote).join(','));
  }
  return new Blob([`\ufeff${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
}

export default {
  id: 'bulk',
  path: '/staff/bulk',
  title: 'bulk.title',
  nav: null,
  section: 'staff',
  allowed: () => session.hasRole('unit_admin', 'system_admin'),
  async render(main) {
    const sheetInput = h('input', { type: 'file', accept: '.xlsx,.csv', required: true });
    const zipInput = h('input', { type: 'file', accept: '.zip,.jpg,.jpeg,.png', multiple: true });
    const folderInput = h('input', { type: 'file', webkitdirectory: true, multiple: true });
    const messages = h('div', { 'aria-live': 'polite' });
    const results = h('div', {});
    const check = h('button', { type: 'button', class: 'secondary' }, t('bulk.check'));
    const run = h('button', { type: 'submit' }, t('bulk.run'));
    // Where the legal basis is consent (Decree 13/2023), the admin confirms every person consented; the API refuses
    // the photos of a batch without it.
    const consent = h('input', { type: 'checkbox', name: 'consent' });
    const consentBox = h('div', {});
    let basis = 'law';
    api('GET', '/v1/privacy/notices').then((listed) => {
      basis = listed.legal_basis;
      if (basis === 'consent') show(consentBox, h('label', {}, consent, ' ', t('bulk.consent')));
    }, () => {});
    const form = h('form', {},
      h('h2', {}, t('bulk.step1')), h('p', {}, t('bulk.sheet_help')),
      field(t('bulk.sheet'), sheetInput),
      h('h2', {}, t('bulk.step2')), h('p', {}, t('bulk.photos_help')),
      field(t('bulk.zip'), zipInput), field(t('bulk.folder'), folderInput), consentBox,
      h('div', { role: 'group' }, check, run));

    async function importSheet(dryRun) {
      const file = sheetInput.files[0];
      if (!file) throw Object.assign(new Error(t('bulk.no_sheet')), { code: 'no_sheet' });
      return api('POST', '/v1/staff/import', { body: { filename: file.name, content_b64: await fileToBase64(file),
        dry_run: dryRun } });
    }

    function showSheet(answer, dryRun) {
      const rows = answer.rows.map((row) => ({ ...row, sheet: row.status === 'refused' ? row.message : rowStatus(row),
        photos: '' }));
      show(results, notice(t(dryRun ? 'bulk.checked' : 'bulk.imported', {
        created: answer.created, updated: answer.updated, unchanged: answer.unchanged, refused: answer.refused,
      }), answer.refused ? 'warning' : 'success'), reportTable(rows));
      return rows;
    }

    function reportTable(rows) {
      return table([
        { label: t('bulk.col_row'), cell: (row) => String(row.row), class: 'numeric' },
        { label: t('bulk.col_code'), cell: (row) => row.employee_code || '' },
        { label: t('common.name'), cell: (row) => (row.staff_id
          ? h('a', { href: `#/staff/${encodeURIComponent(row.staff_id)}` }, row.full_name || '')
          : row.full_name || '') },
        { label: t('bulk.col_sheet'), cell: (row) => row.sheet },
        { label: t('bulk.col_photos'), cell: (row) => row.photos },
      ], rows, t('bulk.report'));
    }

    check.addEventListener('click', async () => {
      messages.replaceChildren();
      check.setAttribute('aria-busy', 'true');
      try {
        showSheet(await importSheet(true), true);
      } catch (error) {
        show(messages, errorBox(error));
      } finally {
        check.removeAttribute('aria-busy');
      }
    });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      messages.replaceChildren();
      run.setAttribute('aria-busy', 'true');
      run.disabled = true;
      try {
        const rows = showSheet(await importSheet(false), false);
        const photos = await photosFrom([...zipInput.files, ...folderInput.files]);
        const people = rows.filter((row) => row.staff_id && row.employee_code);
        const byCode = new Map(people.map((row) => [row.employee_code, { row, photos: [] }]));
        const unmatched = [];
        for (const photo of photos) {
          const code = codeOfPhoto(photo.name, byCode.keys());
          if (code) byCode.get(code).photos.push(photo);
          else unmatched.push(photo.name);
        }
        for (const { row, photos: own } of byCode.values()) {
          if (!own.length) {
            row.photos = t('bulk.no_photo');
            continue;
          }
          const record = await api('GET', `/v1/staff/${encodeURIComponent(row.staff_id)}`);
          if ((record.faces || []).length) {
            row.photos = t('bulk.already_enrolled', { count: record.faces.length });
            continue;
          }
          const verdicts = [];
          for (let start = 0; start < own.length; start += MAX_PER_REQUEST) {
            const chunk = own.slice(start, start + MAX_PER_REQUEST);
            try {
              const answer = await api('POST', `/v1/staff/${encodeURIComponent(row.staff_id)}/faces/batch`, {
                body: { images_b64: await Promise.all(chunk.map((photo) => fileToBase64(photo.blob))),
                  ...(basis === 'consent' ? { notice: { consent: consent.checked } } : {}) },
              });
              answer.results.forEach((result) => verdicts.push(result.status === 'enrolled'
                ? t('bulk.photo_enrolled', { name: chunk[result.index].name.split('/').pop() })
                : `${chunk[result.index].name.split('/').pop()}: ${result.message}`));
            } catch (error) {
              verdicts.push(`${chunk.map((photo) => photo.name.split('/').pop()).join(', ')}: ${error.message}`);
            }
          }
          row.photos = verdicts.join('; ');
        }
        show(results, notice(t('bulk.done', { people: people.length, photos: photos.length }), 'success'),
          unmatched.length ? notice(t('bulk.unmatched', { names: unmatched.join(', ') }), 'warning') : null,
          reportTable(rows),
          h('button', { type: 'button', class: 'secondary', onclick: () => download(reportCsv(rows),
            'ket-qua-dang-ky-hang-loat.csv') }, t('bulk.download_report')));
      } catch (error) {
        show(messages, errorBox(error));
      } finally {
        run.removeAttribute('aria-busy');
        run.disabled = false;
      }
    });

    show(main, heading(t('bulk.title'), h('a', { href: '#/staff' }, t('bulk.back'))),
      h('p', {}, t('bulk.intro')), messages, form, results);
  },
};

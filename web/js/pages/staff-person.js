// One person (#/staff/:staff_id): the record, the enrolled photos' measurements (never the photos: the API
// offers no link to them), enrolling photos from files or the device camera with the server's verdict for
// each beside a preview made from the local file, removing a photo, removing the person.
import { api, fileToBase64 } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { TIMEZONE, formatDate, formatDateTime, formatNumber, t, todayInHanoi } from '../i18n.js';
import { link } from '../router.js';
import { busy, confirmDialog, errorBox, heading, loadUnits, notice, submitting } from '../ui.js';
import * as session from '../session.js';
import { READERS, setFlash, takeFlash, writableUnits } from './staff.js';
import { UNIT_READERS } from './tasks.js';

// What POST /v1/staff/{id}/faces/batch takes (chamcong/schemas/staff.py): 5 photos, 5 MiB of body.
export const MAX_BATCH_PHOTOS = 5;
const MAX_BATCH_BASE64 = 4.5 * 1024 * 1024;
// Phone photos of several MB are made smaller in the browser (the face stays far above the 64 px minimum).
const SHRINK_ABOVE_BYTES = 1.5 * 1024 * 1024;
const SHRINK_TO_PX = 2048;

async function photoBase64(blob) {
  if (blob.size <= SHRINK_ABOVE_BYTES) return fileToBase64(blob);
  const bitmap = await createImageBitmap(blob);
  const scale = Math.min(1, SHRINK_TO_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = h('canvas', { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const jpeg = await new Promise((resolve) => { canvas.toBlob(resolve, 'image/jpeg', 0.92); });
  return fileToBase64(jpeg);
}

function number(value, digits = 0) {
  return typeof value === 'number' ? formatNumber(value, { maximumFractionDigits: digits }) : t('staff.not_given');
}

function facesTable(person, canWrite, onRemove) {
  if (!person.faces.length) return notice(t('staff.faces_none'), 'warning');
  const columns = [
    { label: t('staff.face_id'), cell: (face) => h('code', {}, face.face_id) },
    { label: t('staff.face_date'), cell: (face) => formatDateTime(face.created_at) },
    { label: t('staff.face_px'), class: 'numeric', cell: (face) => number(face.quality.face_px) },
    { label: t('staff.face_score'), class: 'numeric', cell: (face) => number(face.quality.score, 2) },
    { label: t('staff.face_blur'), class: 'numeric', cell: (face) => number(face.quality.blur_sigma, 2) },
    { label: t('staff.face_pose'), class: 'numeric',
      cell: (face) => `${number(face.quality.yaw, 1)} / ${number(face.quality.pitch, 1)}` },
    { label: t('staff.face_model'), cell: (face) => face.model_id },
  ];
  if (canWrite) {
    columns.push({ label: t('staff.face_remove'), cell: (face) => h('button', {
      type: 'button', class: 'secondary outline small',
      'aria-label': t('staff.face_remove_label', { face_id: face.face_id }), onclick: () => onRemove(face),
    }, t('staff.face_remove')) });
  }
  return table(columns, person.faces, t('staff.faces_caption'));
}

function recordList(person, units) {
  const unit = units.find((one) => one.unit_id === person.unit_id);
  const row = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
  return h('dl', { class: 'record' },
    row(t('common.unit'), unit ? unit.name : person.unit_id),
    row(t('staff.email'), person.email || t('staff.not_given')),
    row(t('staff.employed_from'), person.employed_from ? formatDate(person.employed_from) : t('staff.not_given')),
    row(t('staff.created_at'), formatDateTime(person.created_at)),
    row(t('staff.staff_id'), h('code', {}, person.staff_id)));
}

function unitName(units, unitId) {
  const unit = units.find((one) => one.unit_id === unitId);
  return unit ? unit.name : unitId;
}

function transfersTable(history, units) {
  if (!history.transfers.length) return h('p', {}, t('transfers.none'));
  return table([
    { label: t('transfers.effective'), cell: (move) => formatDate(move.effective) },
    { label: t('transfers.from'), cell: (move) => unitName(units, move.from_unit) },
    { label: t('transfers.to'), cell: (move) => unitName(units, move.to_unit) },
    { label: t('transfers.reason'), cell: (move) => move.reason || t('staff.not_given') },
    { label: t('transfers.by'), cell: (move) => `${move.by}, ${formatDateTime(move.at)}` },
  ], [...history.transfers].reverse(), t('transfers.caption'));
}

// The form a unit admin records a move with: to a unit they also manage, from a day not after today.
function transferForm(person, history, units, path, onMoved) {
  const writable = writableUnits(units);
  const choices = units.filter((unit) => writable.has(unit.unit_id) && unit.unit_id !== person.unit_id);
  if (!choices.length) return notice(t('transfers.no_unit'));
  const today = todayInHanoi();
  const last = history.transfers.length ? history.transfers[history.transfers.length - 1].effective : null;
  const earliest = [last, person.employed_from].filter(Boolean).sort().pop();
  const toUnit = h('select', { required: true, name: 'to_unit_id' }, h('option', { value: '' },
    t('transfers.choose_unit')), choices.map((unit) => h('option', { value: unit.unit_id }, unit.name)));
  const effective = h('input', { type: 'date', name: 'effective', required: true, max: today, min: earliest,
    value: today });
  const reason = h('textarea', { name: 'reason', required: true, rows: 2, minlength: 3, maxlength: 500 });
  const where = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('transfers.submit'));
  const form = h('form', { class: 'transfer' }, field(t('transfers.to_unit'), toUnit),
    field(t('transfers.effective'), effective, t('transfers.effective_hint')),
    field(t('transfers.reason'), reason, t('transfers.reason_hint')), where, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const saved = await submitting(button, where, () => api('POST', `${path}/transfers`, { body: {
      to_unit_id: toUnit.value, effective: effective.value, reason: reason.value } }));
    if (saved) onMoved(saved, t('transfers.saved', { name: person.full_name, unit: unitName(units, saved.unit_id),
      date: formatDate(effective.value) }));
  });
  return h('details', { class: 'entry' }, h('summary', { role: 'button', class: 'outline' }, t('transfers.new')),
    h('article', {}, form));
}

export default {
  id: 'staff-person',
  path: '/staff/:staff_id',
  title: 'staff.title',
  nav: null,
  section: 'staff',
  allowed: (s) => s.hasRole(...READERS),
  async render(main, context) {
    const staffId = context.params.staff_id;
    const path = `/v1/staff/${encodeURIComponent(staffId)}`;
    const back = h('p', {}, h('a', { href: link('/staff') }, t('staff.back')));
    const flashed = takeFlash();
    show(main, back, heading(t('staff.title')), flashed, busy());
    let person;
    let units;
    let history;
    try {
      [person, units, history] = await Promise.all([api('GET', path), loadUnits(), api('GET', `${path}/transfers`)]);
    } catch (error) {
      if (context.isCurrent()) show(main, back, heading(t('staff.title')), errorBox(error));
      return undefined;
    }
    if (!context.isCurrent()) return undefined;
    const canWrite = writableUnits(units).has(person.unit_id);

    // Everything this page holds on to, released when the person leaves it (main.js calls the cleanup).
    const objectUrls = [];
    let stream = null;
    let left = false;
    const stopCamera = () => {
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null;
    };
    const cleanup = () => {
      left = true;
      stopCamera();
      objectUrls.forEach((url) => URL.revokeObjectURL(url));
    };

    const pageMessages = h('div', { 'aria-live': 'polite' }, flashed);
    const facesSection = h('section', { class: 'faces' });
    const renderFaces = () => show(facesSection,
      h('h2', {}, t('staff.faces'), ' ', h('span', { class: 'badge' }, t('staff.faces_count',
        { count: person.faces.length }))),
      facesTable(person, canWrite, removeFace));
    const reload = async () => {
      try {
        person = await api('GET', path);
        if (!left) renderFaces();
      } catch (error) {
        if (!left) show(pageMessages, errorBox(error));
      }
    };

    async function removeFace(face) {
      const body = [h('p', {}, t('staff.face_remove_text', { face_id: face.face_id,
        date: formatDateTime(face.created_at) })),
      person.faces.length === 1 ? notice(t('staff.face_remove_last'), 'warning') : null];
      if (!await confirmDialog(t('staff.face_remove_title'), body, t('staff.confirm_remove'))) return;
      try {
        await api('DELETE', `${path}/faces/${encodeURIComponent(face.face_id)}`);
        show(pageMessages, notice(t('staff.face_removed', { face_id: face.face_id }), 'success'));
      } catch (error) {
        show(pageMessages, errorBox(error));
      }
      await reload();
    }

    async function removePerson() {
      const count = person.faces.length;
      const body = [
        h('p', {}, h('strong', {}, t('staff.remove_deleted'))),
        h('ul', {}, h('li', {}, t('staff.remove_record')), h('li', {}, t('staff.remove_faces', { count }))),
        h('p', {}, h('strong', {}, t('staff.remove_kept'))),
        h('ul', {}, h('li', {}, t('staff.remove_kept_records')), h('li', {}, t('staff.remove_kept_account'))),
        notice(t('staff.remove_irreversible'), 'warning'),
      ];
      if (!await confirmDialog(t('staff.remove_title', { name: person.full_name }), body,
        t('staff.remove_confirm'))) return;
      try {
        await api('DELETE', path);
      } catch (error) {
        show(pageMessages, errorBox(error));
        return;
      }
      setFlash(t('staff.removed', { name: person.full_name, count }));
      context.navigate('/staff', { unit: person.unit_id });
    }

    // Enrolment: each photo gets a row (local preview, name, verdict) before it is sent.
    const results = h('ul', { class: 'enrol-results', 'aria-live': 'polite' });
    const summary = h('p', { role: 'status' });
    const resultsHeading = h('h3', { hidden: true }, t('staff.results'));

    function resultRow(blob, name) {
      const url = URL.createObjectURL(blob);
      objectUrls.push(url);
      const verdict = h('div', { class: 'verdict', 'aria-busy': 'true' }, t('staff.verdict_checking'));
      const row = h('li', { class: 'enrol-result' },
        h('img', { src: url, alt: t('staff.preview_alt', { name }), class: 'thumb' }),
        h('div', {}, h('p', { class: 'file-name' }, name), verdict));
      results.prepend(row);
      resultsHeading.hidden = false;
      return verdict;
    }

    function showVerdict(verdict, result) {
      verdict.removeAttribute('aria-busy');
      if (result.status === 'enrolled') {
        show(verdict, h('span', { class: 'badge status-enrolled' }, t('staff.verdict_enrolled')), ' ',
          t('staff.verdict_enrolled_text', { face_id: result.face.face_id }));
        verdict.dataset.verdict = 'enrolled';
      } else {
        show(verdict, h('span', { class: 'badge status-refused' }, t('staff.verdict_refused')),
          h('p', { class: 'notice error', dataset: { code: result.code } }, result.message),
          h('small', {}, t('staff.verdict_retry')));
        verdict.dataset.verdict = 'refused';
      }
    }

    async function enrol(photos) {
      const pending = [];
      for (const { blob, name } of photos) {
        const verdict = resultRow(blob, name);
        try {
          pending.push({ verdict, b64: await photoBase64(blob) });
        } catch {
          verdict.removeAttribute('aria-busy');
          show(verdict, h('p', { class: 'notice error' }, t('staff.file_unreadable')));
        }
      }
      // Batches of at most 5 photos and 4.5 MiB, one after the other.
      const batches = [];
      for (const item of pending) {
        const last = batches[batches.length - 1];
        if (last && last.length < MAX_BATCH_PHOTOS
          && last.reduce((size, one) => size + one.b64.length, 0) + item.b64.length <= MAX_BATCH_BASE64) {
          last.push(item);
        } else {
          batches.push([item]);
        }
      }
      let enrolled = 0;
      for (const batch of batches) {
        if (left) return;
        try {
          const reply = await api('POST', `${path}/faces/batch`, { body: { images_b64: batch.map((one) => one.b64),
            ...noticeGiven() } });
          reply.results.forEach((result) => showVerdict(batch[result.index].verdict, result));
          enrolled += reply.enrolled;
        } catch (error) {
          batch.forEach((one) => {
            one.verdict.removeAttribute('aria-busy');
            show(one.verdict, errorBox(error));
          });
        }
      }
      if (left) return;
      show(summary, t('staff.results_summary', { enrolled, total: photos.length }));
      if (enrolled) await reload();
    }

    const files = h('input', { type: 'file', name: 'photos', accept: 'image/jpeg,image/png', multiple: true });
    const uploadButton = h('button', { type: 'submit' }, t('staff.upload_submit'));
    const uploadMessages = h('div', { 'aria-live': 'polite' });
    const uploadForm = h('form', { class: 'upload' }, uploadMessages,
      field(t('staff.upload_files'), files, t('staff.upload_hint', { max: MAX_BATCH_PHOTOS })), uploadButton);
    uploadForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      uploadMessages.replaceChildren();
      const chosen = [...files.files];
      if (!chosen.length) {
        show(uploadMessages, notice(t('staff.upload_none'), 'error'));
        return;
      }
      uploadButton.setAttribute('aria-busy', 'true');
      uploadButton.disabled = true;
      try {
        await enrol(chosen.map((file) => ({ blob: file, name: file.name })));
        files.value = '';
      } finally {
        uploadButton.removeAttribute('aria-busy');
        uploadButton.disabled = false;
      }
    });

    // The device camera: a <video> of the stream; "Chụp ảnh" draws the frame to a canvas → JPEG → enrolment.
    const video = h('video', { class: 'camera-view', autoplay: true, playsinline: true, muted: true,
      'aria-label': t('staff.camera_video'), hidden: true });
    video.muted = true;
    const cameraMessages = h('div', { 'aria-live': 'polite' });
    const startButton = h('button', { type: 'button', class: 'secondary' }, t('staff.camera_start'));
    const captureButton = h('button', { type: 'button', hidden: true }, t('staff.camera_capture'));
    const stopButton = h('button', { type: 'button', class: 'secondary outline', hidden: true },
      t('staff.camera_stop'));
    const cameraShown = (on) => {
      video.hidden = !on;
      captureButton.hidden = !on;
      stopButton.hidden = !on;
      startButton.hidden = on;
    };
    startButton.addEventListener('click', async () => {
      cameraMessages.replaceChildren();
      if (!navigator.mediaDevices?.getUserMedia) {
        show(cameraMessages, notice(t('staff.camera_unsupported'), 'error'));
        return;
      }
      startButton.setAttribute('aria-busy', 'true');
      try {
        const opened = await navigator.mediaDevices.getUserMedia({ audio: false,
          video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } } });
        if (left) {
          opened.getTracks().forEach((track) => track.stop());
          return;
        }
        stopCamera();
        stream = opened;
        video.srcObject = stream;
        video.hidden = false;
        stopButton.hidden = false;
        startButton.hidden = true;
        await video.play().catch(() => undefined);
        if (!video.videoWidth) {
          await new Promise((resolve) => { video.addEventListener('loadeddata', resolve, { once: true }); });
        }
        if (left || stream !== opened) return;
        captureButton.hidden = false;
        captureButton.focus();
      } catch (error) {
        const key = { NotAllowedError: 'staff.camera_denied', SecurityError: 'staff.camera_denied',
          NotFoundError: 'staff.camera_missing', OverconstrainedError: 'staff.camera_missing',
          NotReadableError: 'staff.camera_busy' }[error?.name];
        show(cameraMessages, notice(key ? t(key) : t('staff.camera_failed', { reason: error?.name || error }),
          'error'));
      } finally {
        startButton.removeAttribute('aria-busy');
      }
    });
    stopButton.addEventListener('click', () => {
      stopCamera();
      video.srcObject = null;
      cameraShown(false);
      startButton.focus();
    });
    captureButton.addEventListener('click', async () => {
      if (!stream || !video.videoWidth) return;
      const canvas = h('canvas', { width: video.videoWidth, height: video.videoHeight });
      canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
      const jpeg = await new Promise((resolve) => { canvas.toBlob(resolve, 'image/jpeg', 0.92); });
      if (!jpeg || left) return;
      const time = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', second: '2-digit',
        hourCycle: 'h23', timeZone: TIMEZONE }).format(new Date());
      captureButton.setAttribute('aria-busy', 'true');
      captureButton.disabled = true;
      try {
        await enrol([{ blob: jpeg, name: t('staff.captured_name', { time }) }]);
      } finally {
        captureButton.removeAttribute('aria-busy');
        captureButton.disabled = false;
      }
    });

    // The notice of processing (Decree 13/2023) recorded with each enrolment: where the legal basis is consent, the
    // official ticks that the person read the printed notice and agreed (the API refuses the photos otherwise).
    const consent = h('input', { type: 'checkbox', name: 'consent' });
    const noticeBox = h('div', { class: 'enrol-notice' });
    let basis = 'law';
    const noticeGiven = () => (basis === 'consent' ? { notice: { consent: consent.checked } } : {});
    api('GET', '/v1/privacy/notices').then((listed) => {
      basis = listed.legal_basis;
      const printLink = h('a', { href: link('/privacy/notice', { version: listed.current }), target: '_blank',
        rel: 'noopener' }, t('staff.notice_print'));
      show(noticeBox, h('p', {}, h('small', {}, t('staff.notice_recorded', { version: listed.current }), ' ',
        printLink)), basis === 'consent' ? h('label', {}, consent, ' ', t('staff.notice_consent')) : null);
    }, () => {});

    const enrolSection = canWrite ? h('section', { class: 'enrol' }, h('h2', {}, t('staff.enrol')),
      h('p', {}, t('staff.enrol_tips')), noticeBox,
      h('div', { class: 'grid enrol-ways' },
        h('article', {}, h('h3', {}, t('staff.upload_title')), uploadForm),
        h('article', {}, h('h3', {}, t('staff.camera')), h('p', {}, h('small', {}, t('staff.camera_hint'))),
          cameraMessages, video, h('div', { class: 'toolbar' }, startButton, captureButton, stopButton))),
      resultsHeading, summary, results) : null;

    const removeSection = canWrite ? h('section', { class: 'remove-person' },
      h('button', { type: 'button', class: 'danger outline', onclick: removePerson }, t('staff.remove'))) : null;

    // The record and the moves between units, drawn again after a move.
    const recordSection = h('section', { class: 'record-section' });
    const transfersSection = h('section', { class: 'transfers' });
    const renderRecord = (flash) => {
      show(recordSection, h('h2', {}, t('staff.record')), recordList(person, units));
      show(transfersSection, h('h2', {}, t('transfers.title')), flash || null, transfersTable(history, units),
        writableUnits(units).has(person.unit_id) ? transferForm(person, history, units, path, async (moved, text) => {
          history = moved;
          try {
            person = await api('GET', path);
          } catch (error) {
            if (!left) show(pageMessages, errorBox(error));
          }
          if (!left) renderRecord(h('p', { class: 'notice success', role: 'status' }, text));
        }) : null);
    };

    renderRecord();
    renderFaces();
    const tasksLink = session.hasRole(...UNIT_READERS) ? h('a', { href: link(`/tasks/person/${person.staff_id}`) },
      t('tasks.person_link')) : null;
    show(main, back, heading(person.full_name, h('a', { href: link(`/people/${person.staff_id}/month`) },
      t('staff.month_link')), ' ', tasksLink), pageMessages,
    recordSection, transfersSection,
    canWrite ? null : notice(t('staff.read_only')),
    facesSection, enrolSection, removeSection);
    return cleanup;
  },
};

// The lobby screen beside the camera: what the edge uploader's display says now, large, from two metres.
// The edge uploader (`--screen HOST:PORT`) serves this page and /screen.json from the box beside the camera;
// nothing here talks to the API, and no face image is ever shown.
import { h, show } from './dom.js';
import { setLang, t } from './i18n.js';

const POLL_MS = 400;
const root = document.getElementById('lobby');
const language = new URLSearchParams(window.location.search).get('lang');
if (language) setLang(language);
document.title = `${t('lobby.title')} · ${t('app.name')}`;

let last = '';
let failures = 0;

function clock() {
  return new Intl.DateTimeFormat(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(new Date());
}

function render(screen) {
  const state = screen ? screen.state : 'offline';
  const result = screen?.result || '';
  document.body.className = `lobby state-${state}${result ? ` result-${['matched', 'unknown', 'spoof_suspected']
    .includes(result) ? result : 'other'}` : ''}`;
  const parts = [h('p', { class: 'lobby-clock', 'aria-hidden': 'true' }, clock())];
  if (!screen) {
    parts.push(h('p', { class: 'lobby-text' }, t('lobby.offline')),
      h('p', { class: 'lobby-message' }, t('lobby.offline_hint')));
  } else if (state === 'idle') {
    parts.push(h('p', { class: 'lobby-text' }, t('lobby.idle')));
  } else if (state === 'result' && screen.name) {
    parts.push(h('p', { class: 'lobby-name' }, screen.name));
    if (screen.message) parts.push(h('p', { class: 'lobby-message' }, screen.message));
  } else {
    parts.push(h('p', { class: 'lobby-text' }, screen.text || ''));
    if (screen.message && screen.message !== screen.text) {
      parts.push(h('p', { class: 'lobby-message' }, screen.message));
    }
  }
  show(root, parts);
}

async function poll() {
  try {
    const reply = await fetch('screen.json', { cache: 'no-store', credentials: 'omit' });
    if (!reply.ok) throw new Error(String(reply.status));
    const screen = await reply.json();
    failures = 0;
    const key = JSON.stringify([screen.state, screen.text, screen.name, screen.message, screen.result, clock()]);
    if (key !== last) {
      last = key;
      render(screen);
    }
  } catch {
    failures += 1;
    if (failures === 3 || last === '') {
      last = 'offline';
      render(null);
    }
  }
  setTimeout(poll, POLL_MS);
}

poll();

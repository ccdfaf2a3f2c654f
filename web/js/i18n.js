// One message catalogue (js/messages/*.js), Vietnamese by default, English on request, remembered per browser.
import { catalogue } from './messages/index.js';

const STORAGE_KEY = 'chamcong.lang';
export const LANGUAGES = ['vi', 'en'];

let current = LANGUAGES.includes(localStorage.getItem(STORAGE_KEY)) ? localStorage.getItem(STORAGE_KEY) : 'vi';
document.documentElement.lang = current;

export function lang() {
  return current;
}

export function setLang(next) {
  if (!LANGUAGES.includes(next)) return;
  current = next;
  localStorage.setItem(STORAGE_KEY, next);  // the language only: never a token
  document.documentElement.lang = next;
  window.dispatchEvent(new CustomEvent('languagechange'));
}

/** t('today.title'), t('today.late', {minutes: 5}): the text in the chosen language, {name}s filled in. */
export function t(key, params) {
  const entry = catalogue[key];
  if (!entry) {
    console.error(`no message ${key}`);
    return key;
  }
  const text = entry[current] ?? entry.vi;
  return params ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole)) : text;
}

/** Numbers, dates and times the way the chosen language writes them (Asia/Ho_Chi_Minh). */
export const TIMEZONE = 'Asia/Ho_Chi_Minh';

export function formatNumber(value, options) {
  return new Intl.NumberFormat(current === 'vi' ? 'vi-VN' : 'en-GB', options).format(value);
}

export function formatDate(isoDay, options = { day: '2-digit', month: '2-digit', year: 'numeric' }) {
  const [year, month, day] = isoDay.split('-').map(Number);
  return new Intl.DateTimeFormat(current === 'vi' ? 'vi-VN' : 'en-GB', { ...options, timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, month - 1, day)));
}

export function formatDateTime(isoInstant) {
  return new Intl.DateTimeFormat(current === 'vi' ? 'vi-VN' : 'en-GB', {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    timeZone: TIMEZONE,
  }).format(new Date(isoInstant));
}

/** Today's date in Hanoi as YYYY-MM-DD. */
export function todayInHanoi(now = new Date()) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE, year: 'numeric', month: '2-digit',
    day: '2-digit' }).format(now);
  return parts;
}

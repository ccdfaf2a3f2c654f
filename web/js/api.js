// The one way pages talk to the API: the bearer token, the language, JSON both ways, errors as ApiError.
import { lang, t } from './i18n.js';
import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

// Answers that mean "this session is over": back to sign-in, then to the page the person was on.
const SESSION_OVER = new Set(['unauthenticated', 'token_expired', 'token_revoked']);
const listeners = { sessionOver: [], passwordChangeRequired: [] };

export function onSessionOver(listener) {
  listeners.sessionOver.push(listener);
}

export function onPasswordChangeRequired(listener) {
  listeners.passwordChangeRequired.push(listener);
}

function queryString(query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** await api('GET', '/v1/units', {query: {...}}) → the parsed JSON (null for 204); throws ApiError. */
export async function api(method, path, { query, body, signal } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': lang() };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let reply;
  try {
    reply = await fetch(path + queryString(query), {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store',
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', t('error.network'));
  }
  if (reply.status === 204) return null;
  let data = null;
  const text = await reply.text();
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (reply.ok) return data;
  const code = data?.code || `http_${reply.status}`;
  const error = new ApiError(reply.status, code, data?.message || t('error.unexpected', { status: reply.status }),
    data?.details);
  if (token && reply.status === 401 && SESSION_OVER.has(code)) {
    listeners.sessionOver.forEach((listener) => listener(error));
  } else if (reply.status === 403 && code === 'password_change_required') {
    listeners.passwordChangeRequired.forEach((listener) => listener(error));
  }
  throw error;
}

/** Fetch a file the API serves (an attachment) as a Blob, with the same headers and errors. */
export async function apiBlob(path, query) {
  return (await apiFile(path, query)).blob;
}

/** A file the API serves, with the name its Content-Disposition gives (null if none): {blob, filename}.
 * `accept` names a binary type first (an .xlsx): API Gateway sends bytes only when the Accept header's first type
 * is one of its binary media types. */
export async function apiFile(path, query, accept) {
  const headers = { 'Accept-Language': lang() };
  if (accept) headers.Accept = accept;
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  const reply = await fetch(path + queryString(query), { headers, credentials: 'omit', cache: 'no-store' });
  if (!reply.ok) {
    let data = null;
    try {
      data = await reply.json();
    } catch {
      data = null;
    }
    throw new ApiError(reply.status, data?.code || `http_${reply.status}`,
      data?.message || t('error.unexpected', { status: reply.status }), data?.details);
  }
  const disposition = reply.headers.get('Content-Disposition') || '';
  const named = /filename="([^"]+)"/.exec(disposition);
  return { blob: await reply.blob(), filename: named ? named[1] : null };
}

/** A file as base64 (no data: prefix), for the JSON bodies that carry photos and spreadsheets. */
export function fileToBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

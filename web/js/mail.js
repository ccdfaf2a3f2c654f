// Reading an archived report e-mail (message/rfc822) without ever treating it as HTML: its headers and its
// plain-text part, decoded (base64, quoted-printable, RFC 2047 encoded words, UTF-8). The HTML part is ignored.

function splitHeadAndBody(text) {
  const match = /\r?\n\r?\n/.exec(text);
  return match ? [text.slice(0, match.index), text.slice(match.index + match[0].length)] : [text, ''];
}

function parseHeaders(head) {
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function bytesOf(binary) {
  return Uint8Array.from(binary, (character) => character.charCodeAt(0) & 0xff);
}

function decodeBytes(bytes, charset) {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function quotedPrintable(text, underscoreIsSpace) {
  const source = underscoreIsSpace ? text.replace(/_/g, ' ') : text.replace(/=\r?\n/g, '');
  return source.replace(/=([0-9A-Fa-f]{2})/g, (whole, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** "=?utf-8?b?…?=" words of a header as text. */
export function decodeWords(value) {
  return (value || '').replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
    (whole, charset, encoding, data) => {
      const binary = encoding.toUpperCase() === 'B' ? atob(data) : quotedPrintable(data, true);
      return decodeBytes(bytesOf(binary), charset);
    });
}

function parameter(header, name) {
  const match = new RegExp(`${name}\\*?=(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header || '');
  return match ? match[1] ?? match[2] : null;
}

function partText(headers, body) {
  const encoding = (headers['content-transfer-encoding'] || '7bit').toLowerCase();
  const charset = parameter(headers['content-type'], 'charset') || 'utf-8';
  if (encoding === 'base64') return decodeBytes(bytesOf(atob(body.replace(/\s+/g, ''))), charset);
  if (encoding === 'quoted-printable') return decodeBytes(bytesOf(quotedPrintable(body, false)), charset);
  return decodeBytes(bytesOf(body), charset);
}

function walk(headers, body, found) {
  const type = (headers['content-type'] || 'text/plain').split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = parameter(headers['content-type'], 'boundary');
    if (!boundary) return;
    const parts = body.split(`--${boundary}`).slice(1);
    for (const part of parts) {
      if (part.startsWith('--')) break;
      const [head, inner] = splitHeadAndBody(part.replace(/^\r?\n/, ''));
      walk(parseHeaders(head), inner.replace(/\r?\n$/, ''), found);
    }
    return;
  }
  const disposition = headers['content-disposition'] || '';
  if (/attachment/i.test(disposition)) {
    found.attachments.push(decodeWords(parameter(disposition, 'filename') || ''));
  } else if (type === 'text/plain' && found.text === null) {
    found.text = partText(headers, body);
  }
}

/** {subject, from, to, date, text, attachments}: what a mail program would show of `raw` (a binary string). */
export function readMail(raw) {
  const [head, body] = splitHeadAndBody(raw);
  const headers = parseHeaders(head);
  const found = { text: null, attachments: [] };
  walk(headers, body, found);
  return { subject: decodeWords(headers.subject), from: decodeWords(headers.from), to: decodeWords(headers.to),
    date: headers.date || '', text: found.text || '', attachments: found.attachments };
}

/** A Blob's bytes as a "binary string" (one character per byte), as readMail wants them. */
export async function blobAsBinary(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    text += String.fromCharCode(...bytes.subarray(start, start + 8192));
  }
  return text;
}

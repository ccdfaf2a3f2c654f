// Building the page from data without ever parsing it as HTML: every text from the API becomes a text node.
// The site never uses innerHTML, outerHTML, insertAdjacentHTML or document.write (a test checks).

/** h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more]) */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'value' && 'value' in element) {
      element.value = value;
    } else if (name === 'href' && !/^(#|\/|https?:|mailto:|blob:)/.test(String(value))) {
      throw new Error(`refusing an unsafe link: ${value}`);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replace everything inside `element` with `children`. */
export function show(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

let uniqueNumber = 0;
export function uniqueId(prefix) {
  uniqueNumber += 1;
  return `${prefix}-${uniqueNumber}`;
}

/** A labelled form field: every input has a label (accessibility). */
export function field(labelText, input, hint) {
  if (!input.id) input.id = uniqueId('field');
  const parts = [h('label', { for: input.id }, labelText), input];
  if (hint) {
    const hintId = `${input.id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    parts.push(h('small', { id: hintId }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

/** A table from rows: columns = [{label, cell: row => Node|string, class?}] */
export function table(columns, rows, caption) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'striped' },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col', class: column.class }, column.label)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((column) => h('td', { class: column.class },
      column.cell(row))))))));
}

/** Downloads `blob` as `filename` (an object URL, revoked afterwards). */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

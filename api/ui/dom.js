// Small DOM helpers: build elements without innerHTML (no markup from data
// ever reaches the parser), and the three live regions of the page.

/** Create an element: h('a', {href: '#/x', class: 'y'}, 'text', child…). */
export function h(tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const byId = (id) => document.getElementById(id);

/** Show an error (role=alert); an empty message hides the region. */
export function showError(message) {
  byId('error').textContent = message || '';
  if (message) byId('status').textContent = '';
}

/** Show a success message (role=status). */
export function showStatus(message) {
  byId('status').textContent = message || '';
  if (message) byId('error').textContent = '';
}

let busy = 0;

/** Run `work` (a promise-returning function) with #progress shown as busy. */
export async function withProgress(label, work) {
  const el = byId('progress');
  busy += 1;
  el.hidden = false;
  el.setAttribute('aria-busy', 'true');
  fill(el, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', {}, label));
  try {
    return await work();
  } finally {
    busy -= 1;
    if (busy === 0) {
      el.setAttribute('aria-busy', 'false');
      el.hidden = true;
      el.replaceChildren();
    }
  }
}

/** Format a number in the UI language. */
export function num(value, lang, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString(lang, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

// The picture over time: tightness, the mismatch index and placements per
// month, from the daily snapshots of the picture, for the country or a
// region. Each measure is an inline SVG line chart whose points can be
// reached with the keyboard, and the same figures are in a table below;
// CSV download.

import { api, query, geography, placeName } from './api.js';
import { h, fill, showError, withProgress, num } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';
import { downloadCsv, withheld } from './effectiveness.js';

const W = 640;
const H = 220;
const PAD = { left: 56, right: 16, top: 16, bottom: 40 };

/** A month `YYYY-MM` in the UI language, short. */
function monthLabel(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(lang(), { month: 'short', year: '2-digit', timeZone: 'UTC' });
}

/**
 * A line chart of `values` (null: no figure) over `months`: an SVG with a
 * title, axes, a label on the first and last month, and one focusable
 * point per known value whose accessible name is its month and figure.
 */
export function lineChart(id, title, months, values, digits) {
  const known = values.filter((v) => v !== null && v !== undefined);
  const svg = (tag, attrs, ...children) => h(`svg:${tag}`, attrs, ...children);
  const chart = svg('svg', {
    id, class: 'trend-chart', viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-labelledby': `${id}-title`,
  }, svg('title', { id: `${id}-title` }, title));
  const max = Math.max(...known, 0) || 1;
  const x = (i) => PAD.left + (months.length < 2 ? 0 : (i * (W - PAD.left - PAD.right)) / (months.length - 1));
  const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  chart.append(
    svg('line', { class: 'axis', x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom }),
    svg('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom }),
    svg('text', { class: 'tick', x: PAD.left - 6, y: PAD.top + 4, 'text-anchor': 'end', 'aria-hidden': 'true' }, num(max, lang(), digits)),
    svg('text', { class: 'tick', x: PAD.left - 6, y: H - PAD.bottom, 'text-anchor': 'end', 'aria-hidden': 'true' }, '0'));
  months.forEach((m, i) => {
    if (i === 0 || i === months.length - 1 || i % 3 === 0) {
      chart.append(svg('text', { class: 'tick', x: x(i), y: H - PAD.bottom + 18, 'text-anchor': 'middle', 'aria-hidden': 'true' }, monthLabel(m)));
    }
  });
  // The line breaks where a month has no figure.
  let path = '';
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const prev = i > 0 ? values[i - 1] : null;
    path += `${prev === null || prev === undefined ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
  });
  if (path) chart.append(svg('path', { class: 'trend-line', d: path.trim(), 'aria-hidden': 'true' }));
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const label = `${monthLabel(months[i])}: ${num(v, lang(), digits)}`;
    chart.append(svg('circle', {
      class: 'trend-point', cx: x(i), cy: y(v), r: 5, tabindex: '0', role: 'img', 'aria-label': label,
    }, svg('title', {}, label)));
  });
  if (known.length === 0) {
    chart.append(svg('text', { class: 'tick', x: W / 2, y: H / 2, 'text-anchor': 'middle' }, t('trend.no_data')));
  }
  return chart;
}

function monthValue(d) {
  return d.toISOString().slice(0, 7);
}

export async function trendPage(view) {
  const g = await geography();
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  const from = h('input', { id: 'trend-from', type: 'month', value: monthValue(start), required: true, pattern: '[0-9]{4}-[0-9]{2}' });
  const to = h('input', { id: 'trend-to', type: 'month', value: monthValue(now), required: true, pattern: '[0-9]{4}-[0-9]{2}' });
  const region = h('select', { id: 'trend-region' },
    h('option', { value: '' }, t('trend.country')),
    g.regions.map((r) => h('option', { value: r.code }, placeName(r, lang()))));
  const show = h('button', { type: 'submit', class: 'primary' }, t('effect.show'));
  const download = h('button', { type: 'button', id: 'trend-download' }, t('picture.download'));
  const out = h('div', { id: 'trend-results', 'aria-live': 'polite' });
  const form = h('form', { class: 'card toolbar', id: 'trend-form' },
    h('div', { class: 'field inline' }, h('label', { for: 'trend-from' }, t('trend.from')), from),
    h('div', { class: 'field inline' }, h('label', { for: 'trend-to' }, t('trend.to')), to),
    h('div', { class: 'field inline' }, h('label', { for: 'trend-region' }, t('picture.region')), region),
    show, download);
  fill(view,
    h('h1', {}, t('trend.title')),
    h('p', { class: 'lead' }, t('trend.intro')),
    h('p', {}, h('a', { href: '#/picture' }, t('nav.picture')), ' · ', h('a', { href: '#/effectiveness' }, t('nav.effectiveness'))),
    form, out);
  const params = () => ({ from: from.value, to: to.value, region: region.value, lang: lang() });
  download.addEventListener('click', () => downloadCsv(`/v1/picture/trend${query({ ...params(), format: 'csv' })}`,
    'kohtaanto-trend.csv').catch((e) => showError(problemMessage(e))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load().catch((e) => showError(problemMessage(e)));
  });

  async function load() {
    const tr = await withProgress(t('progress.trend'), () => api(`/v1/picture/trend${query(params())}`));
    showError('');
    const months = tr.months.map((m) => m.month);
    const where = tr.region ? placeName(g.region.get(tr.region.code), lang()) || tr.region.name : t('trend.country');
    const table = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'trend-table-caption' },
      h('table', { id: 'trend-table', class: 'data' },
        h('caption', { id: 'trend-table-caption' }, t('trend.table_caption', { where })),
        h('thead', {}, h('tr', {}, [t('trend.month'), t('trend.days'), t('picture.total_positions'),
          t('picture.total_jobseekers'), t('trend.tightness'), t('trend.mismatch'), t('effect.placements')]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, tr.months.map((m) => h('tr', {},
          h('th', { scope: 'row' }, monthLabel(m.month)),
          h('td', {}, num(m.days, lang())),
          h('td', {}, num(m.open_positions, lang())),
          h('td', {}, num(m.active_jobseekers, lang())),
          h('td', {}, num(m.tightness, lang(), 3)),
          h('td', {}, num(m.mismatch_index, lang(), 3)),
          h('td', {}, m.suppressed ? withheld() : num(m.placements, lang())))))));
    fill(out,
      h('p', { class: 'meta' }, t('trend.hint') + (tr.disclosure_control ? ` ${t('picture.disclosure')}` : '')),
      h('section', { class: 'card', 'aria-labelledby': 'trend-charts-heading' },
        h('h2', { id: 'trend-charts-heading' }, t('trend.charts', { where })),
        lineChart('trend-tightness', t('trend.tightness_title', { where }), months, tr.months.map((m) => m.tightness), 3),
        lineChart('trend-mismatch', t('trend.mismatch_title'), months, tr.months.map((m) => m.mismatch_index), 3),
        lineChart('trend-placements', t('trend.placements_title', { where }), months,
          tr.months.map((m) => (m.suppressed ? null : m.placements)), 0)),
      h('section', { 'aria-labelledby': 'trend-table-heading' },
        h('h2', { id: 'trend-table-heading' }, t('trend.table')), table));
  }

  await load();
}

// Effectiveness in the picture: what the introductions, hires and employer
// outreach of a period achieved, per region and occupation (or industry),
// the flow matrix of actual hires next to the potential one, layoff
// cohorts placed month by month; numbers written out, withheld cells
// shown as such (analysts), CSV of every table.

import { api, query, geography, placeName, attachmentName } from './api.js';
import { h, fill, showError, showStatus, withProgress, num } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';

/** A withheld figure: an abbreviation whose title says why. */
export function withheld() {
  return h('abbr', { title: t('picture.withheld') }, '…');
}

/** A table cell of `value` (digits after the point), or withheld. */
function figure(row, value, digits = 0) {
  return h('td', {}, row.suppressed ? withheld() : num(value, lang(), digits));
}

/** Download `path` (a CSV answer) as a file. */
export async function downloadCsv(path, fallback) {
  const response = await withProgress(t('progress.csv'), () => api(path, { raw: true, accept: 'text/csv' }));
  const name = attachmentName(response, fallback);
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: name, class: 'sr-only' }, name);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  showStatus(t('picture.downloaded', { file: name }));
}

/** A scrollable, keyboard-reachable table region named by its caption. */
function scroller(id, caption, head, rows) {
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-caption` },
    h('table', { id, class: 'data' },
      h('caption', { id: `${id}-caption` }, caption),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows)));
}

const OUTCOME_HEAD = () => [t('effect.placements'), t('effect.cross_regional'), t('effect.introductions'),
  t('effect.per_hire'), t('effect.days_to_hire')];

function outcomeCells(r) {
  return [figure(r, r.placements), figure(r, r.cross_regional_placements), figure(r, r.introductions),
    figure(r, r.introductions_per_hire, 2), figure(r, r.mean_days_to_hire, 1)];
}

/** Origin rows × destination columns of `flows` ({from, to, value, suppressed}). */
export function flowMatrix(id, caption, flows, g) {
  const codes = g.regions.map((r) => r.code);
  const origins = [...codes];
  if (flows.some((f) => f.from.code === 'abroad')) origins.push('abroad');
  const at = new Map(flows.map((f) => [`${f.from.code}|${f.to.code}`, f]));
  const name = (code) => (code === 'abroad' ? t('candidate.abroad') : placeName(g.region.get(code), lang()) || code);
  const cell = (from, to) => {
    const f = at.get(`${from}|${to}`);
    const cls = from === to ? 'diagonal' : 'flow';
    if (!f) return h('td', { class: from === to ? 'diagonal' : null }, '0');
    return h('td', { class: cls }, f.suppressed ? withheld() : num(f.value, lang()));
  };
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-caption` },
    h('table', { id, class: 'data flows' },
      h('caption', { id: `${id}-caption` }, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('picture.from_to')),
        codes.map((c) => h('th', { scope: 'col' }, h('abbr', { title: name(c) }, c))))),
      h('tbody', {}, origins.map((from) => h('tr', {},
        h('th', { scope: 'row' }, `${from === 'abroad' ? '' : `${from} `}${name(from)}`),
        codes.map((to) => cell(from, to)))))));
}

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

export async function effectivenessPage(view) {
  const today = new Date();
  const yearAgo = new Date(today);
  yearAgo.setUTCFullYear(today.getUTCFullYear() - 1);
  yearAgo.setUTCDate(yearAgo.getUTCDate() + 1);
  const since = h('input', { id: 'effect-since', type: 'date', value: isoDay(yearAgo), required: true });
  const until = h('input', { id: 'effect-until', type: 'date', value: isoDay(today), required: true });
  const grouping = h('select', { id: 'effect-grouping' },
    h('option', { value: 'occupation_level=1' }, t('effect.by_major')),
    h('option', { value: 'occupation_level=2' }, t('effect.by_submajor')),
    h('option', { value: 'industry=section' }, t('effect.by_section')),
    h('option', { value: 'industry=division' }, t('effect.by_division')));
  const csvTable = h('select', { id: 'effect-csv-table' },
    ['areas', 'groups', 'cells', 'hires', 'cohorts', 'outreach'].map((v) => h('option', { value: v }, t(`effect.table_${v}`))));
  const show = h('button', { type: 'submit', class: 'primary' }, t('effect.show'));
  const download = h('button', { type: 'button', id: 'effect-download' }, t('picture.download'));
  const out = h('div', { id: 'effect-results', 'aria-live': 'polite' });
  const form = h('form', { class: 'card toolbar', id: 'effect-form' },
    h('div', { class: 'field inline' }, h('label', { for: 'effect-since' }, t('effect.since')), since),
    h('div', { class: 'field inline' }, h('label', { for: 'effect-until' }, t('effect.until')), until),
    h('div', { class: 'field inline' }, h('label', { for: 'effect-grouping' }, t('effect.grouping')), grouping),
    show,
    h('div', { class: 'field inline' }, h('label', { for: 'effect-csv-table' }, t('picture.csv_table')), csvTable, download));
  fill(view,
    h('h1', {}, t('effect.title')),
    h('p', { class: 'lead' }, t('effect.intro')),
    h('p', {}, h('a', { href: '#/picture' }, t('nav.picture')), ' · ', h('a', { href: '#/trend' }, t('nav.trend'))),
    form, out);

  const params = () => {
    const [key, value] = grouping.value.split('=');
    return { since: since.value, until: until.value, [key]: value, lang: lang() };
  };
  download.addEventListener('click', () => downloadCsv(
    `/v1/picture/effectiveness${query({ ...params(), format: 'csv', table: csvTable.value })}`,
    `kohtaanto-effectiveness-${csvTable.value}.csv`,
  ).catch((e) => showError(problemMessage(e))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load().catch((e) => showError(problemMessage(e)));
  });

  async function load() {
    const [g, e] = await withProgress(t('progress.effectiveness'), () => Promise.all([
      geography(),
      api(`/v1/picture/effectiveness${query(params())}`),
    ]));
    showError('');
    const total = e.total;
    const regionName = (r) => placeName(g.region.get(r.area.code), lang()) || r.area.name;
    const summary = h('dl', { class: 'facts big', id: 'effect-summary' },
      h('dt', {}, t('effect.placements')), h('dd', {}, total.suppressed ? withheld() : num(total.placements, lang())),
      h('dt', {}, t('effect.cross_regional')), h('dd', {}, total.suppressed ? withheld() : num(total.cross_regional_placements, lang())),
      h('dt', {}, t('effect.per_hire')), h('dd', {}, total.suppressed ? withheld() : num(total.introductions_per_hire, lang(), 2)),
      h('dt', {}, t('effect.days_to_hire')), h('dd', {}, total.suppressed ? withheld() : num(total.mean_days_to_hire, lang(), 1)));
    const areas = scroller('effect-areas', t('effect.areas_caption'), [t('picture.region'), ...OUTCOME_HEAD()],
      e.areas.map((r) => h('tr', {}, h('th', { scope: 'row' }, regionName(r)), outcomeCells(r))));
    const groups = scroller('effect-groups', t('effect.groups_caption'), [t('effect.group'), ...OUTCOME_HEAD()],
      e.groups.map((r) => h('tr', {}, h('th', { scope: 'row' }, h('span', { class: 'code' }, r.group.code), ' ', r.group.name),
        outcomeCells(r))));
    const hires = flowMatrix('effect-hires', t('effect.hires_caption'),
      e.hires.map((f) => ({ ...f, value: f.placements })), g);
    const potentialBox = h('div', { id: 'effect-potential' });
    const compare = h('button', { type: 'button', id: 'effect-compare' }, t('effect.compare'));
    compare.addEventListener('click', () => withProgress(t('progress.picture'),
      () => api(`/v1/picture${query({ by: 'region', potential: 'true', lang: lang() })}`))
      .then((p) => {
        fill(potentialBox, flowMatrix('effect-potential-flows', t('picture.flows_caption'),
          p.potential.flows.map((f) => ({ ...f, value: f.open_positions })), g));
        compare.remove();
      })
      .catch((err) => showError(problemMessage(err))));
    const cohorts = e.cohorts.length === 0
      ? h('p', { class: 'muted' }, t('effect.no_cohorts'))
      : scroller('effect-cohorts', t('effect.cohorts_caption'),
        [t('effect.cohort'), t('effect.members'), t('effect.placed'), ...e.months],
        e.cohorts.map((c) => h('tr', {},
          h('th', { scope: 'row' }, `${c.cohort.name} (${c.employer_name})`),
          h('td', {}, c.members === null ? withheld() : num(c.members, lang())),
          h('td', {}, c.placed === null ? withheld() : num(c.placed, lang())),
          c.months.map((m) => h('td', {}, m.suppressed ? withheld() : num(m.placed, lang()))))));
    const o = e.outreach;
    const outreachHead = [t('effect.firms'), t('effect.contacts'), t('effect.needs'), t('effect.positions_needed'),
      t('effect.hidden_vacancies')];
    const outreachCells = (r) => [figure(r, r.firms_contacted), figure(r, r.contacts), figure(r, r.needs_found),
      figure(r, r.positions_needed), figure(r, r.hidden_vacancies_created)];
    const outreach = scroller('effect-outreach', t('effect.outreach_caption'),
      [t('picture.region'), t('effect.industry'), ...outreachHead],
      [...o.cells.map((r) => h('tr', {}, h('th', { scope: 'row' }, regionName(r)),
        h('td', {}, r.industry ? `${r.industry.code} ${r.industry.name}` : ''), outreachCells(r))),
      h('tr', { class: 'total' }, h('th', { scope: 'row' }, t('effect.total')), h('td', {}), outreachCells(o.total))]);
    fill(out,
      h('p', { class: 'meta' }, t('effect.period', { since: e.since, until: e.until })
        + (e.disclosure_control ? ` ${t('picture.disclosure')}` : '')),
      h('section', { class: 'card', 'aria-labelledby': 'effect-summary-heading' },
        h('h2', { id: 'effect-summary-heading' }, t('effect.summary')), summary),
      h('section', { 'aria-labelledby': 'effect-areas-heading' },
        h('h2', { id: 'effect-areas-heading' }, t('effect.by_region')), areas, groups),
      h('section', { 'aria-labelledby': 'effect-hires-heading' },
        h('h2', { id: 'effect-hires-heading' }, t('effect.hires')),
        h('p', { class: 'hint' }, t('effect.hires_hint')),
        h('div', { class: 'flow-pair' }, hires, h('div', {}, compare, potentialBox))),
      h('section', { 'aria-labelledby': 'effect-cohorts-heading' },
        h('h2', { id: 'effect-cohorts-heading' }, t('effect.cohorts')), cohorts),
      h('section', { 'aria-labelledby': 'effect-outreach-heading' },
        h('h2', { id: 'effect-outreach-heading' }, t('effect.outreach')), outreach));
  }

  await load();
}

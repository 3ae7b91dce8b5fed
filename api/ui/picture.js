// The labour-market picture: a map of the regions or municipalities
// coloured by tightness (the server draws the geometry: /ui/map.svg and
// /ui/map.svg?level=municipality), the region × occupation
// heatmap as a table with the numbers written out, the mismatch index,
// the cross-region flow matrix and a CSV download.

import { api, query, geography, placeName } from './api.js';
import { h, fill, showError, showStatus, withProgress, num } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';

/** Tightness classes (open positions per active jobseeker), low to high. */
const BOUNDS = [0.1, 0.25, 0.5, 1];

function heatClass(tightness) {
  if (tightness === null || tightness === undefined) return 'heat-none';
  const i = BOUNDS.findIndex((b) => tightness < b);
  return `heat-${i < 0 ? BOUNDS.length : i}`;
}

function legendItems() {
  const ranges = [
    t('legend.below', { v: num(BOUNDS[0], lang(), 2) }),
    ...BOUNDS.slice(1).map((b, i) => t('legend.between', { a: num(BOUNDS[i], lang(), 2), b: num(b, lang(), 2) })),
    t('legend.above', { v: num(BOUNDS[BOUNDS.length - 1], lang(), 2) }),
  ];
  return [...ranges.map((r, i) => [`heat-${i}`, r]), ['heat-none', t('legend.none')]];
}

/** The areas a map can be drawn by: the SVG's `level` and its paths' class. */
const MAP_LEVELS = ['region', 'municipality'];

const mapTexts = new Map();

async function mapElement(level) {
  if (!mapTexts.has(level)) {
    mapTexts.set(level, fetch(`/ui/map.svg?level=${level}`).then((r) => {
      if (!r.ok) throw new Error('map');
      return r.text();
    }));
  }
  const doc = new DOMParser().parseFromString(await mapTexts.get(level), 'image/svg+xml');
  return document.importNode(doc.documentElement, true);
}

/** A table cell with a figure's tightness, its colour repeating the number. */
function tightnessCell(c) {
  if (!c) return h('td', { class: 'heat-none' }, '–');
  if (c.suppressed) return h('td', { class: 'heat-none' }, h('abbr', { title: t('picture.withheld') }, '…'));
  return h('td', { class: heatClass(c.tightness) }, num(c.tightness, lang(), 2));
}

/** A count of a figure, or "withheld". */
function countCell(c, count) {
  if (c.suppressed) return h('td', {}, h('abbr', { title: t('picture.withheld') }, '…'));
  return h('td', {}, num(count, lang()));
}

/**
 * Colour the map's areas at `level` by the tightness of `picture` (a
 * picture `by` that level), title each with its name and figures, and name
 * the regions in the UI language. The attribution goes under the map, in
 * the UI language, instead of inside it.
 */
function colourMap(svg, picture, level, g) {
  const rows = new Map(picture.areas.map((r) => [r.area.code, r]));
  const code = `data-${level}`;
  svg.setAttribute('aria-labelledby', 'map-heading');
  svg.querySelector('title#map-title')?.replaceChildren(t(level === 'region' ? 'picture.map' : 'picture.map_municipality'));
  svg.querySelector('text.attribution')?.remove();
  for (const path of svg.querySelectorAll(`path[${code}]`)) {
    const row = rows.get(path.getAttribute(code));
    const name = path.getAttribute(`data-name-${lang()}`) || path.getAttribute('data-name-fi');
    path.setAttribute('class', `${level} ${heatClass(row && !row.suppressed ? row.tightness : null)}`);
    const title = path.querySelector('title');
    if (title) title.textContent = row ? `${name}: ${figureText(row)}` : name;
  }
  for (const label of svg.querySelectorAll('text[data-region]')) {
    const region = g.region.get(label.getAttribute('data-region'));
    if (region) label.textContent = placeName(region, lang());
  }
}

/** The figures of the municipalities on the map, as a table. */
function municipalityTable(picture, g) {
  const rows = picture.areas.filter((r) => g.municipality.has(r.area.code));
  const heads = ['picture.municipality', 'picture.region', 'picture.tightness', 'picture.total_positions', 'picture.total_jobseekers'];
  return h('details', { id: 'municipality-figures' },
    h('summary', {}, t('picture.municipalities_table')),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'municipalities-caption' },
      h('table', { id: 'municipalities', class: 'data' },
        h('caption', { id: 'municipalities-caption' }, t('picture.municipalities_caption')),
        h('thead', {}, h('tr', {}, heads.map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, rows.map((r) => {
          const m = g.municipality.get(r.area.code);
          return h('tr', {},
            h('th', { scope: 'row' }, placeName(m, lang())),
            h('td', {}, placeName(g.region.get(m.region_code), lang())),
            tightnessCell(r),
            countCell(r, r.open_positions),
            countCell(r, r.active_jobseekers));
        })))));
}

function figureText(f) {
  if (f.suppressed) return t('picture.withheld');
  return t('picture.tightness_of', {
    tightness: num(f.tightness, lang(), 2),
    positions: num(f.open_positions, lang()),
    jobseekers: num(f.active_jobseekers, lang()),
  });
}

export async function picturePage(view, _params, ctx, params) {
  const g = await geography();
  const level = ['1', '2'].includes(params.get('occupation_level')) ? params.get('occupation_level') : '1';
  const levelSelect = h('select', { id: 'occupation-level' },
    ['1', '2'].map((l) => h('option', { value: l, selected: l === level }, t(`picture.level_${l}`))));
  levelSelect.addEventListener('change', () => ctx.go(`#/picture?occupation_level=${levelSelect.value}`));
  const csvTable = h('select', { id: 'csv-table' },
    ['cells', 'areas', 'groups', 'flows'].map((c) => h('option', { value: c }, t(`csv.${c}`))));
  const download = h('button', { type: 'button', id: 'download-csv' }, t('picture.download'));
  const mapLevel = h('select', { id: 'map-level' },
    MAP_LEVELS.map((l) => h('option', { value: l }, t(`picture.map_level_${l}`))));
  const mapHeading = h('h2', { id: 'map-heading' }, t('picture.map'));
  const mapBox = h('div', { class: 'map-box' });
  const municipalityFigures = h('div', {});
  const legend = h('ul', { class: 'legend', 'aria-label': t('legend.title') });
  const mismatch = h('section', { id: 'mismatch', class: 'card', 'aria-labelledby': 'mismatch-title' });
  const heat = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'heatmap-caption' });
  const flows = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'flows-caption' });
  const flowSummary = h('p', { class: 'lead' });
  fill(view,
    h('h1', {}, t('picture.title')),
    h('p', { class: 'lead' }, t('picture.intro')),
    h('div', { class: 'card toolbar' },
      h('div', { class: 'field inline' }, h('label', { for: 'occupation-level' }, t('picture.level')), levelSelect),
      h('div', { class: 'field inline' }, h('label', { for: 'csv-table' }, t('picture.csv_table')), csvTable, download)),
    h('p', { id: 'picture-as-of', class: 'meta' }),
    h('div', { class: 'map-layout' },
      h('section', { 'aria-labelledby': 'map-heading', class: 'card' },
        mapHeading,
        h('p', { class: 'hint' }, t('picture.map_hint')),
        h('div', { class: 'field inline' }, h('label', { for: 'map-level' }, t('picture.map_level')), mapLevel),
        mapBox,
        h('p', { id: 'map-attribution', class: 'meta' }, t('picture.attribution')),
        municipalityFigures,
        h('h3', {}, t('legend.title')),
        legend),
      mismatch),
    h('section', { 'aria-labelledby': 'heatmap-heading' },
      h('h2', { id: 'heatmap-heading' }, t('picture.heatmap')), heat),
    h('section', { 'aria-labelledby': 'flows-heading' },
      h('h2', { id: 'flows-heading' }, t('picture.flows')), flowSummary, flows,
      h('p', {}, h('a', { href: '#/effectiveness' }, t('picture.to_hires')), ' · ',
        h('a', { href: '#/trend' }, t('picture.to_trend')))));

  download.addEventListener('click', () => downloadCsv().catch((e) => showError(problemMessage(e))));
  async function downloadCsv() {
    const table = csvTable.value;
    const response = await withProgress(t('progress.csv'), () => api(`/v1/picture.csv${query({
      table, occupation_level: level, lang: lang(), potential: table === 'flows' ? 'true' : '',
    })}`, { raw: true, accept: 'text/csv' }));
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: `kohtaanto-${table}.csv`, class: 'sr-only' }, 'csv');
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    showStatus(t('picture.downloaded', { file: `kohtaanto-${table}.csv` }));
  }

  const [svg, p] = await withProgress(t('progress.picture'), () => Promise.all([
    mapElement('region'),
    api(`/v1/picture${query({ by: 'region', occupation_level: level, potential: 'true', lang: lang() })}`),
  ]));
  view.querySelector('#picture-as-of').textContent = t('picture.as_of', {
    when: new Date(`${p.as_of}Z`).toLocaleString(lang()),
  }) + (p.disclosure_control ? ` ${t('picture.disclosure')}` : '');

  // Map: colour each area, name it in the UI language, say its figures;
  // the municipalities' picture is fetched when first asked for.
  colourMap(svg, p, 'region', g);
  fill(mapBox, svg);
  const pictures = new Map([['region', p]]);
  let shown = 0;
  async function showMap(mapAt) {
    const request = ++shown;
    const [levelSvg, levelPicture] = await withProgress(t('progress.picture'), () => Promise.all([
      mapElement(mapAt),
      pictures.get(mapAt) || api(`/v1/picture${query({ by: mapAt, occupation_level: level, lang: lang() })}`),
    ]));
    pictures.set(mapAt, levelPicture);
    if (request !== shown) return;
    colourMap(levelSvg, levelPicture, mapAt, g);
    mapHeading.textContent = t(mapAt === 'region' ? 'picture.map' : 'picture.map_municipality');
    fill(mapBox, levelSvg);
    fill(municipalityFigures, mapAt === 'municipality' ? municipalityTable(levelPicture, g) : []);
  }
  mapLevel.addEventListener('change', () => showMap(mapLevel.value).catch((e) => showError(problemMessage(e))));
  fill(legend, legendItems().map(([cls, text]) => h('li', {},
    h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text)));

  // Mismatch.
  const m = p.mismatch || {};
  fill(mismatch,
    h('h2', { id: 'mismatch-title' }, t('picture.mismatch')),
    h('p', { class: 'hint' }, t('picture.mismatch_hint')),
    h('dl', { class: 'facts big' },
      h('dt', {}, t('mismatch.areas')), h('dd', {}, num(m.across_areas, lang(), 3)),
      h('dt', {}, t('mismatch.groups')), h('dd', {}, num(m.across_groups, lang(), 3)),
      h('dt', {}, t('mismatch.cells')), h('dd', {}, num(m.across_cells, lang(), 3))),
    h('dl', { class: 'facts' },
      h('dt', {}, t('picture.total_positions')), h('dd', {}, num(p.total.open_positions, lang())),
      h('dt', {}, t('picture.total_jobseekers')), h('dd', {}, num(p.total.active_jobseekers, lang())),
      h('dt', {}, t('picture.total_tightness')), h('dd', {}, num(p.total.tightness, lang(), 3))));

  // Heatmap: regions × occupation groups, a number in every cell.
  const groups = p.groups.map((r) => r.group || r.area).filter(Boolean);
  const cells = new Map(p.cells.map((c) => [`${c.area.code}|${c.group?.code}`, c]));
  fill(heat, h('table', { id: 'heatmap', class: 'data heatmap' },
    h('caption', { id: 'heatmap-caption' }, t('picture.heatmap_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('picture.region')),
      h('th', { scope: 'col' }, t('picture.all_groups')),
      groups.map((gr) => h('th', { scope: 'col', title: gr.name }, h('span', { class: 'code' }, gr.code), ' ', gr.name)))),
    h('tbody', {}, p.areas.filter((r) => !['abroad', 'unknown'].includes(r.area.code)).map((r) => h('tr', {},
      h('th', { scope: 'row' }, placeName(g.region.get(r.area.code), lang()) || r.area.name),
      tightnessCell(r),
      groups.map((gr) => tightnessCell(cells.get(`${r.area.code}|${gr.code}`))))))));

  // Cross-region potential: origin (jobseekers) rows × destination (positions) columns.
  const potential = p.potential;
  if (!potential) {
    fill(flows, h('p', { class: 'muted' }, t('picture.no_potential')));
    return;
  }
  fill(flowSummary, t('picture.flow_summary', {
    considered: num(potential.positions_considered, lang()),
    local: num(potential.positions_matched_locally, lang()),
    elsewhere: num(potential.positions_matched_only_elsewhere, lang()),
    min: num(potential.min_score, lang(), 2),
  }));
  const flowMap = new Map(potential.flows.map((f) => [`${f.from.code}|${f.to.code}`, f]));
  const regionCodes = g.regions.map((r) => r.code);
  const origins = [...regionCodes];
  if (potential.flows.some((f) => f.from.code === 'abroad')) origins.push('abroad');
  const flowCell = (from, to) => {
    const f = flowMap.get(`${from}|${to}`);
    if (!f) return h('td', { class: from === to ? 'diagonal' : null }, '0');
    if (f.suppressed) return h('td', {}, h('abbr', { title: t('picture.withheld') }, '…'));
    return h('td', { class: from === to ? 'diagonal' : 'flow' }, num(f.open_positions, lang()));
  };
  const short = (code) => (code === 'abroad' ? t('candidate.abroad') : placeName(g.region.get(code), lang()) || code);
  fill(flows, h('table', { id: 'flows', class: 'data flows' },
    h('caption', { id: 'flows-caption' }, t('picture.flows_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('picture.from_to')),
      regionCodes.map((c) => h('th', { scope: 'col' }, h('abbr', { title: short(c) }, c))))),
    h('tbody', {}, origins.map((from) => h('tr', {},
      h('th', { scope: 'row' }, `${from === 'abroad' ? '' : `${from} `}${short(from)}`),
      regionCodes.map((to) => flowCell(from, to)))))));
}

// What several pages share: form fields, vocabularies named in the UI
// language, the municipality, occupation and skill typeahead searches, a
// match explained (skills, distance, feature contributions, the
// cross-regional flag), and a field's error shown beside it.

import { api, query, geography, placeName } from './api.js';
import { h, num, showError } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';

export const SCOPES = ['nationwide', 'mobility', 'region', 'commute'];

export function field(id, labelKey, control, hintKey) {
  const hintId = hintKey ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: id }, t(labelKey)),
    hintKey ? h('p', { class: 'hint', id: hintId }, t(hintKey)) : null,
    control);
}

export function select(id, options, value) {
  return h('select', { id, name: id },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

export function municipalityLabel(g, code) {
  const m = g.municipality.get(code);
  if (!m) return code || '';
  const r = g.region.get(m.region_code);
  return r ? `${placeName(m, lang())} (${placeName(r, lang())})` : placeName(m, lang());
}

/** Municipality typeahead over GET /v1/places (municipalities only). */
export async function searchMunicipalities(text) {
  const g = await geography();
  const found = await api(`/v1/places${query({ q: text, limit: 20 })}`);
  return found.items.filter((p) => p.kind === 'municipality').slice(0, 10).map((p) => ({
    value: p.code,
    label: placeName(g.municipality.get(p.code) || p, lang()),
    hint: placeName(g.region.get(p.region_code), lang()),
  }));
}

export function vocabulary(kind, value) {
  return value ? t(`${kind}.${value}`) : '–';
}

/** A share (0–1) as a percentage in the UI language. */
export function percent(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString(lang(), { style: 'percent', maximumFractionDigits: 0 });
}

/** A jobseeker's status (the office's list filters by it, the form sets it). */
export const PROFILE_STATUSES = ['active', 'inactive', 'placed'];

/** The name of a language or country code in the UI language (the browser knows them). */
export function displayName(type, code) {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([lang()], { type }).of(code) || code;
  } catch {
    return code;
  }
}

/** ESCO occupations by URI, named in the UI language: Map uri → label. */
export async function occupationNames(uris) {
  const unique = [...new Set(uris.filter(Boolean))];
  const found = await Promise.all(unique.map((uri) =>
    api(`/v1/taxonomy/occupations${query({ uri, lang: lang() })}`)
      .then((r) => r.items[0]?.label || null).catch(() => null)));
  return new Map(unique.map((uri, i) => [uri, found[i] || uri.split('/').pop()]));
}

export function searchOccupations(text) {
  return api(`/v1/taxonomy/occupations${query({ q: text, lang: lang(), limit: 8 })}`)
    .then((found) => found.items.map((o) => ({ value: o.uri, label: o.label, hint: `ISCO ${o.isco_code}` })));
}

export function searchSkills(text) {
  return api(`/v1/taxonomy/skills${query({ q: text, lang: lang(), limit: 10 })}`)
    .then((found) => found.items.map((s) => ({ value: s.uri, label: s.label })));
}

// ---------------------------------------------------------------- a match explained

export function skillList(cls, labelKey, skills) {
  return h('div', { class: `skills ${cls}` },
    h('h4', {}, t(labelKey)),
    skills && skills.length
      ? h('ul', { class: 'chips' }, skills.map((s) => h('li', {}, s)))
      : h('p', { class: 'muted' }, t('candidate.none')));
}

export function contributions(features) {
  return h('table', { class: 'contributions' },
    h('caption', {}, t('candidate.contributions')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('candidate.feature')),
      h('th', { scope: 'col' }, t('candidate.value')),
      h('th', { scope: 'col' }, t('candidate.weight')),
      h('th', { scope: 'col' }, t('candidate.contribution')),
      h('th', { scope: 'col' }, t('candidate.reason')))),
    h('tbody', {}, (features || []).map((f) => h('tr', {},
      h('th', { scope: 'row' }, t(`feature.${f.feature}`)),
      h('td', {}, num(f.value, lang(), 2)),
      h('td', {}, num(f.weight, lang(), 2)),
      h('td', {}, h('meter', { min: '0', max: '1', value: String(f.value), 'aria-hidden': 'true' }),
        ' ', num(f.contribution, lang(), 3)),
      h('td', {}, f.reason)))));
}

export function distanceText(m) {
  if (!m) return '–';
  const parts = [];
  parts.push(m.distance_km === null || m.distance_km === undefined
    ? t('candidate.distance_unknown')
    : t('candidate.distance_km', { km: num(m.distance_km, lang()) }));
  if (m.within_commute) parts.push(t('candidate.within_commute'));
  if (m.willing_to_relocate) parts.push(t('candidate.relocate'));
  if (m.remote) parts.push(t('candidate.remote'));
  return parts.join(' · ');
}

export function crossRegional(c, g) {
  if (!c || !c.flagged) return null;
  return h('p', { class: 'cross-regional badge-strong' },
    t('candidate.cross_regional', {
      group: c.occupation_group,
      to: placeName(g.region.get(c.vacancy_region), lang()) || c.vacancy_region,
      from: placeName(g.region.get(c.jobseeker_region), lang()) || c.jobseeker_region || t('candidate.abroad'),
    }));
}

// ---------------------------------------------------------------- field errors

/** Where a field's error goes: after its typeahead wrapper, or inside a fieldset after the legend. */
function errorAnchor(el) {
  if (el.tagName === 'FIELDSET') return el.querySelector('legend') || el.firstChild;
  return el.closest('.typeahead') || el;
}

/**
 * Show `message` next to `el` (an input, select, textarea or fieldset):
 * aria-invalid, and aria-describedby extended with the error's id.
 */
export function markInvalid(el, message) {
  const id = `${el.id}-error`;
  let p = document.getElementById(id);
  if (!p) {
    p = h('p', { class: 'field-error', id });
    errorAnchor(el).after(p);
  }
  p.textContent = message;
  el.setAttribute('aria-invalid', 'true');
  if (el.dataset.describedby === undefined) el.dataset.describedby = el.getAttribute('aria-describedby') || '';
  el.setAttribute('aria-describedby', [el.dataset.describedby, id].filter(Boolean).join(' '));
}

export function clearInvalid(root) {
  for (const p of root.querySelectorAll('.field-error')) p.remove();
  for (const el of root.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    if (el.dataset.describedby !== undefined) {
      if (el.dataset.describedby) el.setAttribute('aria-describedby', el.dataset.describedby);
      else el.removeAttribute('aria-describedby');
      delete el.dataset.describedby;
    }
  }
}

/** The element to focus for an invalid field (a fieldset's first control). */
export function focusTarget(el) {
  return el.tagName === 'FIELDSET' ? (el.querySelector('input, select, button') || el) : el;
}

/**
 * Show the form's own findings ([element, message] in the order of the
 * form) beside their fields and focus the first; false when there are none.
 */
export function showProblems(found) {
  if (!found.length) return false;
  for (const [el, message] of found) markInvalid(el, message);
  showError(t('pform.errors', { n: found.length }));
  focusTarget(found[0][0]).focus();
  return true;
}

/**
 * Show a refused save: the message in #error and, when the 422 names a
 * field `controlFor` knows, beside that field (focused).
 */
export function showServerProblem(err, controlFor) {
  // The detail names the field first ("available_from: ..."); beside the
  // field itself that name is noise.
  const detail = err.field && err.detail.startsWith(`${err.field}: `)
    ? err.detail.slice(err.field.length + 2) : err.detail;
  const message = [problemMessage(err), detail].filter(Boolean).join(' ');
  const el = err.field ? controlFor(err.field) : null;
  showError(message);
  if (el) {
    markInvalid(el, message);
    focusTarget(el).focus();
  }
}

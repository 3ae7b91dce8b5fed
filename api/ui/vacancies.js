// The vacancy pages: the search (free text, region, municipality, facets),
// a vacancy with its ranked candidates, introductions, the anonymous
// summary for its employer and the occupation review, an organization's
// own vacancies, and the form that posts and edits one.

import { api, ApiProblem, query, geography, placeName } from './api.js';
import { h, fill, showError, showStatus, withProgress, num } from './dom.js';
import { has, lang, t, problemMessage } from './i18n.js';
import { typeahead } from './typeahead.js';
import { outcomeControl } from './outcomes.js';
import {
  SCOPES, field, select, municipalityLabel, searchMunicipalities, vocabulary, percent,
  skillList, contributions, distanceText, crossRegional,
} from './common.js';

function regionOptions(g, allKey) {
  return [['', t(allKey)], ...g.regions.map((r) => [r.code, placeName(r, lang())])];
}

/** The ESCO occupation of a vacancy, named in the UI language. */
async function occupationOf(v) {
  if (!v.occupation_uri) return null;
  try {
    const found = await api(`/v1/taxonomy/occupations${query({ uri: v.occupation_uri, lang: lang() })}`);
    return found.items[0] || null;
  } catch {
    return null;
  }
}

/** Whether the occupation coder left a vacancy's occupation for review. */
function needsReview(v) {
  return v.coding?.status === 'needs_review';
}

// ---------------------------------------------------------------- search

export async function searchPage(view, _params, ctx, params) {
  if (ctx.session.role === 'admin') {
    fill(view, h('h1', {}, t('admin.title')), h('p', { class: 'lead' }, t('admin.note')));
    return;
  }
  const g = await geography();
  const q = h('input', { id: 'q', name: 'q', type: 'search', value: params.get('q') || '' });
  const region = select('region', regionOptions(g, 'search.all_regions'), params.get('region') || '');
  let municipality = params.get('municipality') || '';
  const muni = h('input', { id: 'municipality', name: 'municipality', type: 'text',
    value: municipality ? municipalityLabel(g, municipality) : '' });
  const workTime = select('work-time', [['', t('search.any')], ['full_time', t('work_time.full_time')],
    ['part_time', t('work_time.part_time')]], params.get('work_time') || '');
  const remote = select('remote', [['', t('search.any')], ['none', t('remote.none')],
    ['hybrid', t('remote.hybrid')], ['full', t('remote.full')]], params.get('remote') || '');
  const form = h('form', { id: 'search-form', role: 'search', class: 'card filters' },
    field('q', 'search.q', q, 'search.q_hint'),
    h('div', { class: 'row' },
      field('region', 'search.region', region),
      field('municipality', 'search.municipality', muni, 'search.municipality_hint'),
      field('work-time', 'search.work_time', workTime),
      field('remote', 'search.remote', remote)),
    h('button', { type: 'submit' }, t('search.submit')));
  const facets = h('aside', { id: 'facets', class: 'facets', 'aria-labelledby': 'facets-title' });
  const results = h('ul', { id: 'results', class: 'results' });
  const summary = h('p', { id: 'results-summary', class: 'summary', 'aria-live': 'polite' });
  const more = h('div', { class: 'more' });
  fill(view, h('h1', {}, t('search.title')), form,
    h('div', { class: 'with-aside' },
      h('section', { 'aria-labelledby': 'results-title' },
        h('h2', { id: 'results-title' }, t('search.results')), summary, results, more),
      facets));

  const ta = typeahead(muni, {
    search: searchMunicipalities,
    onSelect: (o) => { municipality = o.value; },
  });
  muni.addEventListener('input', () => { if (!muni.value.trim()) municipality = ''; });
  void ta;

  const current = () => ({
    q: q.value.trim(), region: region.value, municipality,
    occupation: params.get('occupation') || '',
    work_time: workTime.value, remote: remote.value,
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!muni.value.trim()) municipality = '';
    ctx.go(`#/search${query(current())}`);
  });

  const filters = {
    q: params.get('q') || '', region: params.get('region') || '',
    municipality: params.get('municipality') || '',
    occupation: params.get('occupation') || '',
    work_time: params.get('work_time') || '', remote: params.get('remote') || '',
  };
  async function load(cursor) {
    const page = await withProgress(t('progress.search'),
      () => api(`/v1/vacancies${query({ ...filters, limit: 20, cursor })}`));
    if (!cursor) results.replaceChildren();
    for (const v of page.items.filter(Boolean)) {
      results.append(h('li', { class: 'result' },
        h('a', { href: `#/vacancies/${v.id}` }, v.title),
        h('p', { class: 'meta' },
          [municipalityLabel(g, v.municipality_code), vocabulary('work_time', v.work_time),
            v.remote !== 'none' ? vocabulary('remote', v.remote) : null,
            v.employer_name].filter(Boolean).join(' · '),
          v.visibility !== 'public'
            ? h('span', { class: 'badge' }, vocabulary('visibility', v.visibility)) : null)));
    }
    summary.textContent = t('search.count', { n: num(page.total, lang()), shown: results.children.length });
    fill(more, page.next_cursor
      ? h('button', { type: 'button', class: 'secondary', onclick: () => load(page.next_cursor).catch((e) => showError(problemMessage(e))) }, t('search.more'))
      : null);
    if (!cursor) renderFacets(page.facets);
  }

  function facetList(titleKey, entries, param, label) {
    if (!entries.length) return null;
    return h('div', { class: 'facet' }, h('h3', {}, t(titleKey)),
      h('ul', {}, entries.map(([code, n]) => h('li', {},
        h('a', { href: `#/search${query({ ...filters, [param]: code, cursor: '' })}`,
          'aria-current': filters[param] === code ? 'true' : null },
          label(code), ' ', h('span', { class: 'count' }, `(${num(n, lang())})`))))));
  }

  function renderFacets(f) {
    const sorted = (m) => Object.entries(m || {}).sort((a, b) => b[1] - a[1]);
    fill(facets, h('h2', { id: 'facets-title' }, t('search.facets')),
      facetList('search.region', sorted(f.region), 'region', (c) => placeName(g.region.get(c), lang()) || c),
      facetList('search.occupation_group', sorted(f.occupation_group), 'occupation',
        (c) => (has(`isco.${c}`) ? t(`isco.${c}`) : c)),
      filters.occupation ? h('p', {}, h('a', { href: `#/search${query({ ...filters, occupation: '' })}` },
        t('search.clear_occupation'))) : null,
      facetList('search.work_time', sorted(f.work_time), 'work_time', (c) => vocabulary('work_time', c)),
      facetList('search.remote', sorted(f.remote), 'remote', (c) => vocabulary('remote', c)));
  }

  await load();
}

// ---------------------------------------------------------------- vacancy

function candidateItem(r, rank, vacancyId, requestId, g, canIntroduce, onIntroduced) {
  const s = r.score || {};
  const name = r.pseudonym || t('candidate.profile', { id: r.id });
  const button = canIntroduce
    ? h('button', { type: 'button', class: 'introduce secondary' }, t('candidate.introduce'))
    : null;
  if (button) {
    button.setAttribute('aria-label', t('candidate.introduce_who', { name }));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await withProgress(t('progress.introduce'),
          () => api(`/v1/vacancies/${vacancyId}/introductions`,
            { method: 'POST', body: { profile_id: r.id, request_id: requestId } }));
        showStatus(t('candidate.introduced', { name }));
        button.textContent = t('candidate.introduced_short');
        if (onIntroduced) onIntroduced();
      } catch (e) {
        button.disabled = false;
        showError(problemMessage(e));
      }
    });
  }
  return h('li', { class: 'candidate card' },
    h('div', { class: 'candidate-head' },
      h('h3', {}, h('span', { class: 'rank' }, `${rank}. `),
        h('a', { href: `#/profiles/${r.id}` }, name)),
      h('p', { class: 'score' }, t('candidate.score'), ' ', h('strong', {}, num(s.total, lang(), 3)))),
    crossRegional(r.cross_regional, g),
    h('p', { class: 'distance' }, h('span', { class: 'label' }, `${t('candidate.distance')}: `),
      distanceText(s.mobility), s.mobility?.reason ? ` – ${s.mobility.reason}` : ''),
    h('div', { class: 'skill-columns' },
      skillList('matched-skills', 'candidate.matched', s.matched_skills),
      s.partial_skills && s.partial_skills.length
        ? skillList('partial-skills', 'candidate.partial', s.partial_skills) : null,
      skillList('missing-skills', 'candidate.missing', s.missing_essential_skills)),
    h('details', { class: 'contributions-wrap' },
      h('summary', {}, t('candidate.why')),
      contributions(s.features)),
    button);
}

function introductionsList(items) {
  return h('ul', { id: 'introductions', class: 'plain' }, items.length
    ? items.map((i) => h('li', { class: 'card', dataset: { profile: String(i.introduction.profile_id) } },
      h('h3', {}, i.profile.pseudonym || '–'),
      h('p', { class: 'meta' }, t('introductions.at', { when: new Date(`${i.introduced_at}Z`).toLocaleString(lang()) })),
      h('p', {}, `${t('profile.skills')}: `, (i.profile.skills || []).map((s) => s.label).join(', ') || '–'),
      h('p', {}, `${t('profile.work_history')}: `,
        (i.profile.work_history || []).map((w) => `${w.title} (${num(w.years, lang(), 1)} ${t('profile.years')})`).join(', ') || '–'),
      outcomeControl(i.introduction)))
    : h('li', { class: 'muted' }, t('introductions.none')));
}

/** A suggestion's occupation name in the UI language (else English). */
function suggestionLabel(s) {
  return s[`label_${lang()}`] || s.label_en;
}

/**
 * The notice for a vacancy whose occupation the coder left for review, with
 * its suggestions; the owner may take one (PATCH with the current version).
 */
function codingReview(v, owner, ctx) {
  const suggestions = v.coding.suggestions || [];
  const buttons = [];
  async function use(s, label) {
    for (const b of buttons) b.disabled = true;
    try {
      await withProgress(t('progress.save'), () => api(`/v1/vacancies/${v.id}`, {
        method: 'PATCH', body: { occupation_uri: s.uri, isco_code: s.isco_code, version: v.version },
      }));
      ctx.flash(t('coding.chosen', { label }));
      await ctx.rerender();
      document.getElementById('vacancy-title')?.focus();
    } catch (e) {
      for (const b of buttons) b.disabled = false;
      showError(problemMessage(e));
    }
  }
  return h('section', { id: 'coding-review', class: 'card coding-review', 'aria-labelledby': 'coding-title' },
    h('h2', { id: 'coding-title' }, t('coding.review_title')),
    h('p', {}, t('coding.review_text')),
    owner ? h('p', { class: 'hint' }, t('coding.review_owner')) : null,
    suggestions.length
      ? h('ul', { id: 'coding-suggestions', class: 'suggestions', 'aria-label': t('coding.suggestions') },
        suggestions.map((s) => {
          const label = suggestionLabel(s);
          let button = null;
          if (owner) {
            button = h('button', { type: 'button', class: 'secondary', 'aria-label': t('coding.use_which', { label }),
              onclick: () => use(s, label) }, t('coding.use'));
            buttons.push(button);
          }
          return h('li', {},
            h('span', { class: 'suggestion-label' }, label),
            h('span', { class: 'meta' }, [s.isco_code ? `ISCO ${s.isco_code}` : null,
              t('coding.confidence', { pct: percent(s.confidence) })].filter(Boolean).join(' · ')),
            button);
        }))
      : h('p', { class: 'muted' }, t('coding.no_suggestions')));
}

export async function vacancyPage(view, [id], ctx, params) {
  const g = await geography();
  const role = ctx.session.role;
  const v = await withProgress(t('progress.load'), () => api(`/v1/vacancies/${id}`));
  if (!v) throw new ApiProblem(500, 'unreadable', 'the vacancy could not be read');
  const owner = ctx.session.organization && v.owner_org === ctx.session.organization.id;
  const occupation = await occupationOf(v);
  const isco = occupation?.isco_code || v.isco_code;
  const essential = (v.skills || []).filter((s) => s.importance === 'essential').map((s) => s.skill.label);
  const nice = (v.skills || []).filter((s) => s.importance !== 'essential').map((s) => s.skill.label);
  const facts = [
    ['vacancy.place', municipalityLabel(g, v.municipality_code) || '–'],
    ['vacancy.occupation', [[occupation?.label, isco ? `ISCO ${isco}` : null].filter(Boolean).join(' · ') || '–',
      v.coding?.status === 'coded'
        ? [' ', h('span', { id: 'coding-auto', class: 'coding-auto' }, t('coding.auto', { pct: percent(v.coding.confidence) }))]
        : null,
      needsReview(v) ? h('span', { class: 'badge badge-review' }, t('coding.badge')) : null]],
    ['vacancy.work_time', vocabulary('work_time', v.work_time)],
    ['vacancy.remote', vocabulary('remote', v.remote)],
    ['vacancy.positions', num(v.positions, lang())],
    ['vacancy.visibility', vocabulary('visibility', v.visibility)],
    ['vacancy.status', vocabulary('status', v.status)],
  ];
  fill(view,
    h('p', { class: 'breadcrumb' }, h('a', { href: role === 'adviser' ? '#/search' : '#/my-vacancies' },
      t(role === 'adviser' ? 'nav.search' : 'nav.my_vacancies'))),
    h('h1', { id: 'vacancy-title' }, v.title),
    v.employer_name ? h('p', { class: 'lead' }, v.employer_name) : null,
    owner ? h('p', {}, h('a', { id: 'edit-vacancy', class: 'button-link', href: `#/vacancies/${v.id}/edit` }, t('vacancy.edit'))) : null,
    needsReview(v) ? codingReview(v, owner, ctx) : null,
    h('section', { class: 'card', 'aria-labelledby': 'facts-title' },
      h('h2', { id: 'facts-title', class: 'sr-only' }, t('vacancy.details')),
      h('dl', { class: 'facts' }, facts.map(([k, val]) => [h('dt', {}, t(k)), h('dd', {}, val)])),
      skillList('essential', 'vacancy.essential', essential),
      nice.length ? skillList('nice', 'vacancy.nice', nice) : null,
      v.description ? h('div', { class: 'description' }, h('h3', {}, t('vacancy.description')),
        v.description.split(/\n+/).map((p) => h('p', {}, p))) : null));

  let introductions = null;
  async function loadIntroductions() {
    if (!introductions) return;
    try {
      const intros = await api(`/v1/vacancies/${id}/introductions`);
      fill(introductions, h('h2', { id: 'introductions-title' }, t('introductions.title')),
        introductionsList(intros.items));
    } catch (e) {
      fill(introductions, h('h2', { id: 'introductions-title' }, t('introductions.title')),
        h('p', { class: 'muted' }, problemMessage(e)));
    }
  }

  if (role === 'adviser' || (role === 'recruiter' && owner)) {
    const scope = params.get('scope') || 'nationwide';
    const scopeSelect = select('scope', SCOPES.map((s) => [s, t(`scope.${s}`)]), scope);
    scopeSelect.addEventListener('change', () => ctx.go(`#/vacancies/${id}?scope=${scopeSelect.value}`));
    const list = h('ul', { id: 'candidates', class: 'plain', 'aria-busy': 'true' });
    const section = h('section', { 'aria-labelledby': 'candidates-title' },
      h('h2', { id: 'candidates-title' }, t('vacancy.candidates')),
      h('div', { class: 'field inline' }, h('label', { for: 'scope' }, t('vacancy.scope')), scopeSelect),
      list);
    view.append(section);
    const result = await withProgress(t('progress.match'),
      () => api(`/v1/vacancies/${id}/candidates${query({ scope, limit: 20, lang: lang() })}`));
    list.setAttribute('aria-busy', 'false');
    fill(list, result.results.length
      ? result.results.map((r, i) => candidateItem(r, i + 1, v.id, result.request_id, g, role === 'adviser',
        () => loadIntroductions()))
      : h('li', { class: 'muted' }, t('vacancy.no_candidates')));
    section.append(h('p', { class: 'meta' }, t('vacancy.reproducible', { id: result.request_id })));
  }
  if (role === 'employer' && owner) {
    const summary = h('section', { id: 'match-summary', class: 'card', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title' }, t('summary.title')));
    view.append(summary);
    const result = await withProgress(t('progress.match'),
      () => api(`/v1/vacancies/${id}/candidates${query({ limit: 50, lang: lang() })}`));
    const good = result.results.filter((r) => r.total >= 0.5).length;
    summary.append(
      h('p', { class: 'lead' }, t('summary.count', { n: result.candidates, good })),
      h('p', { class: 'hint' }, t('summary.anonymous')),
      result.results.length ? h('table', { class: 'data' },
        h('caption', { class: 'sr-only' }, t('summary.title')),
        h('thead', {}, h('tr', {}, ['summary.rank', 'summary.score', 'candidate.matched', 'candidate.missing', 'summary.geography']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, result.results.map((r) => h('tr', {},
          h('th', { scope: 'row' }, String(r.rank)),
          h('td', {}, num(r.total, lang(), 2)),
          h('td', {}, (r.matched_skills || []).join(', ') || '–'),
          h('td', {}, (r.missing_essential_skills || []).join(', ') || '–'),
          h('td', {}, [r.within_commute ? t('candidate.within_commute') : null,
            r.willing_to_relocate ? t('candidate.relocate') : null,
            r.cross_regional ? t('summary.cross_regional') : null].filter(Boolean).join(', ') || '–'))))) : '');
  }
  if (role === 'adviser' || (role === 'employer' && owner)) {
    introductions = h('section', { 'aria-labelledby': 'introductions-title' });
    view.append(introductions);
    await loadIntroductions();
  }
}

// ---------------------------------------------------------------- own vacancies

export async function myVacanciesPage(view) {
  const g = await geography();
  const found = await withProgress(t('progress.load'), () => api('/v1/me/vacancies'));
  fill(view, h('h1', {}, t('my.title')),
    h('p', {}, h('a', { href: '#/vacancies/new', class: 'button-link' }, t('nav.new_vacancy'))),
    h('ul', { id: 'my-vacancies', class: 'results' }, found.items.some(Boolean)
      ? found.items.filter(Boolean).map((v) => h('li', { class: 'vacancy' },
        h('a', { href: `#/vacancies/${v.id}` }, v.title),
        needsReview(v) ? h('span', { class: 'badge badge-review' }, t('coding.badge')) : null,
        h('p', { class: 'meta' }, [municipalityLabel(g, v.municipality_code), vocabulary('visibility', v.visibility),
          vocabulary('status', v.status)].filter(Boolean).join(' · '))))
      : h('li', { class: 'muted' }, t('my.none'))));
}

// ---------------------------------------------------------------- vacancy form

export async function vacancyFormPage(view, [id], ctx) {
  const g = await geography();
  const editing = Boolean(id);
  const current = editing ? await withProgress(t('progress.load'), () => api(`/v1/vacancies/${id}`)) : null;
  if (editing && !current) throw new ApiProblem(500, 'unreadable', 'the vacancy could not be read');
  const occupationNow = current ? await occupationOf(current) : null;
  let agencies = [];
  try {
    agencies = (await api('/v1/agencies')).items;
  } catch {
    agencies = [];
  }
  const state = {
    occupation: current?.occupation_uri || null,
    municipality: current?.municipality_code || null,
    skills: (current?.skills || []).map((s) => ({ uri: s.skill.uri, label: s.skill.label, essential: s.importance === 'essential' })),
  };
  const title = h('input', { id: 'title', name: 'title', type: 'text', required: true, 'aria-required': 'true', value: current?.title || '' });
  const description = h('textarea', { id: 'description', name: 'description', rows: '6' });
  description.value = current?.description || '';
  const occupation = h('input', { id: 'occupation', name: 'occupation', type: 'text',
    value: occupationNow?.label || (current?.isco_code ? `ISCO ${current.isco_code}` : '') });
  const skills = h('input', { id: 'skills', name: 'skills', type: 'text' });
  const chips = h('ul', { id: 'skill-chips', class: 'chips removable', 'aria-label': t('form.selected_skills') });
  const municipality = h('input', { id: 'municipality-input', name: 'municipality', type: 'text',
    value: current?.municipality_code ? municipalityLabel(g, current.municipality_code) : '' });
  const visibility = select('visibility', ['public', 'hidden', 'shared'].map((v) => [v, t(`visibility.${v}`)]), current?.visibility || 'public');
  const shared = new Set((current?.shared_with || []).map(Number));
  const agencyBox = h('fieldset', { id: 'agencies', class: 'agencies' },
    h('legend', {}, t('form.agencies')),
    agencies.length ? agencies.map((a) => h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: `agency-${a.id}`, name: 'agency', value: String(a.id), checked: shared.has(a.id) }),
      h('label', { for: `agency-${a.id}` }, a.name))) : h('p', { class: 'muted' }, t('form.no_agencies')));
  const positions = h('input', { id: 'positions', name: 'positions', type: 'number', min: '1', max: '1000', value: String(current?.positions || 1) });
  const workTime = select('work-time', ['full_time', 'part_time'].map((v) => [v, t(`work_time.${v}`)]), current?.work_time || 'full_time');
  const remote = select('remote', ['none', 'hybrid', 'full'].map((v) => [v, t(`remote.${v}`)]), current?.remote || 'none');
  const adLanguage = select('ad-language', ['fi', 'sv', 'en'].map((v) => [v, t(`langname.${v}`)]), current?.ad_language || lang());
  const form = h('form', { id: 'vacancy-form', class: 'card', novalidate: true },
    field('title', 'form.title', title),
    field('description', 'form.description', description),
    field('occupation', 'form.occupation', occupation, 'form.occupation_hint'),
    field('skills', 'form.skills', skills, 'form.skills_hint'),
    chips,
    field('municipality-input', 'form.municipality', municipality, 'form.municipality_hint'),
    h('div', { class: 'row' },
      field('positions', 'form.positions', positions),
      field('work-time', 'form.work_time', workTime),
      field('remote', 'form.remote', remote),
      field('ad-language', 'form.ad_language', adLanguage)),
    field('visibility', 'form.visibility', visibility, 'form.visibility_hint'),
    agencyBox,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t(editing ? 'form.save' : 'form.publish')),
      h('a', { href: editing ? `#/vacancies/${id}` : '#/my-vacancies' }, t('form.cancel'))));
  fill(view, h('h1', {}, editing ? t('form.edit_title', { title: current.title }) : t('form.new_title')), form);

  const showAgencies = () => { agencyBox.hidden = visibility.value !== 'shared'; };
  visibility.addEventListener('change', showAgencies);
  showAgencies();

  function renderChips() {
    fill(chips, state.skills.map((s, i) => {
      const box = h('input', { type: 'checkbox', id: `essential-${i}`, checked: s.essential });
      box.addEventListener('change', () => { s.essential = box.checked; });
      return h('li', {},
        h('span', { class: 'chip-label' }, s.label),
        h('span', { class: 'check' }, box, h('label', { for: `essential-${i}` }, t('form.essential'))),
        h('button', { type: 'button', class: 'remove', 'aria-label': t('form.remove_skill', { label: s.label }),
          onclick: () => {
            state.skills.splice(i, 1);
            renderChips();
            showStatus(t('form.skill_removed', { label: s.label }));
            skills.focus();
          } }, '×'));
    }));
  }
  renderChips();

  typeahead(occupation, {
    search: async (text) => (await api(`/v1/taxonomy/occupations${query({ q: text, lang: lang(), limit: 8 })}`))
      .items.map((o) => ({ value: o.uri, label: o.label, hint: `ISCO ${o.isco_code}` })),
    onSelect: (o) => { state.occupation = o.value; },
  });
  occupation.addEventListener('input', () => { if (!occupation.value.trim()) state.occupation = null; });
  typeahead(skills, {
    keepText: false,
    search: async (text) => (await api(`/v1/taxonomy/skills${query({ q: text, lang: lang(), limit: 10 })}`))
      .items.map((s) => ({ value: s.uri, label: s.label })),
    onSelect: (o) => {
      if (!state.skills.some((s) => s.uri === o.value)) {
        state.skills.push({ uri: o.value, label: o.label, essential: true });
        renderChips();
        showStatus(t('form.skill_added', { label: o.label }));
      }
    },
  });
  typeahead(municipality, {
    search: searchMunicipalities,
    onSelect: (o) => { state.municipality = o.value; },
  });
  municipality.addEventListener('input', () => { if (!municipality.value.trim()) state.municipality = null; });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!title.value.trim()) {
      showError(t('form.title_required'));
      title.setAttribute('aria-invalid', 'true');
      title.focus();
      return;
    }
    title.removeAttribute('aria-invalid');
    const sharedWith = [...agencyBox.querySelectorAll('input[name=agency]:checked')].map((c) => Number(c.value));
    if (visibility.value === 'shared' && !sharedWith.length) {
      showError(t('form.agency_required'));
      (agencyBox.querySelector('input') || visibility).focus();
      return;
    }
    const body = {
      title: title.value.trim(),
      description: description.value,
      occupation_uri: state.occupation,
      skills: state.skills.map((s) => ({ skill: { uri: s.uri || null, label: s.label },
        importance: s.essential ? 'essential' : 'nice_to_have' })),
      municipality_code: state.municipality,
      positions: Math.max(1, Number(positions.value) || 1),
      work_time: workTime.value,
      remote: remote.value,
      ad_language: adLanguage.value,
      visibility: visibility.value,
      shared_with: visibility.value === 'shared' ? sharedWith : [],
    };
    if (editing) body.version = current.version;
    try {
      const saved = await withProgress(t('progress.save'), () => api(editing ? `/v1/vacancies/${id}` : '/v1/vacancies', {
        method: editing ? 'PATCH' : 'POST', body,
      }));
      ctx.flash(t('form.saved'));
      ctx.go(`#/vacancies/${saved.id}`);
    } catch (err) {
      showError(problemMessage(err));
    }
  });
}

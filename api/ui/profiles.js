// The office's jobseekers (adviser): the list #/profiles with its counts,
// search and filters, and a profile as the caller's role may see it, with
// its ranked vacancies and, for the managing office, export and erasure.

import { api, attachmentName, query, geography, placeName } from './api.js';
import { h, fill, showError, showStatus, withProgress, num } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';
import { typeahead } from './typeahead.js';
import { outcomeControl } from './outcomes.js';
import {
  SCOPES, PROFILE_STATUSES, field, select, municipalityLabel, searchMunicipalities, searchOccupations,
  occupationNames, displayName, skillList, contributions, distanceText, crossRegional,
} from './common.js';

// ---------------------------------------------------------------- dates, consent, home

const CONSENTS = ['given', 'expired', 'none'];

/** A server date-time ("2026-12-03T10:00:00", UTC, or RFC 3339) as a Date. */
function utcDate(text) {
  if (!text) return null;
  const zoned = /(Z|[+-]\d\d:\d\d)$/.test(text);
  const d = new Date(zoned ? text : `${text}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

function dateText(text) {
  const d = utcDate(text);
  return d ? d.toLocaleDateString(lang(), { timeZone: 'UTC' }) : '–';
}

/** Whether an active profile was last active longer ago than `months` (as the server counts). */
function dueForReview(p, months) {
  if (p.status !== 'active') return false;
  const last = utcDate(p.last_active_at);
  if (!last || !months) return false;
  const limit = new Date();
  limit.setUTCMonth(limit.getUTCMonth() - months);
  return last < limit;
}

/** "given" (and until when), "expired" or "none" for a managed profile. */
function consentState(p) {
  if (!p.consent_agencies) return 'none';
  const until = utcDate(p.consent_expires_at);
  if (until && until <= new Date()) return 'expired';
  return 'given';
}

/** The consent of a managed profile in words, as a badge when it expired. */
function consentBadge(p) {
  const state = consentState(p);
  if (state === 'expired') {
    return h('span', { class: 'badge badge-review consent-expired' },
      t('consent.expired_on', { date: dateText(p.consent_expires_at) }));
  }
  if (state === 'given') {
    return h('span', { class: 'badge consent-given' }, p.consent_expires_at
      ? t('consent.given_until', { date: dateText(p.consent_expires_at) })
      : t('consent.given'));
  }
  return h('span', { class: 'badge consent-none' }, t('consent.none'));
}

function homeText(g, p) {
  if (p.home_municipality_code) return municipalityLabel(g, p.home_municipality_code);
  if (p.abroad_country) return t('profile.abroad_in', { country: displayName('region', p.abroad_country) });
  return '–';
}

// ---------------------------------------------------------------- the office's jobseekers

export async function profilesPage(view, _params, ctx, params) {
  const g = await geography();
  const filters = {
    q: params.get('q') || '',
    occupation: params.get('occupation') || '',
    municipality: params.get('municipality') || '',
    status: params.get('status') || '',
    consent: params.get('consent') || '',
    review: params.get('review') === 'true' ? 'true' : '',
  };
  const chosen = { occupation: filters.occupation, municipality: filters.municipality };
  const occupationLabel = filters.occupation
    ? (await occupationNames([filters.occupation])).get(filters.occupation) : '';
  const q = h('input', { id: 'profiles-q', name: 'q', type: 'search', maxlength: '200', value: filters.q });
  const occupation = h('input', { id: 'profiles-occupation', name: 'occupation', type: 'text', value: occupationLabel });
  const municipality = h('input', { id: 'profiles-municipality', name: 'municipality', type: 'text',
    value: filters.municipality ? municipalityLabel(g, filters.municipality) : '' });
  const status = select('profiles-status', [['', t('search.any')],
    ...PROFILE_STATUSES.map((s) => [s, t(`status.${s}`)])], filters.status);
  const consent = select('profiles-consent', [['', t('search.any')],
    ...CONSENTS.map((c) => [c, t(`consent.filter_${c}`)])], filters.consent);
  const review = h('input', { id: 'profiles-review', name: 'review', type: 'checkbox', checked: filters.review === 'true' });
  const form = h('form', { id: 'profiles-form', role: 'search', class: 'card filters' },
    field('profiles-q', 'profiles.q', q, 'profiles.q_hint'),
    h('div', { class: 'row' },
      field('profiles-occupation', 'profiles.occupation', occupation, 'profiles.occupation_hint'),
      field('profiles-municipality', 'profiles.municipality', municipality, 'search.municipality_hint'),
      field('profiles-status', 'profiles.status', status),
      field('profiles-consent', 'profiles.consent', consent)),
    h('div', { class: 'check' }, review, h('label', { for: 'profiles-review' }, t('profiles.review'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('search.submit')),
      h('a', { href: '#/profiles' }, t('profiles.clear'))));
  const counts = h('section', { id: 'profile-counts', class: 'card counts', 'aria-labelledby': 'counts-title' });
  const summary = h('p', { id: 'profiles-summary', class: 'summary', 'aria-live': 'polite' });
  const list = h('ul', { id: 'profiles', class: 'results' });
  const more = h('div', { class: 'more' });
  fill(view, h('h1', {}, t('profiles.title')),
    h('p', {}, h('a', { id: 'new-profile', href: '#/profiles/new', class: 'button-link' }, t('profiles.new'))),
    counts, form,
    h('section', { 'aria-labelledby': 'profiles-results-title' },
      h('h2', { id: 'profiles-results-title' }, t('profiles.results')), summary, list, more));

  typeahead(occupation, { search: searchOccupations, onSelect: (o) => { chosen.occupation = o.value; } });
  occupation.addEventListener('input', () => { if (!occupation.value.trim()) chosen.occupation = ''; });
  typeahead(municipality, { search: searchMunicipalities, onSelect: (o) => { chosen.municipality = o.value; } });
  municipality.addEventListener('input', () => { if (!municipality.value.trim()) chosen.municipality = ''; });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!occupation.value.trim()) chosen.occupation = '';
    if (!municipality.value.trim()) chosen.municipality = '';
    ctx.go(`#/profiles${query({
      q: q.value.trim(), occupation: chosen.occupation, municipality: chosen.municipality,
      status: status.value, consent: consent.value, review: review.checked ? 'true' : '',
    })}`);
  });

  function renderCounts(c, months) {
    const link = (key, n, extra) => h('li', {},
      h('a', { href: `#/profiles${query(extra)}` }, h('strong', { class: 'count' }, num(n, lang())), ' ', t(key)));
    fill(counts, h('h2', { id: 'counts-title', class: 'sr-only' }, t('profiles.counts')),
      h('ul', { class: 'count-list' },
        link('profiles.count_total', c.total, {}),
        PROFILE_STATUSES.map((s) => link(`status.${s}`, c[s], { status: s })),
        link('consent.filter_given', c.consent_given, { consent: 'given' }),
        link('consent.filter_expired', c.consent_expired, { consent: 'expired' }),
        link('profiles.count_review', c.due_for_review, { review: 'true' })),
      h('p', { class: 'hint' }, t('profiles.retention', { months: num(months, lang()) })));
  }

  function row(p, months) {
    const due = dueForReview(p, months);
    return h('li', { class: 'result profile' },
      h('a', { href: `#/profiles/${p.id}` }, p.contact?.full_name || p.pseudonym),
      ' ', h('span', { class: 'pseudonym' }, p.pseudonym),
      h('p', { class: 'meta' }, [homeText(g, p), t(`status.${p.status}`),
        t('profile.last_active_on', { date: dateText(p.last_active_at) })].join(' · '),
      ' ', consentBadge(p),
      due ? [' ', h('span', { class: 'badge badge-review due-review' }, t('profiles.due_badge'))] : null));
  }

  async function load(cursor) {
    const page = await withProgress(t('progress.load'),
      () => api(`/v1/profiles${query({ ...filters, limit: 20, cursor })}`));
    const months = page.retention_months || 24;
    if (!cursor) {
      list.replaceChildren();
      if (page.counts) renderCounts(page.counts, months);
      else counts.hidden = true;
    }
    for (const p of page.items) list.append(row(p, months));
    if (!list.children.length) list.append(h('li', { class: 'muted' }, t('profiles.none')));
    const shown = list.querySelectorAll('li.profile').length;
    summary.textContent = page.counts
      ? t('profiles.matching', { n: num(page.counts.matching, lang()), shown: num(shown, lang()) })
      : t('profiles.shown', { shown: num(shown, lang()) });
    fill(more, page.next_cursor
      ? h('button', { type: 'button', id: 'profiles-more', class: 'secondary', onclick: async () => {
        const before = shown;
        await load(page.next_cursor).catch((e) => showError(problemMessage(e)));
        // Keep the keyboard where the new rows start.
        list.querySelectorAll('li.profile a')[before]?.focus();
      } }, t('search.more'))
      : null);
  }
  await load();
}

// ---------------------------------------------------------------- profile

/** The actions of the managing office: edit, export, erase (with a confirmation). */
function profileActions(p, ctx, name) {
  const exportButton = h('button', { type: 'button', id: 'export-profile', class: 'secondary' }, t('profile.export'));
  const eraseButton = h('button', { type: 'button', id: 'erase-profile', class: 'danger' }, t('profile.erase'));
  const confirm = h('section', { id: 'erase-confirm', class: 'card confirm', role: 'alertdialog', 'aria-modal': 'false',
    'aria-labelledby': 'erase-confirm-title', 'aria-describedby': 'erase-confirm-text', hidden: true });
  exportButton.addEventListener('click', async () => {
    try {
      const response = await withProgress(t('progress.export'),
        () => api(`/v1/profiles/${p.id}/export`, { raw: true, accept: 'application/json' }));
      const file = attachmentName(response, `profile-${p.pseudonym}.json`);
      const url = URL.createObjectURL(await response.blob());
      const link = h('a', { href: url, download: file, class: 'sr-only' }, file);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      showStatus(t('profile.exported', { file }));
    } catch (e) {
      showError(problemMessage(e));
    }
  });
  const close = () => {
    confirm.hidden = true;
    confirm.replaceChildren();
    eraseButton.focus();
  };
  eraseButton.addEventListener('click', () => {
    const yes = h('button', { type: 'button', id: 'erase-confirm-yes', class: 'danger' }, t('profile.erase_confirm'));
    const no = h('button', { type: 'button', id: 'erase-confirm-no', class: 'secondary', onclick: close }, t('form.cancel'));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await withProgress(t('progress.erase'), () => api(`/v1/profiles/${p.id}`, { method: 'DELETE' }));
        ctx.flash(t('profile.erased', { name }));
        ctx.go('#/profiles');
      } catch (e) {
        yes.disabled = false;
        showError(problemMessage(e));
      }
    });
    fill(confirm, h('h2', { id: 'erase-confirm-title' }, t('profile.erase_title', { name })),
      h('p', { id: 'erase-confirm-text' }, t('profile.erase_text')),
      h('div', { class: 'actions' }, yes, no));
    confirm.hidden = false;
    confirm.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); close(); } });
    no.focus();
  });
  return [h('div', { class: 'actions profile-actions' },
    h('a', { id: 'edit-profile', class: 'button-link', href: `#/profiles/${p.id}/edit` }, t('profile.edit')),
    exportButton, eraseButton), confirm];
}

/**
 * The profile's introductions the office may follow (those of its own
 * jobseekers, those it made) and what became of them.
 */
async function introductionsSection(id) {
  const section = h('section', { id: 'profile-introductions', 'aria-labelledby': 'profile-introductions-title' },
    h('h2', { id: 'profile-introductions-title' }, t('introductions.title')));
  try {
    const found = await api(`/v1/introductions${query({ profile: id, limit: 100 })}`);
    section.append(found.items.length
      ? h('ul', { class: 'plain' }, found.items.map((i) => h('li', { class: 'card', dataset: { vacancy: String(i.vacancy_id) } },
        h('h3', {}, h('a', { href: `#/vacancies/${i.vacancy_id}` }, i.vacancy_title || t('vacancy.number', { id: i.vacancy_id }))),
        h('p', { class: 'meta' }, t('introductions.at', { when: utcDate(i.created_at).toLocaleString(lang()) })),
        outcomeControl(i))))
      : h('p', { class: 'muted' }, t('introductions.none')));
  } catch (e) {
    section.append(h('p', { class: 'muted' }, problemMessage(e)));
  }
  return section;
}

function languagesText(languages) {
  return (languages || []).map((l) => `${displayName('language', l.language)} (${t(`cefr.${l.level}`)})`).join(', ') || '–';
}

export async function profilePage(view, [id], ctx, params) {
  const g = await geography();
  const role = ctx.session.role;
  const p = await withProgress(t('progress.load'), () => api(`/v1/profiles/${id}`));
  const managed = Boolean(p.contact) && p.managing_org === ctx.session.organization?.id;
  const title = (managed && p.contact.full_name) || p.pseudonym || t('candidate.profile', { id });
  const names = await occupationNames([...(p.desired_occupations || [])]);
  const facts = [];
  if (role !== 'employer') {
    facts.push(
      ['profile.pseudonym', p.pseudonym],
      ['profile.home', homeText(g, p)],
      ['profile.commute', p.max_commute_km !== undefined && p.max_commute_km !== null ? t('candidate.distance_km', { km: num(p.max_commute_km, lang()) }) : '–'],
      ['profile.relocation', p.relocation ? [t(`relocation.${p.relocation}`),
        p.relocation === 'regions' ? `: ${(p.relocation_regions || []).map((r) => placeName(g.region.get(r), lang()) || r).join(', ')}` : ''] : '–'],
      ['profile.remote', p.remote_preference ? t(`remote_pref.${p.remote_preference}`) : '–'],
      ['profile.desired', (p.desired_occupations || []).map((u) => names.get(u)).join(', ') || '–'],
      ['profile.status', p.status ? t(`status.${p.status}`) : '–'],
    );
  }
  facts.push(
    ['profile.work_time', p.work_time_preference ? t(`work_time.${p.work_time_preference}`) : '–'],
    ['profile.available', p.available_from ? dateText(p.available_from) : '–'],
    ['profile.education', [p.education_level !== null && p.education_level !== undefined ? t(`isced.${p.education_level}`) : null,
      p.education_field ? t(`edfield.${p.education_field}`) : null].filter(Boolean).join(' · ') || '–'],
    ['profile.languages', languagesText(p.languages)],
    ['profile.licences', (p.licences || []).join(', ') || '–'],
    ['profile.certificates', (p.certificates || []).join(', ') || '–'],
  );
  if (managed) {
    facts.push(['profile.consent', consentBadge(p)], ['profile.last_active', dateText(p.last_active_at)]);
  }
  fill(view,
    role === 'adviser' ? h('p', { class: 'breadcrumb' }, h('a', { href: '#/profiles' }, t('nav.profiles'))) : null,
    h('h1', { id: 'profile-title' }, title),
    managed ? h('p', { class: 'lead' }, t('profile.managed_lead', { pseudonym: p.pseudonym })) : null,
    !managed && role !== 'employer' ? h('p', { id: 'pseudonymous-note', class: 'hint' }, t('profile.pseudonymous')) : null,
    managed ? profileActions(p, ctx, title) : null,
    managed ? h('section', { id: 'contact', class: 'card', 'aria-labelledby': 'contact-title' },
      h('h2', { id: 'contact-title' }, t('pform.contact')),
      h('dl', { class: 'facts' },
        h('dt', {}, t('profile.name')), h('dd', {}, p.contact.full_name || '–'),
        h('dt', {}, t('pform.email')), h('dd', {}, p.contact.email || '–'),
        h('dt', {}, t('pform.phone')), h('dd', {}, p.contact.phone || '–'),
        h('dt', {}, t('pform.notes')), h('dd', { class: 'notes' }, p.contact.notes || '–'))) : null,
    h('section', { class: 'card', 'aria-labelledby': 'profile-facts-title' },
      h('h2', { id: 'profile-facts-title', class: 'sr-only' }, t('profile.details')),
      h('dl', { class: 'facts' }, facts.map(([k, val]) => [h('dt', {}, t(k)), h('dd', {}, val)])),
      skillList('profile-skills', 'profile.skills', (p.skills || []).map((s) => s.label || s.skill?.label)),
      h('h3', {}, t('profile.work_history')),
      (p.work_history || []).length
        ? h('ul', { id: 'work-history' }, p.work_history.map((w) => h('li', {},
          `${w.title} (${num(w.years, lang(), 1)} ${t('profile.years')})`)))
        : h('p', { class: 'muted' }, t('candidate.none'))));
  if (role === 'employer') return;
  if (role === 'adviser') view.append(await introductionsSection(id));
  const scope = params.get('scope') || 'mobility';
  const scopeSelect = select('scope', SCOPES.map((s) => [s, t(`scope.${s}`)]), scope);
  scopeSelect.addEventListener('change', () => ctx.go(`#/profiles/${id}?scope=${scopeSelect.value}`));
  const list = h('ul', { id: 'vacancies', class: 'plain' });
  view.append(h('section', { 'aria-labelledby': 'vacancies-title' },
    h('h2', { id: 'vacancies-title' }, t('profile.vacancies')),
    h('div', { class: 'field inline' }, h('label', { for: 'scope' }, t('vacancy.scope')), scopeSelect),
    list));
  const result = await withProgress(t('progress.match'),
    () => api(`/v1/profiles/${id}/vacancies${query({ scope, limit: 20, lang: lang() })}`));
  const vacancies = await Promise.all(result.results.map((r) =>
    api(`/v1/vacancies/${r.id}`).catch(() => null)));
  const who = p.pseudonym || title;
  fill(list, result.results.length ? result.results.map((r, i) => {
    const v = vacancies[i];
    const s = r.score || {};
    const vacancyTitle = v ? v.title : t('vacancy.number', { id: r.id });
    let button = null;
    if (role === 'adviser') {
      button = h('button', { type: 'button', class: 'introduce secondary',
        'aria-label': t('profile.introduce_to', { name: who, title: vacancyTitle }) }, t('candidate.introduce'));
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await withProgress(t('progress.introduce'),
            () => api(`/v1/vacancies/${r.id}/introductions`, { method: 'POST', body: { profile_id: Number(id) } }));
          showStatus(t('profile.introduced', { name: who, title: vacancyTitle }));
          button.textContent = t('candidate.introduced_short');
        } catch (e) {
          button.disabled = false;
          showError(problemMessage(e));
        }
      });
    }
    return h('li', { class: 'vacancy card', dataset: { vacancy: String(r.id) } },
      h('div', { class: 'candidate-head' },
        h('h3', {}, h('span', { class: 'rank' }, `${i + 1}. `),
          h('a', { href: `#/vacancies/${r.id}` }, vacancyTitle)),
        h('p', { class: 'score' }, t('candidate.score'), ' ', h('strong', {}, num(s.total, lang(), 3)))),
      v ? h('p', { class: 'meta' }, municipalityLabel(g, v.municipality_code)) : null,
      crossRegional(r.cross_regional, g),
      h('p', { class: 'distance' }, h('span', { class: 'label' }, `${t('candidate.distance')}: `),
        distanceText(s.mobility), s.mobility?.reason ? ` – ${s.mobility.reason}` : ''),
      h('div', { class: 'skill-columns' },
        skillList('matched-skills', 'candidate.matched', s.matched_skills),
        skillList('missing-skills', 'candidate.missing', s.missing_essential_skills)),
      h('details', { class: 'contributions-wrap' }, h('summary', {}, t('candidate.why')), contributions(s.features)),
      button);
  }) : h('li', { class: 'muted' }, t('profile.no_vacancies')));
}

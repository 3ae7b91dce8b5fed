// The pages with no room of their own: sign-in, and cohorts (a group of
// the office's jobseekers assigned nationwide to vacancies, with the
// report). Vacancies are in vacancies.js, jobseekers in profiles.js and
// profile-form.js, the labour-market picture in picture.js, employer
// outreach in outreach.js.

import { api, geography, placeName } from './api.js';
import { h, fill, showError, showStatus, withProgress, num } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';
import { field } from './common.js';

// ---------------------------------------------------------------- sign-in

export async function signinPage(view, _params, ctx) {
  const input = h('input', { id: 'token', name: 'token', type: 'password', required: true,
    autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { id: 'signin-form', novalidate: true },
    field('token', 'signin.token', input, 'signin.token_hint'),
    h('button', { type: 'submit' }, t('signin.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const secret = input.value.trim();
    if (!secret) {
      showError(t('signin.empty'));
      input.focus();
      return;
    }
    try {
      await withProgress(t('progress.signin'), () => ctx.signIn(secret));
      ctx.flash(t('signin.done'));
      ctx.go(ctx.home());
    } catch (err) {
      showError(problemMessage(err));
      input.focus();
    }
  });
  fill(view, h('h1', {}, t('signin.title')), h('p', { class: 'lead' }, t('signin.intro')),
    h('section', { class: 'card narrow' }, form));
}

// ---------------------------------------------------------------- cohorts

export async function cohortsPage(view, _params, ctx) {
  const g = await geography();
  const name = h('input', { id: 'cohort-name', name: 'name', type: 'text', required: true });
  const employer = h('input', { id: 'cohort-employer', name: 'employer', type: 'text', required: true });
  const profiles = h('textarea', { id: 'cohort-profiles', name: 'profiles', rows: '4', required: true });
  const minScore = h('input', { id: 'cohort-min-score', type: 'number', min: '0', max: '1', step: '0.05', value: '0.5' });
  const run = h('button', { type: 'button', id: 'run-assignment' }, t('cohort.run'));
  const report = h('section', { id: 'assignment-report', 'aria-labelledby': 'report-title', 'aria-live': 'polite' });
  const form = h('form', { id: 'cohort-form', class: 'card', novalidate: true },
    field('cohort-name', 'cohort.name', name),
    field('cohort-employer', 'cohort.employer', employer),
    field('cohort-profiles', 'cohort.profiles', profiles, 'cohort.profiles_hint'),
    field('cohort-min-score', 'cohort.min_score', minScore, 'cohort.min_score_hint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, t('cohort.create')), run));
  const office = h('section', { class: 'card', 'aria-labelledby': 'office-title' },
    h('h2', { id: 'office-title' }, t('cohort.office_profiles')));
  fill(view, h('h1', {}, t('cohort.title')), h('p', { class: 'lead' }, t('cohort.intro')),
    form, report, office);

  let cohort = null;
  let createdFrom = '';
  const ids = () => profiles.value.split(/[\s,;]+/).filter(Boolean);
  const signature = () => JSON.stringify([name.value.trim(), employer.value.trim(), ids()]);

  async function ensureCohort() {
    if (cohort && createdFrom === signature()) return cohort;
    const list = ids();
    if (!name.value.trim() || !employer.value.trim() || !list.length) {
      throw new Error(t('cohort.incomplete'));
    }
    const bad = list.find((x) => !/^\d+$/.test(x));
    if (bad) throw new Error(t('cohort.bad_id', { id: bad }));
    cohort = await withProgress(t('progress.cohort'), () => api('/v1/cohorts', {
      method: 'POST',
      body: { name: name.value.trim(), employer_name: employer.value.trim(), profile_ids: list.map(Number) },
    }));
    createdFrom = signature();
    showStatus(t('cohort.created', { name: cohort.name, n: (cohort.members || list).length }));
    return cohort;
  }
  const fail = (e) => showError(e && e.code ? problemMessage(e) : (e?.message || t('error.generic')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try { await ensureCohort(); } catch (err) { fail(err); }
  });
  run.addEventListener('click', async () => {
    run.disabled = true;
    report.setAttribute('aria-busy', 'true');
    try {
      const c = await ensureCohort();
      const min = Number(minScore.value);
      const a = await withProgress(t('progress.assign'), () => api(`/v1/cohorts/${c.id}/assignments`, {
        method: 'POST', body: Number.isFinite(min) ? { min_score: min } : {},
      }));
      renderReport(a);
      showStatus(t('cohort.assigned', { placed: a.placed, members: a.members }));
    } catch (err) {
      fail(err);
    } finally {
      run.disabled = false;
      report.setAttribute('aria-busy', 'false');
    }
  });

  function regionName(code) {
    if (code === 'abroad') return t('candidate.abroad');
    if (!code || code === 'unknown') return t('picture.unknown');
    return placeName(g.region.get(code), lang()) || code;
  }

  function renderReport(a) {
    fill(report, h('h2', { id: 'report-title' }, t('report.title')),
      h('dl', { class: 'facts' },
        h('dt', {}, t('report.members')), h('dd', {}, num(a.members, lang())),
        h('dt', {}, t('report.placed')), h('dd', {}, num(a.placed, lang())),
        h('dt', {}, t('report.total')), h('dd', {}, num(a.total_score, lang(), 2)),
        h('dt', {}, t('report.greedy')), h('dd', {}, num(a.greedy_total_score, lang(), 2)),
        h('dt', {}, t('report.certified')), h('dd', {}, a.certified ? t('report.yes') : t('report.no'))),
      h('table', { class: 'data' },
        h('caption', {}, t('report.by_region')),
        h('thead', {}, h('tr', {}, ['report.region', 'report.members', 'report.placed', 'report.without', 'report.missing']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, (a.regions || []).map((r) => h('tr', {},
          h('th', { scope: 'row' }, regionName(r.region)),
          h('td', {}, num(r.members, lang())), h('td', {}, num(r.placed, lang())),
          h('td', {}, num(r.without_good_match, lang())),
          h('td', {}, (r.missing_skills || []).slice(0, 5).map(([s, n]) => `${s} (${n})`).join(', ') || '–'))))),
      h('table', { class: 'data' },
        h('caption', {}, t('report.placements')),
        h('thead', {}, h('tr', {}, ['report.profile', 'report.home', 'report.assigned', 'report.alternatives']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, (a.placements || []).map((p) => h('tr', {},
          h('th', { scope: 'row' }, h('a', { href: `#/profiles/${p.profile_id}` }, t('candidate.profile', { id: p.profile_id }))),
          h('td', {}, regionName(p.home_region)),
          h('td', {}, p.assigned
            ? h('a', { href: `#/vacancies/${p.assigned.vacancy_id}` }, t('report.vacancy_score', { id: p.assigned.vacancy_id, score: num(p.assigned.score, lang(), 2) }))
            : t('report.not_placed')),
          h('td', {}, (p.alternatives || []).map((c, i) => [i ? ', ' : '',
            h('a', { href: `#/vacancies/${c.vacancy_id}` }, t('report.vacancy_score', { id: c.vacancy_id, score: num(c.score, lang(), 2) }))])))))));
  }

  try {
    const mine = await api('/v1/profiles?limit=100');
    office.append(h('p', { class: 'hint' }, t('cohort.office_hint')),
      mine.items.length ? h('ul', { class: 'columns' }, mine.items.map((p) => h('li', {},
        h('a', { href: `#/profiles/${p.id}` }, p.contact?.full_name || p.pseudonym || `#${p.id}`),
        ' ', h('button', { type: 'button', class: 'link-button', onclick: () => {
          if (!ids().includes(String(p.id))) profiles.value = [...ids(), String(p.id)].join('\n');
          showStatus(t('cohort.added', { id: p.id }));
        } }, t('cohort.add', { id: p.id })))))
        : h('p', { class: 'muted' }, t('cohort.no_profiles')));
  } catch (e) {
    office.append(h('p', { class: 'muted' }, problemMessage(e)));
  }
}

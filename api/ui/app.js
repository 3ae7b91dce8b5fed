// Kohtaanto web UI: hash routes (#/...), role-aware navigation, three
// languages. No framework and nothing inline: the page's CSP allows only
// files from this origin.

import { api, geography, setToken, token, setApiLanguage } from './api.js';
import { h, fill, showError, showStatus } from './dom.js';
import { loadMessages, lang, setLang, t, problemMessage } from './i18n.js';
import { signinPage, cohortsPage } from './pages.js';
import { searchPage, vacancyPage, vacancyFormPage, myVacanciesPage } from './vacancies.js';
import { profilesPage, profilePage } from './profiles.js';
import { profileFormPage } from './profile-form.js';
import { picturePage } from './picture.js';
import { effectivenessPage } from './effectiveness.js';
import { trendPage } from './trend.js';
import { outreachPage, campaignPage } from './outreach.js';

/** Where each role starts, and the links its navigation has. */
const HOME = {
  adviser: '#/search',
  employer: '#/my-vacancies',
  recruiter: '#/my-vacancies',
  analyst: '#/picture',
  admin: '#/search',
};
const NAV = {
  adviser: [['#/search', 'nav.search'], ['#/profiles', 'nav.profiles'], ['#/cohorts', 'nav.cohorts'],
    ['#/outreach', 'nav.outreach'], ['#/picture', 'nav.picture'], ['#/effectiveness', 'nav.effectiveness'],
    ['#/trend', 'nav.trend']],
  employer: [['#/my-vacancies', 'nav.my_vacancies'], ['#/vacancies/new', 'nav.new_vacancy']],
  recruiter: [['#/my-vacancies', 'nav.my_vacancies'], ['#/vacancies/new', 'nav.new_vacancy']],
  analyst: [['#/picture', 'nav.picture'], ['#/effectiveness', 'nav.effectiveness'], ['#/trend', 'nav.trend']],
  admin: [],
};

/** Routes: pattern → page. Pages get (view, params, ctx). */
const ROUTES = [
  [/^\/signin$/, signinPage, null],
  [/^\/search$/, searchPage, ['adviser', 'admin']],
  [/^\/vacancies\/new$/, vacancyFormPage, ['employer', 'recruiter']],
  [/^\/vacancies\/(\d+)\/edit$/, vacancyFormPage, ['employer', 'recruiter']],
  [/^\/vacancies\/(\d+)$/, vacancyPage, ['adviser', 'employer', 'recruiter']],
  [/^\/profiles$/, profilesPage, ['adviser']],
  [/^\/profiles\/new$/, profileFormPage, ['adviser']],
  [/^\/profiles\/(\d+)\/edit$/, profileFormPage, ['adviser']],
  [/^\/profiles\/(\d+)$/, profilePage, ['adviser', 'recruiter', 'employer']],
  [/^\/cohorts$/, cohortsPage, ['adviser']],
  [/^\/outreach$/, outreachPage, ['adviser']],
  [/^\/outreach\/campaigns\/(\d+)$/, campaignPage, ['adviser']],
  [/^\/my-vacancies$/, myVacanciesPage, ['employer', 'recruiter']],
  [/^\/picture$/, picturePage, ['adviser', 'analyst']],
  [/^\/effectiveness$/, effectivenessPage, ['adviser', 'analyst']],
  [/^\/trend$/, trendPage, ['adviser', 'analyst']],
];

const ctx = {
  session: null,
  flashMessage: null,
  /**
   * Navigate to a hash route. The page is drawn in the same task as the
   * address changes (pushState fires no hashchange), so nobody sees the
   * new address over the old page.
   */
  go(hash) {
    if (location.hash !== hash) history.pushState(null, '', hash);
    return onNavigate();
  },
  /** Replace the current route (a redirect: no history entry). */
  redirect(hash) {
    history.replaceState(null, '', hash);
    return onNavigate();
  },
  /** Show `message` in #status after the next navigation. */
  flash(message) {
    ctx.flashMessage = message;
  },
  home() {
    return HOME[ctx.session?.role] || '#/signin';
  },
  async signIn(secret) {
    setToken(secret);
    try {
      ctx.session = await api('/v1/me');
    } catch (e) {
      setToken(null);
      ctx.session = null;
      throw e;
    }
    renderHeader();
  },
  signOut() {
    setToken(null);
    ctx.session = null;
    renderHeader();
    ctx.go('#/signin');
  },
  rerender: () => render(),
};

function renderHeader() {
  document.documentElement.lang = lang();
  setApiLanguage(lang());
  document.getElementById('lang').value = lang();
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  const nav = document.getElementById('main-nav');
  nav.setAttribute('aria-label', t('nav.label'));
  const role = ctx.session?.role;
  const current = `#${currentPath()}`;
  fill(nav.querySelector('ul'), (NAV[role] || []).map(([href, key]) => h('li', {},
    h('a', { href, 'aria-current': current === href ? 'page' : null }, t(key)))));
  nav.hidden = !role;
  const who = document.getElementById('whoami');
  if (role) {
    fill(who, h('span', { class: 'sr-only' }, `${t('whoami.label')} `),
      h('strong', { class: 'role' }, t(`role.${role}`)),
      ctx.session.organization ? ` · ${ctx.session.organization.name}` : '');
  } else {
    who.replaceChildren();
  }
  document.getElementById('signout').hidden = !role;
}

function currentPath() {
  const hash = location.hash.replace(/^#/, '');
  return (hash.split('?')[0] || '/');
}

function currentQuery() {
  const hash = location.hash.replace(/^#/, '');
  const i = hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? hash.slice(i + 1) : '');
}

let renders = 0;

async function render() {
  const path = currentPath();
  if (!location.hash.startsWith('#/') && location.hash !== '' && location.hash !== '#') {
    return; // an in-page anchor such as the skip link's #main
  }
  const mine = ++renders;
  showError('');
  showStatus(ctx.flashMessage || '');
  ctx.flashMessage = null;
  renderHeader();
  if (!ctx.session && path !== '/signin') {
    ctx.redirect('#/signin');
    return;
  }
  if (path === '/' || path === '') {
    ctx.redirect(ctx.home());
    return;
  }
  const view = document.getElementById('view');
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  if (!route) {
    fill(view, h('h1', { tabindex: '-1' }, t('notfound.title')), h('p', {}, t('notfound.text')),
      h('p', {}, h('a', { href: ctx.home() }, t('notfound.home'))));
    document.title = `${t('notfound.title')} – Kohtaanto`;
    return;
  }
  const [pattern, page, roles] = route;
  if (roles && !roles.includes(ctx.session.role)) {
    fill(view, h('h1', { tabindex: '-1' }, t('forbidden.title')), h('p', {}, t('error.forbidden')),
      h('p', {}, h('a', { href: ctx.home() }, t('notfound.home'))));
    document.title = `${t('forbidden.title')} – Kohtaanto`;
    return;
  }
  const params = path.match(pattern).slice(1);
  view.replaceChildren();
  try {
    await page(view, params, ctx, currentQuery());
  } catch (e) {
    if (mine !== renders) return;
    if (e && e.status === 401) {
      setToken(null);
      ctx.session = null;
      renderHeader();
      ctx.flashMessage = null;
      await ctx.redirect('#/signin');
      showError(problemMessage(e));
      return;
    }
    showError(problemMessage(e));
  }
  if (mine !== renders) return;
  const heading = view.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    document.title = `${heading.textContent} – Kohtaanto`;
  }
}

let lastPath = null;
// Focus moves to a new page's heading only once someone has used the page:
// on a fresh load the first Tab must reach the skip link.
let interacted = false;

async function onNavigate() {
  const path = currentPath();
  await render();
  // Move focus to the new page's heading so screen readers start there.
  if (path !== lastPath) {
    lastPath = path;
    const heading = document.querySelector('#view h1');
    const lost = document.activeElement === document.body || !document.activeElement;
    if (interacted && heading && lost) heading.focus();
  }
}

async function boot() {
  await loadMessages();
  setApiLanguage(lang());
  document.getElementById('lang').addEventListener('change', (e) => {
    setLang(e.target.value);
    render();
  });
  document.getElementById('signout').addEventListener('click', () => ctx.signOut());
  document.querySelector('.skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    const main = document.getElementById('main');
    main.focus();
    main.scrollIntoView();
  });
  for (const type of ['keydown', 'mousedown', 'touchstart']) {
    document.addEventListener(type, () => { interacted = true; }, { capture: true, once: true });
  }
  await geography().catch(() => null);
  if (token()) {
    try {
      ctx.session = await api('/v1/me');
    } catch {
      setToken(null);
    }
  }
  window.addEventListener('hashchange', onNavigate);
  await onNavigate();
}

boot();

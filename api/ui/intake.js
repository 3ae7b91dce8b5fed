// The intake from a pasted CV, a panel of the profile form: the server
// suggests occupations, skills, languages, licences and certificates, the
// adviser accepts or rejects each, and its span in the text is marked.

import { api, query } from './api.js';
import { h, fill, showError, showStatus, withProgress, num } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';
import { field, select, displayName, markInvalid, clearInvalid } from './common.js';

// ---------------------------------------------------------------- intake from free text

/**
 * The "suggest from a CV" section: the pasted text goes to
 * POST /v1/profiles/suggestions; each suggestion can be accepted into the
 * form (the `accept…` callbacks add it and return how to take it back) or
 * rejected, and its span in the text is highlighted (<mark>) while the
 * suggestion has the pointer or the focus. Nothing is saved here.
 */
export function intakeSection(accept) {
  const text = h('textarea', { id: 'cv-text', rows: '8', maxlength: '20000' });
  const textLang = select('cv-lang', [['', t('intake.lang_auto')], ...['fi', 'sv', 'en'].map((l) => [l, t(`langname.${l}`)])], '');
  const suggest = h('button', { type: 'button', id: 'suggest' }, t('intake.suggest'));
  const results = h('div', { id: 'intake-results' });
  const section = h('details', { id: 'intake', class: 'card intake', open: accept.open },
    h('summary', {}, h('h2', { class: 'inline-heading' }, t('intake.title'))),
    h('p', { class: 'hint' }, t('intake.intro')),
    field('cv-text', 'intake.text', text, 'intake.text_hint'),
    h('div', { class: 'row' }, field('cv-lang', 'intake.lang', textLang)),
    h('div', { class: 'actions' }, suggest),
    results);

  suggest.addEventListener('click', async () => {
    clearInvalid(section);
    const posted = text.value;
    if (!posted.trim()) {
      markInvalid(text, t('intake.text_required'));
      text.focus();
      return;
    }
    if (Array.from(posted).length > 20000) {
      markInvalid(text, t('error.text_too_long'));
      text.focus();
      return;
    }
    suggest.disabled = true;
    try {
      const found = await withProgress(t('progress.suggest'), () => api(`/v1/profiles/suggestions${query({ lang: lang() })}`, {
        method: 'POST', body: { text: posted, lang: textLang.value || null },
      }));
      renderSuggestions(posted, found);
    } catch (e) {
      const message = [problemMessage(e), e.detail].filter(Boolean).join(' ');
      markInvalid(text, message);
      showError(message);
      text.focus();
    } finally {
      suggest.disabled = false;
    }
  });

  function renderSuggestions(posted, found) {
    const items = [];
    const push = (kind, s, label, meta) => items.push({ kind, s, label, meta, id: `sugg-${items.length}` });
    for (const s of found.occupations || []) {
      push('occupation', s, s.label, [s.desired ? t('intake.desired') : null,
        s.years !== null && s.years !== undefined ? t('intake.years', { n: num(s.years, lang(), 1) }) : null,
        s.isco_code ? `ISCO ${s.isco_code}` : null]);
    }
    for (const s of found.skills || []) push('skill', s, s.label, []);
    for (const s of found.languages || []) push('language', s, displayName('language', s.language), [s.level ? t(`cefr.${s.level}`) : null]);
    for (const s of found.licences || []) push('licence', s, t('intake.licence', { class: s.class }), []);
    for (const s of found.certificates || []) push('certificate', s, s.name, []);

    const marked = markedText(posted, items);
    const lists = ['occupation', 'skill', 'language', 'licence', 'certificate'].map((kind) => {
      const mine = items.filter((i) => i.kind === kind);
      if (!mine.length) return null;
      return h('section', { class: 'suggestion-group', 'aria-labelledby': `intake-${kind}-title` },
        h('h3', { id: `intake-${kind}-title` }, t(`intake.kind_${kind}`)),
        h('ul', { class: 'suggestions plain', id: `intake-${kind}s` }, mine.map((item) => suggestionItem(item, marked))));
    });
    const language = ['fi', 'sv', 'en'].includes(found.lang) ? t(`langname.${found.lang}`) : (found.lang || '–');
    const summary = items.length ? t('intake.found', { n: items.length, lang: language }) : t('intake.none');
    showStatus(summary);
    fill(results,
      h('p', { id: 'intake-summary' }, summary),
      items.length ? h('div', { class: 'intake-layout' },
        h('div', { class: 'suggestion-lists' }, lists),
        h('section', { class: 'cv-view', 'aria-labelledby': 'cv-marked-title' },
          h('h3', { id: 'cv-marked-title' }, t('intake.marked')),
          marked.el)) : null);
  }

  function suggestionItem(item, marked) {
    let undo = null;
    const buttons = [];
    const decision = h('span', { class: 'decision' });
    const li = h('li', { class: 'suggestion', id: item.id, dataset: { kind: item.kind } },
      h('span', { class: 'suggestion-label' }, item.label),
      item.meta.filter(Boolean).length ? h('span', { class: 'meta' }, ` ${item.meta.filter(Boolean).join(' · ')}`) : null,
      h('q', { class: 'span-text' }, item.s.text || ''),
      decision);
    const set = (value, pressed) => {
      li.dataset.decision = value;
      decision.textContent = value ? t(`intake.decision_${value === 'rejected' ? 'rejected' : 'accepted'}`) : '';
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === pressed));
    };
    const take = (where, button) => {
      if (undo) { undo(); undo = null; }
      const apply = {
        occupation: () => accept.acceptOccupation(item.s, where),
        skill: () => accept.acceptSkill(item.s),
        language: () => accept.acceptLanguage(item.s),
        licence: () => accept.acceptLicence(item.s),
        certificate: () => accept.acceptCertificate(item.s),
      }[item.kind];
      undo = apply();
      set('accepted', button);
      showStatus(t(where === 'history' ? 'intake.accepted_history' : 'intake.accepted', { label: item.label }));
    };
    const button = (key, where, cls) => {
      const b = h('button', { type: 'button', class: `secondary ${cls}`, 'aria-pressed': 'false',
        'aria-label': t(`${key}_which`, { label: item.label }) }, t(key));
      buttons.push(b);
      b.addEventListener('click', () => {
        if (where === 'reject') {
          if (undo) { undo(); undo = null; }
          set('rejected', b);
          showStatus(t('intake.rejected', { label: item.label }));
        } else {
          take(where, b);
        }
      });
      return b;
    };
    const actions = item.kind === 'occupation'
      ? [button('intake.accept_desired', 'desired', 'accept'), button('intake.accept_history', 'history', 'accept-history')]
      : [button('intake.accept', 'form', 'accept')];
    li.append(h('span', { class: 'suggestion-actions' }, actions, button('intake.reject', 'reject', 'reject')));
    const on = () => marked.highlight(item.id, true);
    const off = () => marked.highlight(item.id, false);
    li.addEventListener('mouseenter', on);
    li.addEventListener('mouseleave', off);
    li.addEventListener('focusin', on);
    li.addEventListener('focusout', off);
    return li;
  }
  return section;
}

/**
 * The posted text with every suggestion's span in a <mark>. Offsets are in
 * code points; overlapping spans split into pieces, each naming all the
 * suggestions that cover it.
 */
function markedText(posted, items) {
  const chars = Array.from(posted);
  const cuts = new Set([0, chars.length]);
  const spans = items.filter((i) => Number.isInteger(i.s.start) && Number.isInteger(i.s.end) && i.s.end > i.s.start)
    .map((i) => ({ id: i.id, start: Math.max(0, i.s.start), end: Math.min(chars.length, i.s.end) }));
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const el = h('div', { id: 'cv-marked', class: 'cv-marked', tabindex: '0', role: 'region', 'aria-labelledby': 'cv-marked-title' });
  for (let k = 0; k + 1 < points.length; k += 1) {
    const [a, b] = [points[k], points[k + 1]];
    const piece = chars.slice(a, b).join('');
    const covering = spans.filter((s) => s.start <= a && s.end >= b).map((s) => s.id);
    el.append(covering.length ? h('mark', { dataset: { for: covering.join(' ') } }, piece) : piece);
  }
  return {
    el,
    highlight(id, on) {
      let first = null;
      for (const m of el.querySelectorAll('mark')) {
        if (m.dataset.for.split(' ').includes(id)) {
          m.classList.toggle('current', on);
          first = first || m;
        }
      }
      if (on && first) first.scrollIntoView({ block: 'nearest' });
    },
  };
}

// What became of an introduction: its status, and a small form that moves
// it on (proposed → contacted → interview → hired | not_hired | withdrawn).
// A hire asks for the start date and whether the person moved region; a
// refusal for its reason. The form sends the version it saw, so a change
// made meanwhile is reported instead of overwritten.

import { api, ApiProblem } from './api.js';
import { h, fill, showError, showStatus, withProgress } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';
import { markInvalid, clearInvalid, focusTarget } from './common.js';

export const STATUSES = ['proposed', 'contacted', 'interview', 'hired', 'not_hired', 'withdrawn'];
const FINAL = ['hired', 'not_hired', 'withdrawn'];
export const REASONS = [
  'skills', 'experience', 'language', 'licence', 'salary', 'location', 'working_hours',
  'candidate_declined', 'candidate_unreachable', 'position_filled', 'position_cancelled', 'other',
];

/** The statuses an introduction may move to from `status`. */
export function nextStatuses(status) {
  if (FINAL.includes(status)) return [];
  const at = STATUSES.indexOf(status);
  return STATUSES.filter((s, i) => FINAL.includes(s) || i > at);
}

/** What a status says, with the hire's or refusal's details. */
export function statusText(intro) {
  const parts = [t(`introduction_status.${intro.status}`)];
  if (intro.status === 'not_hired' && intro.reason) parts.push(t(`not_hired_reason.${intro.reason}`));
  if (intro.status === 'hired') {
    if (intro.start_date) {
      parts.push(t('outcome.starts', { date: new Date(`${intro.start_date}T00:00:00`).toLocaleDateString(lang()) }));
    }
    if (intro.moved_region) parts.push(t('outcome.moved'));
  }
  return parts.join(' · ');
}

/**
 * The status of `intro` and, unless it is final, the form that changes it;
 * `onChange(changed)` after a change is saved.
 */
export function outcomeControl(intro, onChange) {
  const box = h('div', { class: 'outcome', 'data-introduction': String(intro.id) });
  render(box, intro, onChange);
  return box;
}

function render(box, intro, onChange) {
  const key = `intro-${intro.id}`;
  const status = h('p', { class: 'outcome-status', id: `${key}-status` },
    h('strong', {}, `${t('outcome.status')}: `), statusText(intro));
  const next = nextStatuses(intro.status);
  if (!next.length) {
    fill(box, status);
    return;
  }
  const choice = h('select', { id: `${key}-next`, name: 'status' },
    h('option', { value: '' }, t('outcome.choose')),
    next.map((s) => h('option', { value: s }, t(`introduction_status.${s}`))));
  const reason = h('select', { id: `${key}-reason`, name: 'reason' },
    h('option', { value: '' }, t('outcome.choose')),
    REASONS.map((r) => h('option', { value: r }, t(`not_hired_reason.${r}`))));
  const start = h('input', { id: `${key}-start`, name: 'start_date', type: 'date' });
  const moved = h('input', { id: `${key}-moved`, name: 'moved_region', type: 'checkbox' });
  const reasonField = h('div', { class: 'field', hidden: true },
    h('label', { for: reason.id }, t('outcome.reason')), reason);
  const hireFields = h('div', { hidden: true },
    h('div', { class: 'field' }, h('label', { for: start.id }, t('outcome.start_date')), start),
    h('div', { class: 'field checkbox' }, moved, h('label', { for: moved.id }, t('outcome.moved_region'))));
  const show = () => {
    reasonField.hidden = choice.value !== 'not_hired';
    hireFields.hidden = choice.value !== 'hired';
  };
  choice.addEventListener('change', show);
  const save = h('button', { type: 'submit', class: 'secondary' }, t('outcome.save'));
  const form = h('form', { class: 'outcome-form', 'aria-labelledby': `${key}-status`, novalidate: true },
    h('div', { class: 'field inline' }, h('label', { for: choice.id }, t('outcome.move_to')), choice),
    reasonField, hireFields, save);
  const fields = { status: choice, reason, start_date: start, moved_region: moved };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearInvalid(form);
    if (!choice.value) {
      markInvalid(choice, t('outcome.choose_first'));
      choice.focus();
      return;
    }
    const body = { status: choice.value, version: intro.version };
    if (choice.value === 'not_hired' && reason.value) body.reason = reason.value;
    if (choice.value === 'hired') {
      if (start.value) body.start_date = start.value;
      body.moved_region = moved.checked;
    }
    try {
      const changed = await withProgress(t('progress.outcome'),
        () => api(`/v1/introductions/${intro.id}`, { method: 'PATCH', body }));
      showStatus(t('outcome.saved', { status: t(`introduction_status.${changed.status}`) }));
      render(box, changed, onChange);
      if (onChange) onChange(changed);
    } catch (e) {
      if (e instanceof ApiProblem && e.field && fields[e.field]) {
        const el = fields[e.field];
        if (el === reason) reasonField.hidden = false;
        markInvalid(el, problemMessage(e));
        focusTarget(el).focus();
      } else {
        showError(problemMessage(e));
      }
    }
  });
  fill(box, status, form);
}

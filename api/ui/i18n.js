// Messages in Finnish (default), Swedish and English. Every visible string
// comes from messages.json through t(); the server's test checks that each
// key exists in all three languages and that every key used here exists.

export const LANGUAGES = ['fi', 'sv', 'en'];
const LANG_KEY = 'kohtaanto.lang';

let catalogues = {};
let current = 'fi';

/** Load the catalogues (once, before the first render). */
export async function loadMessages() {
  const response = await fetch('/ui/messages.json', { cache: 'no-cache' });
  catalogues = await response.json();
  const saved = localStorage.getItem(LANG_KEY);
  current = LANGUAGES.includes(saved) ? saved : 'fi';
}

export function lang() {
  return current;
}

export function setLang(value) {
  if (!LANGUAGES.includes(value)) return;
  current = value;
  localStorage.setItem(LANG_KEY, value);
}

/** The message `key` in the current language, with {name} placeholders filled. */
export function t(key, params = {}) {
  const text = catalogues[current]?.[key] ?? catalogues.fi?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) =>
    params[name] === undefined ? `{${name}}` : String(params[name]));
}

/** Whether `key` has a message. */
export function has(key) {
  return Boolean(catalogues[current]?.[key]);
}

/** A message for an API problem: by its code, else by status, else generic. */
export function problemMessage(problem) {
  const code = problem && problem.code;
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  if (problem && problem.status >= 500) return t('error.server');
  return t('error.generic');
}

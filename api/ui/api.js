// The API client: the bearer token lives in sessionStorage (gone when the
// tab closes); errors become ApiProblem with the API's stable `code`.

const TOKEN_KEY = 'kohtaanto.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * A problem+json answer (or a network failure: status 0, code "network").
 * `field` is the JSON path of the offending field of a 422, when named
 * ("contact.full_name", "work_history[2].years").
 */
export class ApiProblem extends Error {
  constructor(status, code, detail, field = null) {
    super(detail || code);
    this.status = status;
    this.code = code;
    this.detail = detail || '';
    this.field = field;
  }
}

let language = 'fi';

export function setApiLanguage(lang) {
  language = lang;
}

/**
 * Call the API: api('/v1/me'), api('/v1/vacancies', {method: 'POST', body: {...}}).
 * JSON answers are parsed; `raw: true` gives the Response (for CSV).
 */
export async function api(path, { method = 'GET', body, raw = false, accept } = {}) {
  const headers = { 'Accept-Language': language };
  const secret = token();
  if (secret) headers.Authorization = `Bearer ${secret}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (accept) headers.Accept = accept;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiProblem(0, 'network', String(e));
  }
  if (!response.ok) {
    let code = 'unknown';
    let detail = '';
    let field = null;
    try {
      const problem = await response.json();
      code = problem.code || code;
      detail = problem.detail || '';
      field = typeof problem.field === 'string' ? problem.field : null;
    } catch {
      // not JSON: keep the generic code
    }
    throw new ApiProblem(response.status, code, detail, field);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** The file name a Content-Disposition header gives, else `fallback`. */
export function attachmentName(response, fallback) {
  const header = response.headers.get('Content-Disposition') || '';
  const match = header.match(/filename="?([^";]+)"?/);
  return match ? match[1] : fallback;
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

let geo = null;

/** Regions, municipalities and TOL industries with their names (public, fetched once). */
export async function geography() {
  if (!geo) {
    geo = fetch('/ui/geography.json').then((r) => r.json()).then((g) => ({
      regions: g.regions,
      municipalities: g.municipalities,
      region: new Map(g.regions.map((r) => [r.code, r])),
      municipality: new Map(g.municipalities.map((m) => [m.code, m])),
      industries: g.industries || [],
      industry: new Map((g.industries || []).map((i) => [i.code, i])),
    }));
  }
  return geo;
}

/** The name of a place (`{name_fi, name_sv, name_en}`) in `lang`. */
export function placeName(place, lang) {
  if (!place) return '';
  return place[`name_${lang}`] || place.name_fi || place.code;
}

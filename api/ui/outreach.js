// Employer outreach (adviser): the office's contact log (follow-ups due
// first, then the newest), the contact form (a firm from the register or
// a new one, what the contact found: needs, a layoff, no need, a
// follow-up), a need turned into a hidden vacancy, and the campaigns with
// their progress per office (#/outreach, #/outreach/campaigns/{id}).

import { api, query, geography, placeName } from './api.js';
import { h, fill, showError, showStatus, withProgress, num } from './dom.js';
import { lang, t, problemMessage } from './i18n.js';
import { typeahead } from './typeahead.js';
import {
  field, select, municipalityLabel, searchMunicipalities, searchOccupations, occupationNames,
  clearInvalid, showProblems, showServerProblem,
} from './common.js';

const CHANNELS = ['visit', 'phone', 'email', 'event'];
/** Most needs one contact records (the server's rule). */
const MAX_NEEDS = 20;
/** Contacts per page of the log (the API allows up to 100). */
const PAGE = 20;

/** Today in the browser's time zone as YYYY-MM-DD (a date input's value). */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A server date (YYYY-MM-DD) in the UI language. */
function day(text) {
  if (!text) return '–';
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? text : d.toLocaleDateString(lang(), { timeZone: 'UTC' });
}

function industryName(g, code) {
  const i = code ? g.industry.get(code) : null;
  return i ? `${code} ${placeName(i, lang())}` : code || '';
}

function firmLabel(g, firm) {
  const parts = [firm.business_id, municipalityLabel(g, firm.municipality_code)].filter(Boolean);
  return parts.length ? `${firm.name} (${parts.join(', ')})` : firm.name;
}

// ---------------------------------------------------------------- the outreach page

export async function outreachPage(view) {
  const g = await geography();
  const log = h('section', { id: 'outreach-log', class: 'card', 'aria-labelledby': 'outreach-log-title' });
  const campaigns = h('section', { id: 'outreach-campaigns', class: 'card', 'aria-labelledby': 'outreach-campaigns-title' });
  const campaignList = await api(`/v1/outreach/campaigns${query({ limit: 100 })}`);
  const form = contactForm(g, campaignList.items, async (contact) => {
    showStatus(t('outreach.recorded', { firm: contact.firm.name }));
    await renderLog(g, log);
  });
  fill(view, h('h1', {}, t('outreach.title')), h('p', { class: 'lead' }, t('outreach.intro')),
    log, form, campaigns);
  renderCampaigns(g, campaigns, campaignList.items);
  await renderLog(g, log);
}

/** The log: follow-ups due today first, then the newest contacts, a page at a time. */
async function renderLog(g, section) {
  const [due, newest] = await withProgress(t('progress.load'), () => Promise.all([
    api(`/v1/outreach/contacts${query({ due_on: today(), limit: 100 })}`),
    api(`/v1/outreach/contacts${query({ limit: PAGE })}`),
  ]));
  const names = await occupationNames(due.items.flatMap((c) => c.needs.map((n) => n.occupation_uri)));
  const dueIds = new Set(due.items.map((c) => c.id));
  const dueTable = contactTable('outreach-due', t('outreach.due_title'),
    h('tbody', {}, due.items.map((c) => contactRow(g, names, c, true))));
  const newestBody = h('tbody', {});
  const newestTable = contactTable('outreach-newest', t('outreach.newest_title'), newestBody);
  const more = h('button', { type: 'button', id: 'outreach-more', class: 'secondary' }, t('outreach.more'));
  let cursor = null;
  const addPage = async (page) => {
    const pageNames = await occupationNames(page.items.flatMap((c) => c.needs.map((n) => n.occupation_uri)));
    for (const c of page.items) {
      if (!dueIds.has(c.id)) newestBody.append(contactRow(g, pageNames, c, false));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', async () => {
    try {
      const page = await withProgress(t('progress.load'),
        () => api(`/v1/outreach/contacts${query({ limit: PAGE, cursor })}`));
      await addPage(page);
      showStatus(t('outreach.more_shown', { n: page.items.length }));
    } catch (e) {
      showError(problemMessage(e));
    }
  });
  fill(section, h('h2', { id: 'outreach-log-title' }, t('outreach.log_title')),
    due.items.length ? dueTable : h('p', { id: 'outreach-due-none', class: 'muted' }, t('outreach.due_none')),
    newest.items.length ? newestTable : h('p', { class: 'muted' }, t('outreach.none')),
    more);
  await addPage(newest);
}

function contactTable(id, caption, body) {
  return h('table', { class: 'data', id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ['outreach.date', 'outreach.firm', 'outreach.channel', 'outreach.found',
      'outreach.follow_up', 'outreach.notes'].map((k) => h('th', { scope: 'col' }, t(k))))),
    body);
}

function contactRow(g, names, c, due) {
  const found = [];
  for (const n of c.needs) found.push(needItem(names, n));
  if (c.layoff_people) {
    found.push(h('li', { class: 'layoff' }, t(c.layoff_on ? 'outreach.layoff_on' : 'outreach.layoff_text',
      { n: num(c.layoff_people, lang()), date: day(c.layoff_on) })));
  }
  if (c.no_need) found.push(h('li', {}, t('outreach.no_need_text')));
  return h('tr', { id: `contact-${c.id}`, class: due ? 'due' : null },
    h('td', {}, day(c.contacted_on)),
    h('th', { scope: 'row' }, firmLabel(g, c.firm),
      c.firm.industry_code ? h('span', { class: 'hint' }, ` · ${industryName(g, c.firm.industry_code)}`) : null),
    h('td', {}, t(`channel.${c.channel}`)),
    h('td', {}, found.length ? h('ul', { class: 'plain' }, found) : '–'),
    h('td', {}, c.follow_up_on
      ? [day(c.follow_up_on), due ? h('span', { class: 'badge badge-review' }, ` ${t('outreach.due_badge')}`) : null]
      : '–'),
    h('td', {}, c.notes || '–'));
}

/** A need, with its hidden vacancy or the button that creates it. */
function needItem(names, n) {
  const text = t('outreach.need_text', {
    occupation: names.get(n.occupation_uri) || n.occupation_uri,
    n: num(n.positions, lang()),
  });
  const by = n.needed_by ? ` ${t('outreach.need_by', { date: day(n.needed_by) })}` : '';
  const place = h('span', { class: 'need-vacancy' });
  const li = h('li', { id: `need-${n.id}`, class: 'need' }, `${text}${by} `, place);
  const link = (id) => fill(place, h('a', { href: `#/vacancies/${id}`, id: `need-${n.id}-vacancy` },
    t('outreach.vacancy_link', { id })));
  if (n.vacancy_id) {
    link(n.vacancy_id);
  } else {
    const button = h('button', { type: 'button', class: 'secondary', id: `need-${n.id}-create`,
      'aria-label': t('outreach.create_vacancy_for', { occupation: names.get(n.occupation_uri) || n.occupation_uri }) },
    t('outreach.create_vacancy'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const v = await withProgress(t('progress.save'),
          () => api(`/v1/outreach/needs/${n.id}/vacancy`, { method: 'POST' }));
        link(v.id);
        showStatus(t('outreach.vacancy_created', { id: v.id }));
        place.querySelector('a').focus();
      } catch (e) {
        button.disabled = false;
        showError(problemMessage(e));
      }
    });
    fill(place, button);
  }
  return li;
}

// ---------------------------------------------------------------- the contact form

let rowKeys = 0;

function contactForm(g, campaignItems, onRecorded) {
  const state = { firmId: null, municipality: null, needs: [] };

  // The firm: one from the register (typeahead), or a new one.
  const known = h('input', { type: 'radio', id: 'firm-known', name: 'firm-kind', value: 'known', checked: true });
  const fresh = h('input', { type: 'radio', id: 'firm-new', name: 'firm-kind', value: 'new' });
  const firmSearch = h('input', { id: 'outreach-firm', type: 'text', maxlength: '200' });
  const businessId = h('input', { id: 'firm-business-id', type: 'text', maxlength: '9', autocomplete: 'off',
    spellcheck: 'false', pattern: '[0-9]{7}-[0-9]' });
  const firmName = h('input', { id: 'firm-name', type: 'text', maxlength: '300', 'aria-required': 'true' });
  const municipality = h('input', { id: 'firm-municipality', type: 'text', 'aria-required': 'true' });
  const divisions = g.industries.filter((i) => i.level === 2);
  const industry = h('select', { id: 'firm-industry', name: 'firm-industry' },
    h('option', { value: '' }, t('outreach.industry_unknown')),
    g.industries.filter((i) => i.level === 1).map((s) => h('optgroup', { label: `${s.code} ${placeName(s, lang())}` },
      divisions.filter((d) => d.parent === s.code)
        .map((d) => h('option', { value: d.code }, `${d.code} ${placeName(d, lang())}`)))));
  const knownField = field('outreach-firm', 'outreach.firm_search', firmSearch, 'outreach.firm_search_hint');
  const newFields = h('div', { id: 'firm-new-fields' },
    h('div', { class: 'row' },
      field('firm-business-id', 'outreach.business_id', businessId, 'outreach.business_id_hint'),
      field('firm-name', 'outreach.firm_name', firmName)),
    h('div', { class: 'row' },
      field('firm-municipality', 'outreach.municipality', municipality, 'form.municipality_hint'),
      field('firm-industry', 'outreach.industry', industry)));
  const firm = h('fieldset', { id: 'firm-fields', class: 'card' }, h('legend', {}, t('outreach.firm_legend')),
    h('div', { class: 'radios' },
      h('span', { class: 'check' }, known, h('label', { for: 'firm-known' }, t('outreach.firm_known'))),
      h('span', { class: 'check' }, fresh, h('label', { for: 'firm-new' }, t('outreach.firm_new')))),
    knownField, newFields);
  const showFirm = () => {
    knownField.hidden = fresh.checked;
    newFields.hidden = !fresh.checked;
  };
  known.addEventListener('change', showFirm);
  fresh.addEventListener('change', showFirm);

  // The contact itself.
  const contactedOn = h('input', { id: 'contacted-on', type: 'date', 'aria-required': 'true', value: today(), max: today() });
  const channel = select('channel', CHANNELS.map((c) => [c, t(`channel.${c}`)]), 'visit');
  const campaign = select('campaign', [['', t('outreach.no_campaign')],
    ...campaignItems.map((c) => [String(c.id), c.name])], '');

  // Needs rows.
  const needRows = h('ul', { id: 'need-rows', class: 'rows plain' });
  const addNeedButton = h('button', { type: 'button', id: 'add-need', class: 'secondary' }, t('outreach.add_need'));
  function addNeed(focus) {
    if (state.needs.length >= MAX_NEEDS) {
      showError(t('outreach.needs_max', { n: MAX_NEEDS }));
      return;
    }
    const key = ++rowKeys;
    const row = { key, uri: null, label: '' };
    const occ = h('input', { id: `need-occ-${key}`, type: 'text', 'aria-required': 'true' });
    const positions = h('input', { id: `need-positions-${key}`, type: 'number', min: '1', max: '10000', step: '1',
      inputmode: 'numeric', value: '1' });
    const neededBy = h('input', { id: `need-by-${key}`, type: 'date' });
    row.inputs = { occ, positions, neededBy };
    const remove = h('button', { type: 'button', class: 'remove secondary', id: `need-remove-${key}` },
      t('pform.remove_row'));
    const li = h('li', { class: 'row-item card', id: `need-row-${key}` },
      h('div', { class: 'row' },
        field(`need-occ-${key}`, 'outreach.need_occupation', occ),
        field(`need-positions-${key}`, 'outreach.need_positions', positions),
        field(`need-by-${key}`, 'outreach.need_by_label', neededBy)),
      remove);
    needRows.append(li);
    state.needs.push(row);
    typeahead(occ, { search: searchOccupations, onSelect: (o) => { row.uri = o.value; row.label = o.label; } });
    occ.addEventListener('input', () => { if (occ.value.trim() !== row.label) row.uri = null; });
    const label = () => remove.setAttribute('aria-label', t('outreach.remove_need', { n: state.needs.indexOf(row) + 1 }));
    label();
    remove.addEventListener('click', () => {
      const i = state.needs.indexOf(row);
      state.needs.splice(i, 1);
      li.remove();
      showStatus(t('pform.row_removed'));
      (state.needs[i]?.inputs.occ || addNeedButton).focus();
    });
    if (focus) occ.focus();
  }
  addNeedButton.addEventListener('click', () => addNeed(true));

  const layoffPeople = h('input', { id: 'layoff-people', type: 'number', min: '1', max: '100000', step: '1', inputmode: 'numeric' });
  const layoffOn = h('input', { id: 'layoff-on', type: 'date' });
  const noNeed = h('input', { id: 'no-need', type: 'checkbox' });
  const followUp = h('input', { id: 'follow-up-on', type: 'date' });
  const notes = h('textarea', { id: 'outreach-notes', rows: '3', maxlength: '2000' });
  const save = h('button', { type: 'submit', id: 'save-contact' }, t('outreach.save'));
  const form = h('form', { id: 'outreach-form', novalidate: true, 'aria-labelledby': 'outreach-form-title' },
    h('h2', { id: 'outreach-form-title' }, t('outreach.form_title')),
    firm,
    h('fieldset', { id: 'contact-fields', class: 'card' }, h('legend', {}, t('outreach.contact_legend')),
      h('div', { class: 'row' },
        field('contacted-on', 'outreach.contacted_on', contactedOn),
        field('channel', 'outreach.channel', channel),
        field('campaign', 'outreach.campaign', campaign))),
    h('fieldset', { id: 'found-fields', class: 'card' }, h('legend', {}, t('outreach.found_legend')),
      h('h3', { id: 'needs-title' }, t('outreach.needs')),
      needRows, addNeedButton,
      h('div', { class: 'row' },
        field('layoff-people', 'outreach.layoff_people', layoffPeople, 'outreach.layoff_hint'),
        field('layoff-on', 'outreach.layoff_date', layoffOn)),
      h('div', { class: 'check' }, noNeed, h('label', { for: 'no-need' }, t('outreach.no_need'))),
      field('follow-up-on', 'outreach.follow_up_on', followUp)),
    h('fieldset', { id: 'notes-fields', class: 'card' }, h('legend', {}, t('outreach.notes')),
      field('outreach-notes', 'outreach.notes_label', notes, 'outreach.notes_hint')),
    h('div', { class: 'actions' }, save));

  typeahead(firmSearch, {
    search: (text) => api(`/v1/outreach/firms${query({ q: text, limit: 10 })}`)
      .then((found) => found.map((f) => ({ value: String(f.id), label: f.name, hint: firmLabel(g, f).slice(f.name.length).trim() }))),
    onSelect: (o) => { state.firmId = Number(o.value); state.firmLabel = o.label; },
  });
  firmSearch.addEventListener('input', () => { if (firmSearch.value.trim() !== state.firmLabel) state.firmId = null; });
  typeahead(municipality, { search: searchMunicipalities, onSelect: (o) => { state.municipality = o.value; } });
  municipality.addEventListener('input', () => { state.municipality = null; });
  showFirm();

  /** Client-side checks, in the order of the form: [element, message]. */
  function problems() {
    const found = [];
    if (known.checked) {
      if (!state.firmId) found.push([firmSearch, t(firmSearch.value.trim() ? 'outreach.firm_choose' : 'outreach.firm_required')]);
    } else {
      if (!firmName.value.trim()) found.push([firmName, t('outreach.firm_name_required')]);
      if (!state.municipality) {
        found.push([municipality, t(municipality.value.trim() ? 'pform.municipality_choose' : 'pform.municipality_required')]);
      }
    }
    if (!contactedOn.value) found.push([contactedOn, t('outreach.date_required')]);
    for (const row of state.needs) {
      if (!row.uri) found.push([row.inputs.occ, t('pform.occupation_choose')]);
      const p = Number(row.inputs.positions.value);
      if (!Number.isInteger(p) || p < 1 || p > 10000) found.push([row.inputs.positions, t('outreach.positions_range')]);
    }
    return found;
  }

  function body() {
    const optional = (input) => input.value.trim() || null;
    const people = layoffPeople.value.trim();
    return {
      ...(known.checked
        ? { firm_id: state.firmId }
        : { firm: {
          business_id: optional(businessId),
          name: firmName.value.trim(),
          municipality_code: state.municipality,
          industry_code: industry.value || null,
        } }),
      campaign_id: campaign.value ? Number(campaign.value) : null,
      contacted_on: contactedOn.value,
      channel: channel.value,
      needs: state.needs.map((row) => ({
        occupation_uri: row.uri,
        positions: Number(row.inputs.positions.value),
        needed_by: row.inputs.neededBy.value || null,
      })),
      layoff_people: people === '' ? null : Number(people),
      layoff_on: layoffOn.value || null,
      no_need: noNeed.checked,
      follow_up_on: followUp.value || null,
      notes: notes.value.trim(),
    };
  }

  /** The control a server `field` path names ("needs[1].positions", "firm.business_id"). */
  function controlFor(path) {
    const m = path.match(/^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?/);
    if (!m) return null;
    const [, top, index, sub] = m;
    if (top === 'needs') {
      const row = index === undefined ? null : state.needs[Number(index)];
      if (!row) return addNeedButton;
      return { positions: row.inputs.positions, needed_by: row.inputs.neededBy }[sub] || row.inputs.occ;
    }
    if (top === 'firm') {
      if (known.checked) return firmSearch;
      return { business_id: businessId, name: firmName, municipality_code: municipality, industry_code: industry }[sub]
        || firmName;
    }
    return {
      firm_id: firmSearch,
      campaign_id: campaign,
      contacted_on: contactedOn,
      channel,
      layoff_people: layoffPeople,
      layoff_on: layoffOn,
      no_need: noNeed,
      follow_up_on: followUp,
      notes,
    }[top] || null;
  }

  function reset() {
    form.reset();
    state.firmId = null;
    state.municipality = null;
    state.needs.length = 0;
    needRows.replaceChildren();
    contactedOn.value = today();
    showFirm();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearInvalid(form);
    showError('');
    if (showProblems(problems())) return;
    save.disabled = true;
    try {
      const contact = await withProgress(t('progress.save'), () => api('/v1/outreach/contacts', { method: 'POST', body: body() }));
      reset();
      await onRecorded(contact);
      document.getElementById(`contact-${contact.id}`)?.querySelector('th')?.setAttribute('tabindex', '-1');
      document.getElementById(`contact-${contact.id}`)?.querySelector('th')?.focus();
    } catch (err) {
      showServerProblem(err, controlFor);
    } finally {
      save.disabled = false;
    }
  });
  return h('section', { class: 'outreach-form' }, form);
}

// ---------------------------------------------------------------- campaigns

function regionName(g, code) {
  return code ? placeName(g.region.get(code), lang()) || code : t('outreach.nationwide');
}

function renderCampaigns(g, section, items) {
  fill(section, h('h2', { id: 'outreach-campaigns-title' }, t('outreach.campaigns')),
    items.length ? h('table', { class: 'data', id: 'campaign-table' },
      h('caption', { class: 'sr-only' }, t('outreach.campaigns')),
      h('thead', {}, h('tr', {}, ['outreach.campaign_name', 'outreach.area', 'outreach.starts', 'outreach.ends',
        'outreach.firms'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, items.map((c) => h('tr', {},
        h('th', { scope: 'row' }, h('a', { href: `#/outreach/campaigns/${c.id}` }, c.name)),
        h('td', {}, regionName(g, c.region_code)),
        h('td', {}, day(c.starts_on)),
        h('td', {}, day(c.ends_on)),
        h('td', {}, num(c.firms, lang())))))) : h('p', { class: 'muted' }, t('outreach.no_campaigns')));
}

const PROGRESS = ['firms', 'firms_contacted', 'needs', 'positions', 'vacancies', 'follow_ups_due'];

export async function campaignPage(view, [id], ctx, params) {
  const g = await geography();
  const asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get('as_of') || '') ? params.get('as_of') : today();
  const p = await withProgress(t('progress.load'), () => api(`/v1/outreach/campaigns/${id}${query({ as_of: asOf })}`));
  const c = p.campaign;
  const date = h('input', { id: 'as-of', type: 'date', value: p.as_of });
  const form = h('form', { id: 'as-of-form', class: 'card narrow', novalidate: true },
    field('as-of', 'outreach.as_of', date),
    h('button', { type: 'submit' }, t('outreach.show')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.go(`#/outreach/campaigns/${id}${date.value ? `?as_of=${date.value}` : ''}`);
  });
  const row = (r, header) => h('tr', { class: header === null ? 'total' : null },
    h('th', { scope: 'row' }, header === null ? t('outreach.total') : header),
    PROGRESS.map((k) => h('td', {}, num(r[k], lang()))));
  fill(view,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/outreach' }, t('nav.outreach'))),
    h('h1', {}, c.name),
    h('dl', { class: 'facts' },
      h('dt', {}, t('outreach.area')), h('dd', {}, regionName(g, c.region_code)),
      h('dt', {}, t('outreach.starts')), h('dd', {}, day(c.starts_on)),
      h('dt', {}, t('outreach.ends')), h('dd', {}, day(c.ends_on)),
      h('dt', {}, t('outreach.firms')), h('dd', {}, num(c.firms, lang()))),
    form,
    h('table', { class: 'data', id: 'progress-table' },
      h('caption', {}, t('outreach.progress_caption', { date: day(p.as_of) })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('outreach.office')),
        PROGRESS.map((k) => h('th', { scope: 'col' }, t(`outreach.p_${k}`))))),
      h('tbody', {}, p.offices.map((r) => row(r, r.office_name || t('outreach.no_office')))),
      h('tfoot', {}, row(p.total, null))));
}

// The profile form (#/profiles/new, #/profiles/{id}/edit): a fieldset per
// part of the profile, client-side checks in the order of the form, the
// server's 422 shown beside the field it names, and a version conflict
// offered a reload. The intake from a pasted CV is in intake.js.

import { api, ApiProblem, geography, placeName } from './api.js';
import { h, fill, showError, showStatus, withProgress } from './dom.js';
import { lang, t } from './i18n.js';
import { typeahead } from './typeahead.js';
import {
  PROFILE_STATUSES, field, select, municipalityLabel, searchMunicipalities, searchOccupations, searchSkills,
  occupationNames, displayName, clearInvalid, showProblems, showServerProblem,
} from './common.js';
import { intakeSection } from './intake.js';

const REMOTE_PREFERENCES = ['onsite', 'hybrid', 'remote', 'any'];
const WORK_TIME_PREFERENCES = ['full_time', 'part_time', 'any'];
const CEFR_LEVELS = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'native'];
const EDUCATION_FIELDS = ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10'];
/** Finnish driving licence classes (as matcher/src/references.rs). */
const LICENCE_CLASSES = ['AM120', 'AM121', 'A1', 'A2', 'A', 'B', 'BE', 'C1', 'C1E', 'C', 'CE',
  'D1', 'D1E', 'D', 'DE', 'T'];
/** ISO 639-1 codes the server accepts (matcher/src/references.rs). */
const LANGUAGE_CODES = ('aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co '
  + 'cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi '
  + 'ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw '
  + 'ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc '
  + 'oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv '
  + 'sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu').split(' ');
/** ISO 3166-1 alpha-2 countries but Finland (someone in Finland has a municipality). */
const COUNTRY_CODES = ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL '
  + 'BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ '
  + 'DK DM DO DZ EC EE EG EH ER ES ET FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT '
  + 'GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW '
  + 'KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV '
  + 'MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA '
  + 'RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ '
  + 'TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' ');

/** Options [code, name] sorted by name in the UI language. */
function namedOptions(type, codes) {
  return codes.map((c) => [c, displayName(type, c)])
    .sort((a, b) => a[1].localeCompare(b[1], lang()));
}

function chipList(id, labelKey, items, labelOf, removeKey, onRemove) {
  const ul = h('ul', { id, class: 'chips removable', 'aria-label': t(labelKey) });
  const render = () => fill(ul, items().map((item, i) => h('li', {},
    h('span', { class: 'chip-label' }, labelOf(item)),
    h('button', { type: 'button', class: 'remove', 'aria-label': t(removeKey, { label: labelOf(item) }),
      onclick: () => onRemove(i, item) }, '×'))));
  return { ul, render };
}

// ---------------------------------------------------------------- profile form

let rowKeys = 0;

export async function profileFormPage(view, [id], ctx) {
  const g = await geography();
  const editing = Boolean(id);
  const current = editing ? await withProgress(t('progress.load'), () => api(`/v1/profiles/${id}`)) : null;
  if (editing && !current?.contact) {
    throw new ApiProblem(403, 'forbidden', 'only the managing office may change a profile');
  }
  const names = await occupationNames([...(current?.desired_occupations || []),
    ...(current?.work_history || []).map((w) => w.occupation_uri)]);
  const state = {
    municipality: current?.home_municipality_code || null,
    desired: (current?.desired_occupations || []).map((uri) => ({ uri, label: names.get(uri) })),
    skills: (current?.skills || []).map((s) => ({ uri: s.uri, label: s.label })),
    certificates: [...(current?.certificates || [])],
    history: [],
    languages: [],
  };

  // Contact details.
  const fullName = h('input', { id: 'full-name', type: 'text', required: true, 'aria-required': 'true',
    maxlength: '300', autocomplete: 'off', value: current?.contact.full_name || '' });
  const email = h('input', { id: 'email', type: 'email', maxlength: '300', autocomplete: 'off', value: current?.contact.email || '' });
  const phone = h('input', { id: 'phone', type: 'tel', maxlength: '300', autocomplete: 'off', value: current?.contact.phone || '' });
  const notes = h('textarea', { id: 'notes', rows: '3', maxlength: '20000' });
  notes.value = current?.contact.notes || '';
  const contact = h('fieldset', { id: 'contact-fields', class: 'card' }, h('legend', {}, t('pform.contact')),
    h('p', { class: 'hint' }, t('pform.contact_hint')),
    field('full-name', 'pform.full_name', fullName),
    h('div', { class: 'row' }, field('email', 'pform.email', email), field('phone', 'pform.phone', phone)),
    field('notes', 'pform.notes', notes, 'pform.notes_hint'));

  // Home: a municipality in Finland, or a country abroad.
  const abroadNow = Boolean(current?.abroad_country);
  const inFinland = h('input', { type: 'radio', id: 'lives-finland', name: 'lives', value: 'fi', checked: !abroadNow });
  const inAbroad = h('input', { type: 'radio', id: 'lives-abroad', name: 'lives', value: 'abroad', checked: abroadNow });
  const municipality = h('input', { id: 'home-municipality', type: 'text', 'aria-required': 'true',
    value: state.municipality ? municipalityLabel(g, state.municipality) : '' });
  const country = select('abroad-country', [['', t('pform.choose')], ...namedOptions('region', COUNTRY_CODES)],
    current?.abroad_country || '');
  const municipalityField = field('home-municipality', 'pform.municipality', municipality, 'form.municipality_hint');
  const countryField = field('abroad-country', 'pform.country', country, 'pform.country_hint');
  const home = h('fieldset', { id: 'home-fields', class: 'card' }, h('legend', {}, t('pform.home')),
    h('div', { class: 'radios' },
      h('span', { class: 'check' }, inFinland, h('label', { for: 'lives-finland' }, t('pform.lives_finland'))),
      h('span', { class: 'check' }, inAbroad, h('label', { for: 'lives-abroad' }, t('pform.lives_abroad')))),
    municipalityField, countryField);
  const showHome = () => {
    municipalityField.hidden = inAbroad.checked;
    countryField.hidden = !inAbroad.checked;
  };
  inFinland.addEventListener('change', showHome);
  inAbroad.addEventListener('change', showHome);

  // Mobility.
  const commute = h('input', { id: 'commute', type: 'number', min: '0', max: '1000', step: '1', inputmode: 'numeric',
    value: String(current?.max_commute_km ?? 30) });
  const relocation = select('relocation', ['none', 'regions', 'nationwide'].map((r) => [r, t(`relocation.${r}`)]),
    current?.relocation || 'none');
  const movingTo = new Set(current?.relocation_regions || []);
  const regions = h('fieldset', { id: 'relocation-regions', class: 'regions' },
    h('legend', {}, t('pform.regions')),
    h('div', { class: 'columns' }, g.regions.map((r) => h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: `region-${r.code}`, name: 'region', value: r.code, checked: movingTo.has(r.code) }),
      h('label', { for: `region-${r.code}` }, placeName(r, lang()))))));
  const remotePreference = select('remote-preference', REMOTE_PREFERENCES.map((r) => [r, t(`remote_pref.${r}`)]),
    current?.remote_preference || 'any');
  const mobility = h('fieldset', { id: 'mobility-fields', class: 'card' }, h('legend', {}, t('pform.mobility')),
    h('div', { class: 'row' },
      field('commute', 'pform.commute', commute, 'pform.commute_hint'),
      field('relocation', 'pform.relocation', relocation),
      field('remote-preference', 'pform.remote', remotePreference)),
    regions);
  const showRegions = () => { regions.hidden = relocation.value !== 'regions'; };
  relocation.addEventListener('change', showRegions);

  // Desired occupations.
  const desiredInput = h('input', { id: 'desired-occupations', type: 'text' });
  const desiredChips = chipList('desired-chips', 'pform.desired_chosen', () => state.desired, (d) => d.label,
    'pform.remove_occupation', (i, d) => {
      state.desired.splice(i, 1);
      desiredChips.render();
      showStatus(t('pform.removed', { label: d.label }));
      desiredInput.focus();
    });
  const addDesired = (uri, label) => {
    if (state.desired.some((d) => d.uri === uri)) return false;
    state.desired.push({ uri, label });
    desiredChips.render();
    return true;
  };

  // Work history rows.
  const historyRows = h('ul', { id: 'work-history-rows', class: 'rows plain' });
  const addHistoryButton = h('button', { type: 'button', id: 'add-work-history', class: 'secondary' }, t('pform.add_history'));
  function addHistory(entry, focus) {
    const key = ++rowKeys;
    const row = { key, uri: entry.occupation_uri || null, label: entry.label || names.get(entry.occupation_uri) || '' };
    const occ = h('input', { id: `wh-occ-${key}`, type: 'text', value: row.label });
    const title = h('input', { id: `wh-title-${key}`, type: 'text', maxlength: '300', 'aria-required': 'true', value: entry.title || '' });
    const years = h('input', { id: `wh-years-${key}`, type: 'number', min: '0', max: '60', step: '0.5',
      value: entry.years === undefined || entry.years === null ? '' : String(entry.years) });
    row.inputs = { occ, title, years };
    const remove = h('button', { type: 'button', class: 'remove secondary', id: `wh-remove-${key}` }, t('pform.remove_row'));
    const li = h('li', { class: 'row-item card', id: `wh-row-${key}` },
      h('div', { class: 'row' },
        field(`wh-occ-${key}`, 'pform.history_occupation', occ),
        field(`wh-title-${key}`, 'pform.history_title', title),
        field(`wh-years-${key}`, 'pform.history_years', years)),
      remove);
    historyRows.append(li);
    state.history.push(row);
    typeahead(occ, {
      search: searchOccupations,
      onSelect: (o) => {
        row.uri = o.value;
        row.label = o.label;
        if (!title.value.trim()) title.value = o.label;
      },
    });
    occ.addEventListener('input', () => { if (occ.value.trim() !== row.label) row.uri = null; });
    remove.setAttribute('aria-label', t('pform.remove_history', { n: state.history.indexOf(row) + 1 }));
    remove.addEventListener('click', () => {
      const i = state.history.indexOf(row);
      state.history.splice(i, 1);
      li.remove();
      showStatus(t('pform.row_removed'));
      (state.history[i]?.inputs.occ || addHistoryButton).focus();
    });
    if (focus) occ.focus();
    return row;
  }
  addHistoryButton.addEventListener('click', () => addHistory({}, true));

  // Skills.
  const skillsInput = h('input', { id: 'profile-skills-input', type: 'text' });
  const skillChips = chipList('profile-skill-chips', 'form.selected_skills', () => state.skills, (s) => s.label,
    'form.remove_skill', (i, s) => {
      state.skills.splice(i, 1);
      skillChips.render();
      showStatus(t('form.skill_removed', { label: s.label }));
      skillsInput.focus();
    });
  const addSkill = (uri, label) => {
    if (state.skills.some((s) => s.uri === uri)) return false;
    state.skills.push({ uri, label });
    skillChips.render();
    return true;
  };

  // Education.
  const educationLevel = select('education-level', [['', t('pform.not_given')],
    ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => [String(n), `${n} – ${t(`isced.${n}`)}`])],
  current?.education_level === null || current?.education_level === undefined ? '' : String(current.education_level));
  const educationField = select('education-field', [['', t('pform.not_given')],
    ...EDUCATION_FIELDS.map((f) => [f, `${f} – ${t(`edfield.${f}`)}`])], current?.education_field || '');

  // Languages.
  const languageRows = h('ul', { id: 'language-rows', class: 'rows plain' });
  const addLanguageButton = h('button', { type: 'button', id: 'add-language', class: 'secondary' }, t('pform.add_language'));
  const languageOptions = namedOptions('language', LANGUAGE_CODES);
  function addLanguage(entry, focus) {
    const key = ++rowKeys;
    const code = select(`lang-code-${key}`, [['', t('pform.choose')], ...languageOptions], entry.language || '');
    const level = select(`lang-level-${key}`, CEFR_LEVELS.map((l) => [l, t(`cefr.${l}`)]), entry.level || 'b1');
    const row = { key, inputs: { code, level } };
    const remove = h('button', { type: 'button', class: 'remove secondary', id: `lang-remove-${key}` }, t('pform.remove_row'));
    const li = h('li', { class: 'row-item', id: `lang-row-${key}` },
      h('div', { class: 'row' },
        field(`lang-code-${key}`, 'pform.language', code),
        field(`lang-level-${key}`, 'pform.level', level)),
      remove);
    remove.addEventListener('click', () => {
      const i = state.languages.indexOf(row);
      state.languages.splice(i, 1);
      li.remove();
      showStatus(t('pform.row_removed'));
      (state.languages[i]?.inputs.code || addLanguageButton).focus();
    });
    const label = () => remove.setAttribute('aria-label', t('pform.remove_language', {
      language: code.value ? displayName('language', code.value) : t('pform.row_n', { n: state.languages.indexOf(row) + 1 }) }));
    code.addEventListener('change', label);
    languageRows.append(li);
    state.languages.push(row);
    label();
    if (focus) code.focus();
    return row;
  }
  addLanguageButton.addEventListener('click', () => addLanguage({}, true));

  // Licences and certificates.
  const held = new Set(current?.licences || []);
  const licences = h('fieldset', { id: 'licences', class: 'licences' }, h('legend', {}, t('pform.licences')),
    h('div', { class: 'licence-grid' }, LICENCE_CLASSES.map((c) => h('span', { class: 'check' },
      h('input', { type: 'checkbox', id: `licence-${c}`, name: 'licence', value: c, checked: held.has(c) }),
      h('label', { for: `licence-${c}` }, c)))));
  const certificateInput = h('input', { id: 'certificate-input', type: 'text', maxlength: '300' });
  const certificateChips = chipList('certificate-chips', 'pform.certificates_chosen', () => state.certificates, (c) => c,
    'pform.remove_certificate', (i, c) => {
      state.certificates.splice(i, 1);
      certificateChips.render();
      showStatus(t('pform.removed', { label: c }));
      certificateInput.focus();
    });
  const addCertificate = (name) => {
    const text = name.trim();
    if (!text || state.certificates.some((c) => c.toLowerCase() === text.toLowerCase())) return false;
    state.certificates.push(text);
    certificateChips.render();
    return true;
  };
  const addCertificateButton = h('button', { type: 'button', id: 'add-certificate', class: 'secondary' }, t('pform.add_certificate'));
  const takeCertificate = () => {
    if (addCertificate(certificateInput.value)) showStatus(t('pform.added', { label: certificateInput.value.trim() }));
    certificateInput.value = '';
    certificateInput.focus();
  };
  addCertificateButton.addEventListener('click', takeCertificate);
  certificateInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      takeCertificate();
    }
  });

  // Work, availability, consent, status.
  const workTime = select('work-time-preference', WORK_TIME_PREFERENCES.map((w) => [w, t(`work_time.${w}`)]),
    current?.work_time_preference || 'any');
  const availableFrom = h('input', { id: 'available-from', type: 'date', value: current?.available_from || '' });
  const consentBox = h('input', { id: 'consent-agencies', type: 'checkbox', checked: Boolean(current?.consent_agencies) });
  const originalExpiry = current?.consent_expires_at || null;
  const consentUntil = h('input', { id: 'consent-expires', type: 'date', value: originalExpiry ? originalExpiry.slice(0, 10) : '' });
  const status = select('profile-status', PROFILE_STATUSES.map((s) => [s, t(`status.${s}`)]), current?.status || 'active');

  const save = h('button', { type: 'submit', id: 'save-profile' }, t(editing ? 'form.save' : 'pform.create'));
  const conflict = h('section', { id: 'conflict', class: 'card conflict', role: 'alert', hidden: true });
  const form = h('form', { id: 'profile-form', novalidate: true },
    conflict,
    contact,
    home,
    mobility,
    h('fieldset', { id: 'occupation-fields', class: 'card' }, h('legend', {}, t('pform.occupations')),
      field('desired-occupations', 'pform.desired', desiredInput, 'pform.desired_hint'),
      desiredChips.ul,
      h('h3', { id: 'work-history-title' }, t('profile.work_history')),
      historyRows, addHistoryButton),
    h('fieldset', { id: 'skill-fields', class: 'card' }, h('legend', {}, t('profile.skills')),
      field('profile-skills-input', 'pform.skills', skillsInput, 'form.skills_hint'),
      skillChips.ul),
    h('fieldset', { id: 'education-fields', class: 'card' }, h('legend', {}, t('pform.education')),
      h('div', { class: 'row' },
        field('education-level', 'pform.education_level', educationLevel),
        field('education-field', 'pform.education_field', educationField))),
    h('fieldset', { id: 'language-fields', class: 'card' }, h('legend', {}, t('profile.languages')),
      languageRows, addLanguageButton),
    h('fieldset', { id: 'licence-fields', class: 'card' }, h('legend', {}, t('pform.qualifications')),
      licences,
      field('certificate-input', 'pform.certificate', certificateInput, 'pform.certificate_hint'),
      addCertificateButton, certificateChips.ul),
    h('fieldset', { id: 'availability-fields', class: 'card' }, h('legend', {}, t('pform.availability')),
      h('div', { class: 'row' },
        field('work-time-preference', 'profile.work_time', workTime),
        field('available-from', 'profile.available', availableFrom),
        field('profile-status', 'profile.status', status))),
    h('fieldset', { id: 'consent-fields', class: 'card' }, h('legend', {}, t('profile.consent')),
      h('div', { class: 'check' }, consentBox, h('label', { for: 'consent-agencies' }, t('pform.consent'))),
      field('consent-expires', 'pform.consent_until', consentUntil, 'pform.consent_until_hint')),
    h('div', { class: 'actions' }, save,
      h('a', { href: editing ? `#/profiles/${id}` : '#/profiles' }, t('form.cancel'))));

  const title = editing ? t('pform.edit_title', { name: current.contact.full_name }) : t('pform.new_title');
  const intake = intakeSection({
    open: !editing,
    acceptOccupation: (s, where) => {
      if (where === 'desired') return addDesired(s.uri, s.label) ? () => {
        const i = state.desired.findIndex((d) => d.uri === s.uri);
        if (i >= 0) state.desired.splice(i, 1);
        desiredChips.render();
      } : null;
      const row = addHistory({ occupation_uri: s.uri, label: s.label, title: s.label, years: s.years ?? '' }, false);
      return () => {
        const i = state.history.indexOf(row);
        if (i >= 0) {
          state.history.splice(i, 1);
          document.getElementById(`wh-row-${row.key}`)?.remove();
        }
      };
    },
    acceptSkill: (s) => (addSkill(s.uri, s.label) ? () => {
      const i = state.skills.findIndex((k) => k.uri === s.uri);
      if (i >= 0) state.skills.splice(i, 1);
      skillChips.render();
    } : null),
    acceptLanguage: (s) => {
      const existing = state.languages.find((l) => l.inputs.code.value === s.language);
      if (existing) {
        const before = existing.inputs.level.value;
        existing.inputs.level.value = s.level || before;
        return () => { existing.inputs.level.value = before; };
      }
      const row = addLanguage({ language: s.language, level: s.level || 'b1' }, false);
      return () => {
        const i = state.languages.indexOf(row);
        if (i >= 0) {
          state.languages.splice(i, 1);
          document.getElementById(`lang-row-${row.key}`)?.remove();
        }
      };
    },
    acceptLicence: (s) => {
      const box = document.getElementById(`licence-${s.class}`);
      if (!box || box.checked) return null;
      box.checked = true;
      return () => { box.checked = false; };
    },
    acceptCertificate: (s) => (addCertificate(s.name) ? () => {
      const i = state.certificates.indexOf(s.name.trim());
      if (i >= 0) state.certificates.splice(i, 1);
      certificateChips.render();
    } : null),
  });
  fill(view,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/profiles' }, t('nav.profiles'))),
    h('h1', {}, title),
    h('p', { class: 'lead' }, t('pform.intro')),
    intake, form);

  showHome();
  showRegions();
  desiredChips.render();
  skillChips.render();
  certificateChips.render();
  for (const w of current?.work_history || []) addHistory(w, false);
  for (const l of current?.languages || []) addLanguage(l, false);

  typeahead(municipality, { search: searchMunicipalities, onSelect: (o) => { state.municipality = o.value; } });
  municipality.addEventListener('input', () => { state.municipality = null; });
  typeahead(desiredInput, {
    keepText: false,
    search: searchOccupations,
    onSelect: (o) => { if (addDesired(o.value, o.label)) showStatus(t('pform.added', { label: o.label })); },
  });
  typeahead(skillsInput, {
    keepText: false,
    search: searchSkills,
    onSelect: (o) => { if (addSkill(o.value, o.label)) showStatus(t('form.skill_added', { label: o.label })); },
  });

  /** Client-side checks, in the order of the form: [element, message]. */
  function problems() {
    const found = [];
    if (!fullName.value.trim()) found.push([fullName, t('pform.name_required')]);
    if (email.value.trim() && email.validity.typeMismatch) found.push([email, t('pform.email_invalid')]);
    if (inAbroad.checked) {
      if (!country.value) found.push([country, t('pform.country_required')]);
    } else if (!state.municipality) {
      found.push([municipality, t(municipality.value.trim() ? 'pform.municipality_choose' : 'pform.municipality_required')]);
    }
    const km = Number(commute.value);
    if (commute.value.trim() === '' || !Number.isInteger(km) || km < 0 || km > 1000) {
      found.push([commute, t('pform.commute_range')]);
    }
    if (relocation.value === 'regions' && !regions.querySelector('input:checked')) {
      found.push([regions, t('pform.regions_required')]);
    }
    for (const row of state.history) {
      const { occ, title: rowTitle, years } = row.inputs;
      if (occ.value.trim() && !row.uri) found.push([occ, t('pform.occupation_choose')]);
      if (!rowTitle.value.trim() && !row.label) found.push([rowTitle, t('pform.history_title_required')]);
      const y = Number(years.value);
      if (years.value.trim() === '' || !Number.isFinite(y) || y < 0 || y > 60) found.push([years, t('pform.years_range')]);
    }
    const seen = new Set();
    for (const row of state.languages) {
      const code = row.inputs.code.value;
      if (!code) found.push([row.inputs.code, t('pform.language_required')]);
      else if (seen.has(code)) found.push([row.inputs.code, t('pform.language_twice')]);
      seen.add(code);
    }
    return found;
  }

  /** The profile as the form has it (POST body; PATCH sends what differs). */
  function body() {
    const date = consentUntil.value;
    let expires = null;
    if (date) expires = originalExpiry && originalExpiry.slice(0, 10) === date ? originalExpiry : `${date}T23:59:59`;
    const optional = (input) => input.value.trim() || null;
    return {
      contact: { full_name: fullName.value.trim(), email: optional(email), phone: optional(phone), notes: notes.value.trim() ? notes.value : null },
      home_municipality_code: inAbroad.checked ? null : state.municipality,
      abroad_country: inAbroad.checked ? country.value : null,
      max_commute_km: Number(commute.value),
      relocation: relocation.value,
      relocation_regions: relocation.value === 'regions'
        ? [...regions.querySelectorAll('input:checked')].map((c) => c.value) : [],
      remote_preference: remotePreference.value,
      desired_occupations: state.desired.map((d) => d.uri),
      work_history: state.history.map((row) => ({
        occupation_uri: row.uri,
        title: row.inputs.title.value.trim() || row.label,
        years: Number(row.inputs.years.value),
      })),
      skills: state.skills.map((s) => ({ uri: s.uri, label: s.label })),
      education_level: educationLevel.value === '' ? null : Number(educationLevel.value),
      education_field: educationField.value || null,
      languages: state.languages.map((row) => ({ language: row.inputs.code.value, level: row.inputs.level.value })),
      licences: LICENCE_CLASSES.filter((c) => document.getElementById(`licence-${c}`)?.checked),
      certificates: [...state.certificates],
      work_time_preference: workTime.value,
      available_from: availableFrom.value || null,
      consent_agencies: consentBox.checked,
      consent_expires_at: expires,
      status: status.value,
    };
  }

  /** The control a server `field` path names ("work_history[2].years"). */
  function controlFor(path) {
    const m = path.match(/^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?/);
    if (!m) return null;
    const [, top, index, sub] = m;
    const i = index === undefined ? null : Number(index);
    const byTop = {
      contact: { full_name: fullName, email, phone, notes }[sub] || fullName,
      home_municipality_code: inAbroad.checked ? inFinland : municipality,
      abroad_country: inAbroad.checked ? country : inAbroad,
      max_commute_km: commute,
      relocation,
      relocation_regions: relocation.value === 'regions' ? regions : relocation,
      remote_preference: remotePreference,
      desired_occupations: desiredInput,
      skills: skillsInput,
      education_level: educationLevel,
      education_field: educationField,
      licences,
      certificates: certificateInput,
      work_time_preference: workTime,
      available_from: availableFrom,
      consent_agencies: consentBox,
      consent_expires_at: consentUntil,
      status,
    };
    if (top === 'work_history') {
      const row = i === null ? null : state.history[i];
      if (!row) return addHistoryButton;
      return { occupation_uri: row.inputs.occ, title: row.inputs.title, years: row.inputs.years }[sub] || row.inputs.title;
    }
    if (top === 'languages') {
      const row = i === null ? null : state.languages[i];
      if (!row) return addLanguageButton;
      return sub === 'level' ? row.inputs.level : row.inputs.code;
    }
    return byTop[top] || null;
  }

  function showConflict() {
    fill(conflict, h('h2', { id: 'conflict-title', tabindex: '-1' }, t('pform.conflict_title')),
      h('p', {}, t('pform.conflict_text')),
      h('p', { class: 'hint' }, t('pform.conflict_hint')),
      h('button', { type: 'button', id: 'conflict-reload', onclick: async () => {
        await ctx.rerender();
        showStatus(t('pform.reloaded'));
        document.querySelector('#view h1')?.focus();
      } }, t('pform.reload')));
    conflict.hidden = false;
    conflict.querySelector('h2').focus();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearInvalid(form);
    conflict.hidden = true;
    showError('');
    if (showProblems(problems())) return;
    let payload = body();
    if (editing) {
      const changed = { version: current.version };
      for (const [key, value] of Object.entries(payload)) {
        if (JSON.stringify(value) !== JSON.stringify(current[key] ?? null)) changed[key] = value;
      }
      payload = changed;
    }
    save.disabled = true;
    try {
      const saved = await withProgress(t('progress.save'), () => api(editing ? `/v1/profiles/${id}` : '/v1/profiles', {
        method: editing ? 'PATCH' : 'POST', body: payload,
      }));
      ctx.flash(t(editing ? 'pform.saved' : 'pform.created', { name: saved.contact?.full_name || saved.pseudonym }));
      ctx.go(`#/profiles/${saved.id}`);
    } catch (err) {
      save.disabled = false;
      if (err.status === 409 || err.code === 'conflict' || err.code === 'version_conflict') {
        showConflict();
        return;
      }
      showServerProblem(err, controlFor);
    }
  });
}

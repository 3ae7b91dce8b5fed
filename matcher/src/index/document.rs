//! Vacancies and profiles as index documents. Only matching fields go in:
//! a profile's contact details never do, and no protected attribute exists.

use chrono::{NaiveDate, NaiveDateTime};
use tantivy::{DateTime, TantivyDocument};

use super::analysis::Analyzers;
use super::schema::IndexSchema;
use crate::domain::{JobseekerProfile, LanguageLevel, LanguageSkill, Vacancy};
use crate::geography::Geography;
use crate::records::{required_skills, ProfileRecord, Record, VacancyRecord};
use crate::taxonomy::{Lang, Taxonomy};

/// Stands for "no end" in date fields that filter on expiry (tantivy keeps
/// dates as i64 nanoseconds, which end in 2262).
pub const FAR_FUTURE: NaiveDate = match NaiveDate::from_ymd_opt(2200, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The upsert key of a vacancy.
pub fn vacancy_key(id: i64) -> String {
    format!("vacancy:{id}")
}

/// The upsert key of a profile.
pub fn profile_key(id: i64) -> String {
    format!("profile:{id}")
}

fn date_time(t: NaiveDateTime) -> DateTime {
    let far = FAR_FUTURE
        .and_hms_opt(0, 0, 0)
        .map_or(0, |f| f.and_utc().timestamp());
    DateTime::from_timestamp_secs(t.and_utc().timestamp().clamp(-far, far))
}

fn date(d: NaiveDate) -> DateTime {
    d.and_hms_opt(0, 0, 0).map_or(DateTime::MIN, date_time)
}

fn lang_of(code: &str) -> Option<Lang> {
    code.parse().ok()
}

/// Language ladder terms: Finnish at B2 gives fi:a1, fi:a2, fi:b1, fi:b2.
pub fn language_terms(skill: &LanguageSkill) -> Vec<String> {
    let lang = skill.language.to_ascii_lowercase();
    LanguageLevel::ALL
        .iter()
        .take_while(|l| **l != skill.level)
        .chain(std::iter::once(&skill.level))
        .map(|l| format!("{lang}:{l}"))
        .collect()
}

/// The term a requirement of `skill` (at least that level) matches.
pub fn language_requirement_term(skill: &LanguageSkill) -> String {
    format!("{}:{}", skill.language.to_ascii_lowercase(), skill.level)
}

/// Licence classes and certificates as terms: trimmed, lower case.
pub fn normalise_term(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// ISCO codes of a unit group at all four levels.
fn isco_levels(code: &str) -> impl Iterator<Item = &str> {
    (1..=code.len().min(4)).map(move |n| &code[..n])
}

struct Builder<'a> {
    s: &'a IndexSchema,
    doc: TantivyDocument,
}

impl Builder<'_> {
    fn text(&mut self, field: tantivy::schema::Field, value: &str) {
        if !value.is_empty() {
            self.doc.add_text(field, value);
        }
    }

    fn place(
        &mut self,
        geography: &Geography,
        code: Option<&str>,
        lat: Option<f64>,
        lon: Option<f64>,
    ) {
        let municipality = code.and_then(|c| geography.municipality(c));
        if let Some(m) = municipality {
            self.doc.add_text(self.s.municipality, &m.code);
            self.doc.add_text(self.s.sub_region, &m.sub_region_code);
            self.doc.add_text(self.s.region, &m.region_code);
        } else if let Some(c) = code {
            self.doc.add_text(self.s.municipality, c);
        }
        let coordinates = match (lat, lon) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            _ => municipality.map(|m| (m.lat, m.lon)),
        };
        if let Some((lat, lon)) = coordinates {
            self.doc.add_f64(self.s.lat, lat);
            self.doc.add_f64(self.s.lon, lon);
        }
    }

    /// An occupation's URI, ISCO codes and labels in every language.
    fn occupation(&mut self, taxonomy: &Taxonomy, uri: &str, experience: bool) {
        let (uri_field, isco_field) = if experience {
            (self.s.experience_occupation, self.s.experience_isco)
        } else {
            (self.s.occupation, self.s.isco)
        };
        self.doc.add_text(uri_field, uri);
        if let Some(occupation) = taxonomy.occupation_by_uri(uri) {
            for code in isco_levels(&occupation.isco_code) {
                self.doc.add_text(isco_field, code);
            }
            for lang in &Lang::ALL {
                if let Some(label) = occupation.labels.exact(*lang) {
                    self.doc.add_text(self.s.title_field(*lang), label);
                }
            }
        }
    }

    /// A skill's label in every language the taxonomy has (or the free text).
    fn skill_text(&mut self, taxonomy: &Taxonomy, uri: Option<&str>, label: &str, lang: Lang) {
        match uri.and_then(|u| taxonomy.skill_by_uri(u)) {
            Some(skill) => {
                for l in &Lang::ALL {
                    if let Some(label) = skill.labels.exact(*l) {
                        self.doc.add_text(self.s.body_field(*l), label);
                    }
                }
            }
            None => self.text(self.s.body_field(lang), label),
        }
    }
}

/// The index document of a vacancy.
pub fn vacancy_document(
    s: &IndexSchema,
    v: &Vacancy,
    taxonomy: &Taxonomy,
    geography: &Geography,
    analyzers: &mut Analyzers,
) -> TantivyDocument {
    let terms = analyzers.vacancy_terms(taxonomy, v);
    let record = Record::Vacancy(VacancyRecord::new(v, taxonomy, geography, &terms));
    let d = &v.draft;
    let mut b = Builder {
        s,
        doc: TantivyDocument::default(),
    };
    let lang = lang_of(&d.ad_language).unwrap_or(Lang::Fi);
    b.doc.add_text(s.doc_key, vacancy_key(v.id.0));
    b.doc.add_text(s.kind, "vacancy");
    b.doc.add_bytes(s.record, &record.to_json());
    b.doc.add_u64(s.id, v.id.0 as u64);
    b.doc.add_i64(s.version, v.version);
    b.doc.add_u64(s.owner_org, d.owner_org.0 as u64);
    b.doc.add_text(s.visibility, d.visibility.as_str());
    for agency in &d.shared_with {
        b.doc.add_u64(s.shared_with, agency.0 as u64);
    }
    b.doc.add_text(s.status, d.status.as_str());
    if let Some(uri) = &d.occupation_uri {
        b.occupation(taxonomy, uri, false);
    } else if let Some(code) = &d.isco_code {
        for code in isco_levels(code) {
            b.doc.add_text(s.isco, code);
        }
    }
    // The skills the scorer asks for: the coded ones, or the occupation's.
    for (skill, essential) in required_skills(taxonomy, v) {
        let field = if essential {
            s.skill_essential
        } else {
            s.skill_nice
        };
        b.doc.add_text(field, &taxonomy.skill(skill).uri);
    }
    for skill in &d.skills {
        if let Some(uri) = &skill.skill.uri {
            if taxonomy.skill_idx(uri).is_none() {
                // A URI the taxonomy does not know is still a term to find.
                let field = match skill.importance {
                    crate::domain::SkillImportance::Essential => s.skill_essential,
                    crate::domain::SkillImportance::NiceToHave => s.skill_nice,
                };
                b.doc.add_text(field, uri);
            }
        }
        b.skill_text(
            taxonomy,
            skill.skill.uri.as_deref(),
            &skill.skill.label,
            lang,
        );
    }
    b.place(geography, d.municipality_code.as_deref(), d.lat, d.lon);
    b.doc.add_text(s.work_time, d.work_time.as_str());
    b.doc.add_text(s.remote, d.remote.as_str());
    b.doc.add_text(s.contract_type, d.contract_type.as_str());
    for req in &d.languages {
        let term = language_requirement_term(&req.value);
        b.doc.add_text(s.language, &term);
        if req.hard {
            b.doc.add_text(s.language_hard, &term);
        }
    }
    for req in &d.licences {
        let term = normalise_term(&req.value);
        b.doc.add_text(s.licence, &term);
        if req.hard {
            b.doc.add_text(s.licence_hard, &term);
        }
    }
    for req in &d.certificates {
        let term = normalise_term(&req.value);
        b.doc.add_text(s.certificate, &term);
        if req.hard {
            b.doc.add_text(s.certificate_hard, &term);
        }
    }
    b.doc.add_text(s.ad_language, &d.ad_language);
    b.doc.add_u64(s.positions, d.positions.max(0) as u64);
    if let Some(min) = d.salary_min_eur {
        b.doc.add_u64(s.salary_min, min.max(0) as u64);
    }
    if let Some(max) = d.salary_max_eur {
        b.doc.add_u64(s.salary_max, max.max(0) as u64);
    }
    b.doc.add_date(s.created_at, date_time(v.created_at));
    b.doc.add_date(s.updated_at, date_time(v.updated_at));
    b.doc.add_date(
        s.expires_at,
        d.expires_at.map_or(date(FAR_FUTURE), date_time),
    );
    if let Some(start) = d.start_date {
        b.doc.add_date(s.start_date, date(start));
    }
    b.doc.add_text(s.title, &d.title);
    b.text(s.title_field(lang), &d.title);
    b.text(s.body_field(lang), &d.description);
    if let Some(employer) = &d.employer_name {
        b.text(s.body_field(lang), employer);
    }
    b.doc
}

/// The index document of a jobseeker profile: matching fields only.
pub fn profile_document(
    s: &IndexSchema,
    p: &JobseekerProfile,
    taxonomy: &Taxonomy,
    geography: &Geography,
    analyzers: &mut Analyzers,
) -> TantivyDocument {
    let terms = analyzers.profile_terms(taxonomy, p);
    let record = Record::Profile(ProfileRecord::new(p, taxonomy, geography, &terms));
    let d = &p.draft;
    let mut b = Builder {
        s,
        doc: TantivyDocument::default(),
    };
    b.doc.add_text(s.doc_key, profile_key(p.id.0));
    b.doc.add_text(s.kind, "profile");
    b.doc.add_bytes(s.record, &record.to_json());
    b.doc.add_u64(s.id, p.id.0 as u64);
    b.doc.add_i64(s.version, p.version);
    b.doc.add_u64(s.owner_org, d.managing_org.0 as u64);
    b.doc.add_bool(s.consent_agencies, d.consent_agencies);
    b.doc.add_date(
        s.consent_expires,
        d.consent_expires_at.map_or(date(FAR_FUTURE), date_time),
    );
    b.doc.add_text(s.status, d.status.as_str());
    for uri in &d.desired_occupations {
        b.occupation(taxonomy, uri, false);
    }
    let mut titles = Vec::new();
    for job in &d.work_history {
        if let Some(uri) = &job.occupation_uri {
            b.occupation(taxonomy, uri, true);
        }
        titles.push(job.title.as_str());
    }
    // Skill URIs only: no query reads a profile's skill labels as text
    // (free-text search is over vacancies), and analysing them in three
    // languages was most of a profile's indexing time.
    for skill in &d.skills {
        if let Some(uri) = &skill.uri {
            b.doc.add_text(s.skill, uri);
        }
    }
    b.place(geography, d.home_municipality_code.as_deref(), None, None);
    b.doc.add_text(s.relocation, d.relocation.as_str());
    for region in &d.relocation_regions {
        b.doc.add_text(s.relocation_region, region);
    }
    b.doc
        .add_u64(s.max_commute_km, d.max_commute_km.max(0) as u64);
    b.doc.add_text(s.work_time, d.work_time_preference.as_str());
    b.doc.add_text(s.remote, d.remote_preference.as_str());
    for skill in &d.languages {
        for term in language_terms(skill) {
            b.doc.add_text(s.language, &term);
        }
    }
    for licence in &d.licences {
        b.doc.add_text(s.licence, normalise_term(licence));
    }
    for certificate in &d.certificates {
        b.doc.add_text(s.certificate, normalise_term(certificate));
    }
    b.doc.add_date(s.created_at, date_time(p.created_at));
    b.doc.add_date(s.updated_at, date_time(p.updated_at));
    if let Some(from) = d.available_from {
        b.doc.add_date(s.available_from, date(from));
    }
    b.doc.add_date(s.last_active, date_time(d.last_active_at));
    let title = titles.join(" · ");
    b.doc.add_text(s.title, &title);
    // Work-history titles are free text in any language: each analyzer gets them.
    for lang in &Lang::ALL {
        b.text(s.title_field(*lang), &title);
    }
    b.doc
}

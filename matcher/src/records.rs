//! Match records: the compact form of a vacancy or profile that scoring
//! reads. Each index document stores its record (JSON in the stored field
//! `record`), and the matching engine keeps the records of every live
//! segment in memory, so that scoring a pair touches neither the store nor
//! the document store, and allocates nothing.
//!
//! A record holds only matching fields: a profile's name, contact details
//! and notes never go in, and no protected attribute exists (DESIGN.md
//! invariant 3). Skills and occupations are taxonomy indexes, so a record
//! is only valid with the taxonomy version the index was built with.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::domain::{
    JobseekerProfile, LanguageLevel, ProfileStatus, Relocation, RemoteMode, RemotePreference,
    SkillImportance, Vacancy, VacancyStatus, Visibility, WorkTime, WorkTimePreference,
};
use crate::geography::Geography;
use crate::taxonomy::{SkillIdx, SkillRelationKind, Taxonomy};

/// A listed skill that is not a known ESCO skill.
pub const NO_SKILL: u32 = u32::MAX;

/// No region (unknown municipality, or abroad).
pub const NO_REGION: u16 = u16::MAX;

/// Analysed text of each side, computed once per record by the caller (the
/// ranking code caches them) so that scoring a pair allocates little.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextTerms {
    pub terms: BTreeSet<String>,
}

impl TextTerms {
    pub fn new(terms: impl IntoIterator<Item = String>) -> TextTerms {
        TextTerms {
            terms: terms.into_iter().collect(),
        }
    }

    pub(crate) fn with(mut self, more: Vec<String>) -> TextTerms {
        self.terms.extend(more);
        self
    }
}

/// The skills the scorer asks of a vacancy: its coded ones, or when it has
/// none, its occupation's essential and optional skills.
pub fn required_skills(taxonomy: &Taxonomy, vacancy: &Vacancy) -> Vec<(SkillIdx, bool)> {
    let d = &vacancy.draft;
    let mut required: Vec<(SkillIdx, bool)> = d
        .skills
        .iter()
        .filter_map(|s| {
            let idx = taxonomy.skill_idx(s.skill.uri.as_deref()?)?;
            Some((idx, s.importance == SkillImportance::Essential))
        })
        .collect();
    if required.is_empty() {
        if let Some(o) = d
            .occupation_uri
            .as_deref()
            .and_then(|u| taxonomy.occupation_idx(u))
        {
            required = taxonomy
                .skills_of(o)
                .iter()
                .map(|(s, kind)| (*s, *kind == SkillRelationKind::Essential))
                .collect();
        }
    }
    required.sort();
    required.dedup_by_key(|(s, _)| *s);
    required
}

/// FNV-1a, 64 bits: a stable hash of analysed terms, licence classes and
/// language codes, so that records compare integers, not strings.
pub fn term_hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Licence classes and certificates compare trimmed and in lower case.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The position of a CEFR level on the ladder (A1 = 0).
pub fn level_rank(level: LanguageLevel) -> u8 {
    LanguageLevel::ALL
        .iter()
        .position(|l| *l == level)
        .map_or(0, |p| p as u8)
}

fn secs(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

/// The region index (position in [`Geography::regions`]) of a municipality.
fn region_index(geography: &Geography, municipality: Option<&str>) -> u16 {
    municipality
        .and_then(|c| geography.region_of(c))
        .and_then(|r| region_index_of(geography, &r.code))
        .unwrap_or(NO_REGION)
}

fn region_index_of(geography: &Geography, code: &str) -> Option<u16> {
    geography
        .regions()
        .position(|r| r.code == code)
        .and_then(|i| u16::try_from(i).ok())
}

/// A jobseeker profile as scoring sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileRecord {
    pub id: i64,
    pub active: bool,
    pub consent_agencies: bool,
    /// Unix seconds.
    pub consent_expires: Option<i64>,
    /// Listed skills in listed order; [`NO_SKILL`] for uncoded ones.
    pub skills: Vec<u32>,
    /// Desired occupations (taxonomy indexes, unknown ones dropped).
    pub desired: Vec<u32>,
    /// Work history: (occupation index, years), unknown occupations dropped.
    pub past: Vec<(u32, f64)>,
    /// (hash of the lower-case language code, level rank).
    pub languages: Vec<(u64, u8)>,
    /// Hashes of normalised licence classes and certificates, sorted.
    pub licences: Vec<u64>,
    pub certificates: Vec<u64>,
    pub home: Option<String>,
    pub abroad: Option<String>,
    pub commute_km: i32,
    pub relocation: Relocation,
    pub relocation_regions: Vec<String>,
    pub remote: RemotePreference,
    pub work_time: WorkTimePreference,
    pub available_from: Option<NaiveDate>,
    /// Hashes of the analysed terms of titles and occupation labels, sorted.
    pub terms: Vec<u64>,
    /// Filled by [`ProfileRecord::resolve`]: home coordinates and region.
    #[serde(skip)]
    pub home_at: Option<(f64, f64)>,
    #[serde(skip, default = "no_region")]
    pub home_region: u16,
    /// The home municipality's position in the geography, or
    /// [`NO_MUNICIPALITY`]: `home_at` is its centroid.
    #[serde(skip, default = "no_municipality")]
    pub home_municipality: u16,
    #[serde(skip)]
    pub relocation_region_indexes: Vec<u16>,
}

/// The version of the stored records' shape: an index whose commit names
/// another is rebuilt from the store (`kohtaanto serve` does so on start).
/// 2: vacancies carry positions, creation time and industry.
pub const RECORD_FORMAT: u32 = 2;

fn one() -> u32 {
    1
}

/// No (known) home municipality.
pub const NO_MUNICIPALITY: u16 = u16::MAX;

fn no_municipality() -> u16 {
    NO_MUNICIPALITY
}

fn no_region() -> u16 {
    NO_REGION
}

impl ProfileRecord {
    /// The record of `profile`, with `terms` its analysed text
    /// ([`crate::index::analysis::Analyzers::profile_terms`]).
    pub fn new(
        profile: &JobseekerProfile,
        taxonomy: &Taxonomy,
        geography: &Geography,
        terms: &TextTerms,
    ) -> ProfileRecord {
        let p = &profile.draft;
        let occupation = |u: &str| taxonomy.occupation_idx(u).map(|o| o.0);
        let mut licences: Vec<u64> = p
            .licences
            .iter()
            .map(|l| term_hash(&normalise(l)))
            .collect();
        licences.sort_unstable();
        licences.dedup();
        let mut certificates: Vec<u64> = p
            .certificates
            .iter()
            .map(|c| term_hash(&normalise(c)))
            .collect();
        certificates.sort_unstable();
        certificates.dedup();
        let mut hashed: Vec<u64> = terms.terms.iter().map(|t| term_hash(t)).collect();
        hashed.sort_unstable();
        hashed.dedup();
        let mut record = ProfileRecord {
            id: profile.id.0,
            active: p.status == ProfileStatus::Active,
            consent_agencies: p.consent_agencies,
            consent_expires: p.consent_expires_at.map(secs),
            skills: p
                .skills
                .iter()
                .map(|s| {
                    s.uri
                        .as_deref()
                        .and_then(|u| taxonomy.skill_idx(u))
                        .map_or(NO_SKILL, |i| i.0)
                })
                .collect(),
            desired: p
                .desired_occupations
                .iter()
                .filter_map(|u| occupation(u))
                .collect(),
            past: p
                .work_history
                .iter()
                .filter_map(|w| Some((occupation(w.occupation_uri.as_deref()?)?, w.years)))
                .collect(),
            languages: p
                .languages
                .iter()
                .map(|l| {
                    (
                        term_hash(&l.language.to_ascii_lowercase()),
                        level_rank(l.level),
                    )
                })
                .collect(),
            licences,
            certificates,
            home: p.home_municipality_code.clone(),
            abroad: p.abroad_country.clone(),
            commute_km: p.max_commute_km,
            relocation: p.relocation,
            relocation_regions: p.relocation_regions.clone(),
            remote: p.remote_preference,
            work_time: p.work_time_preference,
            available_from: p.available_from,
            terms: hashed,
            home_at: None,
            home_region: NO_REGION,
            home_municipality: NO_MUNICIPALITY,
            relocation_region_indexes: Vec::new(),
        };
        record.resolve(geography);
        record
    }

    /// Fill in what comes from the geography (after deserialising).
    pub fn resolve(&mut self, geography: &Geography) {
        let home = self.home.as_deref().and_then(|c| geography.municipality(c));
        self.home_at = home.map(|m| (m.lat, m.lon));
        self.home_municipality = self
            .home
            .as_deref()
            .and_then(|c| geography.municipality_index(c))
            .and_then(|i| u16::try_from(i).ok())
            .unwrap_or(NO_MUNICIPALITY);
        self.home_region = region_index(geography, self.home.as_deref());
        self.relocation_region_indexes = self
            .relocation_regions
            .iter()
            .filter_map(|c| region_index_of(geography, c))
            .collect();
    }

    /// Whether an agency may see this profile at `now` (unix seconds).
    pub fn consented_at(&self, now: i64) -> bool {
        self.consent_agencies && self.consent_expires.is_none_or(|e| e > now)
    }

    /// The listed skills that count (the first `limit`), known ones only.
    pub fn counted_skills(&self, limit: usize) -> impl Iterator<Item = SkillIdx> + '_ {
        self.skills
            .iter()
            .take(limit)
            .filter(|s| **s != NO_SKILL)
            .map(|s| SkillIdx(*s))
    }
}

/// A language requirement: (language code, level rank, hard).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageNeed {
    pub language: String,
    pub level: u8,
    pub hard: bool,
    #[serde(skip)]
    pub hash: u64,
}

/// A licence or certificate requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Need {
    pub value: String,
    pub hard: bool,
    #[serde(skip)]
    pub hash: u64,
}

/// A vacancy as scoring sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VacancyRecord {
    pub id: i64,
    pub open: bool,
    /// Unix seconds.
    pub expires: Option<i64>,
    pub visibility: Visibility,
    pub owner: i64,
    pub shared_with: Vec<i64>,
    pub occupation: Option<u32>,
    /// The ISCO unit group: the occupation's, or the coded one.
    pub isco: Option<String>,
    /// [`required_skills`]: (skill, essential), by index.
    pub required: Vec<(u32, bool)>,
    pub languages: Vec<LanguageNeed>,
    pub licences: Vec<Need>,
    pub certificates: Vec<Need>,
    pub municipality: Option<String>,
    /// The workplace: its own coordinates, or its municipality's.
    pub at: Option<(f64, f64)>,
    pub remote: RemoteMode,
    pub work_time: WorkTime,
    pub start: Option<NaiveDate>,
    /// Open positions (the labour-market picture counts these).
    #[serde(default = "one")]
    pub positions: u32,
    /// Unix seconds of creation (days open in the picture).
    #[serde(default)]
    pub created: Option<i64>,
    /// TOL 2008 industry code of the employer, when given.
    #[serde(default)]
    pub industry: Option<String>,
    /// The analysed title terms (and occupation label), sorted.
    pub terms: Vec<String>,
    #[serde(skip)]
    pub term_hashes: Vec<u64>,
    #[serde(skip, default = "no_region")]
    pub region: u16,
}

impl VacancyRecord {
    /// The record of `vacancy`, with `terms` its analysed text
    /// ([`crate::index::analysis::Analyzers::vacancy_terms`]).
    pub fn new(
        vacancy: &Vacancy,
        taxonomy: &Taxonomy,
        geography: &Geography,
        terms: &TextTerms,
    ) -> VacancyRecord {
        let d = &vacancy.draft;
        let occupation = d
            .occupation_uri
            .as_deref()
            .and_then(|u| taxonomy.occupation_idx(u));
        let isco = occupation
            .map(|o| taxonomy.occupation(o).isco_code.clone())
            .or_else(|| d.isco_code.clone());
        let at = match (d.lat, d.lon) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            _ => d
                .municipality_code
                .as_deref()
                .and_then(|c| geography.municipality(c))
                .map(|m| (m.lat, m.lon)),
        };
        let need = |r: &crate::domain::Requirement<String>| Need {
            value: r.value.clone(),
            hard: r.hard,
            hash: 0,
        };
        let mut record = VacancyRecord {
            id: vacancy.id.0,
            open: d.status == VacancyStatus::Open,
            expires: d.expires_at.map(secs),
            visibility: d.visibility,
            owner: d.owner_org.0,
            shared_with: d.shared_with.iter().map(|o| o.0).collect(),
            occupation: occupation.map(|o| o.0),
            isco,
            required: required_skills(taxonomy, vacancy)
                .into_iter()
                .map(|(s, e)| (s.0, e))
                .collect(),
            languages: d
                .languages
                .iter()
                .map(|r| LanguageNeed {
                    language: r.value.language.to_ascii_lowercase(),
                    level: level_rank(r.value.level),
                    hard: r.hard,
                    hash: 0,
                })
                .collect(),
            licences: d.licences.iter().map(need).collect(),
            certificates: d.certificates.iter().map(need).collect(),
            municipality: d.municipality_code.clone(),
            at,
            remote: d.remote,
            work_time: d.work_time,
            start: d.start_date,
            positions: d.positions.max(1) as u32,
            created: Some(secs(vacancy.created_at)),
            industry: d.industry_code.clone(),
            terms: terms.terms.iter().cloned().collect(),
            term_hashes: Vec::new(),
            region: NO_REGION,
        };
        record.resolve(geography);
        record
    }

    /// Fill in the hashes and the region (after deserialising).
    pub fn resolve(&mut self, geography: &Geography) {
        for l in &mut self.languages {
            l.hash = term_hash(&l.language);
        }
        for n in self.licences.iter_mut().chain(self.certificates.iter_mut()) {
            n.hash = term_hash(&normalise(&n.value));
        }
        self.term_hashes = self.terms.iter().map(|t| term_hash(t)).collect();
        self.region = region_index(geography, self.municipality.as_deref());
    }

    /// Whether the vacancy is open and not expired at `now` (unix seconds).
    pub fn open_at(&self, now: i64) -> bool {
        self.open && self.expires.is_none_or(|e| e > now)
    }
}

/// A stored record of either kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Profile(ProfileRecord),
    Vacancy(VacancyRecord),
}

impl Record {
    /// Parse a stored record and resolve it against `geography`.
    pub fn from_json(bytes: &[u8], geography: &Geography) -> Result<Record, serde_json::Error> {
        let mut record: Record = serde_json::from_slice(bytes)?;
        match &mut record {
            Record::Profile(p) => p.resolve(geography),
            Record::Vacancy(v) => v.resolve(geography),
        }
        Ok(record)
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_hash_is_stable_and_distinguishes() {
        // FNV-1a test vectors.
        assert_eq!(term_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(term_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(term_hash("hoitaja"), term_hash("hoitajat"));
    }
}

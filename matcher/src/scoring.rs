//! The exact score of one candidate–vacancy pair, with its explanation.
//!
//! Every feature is a number in [0, 1] with a configured weight; the total is
//! the weighted sum divided by the sum of weights, so it is in [0, 1] too.
//! Hard requirements (language, licence, certificate marked `hard`) and the
//! geographic scope do not score: they decide whether a pair is eligible at
//! all ([`Eligibility`]). The score reads only matching fields: contact
//! details and notes are never looked at, and no protected attribute exists
//! (DESIGN.md invariant 3).
//!
//! The functions here are pure and deterministic: the same pair, taxonomy,
//! geography, term statistics and configuration give the same score.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::{
    JobseekerProfile, LanguageLevel, Relocation, RemoteMode, RemotePreference, Vacancy, WorkTime,
    WorkTimePreference,
};
use crate::geography::{haversine_km, Geography};
use crate::records::{ProfileRecord, TextTerms, VacancyRecord, NO_REGION};
use crate::taxonomy::{OccupationIdx, SkillIdx, Taxonomy};

mod reasons;
#[cfg(test)]
mod tests;

use reasons::{Home, Proximity, Reach, Reason};

/// Feature weights. Only their ratios matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    pub skills: f64,
    pub occupation: f64,
    pub experience: f64,
    pub text: f64,
    pub languages: f64,
    pub licences: f64,
    pub work_time: f64,
    pub geography: f64,
    pub preferences: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            skills: 0.30,
            occupation: 0.20,
            experience: 0.10,
            text: 0.08,
            languages: 0.08,
            licences: 0.05,
            work_time: 0.05,
            geography: 0.08,
            preferences: 0.06,
        }
    }
}

/// Everything that tunes the score. Its [`hash`](ScoringConfig::hash) is
/// logged with every ranking so that a ranking can be replayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoringConfig {
    pub weights: Weights,
    /// Credit for a required skill the candidate has only a related skill of
    /// (ESCO skill–skill relation), or that belongs to an occupation the
    /// candidate has worked in.
    pub related_skill_credit: f64,
    pub past_occupation_skill_credit: f64,
    /// Only this many of a profile's skills count, and a longer list damps
    /// skill coverage by limit / count: listing hundreds of skills buys nothing.
    pub skill_count_limit: usize,
    /// Years of relevant experience that count as full experience.
    pub full_experience_years: f64,
    /// Geography score when the candidate would relocate to the region.
    pub relocation_score: f64,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            weights: Weights::default(),
            related_skill_credit: 0.5,
            past_occupation_skill_credit: 0.35,
            skill_count_limit: 60,
            full_experience_years: 5.0,
            relocation_score: 0.6,
        }
    }
}

impl ScoringConfig {
    /// SHA-256 of the configuration's canonical JSON, hex.
    pub fn hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        hex_lower(&Sha256::digest(json.as_bytes()))
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The features, in the order explanations list them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Skills,
    Occupation,
    Experience,
    Text,
    Languages,
    Licences,
    WorkTime,
    Geography,
    Preferences,
}

impl Feature {
    pub const ALL: [Feature; 9] = [
        Feature::Skills,
        Feature::Occupation,
        Feature::Experience,
        Feature::Text,
        Feature::Languages,
        Feature::Licences,
        Feature::WorkTime,
        Feature::Geography,
        Feature::Preferences,
    ];

    fn weight(self, w: &Weights) -> f64 {
        match self {
            Feature::Skills => w.skills,
            Feature::Occupation => w.occupation,
            Feature::Experience => w.experience,
            Feature::Text => w.text,
            Feature::Languages => w.languages,
            Feature::Licences => w.licences,
            Feature::WorkTime => w.work_time,
            Feature::Geography => w.geography,
            Feature::Preferences => w.preferences,
        }
    }
}

/// One feature's part of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeatureScore {
    pub feature: Feature,
    /// In [0, 1].
    pub value: f64,
    /// Normalised weight (weights sum to 1).
    pub weight: f64,
    /// value × weight: what the feature adds to the total.
    pub contribution: f64,
    /// A sentence a person can read.
    pub reason: String,
}

/// How a pair relates geographically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Mobility {
    pub distance_km: Option<f64>,
    pub within_commute: bool,
    pub willing_to_relocate: bool,
    pub remote: bool,
    pub reason: String,
}

/// A scored pair with everything needed to explain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PairScore {
    pub total: f64,
    pub features: Vec<FeatureScore>,
    /// Labels of required skills the candidate has (exactly).
    pub matched_skills: Vec<String>,
    /// Required skills credited partially (related skill or past occupation).
    pub partial_skills: Vec<String>,
    /// Essential skills the candidate lacks.
    pub missing_essential_skills: Vec<String>,
    pub mobility: Mobility,
}

/// Why a pair is not eligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Ineligible {
    HardLanguage { language: String, level: String },
    HardLicence { licence: String },
    HardCertificate { certificate: String },
    OutOfScope { scope: Scope },
}

/// Which geography makes a pair eligible.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// What each jobseeker's own mobility allows: within the commute radius,
    /// a region they would relocate to, or remote work.
    #[default]
    Mobility,
    /// Within the jobseeker's commute radius (or fully remote).
    Commute,
    /// In the jobseeker's home region, or one they would relocate to.
    Region,
    /// Anywhere.
    Nationwide,
}

impl std::str::FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "mobility" => Ok(Scope::Mobility),
            "commute" => Ok(Scope::Commute),
            "region" => Ok(Scope::Region),
            "nationwide" => Ok(Scope::Nationwide),
            other => Err(format!(
                "unknown scope {other:?} (mobility, commute, region or nationwide)"
            )),
        }
    }
}

/// Inverse document frequencies of analysed text terms (from the index).
pub trait TermStats {
    fn idf(&self, term: &str) -> f64;
}

/// Every term weighs the same.
#[derive(Debug, Clone, Copy, Default)]
pub struct UniformTerms;

impl TermStats for UniformTerms {
    fn idf(&self, _term: &str) -> f64 {
        1.0
    }
}

/// What the scorer needs besides the pair.
pub struct Scorer<'a> {
    pub taxonomy: &'a Taxonomy,
    pub geography: &'a Geography,
    pub config: &'a ScoringConfig,
    pub terms: &'a dyn TermStats,
    /// The language of explanations: their sentences, and the skill and
    /// place names in them.
    pub lang: crate::taxonomy::Lang,
}

impl std::fmt::Debug for Scorer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scorer")
            .field("config", self.config)
            .finish()
    }
}

/// Credit levels of a required skill, best first: the candidate has it, has
/// a skill ESCO relates to it, or worked in an occupation that has it.
const HAS: u8 = 3;
const RELATED: u8 = 2;
const PAST: u8 = 1;

/// Language fit: 1 at or above the required level, 0.34 less per CEFR step
/// below, 0 without the language.
fn language_fit(language: u64, level: u8, has: &[(u64, u8)]) -> f64 {
    let best = has
        .iter()
        .filter(|(l, _)| *l == language)
        .map(|(_, rank)| *rank)
        .max();
    match best {
        None => 0.0,
        Some(rank) => {
            let gap = i32::from(level) - i32::from(rank);
            if gap <= 0 {
                1.0
            } else {
                (1.0 - 0.34 * f64::from(gap)).max(0.0)
            }
        }
    }
}

/// ISCO proximity of two unit-group codes: 1 same unit, then minor,
/// sub-major, major.
fn isco_proximity(a: &str, b: &str) -> f64 {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    match common {
        4.. => 0.75,
        3 => 0.5,
        2 => 0.25,
        1 => 0.1,
        _ => 0.0,
    }
}

/// Occupation proximity of a vacancy (occupation, ISCO code) to one of the
/// candidate's occupations.
fn proximity(taxonomy: &Taxonomy, vacancy: &VacancyRecord, occupation: u32) -> f64 {
    if vacancy.occupation == Some(occupation) {
        return 1.0;
    }
    match &vacancy.isco {
        Some(theirs) => isco_proximity(
            theirs,
            &taxonomy.occupation(OccupationIdx(occupation)).isco_code,
        ),
        None => 0.0,
    }
}

/// How a pair relates geographically.
#[derive(Debug, Clone, Copy)]
struct Geo {
    distance_km: Option<f64>,
    within_commute: bool,
    willing_to_relocate: bool,
    remote: bool,
    same_region: bool,
}

fn geo(v: &VacancyRecord, p: &ProfileRecord) -> Geo {
    geo_at(v, p, distance(v, p.home_at))
}

fn distance(v: &VacancyRecord, home_at: Option<(f64, f64)>) -> Option<f64> {
    match (home_at, v.at) {
        (Some((lat1, lon1)), Some((lat2, lon2))) => Some(haversine_km(lat1, lon1, lat2, lon2)),
        _ => None,
    }
}

/// [`geo`] with the distance known.
fn geo_at(v: &VacancyRecord, p: &ProfileRecord, distance_km: Option<f64>) -> Geo {
    let in_region = v.region != NO_REGION;
    Geo {
        distance_km,
        within_commute: distance_km.is_some_and(|d| d <= f64::from(p.commute_km.max(0))),
        willing_to_relocate: match p.relocation {
            Relocation::Nationwide => true,
            Relocation::Regions => in_region && p.relocation_region_indexes.contains(&v.region),
            Relocation::None => false,
        },
        remote: v.remote == RemoteMode::Full && p.remote != RemotePreference::Onsite,
        same_region: in_region && v.region == p.home_region,
    }
}

fn in_scope(g: &Geo, scope: Scope) -> bool {
    match scope {
        Scope::Nationwide => true,
        Scope::Mobility => g.remote || g.within_commute || g.willing_to_relocate,
        Scope::Commute => g.remote || g.within_commute,
        Scope::Region => g.remote || g.same_region || g.willing_to_relocate,
    }
}

/// Whether the profile meets every hard requirement (the fast check).
fn meets_hard(v: &VacancyRecord, p: &ProfileRecord) -> bool {
    v.languages
        .iter()
        .filter(|l| l.hard)
        .all(|l| language_fit(l.hash, l.level, &p.languages) >= 1.0)
        && v.licences
            .iter()
            .filter(|n| n.hard)
            .all(|n| p.licences.binary_search(&n.hash).is_ok())
        && v.certificates
            .iter()
            .filter(|n| n.hard)
            .all(|n| p.certificates.binary_search(&n.hash).is_ok())
}

/// The first hard requirement the profile fails, for explanations.
fn hard_requirements(v: &VacancyRecord, p: &ProfileRecord) -> Result<(), Ineligible> {
    if let Some(l) = v
        .languages
        .iter()
        .find(|l| l.hard && language_fit(l.hash, l.level, &p.languages) < 1.0)
    {
        return Err(Ineligible::HardLanguage {
            language: l.language.clone(),
            level: LanguageLevel::ALL
                .get(usize::from(l.level))
                .map(|l| l.to_string())
                .unwrap_or_default(),
        });
    }
    if let Some(n) = v
        .licences
        .iter()
        .find(|n| n.hard && p.licences.binary_search(&n.hash).is_err())
    {
        return Err(Ineligible::HardLicence {
            licence: n.value.clone(),
        });
    }
    if let Some(n) = v
        .certificates
        .iter()
        .find(|n| n.hard && p.certificates.binary_search(&n.hash).is_err())
    {
        return Err(Ineligible::HardCertificate {
            certificate: n.value.clone(),
        });
    }
    Ok(())
}

/// The parts of a pair that depend on how each direction indexes skills,
/// occupations and terms; the rest of the score is computed from the
/// records alone ([`Scorer::values`]).
#[derive(Debug, Clone, Copy, Default)]
struct Parts {
    coverage: f64,
    desired: f64,
    occupation: f64,
    years: f64,
    text: f64,
    terms_found: usize,
}

/// Skill coverage from the credit level of each required skill, in the
/// order of `required`: one function for both directions, so that a pair
/// scores the same whichever side asks.
fn coverage(
    taxonomy: &Taxonomy,
    config: &ScoringConfig,
    required: &[(u32, bool)],
    level: impl Fn(usize, u32) -> u8,
    listed: usize,
) -> f64 {
    let (mut got, mut possible) = (0.0, 0.0);
    for (i, (skill, essential)) in required.iter().enumerate() {
        let weight = taxonomy.skill_rarity(SkillIdx(*skill)) * if *essential { 2.0 } else { 1.0 };
        let credit = match level(i, *skill) {
            HAS => 1.0,
            RELATED => config.related_skill_credit,
            PAST => config.past_occupation_skill_credit,
            _ => 0.0,
        };
        got += weight * credit;
        possible += weight;
    }
    let mut coverage = if possible > 0.0 { got / possible } else { 0.0 };
    if listed > config.skill_count_limit {
        coverage *= config.skill_count_limit as f64 / listed as f64;
    }
    coverage
}

/// Occupation fit: (desired, occupation, years of related experience).
fn occupation_parts(
    desired: impl Iterator<Item = f64>,
    past: impl Iterator<Item = (f64, f64)> + Clone,
) -> (f64, f64, f64) {
    let desired = desired.fold(0.0, f64::max);
    let past_fit = past.clone().map(|(prox, _)| 0.9 * prox).fold(0.0, f64::max);
    let years = past
        .filter(|(prox, _)| *prox >= 0.5)
        .map(|(prox, years)| years.max(0.0) * prox)
        .sum();
    (desired, desired.max(past_fit), years)
}

/// Normalised weights in [`Feature::ALL`] order.
fn normalised_weights(w: &Weights) -> [f64; 9] {
    let sum: f64 = Feature::ALL.iter().map(|f| f.weight(w).max(0.0)).sum();
    Feature::ALL.map(|f| {
        if sum > 0.0 {
            f.weight(w).max(0.0) / sum
        } else {
            0.0
        }
    })
}

fn weighted_total(weights: &[f64; 9], values: &[f64; 9]) -> f64 {
    let mut total = 0.0;
    for (value, weight) in values.iter().zip(weights) {
        total += value.clamp(0.0, 1.0) * weight;
    }
    total
}

fn time_fit(p: &ProfileRecord, v: &VacancyRecord) -> f64 {
    match (p.work_time, v.work_time) {
        (WorkTimePreference::Any, _)
        | (WorkTimePreference::FullTime, WorkTime::FullTime)
        | (WorkTimePreference::PartTime, WorkTime::PartTime) => 1.0,
        _ => 0.3,
    }
}

fn late_days(p: &ProfileRecord, v: &VacancyRecord) -> i64 {
    match (p.available_from, v.start) {
        (Some(available), Some(start)) if available > start => (available - start).num_days(),
        _ => 0,
    }
}

impl Scorer<'_> {
    /// Occupation proximity of the vacancy's occupation to one of the
    /// candidate's: same ESCO occupation 1, same ISCO unit group 0.75,
    /// minor 0.5, sub-major 0.25, major 0.1.
    pub fn occupation_proximity(&self, vacancy: &Vacancy, uri: &str) -> f64 {
        let record = VacancyRecord::new(
            vacancy,
            self.taxonomy,
            self.geography,
            &TextTerms::default(),
        );
        match self.taxonomy.occupation_idx(uri) {
            Some(o) => proximity(self.taxonomy, &record, o.0),
            None => 0.0,
        }
    }

    fn records(
        &self,
        vacancy: &Vacancy,
        profile: &JobseekerProfile,
        vacancy_terms: &TextTerms,
        profile_terms: &TextTerms,
    ) -> (VacancyRecord, ProfileRecord) {
        (
            VacancyRecord::new(vacancy, self.taxonomy, self.geography, vacancy_terms),
            ProfileRecord::new(profile, self.taxonomy, self.geography, profile_terms),
        )
    }

    /// Hard requirements and the geographic scope.
    pub fn eligibility(
        &self,
        vacancy: &Vacancy,
        profile: &JobseekerProfile,
        scope: Scope,
    ) -> Result<(), Ineligible> {
        let empty = TextTerms::default();
        let (v, p) = self.records(vacancy, profile, &empty, &empty);
        record_eligibility(&v, &p, scope)
    }

    /// Distance, commute, relocation and remote work of a pair.
    pub fn mobility(&self, vacancy: &Vacancy, profile: &JobseekerProfile) -> Mobility {
        let empty = TextTerms::default();
        let (v, p) = self.records(vacancy, profile, &empty, &empty);
        self.mobility_of(&v, &p, &geo(&v, &p))
    }

    /// The exact score of a pair, eligible or not (eligibility is checked
    /// apart): the same computation the matching engine runs on records.
    pub fn score(
        &self,
        vacancy: &Vacancy,
        profile: &JobseekerProfile,
        vacancy_terms: &TextTerms,
        profile_terms: &TextTerms,
    ) -> PairScore {
        let (v, p) = self.records(vacancy, profile, vacancy_terms, profile_terms);
        self.candidates_for(&v).explain_any(&p)
    }

    /// Prepared scoring of every candidate of one vacancy.
    pub fn candidates_for<'s>(&'s self, vacancy: &'s VacancyRecord) -> CandidateScoring<'s> {
        CandidateScoring::new(self, vacancy)
    }

    /// Prepared scoring of every vacancy for one jobseeker.
    pub fn vacancies_for<'s>(&'s self, profile: &'s ProfileRecord) -> VacancyScoring<'s> {
        VacancyScoring::new(self, profile)
    }

    fn mobility_of(&self, v: &VacancyRecord, p: &ProfileRecord, g: &Geo) -> Mobility {
        let (geo, lang) = (self.geography, self.lang);
        let municipality = p.home.as_deref().and_then(|c| geo.municipality(c));
        let home = match (municipality, &p.abroad) {
            (Some(m), _) => Home::Municipality(m.name(lang)),
            (None, Some(country)) => Home::Abroad(country),
            (None, None) => Home::Unknown,
        };
        let commute_km = p.commute_km;
        let reach = if g.remote {
            Reach::Remote
        } else if g.within_commute {
            Reach::WithinCommute {
                km: g.distance_km.unwrap_or(0.0),
                commute_km,
            }
        } else if g.willing_to_relocate {
            match p.relocation {
                Relocation::Nationwide => Reach::RelocateAnywhere,
                _ => Reach::RelocateTo(
                    v.municipality
                        .as_deref()
                        .and_then(|c| geo.region_of(c))
                        .map_or("", |r| r.name(lang)),
                ),
            }
        } else {
            match g.distance_km {
                Some(km) => Reach::BeyondCommute { km, commute_km },
                None => Reach::Unknown,
            }
        };
        Mobility {
            distance_km: g.distance_km,
            within_commute: g.within_commute,
            willing_to_relocate: g.willing_to_relocate,
            remote: g.remote,
            reason: Reason::Mobility(home, reach).say(lang),
        }
    }

    /// The total of a pair, `None` when it is not eligible (scope first:
    /// the cheapest test, and the one most pairs fail); `parts` runs only
    /// for eligible pairs.
    fn eligible_total(
        &self,
        weights: &[f64; 9],
        v: &VacancyRecord,
        p: &ProfileRecord,
        scope: Scope,
        parts: impl FnOnce() -> Parts,
    ) -> Option<f64> {
        let g = geo(v, p);
        if !in_scope(&g, scope) || !meets_hard(v, p) {
            return None;
        }
        let parts = parts();
        Some(weighted_total(weights, &self.values(v, p, &parts, &g)))
    }

    /// Every feature's value, in [`Feature::ALL`] order.
    fn values(&self, v: &VacancyRecord, p: &ProfileRecord, parts: &Parts, g: &Geo) -> [f64; 9] {
        let cfg = self.config;
        let languages = if v.languages.is_empty() {
            1.0
        } else {
            v.languages
                .iter()
                .map(|l| language_fit(l.hash, l.level, &p.languages))
                .sum::<f64>()
                / v.languages.len() as f64
        };
        let wanted = v.licences.len() + v.certificates.len();
        let met = v
            .licences
            .iter()
            .filter(|n| p.licences.binary_search(&n.hash).is_ok())
            .count()
            + v.certificates
                .iter()
                .filter(|n| p.certificates.binary_search(&n.hash).is_ok())
                .count();
        let licences = if wanted == 0 {
            1.0
        } else {
            met as f64 / wanted as f64
        };
        let time_fit = time_fit(p, v);
        let start_fit = (1.0 - late_days(p, v) as f64 / 90.0).max(0.0);
        let geography = if g.remote {
            1.0
        } else if g.within_commute {
            let d = g.distance_km.unwrap_or(0.0);
            1.0 - 0.3 * (d / f64::from(p.commute_km.max(1))).min(1.0)
        } else if g.willing_to_relocate {
            cfg.relocation_score
        } else if v.remote == RemoteMode::Hybrid
            && g.distance_km
                .is_some_and(|d| d <= 2.0 * f64::from(p.commute_km.max(0)))
        {
            0.4
        } else {
            0.0
        };
        let wants = if v.occupation.is_some_and(|o| p.desired.contains(&o)) {
            1.0
        } else {
            parts.desired
        };
        let remote_fit = match (p.remote, v.remote) {
            (RemotePreference::Remote, RemoteMode::None) => 0.3,
            (RemotePreference::Onsite, RemoteMode::Full) => 0.3,
            _ => 1.0,
        };
        [
            parts.coverage,
            parts.occupation,
            (parts.years / cfg.full_experience_years).min(1.0),
            parts.text,
            languages,
            licences,
            time_fit * start_fit,
            geography,
            0.6 * wants + 0.2 * time_fit + 0.2 * remote_fit,
        ]
    }

    /// A pair's score with its reasons; `level` gives each required skill's
    /// credit level.
    fn explain(
        &self,
        v: &VacancyRecord,
        p: &ProfileRecord,
        parts: &Parts,
        level: impl Fn(usize, u32) -> u8,
    ) -> PairScore {
        let tax = self.taxonomy;
        let g = geo(v, p);
        let values = self.values(v, p, parts, &g);
        let weights = normalised_weights(&self.config.weights);
        let (mut matched, mut partial, mut missing) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (skill, essential)) in v.required.iter().enumerate() {
            let label = tax.skill(SkillIdx(*skill)).labels.get(self.lang).to_owned();
            match level(i, *skill) {
                HAS => matched.push(label),
                RELATED | PAST => partial.push(label),
                _ if *essential => missing.push(label),
                _ => {}
            }
        }
        let mobility = self.mobility_of(v, p, &g);
        let late = late_days(p, v);
        let reason = |feature: Feature| -> String {
            let said = match feature {
                Feature::Skills if v.required.is_empty() => Reason::NoCodedSkills,
                Feature::Skills => Reason::Skills {
                    matched: matched.len(),
                    required: v.required.len(),
                    partial: partial.len(),
                    missing_essential: missing.len(),
                },
                Feature::Occupation => Reason::Occupation(proximity_level(parts.occupation)),
                Feature::Experience => Reason::Experience { years: parts.years },
                Feature::Text => Reason::TitleTerms {
                    found: parts.terms_found,
                    terms: v.terms.len(),
                },
                Feature::Languages if v.languages.is_empty() => Reason::NoLanguageRequirements,
                Feature::Languages => Reason::Languages {
                    share: values[4].clamp(0.0, 1.0),
                },
                Feature::Licences => {
                    let wanted = v.licences.len() + v.certificates.len();
                    let met = (values[5] * wanted as f64).round() as usize;
                    Reason::Licences { met, wanted }
                }
                Feature::WorkTime if late > 0 => Reason::LateStart { days: late },
                Feature::WorkTime => Reason::WorkTimeFits,
                Feature::Geography => return mobility.reason.clone(),
                Feature::Preferences => Reason::DesiredOccupation {
                    fit: if v.occupation.is_some_and(|o| p.desired.contains(&o)) {
                        1.0
                    } else {
                        parts.desired
                    },
                },
            };
            said.say(self.lang)
        };
        let features = Feature::ALL
            .iter()
            .enumerate()
            .map(|(i, feature)| {
                let value = values[i].clamp(0.0, 1.0);
                FeatureScore {
                    feature: *feature,
                    value,
                    weight: weights[i],
                    contribution: value * weights[i],
                    reason: reason(*feature),
                }
            })
            .collect();
        PairScore {
            total: weighted_total(&weights, &values),
            features,
            matched_skills: matched,
            partial_skills: partial,
            missing_essential_skills: missing,
            mobility,
        }
    }
}

/// Hard requirements and scope of a pair of records.
pub fn record_eligibility(
    v: &VacancyRecord,
    p: &ProfileRecord,
    scope: Scope,
) -> Result<(), Ineligible> {
    hard_requirements(v, p)?;
    if in_scope(&geo(v, p), scope) {
        Ok(())
    } else {
        Err(Ineligible::OutOfScope { scope })
    }
}

/// Scoring prepared for one vacancy: lookups from the candidate's skills
/// and occupations to the vacancy's required skills, occupation proximity
/// and text weights are computed once, so that scoring a candidate is a few
/// binary searches and allocates nothing.
pub struct CandidateScoring<'s> {
    scorer: &'s Scorer<'s>,
    vacancy: &'s VacancyRecord,
    weights: [f64; 9],
    /// (skill, required position) for every skill ESCO relates a required
    /// skill to, sorted.
    related: Vec<(u32, u32)>,
    /// (occupation, required position) for every occupation having a
    /// required skill, sorted.
    past: Vec<(u32, u32)>,
    /// Bitsets of the skills and occupations with an entry above (or a
    /// required skill): most of a profile's are neither, and one bit test
    /// skips their searches.
    skill_bits: Vec<u64>,
    occupation_bits: Vec<u64>,
    /// Proximity of the vacancy to every occupation.
    proximity: Vec<f64>,
    /// (term hash, idf) in the vacancy's term order, and their idf sum.
    terms: Vec<(u64, f64)>,
    total_idf: f64,
    /// Scratch: credit level per required position.
    levels: Vec<u8>,
    /// The distance from every municipality's centroid (a profile's home
    /// location) to the workplace: the same haversine, once per vacancy.
    distances: Vec<Option<f64>>,
}

fn has_bit(bits: &[u64], key: u32) -> bool {
    bits.get(key as usize / 64)
        .is_some_and(|w| w & (1 << (key % 64)) != 0)
}

fn range_of(pairs: &[(u32, u32)], key: u32) -> &[(u32, u32)] {
    let start = pairs.partition_point(|(k, _)| *k < key);
    let end = start + pairs[start..].partition_point(|(k, _)| *k == key);
    &pairs[start..end]
}

impl<'s> CandidateScoring<'s> {
    fn new(scorer: &'s Scorer<'s>, vacancy: &'s VacancyRecord) -> CandidateScoring<'s> {
        let tax = scorer.taxonomy;
        let mut related = Vec::new();
        let mut past = Vec::new();
        for (pos, (skill, _)) in vacancy.required.iter().enumerate() {
            let pos = pos as u32;
            for (r, _) in tax.related_skills(SkillIdx(*skill)) {
                related.push((r.0, pos));
            }
            for (o, _) in tax.occupations_with_skill(SkillIdx(*skill)) {
                past.push((o.0, pos));
            }
        }
        related.sort_unstable();
        past.sort_unstable();
        let bits = |len: usize, keys: &mut dyn Iterator<Item = u32>| {
            let mut bits = vec![0u64; len.div_ceil(64)];
            for k in keys {
                if let Some(word) = bits.get_mut(k as usize / 64) {
                    *word |= 1 << (k % 64);
                }
            }
            bits
        };
        let skill_bits = bits(
            tax.skill_count(),
            &mut related
                .iter()
                .map(|(k, _)| *k)
                .chain(vacancy.required.iter().map(|(k, _)| *k)),
        );
        let occupation_bits = bits(tax.occupation_count(), &mut past.iter().map(|(k, _)| *k));
        let proximity = (0..tax.occupation_count() as u32)
            .map(|o| proximity(tax, vacancy, o))
            .collect();
        let terms: Vec<(u64, f64)> = vacancy
            .terms
            .iter()
            .zip(&vacancy.term_hashes)
            .map(|(t, h)| (*h, scorer.terms.idf(t)))
            .collect();
        let total_idf = terms.iter().map(|(_, idf)| idf).sum();
        CandidateScoring {
            scorer,
            vacancy,
            weights: normalised_weights(&scorer.config.weights),
            related,
            past,
            skill_bits,
            occupation_bits,
            proximity,
            terms,
            total_idf,
            levels: vec![0; vacancy.required.len()],
            distances: scorer
                .geography
                .municipalities()
                .map(|m| distance(vacancy, Some((m.lat, m.lon))))
                .collect(),
        }
    }

    /// Skill coverage; leaves each required skill's credit level in
    /// `levels`.
    fn coverage(&mut self, p: &ProfileRecord) -> f64 {
        let v = self.vacancy;
        let cfg = self.scorer.config;
        self.levels.fill(0);
        for skill in p.counted_skills(cfg.skill_count_limit) {
            if !has_bit(&self.skill_bits, skill.0) {
                continue;
            }
            if let Ok(pos) = v.required.binary_search_by_key(&skill.0, |(s, _)| *s) {
                self.levels[pos] = HAS;
            }
            for (_, pos) in range_of(&self.related, skill.0) {
                let l = &mut self.levels[*pos as usize];
                *l = (*l).max(RELATED);
            }
        }
        for (o, _) in &p.past {
            if !has_bit(&self.occupation_bits, *o) {
                continue;
            }
            for (_, pos) in range_of(&self.past, *o) {
                let l = &mut self.levels[*pos as usize];
                *l = (*l).max(PAST);
            }
        }
        let levels = &self.levels;
        coverage(
            self.scorer.taxonomy,
            cfg,
            &v.required,
            |i, _| levels[i],
            p.skills.len(),
        )
    }

    /// Every part but skill coverage (left at 0): a few lookups.
    fn parts_but_coverage(&self, p: &ProfileRecord) -> Parts {
        let prox = |o: u32| self.proximity.get(o as usize).copied().unwrap_or(0.0);
        let (desired, occupation, years) = occupation_parts(
            p.desired.iter().map(|o| prox(*o)),
            p.past.iter().map(|(o, y)| (prox(*o), *y)),
        );
        let (mut found, mut terms_found) = (0.0, 0);
        for (hash, idf) in &self.terms {
            if p.terms.binary_search(hash).is_ok() {
                found += idf;
                terms_found += 1;
            }
        }
        Parts {
            coverage: 0.0,
            desired,
            occupation,
            years,
            text: if self.total_idf > 0.0 {
                found / self.total_idf
            } else {
                0.0
            },
            terms_found,
        }
    }

    fn parts(&mut self, p: &ProfileRecord) -> Parts {
        Parts {
            coverage: self.coverage(p),
            ..self.parts_but_coverage(p)
        }
    }

    /// The total of an eligible candidate, `None` when the pair is not
    /// eligible (hard requirement or scope).
    pub fn total(&mut self, p: &ProfileRecord, scope: Scope) -> Option<f64> {
        let (scorer, weights, v) = (self.scorer, self.weights, self.vacancy);
        scorer.eligible_total(&weights, v, p, scope, || self.parts(p))
    }

    /// [`Self::total`], or `None` also when the pair provably totals less
    /// than `floor`: every feature but skill coverage is computed first,
    /// and coverage (the costly part) only when full coverage would reach
    /// `floor`. Floating-point addition is monotone, so the bound is never
    /// below the total.
    pub fn total_above(
        &mut self,
        p: &ProfileRecord,
        scope: Scope,
        floor: Option<f64>,
    ) -> Option<f64> {
        let (scorer, v) = (self.scorer, self.vacancy);
        let g = match self.distances.get(usize::from(p.home_municipality)) {
            Some(d) => geo_at(v, p, *d),
            None => geo(v, p),
        };
        if !in_scope(&g, scope) || !meets_hard(v, p) {
            return None;
        }
        let parts = Parts {
            coverage: 1.0,
            ..self.parts_but_coverage(p)
        };
        let mut values = scorer.values(v, p, &parts, &g);
        if floor.is_some_and(|f| weighted_total(&self.weights, &values) < f) {
            return None;
        }
        values[0] = self.coverage(p);
        Some(weighted_total(&self.weights, &values))
    }

    /// The explained score of an eligible candidate.
    pub fn explain(&mut self, p: &ProfileRecord, scope: Scope) -> Result<PairScore, Ineligible> {
        record_eligibility(self.vacancy, p, scope)?;
        Ok(self.explain_any(p))
    }

    /// The explained score of a pair, eligible or not.
    pub fn explain_any(&mut self, p: &ProfileRecord) -> PairScore {
        let parts = self.parts(p);
        let levels = &self.levels;
        self.scorer
            .explain(self.vacancy, p, &parts, |i, _| levels[i])
    }
}

/// Scoring prepared for one jobseeker: the credit level of every skill and
/// the ISCO codes of the jobseeker's occupations are computed once.
pub struct VacancyScoring<'s> {
    scorer: &'s Scorer<'s>,
    profile: &'s ProfileRecord,
    weights: [f64; 9],
    /// Credit level per taxonomy skill.
    levels: Vec<u8>,
    /// Idf of vacancy title terms seen so far, by term hash.
    idf: std::collections::HashMap<u64, f64>,
    /// Idf of terms computed once for many jobseekers (cohorts).
    shared_idf: Option<&'s std::collections::HashMap<u64, f64>>,
}

impl<'s> VacancyScoring<'s> {
    fn new(scorer: &'s Scorer<'s>, profile: &'s ProfileRecord) -> VacancyScoring<'s> {
        let tax = scorer.taxonomy;
        let mut levels = vec![0u8; tax.skill_count()];
        for (o, _) in &profile.past {
            for (s, _) in tax.skills_of(OccupationIdx(*o)) {
                levels[s.0 as usize] = PAST;
            }
        }
        for skill in profile.counted_skills(scorer.config.skill_count_limit) {
            for r in tax.related_from(skill) {
                let l = &mut levels[r.0 as usize];
                *l = (*l).max(RELATED);
            }
        }
        for skill in profile.counted_skills(scorer.config.skill_count_limit) {
            levels[skill.0 as usize] = HAS;
        }
        VacancyScoring {
            scorer,
            profile,
            weights: normalised_weights(&scorer.config.weights),
            levels,
            idf: std::collections::HashMap::new(),
            shared_idf: None,
        }
    }

    /// Use `idf` (term hash → the same value [`TermStats::idf`] gives) for
    /// the terms it holds, so that many jobseekers share one computation.
    pub fn sharing_idf(mut self, idf: &'s std::collections::HashMap<u64, f64>) -> Self {
        self.shared_idf = Some(idf);
        self
    }

    fn level(&self, skill: u32) -> u8 {
        self.levels.get(skill as usize).copied().unwrap_or(0)
    }

    fn parts(&mut self, v: &VacancyRecord) -> Parts {
        let p = self.profile;
        let tax = self.scorer.taxonomy;
        let coverage = coverage(
            tax,
            self.scorer.config,
            &v.required,
            |_, s| self.level(s),
            p.skills.len(),
        );
        let (desired, occupation, years) = occupation_parts(
            p.desired.iter().map(|o| proximity(tax, v, *o)),
            p.past.iter().map(|(o, y)| (proximity(tax, v, *o), *y)),
        );
        let (mut found, mut total, mut terms_found) = (0.0, 0.0, 0);
        for (term, hash) in v.terms.iter().zip(&v.term_hashes) {
            let terms = self.scorer.terms;
            let idf = match self.shared_idf.and_then(|m| m.get(hash)) {
                Some(idf) => *idf,
                None => *self.idf.entry(*hash).or_insert_with(|| terms.idf(term)),
            };
            total += idf;
            if p.terms.binary_search(hash).is_ok() {
                found += idf;
                terms_found += 1;
            }
        }
        Parts {
            coverage,
            desired,
            occupation,
            years,
            text: if total > 0.0 { found / total } else { 0.0 },
            terms_found,
        }
    }

    /// The total of an eligible vacancy, `None` when the pair is not
    /// eligible.
    pub fn total(&mut self, v: &VacancyRecord, scope: Scope) -> Option<f64> {
        let (scorer, weights, p) = (self.scorer, self.weights, self.profile);
        scorer.eligible_total(&weights, v, p, scope, || self.parts(v))
    }

    /// The explained score of an eligible vacancy.
    pub fn explain(&mut self, v: &VacancyRecord, scope: Scope) -> Result<PairScore, Ineligible> {
        record_eligibility(v, self.profile, scope)?;
        let parts = self.parts(v);
        Ok(self
            .scorer
            .explain(v, self.profile, &parts, |_, s| self.level(s)))
    }
}

/// The level an occupation fit (desired, or 0.9 × past) reaches.
fn proximity_level(p: f64) -> Proximity {
    match p {
        p if p >= 1.0 => Proximity::SameOccupation,
        p if p >= 0.75 * 0.9 => Proximity::IscoUnitGroup,
        p if p >= 0.5 * 0.9 => Proximity::IscoMinorGroup,
        p if p >= 0.25 * 0.9 => Proximity::IscoSubMajorGroup,
        p if p > 0.0 => Proximity::IscoMajorGroup,
        _ => Proximity::Unrelated,
    }
}

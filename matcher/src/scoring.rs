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

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::{
    JobseekerProfile, LanguageSkill, Relocation, RemoteMode, RemotePreference, Vacancy, WorkTime,
    WorkTimePreference,
};
use crate::geography::Geography;
use crate::taxonomy::{SkillIdx, Taxonomy};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mobility {
    pub distance_km: Option<f64>,
    pub within_commute: bool,
    pub willing_to_relocate: bool,
    pub remote: bool,
    pub reason: String,
}

/// A scored pair with everything needed to explain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
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
}

impl std::fmt::Debug for Scorer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scorer")
            .field("config", self.config)
            .finish()
    }
}

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
}

/// Ordinal distance between language levels, for partial credit.
fn level_rank(level: crate::domain::LanguageLevel) -> i32 {
    crate::domain::LanguageLevel::ALL
        .iter()
        .position(|l| *l == level)
        .map_or(0, |p| p as i32)
}

fn language_fit(required: &LanguageSkill, has: &[LanguageSkill]) -> f64 {
    let lang = required.language.to_ascii_lowercase();
    let best = has
        .iter()
        .filter(|s| s.language.eq_ignore_ascii_case(&lang))
        .map(|s| level_rank(s.level))
        .max();
    match best {
        None => 0.0,
        Some(rank) => {
            let gap = level_rank(required.level) - rank;
            if gap <= 0 {
                1.0
            } else {
                (1.0 - 0.34 * f64::from(gap)).max(0.0)
            }
        }
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
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

impl Scorer<'_> {
    fn isco_of<'b>(&'b self, uri: &str) -> Option<&'b str> {
        self.taxonomy
            .occupation_by_uri(uri)
            .map(|o| o.isco_code.as_str())
    }

    /// Occupation proximity of the vacancy's occupation to one of the
    /// candidate's: same ESCO occupation 1, same ISCO unit group 0.75,
    /// minor 0.5, sub-major 0.25, major 0.1.
    pub fn occupation_proximity(&self, vacancy: &Vacancy, uri: &str) -> f64 {
        let d = &vacancy.draft;
        if d.occupation_uri.as_deref() == Some(uri) {
            return 1.0;
        }
        let theirs = d
            .occupation_uri
            .as_deref()
            .and_then(|u| self.isco_of(u))
            .or(d.isco_code.as_deref());
        match (theirs, self.isco_of(uri)) {
            (Some(a), Some(b)) => isco_proximity(a, b),
            _ => 0.0,
        }
    }

    /// Hard requirements and the geographic scope.
    pub fn eligibility(
        &self,
        vacancy: &Vacancy,
        profile: &JobseekerProfile,
        scope: Scope,
    ) -> Result<(), Ineligible> {
        let (v, p) = (&vacancy.draft, &profile.draft);
        for req in v.languages.iter().filter(|r| r.hard) {
            if language_fit(&req.value, &p.languages) < 1.0 {
                return Err(Ineligible::HardLanguage {
                    language: req.value.language.clone(),
                    level: req.value.level.to_string(),
                });
            }
        }
        let licences: BTreeSet<String> = p.licences.iter().map(|l| normalise(l)).collect();
        for req in v.licences.iter().filter(|r| r.hard) {
            if !licences.contains(&normalise(&req.value)) {
                return Err(Ineligible::HardLicence {
                    licence: req.value.clone(),
                });
            }
        }
        let certificates: BTreeSet<String> = p.certificates.iter().map(|c| normalise(c)).collect();
        for req in v.certificates.iter().filter(|r| r.hard) {
            if !certificates.contains(&normalise(&req.value)) {
                return Err(Ineligible::HardCertificate {
                    certificate: req.value.clone(),
                });
            }
        }
        let m = self.mobility(vacancy, profile);
        let same_region = match (
            v.municipality_code
                .as_deref()
                .and_then(|c| self.geography.region_of(c)),
            p.home_municipality_code
                .as_deref()
                .and_then(|c| self.geography.region_of(c)),
        ) {
            (Some(a), Some(b)) => a.code == b.code,
            _ => false,
        };
        let inside = match scope {
            Scope::Nationwide => true,
            Scope::Mobility => m.remote || m.within_commute || m.willing_to_relocate,
            Scope::Commute => m.remote || m.within_commute,
            Scope::Region => m.remote || same_region || m.willing_to_relocate,
        };
        if inside {
            Ok(())
        } else {
            Err(Ineligible::OutOfScope { scope })
        }
    }

    /// Distance, commute, relocation and remote work of a pair.
    pub fn mobility(&self, vacancy: &Vacancy, profile: &JobseekerProfile) -> Mobility {
        let (v, p) = (&vacancy.draft, &profile.draft);
        let geo = self.geography;
        let work = v
            .municipality_code
            .as_deref()
            .and_then(|c| geo.municipality(c));
        let home = p
            .home_municipality_code
            .as_deref()
            .and_then(|c| geo.municipality(c));
        let distance_km = match (home, work, v.lat, v.lon) {
            (Some(h), _, Some(lat), Some(lon)) => {
                Some(crate::geography::haversine_km(h.lat, h.lon, lat, lon))
            }
            (Some(h), Some(w), _, _) => geo.distance_km(&h.code, &w.code),
            _ => None,
        };
        let remote_ok =
            v.remote == RemoteMode::Full && p.remote_preference != RemotePreference::Onsite;
        let within_commute = distance_km.is_some_and(|d| d <= f64::from(p.max_commute_km.max(0)));
        let region = v
            .municipality_code
            .as_deref()
            .and_then(|c| geo.region_of(c));
        let willing_to_relocate = match p.relocation {
            Relocation::Nationwide => true,
            Relocation::Regions => region.is_some_and(|r| p.relocation_regions.contains(&r.code)),
            Relocation::None => false,
        };
        let home_name = home.map(|h| h.name_fi.clone());
        let region_name = region.map(|r| r.name_fi.clone()).unwrap_or_default();
        let lives = match (&home_name, &p.abroad_country) {
            (Some(h), _) => format!("lives in {h}"),
            (None, Some(c)) => format!("lives abroad ({c})"),
            (None, None) => "home municipality unknown".to_owned(),
        };
        let reason = if remote_ok {
            format!("{lives}; fully remote work")
        } else if within_commute {
            format!(
                "{lives}, {:.0} km away, within the {} km commute",
                distance_km.unwrap_or(0.0),
                p.max_commute_km
            )
        } else if willing_to_relocate {
            match p.relocation {
                Relocation::Nationwide => {
                    format!("{lives}, willing to relocate anywhere in Finland")
                }
                _ => format!("{lives}, willing to relocate to {region_name}"),
            }
        } else {
            match distance_km {
                Some(d) => format!(
                    "{lives}, {d:.0} km away, beyond the {} km commute",
                    p.max_commute_km
                ),
                None => lives,
            }
        };
        Mobility {
            distance_km,
            within_commute,
            willing_to_relocate,
            remote: remote_ok,
            reason,
        }
    }

    /// The exact score of an eligible pair (eligibility is checked apart).
    pub fn score(
        &self,
        vacancy: &Vacancy,
        profile: &JobseekerProfile,
        vacancy_terms: &TextTerms,
        profile_terms: &TextTerms,
    ) -> PairScore {
        let (v, p) = (&vacancy.draft, &profile.draft);
        let cfg = self.config;
        let tax = self.taxonomy;
        let mut values: BTreeMap<Feature, (f64, String)> = BTreeMap::new();

        // Skills: the vacancy's coded skills (or, with none, its occupation's
        // essential and optional ones), rarer skills weighing more.
        let required = crate::retrieval::required_skills(tax, vacancy);
        // Only the first `skill_count_limit` listed skills count, and a longer
        // list damps coverage in proportion: listing more buys nothing.
        let has: BTreeSet<SkillIdx> = tax
            .resolve_skills(
                p.skills
                    .iter()
                    .take(cfg.skill_count_limit)
                    .filter_map(|s| s.uri.as_deref()),
            )
            .into_iter()
            .collect();
        let past_skills: BTreeSet<SkillIdx> = p
            .work_history
            .iter()
            .filter_map(|w| {
                w.occupation_uri
                    .as_deref()
                    .and_then(|u| tax.occupation_idx(u))
            })
            .flat_map(|o| tax.skills_of(o).iter().map(|(s, _)| *s))
            .collect();
        let (mut matched, mut partial, mut missing) = (Vec::new(), Vec::new(), Vec::new());
        let (mut got, mut possible) = (0.0, 0.0);
        for (skill, essential) in &required {
            let s = tax.skill(*skill);
            let rarity = 1.0
                / (1.0
                    + (1.0 + f64::from(s.n_occupations_essential + s.n_occupations_optional)).ln());
            let weight = rarity * if *essential { 2.0 } else { 1.0 };
            let credit = if has.contains(skill) {
                matched.push(s.labels.en.clone());
                1.0
            } else if tax
                .related_skills(*skill)
                .iter()
                .any(|(r, _)| has.contains(r))
            {
                partial.push(s.labels.en.clone());
                cfg.related_skill_credit
            } else if past_skills.contains(skill) {
                partial.push(s.labels.en.clone());
                cfg.past_occupation_skill_credit
            } else {
                if *essential {
                    missing.push(s.labels.en.clone());
                }
                0.0
            };
            got += weight * credit;
            possible += weight;
        }
        let mut coverage = if possible > 0.0 { got / possible } else { 0.0 };
        let listed = p.skills.len();
        if listed > cfg.skill_count_limit {
            coverage *= cfg.skill_count_limit as f64 / listed as f64;
        }
        values.insert(
            Feature::Skills,
            (
                coverage,
                if required.is_empty() {
                    "the vacancy names no coded skills".to_owned()
                } else {
                    format!(
                        "{} of {} required skills, {} partly; {} essential missing",
                        matched.len(),
                        required.len(),
                        partial.len(),
                        missing.len()
                    )
                },
            ),
        );

        // Occupation: desired occupations count fully, past ones a little less.
        let desired = p
            .desired_occupations
            .iter()
            .map(|u| self.occupation_proximity(vacancy, u))
            .fold(0.0, f64::max);
        let past = p
            .work_history
            .iter()
            .filter_map(|w| w.occupation_uri.as_deref())
            .map(|u| 0.9 * self.occupation_proximity(vacancy, u))
            .fold(0.0, f64::max);
        let occupation = desired.max(past);
        values.insert(
            Feature::Occupation,
            (occupation, proximity_reason(occupation).to_owned()),
        );

        // Experience: years in related occupations, weighted by proximity.
        let years: f64 = p
            .work_history
            .iter()
            .filter_map(|w| {
                let u = w.occupation_uri.as_deref()?;
                let prox = self.occupation_proximity(vacancy, u);
                (prox >= 0.5).then_some(w.years.max(0.0) * prox)
            })
            .sum();
        values.insert(
            Feature::Experience,
            (
                (years / cfg.full_experience_years).min(1.0),
                format!("{years:.1} years of related experience"),
            ),
        );

        // Text: IDF-weighted share of the vacancy's title terms found in the
        // candidate's titles and occupation labels.
        let total_idf: f64 = vacancy_terms.terms.iter().map(|t| self.terms.idf(t)).sum();
        let found_idf: f64 = vacancy_terms
            .terms
            .intersection(&profile_terms.terms)
            .map(|t| self.terms.idf(t))
            .sum();
        let text = if total_idf > 0.0 {
            found_idf / total_idf
        } else {
            0.0
        };
        values.insert(
            Feature::Text,
            (
                text,
                format!(
                    "{} of {} title terms in the candidate's titles",
                    vacancy_terms
                        .terms
                        .intersection(&profile_terms.terms)
                        .count(),
                    vacancy_terms.terms.len()
                ),
            ),
        );

        // Languages (non-hard requirements score; hard ones filtered).
        let languages = if v.languages.is_empty() {
            1.0
        } else {
            v.languages
                .iter()
                .map(|r| language_fit(&r.value, &p.languages))
                .sum::<f64>()
                / v.languages.len() as f64
        };
        values.insert(
            Feature::Languages,
            (
                languages,
                if v.languages.is_empty() {
                    "no language requirements".to_owned()
                } else {
                    format!("{:.0}% of language requirements met", languages * 100.0)
                },
            ),
        );

        // Licences and certificates.
        let licences: BTreeSet<String> = p.licences.iter().map(|l| normalise(l)).collect();
        let certificates: BTreeSet<String> = p.certificates.iter().map(|c| normalise(c)).collect();
        let wanted = v.licences.len() + v.certificates.len();
        let met = v
            .licences
            .iter()
            .filter(|r| licences.contains(&normalise(&r.value)))
            .count()
            + v.certificates
                .iter()
                .filter(|r| certificates.contains(&normalise(&r.value)))
                .count();
        values.insert(
            Feature::Licences,
            (
                if wanted == 0 {
                    1.0
                } else {
                    met as f64 / wanted as f64
                },
                format!("{met} of {wanted} licences and certificates"),
            ),
        );

        // Work time and start date.
        let time_fit = match (p.work_time_preference, v.work_time) {
            (WorkTimePreference::Any, _)
            | (WorkTimePreference::FullTime, WorkTime::FullTime)
            | (WorkTimePreference::PartTime, WorkTime::PartTime) => 1.0,
            _ => 0.3,
        };
        let late_days = match (p.available_from, v.start_date) {
            (Some(available), Some(start)) if available > start => (available - start).num_days(),
            _ => 0,
        };
        let start_fit = (1.0 - late_days as f64 / 90.0).max(0.0);
        values.insert(
            Feature::WorkTime,
            (
                time_fit * start_fit,
                if late_days > 0 {
                    format!("available {late_days} days after the start")
                } else {
                    "work time and start date fit".to_owned()
                },
            ),
        );

        // Geography.
        let mobility = self.mobility(vacancy, profile);
        let geography = if mobility.remote {
            1.0
        } else if mobility.within_commute {
            let d = mobility.distance_km.unwrap_or(0.0);
            1.0 - 0.3 * (d / f64::from(p.max_commute_km.max(1))).min(1.0)
        } else if mobility.willing_to_relocate {
            cfg.relocation_score
        } else if v.remote == RemoteMode::Hybrid
            && mobility
                .distance_km
                .is_some_and(|d| d <= 2.0 * f64::from(p.max_commute_km.max(0)))
        {
            0.4
        } else {
            0.0
        };
        values.insert(Feature::Geography, (geography, mobility.reason.clone()));

        // The candidate's own preferences (reciprocal fit).
        let wants = if v
            .occupation_uri
            .as_deref()
            .is_some_and(|u| p.desired_occupations.iter().any(|d| d == u))
        {
            1.0
        } else {
            desired
        };
        let remote_fit = match (p.remote_preference, v.remote) {
            (RemotePreference::Remote, RemoteMode::None) => 0.3,
            (RemotePreference::Onsite, RemoteMode::Full) => 0.3,
            _ => 1.0,
        };
        let preferences = 0.6 * wants + 0.2 * time_fit + 0.2 * remote_fit;
        values.insert(
            Feature::Preferences,
            (
                preferences,
                format!("desired occupation fit {:.0}%", wants * 100.0),
            ),
        );

        let weight_sum: f64 = Feature::ALL
            .iter()
            .map(|f| f.weight(&cfg.weights).max(0.0))
            .sum();
        let mut features = Vec::with_capacity(Feature::ALL.len());
        let mut total = 0.0;
        for feature in Feature::ALL {
            let (value, reason) = values.remove(&feature).unwrap_or((0.0, String::new()));
            let value = value.clamp(0.0, 1.0);
            let weight = if weight_sum > 0.0 {
                feature.weight(&cfg.weights).max(0.0) / weight_sum
            } else {
                0.0
            };
            total += value * weight;
            features.push(FeatureScore {
                feature,
                value,
                weight,
                contribution: value * weight,
                reason,
            });
        }
        PairScore {
            total,
            features,
            matched_skills: matched,
            partial_skills: partial,
            missing_essential_skills: missing,
            mobility,
        }
    }
}

fn proximity_reason(p: f64) -> &'static str {
    match p {
        p if p >= 1.0 => "same occupation",
        p if p >= 0.75 * 0.9 => "same ISCO unit group",
        p if p >= 0.5 * 0.9 => "same ISCO minor group",
        p if p >= 0.25 * 0.9 => "same ISCO sub-major group",
        p if p > 0.0 => "same ISCO major group",
        _ => "unrelated occupation",
    }
}

//! The ESCO occupation and skill taxonomy with its ISCO-08 hierarchy.
//!
//! A [`Taxonomy`] is built once (from the shipped fixtures, an official ESCO
//! export or the store) and then only read: every lookup the matcher needs —
//! by URI, by ISCO code at any level, skills of an occupation, related skills —
//! is a hash or vector lookup. Occupations and skills are addressed by dense
//! typed indexes ([`OccupationIdx`], [`SkillIdx`]) so that hot paths carry
//! `u32`s instead of URI strings.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language the service speaks: Finnish, Swedish (Finland's two official
/// languages) and English (the language of ESCO's full text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fi,
    Sv,
    En,
}

impl Lang {
    /// All languages, in the order the service prefers them.
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::Sv, Lang::En];

    /// The ISO 639-1 code: `"fi"`, `"sv"` or `"en"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A language code other than `fi`, `sv` or `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language {0:?} (expected fi, sv or en)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Accepts the two-letter codes case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fi" => Ok(Lang::Fi),
            "sv" => Ok(Lang::Sv),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_owned())),
        }
    }
}

/// A preferred label in English (always present in ESCO) and, where ESCO has
/// them, Finnish and Swedish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Labels {
    pub en: String,
    pub fi: Option<String>,
    pub sv: Option<String>,
}

impl Labels {
    /// The label in `lang`, falling back to English when there is none.
    pub fn get(&self, lang: Lang) -> &str {
        self.exact(lang).unwrap_or(&self.en)
    }

    /// The label in `lang` only, without fallback.
    pub fn exact(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::En => Some(&self.en),
            Lang::Fi => self.fi.as_deref(),
            Lang::Sv => self.sv.as_deref(),
        }
    }
}

/// Dense index of an occupation inside one [`Taxonomy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OccupationIdx(pub u32);

/// Dense index of a skill inside one [`Taxonomy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SkillIdx(pub u32);

impl OccupationIdx {
    fn index(self) -> usize {
        self.0 as usize
    }
}

impl SkillIdx {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// An ISCO-08 group: major (1 digit), sub-major (2), minor (3) or unit (4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IscoGroup {
    pub code: String,
    pub labels: Labels,
    /// Code of the enclosing group; `None` for major groups.
    pub parent: Option<String>,
}

impl IscoGroup {
    /// 1 = major group … 4 = unit group.
    pub fn level(&self) -> u8 {
        // Validated to be 1–4 ASCII digits.
        self.code.len() as u8
    }
}

/// An ESCO occupation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Occupation {
    pub uri: String,
    /// ESCO's own code, e.g. `"2511.1"`: the ISCO unit group plus a path.
    pub esco_code: String,
    /// The ISCO-08 unit group (4 digits).
    pub isco_code: String,
    pub labels: Labels,
    /// Alternative labels per language. The Finnish and Swedish ones come
    /// from the official per-language exports (`occupations_fi.csv`, …);
    /// ESCO's hidden labels (search terms such as older spellings) are
    /// kept with them, since the coder treats both alike.
    pub alt_labels_en: Vec<String>,
    #[serde(default)]
    pub alt_labels_fi: Vec<String>,
    #[serde(default)]
    pub alt_labels_sv: Vec<String>,
    pub description_en: String,
    #[serde(default)]
    pub description_fi: String,
    /// The parent ESCO occupation, when the occupation sits below another one
    /// rather than directly below its ISCO unit group.
    pub broader_uri: Option<String>,
}

impl Occupation {
    /// The alternative labels in `lang`.
    pub fn alt_labels(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::En => &self.alt_labels_en,
            Lang::Fi => &self.alt_labels_fi,
            Lang::Sv => &self.alt_labels_sv,
        }
    }

    /// The description in `lang`, if ESCO has one (en and fi).
    pub fn description(&self, lang: Lang) -> Option<&str> {
        let text = match lang {
            Lang::En => &self.description_en,
            Lang::Fi => &self.description_fi,
            Lang::Sv => return None,
        };
        (!text.is_empty()).then_some(text.as_str())
    }
}

/// An ESCO skill or knowledge concept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Skill {
    pub uri: String,
    pub labels: Labels,
    pub alt_labels_en: Vec<String>,
    /// Number of occupations for which the skill is essential.
    pub n_occupations_essential: u32,
    /// Number of occupations for which the skill is optional.
    pub n_occupations_optional: u32,
}

/// Whether ESCO calls a relation essential or optional.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SkillRelationKind {
    Essential,
    Optional,
}

impl SkillRelationKind {
    /// `"essential"` or `"optional"`, as in the ESCO files and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillRelationKind::Essential => "essential",
            SkillRelationKind::Optional => "optional",
        }
    }
}

impl fmt::Display for SkillRelationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A relation type other than `essential` or `optional`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown relation type {0:?} (expected essential or optional)")]
pub struct UnknownRelationKind(pub String);

impl FromStr for SkillRelationKind {
    type Err = UnknownRelationKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "essential" => Ok(SkillRelationKind::Essential),
            "optional" => Ok(SkillRelationKind::Optional),
            _ => Err(UnknownRelationKind(s.to_owned())),
        }
    }
}

/// "Occupation needs skill", as given to [`Taxonomy::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OccupationSkill {
    pub occupation_uri: String,
    pub skill_uri: String,
    pub kind: SkillRelationKind,
}

/// "Skill relates to skill", as given to [`Taxonomy::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkillRelation {
    pub from_uri: String,
    pub to_uri: String,
    pub kind: SkillRelationKind,
}

/// Input rows that [`Taxonomy::new`] dropped without failing.
///
/// ESCO exports reference concepts that are not in the same export (and the
/// shipped relation file has rows whose skill label could not be matched back
/// to a URI); such rows are useless but not a reason to reject a taxonomy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SkippedRows {
    /// Occupation–skill rows naming an occupation or skill that is not in the
    /// taxonomy (including rows with an empty skill URI).
    pub unresolved_occupation_skills: usize,
    /// Repeated occupation–skill pairs; when one copy says essential, the pair
    /// is kept as essential.
    pub duplicate_occupation_skills: usize,
    /// Skill–skill rows naming a skill that is not in the taxonomy.
    pub unresolved_skill_relations: usize,
    /// Repeated skill–skill pairs (essential wins as above).
    pub duplicate_skill_relations: usize,
    /// `broader_uri`s pointing to an occupation that is not in the taxonomy
    /// (they are cleared).
    pub unresolved_broader: usize,
}

/// Why a taxonomy could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    #[error("invalid ISCO code {0:?} (expected 1 to 4 digits)")]
    InvalidIscoCode(String),
    #[error("duplicate ISCO group {0}")]
    DuplicateIscoGroup(String),
    #[error("ISCO group {code} names parent {parent}, which is not a group one level up")]
    InvalidIscoParent { code: String, parent: String },
    #[error("duplicate occupation {0}")]
    DuplicateOccupation(String),
    #[error("occupation {uri} has ISCO code {code:?}, not a known 4-digit unit group")]
    UnknownIscoGroup { uri: String, code: String },
    #[error("duplicate skill {0}")]
    DuplicateSkill(String),
    #[error("empty URI for {0}")]
    EmptyUri(&'static str),
    #[error("too many concepts for 32-bit indexes")]
    TooLarge,
}

/// The ESCO taxonomy with dense indexes. Build it with [`Taxonomy::new`].
#[derive(Debug, Clone)]
pub struct Taxonomy {
    version: String,
    /// Sorted by code.
    isco_groups: Vec<IscoGroup>,
    isco_by_code: HashMap<String, usize>,
    occupations: Vec<Occupation>,
    occupation_by_uri: HashMap<String, OccupationIdx>,
    /// Every ISCO code prefix (levels 1–4) → the occupations under it.
    occupations_by_isco: HashMap<String, Vec<OccupationIdx>>,
    skills: Vec<Skill>,
    skill_by_uri: HashMap<String, SkillIdx>,
    /// Per occupation, its skills sorted by skill index.
    occupation_skills: Vec<Vec<(SkillIdx, SkillRelationKind)>>,
    /// Per skill, the occupations that need it, sorted by occupation index.
    skill_occupations: Vec<Vec<(OccupationIdx, SkillRelationKind)>>,
    /// Per skill, its outgoing skill–skill relations sorted by target index.
    related_skills: Vec<Vec<(SkillIdx, SkillRelationKind)>>,
    /// Per skill, the skills whose outgoing relations name it, sorted.
    related_from: Vec<Vec<SkillIdx>>,
    /// Per skill, 1 / (1 + ln(1 + occupations using it)): rarer weighs more.
    rarity: Vec<f64>,
    occupation_skill_count: usize,
    skill_relation_count: usize,
    skipped: SkippedRows,
}

fn is_isco_code(code: &str) -> bool {
    (1..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

fn to_u32(n: usize) -> Result<u32, TaxonomyError> {
    u32::try_from(n).map_err(|_| TaxonomyError::TooLarge)
}

/// Adds `(target, kind)` to `list` unless present; on a repeat, essential wins.
/// Returns whether it was a repeat.
fn push_relation<T: PartialEq + Copy>(
    list: &mut Vec<(T, SkillRelationKind)>,
    target: T,
    kind: SkillRelationKind,
) -> bool {
    // Lists are short (tens of entries), so a scan is cheaper than a set.
    if let Some(existing) = list.iter_mut().find(|(t, _)| *t == target) {
        if kind == SkillRelationKind::Essential {
            existing.1 = SkillRelationKind::Essential;
        }
        true
    } else {
        list.push((target, kind));
        false
    }
}

impl Taxonomy {
    /// Validates the concepts and builds the indexes. Occupations and skills
    /// are numbered in URI order.
    ///
    /// Duplicate URIs or ISCO codes, malformed ISCO codes and occupations whose
    /// unit group is missing are errors. Relations naming unknown concepts are
    /// skipped and counted in [`Taxonomy::skipped`].
    pub fn new(
        version: String,
        isco_groups: Vec<IscoGroup>,
        occupations: Vec<Occupation>,
        skills: Vec<Skill>,
        occupation_skills: Vec<OccupationSkill>,
        skill_relations: Vec<SkillRelation>,
    ) -> Result<Taxonomy, TaxonomyError> {
        let mut isco_groups = isco_groups;
        isco_groups.sort_by(|a, b| a.code.cmp(&b.code));
        let mut isco_by_code = HashMap::with_capacity(isco_groups.len());
        for (i, group) in isco_groups.iter().enumerate() {
            if !is_isco_code(&group.code) {
                return Err(TaxonomyError::InvalidIscoCode(group.code.clone()));
            }
            if isco_by_code.insert(group.code.clone(), i).is_some() {
                return Err(TaxonomyError::DuplicateIscoGroup(group.code.clone()));
            }
        }
        for group in &isco_groups {
            if let Some(parent) = &group.parent {
                let one_level_up = parent.len() + 1 == group.code.len()
                    && group.code.starts_with(parent.as_str())
                    && isco_by_code.contains_key(parent);
                if !one_level_up {
                    return Err(TaxonomyError::InvalidIscoParent {
                        code: group.code.clone(),
                        parent: parent.clone(),
                    });
                }
            }
        }

        // Indexes follow URI order, so the same taxonomy gets the same
        // indexes whether it was read from files or from the store.
        let mut occupations = occupations;
        occupations.sort_by(|a, b| a.uri.cmp(&b.uri));
        let mut occupation_by_uri = HashMap::with_capacity(occupations.len());
        let mut occupations_by_isco: HashMap<String, Vec<OccupationIdx>> = HashMap::new();
        for (i, occupation) in occupations.iter().enumerate() {
            if occupation.uri.is_empty() {
                return Err(TaxonomyError::EmptyUri("an occupation"));
            }
            let code = &occupation.isco_code;
            if code.len() != 4 || !is_isco_code(code) || !isco_by_code.contains_key(code) {
                return Err(TaxonomyError::UnknownIscoGroup {
                    uri: occupation.uri.clone(),
                    code: code.clone(),
                });
            }
            let idx = OccupationIdx(to_u32(i)?);
            if occupation_by_uri
                .insert(occupation.uri.clone(), idx)
                .is_some()
            {
                return Err(TaxonomyError::DuplicateOccupation(occupation.uri.clone()));
            }
            for len in 1..=4 {
                occupations_by_isco
                    .entry(code[..len].to_owned())
                    .or_default()
                    .push(idx);
            }
        }
        let mut skipped = SkippedRows::default();
        for occupation in &mut occupations {
            let resolves = occupation
                .broader_uri
                .as_ref()
                .is_none_or(|uri| occupation_by_uri.contains_key(uri));
            if !resolves {
                occupation.broader_uri = None;
                skipped.unresolved_broader += 1;
            }
        }

        let mut skills = skills;
        skills.sort_by(|a, b| a.uri.cmp(&b.uri));
        let mut skill_by_uri = HashMap::with_capacity(skills.len());
        for (i, skill) in skills.iter().enumerate() {
            if skill.uri.is_empty() {
                return Err(TaxonomyError::EmptyUri("a skill"));
            }
            if skill_by_uri
                .insert(skill.uri.clone(), SkillIdx(to_u32(i)?))
                .is_some()
            {
                return Err(TaxonomyError::DuplicateSkill(skill.uri.clone()));
            }
        }

        let mut per_occupation = vec![Vec::new(); occupations.len()];
        let mut per_skill = vec![Vec::new(); skills.len()];
        for relation in &occupation_skills {
            let (Some(&o), Some(&s)) = (
                occupation_by_uri.get(&relation.occupation_uri),
                skill_by_uri.get(&relation.skill_uri),
            ) else {
                skipped.unresolved_occupation_skills += 1;
                continue;
            };
            if push_relation(&mut per_occupation[o.index()], s, relation.kind) {
                skipped.duplicate_occupation_skills += 1;
            }
            push_relation(&mut per_skill[s.index()], o, relation.kind);
        }
        for list in &mut per_occupation {
            list.sort_unstable();
            list.shrink_to_fit();
        }
        for list in &mut per_skill {
            list.sort_unstable();
            list.shrink_to_fit();
        }
        let occupation_skill_count = per_occupation.iter().map(Vec::len).sum();

        let mut related = vec![Vec::new(); skills.len()];
        for relation in &skill_relations {
            let (Some(&from), Some(&to)) = (
                skill_by_uri.get(&relation.from_uri),
                skill_by_uri.get(&relation.to_uri),
            ) else {
                skipped.unresolved_skill_relations += 1;
                continue;
            };
            if push_relation(&mut related[from.index()], to, relation.kind) {
                skipped.duplicate_skill_relations += 1;
            }
        }
        for list in &mut related {
            list.sort_unstable();
        }
        let skill_relation_count = related.iter().map(Vec::len).sum();
        let mut related_from = vec![Vec::new(); skills.len()];
        for (from, list) in related.iter().enumerate() {
            for (to, _) in list {
                related_from[to.index()].push(SkillIdx(to_u32(from)?));
            }
        }
        let rarity = skills
            .iter()
            .map(|s| {
                1.0 / (1.0
                    + (1.0 + f64::from(s.n_occupations_essential + s.n_occupations_optional)).ln())
            })
            .collect();

        Ok(Taxonomy {
            version,
            isco_groups,
            isco_by_code,
            occupations,
            occupation_by_uri,
            occupations_by_isco,
            skills,
            skill_by_uri,
            occupation_skills: per_occupation,
            skill_occupations: per_skill,
            related_skills: related,
            related_from,
            rarity,
            occupation_skill_count,
            skill_relation_count,
            skipped,
        })
    }

    /// Where this taxonomy came from, e.g. `"ESCO v1.2.0"`; logged with every
    /// ranking so that it can be replayed.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Input rows dropped while building.
    pub fn skipped(&self) -> SkippedRows {
        self.skipped
    }

    pub fn occupation_count(&self) -> usize {
        self.occupations.len()
    }

    pub fn skill_count(&self) -> usize {
        self.skills.len()
    }

    pub fn isco_group_count(&self) -> usize {
        self.isco_groups.len()
    }

    /// Number of distinct occupation–skill pairs kept.
    pub fn occupation_skill_count(&self) -> usize {
        self.occupation_skill_count
    }

    /// Number of distinct skill–skill pairs kept.
    pub fn skill_relation_count(&self) -> usize {
        self.skill_relation_count
    }

    /// The occupation at `idx`.
    ///
    /// # Panics
    /// If `idx` comes from another taxonomy and is out of range.
    pub fn occupation(&self, idx: OccupationIdx) -> &Occupation {
        &self.occupations[idx.index()]
    }

    pub fn occupation_idx(&self, uri: &str) -> Option<OccupationIdx> {
        self.occupation_by_uri.get(uri).copied()
    }

    pub fn occupation_by_uri(&self, uri: &str) -> Option<&Occupation> {
        self.occupation_idx(uri).map(|idx| self.occupation(idx))
    }

    /// The skill at `idx`.
    ///
    /// # Panics
    /// If `idx` comes from another taxonomy and is out of range.
    pub fn skill(&self, idx: SkillIdx) -> &Skill {
        &self.skills[idx.index()]
    }

    pub fn skill_idx(&self, uri: &str) -> Option<SkillIdx> {
        self.skill_by_uri.get(uri).copied()
    }

    pub fn skill_by_uri(&self, uri: &str) -> Option<&Skill> {
        self.skill_idx(uri).map(|idx| self.skill(idx))
    }

    /// The ISCO group with exactly this code (1–4 digits).
    pub fn isco_group(&self, code: &str) -> Option<&IscoGroup> {
        self.isco_by_code.get(code).map(|&i| &self.isco_groups[i])
    }

    /// The groups from the major group down to `code` itself, e.g. for
    /// `"2511"` the groups `2`, `25`, `251`, `2511`. Empty if `code` is not a
    /// known group.
    pub fn isco_ancestry(&self, code: &str) -> Vec<&IscoGroup> {
        if self.isco_group(code).is_none() {
            return Vec::new();
        }
        (1..=code.len())
            .filter_map(|len| self.isco_group(&code[..len]))
            .collect()
    }

    /// Occupations whose unit group starts with `code` (1–4 digits), in
    /// index order; empty for unknown codes.
    pub fn occupations_in_isco(&self, code: &str) -> &[OccupationIdx] {
        self.occupations_by_isco
            .get(code)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The skills ESCO lists for an occupation, sorted by skill index.
    pub fn skills_of(&self, occupation: OccupationIdx) -> &[(SkillIdx, SkillRelationKind)] {
        self.occupation_skills
            .get(occupation.index())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The occupations that list a skill, sorted by occupation index.
    pub fn occupations_with_skill(&self, skill: SkillIdx) -> &[(OccupationIdx, SkillRelationKind)] {
        self.skill_occupations
            .get(skill.index())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Skills ESCO relates to `skill` (outgoing skill–skill relations).
    pub fn related_skills(&self, skill: SkillIdx) -> &[(SkillIdx, SkillRelationKind)] {
        self.related_skills
            .get(skill.index())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Skills whose outgoing relations name `skill` (incoming relations).
    pub fn related_from(&self, skill: SkillIdx) -> &[SkillIdx] {
        self.related_from
            .get(skill.index())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// How much a required skill weighs in skill coverage:
    /// 1 / (1 + ln(1 + number of occupations using it)).
    pub fn skill_rarity(&self, skill: SkillIdx) -> f64 {
        self.rarity.get(skill.index()).copied().unwrap_or(1.0)
    }

    /// All occupations in index (= URI) order.
    pub fn occupations(&self) -> impl ExactSizeIterator<Item = (OccupationIdx, &Occupation)> + '_ {
        self.occupations
            .iter()
            .enumerate()
            .map(|(i, o)| (OccupationIdx(i as u32), o))
    }

    /// All skills in index (= URI) order.
    pub fn skills(&self) -> impl ExactSizeIterator<Item = (SkillIdx, &Skill)> + '_ {
        self.skills
            .iter()
            .enumerate()
            .map(|(i, s)| (SkillIdx(i as u32), s))
    }

    /// All ISCO groups sorted by code (so parents come before children).
    pub fn isco_groups(&self) -> impl ExactSizeIterator<Item = &IscoGroup> + '_ {
        self.isco_groups.iter()
    }

    /// Every kept occupation–skill relation, grouped by occupation.
    pub fn occupation_skill_relations(
        &self,
    ) -> impl Iterator<Item = (OccupationIdx, SkillIdx, SkillRelationKind)> + '_ {
        self.occupation_skills
            .iter()
            .enumerate()
            .flat_map(|(o, list)| {
                list.iter()
                    .map(move |&(s, kind)| (OccupationIdx(o as u32), s, kind))
            })
    }

    /// Every kept skill–skill relation, grouped by source skill.
    pub fn skill_relations(
        &self,
    ) -> impl Iterator<Item = (SkillIdx, SkillIdx, SkillRelationKind)> + '_ {
        self.related_skills
            .iter()
            .enumerate()
            .flat_map(|(s, list)| {
                list.iter()
                    .map(move |&(t, kind)| (SkillIdx(s as u32), t, kind))
            })
    }

    /// The distinct skills among `uris` that exist in the taxonomy, in input
    /// order; unknown URIs are ignored.
    pub fn resolve_skills<'a>(&self, uris: impl IntoIterator<Item = &'a str>) -> Vec<SkillIdx> {
        let mut seen = HashSet::new();
        uris.into_iter()
            .filter_map(|uri| self.skill_idx(uri))
            .filter(|idx| seen.insert(*idx))
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn labels(en: &str, fi: Option<&str>) -> Labels {
        Labels {
            en: en.into(),
            fi: fi.map(Into::into),
            sv: None,
        }
    }

    fn group(code: &str, parent: Option<&str>) -> IscoGroup {
        IscoGroup {
            code: code.into(),
            labels: labels(&format!("group {code}"), Some(&format!("ryhmä {code}"))),
            parent: parent.map(Into::into),
        }
    }

    fn occupation(uri: &str, isco: &str, broader: Option<&str>) -> Occupation {
        Occupation {
            uri: uri.into(),
            esco_code: format!("{isco}.1"),
            isco_code: isco.into(),
            labels: labels(uri, None),
            alt_labels_en: vec![],
            alt_labels_fi: vec![],
            alt_labels_sv: vec![],
            description_en: String::new(),
            description_fi: String::new(),
            broader_uri: broader.map(Into::into),
        }
    }

    fn skill(uri: &str) -> Skill {
        Skill {
            uri: uri.into(),
            labels: labels(uri, None),
            alt_labels_en: vec![],
            n_occupations_essential: 0,
            n_occupations_optional: 0,
        }
    }

    fn os(o: &str, s: &str, kind: SkillRelationKind) -> OccupationSkill {
        OccupationSkill {
            occupation_uri: o.into(),
            skill_uri: s.into(),
            kind,
        }
    }

    fn groups() -> Vec<IscoGroup> {
        vec![
            group("2511", Some("251")),
            group("2", None),
            group("25", Some("2")),
            group("251", Some("25")),
            group("2512", Some("251")),
            group("7", None),
        ]
    }

    use SkillRelationKind::{Essential, Optional};

    fn sample() -> Taxonomy {
        Taxonomy::new(
            "test v1".into(),
            groups(),
            vec![
                occupation("o:architect", "2511", None),
                occupation("o:dev", "2512", None),
                occupation("o:senior-dev", "2512", Some("o:dev")),
                occupation("o:lost", "2512", Some("o:nowhere")),
            ],
            vec![skill("s:rust"), skill("s:sql"), skill("s:design")],
            vec![
                os("o:dev", "s:sql", Optional),
                os("o:dev", "s:rust", Essential),
                os("o:dev", "s:sql", Essential),
                os("o:architect", "s:design", Essential),
                os("o:architect", "", Optional),
                os("o:unknown", "s:rust", Optional),
            ],
            vec![
                SkillRelation {
                    from_uri: "s:rust".into(),
                    to_uri: "s:sql".into(),
                    kind: Optional,
                },
                SkillRelation {
                    from_uri: "s:rust".into(),
                    to_uri: "s:nope".into(),
                    kind: Essential,
                },
            ],
        )
        .unwrap()
    }

    #[test]
    fn lang_parses_and_prints() {
        assert_eq!("FI".parse::<Lang>().unwrap(), Lang::Fi);
        assert_eq!(" sv".parse::<Lang>().unwrap(), Lang::Sv);
        assert_eq!(Lang::En.as_str(), "en");
        assert!("de".parse::<Lang>().is_err());
        assert_eq!(serde_json::to_string(&Lang::Sv).unwrap(), "\"sv\"");
        assert_eq!(serde_json::from_str::<Lang>("\"fi\"").unwrap(), Lang::Fi);
    }

    #[test]
    fn labels_fall_back_to_english() {
        let l = labels("nurse", Some("sairaanhoitaja"));
        assert_eq!(l.get(Lang::Fi), "sairaanhoitaja");
        assert_eq!(l.get(Lang::Sv), "nurse");
        assert_eq!(l.exact(Lang::Sv), None);
    }

    #[test]
    fn relation_kind_round_trips() {
        assert_eq!("Essential".parse::<SkillRelationKind>().unwrap(), Essential);
        assert_eq!(Optional.as_str(), "optional");
        assert!("must".parse::<SkillRelationKind>().is_err());
    }

    #[test]
    fn lookups_by_uri_and_counts() {
        let t = sample();
        assert_eq!(t.version(), "test v1");
        assert_eq!(t.occupation_count(), 4);
        assert_eq!(t.skill_count(), 3);
        assert_eq!(t.isco_group_count(), 6);
        let dev = t.occupation_idx("o:dev").unwrap();
        assert_eq!(t.occupation(dev).isco_code, "2512");
        assert_eq!(
            t.occupation_by_uri("o:architect").unwrap().isco_code,
            "2511"
        );
        assert!(t.occupation_by_uri("o:unknown").is_none());
        let rust = t.skill_idx("s:rust").unwrap();
        assert_eq!(t.skill(rust).uri, "s:rust");
        assert!(t.skill_by_uri("s:nope").is_none());
        assert_eq!(t.occupations().count(), 4);
        assert_eq!(t.skills().count(), 3);
    }

    #[test]
    fn indexes_follow_uri_order_whatever_the_input_order() {
        let t = sample();
        let uris: Vec<_> = t.occupations().map(|(_, o)| o.uri.as_str()).collect();
        assert_eq!(uris, ["o:architect", "o:dev", "o:lost", "o:senior-dev"]);
        let uris: Vec<_> = t.skills().map(|(_, s)| s.uri.as_str()).collect();
        assert_eq!(uris, ["s:design", "s:rust", "s:sql"]);
        assert_eq!(t.skill_idx("s:design"), Some(SkillIdx(0)));
    }

    #[test]
    fn broader_occupation_is_kept_only_when_known() {
        let t = sample();
        let senior = t.occupation_by_uri("o:senior-dev").unwrap();
        assert_eq!(senior.broader_uri.as_deref(), Some("o:dev"));
        assert_eq!(t.occupation_by_uri("o:lost").unwrap().broader_uri, None);
        assert_eq!(t.skipped().unresolved_broader, 1);
    }

    #[test]
    fn isco_lookups() {
        let t = sample();
        let codes: Vec<_> = t
            .isco_ancestry("2511")
            .iter()
            .map(|g| g.code.as_str())
            .collect();
        assert_eq!(codes, ["2", "25", "251", "2511"]);
        assert!(t.isco_ancestry("9999").is_empty());
        assert_eq!(t.isco_group("25").unwrap().level(), 2);
        assert_eq!(t.isco_group("25").unwrap().labels.get(Lang::Fi), "ryhmä 25");
        let order: Vec<_> = t.isco_groups().map(|g| g.code.as_str()).collect();
        assert_eq!(order, ["2", "25", "251", "2511", "2512", "7"]);

        assert_eq!(t.occupations_in_isco("2").len(), 4);
        assert_eq!(t.occupations_in_isco("251").len(), 4);
        assert_eq!(t.occupations_in_isco("2512").len(), 3);
        assert_eq!(
            t.occupations_in_isco("2511"),
            [t.occupation_idx("o:architect").unwrap()]
        );
        assert!(t.occupations_in_isco("7").is_empty());
        assert!(t.occupations_in_isco("x").is_empty());
    }

    #[test]
    fn skills_of_occupation_dedupe_with_essential_winning() {
        let t = sample();
        let dev = t.occupation_idx("o:dev").unwrap();
        let rust = t.skill_idx("s:rust").unwrap();
        let sql = t.skill_idx("s:sql").unwrap();
        assert_eq!(t.skills_of(dev), [(rust, Essential), (sql, Essential)]);
        assert_eq!(t.occupations_with_skill(sql), [(dev, Essential)]);
        assert_eq!(t.occupation_skill_count(), 3);
        let skipped = t.skipped();
        assert_eq!(skipped.unresolved_occupation_skills, 2);
        assert_eq!(skipped.duplicate_occupation_skills, 1);
        assert_eq!(t.occupation_skill_relations().count(), 3);
    }

    #[test]
    fn related_skills_skip_unknown_targets() {
        let t = sample();
        let rust = t.skill_idx("s:rust").unwrap();
        let sql = t.skill_idx("s:sql").unwrap();
        assert_eq!(t.related_skills(rust), [(sql, Optional)]);
        assert!(t.related_skills(sql).is_empty());
        assert_eq!(t.skill_relation_count(), 1);
        assert_eq!(t.skipped().unresolved_skill_relations, 1);
        assert_eq!(
            t.skill_relations().collect::<Vec<_>>(),
            [(rust, sql, Optional)]
        );
    }

    #[test]
    fn resolve_skills_dedupes_and_ignores_unknown() {
        let t = sample();
        let got = t.resolve_skills(["s:sql", "s:x", "s:sql", "s:rust"]);
        assert_eq!(
            got,
            [
                t.skill_idx("s:sql").unwrap(),
                t.skill_idx("s:rust").unwrap()
            ]
        );
    }

    fn build(
        groups: Vec<IscoGroup>,
        occupations: Vec<Occupation>,
        skills: Vec<Skill>,
    ) -> Result<Taxonomy, TaxonomyError> {
        Taxonomy::new("v".into(), groups, occupations, skills, vec![], vec![])
    }

    #[test]
    fn invalid_input_is_rejected() {
        let dup = build(
            groups(),
            vec![
                occupation("o:a", "2511", None),
                occupation("o:a", "2512", None),
            ],
            vec![],
        );
        assert_eq!(
            dup.unwrap_err(),
            TaxonomyError::DuplicateOccupation("o:a".into())
        );

        let unknown_group = build(groups(), vec![occupation("o:a", "2513", None)], vec![]);
        assert!(matches!(
            unknown_group,
            Err(TaxonomyError::UnknownIscoGroup { .. })
        ));

        let not_unit = build(groups(), vec![occupation("o:a", "251", None)], vec![]);
        assert!(matches!(
            not_unit,
            Err(TaxonomyError::UnknownIscoGroup { .. })
        ));

        let bad_code = build(vec![group("25x1", None)], vec![], vec![]);
        assert_eq!(
            bad_code.unwrap_err(),
            TaxonomyError::InvalidIscoCode("25x1".into())
        );

        let dup_group = build(vec![group("2", None), group("2", None)], vec![], vec![]);
        assert_eq!(
            dup_group.unwrap_err(),
            TaxonomyError::DuplicateIscoGroup("2".into())
        );

        let orphan = build(vec![group("25", Some("2"))], vec![], vec![]);
        assert!(matches!(
            orphan,
            Err(TaxonomyError::InvalidIscoParent { .. })
        ));

        let dup_skill = build(vec![], vec![], vec![skill("s:a"), skill("s:a")]);
        assert_eq!(
            dup_skill.unwrap_err(),
            TaxonomyError::DuplicateSkill("s:a".into())
        );
    }
}

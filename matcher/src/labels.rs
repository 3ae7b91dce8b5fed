//! Reference concepts named the way people's files name them: an ESCO
//! occupation or skill by its URI or by one of its labels, a municipality
//! or a region by its code or name, a field of education by its code or
//! name. Matching is exact up to case and runs of whitespace; free text is
//! the coder's business ([`crate::normalize`]), not this room's.
//!
//! A [`LabelIndex`] is built once from the taxonomy and the geography, then
//! only read: every lookup is one hash probe, so a file of 100,000 rows
//! resolves in well under a second.
//!
//! Labels are Finnish, Swedish and English, preferred and alternative
//! (ESCO's hidden labels are among the alternative ones). A preferred label
//! wins over alternative ones: "kokki" is the preferred Finnish label of
//! one occupation and an alternative label of others, and names the first.
//! Only when several concepts share the best kind of label is a name
//! ambiguous, and the lookup says which concepts it could be.

use std::collections::HashMap;

use crate::geography::Geography;
use crate::references::EDUCATION_FIELDS;
use crate::taxonomy::{Lang, OccupationIdx, SkillIdx, Taxonomy};

/// What a name or code names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Exactly one concept: its URI or code.
    Found(String),
    /// Several concepts share the name: each as `"label <uri or code>"`.
    Ambiguous(Vec<String>),
    /// Nothing has this name or code.
    Unknown,
}

/// The key a label is found by: lower case, whitespace trimmed and
/// collapsed.
pub fn label_key(text: &str) -> String {
    let text = text.trim();
    // Most labels are plain ASCII with single spaces: lower-case them whole.
    let plain = text
        .bytes()
        .all(|b| b.is_ascii() && (b == b' ' || !b.is_ascii_whitespace()));
    if plain && !text.contains("  ") {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// How well a label names its concept: preferred labels beat alternative
/// ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Preferred,
    Alternative,
}

/// Per label key, the concepts of the best tier that carry it.
#[derive(Debug)]
struct Names<T> {
    by_key: HashMap<String, (Tier, Vec<T>)>,
}

impl<T> Default for Names<T> {
    fn default() -> Self {
        Names {
            by_key: HashMap::new(),
        }
    }
}

impl<T: Copy + PartialEq> Names<T> {
    fn add(&mut self, label: &str, tier: Tier, concept: T) {
        let key = label_key(label);
        if key.is_empty() {
            return;
        }
        let entry = self.by_key.entry(key).or_insert_with(|| (tier, Vec::new()));
        if tier < entry.0 {
            *entry = (tier, vec![concept]);
        } else if tier == entry.0 && !entry.1.contains(&concept) {
            entry.1.push(concept);
        }
    }

    fn get(&self, label: &str) -> &[T] {
        self.by_key
            .get(&label_key(label))
            .map_or(&[], |(_, concepts)| concepts.as_slice())
    }
}

/// Exact names of the taxonomy's and the geography's concepts.
#[derive(Debug)]
pub struct LabelIndex<'a> {
    taxonomy: &'a Taxonomy,
    geography: &'a Geography,
    occupations: Names<OccupationIdx>,
    skills: Names<SkillIdx>,
    education_fields: Names<usize>,
}

/// Most candidates an ambiguous lookup lists.
const MAX_CANDIDATES: usize = 5;

fn is_uri(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

impl<'a> LabelIndex<'a> {
    /// Index every label of `taxonomy` and every name of `geography`.
    pub fn new(taxonomy: &'a Taxonomy, geography: &'a Geography) -> LabelIndex<'a> {
        let mut occupations = Names::default();
        for (idx, o) in taxonomy.occupations() {
            for lang in Lang::ALL {
                if let Some(label) = o.labels.exact(lang) {
                    occupations.add(label, Tier::Preferred, idx);
                }
            }
            for lang in Lang::ALL {
                for label in o.alt_labels(lang) {
                    occupations.add(label, Tier::Alternative, idx);
                }
            }
        }
        let mut skills = Names::default();
        for (idx, s) in taxonomy.skills() {
            for lang in Lang::ALL {
                if let Some(label) = s.labels.exact(lang) {
                    skills.add(label, Tier::Preferred, idx);
                }
            }
            for label in &s.alt_labels_en {
                skills.add(label, Tier::Alternative, idx);
            }
        }
        let mut education_fields = Names::default();
        for (i, (_, fi, sv, en)) in EDUCATION_FIELDS.iter().enumerate() {
            for name in [fi, sv, en] {
                education_fields.add(name, Tier::Preferred, i);
            }
        }
        LabelIndex {
            taxonomy,
            geography,
            occupations,
            skills,
            education_fields,
        }
    }

    pub fn taxonomy(&self) -> &'a Taxonomy {
        self.taxonomy
    }

    pub fn geography(&self) -> &'a Geography {
        self.geography
    }

    /// An ESCO occupation by URI or label.
    pub fn occupation(&self, text: &str) -> Lookup {
        let text = text.trim();
        if is_uri(text) {
            return match self.taxonomy.occupation_by_uri(text) {
                Some(o) => Lookup::Found(o.uri.clone()),
                None => Lookup::Unknown,
            };
        }
        let taxonomy = self.taxonomy;
        Self::pick(
            self.occupations.get(text),
            |&idx| taxonomy.occupation(idx).uri.clone(),
            |&idx| &taxonomy.occupation(idx).labels.en,
        )
    }

    /// An ESCO skill by URI or label.
    pub fn skill(&self, text: &str) -> Lookup {
        let text = text.trim();
        if is_uri(text) {
            return match self.taxonomy.skill_by_uri(text) {
                Some(s) => Lookup::Found(s.uri.clone()),
                None => Lookup::Unknown,
            };
        }
        let taxonomy = self.taxonomy;
        Self::pick(
            self.skills.get(text),
            |&idx| taxonomy.skill(idx).uri.clone(),
            |&idx| &taxonomy.skill(idx).labels.en,
        )
    }

    /// A municipality's code, by code or by Finnish or Swedish name
    /// (diacritics optional, as [`Geography::municipality_by_name`]).
    pub fn municipality(&self, text: &str) -> Lookup {
        let text = text.trim();
        let found = if text.bytes().all(|b| b.is_ascii_digit()) {
            self.geography.municipality(text)
        } else {
            self.geography.municipality_by_name(text)
        };
        found.map_or(Lookup::Unknown, |m| Lookup::Found(m.code.clone()))
    }

    /// A region's code, by code or by Finnish, Swedish or English name.
    pub fn region(&self, text: &str) -> Lookup {
        let text = text.trim();
        let found = if text.bytes().all(|b| b.is_ascii_digit()) {
            self.geography.region(text)
        } else {
            self.geography.region_by_name(text)
        };
        found.map_or(Lookup::Unknown, |r| Lookup::Found(r.code.clone()))
    }

    /// A field of education's code (`"00"`–`"10"`), by code or by its
    /// Finnish, Swedish or English name.
    pub fn education_field(&self, text: &str) -> Lookup {
        let text = text.trim();
        if let Some((code, ..)) = EDUCATION_FIELDS.iter().find(|(code, ..)| *code == text) {
            return Lookup::Found((*code).to_owned());
        }
        Self::pick(
            self.education_fields.get(text),
            |&i| EDUCATION_FIELDS[i].0.to_owned(),
            |&i| EDUCATION_FIELDS[i].3,
        )
    }

    /// What `found` names: `id` of the one concept, or `"label <id>"` of
    /// each of several.
    fn pick<'l, T>(
        found: &[T],
        id: impl Fn(&T) -> String,
        label: impl Fn(&T) -> &'l str,
    ) -> Lookup {
        match found {
            [] => Lookup::Unknown,
            [one] => Lookup::Found(id(one)),
            several => {
                let mut candidates: Vec<String> = several
                    .iter()
                    .map(|c| format!("{} <{}>", label(c), id(c)))
                    .collect();
                candidates.sort();
                candidates.truncate(MAX_CANDIDATES);
                Lookup::Ambiguous(candidates)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geography::{Municipality, Region};
    use crate::taxonomy::{IscoGroup, Labels, Occupation, Skill};

    fn labels(en: &str, fi: &str, sv: &str) -> Labels {
        Labels {
            en: en.into(),
            fi: Some(fi.into()),
            sv: Some(sv.into()),
        }
    }

    fn occupation(n: u32, en: &str, fi: &str, sv: &str, alt_fi: &[&str]) -> Occupation {
        Occupation {
            uri: format!("http://data.europa.eu/esco/occupation/o{n}"),
            esco_code: "5120.1".into(),
            isco_code: "5120".into(),
            labels: labels(en, fi, sv),
            alt_labels_en: vec![],
            alt_labels_fi: alt_fi.iter().map(|s| (*s).to_owned()).collect(),
            alt_labels_sv: vec![],
            description_en: String::new(),
            description_fi: String::new(),
            broader_uri: None,
        }
    }

    fn skill(n: u32, en: &str, fi: &str, alt_en: &[&str]) -> Skill {
        Skill {
            uri: format!("http://data.europa.eu/esco/skill/s{n}"),
            labels: labels(en, fi, &format!("{en} (sv)")),
            alt_labels_en: alt_en.iter().map(|s| (*s).to_owned()).collect(),
            n_occupations_essential: 1,
            n_occupations_optional: 0,
        }
    }

    fn taxonomy() -> Taxonomy {
        let group = |code: &str, parent: Option<&str>| IscoGroup {
            code: code.into(),
            labels: labels(code, code, code),
            parent: parent.map(str::to_owned),
        };
        Taxonomy::new(
            "test".into(),
            vec![
                group("5", None),
                group("51", Some("5")),
                group("512", Some("51")),
                group("5120", Some("512")),
            ],
            vec![
                occupation(1, "cook", "kokki", "kock", &["ruoanlaittaja"]),
                occupation(
                    2,
                    "chef",
                    "keittiömestari",
                    "kökschef",
                    &["kokki", "ruoanlaittaja"],
                ),
            ],
            vec![
                skill(1, "prepare food", "valmistaa ruokaa", &["cook food"]),
                skill(2, "cook food", "kypsentää ruokaa", &[]),
                skill(3, "use knives", "käyttää veitsiä", &["knife work"]),
                skill(4, "handle knives", "käsitellä veitsiä", &["knife work"]),
            ],
            vec![],
            vec![],
        )
        .unwrap()
    }

    fn geography() -> Geography {
        let region = Region {
            code: "06".into(),
            name_fi: "Pirkanmaa".into(),
            name_sv: "Birkaland".into(),
            name_en: "Pirkanmaa".into(),
            population: 1,
            lat: 61.5,
            lon: 23.8,
        };
        let municipality = Municipality {
            code: "837".into(),
            name_fi: "Tampere".into(),
            name_sv: "Tammerfors".into(),
            name_en: "Tampere".into(),
            region_code: "06".into(),
            sub_region_code: "064".into(),
            sub_region_name_fi: "Tampere".into(),
            ely_code: "04".into(),
            ely_abbr: "PIR".into(),
            population: 1,
            lat: 61.5,
            lon: 23.8,
        };
        Geography::new(vec![municipality], vec![region]).unwrap()
    }

    #[test]
    fn labels_in_every_language_name_their_concept_whatever_the_case() {
        let (t, g) = (taxonomy(), geography());
        let index = LabelIndex::new(&t, &g);
        let o1 = Lookup::Found("http://data.europa.eu/esco/occupation/o1".into());
        assert_eq!(index.occupation("cook"), o1);
        assert_eq!(index.occupation("  KOCK "), o1);
        assert_eq!(
            index.occupation("http://data.europa.eu/esco/occupation/o1"),
            o1
        );
        // A preferred label beats another occupation's alternative one.
        assert_eq!(index.occupation("Kokki"), o1);
        assert_eq!(
            index.occupation("Keittiömestari"),
            Lookup::Found("http://data.europa.eu/esco/occupation/o2".into())
        );
        assert_eq!(index.occupation("keittiomestari"), Lookup::Unknown);
        assert_eq!(
            index.occupation("http://data.europa.eu/esco/occupation/nope"),
            Lookup::Unknown
        );
        assert_eq!(
            index.skill("cook food"),
            Lookup::Found("http://data.europa.eu/esco/skill/s2".into())
        );
        assert_eq!(
            index.skill("prepare food (sv)"),
            Lookup::Found("http://data.europa.eu/esco/skill/s1".into())
        );
        assert_eq!(
            index.municipality("Tammerfors"),
            Lookup::Found("837".into())
        );
        assert_eq!(index.municipality("837"), Lookup::Found("837".into()));
        assert_eq!(index.municipality("091"), Lookup::Unknown);
        assert_eq!(index.region("birkaland"), Lookup::Found("06".into()));
        assert_eq!(
            index.education_field("Palvelualat"),
            Lookup::Found("10".into())
        );
        assert_eq!(index.education_field("06"), Lookup::Found("06".into()));
    }

    #[test]
    fn keys_ignore_case_and_runs_of_whitespace() {
        assert_eq!(label_key(" Keittiö\tMESTARI "), "keittiö mestari");
        assert_eq!(
            label_key("Python  (Computer programming)"),
            "python (computer programming)"
        );
        assert_eq!(label_key("SQL"), "sql");
    }

    #[test]
    fn a_label_of_several_concepts_of_the_same_kind_is_ambiguous() {
        let (t, g) = (taxonomy(), geography());
        let index = LabelIndex::new(&t, &g);
        assert_eq!(
            index.occupation("ruoanlaittaja"),
            Lookup::Ambiguous(vec![
                "chef <http://data.europa.eu/esco/occupation/o2>".into(),
                "cook <http://data.europa.eu/esco/occupation/o1>".into(),
            ])
        );
        assert!(matches!(index.skill("knife work"), Lookup::Ambiguous(c) if c.len() == 2));
        assert_eq!(index.skill("juggling"), Lookup::Unknown);
    }
}

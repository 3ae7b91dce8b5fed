//! Measuring the coder and the extractor: labelled titles → top-1, top-5 and
//! mean reciprocal rank at the level of the ESCO occupation, the ISCO-08
//! unit group (4 digits) or sub-major group (2 digits); annotated texts →
//! precision and recall of the skills found; and a held-out set built from
//! ESCO's own English alternative labels.

use std::collections::HashSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::coder::OccupationCoder;
use super::skills::SkillExtractor;
use crate::taxonomy::{Lang, Occupation, OccupationSkill, SkillRelation, Taxonomy, TaxonomyError};

/// What a case should be coded to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// An ESCO occupation URI.
    Occupation(String),
    /// An ISCO-08 code of 1–4 digits.
    Isco(String),
}

/// A text and what it should be coded to; `lang` when the file says.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub lang: Option<Lang>,
    pub text: String,
    pub expected: Expected,
}

/// At which level a result counts as right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Occupation,
    Isco4,
    Isco2,
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Level, String> {
        match s {
            "occupation" => Ok(Level::Occupation),
            "isco4" => Ok(Level::Isco4),
            "isco2" => Ok(Level::Isco2),
            other => Err(format!(
                "unknown level {other:?} (occupation, isco4 or isco2)"
            )),
        }
    }
}

impl Level {
    fn digits(self) -> Option<usize> {
        match self {
            Level::Occupation => None,
            Level::Isco4 => Some(4),
            Level::Isco2 => Some(2),
        }
    }
}

/// Accuracy figures over a set of cases.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub cases: usize,
    /// Share of cases whose expected answer is ranked first.
    pub top1: f64,
    /// … ranked among the first five.
    pub top5: f64,
    /// Mean reciprocal rank over the first ten (0 when not in them).
    pub mrr: f64,
}

/// A bad line of a cases file (1-based) and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct CaseError {
    pub line: usize,
    pub reason: String,
}

fn is_isco(code: &str) -> bool {
    (1..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// Parse a TSV of cases: `title<TAB>expected`, or `lang<TAB>title<TAB>expected`
/// (further columns are comments). `expected` is an ESCO occupation URI or
/// an ISCO-08 code; `#` starts a comment line. Occupation URIs must be in
/// `taxonomy`.
pub fn parse_cases(text: &str, taxonomy: &Taxonomy) -> Result<Vec<Case>, CaseError> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let error = |reason: String| CaseError {
            line: i + 1,
            reason,
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let (lang, title, expected) = match fields.as_slice() {
            [lang, title, expected, ..] if lang.parse::<Lang>().is_ok() => {
                (lang.parse::<Lang>().ok(), *title, *expected)
            }
            [title, expected, ..] => (None, *title, *expected),
            _ => {
                return Err(error(
                    "expected title and URI or ISCO code, tab-separated".into(),
                ))
            }
        };
        if title.is_empty() {
            return Err(error("empty title".into()));
        }
        let expected = if is_isco(expected) {
            Expected::Isco(expected.to_owned())
        } else if taxonomy.occupation_by_uri(expected).is_some() {
            Expected::Occupation(expected.to_owned())
        } else {
            return Err(error(format!(
                "{expected:?} is neither an ESCO occupation of this taxonomy nor an ISCO-08 code"
            )));
        };
        cases.push(Case {
            lang,
            text: title.to_owned(),
            expected,
        });
    }
    Ok(cases)
}

/// Where each case's expected answer was ranked (1-based, `None` when not
/// in the first ten distinct answers at `level`). The language is the
/// case's own, else `lang`, else detected. Cases expecting an ISCO code
/// cannot be scored at the occupation level: that is an error naming the
/// first.
pub fn ranks(
    coder: &OccupationCoder,
    taxonomy: &Taxonomy,
    cases: &[Case],
    level: Level,
    lang: Option<Lang>,
) -> Result<Vec<Option<usize>>, String> {
    if let (Level::Occupation, Some(case)) = (
        level,
        cases
            .iter()
            .find(|c| matches!(c.expected, Expected::Isco(_))),
    ) {
        return Err(format!(
            "{:?} expects an ISCO code; use --level isco4 or isco2",
            case.text
        ));
    }
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let mut out = Vec::with_capacity(cases.len());
    // Cases are coded in groups of one language so the batch can use all
    // cores.
    let mut coded = vec![Vec::new(); cases.len()];
    for group_lang in [None, Some(Lang::Fi), Some(Lang::Sv), Some(Lang::En)] {
        let members: Vec<usize> = (0..cases.len())
            .filter(|&i| cases[i].lang.or(lang) == group_lang)
            .collect();
        if members.is_empty() {
            continue;
        }
        let batch: Vec<&str> = members.iter().map(|&i| texts[i]).collect();
        for (i, result) in members
            .into_iter()
            .zip(coder.code_batch(&batch, group_lang, 30))
        {
            coded[i] = result;
        }
    }
    for (case, results) in cases.iter().zip(coded) {
        let rank = match (level.digits(), &case.expected) {
            (None, Expected::Occupation(uri)) => results
                .iter()
                .take(10)
                .position(|m| &m.uri == uri)
                .map(|p| p + 1),
            (Some(digits), expected) => {
                let code = match expected {
                    Expected::Occupation(uri) => taxonomy
                        .occupation_by_uri(uri)
                        .map(|o| o.isco_code.clone())
                        .unwrap_or_default(),
                    Expected::Isco(code) => code.clone(),
                };
                let digits = digits.min(code.len());
                let wanted = code.get(..digits).unwrap_or_default();
                let mut groups: Vec<&str> = Vec::new();
                for m in &results {
                    let group = m.isco_code.get(..digits).unwrap_or_default();
                    if !groups.contains(&group) {
                        groups.push(group);
                    }
                }
                groups
                    .iter()
                    .take(10)
                    .position(|g| *g == wanted)
                    .map(|p| p + 1)
            }
            (None, Expected::Isco(_)) => None,
        };
        out.push(rank);
    }
    Ok(out)
}

/// Top-1, top-5 and MRR from ranks.
pub fn metrics(ranks: &[Option<usize>]) -> Metrics {
    let n = ranks.len();
    if n == 0 {
        return Metrics::default();
    }
    let share =
        |k: usize| ranks.iter().filter(|r| r.is_some_and(|r| r <= k)).count() as f64 / n as f64;
    Metrics {
        cases: n,
        top1: share(1),
        top5: share(5),
        mrr: ranks
            .iter()
            .map(|r| r.map_or(0.0, |r| 1.0 / r as f64))
            .sum::<f64>()
            / n as f64,
    }
}

/// One annotated text of a skill-extraction set (a JSON line).
#[derive(Clone, Debug, Deserialize)]
pub struct AnnotatedText {
    pub id: String,
    pub lang: Lang,
    pub text: String,
    pub skills: Vec<AnnotatedSkill>,
    #[serde(default)]
    pub split: Option<String>,
}

/// A skill an annotator marked in a text.
#[derive(Clone, Debug, Deserialize)]
pub struct AnnotatedSkill {
    pub uri: String,
}

/// Micro-averaged precision and recall of distinct skills per text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct SkillMetrics {
    pub texts: usize,
    pub gold: usize,
    pub found: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Parse JSON lines of [`AnnotatedText`]; the error names the line.
pub fn parse_annotated(text: &str) -> Result<Vec<AnnotatedText>, CaseError> {
    parse_json_lines(text)
}

/// Parse JSON lines, blank lines skipped; the error names the line.
pub fn parse_json_lines<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, CaseError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| CaseError {
                line: i + 1,
                reason: e.to_string(),
            })
        })
        .collect()
}

/// Precision and recall of `extractor` on `texts` (each in its own
/// language).
pub fn skill_metrics(extractor: &SkillExtractor, texts: &[AnnotatedText]) -> SkillMetrics {
    let mut m = SkillMetrics {
        texts: texts.len(),
        ..SkillMetrics::default()
    };
    for text in texts {
        let gold: HashSet<&str> = text.skills.iter().map(|s| s.uri.as_str()).collect();
        let found: HashSet<String> = extractor
            .extract(&text.text, Some(text.lang))
            .into_iter()
            .map(|s| s.uri)
            .collect();
        m.gold += gold.len();
        m.found += found.len();
        m.correct += found.iter().filter(|u| gold.contains(u.as_str())).count();
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    m.precision = ratio(m.correct, m.found);
    m.recall = ratio(m.correct, m.gold);
    m.f1 = if m.precision + m.recall > 0.0 {
        2.0 * m.precision * m.recall / (m.precision + m.recall)
    } else {
        0.0
    };
    m
}

/// FNV-1a, so that the held-out sample is the same on every machine.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Hold out every `one_in`-th English alternative label (by a hash of URI
/// and label): a copy of `taxonomy` without them, and the held-out labels as
/// cases. Labels that only repeat the occupation's English preferred label
/// are kept in and not tested.
pub fn hold_out_alt_labels(
    taxonomy: &Taxonomy,
    one_in: u64,
) -> Result<(Taxonomy, Vec<Case>), TaxonomyError> {
    let one_in = one_in.max(1);
    let mut cases = Vec::new();
    let occupations: Vec<Occupation> = taxonomy
        .occupations()
        .map(|(_, o)| {
            let mut kept = o.clone();
            kept.alt_labels_en.retain(|alt| {
                let trivial = alt.trim().eq_ignore_ascii_case(o.labels.en.trim());
                let hash = fnv1a(&format!("{}\t{alt}", o.uri));
                let held = !trivial && hash.checked_rem(one_in) == Some(0);
                if held {
                    cases.push(Case {
                        lang: Some(Lang::En),
                        text: alt.clone(),
                        expected: Expected::Occupation(o.uri.clone()),
                    });
                }
                !held
            });
            kept
        })
        .collect();
    let reduced = Taxonomy::new(
        taxonomy.version().to_owned(),
        taxonomy.isco_groups().cloned().collect(),
        occupations,
        taxonomy.skills().map(|(_, s)| s.clone()).collect(),
        taxonomy
            .occupation_skill_relations()
            .map(|(o, s, kind)| OccupationSkill {
                occupation_uri: taxonomy.occupation(o).uri.clone(),
                skill_uri: taxonomy.skill(s).uri.clone(),
                kind,
            })
            .collect(),
        taxonomy
            .skill_relations()
            .map(|(from, to, kind)| SkillRelation {
                from_uri: taxonomy.skill(from).uri.clone(),
                to_uri: taxonomy.skill(to).uri.clone(),
                kind,
            })
            .collect(),
    )?;
    Ok((reduced, cases))
}

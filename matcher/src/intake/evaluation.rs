//! Precision and recall of the intake on annotated CVs (JSON lines; see
//! `fixtures/test/intake/README.md`): occupations, skills, languages (and
//! their levels), driving licences and work cards, and how often the years
//! of a correctly found occupation are right.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Intake;
use crate::normalize::evaluation::{parse_json_lines, CaseError};
use crate::taxonomy::Lang;

/// Years within this of the annotation count as right.
pub const YEARS_TOLERANCE: f64 = 0.5;

#[derive(Debug, Clone, Deserialize)]
pub struct GoldOccupation {
    pub uri: String,
    #[serde(default)]
    pub label: String,
    pub years: Option<f64>,
    #[serde(default)]
    pub evidence: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldSkill {
    pub uri: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub evidence: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldLanguage {
    pub language: String,
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldLicence {
    pub class: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldCertificate {
    pub name: String,
}

/// One annotated CV.
#[derive(Debug, Clone, Deserialize)]
pub struct AnnotatedCv {
    pub id: String,
    pub lang: Lang,
    pub split: Option<String>,
    pub text: String,
    #[serde(default)]
    pub occupations: Vec<GoldOccupation>,
    #[serde(default)]
    pub skills: Vec<GoldSkill>,
    #[serde(default)]
    pub languages: Vec<GoldLanguage>,
    #[serde(default)]
    pub licences: Vec<GoldLicence>,
    #[serde(default)]
    pub certificates: Vec<GoldCertificate>,
}

/// Parse JSON lines of [`AnnotatedCv`]; the error names the line.
pub fn parse(text: &str) -> Result<Vec<AnnotatedCv>, CaseError> {
    parse_json_lines(text)
}

/// Found against gold for one kind of suggestion.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub gold: usize,
    pub found: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Counts {
    fn add(&mut self, gold: &HashSet<String>, found: &HashSet<String>) {
        self.gold += gold.len();
        self.found += found.len();
        self.correct += found.intersection(gold).count();
    }

    fn finish(&mut self) {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.precision = ratio(self.correct, self.found);
        self.recall = ratio(self.correct, self.gold);
        self.f1 = if self.precision + self.recall > 0.0 {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        } else {
            0.0
        };
    }
}

/// The intake's quality on a set of CVs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IntakeMetrics {
    pub cvs: usize,
    pub occupations: Counts,
    pub skills: Counts,
    /// Languages by code.
    pub languages: Counts,
    /// Languages by code and level.
    pub language_levels: Counts,
    pub licences: Counts,
    pub certificates: Counts,
    /// Correctly found occupations whose annotation gives years.
    pub years_gold: usize,
    /// … of which the suggestion's years are within [`YEARS_TOLERANCE`].
    pub years_right: usize,
}

/// Measure `intake` on `cvs`, each read in its annotated language;
/// `today` closes open periods as the annotators did.
pub fn intake_metrics(intake: &Intake<'_>, cvs: &[AnnotatedCv], today: NaiveDate) -> IntakeMetrics {
    let mut m = IntakeMetrics {
        cvs: cvs.len(),
        ..IntakeMetrics::default()
    };
    for cv in cvs {
        let s = intake.suggest(&cv.text, Some(cv.lang), Lang::En, today);
        let set = |items: Vec<String>| items.into_iter().collect::<HashSet<String>>();
        m.occupations.add(
            &set(cv.occupations.iter().map(|o| o.uri.clone()).collect()),
            &set(s.occupations.iter().map(|o| o.uri.clone()).collect()),
        );
        m.skills.add(
            &set(cv.skills.iter().map(|o| o.uri.clone()).collect()),
            &set(s.skills.iter().map(|o| o.uri.clone()).collect()),
        );
        m.languages.add(
            &set(cv.languages.iter().map(|l| l.language.clone()).collect()),
            &set(s.languages.iter().map(|l| l.language.clone()).collect()),
        );
        m.language_levels.add(
            &set(cv
                .languages
                .iter()
                .map(|l| format!("{}:{}", l.language, l.level))
                .collect()),
            &set(s
                .languages
                .iter()
                .map(|l| format!("{}:{}", l.language, l.level))
                .collect()),
        );
        m.licences.add(
            &set(cv.licences.iter().map(|l| l.class.clone()).collect()),
            &set(s.licences.iter().map(|l| l.class.clone()).collect()),
        );
        m.certificates.add(
            &set(cv.certificates.iter().map(|c| c.name.clone()).collect()),
            &set(s.certificates.iter().map(|c| c.name.clone()).collect()),
        );
        for gold in &cv.occupations {
            let (Some(years), Some(found)) =
                (gold.years, s.occupations.iter().find(|o| o.uri == gold.uri))
            else {
                continue;
            };
            m.years_gold += 1;
            if found
                .years
                .is_some_and(|y| (y - years).abs() <= YEARS_TOLERANCE)
            {
                m.years_right += 1;
            }
        }
    }
    for c in [
        &mut m.occupations,
        &mut m.skills,
        &mut m.languages,
        &mut m.language_levels,
        &mut m.licences,
        &mut m.certificates,
    ] {
        c.finish();
    }
    m
}

/// What the intake missed in `cv` and what it suggested wrongly, one line
/// each (`missed occupation …`, `wrong skill …`, `years …`).
pub fn misses(intake: &Intake<'_>, cv: &AnnotatedCv, today: NaiveDate) -> Vec<String> {
    let s = intake.suggest(&cv.text, Some(cv.lang), Lang::En, today);
    let mut out = Vec::new();
    for g in &cv.occupations {
        match s.occupations.iter().find(|o| o.uri == g.uri) {
            None => out.push(format!("missed occupation\t{}\t{:?}", g.label, g.evidence)),
            Some(o)
                if g.years.is_some()
                    && o.years
                        .is_none_or(|y| (y - g.years.unwrap_or(0.0)).abs() > YEARS_TOLERANCE) =>
            {
                out.push(format!(
                    "years\t{}\t{:?} for {:?}",
                    g.label, o.years, g.years
                ));
            }
            Some(_) => {}
        }
    }
    for o in &s.occupations {
        if !cv.occupations.iter().any(|g| g.uri == o.uri) {
            out.push(format!(
                "wrong occupation\t{}\t{:?} ({:.2})",
                o.label, o.text, o.confidence
            ));
        }
    }
    for g in &cv.skills {
        if !s.skills.iter().any(|o| o.uri == g.uri) {
            out.push(format!("missed skill\t{}\t{:?}", g.label, g.evidence));
        }
    }
    for o in &s.skills {
        if !cv.skills.iter().any(|g| g.uri == o.uri) {
            out.push(format!(
                "wrong skill\t{}\t{:?} ({:.2})",
                o.label, o.text, o.score
            ));
        }
    }
    for g in &cv.languages {
        if !s
            .languages
            .iter()
            .any(|o| o.language == g.language && o.level.as_str() == g.level)
        {
            out.push(format!("missed language\t{}:{}", g.language, g.level));
        }
    }
    for o in &s.languages {
        if !cv
            .languages
            .iter()
            .any(|g| g.language == o.language && o.level.as_str() == g.level)
        {
            out.push(format!(
                "wrong language\t{}:{}\t{:?}",
                o.language, o.level, o.text
            ));
        }
    }
    for g in &cv.licences {
        if !s.licences.iter().any(|o| o.class == g.class) {
            out.push(format!("missed licence\t{}", g.class));
        }
    }
    for o in &s.licences {
        if !cv.licences.iter().any(|g| g.class == o.class) {
            out.push(format!("wrong licence\t{}\t{:?}", o.class, o.text));
        }
    }
    for g in &cv.certificates {
        if !s.certificates.iter().any(|o| o.name == g.name) {
            out.push(format!("missed certificate\t{}", g.name));
        }
    }
    for o in &s.certificates {
        if !cv.certificates.iter().any(|g| g.name == o.name) {
            out.push(format!("wrong certificate\t{}\t{:?}", o.name, o.text));
        }
    }
    out
}

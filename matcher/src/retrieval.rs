//! The first stage of matching: tantivy queries that fetch every record that
//! can score above a known bound, with the caller's access filter and the
//! hard requirements applied inside the query.
//!
//! Exactness: a record the relevance part of a stage's query does not match
//! shares no skill the stage asks for, no ISCO sub-major group and no title
//! term with the other side, so its features are capped (see
//! [`outside_bound`]). Each query comes as stages, narrowest first (for
//! candidates, those of the vacancy's ISCO unit group or sharing a title
//! term, see [`outside_unit_group_bound`]; then the other side's own skills;
//! then related and past-occupation skills too).
//! When the k-th best retrieved score is above a stage's cap, the retrieved
//! top k is the exhaustive top k; otherwise the caller goes on to the next
//! stage, and after the last one scores every eligible record.

use std::collections::BTreeSet;
use std::ops::Bound;

use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use crate::domain::{JobseekerProfile, OrgId, Vacancy};
use crate::index::analysis::Analyzers;
use crate::index::document::{language_requirement_term, language_terms, normalise_term};
use crate::index::IndexSchema;
use crate::records::{required_skills, TextTerms};
use crate::scoring::{ScoringConfig, Weights};
use crate::taxonomy::{SkillIdx, Taxonomy};

/// Which profiles a caller may match against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileAccess {
    /// Employment office advisers: every active profile nationwide.
    AllActive,
    /// Recruitment agencies: active profiles whose owner consented to
    /// agencies, consent not expired.
    Consented,
}

/// Which vacancies a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VacancyAccess {
    /// Advisers: every open vacancy, hidden ones too.
    All,
    /// An agency: public ones, those shared with it, and its own.
    Agency(OrgId),
    /// An employer: public ones and its own.
    Employer(OrgId),
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

fn u64_term(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_u64(field, value),
        IndexRecordOption::Basic,
    ))
}

fn any(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// The clause that restricts vacancies to those `access` may see (`None`
/// for advisers, who see every vacancy).
pub fn vacancy_access_clause(s: &IndexSchema, access: VacancyAccess) -> Option<Box<dyn Query>> {
    match access {
        VacancyAccess::All => None,
        VacancyAccess::Agency(org) => Some(any(vec![
            term(s.visibility, "public"),
            u64_term(s.shared_with, org.0 as u64),
            u64_term(s.owner_org, org.0 as u64),
        ])),
        VacancyAccess::Employer(org) => Some(any(vec![
            term(s.visibility, "public"),
            u64_term(s.owner_org, org.0 as u64),
        ])),
    }
}

fn date(now: chrono::NaiveDateTime) -> DateTime {
    DateTime::from_timestamp_secs(now.and_utc().timestamp())
}

fn vacancy_isco<'a>(taxonomy: &'a Taxonomy, vacancy: &'a Vacancy) -> Option<&'a str> {
    let d = &vacancy.draft;
    d.occupation_uri
        .as_deref()
        .and_then(|u| taxonomy.occupation_by_uri(u))
        .map(|o| o.isco_code.as_str())
        .or(d.isco_code.as_deref())
}

/// Past occupations are added to a candidates query when the required
/// skills belong to at most this many occupations in all (beyond that the
/// query would grow large; the bound then allows past-occupation credit).
const MAX_PAST_OCCUPATIONS: usize = 400;

/// A vacancies query names at most this many skills; beyond that (a
/// profile listing hundreds of skills) only the profile's own skills are
/// asked for and the bound allows partial skill credit.
const MAX_SKILL_TERMS: usize = 4_000;

/// One retrieval stage: a query, and the highest total a record it does
/// not match can reach ([`outside_bound`]). Stages come narrowest first: a
/// caller stops at the first whose k-th best retrieved total beats its
/// bound.
pub struct Stage {
    pub query: Box<dyn Query>,
    pub bound: f64,
}

impl std::fmt::Debug for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stage").field("bound", &self.bound).finish()
    }
}

impl Stage {
    /// The same stage, matching only what `clause` matches too.
    pub fn and(self, clause: Option<&dyn Query>) -> Stage {
        let Some(clause) = clause else {
            return self;
        };
        Stage {
            query: Box::new(BooleanQuery::new(vec![
                (Occur::Must, self.query),
                (Occur::Must, clause.box_clone()),
            ])),
            bound: self.bound,
        }
    }
}

/// The profiles that can be in `scope` of a vacancy (a superset; scoring
/// checks each exactly): those living in a municipality of `reach` (from
/// where some profile's commute reaches the workplace), and for the
/// mobility and region scopes those who would relocate nationwide or to
/// the vacancy's region (`region`, its code), and for the region scope
/// those living in it. `None` when no clause narrows: nationwide scope, or
/// a fully remote vacancy.
pub fn candidate_scope_clause(
    s: &IndexSchema,
    scope: crate::scoring::Scope,
    remote: crate::domain::RemoteMode,
    region: Option<&str>,
    reach: &[&str],
) -> Option<Box<dyn Query>> {
    use crate::scoring::Scope;
    if scope == Scope::Nationwide || remote == crate::domain::RemoteMode::Full {
        return None;
    }
    let mut should: Vec<Box<dyn Query>> = reach.iter().map(|m| term(s.municipality, m)).collect();
    if matches!(scope, Scope::Mobility | Scope::Region) {
        should.push(term(
            s.relocation,
            crate::domain::Relocation::Nationwide.as_str(),
        ));
        if let Some(region) = region {
            should.push(term(s.relocation_region, region));
        }
    }
    if scope == Scope::Region {
        if let Some(region) = region {
            should.push(term(s.region, region));
        }
    }
    if should.is_empty() {
        should.push(Box::new(tantivy::query::EmptyQuery));
    }
    Some(any(should))
}

/// The skill credit a record outside a stage can still earn, by what the
/// stage's skill terms cover.
fn outside_skill_credit(config: &ScoringConfig, related: bool, partial: bool) -> f64 {
    match (related, partial) {
        (true, true) => 0.0,
        (true, false) => config.past_occupation_skill_credit,
        (false, _) => config
            .related_skill_credit
            .max(config.past_occupation_skill_credit),
    }
}

/// Candidates for `vacancy`: access filter and hard requirements must
/// match; relevance terms (skills, related skills, occupations having a
/// required skill in the work history, ISCO sub-major group of desired or
/// past occupations, title terms) should.
pub fn candidates_query(
    s: &IndexSchema,
    taxonomy: &Taxonomy,
    config: &ScoringConfig,
    vacancy: &Vacancy,
    vacancy_terms: &TextTerms,
    access: ProfileAccess,
    now: chrono::NaiveDateTime,
) -> Vec<Stage> {
    let d = &vacancy.draft;
    let filters = || {
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, term(s.kind, "profile")),
            (Occur::Must, term(s.status, "active")),
        ];
        if access == ProfileAccess::Consented {
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_bool(s.consent_agencies, true),
                    IndexRecordOption::Basic,
                )),
            ));
            must.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Excluded(Term::from_field_date(s.consent_expires, date(now))),
                    Bound::Unbounded,
                )),
            ));
        }
        for req in d.languages.iter().filter(|r| r.hard) {
            must.push((
                Occur::Must,
                term(s.language, &language_requirement_term(&req.value)),
            ));
        }
        for req in d.licences.iter().filter(|r| r.hard) {
            must.push((Occur::Must, term(s.licence, &normalise_term(&req.value))));
        }
        for req in d.certificates.iter().filter(|r| r.hard) {
            must.push((
                Occur::Must,
                term(s.certificate, &normalise_term(&req.value)),
            ));
        }
        must
    };
    let mut required = BTreeSet::new();
    let mut related = BTreeSet::new();
    let mut past = BTreeSet::new();
    for (skill, _) in required_skills(taxonomy, vacancy) {
        required.insert(skill);
        related.extend(taxonomy.related_skills(skill).iter().map(|(r, _)| *r));
        past.extend(
            taxonomy
                .occupations_with_skill(skill)
                .iter()
                .map(|(o, _)| *o),
        );
    }
    // Every stage asks for the analysed title terms.
    let mut titles: Vec<Box<dyn Query>> = Vec::new();
    for t in &vacancy_terms.terms {
        for field in [s.title_fi, s.title_sv, s.title_en] {
            titles.push(term(field, t));
        }
    }
    let stage = |should: Vec<Box<dyn Query>>, bound: f64| {
        let mut should: Vec<Box<dyn Query>> = should
            .into_iter()
            .chain(titles.iter().map(|q| q.box_clone()))
            .collect();
        if should.is_empty() {
            should.push(Box::new(tantivy::query::EmptyQuery));
        }
        let mut must = filters();
        must.push((Occur::Must, any(should)));
        Stage {
            query: Box::new(BooleanQuery::new(must)),
            bound,
        }
    };
    let isco = vacancy_isco(taxonomy, vacancy);
    // The ISCO group at `digits` of a desired or past occupation.
    let group = |digits: usize| -> Vec<Box<dyn Query>> {
        match isco.filter(|c| c.len() >= digits) {
            Some(c) => vec![
                term(s.isco, &c[..digits]),
                term(s.experience_isco, &c[..digits]),
            ],
            None => Vec::new(),
        }
    };
    let mut stages = Vec::new();
    // Unit group: candidates who want or did work of the vacancy's ISCO
    // unit group (or its occupation), or share a title term. Rankings with
    // enough strong candidates nearby are proven here.
    if isco.is_some_and(|c| c.len() >= 4) {
        let mut unit = group(4);
        if let Some(uri) = &d.occupation_uri {
            unit.push(term(s.occupation, uri));
            unit.push(term(s.experience_occupation, uri));
        }
        stages.push(stage(unit, outside_unit_group_bound(config)));
    }
    // Narrow: the required skills themselves, and the ISCO sub-major group.
    let mut narrow: Vec<Box<dyn Query>> = required
        .iter()
        .map(|k| term(s.skill, &taxonomy.skill(*k).uri))
        .collect();
    narrow.extend(group(2));
    // Wide: related skills too, and past occupations having a required
    // skill unless there are too many of them.
    let covers_past_occupations = past.len() <= MAX_PAST_OCCUPATIONS;
    let mut wide: Vec<Box<dyn Query>> = required
        .union(&related)
        .map(|k| term(s.skill, &taxonomy.skill(*k).uri))
        .collect();
    wide.extend(group(2));
    if covers_past_occupations {
        for o in past {
            wide.push(term(s.experience_occupation, &taxonomy.occupation(o).uri));
        }
    }
    let partial = |related: bool, past: bool| {
        outside_bound(config, outside_skill_credit(config, related, past))
    };
    stages.push(stage(narrow, partial(false, false)));
    stages.push(stage(wide, partial(true, covers_past_occupations)));
    stages
}

/// Vacancies for `profile`: access filter, open and not expired must match;
/// relevance terms (the profile's skills, ISCO sub-major groups of its
/// desired and past occupations, its title terms) should.
pub fn vacancies_query(
    s: &IndexSchema,
    taxonomy: &Taxonomy,
    profile: &JobseekerProfile,
    config: &ScoringConfig,
    profile_terms: &TextTerms,
    access: VacancyAccess,
    now: chrono::NaiveDateTime,
) -> Vec<Stage> {
    let p = &profile.draft;
    let mut must: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, term(s.kind, "vacancy")),
        (Occur::Must, term(s.status, "open")),
        (
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Excluded(Term::from_field_date(s.expires_at, date(now))),
                Bound::Unbounded,
            )),
        ),
    ];
    if let Some(clause) = vacancy_access_clause(s, access) {
        must.push((Occur::Must, clause));
    }
    // Hard requirements the profile does not meet exclude the vacancy.
    let languages: BTreeSet<String> = p.languages.iter().flat_map(language_terms).collect();
    let licences: BTreeSet<String> = p.licences.iter().map(|l| normalise_term(l)).collect();
    let certificates: BTreeSet<String> = p.certificates.iter().map(|c| normalise_term(c)).collect();
    must.push((
        Occur::MustNot,
        Box::new(HardTermsOutside::query(s.language_hard, &languages)),
    ));
    must.push((
        Occur::MustNot,
        Box::new(HardTermsOutside::query(s.licence_hard, &licences)),
    ));
    must.push((
        Occur::MustNot,
        Box::new(HardTermsOutside::query(s.certificate_hard, &certificates)),
    ));
    // The profile's skills, the skills ESCO relates to them (a vacancy
    // requiring one gives related-skill credit) and the skills of the
    // occupations in its work history (past-occupation credit).
    let has: BTreeSet<SkillIdx> = taxonomy
        .resolve_skills(p.skills.iter().filter_map(|s| s.uri.as_deref()))
        .into_iter()
        .collect();
    let mut skills = has.clone();
    for h in &has {
        skills.extend(taxonomy.related_from(*h).iter().copied());
    }
    for o in p
        .work_history
        .iter()
        .filter_map(|w| taxonomy.occupation_idx(w.occupation_uri.as_deref()?))
    {
        skills.extend(taxonomy.skills_of(o).iter().map(|(s, _)| *s));
    }
    let covers_partial_credit = skills.len() <= MAX_SKILL_TERMS;
    // What every stage asks for: ISCO sub-major groups of desired and past
    // occupations, and title terms.
    let mut common: Vec<Box<dyn Query>> = Vec::new();
    let groups: BTreeSet<&str> = p
        .desired_occupations
        .iter()
        .map(String::as_str)
        .chain(
            p.work_history
                .iter()
                .filter_map(|w| w.occupation_uri.as_deref()),
        )
        .filter_map(|u| taxonomy.occupation_by_uri(u))
        .filter_map(|o| o.isco_code.get(..2))
        .collect();
    for g in groups {
        common.push(term(s.isco, g));
    }
    for t in &profile_terms.terms {
        for field in [s.title_fi, s.title_sv, s.title_en] {
            common.push(term(field, t));
        }
    }
    let stage = |skills: &BTreeSet<SkillIdx>, skill_credit: f64| {
        let mut should: Vec<Box<dyn Query>> = Vec::new();
        for skill in skills {
            let uri = &taxonomy.skill(*skill).uri;
            should.push(term(s.skill_essential, uri));
            should.push(term(s.skill_nice, uri));
        }
        should.extend(common.iter().map(|q| q.box_clone()));
        if should.is_empty() {
            should.push(Box::new(tantivy::query::EmptyQuery));
        }
        let mut must: Vec<(Occur, Box<dyn Query>)> =
            must.iter().map(|(o, q)| (*o, q.box_clone())).collect();
        must.push((Occur::Must, any(should)));
        Stage {
            query: Box::new(BooleanQuery::new(must)),
            bound: outside_bound(config, skill_credit),
        }
    };
    // Narrow: the profile's own skills. Wide: partial credit too, unless
    // it would name too many skills.
    let partial = outside_skill_credit(config, false, false);
    let mut stages = vec![stage(&has, partial)];
    if covers_partial_credit {
        stages.push(stage(&skills, 0.0));
    }
    stages
}

/// Documents with a term in `field` that is not in `allowed`: built as the
/// union of term queries over the field's terms, minus the allowed ones.
/// Hard-requirement vocabularies are small (language levels, licence
/// classes, certificates), so the terms are enumerated from the dictionary.
#[derive(Debug, Clone)]
pub struct HardTermsOutside {
    field: Field,
    allowed: BTreeSet<String>,
}

impl HardTermsOutside {
    pub fn query(field: Field, allowed: &BTreeSet<String>) -> HardTermsOutside {
        HardTermsOutside {
            field,
            allowed: allowed.clone(),
        }
    }
}

impl Query for HardTermsOutside {
    fn weight(
        &self,
        enable_scoring: tantivy::query::EnableScoring<'_>,
    ) -> tantivy::Result<Box<dyn tantivy::query::Weight>> {
        let Some(searcher) = enable_scoring.searcher() else {
            return AllQuery.weight(enable_scoring);
        };
        let mut terms = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                if let Ok(text) = std::str::from_utf8(stream.key()) {
                    if !self.allowed.contains(text) {
                        terms.insert(text.to_owned());
                    }
                }
            }
        }
        let clauses: Vec<Box<dyn Query>> = terms.iter().map(|t| term(self.field, t)).collect();
        if clauses.is_empty() {
            return tantivy::query::EmptyQuery.weight(enable_scoring);
        }
        any(clauses).weight(enable_scoring)
    }
}

/// The highest total a pair can reach when the relevance part of a
/// retrieval stage does not match it, and it can earn at most
/// `skill_credit` of skill coverage. The same in both directions.
pub fn outside_bound(config: &ScoringConfig, skill_credit: f64) -> f64 {
    // Skills: `skill_credit` at most; occupation: at most the same ISCO
    // major group (0.1), so no experience (needs minor-group proximity) and
    // at most 0.1 desired-occupation fit in preferences; no shared title term.
    bound_of(config, skill_credit, 0.1, 0.0)
}

/// The highest total of a candidate with no desired or past occupation in
/// the vacancy's ISCO unit group (nor the vacancy's occupation) and no
/// shared title term: any skill coverage, occupation proximity at most 0.5
/// (the same minor group), so desired-occupation fit at most 0.5 too, and
/// any experience.
pub fn outside_unit_group_bound(config: &ScoringConfig) -> f64 {
    bound_of(config, 1.0, 0.5, 1.0)
}

/// The weighted total with the given caps on skill coverage, occupation
/// fit (also the desired-occupation part of preferences) and experience,
/// no text, and full marks on the rest.
fn bound_of(config: &ScoringConfig, skills: f64, occupation: f64, experience: f64) -> f64 {
    let w: &Weights = &config.weights;
    let parts = [
        (w.skills, skills),
        (w.occupation, occupation),
        (w.experience, experience),
        (w.text, 0.0),
        (w.languages, 1.0),
        (w.licences, 1.0),
        (w.work_time, 1.0),
        (w.geography, 1.0),
        (w.preferences, 0.6 * occupation + 0.4),
    ];
    let sum: f64 = parts.iter().map(|(w, _)| w.max(0.0)).sum();
    if sum <= 0.0 {
        return 0.0;
    }
    parts.iter().map(|(w, v)| w.max(0.0) * v).sum::<f64>() / sum
}

/// Analysed title terms, re-exported for callers that build queries.
pub fn analysers_for(lexicon: &crate::index::CompoundLexicon) -> Analyzers {
    Analyzers::new(lexicon)
}

//! Matching over the store and the index: retrieve with the access filter
//! and hard requirements inside the tantivy query, score every retrieved
//! pair exactly, and prove the top k exact against the bound of what the
//! query could have missed (falling back to scoring every eligible record
//! when it cannot). Every ranking is written to the match log.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use matcher::domain::{
    JobseekerProfile, ProfileId, ProfileStatus, Vacancy, VacancyId, VacancyStatus, Visibility,
};
use matcher::picture::{balance, Balance, Counts, CrossRegional};
use matcher::ranking::{score_candidates, score_vacancies, Analyzers, Ranked, TopK};
use matcher::retrieval::{
    candidates_query, outside_bound, vacancies_query, ProfileAccess, VacancyAccess,
};
use matcher::scoring::{Scope, Scorer, ScoringConfig, TermStats};
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::Query;
use tantivy::{Searcher, Term};

use crate::index::{IndexError, ReferenceData, SearchIndex};
use crate::store::{match_log, profiles, vacancies, Store, StoreError};

/// Records loaded from the store per round trip.
const CHUNK: usize = 1_000;

/// Why a match could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: i64 },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl MatchError {
    pub fn code(&self) -> &'static str {
        match self {
            MatchError::NotFound { .. } => "not_found",
            MatchError::Index(e) => e.code(),
            MatchError::Store(e) => e.code(),
            MatchError::Tantivy(_) => "index_error",
        }
    }
}

/// Who asks, and how much to return.
#[derive(Debug, Clone, Serialize)]
pub struct MatchRequest {
    pub limit: usize,
    pub scope: Scope,
    /// Rankings are evaluated at this moment (consent and expiry).
    pub now: NaiveDateTime,
    pub org_id: Option<i64>,
    pub token_id: Option<i64>,
}

/// A ranking and how it was obtained.
#[derive(Debug, Clone, Serialize)]
pub struct MatchResult {
    pub request_id: String,
    pub results: Vec<Ranked>,
    /// Records the index retrieved and that were scored.
    pub retrieved: usize,
    /// Whether the bound could not prove the retrieved top k exact, so every
    /// eligible record was scored.
    pub exhaustive: bool,
    pub config_hash: String,
    pub taxonomy_version: String,
}

/// IDF of text terms from the index: the rarest field of the three title
/// fields decides (a term missing everywhere weighs most).
struct IndexTerms<'a> {
    searcher: &'a Searcher,
    fields: [tantivy::schema::Field; 3],
    docs: f64,
}

impl TermStats for IndexTerms<'_> {
    fn idf(&self, term: &str) -> f64 {
        let df = self
            .fields
            .iter()
            .map(|f| {
                self.searcher
                    .doc_freq(&Term::from_field_text(*f, term))
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0) as f64;
        (1.0 + (self.docs - df + 0.5) / (df + 0.5)).ln()
    }
}

/// The matching engine of one process.
pub struct MatchEngine {
    store: Store,
    reference: ReferenceData,
    index: SearchIndex,
    config: ScoringConfig,
}

impl std::fmt::Debug for MatchEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchEngine")
            .field("index", &self.index)
            .finish()
    }
}

fn new_request_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = chrono::Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or(0)
            .to_le_bytes();
    }
    format!("m-{}", hex::encode(bytes))
}

fn profile_visible(p: &JobseekerProfile, access: ProfileAccess, now: NaiveDateTime) -> bool {
    p.draft.status == ProfileStatus::Active
        && match access {
            ProfileAccess::AllActive => true,
            ProfileAccess::Consented => {
                p.draft.consent_agencies && p.draft.consent_expires_at.is_none_or(|e| e > now)
            }
        }
}

fn vacancy_visible(v: &Vacancy, access: VacancyAccess, now: NaiveDateTime) -> bool {
    let d = &v.draft;
    d.status == VacancyStatus::Open
        && d.expires_at.is_none_or(|e| e > now)
        && match access {
            VacancyAccess::All => true,
            VacancyAccess::Agency(org) => {
                d.visibility == Visibility::Public
                    || d.owner_org == org
                    || (d.visibility == Visibility::Shared && d.shared_with.contains(&org))
            }
            VacancyAccess::Employer(org) => {
                d.visibility == Visibility::Public || d.owner_org == org
            }
        }
}

/// Live counts per (region, occupation group), cached for one request.
struct Picture<'a> {
    searcher: &'a Searcher,
    schema: &'a matcher::index::IndexSchema,
    cache: HashMap<(Option<String>, String), Counts>,
}

impl Picture<'_> {
    fn count(&self, kind: &str, status: &str, region: Option<&str>, group: &str) -> u64 {
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        use tantivy::schema::IndexRecordOption;
        let s = self.schema;
        let term = |f, t: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f, t),
                IndexRecordOption::Basic,
            ))
        };
        let mut clauses = vec![
            (Occur::Must, term(s.kind, kind)),
            (Occur::Must, term(s.status, status)),
            (Occur::Must, term(s.isco, group)),
        ];
        if let Some(r) = region {
            clauses.push((Occur::Must, term(s.region, r)));
        }
        self.searcher
            .search(&BooleanQuery::new(clauses), &tantivy::collector::Count)
            .map_or(0, |n| n as u64)
    }

    fn counts(&mut self, region: Option<&str>, group: &str) -> Counts {
        let key = (region.map(str::to_owned), group.to_owned());
        if let Some(c) = self.cache.get(&key) {
            return *c;
        }
        let c = Counts {
            vacancies: self.count("vacancy", "open", region, group),
            jobseekers: self.count("profile", "active", region, group),
        };
        self.cache.insert(key, c);
        c
    }

    /// The cross-regional view of a pair, when the vacancy has an
    /// occupation group and a region.
    fn view(
        &mut self,
        reference: &ReferenceData,
        vacancy: &Vacancy,
        profile: &JobseekerProfile,
    ) -> Option<CrossRegional> {
        let taxonomy = &reference.taxonomy;
        let geography = &reference.geography;
        let d = &vacancy.draft;
        let isco = d
            .occupation_uri
            .as_deref()
            .and_then(|u| taxonomy.occupation_by_uri(u))
            .map(|o| o.isco_code.as_str())
            .or(d.isco_code.as_deref())?;
        let group = isco.get(..3)?;
        let vacancy_region = geography
            .region_of(d.municipality_code.as_deref()?)?
            .code
            .clone();
        let jobseeker_region = profile
            .draft
            .home_municipality_code
            .as_deref()
            .and_then(|c| geography.region_of(c))
            .map(|r| r.code.clone());
        let national = self.counts(None, group);
        let here = self.counts(Some(&vacancy_region), group);
        let there = jobseeker_region
            .as_deref()
            .map(|r| self.counts(Some(r), group));
        let here_balance = balance(here, national);
        let there_balance = there.map(|c| balance(c, national));
        let abroad = profile.draft.home_municipality_code.is_none()
            && profile.draft.abroad_country.is_some();
        let flagged = here_balance == Balance::Shortage
            && (abroad
                || (jobseeker_region.as_deref() != Some(vacancy_region.as_str())
                    && there_balance == Some(Balance::Surplus)));
        Some(CrossRegional {
            occupation_group: group.to_owned(),
            vacancy_region,
            vacancy_region_counts: here,
            vacancy_region_balance: here_balance,
            jobseeker_region,
            jobseeker_region_counts: there,
            jobseeker_region_balance: there_balance,
            national_counts: national,
            flagged,
        })
    }
}

impl MatchEngine {
    fn picture<'a>(&'a self, searcher: &'a Searcher) -> Picture<'a> {
        Picture {
            searcher,
            schema: &self.index.schema,
            cache: HashMap::new(),
        }
    }

    /// Fill in the cross-regional view of the candidates of `vacancy`.
    fn annotate_candidates(
        &self,
        searcher: &Searcher,
        vacancy: &Vacancy,
        results: &mut [Ranked],
    ) -> Result<(), MatchError> {
        let ids: Vec<ProfileId> = results.iter().map(|r| ProfileId(r.id)).collect();
        let people: HashMap<i64, JobseekerProfile> = self
            .store
            .read(|c| profiles::get_profiles(c, &ids))?
            .into_iter()
            .map(|p| (p.id.0, p))
            .collect();
        let mut picture = self.picture(searcher);
        for r in results {
            if let Some(p) = people.get(&r.id) {
                r.cross_regional = picture.view(&self.reference, vacancy, p);
            }
        }
        Ok(())
    }

    /// Fill in the cross-regional view of the vacancies for `profile`.
    fn annotate_vacancies(
        &self,
        searcher: &Searcher,
        profile: &JobseekerProfile,
        results: &mut [Ranked],
    ) -> Result<(), MatchError> {
        let ids: Vec<VacancyId> = results.iter().map(|r| VacancyId(r.id)).collect();
        let jobs: HashMap<i64, Vacancy> = self
            .store
            .read(|c| vacancies::get_vacancies(c, &ids))?
            .into_iter()
            .map(|v| (v.id.0, v))
            .collect();
        let mut picture = self.picture(searcher);
        for r in results {
            if let Some(v) = jobs.get(&r.id) {
                r.cross_regional = picture.view(&self.reference, v, profile);
            }
        }
        Ok(())
    }

    pub fn new(
        store: Store,
        reference: ReferenceData,
        index: SearchIndex,
        config: ScoringConfig,
    ) -> MatchEngine {
        MatchEngine {
            store,
            reference,
            index,
            config,
        }
    }

    pub fn config(&self) -> &ScoringConfig {
        &self.config
    }

    /// Run `f` with a fresh searcher, a scorer whose text statistics come
    /// from it, and the index's analysers.
    fn with_scorer<R>(
        &self,
        f: impl FnOnce(&Searcher, &Scorer<'_>, &mut Analyzers) -> Result<R, MatchError>,
    ) -> Result<R, MatchError> {
        self.index.reader.reload()?;
        let searcher = self.index.reader.searcher();
        let terms = IndexTerms {
            searcher: &searcher,
            fields: [
                self.index.schema.title_fi,
                self.index.schema.title_sv,
                self.index.schema.title_en,
            ],
            docs: searcher.num_docs() as f64,
        };
        let scorer = Scorer {
            taxonomy: &self.reference.taxonomy,
            geography: &self.reference.geography,
            config: &self.config,
            terms: &terms,
        };
        let mut analyzers = Analyzers::new(&self.index.lexicon);
        f(&searcher, &scorer, &mut analyzers)
    }

    fn ids_of(&self, searcher: &Searcher, query: &dyn Query) -> Result<Vec<i64>, MatchError> {
        let docs = searcher.search(query, &DocSetCollector)?;
        let mut columns = HashMap::new();
        let mut ids = Vec::with_capacity(docs.len());
        for address in docs {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .u64("id")?,
                ),
            };
            if let Some(id) = column.first(address.doc_id) {
                ids.push(id as i64);
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    fn log(&self, direction: &str, subject: i64, request: &MatchRequest, result: &MatchResult) {
        let entry = match_log::MatchLogEntry {
            request_id: result.request_id.clone(),
            org_id: request.org_id,
            token_id: request.token_id,
            direction: direction.to_owned(),
            subject_id: Some(subject),
            config_hash: result.config_hash.clone(),
            taxonomy_version: result.taxonomy_version.clone(),
            request_json: serde_json::to_string(request).unwrap_or_default(),
            results_json: serde_json::to_string(
                &result
                    .results
                    .iter()
                    .map(|r| (r.id, r.score.total))
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default(),
        };
        if let Err(error) = self.store.write(|c| match_log::append(c, &entry)) {
            tracing::warn!(%error, "match log write failed");
        }
    }

    /// Top candidates for a stored vacancy among the profiles `access` allows.
    pub fn candidates(
        &self,
        vacancy_id: VacancyId,
        access: ProfileAccess,
        request: &MatchRequest,
    ) -> Result<MatchResult, MatchError> {
        let vacancy = self
            .store
            .read(|c| vacancies::get_vacancy(c, vacancy_id))?
            .ok_or(MatchError::NotFound {
                kind: "vacancy",
                id: vacancy_id.0,
            })?;
        let (results, retrieved, proven) = self.with_scorer(|searcher, scorer, analyzers| {
            let vacancy_terms = analyzers.vacancy_terms(&self.reference.taxonomy, &vacancy);
            let query = candidates_query(
                &self.index.schema,
                &self.reference.taxonomy,
                &vacancy,
                &vacancy_terms,
                access,
                request.now,
            );
            let ids = self.ids_of(searcher, query.query.as_ref())?;
            let mut top = TopK::new(request.limit);
            for chunk in ids.chunks(CHUNK) {
                let chunk: Vec<ProfileId> = chunk.iter().map(|&id| ProfileId(id)).collect();
                let page = self.store.read(|c| profiles::get_profiles(c, &chunk))?;
                let visible = page
                    .iter()
                    .filter(|p| profile_visible(p, access, request.now));
                score_candidates(
                    scorer,
                    analyzers,
                    &vacancy,
                    &vacancy_terms,
                    visible,
                    request.scope,
                    &mut top,
                );
            }
            let bound = outside_bound(&self.config, true, query.covers_past_occupations);
            let proven = top.threshold().is_some_and(|t| t > bound);
            if !proven && request.limit > 0 {
                // Score the rest too; the retrieved records are in `top` already.
                self.scan_candidates(scorer, analyzers, &vacancy, access, request, &ids, &mut top)?;
            }
            let mut results = top.into_sorted();
            self.annotate_candidates(searcher, &vacancy, &mut results)?;
            Ok((results, ids.len(), proven))
        })?;
        let result = MatchResult {
            request_id: new_request_id(),
            results,
            retrieved,
            exhaustive: !proven && request.limit > 0,
            config_hash: self.config.hash(),
            taxonomy_version: self.reference.taxonomy.version().to_owned(),
        };
        self.log("candidates", vacancy_id.0, request, &result);
        Ok(result)
    }

    /// Score every visible profile not in `skip` (sorted) into `top`,
    /// reading the store page by page.
    #[allow(clippy::too_many_arguments)]
    fn scan_candidates(
        &self,
        scorer: &Scorer<'_>,
        analyzers: &mut Analyzers,
        vacancy: &Vacancy,
        access: ProfileAccess,
        request: &MatchRequest,
        skip: &[i64],
        top: &mut TopK,
    ) -> Result<(), MatchError> {
        let vacancy_terms = analyzers.vacancy_terms(&self.reference.taxonomy, vacancy);
        let mut after = 0;
        loop {
            let page = self.store.read(|c| {
                let ids = profiles::profile_ids_after(c, after, CHUNK as i64)?;
                profiles::get_profiles(c, &ids)
            })?;
            let Some(last) = page.last().map(|p| p.id.0) else {
                return Ok(());
            };
            after = last;
            let rest = page.iter().filter(|p| {
                skip.binary_search(&p.id.0).is_err() && profile_visible(p, access, request.now)
            });
            score_candidates(
                scorer,
                analyzers,
                vacancy,
                &vacancy_terms,
                rest,
                request.scope,
                top,
            );
        }
    }

    /// Top vacancies for a stored profile among those `access` allows.
    pub fn vacancies(
        &self,
        profile_id: ProfileId,
        access: VacancyAccess,
        request: &MatchRequest,
    ) -> Result<MatchResult, MatchError> {
        let profile = self
            .store
            .read(|c| profiles::get_profile(c, profile_id))?
            .ok_or(MatchError::NotFound {
                kind: "profile",
                id: profile_id.0,
            })?;
        let (results, retrieved, proven) = self.with_scorer(|searcher, scorer, analyzers| {
            let profile_terms = analyzers.profile_terms(&self.reference.taxonomy, &profile);
            let query = vacancies_query(
                &self.index.schema,
                &self.reference.taxonomy,
                &profile,
                &profile_terms,
                access,
                request.now,
            );
            let ids = self.ids_of(searcher, query.as_ref())?;
            let mut top = TopK::new(request.limit);
            for chunk in ids.chunks(CHUNK) {
                let chunk: Vec<VacancyId> = chunk.iter().map(|&id| VacancyId(id)).collect();
                let page = self.store.read(|c| vacancies::get_vacancies(c, &chunk))?;
                let visible = page
                    .iter()
                    .filter(|v| vacancy_visible(v, access, request.now));
                score_vacancies(
                    scorer,
                    analyzers,
                    &profile,
                    &profile_terms,
                    visible,
                    request.scope,
                    &mut top,
                );
            }
            let bound = outside_bound(&self.config, false, false);
            let proven = top.threshold().is_some_and(|t| t > bound);
            if !proven && request.limit > 0 {
                // Score the rest too; the retrieved records are in `top` already.
                self.scan_vacancies(scorer, analyzers, &profile, access, request, &ids, &mut top)?;
            }
            let mut results = top.into_sorted();
            self.annotate_vacancies(searcher, &profile, &mut results)?;
            Ok((results, ids.len(), proven))
        })?;
        let result = MatchResult {
            request_id: new_request_id(),
            results,
            retrieved,
            exhaustive: !proven && request.limit > 0,
            config_hash: self.config.hash(),
            taxonomy_version: self.reference.taxonomy.version().to_owned(),
        };
        self.log("vacancies", profile_id.0, request, &result);
        Ok(result)
    }

    /// Score every visible vacancy not in `skip` (sorted) into `top`.
    #[allow(clippy::too_many_arguments)]
    fn scan_vacancies(
        &self,
        scorer: &Scorer<'_>,
        analyzers: &mut Analyzers,
        profile: &JobseekerProfile,
        access: VacancyAccess,
        request: &MatchRequest,
        skip: &[i64],
        top: &mut TopK,
    ) -> Result<(), MatchError> {
        let profile_terms = analyzers.profile_terms(&self.reference.taxonomy, profile);
        let mut after = 0;
        loop {
            let page = self.store.read(|c| {
                let ids = vacancies::vacancy_ids_after(c, after, CHUNK as i64)?;
                vacancies::get_vacancies(c, &ids)
            })?;
            let Some(last) = page.last().map(|v| v.id.0) else {
                return Ok(());
            };
            after = last;
            let rest = page.iter().filter(|v| {
                skip.binary_search(&v.id.0).is_err() && vacancy_visible(v, access, request.now)
            });
            score_vacancies(
                scorer,
                analyzers,
                profile,
                &profile_terms,
                rest,
                request.scope,
                top,
            );
        }
    }

    /// Exhaustive top-k candidates: every visible, eligible profile scored
    /// (the reference the two-stage path must equal).
    pub fn candidates_exhaustive(
        &self,
        vacancy_id: VacancyId,
        access: ProfileAccess,
        request: &MatchRequest,
    ) -> Result<Vec<Ranked>, MatchError> {
        let vacancy = self
            .store
            .read(|c| vacancies::get_vacancy(c, vacancy_id))?
            .ok_or(MatchError::NotFound {
                kind: "vacancy",
                id: vacancy_id.0,
            })?;
        self.with_scorer(|_, scorer, analyzers| {
            let mut top = TopK::new(request.limit);
            self.scan_candidates(scorer, analyzers, &vacancy, access, request, &[], &mut top)?;
            Ok(top.into_sorted())
        })
    }

    /// Exhaustive top-k vacancies for a profile.
    pub fn vacancies_exhaustive(
        &self,
        profile_id: ProfileId,
        access: VacancyAccess,
        request: &MatchRequest,
    ) -> Result<Vec<Ranked>, MatchError> {
        let profile = self
            .store
            .read(|c| profiles::get_profile(c, profile_id))?
            .ok_or(MatchError::NotFound {
                kind: "profile",
                id: profile_id.0,
            })?;
        self.with_scorer(|_, scorer, analyzers| {
            let mut top = TopK::new(request.limit);
            self.scan_vacancies(scorer, analyzers, &profile, access, request, &[], &mut top)?;
            Ok(top.into_sorted())
        })
    }
}

//! Matching over the store and the index: retrieve with the access filter
//! and hard requirements inside the tantivy query, score every retrieved
//! pair exactly, and prove the top k exact against the bound of what the
//! query could have missed (falling back to scoring every eligible record
//! when it cannot). Every ranking is written to the match log.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;
use matcher::domain::{JobseekerProfile, ProfileId, Vacancy, VacancyId, Visibility};
use matcher::geography::{haversine_km, Geography};
use matcher::index::analysis::Analyzers;
use matcher::picture::{balance, Balance, Counts, CrossRegional};
use matcher::ranking::{Ranked, TopK};
use matcher::records::{ProfileRecord, VacancyRecord};
use matcher::retrieval::{
    candidate_scope_clause, candidates_query, vacancies_query, ProfileAccess, Stage, VacancyAccess,
};
use matcher::scoring::{Scope, Scorer, ScoringConfig, TermStats};
use serde::Serialize;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, Searcher, Term};

use crate::index::records::{RecordCache, SegmentRecords};
use crate::index::{CommitPayload, IndexError, ReferenceData, SearchIndex};
use crate::store::{match_log, profiles, vacancies, Store, StoreError};

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
    #[error(transparent)]
    Source(#[from] crate::sources::SourceError),
    #[error("the index was built with taxonomy {index:?} but the store has {store:?}: run `kohtaanto index rebuild`")]
    StaleIndex { index: String, store: String },
}

impl MatchError {
    pub fn code(&self) -> &'static str {
        match self {
            MatchError::NotFound { .. } => "not_found",
            MatchError::Index(e) => e.code(),
            MatchError::Store(e) => e.code(),
            MatchError::Tantivy(_) => "index_error",
            MatchError::Source(e) => e.code(),
            MatchError::StaleIndex { .. } => "index_stale",
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
    /// The language of skill labels in explanations.
    pub lang: matcher::taxonomy::Lang,
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
pub(crate) struct IndexTerms<'a> {
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
        // Document frequencies count deleted documents until a merge, so
        // they may exceed the live count; never let a weight go negative.
        let docs = self.docs.max(df);
        (1.0 + (docs - df + 0.5) / (df + 0.5)).ln()
    }
}

/// The matching engine of one process.
pub struct MatchEngine {
    pub(crate) store: Store,
    pub(crate) reference: ReferenceData,
    pub(crate) schema: matcher::index::IndexSchema,
    /// The generation queries run on; replaced when `root` swaps.
    index: std::sync::RwLock<Arc<SearchIndex>>,
    root: Option<crate::index::IndexRoot>,
    pub(crate) config: ScoringConfig,
    /// `config.hash()`, logged with every ranking.
    config_hash: String,
    /// The generation whose taxonomy version was last checked.
    checked: std::sync::Mutex<Option<std::path::PathBuf>>,
    records: RecordCache,
    pub(crate) analyzers: Analyzers,
    /// The last cross-region potential matrix (expensive: see `picture`).
    pub(crate) potential: crate::picture::cache::PotentialCache,
}

impl std::fmt::Debug for MatchEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchEngine")
            .field("root", &self.root)
            .finish()
    }
}

/// A random id with `prefix` (`m-` for rankings, `r-` for API requests):
/// 16 hex digits.
pub fn random_id(prefix: &str) -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = chrono::Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or(0)
            .to_le_bytes();
    }
    format!("{prefix}{}", hex::encode(bytes))
}

fn profile_visible(p: &ProfileRecord, access: ProfileAccess, now: i64) -> bool {
    p.active
        && match access {
            ProfileAccess::AllActive => true,
            ProfileAccess::Consented => p.consented_at(now),
        }
}

pub(crate) fn vacancy_visible(v: &VacancyRecord, access: VacancyAccess, now: i64) -> bool {
    v.open_at(now)
        && match access {
            VacancyAccess::All => true,
            VacancyAccess::Agency(org) => {
                v.visibility == Visibility::Public
                    || v.owner == org.0
                    || (v.visibility == Visibility::Shared && v.shared_with.contains(&org.0))
            }
            VacancyAccess::Employer(org) => v.visibility == Visibility::Public || v.owner == org.0,
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
        geography: &Geography,
        vacancy: &VacancyRecord,
        profile: &ProfileRecord,
    ) -> Option<CrossRegional> {
        let group = vacancy.isco.as_deref()?.get(..3)?;
        let vacancy_region = geography
            .region_of(vacancy.municipality.as_deref()?)?
            .code
            .clone();
        let jobseeker_region = profile
            .home
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
        let abroad = profile.home.is_none() && profile.abroad.is_some();
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

/// Where a scored record lives: (segment ordinal, document).
pub(crate) type Address = (usize, DocId);

/// One query's view of the index: a searcher, the records of its segments
/// and a scorer whose text statistics come from it.
pub(crate) struct Snapshot {
    pub(crate) index: Arc<SearchIndex>,
    pub(crate) searcher: Searcher,
    pub(crate) segments: Vec<Arc<SegmentRecords>>,
}

impl Snapshot {
    /// Every live (not deleted) record of one kind, with where it is.
    pub(crate) fn live<S: Side>(&self) -> impl Iterator<Item = (Address, &S::Record)> + '_ {
        self.searcher
            .segment_readers()
            .iter()
            .enumerate()
            .flat_map(move |(ord, segment)| {
                let alive = segment.alive_bitset();
                S::all(&self.segments[ord])
                    .iter()
                    .filter(move |(doc, _)| alive.is_none_or(|a| a.is_alive(*doc)))
                    .map(move |(doc, r)| ((ord, *doc), r))
            })
    }
}

/// How one direction finds its records in a segment.
pub(crate) trait Side {
    type Record: 'static;
    fn at(records: &SegmentRecords, doc: DocId) -> Option<&Self::Record>;
    fn all(records: &SegmentRecords) -> &[(DocId, Self::Record)];
    fn id(record: &Self::Record) -> i64;
}

/// Candidates: profiles.
pub(crate) struct Profiles;
/// Vacancies for a jobseeker.
pub(crate) struct Vacancies;

impl Side for Profiles {
    type Record = ProfileRecord;
    fn at(records: &SegmentRecords, doc: DocId) -> Option<&ProfileRecord> {
        records.profile(doc)
    }
    fn all(records: &SegmentRecords) -> &[(DocId, ProfileRecord)] {
        records.profiles()
    }
    fn id(record: &ProfileRecord) -> i64 {
        record.id
    }
}

impl Side for Vacancies {
    type Record = VacancyRecord;
    fn at(records: &SegmentRecords, doc: DocId) -> Option<&VacancyRecord> {
        records.vacancy(doc)
    }
    fn all(records: &SegmentRecords) -> &[(DocId, VacancyRecord)] {
        records.vacancies()
    }
    fn id(record: &VacancyRecord) -> i64 {
        record.id
    }
}

/// The exact top `limit` of one direction: (heap, records retrieved,
/// whether every visible record was scored). The `stages`' hits (see
/// [`matcher::retrieval::Stage`]) are scored inside tantivy's collection
/// loop, narrowest stage first (a record once, whichever stages retrieve
/// it), until the k-th best total beats a stage's bound; only when none does are all visible records scored. `score`
/// gets the current k-th best total and may answer `None` for a record it
/// proves cannot beat it.
pub(crate) fn top_k<S: Side>(
    snapshot: &Snapshot,
    stages: &[Stage],
    limit: usize,
    visible: impl Fn(&S::Record) -> bool,
    mut score: impl FnMut(&S::Record, Option<f64>) -> Option<f64>,
) -> Result<(TopK<Address>, usize, bool), MatchError> {
    let mut top: TopK<Address> = TopK::new(limit);
    let mut retrieved = 0;
    let readers = snapshot.searcher.segment_readers();
    // Documents an earlier stage scored: a later stage retrieves them again
    // (its query is wider) but need not score them twice.
    let mut seen: Vec<Vec<u64>> = if stages.len() > 1 {
        readers
            .iter()
            .map(|r| vec![0; (r.max_doc() as usize).div_ceil(64)])
            .collect()
    } else {
        Vec::new()
    };
    for stage in stages {
        let weight = stage
            .query
            .weight(EnableScoring::disabled_from_searcher(&snapshot.searcher))?;
        for (ord, segment) in readers.iter().enumerate() {
            let records = &snapshot.segments[ord];
            let alive = segment.alive_bitset();
            let mut seen = seen.get_mut(ord);
            weight.for_each_no_score(segment, &mut |docs| {
                for &doc in docs {
                    if alive.is_some_and(|a| !a.is_alive(doc)) {
                        continue;
                    }
                    if let Some(word) = seen
                        .as_deref_mut()
                        .and_then(|s| s.get_mut(doc as usize / 64))
                    {
                        let bit = 1 << (doc % 64);
                        if *word & bit != 0 {
                            continue;
                        }
                        *word |= bit;
                    }
                    let Some(r) = S::at(records, doc).filter(|r| visible(r)) else {
                        continue;
                    };
                    retrieved += 1;
                    if let Some(total) = score(r, top.threshold()) {
                        top.push(total, S::id(r), (ord, doc));
                    }
                }
            })?;
        }
        if top.threshold().is_some_and(|t| t > stage.bound) {
            return Ok((top, retrieved, false));
        }
    }
    let exhaustive = limit > 0;
    if exhaustive {
        // Score every visible record; those retrieved are in `top` already,
        // and `TopK` keeps a record once.
        for (address, r) in snapshot.live::<S>().filter(|(_, r)| visible(r)) {
            if let Some(total) = score(r, top.threshold()) {
                top.push(total, S::id(r), address);
            }
        }
    }
    Ok((top, retrieved, exhaustive))
}

impl MatchEngine {
    pub fn new(
        store: Store,
        reference: ReferenceData,
        index: SearchIndex,
        config: ScoringConfig,
    ) -> MatchEngine {
        let records = RecordCache::new(index.schema.record, reference.geography.clone());
        let analyzers = Analyzers::new(&index.lexicon);
        MatchEngine {
            store,
            reference,
            schema: index.schema.clone(),
            index: std::sync::RwLock::new(Arc::new(index)),
            root: None,
            config_hash: config.hash(),
            checked: std::sync::Mutex::new(None),
            config,
            records,
            analyzers,
            potential: Default::default(),
        }
    }

    /// Follow the live generation of `root`: after `kohtaanto index
    /// rebuild` swaps it, the next query opens the new one.
    pub fn following(mut self, root: crate::index::IndexRoot) -> MatchEngine {
        self.root = Some(root);
        self
    }

    /// The generation to query: the live one of the root when it changed.
    fn current_index(&self) -> Result<Arc<SearchIndex>, MatchError> {
        let held = self.index.read().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(root) = &self.root else {
            return Ok(held);
        };
        match root.current()? {
            Some(dir) if dir != held.dir => {
                let fresh = Arc::new(SearchIndex::open(&dir)?);
                tracing::info!(dir = %dir.display(), "matching follows the new index generation");
                *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::clone(&fresh);
                Ok(fresh)
            }
            _ => Ok(held),
        }
    }

    pub fn config(&self) -> &ScoringConfig {
        &self.config
    }

    /// The last outbox id the index's latest commit holds.
    pub fn applied_outbox_id(&self) -> Result<i64, MatchError> {
        let payload = self.current_index()?.index.load_metas()?.payload;
        Ok(payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<CommitPayload>(p).ok())
            .map_or(0, |p| p.outbox_id))
    }

    /// Load the match records of every segment now (a server calls this at
    /// start so that the first query does not pay for it). Returns the
    /// number of records held.
    pub fn warm(&self) -> Result<usize, MatchError> {
        let snapshot = self.snapshot()?;
        Ok(snapshot.segments.iter().map(|s| s.len()).sum())
    }

    /// A fresh searcher and its segments' records. Fails when the index was
    /// built with another taxonomy (records name skills by index).
    pub(crate) fn snapshot(&self) -> Result<Snapshot, MatchError> {
        let index = self.current_index()?;
        index.reader.reload()?;
        let searcher = index.reader.searcher();
        // A generation keeps the taxonomy it was built with: check it once
        // per generation, not on every query.
        let mut checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        if checked.as_deref() != Some(index.dir.as_path()) {
            let payload = index.index.load_metas()?.payload;
            let built_with = payload
                .as_deref()
                .and_then(|p| serde_json::from_str::<CommitPayload>(p).ok())
                .map(|p| p.taxonomy);
            let ours = self.reference.taxonomy.version();
            if built_with.as_deref().is_some_and(|v| v != ours) {
                return Err(MatchError::StaleIndex {
                    index: built_with.unwrap_or_default(),
                    store: ours.to_owned(),
                });
            }
            *checked = Some(index.dir.clone());
        }
        drop(checked);
        let segments = self.records.for_searcher(&searcher)?;
        Ok(Snapshot {
            searcher,
            segments,
            index,
        })
    }

    pub(crate) fn scorer<'a>(
        &'a self,
        terms: &'a IndexTerms<'a>,
        lang: matcher::taxonomy::Lang,
    ) -> Scorer<'a> {
        Scorer {
            taxonomy: &self.reference.taxonomy,
            geography: &self.reference.geography,
            config: &self.config,
            terms,
            lang,
        }
    }

    pub(crate) fn terms<'a>(&self, searcher: &'a Searcher) -> IndexTerms<'a> {
        IndexTerms {
            searcher,
            fields: [
                self.schema.title_fi,
                self.schema.title_sv,
                self.schema.title_en,
            ],
            docs: searcher.num_docs() as f64,
        }
    }

    fn log(&self, direction: &str, subject: i64, request: &MatchRequest, result: &MatchResult) {
        let entry = Self::log_entry(direction, subject, request, result);
        if let Err(error) = self.store.write(|c| match_log::append(c, &entry)) {
            tracing::warn!(%error, "match log write failed");
        }
    }

    /// The match-log entry of a ranking, for callers that write it in their
    /// own transaction together with its audit event.
    pub fn log_entry(
        direction: &str,
        subject: i64,
        request: &MatchRequest,
        result: &MatchResult,
    ) -> match_log::MatchLogEntry {
        match_log::MatchLogEntry {
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
        }
    }

    fn vacancy(&self, id: VacancyId) -> Result<Vacancy, MatchError> {
        self.store
            .read(|c| vacancies::get_vacancy(c, id))?
            .ok_or(MatchError::NotFound {
                kind: "vacancy",
                id: id.0,
            })
    }

    fn profile(&self, id: ProfileId) -> Result<JobseekerProfile, MatchError> {
        self.store
            .read(|c| profiles::get_profile(c, id))?
            .ok_or(MatchError::NotFound {
                kind: "profile",
                id: id.0,
            })
    }

    fn result(&self, results: Vec<Ranked>, retrieved: usize, exhaustive: bool) -> MatchResult {
        MatchResult {
            request_id: random_id("m-"),
            results,
            retrieved,
            exhaustive,
            config_hash: self.config_hash.clone(),
            taxonomy_version: self.reference.taxonomy.version().to_owned(),
        }
    }

    /// Top candidates for a stored vacancy among the profiles `access` allows.
    pub fn candidates(
        &self,
        vacancy_id: VacancyId,
        access: ProfileAccess,
        request: &MatchRequest,
    ) -> Result<MatchResult, MatchError> {
        let vacancy = self.vacancy(vacancy_id)?;
        self.candidates_of(&vacancy, access, request)
    }

    /// Top candidates for a vacancy the caller already holds (read with
    /// its access filter, or given in a request and not stored).
    pub fn candidates_of(
        &self,
        vacancy: &Vacancy,
        access: ProfileAccess,
        request: &MatchRequest,
    ) -> Result<MatchResult, MatchError> {
        let result = self.rank_candidates_of(vacancy, access, request)?;
        self.log("candidates", vacancy.id.0, request, &result);
        Ok(result)
    }

    /// [`Self::candidates_of`] without writing the match log (the caller
    /// writes [`Self::log_entry`] in its own transaction).
    pub fn rank_candidates_of(
        &self,
        vacancy: &Vacancy,
        access: ProfileAccess,
        request: &MatchRequest,
    ) -> Result<MatchResult, MatchError> {
        let (results, retrieved, exhaustive) =
            self.rank_candidates(vacancy, access, request, true)?;
        Ok(self.result(results, retrieved, exhaustive))
    }

    /// Exhaustive top-k candidates: every visible, eligible profile scored
    /// (the reference the two-stage path must equal).
    pub fn candidates_exhaustive(
        &self,
        vacancy_id: VacancyId,
        access: ProfileAccess,
        request: &MatchRequest,
    ) -> Result<Vec<Ranked>, MatchError> {
        let vacancy = self.vacancy(vacancy_id)?;
        Ok(self.rank_candidates(&vacancy, access, request, false)?.0)
    }

    /// Top vacancies for a stored profile among those `access` allows.
    pub fn vacancies(
        &self,
        profile_id: ProfileId,
        access: VacancyAccess,
        request: &MatchRequest,
    ) -> Result<MatchResult, MatchError> {
        let profile = self.profile(profile_id)?;
        self.vacancies_of(&profile, access, request)
    }

    /// Top vacancies for a profile the caller already holds.
    pub fn vacancies_of(
        &self,
        profile: &JobseekerProfile,
        access: VacancyAccess,
        request: &MatchRequest,
    ) -> Result<MatchResult, MatchError> {
        let result = self.rank_vacancies_of(profile, access, request)?;
        self.log("vacancies", profile.id.0, request, &result);
        Ok(result)
    }

    /// [`Self::vacancies_of`] without writing the match log.
    pub fn rank_vacancies_of(
        &self,
        profile: &JobseekerProfile,
        access: VacancyAccess,
        request: &MatchRequest,
    ) -> Result<MatchResult, MatchError> {
        let (results, retrieved, exhaustive) =
            self.rank_vacancies(profile, access, request, true)?;
        Ok(self.result(results, retrieved, exhaustive))
    }

    /// Exhaustive top-k vacancies for a profile.
    pub fn vacancies_exhaustive(
        &self,
        profile_id: ProfileId,
        access: VacancyAccess,
        request: &MatchRequest,
    ) -> Result<Vec<Ranked>, MatchError> {
        let profile = self.profile(profile_id)?;
        Ok(self.rank_vacancies(&profile, access, request, false)?.0)
    }

    /// The top k candidates: (results, records retrieved, whether every
    /// eligible record was scored). With `retrieve`, the index query comes
    /// first and the scan only when the bound cannot prove its answer.
    fn rank_candidates(
        &self,
        vacancy: &Vacancy,
        access: ProfileAccess,
        request: &MatchRequest,
        retrieve: bool,
    ) -> Result<(Vec<Ranked>, usize, bool), MatchError> {
        let snapshot = self.snapshot()?;
        let terms = self.terms(&snapshot.searcher);
        let scorer = self.scorer(&terms, request.lang);
        let (taxonomy, geography) = (&self.reference.taxonomy, &self.reference.geography);
        let mut analyzers = self.analyzers.clone();
        let vacancy_terms = analyzers.vacancy_terms(taxonomy, vacancy);
        let record = VacancyRecord::new(vacancy, taxonomy, geography, &vacancy_terms);
        let mut scoring = scorer.candidates_for(&record);
        let now = request.now.and_utc().timestamp();
        let stages = if retrieve {
            let clause = self.scope_clause(&snapshot, &record, request.scope);
            candidates_query(
                &self.schema,
                taxonomy,
                &self.config,
                vacancy,
                &vacancy_terms,
                access,
                request.now,
            )
            .into_iter()
            .map(|s| s.and(clause.as_deref()))
            .collect()
        } else {
            Vec::new()
        };
        let (top, retrieved, exhaustive) = top_k::<Profiles>(
            &snapshot,
            &stages,
            request.limit,
            |p| profile_visible(p, access, now),
            |p, floor| scoring.total_above(p, request.scope, floor),
        )?;
        let mut picture = Picture {
            searcher: &snapshot.searcher,
            schema: &self.schema,
            cache: HashMap::new(),
        };
        let results = top
            .into_sorted()
            .into_iter()
            .filter_map(|e| {
                let p = snapshot.segments[e.item.0].profile(e.item.1)?;
                Some(Ranked {
                    id: e.id,
                    score: scoring.explain_any(p),
                    cross_regional: picture.view(geography, &record, p),
                })
            })
            .collect();
        Ok((results, retrieved, exhaustive))
    }

    /// Which profiles can be in `scope` of the vacancy, as a query clause
    /// ([`candidate_scope_clause`]): the municipalities from which the
    /// longest commute of a profile living there reaches the workplace.
    /// The distance is the one scoring computes (the same haversine from
    /// the municipality's centroid), so no profile in scope is left out.
    fn scope_clause(
        &self,
        snapshot: &Snapshot,
        vacancy: &VacancyRecord,
        scope: Scope,
    ) -> Option<Box<dyn Query>> {
        let geography = &self.reference.geography;
        let reach: Vec<&str> = match vacancy.at {
            None => Vec::new(),
            Some((lat, lon)) => geography
                .municipalities()
                .enumerate()
                .filter(|(i, m)| {
                    let longest = snapshot
                        .segments
                        .iter()
                        .filter_map(|s| s.max_commute_km(*i))
                        .max();
                    longest.is_some_and(|k| haversine_km(m.lat, m.lon, lat, lon) <= f64::from(k))
                })
                .map(|(_, m)| m.code.as_str())
                .collect(),
        };
        let region = geography
            .regions()
            .nth(usize::from(vacancy.region))
            .map(|r| r.code.as_str());
        candidate_scope_clause(&self.schema, scope, vacancy.remote, region, &reach)
    }

    /// The top k vacancies for a jobseeker; see [`Self::rank_candidates`].
    fn rank_vacancies(
        &self,
        profile: &JobseekerProfile,
        access: VacancyAccess,
        request: &MatchRequest,
        retrieve: bool,
    ) -> Result<(Vec<Ranked>, usize, bool), MatchError> {
        let snapshot = self.snapshot()?;
        let terms = self.terms(&snapshot.searcher);
        let scorer = self.scorer(&terms, request.lang);
        let (taxonomy, geography) = (&self.reference.taxonomy, &self.reference.geography);
        let mut analyzers = self.analyzers.clone();
        let profile_terms = analyzers.profile_terms(taxonomy, profile);
        let record = ProfileRecord::new(profile, taxonomy, geography, &profile_terms);
        let mut scoring = scorer.vacancies_for(&record);
        let now = request.now.and_utc().timestamp();
        let stages = if retrieve {
            vacancies_query(
                &self.schema,
                taxonomy,
                profile,
                &self.config,
                &profile_terms,
                access,
                request.now,
            )
        } else {
            Vec::new()
        };
        let (top, retrieved, exhaustive) = top_k::<Vacancies>(
            &snapshot,
            &stages,
            request.limit,
            |v| vacancy_visible(v, access, now),
            |v, _| scoring.total(v, request.scope),
        )?;
        let mut picture = Picture {
            searcher: &snapshot.searcher,
            schema: &self.schema,
            cache: HashMap::new(),
        };
        let results = top
            .into_sorted()
            .into_iter()
            .filter_map(|e| {
                let v = snapshot.segments[e.item.0].vacancy(e.item.1)?;
                Some(Ranked {
                    id: e.id,
                    score: scoring.explain(v, request.scope).ok()?,
                    cross_regional: picture.view(geography, v, &record),
                })
            })
            .collect();
        Ok((results, retrieved, exhaustive))
    }
}

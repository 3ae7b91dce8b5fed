//! External vacancies from schema.org `JobPosting` feeds: fetching a feed
//! over HTTP(S) (or from a file) within limits, importing its postings into
//! the store, and a scheduler that pulls every feed at its interval.
//!
//! An import is all or nothing for the feed as a whole: a feed that cannot
//! be fetched or read writes nothing, and every write of one feed happens in
//! one store transaction. Within a readable feed each posting stands on its
//! own: a bad one is reported and skipped, the others are imported. Postings
//! are deduplicated by `(source, source_id)` (unchanged ones write nothing)
//! and across sources by [`vacancies::fingerprint`]. `docs/feeds.md`
//! describes the format, the limits and the redirect rules.
//!
//! The HTTP client is reqwest's blocking one: call these functions from a
//! plain thread (or `spawn_blocking`), never from async code.

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use matcher::domain::{OrgId, VacancyDraft, VacancyId, Visibility};
use matcher::geography::Geography;
use reqwest::blocking::Client;
use reqwest::redirect;
use reqwest::Url;
use serde::Serialize;

use crate::sources::jobposting::{self, VacancyOrigin};
use crate::sources::lenient_json::Repair;
use crate::store::{self, orgs, vacancies, Store, StoreError};

/// Where a feed is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedLocation {
    /// An `http://` or `https://` URL.
    Url(String),
    /// A file on this machine (an export dropped by another system).
    File(PathBuf),
}

impl FeedLocation {
    /// `http(s)://…` is a URL, `file://PATH` and anything else a file path.
    pub fn parse(text: &str) -> FeedLocation {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            FeedLocation::Url(text.to_owned())
        } else {
            FeedLocation::File(PathBuf::from(text.strip_prefix("file://").unwrap_or(text)))
        }
    }
}

impl std::fmt::Display for FeedLocation {
    /// URLs print without credentials and without their query string, which
    /// often carries an API key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeedLocation::Url(url) => f.write_str(&redact_url(url)),
            FeedLocation::File(path) => write!(f, "{}", path.display()),
        }
    }
}

fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_fragment(None);
            let had_query = parsed.query().is_some();
            parsed.set_query(None);
            let mut text = parsed.to_string();
            if had_query {
                text.push_str("?…");
            }
            text
        }
        Err(_) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
    }
}

/// One feed an operator configured.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSource {
    /// Stored as the vacancies' `source`: the namespace of their ids.
    pub name: String,
    pub location: FeedLocation,
    /// The organization that owns the imported vacancies.
    pub owner_org: OrgId,
    /// `Public` unless the operator says otherwise.
    pub visibility: Visibility,
    /// Agencies a `Shared` feed's vacancies are shared with.
    pub shared_with: Vec<OrgId>,
}

impl FeedSource {
    /// A public feed at `location` (a URL or a file path).
    pub fn new(name: impl Into<String>, location: &str, owner_org: OrgId) -> FeedSource {
        FeedSource {
            name: name.into(),
            location: FeedLocation::parse(location),
            owner_org,
            visibility: Visibility::Public,
            shared_with: Vec::new(),
        }
    }

    pub fn with_visibility(mut self, visibility: Visibility, shared_with: Vec<OrgId>) -> Self {
        self.visibility = visibility;
        self.shared_with = shared_with;
        self
    }

    fn origin(&self) -> VacancyOrigin<'_> {
        VacancyOrigin {
            source: &self.name,
            owner_org: self.owner_org,
            visibility: self.visibility,
            shared_with: &self.shared_with,
        }
    }

    fn check(&self) -> Result<(), FeedError> {
        let name = self.name.trim();
        let reason = if name.is_empty() {
            Some("the name is empty".to_owned())
        } else if name != self.name || self.name.chars().count() > 100 {
            Some("the name must be at most 100 characters without surrounding spaces".into())
        } else if self.name.chars().any(char::is_control) {
            Some("the name contains control characters".into())
        } else {
            match (self.visibility, self.shared_with.is_empty()) {
                (Visibility::Shared, true) => {
                    Some("a shared feed names at least one agency".into())
                }
                (Visibility::Public | Visibility::Hidden, false) => {
                    Some("only a shared feed names agencies".into())
                }
                _ => None,
            }
        };
        match reason {
            Some(reason) => Err(FeedError::InvalidSource {
                feed: self.name.clone(),
                reason,
            }),
            None => Ok(()),
        }
    }
}

/// How much a fetch may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchLimits {
    pub connect_timeout: Duration,
    /// For one attempt: connecting, the response and reading all of its body.
    pub total_timeout: Duration,
    /// The largest body accepted, checked against `Content-Length` up front
    /// and while reading.
    pub max_body_bytes: u64,
    /// Further attempts after a connection failure, a 5xx or a 429.
    pub retries: u32,
    /// The wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// The longest wait between attempts (also caps `Retry-After`).
    pub max_backoff: Duration,
    pub max_redirects: usize,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_body_bytes: 20 * 1024 * 1024,
            retries: 3,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_redirects: 5,
        }
    }
}

/// Why a feed as a whole could not be imported. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("feed {feed:?} is misconfigured: {reason}")]
    InvalidSource { feed: String, reason: String },
    #[error("{location}: unreachable: {reason}")]
    Unreachable { location: String, reason: String },
    #[error("{location}: no complete response within {} ms", limit.as_millis())]
    Timeout { location: String, limit: Duration },
    #[error("{location}: larger than the limit of {limit} bytes")]
    TooLarge { location: String, limit: u64 },
    #[error("{location}: redirect to {target} refused: {reason}")]
    RedirectRefused {
        location: String,
        target: String,
        reason: String,
    },
    #[error("{location}: more than {max} redirects")]
    TooManyRedirects { location: String, max: usize },
    #[error("{location}: HTTP status {status}")]
    HttpStatus { location: String, status: u16 },
    #[error("malformed feed: {reason}")]
    Malformed { reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl FeedError {
    /// Stable snake_case code for the CLI, the API and logs.
    pub fn code(&self) -> &'static str {
        match self {
            FeedError::InvalidSource { .. } => "feed_source_invalid",
            FeedError::Unreachable { .. } => "feed_unreachable",
            FeedError::Timeout { .. } => "feed_timeout",
            FeedError::TooLarge { .. } => "feed_too_large",
            FeedError::RedirectRefused { .. } => "feed_redirect_refused",
            FeedError::TooManyRedirects { .. } => "feed_too_many_redirects",
            FeedError::HttpStatus { .. } => "feed_http_status",
            FeedError::Malformed { .. } => "feed_malformed",
            FeedError::Store(e) => e.code(),
        }
    }
}

/// What one import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeedReport {
    pub source: String,
    pub location: String,
    pub fetched_bytes: u64,
    /// Postings found in the feed, good or bad.
    pub items_seen: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Postings skipped because another source already has them live.
    pub duplicates: usize,
    pub duplicate_items: Vec<DuplicateItem>,
    pub rejected: Vec<RejectedItem>,
    /// Postings read from JSON that strict JSON rejected, after the
    /// lenient pass repaired it (whether then imported or rejected).
    pub repaired: Vec<RepairedItem>,
    /// Rows of older vacancies whose fingerprint was computed on the way.
    pub fingerprints_backfilled: usize,
    /// ESCO occupations and skills set by coding free text (imports with
    /// [`FeedCoding`] only).
    pub concepts_coded: usize,
    /// Vacancies whose occupation the coder left for review.
    pub needs_review: usize,
    pub duration_ms: u64,
}

/// A posting that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedItem {
    /// 0-based position among the postings of the feed.
    pub index: usize,
    pub identifier: Option<String>,
    pub reason: String,
}

/// A posting read from a JSON-LD block that needed repairs, and which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepairedItem {
    /// 0-based position among the postings of the feed.
    pub index: usize,
    pub identifier: Option<String>,
    pub repairs: Vec<Repair>,
}

/// A posting skipped as a duplicate of another source's vacancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateItem {
    pub index: usize,
    pub source_id: String,
    pub existing_vacancy: VacancyId,
    pub existing_source: String,
}

/// Codes vacancies that arrive without ESCO concepts: an occupation from
/// the title and ad text when the coder's confidence reaches
/// `min_confidence` (else the vacancy is marked `needs_review` with the top
/// suggestions), skill URIs for free-text skills that an ESCO skill label
/// covers whole. What cannot be coded with confidence stays as written.
#[derive(Debug, Clone)]
pub struct FeedCoding {
    pub coders: crate::coding::Coders,
    /// The least confidence that sets an occupation.
    pub min_confidence: f32,
    /// When set, a posting naming a code or URI the reference data does
    /// not have is rejected with the field (strict references).
    pub references: Option<std::sync::Arc<matcher::references::References>>,
}

/// What coding did to one draft.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodingOutcome {
    /// Concepts set (occupation and skills).
    pub concepts_coded: usize,
    /// Set when the coder ran on the occupation: coded or left for review.
    pub record: Option<store::coding::CodingRecord>,
}

/// Suggestions kept with a vacancy.
const SUGGESTIONS: usize = 5;

impl FeedCoding {
    /// The threshold: at this confidence, about nine in ten coded
    /// occupations were right on the development sets
    /// (docs/normalization.md).
    pub const DEFAULT_MIN_CONFIDENCE: f32 = 0.7;

    pub fn new(coders: crate::coding::Coders) -> FeedCoding {
        FeedCoding {
            coders,
            min_confidence: Self::DEFAULT_MIN_CONFIDENCE,
            references: None,
        }
    }

    /// Also check every posting's references against `references`.
    pub fn checking(
        mut self,
        references: std::sync::Arc<matcher::references::References>,
    ) -> FeedCoding {
        self.references = Some(references);
        self
    }

    /// Fill in what the draft lacks.
    pub fn code(&self, draft: &mut VacancyDraft) -> CodingOutcome {
        use store::coding::{CodingRecord, CodingStatus, Suggestion};
        let lang = draft.ad_language.parse().ok();
        let mut outcome = CodingOutcome::default();
        if draft.occupation_uri.is_none() {
            let text = if draft.description.trim().is_empty() {
                draft.title.clone()
            } else {
                format!("{}\n{}", draft.title, draft.description)
            };
            let ranked: Vec<_> = self
                .coders
                .occupations
                .code(&text, lang, SUGGESTIONS * 2)
                .into_iter()
                .filter(|m| {
                    draft
                        .isco_code
                        .as_deref()
                        .is_none_or(|isco| m.isco_code.starts_with(isco))
                })
                .take(SUGGESTIONS)
                .collect();
            if let Some(best) = ranked.first() {
                let confident = best.confidence >= self.min_confidence;
                if confident {
                    draft
                        .isco_code
                        .get_or_insert_with(|| best.isco_code.clone());
                    draft.occupation_uri = Some(best.uri.clone());
                    outcome.concepts_coded += 1;
                }
                outcome.record = Some(CodingRecord {
                    status: if confident {
                        CodingStatus::Coded
                    } else {
                        CodingStatus::NeedsReview
                    },
                    confidence: best.confidence,
                    suggestions: ranked
                        .iter()
                        .map(|m| Suggestion {
                            uri: m.uri.clone(),
                            isco_code: m.isco_code.clone(),
                            label_en: m.labels.en.clone(),
                            label_fi: m.labels.fi.clone(),
                            label_sv: m.labels.sv.clone(),
                            confidence: m.confidence,
                        })
                        .collect(),
                    coded_at: store::now(),
                });
            }
        }
        for skill in draft.skills.iter_mut().filter(|s| s.skill.uri.is_none()) {
            let label = skill.skill.label.trim();
            let whole = self
                .coders
                .skills
                .extract(label, lang)
                .into_iter()
                .find(|m| m.start == 0 && m.end >= label.len());
            if let Some(mention) = whole {
                skill.skill.uri = Some(mention.uri);
                outcome.concepts_coded += 1;
            }
        }
        outcome
    }
}

/// Fetches `source` within `limits` and imports it.
pub fn import_feed(
    store: &Store,
    geography: &Geography,
    source: &FeedSource,
    limits: &FetchLimits,
) -> Result<FeedReport, FeedError> {
    import_feed_coded(store, geography, None, source, limits)
}

/// [`import_feed`], coding vacancies without ESCO concepts with `coding`.
pub fn import_feed_coded(
    store: &Store,
    geography: &Geography,
    coding: Option<&FeedCoding>,
    source: &FeedSource,
    limits: &FetchLimits,
) -> Result<FeedReport, FeedError> {
    let started = Instant::now();
    source.check()?;
    let body = fetch(&source.location, limits)?;
    let mut report = import_document_coded(store, geography, coding, source, &body)?;
    report.fetched_bytes = body.len() as u64;
    report.duration_ms = duration_ms(started.elapsed());
    Ok(report)
}

/// Imports a feed document already at hand (JSON or HTML, UTF-8).
pub fn import_document(
    store: &Store,
    geography: &Geography,
    source: &FeedSource,
    body: &[u8],
) -> Result<FeedReport, FeedError> {
    import_document_coded(store, geography, None, source, body)
}

/// [`import_document`], coding vacancies without ESCO concepts with `coding`.
pub fn import_document_coded(
    store: &Store,
    geography: &Geography,
    coding: Option<&FeedCoding>,
    source: &FeedSource,
    body: &[u8],
) -> Result<FeedReport, FeedError> {
    let started = Instant::now();
    source.check()?;
    let text = std::str::from_utf8(body).map_err(|e| FeedError::Malformed {
        reason: format!("not UTF-8 (invalid byte at offset {})", e.valid_up_to()),
    })?;
    let items =
        jobposting::parse_document(text).map_err(|e| FeedError::Malformed { reason: e.reason })?;
    let mut report = FeedReport {
        source: source.name.clone(),
        location: source.location.to_string(),
        fetched_bytes: body.len() as u64,
        items_seen: items.len(),
        ..FeedReport::default()
    };

    // Every posting is checked before the transaction starts, so that the
    // transaction holds only lookups and writes.
    let now = store::now();
    let origin = source.origin();
    let mut drafts: Vec<(usize, VacancyDraft, Option<store::coding::CodingRecord>)> = Vec::new();
    let mut first_index: HashMap<String, usize> = HashMap::new();
    for item in items {
        if !item.repairs.is_empty() {
            report.repaired.push(RepairedItem {
                index: item.index,
                identifier: item.identifier.clone(),
                repairs: item.repairs.clone(),
            });
        }
        let draft = item
            .posting
            .and_then(|posting| posting.to_draft(geography, &origin, now));
        match draft {
            Ok(mut draft) => {
                let mut record = None;
                if let Some(coding) = coding {
                    let outcome = coding.code(&mut draft);
                    report.concepts_coded += outcome.concepts_coded;
                    record = outcome.record;
                    if let Some(references) = &coding.references {
                        if let Err(e) = references.check_vacancy(&draft, Some(now)) {
                            report.rejected.push(RejectedItem {
                                index: item.index,
                                identifier: item.identifier,
                                reason: e.to_string(),
                            });
                            continue;
                        }
                    }
                }
                if let Some(&earlier) = first_index.get(&draft.source_id) {
                    report.rejected.push(RejectedItem {
                        index: item.index,
                        identifier: item.identifier,
                        reason: format!(
                            "identifier {:?} was already used by posting {earlier} of this feed",
                            draft.source_id
                        ),
                    });
                    continue;
                }
                first_index.insert(draft.source_id.clone(), item.index);
                drafts.push((item.index, draft, record));
            }
            Err(reason) => report.rejected.push(RejectedItem {
                index: item.index,
                identifier: item.identifier,
                reason,
            }),
        }
    }

    if store
        .read(|c| orgs::get_org(c, source.owner_org))?
        .is_none()
    {
        return Err(FeedError::InvalidSource {
            feed: source.name.clone(),
            reason: format!("owner organization {} does not exist", source.owner_org),
        });
    }

    let outcome = store.write(|conn| {
        let mut outcome = WriteOutcome {
            backfilled: vacancies::backfill_fingerprints(conn)?,
            ..WriteOutcome::default()
        };
        let mut new = Vec::new();
        let mut new_records = Vec::new();
        for (index, draft, record) in drafts {
            if let Some(existing) =
                vacancies::find_vacancy_by_source(conn, &draft.source, &draft.source_id)?
            {
                if existing.draft == draft {
                    outcome.unchanged += 1;
                } else {
                    vacancies::update_vacancy(conn, existing.id, &draft, Some(existing.version))?;
                    store::coding::set_coding(conn, existing.id, record.as_ref())?;
                    outcome.needs_review += usize::from(needs_review(&record));
                    outcome.updated += 1;
                }
                continue;
            }
            if draft.employer_name.is_some() {
                let key = vacancies::fingerprint(&draft);
                if let Some(other) =
                    vacancies::find_live_vacancy_by_fingerprint(conn, &key, &draft.source)?
                {
                    outcome.duplicates.push(DuplicateItem {
                        index,
                        source_id: draft.source_id.clone(),
                        existing_vacancy: other.id,
                        existing_source: other.draft.source,
                    });
                    continue;
                }
            }
            new.push(draft);
            new_records.push(record);
        }
        let created = vacancies::create_vacancies(conn, &new)?;
        for (id, record) in created.iter().zip(&new_records) {
            if record.is_some() {
                store::coding::set_coding(conn, *id, record.as_ref())?;
            }
            outcome.needs_review += usize::from(needs_review(record));
        }
        outcome.created = created.len();
        Ok(outcome)
    })?;

    report.created = outcome.created;
    report.updated = outcome.updated;
    report.unchanged = outcome.unchanged;
    report.duplicates = outcome.duplicates.len();
    report.duplicate_items = outcome.duplicates;
    report.fingerprints_backfilled = outcome.backfilled;
    report.needs_review = outcome.needs_review;
    report.duration_ms = duration_ms(started.elapsed());
    Ok(report)
}

#[derive(Default)]
struct WriteOutcome {
    created: usize,
    updated: usize,
    unchanged: usize,
    duplicates: Vec<DuplicateItem>,
    backfilled: usize,
    needs_review: usize,
}

fn needs_review(record: &Option<store::coding::CodingRecord>) -> bool {
    record
        .as_ref()
        .is_some_and(|r| r.status == store::coding::CodingStatus::NeedsReview)
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Reads the feed at `location` within `limits`: the whole body, or why not.
pub fn fetch(location: &FeedLocation, limits: &FetchLimits) -> Result<Vec<u8>, FeedError> {
    match location {
        FeedLocation::File(path) => read_file(path, limits),
        FeedLocation::Url(url) => fetch_url(url, limits),
    }
}

fn read_file(path: &std::path::Path, limits: &FetchLimits) -> Result<Vec<u8>, FeedError> {
    let location = path.display().to_string();
    let unreachable = |e: std::io::Error| FeedError::Unreachable {
        location: location.clone(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreachable)?;
    let too_large = || FeedError::TooLarge {
        location: location.clone(),
        limit: limits.max_body_bytes,
    };
    if file.metadata().map_err(unreachable)?.len() > limits.max_body_bytes {
        return Err(too_large());
    }
    let mut body = Vec::new();
    file.take(limits.max_body_bytes.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(unreachable)?;
    if body.len() as u64 > limits.max_body_bytes {
        return Err(too_large());
    }
    Ok(body)
}

/// One failed attempt, and whether another may succeed.
struct Failure {
    error: FeedError,
    retry: bool,
    retry_after: Option<Duration>,
}

impl Failure {
    fn last(error: FeedError) -> Failure {
        Failure {
            error,
            retry: false,
            retry_after: None,
        }
    }
}

fn fetch_url(url: &str, limits: &FetchLimits) -> Result<Vec<u8>, FeedError> {
    let location = redact_url(url);
    let parsed = Url::parse(url).map_err(|e| FeedError::Unreachable {
        location: location.clone(),
        reason: format!("not a valid URL: {e}"),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FeedError::Unreachable {
            location,
            reason: format!("unsupported scheme {:?}", parsed.scheme()),
        });
    }
    let guard = Arc::new(RedirectGuard {
        initial_host: parsed.host_str().unwrap_or_default().to_ascii_lowercase(),
        refusal: Mutex::new(None),
    });
    let client = Client::builder()
        .connect_timeout(limits.connect_timeout)
        .timeout(limits.total_timeout)
        .redirect(redirect_policy(guard.clone(), limits.max_redirects))
        .dns_resolver(Arc::new(GuardedResolver {
            guard: guard.clone(),
        }))
        // A proxy would resolve names itself, out of the guard's sight.
        .no_proxy()
        .user_agent(concat!(
            "Kohtaanto-feed-importer/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .map_err(|e| FeedError::Unreachable {
            location: location.clone(),
            reason: format!("cannot set up the HTTP client: {e}"),
        })?;

    let mut attempt = 0u32;
    loop {
        guard.clear();
        match fetch_once(&client, parsed.clone(), &location, limits, &guard) {
            Ok(body) => return Ok(body),
            Err(failure) if failure.retry && attempt < limits.retries => {
                let backoff = limits
                    .backoff
                    .saturating_mul(2u32.saturating_pow(attempt))
                    .max(failure.retry_after.unwrap_or_default())
                    .min(limits.max_backoff);
                tracing::debug!(
                    feed = %location,
                    attempt = attempt + 1,
                    error = %failure.error,
                    backoff_ms = duration_ms(backoff),
                    "feed fetch failed, retrying"
                );
                std::thread::sleep(backoff);
                attempt += 1;
            }
            Err(failure) => return Err(failure.error),
        }
    }
}

fn fetch_once(
    client: &Client,
    url: Url,
    location: &str,
    limits: &FetchLimits,
    guard: &RedirectGuard,
) -> Result<Vec<u8>, Failure> {
    let started = Instant::now();
    let timeout = || FeedError::Timeout {
        location: location.to_owned(),
        limit: limits.total_timeout,
    };
    let too_large = || FeedError::TooLarge {
        location: location.to_owned(),
        limit: limits.max_body_bytes,
    };
    let mut response = match client
        .get(url)
        .header(
            reqwest::header::ACCEPT,
            "application/ld+json, application/json;q=0.9, text/html;q=0.8",
        )
        .send()
    {
        Ok(response) => response,
        Err(e) => {
            if let Some(refusal) = guard.take() {
                return Err(Failure::last(match refusal {
                    Refusal::Target { target, reason } => FeedError::RedirectRefused {
                        location: location.to_owned(),
                        target,
                        reason,
                    },
                    Refusal::TooMany => FeedError::TooManyRedirects {
                        location: location.to_owned(),
                        max: limits.max_redirects,
                    },
                }));
            }
            if e.is_timeout() {
                return Err(Failure::last(timeout()));
            }
            return Err(Failure {
                retry: e.is_connect(),
                retry_after: None,
                error: FeedError::Unreachable {
                    location: location.to_owned(),
                    reason: error_chain(&e),
                },
            });
        }
    };
    let status = response.status();
    if !status.is_success() {
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(Failure {
            retry: status.is_server_error() || status.as_u16() == 429,
            retry_after,
            error: FeedError::HttpStatus {
                location: location.to_owned(),
                status: status.as_u16(),
            },
        });
    }
    if response
        .content_length()
        .is_some_and(|n| n > limits.max_body_bytes)
    {
        return Err(Failure::last(too_large()));
    }
    let mut body = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        if started.elapsed() > limits.total_timeout {
            return Err(Failure::last(timeout()));
        }
        let n = match response.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let timed_out = e.kind() == std::io::ErrorKind::TimedOut
                    || started.elapsed() >= limits.total_timeout
                    || error_chain(&e).contains("timed out");
                return Err(Failure::last(if timed_out {
                    timeout()
                } else {
                    FeedError::Unreachable {
                        location: location.to_owned(),
                        reason: format!("the connection broke while reading: {e}"),
                    }
                }));
            }
        };
        if body.len() as u64 + n as u64 > limits.max_body_bytes {
            return Err(Failure::last(too_large()));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if started.elapsed() > limits.total_timeout {
        return Err(Failure::last(timeout()));
    }
    Ok(body)
}

/// An error and its causes on one line ("error sending request: … : connection refused").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Why the redirect policy or the resolver stopped a fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    Target { target: String, reason: String },
    TooMany,
}

/// Shared by the redirect policy and the resolver of one fetch: the host the
/// operator configured (trusted, whatever it is) and the refusal, if any.
#[derive(Debug)]
struct RedirectGuard {
    initial_host: String,
    refusal: Mutex<Option<Refusal>>,
}

impl RedirectGuard {
    fn refuse(&self, refusal: Refusal) {
        let mut slot = self.refusal.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(refusal);
    }

    fn take(&self) -> Option<Refusal> {
        self.refusal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    fn clear(&self) {
        let _ = self.take();
    }

    fn is_initial_host(&self, host: &str) -> bool {
        host.eq_ignore_ascii_case(&self.initial_host)
    }
}

fn redirect_policy(guard: Arc<RedirectGuard>, max_redirects: usize) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        // `previous` starts with the URL first asked for.
        if attempt.previous().len() > max_redirects {
            guard.refuse(Refusal::TooMany);
            return attempt.error(format!("more than {max_redirects} redirects"));
        }
        match check_redirect_target(attempt.url(), &guard) {
            Ok(()) => attempt.follow(),
            Err(reason) => {
                let target = redact_url(attempt.url().as_str());
                guard.refuse(Refusal::Target {
                    target: target.clone(),
                    reason: reason.clone(),
                });
                attempt.error(format!("redirect to {target} refused: {reason}"))
            }
        }
    })
}

/// Whether a redirect may go to `url`: http(s) only, and not to a host that
/// is (by its literal address or its name) on this machine or a private or
/// link-local network, unless it is the host the operator configured.
/// Names are checked again when they are resolved (see [`GuardedResolver`]).
fn check_redirect_target(url: &Url, guard: &RedirectGuard) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme {:?} is not http or https",
            url.scheme()
        ));
    }
    let Some(host) = url.host_str() else {
        return Err("no host".into());
    };
    if guard.is_initial_host(host) {
        return Ok(());
    }
    // The URL parser has already normalised "2130706433" or "0x7f.1" to a
    // dotted address; IPv6 hosts come in brackets.
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = literal.parse::<IpAddr>() {
        return check_public(ip);
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return Err(format!("{name} is this machine"));
    }
    Ok(())
}

/// `Err` with the reason when `ip` is not a public unicast address.
fn check_public(ip: IpAddr) -> Result<(), String> {
    match non_public_kind(ip) {
        Some(kind) => Err(format!("{ip} is a {kind} address")),
        None => Ok(()),
    }
}

/// What kind of non-public address `ip` is, or `None` for a public one.
pub fn non_public_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return non_public_v4(v4);
            }
            let segments = v6.segments();
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if segments[0] & 0xfe00 == 0xfc00 {
                Some("private (unique local)")
            } else if segments[0] & 0xffc0 == 0xfe80 || segments[0] & 0xffc0 == 0xfec0 {
                Some("link-local")
            } else if v6.is_multicast() {
                Some("multicast")
            } else if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                // NAT64: the IPv4 address it stands for decides.
                let [a, b] = segments[6].to_be_bytes();
                let [c, d] = segments[7].to_be_bytes();
                non_public_v4(Ipv4Addr::new(a, b, c, d))
            } else {
                None
            }
        }
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared (carrier-grade NAT)")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if a >= 240 {
        Some("reserved")
    } else {
        None
    }
}

/// Resolves names like the system does, but refuses a name other than the
/// configured host that resolves to a non-public address: a redirect to
/// `internal.example` pointing at 10.0.0.5 never connects.
struct GuardedResolver {
    guard: Arc<RedirectGuard>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let guard = self.guard.clone();
        Box::pin(async move {
            let lookup = host.clone();
            let addrs: Vec<SocketAddr> =
                tokio::task::spawn_blocking(move || (lookup.as_str(), 0).to_socket_addrs())
                    .await??
                    .collect();
            if let Err(reason) = check_resolved(&guard, &host, &addrs) {
                guard.refuse(Refusal::Target {
                    target: host.clone(),
                    reason: reason.clone(),
                });
                return Err(reason.into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(addrs)
        })
    }
}

/// `Err` with the reason when `host`, not the configured host, resolved to
/// any non-public address (one is enough: the connector may pick it).
fn check_resolved(guard: &RedirectGuard, host: &str, addrs: &[SocketAddr]) -> Result<(), String> {
    if guard.is_initial_host(host) {
        return Ok(());
    }
    match addrs
        .iter()
        .find_map(|a| non_public_kind(a.ip()).map(|kind| (a.ip(), kind)))
    {
        Some((ip, kind)) => Err(format!("{host} resolves to {ip}, a {kind} address")),
        None => Ok(()),
    }
}

/// Pulls every feed at its interval on a thread of its own, the first time
/// right away, until `stop` is set; each report (or error) is logged. Feeds
/// run one after another, so a slow feed delays the others but never
/// overlaps with itself.
pub fn spawn_scheduler(
    store: Store,
    geography: Arc<Geography>,
    coding: Option<Arc<FeedCoding>>,
    feeds: Vec<(FeedSource, Duration)>,
    limits: FetchLimits,
    stop: Arc<AtomicBool>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut due: Vec<Option<Instant>> = vec![Some(start); feeds.len()];
        while !stop.load(Ordering::Relaxed) {
            let now = Instant::now();
            for (i, (feed, interval)) in feeds.iter().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                if due[i].is_none_or(|at| at > now) {
                    continue;
                }
                run_scheduled(&store, &geography, coding.as_deref(), feed, &limits);
                due[i] = Instant::now().checked_add(*interval);
            }
            let next = due.iter().flatten().min().copied();
            let nap = next
                .map(|at| at.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(1))
                .min(Duration::from_millis(100));
            std::thread::sleep(nap);
        }
    })
}

fn run_scheduled(
    store: &Store,
    geography: &Geography,
    coding: Option<&FeedCoding>,
    feed: &FeedSource,
    limits: &FetchLimits,
) {
    match import_feed_coded(store, geography, coding, feed, limits) {
        Ok(report) => {
            tracing::info!(
                feed = %report.source,
                location = %report.location,
                fetched_bytes = report.fetched_bytes,
                items = report.items_seen,
                created = report.created,
                updated = report.updated,
                unchanged = report.unchanged,
                duplicates = report.duplicates,
                rejected = report.rejected.len(),
                repaired = report.repaired.len(),
                duration_ms = report.duration_ms,
                "feed imported"
            );
            for item in &report.rejected {
                tracing::warn!(
                    feed = %report.source,
                    index = item.index,
                    identifier = item.identifier.as_deref().unwrap_or(""),
                    reason = %item.reason,
                    "feed item rejected"
                );
            }
            for item in &report.repaired {
                let repairs: Vec<&str> = item.repairs.iter().map(|r| r.code()).collect();
                tracing::info!(
                    feed = %report.source,
                    index = item.index,
                    identifier = item.identifier.as_deref().unwrap_or(""),
                    repairs = %repairs.join(","),
                    "feed item repaired"
                );
            }
        }
        Err(e) => tracing::warn!(
            feed = %feed.name,
            location = %feed.location,
            code = e.code(),
            error = %e,
            "feed import failed"
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn guard(host: &str) -> RedirectGuard {
        RedirectGuard {
            initial_host: host.into(),
            refusal: Mutex::new(None),
        }
    }

    #[test]
    fn redirect_targets_on_internal_networks_are_refused() {
        let g = guard("feeds.example.fi");
        let check = |u: &str| check_redirect_target(&Url::parse(u).unwrap(), &g);
        for url in [
            "http://127.0.0.1/",
            "http://127.8.9.10:8080/x",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://0.0.0.0/",
            "http://255.255.255.255/",
            "http://100.64.0.1/",
            "http://[::1]/",
            "http://[::]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://localhost:8080/",
            "http://api.localhost/",
            "file:///etc/passwd",
            "ftp://ftp.example.fi/feed.json",
        ] {
            assert!(check(url).is_err(), "{url} should be refused");
        }
        for url in [
            "https://tyopaikat.example.fi/feed.json",
            "http://93.184.216.34/",
            "http://[2001:db8::1]/",
            "https://feeds.example.fi:8443/other",
        ] {
            assert!(check(url).is_ok(), "{url} should be allowed");
        }
        // The host the operator configured is trusted, whatever it is.
        let local = guard("127.0.0.1");
        assert!(
            check_redirect_target(&Url::parse("http://127.0.0.1:9/x").unwrap(), &local).is_ok()
        );
        assert!(check_redirect_target(&Url::parse("http://10.0.0.1/").unwrap(), &local).is_err());
    }

    #[test]
    fn names_resolving_to_internal_addresses_are_refused() {
        let g = guard("feeds.example.fi");
        let addr = |s: &str| -> SocketAddr { s.parse().unwrap() };
        assert_eq!(
            check_resolved(
                &g,
                "cdn.example.fi",
                &[addr("93.184.216.34:0"), addr("10.1.2.3:0")]
            ),
            Err("cdn.example.fi resolves to 10.1.2.3, a private address".into())
        );
        assert_eq!(
            check_resolved(&g, "intranet.example.fi", &[addr("[fe80::1]:0")]),
            Err("intranet.example.fi resolves to fe80::1, a link-local address".into())
        );
        assert!(check_resolved(&g, "cdn.example.fi", &[addr("93.184.216.34:0")]).is_ok());
        // The configured host may resolve to anything.
        assert!(check_resolved(&g, "FEEDS.example.fi", &[addr("127.0.0.1:0")]).is_ok());
    }

    #[test]
    fn locations_print_without_secrets() {
        let loc = FeedLocation::parse("https://user:pw@feeds.example.fi/jobs.json?api_key=s3cret");
        assert_eq!(loc.to_string(), "https://feeds.example.fi/jobs.json?…");
        assert_eq!(
            FeedLocation::parse("file:///srv/feeds/jobs.json"),
            FeedLocation::File(PathBuf::from("/srv/feeds/jobs.json"))
        );
    }

    #[test]
    fn error_codes_are_stable() {
        let e = FeedError::TooLarge {
            location: "x".into(),
            limit: 1,
        };
        assert_eq!(e.code(), "feed_too_large");
        assert_eq!(
            FeedError::Malformed { reason: "x".into() }.code(),
            "feed_malformed"
        );
        assert_eq!(
            FeedError::Store(StoreError::Conflict("x".into())).code(),
            "conflict"
        );
    }

    #[test]
    fn feed_sources_are_checked() {
        let ok = FeedSource::new("duunitori", "https://example.fi/feed", OrgId(1));
        assert!(ok.check().is_ok());
        let shared = ok.clone().with_visibility(Visibility::Shared, vec![]);
        assert_eq!(shared.check().unwrap_err().code(), "feed_source_invalid");
        let unnamed = FeedSource::new(" ", "https://example.fi/feed", OrgId(1));
        assert!(unnamed.check().is_err());
    }
}

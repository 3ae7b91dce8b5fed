//! What every handler can reach: the application state (store, match
//! engine, reference data, coders, limits, metrics) and the blocking pool
//! that runs store, index and scoring work off the async executor.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use indexer::coding::Coders;
use indexer::feeds::FeedCoding;
use indexer::index::{IndexRoot, ReferenceData, SearchIndex};
use indexer::matching::MatchEngine;
use indexer::store::Store;
use matcher::normalize::{OccupationCoder, SkillExtractor};
use matcher::references::References;
use matcher::scoring::ScoringConfig;

use crate::error::ApiError;
use crate::limits::RateLimiter;
use crate::metrics::Metrics;

/// Longest time a request may work before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub engine: Arc<MatchEngine>,
    pub reference: ReferenceData,
    pub coder: Arc<OccupationCoder>,
    pub extractor: Arc<SkillExtractor>,
    pub feed_coding: Arc<FeedCoding>,
    pub limiter: Arc<RateLimiter>,
    pub metrics: Arc<Metrics>,
    /// What every write is checked against (strict references).
    pub references: Arc<References>,
    /// Profiles inactive longer than this are due for review (storage
    /// limitation); `retention_months` of the configuration.
    pub retention_months: u32,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// Everything the API needs, over `store` and the live index generation
    /// under `root`. Match records are loaded here, before serving.
    /// The lexicon is the shipped one plus `<data_dir>/lexicon/` when given.
    pub fn new(
        store: Store,
        root: &IndexRoot,
        data_dir: Option<&std::path::Path>,
    ) -> Result<AppState, indexer::matching::MatchError> {
        let reference = ReferenceData::load(&store)?;
        let index = SearchIndex::open_current(root)?;
        let engine = MatchEngine::new(
            store.clone(),
            reference.clone(),
            index,
            ScoringConfig::default(),
        )
        .following(root.clone());
        let records = engine.warm()?;
        tracing::info!(records, "match records loaded");
        let coders = Coders::load(&reference.taxonomy, &reference.geography, data_dir)?;
        let references = Arc::new(reference.references(&store)?);
        Ok(AppState {
            references: Arc::clone(&references),
            engine: Arc::new(engine),
            coder: Arc::clone(&coders.occupations),
            extractor: Arc::clone(&coders.skills),
            feed_coding: Arc::new(FeedCoding::new(coders).checking(Arc::clone(&references))),
            reference,
            store,
            limiter: Arc::new(RateLimiter::new(50.0, 100.0)),
            metrics: Arc::new(Metrics::default()),
            retention_months: crate::config::DEFAULT_RETENTION_MONTHS,
        })
    }
}

/// Run blocking work (store, index, scoring) on the blocking pool, never
/// on the async executor, with the request timeout.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::time::timeout(REQUEST_TIMEOUT, web::block(f)).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(ApiError::internal(&e)),
        Err(_) => Err(ApiError::unavailable(
            "timeout",
            "the request took too long; retry later",
        )),
    }
}

/// `GET /openapi.json`, built once at start with the reference data's codes.
#[derive(Debug, Clone)]
pub struct OpenApiDocument(pub web::Bytes);

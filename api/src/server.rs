//! The HTTP server: an [`Application`] binds its listener first (port 0 gives
//! a free port, which tests use) and then serves until stopped. Every route
//! comes from [`crate::routes::endpoints`], the same table the OpenAPI
//! document is generated from.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, Service};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};
use indexer::coding::Coders;
use indexer::feeds::FeedCoding;
use indexer::index::{IndexRoot, ReferenceData, SearchIndex};
use indexer::matching::MatchEngine;
use indexer::store::{Backend, Store};
use matcher::normalize::{OccupationCoder, SkillExtractor};
use matcher::references::References;
use matcher::scoring::ScoringConfig;

use crate::auth::{new_request_id, RateLimiter, RequestId};
use crate::error::ApiError;
use crate::metrics::Metrics;

/// Largest JSON body accepted (413 beyond).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
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
    /// `GET /openapi.json`, built once with the reference data's codes.
    pub openapi: web::Bytes,
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
        let industries = store
            .read(indexer::store::taxonomy::load_industries)?
            .map(Arc::new);
        let references = Arc::new(References::new(
            Arc::clone(&reference.taxonomy),
            Arc::clone(&reference.geography),
            industries,
        ));
        let openapi = crate::openapi::build(Some(&references)).to_string().into();
        Ok(AppState {
            references,
            openapi,
            engine: Arc::new(engine),
            coder: Arc::clone(&coders.occupations),
            extractor: Arc::clone(&coders.skills),
            feed_coding: Arc::new(FeedCoding::new(coders)),
            reference,
            store,
            limiter: Arc::new(RateLimiter::new(50.0, 100.0)),
            metrics: Arc::new(Metrics::default()),
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

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish()
    }
}

fn json_error(error: actix_web::error::JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &error {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => ApiError::new(
            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        ),
        E::ContentType => ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send Content-Type: application/json",
        ),
        E::Deserialize(e) => ApiError::bad_request("invalid_body", e.to_string()),
        other => ApiError::bad_request("invalid_body", other.to_string()),
    };
    api.into()
}

fn query_error(error: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid_query", error.to_string()).into()
}

fn path_error(error: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::not_found(format!("no such resource ({error})")).into()
}

impl Application {
    /// Bind `address` (e.g. `127.0.0.1:8080`, or port 0 for any free port).
    pub fn build(state: AppState, address: &str) -> std::io::Result<Application> {
        let listener = TcpListener::bind(address)?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(state);
        let server = HttpServer::new(move || {
            let metrics = Arc::clone(&state.metrics);
            App::new()
                .app_data(state.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(MAX_BODY_BYTES)
                        .error_handler(json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .app_data(web::PayloadConfig::default().limit(MAX_BODY_BYTES))
                .wrap_fn(move |request, service| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .filter(|v| {
                            !v.is_empty()
                                && v.len() <= 64
                                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        })
                        .map_or_else(new_request_id, str::to_owned);
                    request.extensions_mut().insert(RequestId(id.clone()));
                    let pattern = request
                        .match_pattern()
                        .unwrap_or_else(|| "unmatched".to_owned());
                    let method = request.method().to_string();
                    let started = std::time::Instant::now();
                    let span =
                        tracing::info_span!("request", request_id = %id, %method, path = %pattern);
                    let metrics = Arc::clone(&metrics);
                    let future = service.call(request);
                    async move {
                        let mut response = future.await?;
                        let status = response.status().as_u16();
                        let elapsed = started.elapsed();
                        metrics.observe(&method, &pattern, status, elapsed);
                        span.in_scope(|| {
                            tracing::info!(status, ms = elapsed.as_secs_f64() * 1e3, "answered")
                        });
                        if let Ok(value) = HeaderValue::from_str(&id) {
                            response
                                .headers_mut()
                                .insert(HeaderName::from_static("x-request-id"), value);
                        }
                        Ok(response)
                    }
                })
                .configure(crate::routes::configure)
                .configure(crate::ui::configure)
                .default_service(web::to(unknown_path))
        })
        .client_request_timeout(Duration::from_secs(10))
        .shutdown_timeout(30)
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serve until the process is told to stop (SIGINT / SIGTERM); requests
    /// in flight are finished first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Liveness.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
    pub version: String,
}

/// Readiness.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Ready {
    #[schema(example = "ready")]
    pub status: String,
    /// sqlite or postgres.
    pub database: String,
}

/// Liveness: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    responses((status = 200, description = "alive", body = Health)),
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// Readiness: the store answers a query.
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    responses((status = 200, description = "ready", body = Ready)),
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let backend = store.backend();
    blocking(move || {
        store
            .read(indexer::store::orgs::count_orgs)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "status": "ready",
        "database": match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        },
    })))
}

/// Prometheus metrics, text format.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    responses((status = 200, description = "metrics", content_type = "text/plain", body = String)),
)]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}

async fn unknown_path(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found(format!(
        "no such resource: {}",
        request.path()
    )))
}

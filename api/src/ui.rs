//! The web UI: static files built into the binary (`api/ui/`, no build
//! step), served under `/ui/` with `/` answering the page itself, and the
//! map of Finland (`/ui/map.svg`) drawn from the shipped boundaries.
//!
//! Every answer carries a strict Content-Security-Policy (scripts, styles
//! and connections from this origin only; nothing inline), `nosniff` and
//! cache headers with an ETag, so a revalidation costs a 304.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

mod boundaries;
mod map;

use boundaries::{Boundaries, BoundaryError};
use map::{map_svg, MapLevel};

/// The policy of the API reference at `/docs`: the UI's, but that images
/// may also be `data:` URIs, which Swagger UI draws its icons with (an
/// image cannot run script).
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy every UI answer carries.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One file of the UI: name under `/ui/`, content type, bytes.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file of the UI, built into the binary.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "index.html",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../ui/index.html"),
    },
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../ui/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: JS,
        body: include_bytes!("../ui/app.js"),
    },
    Asset {
        name: "api.js",
        content_type: JS,
        body: include_bytes!("../ui/api.js"),
    },
    Asset {
        name: "dom.js",
        content_type: JS,
        body: include_bytes!("../ui/dom.js"),
    },
    Asset {
        name: "i18n.js",
        content_type: JS,
        body: include_bytes!("../ui/i18n.js"),
    },
    Asset {
        name: "typeahead.js",
        content_type: JS,
        body: include_bytes!("../ui/typeahead.js"),
    },
    Asset {
        name: "pages.js",
        content_type: JS,
        body: include_bytes!("../ui/pages.js"),
    },
    Asset {
        name: "common.js",
        content_type: JS,
        body: include_bytes!("../ui/common.js"),
    },
    Asset {
        name: "vacancies.js",
        content_type: JS,
        body: include_bytes!("../ui/vacancies.js"),
    },
    Asset {
        name: "profiles.js",
        content_type: JS,
        body: include_bytes!("../ui/profiles.js"),
    },
    Asset {
        name: "profile-form.js",
        content_type: JS,
        body: include_bytes!("../ui/profile-form.js"),
    },
    Asset {
        name: "intake.js",
        content_type: JS,
        body: include_bytes!("../ui/intake.js"),
    },
    Asset {
        name: "outcomes.js",
        content_type: JS,
        body: include_bytes!("../ui/outcomes.js"),
    },
    Asset {
        name: "picture.js",
        content_type: JS,
        body: include_bytes!("../ui/picture.js"),
    },
    Asset {
        name: "effectiveness.js",
        content_type: JS,
        body: include_bytes!("../ui/effectiveness.js"),
    },
    Asset {
        name: "trend.js",
        content_type: JS,
        body: include_bytes!("../ui/trend.js"),
    },
    Asset {
        name: "outreach.js",
        content_type: JS,
        body: include_bytes!("../ui/outreach.js"),
    },
    Asset {
        name: "messages.json",
        content_type: "application/json",
        body: include_bytes!("../ui/messages.json"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../ui/favicon.svg"),
    },
];

/// Register `/`, `/ui/` and `/ui/{name}` (GET and HEAD).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/docs")
            .route(web::get().to(docs_page))
            .route(web::head().to(docs_page)),
    )
    .service(
        web::resource("/docs/{name}")
            .route(web::get().to(docs_asset))
            .route(web::head().to(docs_asset)),
    )
    .service(page("/"))
    .service(page("/ui"))
    .service(page("/ui/"))
    .service(
        web::resource("/ui/map.svg")
            .route(web::get().to(map))
            .route(web::head().to(map)),
    )
    .service(
        web::resource("/ui/geography.json")
            .route(web::get().to(geography))
            .route(web::head().to(geography)),
    )
    .service(
        web::resource("/ui/{name}")
            .route(web::get().to(asset))
            .route(web::head().to(asset)),
    );
}

fn page(path: &str) -> actix_web::Resource {
    web::resource(path)
        .route(web::get().to(index))
        .route(web::head().to(index))
}

fn etag(body: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    format!("\"{:016x}\"", h.finish())
}

/// A UI answer with the security and cache headers, or 304 when the
/// client's copy is current.
fn respond(request: &HttpRequest, content_type: &str, body: Vec<u8>, cache: &str) -> HttpResponse {
    respond_under(request, CONTENT_SECURITY_POLICY, content_type, body, cache)
}

/// [`respond`] under `policy`.
fn respond_under(
    request: &HttpRequest,
    policy: &str,
    content_type: &str,
    body: Vec<u8>,
    cache: &str,
) -> HttpResponse {
    let tag = etag(&body);
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, tag));
    if fresh {
        response.finish()
    } else {
        response.content_type(content_type).body(body)
    }
}

/// The API reference at `/docs`: Swagger UI, vendored from the npm
/// registry package swagger-ui-dist with its licence (`api/ui/docs/`), over
/// `/openapi.json`, under [`DOCS_CONTENT_SECURITY_POLICY`].
pub const DOCS_ASSETS: &[Asset] = &[
    Asset {
        name: "index.html",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../ui/docs/index.html"),
    },
    Asset {
        name: "docs.js",
        content_type: JS,
        body: include_bytes!("../ui/docs/docs.js"),
    },
    Asset {
        name: "swagger-ui-bundle.js",
        content_type: JS,
        body: include_bytes!("../ui/docs/swagger-ui-bundle.js"),
    },
    Asset {
        name: "swagger-ui.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../ui/docs/swagger-ui.css"),
    },
    Asset {
        name: "LICENSE",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../ui/docs/LICENSE"),
    },
    Asset {
        name: "NOTICE",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../ui/docs/NOTICE"),
    },
    Asset {
        name: "swagger-ui-bundle.js.LICENSE.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../ui/docs/swagger-ui-bundle.js.LICENSE.txt"),
    },
];

async fn docs_page(request: HttpRequest) -> HttpResponse {
    let page = &DOCS_ASSETS[0];
    respond_under(
        &request,
        DOCS_CONTENT_SECURITY_POLICY,
        page.content_type,
        page.body.to_vec(),
        PAGE_CACHE,
    )
}

async fn docs_asset(
    request: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    file(
        &request,
        DOCS_ASSETS,
        "/docs",
        &name,
        DOCS_CONTENT_SECURITY_POLICY,
    )
}

/// The page is revalidated on every load (so an upgrade shows at once);
/// the files it loads may be reused for five minutes.
const PAGE_CACHE: &str = "no-cache";
const ASSET_CACHE: &str = "public, max-age=300, must-revalidate";

async fn index(request: HttpRequest) -> HttpResponse {
    let page = &ASSETS[0];
    respond(&request, page.content_type, page.body.to_vec(), PAGE_CACHE)
}

async fn asset(request: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    file(&request, ASSETS, "/ui", &name, CONTENT_SECURITY_POLICY)
}

/// The file `name` of `assets` (served under `prefix`), or 404.
fn file(
    request: &HttpRequest,
    assets: &[Asset],
    prefix: &str,
    name: &str,
    policy: &str,
) -> Result<HttpResponse, ApiError> {
    let found = assets
        .iter()
        .find(|a| a.name == name)
        .ok_or_else(|| ApiError::not_found(format!("no such file: {prefix}/{name}")))?;
    Ok(respond_under(
        request,
        policy,
        found.content_type,
        found.body.to_vec(),
        ASSET_CACHE,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapQuery {
    #[serde(default)]
    level: MapLevel,
}

/// `/ui/map.svg[?level=region|municipality]`, drawn once per level: the
/// shipped geography and boundaries are the same for every server of a
/// process.
async fn map(
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<MapQuery>,
) -> Result<HttpResponse, ApiError> {
    static BOUNDARIES: OnceLock<Result<Boundaries, BoundaryError>> = OnceLock::new();
    static REGIONS: OnceLock<String> = OnceLock::new();
    static MUNICIPALITIES: OnceLock<String> = OnceLock::new();
    let boundaries = BOUNDARIES
        .get_or_init(Boundaries::shipped)
        .as_ref()
        .map_err(|e| ApiError::internal(e))?;
    let drawn = match query.level {
        MapLevel::Region => &REGIONS,
        MapLevel::Municipality => &MUNICIPALITIES,
    };
    let svg = drawn.get_or_init(|| map_svg(&state.reference.geography, boundaries, query.level));
    Ok(respond(
        &request,
        "image/svg+xml; charset=utf-8",
        svg.as_bytes().to_vec(),
        ASSET_CACHE,
    ))
}

/// Regions, municipalities and TOL 2008 industries with their names in three languages (public
/// reference data: the UI names places without a request per code).
async fn geography(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    static JSON: OnceLock<String> = OnceLock::new();
    let body = JSON.get_or_init(|| {
        let g = &state.reference.geography;
        serde_json::json!({
            "regions": g.regions().map(|r| serde_json::json!({
                "code": r.code, "name_fi": r.name_fi, "name_sv": r.name_sv, "name_en": r.name_en,
            })).collect::<Vec<_>>(),
            "municipalities": g.municipalities().map(|m| serde_json::json!({
                "code": m.code, "name_fi": m.name_fi, "name_sv": m.name_sv, "name_en": m.name_en,
                "region_code": m.region_code,
            })).collect::<Vec<_>>(),
            // TOL 2008 sections and divisions (the outreach form's industry).
            "industries": state.references.industries().map(|i| i.iter().map(|x| serde_json::json!({
                "code": x.code, "level": x.level, "parent": x.parent,
                "name_fi": x.labels.fi, "name_sv": x.labels.sv, "name_en": x.labels.en,
            })).collect::<Vec<_>>()).unwrap_or_default(),
        })
        .to_string()
    });
    respond(
        &request,
        "application/json",
        body.as_bytes().to_vec(),
        ASSET_CACHE,
    )
}

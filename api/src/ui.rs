//! The web UI: static files built into the binary (`api/ui/`, no build
//! step), served under `/ui/` with `/` answering the page itself, and the
//! map of Finland (`/ui/map.svg`) drawn from the shipped geography.
//!
//! Every answer carries a strict Content-Security-Policy (scripts, styles
//! and connections from this origin only; nothing inline), `nosniff` and
//! cache headers with an ETag, so a revalidation costs a 304.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use matcher::geography::Geography;

use crate::error::ApiError;
use crate::state::AppState;

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
        name: "picture.js",
        content_type: JS,
        body: include_bytes!("../ui/picture.js"),
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

async fn map(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    // The shipped geography is the same for every server of a process.
    static SVG: OnceLock<String> = OnceLock::new();
    let svg = SVG.get_or_init(|| map_svg(&state.reference.geography));
    respond(
        &request,
        "image/svg+xml; charset=utf-8",
        svg.as_bytes().to_vec(),
        ASSET_CACHE,
    )
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

type Point = (f64, f64);

/// Pixels per degree of latitude.
const SCALE: f64 = 48.0;
/// Margin around the drawing, in pixels.
const MARGIN: f64 = 8.0;
/// How far a cell may reach from its centroid (pixels; ~90 km), so that
/// coastal and border municipalities do not swallow the sea.
const REACH: f64 = 0.8 * SCALE;
/// How far the hull is pushed out from the outermost centroids (pixels).
const HULL_MARGIN: f64 = 0.3 * SCALE;

/// The regions of Finland as a Voronoi mosaic of the municipality
/// centroids: each municipality's cell is a disc around it (a polygon)
/// clipped to the hull of all centroids and by the perpendicular bisector
/// to every other centroid, in an equirectangular projection with x scaled
/// by cos 64°. Cells are joined per region: one `path` per region with
/// `data-region`, its names in three languages and a `<title>`.
pub fn map_svg(geography: &Geography) -> String {
    let k = 64f64.to_radians().cos();
    let municipalities: Vec<_> = geography.municipalities().collect();
    let (mut lat_max, mut lon_min, mut lat_min, mut lon_max) =
        (f64::MIN, f64::MAX, f64::MAX, f64::MIN);
    for m in &municipalities {
        lat_max = lat_max.max(m.lat);
        lat_min = lat_min.min(m.lat);
        lon_min = lon_min.min(m.lon);
        lon_max = lon_max.max(m.lon);
    }
    let pad = MARGIN + HULL_MARGIN;
    let project = |lat: f64, lon: f64| -> Point {
        (
            pad + (lon - lon_min) * k * SCALE,
            pad + (lat_max - lat) * SCALE,
        )
    };
    let width = 2.0 * pad + (lon_max - lon_min) * k * SCALE;
    let height = 2.0 * pad + (lat_max - lat_min) * SCALE;
    let points: Vec<Point> = municipalities
        .iter()
        .map(|m| project(m.lat, m.lon))
        .collect();
    let hull = expand(&convex_hull(&points), HULL_MARGIN);

    let mut by_region: BTreeMap<&str, String> = BTreeMap::new();
    let mut cells: Vec<(usize, Vec<Point>)> = Vec::new();
    for (i, (m, p)) in municipalities.iter().zip(&points).enumerate() {
        let mut cell: Vec<Point> = (0..40u32)
            .map(|s| {
                let a = f64::from(s) * std::f64::consts::TAU / 40.0;
                (p.0 + REACH * a.cos(), p.1 + REACH * a.sin())
            })
            .collect();
        // Keep the side of each hull edge the centroid is on.
        for (a, b) in hull.iter().zip(hull.iter().cycle().skip(1)) {
            let mut normal = (b.1 - a.1, a.0 - b.0);
            let mut offset = normal.0 * a.0 + normal.1 * a.1;
            if normal.0 * p.0 + normal.1 * p.1 > offset {
                normal = (-normal.0, -normal.1);
                offset = -offset;
            }
            cell = clip(&cell, normal, offset);
        }
        for (j, q) in points.iter().enumerate() {
            let d2 = (q.0 - p.0).powi(2) + (q.1 - p.1).powi(2);
            if j == i || d2 > 4.0 * REACH * REACH {
                continue;
            }
            if d2 < 1e-9 {
                // Two centroids in one spot: the lower index keeps it.
                if j < i {
                    cell.clear();
                }
                continue;
            }
            // x·(q − p) ≤ (|q|² − |p|²) / 2
            let normal = (q.0 - p.0, q.1 - p.1);
            let offset = (q.0 * q.0 + q.1 * q.1 - p.0 * p.0 - p.1 * p.1) / 2.0;
            cell = clip(&cell, normal, offset);
        }
        if cell.len() < 3 {
            continue;
        }
        let d = by_region.entry(m.region_code.as_str()).or_default();
        for (n, (x, y)) in cell.iter().enumerate() {
            let _ = write!(d, "{}{x:.1} {y:.1}", if n == 0 { "M" } else { "L" });
        }
        d.push('Z');
        cells.push((i, cell));
    }

    // Region borders: the cell edges that do not lie on a bisector with a
    // municipality of the same region (the coast and hull edges included).
    let mut borders = String::new();
    for (i, cell) in &cells {
        let p = points[*i];
        for (a, b) in cell.iter().zip(cell.iter().cycle().skip(1)) {
            let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            let own = (mid.0 - p.0).powi(2) + (mid.1 - p.1).powi(2);
            let inner = points.iter().enumerate().any(|(j, q)| {
                j != *i
                    && municipalities[j].region_code == municipalities[*i].region_code
                    && ((mid.0 - q.0).powi(2) + (mid.1 - q.1).powi(2) - own).abs()
                        < 1e-3 * (1.0 + own)
            });
            if !inner {
                let _ = write!(borders, "M{:.1} {:.1}L{:.1} {:.1}", a.0, a.1, b.0, b.1);
            }
        }
    }

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"map\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-labelledby=\"map-title\">\
         <title id=\"map-title\">Suomen maakunnat</title><g class=\"regions\">"
    );
    for region in geography.regions() {
        let Some(d) = by_region.get(region.code.as_str()) else {
            continue;
        };
        let _ = write!(
            svg,
            "<path class=\"region\" data-region=\"{}\" data-name-fi=\"{}\" data-name-sv=\"{}\" \
             data-name-en=\"{}\" d=\"{d}\"><title>{}</title></path>",
            escape(&region.code),
            escape(&region.name_fi),
            escape(&region.name_sv),
            escape(&region.name_en),
            escape(&region.name_fi),
        );
    }
    let _ = write!(
        svg,
        "</g><path class=\"region-borders\" aria-hidden=\"true\" d=\"{borders}\"/>\
         <g class=\"region-labels\" aria-hidden=\"true\">"
    );
    for region in geography.regions() {
        let (x, y) = project(region.lat, region.lon);
        let _ = write!(
            svg,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" data-region=\"{}\">{}</text>",
            escape(&region.code),
            escape(&region.name_fi)
        );
    }
    svg.push_str("</g></svg>");
    svg
}

/// Text safe inside XML content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The part of `polygon` where `normal · x ≤ offset` (Sutherland–Hodgman
/// against one half-plane; a convex polygon stays convex).
fn clip(polygon: &[Point], normal: Point, offset: f64) -> Vec<Point> {
    let inside = |p: &Point| normal.0 * p.0 + normal.1 * p.1 <= offset;
    let mut out = Vec::with_capacity(polygon.len() + 1);
    for (n, current) in polygon.iter().enumerate() {
        let previous = &polygon[(n + polygon.len() - 1) % polygon.len()];
        let crossing = || {
            let a = normal.0 * previous.0 + normal.1 * previous.1 - offset;
            let b = normal.0 * current.0 + normal.1 * current.1 - offset;
            let t = a / (a - b);
            (
                previous.0 + t * (current.0 - previous.0),
                previous.1 + t * (current.1 - previous.1),
            )
        };
        match (inside(previous), inside(current)) {
            (true, true) => out.push(*current),
            (true, false) => out.push(crossing()),
            (false, true) => {
                out.push(crossing());
                out.push(*current);
            }
            (false, false) => {}
        }
    }
    out
}

/// The convex hull (Andrew's monotone chain).
fn convex_hull(points: &[Point]) -> Vec<Point> {
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    sorted.dedup();
    if sorted.len() < 3 {
        return sorted;
    }
    let cross =
        |o: Point, a: Point, b: Point| (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0);
    let mut hull: Vec<Point> = Vec::new();
    for pass in [sorted.clone(), sorted.iter().rev().copied().collect()] {
        let start = hull.len();
        for p in pass {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

/// `hull` pushed out by `by` from its centroid.
fn expand(hull: &[Point], by: f64) -> Vec<Point> {
    let n = hull.len().max(1) as f64;
    let c = (
        hull.iter().map(|p| p.0).sum::<f64>() / n,
        hull.iter().map(|p| p.1).sum::<f64>() / n,
    );
    hull.iter()
        .map(|p| {
            let (dx, dy) = (p.0 - c.0, p.1 - c.1);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            (p.0 + dx / len * by, p.1 + dy / len * by)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_a_square_by_a_half_plane() {
        let square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)];
        let left = clip(&square, (1.0, 0.0), 1.0);
        let area: f64 = left
            .iter()
            .zip(left.iter().cycle().skip(1))
            .map(|(a, b)| a.0 * b.1 - b.0 * a.1)
            .sum::<f64>()
            .abs()
            / 2.0;
        assert!((area - 2.0).abs() < 1e-9, "{left:?}");
    }

    #[test]
    fn hull_of_a_square_with_an_inner_point() {
        let hull = convex_hull(&[(0.0, 0.0), (1.0, 1.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]);
        assert_eq!(hull.len(), 4, "{hull:?}");
    }
}

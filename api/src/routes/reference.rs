//! Reference data: text → ESCO occupations, skill typeahead and extraction,
//! places. Any authenticated caller; labels in the caller's language.

use actix_web::{web, HttpRequest, HttpResponse};
use matcher::taxonomy::Lang;
use serde::Deserialize;
use serde_json::json;

use super::{check_query, page_size};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::server::{blocking, AppState};

/// Longest text `extract` reads, in bytes.
pub const MAX_EXTRACT_BYTES: usize = 20_000;

/// `lang` if given (400 when unknown), else the first of fi/sv/en in
/// `Accept-Language`, else Finnish.
pub fn language(request: &HttpRequest, lang: Option<&str>) -> Result<Lang, ApiError> {
    if let Some(l) = lang {
        return l
            .parse()
            .map_err(|_| ApiError::bad_request("invalid_lang", "lang must be fi, sv or en"));
    }
    let accept = request
        .headers()
        .get("accept-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Ok(accept
        .split(',')
        .filter_map(|part| part.split(';').next())
        .filter_map(|tag| tag.trim().get(..2))
        .find_map(|code| code.to_ascii_lowercase().parse().ok())
        .unwrap_or(Lang::Fi))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextQuery {
    q: Option<String>,
    lang: Option<String>,
    limit: Option<usize>,
}

fn required_q(q: &Option<String>) -> Result<String, ApiError> {
    let q = q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| ApiError::bad_request("query_required", "q is required"))?;
    check_query(q)?;
    Ok(q.to_owned())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OccupationQuery {
    q: Option<String>,
    uri: Option<String>,
    lang: Option<String>,
    limit: Option<usize>,
}

pub async fn occupations(
    _caller: Caller,
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<OccupationQuery>,
) -> Result<HttpResponse, ApiError> {
    if let (Some(uri), None) = (&query.uri, &query.q) {
        // One occupation by its URI (the UI names a vacancy's occupation).
        let lang = language(&request, query.lang.as_deref())?;
        let found = state.reference.taxonomy.occupation_by_uri(uri);
        return Ok(HttpResponse::Ok().json(json!({
            "items": found.map(|o| json!({
                "uri": o.uri,
                "isco_code": o.isco_code,
                "label": o.labels.get(lang),
                "labels": o.labels,
                "score": 1.0,
                "matched_label": o.labels.get(lang),
                "matched_lang": lang,
            })).into_iter().collect::<Vec<_>>()
        })));
    }
    let q = required_q(&query.q)?;
    let explicit = query.lang.is_some();
    let lang = language(&request, query.lang.as_deref())?;
    let limit = page_size(query.limit.or(Some(10)), 50)?;
    let coder = state.coder.clone();
    let matches = blocking(move || Ok(coder.code(&q, explicit.then_some(lang), limit))).await?;
    Ok(HttpResponse::Ok().json(json!({
        "items": matches.iter().map(|m| json!({
            "uri": m.uri,
            "isco_code": m.isco_code,
            "label": m.labels.get(lang),
            "labels": m.labels,
            "score": m.score,
            "confidence": m.confidence,
            "evidence": m.evidence,
            "matched_label": m.matched_label,
            "matched_lang": m.matched_lang,
        })).collect::<Vec<_>>()
    })))
}

pub async fn skills(
    _caller: Caller,
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TextQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = required_q(&query.q)?.to_lowercase();
    let lang = language(&request, query.lang.as_deref())?;
    let limit = page_size(query.limit.or(Some(10)), 50)?;
    let taxonomy = state.reference.taxonomy.clone();
    let items = blocking(move || {
        // Labels starting with the text first, then labels with a word
        // starting with it; shorter labels first within each.
        let mut hits: Vec<(u8, usize, &str, String)> = Vec::new();
        for (_, skill) in taxonomy.skills() {
            let label = skill.labels.get(lang);
            let lower = label.to_lowercase();
            let rank = if lower.starts_with(&q) {
                0
            } else if lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(&q))
            {
                1
            } else {
                continue;
            };
            hits.push((rank, label.chars().count(), &skill.uri, label.to_owned()));
        }
        hits.sort();
        Ok(hits
            .into_iter()
            .take(limit)
            .map(|(_, _, uri, label)| json!({"uri": uri, "label": label}))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractBody {
    text: String,
    lang: Option<String>,
}

pub async fn extract(
    _caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<ExtractBody>,
) -> Result<HttpResponse, ApiError> {
    if body.text.len() > MAX_EXTRACT_BYTES {
        return Err(ApiError::bad_request(
            "text_too_long",
            format!("text is longer than {MAX_EXTRACT_BYTES} bytes"),
        ));
    }
    let lang: Option<Lang> = match &body.lang {
        None => None,
        Some(l) => Some(
            l.parse()
                .map_err(|_| ApiError::bad_request("invalid_lang", "lang must be fi, sv or en"))?,
        ),
    };
    let extractor = state.extractor.clone();
    let text = body.into_inner().text;
    let mentions = blocking(move || Ok(extractor.extract(&text, lang))).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": mentions })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceQuery {
    q: Option<String>,
    limit: Option<usize>,
}

pub async fn places(
    _caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<PlaceQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = required_q(&query.q)?.to_lowercase();
    let limit = page_size(query.limit.or(Some(10)), 50)?;
    let geo = &state.reference.geography;
    let starts = |names: [&str; 2]| names.iter().any(|n| n.to_lowercase().starts_with(&q));
    let mut items: Vec<serde_json::Value> = geo
        .regions()
        .filter(|r| starts([&r.name_fi, &r.name_sv]))
        .map(|r| json!({"kind": "region", "code": r.code, "name_fi": r.name_fi, "name_sv": r.name_sv, "name_en": r.name_en}))
        .collect();
    items.extend(
        geo.municipalities()
            .filter(|m| starts([&m.name_fi, &m.name_sv]))
            .map(|m| json!({"kind": "municipality", "code": m.code, "name_fi": m.name_fi, "name_sv": m.name_sv, "region_code": m.region_code})),
    );
    items.truncate(limit);
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

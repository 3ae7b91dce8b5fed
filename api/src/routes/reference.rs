//! Reference data: text → ESCO occupations, skill typeahead and extraction,
//! places. Any authenticated caller; labels in the caller's language.

use actix_web::{web, HttpRequest, HttpResponse};
use matcher::normalize::{Evidence, SkillMention};
use matcher::taxonomy::Labels;
use matcher::taxonomy::Lang;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{check_query, language, page_size, MAX_QUERY_CHARS};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

/// Longest text `extract` reads, in characters.
pub const MAX_EXTRACT_CHARS: usize = 20_000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TextQuery {
    /// The beginning of a label (not blank).
    #[param(required = true, max_length = 200, pattern = r"\S")]
    q: Option<String>,
    /// Language of the labels (default: `Accept-Language`, else fi).
    #[param(value_type = Option<Lang>)]
    lang: Option<String>,
    /// Results to return.
    #[param(minimum = 1, maximum = 50, default = 10)]
    limit: Option<usize>,
}

/// `q`, required and not blank (400 `query_required`), within the limits.
pub fn required_q(q: &Option<String>) -> Result<String, ApiError> {
    let q = q
        .as_deref()
        .map(str::trim)
        // Blank as the OpenAPI pattern `\S` reads it (Python's and
        // ECMAScript's whitespace include the information separators).
        .filter(|q| {
            !q.chars()
                .all(|c| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
        })
        .ok_or_else(|| ApiError::bad_request("query_required", "q is required"))?;
    check_query(q)?;
    Ok(q.to_owned())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OccupationQuery {
    /// A job title, noisy as in real ads (fi, sv or en); required unless
    /// `uri` is given.
    #[param(max_length = 200, pattern = r"\S")]
    q: Option<String>,
    /// Instead of `q`: the one occupation with this ESCO URI.
    #[param(max_length = 200)]
    uri: Option<String>,
    /// The language of `q` and of the labels (default: `Accept-Language`,
    /// else fi; an explicit `lang` also narrows the labels matched).
    #[param(value_type = Option<Lang>)]
    lang: Option<String>,
    /// Results to return.
    #[param(minimum = 1, maximum = 50, default = 10)]
    limit: Option<usize>,
}

/// One ranked ESCO occupation for a text.
#[derive(Debug, Serialize, ToSchema)]
pub struct OccupationItem {
    pub uri: String,
    /// ISCO-08 unit group (4 digits).
    pub isco_code: String,
    /// The label in the answer's language.
    pub label: String,
    pub labels: Labels,
    /// In [0, 1]; 1 for an exact label match (and for a look-up by URI).
    pub score: f32,
    /// Estimated probability that this is the right occupation (absent for
    /// a look-up by URI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// What matched (absent for a look-up by URI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    pub matched_label: String,
    pub matched_lang: Lang,
}

/// Ranked occupations.
#[derive(Debug, Serialize, ToSchema)]
pub struct OccupationList {
    pub items: Vec<OccupationItem>,
}

/// One skill of a typeahead.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillItem {
    pub uri: String,
    pub label: String,
}

/// Skills of a typeahead.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillList {
    pub items: Vec<SkillItem>,
}

/// The skills a text mentions.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentionList {
    pub items: Vec<SkillMention>,
}

/// A region or a municipality.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Place {
    Region {
        code: String,
        name_fi: String,
        name_sv: String,
        name_en: String,
    },
    Municipality {
        code: String,
        name_fi: String,
        name_sv: String,
        region_code: String,
    },
}

/// Places whose names begin with the text: regions first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceList {
    pub items: Vec<Place>,
}

/// A job title (fi/sv/en, noisy) → ranked ESCO occupations.
#[utoipa::path(
    get,
    path = "/v1/taxonomy/occupations",
    operation_id = "code_occupation",
    params(OccupationQuery),
    responses((status = 200, description = "ranked occupations", body = OccupationList)),
)]
pub async fn occupations(
    _caller: Caller,
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<OccupationQuery>,
) -> Result<HttpResponse, ApiError> {
    if query
        .uri
        .as_ref()
        .is_some_and(|u| u.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(ApiError::bad_request("query_too_long", "uri is too long"));
    }
    if let (Some(uri), None) = (&query.uri, &query.q) {
        // One occupation by its URI (the UI names a vacancy's occupation).
        let lang = language(&request, query.lang.as_deref())?;
        let found = state.reference.taxonomy.occupation_by_uri(uri);
        return Ok(HttpResponse::Ok().json(OccupationList {
            items: found
                .map(|o| OccupationItem {
                    uri: o.uri.clone(),
                    isco_code: o.isco_code.clone(),
                    label: o.labels.get(lang).to_owned(),
                    labels: o.labels.clone(),
                    score: 1.0,
                    confidence: None,
                    evidence: None,
                    matched_label: o.labels.get(lang).to_owned(),
                    matched_lang: lang,
                })
                .into_iter()
                .collect(),
        }));
    }
    if query.q.is_none() {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "q_or_uri_required",
            "give q (a job title) or uri",
        ));
    }
    let q = required_q(&query.q)?;
    let explicit = query.lang.is_some();
    let lang = language(&request, query.lang.as_deref())?;
    let limit = page_size(query.limit.or(Some(10)), 50)?;
    let coder = state.coder.clone();
    let matches = blocking(move || Ok(coder.code(&q, explicit.then_some(lang), limit))).await?;
    Ok(HttpResponse::Ok().json(OccupationList {
        items: matches
            .into_iter()
            .map(|m| OccupationItem {
                label: m.labels.get(lang).to_owned(),
                uri: m.uri,
                isco_code: m.isco_code,
                labels: m.labels,
                score: m.score,
                confidence: Some(m.confidence),
                evidence: Some(m.evidence),
                matched_label: m.matched_label,
                matched_lang: m.matched_lang,
            })
            .collect(),
    }))
}

/// Skill typeahead over ESCO labels.
#[utoipa::path(
    get,
    path = "/v1/taxonomy/skills",
    operation_id = "skill_typeahead",
    params(TextQuery),
    responses((status = 200, description = "skills", body = SkillList)),
)]
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
            .map(|(_, _, uri, label)| SkillItem {
                uri: uri.to_owned(),
                label,
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(SkillList { items }))
}

/// A text to find skills in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractBody {
    #[schema(max_length = 20000)]
    text: String,
    /// The text's language, when known (else every language is tried).
    #[schema(value_type = Option<Lang>)]
    lang: Option<String>,
}

/// The ESCO skills a text mentions, with byte spans.
#[utoipa::path(
    post,
    path = "/v1/taxonomy/extract",
    operation_id = "extract_skills",
    request_body = ExtractBody,
    responses((status = 200, description = "the mentions", body = MentionList)),
)]
pub async fn extract(
    _caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<ExtractBody>,
) -> Result<HttpResponse, ApiError> {
    if body.text.chars().count() > MAX_EXTRACT_CHARS {
        return Err(ApiError::bad_request(
            "text_too_long",
            format!("text is longer than {MAX_EXTRACT_CHARS} characters"),
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
    Ok(HttpResponse::Ok().json(MentionList { items: mentions }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlaceQuery {
    /// The beginning of a name, in Finnish or Swedish (not blank).
    #[param(required = true, max_length = 200, pattern = r"\S")]
    q: Option<String>,
    /// Results to return.
    #[param(minimum = 1, maximum = 50, default = 10)]
    limit: Option<usize>,
}

/// Municipality and region typeahead.
#[utoipa::path(
    get,
    path = "/v1/places",
    operation_id = "place_typeahead",
    params(PlaceQuery),
    responses((status = 200, description = "places", body = PlaceList)),
)]
pub async fn places(
    _caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<PlaceQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = required_q(&query.q)?.to_lowercase();
    let limit = page_size(query.limit.or(Some(10)), 50)?;
    let geo = &state.reference.geography;
    let starts = |names: [&str; 2]| names.iter().any(|n| n.to_lowercase().starts_with(&q));
    let mut items: Vec<Place> = geo
        .regions()
        .filter(|r| starts([&r.name_fi, &r.name_sv]))
        .map(|r| Place::Region {
            code: r.code.clone(),
            name_fi: r.name_fi.clone(),
            name_sv: r.name_sv.clone(),
            name_en: r.name_en.clone(),
        })
        .collect();
    items.extend(
        geo.municipalities()
            .filter(|m| starts([&m.name_fi, &m.name_sv]))
            .map(|m| Place::Municipality {
                code: m.code.clone(),
                name_fi: m.name_fi.clone(),
                name_sv: m.name_sv.clone(),
                region_code: m.region_code.clone(),
            }),
    );
    items.truncate(limit);
    Ok(HttpResponse::Ok().json(PlaceList { items }))
}

//! The labour-market picture for advisers and analysts (analysts see small
//! cells withheld), as JSON or, with `Accept: text/csv` or the `.csv`
//! path, as CSV.

use actix_web::{web, HttpRequest, HttpResponse};
use indexer::picture::PictureRequest;
use matcher::domain::Role;
use matcher::picture::{CsvTable, Grouping};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::reference::language;
use crate::server::{blocking, AppState};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PictureQuery {
    by: Option<String>,
    occupation_level: Option<u8>,
    industry: Option<String>,
    potential: Option<bool>,
    min_score: Option<f64>,
    table: Option<String>,
    lang: Option<String>,
}

fn bad(code: &'static str, e: String) -> ApiError {
    ApiError::bad_request(code, e)
}

async fn serve(
    caller: Caller,
    state: web::Data<AppState>,
    request: HttpRequest,
    query: PictureQuery,
    csv: bool,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser, Role::Analyst])?;
    let by = match &query.by {
        None => Default::default(),
        Some(b) => b.parse().map_err(|e| bad("invalid_by", e))?,
    };
    let grouping = match (query.industry.as_deref(), query.occupation_level) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "invalid_grouping",
                "give occupation_level or industry, not both".into(),
            ))
        }
        (Some("section"), None) => Grouping::Industry(1),
        (Some("division"), None) => Grouping::Industry(2),
        (Some(other), None) => {
            return Err(bad(
                "invalid_grouping",
                format!("industry must be section or division, not {other:?}"),
            ))
        }
        (None, level) => {
            let level = level.unwrap_or(1);
            if !(1..=4).contains(&level) {
                return Err(bad(
                    "invalid_occupation_level",
                    "occupation_level must be 1–4".into(),
                ));
            }
            Grouping::Occupation(level)
        }
    };
    let min_score = query.min_score.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&min_score) {
        return Err(bad("invalid_min_score", "min_score must be 0–1".into()));
    }
    let table = match &query.table {
        None => CsvTable::default(),
        Some(t) => t.parse().map_err(|e| bad("invalid_table", e))?,
    };
    let csv = csv
        || request
            .headers()
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/csv")));
    let picture = PictureRequest {
        by,
        grouping,
        disclosure_control: caller.role == Role::Analyst,
        potential: query.potential.unwrap_or(false) || table == CsvTable::Flows,
        min_score,
        lang: language(&request, query.lang.as_deref())?,
        now: chrono::Utc::now().naive_utc(),
    };
    let st = state.clone();
    let picture = blocking(move || st.engine.picture(&picture).map_err(ApiError::from)).await?;
    if csv {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!(
                    "attachment; filename=\"kohtaanto-picture-{}.csv\"",
                    query.table.as_deref().unwrap_or("cells")
                ),
            ))
            .body(picture.to_csv(table)));
    }
    Ok(HttpResponse::Ok().json(picture))
}

pub async fn picture(
    caller: Caller,
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PictureQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(caller, state, request, query.into_inner(), false).await
}

pub async fn picture_csv(
    caller: Caller,
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PictureQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(caller, state, request, query.into_inner(), true).await
}

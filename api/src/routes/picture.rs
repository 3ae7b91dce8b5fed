//! The labour-market picture for advisers and analysts (analysts see small
//! cells withheld), as JSON or, with `Accept: text/csv` or the `.csv`
//! path, as CSV.

use actix_web::{web, HttpRequest, HttpResponse};
use indexer::picture::PictureRequest;
use matcher::domain::Role;
use matcher::picture::{CsvTable, Grouping};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::params::language;
use crate::state::{blocking, AppState};

/// Industry columns of a picture: TOL 2008 sections or divisions (the
/// query's vocabulary, parsed where it is read).
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum IndustryLevelParam {
    Section,
    Division,
}

/// The table of a CSV picture.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum TableParam {
    Cells,
    Areas,
    Groups,
    Flows,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PictureQuery {
    /// Rows (default region).
    #[param(value_type = Option<matcher::picture::AreaLevel>)]
    by: Option<String>,
    /// ISCO-08 level of the columns (default 1); not with `industry`.
    #[param(minimum = 1, maximum = 4)]
    occupation_level: Option<u8>,
    /// Columns by TOL 2008 industry instead; not with `occupation_level`.
    #[param(inline, value_type = Option<IndustryLevelParam>)]
    industry: Option<String>,
    /// Add the cross-region potential matrix (scores every open position).
    potential: Option<bool>,
    /// A good match for the potential matrix (default 0.5).
    #[param(minimum = 0.0, maximum = 1.0)]
    min_score: Option<f64>,
    /// The table of a CSV answer (default cells).
    #[param(inline, value_type = Option<TableParam>)]
    table: Option<String>,
    /// Language of the names (default: `Accept-Language`, else fi).
    #[param(value_type = Option<matcher::taxonomy::Lang>)]
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
            return Err(ApiError::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_grouping",
                "give occupation_level or industry, not both",
            ))
        }
        (Some("section"), None) => Grouping::Industry(1),
        (Some("division"), None) => Grouping::Industry(2),
        (Some(other), None) => {
            return Err(bad(
                "invalid_industry",
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

/// The labour-market picture: positions, jobseekers, tightness, days open
/// per area × occupation (or industry), Jackman–Roper mismatch,
/// cross-region potential; CSV with `Accept: text/csv` (analysts: cells
/// under 5 withheld).
#[utoipa::path(
    get,
    path = "/v1/picture",
    operation_id = "picture",
    params(PictureQuery),
    responses((status = 200, description = "the picture", content(
        (matcher::picture::Picture = "application/json"),
        (String = "text/csv"),
    ))),
)]
pub async fn picture(
    caller: Caller,
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PictureQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(caller, state, request, query.into_inner(), false).await
}

/// The labour-market picture as CSV (one table, see `table`).
#[utoipa::path(
    get,
    path = "/v1/picture.csv",
    operation_id = "picture_csv",
    params(PictureQuery),
    responses((status = 200, description = "one table of the picture", content_type = "text/csv", body = String)),
)]
pub async fn picture_csv(
    caller: Caller,
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PictureQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(caller, state, request, query.into_inner(), true).await
}

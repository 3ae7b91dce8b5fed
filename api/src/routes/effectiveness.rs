//! The effectiveness of the services and the picture over time, for
//! advisers and analysts (analysts see small cells withheld): what the
//! introductions, hires and employer outreach of a period achieved, and
//! tightness, mismatch and placements month by month. JSON, or CSV with
//! `format=csv` or `Accept: text/csv`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Months, NaiveDate};
use indexer::picture::effectiveness::EffectivenessRequest;
use indexer::picture::effectiveness::MAX_PERIOD_DAYS;
use indexer::picture::snapshot::{TrendRequest, MAX_TREND_MONTHS};
use matcher::domain::Role;
use matcher::effectiveness::EffectivenessTable;
use matcher::picture::Grouping;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::params::language;
use crate::state::{blocking, AppState};

/// Industry columns: TOL 2008 sections or divisions.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum IndustryLevelParam {
    Section,
    Division,
}

/// The table of a CSV answer.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum EffectivenessTableParam {
    Cells,
    Areas,
    Groups,
    Hires,
    Cohorts,
    Outreach,
}

/// The form of the answer.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum FormatParam {
    Json,
    Csv,
}

/// The answer language.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum LangParam {
    Fi,
    Sv,
    En,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EffectivenessQuery {
    /// First day of the period, `YYYY-MM-DD` (default: a year before
    /// `until`, the day after).
    #[param(format = Date, max_length = 10)]
    since: Option<String>,
    /// Last day of the period, `YYYY-MM-DD` (default today); at most ten
    /// years after `since`.
    #[param(format = Date, max_length = 10)]
    until: Option<String>,
    /// ISCO-08 level of the columns (default 1); not with `industry`.
    #[param(minimum = 1, maximum = 2)]
    occupation_level: Option<u8>,
    /// Columns by TOL 2008 industry of the vacancy instead; not with
    /// `occupation_level`. Outreach is by the firm's industry, divisions
    /// with `division`, else sections.
    #[param(inline, value_type = Option<IndustryLevelParam>)]
    industry: Option<String>,
    /// The table of a CSV answer (default cells).
    #[param(inline, value_type = Option<EffectivenessTableParam>)]
    table: Option<String>,
    /// `csv` for one table as CSV (default json).
    #[param(inline, value_type = Option<FormatParam>)]
    format: Option<String>,
    /// Language of the names (default: `Accept-Language`, else fi).
    #[param(inline, value_type = Option<LangParam>)]
    lang: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    /// First month, `YYYY-MM` (default: eleven months before `to`).
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$", max_length = 7)]
    from: Option<String>,
    /// Last month, `YYYY-MM` (default: this month); at most 120 months
    /// from `from`.
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$", max_length = 7)]
    to: Option<String>,
    /// A region (maakunta) code; default the whole country.
    #[param(pattern = "^(0[124-9]|1[0-9]|21)$", max_length = 2)]
    region: Option<String>,
    /// `csv` for the months as CSV (default json).
    #[param(inline, value_type = Option<FormatParam>)]
    format: Option<String>,
    /// Language of the region's name (default: `Accept-Language`, else fi).
    #[param(inline, value_type = Option<LangParam>)]
    lang: Option<String>,
}

fn bad(code: &'static str, e: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, e)
}

/// Whether the answer is CSV: `format=csv`, or `Accept: text/csv`.
fn wants_csv(request: &HttpRequest, format: Option<&str>) -> Result<bool, ApiError> {
    match format {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(other) => Err(bad(
            "invalid_format",
            format!("format must be json or csv, not {other:?}"),
        )),
        None => Ok(request
            .headers()
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/csv")))),
    }
}

fn csv_response(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"kohtaanto-{name}.csv\""),
        ))
        .body(body)
}

fn day(field: &'static str, text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| bad("invalid_date", format!("{field} must be a date YYYY-MM-DD")))
}

fn month(field: &'static str, text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 7)
        .ok_or_else(|| bad("invalid_date", format!("{field} must be a month YYYY-MM")))
}

/// What the services achieved in a period: placements, cross-regional
/// placements, introductions per hire and days to a hire per region ×
/// occupation (or industry); the flow matrix of actual hires; layoff
/// cohorts placed month by month; employer outreach per region ×
/// industry. Analysts: cells of 1–4 withheld.
#[utoipa::path(
    get,
    path = "/v1/picture/effectiveness",
    operation_id = "picture_effectiveness",
    params(EffectivenessQuery),
    responses((status = 200, description = "the effectiveness of the period", content(
        (matcher::effectiveness::Effectiveness = "application/json"),
        (String = "text/csv"),
    ))),
)]
pub async fn effectiveness(
    caller: Caller,
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<EffectivenessQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser, Role::Analyst])?;
    let query = query.into_inner();
    let until = match &query.until {
        Some(t) => day("until", t)?,
        None => chrono::Utc::now().date_naive(),
    };
    let since = match &query.since {
        Some(t) => day("since", t)?,
        None => until
            .checked_sub_months(Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(until),
    };
    if since > until {
        return Err(ApiError::invalid_field(
            "invalid_period",
            "since",
            "since is after until",
        ));
    }
    if (until - since).num_days() >= MAX_PERIOD_DAYS {
        return Err(ApiError::invalid_field(
            "invalid_period",
            "until",
            format!("the period is longer than {MAX_PERIOD_DAYS} days"),
        ));
    }
    let grouping = match (query.industry.as_deref(), query.occupation_level) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_field(
                "invalid_grouping",
                "industry",
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
        (None, Some(level)) if !(1..=2).contains(&level) => {
            return Err(bad(
                "invalid_occupation_level",
                "occupation_level must be 1 or 2",
            ))
        }
        (None, level) => Grouping::Occupation(level.unwrap_or(1)),
    };
    let table: EffectivenessTable = match &query.table {
        None => EffectivenessTable::default(),
        Some(t) => t.parse().map_err(|e: String| bad("invalid_table", e))?,
    };
    let csv = wants_csv(&request, query.format.as_deref())?;
    let r = EffectivenessRequest {
        since,
        until,
        grouping,
        disclosure_control: caller.role == Role::Analyst,
        lang: language(&request, query.lang.as_deref())?,
    };
    let st = state.clone();
    let e = blocking(move || st.engine.effectiveness(&r).map_err(ApiError::from)).await?;
    if csv {
        let name = format!(
            "effectiveness-{}",
            query.table.as_deref().unwrap_or("cells")
        );
        return Ok(csv_response(&name, e.to_csv(table)));
    }
    Ok(HttpResponse::Ok().json(e))
}

/// The picture over time: per month, tightness (the mean over the
/// month's daily snapshots of open positions per active jobseeker), the
/// country's mismatch index and placements; for the country or a region.
/// Analysts: months of 1–4 placements withheld.
#[utoipa::path(
    get,
    path = "/v1/picture/trend",
    operation_id = "picture_trend",
    params(TrendQuery),
    responses((status = 200, description = "the months", content(
        (matcher::trend::Trend = "application/json"),
        (String = "text/csv"),
    ))),
)]
pub async fn trend(
    caller: Caller,
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<TrendQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser, Role::Analyst])?;
    let query = query.into_inner();
    let to = match &query.to {
        Some(t) => month("to", t)?,
        None => chrono::Utc::now().date_naive(),
    };
    let from = match &query.from {
        Some(t) => month("from", t)?,
        None => to.checked_sub_months(Months::new(11)).unwrap_or(to),
    };
    if from > to {
        return Err(ApiError::invalid_field(
            "invalid_period",
            "from",
            "from is after to",
        ));
    }
    if matcher::effectiveness::months_between(from, to).len() > MAX_TREND_MONTHS {
        return Err(ApiError::invalid_field(
            "invalid_period",
            "to",
            format!("the trend is longer than {MAX_TREND_MONTHS} months"),
        ));
    }
    if let Some(region) = &query.region {
        if !state.engine.knows_region(region) {
            return Err(bad(
                "invalid_region",
                format!("{region:?} is not a region code"),
            ));
        }
    }
    let csv = wants_csv(&request, query.format.as_deref())?;
    let r = TrendRequest {
        from,
        to,
        region: query.region.clone(),
        disclosure_control: caller.role == Role::Analyst,
        lang: language(&request, query.lang.as_deref())?,
    };
    let st = state.clone();
    let trend = blocking(move || st.engine.trend(&r).map_err(ApiError::from)).await?;
    if csv {
        return Ok(csv_response("trend", trend.to_csv()));
    }
    Ok(HttpResponse::Ok().json(trend))
}

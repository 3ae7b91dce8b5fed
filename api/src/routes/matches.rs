//! Ranked matches in both directions. Advisers match every active profile
//! nationwide; agencies only consented profiles (pseudonymised) and the
//! vacancies they may see; employers get anonymous summaries for their own
//! vacancies. Every match query is audited.

use actix_web::{web, HttpRequest, HttpResponse};
use indexer::matching::{MatchEngine, MatchRequest, MatchResult};
use indexer::store::access;
use matcher::domain::{Role, Vacancy, VacancyId};
use matcher::ranking::Ranked;
use matcher::retrieval::{ProfileAccess, VacancyAccess};
use matcher::scoring::PairScore;
use matcher::scoring::Scope;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::params::page_size;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// Results to return.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<usize>,
    /// Which geography makes a pair eligible (default `mobility`: what each
    /// jobseeker's own mobility allows).
    #[param(value_type = Option<Scope>)]
    scope: Option<String>,
    /// Explain each score feature by feature (default true).
    explain: Option<bool>,
    /// Language of the explanations (default: `Accept-Language`, else fi).
    #[param(value_type = Option<matcher::taxonomy::Lang>)]
    lang: Option<String>,
}

/// A score: explained feature by feature, or only its total
/// (`explain=false`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum RankedScore {
    Explained(PairScore),
    Total(ScoreTotal),
}

/// Only the total of a score.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreTotal {
    pub total: f64,
}

/// One ranked candidate or vacancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedItem {
    /// The profile or vacancy id.
    pub id: i64,
    pub score: RankedScore,
    /// Shortage in the vacancy's region, surplus in the jobseeker's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_regional: Option<matcher::picture::CrossRegional>,
    /// The candidate's pseudonym (candidate rankings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pseudonym: Option<String>,
}

/// A ranking with everything needed to replay and explain it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ranking {
    /// The match log id of this ranking.
    pub request_id: String,
    /// Whether every eligible record was scored (else the index bound
    /// proved the top k exact).
    pub exhaustive: bool,
    pub config_hash: String,
    pub taxonomy_version: String,
    pub results: Vec<RankedItem>,
}

/// What an employer may know of a ranking of candidates: how many fit and
/// how well, never who.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnonymousRanking {
    pub request_id: String,
    pub candidates: usize,
    pub results: Vec<AnonymousResult>,
    pub config_hash: String,
}

/// One anonymous candidate: no id, pseudonym, home or distance.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnonymousResult {
    pub rank: usize,
    pub total: f64,
    pub matched_skills: Vec<String>,
    pub missing_essential_skills: Vec<String>,
    pub within_commute: bool,
    pub willing_to_relocate: bool,
    /// Whether the pair is flagged cross-regional (shortage there, surplus here).
    pub cross_regional: Option<bool>,
}

/// Candidates as the caller's role may see them: a full ranking
/// (advisers, agencies) or an anonymous one (employers).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CandidateRanking {
    Full(Ranking),
    Anonymous(AnonymousRanking),
}

struct Options {
    lang: matcher::taxonomy::Lang,
    limit: usize,
    scope: Scope,
    explain: bool,
}

fn options(request: &HttpRequest, q: &MatchQuery) -> Result<Options, ApiError> {
    let scope = match &q.scope {
        None => Scope::Mobility,
        Some(s) => s
            .parse()
            .map_err(|e: String| ApiError::bad_request("invalid_scope", e))?,
    };
    Ok(Options {
        lang: super::params::language(request, q.lang.as_deref())?,
        limit: page_size(q.limit, 100)?,
        scope,
        explain: q.explain.unwrap_or(true),
    })
}

fn request(caller: &Caller, o: &Options) -> MatchRequest {
    MatchRequest {
        limit: o.limit,
        scope: o.scope,
        now: chrono::Utc::now().naive_utc(),
        org_id: Some(caller.org.0),
        token_id: Some(caller.token.0),
        lang: o.lang,
    }
}

fn ranked(r: &Ranked, explain: bool, pseudonym: Option<String>) -> RankedItem {
    RankedItem {
        id: r.id,
        score: if explain {
            RankedScore::Explained(r.score.clone())
        } else {
            RankedScore::Total(ScoreTotal {
                total: r.score.total,
            })
        },
        cross_regional: r.cross_regional.clone(),
        pseudonym,
    }
}

/// What an employer may know of a ranking: how many fit and how well, never
/// who (no id, pseudonym, home or distance).
fn anonymous(result: &MatchResult) -> AnonymousRanking {
    AnonymousRanking {
        request_id: result.request_id.clone(),
        candidates: result.results.len(),
        results: result
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| AnonymousResult {
                rank: i + 1,
                total: r.score.total,
                matched_skills: r.score.matched_skills.clone(),
                missing_essential_skills: r.score.missing_essential_skills.clone(),
                within_commute: r.score.mobility.within_commute,
                willing_to_relocate: r.score.mobility.willing_to_relocate,
                cross_regional: r.cross_regional.as_ref().map(|c| c.flagged),
            })
            .collect(),
        config_hash: result.config_hash.clone(),
    }
}

fn full(result: &MatchResult, explain: bool, with_pseudonyms: &[(i64, String)]) -> Ranking {
    Ranking {
        request_id: result.request_id.clone(),
        exhaustive: result.exhaustive,
        config_hash: result.config_hash.clone(),
        taxonomy_version: result.taxonomy_version.clone(),
        results: result
            .results
            .iter()
            .map(|r| {
                let pseudonym = with_pseudonyms
                    .iter()
                    .find(|(id, _)| *id == r.id)
                    .map(|(_, p)| p.clone());
                ranked(r, explain, pseudonym)
            })
            .collect(),
    }
}

/// Rank candidates for `vacancy` as `caller`, audit the query, and shape
/// the answer for the caller's role.
async fn rank_for(
    state: &AppState,
    caller: &Caller,
    vacancy: Vacancy,
    o: Options,
) -> Result<HttpResponse, ApiError> {
    let access = match caller.role {
        Role::Adviser => ProfileAccess::AllActive,
        // Employers see no one, only how many fit: rank what advisers rank.
        Role::Employer => ProfileAccess::AllActive,
        Role::Recruiter => ProfileAccess::Consented,
        _ => return Err(ApiError::forbidden("this role does not match")),
    };
    let st = state.clone();
    let who = caller.clone();
    let req = request(caller, &o);
    let (result, pseudonyms) = blocking(move || {
        let result = st
            .engine
            .rank_candidates_of(&vacancy, access, &req)
            .map_err(ApiError::from)?;
        let entry = MatchEngine::log_entry("candidates", vacancy.id.0, &req, &result);
        let ids: Vec<_> = result
            .results
            .iter()
            .map(|r| matcher::domain::ProfileId(r.id))
            .collect();
        let pseudonyms = st
            .store
            .write(|c| {
                // The ranking's match log and its audit event commit together.
                indexer::store::match_log::append(c, &entry)?;
                indexer::store::audit::append(
                    c,
                    &indexer::store::audit::NewEvent {
                        org_id: Some(who.org.0),
                        token_id: Some(who.token.0),
                        role: Some(who.role.as_str()),
                        action: "match.candidates",
                        subject_kind: "vacancy",
                        subject_id: vacancy.id.to_string(),
                        reason: Some(&result.request_id),
                        request_id: &who.request_id,
                    },
                )?;
                if who.role == Role::Employer {
                    return Ok(Vec::new());
                }
                Ok(indexer::store::profiles::pseudonyms(c, &ids)?
                    .into_iter()
                    .map(|(id, p)| (id.0, p))
                    .collect::<Vec<_>>())
            })
            .map_err(ApiError::from)?;
        Ok((result, pseudonyms))
    })
    .await?;
    Ok(HttpResponse::Ok().json(if caller.role == Role::Employer {
        CandidateRanking::Anonymous(anonymous(&result))
    } else {
        CandidateRanking::Full(full(&result, o.explain, &pseudonyms))
    }))
}

/// Ranked candidates for a vacancy (anonymous summaries for employers).
#[utoipa::path(
    get,
    path = "/v1/vacancies/{id}/candidates",
    operation_id = "vacancy_candidates",
    params(("id" = i64, Path, description = "vacancy id"), MatchQuery),
    responses((status = 200, description = "the ranking", body = CandidateRanking)),
)]
pub async fn candidates(
    caller: Caller,
    http: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<MatchQuery>,
) -> Result<HttpResponse, ApiError> {
    let o = options(&http, &query)?;
    let viewer = super::vacancies::viewer(&caller)?;
    let store = state.store.clone();
    let id = *id;
    let vacancy = blocking(move || {
        store
            .read(|c| access::vacancy_for(c, VacancyId(id), viewer))
            .map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::not_found(format!("vacancy {id} not found")))?;
    if caller.role == Role::Employer && vacancy.draft.owner_org != caller.org {
        return Err(ApiError::forbidden(
            "employers match only their own vacancies",
        ));
    }
    rank_for(&state, &caller, vacancy, o).await
}

/// Rank candidates for a vacancy given in the body, not stored.
#[utoipa::path(
    post,
    path = "/v1/match/candidates",
    operation_id = "match_candidates",
    params(MatchQuery),
    request_body(content = Object, description = "a vacancy, as for POST /v1/vacancies"),
    responses((status = 200, description = "the ranking", body = CandidateRanking)),
)]
pub async fn candidates_for_body(
    caller: Caller,
    http: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<MatchQuery>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let o = options(&http, &query)?;
    super::vacancies::viewer(&caller)?;
    let (draft, _) = super::vacancies::draft_from_body(&state, caller.org, &body)?;
    let now = chrono::Utc::now().naive_utc();
    let vacancy = Vacancy {
        id: VacancyId(0),
        version: 0,
        created_at: now,
        updated_at: now,
        draft,
    };
    rank_for(&state, &caller, vacancy, o).await
}

/// Ranked vacancies for a jobseeker.
#[utoipa::path(
    get,
    path = "/v1/profiles/{id}/vacancies",
    operation_id = "profile_vacancies",
    params(("id" = i64, Path, description = "profile id"), MatchQuery),
    responses((status = 200, description = "the ranking", body = Ranking)),
)]
pub async fn vacancies(
    caller: Caller,
    http: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<MatchQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser, Role::Recruiter])?;
    let o = options(&http, &query)?;
    let access = super::vacancies::index_access(&caller)?;
    let access = match access {
        VacancyAccess::Employer(_) => {
            return Err(ApiError::forbidden("employers do not match profiles"))
        }
        a => a,
    };
    let profile = super::profiles::read_audited(&state, &caller, *id, "match.vacancies").await?;
    let st = state.clone();
    let req = request(&caller, &o);
    let result = blocking(move || {
        st.engine
            .vacancies_of(&profile, access, &req)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(full(&result, o.explain, &[])))
}

//! Employer outreach (docs/outreach.md): an office's contacts with firms
//! and what they found, a need turned into a hidden vacancy, the firm
//! typeahead, and contact campaigns with their progress per office.
//! Advisers write and read their own office's contacts; every adviser
//! reads every campaign; admins read everything.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use indexer::store::outreach::{
    self as store_outreach, Campaign, CampaignProgress, Contact, ContactFilter, ContactScope, Firm,
    FirmRef, NewCampaign, NewContact, NewFirm, NewNeed,
};
use indexer::store::{audit, DbConnection, StoreError};
use matcher::domain::{OrgId, OutreachChannel, Role, Vacancy, ValidationError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::params::{cursor, page_size, typed_body, unprocessable, MAX_PAGE};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

/// Most firms a campaign created through the API lists (larger lists come
/// from a CSV file: `kohtaanto outreach import-campaign`).
pub const MAX_CAMPAIGN_FIRMS: usize = 1_000;

const READERS: &[Role] = &[Role::Adviser, Role::Admin];

fn scope(caller: &Caller) -> ContactScope {
    match caller.role {
        Role::Admin => ContactScope::All,
        _ => ContactScope::Office(caller.org),
    }
}

/// The last day that has begun anywhere in Finland (UTC+2, +3 in
/// summer): a contact made today there is never "in the future".
fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(3)).date_naive()
}

/// Run the store read `f` off the executor.
async fn read<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = state.store.clone();
    blocking(move || store.read(f).map_err(ApiError::from)).await
}

/// The cursor after a full page: the last id listed.
fn next_cursor<T>(items: &[T], limit: usize, id: impl Fn(&T) -> i64) -> Option<String> {
    (items.len() == limit)
        .then(|| items.last().map(|x| id(x).to_string()))
        .flatten()
}

/// A refused rule as 422: references (occupations, municipalities,
/// industries, regions) as `invalid_reference`, the rest as `code`.
fn refused(code: &'static str, e: ValidationError) -> ApiError {
    let reference = [
        "occupation_uri",
        "municipality_code",
        "industry_code",
        "region_code",
    ]
    .iter()
    .any(|f| e.field.ends_with(f));
    unprocessable(if reference { "invalid_reference" } else { code }, e)
}

fn audited(
    c: &mut DbConnection,
    who: &Caller,
    action: &str,
    kind: &str,
    id: String,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    audit::append(
        c,
        &audit::NewEvent {
            org_id: Some(who.org.0),
            token_id: Some(who.token.0),
            role: Some(who.role.as_str()),
            action,
            subject_kind: kind,
            subject_id: id,
            reason,
            request_id: &who.request_id,
        },
    )
    .map(|_| ())
}

/// A contact with a firm: the firm by id (`firm_id`) or named (`firm`,
/// found by business id, else by name in the municipality, and created
/// when missing), and what the contact found.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    /// A stored firm (from the typeahead); or give `firm`.
    #[schema(minimum = 1)]
    firm_id: Option<i64>,
    /// A firm to find or create; or give `firm_id`.
    firm: Option<NewFirm>,
    /// The campaign the contact belongs to.
    #[schema(minimum = 1)]
    campaign_id: Option<i64>,
    contacted_on: NaiveDate,
    channel: OutreachChannel,
    /// Recruitment needs found.
    #[serde(default)]
    #[schema(max_items = 20)]
    needs: Vec<NewNeed>,
    /// People the firm is about to lay off.
    #[schema(minimum = 1, maximum = 100000)]
    layoff_people: Option<i32>,
    /// When the layoff takes effect (needs `layoff_people`).
    layoff_on: Option<NaiveDate>,
    /// The firm has no recruitment need (no `needs` then).
    #[serde(default)]
    no_need: bool,
    /// When to contact the firm again (after `contacted_on`).
    follow_up_on: Option<NaiveDate>,
    /// About the firm, never about persons.
    #[serde(default)]
    #[schema(max_length = 2000)]
    notes: String,
}

/// Record a contact of the caller's office with a firm, creating the firm
/// when missing (audited).
#[utoipa::path(
    post,
    path = "/v1/outreach/contacts",
    operation_id = "create_outreach_contact",
    request_body = ContactBody,
    responses((status = 201, description = "recorded; Location names it", body = Contact)),
)]
pub async fn create_contact(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let body: ContactBody = typed_body(body.into_inner())?;
    let refs = &state.references;
    let firm = match (body.firm_id, body.firm) {
        (Some(id), None) => FirmRef::Existing(OrgId(id)),
        (None, Some(firm)) => {
            store_outreach::check_firm(refs, &firm, "firm.")
                .map_err(|e| refused("invalid_contact", e))?;
            FirmRef::Named(firm)
        }
        _ => {
            return Err(ApiError::invalid_field(
                "invalid_contact",
                "firm",
                "give either firm_id or firm",
            ))
        }
    };
    let contact = NewContact {
        office: caller.org,
        campaign: body.campaign_id,
        contacted_on: body.contacted_on,
        channel: body.channel,
        needs: body.needs,
        layoff_people: body.layoff_people,
        layoff_on: body.layoff_on,
        no_need: body.no_need,
        follow_up_on: body.follow_up_on,
        notes: body.notes,
    };
    store_outreach::check_contact(refs, &contact, today())
        .map_err(|e| refused("invalid_contact", e))?;
    let store = state.store.clone();
    let who = caller.clone();
    let created = blocking(move || {
        store
            .write(|c| {
                let stored = store_outreach::record_contact(c, &firm, &contact)?;
                let reason = format!("firm {}, {} needs", stored.firm.id, stored.needs.len());
                audited(
                    c,
                    &who,
                    "outreach.contact.create",
                    "outreach_contact",
                    stored.id.to_string(),
                    Some(&reason),
                )?;
                Ok(stored)
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/outreach/contacts/{}", created.id)))
        .json(created))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Only contacts with this firm.
    #[param(minimum = 1)]
    firm: Option<i64>,
    /// Only contacts of this campaign.
    #[param(minimum = 1)]
    campaign: Option<i64>,
    /// Only follow-ups due on this day: a follow-up date on or before it
    /// and no later contact with the firm.
    due_on: Option<NaiveDate>,
    /// Page size.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{0,18}$")]
    cursor: Option<String>,
}

/// A page of contacts, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    pub items: Vec<Contact>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// The contacts of the caller's office (every office's for admins).
#[utoipa::path(
    get,
    path = "/v1/outreach/contacts",
    operation_id = "list_outreach_contacts",
    params(ContactQuery),
    responses((status = 200, description = "a page of contacts, newest first", body = ContactPage)),
)]
pub async fn list_contacts(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ContactQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let query = query.into_inner();
    let limit = page_size(query.limit, MAX_PAGE)?;
    for (name, id) in [("firm", query.firm), ("campaign", query.campaign)] {
        if id.is_some_and(|id| id < 1) {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("{name} is an id, 1 or more"),
            ));
        }
    }
    let filter = ContactFilter {
        scope: scope(&caller),
        firm: query.firm.map(OrgId),
        campaign: query.campaign,
        due_on: query.due_on,
        before: cursor(query.cursor.as_deref())?,
        limit: limit as i64,
    };
    let items = read(&state, move |c| store_outreach::list_contacts(c, &filter)).await?;
    let next_cursor = next_cursor(&items, limit, |c| c.id);
    Ok(HttpResponse::Ok().json(ContactPage { items, next_cursor }))
}

/// One contact of the caller's office.
#[utoipa::path(
    get,
    path = "/v1/outreach/contacts/{id}",
    operation_id = "get_outreach_contact",
    params(("id" = i64, Path, description = "contact id")),
    responses((status = 200, description = "the contact", body = Contact)),
)]
pub async fn get_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let (id, scope) = (*id, scope(&caller));
    let found = read(&state, move |c| store_outreach::get_contact(c, id, scope))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("contact {id} not found")))?;
    Ok(HttpResponse::Ok().json(found))
}

/// Turn a need found by the caller's office into a hidden vacancy of the
/// firm; matching starts at once (audited). A need turned already: 409.
#[utoipa::path(
    post,
    path = "/v1/outreach/needs/{id}/vacancy",
    operation_id = "create_vacancy_from_need",
    params(("id" = i64, Path, description = "need id")),
    responses((status = 201, description = "the hidden vacancy; Location names it", body = Vacancy)),
)]
pub async fn need_vacancy(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let id = *id;
    let st = state.clone();
    let who = caller.clone();
    let vacancy = blocking(move || {
        st.store
            .write(|c| {
                let v = store_outreach::need_to_vacancy(
                    c,
                    &st.references,
                    id,
                    ContactScope::Office(who.org),
                )?;
                let reason = format!("need {id}");
                audited(
                    c,
                    &who,
                    "outreach.need.vacancy",
                    "vacancy",
                    v.id.to_string(),
                    Some(&reason),
                )?;
                Ok(v)
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/vacancies/{}", vacancy.id)))
        .json(vacancy))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FirmQuery {
    /// Part of the name, or the start of the business id.
    #[param(required = true, max_length = 200, pattern = r"\S")]
    q: Option<String>,
    #[param(minimum = 1, maximum = 50, default = 10)]
    limit: Option<usize>,
}

/// Firms by name or business id (the contact form's typeahead).
#[utoipa::path(
    get,
    path = "/v1/outreach/firms",
    operation_id = "outreach_firms",
    params(FirmQuery),
    responses((status = 200, description = "matching firms, names starting with q first", body = Vec<Firm>)),
)]
pub async fn firms(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<FirmQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let query = query.into_inner();
    let q = super::reference::required_q(&query.q)?;
    let limit = page_size(Some(query.limit.unwrap_or(10)), 50)?;
    let found = read(&state, move |c| store_outreach::search_firms(c, &q, limit)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// A campaign with its list of firms.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignBody {
    #[schema(min_length = 1, max_length = 200, example = "Yritysharavointi 2026")]
    name: String,
    /// A regional campaign's region; absent or null: nationwide.
    #[schema(pattern = "^[0-9]{2}$")]
    region_code: Option<String>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    /// The firms to contact (1–1,000; larger lists through the CLI).
    #[schema(min_items = 1, max_items = 1000)]
    firms: Vec<NewFirm>,
}

/// Create a contact campaign with its firm list: each firm found or
/// created and assigned to the office of its region (audited). Every
/// firm is checked; one refused refuses the campaign, naming it.
#[utoipa::path(
    post,
    path = "/v1/outreach/campaigns",
    operation_id = "create_outreach_campaign",
    request_body = CampaignBody,
    responses((status = 201, description = "created; Location names it", body = Campaign)),
)]
pub async fn create_campaign(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let body: CampaignBody = typed_body(body.into_inner())?;
    if body.firms.is_empty() || body.firms.len() > MAX_CAMPAIGN_FIRMS {
        return Err(ApiError::invalid_field(
            "invalid_campaign",
            "firms",
            format!("a campaign lists 1–{MAX_CAMPAIGN_FIRMS} firms"),
        ));
    }
    let campaign = NewCampaign {
        name: body.name,
        region_code: body.region_code,
        starts_on: body.starts_on,
        ends_on: body.ends_on,
        created_by: caller.org,
    };
    let refs = &state.references;
    store_outreach::check_campaign(refs, &campaign).map_err(|e| refused("invalid_campaign", e))?;
    let errors =
        store_outreach::check_firm_list(refs, campaign.region_code.as_deref(), &body.firms);
    if let Some((i, e)) = errors.into_iter().next() {
        let e = ValidationError {
            field: format!("firms[{i}].{}", e.field),
            reason: e.reason,
        };
        return Err(refused("invalid_campaign", e));
    }
    let st = state.clone();
    let who = caller.clone();
    let created = blocking(move || {
        st.store
            .write(|c| {
                let (stored, new_firms) = store_outreach::create_campaign(
                    c,
                    st.references.geography(),
                    &campaign,
                    &body.firms,
                )?;
                let reason = format!("{} firms, {new_firms} new", stored.firms);
                audited(
                    c,
                    &who,
                    "outreach.campaign.create",
                    "outreach_campaign",
                    stored.id.to_string(),
                    Some(&reason),
                )?;
                Ok(stored)
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/outreach/campaigns/{}", created.id)))
        .json(created))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{0,18}$")]
    cursor: Option<String>,
}

/// A page of campaigns, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignPage {
    pub items: Vec<Campaign>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Every campaign, newest first.
#[utoipa::path(
    get,
    path = "/v1/outreach/campaigns",
    operation_id = "list_outreach_campaigns",
    params(CampaignQuery),
    responses((status = 200, description = "a page of campaigns", body = CampaignPage)),
)]
pub async fn list_campaigns(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<CampaignQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let limit = page_size(query.limit, MAX_PAGE)?;
    let before = cursor(query.cursor.as_deref())?;
    let items = read(&state, move |c| {
        store_outreach::list_campaigns(c, before, limit as i64)
    })
    .await?;
    let next_cursor = next_cursor(&items, limit, |c| c.id);
    Ok(HttpResponse::Ok().json(CampaignPage { items, next_cursor }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// Count contacts up to this day (default: today).
    as_of: Option<NaiveDate>,
}

/// A campaign and its progress per office as of a day.
#[utoipa::path(
    get,
    path = "/v1/outreach/campaigns/{id}",
    operation_id = "get_outreach_campaign",
    params(("id" = i64, Path, description = "campaign id"), ProgressQuery),
    responses((status = 200, description = "the campaign and its progress per office", body = CampaignProgress)),
)]
pub async fn campaign(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let id = *id;
    let as_of = query.as_of.unwrap_or_else(today);
    let found = read(&state, move |c| {
        store_outreach::campaign_progress(c, id, as_of)
    })
    .await?
    .ok_or_else(|| ApiError::not_found(format!("campaign {id} not found")))?;
    Ok(HttpResponse::Ok().json(found))
}

//! CV intake: an adviser pastes a CV or a jobseeker's own description and
//! gets suggestions for the profile form. Nothing is stored but the audit
//! event that an intake happened (never the text).

use actix_web::{web, HttpRequest, HttpResponse};
use indexer::store::audit;
use matcher::domain::Role;
use matcher::intake::{Intake, Suggestions};
use matcher::taxonomy::Lang;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::params::language;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

/// Longest text an intake reads, in characters.
pub const MAX_INTAKE_CHARS: usize = 20_000;

/// A CV or a jobseeker's description to read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeBody {
    #[schema(max_length = 20000)]
    text: String,
    /// The text's language, when known (else detected).
    #[schema(value_type = Option<Lang>)]
    lang: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IntakeQuery {
    /// Language of the answer's labels (default: Accept-Language, else fi).
    #[param(value_type = Option<Lang>)]
    lang: Option<String>,
}

/// Suggestions for a profile from free text: occupations (with years),
/// skills (with the span of text each came from), languages, driving
/// licences and work cards. Stores nothing; audited as `profile.intake`.
#[utoipa::path(
    post,
    path = "/v1/profiles/suggestions",
    operation_id = "suggest_profile",
    params(IntakeQuery),
    request_body = IntakeBody,
    responses((status = 200, description = "the suggestions; spans count Unicode characters", body = Suggestions)),
)]
pub async fn suggest(
    caller: Caller,
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<IntakeQuery>,
    body: web::Json<IntakeBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let labels = language(&request, query.lang.as_deref())?;
    let body = body.into_inner();
    if body.text.chars().count() > MAX_INTAKE_CHARS {
        return Err(ApiError::bad_request(
            "text_too_long",
            format!("text is longer than {MAX_INTAKE_CHARS} characters"),
        ));
    }
    let lang: Option<Lang> = match &body.lang {
        None => None,
        Some(l) => Some(
            l.parse()
                .map_err(|_| ApiError::bad_request("invalid_lang", "lang must be fi, sv or en"))?,
        ),
    };
    let st = state.clone();
    let who = caller.clone();
    let suggestions: Suggestions = blocking(move || {
        let intake = Intake {
            taxonomy: &st.reference.taxonomy,
            coder: &st.coder,
            extractor: &st.extractor,
        };
        let today = chrono::Utc::now().date_naive();
        let found = intake.suggest(&body.text, lang, labels, today);
        let reason = format!(
            "{} characters; {} occupations, {} skills suggested",
            body.text.chars().count(),
            found.occupations.len(),
            found.skills.len()
        );
        st.store
            .write(|c| {
                audit::append(
                    c,
                    &audit::NewEvent {
                        org_id: Some(who.org.0),
                        token_id: Some(who.token.0),
                        role: Some(who.role.as_str()),
                        action: "profile.intake",
                        subject_kind: "intake",
                        subject_id: who.request_id.clone(),
                        reason: Some(&reason),
                        request_id: &who.request_id,
                    },
                )
            })
            .map_err(ApiError::from)?;
        Ok(found)
    })
    .await?;
    Ok(HttpResponse::Ok().json(suggestions))
}

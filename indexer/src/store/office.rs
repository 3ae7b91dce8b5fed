//! An employment office's own jobseekers: the adviser's list, searched by
//! name, pseudonym, occupation and municipality, filtered by status,
//! consent and last activity, with the counts the list shows on top.
//!
//! Every query here is bound to one managing office: other offices'
//! profiles are reachable through matching only (DESIGN.md invariant 2).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use matcher::domain::{OrgId, ProfileId, ProfileStatus};
use serde::Serialize;

use super::schema::*;
use super::{DbConnection, StoreError};

/// Whether consent to agencies counts, as the list filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentState {
    /// Given and not past its expiry.
    Given,
    /// Given once, now past its expiry (no longer counts).
    Expired,
    /// Never given.
    None,
}

/// What the adviser's list is narrowed to; `None` fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct OfficeFilter {
    /// Part of the name or of the pseudonym, any case.
    pub text: Option<String>,
    /// An ESCO occupation desired or in the work history.
    pub occupation: Option<String>,
    /// Home municipality code.
    pub municipality: Option<String>,
    pub status: Option<ProfileStatus>,
    pub consent: Option<ConsentState>,
    /// Only profiles last active before this moment (due for review).
    pub inactive_before: Option<NaiveDateTime>,
}

/// The counts on top of the list: over all the office's profiles, and
/// `matching` for the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OfficeCounts {
    pub total: u64,
    pub active: u64,
    pub inactive: u64,
    pub placed: u64,
    /// Consent to agencies given and in force.
    pub consent_given: u64,
    /// Consent given once and past its expiry.
    pub consent_expired: u64,
    /// Active profiles last active before the retention cut-off.
    pub due_for_review: u64,
    /// Profiles the filter keeps.
    pub matching: u64,
}

/// One page of the list: ids after the cursor, and the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficePage {
    pub ids: Vec<ProfileId>,
    pub counts: OfficeCounts,
}

struct Row {
    id: i64,
    pseudonym: String,
    full_name: String,
    municipality: Option<String>,
    status: String,
    consent: bool,
    consent_expires_at: Option<NaiveDateTime>,
    last_active_at: NaiveDateTime,
}

impl Row {
    fn consent(&self, at: NaiveDateTime) -> ConsentState {
        match (self.consent, self.consent_expires_at) {
            (false, _) => ConsentState::None,
            (true, Some(until)) if until <= at => ConsentState::Expired,
            (true, _) => ConsentState::Given,
        }
    }
}

/// Lower-cased with diacritics kept: "Äijälä" is found by "äijä", and a
/// name is found by any part of it.
fn folded(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The office's profiles the filter keeps, by id after `after`, at most
/// `limit`, and the counts. `at` is now; `review_before` the retention
/// cut-off (last active before it = due for review).
pub fn office_profiles(
    conn: &mut DbConnection,
    office: OrgId,
    filter: &OfficeFilter,
    at: NaiveDateTime,
    review_before: NaiveDateTime,
    after: i64,
    limit: usize,
) -> Result<OfficePage, StoreError> {
    let rows: Vec<Row> = profiles::table
        .inner_join(profile_contacts::table.on(profile_contacts::profile_id.eq(profiles::id)))
        .filter(profiles::managing_org_id.eq(office.0))
        .order(profiles::id.asc())
        .select((
            profiles::id,
            profiles::pseudonym,
            profile_contacts::full_name,
            profiles::home_municipality_code,
            profiles::status,
            profiles::consent_agencies,
            profiles::consent_expires_at,
            profiles::last_active_at,
        ))
        .load::<(
            i64,
            String,
            String,
            Option<String>,
            String,
            bool,
            Option<NaiveDateTime>,
            NaiveDateTime,
        )>(conn)?
        .into_iter()
        .map(
            |(id, pseudonym, full_name, municipality, status, consent, expires, last)| Row {
                id,
                pseudonym,
                full_name,
                municipality,
                status,
                consent,
                consent_expires_at: expires,
                last_active_at: last,
            },
        )
        .collect();
    let with_occupation = match &filter.occupation {
        Some(uri) => Some(profiles_with_occupation(conn, office, uri)?),
        None => None,
    };
    let text = filter.text.as_deref().map(folded).filter(|t| !t.is_empty());
    let mut counts = OfficeCounts::default();
    let mut ids = Vec::new();
    for row in &rows {
        counts.total += 1;
        match row.status.as_str() {
            "active" => counts.active += 1,
            "inactive" => counts.inactive += 1,
            _ => counts.placed += 1,
        }
        match row.consent(at) {
            ConsentState::Given => counts.consent_given += 1,
            ConsentState::Expired => counts.consent_expired += 1,
            ConsentState::None => {}
        }
        let due = row.status == "active" && row.last_active_at < review_before;
        if due {
            counts.due_for_review += 1;
        }
        let keep = text.as_ref().is_none_or(|t| {
            folded(&row.full_name).contains(t.as_str()) || folded(&row.pseudonym).contains(t)
        }) && filter
            .municipality
            .as_ref()
            .is_none_or(|m| row.municipality.as_ref() == Some(m))
            && filter.status.is_none_or(|s| row.status == s.as_str())
            && filter.consent.is_none_or(|c| row.consent(at) == c)
            && filter
                .inactive_before
                .is_none_or(|cut| row.last_active_at < cut)
            && with_occupation
                .as_ref()
                .is_none_or(|set| set.binary_search(&row.id).is_ok());
        if keep {
            counts.matching += 1;
            if row.id > after && ids.len() < limit {
                ids.push(ProfileId(row.id));
            }
        }
    }
    Ok(OfficePage { ids, counts })
}

/// Ids (sorted) of the office's profiles that desire `uri` or have it in
/// their work history.
fn profiles_with_occupation(
    conn: &mut DbConnection,
    office: OrgId,
    uri: &str,
) -> Result<Vec<i64>, StoreError> {
    let managed = profiles::table
        .filter(profiles::managing_org_id.eq(office.0))
        .select(profiles::id);
    let mut ids: Vec<i64> = profile_desired_occupations::table
        .filter(profile_desired_occupations::occupation_uri.eq(uri))
        .filter(profile_desired_occupations::profile_id.eq_any(managed))
        .select(profile_desired_occupations::profile_id)
        .load(conn)?;
    let managed = profiles::table
        .filter(profiles::managing_org_id.eq(office.0))
        .select(profiles::id);
    ids.extend(
        profile_work_history::table
            .filter(profile_work_history::occupation_uri.eq(uri))
            .filter(profile_work_history::profile_id.eq_any(managed))
            .select(profile_work_history::profile_id)
            .load::<i64>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

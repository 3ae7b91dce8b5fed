//! The jobseeker's data rights: access and portability (GDPR Art. 15 and
//! 20: everything stored about a person, with who viewed, matched or
//! introduced them) and storage limitation (profiles inactive beyond the
//! retention period are made inactive). Erasure is `profiles::delete_profile`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use matcher::domain::{JobseekerProfile, OrgId, ProfileId, ProfileStatus};
use serde::Serialize;

use super::outbox::{self, Entity, Op};
use super::schema::*;
use super::{now, DbConnection, StoreError, IN_CHUNK};

/// Everything stored about one jobseeker.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonalData {
    pub exported_at: NaiveDateTime,
    /// The profile with its contact details.
    pub profile: JobseekerProfile,
    /// The vacancies the person was introduced to, and by which office.
    pub introductions: Vec<IntroductionRecord>,
    /// Change situations (layoff cohorts) the person belongs to.
    pub cohorts: Vec<CohortRecord>,
    /// Rankings that listed the person as a candidate for a vacancy, or
    /// ranked vacancies for them.
    pub rankings: Vec<RankingRecord>,
    /// Who did what to the profile (views, changes, exports), oldest first.
    pub audit: Vec<AuditRecord>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IntroductionRecord {
    pub vacancy_id: i64,
    pub adviser_org_id: i64,
    pub adviser_org_name: Option<String>,
    pub created_at: NaiveDateTime,
    /// What became of it, with its reason, start date and move.
    pub status: String,
    pub reason: Option<String>,
    pub start_date: Option<chrono::NaiveDate>,
    pub moved_region: Option<bool>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CohortRecord {
    pub id: i64,
    pub name: String,
    pub employer_name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankingRecord {
    pub at: NaiveDateTime,
    pub request_id: String,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    /// `candidates` (the person ranked for a vacancy) or `vacancies`
    /// (vacancies ranked for the person).
    pub direction: String,
    /// The vacancy, for `candidates`.
    pub vacancy_id: Option<i64>,
    /// The person's place in a `candidates` ranking (1 = first).
    pub rank: Option<u32>,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub at: NaiveDateTime,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub reason: Option<String>,
    pub request_id: String,
}

/// Everything stored about profile `id`, or `None` when there is none.
/// The match log is searched through its stored result lists (a full
/// scan: exports are rare, rankings are many).
pub fn export(conn: &mut DbConnection, id: ProfileId) -> Result<Option<PersonalData>, StoreError> {
    let Some(profile) = super::profiles::get_profile(conn, id)? else {
        return Ok(None);
    };
    let names: HashMap<i64, String> = organizations::table
        .select((organizations::id, organizations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let name = |org: Option<i64>| org.and_then(|o| names.get(&o).cloned());
    let introductions = introductions::table
        .filter(introductions::profile_id.eq(id.0))
        .order(introductions::id.asc())
        .select((
            introductions::vacancy_id,
            introductions::adviser_org_id,
            introductions::created_at,
            introductions::status,
            introductions::reason,
            introductions::start_date,
            introductions::moved_region,
        ))
        .load::<(
            i64,
            i64,
            NaiveDateTime,
            String,
            Option<String>,
            Option<chrono::NaiveDate>,
            Option<bool>,
        )>(conn)?
        .into_iter()
        .map(
            |(vacancy_id, org, created_at, status, reason, start_date, moved_region)| {
                IntroductionRecord {
                    vacancy_id,
                    adviser_org_id: org,
                    adviser_org_name: name(Some(org)),
                    created_at,
                    status,
                    reason,
                    start_date,
                    moved_region,
                }
            },
        )
        .collect();
    let cohorts = cohorts::table
        .inner_join(cohort_members::table.on(cohort_members::cohort_id.eq(cohorts::id)))
        .filter(cohort_members::profile_id.eq(id.0))
        .order(cohorts::id.asc())
        .select((
            cohorts::id,
            cohorts::name,
            cohorts::employer_name,
            cohorts::created_at,
        ))
        .load::<(i64, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, name, employer_name, created_at)| CohortRecord {
            id,
            name,
            employer_name,
            created_at,
        })
        .collect();
    let rankings = rankings_of(conn, id, &name)?;
    let audit = audit_events::table
        .filter(audit_events::subject_kind.eq("profile"))
        .filter(audit_events::subject_id.eq(id.to_string()))
        .order(audit_events::id.asc())
        .select((
            audit_events::at,
            audit_events::org_id,
            audit_events::role,
            audit_events::action,
            audit_events::reason,
            audit_events::request_id,
        ))
        .load::<(
            NaiveDateTime,
            Option<i64>,
            Option<String>,
            String,
            Option<String>,
            String,
        )>(conn)?
        .into_iter()
        .map(
            |(at, org_id, role, action, reason, request_id)| AuditRecord {
                at,
                org_id,
                org_name: name(org_id),
                role,
                action,
                reason,
                request_id,
            },
        )
        .collect();
    Ok(Some(PersonalData {
        exported_at: now(),
        profile,
        introductions,
        cohorts,
        rankings,
        audit,
    }))
}

/// Rankings for the person (`vacancies` with the profile as subject) and
/// rankings that listed them (`candidates` whose results hold the id; the
/// results are stored as `[[id,score],…]`).
fn rankings_of(
    conn: &mut DbConnection,
    id: ProfileId,
    name: &dyn Fn(Option<i64>) -> Option<String>,
) -> Result<Vec<RankingRecord>, StoreError> {
    let needle = format!("%[{},%", id.0);
    let rows = match_log::table
        .filter(
            match_log::direction
                .eq("vacancies")
                .and(match_log::subject_id.eq(id.0))
                .or(match_log::direction
                    .eq("candidates")
                    .and(match_log::results_json.like(&needle))),
        )
        .order(match_log::id.asc())
        .select((
            match_log::at,
            match_log::request_id,
            match_log::org_id,
            match_log::direction,
            match_log::subject_id,
            match_log::results_json,
        ))
        .load::<(
            NaiveDateTime,
            String,
            Option<i64>,
            String,
            Option<i64>,
            String,
        )>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, request_id, org_id, direction, subject, results)| {
            let candidates = direction == "candidates";
            let place = candidates
                .then(|| serde_json::from_str::<Vec<(i64, f64)>>(&results).ok())
                .flatten()
                .and_then(|list| {
                    list.iter()
                        .position(|(p, _)| *p == id.0)
                        .map(|i| (i as u32 + 1, list[i].1))
                });
            RankingRecord {
                at,
                request_id,
                org_name: name(org_id),
                org_id,
                direction,
                vacancy_id: if candidates { subject } else { None },
                rank: place.map(|(r, _)| r),
                score: place.map(|(_, s)| s),
            }
        })
        .collect())
}

/// A profile past the retention period: active, last active before the
/// cut-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiredProfile {
    pub id: ProfileId,
    pub pseudonym: String,
    pub managing_org: OrgId,
    pub last_active_at: NaiveDateTime,
}

/// Active profiles (of every office) last active before `cut_off`, oldest
/// first.
pub fn due_for_review(
    conn: &mut DbConnection,
    cut_off: NaiveDateTime,
) -> Result<Vec<ExpiredProfile>, StoreError> {
    let rows: Vec<(i64, String, i64, NaiveDateTime)> = profiles::table
        .filter(profiles::status.eq(ProfileStatus::Active.as_str()))
        .filter(profiles::last_active_at.lt(cut_off))
        .order((profiles::last_active_at.asc(), profiles::id.asc()))
        .select((
            profiles::id,
            profiles::pseudonym,
            profiles::managing_org_id,
            profiles::last_active_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, pseudonym, org, last)| ExpiredProfile {
            id: ProfileId(id),
            pseudonym,
            managing_org: OrgId(org),
            last_active_at: last,
        })
        .collect())
}

/// Make `ids` inactive (storage limitation): status, version and the
/// outbox row change in one transaction, so the index drops them from
/// matching. Profiles no longer active are left as they are. Returns how
/// many changed.
pub fn make_inactive(conn: &mut DbConnection, ids: &[ProfileId]) -> Result<usize, StoreError> {
    conn.transaction(|conn| {
        let at = now();
        let mut changed = Vec::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let raw: Vec<i64> = chunk.iter().map(|p| p.0).collect();
            let active: Vec<(i64, i64)> = profiles::table
                .filter(profiles::id.eq_any(&raw))
                .filter(profiles::status.eq(ProfileStatus::Active.as_str()))
                .select((profiles::id, profiles::version))
                .load(conn)?;
            let active_ids: Vec<i64> = active.iter().map(|(id, _)| *id).collect();
            diesel::update(profiles::table.filter(profiles::id.eq_any(&active_ids)))
                .set((
                    profiles::status.eq(ProfileStatus::Inactive.as_str()),
                    profiles::version.eq(profiles::version + 1),
                    profiles::updated_at.eq(at),
                ))
                .execute(conn)?;
            changed.extend(active.into_iter().map(|(id, v)| (id, v + 1)));
        }
        let rows: Vec<_> = changed
            .iter()
            .map(|&(id, version)| (Entity::Profile, id, Op::Upsert, version))
            .collect();
        outbox::append(conn, &rows)?;
        Ok(changed.len())
    })
}

//! Cohorts (change situations): the laid-off workers of one employer, as a
//! named set of profiles an employment office assigns nationwide.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use matcher::domain::{OrgId, ProfileId, VacancyId};
use serde::Serialize;

use super::schema::{cohort_members, cohorts, vacancies};
use super::{allocate_ids, insert_rows, now, DbConnection, IdTable, StoreError, INSERT_CHUNK};

/// Largest cohort accepted.
pub const MAX_MEMBERS: usize = 50_000;

/// A stored cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Cohort {
    pub id: i64,
    pub name: String,
    pub employer_name: String,
    pub created_by: OrgId,
    pub created_at: NaiveDateTime,
    pub members: Vec<ProfileId>,
}

/// Store a cohort of `members` (distinct, existing profiles).
pub fn create_cohort(
    conn: &mut DbConnection,
    name: &str,
    employer_name: &str,
    created_by: OrgId,
    members: &[ProfileId],
) -> Result<Cohort, StoreError> {
    let (name, employer_name) = (name.trim(), employer_name.trim());
    if name.is_empty() || name.chars().count() > 300 || employer_name.chars().count() > 300 {
        return Err(StoreError::Invalid(
            "a cohort needs a name of 1–300 characters".into(),
        ));
    }
    let mut members = members.to_vec();
    members.sort();
    members.dedup();
    if members.is_empty() || members.len() > MAX_MEMBERS {
        return Err(StoreError::Invalid(format!(
            "a cohort has 1–{MAX_MEMBERS} members"
        )));
    }
    conn.transaction(|conn| {
        let id = allocate_ids(conn, IdTable::Cohorts, 1)?
            .first()
            .copied()
            .ok_or_else(|| StoreError::Invalid("no id".into()))?;
        let at = now();
        let row = (
            cohorts::id.eq(id),
            cohorts::name.eq(name),
            cohorts::employer_name.eq(employer_name),
            cohorts::created_by_org_id.eq(created_by.0),
            cohorts::created_at.eq(at),
        );
        insert_rows!(conn, cohorts::table, row)?;
        for chunk in members.chunks(INSERT_CHUNK) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|p| {
                    (
                        cohort_members::cohort_id.eq(id),
                        cohort_members::profile_id.eq(p.0),
                    )
                })
                .collect();
            insert_rows!(conn, cohort_members::table, rows)
                .map_err(|e| super::constraint_error(e, "cohort member"))?;
        }
        Ok(Cohort {
            id,
            name: name.to_owned(),
            employer_name: employer_name.to_owned(),
            created_by,
            created_at: at,
            members,
        })
    })
}

/// The cohort `id` if `org` created it.
pub fn cohort_of(
    conn: &mut DbConnection,
    id: i64,
    org: OrgId,
) -> Result<Option<Cohort>, StoreError> {
    let row: Option<(i64, String, String, i64, NaiveDateTime)> = cohorts::table
        .filter(cohorts::id.eq(id))
        .filter(cohorts::created_by_org_id.eq(org.0))
        .select((
            cohorts::id,
            cohorts::name,
            cohorts::employer_name,
            cohorts::created_by_org_id,
            cohorts::created_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, name, employer_name, created_by, created_at)) = row else {
        return Ok(None);
    };
    let members: Vec<i64> = cohort_members::table
        .filter(cohort_members::cohort_id.eq(id))
        .order(cohort_members::profile_id.asc())
        .select(cohort_members::profile_id)
        .load(conn)?;
    Ok(Some(Cohort {
        id,
        name,
        employer_name,
        created_by: OrgId(created_by),
        created_at,
        members: members.into_iter().map(ProfileId).collect(),
    }))
}

/// Open positions of vacancies, by id.
pub fn positions(
    conn: &mut DbConnection,
    ids: &[VacancyId],
) -> Result<Vec<(VacancyId, i32)>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(super::IN_CHUNK) {
        let raw: Vec<i64> = chunk.iter().map(|v| v.0).collect();
        let rows: Vec<(i64, i32)> = vacancies::table
            .filter(vacancies::id.eq_any(&raw))
            .select((vacancies::id, vacancies::positions))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(id, n)| (VacancyId(id), n)));
    }
    Ok(out)
}

//! Reads that carry the caller's access filter in the SQL itself (DESIGN.md
//! invariant 2): an object the caller may not see is never loaded, so no
//! code path can return it first and check later. An employer sees the
//! candidates introduced to its vacancies (`store::introductions`).

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;
use matcher::domain::{JobseekerProfile, OrgId, ProfileId, Vacancy, VacancyId};

use super::schema::{introductions, profiles, vacancies, vacancy_shares};
use super::{DbConnection, StoreError};

/// Who reads vacancies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VacancyViewer {
    /// Advisers: every vacancy, hidden ones too.
    Adviser,
    /// An agency: public ones, those shared with it, its own.
    Agency(OrgId),
    /// An employer: public ones and its own.
    Employer(OrgId),
}

/// Who reads profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileViewer {
    /// Advisers: every profile their office manages, and every active one.
    Adviser(OrgId),
    /// Agencies: active profiles whose owner consented to agencies, consent
    /// unexpired at `now`.
    Agency(NaiveDateTime),
    /// Employers: profiles introduced to one of their vacancies.
    Employer(OrgId),
}

/// The vacancy `id` if `viewer` may see it.
pub fn vacancy_for(
    conn: &mut DbConnection,
    id: VacancyId,
    viewer: VacancyViewer,
) -> Result<Option<Vacancy>, StoreError> {
    let base = vacancies::table.filter(vacancies::id.eq(id.0)).into_boxed();
    let visible = match viewer {
        VacancyViewer::Adviser => base,
        VacancyViewer::Agency(org) => base.filter(
            vacancies::visibility
                .eq("public")
                .or(vacancies::owner_org_id.eq(org.0))
                .or(vacancies::visibility.eq("shared").and(exists(
                    vacancy_shares::table
                        .filter(vacancy_shares::vacancy_id.eq(vacancies::id))
                        .filter(vacancy_shares::agency_org_id.eq(org.0)),
                ))),
        ),
        VacancyViewer::Employer(org) => base.filter(
            vacancies::visibility
                .eq("public")
                .or(vacancies::owner_org_id.eq(org.0)),
        ),
    };
    let found: Option<i64> = visible.select(vacancies::id).first(conn).optional()?;
    match found {
        Some(id) => super::vacancies::get_vacancy(conn, VacancyId(id)),
        None => Ok(None),
    }
}

/// The profile `id` if `viewer` may see it.
pub fn profile_for(
    conn: &mut DbConnection,
    id: ProfileId,
    viewer: ProfileViewer,
) -> Result<Option<JobseekerProfile>, StoreError> {
    let base = profiles::table.filter(profiles::id.eq(id.0)).into_boxed();
    let visible = match viewer {
        ProfileViewer::Adviser(org) => base.filter(
            profiles::managing_org_id
                .eq(org.0)
                .or(profiles::status.eq("active")),
        ),
        ProfileViewer::Agency(at) => base
            .filter(profiles::status.eq("active"))
            .filter(profiles::consent_agencies.eq(true))
            .filter(
                profiles::consent_expires_at
                    .is_null()
                    .or(profiles::consent_expires_at.gt(at)),
            ),
        ProfileViewer::Employer(org) => base.filter(exists(
            introductions::table
                .filter(introductions::profile_id.eq(profiles::id))
                .filter(
                    introductions::vacancy_id.eq_any(
                        vacancies::table
                            .filter(vacancies::owner_org_id.eq(org.0))
                            .select(vacancies::id),
                    ),
                ),
        )),
    };
    let found: Option<i64> = visible.select(profiles::id).first(conn).optional()?;
    match found {
        Some(id) => super::profiles::get_profile(conn, ProfileId(id)),
        None => Ok(None),
    }
}

/// Profiles an office manages, by id after `after`, at most `limit`.
pub fn managed_profile_ids(
    conn: &mut DbConnection,
    org: OrgId,
    after: i64,
    limit: i64,
) -> Result<Vec<ProfileId>, StoreError> {
    let ids: Vec<i64> = profiles::table
        .filter(profiles::managing_org_id.eq(org.0))
        .filter(profiles::id.gt(after))
        .order(profiles::id.asc())
        .limit(limit)
        .select(profiles::id)
        .load(conn)?;
    Ok(ids.into_iter().map(ProfileId).collect())
}

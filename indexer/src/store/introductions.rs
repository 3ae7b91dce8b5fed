//! Introductions and what became of them: an adviser introduces a
//! candidate to a vacancy (only then may the employer see the person), and
//! the introduction moves `proposed → contacted → interview → hired |
//! not_hired | withdrawn`. A hire is also kept as a [placement](Placement):
//! the anonymous fact the statistics count (where from, where to, what,
//! when), which outlives the erasure of the person or the vacancy. A hire
//! makes the profile `placed`, and the vacancy `filled` once every position
//! is.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use matcher::domain::{
    IntroductionId, IntroductionStatus, NotHiredReason, OrgId, ProfileId, ProfileStatus, VacancyId,
    VacancyStatus,
};
use matcher::geography::Geography;
use matcher::picture::{ABROAD, UNKNOWN};
use serde::Serialize;

use super::outbox::{self, Entity, Op};
use super::schema::{introductions, placements, profiles, vacancies};
use super::{allocate_ids, insert_rows, now, parse_db, DbConnection, IdTable, StoreError};

/// An adviser's introduction of a candidate to a vacancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Introduction {
    pub id: IntroductionId,
    pub vacancy_id: VacancyId,
    pub profile_id: ProfileId,
    /// The office that introduced the candidate.
    pub adviser_org: OrgId,
    pub created_at: NaiveDateTime,
    pub status: IntroductionStatus,
    /// Why the introduction did not end in a hire (`not_hired` only).
    pub reason: Option<NotHiredReason>,
    /// The first day of work (`hired` only).
    pub start_date: Option<NaiveDate>,
    /// Whether the person moved to another region for the job (`hired`
    /// only).
    pub moved_region: Option<bool>,
    /// The ranking (match log request id) the candidate was introduced
    /// from, when the adviser said.
    pub match_request_id: Option<String>,
    /// Goes up with every change; send it back to change the status.
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

type Row = (
    i64,
    i64,
    i64,
    i64,
    NaiveDateTime,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<bool>,
    Option<String>,
    i64,
    Option<NaiveDateTime>,
);

macro_rules! columns {
    () => {
        (
            introductions::id,
            introductions::vacancy_id,
            introductions::profile_id,
            introductions::adviser_org_id,
            introductions::created_at,
            introductions::status,
            introductions::reason,
            introductions::start_date,
            introductions::moved_region,
            introductions::match_request_id,
            introductions::version,
            introductions::updated_at,
        )
    };
}

fn from_row(r: Row) -> Result<Introduction, StoreError> {
    Ok(Introduction {
        id: IntroductionId(r.0),
        vacancy_id: VacancyId(r.1),
        profile_id: ProfileId(r.2),
        adviser_org: OrgId(r.3),
        created_at: r.4,
        status: parse_db(&r.5)?,
        reason: r.6.as_deref().map(parse_db).transpose()?,
        start_date: r.7,
        moved_region: r.8,
        match_request_id: r.9,
        version: r.10,
        updated_at: r.11.unwrap_or(r.4),
    })
}

/// Record an introduction; introducing the same pair again is a no-op
/// that returns the first one.
pub fn introduce(
    conn: &mut DbConnection,
    vacancy: VacancyId,
    profile: ProfileId,
    adviser_org: OrgId,
    match_request_id: Option<&str>,
) -> Result<Introduction, StoreError> {
    introduce_at(conn, vacancy, profile, adviser_org, match_request_id, now())
}

/// [`introduce`] at a given moment (the demo history).
pub fn introduce_at(
    conn: &mut DbConnection,
    vacancy: VacancyId,
    profile: ProfileId,
    adviser_org: OrgId,
    match_request_id: Option<&str>,
    at: NaiveDateTime,
) -> Result<Introduction, StoreError> {
    if let Some(found) = of_pair(conn, vacancy, profile)? {
        return Ok(found);
    }
    let id = allocate_ids(conn, IdTable::Introductions, 1)?[0];
    let row = (
        introductions::id.eq(id),
        introductions::vacancy_id.eq(vacancy.0),
        introductions::profile_id.eq(profile.0),
        introductions::adviser_org_id.eq(adviser_org.0),
        introductions::created_at.eq(at),
        introductions::status.eq(IntroductionStatus::Proposed.as_str()),
        introductions::match_request_id.eq(match_request_id),
        introductions::version.eq(1i64),
        introductions::updated_at.eq(at),
    );
    insert_rows!(conn, introductions::table, row)?;
    get(conn, IntroductionId(id))?.ok_or(StoreError::NotFound {
        kind: "introduction",
        id: id.to_string(),
    })
}

/// One introduction.
pub fn get(
    conn: &mut DbConnection,
    id: IntroductionId,
) -> Result<Option<Introduction>, StoreError> {
    introductions::table
        .find(id.0)
        .select(columns!())
        .first::<Row>(conn)
        .optional()?
        .map(from_row)
        .transpose()
}

/// The introduction of `profile` to `vacancy`, if any.
pub fn of_pair(
    conn: &mut DbConnection,
    vacancy: VacancyId,
    profile: ProfileId,
) -> Result<Option<Introduction>, StoreError> {
    introductions::table
        .filter(introductions::vacancy_id.eq(vacancy.0))
        .filter(introductions::profile_id.eq(profile.0))
        .select(columns!())
        .first::<Row>(conn)
        .optional()?
        .map(from_row)
        .transpose()
}

/// The introductions to a vacancy, oldest first.
pub fn introductions_to(
    conn: &mut DbConnection,
    vacancy: VacancyId,
) -> Result<Vec<Introduction>, StoreError> {
    introductions::table
        .filter(introductions::vacancy_id.eq(vacancy.0))
        .order(introductions::id.asc())
        .select(columns!())
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Whose introductions a caller may read and change (DESIGN.md invariant
/// 2: the filter is in the SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntroductionScope {
    /// An employer: the introductions to its own vacancies.
    Employer(OrgId),
    /// An office: the introductions of the jobseekers it manages, and those
    /// it made.
    Office(OrgId),
    /// Operators.
    All,
}

/// Which introductions to list.
#[derive(Debug, Clone)]
pub struct IntroductionFilter {
    pub scope: IntroductionScope,
    pub vacancy: Option<VacancyId>,
    pub profile: Option<ProfileId>,
    pub status: Option<IntroductionStatus>,
    /// Newest first, ids below this one (the cursor).
    pub before: Option<i64>,
    pub limit: i64,
}

/// The introductions `filter` selects, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &IntroductionFilter,
) -> Result<Vec<Introduction>, StoreError> {
    let mut query = introductions::table.select(columns!()).into_boxed();
    match filter.scope {
        IntroductionScope::Employer(org) => {
            query = query.filter(
                introductions::vacancy_id.eq_any(
                    vacancies::table
                        .filter(vacancies::owner_org_id.eq(org.0))
                        .select(vacancies::id),
                ),
            );
        }
        IntroductionScope::Office(org) => {
            query = query.filter(
                introductions::adviser_org_id
                    .eq(org.0)
                    .or(introductions::profile_id.eq_any(
                        profiles::table
                            .filter(profiles::managing_org_id.eq(org.0))
                            .select(profiles::id),
                    )),
            );
        }
        IntroductionScope::All => {}
    }
    if let Some(v) = filter.vacancy {
        query = query.filter(introductions::vacancy_id.eq(v.0));
    }
    if let Some(p) = filter.profile {
        query = query.filter(introductions::profile_id.eq(p.0));
    }
    if let Some(s) = filter.status {
        query = query.filter(introductions::status.eq(s.as_str()));
    }
    if let Some(before) = filter.before {
        query = query.filter(introductions::id.lt(before));
    }
    query
        .order(introductions::id.desc())
        .limit(filter.limit)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Whether `scope` may change `intro`: the employer that owns the vacancy,
/// the office that manages the jobseeker (or made the introduction).
pub fn may_change(
    conn: &mut DbConnection,
    scope: IntroductionScope,
    intro: &Introduction,
) -> Result<bool, StoreError> {
    Ok(match scope {
        IntroductionScope::All => true,
        IntroductionScope::Employer(org) => {
            vacancies::table
                .find(intro.vacancy_id.0)
                .filter(vacancies::owner_org_id.eq(org.0))
                .count()
                .get_result::<i64>(conn)?
                > 0
        }
        IntroductionScope::Office(org) => {
            intro.adviser_org == org
                || profiles::table
                    .find(intro.profile_id.0)
                    .filter(profiles::managing_org_id.eq(org.0))
                    .count()
                    .get_result::<i64>(conn)?
                    > 0
        }
    })
}

/// A change of status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: IntroductionStatus,
    /// Required with `not_hired`, refused otherwise.
    pub reason: Option<NotHiredReason>,
    /// With `hired` only.
    pub start_date: Option<NaiveDate>,
    /// With `hired` only; when absent, whether the home region differs
    /// from the vacancy's.
    pub moved_region: Option<bool>,
    /// The version the caller saw; a different one is a conflict.
    pub expected_version: Option<i64>,
}

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error("the introduction is {from} and cannot become {to}")]
    Transition {
        from: IntroductionStatus,
        to: IntroductionStatus,
    },
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        message: &'static str,
    },
}

impl StatusChange {
    /// Whether the fields agree with the status.
    pub fn check(&self) -> Result<(), ChangeError> {
        let hired = self.status == IntroductionStatus::Hired;
        if self.status == IntroductionStatus::NotHired && self.reason.is_none() {
            return Err(ChangeError::Field {
                field: "reason",
                message: "not_hired needs a reason code",
            });
        }
        if self.status != IntroductionStatus::NotHired && self.reason.is_some() {
            return Err(ChangeError::Field {
                field: "reason",
                message: "a reason goes with not_hired only",
            });
        }
        if !hired && self.start_date.is_some() {
            return Err(ChangeError::Field {
                field: "start_date",
                message: "a start date goes with hired only",
            });
        }
        if !hired && self.moved_region.is_some() {
            return Err(ChangeError::Field {
                field: "moved_region",
                message: "moved_region goes with hired only",
            });
        }
        Ok(())
    }
}

/// Move `id` to a new status at `at` (inside the caller's transaction).
/// `Ok(Err(_))` when the change is refused; a version that differs from
/// the expected one is a [`StoreError::Conflict`].
pub fn change_status(
    conn: &mut DbConnection,
    geography: &Geography,
    id: IntroductionId,
    change: &StatusChange,
    at: NaiveDateTime,
) -> Result<Result<Introduction, ChangeError>, StoreError> {
    let Some(current) = get(conn, id)? else {
        return Err(StoreError::NotFound {
            kind: "introduction",
            id: id.to_string(),
        });
    };
    if let Some(expected) = change.expected_version.filter(|&v| v != current.version) {
        return Err(StoreError::Conflict(format!(
            "introduction {id} is at version {}, not {expected}",
            current.version
        )));
    }
    if let Err(e) = change.check() {
        return Ok(Err(e));
    }
    if !current.status.may_become(change.status) {
        return Ok(Err(ChangeError::Transition {
            from: current.status,
            to: change.status,
        }));
    }
    // Guarded by the version read above: of two changes racing from the
    // same status only one moves it (the other is a conflict), so a hire
    // is never counted twice.
    let moved = diesel::update(
        introductions::table
            .find(id.0)
            .filter(introductions::version.eq(current.version)),
    )
    .set((
        introductions::status.eq(change.status.as_str()),
        introductions::reason.eq(change.reason.map(NotHiredReason::as_str)),
        introductions::start_date.eq(change.start_date),
        introductions::version.eq(current.version + 1),
        introductions::updated_at.eq(at),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Err(StoreError::Conflict(format!(
            "introduction {id} changed meanwhile"
        )));
    }
    if change.status == IntroductionStatus::Hired {
        let moved_region = record_placement(conn, geography, &current, change, at)?;
        diesel::update(introductions::table.find(id.0))
            .set(introductions::moved_region.eq(Some(moved_region)))
            .execute(conn)?;
    }
    let changed = get(conn, id)?.ok_or(StoreError::NotFound {
        kind: "introduction",
        id: id.to_string(),
    })?;
    Ok(Ok(changed))
}

/// A hire as the statistics count it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub hired_at: NaiveDateTime,
    pub start_date: Option<NaiveDate>,
    pub from_region_code: String,
    pub to_region_code: String,
    pub occupation_uri: Option<String>,
    pub isco_code: Option<String>,
    pub industry_code: Option<String>,
    pub moved_region: bool,
    pub vacancy_created_at: NaiveDateTime,
    pub introductions_to_vacancy: i32,
    /// While the person's profile exists.
    pub profile_id: Option<ProfileId>,
    pub adviser_org: OrgId,
}

/// Every placement hired at or after `since`, oldest first.
pub fn placements_since(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> Result<Vec<Placement>, StoreError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        NaiveDateTime,
        Option<NaiveDate>,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
        NaiveDateTime,
        i32,
        Option<i64>,
        i64,
    )> = placements::table
        .filter(placements::hired_at.ge(since))
        .order(placements::hired_at.asc())
        .select((
            placements::hired_at,
            placements::start_date,
            placements::from_region_code,
            placements::to_region_code,
            placements::occupation_uri,
            placements::isco_code,
            placements::industry_code,
            placements::moved_region,
            placements::vacancy_created_at,
            placements::introductions_to_vacancy,
            placements::profile_id,
            placements::adviser_org_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Placement {
            hired_at: r.0,
            start_date: r.1,
            from_region_code: r.2,
            to_region_code: r.3,
            occupation_uri: r.4,
            isco_code: r.5,
            industry_code: r.6,
            moved_region: r.7,
            vacancy_created_at: r.8,
            introductions_to_vacancy: r.9,
            profile_id: r.10.map(ProfileId),
            adviser_org: OrgId(r.11),
        })
        .collect())
}

/// The region of a municipality, `abroad` or `unknown`.
fn region_of(geography: &Geography, municipality: Option<&str>, abroad: bool) -> String {
    match municipality.and_then(|m| geography.municipality(m)) {
        Some(m) => m.region_code.clone(),
        None if abroad => ABROAD.to_owned(),
        None => UNKNOWN.to_owned(),
    }
}

/// Write the placement of a hire; the profile becomes `placed`, the
/// vacancy `filled` when its positions are. Returns whether the person
/// moved region.
fn record_placement(
    conn: &mut DbConnection,
    geography: &Geography,
    intro: &Introduction,
    change: &StatusChange,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let (home, abroad, profile_status, profile_version): (
        Option<String>,
        Option<String>,
        String,
        i64,
    ) = profiles::table
        .find(intro.profile_id.0)
        .select((
            profiles::home_municipality_code,
            profiles::abroad_country,
            profiles::status,
            profiles::version,
        ))
        .first(conn)?;
    #[allow(clippy::type_complexity)]
    let (place, occupation, isco, industry, created_at, positions, vacancy_status, vacancy_version): (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        NaiveDateTime,
        i32,
        String,
        i64,
    ) = vacancies::table
        .find(intro.vacancy_id.0)
        .select((
            vacancies::municipality_code,
            vacancies::occupation_uri,
            vacancies::isco_code,
            vacancies::industry_code,
            vacancies::created_at,
            vacancies::positions,
            vacancies::status,
            vacancies::version,
        ))
        .first(conn)?;
    let from = region_of(geography, home.as_deref(), abroad.is_some());
    let to = region_of(geography, place.as_deref(), false);
    let moved = change.moved_region.unwrap_or(from != to && to != UNKNOWN);
    let introduced: i64 = introductions::table
        .filter(introductions::vacancy_id.eq(intro.vacancy_id.0))
        .count()
        .get_result(conn)?;
    let id = allocate_ids(conn, IdTable::Placements, 1)?[0];
    let row = (
        placements::id.eq(id),
        placements::introduction_id.eq(intro.id.0),
        placements::profile_id.eq(intro.profile_id.0),
        placements::vacancy_id.eq(intro.vacancy_id.0),
        placements::adviser_org_id.eq(intro.adviser_org.0),
        placements::hired_at.eq(at),
        placements::start_date.eq(change.start_date),
        placements::from_municipality_code.eq(home),
        placements::from_region_code.eq(from),
        placements::to_municipality_code.eq(place),
        placements::to_region_code.eq(to),
        placements::occupation_uri.eq(occupation),
        placements::isco_code.eq(isco),
        placements::industry_code.eq(industry),
        placements::moved_region.eq(moved),
        placements::vacancy_created_at.eq(created_at),
        placements::introductions_to_vacancy.eq(i32::try_from(introduced).unwrap_or(i32::MAX)),
    );
    insert_rows!(conn, placements::table, row)?;

    let mut changed = Vec::new();
    if profile_status != ProfileStatus::Placed.as_str() {
        diesel::update(profiles::table.find(intro.profile_id.0))
            .set((
                profiles::status.eq(ProfileStatus::Placed.as_str()),
                profiles::version.eq(profile_version + 1),
                profiles::updated_at.eq(at),
            ))
            .execute(conn)?;
        changed.push((
            Entity::Profile,
            intro.profile_id.0,
            Op::Upsert,
            profile_version + 1,
        ));
    }
    let hired: i64 = placements::table
        .filter(placements::vacancy_id.eq(intro.vacancy_id.0))
        .count()
        .get_result(conn)?;
    if vacancy_status == VacancyStatus::Open.as_str() && hired >= i64::from(positions) {
        diesel::update(vacancies::table.find(intro.vacancy_id.0))
            .set((
                vacancies::status.eq(VacancyStatus::Filled.as_str()),
                vacancies::version.eq(vacancy_version + 1),
                vacancies::updated_at.eq(at),
            ))
            .execute(conn)?;
        changed.push((
            Entity::Vacancy,
            intro.vacancy_id.0,
            Op::Upsert,
            vacancy_version + 1,
        ));
    }
    outbox::append(conn, &changed)?;
    Ok(moved)
}

//! The facts the effectiveness of the services is tallied from, read for a
//! period: introductions with their vacancy's place and occupation, the
//! first hire of each layoff cohort member, and employer outreach (the
//! contacts with firms and the needs found). Plain rows; the arithmetic is
//! in `crate::picture::effectiveness` and `matcher::effectiveness`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    cohort_members, cohorts, introductions, organizations, outreach_contacts, outreach_needs,
    placements, vacancies,
};
use super::snapshots::day_after;
use super::{DbConnection, StoreError};

/// An introduction made in the period, where and what its vacancy is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroducedTo {
    pub municipality: Option<String>,
    pub occupation_uri: Option<String>,
    pub isco_code: Option<String>,
    pub industry_code: Option<String>,
}

/// Introductions made from `since` to `until` (inclusive days).
pub fn introductions_between(
    conn: &mut DbConnection,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<IntroducedTo>, StoreError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = introductions::table
        .inner_join(vacancies::table.on(vacancies::id.eq(introductions::vacancy_id)))
        .filter(introductions::created_at.ge(since.and_time(chrono::NaiveTime::MIN)))
        .filter(introductions::created_at.lt(day_after(until)))
        .select((
            vacancies::municipality_code,
            vacancies::occupation_uri,
            vacancies::isco_code,
            vacancies::industry_code,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(municipality, occupation_uri, isco_code, industry_code)| IntroducedTo {
                municipality,
                occupation_uri,
                isco_code,
                industry_code,
            },
        )
        .collect())
}

/// A layoff cohort and its members today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortSize {
    pub id: i64,
    pub name: String,
    pub employer_name: String,
    pub members: u64,
}

/// Every cohort with its member count, by id.
pub fn cohort_sizes(conn: &mut DbConnection) -> Result<Vec<CohortSize>, StoreError> {
    let all: Vec<(i64, String, String)> = cohorts::table
        .order(cohorts::id.asc())
        .select((cohorts::id, cohorts::name, cohorts::employer_name))
        .load(conn)?;
    let counts: Vec<(i64, i64)> = cohort_members::table
        .group_by(cohort_members::cohort_id)
        .select((cohort_members::cohort_id, diesel::dsl::count_star()))
        .load(conn)?;
    let counts: std::collections::HashMap<i64, i64> = counts.into_iter().collect();
    Ok(all
        .into_iter()
        .map(|(id, name, employer_name)| CohortSize {
            members: counts.get(&id).copied().unwrap_or(0).max(0) as u64,
            id,
            name,
            employer_name,
        })
        .collect())
}

/// (cohort, profile, first hire) of the cohort members hired from `since`
/// to `until`: each member once, at their first hire in the period.
pub fn cohort_placements(
    conn: &mut DbConnection,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<(i64, i64, NaiveDateTime)>, StoreError> {
    let rows: Vec<(i64, i64, NaiveDateTime)> = cohort_members::table
        .inner_join(
            placements::table.on(placements::profile_id.eq(cohort_members::profile_id.nullable())),
        )
        .filter(placements::hired_at.ge(since.and_time(chrono::NaiveTime::MIN)))
        .filter(placements::hired_at.lt(day_after(until)))
        .order((
            cohort_members::cohort_id.asc(),
            cohort_members::profile_id.asc(),
            placements::hired_at.asc(),
        ))
        .select((
            cohort_members::cohort_id,
            cohort_members::profile_id,
            placements::hired_at,
        ))
        .load(conn)?;
    let mut out: Vec<(i64, i64, NaiveDateTime)> = Vec::with_capacity(rows.len());
    for row in rows {
        if out.last().is_none_or(|l| (l.0, l.1) != (row.0, row.1)) {
            out.push(row);
        }
    }
    Ok(out)
}

/// One contact with a firm in the period, with what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachFact {
    pub firm: i64,
    pub firm_municipality: Option<String>,
    pub firm_industry: Option<String>,
    /// Needs found: (positions, hidden vacancy created).
    pub needs: Vec<(u64, bool)>,
}

/// The outreach contacts from `since` to `until` (inclusive), by id.
pub fn outreach_between(
    conn: &mut DbConnection,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<OutreachFact>, StoreError> {
    let contacts: Vec<(i64, i64, Option<String>, Option<String>)> = outreach_contacts::table
        .inner_join(organizations::table.on(organizations::id.eq(outreach_contacts::firm_org_id)))
        .filter(outreach_contacts::contacted_on.ge(since))
        .filter(outreach_contacts::contacted_on.le(until))
        .order(outreach_contacts::id.asc())
        .select((
            outreach_contacts::id,
            outreach_contacts::firm_org_id,
            organizations::municipality_code,
            organizations::industry_code,
        ))
        .load(conn)?;
    let needs: Vec<(i64, i32, Option<i64>)> = outreach_needs::table
        .inner_join(
            outreach_contacts::table.on(outreach_contacts::id.eq(outreach_needs::contact_id)),
        )
        .filter(outreach_contacts::contacted_on.ge(since))
        .filter(outreach_contacts::contacted_on.le(until))
        .select((
            outreach_needs::contact_id,
            outreach_needs::positions,
            outreach_needs::vacancy_id,
        ))
        .load(conn)?;
    let mut by_contact: std::collections::HashMap<i64, Vec<(u64, bool)>> = Default::default();
    for (contact, positions, vacancy) in needs {
        by_contact
            .entry(contact)
            .or_default()
            .push((positions.max(0) as u64, vacancy.is_some()));
    }
    Ok(contacts
        .into_iter()
        .map(|(id, firm, municipality, industry)| OutreachFact {
            firm,
            firm_municipality: municipality,
            firm_industry: industry,
            needs: by_contact.remove(&id).unwrap_or_default(),
        })
        .collect())
}

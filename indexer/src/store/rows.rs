//! Row shapes of the core tables, apart from the query functions and from the
//! domain types they are converted to and from.
//!
//! Rows with optional columns insert `None` as NULL, not as the column's
//! default (`treat_none_as_default_value = false`; the columns have none):
//! so many rows go into one multi-row INSERT on SQLite too, and into a
//! binary COPY on PostgreSQL.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vacancies)]
pub struct VacancyRow {
    pub id: i64,
    pub source: String,
    pub source_id: String,
    pub owner_org_id: i64,
    pub title: String,
    pub description: String,
    pub ad_language: String,
    pub employer_name: Option<String>,
    pub occupation_uri: Option<String>,
    pub isco_code: Option<String>,
    pub industry_code: Option<String>,
    pub municipality_code: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub remote: String,
    pub work_time: String,
    pub contract_type: String,
    pub positions: i32,
    pub salary_min_eur: Option<i32>,
    pub salary_max_eur: Option<i32>,
    pub start_date: Option<NaiveDate>,
    pub expires_at: Option<NaiveDateTime>,
    pub visibility: String,
    pub status: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Cross-source duplicate key, see `vacancies::fingerprint`.
    pub fingerprint: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vacancy_skills)]
pub struct VacancySkillRow {
    pub vacancy_id: i64,
    pub position: i32,
    pub skill_uri: Option<String>,
    pub label: String,
    pub importance: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vacancy_languages)]
pub struct VacancyLanguageRow {
    pub vacancy_id: i64,
    pub language: String,
    pub level: String,
    pub hard: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vacancy_licences)]
pub struct VacancyLicenceRow {
    pub vacancy_id: i64,
    pub licence: String,
    pub hard: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vacancy_certificates)]
pub struct VacancyCertificateRow {
    pub vacancy_id: i64,
    pub certificate: String,
    pub hard: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vacancy_shares)]
pub struct VacancyShareRow {
    pub vacancy_id: i64,
    pub agency_org_id: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profiles, treat_none_as_default_value = false)]
pub struct ProfileRow {
    pub id: i64,
    pub pseudonym: String,
    pub managing_org_id: i64,
    pub home_municipality_code: Option<String>,
    pub abroad_country: Option<String>,
    pub max_commute_km: i32,
    pub relocation: String,
    pub remote_preference: String,
    pub education_level: Option<i32>,
    pub education_field: Option<String>,
    pub work_time_preference: String,
    pub available_from: Option<NaiveDate>,
    pub consent_agencies: bool,
    pub consent_expires_at: Option<NaiveDateTime>,
    pub status: String,
    pub last_active_at: NaiveDateTime,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The external id of an imported profile (both or neither).
    pub source: Option<String>,
    pub source_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_contacts, treat_none_as_default_value = false)]
pub struct ProfileContactRow {
    pub profile_id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_skills, treat_none_as_default_value = false)]
pub struct ProfileSkillRow {
    pub profile_id: i64,
    pub position: i32,
    pub skill_uri: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_desired_occupations, treat_none_as_default_value = false)]
pub struct ProfileDesiredOccupationRow {
    pub profile_id: i64,
    pub occupation_uri: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_work_history, treat_none_as_default_value = false)]
pub struct ProfileWorkRow {
    pub profile_id: i64,
    pub position: i32,
    pub occupation_uri: Option<String>,
    pub title: String,
    pub years: f64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_languages, treat_none_as_default_value = false)]
pub struct ProfileLanguageRow {
    pub profile_id: i64,
    pub language: String,
    pub level: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_licences, treat_none_as_default_value = false)]
pub struct ProfileLicenceRow {
    pub profile_id: i64,
    pub licence: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_certificates, treat_none_as_default_value = false)]
pub struct ProfileCertificateRow {
    pub profile_id: i64,
    pub certificate: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_relocation_regions, treat_none_as_default_value = false)]
pub struct ProfileRegionRow {
    pub profile_id: i64,
    pub region_code: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct NewOutboxRow<'a> {
    pub entity: &'a str,
    pub entity_id: i64,
    pub op: &'a str,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

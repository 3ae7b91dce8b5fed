//! How vacancies' occupations were coded from their text: `coded` when the
//! coder was confident and set the occupation, `needs_review` when it
//! abstained, with its top suggestions. A vacancy whose owner or feed named
//! the occupation has no record.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use matcher::domain::VacancyId;
use serde::{Deserialize, Serialize};

use super::{DbConnection, StoreError};

mod schema {
    diesel::table! {
        vacancy_coding (vacancy_id) {
            vacancy_id -> BigInt,
            status -> Text,
            confidence -> Double,
            suggestions -> Text,
            coded_at -> Timestamp,
        }
    }
}

use schema::vacancy_coding;

/// Whether the coder set the occupation or left it for review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodingStatus {
    Coded,
    NeedsReview,
}

impl CodingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CodingStatus::Coded => "coded",
            CodingStatus::NeedsReview => "needs_review",
        }
    }
}

/// One suggested occupation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub uri: String,
    pub isco_code: String,
    pub label_en: String,
    pub label_fi: Option<String>,
    pub label_sv: Option<String>,
    pub confidence: f32,
}

/// What the coder did for one vacancy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CodingRecord {
    pub status: CodingStatus,
    /// Confidence of the best suggestion.
    pub confidence: f32,
    pub suggestions: Vec<Suggestion>,
    pub coded_at: NaiveDateTime,
}

#[derive(Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = vacancy_coding)]
struct CodingRow {
    vacancy_id: i64,
    status: String,
    confidence: f64,
    suggestions: String,
    coded_at: NaiveDateTime,
}

/// Record (or replace) what the coder did for `vacancy`; `None` removes the
/// record (the occupation was named by a person or the feed).
pub fn set_coding(
    conn: &mut DbConnection,
    vacancy: VacancyId,
    record: Option<&CodingRecord>,
) -> Result<(), StoreError> {
    diesel::delete(vacancy_coding::table.find(vacancy.0)).execute(conn)?;
    if let Some(record) = record {
        let row = CodingRow {
            vacancy_id: vacancy.0,
            status: record.status.as_str().to_owned(),
            confidence: f64::from(record.confidence),
            suggestions: serde_json::to_string(&record.suggestions).unwrap_or_else(|_| "[]".into()),
            coded_at: record.coded_at,
        };
        diesel::insert_into(vacancy_coding::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

/// The coding records of `vacancies` that have one.
pub fn coding_of(
    conn: &mut DbConnection,
    vacancies: &[VacancyId],
) -> Result<Vec<(VacancyId, CodingRecord)>, StoreError> {
    let ids: Vec<i64> = vacancies.iter().map(|v| v.0).collect();
    let mut out = Vec::new();
    for chunk in ids.chunks(10_000) {
        let rows: Vec<CodingRow> = vacancy_coding::table
            .filter(vacancy_coding::vacancy_id.eq_any(chunk))
            .select(CodingRow::as_select())
            .load(conn)?;
        for row in rows {
            let status = if row.status == "coded" {
                CodingStatus::Coded
            } else {
                CodingStatus::NeedsReview
            };
            out.push((
                VacancyId(row.vacancy_id),
                CodingRecord {
                    status,
                    confidence: row.confidence as f32,
                    suggestions: serde_json::from_str(&row.suggestions).unwrap_or_default(),
                    coded_at: row.coded_at,
                },
            ));
        }
    }
    Ok(out)
}

/// Ids of the vacancies whose coding awaits review, newest first, at most
/// `limit`.
pub fn needing_review(conn: &mut DbConnection, limit: i64) -> Result<Vec<VacancyId>, StoreError> {
    Ok(vacancy_coding::table
        .filter(vacancy_coding::status.eq("needs_review"))
        .order(vacancy_coding::vacancy_id.desc())
        .limit(limit)
        .select(vacancy_coding::vacancy_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(VacancyId)
        .collect())
}

//! Firms met in outreach: organizations of kind `employer`, found by
//! business id (Y-tunnus) where one is known, else by name (trimmed, any
//! case) in a municipality, and created on first contact.

use diesel::prelude::*;
use matcher::domain::{OrgId, OrgKind, ValidationError};
use matcher::references::References;
use serde::{Deserialize, Serialize};

use super::super::orgs;
use super::super::schema::organizations;
use super::super::{DbConnection, StoreError};

/// Longest firm name, as for every organization.
pub const MAX_NAME_CHARS: usize = 300;

/// A firm as outreach reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Firm {
    pub id: OrgId,
    pub name: String,
    /// Y-tunnus, e.g. "0245437-2".
    pub business_id: Option<String>,
    /// Statistics Finland municipality code.
    pub municipality_code: Option<String>,
    /// TOL 2008 industry.
    pub industry_code: Option<String>,
}

/// A firm named in a contact or a campaign's list: found by `business_id`
/// where given, else by `name` in `municipality_code`; created if missing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFirm {
    /// Y-tunnus: seven digits, a dash and the check digit.
    #[schema(pattern = "^[0-9]{7}-[0-9]$", example = "0245437-2")]
    pub business_id: Option<String>,
    #[schema(min_length = 1, max_length = 300, example = "Rakennus Oy Esimerkki")]
    pub name: String,
    /// Statistics Finland municipality code.
    #[schema(pattern = "^[0-9]{3}$", example = "091")]
    pub municipality_code: String,
    /// TOL 2008 industry code (any level).
    #[schema(min_length = 1, max_length = 10, example = "41")]
    pub industry_code: Option<String>,
}

/// The rules of a firm and its references; fields are named under
/// `prefix` (`firm.`, `firms[3].`).
pub fn check_firm(refs: &References, firm: &NewFirm, prefix: &str) -> Result<(), ValidationError> {
    let name = firm.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(
            format!("{prefix}name"),
            format!("a firm's name has 1–{MAX_NAME_CHARS} characters"),
        ));
    }
    if let Some(bid) = &firm.business_id {
        if !orgs::is_business_id(bid) {
            return Err(invalid(
                format!("{prefix}business_id"),
                format!("{bid:?} is not a Finnish business id (Y-tunnus) such as 0245437-2"),
            ));
        }
    }
    if refs
        .geography()
        .municipality(&firm.municipality_code)
        .is_none()
    {
        return Err(invalid(
            format!("{prefix}municipality_code"),
            format!("no municipality has the code {:?}", firm.municipality_code),
        ));
    }
    if let Some(code) = &firm.industry_code {
        if refs.industries().and_then(|i| i.get(code)).is_none() {
            return Err(invalid(
                format!("{prefix}industry_code"),
                format!("{code:?} is not a TOL 2008 industry"),
            ));
        }
    }
    Ok(())
}

type FirmRow = (i64, String, Option<String>, Option<String>, Option<String>);

macro_rules! firm_columns {
    () => {
        (
            organizations::id,
            organizations::name,
            organizations::business_id,
            organizations::municipality_code,
            organizations::industry_code,
        )
    };
}

fn firm_from(r: FirmRow) -> Firm {
    Firm {
        id: OrgId(r.0),
        name: r.1,
        business_id: r.2,
        municipality_code: r.3,
        industry_code: r.4,
    }
}

/// The firm `id` (an employer), if there is one.
pub fn get_firm(conn: &mut DbConnection, id: OrgId) -> Result<Option<Firm>, StoreError> {
    Ok(organizations::table
        .filter(organizations::id.eq(id.0))
        .filter(organizations::kind.eq(OrgKind::Employer.as_str()))
        .select(firm_columns!())
        .first::<FirmRow>(conn)
        .optional()?
        .map(firm_from))
}

/// Firms by id (employers only), in no particular order.
pub fn get_firms(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<Firm>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(super::super::IN_CHUNK) {
        let rows: Vec<FirmRow> = organizations::table
            .filter(organizations::id.eq_any(chunk))
            .filter(organizations::kind.eq(OrgKind::Employer.as_str()))
            .select(firm_columns!())
            .load(conn)?;
        out.extend(rows.into_iter().map(firm_from));
    }
    Ok(out)
}

fn folded(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The stored firm `firm` names, if any: by business id where given,
/// else by name and municipality. A business id that belongs to an
/// organization of another kind is refused.
pub fn find_firm(conn: &mut DbConnection, firm: &NewFirm) -> Result<Option<Firm>, StoreError> {
    if let Some(bid) = &firm.business_id {
        let found: Vec<(String, FirmRow)> = organizations::table
            .filter(organizations::business_id.eq(bid))
            .order(organizations::id.asc())
            .select((organizations::kind, firm_columns!()))
            .load(conn)?;
        let Some((kind, row)) = found.into_iter().next() else {
            return Ok(None);
        };
        if kind != OrgKind::Employer.as_str() {
            return Err(StoreError::Invalid(format!(
                "business id {bid} belongs to an organization of kind {kind}, not to a firm"
            )));
        }
        return Ok(Some(firm_from(row)));
    }
    let name = folded(&firm.name);
    let candidates: Vec<FirmRow> = organizations::table
        .filter(organizations::kind.eq(OrgKind::Employer.as_str()))
        .filter(organizations::municipality_code.eq(&firm.municipality_code))
        .order(organizations::id.asc())
        .select(firm_columns!())
        .load(conn)?;
    Ok(candidates
        .into_iter()
        .map(firm_from)
        .find(|f| folded(&f.name) == name))
}

/// The firm `firm` names, created when missing; a found firm without an
/// industry takes the one given. Returns the firm and whether it was
/// created. `firm` must have passed [`check_firm`].
pub fn find_or_create_firm(
    conn: &mut DbConnection,
    firm: &NewFirm,
) -> Result<(Firm, bool), StoreError> {
    if let Some(mut found) = find_firm(conn, firm)? {
        if found.industry_code.is_none() && firm.industry_code.is_some() {
            diesel::update(organizations::table.find(found.id.0))
                .set(organizations::industry_code.eq(&firm.industry_code))
                .execute(conn)?;
            found.industry_code = firm.industry_code.clone();
        }
        return Ok((found, false));
    }
    let org = orgs::create_org(
        conn,
        OrgKind::Employer,
        &firm.name,
        firm.business_id.as_deref(),
        Some(&firm.municipality_code),
    )?;
    diesel::update(organizations::table.find(org.id.0))
        .set(organizations::industry_code.eq(&firm.industry_code))
        .execute(conn)?;
    Ok((
        Firm {
            id: org.id,
            name: org.name,
            business_id: org.business_id,
            municipality_code: org.municipality_code,
            industry_code: firm.industry_code.clone(),
        },
        true,
    ))
}

/// Firms whose name contains `q` (any case) or whose business id starts
/// with it, names starting with `q` first, at most `limit`.
pub fn search_firms(
    conn: &mut DbConnection,
    q: &str,
    limit: usize,
) -> Result<Vec<Firm>, StoreError> {
    let q = folded(q);
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<FirmRow> = organizations::table
        .filter(organizations::kind.eq(OrgKind::Employer.as_str()))
        .order(organizations::id.asc())
        .select(firm_columns!())
        .load(conn)?;
    let mut found: Vec<(u8, Firm)> = rows
        .into_iter()
        .map(firm_from)
        .filter_map(|f| {
            let name = folded(&f.name);
            let rank = if name.starts_with(&q) {
                0
            } else if f.business_id.as_deref().is_some_and(|b| b.starts_with(&q)) {
                1
            } else if name.contains(&q) {
                2
            } else {
                return None;
            };
            Some((rank, f))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(found.into_iter().take(limit).map(|(_, f)| f).collect())
}

/// A refusal naming `field`.
pub(super) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ValidationError {
    ValidationError {
        field: field.into(),
        reason: reason.into(),
    }
}

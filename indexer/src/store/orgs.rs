//! Organizations and their API tokens. A token's secret is shown once when
//! issued; the store keeps only its SHA-256 hash.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use matcher::domain::{OrgId, OrgKind, Organization, Role, TokenId};
use sha2::{Digest, Sha256};

use super::schema::{api_tokens, organizations};
use super::{allocate_ids, constraint_error, now, parse_db, DbConnection, IdTable, StoreError};

/// A token secret. Never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

impl TokenSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSecret(***)")
    }
}

/// A freshly issued token: the only time its secret is known.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub id: TokenId,
    pub org: OrgId,
    pub role: Role,
    pub secret: TokenSecret,
    pub expires_at: Option<NaiveDateTime>,
}

/// Who a valid token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenIdentity {
    pub token: TokenId,
    pub org: OrgId,
    pub org_kind: OrgKind,
    pub role: Role,
}

fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn create_org(
    conn: &mut DbConnection,
    kind: OrgKind,
    name: &str,
    business_id: Option<&str>,
    municipality_code: Option<&str>,
) -> Result<Organization, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 300 {
        return Err(StoreError::Invalid(
            "organization name must have 1–300 characters".into(),
        ));
    }
    if let Some(bid) = business_id {
        if !is_business_id(bid) {
            return Err(StoreError::Invalid(format!(
                "{bid:?} is not a Finnish business id (Y-tunnus) such as 1234567-8"
            )));
        }
    }
    conn.transaction(|conn| {
        let id = allocate_ids(conn, IdTable::Organizations, 1)?
            .first()
            .copied()
            .ok_or_else(|| StoreError::Invalid("no id".into()))?;
        let created_at = now();
        diesel::insert_into(organizations::table)
            .values((
                organizations::id.eq(id),
                organizations::kind.eq(kind.as_str()),
                organizations::name.eq(name),
                organizations::business_id.eq(business_id),
                organizations::municipality_code.eq(municipality_code),
                organizations::created_at.eq(created_at),
            ))
            .execute(conn)
            .map_err(|e| constraint_error(e, "organization"))?;
        Ok(Organization {
            id: OrgId(id),
            kind,
            name: name.to_owned(),
            business_id: business_id.map(str::to_owned),
            municipality_code: municipality_code.map(str::to_owned),
            created_at,
        })
    })
}

/// A Y-tunnus: seven digits, a dash and a check digit (modulus 11).
pub fn is_business_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 9
        || bytes[7] != b'-'
        || !text[..7]
            .bytes()
            .chain(text[8..].bytes())
            .all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let weights = [7u32, 9, 10, 5, 8, 4, 2];
    let sum: u32 = bytes[..7]
        .iter()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = match sum % 11 {
        0 => 0,
        1 => return false,
        r => 11 - r,
    };
    u32::from(bytes[8] - b'0') == check
}

type OrgTuple = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

fn org_from(t: OrgTuple) -> Result<Organization, StoreError> {
    Ok(Organization {
        id: OrgId(t.0),
        kind: parse_db(&t.1)?,
        name: t.2,
        business_id: t.3,
        municipality_code: t.4,
        created_at: t.5,
    })
}

pub fn get_org(conn: &mut DbConnection, id: OrgId) -> Result<Option<Organization>, StoreError> {
    let row: Option<OrgTuple> = organizations::table
        .find(id.0)
        .select((
            organizations::id,
            organizations::kind,
            organizations::name,
            organizations::business_id,
            organizations::municipality_code,
            organizations::created_at,
        ))
        .first(conn)
        .optional()?;
    row.map(org_from).transpose()
}

pub fn list_orgs(conn: &mut DbConnection) -> Result<Vec<Organization>, StoreError> {
    let rows: Vec<OrgTuple> = organizations::table
        .order(organizations::id.asc())
        .select((
            organizations::id,
            organizations::kind,
            organizations::name,
            organizations::business_id,
            organizations::municipality_code,
            organizations::created_at,
        ))
        .load(conn)?;
    rows.into_iter().map(org_from).collect()
}

pub fn count_orgs(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(organizations::table.count().get_result(conn)?)
}

/// Issue a token for `role` in `org`. The role must fit the organization's
/// kind (an agency's token cannot act as an adviser).
pub fn issue_token(
    conn: &mut DbConnection,
    org: OrgId,
    role: Role,
    label: &str,
    expires_at: Option<NaiveDateTime>,
) -> Result<IssuedToken, StoreError> {
    conn.transaction(|conn| {
        let Some(organization) = get_org(conn, org)? else {
            return Err(StoreError::NotFound {
                kind: "organization",
                id: org.to_string(),
            });
        };
        if role.org_kind() != organization.kind {
            return Err(StoreError::Invalid(format!(
                "role {role} belongs to {} organizations, and organization {org} is {}",
                role.org_kind(),
                organization.kind
            )));
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| StoreError::Invalid(format!("no randomness: {e}")))?;
        let secret = format!("koh_{}", hex::encode(bytes));
        let id = allocate_ids(conn, IdTable::ApiTokens, 1)?
            .first()
            .copied()
            .ok_or_else(|| StoreError::Invalid("no id".into()))?;
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::id.eq(id),
                api_tokens::org_id.eq(org.0),
                api_tokens::role.eq(role.as_str()),
                api_tokens::label.eq(label),
                api_tokens::secret_hash.eq(hash_secret(&secret)),
                api_tokens::created_at.eq(now()),
                api_tokens::expires_at.eq(expires_at),
            ))
            .execute(conn)
            .map_err(|e| constraint_error(e, "token"))?;
        Ok(IssuedToken {
            id: TokenId(id),
            org,
            role,
            secret: TokenSecret(secret),
            expires_at,
        })
    })
}

/// The identity behind a secret, if the token exists, is not revoked and has
/// not expired.
#[allow(clippy::type_complexity)]
pub fn authenticate(
    conn: &mut DbConnection,
    secret: &str,
) -> Result<Option<TokenIdentity>, StoreError> {
    if !secret.starts_with("koh_") || secret.len() > 200 {
        return Ok(None);
    }
    let row: Option<(
        i64,
        i64,
        String,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        String,
    )> = api_tokens::table
        .inner_join(organizations::table)
        .filter(api_tokens::secret_hash.eq(hash_secret(secret)))
        .select((
            api_tokens::id,
            api_tokens::org_id,
            api_tokens::role,
            api_tokens::expires_at,
            api_tokens::revoked_at,
            organizations::kind,
        ))
        .first(conn)
        .optional()?;
    let Some((id, org, role, expires_at, revoked_at, kind)) = row else {
        return Ok(None);
    };
    if revoked_at.is_some() || expires_at.is_some_and(|e| e <= now()) {
        return Ok(None);
    }
    Ok(Some(TokenIdentity {
        token: TokenId(id),
        org: OrgId(org),
        org_kind: parse_db(&kind)?,
        role: parse_db(&role)?,
    }))
}

/// Revoke a token; it stops working at once.
pub fn revoke_token(conn: &mut DbConnection, id: TokenId) -> Result<(), StoreError> {
    let n = diesel::update(
        api_tokens::table
            .find(id.0)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound {
            kind: "active token",
            id: id.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_ids_carry_a_check_digit() {
        assert!(is_business_id("0245437-2")); // a real Y-tunnus shape with a valid check digit
        assert!(!is_business_id("0245437-3"));
        assert!(!is_business_id("245437-2"));
        assert!(!is_business_id("0245437+2"));
    }

    #[test]
    fn secrets_do_not_print() {
        let s = TokenSecret("koh_abc".into());
        assert_eq!(format!("{s:?}"), "TokenSecret(***)");
    }
}

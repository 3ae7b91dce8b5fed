//! `kohtaanto demo`: one token per role for trying the API, kept in
//! `<data-dir>/demo-tokens.json` so that scripts can pick them up. The store
//! keeps only token hashes, so the file is the one copy of the secrets; a
//! restart reuses the tokens in it while they are still valid.

use std::collections::BTreeMap;
use std::path::Path;

use indexer::generate::DemoOrgs;
use indexer::store::{orgs, Store, StoreError};
use matcher::domain::Role;

/// The file name of the demo tokens inside the data directory.
pub const TOKEN_FILE: &str = "demo-tokens.json";

/// Why demo tokens could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

/// Tokens by role name, valid now: those of an earlier run when all of them
/// still authenticate with their role, otherwise freshly issued ones (the old
/// ones are revoked). The result is written to `<data_dir>/demo-tokens.json`.
pub fn ensure_demo_tokens(
    store: &Store,
    demo_orgs: &DemoOrgs,
    data_dir: &Path,
) -> Result<BTreeMap<String, String>, DemoError> {
    let path = data_dir.join(TOKEN_FILE);
    let previous: BTreeMap<String, String> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let tokens = store.write(|conn| {
        let mut identities = Vec::new();
        for role in Role::ALL {
            let identity = match previous.get(role.as_str()) {
                Some(secret) => orgs::authenticate(conn, secret)?,
                None => None,
            };
            identities.push(identity.filter(|i| i.role == *role));
        }
        if identities.iter().all(Option::is_some) {
            return Ok(previous.clone());
        }
        for identity in identities.into_iter().flatten() {
            orgs::revoke_token(conn, identity.token)?;
        }
        let mut fresh = BTreeMap::new();
        for role in Role::ALL {
            let Some(org) = demo_orgs.for_role(*role) else {
                return Err(StoreError::Invalid(format!(
                    "no demo organization for role {role}"
                )));
            };
            let token = orgs::issue_token(conn, org, *role, "demo", None)?;
            fresh.insert(role.to_string(), token.secret.expose().to_owned());
        }
        Ok(fresh)
    })?;
    if tokens != previous {
        write_private(
            &path,
            &serde_json::to_string_pretty(&tokens).unwrap_or_default(),
        )?;
    }
    Ok(tokens)
}

/// Write a file only its owner can read (it holds secrets).
fn write_private(path: &Path, text: &str) -> Result<(), DemoError> {
    let failed = |e: std::io::Error| DemoError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let tmp = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(failed)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(failed)
}

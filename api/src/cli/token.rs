//! `kohtaanto token`: issue and revoke API tokens. A secret is printed once;
//! the store keeps only its hash.

use clap::Subcommand;
use indexer::store;
use serde_json::json;

use super::{print_json, CliError, Context};

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue a token; its secret is printed once and only its hash is kept.
    Issue {
        #[arg(long)]
        org: i64,
        /// adviser, recruiter, employer, analyst or admin
        #[arg(long)]
        role: matcher::domain::Role,
        #[arg(long, default_value = "cli")]
        label: String,
        /// Days until the token expires (default: never)
        #[arg(long)]
        expires_days: Option<u32>,
        /// Print the token (with its secret) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by id.
    Revoke {
        id: i64,
        /// Print `{"revoked": id}`.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, what: TokenCommand) -> Result<(), CliError> {
    let store = ctx.store()?;
    match what {
        TokenCommand::Issue {
            org,
            role,
            label,
            expires_days,
            json,
        } => {
            let expires = expires_days.map(|d| store::now() + chrono::Duration::days(i64::from(d)));
            let token = store.write(|c| {
                store::orgs::issue_token(c, matcher::domain::OrgId(org), role, &label, expires)
            })?;
            if json {
                return print_json(&json!({
                    "id": token.id,
                    "org": token.org,
                    "role": token.role,
                    "label": label,
                    "expires_at": token.expires_at,
                    "secret": token.secret.expose(),
                }));
            }
            println!(
                "token {} for organization {} as {}:",
                token.id, token.org, token.role
            );
            println!("{}", token.secret.expose());
        }
        TokenCommand::Revoke { id, json } => {
            store.write(|c| store::orgs::revoke_token(c, matcher::domain::TokenId(id)))?;
            if json {
                return print_json(&json!({ "revoked": id }));
            }
            println!("token {id} revoked");
        }
    }
    Ok(())
}

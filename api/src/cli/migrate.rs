//! `kohtaanto migrate`: apply pending database migrations (opening the
//! store does it; this command only says where).

use clap::Args;
use serde_json::json;

use super::{print_json, CliError, Context};

#[derive(Args)]
pub struct MigrateArgs {
    /// Print `{"database": …}` (password redacted).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: MigrateArgs) -> Result<(), CliError> {
    let store = ctx.store()?;
    if args.json {
        return print_json(&json!({ "database": store.url().to_string() }));
    }
    println!("migrations applied to {}", store.url());
    Ok(())
}

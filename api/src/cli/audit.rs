//! `kohtaanto audit verify`: walk the audit log's hash chain; exit code 2
//! when an event was edited or deleted.

use clap::Subcommand;
use indexer::store;

use super::{print_json, CliError, Context};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain; exit 2 when an event was edited or deleted.
    Verify {
        /// Print the verification as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, what: AuditCommand) -> Result<(), CliError> {
    let AuditCommand::Verify { json } = what;
    let v = ctx.store()?.read(store::audit::verify)?;
    if json {
        print_json(&v)?;
    } else if let Some(id) = v.broken_at {
        println!(
            "audit chain broken at event {id}: {} ({} events read)",
            v.reason.as_deref().unwrap_or(""),
            v.events
        );
    } else {
        println!("audit chain intact: {} events, head {}", v.events, v.head);
    }
    if v.broken_at.is_some() {
        return Err(CliError::AuditChainBroken);
    }
    Ok(())
}

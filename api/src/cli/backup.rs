//! `kohtaanto backup FILE`: an online copy of the embedded store (see
//! [`indexer::store::backup`]); restoring it is described in
//! docs/operations.md.

use std::path::PathBuf;

use clap::Args;

use super::{print_json, CliError, Context};

#[derive(Args)]
pub struct BackupArgs {
    /// The file to write (must not exist).
    file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: BackupArgs) -> Result<(), CliError> {
    let store = ctx.store()?;
    let report = indexer::store::backup::backup(&store, &args.file)?;
    if args.json {
        return print_json(&report);
    }
    println!(
        "backed up {} to {} ({:.1} MB in {:.1} s)",
        store.url(),
        report.file,
        report.bytes as f64 / 1e6,
        report.seconds
    );
    Ok(())
}

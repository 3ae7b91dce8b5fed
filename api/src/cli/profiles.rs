//! `kohtaanto profiles expire [--dry-run]`: storage limitation — list the
//! profiles inactive for longer than `retention_months` and make them
//! inactive (each audited as `profile.expire`). `serve` runs the same daily.

use clap::Subcommand;

use super::{print_json, CliError, Context};

#[derive(Subcommand)]
pub enum ProfilesCommand {
    /// Make profiles inactive for longer than `retention_months` (default
    /// 24) inactive; list them.
    Expire {
        /// Only list the profiles due; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Months without activity; default: the configuration's
        /// `retention_months`.
        #[arg(long, value_name = "MONTHS", value_parser = clap::value_parser!(u32).range(1..=1200))]
        months: Option<u32>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, what: ProfilesCommand) -> Result<(), CliError> {
    let ProfilesCommand::Expire {
        dry_run,
        months,
        json,
    } = what;
    let months = months.unwrap_or(ctx.config.retention_months);
    let store = ctx.store()?;
    let at = chrono::Utc::now().naive_utc();
    let report = indexer::retention::expire(&store, months, at, dry_run)?;
    if json {
        return print_json(&report);
    }
    for p in &report.due {
        println!(
            "{}\t{}\toffice {}\tlast active {}",
            p.id,
            p.pseudonym,
            p.managing_org,
            p.last_active_at.format("%Y-%m-%d")
        );
    }
    let verb = if dry_run {
        "would be made inactive"
    } else {
        "made inactive"
    };
    let count = if dry_run {
        report.due.len()
    } else {
        report.made_inactive
    };
    println!(
        "{count} profiles {verb}: no activity since {} ({months} months)",
        report.cut_off.format("%Y-%m-%d")
    );
    Ok(())
}

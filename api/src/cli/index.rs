//! `kohtaanto index`: this process's search index — rebuild and swap,
//! apply the outbox, compare with the store (exit code 2 on drift), purge
//! deleted documents from disk.

use clap::Subcommand;
use indexer::index::{IndexRoot, IndexSync, ReferenceData};
use serde_json::json;

use super::{print_json, progress_bar, CliError, Context};

#[derive(Subcommand)]
pub enum IndexCommand {
    /// Build a fresh index from the store and swap it in atomically, then
    /// catch up with the outbox.
    Rebuild {
        /// Print the rebuild and catch-up reports as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Apply the outbox up to its end.
    Sync {
        /// Keep following the outbox until killed (what `serve` does in the
        /// background).
        #[arg(long)]
        follow: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare the index with the store; exit code 2 on drift.
    Check {
        /// Print the comparison as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Apply the outbox, then merge segments and delete the files of removed
    /// documents, so that deleted records are gone from disk.
    Purge {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, what: IndexCommand) -> Result<(), CliError> {
    let store = ctx.store()?;
    let root = IndexRoot::new(ctx.config.index_dir());
    match what {
        IndexCommand::Rebuild { json } => {
            let reference = ReferenceData::load(&store)?;
            let bar = progress_bar(0, "indexing");
            let report = indexer::index::rebuild(&store, &root, &reference, |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?;
            bar.finish_and_clear();
            let mut sync = IndexSync::open(root, reference)?;
            let caught_up = sync.sync_all(&store, |_| {})?;
            if json {
                return print_json(&json!({ "rebuild": report, "sync": caught_up }));
            }
            println!(
                "indexed {} vacancies and {} profiles in {:.1} s ({:.0} docs/s, {:.1} MB) into {}; \
                 then applied {} outbox entries",
                report.vacancies,
                report.profiles,
                report.seconds,
                report.docs_per_second,
                report.bytes as f64 / 1e6,
                report.directory,
                caught_up.entries
            );
        }
        IndexCommand::Sync { follow, json } => {
            let mut sync = IndexSync::open(root, ReferenceData::load(&store)?)?;
            if let Some((applied, stored)) = indexer::index::ahead_of_store(&store, sync.index())? {
                return Err(CliError::IndexAhead { applied, stored });
            }
            if follow {
                if json {
                    print_json(&json!({ "following_from_outbox_id": sync.applied() }))?;
                } else {
                    println!("following the outbox from id {}", sync.applied());
                }
                let never = std::sync::atomic::AtomicBool::new(false);
                sync.run(&store, &never, std::time::Duration::from_millis(100));
            }
            let report = sync.sync_all(&store, |_| {})?;
            if json {
                return print_json(&report);
            }
            println!(
                "applied {} outbox entries in {} commits ({:.1} s); the index is at outbox id {}",
                report.entries, report.commits, report.seconds, report.applied_outbox_id
            );
        }
        IndexCommand::Check { json } => {
            let index = indexer::index::SearchIndex::open_current(&root)?;
            let report = indexer::index::check(&store, &index)?;
            if json {
                print_json(&report)?;
            } else {
                for (kind, k) in [
                    ("vacancies", &report.vacancies),
                    ("profiles", &report.profiles),
                ] {
                    println!(
                        "{kind:>10}: store {} index {} missing {} extra {} stale {} duplicated {}",
                        k.store, k.index, k.missing, k.extra, k.stale, k.duplicated
                    );
                }
                println!(
                    "outbox: index at {}, store at {} (lag {})",
                    report.applied_outbox_id, report.store_outbox_id, report.lag
                );
            }
            if report.drift {
                return Err(CliError::Drift);
            }
        }
        IndexCommand::Purge { json } => {
            let mut sync = IndexSync::open(root, ReferenceData::load(&store)?)?;
            sync.sync_all(&store, |_| {})?;
            let report = sync.purge()?;
            if json {
                return print_json(&report);
            }
            println!(
                "purged: {} segments ({} deleted documents) merged into {}; {} files removed",
                report.segments_before,
                report.deleted_docs_before,
                report.segments_after,
                report.files_removed
            );
        }
    }
    Ok(())
}

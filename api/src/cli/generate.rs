//! `kohtaanto generate`: a realistic synthetic population of jobseeker
//! profiles and vacancies, and a history of what became of them,
//! deterministic for a seed.

use clap::Args;
use indexer::generate::history::{record_history, HistorySpec};
use indexer::generate::PopulationSpec;
use indexer::index::IndexRoot;
use indexer::store::Store;

use super::{print_json, progress_bar, CliError, Context};

#[derive(Args)]
pub struct GenerateArgs {
    #[arg(long, default_value_t = 20_000)]
    profiles: usize,
    #[arg(long, default_value_t = 3_000)]
    vacancies: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: GenerateArgs) -> Result<(), CliError> {
    let store = ctx.store()?;
    let index = IndexRoot::new(ctx.config.index_dir());
    generate(
        &store,
        &index,
        args.profiles,
        args.vacancies,
        args.seed,
        args.json,
    )
}

/// Generate a population with a progress bar on the terminal, then its
/// history (ranked with the index at `index`, built when there is none).
pub fn generate(
    store: &Store,
    index: &IndexRoot,
    profiles: usize,
    vacancies: usize,
    seed: u64,
    json: bool,
) -> Result<(), CliError> {
    let spec = PopulationSpec::today(profiles, vacancies, seed);
    let bar = progress_bar((profiles + vacancies) as u64, "generating");
    let fixtures = indexer::sources::fixtures_dir();
    let report = indexer::generate::generate_population(store, &fixtures, &spec, |done, _| {
        bar.set_position(done as u64)
    })?;
    indexer::generate::outreach::generate(store, &spec)?;
    bar.finish_and_clear();
    let today = spec.reference_date;
    let history = record_history(
        store,
        index,
        &HistorySpec::for_population(seed, vacancies, today),
    )?;
    // A year of the picture's daily tallies, ending at today's (after the
    // history's hires).
    let reference = indexer::generate::ensure_reference_data(store, &fixtures)?;
    indexer::generate::snapshots::generate(store, &reference, seed, today)?;
    if json {
        return print_json(&serde_json::json!({
            "profiles": report.profiles,
            "vacancies": report.vacancies,
            "seconds": report.seconds,
            "history": history,
        }));
    }
    println!(
        "generated {} profiles and {} vacancies in {:.1} s",
        report.profiles, report.vacancies, report.seconds
    );
    println!("{history}");
    Ok(())
}

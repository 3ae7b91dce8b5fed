//! `kohtaanto generate`: a realistic synthetic population of jobseeker
//! profiles and vacancies, deterministic for a seed.

use clap::Args;
use indexer::generate::PopulationSpec;
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
    generate(&store, args.profiles, args.vacancies, args.seed, args.json)
}

/// Generate a population with a progress bar on the terminal.
pub fn generate(
    store: &Store,
    profiles: usize,
    vacancies: usize,
    seed: u64,
    json: bool,
) -> Result<(), CliError> {
    let spec = PopulationSpec {
        profiles,
        vacancies,
        seed,
        reference_date: chrono::Utc::now().date_naive(),
    };
    let bar = progress_bar((profiles + vacancies) as u64, "generating");
    let fixtures = indexer::sources::fixtures_dir();
    let report = indexer::generate::generate_population(store, &fixtures, &spec, |done, _| {
        bar.set_position(done as u64)
    })?;
    indexer::generate::outreach::generate(store, &spec)?;
    bar.finish_and_clear();
    if json {
        return print_json(&report);
    }
    println!(
        "generated {} profiles and {} vacancies in {:.1} s",
        report.profiles, report.vacancies, report.seconds
    );
    Ok(())
}

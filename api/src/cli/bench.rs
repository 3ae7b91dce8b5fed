//! `kohtaanto bench`: the glue between the command line and
//! [`api::bench`], which measures Kohtaanto at national scale with a
//! PostgreSQL baseline in one run (see docs/benchmarks.md); `bench import`
//! measures `import profiles` ([`api::bench::import`], docs/import.md).
//!
//! The benchmark keeps its own population: it uses the global `--data-dir`
//! when given, else `./kohtaanto-bench` — never the configured data
//! directory, which a `--fresh` run would wipe.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{print_json, CliError, GlobalArgs};

/// The data directory of `bench` without `--data-dir`.
pub const DEFAULT_DATA_DIR: &str = "kohtaanto-bench";

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: Option<BenchWhat>,
    #[arg(long, default_value_t = 1_000_000)]
    profiles: usize,
    #[arg(long, default_value_t = 100_000)]
    vacancies: usize,
    /// Queries per latency measurement.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Generate anew even when the data directory (--data-dir, default
    /// ./kohtaanto-bench) holds the population.
    #[arg(long)]
    fresh: bool,
    /// PostgreSQL database for the baseline (its bench_* tables are
    /// replaced); default $KOHTAANTO_BENCH_BASELINE_URL; none: no baseline.
    #[arg(long)]
    baseline_url: Option<String>,
    /// HTTP load: concurrency levels.
    #[arg(long, value_delimiter = ',', default_value = "1,4,16")]
    concurrency: Vec<usize>,
    /// HTTP load: seconds per route and level.
    #[arg(long, default_value_t = 10.0)]
    http_seconds: f64,
    /// Skip the nationwide batch (top-10 candidates for every vacancy).
    #[arg(long)]
    no_batch: bool,
    /// Run the batch on this many vacancies (spread over all) and
    /// estimate the full batch from their rate.
    #[arg(long)]
    batch_vacancies: Option<usize>,
    /// Print the figures as JSON instead of the table; `--json FILE` writes
    /// them to FILE as well as printing the table.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
    json: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum BenchWhat {
    /// Import a generated customer-system file of profiles into fresh
    /// stores (every profile created, then updated) on SQLite and on each
    /// --database-url, next to create_profiles of the same profiles.
    Import(ImportBenchArgs),
    /// Run the server under mixed load (rankings, search, profile views,
    /// write cycles) at a fixed rate for MINUTES and report throughput,
    /// latency, errors and memory per minute.
    Soak(SoakArgs),
}

#[derive(Args)]
pub struct SoakArgs {
    /// How long to run, in minutes.
    #[arg(value_parser = positive)]
    minutes: f64,
    /// Requests started per second.
    #[arg(long, default_value_t = 20.0, value_parser = positive)]
    rate: f64,
    /// Concurrent clients working through the schedule.
    #[arg(long, default_value_t = 8)]
    workers: usize,
    /// Minutes before memory growth is counted.
    #[arg(long, default_value_t = 10)]
    warmup: usize,
    /// The population generated when the data directory holds none (one
    /// it holds is used whatever its size).
    #[arg(long, default_value_t = 1_000_000)]
    profiles: usize,
    #[arg(long, default_value_t = 100_000)]
    vacancies: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Print the figures as JSON instead of the table; `--json FILE` writes
    /// them to FILE as well as printing the table.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
    json: Option<PathBuf>,
}

#[derive(Args)]
pub struct ImportBenchArgs {
    #[arg(long, default_value_t = 100_000)]
    profiles: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// A PostgreSQL database to measure too (in a schema of its own,
    /// dropped afterwards); may be given more than once.
    #[arg(long, value_name = "URL")]
    database_url: Vec<String>,
    /// Measure only the --database-url databases.
    #[arg(long)]
    no_sqlite: bool,
    /// Print the figures as JSON instead of the table.
    #[arg(long)]
    json: bool,
}

fn run_import(global: &GlobalArgs, args: ImportBenchArgs) -> Result<(), CliError> {
    for url in &args.database_url {
        let parsed = indexer::store::DatabaseUrl::parse(url)?;
        if parsed.backend() != indexer::store::Backend::Postgres {
            return Err(CliError::Store(indexer::store::StoreError::InvalidUrl(
                format!("--database-url {parsed} is not PostgreSQL (SQLite runs anyway)"),
            )));
        }
    }
    let options = api::bench::import::ImportBenchOptions {
        profiles: args.profiles,
        seed: args.seed,
        data_dir: data_dir(global),
        sqlite: !args.no_sqlite,
        postgres: args.database_url,
    };
    let report = api::bench::import::run(&options)?;
    if args.json {
        print_json(&report)
    } else {
        api::bench::import::print(&report);
        Ok(())
    }
}

/// A number above zero (and finite).
fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("{text:?} is not a positive number")),
    }
}

fn run_soak(global: &GlobalArgs, args: SoakArgs) -> Result<(), CliError> {
    let options = api::bench::soak::SoakOptions {
        minutes: args.minutes,
        rate: args.rate,
        workers: args.workers.max(1),
        warmup_minutes: args.warmup,
        profiles: args.profiles,
        vacancies: args.vacancies,
        seed: args.seed,
        data_dir: data_dir(global),
        exe: std::env::current_exe().map_err(CliError::Exe)?,
    };
    let report = api::bench::soak::run(&options)?;
    match args.json.as_deref() {
        Some(path) if path == Path::new("-") => print_json(&report)?,
        Some(path) => {
            api::bench::soak::print(&report);
            api::bench::write_json(&report, path)?;
        }
        None => api::bench::soak::print(&report),
    }
    Ok(())
}

/// `--data-dir` when given, else ./kohtaanto-bench.
fn data_dir(global: &GlobalArgs) -> PathBuf {
    global
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
}

pub fn run(global: &GlobalArgs, args: BenchArgs) -> Result<(), CliError> {
    match args.what {
        Some(BenchWhat::Import(import)) => return run_import(global, import),
        Some(BenchWhat::Soak(soak)) => return run_soak(global, soak),
        None => {}
    }
    let options = api::bench::BenchOptions {
        profiles: args.profiles,
        vacancies: args.vacancies,
        queries: args.queries.max(1),
        seed: args.seed,
        data_dir: data_dir(global),
        fresh: args.fresh,
        baseline_url: args.baseline_url.or_else(|| {
            std::env::var("KOHTAANTO_BENCH_BASELINE_URL")
                .ok()
                .filter(|u| !u.is_empty())
        }),
        concurrency: args.concurrency.into_iter().filter(|&c| c > 0).collect(),
        http_seconds: args.http_seconds,
        batch: !args.no_batch,
        batch_vacancies: args.batch_vacancies,
        exe: std::env::current_exe().map_err(CliError::Exe)?,
    };
    let report = api::bench::run(&options)?;
    match args.json.as_deref() {
        Some(path) if path == Path::new("-") => print_json(&report)?,
        Some(path) => {
            api::bench::print(&report);
            api::bench::write_json(&report, path)?;
        }
        None => api::bench::print(&report),
    }
    Ok(())
}

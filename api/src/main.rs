//! The `kohtaanto` command line: parsing and dispatching only. Each command
//! group lives in its own module under `cli/`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

mod cli;

use cli::{
    audit::AuditCommand, backup::BackupArgs, bench::BenchArgs, cohort::CohortCommand,
    evaluate::EvaluateCommand, generate::GenerateArgs, import::ImportWhat, index::IndexCommand,
    matching::MatchCommand, migrate::MigrateArgs, org::OrgCommand, outreach::OutreachCommand,
    picture::PictureArgs, profiles::ProfilesCommand, serve::DemoArgs, serve::ServerArgs,
    stats::StatsArgs, taxonomy::TaxonomyCommand, token::TokenCommand, CliError, Context,
    GlobalArgs,
};

#[derive(Parser)]
#[command(
    name = "kohtaanto",
    version,
    about = "Cross-regional job matching for Finland"
)]
struct Cli {
    /// Configuration file (TOML); default $KOHTAANTO_CONFIG, else
    /// ./kohtaanto.toml when present.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory (embedded store, index, demo tokens); overrides
    /// data_dir of the configuration file and $KOHTAANTO_DATA_DIR.
    /// `bench`: default ./kohtaanto-bench.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prepare a demo store (taxonomy, geography, population) if it is empty,
    /// print one token per role, then serve.
    Demo(DemoArgs),
    /// Serve the API.
    Serve(ServerArgs),
    /// Apply pending database migrations.
    Migrate(MigrateArgs),
    /// Copy the embedded (SQLite) store to a file while it is in use.
    Backup(BackupArgs),
    /// Load the shipped (or given) ESCO taxonomy, geography and industries into the store.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Generate a realistic synthetic population (deterministic for a seed).
    Generate(GenerateArgs),
    /// Manage organizations.
    Org {
        #[command(subcommand)]
        what: OrgCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        what: TokenCommand,
    },
    /// Rank candidates for a vacancy, or vacancies for a jobseeker, with
    /// explanations (uses this process's index; run `index sync` first when
    /// no server keeps it in step).
    Match {
        #[command(subcommand)]
        what: MatchCommand,
    },
    /// Maintain the search index of this process.
    Index {
        #[command(subcommand)]
        what: IndexCommand,
    },
    /// Code free text to ESCO: job titles to occupations, text to skills.
    Taxonomy {
        #[command(subcommand)]
        what: TaxonomyCommand,
    },
    /// Counts of what the store holds.
    Stats(StatsArgs),
    /// Cohorts: the workers one employer lays off, assigned nationwide.
    Cohort {
        #[command(subcommand)]
        what: CohortCommand,
    },
    /// Employer outreach: contact campaigns from a CSV firm list, and
    /// their progress per office.
    Outreach {
        #[command(subcommand)]
        what: OutreachCommand,
    },
    /// The labour-market picture: open positions, active jobseekers,
    /// tightness and mismatch per area and occupation (or industry), and
    /// the cross-region potential matrix.
    Picture(PictureArgs),
    /// Judge the ranking by outcomes: the rank each hired person had when
    /// introduced (hit rates, MRR), and the scoring configuration against
    /// its predecessor.
    Evaluate {
        #[command(subcommand)]
        what: EvaluateCommand,
    },
    /// Jobseeker profiles: storage limitation (`profiles expire`).
    Profiles {
        #[command(subcommand)]
        what: ProfilesCommand,
    },
    /// Measure Kohtaanto at national scale, with a PostgreSQL baseline,
    /// in one run (see docs/benchmarks.md).
    Bench(BenchArgs),
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
}

fn main() -> ExitCode {
    let matches = cli::help::grouped(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_report() {
                eprintln!("error: {e}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let global = GlobalArgs {
        config: cli.config,
        data_dir: cli.data_dir,
    };
    let ctx = || Context::load(&global);
    match cli.command {
        Command::Demo(args) => cli::serve::run_demo(ctx()?, args),
        Command::Serve(args) => cli::serve::run_serve(ctx()?, args),
        Command::Migrate(args) => cli::migrate::run(&ctx()?, args),
        Command::Backup(args) => cli::backup::run(&ctx()?, args),
        Command::Import { what } => cli::import::run(&ctx()?, what),
        Command::Generate(args) => cli::generate::run(&ctx()?, args),
        Command::Org { what } => cli::org::run(&ctx()?, what),
        Command::Token { what } => cli::token::run(&ctx()?, what),
        Command::Match { what } => cli::matching::run(&ctx()?, what),
        Command::Index { what } => cli::index::run(&ctx()?, what),
        Command::Taxonomy { what } => cli::taxonomy::run(&ctx()?, what),
        Command::Stats(args) => cli::stats::run(&ctx()?, args),
        Command::Cohort { what } => cli::cohort::run(&ctx()?, what),
        Command::Outreach { what } => cli::outreach::run(&ctx()?, what),
        Command::Picture(args) => cli::picture::run(&ctx()?, args),
        Command::Evaluate { what } => cli::evaluate::run(&ctx()?, what),
        // The benchmark keeps its own data directory and reads no configuration.
        Command::Profiles { what } => cli::profiles::run(&ctx()?, what),
        Command::Bench(args) => cli::bench::run(&global, args),
        Command::Audit { what } => cli::audit::run(&ctx()?, what),
    }
}

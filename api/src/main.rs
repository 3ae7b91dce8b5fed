//! The `kohtaanto` command line: set-up, data loading and the server.

use std::path::PathBuf;
use std::process::ExitCode;

mod taxonomy_command;
use taxonomy_command::TaxonomyCommand;

use api::config;
use api::server::{AppState, Application};
use clap::{Args, Parser, Subcommand};
use indexer::feeds::{FeedSource, FetchLimits};
use indexer::generate::PopulationSpec;
use indexer::index::{IndexRoot, IndexSync, ReferenceData};
use indexer::store::{self, Store};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "kohtaanto",
    version,
    about = "Cross-regional job matching for Finland"
)]
struct Cli {
    /// Configuration file (TOML); default ./kohtaanto.toml when present.
    #[arg(long, global = true)]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prepare a demo store (taxonomy, geography, population) if it is empty,
    /// print one token per role, then serve.
    Demo {
        #[command(flatten)]
        server: ServerArgs,
        /// Profiles to generate when the store has none.
        #[arg(long, default_value_t = 20_000)]
        profiles: usize,
        /// Vacancies to generate when the store has none.
        #[arg(long, default_value_t = 3_000)]
        vacancies: usize,
    },
    /// Serve the API.
    Serve {
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load the shipped (or given) ESCO taxonomy, geography and industries into the store.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Generate a realistic synthetic population (deterministic for a seed).
    Generate {
        #[arg(long, default_value_t = 20_000)]
        profiles: usize,
        #[arg(long, default_value_t = 3_000)]
        vacancies: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
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
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Cohorts: the workers one employer lays off, assigned nationwide.
    Cohort {
        #[command(subcommand)]
        what: CohortCommand,
    },
    /// The labour-market picture: open positions, active jobseekers,
    /// tightness and mismatch per area and occupation (or industry), and
    /// the cross-region potential matrix.
    Picture {
        /// Rows: country, region, sub_region, ely or municipality.
        #[arg(long, default_value = "region")]
        by: String,
        /// ISCO-08 level of the occupation columns (1–4).
        #[arg(long, default_value_t = 1)]
        level: u8,
        /// Columns by TOL 2008 industry instead: section or division.
        #[arg(long)]
        industry: Option<String>,
        /// Also compute the cross-region potential matrix.
        #[arg(long)]
        potential: bool,
        /// A pair at or above this score is a good match (potential matrix).
        #[arg(long, default_value_t = 0.5)]
        min_score: f64,
        /// Withhold small cells, as the analyst role sees the picture.
        #[arg(long)]
        suppress: bool,
        /// Language of the names: fi, sv or en.
        #[arg(long, default_value = "fi")]
        lang: String,
        /// Print one table as CSV: cells, areas, groups or flows.
        #[arg(long)]
        csv: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Measure Kohtaanto at national scale, with a PostgreSQL baseline,
    /// in one run (see docs/benchmarks.md).
    Bench {
        #[arg(long, default_value_t = 1_000_000)]
        profiles: usize,
        #[arg(long, default_value_t = 100_000)]
        vacancies: usize,
        /// Queries per latency measurement.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Population and index; reused when it holds exactly this population.
        #[arg(long, default_value = "kohtaanto-bench")]
        data_dir: PathBuf,
        /// Generate anew even when the data directory holds the population.
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
        /// Also write the figures as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
}

#[derive(Subcommand)]
enum CohortCommand {
    /// Create a cohort of profiles on behalf of an employment office.
    Create {
        /// The employment office (organization id) that owns the cohort.
        #[arg(long)]
        org: i64,
        #[arg(long)]
        name: String,
        /// The employer laying off.
        #[arg(long)]
        employer: String,
        /// Profile ids, comma-separated.
        #[arg(long, value_delimiter = ',')]
        profiles: Vec<i64>,
        /// A file of profile ids, one per line.
        #[arg(long)]
        profiles_file: Option<PathBuf>,
    },
    /// Assign a cohort nationwide and print the placements and the regional report.
    Assign {
        id: i64,
        /// The office that owns the cohort.
        #[arg(long)]
        org: i64,
        /// Pairs below this score are not made.
        #[arg(long, default_value_t = 0.5)]
        min_score: f64,
        /// Candidate vacancies per member in the first round.
        #[arg(long, default_value_t = 20)]
        candidates: usize,
        #[arg(long, default_value = "mobility")]
        scope: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; exit 2 when an event was edited or deleted.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct ServerArgs {
    /// Data directory (embedded store, index, demo tokens).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0: any free port).
    #[arg(long)]
    bind: Option<String>,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// An ESCO export directory (original CSV files, plain or .gz).
    Taxonomy { dir: std::path::PathBuf },
    /// Municipalities and regions (Statistics Finland tables).
    Geography { dir: std::path::PathBuf },
    /// TOL 2008 industries (Statistics Finland classification JSON).
    Industries { dir: std::path::PathBuf },
    /// schema.org JobPosting JSON-LD (a JSON document or an HTML page with
    /// embedded JSON-LD) from a URL or a file; prints a report per item.
    Vacancies {
        /// `https://…` or a file path.
        location: String,
        /// The source name the vacancies are stored under (dedup namespace).
        #[arg(long)]
        source: String,
        /// The organization that owns the vacancies.
        #[arg(long)]
        owner_org: i64,
        /// public, hidden or shared
        #[arg(long, default_value = "public")]
        visibility: matcher::domain::Visibility,
        /// Agencies a shared feed is shared with.
        #[arg(long)]
        shared_with: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct MatchArgs {
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// mobility (each jobseeker's own), commute, region or nationwide
    #[arg(long, default_value = "mobility")]
    scope: matcher::scoring::Scope,
    /// Match as a recruitment agency (consented profiles only; public,
    /// shared and own vacancies) instead of as an employment office.
    #[arg(long)]
    agency: Option<i64>,
    #[arg(long)]
    json: bool,
}

impl MatchArgs {
    fn request(&self) -> indexer::matching::MatchRequest {
        indexer::matching::MatchRequest {
            limit: self.limit,
            scope: self.scope,
            now: store::now(),
            org_id: self.agency,
            token_id: None,
            lang: matcher::taxonomy::Lang::En,
        }
    }
}

#[derive(Subcommand)]
enum MatchCommand {
    /// Ranked candidates for a stored vacancy.
    Candidates {
        vacancy_id: i64,
        #[command(flatten)]
        args: MatchArgs,
    },
    /// Ranked vacancies for a stored jobseeker profile.
    Vacancies {
        profile_id: i64,
        #[command(flatten)]
        args: MatchArgs,
    },
}

#[derive(Subcommand)]
enum IndexCommand {
    /// Build a fresh index from the store and swap it in atomically, then
    /// catch up with the outbox.
    Rebuild,
    /// Apply the outbox up to its end.
    Sync {
        /// Keep following the outbox until killed (what `serve` does in the
        /// background).
        #[arg(long)]
        follow: bool,
    },
    /// Compare the index with the store; exit code 2 on drift.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Apply the outbox, then merge segments and delete the files of removed
    /// documents, so that deleted records are gone from disk.
    Purge,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add an organization.
    Add {
        /// employment_office, agency, employer, ministry or operator
        #[arg(long)]
        kind: matcher::domain::OrgKind,
        #[arg(long)]
        name: String,
        /// Finnish business id (Y-tunnus)
        #[arg(long)]
        business_id: Option<String>,
        /// Statistics Finland municipality code
        #[arg(long)]
        municipality: Option<String>,
    },
    /// List organizations.
    List,
}

#[derive(Subcommand)]
enum TokenCommand {
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
    },
    /// Revoke a token by id.
    Revoke { id: i64 },
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Generate(#[from] indexer::generate::GenerateError),
    #[error(transparent)]
    Source(#[from] indexer::sources::SourceError),
    #[error(transparent)]
    Demo(#[from] api::demo::DemoError),
    #[error("cannot create data directory {path}: {reason}")]
    DataDir { path: String, reason: String },
    #[error("cannot serve on {address}: {reason}")]
    Serve { address: String, reason: String },
    #[error(transparent)]
    Index(#[from] indexer::index::IndexError),
    #[error("the index differs from the store")]
    Drift,
    #[error(transparent)]
    Match(#[from] indexer::matching::MatchError),
    #[error(transparent)]
    Feed(#[from] indexer::feeds::FeedError),
    #[error("feed {name}: {reason}")]
    FeedConfig { name: String, reason: String },
    #[error("cannot read {path}: {reason}")]
    ReadFile { path: String, reason: String },
    #[error(transparent)]
    Taxonomy(#[from] taxonomy_command::TaxonomyCommandError),
    #[error("{0}")]
    Usage(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Drift) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let mut config = config::Config::load(cli.config.as_deref())?;
    let mut needs_data_dir = config.database_url.is_none();
    if let Command::Demo { server, .. } | Command::Serve { server } = &cli.command {
        needs_data_dir = true;
        if let Some(dir) = &server.data_dir {
            config.data_dir = dir.clone();
        }
        if let Some(bind) = &server.bind {
            config.bind = bind.clone();
        }
        init_logging(&config.log);
    }
    if needs_data_dir {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| CliError::DataDir {
            path: config.data_dir.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    let store = Store::open(&config.database_url())?;
    match cli.command {
        Command::Demo {
            profiles,
            vacancies,
            ..
        } => {
            let fixtures = indexer::sources::fixtures_dir();
            let reference = indexer::generate::ensure_reference_data(&store, &fixtures)?;
            let held = store.read(store::profiles::count_profiles)?
                + store.read(store::vacancies::count_vacancies)?;
            if held == 0 {
                generate(&store, profiles, vacancies, 1)?;
            }
            let orgs = indexer::generate::ensure_demo_orgs(&store, &reference.geography)?;
            let tokens = api::demo::ensure_demo_tokens(&store, &orgs, &config.data_dir)?;
            println!(
                "demo tokens (also in {}):",
                config.data_dir.join(api::demo::TOKEN_FILE).display()
            );
            for (role, token) in &tokens {
                println!("  {role:<10} {token}");
            }
            serve(store, &config)?;
        }
        Command::Serve { .. } => {
            indexer::generate::ensure_reference_data(&store, &indexer::sources::fixtures_dir())?;
            serve(store, &config)?
        }
        Command::Index { what } => index_command(&store, &config, what)?,
        Command::Match { what } => match_command(&store, &config, what)?,
        Command::Cohort { what } => cohort_command(&store, &config, what)?,
        Command::Bench {
            profiles,
            vacancies,
            queries,
            seed,
            data_dir,
            fresh,
            baseline_url,
            concurrency,
            http_seconds,
            no_batch,
            batch_vacancies,
            json,
        } => {
            let options = api::bench::BenchOptions {
                profiles,
                vacancies,
                queries: queries.max(1),
                seed,
                data_dir,
                fresh,
                baseline_url: baseline_url.or_else(|| {
                    std::env::var("KOHTAANTO_BENCH_BASELINE_URL")
                        .ok()
                        .filter(|u| !u.is_empty())
                }),
                concurrency: concurrency.into_iter().filter(|&c| c > 0).collect(),
                http_seconds,
                batch: !no_batch,
                batch_vacancies,
                exe: std::env::current_exe().map_err(|e| CliError::Usage(e.to_string()))?,
            };
            let report = api::bench::run(&options).map_err(|e| CliError::Usage(e.to_string()))?;
            api::bench::print(&report);
            if let Some(path) = json {
                api::bench::write_json(&report, &path)
                    .map_err(|e| CliError::Usage(e.to_string()))?;
            }
        }
        Command::Picture {
            by,
            level,
            industry,
            potential,
            min_score,
            suppress,
            lang,
            csv,
            json,
        } => {
            let grouping = match industry.as_deref() {
                None => matcher::picture::Grouping::Occupation(level),
                Some("section") => matcher::picture::Grouping::Industry(1),
                Some("division") => matcher::picture::Grouping::Industry(2),
                Some(other) => {
                    return Err(CliError::Usage(format!(
                        "unknown industry level {other:?} (section or division)"
                    )))
                }
            };
            if !(1..=4).contains(&level) {
                return Err(CliError::Usage(format!(
                    "occupation level {level} (expected 1–4)"
                )));
            }
            let request = indexer::picture::PictureRequest {
                by: by.parse().map_err(CliError::Usage)?,
                grouping,
                disclosure_control: suppress,
                potential,
                min_score,
                lang: lang
                    .parse()
                    .map_err(|e: matcher::taxonomy::UnknownLang| CliError::Usage(e.to_string()))?,
                now: chrono::Utc::now().naive_utc(),
            };
            let table = csv
                .as_deref()
                .map(str::parse::<matcher::picture::CsvTable>)
                .transpose()
                .map_err(CliError::Usage)?;
            let picture = engine(&store, &config)?.picture(&request)?;
            if let Some(table) = table {
                print!("{}", picture.to_csv(table));
            } else if json {
                println!("{}", serde_json::to_string(&picture).unwrap_or_default());
            } else {
                print_picture(&picture);
            }
        }
        Command::Import {
            what:
                ImportWhat::Vacancies {
                    location,
                    source,
                    owner_org,
                    visibility,
                    shared_with,
                    json,
                },
        } => {
            let reference = indexer::generate::ensure_reference_data(
                &store,
                &indexer::sources::fixtures_dir(),
            )?;
            let feed = FeedSource::new(source, &location, matcher::domain::OrgId(owner_org))
                .with_visibility(
                    visibility,
                    shared_with
                        .into_iter()
                        .map(matcher::domain::OrgId)
                        .collect(),
                );
            let coders = indexer::coding::Coders::load(
                &reference.taxonomy,
                &reference.geography,
                Some(&config.data_dir),
            )?;
            let coding = indexer::feeds::FeedCoding::new(coders);
            let report = indexer::feeds::import_feed_coded(
                &store,
                &reference.geography,
                Some(&coding),
                &feed,
                &FetchLimits::default(),
            )?;
            if json {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
            } else {
                println!(
                    "{}: {} items, {} created, {} updated, {} unchanged, {} duplicates of other sources, {} rejected",
                    report.source,
                    report.items_seen,
                    report.created,
                    report.updated,
                    report.unchanged,
                    report.duplicates,
                    report.rejected.len()
                );
                for item in &report.rejected {
                    println!(
                        "  rejected item {} ({}): {}",
                        item.index,
                        item.identifier.as_deref().unwrap_or("no identifier"),
                        item.reason
                    );
                }
            }
        }
        Command::Migrate => println!("migrations applied to {}", store.url()),
        Command::Import {
            what: ImportWhat::Taxonomy { dir },
        } => {
            let taxonomy = indexer::sources::load_taxonomy_dir(&dir)?;
            store.write(|c| store::taxonomy::replace_taxonomy(c, &taxonomy))?;
            println!(
                "imported {}: {} occupations, {} skills",
                taxonomy.version(),
                taxonomy.occupation_count(),
                taxonomy.skill_count()
            );
        }
        Command::Import {
            what: ImportWhat::Geography { dir },
        } => {
            let geography = indexer::sources::load_geography_dir(&dir)?;
            store.write(|c| store::taxonomy::replace_geography(c, &geography))?;
            println!(
                "imported {} municipalities, {} regions",
                geography.municipality_count(),
                geography.region_count()
            );
        }
        Command::Generate {
            profiles,
            vacancies,
            seed,
        } => generate(&store, profiles, vacancies, seed)?,
        Command::Import {
            what: ImportWhat::Industries { dir },
        } => {
            let industries = indexer::sources::load_industries_dir(&dir)?;
            store.write(|c| store::taxonomy::replace_industries(c, &industries))?;
            println!("imported {} industries", industries.len());
        }
        Command::Org {
            what:
                OrgCommand::Add {
                    kind,
                    name,
                    business_id,
                    municipality,
                },
        } => {
            let org = store.write(|c| {
                store::orgs::create_org(
                    c,
                    kind,
                    &name,
                    business_id.as_deref(),
                    municipality.as_deref(),
                )
            })?;
            println!(
                "organization {} created: {} ({})",
                org.id, org.name, org.kind
            );
        }
        Command::Org {
            what: OrgCommand::List,
        } => {
            for org in store.read(store::orgs::list_orgs)? {
                println!("{:>5}  {:<18} {}", org.id, org.kind, org.name);
            }
        }
        Command::Token {
            what:
                TokenCommand::Issue {
                    org,
                    role,
                    label,
                    expires_days,
                },
        } => {
            let expires = expires_days.map(|d| store::now() + chrono::Duration::days(i64::from(d)));
            let token = store.write(|c| {
                store::orgs::issue_token(c, matcher::domain::OrgId(org), role, &label, expires)
            })?;
            println!(
                "token {} for organization {} as {}:",
                token.id, token.org, token.role
            );
            println!("{}", token.secret.expose());
        }
        Command::Token {
            what: TokenCommand::Revoke { id },
        } => {
            store.write(|c| store::orgs::revoke_token(c, matcher::domain::TokenId(id)))?;
            println!("token {id} revoked");
        }
        Command::Taxonomy { what } => taxonomy_command::run(&store, &config.data_dir, what)?,
        Command::Audit {
            what: AuditCommand::Verify { json },
        } => {
            let v = store.read(store::audit::verify)?;
            if json {
                println!("{}", serde_json::to_string(&v).unwrap_or_default());
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
                return Err(CliError::Drift);
            }
        }
        Command::Stats { json } => {
            let counts = store.read(store::taxonomy::taxonomy_counts)?;
            let orgs = store.read(store::orgs::count_orgs)?;
            let profiles = store.read(store::profiles::count_profiles)?;
            let vacancies = store.read(store::vacancies::count_vacancies)?;
            let stats = [
                ("occupations", counts.occupations),
                ("skills", counts.skills),
                ("municipalities", counts.municipalities),
                ("regions", counts.regions),
                ("organizations", orgs),
                ("profiles", profiles),
                ("vacancies", vacancies),
            ];
            if json {
                let map: serde_json::Map<String, serde_json::Value> = stats
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
                    .collect();
                println!("{}", serde_json::Value::Object(map));
            } else {
                for (k, v) in stats {
                    println!("{k:>15}  {v}");
                }
            }
        }
    }
    Ok(())
}

/// Generate a population with a progress bar on the terminal.
fn generate(store: &Store, profiles: usize, vacancies: usize, seed: u64) -> Result<(), CliError> {
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
    bar.finish_and_clear();
    println!(
        "generated {} profiles and {} vacancies in {:.1} s",
        report.profiles, report.vacancies, report.seconds
    );
    Ok(())
}

/// Serve until stopped, with the index kept in step on a background thread
/// (built first when this process has none). The listening address goes to
/// stdout once bound, so that scripts (and tests binding port 0) learn the port.
fn serve(store: Store, config: &config::Config) -> Result<(), CliError> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let address = config.bind.as_str();
    let failed = |e: std::io::Error| CliError::Serve {
        address: address.to_owned(),
        reason: e.to_string(),
    };
    let reference = ReferenceData::load(&store)?;
    let root = IndexRoot::new(config.index_dir());
    // No index yet, or one an older version wrote (another schema): build
    // it from the store, which is always safe.
    let usable = root.current()?.is_some()
        && match indexer::index::SearchIndex::open_current(&root) {
            Ok(_) => true,
            Err(error) => {
                tracing::warn!(%error, "the index cannot be opened; rebuilding it from the store");
                false
            }
        };
    if !usable {
        let report = indexer::index::rebuild(&store, &root, &reference, |_, _| {})?;
        tracing::info!(
            vacancies = report.vacancies,
            profiles = report.profiles,
            seconds = report.seconds,
            "index built"
        );
    }
    let feeds = scheduled_feeds(config)?;
    let geography = Arc::clone(&reference.geography);
    let mut state = AppState::new(store.clone(), &root, Some(&config.data_dir))?;
    let coding = (!feeds.is_empty()).then(|| Arc::clone(&state.feed_coding));
    let rate = f64::from(config.rate_limit.max(1));
    state.limiter = Arc::new(api::auth::RateLimiter::new(rate, 2.0 * rate));
    let sync = IndexSync::open(root, reference)?;
    let stop = Arc::new(AtomicBool::new(false));
    let scheduler = (!feeds.is_empty()).then(|| {
        indexer::feeds::spawn_scheduler(
            store.clone(),
            geography,
            coding,
            feeds,
            FetchLimits::default(),
            Arc::clone(&stop),
        )
    });
    let syncer = indexer::index::spawn(
        sync,
        store.clone(),
        Arc::clone(&stop),
        std::time::Duration::from_millis(100),
    );
    let served = actix_web::rt::System::new().block_on(async {
        let app = Application::build(state, address).map_err(failed)?;
        let host = address.rsplit_once(':').map_or(address, |(h, _)| h);
        // The web UI's address for people, then the line scripts wait for.
        let browse = match host {
            "0.0.0.0" | "" => "127.0.0.1",
            "[::]" => "[::1]",
            other => other,
        };
        println!("UI: http://{browse}:{}/", app.port());
        println!("listening on http://{host}:{}", app.port());
        use std::io::Write;
        let _ = std::io::stdout().flush();
        app.run_until_stopped().await.map_err(failed)
    });
    stop.store(true, Ordering::Relaxed);
    let _ = syncer.join();
    if let Some(scheduler) = scheduler {
        let _ = scheduler.join();
    }
    served
}

/// The configured feeds with their intervals, checked before serving.
fn scheduled_feeds(
    config: &config::Config,
) -> Result<Vec<(FeedSource, std::time::Duration)>, CliError> {
    config
        .feeds
        .iter()
        .map(|f| {
            let invalid = |reason: String| CliError::FeedConfig {
                name: f.name.clone(),
                reason,
            };
            let visibility = match &f.visibility {
                Some(v) => v.parse().map_err(|e| invalid(format!("{e}")))?,
                None => matcher::domain::Visibility::Public,
            };
            if f.interval_minutes == 0 {
                return Err(invalid("interval_minutes must be at least 1".into()));
            }
            let source =
                FeedSource::new(f.name.clone(), &f.url, matcher::domain::OrgId(f.owner_org))
                    .with_visibility(
                        visibility,
                        f.shared_with
                            .iter()
                            .copied()
                            .map(matcher::domain::OrgId)
                            .collect(),
                    );
            Ok((
                source,
                std::time::Duration::from_secs(f.interval_minutes * 60),
            ))
        })
        .collect()
}

fn index_command(
    store: &Store,
    config: &config::Config,
    what: IndexCommand,
) -> Result<(), CliError> {
    let root = IndexRoot::new(config.index_dir());
    match what {
        IndexCommand::Rebuild => {
            let reference = ReferenceData::load(store)?;
            let bar = progress_bar(0, "indexing");
            let report = indexer::index::rebuild(store, &root, &reference, |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?;
            bar.finish_and_clear();
            let mut sync = IndexSync::open(root, reference)?;
            let caught_up = sync.sync_all(store, |_| {})?;
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
        IndexCommand::Sync { follow } => {
            let mut sync = IndexSync::open(root, ReferenceData::load(store)?)?;
            if follow {
                println!("following the outbox from id {}", sync.applied());
                let never = std::sync::atomic::AtomicBool::new(false);
                sync.run(store, &never, std::time::Duration::from_millis(100));
            }
            let report = sync.sync_all(store, |_| {})?;
            println!(
                "applied {} outbox entries in {} commits ({:.1} s); the index is at outbox id {}",
                report.entries, report.commits, report.seconds, report.applied_outbox_id
            );
        }
        IndexCommand::Check { json } => {
            let index = indexer::index::SearchIndex::open_current(&root)?;
            let report = indexer::index::check(store, &index)?;
            if json {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
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
        IndexCommand::Purge => {
            let mut sync = IndexSync::open(root, ReferenceData::load(store)?)?;
            sync.sync_all(store, |_| {})?;
            let report = sync.purge()?;
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

fn progress_bar(len: u64, message: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len).with_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn cohort_command(
    store: &Store,
    config: &config::Config,
    what: CohortCommand,
) -> Result<(), CliError> {
    use matcher::domain::{OrgId, ProfileId};
    match what {
        CohortCommand::Create {
            org,
            name,
            employer,
            mut profiles,
            profiles_file,
        } => {
            if let Some(path) = profiles_file {
                let text = std::fs::read_to_string(&path).map_err(|e| CliError::ReadFile {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                for (n, line) in text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                {
                    profiles.push(line.trim().parse().map_err(|_| CliError::ReadFile {
                        path: path.display().to_string(),
                        reason: format!("line {}: not a profile id", n + 1),
                    })?);
                }
            }
            let ids: Vec<ProfileId> = profiles.into_iter().map(ProfileId).collect();
            let cohort = store
                .write(|c| store::cohorts::create_cohort(c, &name, &employer, OrgId(org), &ids))?;
            println!(
                "cohort {} created: {} ({} members)",
                cohort.id,
                cohort.name,
                cohort.members.len()
            );
        }
        CohortCommand::Assign {
            id,
            org,
            min_score,
            candidates,
            scope,
            json,
        } => {
            let cohort = store
                .read(|c| store::cohorts::cohort_of(c, id, OrgId(org)))?
                .ok_or(CliError::Match(indexer::matching::MatchError::NotFound {
                    kind: "cohort",
                    id,
                }))?;
            let members = store.read(|c| store::profiles::get_profiles(c, &cohort.members))?;
            let engine = engine(store, config)?;
            let options = indexer::cohorts::AssignmentOptions {
                min_score,
                candidates,
                alternatives: 3,
                scope: scope.parse().map_err(CliError::Usage)?,
                now: chrono::Utc::now().naive_utc(),
                lang: matcher::taxonomy::Lang::En,
            };
            let a = engine.assign_cohort(&members, &options)?;
            if json {
                println!("{}", serde_json::to_string(&a).unwrap_or_default());
                return Ok(());
            }
            println!(
                "{} members, {} placed (total score {:.2}; greedy {:.2}), {} round(s), {}, {:.2} s",
                a.members,
                a.placed,
                a.total_score,
                a.greedy_total_score,
                a.rounds,
                if a.certified {
                    "optimal (certified)"
                } else {
                    "not certified"
                },
                a.seconds
            );
            println!(
                "{:<8} {:>8} {:>8} {:>10}  most missing skills",
                "region", "members", "placed", "no match"
            );
            for r in &a.regions {
                let missing: Vec<String> = r
                    .missing_skills
                    .iter()
                    .take(3)
                    .map(|(s, n)| format!("{s} ({n})"))
                    .collect();
                println!(
                    "{:<8} {:>8} {:>8} {:>10}  {}",
                    r.region,
                    r.members,
                    r.placed,
                    r.without_good_match,
                    missing.join(", ")
                );
            }
        }
    }
    Ok(())
}

fn cell<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| v.to_string())
}

fn print_rows(rows: &[matcher::picture::Row], group: bool) {
    println!(
        "{:<10} {:<34} {:>9} {:>10} {:>11} {:>10} {:>9}",
        "code", "name", "vacancies", "positions", "jobseekers", "tightness", "days open"
    );
    for r in rows {
        let label = if group {
            r.group.as_ref().unwrap_or(&r.area)
        } else {
            &r.area
        };
        let f = &r.figures;
        let name: String = label.name.chars().take(34).collect();
        println!(
            "{:<10} {:<34} {:>9} {:>10} {:>11} {:>10} {:>9}",
            label.code,
            name,
            cell(f.open_vacancies),
            cell(f.open_positions),
            cell(f.active_jobseekers),
            cell(f.tightness.map(|t| format!("{t:.2}"))),
            cell(f.mean_days_open.map(|d| format!("{d:.1}"))),
        );
    }
}

/// The picture as readable tables.
fn print_picture(p: &matcher::picture::Picture) {
    let f = &p.total;
    println!(
        "Labour-market picture at {} ({} open positions in {} vacancies, {} active jobseekers, tightness {}){}",
        p.as_of.format("%Y-%m-%d %H:%M"),
        cell(f.open_positions),
        cell(f.open_vacancies),
        cell(f.active_jobseekers),
        cell(f.tightness.map(|t| format!("{t:.3}"))),
        if p.disclosure_control {
            "; cells under 5 withheld (–)"
        } else {
            ""
        }
    );
    let m = &p.mismatch;
    let index = |v: Option<f64>| cell(v.map(|v| format!("{v:.3}")));
    println!(
        "Jackman–Roper mismatch: across areas {}, across groups {}, across cells {}
",
        index(m.across_areas),
        index(m.across_groups),
        index(m.across_cells)
    );
    print_rows(&p.areas, false);
    println!();
    print_rows(&p.groups, true);
    if let Some(potential) = &p.potential {
        println!(
            "\nCross-region potential (good match: score ≥ {}): {} positions considered, {} with a good match in their own region, {} only elsewhere ({:.1} s)",
            potential.min_score,
            potential.positions_considered,
            potential.positions_matched_locally,
            potential.positions_matched_only_elsewhere,
            potential.seconds
        );
        println!(
            "{:<8} {:<8} {:>9} {:>10}",
            "from", "to", "vacancies", "positions"
        );
        let mut flows: Vec<&matcher::picture::Flow> = potential
            .flows
            .iter()
            .filter(|f| f.from.code != f.to.code)
            .collect();
        flows.sort_by_key(|f| std::cmp::Reverse(f.open_positions.unwrap_or(0)));
        for f in flows.iter().take(25) {
            println!(
                "{:<8} {:<8} {:>9} {:>10}",
                f.from.code,
                f.to.code,
                cell(f.open_vacancies),
                cell(f.open_positions)
            );
        }
        if flows.len() > 25 {
            println!("… {} more pairs (--csv flows lists all)", flows.len() - 25);
        }
    }
    println!(
        "\n{} cells (--csv cells lists them); {:.2} s",
        p.cells.len(),
        p.seconds
    );
}

/// The matching engine over the store and this process's index.
fn engine(
    store: &Store,
    config: &config::Config,
) -> Result<indexer::matching::MatchEngine, CliError> {
    let reference = ReferenceData::load(store)?;
    let index = indexer::index::SearchIndex::open_current(&IndexRoot::new(config.index_dir()))?;
    Ok(indexer::matching::MatchEngine::new(
        store.clone(),
        reference,
        index,
        matcher::scoring::ScoringConfig::default(),
    ))
}

fn match_command(
    store: &Store,
    config: &config::Config,
    what: MatchCommand,
) -> Result<(), CliError> {
    use matcher::retrieval::{ProfileAccess, VacancyAccess};
    let engine = engine(store, config)?;
    let (args, result, direction) = match what {
        MatchCommand::Candidates { vacancy_id, args } => {
            let access = match args.agency {
                Some(_) => ProfileAccess::Consented,
                None => ProfileAccess::AllActive,
            };
            let request = args.request();
            let result =
                engine.candidates(matcher::domain::VacancyId(vacancy_id), access, &request)?;
            (args, result, "profile")
        }
        MatchCommand::Vacancies { profile_id, args } => {
            let access = match args.agency {
                Some(org) => VacancyAccess::Agency(matcher::domain::OrgId(org)),
                None => VacancyAccess::All,
            };
            let request = args.request();
            let result =
                engine.vacancies(matcher::domain::ProfileId(profile_id), access, &request)?;
            (args, result, "vacancy")
        }
    };
    if args.json {
        println!("{}", serde_json::to_string(&result).unwrap_or_default());
        return Ok(());
    }
    println!(
        "{} results (request {}, {} retrieved{}, scoring {}…, {})",
        result.results.len(),
        result.request_id,
        result.retrieved,
        if result.exhaustive { ", full scan" } else { "" },
        &result.config_hash[..12.min(result.config_hash.len())],
        result.taxonomy_version
    );
    for (rank, r) in result.results.iter().enumerate() {
        let s = &r.score;
        println!(
            "\n{:>2}. {direction} {}  score {:.3}",
            rank + 1,
            r.id,
            s.total
        );
        println!("    {}", s.mobility.reason);
        if let Some(view) = r.cross_regional.as_ref().filter(|v| v.flagged) {
            println!(
                "    cross-regional: ISCO {} is short in region {} and in surplus in {}",
                view.occupation_group,
                view.vacancy_region,
                view.jobseeker_region
                    .as_deref()
                    .unwrap_or("the jobseeker's country")
            );
        }
        if !s.matched_skills.is_empty() {
            println!("    has: {}", s.matched_skills.join(", "));
        }
        if !s.partial_skills.is_empty() {
            println!("    partly: {}", s.partial_skills.join(", "));
        }
        if !s.missing_essential_skills.is_empty() {
            println!("    lacks: {}", s.missing_essential_skills.join(", "));
        }
        for f in &s.features {
            println!(
                "    {:<12} {:.2} × {:.2} = {:.3}  {}",
                serde_json::to_value(f.feature)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                f.value,
                f.weight,
                f.contribution,
                f.reason
            );
        }
    }
    Ok(())
}

//! The `kohtaanto` command line: set-up, data loading and the server.

mod config;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indexer::store::{self, Store};

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
    /// Counts of what the store holds.
    Stats {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// An ESCO export directory (original CSV files, plain or .gz).
    Taxonomy { dir: std::path::PathBuf },
    /// Municipalities and regions (and TOL 2008 industries when present).
    Geography { dir: std::path::PathBuf },
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let config = config::Config::load(cli.config.as_deref())?;
    let store = Store::open(&config.database_url())?;
    match cli.command {
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
        } => {
            let fixtures = indexer::sources::fixtures_dir();
            let taxonomy = match store.read(store::taxonomy::load_taxonomy)? {
                Some(t) => t,
                None => {
                    let t = indexer::sources::load_taxonomy_dir(&fixtures.join("esco"))?;
                    store.write(|c| store::taxonomy::replace_taxonomy(c, &t))?;
                    t
                }
            };
            let geography = match store.read(store::taxonomy::load_geography)? {
                Some(g) => g,
                None => {
                    let g = indexer::sources::load_geography_dir(&fixtures.join("geo"))?;
                    store.write(|c| store::taxonomy::replace_geography(c, &g))?;
                    g
                }
            };
            let market =
                indexer::generate::LabourMarket::load(&fixtures.join("labour-stats"), &geography)?;
            let orgs = indexer::generate::ensure_demo_orgs(&store, &geography)?;
            let today = chrono::Utc::now().date_naive();
            let generator = indexer::generate::PopulationGenerator::new(
                &taxonomy, &geography, &market, orgs, seed, today,
            )?;
            let spec = indexer::generate::PopulationSpec {
                profiles,
                vacancies,
                seed,
                reference_date: today,
            };
            let bar = indicatif::ProgressBar::new((profiles + vacancies) as u64);
            let report = indexer::generate::populate(&store, &generator, &spec, 0, |done, _| {
                bar.set_position(done as u64)
            })?;
            bar.finish_and_clear();
            println!(
                "generated {} profiles and {} vacancies in {:.1} s",
                report.profiles, report.vacancies, report.seconds
            );
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
        Command::Stats { json } => {
            let counts = store.read(store::taxonomy::taxonomy_counts)?;
            let orgs = store.read(store::orgs::count_orgs)?;
            let profiles = store.read(store::profiles::count_profiles)?;
            let vacancies = store.read(store::vacancies::count_vacancies)?;
            let stats = serde_json::json!({
                "occupations": counts.occupations,
                "skills": counts.skills,
                "municipalities": counts.municipalities,
                "regions": counts.regions,
                "organizations": orgs,
                "profiles": profiles,
                "vacancies": vacancies,
            });
            if json {
                println!("{stats}");
            } else {
                for (k, v) in stats.as_object().into_iter().flatten() {
                    println!("{k:>15}  {v}");
                }
            }
        }
    }
    Ok(())
}

//! `kohtaanto demo` and `kohtaanto serve`: the HTTP server with its index
//! kept in step and its scheduled feeds; `demo` first prepares an empty
//! store and prints one token per role.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use api::config::{Config, Flags};
use api::server::{AppState, Application};
use clap::Args;
use indexer::feeds::{FeedSource, FetchLimits};
use indexer::index::{IndexRoot, IndexSync, ReferenceData};
use indexer::store::{self, Store};
use serde_json::json;

use super::{print_json, CliError, Context};

#[derive(Args)]
pub struct ServerArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0: any free port).
    #[arg(long)]
    bind: Option<String>,
    /// Print the addresses (and `demo`'s tokens) as JSON lines.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// Profiles to generate when the store has none.
    #[arg(long, default_value_t = 20_000)]
    profiles: usize,
    /// Vacancies to generate when the store has none.
    #[arg(long, default_value_t = 3_000)]
    vacancies: usize,
}

/// The configuration a server runs with: `--bind` applied, logging on,
/// the data directory created (it holds the index and the demo tokens) and
/// found writable, with the index directory, before the store and the
/// index are opened: a read-only or full file system is one clear line
/// and exit 1, not a failure at the first write.
fn prepare(ctx: &mut Context, server: &ServerArgs) -> Result<Store, CliError> {
    ctx.config.apply_flags(&Flags {
        data_dir: None,
        bind: server.bind.clone(),
    });
    init_logging(&ctx.config.log);
    ctx.create_data_dir()?;
    let data_dir = &ctx.config.data_dir;
    Context::ensure_writable("data directory", data_dir)?;
    // SQLite writes its file, journal and shared memory beside each other.
    let sqlite_dir = match store::DatabaseUrl::parse(&ctx.config.database_url()) {
        Ok(store::DatabaseUrl::Sqlite(file)) => file.parent().map(std::path::Path::to_path_buf),
        _ => None,
    };
    let others = [
        ("index directory", Some(ctx.config.index_dir())),
        ("database directory", sqlite_dir),
    ];
    for (what, dir) in others {
        let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty() && !d.starts_with(data_dir))
        else {
            continue;
        };
        std::fs::create_dir_all(&dir).map_err(|e| CliError::NotWritable {
            what,
            path: dir.display().to_string(),
            reason: super::io_reason(&e),
        })?;
        Context::ensure_writable(what, &dir)?;
    }
    match ctx.store() {
        // The file itself read-only (or its journal): said the same way.
        Err(CliError::Store(store::StoreError::ReadOnly(reason))) => Err(CliError::NotWritable {
            what: "database",
            // Parsed, so that a password never prints.
            path: store::DatabaseUrl::parse(&ctx.config.database_url()).map_or_else(
                |_| String::from("(the configured database)"),
                |u| u.to_string(),
            ),
            reason,
        }),
        opened => opened,
    }
}

pub fn run_demo(mut ctx: Context, args: DemoArgs) -> Result<(), CliError> {
    let store = prepare(&mut ctx, &args.server)?;
    let config = &ctx.config;
    let fixtures = indexer::sources::fixtures_dir();
    let reference = indexer::generate::ensure_reference_data(&store, &fixtures)?;
    let held = store.read(store::profiles::count_profiles)?
        + store.read(store::vacancies::count_vacancies)?;
    if held == 0 {
        let index = IndexRoot::new(config.index_dir());
        super::generate::generate(
            &store,
            &index,
            args.profiles,
            args.vacancies,
            1,
            args.server.json,
        )?;
    }
    let orgs = indexer::generate::ensure_demo_orgs(&store, &reference.geography)?;
    let tokens = api::demo::ensure_demo_tokens(&store, &orgs, &config.data_dir)?;
    let token_file = config.data_dir.join(api::demo::TOKEN_FILE);
    if args.server.json {
        print_json(&json!({ "tokens": tokens, "token_file": token_file }))?;
    } else {
        println!("demo tokens (also in {}):", token_file.display());
        for (role, token) in &tokens {
            println!("  {role:<10} {token}");
        }
    }
    serve(store, config, args.server.json)
}

pub fn run_serve(mut ctx: Context, args: ServerArgs) -> Result<(), CliError> {
    let store = prepare(&mut ctx, &args)?;
    indexer::generate::ensure_reference_data(&store, &indexer::sources::fixtures_dir())?;
    serve(store, &ctx.config, args.json)
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Serve until stopped, with the index kept in step on a background thread
/// (built first when this process has none). The listening address goes to
/// stdout once bound, so that scripts (and tests binding port 0) learn the port.
fn serve(store: Store, config: &Config, json: bool) -> Result<(), CliError> {
    let address = config.bind.as_str();
    let failed = |e: std::io::Error| CliError::Serve {
        address: address.to_owned(),
        reason: e.to_string(),
    };
    let reference = ReferenceData::load(&store)?;
    let root = IndexRoot::new(config.index_dir());
    // No index yet, or one an older version wrote (another schema): build
    // it from the store, which is always safe.
    // An index ahead of the store (the store restored from an older
    // backup) would skip the store's next changes: rebuilt too.
    let usable = root.current()?.is_some()
        && match indexer::index::SearchIndex::open_current(&root) {
            Ok(index) => match indexer::index::ahead_of_store(&store, &index)? {
                Some((applied, stored)) => {
                    tracing::warn!(
                        applied,
                        stored,
                        "the index has applied outbox entries the store does not hold \
                         (restored from an older backup?); rebuilding it from the store"
                    );
                    false
                }
                None => true,
            },
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
    state.retention_months = config.retention_months;
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
    let retention = indexer::retention::spawn_daily(
        store.clone(),
        config.retention_months,
        indexer::retention::EVERY,
        Arc::clone(&stop),
    );
    let snapshots = indexer::picture::snapshot::spawn_daily(
        Arc::clone(&state.engine),
        indexer::picture::snapshot::EVERY,
        Arc::clone(&stop),
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
        let ui = format!("http://{browse}:{}/", app.port());
        let listening = format!("http://{host}:{}", app.port());
        if json {
            let line = json!({ "ui": ui, "listening": listening, "port": app.port() });
            println!("{line}");
        } else {
            println!("UI: {ui}");
            println!("listening on {listening}");
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
        app.run_until_stopped().await.map_err(failed)
    });
    stop.store(true, Ordering::Relaxed);
    let _ = syncer.join();
    let _ = retention.join();
    let _ = snapshots.join();
    if let Some(scheduler) = scheduler {
        let _ = scheduler.join();
    }
    served
}

/// The configured feeds with their intervals, checked before serving.
fn scheduled_feeds(config: &Config) -> Result<Vec<(FeedSource, std::time::Duration)>, CliError> {
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

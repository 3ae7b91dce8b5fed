//! The commands of the `kohtaanto` binary, one module per command group
//! (as cargo keeps `src/bin/cargo/commands/`): each defines its arguments
//! and a `run`; `main.rs` only parses and dispatches.
//!
//! What every command shares lives here: the [`Context`] (configuration
//! with the global flags applied, the store opened on demand), the one
//! error type with its exit code, and JSON output.

pub mod audit;
pub mod backup;
pub mod bench;
pub mod cohort;
pub mod evaluate;
pub mod generate;
pub mod help;
pub mod import;
pub mod index;
pub mod matching;
pub mod migrate;
pub mod org;
pub mod outreach;
pub mod picture;
pub mod profiles;
pub mod serve;
pub mod stats;
pub mod taxonomy;
pub mod token;

use std::path::PathBuf;

use api::config::{self, Config};
use indexer::index::{IndexRoot, ReferenceData};
use indexer::store::{self, Store};
use serde::Serialize;

/// Exit code of a check that ran and found a problem: `index check` found
/// drift, `audit verify` found the chain broken. clap exits with the same
/// code when it refuses the command line.
pub const EXIT_CHECK_FAILED: u8 = 2;

/// Why a command failed. Every variant exits 1 except the failed checks
/// ([`EXIT_CHECK_FAILED`]).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
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
    /// A server would fail on its first write: refused before anything is
    /// opened.
    #[error("{what} {path} is not writable: {reason}")]
    NotWritable {
        what: &'static str,
        path: String,
        reason: String,
    },
    #[error("cannot serve on {address}: {reason}")]
    Serve { address: String, reason: String },
    #[error(transparent)]
    Index(#[from] indexer::index::IndexError),
    /// `index check` found the index out of step with the store.
    #[error(
        "the index has applied the outbox up to entry {applied} but the store holds entries up to {stored} \
         (was the store restored from an older backup?): run `kohtaanto index rebuild`"
    )]
    IndexAhead { applied: i64, stored: i64 },
    #[error("the index differs from the store")]
    Drift,
    /// `audit verify` found an edited or deleted event.
    #[error("the audit chain is broken")]
    AuditChainBroken,
    #[error(transparent)]
    Match(#[from] indexer::matching::MatchError),
    #[error(transparent)]
    Feed(#[from] indexer::feeds::FeedError),
    #[error(transparent)]
    ProfileImport(#[from] indexer::profile_import::ImportError),
    #[error(transparent)]
    CampaignImport(#[from] indexer::outreach_import::CampaignImportError),
    /// `import profiles` found rows it refuses (its report is on stdout).
    #[error("{file}: {errors} errors; nothing was imported")]
    ImportRefused { file: String, errors: usize },
    #[error("feed {name}: {reason}")]
    FeedConfig { name: String, reason: String },
    #[error("cannot read {path}: {reason}")]
    ReadFile { path: String, reason: String },
    #[error(transparent)]
    Taxonomy(#[from] TaxonomyCommandError),
    #[error(transparent)]
    Bench(#[from] api::bench::BenchError),
    #[error("cannot find the path of this program: {0}")]
    Exe(std::io::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
}

/// Why a taxonomy command failed.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyCommandError {
    #[error(transparent)]
    Generate(#[from] indexer::generate::GenerateError),
    #[error(transparent)]
    Source(#[from] indexer::sources::SourceError),
    #[error("cannot read {path}: {reason}")]
    ReadFile { path: String, reason: String },
    #[error("{path} {source}")]
    Cases {
        path: String,
        source: matcher::normalize::evaluation::CaseError,
    },
    #[error("give a title or --batch <file>")]
    NoTitle,
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    /// 2 for a check that found a problem (its report is on stdout), 1 for
    /// everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Drift | CliError::AuditChainBroken => EXIT_CHECK_FAILED,
            _ => 1,
        }
    }

    /// Whether the error deserves a line on stderr: a failed check has
    /// already said what it found on stdout.
    pub fn is_report(&self) -> bool {
        self.exit_code() == EXIT_CHECK_FAILED
    }
}

/// Options every command takes (`global = true` in `main.rs`).
#[derive(Debug, Default, Clone)]
pub struct GlobalArgs {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--data-dir DIR`: overrides `data_dir` of the file and
    /// `KOHTAANTO_DATA_DIR`.
    pub data_dir: Option<PathBuf>,
}

/// What a command runs with: the configuration (defaults ← file ← env ←
/// flags) and the store, opened when the command asks for it.
pub struct Context {
    pub config: Config,
}

impl Context {
    /// Load the configuration and apply the global flags.
    pub fn load(global: &GlobalArgs) -> Result<Context, CliError> {
        let mut config = Config::load(global.config.as_deref())?;
        config.apply_flags(&config::Flags {
            data_dir: global.data_dir.clone(),
            bind: None,
        });
        Ok(Context { config })
    }

    /// Create the data directory (it holds the SQLite file, the index and
    /// the demo tokens).
    pub fn create_data_dir(&self) -> Result<(), CliError> {
        let dir = &self.config.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| CliError::DataDir {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Fail unless this process can create, write and remove a file in
    /// `dir` (named `what` in the message): a read-only file system, a full
    /// disk or missing permissions.
    pub fn ensure_writable(what: &'static str, dir: &std::path::Path) -> Result<(), CliError> {
        let refused = |e: std::io::Error| CliError::NotWritable {
            what,
            path: dir.display().to_string(),
            reason: io_reason(&e),
        };
        let probe = dir.join(format!(".kohtaanto-write-check-{}", std::process::id()));
        let written = std::fs::write(&probe, b"kohtaanto\n")
            .and_then(|()| std::fs::File::open(&probe)?.sync_all());
        let removed = std::fs::remove_file(&probe);
        written.map_err(refused)?;
        removed.map_err(refused)
    }

    /// Open (and migrate) the store; the data directory is created first
    /// when the store is the embedded SQLite file in it.
    pub fn store(&self) -> Result<Store, CliError> {
        if self.config.database_url.is_none() {
            self.create_data_dir()?;
        }
        Ok(Store::open(&self.config.database_url())?)
    }

    /// The matching engine over the store and this process's index.
    pub fn engine(&self, store: &Store) -> Result<indexer::matching::MatchEngine, CliError> {
        let reference = ReferenceData::load(store)?;
        let index =
            indexer::index::SearchIndex::open_current(&IndexRoot::new(self.config.index_dir()))?;
        Ok(indexer::matching::MatchEngine::new(
            store.clone(),
            reference,
            index,
            matcher::scoring::ScoringConfig::default(),
        ))
    }
}

/// An I/O error as the operating system words it ("Read-only file
/// system"), without Rust's "(os error 30)".
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_owned(),
        _ => text,
    }
}

/// Print one JSON document on one line of stdout (what `--json` prints).
/// A closed pipe (`| head`) ends the output quietly.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    use std::io::Write;
    let line = serde_json::to_string(value)?;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Stdout(e)),
        _ => Ok(()),
    }
}

/// A progress bar on the terminal (stderr).
pub fn progress_bar(len: u64, message: &'static str) -> indicatif::ProgressBar {
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

//! Configuration: built-in defaults, then a TOML file, then `KOHTAANTO_*`
//! environment variables, then command-line flags. With nothing configured,
//! Kohtaanto keeps everything under `./kohtaanto-data`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Storage limitation: two years without activity, then review.
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

/// Settings of one Kohtaanto process.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the embedded store, the index and demo tokens live.
    pub data_dir: PathBuf,
    /// `postgres://…` or a SQLite file; default `<data_dir>/kohtaanto.db`.
    pub database_url: Option<String>,
    /// Address the HTTP server listens on.
    pub bind: String,
    /// Log filter, e.g. `info` or `kohtaanto=debug,actix_web=info`.
    pub log: String,
    /// Where this process keeps its search index; default `<data_dir>/index`.
    /// Each server process needs its own.
    pub index_dir: Option<PathBuf>,
    /// Vacancy feeds the server pulls on a schedule (TOML `[[feeds]]` only).
    pub feeds: Vec<FeedConfig>,
    /// Requests per second each API token may make (bursts of twice as
    /// many); more get 429 with `Retry-After`.
    pub rate_limit: u32,
    /// Months after a jobseeker's last activity when the profile is due for
    /// review and `profiles expire` (and `serve`, daily) makes it inactive.
    pub retention_months: u32,
}

/// One scheduled JobPosting feed.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// The vacancies' `source`: the namespace of their identifiers.
    pub name: String,
    /// `https://…` or a file path.
    pub url: String,
    /// The organization that owns the imported vacancies.
    pub owner_org: i64,
    /// Minutes between pulls.
    #[serde(default = "default_interval")]
    pub interval_minutes: u64,
    /// `public` (default), `hidden` or `shared`.
    #[serde(default)]
    pub visibility: Option<String>,
    /// Agencies a `shared` feed's vacancies are shared with.
    #[serde(default)]
    pub shared_with: Vec<i64>,
}

fn default_interval() -> u64 {
    60
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("kohtaanto-data"),
            database_url: None,
            bind: "127.0.0.1:8080".into(),
            log: "info".into(),
            index_dir: None,
            feeds: Vec::new(),
            rate_limit: 50,
            retention_months: DEFAULT_RETENTION_MONTHS,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The database URL may carry a password: print it only redacted.
        let url =
            self.database_url
                .as_deref()
                .map(|u| match indexer::store::DatabaseUrl::parse(u) {
                    Ok(parsed) => parsed.to_string(),
                    Err(_) => "<invalid>".into(),
                });
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("database_url", &url)
            .field("bind", &self.bind)
            .field("log", &self.log)
            .field("index_dir", &self.index_dir)
            .field("feeds", &self.feeds)
            .finish()
    }
}

/// Settings given on the command line: each one given overrides the file
/// and the environment.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flags {
    /// `--data-dir` (every command).
    pub data_dir: Option<PathBuf>,
    /// `--bind` (`serve`, `demo`).
    pub bind: Option<String>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("configuration file {path}: {reason}")]
    Parse { path: String, reason: String },
}

impl Config {
    /// Defaults ← file (`path`, else `$KOHTAANTO_CONFIG`, else `./kohtaanto.toml`
    /// when present) ← environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let env_path = std::env::var_os("KOHTAANTO_CONFIG").map(PathBuf::from);
        let file = match path.map(Path::to_path_buf).or(env_path) {
            Some(p) => Some(p),
            None => Some(PathBuf::from("kohtaanto.toml")).filter(|p| p.is_file()),
        };
        let mut config = match file {
            Some(p) => Self::from_file(&p)?,
            None => Config::default(),
        };
        config.apply_env(|key| std::env::var(key).ok());
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.display().to_string(),
            reason: e.message().to_owned(),
        })
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) {
        if let Some(v) = var("KOHTAANTO_DATA_DIR").filter(|v| !v.is_empty()) {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = var("KOHTAANTO_DATABASE_URL").filter(|v| !v.is_empty()) {
            self.database_url = Some(v);
        }
        if let Some(v) = var("KOHTAANTO_BIND").filter(|v| !v.is_empty()) {
            self.bind = v;
        }
        if let Some(v) = var("KOHTAANTO_LOG").filter(|v| !v.is_empty()) {
            self.log = v;
        }
        if let Some(v) = var("KOHTAANTO_INDEX_DIR").filter(|v| !v.is_empty()) {
            self.index_dir = Some(PathBuf::from(v));
        }
        // A value that is not a positive whole number is ignored (and
        // logged at start by `serve`).
        if let Some(v) = var("KOHTAANTO_RATE_LIMIT").and_then(|v| v.trim().parse::<u32>().ok()) {
            if v > 0 {
                self.rate_limit = v;
            }
        }
        if let Some(v) =
            var("KOHTAANTO_RETENTION_MONTHS").and_then(|v| v.trim().parse::<u32>().ok())
        {
            if v > 0 {
                self.retention_months = v;
            }
        }
    }

    /// The last layer: what was given on the command line.
    pub fn apply_flags(&mut self, flags: &Flags) {
        if let Some(dir) = &flags.data_dir {
            self.data_dir = dir.clone();
        }
        if let Some(bind) = &flags.bind {
            self.bind = bind.clone();
        }
    }

    /// The search index root of this process.
    pub fn index_dir(&self) -> PathBuf {
        self.index_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("index"))
    }

    /// The database to use: the configured URL, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => self
                .data_dir
                .join("kohtaanto.db")
                .to_string_lossy()
                .into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k.toml");
        std::fs::write(&file, "data_dir = \"/srv/k\"\nbind = \"0.0.0.0:9000\"\n").unwrap();
        let mut config = Config::from_file(&file).unwrap();
        assert_eq!(config.data_dir, PathBuf::from("/srv/k"));
        assert_eq!(config.database_url(), "/srv/k/kohtaanto.db");
        config.apply_env(|k| {
            (k == "KOHTAANTO_DATABASE_URL").then(|| "postgres://u:pw@db/k".to_owned())
        });
        assert_eq!(config.database_url(), "postgres://u:pw@db/k");
        assert_eq!(config.bind, "0.0.0.0:9000");
        assert!(!format!("{config:?}").contains("pw@"));
    }

    #[test]
    fn flags_override_file_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k.toml");
        std::fs::write(&file, "data_dir = \"/srv/file\"\n").unwrap();
        let mut config = Config::from_file(&file).unwrap();
        config.apply_env(|k| (k == "KOHTAANTO_DATA_DIR").then(|| "/srv/env".to_owned()));
        assert_eq!(config.data_dir, PathBuf::from("/srv/env"));
        config.apply_flags(&Flags {
            data_dir: Some(PathBuf::from("/srv/flag")),
            bind: None,
        });
        assert_eq!(config.data_dir, PathBuf::from("/srv/flag"));
        assert_eq!(config.database_url(), "/srv/flag/kohtaanto.db");
        assert_eq!(config.index_dir(), PathBuf::from("/srv/flag/index"));
        assert_eq!(config.bind, "127.0.0.1:8080");
    }

    #[test]
    fn unknown_keys_are_refused_with_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "datadir = \"x\"\n").unwrap();
        let err = Config::from_file(&file).unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains("datadir"), "{err}");
    }

    #[test]
    fn feeds_are_read_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k.toml");
        std::fs::write(
            &file,
            "[[feeds]]\nname = \"tyopaikat\"\nurl = \"https://example.fi/jobs.json\"\nowner_org = 3\n\n\
             [[feeds]]\nname = \"b\"\nurl = \"/srv/b.json\"\nowner_org = 4\ninterval_minutes = 15\n",
        )
        .unwrap();
        let config = Config::from_file(&file).unwrap();
        assert_eq!(config.feeds.len(), 2);
        assert_eq!(config.feeds[0].interval_minutes, 60);
        assert_eq!(config.feeds[1].interval_minutes, 15);
        assert_eq!(config.feeds[1].owner_org, 4);
    }

    #[test]
    fn default_is_the_local_data_dir() {
        let config = Config::default();
        assert_eq!(config.database_url(), "kohtaanto-data/kohtaanto.db");
    }
}

//! The index root and its generations (`current` → `gen-<n>`, swapped
//! atomically), one opened generation ([`SearchIndex`]), what each commit
//! records ([`CommitPayload`]), the reference data documents are built from,
//! and why the index could not be used ([`IndexError`]). The rest of
//! `index` builds on this room.

use std::path::{Path, PathBuf};

use matcher::geography::Geography;
use matcher::index::{register_analyzers, CompoundLexicon, IndexSchema};
use matcher::taxonomy::Taxonomy;
use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::store::StoreError;

/// The lexicon file inside a generation.
const LEXICON_FILE: &str = "compounds.txt";
/// The symlink naming the live generation.
const CURRENT: &str = "current";

/// Why the index could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index directory {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("no index at {0}; run `kohtaanto index rebuild`")]
    Missing(String),
    #[error("the index at {0} is in use by another process")]
    Locked(String),
    #[error("the store has no taxonomy or geography; import them first")]
    NoReferenceData,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IndexError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            IndexError::Tantivy(_) | IndexError::Io { .. } => "index_error",
            IndexError::Missing(_) => "index_missing",
            IndexError::Locked(_) => "index_locked",
            IndexError::NoReferenceData => "reference_data_missing",
            IndexError::Store(e) => e.code(),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What a commit records about how far the index is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitPayload {
    /// The last outbox id whose change the index holds.
    pub outbox_id: i64,
    /// The taxonomy version the documents were built with.
    pub taxonomy: String,
    /// [`matcher::records::RECORD_FORMAT`] of the stored match records
    /// (0: written before the format was recorded).
    #[serde(default)]
    pub records: u32,
}

/// The taxonomy and geography documents are built from.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    pub taxonomy: std::sync::Arc<Taxonomy>,
    pub geography: std::sync::Arc<Geography>,
}

impl ReferenceData {
    /// Load both from the store.
    pub fn load(store: &crate::store::Store) -> Result<ReferenceData, IndexError> {
        use crate::store::taxonomy::{load_geography, load_taxonomy};
        let taxonomy = store
            .read(load_taxonomy)?
            .ok_or(IndexError::NoReferenceData)?;
        let geography = store
            .read(load_geography)?
            .ok_or(IndexError::NoReferenceData)?;
        Ok(ReferenceData {
            taxonomy: std::sync::Arc::new(taxonomy),
            geography: std::sync::Arc::new(geography),
        })
    }

    /// What writes are checked against: these, with the store's TOL 2008
    /// industries.
    pub fn references(
        &self,
        store: &crate::store::Store,
    ) -> Result<matcher::references::References, crate::store::StoreError> {
        let industries = store
            .read(crate::store::taxonomy::load_industries)?
            .map(std::sync::Arc::new);
        Ok(matcher::references::References::new(
            std::sync::Arc::clone(&self.taxonomy),
            std::sync::Arc::clone(&self.geography),
            industries,
        ))
    }
}

/// The index root directory with its generations.
#[derive(Debug, Clone)]
pub struct IndexRoot {
    root: PathBuf,
}

impl IndexRoot {
    pub fn new(root: impl Into<PathBuf>) -> IndexRoot {
        IndexRoot { root: root.into() }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The directory of the live generation, if there is one.
    pub fn current(&self) -> Result<Option<PathBuf>, IndexError> {
        let link = self.root.join(CURRENT);
        match std::fs::read_link(&link) {
            Ok(target) => Ok(Some(self.root.join(target))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&link)(e)),
        }
    }

    /// A new, empty generation directory (not yet live).
    pub(super) fn new_generation(&self) -> Result<PathBuf, IndexError> {
        std::fs::create_dir_all(&self.root).map_err(io(&self.root))?;
        let mut n = self
            .generations()?
            .iter()
            .map(|(n, _)| *n)
            .max()
            .unwrap_or(0);
        loop {
            n += 1;
            let dir = self.root.join(format!("gen-{n:06}"));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(dir),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io(&dir)(e)),
            }
        }
    }

    fn generations(&self) -> Result<Vec<(u64, PathBuf)>, IndexError> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&self.root)(e)),
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(n) = name
                .to_str()
                .and_then(|n| n.strip_prefix("gen-"))
                .and_then(|n| n.parse().ok())
            else {
                continue;
            };
            out.push((n, entry.path()));
        }
        out.sort();
        Ok(out)
    }

    /// Make `generation` live: a new symlink renamed over `current` (atomic
    /// on POSIX), then remove the generations that are not live any more.
    pub(super) fn swap(&self, generation: &Path) -> Result<(), IndexError> {
        let name = generation
            .file_name()
            .ok_or_else(|| IndexError::Missing(generation.display().to_string()))?;
        let tmp = self.root.join("current.tmp");
        let _ = std::fs::remove_file(&tmp);
        symlink(Path::new(name), &tmp).map_err(io(&tmp))?;
        std::fs::rename(&tmp, self.root.join(CURRENT)).map_err(io(&self.root))?;
        sync_dir(&self.root);
        self.remove_stale()
    }

    /// Remove every generation but the live one (left-overs of replaced or
    /// interrupted builds). Processes still reading an old generation keep
    /// their open files until they reopen.
    pub fn remove_stale(&self) -> Result<(), IndexError> {
        let live = self.current()?;
        for (_, dir) in self.generations()? {
            if Some(&dir) != live.as_ref() {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
        Ok(())
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
}

/// Persist a rename in `dir` (best effort: not every platform can fsync a
/// directory).
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// One opened generation: the tantivy index with our analyzers, its schema
/// handles and a reader.
pub struct SearchIndex {
    pub index: Index,
    pub schema: IndexSchema,
    pub reader: IndexReader,
    pub dir: PathBuf,
    /// The compound lexicon this generation analyses text with.
    pub lexicon: CompoundLexicon,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .finish()
    }
}

impl SearchIndex {
    /// Create a new index in an empty directory with the lexicon derived
    /// from `taxonomy`.
    pub(super) fn create(dir: &Path, taxonomy: &Taxonomy) -> Result<SearchIndex, IndexError> {
        let lexicon = CompoundLexicon::from_taxonomy(taxonomy);
        let path = dir.join(LEXICON_FILE);
        std::fs::write(&path, lexicon.to_text()).map_err(io(&path))?;
        let schema = IndexSchema::new();
        // Stored fields are few and short (key, id, version, title); keeping
        // them uncompressed makes erasure verifiable byte for byte.
        let settings = tantivy::IndexSettings {
            docstore_compression: tantivy::store::Compressor::None,
            ..tantivy::IndexSettings::default()
        };
        let index = Index::builder()
            .schema(schema.schema.clone())
            .settings(settings)
            .create_in_dir(dir)?;
        Self::finish(index, schema, &lexicon, dir)
    }

    /// Open an existing generation.
    pub fn open(dir: &Path) -> Result<SearchIndex, IndexError> {
        let path = dir.join(LEXICON_FILE);
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let lexicon = CompoundLexicon::from_text(&text);
        let index = Index::open_in_dir(dir)?;
        let schema = IndexSchema::new();
        if index.schema() != schema.schema {
            return Err(IndexError::Missing(format!(
                "{} (built with another schema)",
                dir.display()
            )));
        }
        let payload = index.load_metas()?.payload;
        let records = payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<CommitPayload>(p).ok())
            .map(|p| p.records);
        if records.is_some_and(|r| r != matcher::records::RECORD_FORMAT) {
            return Err(IndexError::Missing(format!(
                "{} (its match records have another format)",
                dir.display()
            )));
        }
        Self::finish(index, schema, &lexicon, dir)
    }

    /// Open the live generation of `root`.
    pub fn open_current(root: &IndexRoot) -> Result<SearchIndex, IndexError> {
        let dir = root
            .current()?
            .ok_or_else(|| IndexError::Missing(root.path().display().to_string()))?;
        Self::open(&dir)
    }

    fn finish(
        index: Index,
        schema: IndexSchema,
        lexicon: &CompoundLexicon,
        dir: &Path,
    ) -> Result<SearchIndex, IndexError> {
        register_analyzers(&index, lexicon);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            schema,
            reader,
            dir: dir.to_owned(),
            lexicon: lexicon.clone(),
        })
    }

    /// The payload of the last commit (default when never committed).
    pub fn payload(&self) -> Result<CommitPayload, IndexError> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default())
    }
}

//! The tantivy index, derived from the store and kept in step with it.
//!
//! Layout under the index root (`<data-dir>/index`):
//! ```text
//! current -> gen-<n>        symlink to the live generation (swapped atomically)
//! gen-<n>/                  a tantivy index + compounds.txt (its analyzer lexicon)
//! ```
//! One [`IndexSync`] per process owns the writer of the live generation and
//! applies the store's outbox in id order; each tantivy commit carries the
//! last applied outbox id in its payload, so a restart resumes exactly there
//! and a crash loses nothing that the store acknowledged (the outbox is
//! replayed; upserts are idempotent). `rebuild` builds a fresh generation
//! from the store and swaps it in; `check` compares the index with the store;
//! `purge` merges away deleted documents and removes their files.
//!
//! Rooms, bottom up: `generation` (the root, its generations, one opened
//! index, the commit payload and [`IndexError`]); [`records`] (the match
//! records of each segment); `sync` (the writer, purge); `rebuild` and
//! `check`. This file only declares them and re-exports what callers use.

mod check;
mod generation;
mod rebuild;
pub mod records;
mod sync;

pub use check::{ahead_of_store, check, CheckReport, KindCheck};
pub use generation::{CommitPayload, IndexError, IndexRoot, ReferenceData, SearchIndex};
pub use rebuild::{rebuild, RebuildReport};
pub use sync::{purge, spawn, IndexSync, PurgeReport, SyncReport};

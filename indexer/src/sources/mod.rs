//! Loaders for reference data in its original published formats: ESCO CSV
//! exports (taxonomy), Statistics Finland municipality and region tables
//! (geography) and Statistics Finland classification API JSON (industries).
//!
//! Every loader reads a directory, accepts each file plain or gzip-compressed
//! (`name` or `name.gz`) and rejects a malformed file whole, naming the file,
//! the line and the reason, so that an operator can drop in a newer official
//! export and be told exactly what is wrong with it.
//!
//! [`jobposting`] reads external vacancies (schema.org `JobPosting` feeds),
//! with [`lenient_json`] as its second pass for JSON-LD blocks that strict
//! JSON rejects and [`entities`] for HTML character references;
//! `crate::feeds` fetches and imports them.

pub mod classifications;
pub mod entities;
pub mod esco;
pub(crate) mod files;
pub mod geo;
pub mod jobposting;
pub mod lenient_json;

pub use classifications::load_industries_dir;
pub use esco::load_taxonomy_dir;
pub use files::{fixtures_dir, SourceError};
pub(crate) use files::{open_first, Column, CsvTable};
pub use geo::load_geography_dir;

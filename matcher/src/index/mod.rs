//! The tantivy side of matching: the schema (every field name and handle),
//! text analysis per language with compound splitting, and how vacancies and
//! profiles become documents. Writing and syncing live in `indexer::index`.

pub mod analysis;
pub mod document;
pub mod schema;

pub use analysis::{register_analyzers, CompoundLexicon};
pub use schema::IndexSchema;

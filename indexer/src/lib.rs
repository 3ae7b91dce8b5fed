//! How data gets in: the store (SQLite or PostgreSQL), loaders for the
//! original ESCO, geography and classification files, and the generator of
//! realistic demo populations. No HTTP server lives here; feeds are fetched
//! with a bounded reqwest client.

pub mod baseline;
pub mod coding;
pub mod cohorts;
pub mod feeds;
pub mod generate;
pub mod index;
pub mod matching;
pub mod outcomes;
pub mod outreach_import;
pub mod picture;
pub mod profile_import;
pub mod retention;
pub mod search;
pub mod sources;
pub mod store;
pub mod testkit;
mod vacancy_table;

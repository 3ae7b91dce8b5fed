//! How data gets in: the store (SQLite or PostgreSQL), loaders for the
//! original ESCO, geography and classification files, and the generator of
//! realistic demo populations. No HTTP lives here.

pub mod generate;
pub mod sources;
pub mod store;
pub mod testkit;

//! Jobseeker profiles in bulk from an employment office's customer system
//! (`kohtaanto import profiles`): a CSV of documented columns
//! ([`columns`]) or JSON Lines of API bodies ([`json_lines`]), every row
//! checked against the domain rules, the taxonomy and the geography, and
//! the file applied in one transaction or not at all. A profile is known by
//! its external id (`source`, `source_id`): importing the same file again
//! updates instead of duplicating. docs/import.md is the operator's guide.
//!
//! Rooms, bottom up: `record` (formats, rows, issues, reading in chunks),
//! [`columns`] and [`json_lines`] (the two formats), [`writer`] (profiles
//! as a CSV), `run` (check, write, report; reading beside writing). The
//! writing itself is `store::external_profiles::import_profiles`.

pub mod columns;
pub mod json_lines;
mod record;
mod run;
pub mod writer;

pub use record::{FileFormat, ImportRow, Issue, ParsedFile, RowChunks};
pub use run::{import_profile_file, ImportError, ImportOptions, ImportReport, ImportTimings};

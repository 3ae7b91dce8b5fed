//! `kohtaanto import`: reference data (ESCO taxonomy, geography, TOL
//! industries) replaced whole in one transaction, vacancies from a
//! schema.org JobPosting feed, coded to ESCO as they come in, and jobseeker
//! profiles from an employment office's customer system, applied in one
//! transaction or not at all.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use indexer::feeds::{FeedSource, FetchLimits};
use indexer::profile_import::{FileFormat, ImportOptions, ImportReport};
use indexer::store;
use serde_json::json;

use super::{print_json, CliError, Context};

#[derive(Subcommand)]
pub enum ImportWhat {
    /// An ESCO export directory (original CSV files, plain or .gz).
    Taxonomy {
        dir: PathBuf,
        /// Print what was imported as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Municipalities and regions (Statistics Finland tables).
    Geography {
        dir: PathBuf,
        /// Print what was imported as JSON.
        #[arg(long)]
        json: bool,
    },
    /// TOL 2008 industries (Statistics Finland classification JSON).
    Industries {
        dir: PathBuf,
        /// Print what was imported as JSON.
        #[arg(long)]
        json: bool,
    },
    /// schema.org JobPosting JSON-LD (a JSON document or an HTML page with
    /// embedded JSON-LD) from a URL or a file; prints a report per item.
    Vacancies {
        /// `https://…` or a file path.
        location: String,
        /// The source name the vacancies are stored under (dedup namespace).
        #[arg(long)]
        source: String,
        /// The organization that owns the vacancies.
        #[arg(long)]
        owner_org: i64,
        /// public, hidden or shared
        #[arg(long, default_value = "public")]
        visibility: matcher::domain::Visibility,
        /// Agencies a shared feed is shared with.
        #[arg(long)]
        shared_with: Vec<i64>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Jobseeker profiles from an employment office's customer system: a
    /// CSV of documented columns or JSON Lines of API bodies, every row
    /// checked, applied in one transaction or not at all; a profile is
    /// updated by its source and source_id (see docs/import.md).
    Profiles {
        /// A .csv, .jsonl or .ndjson file.
        file: PathBuf,
        /// The employment office (organization id) whose customers they are.
        #[arg(long, value_name = "ORG")]
        office: i64,
        /// csv or jsonl (default: from the file's extension).
        #[arg(long, value_parser = ["csv", "jsonl"])]
        format: Option<String>,
        /// Check every row and report what would be created and updated;
        /// write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, what: ImportWhat) -> Result<(), CliError> {
    let store = ctx.store()?;
    match what {
        ImportWhat::Taxonomy { dir, json } => {
            let taxonomy = indexer::sources::load_taxonomy_dir(&dir)?;
            store.write(|c| store::taxonomy::replace_taxonomy(c, &taxonomy))?;
            if json {
                return print_json(&json!({
                    "version": taxonomy.version().to_string(),
                    "occupations": taxonomy.occupation_count(),
                    "skills": taxonomy.skill_count(),
                }));
            }
            println!(
                "imported {}: {} occupations, {} skills",
                taxonomy.version(),
                taxonomy.occupation_count(),
                taxonomy.skill_count()
            );
        }
        ImportWhat::Geography { dir, json } => {
            let geography = indexer::sources::load_geography_dir(&dir)?;
            store.write(|c| store::taxonomy::replace_geography(c, &geography))?;
            if json {
                return print_json(&json!({
                    "municipalities": geography.municipality_count(),
                    "regions": geography.region_count(),
                }));
            }
            println!(
                "imported {} municipalities, {} regions",
                geography.municipality_count(),
                geography.region_count()
            );
        }
        ImportWhat::Industries { dir, json } => {
            let industries = indexer::sources::load_industries_dir(&dir)?;
            store.write(|c| store::taxonomy::replace_industries(c, &industries))?;
            if json {
                return print_json(&json!({ "industries": industries.len() }));
            }
            println!("imported {} industries", industries.len());
        }
        ImportWhat::Vacancies {
            location,
            source,
            owner_org,
            visibility,
            shared_with,
            json,
        } => {
            let reference = indexer::generate::ensure_reference_data(
                &store,
                &indexer::sources::fixtures_dir(),
            )?;
            let feed = FeedSource::new(source, &location, matcher::domain::OrgId(owner_org))
                .with_visibility(
                    visibility,
                    shared_with
                        .into_iter()
                        .map(matcher::domain::OrgId)
                        .collect(),
                );
            let coders = indexer::coding::Coders::load(
                &reference.taxonomy,
                &reference.geography,
                Some(&ctx.config.data_dir),
            )?;
            // Imported postings are checked against the store's reference
            // data, as the API's writes are.
            let references = indexer::index::ReferenceData::load(&store)?.references(&store)?;
            let coding =
                indexer::feeds::FeedCoding::new(coders).checking(std::sync::Arc::new(references));
            let report = indexer::feeds::import_feed_coded(
                &store,
                &reference.geography,
                Some(&coding),
                &feed,
                &FetchLimits::default(),
            )?;
            if json {
                return print_json(&report);
            }
            println!(
                "{}: {} items, {} created, {} updated, {} unchanged, {} duplicates of other sources, {} rejected, {} repaired",
                report.source,
                report.items_seen,
                report.created,
                report.updated,
                report.unchanged,
                report.duplicates,
                report.rejected.len(),
                report.repaired.len()
            );
            for item in &report.rejected {
                println!(
                    "  rejected item {} ({}): {}",
                    item.index,
                    item.identifier.as_deref().unwrap_or("no identifier"),
                    item.reason
                );
            }
            for item in &report.repaired {
                let repairs: Vec<&str> = item.repairs.iter().map(|r| r.code()).collect();
                println!(
                    "  repaired item {} ({}): {}",
                    item.index,
                    item.identifier.as_deref().unwrap_or("no identifier"),
                    repairs.join(", ")
                );
            }
        }
        ImportWhat::Profiles {
            file,
            office,
            format,
            dry_run,
            json,
        } => {
            let report = import_profiles(&store, &file, office, format.as_deref(), dry_run)?;
            if json {
                print_json(&report)?;
            } else {
                print_profile_report(&report);
            }
            if !report.errors.is_empty() {
                return Err(CliError::ImportRefused {
                    file: report.file,
                    errors: report.errors.len(),
                });
            }
        }
    }
    Ok(())
}

/// Read `file` and import it for `office` (checked against the store's
/// reference data, the shipped fixtures loaded first when it has none).
fn import_profiles(
    store: &store::Store,
    file: &Path,
    office: i64,
    format: Option<&str>,
    dry_run: bool,
) -> Result<ImportReport, CliError> {
    let path = file.display().to_string();
    let format = match format {
        Some("csv") => FileFormat::Csv,
        Some(_) => FileFormat::JsonLines,
        None => FileFormat::of_path(file).ok_or_else(|| CliError::ReadFile {
            path: path.clone(),
            reason: "cannot tell csv from jsonl by the name; give --format".into(),
        })?,
    };
    let bytes = std::fs::read(file).map_err(|e| CliError::ReadFile {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let reference =
        indexer::generate::ensure_reference_data(store, &indexer::sources::fixtures_dir())?;
    let references = indexer::index::ReferenceData {
        taxonomy: std::sync::Arc::new(reference.taxonomy),
        geography: std::sync::Arc::new(reference.geography),
    }
    .references(store)?;
    let mut id = [0u8; 6];
    getrandom::fill(&mut id).map_err(|e| CliError::ReadFile {
        path: path.clone(),
        reason: format!("no randomness for the request id: {e}"),
    })?;
    let options = ImportOptions {
        office: matcher::domain::OrgId(office),
        format,
        dry_run,
        now: store::now(),
        request_id: format!("cli-import-{}", hex::encode(id)),
    };
    Ok(indexer::profile_import::import_profile_file(
        store,
        &references,
        &path,
        &bytes,
        &options,
    )?)
}

/// The report as people read it: every problem on its line, then the
/// outcome.
fn print_profile_report(report: &ImportReport) {
    for issue in &report.errors {
        println!("{issue}");
    }
    for issue in &report.warnings {
        println!("warning: {issue}");
    }
    let (file, rows) = (&report.file, report.rows);
    if !report.errors.is_empty() {
        println!(
            "{file}: {rows} rows, {} errors, {} warnings; nothing imported",
            report.errors.len(),
            report.warnings.len()
        );
    } else if report.dry_run {
        println!(
            "{file}: {rows} rows; would create {} and update {} profiles ({} warnings); dry run, nothing written",
            report.created,
            report.updated,
            report.warnings.len()
        );
    } else {
        println!(
            "{file}: {rows} rows; {} profiles created, {} updated ({} warnings)",
            report.created,
            report.updated,
            report.warnings.len()
        );
    }
}

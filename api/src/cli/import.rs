//! `kohtaanto import`: reference data (ESCO taxonomy, geography, TOL
//! industries) replaced whole in one transaction, and vacancies from a
//! schema.org JobPosting feed, coded to ESCO as they come in.

use std::path::PathBuf;

use clap::Subcommand;
use indexer::feeds::{FeedSource, FetchLimits};
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
                "{}: {} items, {} created, {} updated, {} unchanged, {} duplicates of other sources, {} rejected",
                report.source,
                report.items_seen,
                report.created,
                report.updated,
                report.unchanged,
                report.duplicates,
                report.rejected.len()
            );
            for item in &report.rejected {
                println!(
                    "  rejected item {} ({}): {}",
                    item.index,
                    item.identifier.as_deref().unwrap_or("no identifier"),
                    item.reason
                );
            }
        }
    }
    Ok(())
}

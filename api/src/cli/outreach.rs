//! `kohtaanto outreach import-campaign FILE --name NAME …`: a contact
//! campaign (yritysharavointi) with its firm list from CSV, every line
//! checked, created whole or not at all; `kohtaanto outreach progress
//! CAMPAIGN`: its progress per office (docs/outreach.md).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Subcommand;
use indexer::outreach_import::{self, CampaignImport, CampaignImportReport};
use indexer::store::outreach::CampaignProgress;
use matcher::domain::OrgId;

use super::{print_json, CliError, Context};

#[derive(Subcommand)]
pub enum OutreachCommand {
    /// Create a contact campaign from a CSV firm list
    /// (business_id,name,municipality,industry), each firm assigned to
    /// the office of its region; all lines or nothing.
    ImportCampaign {
        /// The CSV file.
        file: PathBuf,
        /// The campaign's name.
        #[arg(long)]
        name: String,
        /// A regional campaign's region (2-digit code); default nationwide.
        #[arg(long, value_name = "CODE")]
        region: Option<String>,
        /// First day (default today).
        #[arg(long, value_name = "DATE")]
        starts: Option<NaiveDate>,
        /// Last day (default open).
        #[arg(long, value_name = "DATE")]
        ends: Option<NaiveDate>,
        /// The organization running it (default: the ministry, else the
        /// first employment office).
        #[arg(long, value_name = "ORG")]
        created_by: Option<i64>,
        /// Check every line and report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// A campaign's progress per office: firms, firms contacted, needs,
    /// positions, hidden vacancies, follow-ups due.
    Progress {
        /// The campaign id.
        campaign: i64,
        /// Count contacts up to this day (default today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, what: OutreachCommand) -> Result<(), CliError> {
    let store = ctx.store()?;
    let today = chrono::Utc::now().date_naive();
    match what {
        OutreachCommand::ImportCampaign {
            file,
            name,
            region,
            starts,
            ends,
            created_by,
            dry_run,
            json,
        } => {
            let path = file.display().to_string();
            let bytes = std::fs::read(&file).map_err(|e| CliError::ReadFile {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            let reference = indexer::generate::ensure_reference_data(
                &store,
                &indexer::sources::fixtures_dir(),
            )?;
            let references = indexer::index::ReferenceData {
                taxonomy: std::sync::Arc::new(reference.taxonomy),
                geography: std::sync::Arc::new(reference.geography),
            }
            .references(&store)?;
            let created_by = match created_by {
                Some(id) => OrgId(id),
                None => default_organizer(&store)?,
            };
            let mut id = [0u8; 6];
            getrandom::fill(&mut id).map_err(|e| CliError::ReadFile {
                path: path.clone(),
                reason: format!("no randomness for the request id: {e}"),
            })?;
            let options = CampaignImport {
                name,
                region_code: region,
                starts_on: starts.unwrap_or(today),
                ends_on: ends,
                created_by,
                dry_run,
                request_id: format!("cli-outreach-{}", hex::encode(id)),
            };
            let report = outreach_import::import_campaign_file(
                &store,
                &references,
                &path,
                &bytes,
                &options,
            )?;
            if json {
                print_json(&report)?;
            } else {
                print_report(&report);
            }
            if !report.errors.is_empty() {
                return Err(CliError::ImportRefused {
                    file: report.file,
                    errors: report.errors.len(),
                });
            }
        }
        OutreachCommand::Progress {
            campaign,
            as_of,
            json,
        } => {
            let as_of = as_of.unwrap_or(today);
            let progress = store
                .read(|c| indexer::store::outreach::campaign_progress(c, campaign, as_of))?
                .ok_or(indexer::store::StoreError::NotFound {
                    kind: "campaign",
                    id: campaign.to_string(),
                })?;
            if json {
                return print_json(&progress);
            }
            print_progress(&progress);
        }
    }
    Ok(())
}

/// The ministry when there is one, else the first employment office.
fn default_organizer(store: &indexer::store::Store) -> Result<OrgId, CliError> {
    use matcher::domain::OrgKind;
    let orgs = store.read(indexer::store::orgs::list_orgs)?;
    orgs.iter()
        .find(|o| o.kind == OrgKind::Ministry)
        .or_else(|| orgs.iter().find(|o| o.kind == OrgKind::EmploymentOffice))
        .map(|o| o.id)
        .ok_or_else(|| {
            CliError::Store(indexer::store::StoreError::Invalid(
                "no ministry or employment office to run the campaign: give --created-by".into(),
            ))
        })
}

fn print_report(report: &CampaignImportReport) {
    for issue in &report.errors {
        println!("{issue}");
    }
    let (file, rows) = (&report.file, report.rows);
    if !report.errors.is_empty() {
        println!(
            "{file}: {rows} firms, {} errors; nothing imported",
            report.errors.len()
        );
    } else if report.dry_run {
        println!(
            "{file}: {rows} firms, {} of them new; dry run, nothing written",
            report.firms_created
        );
    } else if let Some(c) = &report.campaign {
        println!(
            "{file}: campaign {} \"{}\" with {} firms ({} new)",
            c.id, c.name, c.firms, report.firms_created
        );
    }
}

fn print_progress(p: &CampaignProgress) {
    let scope = p
        .campaign
        .region_code
        .as_deref()
        .map_or_else(|| "nationwide".to_owned(), |r| format!("region {r}"));
    println!(
        "campaign {} \"{}\" ({scope}, from {}), as of {}",
        p.campaign.id, p.campaign.name, p.campaign.starts_on, p.as_of
    );
    println!("office\tfirms\tcontacted\tneeds\tpositions\tvacancies\tfollow-ups due");
    for o in p.offices.iter().chain([&p.total]) {
        let name = match (&o.office_name, o.office) {
            (Some(n), _) => n.clone(),
            (None, Some(id)) => format!("organization {id}"),
            (None, None) if std::ptr::eq(o, &p.total) => "total".to_owned(),
            (None, None) => "(no office)".to_owned(),
        };
        println!(
            "{name}\t{}\t{}\t{}\t{}\t{}\t{}",
            o.firms, o.firms_contacted, o.needs, o.positions, o.vacancies, o.follow_ups_due
        );
    }
}

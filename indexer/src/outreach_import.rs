//! A campaign's firm list from CSV (`kohtaanto outreach import-campaign`,
//! docs/outreach.md): columns `business_id,name,municipality,industry`
//! with a header; the municipality by code or by its Finnish or Swedish
//! name. Every line is checked and every problem reported with its line
//! and field; the campaign is created with all its firms, or not at all.

use chrono::NaiveDate;
use matcher::domain::{OrgId, OrgKind};
use matcher::references::References;
use serde::Serialize;

use crate::profile_import::Issue;
use crate::store::outreach::{self, Campaign, NewCampaign, NewFirm};
use crate::store::{orgs, Store, StoreError};

/// Most firms one file lists.
pub const MAX_FIRMS: usize = 50_000;

/// The columns of the file, in order.
pub const COLUMNS: [&str; 4] = ["business_id", "name", "municipality", "industry"];

/// What to import.
#[derive(Debug, Clone)]
pub struct CampaignImport {
    pub name: String,
    pub region_code: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The organization that runs the campaign (an employment office or
    /// the ministry).
    pub created_by: OrgId,
    pub dry_run: bool,
    /// The request id of the audit event.
    pub request_id: String,
}

/// What an import did, or on a dry run would do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignImportReport {
    pub file: String,
    /// Firm lines read (the header and blank lines not counted).
    pub rows: usize,
    /// Every problem that refuses the file, by line.
    pub errors: Vec<Issue>,
    /// The campaign created (null on a dry run or when refused).
    pub campaign: Option<Campaign>,
    /// Firms created because the store did not have them.
    pub firms_created: usize,
    pub applied: bool,
    pub dry_run: bool,
}

/// Why an import could not run at all (a refused line is in the report).
#[derive(Debug, thiserror::Error)]
pub enum CampaignImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("organization {0} does not exist")]
    UnknownOrganization(OrgId),
    #[error(
        "organization {org} is {kind}: a campaign is run by an employment office or the ministry"
    )]
    NotAnOffice { org: OrgId, kind: OrgKind },
}

/// Read the lines of `bytes`: the firms that parse, with their line
/// numbers, and the problems of the others.
pub fn read_firms(references: &References, bytes: &[u8]) -> (Vec<(usize, NewFirm)>, Vec<Issue>) {
    let mut firms = Vec::new();
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    match reader.headers() {
        Ok(h)
            if h.iter()
                .map(|c| c.to_ascii_lowercase())
                .eq(COLUMNS.iter().map(|c| c.to_string())) => {}
        Ok(h) => {
            errors.push(Issue::new(
                1,
                "header",
                format!(
                    "the header must be {}, not {}",
                    COLUMNS.join(","),
                    h.iter().collect::<Vec<_>>().join(",")
                ),
            ));
            return (firms, errors);
        }
        Err(e) => {
            errors.push(Issue::new(1, "header", e.to_string()));
            return (firms, errors);
        }
    }
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(Issue::new(line, "line", e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != COLUMNS.len() {
            errors.push(Issue::new(
                line,
                "line",
                format!("{} columns, not {}", record.len(), COLUMNS.len()),
            ));
            continue;
        }
        let optional = |i: usize| Some(record[i].to_owned()).filter(|v| !v.is_empty());
        let municipality = &record[2];
        let geography = references.geography();
        let code = geography
            .municipality(municipality)
            .or_else(|| geography.municipality_by_name(municipality))
            .map(|m| m.code.clone());
        let Some(code) = code else {
            errors.push(
                Issue::new(
                    line,
                    "municipality",
                    "no municipality has this code or name",
                )
                .value(municipality),
            );
            continue;
        };
        firms.push((
            line,
            NewFirm {
                business_id: optional(0),
                name: record[1].to_owned(),
                municipality_code: code,
                industry_code: optional(3),
            },
        ));
    }
    if firms.len() + errors.len() > MAX_FIRMS {
        errors.push(Issue::new(
            0,
            "file",
            format!("a campaign lists at most {MAX_FIRMS} firms"),
        ));
    }
    (firms, errors)
}

/// The CSV field a firm's field comes from.
fn column(field: &str) -> &'static str {
    match field {
        "business_id" => "business_id",
        "municipality_code" => "municipality",
        "industry_code" => "industry",
        _ => "name",
    }
}

/// Check `bytes` and create the campaign with its firms in one
/// transaction, unless a line is refused or it is a dry run.
pub fn import_campaign_file(
    store: &Store,
    references: &References,
    file: &str,
    bytes: &[u8],
    options: &CampaignImport,
) -> Result<CampaignImportReport, CampaignImportError> {
    let org = store
        .read(|c| orgs::get_org(c, options.created_by))?
        .ok_or(CampaignImportError::UnknownOrganization(options.created_by))?;
    if !matches!(org.kind, OrgKind::EmploymentOffice | OrgKind::Ministry) {
        return Err(CampaignImportError::NotAnOffice {
            org: org.id,
            kind: org.kind,
        });
    }
    let campaign = NewCampaign {
        name: options.name.clone(),
        region_code: options.region_code.clone(),
        starts_on: options.starts_on,
        ends_on: options.ends_on,
        created_by: options.created_by,
    };
    let (firms, mut errors) = read_firms(references, bytes);
    let rows = firms.len() + errors.iter().filter(|e| e.line > 1).count();
    if let Err(e) = outreach::check_campaign(references, &campaign) {
        errors.insert(0, Issue::new(0, &e.field, e.reason));
    }
    let list: Vec<NewFirm> = firms.iter().map(|(_, f)| f.clone()).collect();
    for (i, e) in outreach::check_firm_list(references, campaign.region_code.as_deref(), &list) {
        let (line, firm) = &firms[i];
        let value = match e.field.as_str() {
            "business_id" => firm.business_id.clone(),
            "industry_code" => firm.industry_code.clone(),
            "municipality_code" => Some(firm.municipality_code.clone()),
            _ => Some(firm.name.clone()),
        };
        let issue = Issue::new(*line, column(&e.field), e.reason);
        errors.push(match value {
            Some(v) => issue.value(&v),
            None => issue,
        });
    }
    if list.is_empty() && errors.is_empty() {
        errors.push(Issue::new(0, "file", "the file lists no firms"));
    }
    errors.sort_by_key(|e| e.line);
    let mut report = CampaignImportReport {
        file: file.to_owned(),
        rows,
        errors,
        campaign: None,
        firms_created: 0,
        applied: false,
        dry_run: options.dry_run,
    };
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let commit = !options.dry_run;
    let (campaign, created) = store.write_or_discard(|c| {
        let (stored, created) =
            outreach::create_campaign(c, references.geography(), &campaign, &list)?;
        crate::store::audit::append(
            c,
            &crate::store::audit::NewEvent {
                org_id: Some(options.created_by.0),
                token_id: None,
                role: None,
                action: "outreach.campaign.import",
                subject_kind: "outreach_campaign",
                subject_id: stored.id.to_string(),
                reason: Some(&format!("{file}: {} firms, {created} new", stored.firms)),
                request_id: &options.request_id,
            },
        )?;
        Ok(((stored, created), commit))
    })?;
    report.firms_created = created;
    report.applied = commit;
    if commit {
        report.campaign = Some(campaign);
    }
    Ok(report)
}

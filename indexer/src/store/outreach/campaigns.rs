//! Contact campaigns (yritysharavointi): nationwide or regional, each with
//! its list of firms, every firm assigned to the employment office of its
//! region; and their progress per office.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use matcher::domain::{OrgId, OrgKind, ValidationError};
use matcher::geography::Geography;
use matcher::references::{check_date, References};
use serde::Serialize;

use super::super::schema::{
    organizations, outreach_campaign_firms, outreach_campaigns, outreach_contacts, outreach_needs,
};
use super::super::{allocate_ids, insert_rows, now, DbConnection, IdTable, StoreError};
use super::firms::invalid;
use super::firms::{self, NewFirm};

/// Longest campaign name.
pub const MAX_NAME_CHARS: usize = 200;

/// A campaign to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    pub name: String,
    /// None: nationwide.
    pub region_code: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub created_by: OrgId,
}

/// A stored campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    /// The region of a regional campaign; null when nationwide.
    pub region_code: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub created_by_org: OrgId,
    pub created_at: NaiveDateTime,
    /// Firms on its list.
    pub firms: i64,
}

/// The rules of a campaign: a name, a known region, an end not before
/// the start.
pub fn check_campaign(refs: &References, c: &NewCampaign) -> Result<(), ValidationError> {
    let name = c.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(
            "name",
            format!("a campaign's name has 1–{MAX_NAME_CHARS} characters"),
        ));
    }
    if let Some(region) = &c.region_code {
        if refs.geography().region(region).is_none() {
            return Err(invalid(
                "region_code",
                format!("no region has the code {region:?}"),
            ));
        }
    }
    check_date("starts_on", c.starts_on)?;
    if let Some(ends) = c.ends_on {
        check_date("ends_on", ends)?;
    }
    if c.ends_on.is_some_and(|e| e < c.starts_on) {
        return Err(invalid("ends_on", "a campaign cannot end before it starts"));
    }
    Ok(())
}

/// The firms of a list that break a rule, each with its index: the rules
/// of a firm, a firm outside a regional campaign's region, and a firm
/// named twice (by business id, or by name and municipality).
pub fn check_firm_list(
    refs: &References,
    region_code: Option<&str>,
    list: &[NewFirm],
) -> Vec<(usize, ValidationError)> {
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, firm) in list.iter().enumerate() {
        if let Err(e) = firms::check_firm(refs, firm, "") {
            errors.push((i, e));
            continue;
        }
        if let Some(region) = region_code {
            let in_region = refs
                .geography()
                .region_of(&firm.municipality_code)
                .is_some_and(|r| r.code == region);
            if !in_region {
                errors.push((
                    i,
                    invalid(
                        "municipality_code",
                        format!(
                            "municipality {} is outside the campaign's region {region}",
                            firm.municipality_code
                        ),
                    ),
                ));
                continue;
            }
        }
        let key = match &firm.business_id {
            Some(bid) => bid.clone(),
            None => format!(
                "{}|{}",
                firm.name.trim().to_lowercase(),
                firm.municipality_code
            ),
        };
        if let Some(first) = seen.get(&key) {
            errors.push((
                i,
                invalid(
                    if firm.business_id.is_some() {
                        "business_id"
                    } else {
                        "name"
                    },
                    format!("the same firm as item {first}"),
                ),
            ));
            continue;
        }
        seen.insert(key, i);
    }
    errors
}

/// The employment office serving each region: the office (lowest id) whose
/// home municipality lies in it.
pub fn offices_by_region(
    conn: &mut DbConnection,
    geography: &Geography,
) -> Result<HashMap<String, OrgId>, StoreError> {
    let offices: Vec<(i64, Option<String>)> = organizations::table
        .filter(organizations::kind.eq(OrgKind::EmploymentOffice.as_str()))
        .order(organizations::id.asc())
        .select((organizations::id, organizations::municipality_code))
        .load(conn)?;
    let mut out = HashMap::new();
    for (id, municipality) in offices {
        if let Some(region) = municipality.as_deref().and_then(|m| geography.region_of(m)) {
            out.entry(region.code.clone()).or_insert(OrgId(id));
        }
    }
    Ok(out)
}

/// Create a campaign with its list (each firm found or created, and
/// assigned to the office of its region, else to none). The campaign and
/// list must have passed [`check_campaign`] and [`check_firm_list`].
/// Returns the campaign and how many firms were created.
pub fn create_campaign(
    conn: &mut DbConnection,
    geography: &Geography,
    c: &NewCampaign,
    list: &[NewFirm],
) -> Result<(Campaign, usize), StoreError> {
    conn.transaction(|conn| {
        let id = allocate_ids(conn, IdTable::OutreachCampaigns, 1)?[0];
        let created_at = now();
        insert_rows!(
            conn,
            outreach_campaigns::table,
            (
                outreach_campaigns::id.eq(id),
                outreach_campaigns::name.eq(c.name.trim()),
                outreach_campaigns::region_code.eq(&c.region_code),
                outreach_campaigns::starts_on.eq(c.starts_on),
                outreach_campaigns::ends_on.eq(c.ends_on),
                outreach_campaigns::created_by_org_id.eq(c.created_by.0),
                outreach_campaigns::created_at.eq(created_at),
            )
        )?;
        let offices = offices_by_region(conn, geography)?;
        let mut created = 0;
        let mut listed = HashSet::new();
        let mut rows = Vec::with_capacity(list.len());
        for firm in list {
            let (found, new) = firms::find_or_create_firm(conn, firm)?;
            created += usize::from(new);
            if !listed.insert(found.id.0) {
                continue;
            }
            let office = geography
                .region_of(&firm.municipality_code)
                .and_then(|r| offices.get(&r.code))
                .map(|o| o.0);
            rows.push((
                outreach_campaign_firms::campaign_id.eq(id),
                outreach_campaign_firms::firm_org_id.eq(found.id.0),
                outreach_campaign_firms::office_org_id.eq(office),
            ));
        }
        for chunk in rows.chunks(super::super::INSERT_CHUNK) {
            insert_rows!(conn, outreach_campaign_firms::table, chunk)?;
        }
        let campaign = get_campaign(conn, id)?.ok_or(StoreError::NotFound {
            kind: "campaign",
            id: id.to_string(),
        })?;
        Ok((campaign, created))
    })
}

type CampaignRow = (
    i64,
    String,
    Option<String>,
    NaiveDate,
    Option<NaiveDate>,
    i64,
    NaiveDateTime,
);

macro_rules! campaign_columns {
    () => {
        (
            outreach_campaigns::id,
            outreach_campaigns::name,
            outreach_campaigns::region_code,
            outreach_campaigns::starts_on,
            outreach_campaigns::ends_on,
            outreach_campaigns::created_by_org_id,
            outreach_campaigns::created_at,
        )
    };
}

fn with_counts(
    conn: &mut DbConnection,
    rows: Vec<CampaignRow>,
) -> Result<Vec<Campaign>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let counts: Vec<(i64, i64)> = outreach_campaign_firms::table
        .filter(outreach_campaign_firms::campaign_id.eq_any(&ids))
        .group_by(outreach_campaign_firms::campaign_id)
        .select((
            outreach_campaign_firms::campaign_id,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let counts: HashMap<i64, i64> = counts.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| Campaign {
            firms: counts.get(&r.0).copied().unwrap_or(0),
            id: r.0,
            name: r.1,
            region_code: r.2,
            starts_on: r.3,
            ends_on: r.4,
            created_by_org: OrgId(r.5),
            created_at: r.6,
        })
        .collect())
}

/// One campaign (every adviser may read every campaign).
pub fn get_campaign(conn: &mut DbConnection, id: i64) -> Result<Option<Campaign>, StoreError> {
    let rows: Vec<CampaignRow> = outreach_campaigns::table
        .filter(outreach_campaigns::id.eq(id))
        .select(campaign_columns!())
        .load(conn)?;
    Ok(with_counts(conn, rows)?.pop())
}

/// Campaigns, newest first, ids below `before` (0: from the newest), at
/// most `limit`.
pub fn list_campaigns(
    conn: &mut DbConnection,
    before: i64,
    limit: i64,
) -> Result<Vec<Campaign>, StoreError> {
    let mut query = outreach_campaigns::table
        .select(campaign_columns!())
        .into_boxed();
    if before > 0 {
        query = query.filter(outreach_campaigns::id.lt(before));
    }
    let rows: Vec<CampaignRow> = query
        .order(outreach_campaigns::id.desc())
        .limit(limit)
        .load(conn)?;
    with_counts(conn, rows)
}

/// What progress needs of a contact: id, firm, office, campaign,
/// contacted on, follow-up on.
type ContactFacts = (i64, i64, i64, Option<i64>, NaiveDate, Option<NaiveDate>);

/// A campaign's figures for one office (or for firms assigned to none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OfficeProgress {
    /// Null: firms of the list no office serves.
    pub office: Option<OrgId>,
    pub office_name: Option<String>,
    /// Firms of the list assigned to the office.
    pub firms: i64,
    /// Firms the office contacted in the campaign (up to `as_of`).
    pub firms_contacted: i64,
    /// Needs found in those contacts.
    pub needs: i64,
    /// Positions of those needs.
    pub positions: i64,
    /// Needs turned into hidden vacancies.
    pub vacancies: i64,
    /// The office's campaign contacts whose follow-up date has come by
    /// `as_of` with no later contact of the firm.
    pub follow_ups_due: i64,
}

/// A campaign's progress per office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CampaignProgress {
    pub campaign: Campaign,
    pub as_of: NaiveDate,
    /// By office name; firms assigned to no office last.
    pub offices: Vec<OfficeProgress>,
    /// The whole campaign (`firms_contacted` counts each firm once).
    pub total: OfficeProgress,
}

/// The progress of campaign `id` as of `as_of` (contacts after it are not
/// counted).
pub fn campaign_progress(
    conn: &mut DbConnection,
    id: i64,
    as_of: NaiveDate,
) -> Result<Option<CampaignProgress>, StoreError> {
    let Some(campaign) = get_campaign(conn, id)? else {
        return Ok(None);
    };
    let list: Vec<(i64, Option<i64>)> = outreach_campaign_firms::table
        .filter(outreach_campaign_firms::campaign_id.eq(id))
        .select((
            outreach_campaign_firms::firm_org_id,
            outreach_campaign_firms::office_org_id,
        ))
        .load(conn)?;
    // Every contact up to `as_of` of a firm on the list decides whether a
    // follow-up was made; only the campaign's own ones count otherwise.
    let firm_ids: Vec<i64> = list.iter().map(|(f, _)| *f).collect();
    let mut contacts: Vec<ContactFacts> = Vec::new();
    for chunk in firm_ids.chunks(super::super::IN_CHUNK) {
        contacts.extend(
            outreach_contacts::table
                .filter(outreach_contacts::firm_org_id.eq_any(chunk))
                .filter(outreach_contacts::contacted_on.le(as_of))
                .select((
                    outreach_contacts::id,
                    outreach_contacts::firm_org_id,
                    outreach_contacts::office_org_id,
                    outreach_contacts::campaign_id,
                    outreach_contacts::contacted_on,
                    outreach_contacts::follow_up_on,
                ))
                .load::<ContactFacts>(conn)?,
        );
    }
    let needs: Vec<(i64, i32, Option<i64>)> = outreach_needs::table
        .filter(
            outreach_needs::contact_id.eq_any(
                outreach_contacts::table
                    .filter(outreach_contacts::campaign_id.eq(id))
                    .filter(outreach_contacts::contacted_on.le(as_of))
                    .select(outreach_contacts::id),
            ),
        )
        .select((
            outreach_needs::contact_id,
            outreach_needs::positions,
            outreach_needs::vacancy_id,
        ))
        .load(conn)?;
    let mut latest: HashMap<i64, (NaiveDate, i64)> = HashMap::new();
    for c in &contacts {
        let e = latest.entry(c.1).or_insert((c.4, c.0));
        if (c.4, c.0) > *e {
            *e = (c.4, c.0);
        }
    }
    let office_of_contact: HashMap<i64, i64> = contacts
        .iter()
        .filter(|c| c.3 == Some(id))
        .map(|c| (c.0, c.2))
        .collect();
    let mut rows: BTreeMap<Option<i64>, OfficeProgress> = BTreeMap::new();
    for (_, office) in &list {
        rows.entry(*office).or_default().firms += 1;
    }
    let mut contacted: HashSet<(i64, i64)> = HashSet::new();
    for c in contacts.iter().filter(|c| c.3 == Some(id)) {
        let row = rows.entry(Some(c.2)).or_default();
        if contacted.insert((c.2, c.1)) {
            row.firms_contacted += 1;
        }
        let due = c.5.is_some_and(|f| f <= as_of) && latest.get(&c.1) == Some(&(c.4, c.0));
        row.follow_ups_due += i64::from(due);
    }
    for (contact, positions, vacancy) in needs {
        if let Some(office) = office_of_contact.get(&contact) {
            let row = rows.entry(Some(*office)).or_default();
            row.needs += 1;
            row.positions += i64::from(positions);
            row.vacancies += i64::from(vacancy.is_some());
        }
    }
    let office_ids: Vec<i64> = rows.keys().flatten().copied().collect();
    let names: HashMap<i64, String> = organizations::table
        .filter(organizations::id.eq_any(&office_ids))
        .select((organizations::id, organizations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut offices: Vec<OfficeProgress> = rows
        .into_iter()
        .map(|(office, mut p)| {
            p.office = office.map(OrgId);
            p.office_name = office.and_then(|o| names.get(&o).cloned());
            p
        })
        .collect();
    offices.sort_by(|a, b| {
        (a.office.is_none(), &a.office_name).cmp(&(b.office.is_none(), &b.office_name))
    });
    let contacted_firms: HashSet<i64> = contacted.iter().map(|(_, f)| *f).collect();
    let total = OfficeProgress {
        office: None,
        office_name: None,
        firms: list.len() as i64,
        firms_contacted: contacted_firms.len() as i64,
        needs: offices.iter().map(|o| o.needs).sum(),
        positions: offices.iter().map(|o| o.positions).sum(),
        vacancies: offices.iter().map(|o| o.vacancies).sum(),
        follow_ups_due: offices.iter().map(|o| o.follow_ups_due).sum(),
    };
    Ok(Some(CampaignProgress {
        campaign,
        as_of,
        offices,
        total,
    }))
}

//! Contacts of an office with a firm and what they found: recruitment
//! needs, a coming layoff, no need, a follow-up date. A need becomes a
//! hidden vacancy of the firm in one step.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use matcher::domain::{
    ContractType, OrgId, OutreachChannel, RemoteMode, Vacancy, VacancyDraft, VacancyStatus,
    ValidationError, Visibility, WorkTime,
};
use matcher::references::{check_date, References};
use serde::{Deserialize, Serialize};

use super::super::schema::{
    outreach_campaign_firms, outreach_campaigns, outreach_contacts, outreach_needs,
};
use super::super::{
    allocate_ids, insert_rows, now, parse_db, vacancies, DbConnection, IdTable, StoreError,
};
use super::firms::invalid;
use super::firms::{self, Firm, NewFirm};

/// Longest note of a contact (about the firm, never about persons).
pub const MAX_NOTES_CHARS: usize = 2_000;
/// Most needs one contact records.
pub const MAX_NEEDS: usize = 20;
/// Most positions of one need, as of a vacancy.
pub const MAX_POSITIONS: i32 = 10_000;
/// Most people of one layoff.
pub const MAX_LAYOFF_PEOPLE: i32 = 100_000;
/// Where a hidden vacancy made from a need says it came from.
pub const VACANCY_SOURCE: &str = "outreach";

/// A recruitment need found in a contact.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNeed {
    /// The ESCO occupation needed.
    #[schema(
        max_length = 300,
        pattern = "^http://data\\.europa\\.eu/esco/occupation/"
    )]
    pub occupation_uri: String,
    /// How many people.
    #[schema(minimum = 1, maximum = 10000)]
    pub positions: i32,
    /// By when.
    pub needed_by: Option<NaiveDate>,
}

/// What a contact found, and when and how it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub office: OrgId,
    pub campaign: Option<i64>,
    pub contacted_on: NaiveDate,
    pub channel: OutreachChannel,
    pub needs: Vec<NewNeed>,
    pub layoff_people: Option<i32>,
    pub layoff_on: Option<NaiveDate>,
    pub no_need: bool,
    pub follow_up_on: Option<NaiveDate>,
    pub notes: String,
}

/// A stored need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Need {
    pub id: i64,
    pub contact_id: i64,
    pub occupation_uri: String,
    pub positions: i32,
    pub needed_by: Option<NaiveDate>,
    /// The hidden vacancy made from it, once made.
    pub vacancy_id: Option<i64>,
}

/// A stored contact with its firm and needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: i64,
    pub firm: Firm,
    /// The office that made the contact.
    pub office_org: OrgId,
    pub campaign_id: Option<i64>,
    pub contacted_on: NaiveDate,
    pub channel: OutreachChannel,
    pub no_need: bool,
    pub layoff_people: Option<i32>,
    pub layoff_on: Option<NaiveDate>,
    pub follow_up_on: Option<NaiveDate>,
    pub notes: String,
    pub needs: Vec<Need>,
    pub created_at: NaiveDateTime,
}

/// The rules of a contact and its references, as of `today`: it did not
/// happen in the future; a layoff, a need's date and a follow-up come
/// after it; "no need" and needs contradict each other; it finds
/// something (a need, a layoff, no need or a follow-up).
pub fn check_contact(
    refs: &References,
    c: &NewContact,
    today: NaiveDate,
) -> Result<(), ValidationError> {
    check_date("contacted_on", c.contacted_on)?;
    if c.contacted_on > today {
        return Err(invalid(
            "contacted_on",
            format!("{} is in the future", c.contacted_on),
        ));
    }
    if c.notes.chars().count() > MAX_NOTES_CHARS {
        return Err(invalid(
            "notes",
            format!("notes have at most {MAX_NOTES_CHARS} characters"),
        ));
    }
    if c.needs.len() > MAX_NEEDS {
        return Err(invalid(
            "needs",
            format!("a contact records at most {MAX_NEEDS} needs"),
        ));
    }
    if c.no_need && !c.needs.is_empty() {
        return Err(invalid(
            "no_need",
            "a contact that found no need cannot record needs",
        ));
    }
    for (i, n) in c.needs.iter().enumerate() {
        if refs
            .taxonomy()
            .occupation_by_uri(&n.occupation_uri)
            .is_none()
        {
            return Err(invalid(
                format!("needs[{i}].occupation_uri"),
                format!("{:?} is not an ESCO occupation", n.occupation_uri),
            ));
        }
        if !(1..=MAX_POSITIONS).contains(&n.positions) {
            return Err(invalid(
                format!("needs[{i}].positions"),
                format!("positions must be 1–{MAX_POSITIONS}"),
            ));
        }
        if let Some(by) = n.needed_by {
            let field = format!("needs[{i}].needed_by");
            check_date(&field, by)?;
            if by < c.contacted_on {
                return Err(invalid(field, "a need cannot be due before the contact"));
            }
        }
    }
    match (c.layoff_people, c.layoff_on) {
        (None, Some(_)) => {
            return Err(invalid(
                "layoff_people",
                "a layoff date needs the number of people",
            ))
        }
        (Some(n), _) if !(1..=MAX_LAYOFF_PEOPLE).contains(&n) => {
            return Err(invalid(
                "layoff_people",
                format!("layoff_people must be 1–{MAX_LAYOFF_PEOPLE}"),
            ))
        }
        (Some(_), Some(on)) => {
            check_date("layoff_on", on)?;
            if on < c.contacted_on {
                return Err(invalid(
                    "layoff_on",
                    "a coming layoff cannot be before the contact",
                ));
            }
        }
        _ => {}
    }
    if let Some(on) = c.follow_up_on {
        check_date("follow_up_on", on)?;
        if on <= c.contacted_on {
            return Err(invalid(
                "follow_up_on",
                "a follow-up comes after the contact",
            ));
        }
    }
    if c.needs.is_empty() && c.layoff_people.is_none() && !c.no_need && c.follow_up_on.is_none() {
        return Err(invalid(
            "needs",
            "record what the contact found: needs, a layoff, no need or a follow-up",
        ));
    }
    Ok(())
}

/// Which firm a contact is with: a stored one, or one named (found or
/// created).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirmRef {
    Existing(OrgId),
    Named(NewFirm),
}

/// Record a contact, creating the firm when missing. A campaign's firm
/// list gains the firm (assigned to the contacting office) when it lacks
/// it. The contact must have passed [`check_contact`].
pub fn record_contact(
    conn: &mut DbConnection,
    firm: &FirmRef,
    c: &NewContact,
) -> Result<Contact, StoreError> {
    conn.transaction(|conn| {
        let firm = match firm {
            FirmRef::Existing(id) => {
                firms::get_firm(conn, *id)?.ok_or_else(|| StoreError::NotFound {
                    kind: "firm",
                    id: id.to_string(),
                })?
            }
            FirmRef::Named(named) => firms::find_or_create_firm(conn, named)?.0,
        };
        if let Some(campaign) = c.campaign {
            let dates: Option<(NaiveDate, Option<NaiveDate>)> = outreach_campaigns::table
                .find(campaign)
                .select((outreach_campaigns::starts_on, outreach_campaigns::ends_on))
                .first(conn)
                .optional()?;
            let Some((starts, ends)) = dates else {
                return Err(StoreError::NotFound {
                    kind: "campaign",
                    id: campaign.to_string(),
                });
            };
            if c.contacted_on < starts || ends.is_some_and(|e| c.contacted_on > e) {
                return Err(StoreError::Invalid(format!(
                    "contacted_on: {} is outside campaign {campaign}'s dates",
                    c.contacted_on
                )));
            }
            let listed: i64 = outreach_campaign_firms::table
                .filter(outreach_campaign_firms::campaign_id.eq(campaign))
                .filter(outreach_campaign_firms::firm_org_id.eq(firm.id.0))
                .count()
                .get_result(conn)?;
            if listed == 0 {
                insert_rows!(
                    conn,
                    outreach_campaign_firms::table,
                    (
                        outreach_campaign_firms::campaign_id.eq(campaign),
                        outreach_campaign_firms::firm_org_id.eq(firm.id.0),
                        outreach_campaign_firms::office_org_id.eq(Some(c.office.0)),
                    )
                )?;
            }
        }
        let id = allocate_ids(conn, IdTable::OutreachContacts, 1)?[0];
        insert_rows!(
            conn,
            outreach_contacts::table,
            (
                outreach_contacts::id.eq(id),
                outreach_contacts::firm_org_id.eq(firm.id.0),
                outreach_contacts::office_org_id.eq(c.office.0),
                outreach_contacts::campaign_id.eq(c.campaign),
                outreach_contacts::contacted_on.eq(c.contacted_on),
                outreach_contacts::channel.eq(c.channel.as_str()),
                outreach_contacts::no_need.eq(c.no_need),
                outreach_contacts::layoff_people.eq(c.layoff_people),
                outreach_contacts::layoff_on.eq(c.layoff_on),
                outreach_contacts::follow_up_on.eq(c.follow_up_on),
                outreach_contacts::notes.eq(c.notes.trim()),
                outreach_contacts::created_at.eq(now()),
            )
        )?;
        let need_ids = allocate_ids(conn, IdTable::OutreachNeeds, c.needs.len())?;
        for (need_id, n) in need_ids.iter().zip(&c.needs) {
            insert_rows!(
                conn,
                outreach_needs::table,
                (
                    outreach_needs::id.eq(need_id),
                    outreach_needs::contact_id.eq(id),
                    outreach_needs::occupation_uri.eq(&n.occupation_uri),
                    outreach_needs::positions.eq(n.positions),
                    outreach_needs::needed_by.eq(n.needed_by),
                )
            )?;
        }
        let mut found = load(conn, vec![id])?;
        found.pop().ok_or(StoreError::NotFound {
            kind: "contact",
            id: id.to_string(),
        })
    })
}

/// Whose contacts a caller reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactScope {
    /// An office: its own contacts.
    Office(OrgId),
    /// Operators.
    All,
}

/// Which contacts to list.
#[derive(Debug, Clone)]
pub struct ContactFilter {
    pub scope: ContactScope,
    pub firm: Option<OrgId>,
    pub campaign: Option<i64>,
    /// Only follow-ups due on this day: a follow-up date on or before it,
    /// and no later contact with the firm.
    pub due_on: Option<NaiveDate>,
    /// Newest first, ids below this one (the cursor); 0 for the first page.
    pub before: i64,
    pub limit: i64,
}

diesel::alias!(outreach_contacts as later: LaterContacts);

/// The contacts `filter` selects, newest first (by id).
pub fn list_contacts(
    conn: &mut DbConnection,
    filter: &ContactFilter,
) -> Result<Vec<Contact>, StoreError> {
    let mut query = outreach_contacts::table
        .select(outreach_contacts::id)
        .into_boxed();
    if let ContactScope::Office(org) = filter.scope {
        query = query.filter(outreach_contacts::office_org_id.eq(org.0));
    }
    if let Some(firm) = filter.firm {
        query = query.filter(outreach_contacts::firm_org_id.eq(firm.0));
    }
    if let Some(campaign) = filter.campaign {
        query = query.filter(outreach_contacts::campaign_id.eq(campaign));
    }
    if let Some(day) = filter.due_on {
        query = query
            .filter(outreach_contacts::follow_up_on.le(day))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                later
                    .filter(
                        later
                            .field(outreach_contacts::firm_org_id)
                            .eq(outreach_contacts::firm_org_id),
                    )
                    .filter(
                        later
                            .field(outreach_contacts::contacted_on)
                            .gt(outreach_contacts::contacted_on)
                            .or(later
                                .field(outreach_contacts::contacted_on)
                                .eq(outreach_contacts::contacted_on)
                                .and(later.field(outreach_contacts::id).gt(outreach_contacts::id))),
                    )
                    .filter(later.field(outreach_contacts::contacted_on).le(day)),
            )));
    }
    if filter.before > 0 {
        query = query.filter(outreach_contacts::id.lt(filter.before));
    }
    let ids: Vec<i64> = query
        .order(outreach_contacts::id.desc())
        .limit(filter.limit)
        .load(conn)?;
    load(conn, ids)
}

/// The contact `id` if `scope` may read it.
pub fn get_contact(
    conn: &mut DbConnection,
    id: i64,
    scope: ContactScope,
) -> Result<Option<Contact>, StoreError> {
    let mut query = outreach_contacts::table
        .filter(outreach_contacts::id.eq(id))
        .select(outreach_contacts::id)
        .into_boxed();
    if let ContactScope::Office(org) = scope {
        query = query.filter(outreach_contacts::office_org_id.eq(org.0));
    }
    let ids: Vec<i64> = query.load(conn)?;
    Ok(load(conn, ids)?.pop())
}

type ContactRow = (
    i64,
    i64,
    i64,
    Option<i64>,
    NaiveDate,
    String,
    bool,
    Option<i32>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    NaiveDateTime,
);

type NeedRow = (i64, i64, String, i32, Option<NaiveDate>, Option<i64>);

fn need_from(r: NeedRow) -> Need {
    Need {
        id: r.0,
        contact_id: r.1,
        occupation_uri: r.2,
        positions: r.3,
        needed_by: r.4,
        vacancy_id: r.5,
    }
}

macro_rules! need_columns {
    () => {
        (
            outreach_needs::id,
            outreach_needs::contact_id,
            outreach_needs::occupation_uri,
            outreach_needs::positions,
            outreach_needs::needed_by,
            outreach_needs::vacancy_id,
        )
    };
}

/// Contacts `ids` (already filtered by access) with firms and needs, in
/// the order of `ids`.
fn load(conn: &mut DbConnection, ids: Vec<i64>) -> Result<Vec<Contact>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ContactRow> = outreach_contacts::table
        .filter(outreach_contacts::id.eq_any(&ids))
        .select((
            outreach_contacts::id,
            outreach_contacts::firm_org_id,
            outreach_contacts::office_org_id,
            outreach_contacts::campaign_id,
            outreach_contacts::contacted_on,
            outreach_contacts::channel,
            outreach_contacts::no_need,
            outreach_contacts::layoff_people,
            outreach_contacts::layoff_on,
            outreach_contacts::follow_up_on,
            outreach_contacts::notes,
            outreach_contacts::created_at,
        ))
        .load(conn)?;
    let needs: Vec<NeedRow> = outreach_needs::table
        .filter(outreach_needs::contact_id.eq_any(&ids))
        .order(outreach_needs::id.asc())
        .select(need_columns!())
        .load(conn)?;
    let firm_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let firms: std::collections::HashMap<i64, Firm> = firms::get_firms(conn, &firm_ids)?
        .into_iter()
        .map(|f| (f.id.0, f))
        .collect();
    let mut by_id = std::collections::HashMap::new();
    for r in rows {
        let firm = firms.get(&r.1).cloned().ok_or(StoreError::NotFound {
            kind: "firm",
            id: r.1.to_string(),
        })?;
        by_id.insert(
            r.0,
            Contact {
                id: r.0,
                firm,
                office_org: OrgId(r.2),
                campaign_id: r.3,
                contacted_on: r.4,
                channel: parse_db(&r.5)?,
                no_need: r.6,
                layoff_people: r.7,
                layoff_on: r.8,
                follow_up_on: r.9,
                notes: r.10,
                needs: Vec::new(),
                created_at: r.11,
            },
        );
    }
    for n in needs {
        if let Some(c) = by_id.get_mut(&n.1) {
            c.needs.push(need_from(n));
        }
    }
    Ok(ids.into_iter().filter_map(|id| by_id.remove(&id)).collect())
}

/// The need `id` with the office that found it, if `scope` may read it.
pub fn get_need(
    conn: &mut DbConnection,
    id: i64,
    scope: ContactScope,
) -> Result<Option<(Need, OrgId)>, StoreError> {
    let Some(need) = outreach_needs::table
        .filter(outreach_needs::id.eq(id))
        .select(need_columns!())
        .first::<NeedRow>(conn)
        .optional()?
        .map(need_from)
    else {
        return Ok(None);
    };
    let mut query = outreach_contacts::table
        .filter(outreach_contacts::id.eq(need.contact_id))
        .select(outreach_contacts::office_org_id)
        .into_boxed();
    if let ContactScope::Office(org) = scope {
        query = query.filter(outreach_contacts::office_org_id.eq(org.0));
    }
    Ok(query
        .first::<i64>(conn)
        .optional()?
        .map(|office| (need, OrgId(office))))
}

/// Turn need `id` into a hidden vacancy of its firm, through the
/// vacancies' own create path (so its outbox row is written and matching
/// starts at once); the need remembers the vacancy. A need already turned
/// is a conflict.
pub fn need_to_vacancy(
    conn: &mut DbConnection,
    refs: &References,
    id: i64,
    scope: ContactScope,
) -> Result<Vacancy, StoreError> {
    conn.transaction(|conn| {
        let Some((need, _)) = get_need(conn, id, scope)? else {
            return Err(StoreError::NotFound {
                kind: "need",
                id: id.to_string(),
            });
        };
        if let Some(v) = need.vacancy_id {
            return Err(StoreError::Conflict(format!(
                "need {id} is already vacancy {v}"
            )));
        }
        let contact =
            get_contact(conn, need.contact_id, ContactScope::All)?.ok_or(StoreError::NotFound {
                kind: "contact",
                id: need.contact_id.to_string(),
            })?;
        let occupation = refs
            .taxonomy()
            .occupation_by_uri(&need.occupation_uri)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "{:?} is no longer an ESCO occupation",
                    need.occupation_uri
                ))
            })?;
        let title: String = occupation
            .labels
            .get(matcher::taxonomy::Lang::Fi)
            .chars()
            .take(300)
            .collect();
        let description = if contact.notes.is_empty() {
            format!(
                "Rekrytointitarve yrityskäynniltä {} ({}).",
                contact.contacted_on, contact.firm.name
            )
        } else {
            contact.notes.clone()
        };
        let draft = VacancyDraft {
            source: VACANCY_SOURCE.into(),
            source_id: need.id.to_string(),
            owner_org: contact.firm.id,
            title,
            description,
            ad_language: "fi".into(),
            employer_name: Some(contact.firm.name.clone()),
            occupation_uri: Some(occupation.uri.clone()),
            isco_code: Some(occupation.isco_code.clone()),
            industry_code: contact.firm.industry_code.clone(),
            skills: Vec::new(),
            municipality_code: contact.firm.municipality_code.clone(),
            lat: None,
            lon: None,
            remote: RemoteMode::None,
            work_time: WorkTime::FullTime,
            contract_type: ContractType::Permanent,
            positions: need.positions,
            salary_min_eur: None,
            salary_max_eur: None,
            languages: Vec::new(),
            licences: Vec::new(),
            certificates: Vec::new(),
            start_date: need.needed_by,
            expires_at: None,
            visibility: Visibility::Hidden,
            shared_with: Vec::new(),
            status: VacancyStatus::Open,
        };
        let vacancy = vacancies::create_vacancy(conn, &draft)?;
        let n = diesel::update(
            outreach_needs::table
                .find(id)
                .filter(outreach_needs::vacancy_id.is_null()),
        )
        .set(outreach_needs::vacancy_id.eq(vacancy.id.0))
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::Conflict(format!(
                "need {id} became a vacancy meanwhile"
            )));
        }
        Ok(vacancy)
    })
}

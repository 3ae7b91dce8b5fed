//! Employer outreach (docs/outreach.md): advisers' contacts with firms and
//! what they found, needs turned into hidden vacancies, and contact
//! campaigns (yritysharavointi) with their progress per office.
//!
//! Checks that need the reference data (`check_*`) answer a
//! [`matcher::domain::ValidationError`] naming the field, so that the API
//! and the CSV import can point at it; the writes expect checked input.

pub mod campaigns;
pub mod contacts;
pub mod firms;

pub use campaigns::{
    campaign_progress, check_campaign, check_firm_list, create_campaign, get_campaign,
    list_campaigns, Campaign, CampaignProgress, NewCampaign, OfficeProgress,
};
pub use contacts::{
    check_contact, get_contact, get_need, list_contacts, need_to_vacancy, record_contact, Contact,
    ContactFilter, ContactScope, FirmRef, Need, NewContact, NewNeed,
};
pub use firms::{check_firm, find_or_create_firm, get_firm, search_firms, Firm, NewFirm};

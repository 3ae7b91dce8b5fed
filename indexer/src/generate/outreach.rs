//! Demo employer outreach: a nationwide contact campaign (yritysharavointi)
//! over the demo employers and generated firms, and the offices' contacts
//! with those firms over the past six months — recruitment needs (some
//! turned into hidden vacancies through the store's own path), coming
//! layoffs, no need, follow-ups (some due) — deterministic for the seed
//! and the reference date. Written once: a store that has the campaign
//! already is left alone, so `generate` can run again to add people.

use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate};
use matcher::domain::{OrgId, OutreachChannel};
use matcher::geography::Geography;
use matcher::references::References;
use matcher::taxonomy::Taxonomy;

use super::rng::{DemoRng, WeightedIndex};
use super::{business_id, ensure_demo_orgs, GenerateError, PopulationSpec, EMPLOYERS};
use crate::store::outreach::{
    self, ContactScope, FirmRef, NewCampaign, NewContact, NewFirm, NewNeed,
};
use crate::store::{taxonomy as tables, Store};

/// Firms generated besides the demo employers.
const GENERATED_FIRMS: u32 = 160;
/// How far back the contacts go.
const HISTORY_DAYS: u64 = 182;
const STREAM_OUTREACH: u64 = 7;

/// Generated firms: a name stem, its TOL 2008 division, and the ISCO-08
/// unit groups such a firm recruits.
const TRADES: &[(&str, &str, &[&str])] = &[
    ("Rakennus", "41", &["7112", "7115", "7119", "9313"]),
    ("Sähköasennus", "43", &["7411", "7412"]),
    ("Konepaja", "28", &["7212", "7223", "7233", "8211"]),
    ("Kuljetus", "49", &["8322", "8332", "9333"]),
    ("Ravintola", "56", &["5120", "5131", "9412"]),
    ("Hoivapalvelu", "87", &["5322", "3221", "2221"]),
    ("Siivouspalvelu", "81", &["9112", "5151"]),
    ("Ohjelmistotalo", "62", &["2512", "2511", "2519"]),
    ("Kauppa", "47", &["5223", "5230", "4321"]),
    ("Tilitoimisto", "69", &["3313", "2411", "4311"]),
    ("Elintarvike", "10", &["7512", "8160", "9329"]),
    ("Metsäpalvelu", "02", &["6210", "8341"]),
];

const SURNAMES: &[&str] = &[
    "Aalto", "Honkanen", "Järvi", "Kivi", "Koski", "Laakso", "Lahti", "Mäki", "Niemi", "Nurmi",
    "Ranta", "Salo", "Suomi", "Vaara", "Virta", "Saari", "Harju", "Kallio", "Lehto", "Pelto",
];

/// What the demo outreach wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OutreachReport {
    pub firms: usize,
    pub contacts: usize,
    pub needs: usize,
    pub vacancies: usize,
}

/// Write the demo campaign and contacts unless the store has them.
pub fn generate(store: &Store, spec: &PopulationSpec) -> Result<OutreachReport, GenerateError> {
    let today = spec.reference_date;
    let starts = today - Days::new(HISTORY_DAYS);
    let name = format!("Yritysharavointi {}", starts.year());
    let existing = store.read(|c| outreach::list_campaigns(c, 0, 1_000))?;
    if existing.iter().any(|c| c.name == name) {
        return Ok(OutreachReport::default());
    }
    let (Some(taxonomy), Some(geography)) = (
        store.read(tables::load_taxonomy)?,
        store.read(tables::load_geography)?,
    ) else {
        return Ok(OutreachReport::default());
    };
    let industries = store.read(tables::load_industries)?;
    let refs = References::new(
        Arc::new(taxonomy),
        Arc::new(geography),
        industries.map(Arc::new),
    );
    let orgs = ensure_demo_orgs(store, refs.geography())?;
    let mut rng = DemoRng::fork(spec.seed, STREAM_OUTREACH, 0);

    // The list: the demo employers as stored, then generated firms.
    let mut list = store.read(|c| {
        let mut list = Vec::new();
        for ((id, _), (_, _, industry)) in orgs.employers.iter().zip(EMPLOYERS) {
            if let Some(f) = outreach::get_firm(c, *id)? {
                list.push(NewFirm {
                    business_id: f.business_id,
                    name: f.name,
                    municipality_code: f.municipality_code.unwrap_or_else(|| "091".into()),
                    industry_code: Some((*industry).to_owned()),
                });
            }
        }
        Ok(list)
    })?;
    let places = Places::new(refs.geography());
    for i in 0..GENERATED_FIRMS {
        let (stem, division, _) = rng.pick(TRADES);
        let municipality = places.draw(&mut rng);
        let place = refs
            .geography()
            .municipality(municipality)
            .map_or("", |m| m.name_fi.as_str());
        list.push(NewFirm {
            business_id: Some(business_id(1_000 + i)),
            name: format!("{stem} {} {place} Oy", rng.pick(SURNAMES)),
            municipality_code: municipality.to_owned(),
            industry_code: Some((*division).to_owned()),
        });
    }
    let campaign = NewCampaign {
        name,
        region_code: None,
        starts_on: starts,
        ends_on: Some(today + Days::new(90)),
        created_by: orgs.ministry,
    };
    // Names drawn twice (same stem, surname and place) would refuse the list.
    let mut seen = std::collections::HashSet::new();
    list.retain(|f| seen.insert((f.name.clone(), f.municipality_code.clone())));
    let office_of = |municipality: &str| -> Option<OrgId> {
        let region = &refs.geography().municipality(municipality)?.region_code;
        orgs.offices.iter().find(|(r, _)| r == region).map(|o| o.1)
    };
    let mut report = OutreachReport {
        firms: list.len(),
        ..OutreachReport::default()
    };
    // One transaction: the demo starts quicker, and a failure leaves nothing.
    store.write(|c| {
        let (campaign, _) = outreach::create_campaign(c, refs.geography(), &campaign, &list)?;
        for firm in &list {
            if !rng.chance(0.65) {
                continue;
            }
            let Some(office) = office_of(&firm.municipality_code) else {
                continue;
            };
            let recruits = TRADES
                .iter()
                .find(|t| Some(t.1) == firm.industry_code.as_deref())
                .map_or(&["5223", "9112"][..], |t| t.2);
            let span = Span { starts, today };
            let contact = draw_contact(
                &mut rng,
                refs.taxonomy(),
                recruits,
                office,
                campaign.id,
                span,
            );
            if outreach::check_contact(&refs, &contact, today).is_err() {
                continue;
            }
            let stored = outreach::record_contact(c, &FirmRef::Named(firm.clone()), &contact)?;
            report.contacts += 1;
            report.needs += stored.needs.len();
            for need in &stored.needs {
                if rng.chance(0.4) {
                    outreach::need_to_vacancy(c, &refs, need.id, ContactScope::Office(office))?;
                    report.vacancies += 1;
                }
            }
        }
        Ok(())
    })?;
    Ok(report)
}

/// One contact of `office`: needs (45 %), a coming layoff (10 %), else no
/// need; a follow-up for about 40 %, some of them due by `today`.
fn draw_contact(
    rng: &mut DemoRng,
    taxonomy: &Taxonomy,
    recruits: &[&str],
    office: OrgId,
    campaign: i64,
    span: Span,
) -> NewContact {
    let days = (span.today - span.starts).num_days().max(1);
    let contacted_on = span.starts + Days::new(rng.range(0, days) as u64);
    let channel = *rng.pick(&[
        OutreachChannel::Visit,
        OutreachChannel::Phone,
        OutreachChannel::Phone,
        OutreachChannel::Email,
        OutreachChannel::Event,
    ]);
    let roll = rng.unit();
    let mut needs = Vec::new();
    let (mut layoff_people, mut layoff_on, mut no_need) = (None, None, false);
    let mut notes = String::new();
    if roll < 0.45 {
        for _ in 0..1 + rng.below(2) {
            let isco = *rng.pick(recruits);
            let found: Vec<&str> = taxonomy
                .occupations()
                .filter(|(_, o)| o.isco_code == isco)
                .map(|(_, o)| o.uri.as_str())
                .collect();
            if found.is_empty()
                || needs
                    .iter()
                    .any(|n: &NewNeed| found.contains(&n.occupation_uri.as_str()))
            {
                continue;
            }
            needs.push(NewNeed {
                occupation_uri: (*rng.pick(&found)).to_owned(),
                positions: rng.range(1, 6) as i32,
                needed_by: rng
                    .chance(0.7)
                    .then(|| contacted_on + Days::new(rng.range(30, 150) as u64)),
            });
        }
        notes = "Kasvava yritys, rekrytointitarve lähikuukausina.".into();
    } else if roll < 0.55 {
        layoff_people = Some(rng.range(5, 80) as i32);
        layoff_on = Some(contacted_on + Days::new(rng.range(30, 120) as u64));
        notes = "Tilauskanta heikentynyt, muutosneuvottelut alkamassa.".into();
    } else {
        no_need = true;
    }
    let follow_up_on = (rng.chance(0.4) || needs.is_empty() && !no_need)
        .then(|| contacted_on + Days::new(rng.range(14, 120) as u64));
    NewContact {
        office,
        campaign: Some(campaign),
        contacted_on,
        channel,
        needs,
        layoff_people,
        layoff_on,
        no_need,
        follow_up_on,
        notes,
    }
}

/// The days contacts fall on: from the campaign's start to before today.
#[derive(Clone, Copy)]
struct Span {
    starts: NaiveDate,
    today: NaiveDate,
}

/// Municipalities weighted by population.
struct Places<'a> {
    codes: Vec<&'a str>,
    weights: Option<WeightedIndex>,
}

impl<'a> Places<'a> {
    fn new(geography: &'a Geography) -> Places<'a> {
        let all: Vec<_> = geography.municipalities().collect();
        Places {
            codes: all.iter().map(|m| m.code.as_str()).collect(),
            weights: WeightedIndex::new(all.iter().map(|m| f64::from(m.population))),
        }
    }

    fn draw(&self, rng: &mut DemoRng) -> &'a str {
        match &self.weights {
            Some(w) => self.codes[w.sample(rng)],
            None => "091",
        }
    }
}

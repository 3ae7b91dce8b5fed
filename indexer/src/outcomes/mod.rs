//! Matching judged by outcomes: for every hire that came from an
//! introduction, the rank the hired person had in the ranking the adviser
//! introduced them from (see `docs/matching.md`). Hit rate at 1/5/10/20 and
//! MRR overall, per region (the vacancy's) and per occupation group (ISCO
//! major group), and the current scoring configuration next to its
//! predecessor over the hires whose vacancy both ranked.
//!
//! The hires are read a page at a time and each ranking is looked up on
//! its own, so memory stays flat however long the match log grows.

pub mod metrics;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use matcher::geography::Geography;
use matcher::taxonomy::{Lang, Taxonomy};
use serde::Serialize;

use crate::store::hires::{self, Hire};
use crate::store::match_log::{self, LoggedRanking};
use crate::store::{DbConnection, Store, StoreError};
pub use metrics::{Figures, Outcome, Tally, CUTOFFS};

/// Hires read per query.
const PAGE: i64 = 500;

/// The figures of one region or occupation group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The current scoring configuration against the one before it, over the
/// hires whose vacancy was ranked under both (each configuration's latest
/// ranking of the vacancy up to the hire).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub current: String,
    /// When a ranking under the current configuration was first logged.
    pub current_since: Option<NaiveDateTime>,
    /// `None` when nothing else was logged before the current one.
    pub predecessor: Option<String>,
    /// Hires whose vacancy both configurations ranked.
    pub hires: u64,
    pub current_figures: Figures,
    pub predecessor_figures: Figures,
}

/// What `kohtaanto evaluate outcomes` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub since: Option<NaiveDateTime>,
    pub cutoffs: [usize; CUTOFFS.len()],
    pub overall: Figures,
    pub by_region: Vec<GroupFigures>,
    pub by_occupation_group: Vec<GroupFigures>,
    pub comparison: Comparison,
}

/// Evaluate the hires at or after `since` against the match log, with
/// `current_config` (the engine's [`ScoringConfig::hash`]) as the current
/// configuration.
///
/// [`ScoringConfig::hash`]: matcher::scoring::ScoringConfig::hash
pub fn evaluate(
    store: &Store,
    taxonomy: &Taxonomy,
    geography: &Geography,
    current_config: &str,
    since: Option<NaiveDateTime>,
) -> Result<Evaluation, StoreError> {
    let (current_since, predecessor) = store.read(|c| {
        let first = match_log::first_logged(c, current_config)?;
        let before = match first {
            Some(at) => match_log::predecessor(c, current_config, at)?,
            None => None,
        };
        Ok((first, before))
    })?;
    let mut overall = Tally::default();
    let mut regions: BTreeMap<String, Tally> = BTreeMap::new();
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut now_tally, mut before_tally) = (Tally::default(), Tally::default());
    let mut after = 0;
    loop {
        let page = store.read(|c| {
            let page = hires::hires_after(c, after, since, PAGE)?;
            page.into_iter()
                .map(|hire| {
                    let outcome = outcome(c, &hire)?;
                    let both = match &predecessor {
                        Some(p) => compared(c, &hire, current_config, p)?,
                        None => None,
                    };
                    Ok((hire, outcome, both))
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })?;
        let Some(last) = page.last() else { break };
        after = last.0.id;
        for (hire, outcome, both) in page {
            overall.add(outcome);
            regions
                .entry(hire.region_code.clone())
                .or_default()
                .add(outcome);
            groups
                .entry(major_group(&hire).to_owned())
                .or_default()
                .add(outcome);
            if let Some((now, before)) = both {
                now_tally.add(now);
                before_tally.add(before);
            }
        }
    }
    let region_name = |code: &str| {
        geography
            .region(code)
            .map_or_else(|| code.to_owned(), |r| r.name_en.clone())
    };
    let group_name = |code: &str| {
        taxonomy
            .isco_group(code)
            .map_or_else(|| code.to_owned(), |g| g.labels.get(Lang::En).to_owned())
    };
    Ok(Evaluation {
        since,
        cutoffs: CUTOFFS,
        overall: overall.figures(),
        by_region: named(regions, region_name),
        by_occupation_group: named(groups, group_name),
        comparison: Comparison {
            current: current_config.to_owned(),
            current_since,
            predecessor,
            hires: now_tally.hires,
            current_figures: now_tally.figures(),
            predecessor_figures: before_tally.figures(),
        },
    })
}

fn named(tallies: BTreeMap<String, Tally>, name: impl Fn(&str) -> String) -> Vec<GroupFigures> {
    tallies
        .into_iter()
        .map(|(code, tally)| GroupFigures {
            name: name(&code),
            code,
            figures: tally.figures(),
        })
        .collect()
}

/// The ISCO major group (1 digit) of the hire's vacancy, `unknown` without.
fn major_group(hire: &Hire) -> &str {
    hire.isco_code
        .as_deref()
        .and_then(|c| c.get(..1))
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(matcher::picture::UNKNOWN)
}

/// Where the ranking the person was introduced from put them: the ranking
/// the introduction names (candidates for the vacancy, or vacancies for the
/// person), else the vacancy's latest ranking of candidates logged before
/// the introduction.
fn outcome(conn: &mut DbConnection, hire: &Hire) -> Result<Outcome, StoreError> {
    let (Some(vacancy), Some(profile)) = (hire.vacancy, hire.profile) else {
        return Ok(Outcome::Unranked);
    };
    if let Some(id) = &hire.match_request_id {
        if let Some(ranking) = match_log::ranking(conn, id)? {
            let found = match (ranking.direction.as_str(), ranking.subject_id) {
                ("candidates", Some(v)) if v == vacancy.0 => Some(profile.0),
                ("vacancies", Some(p)) if p == profile.0 => Some(vacancy.0),
                _ => None,
            };
            if let Some(item) = found {
                return Ok(metrics::rank_of(&ranking.results, item));
            }
        }
    }
    let until = hire.introduced_at.unwrap_or(hire.hired_at);
    Ok(rank_in(
        match_log::latest_candidates_ranking(conn, vacancy.0, until, None)?,
        profile.0,
    ))
}

/// The hire under each configuration's latest ranking of its vacancy up to
/// the hire, when both ranked it.
fn compared(
    conn: &mut DbConnection,
    hire: &Hire,
    current: &str,
    predecessor: &str,
) -> Result<Option<(Outcome, Outcome)>, StoreError> {
    let (Some(vacancy), Some(profile)) = (hire.vacancy, hire.profile) else {
        return Ok(None);
    };
    let latest = |c: &mut DbConnection, hash| {
        match_log::latest_candidates_ranking(c, vacancy.0, hire.hired_at, Some(hash))
    };
    let Some(now) = latest(conn, current)? else {
        return Ok(None);
    };
    let Some(before) = latest(conn, predecessor)? else {
        return Ok(None);
    };
    Ok(Some((
        rank_in(Some(now), profile.0),
        rank_in(Some(before), profile.0),
    )))
}

fn rank_in(ranking: Option<LoggedRanking>, id: i64) -> Outcome {
    ranking.map_or(Outcome::Unranked, |r| metrics::rank_of(&r.results, id))
}

//! The open vacancies of one index snapshot, laid out in memory for many
//! queries in a row (a cohort's members): postings by required skill,
//! ISCO sub-major group and title term, the same relevance that
//! [`matcher::retrieval::vacancies_query`] asks tantivy for, and buckets by
//! municipality with the bounding box of their workplaces, so that a scan
//! of every vacancy skips the places a jobseeker's scope cannot reach.
//!
//! Exactness is the engine's: retrieval finds every vacancy that shares a
//! skill (own, related, or of a past occupation), a sub-major group or a
//! title term with the profile; every other vacancy scores at most
//! [`outside_bound`], so when the k-th retrieved total beats it the top k
//! is proven, and otherwise every reachable vacancy is scored.

use std::collections::HashMap;

use matcher::domain::{Relocation, RemoteMode, RemotePreference};
use matcher::geography::EARTH_RADIUS_KM;
use matcher::ranking::TopK;
use matcher::records::{ProfileRecord, VacancyRecord, NO_REGION};
use matcher::retrieval::outside_bound;
use matcher::scoring::{Scope, ScoringConfig};
use matcher::taxonomy::{OccupationIdx, SkillIdx, Taxonomy};

use crate::matching::{Address, Snapshot, Vacancies};

/// Vacancies of one municipality (or of none).
struct Bucket {
    region: u16,
    /// (min lat, max lat, min lon, max lon) of the workplaces, degrees;
    /// `None` when no vacancy has coordinates.
    bbox: Option<(f64, f64, f64, f64)>,
    rows: Vec<u32>,
}

/// See the module documentation.
pub(crate) struct VacancyTable<'s> {
    rows: Vec<(&'s VacancyRecord, Address)>,
    by_skill: HashMap<u32, Vec<u32>>,
    by_group: HashMap<&'s str, Vec<u32>>,
    by_term: HashMap<u64, Vec<u32>>,
    buckets: Vec<Bucket>,
    /// Each row's bucket, with [`REMOTE`] set for fully remote vacancies
    /// (in scope wherever the jobseeker lives).
    place: Vec<u32>,
    /// The fully remote rows.
    remote: Vec<u32>,
}

const REMOTE: u32 = 1 << 31;

impl<'s> VacancyTable<'s> {
    /// The live vacancies of `snapshot` that `visible` admits.
    pub(crate) fn new(
        snapshot: &'s Snapshot,
        visible: impl Fn(&VacancyRecord) -> bool,
    ) -> VacancyTable<'s> {
        let rows: Vec<(&VacancyRecord, Address)> = snapshot
            .live::<Vacancies>()
            .filter(|(_, v)| visible(v))
            .map(|(address, v)| (v, address))
            .collect();
        let mut by_skill: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut by_group: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut by_term: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut places: HashMap<Option<&str>, usize> = HashMap::new();
        let mut buckets: Vec<Bucket> = Vec::new();
        let mut remote = Vec::new();
        let mut place = Vec::with_capacity(rows.len());
        for (row, (v, _)) in rows.iter().enumerate() {
            let row = row as u32;
            for (skill, _) in &v.required {
                by_skill.entry(*skill).or_default().push(row);
            }
            if let Some(group) = v.isco.as_deref().and_then(|c| c.get(..2)) {
                by_group.entry(group).or_default().push(row);
            }
            for hash in &v.term_hashes {
                by_term.entry(*hash).or_default().push(row);
            }
            if v.remote == RemoteMode::Full {
                remote.push(row);
            }
            let b = *places.entry(v.municipality.as_deref()).or_insert_with(|| {
                buckets.push(Bucket {
                    region: v.region,
                    bbox: None,
                    rows: Vec::new(),
                });
                buckets.len() - 1
            });
            place.push(
                b as u32
                    | if v.remote == RemoteMode::Full {
                        REMOTE
                    } else {
                        0
                    },
            );
            let bucket = &mut buckets[b];
            bucket.rows.push(row);
            if bucket.region != v.region {
                // Only municipality-less vacancies can disagree: no region.
                bucket.region = NO_REGION;
            }
            if let Some((lat, lon)) = v.at {
                bucket.bbox = Some(match bucket.bbox {
                    None => (lat, lat, lon, lon),
                    Some((a, b, c, d)) => (a.min(lat), b.max(lat), c.min(lon), d.max(lon)),
                });
            }
        }
        VacancyTable {
            rows,
            by_skill,
            by_group,
            by_term,
            buckets,
            place,
            remote,
        }
    }

    /// Every row's record.
    pub(crate) fn records(&self) -> impl Iterator<Item = &'s VacancyRecord> + '_ {
        self.rows.iter().map(|(v, _)| *v)
    }

    /// The exact top `limit` for `p` under `score` (the pair's total, or
    /// `None` when ineligible): (heap, whether every reachable vacancy was
    /// scored). `seen` is scratch space (one entry a row), reused between
    /// calls with increasing `stamp`s.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn top_k(
        &self,
        taxonomy: &Taxonomy,
        config: &ScoringConfig,
        p: &ProfileRecord,
        scope: Scope,
        limit: usize,
        seen: &mut Vec<u32>,
        stamp: u32,
        mut score: impl FnMut(&VacancyRecord) -> Option<f64>,
    ) -> (TopK<Address>, bool) {
        seen.resize(self.rows.len(), 0);
        let mut top = TopK::new(limit);
        // Which places the scope reaches: rows elsewhere are not scored
        // (nor read), retrieved or not.
        let remote_ok = p.remote != RemotePreference::Onsite;
        let reach: Vec<bool> = self
            .buckets
            .iter()
            .map(|b| may_reach(b, p, scope))
            .collect();
        let mut visit = |row: u32, top: &mut TopK<Address>| {
            let slot = &mut seen[row as usize];
            if *slot == stamp {
                return;
            }
            *slot = stamp;
            let place = self.place[row as usize];
            let remote = remote_ok && place & REMOTE != 0;
            if !(remote || reach[(place & !REMOTE) as usize]) {
                return;
            }
            let (v, address) = self.rows[row as usize];
            if let Some(total) = score(v) {
                top.push(total, v.id, address);
            }
        };
        // Retrieval: skills (own, related, of past occupations), groups of
        // desired and past occupations, title terms.
        let mut skills: Vec<u32> = Vec::new();
        for &s in p
            .skills
            .iter()
            .filter(|&&s| (s as usize) < taxonomy.skill_count())
        {
            skills.push(s);
            skills.extend(taxonomy.related_from(SkillIdx(s)).iter().map(|r| r.0));
        }
        let occupations = || {
            p.desired
                .iter()
                .copied()
                .chain(p.past.iter().map(|x| x.0))
                .filter(|&o| (o as usize) < taxonomy.occupation_count())
        };
        for o in p.past.iter().map(|x| x.0) {
            if (o as usize) < taxonomy.occupation_count() {
                skills.extend(
                    taxonomy
                        .skills_of(OccupationIdx(o))
                        .iter()
                        .map(|(s, _)| s.0),
                );
            }
        }
        skills.sort_unstable();
        skills.dedup();
        for s in &skills {
            for &row in self.by_skill.get(s).into_iter().flatten() {
                visit(row, &mut top);
            }
        }
        let mut groups: Vec<&str> = occupations()
            .filter_map(|o| taxonomy.occupation(OccupationIdx(o)).isco_code.get(..2))
            .collect();
        groups.sort_unstable();
        groups.dedup();
        for g in groups {
            for &row in self.by_group.get(g).into_iter().flatten() {
                visit(row, &mut top);
            }
        }
        for hash in &p.terms {
            for &row in self.by_term.get(hash).into_iter().flatten() {
                visit(row, &mut top);
            }
        }
        let bound = outside_bound(config, 0.0);
        if top.threshold().is_some_and(|t| t > bound) || limit == 0 {
            return (top, false);
        }
        // Not proven: every vacancy the scope can reach.
        if remote_ok {
            for &row in &self.remote {
                visit(row, &mut top);
            }
        }
        for (bucket, _) in self.buckets.iter().zip(&reach).filter(|(_, r)| **r) {
            for &row in &bucket.rows {
                visit(row, &mut top);
            }
        }
        (top, true)
    }
}

/// Whether a non-remote vacancy of `bucket` can be in `scope` for `p`
/// (see `matcher::scoring`'s geography): false only when provably not.
fn may_reach(bucket: &Bucket, p: &ProfileRecord, scope: Scope) -> bool {
    let in_region = bucket.region != NO_REGION;
    let relocate = match p.relocation {
        Relocation::Nationwide => true,
        Relocation::Regions => in_region && p.relocation_region_indexes.contains(&bucket.region),
        Relocation::None => false,
    };
    let same_region = in_region && bucket.region == p.home_region;
    let commute = || match (p.home_at, bucket.bbox) {
        (Some(home), Some(bbox)) => !beyond(home, bbox, f64::from(p.commute_km.max(0))),
        _ => false,
    };
    match scope {
        Scope::Nationwide => true,
        Scope::Mobility => relocate || commute(),
        Scope::Commute => commute(),
        Scope::Region => same_region || relocate,
    }
}

/// Whether every point of `bbox` (degrees) is provably farther than `km`
/// from `home` along the great circle. Two lower bounds of the distance d:
/// the latitude gap (R·Δφ), and, if d ≤ km, the path stays below latitude
/// φ* = max |φ| + km/R, where a unit of length covers at most
/// 1 / (R·cos φ*) of longitude, so d ≥ R·Δλ·cos φ*.
fn beyond(home: (f64, f64), bbox: (f64, f64, f64, f64), km: f64) -> bool {
    let (lat, lon) = home;
    let (lat0, lat1, lon0, lon1) = bbox;
    let gap = |x: f64, lo: f64, hi: f64| {
        if x < lo {
            lo - x
        } else if x > hi {
            x - hi
        } else {
            0.0
        }
    };
    let slack = km * 1e-9 + 1e-6;
    let dlat = gap(lat, lat0, lat1).to_radians();
    if EARTH_RADIUS_KM * dlat > km + slack {
        return true;
    }
    let dlon = gap(lon, lon0, lon1);
    let dlon = dlon.min(360.0 - dlon).to_radians();
    let top = lat.abs().max(lat0.abs()).max(lat1.abs()).to_radians() + km / EARTH_RADIUS_KM;
    if top >= std::f64::consts::FRAC_PI_2 {
        return false;
    }
    EARTH_RADIUS_KM * dlon * top.cos() > km + slack
}

#[cfg(test)]
mod tests {
    use super::*;
    use matcher::geography::haversine_km;

    #[test]
    fn beyond_never_prunes_a_point_within_reach() {
        // Random pairs across Finland (and beyond): whenever `beyond` says
        // a point is out of reach, the haversine distance agrees.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut pruned, mut kept) = (0, 0);
        for _ in 0..200_000 {
            let home = (55.0 + 20.0 * next(), 15.0 + 20.0 * next());
            let point = (55.0 + 20.0 * next(), 15.0 + 20.0 * next());
            let km = 300.0 * next();
            let d = haversine_km(home.0, home.1, point.0, point.1);
            if beyond(home, (point.0, point.0, point.1, point.1), km) {
                assert!(d > km, "{home:?} → {point:?}: {d} km ≤ {km}");
                pruned += 1;
            } else {
                kept += 1;
            }
        }
        assert!(
            pruned > 150_000 && kept > 1_000,
            "{pruned} pruned, {kept} kept"
        );
        // The same municipality is never beyond reach, even at 0 km.
        assert!(!beyond((60.17, 24.94), (60.17, 60.17, 24.94, 24.94), 0.0));
    }
}

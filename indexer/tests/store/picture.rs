//! The labour-market picture: its marginals against the labour statistics
//! a generated population was drawn from, its arithmetic, disclosure
//! control, and the potential matrix against brute force.

use std::collections::{BTreeMap, HashMap};

use indexer::generate::LabourMarket;
use indexer::index::ReferenceData;
use indexer::matching::MatchRequest;
use indexer::picture::PictureRequest;
use indexer::sources::fixtures_dir;
use indexer::store::{profiles, vacancies};
use matcher::domain::{ProfileId, VacancyId};
use matcher::picture::{jackman_roper, AreaLevel, Grouping, Picture, Row, ABROAD};
use matcher::retrieval::ProfileAccess;
use matcher::scoring::Scope;
use matcher::taxonomy::Lang;

use crate::matching::{engine_over, noon};
use crate::support::TestDb;

fn request(by: AreaLevel, grouping: Grouping) -> PictureRequest {
    PictureRequest {
        by,
        grouping,
        disclosure_control: false,
        potential: false,
        min_score: 0.5,
        lang: Lang::Fi,
        now: noon(),
    }
}

/// Shares of `counts` among the keys (normalised to 1).
fn shares(counts: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    let total: f64 = counts.values().sum();
    counts.iter().map(|(k, v)| (k.clone(), v / total)).collect()
}

/// Asserts that observed shares (of `n` draws) are within 4.5 binomial
/// standard deviations (plus 0.002) of the expected ones; returns the
/// largest deviation in standard deviations.
fn assert_shares(
    what: &str,
    observed: &BTreeMap<String, u64>,
    expected: &BTreeMap<String, f64>,
) -> f64 {
    let n: u64 = observed.values().sum();
    assert!(n > 1_000, "{what}: {n} draws");
    let mut worst: f64 = 0.0;
    for (key, &p) in expected {
        let got = *observed.get(key).unwrap_or(&0) as f64 / n as f64;
        let sd = (p * (1.0 - p) / n as f64).sqrt();
        let deviation = (got - p).abs();
        worst = worst.max(deviation / sd.max(1e-9));
        assert!(
            deviation <= 4.5 * sd + 0.002,
            "{what} {key}: observed share {got:.4}, statistics {p:.4} (sd {sd:.4})"
        );
    }
    for key in observed.keys() {
        assert!(expected.contains_key(key), "{what}: unexpected {key}");
    }
    worst
}

fn counts_of(
    rows: &[Row],
    key: impl Fn(&Row) -> String,
    value: impl Fn(&Row) -> u64,
) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for r in rows {
        *out.entry(key(r)).or_default() += value(r);
    }
    out
}

/// The picture of a generated population agrees with the Statistics
/// Finland tables it was drawn from (jobseekers by municipality, table
/// 1001, summed to regions; by ISCO unit group, table 1270, summed to major
/// groups; vacancies likewise), and its own arithmetic adds up.
pub fn picture_matches_the_labour_statistics(db: &TestDb) {
    let (engine, _index) = engine_over(db, 6_000, 3_000, 41);
    let reference = ReferenceData::load(&db.store).unwrap();
    let (taxonomy, geography) = (&reference.taxonomy, &reference.geography);
    let market = LabourMarket::load(&fixtures_dir().join("labour-stats"), geography).unwrap();

    // What the statistics say: the generator draws a jobseeker's home with
    // weight "unemployed" and a vacancy's place with "open vacancies +
    // 2 % of unemployed" per municipality; occupations per unit group
    // that ESCO describes, with the same two columns of table 1270.
    let mut regions_u = BTreeMap::new();
    let mut regions_v = BTreeMap::new();
    for (code, (u, v)) in &market.by_municipality {
        if let Some(m) = geography.municipality(code) {
            *regions_u.entry(m.region_code.clone()).or_insert(0.0) += u;
            *regions_v.entry(m.region_code.clone()).or_insert(0.0) += v + 0.02 * u;
        }
    }
    let usable = |code: &str| {
        taxonomy
            .occupations_in_isco(code)
            .iter()
            .any(|&o| !taxonomy.skills_of(o).is_empty())
    };
    let mut major_u = BTreeMap::new();
    let mut major_v = BTreeMap::new();
    for (code, (u, v)) in &market.by_occupation {
        if usable(code) {
            *major_u.entry(code[..1].to_owned()).or_insert(0.0) += u;
            *major_v.entry(code[..1].to_owned()).or_insert(0.0) += v;
        }
    }
    major_u.retain(|_, w| *w > 0.0);
    major_v.retain(|_, w| *w > 0.0);

    let picture = engine
        .picture(&request(AreaLevel::Region, Grouping::Occupation(1)))
        .unwrap();
    let in_finland = |r: &&Row| r.area.code != ABROAD;
    let areas: Vec<Row> = picture.areas.iter().filter(in_finland).cloned().collect();
    let by_area = |value: fn(&Row) -> u64| counts_of(&areas, |r| r.area.code.clone(), value);
    let jobseekers = |r: &Row| r.figures.active_jobseekers.unwrap();
    let vacancies = |r: &Row| r.figures.open_vacancies.unwrap();
    let mut worst = Vec::new();
    worst.push(assert_shares(
        "jobseekers by region",
        &by_area(jobseekers),
        &shares(&regions_u),
    ));
    worst.push(assert_shares(
        "vacancies by region",
        &by_area(vacancies),
        &shares(&regions_v),
    ));
    let by_group = |value: fn(&Row) -> u64| {
        counts_of(
            &picture.groups,
            |r| r.group.as_ref().unwrap().code.clone(),
            value,
        )
    };
    worst.push(assert_shares(
        "jobseekers by major group",
        &by_group(jobseekers),
        &shares(&major_u),
    ));
    worst.push(assert_shares(
        "vacancies by major group",
        &by_group(vacancies),
        &shares(&major_v),
    ));
    eprintln!("largest deviations from the statistics (sd): {worst:.2?}");

    // Nearly every generated jobseeker is active (92 %) and vacancy open
    // (95 %, before expiry), and every one is counted once.
    let total = &picture.total;
    let active = total.active_jobseekers.unwrap();
    assert!((5_300..=5_700).contains(&active), "{active} active of 6000");
    let open = total.open_vacancies.unwrap();
    assert!((2_700..=2_950).contains(&open), "{open} open of 3000");
    assert!(total.open_positions.unwrap() > open);

    // Cells add up to the per-area and per-group rows, and those to the total.
    let sum = |rows: &[Row], key: &dyn Fn(&Row) -> String| {
        let mut m: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
        for r in rows {
            let e = m.entry(key(r)).or_default();
            e.0 += r.figures.open_vacancies.unwrap();
            e.1 += r.figures.open_positions.unwrap();
            e.2 += r.figures.active_jobseekers.unwrap();
        }
        m
    };
    let figures = |r: &Row| {
        (
            r.figures.open_vacancies.unwrap(),
            r.figures.open_positions.unwrap(),
            r.figures.active_jobseekers.unwrap(),
        )
    };
    let area_key = |r: &Row| r.area.code.clone();
    let group_key = |r: &Row| r.group.as_ref().unwrap().code.clone();
    let cells_by_area = sum(&picture.cells, &area_key);
    for r in &picture.areas {
        assert_eq!(
            cells_by_area.get(&r.area.code).copied().unwrap_or_default(),
            figures(r)
        );
    }
    let cells_by_group = sum(&picture.cells, &group_key);
    for r in &picture.groups {
        assert_eq!(cells_by_group[&group_key(r)], figures(r));
    }
    let all = sum(&picture.areas, &|_| String::new())[""];
    assert_eq!(
        all,
        (open, total.open_positions.unwrap(), active),
        "areas add up to the total"
    );
    for r in picture.cells.iter().chain(&picture.areas) {
        let (_, positions, jobseekers) = figures(r);
        if jobseekers > 0 {
            let t = r.figures.tightness.unwrap();
            assert!((t - positions as f64 / jobseekers as f64).abs() < 1e-12);
        }
        if let Some(days) = r.figures.mean_days_open {
            assert!((0.0..=2.0).contains(&days), "created just now: {days}");
        }
    }

    // Jackman–Roper from the published rows, and against the statistics:
    // the index of the regional distributions the population was drawn
    // from, within what sampling moves it (the sum of the share bounds).
    let known = |rows: &[Row]| -> Vec<(u64, u64)> {
        rows.iter()
            .filter(|r| r.area.code != ABROAD && r.area.code != "unknown")
            .map(|r| {
                (
                    r.figures.active_jobseekers.unwrap(),
                    r.figures.open_positions.unwrap(),
                )
            })
            .collect()
    };
    let across_areas = jackman_roper(known(&picture.areas)).unwrap();
    assert_eq!(picture.mismatch.across_areas, Some(across_areas));
    let (pu, pv) = (shares(&regions_u), shares(&regions_v));
    let expected = 0.5 * pu.iter().map(|(k, p)| (p - pv[k]).abs()).sum::<f64>();
    eprintln!("Jackman–Roper across regions: picture {across_areas:.4}, statistics {expected:.4}");
    assert!(
        (across_areas - expected).abs() < 0.06,
        "picture {across_areas:.4} vs statistics {expected:.4}"
    );
    let cells = jackman_roper(
        picture
            .cells
            .iter()
            .filter(|r| r.area.code != ABROAD && group_key(r) != "unknown")
            .map(|r| (figures(r).2, figures(r).1)),
    );
    assert_eq!(picture.mismatch.across_cells, cells);

    // Finer levels tally the same population.
    for (by, level) in [
        (AreaLevel::Municipality, 4),
        (AreaLevel::SubRegion, 2),
        (AreaLevel::Ely, 3),
        (AreaLevel::Country, 1),
    ] {
        let p = engine
            .picture(&request(by, Grouping::Occupation(level)))
            .unwrap();
        assert_eq!(p.total, picture.total, "{by:?}");
        let cells: u64 = p.cells.iter().map(|r| figures(r).2).sum();
        assert_eq!(cells, active, "{by:?} × level {level}");
        assert!(p
            .groups
            .iter()
            .all(|r| r.group.as_ref().unwrap().code.len() == level as usize
                || group_key(r) == "unknown"));
    }
    // Industries: vacancies carry TOL codes; jobseekers are per area only.
    let p = engine
        .picture(&request(AreaLevel::Region, Grouping::Industry(1)))
        .unwrap();
    assert!(
        p.groups.iter().any(|r| group_key(r) == "Q"),
        "health care (86) is in Q"
    );
    assert!(p
        .cells
        .iter()
        .all(|r| r.figures.active_jobseekers.is_none()));
    assert_eq!(
        p.areas
            .iter()
            .map(|r| r.figures.active_jobseekers.unwrap())
            .sum::<u64>(),
        active
    );
    assert_eq!(p.mismatch.across_groups, None);

    // Disclosure control: no published count is 1–4, and no area, group
    // or line of the table has exactly one withheld cell.
    let mut analyst = request(AreaLevel::Municipality, Grouping::Occupation(4));
    analyst.disclosure_control = true;
    let p = engine.picture(&analyst).unwrap();
    let withheld = p.cells.iter().filter(|r| r.figures.suppressed).count();
    assert!(
        withheld > p.cells.len() / 2,
        "{withheld} of {} withheld",
        p.cells.len()
    );
    for r in p.cells.iter().chain(&p.areas).chain(&p.groups) {
        for n in [r.figures.open_positions, r.figures.active_jobseekers]
            .into_iter()
            .flatten()
        {
            assert!(n == 0 || n >= 5, "{:?} publishes {n}", r.area);
        }
    }
    // (withheld, cells) per line; a line of one cell has the same total
    // as its cell, withheld in the per-area or per-group table alike.
    let mut lines: HashMap<String, (usize, usize)> = HashMap::new();
    for r in &p.cells {
        for line in [format!("a{}", r.area.code), format!("g{}", group_key(r))] {
            let e = lines.entry(line).or_default();
            e.0 += usize::from(r.figures.suppressed);
            e.1 += 1;
        }
    }
    assert!(
        lines
            .values()
            .all(|&(withheld, cells)| withheld != 1 || cells == 1),
        "a line with one withheld cell"
    );
    let single = |r: &Row| r.figures.suppressed;
    assert!(p.areas.iter().filter(|r| single(r)).count() != 1);
    assert!(p.groups.iter().filter(|r| single(r)).count() != 1);
    let csv = p.to_csv(matcher::picture::CsvTable::Cells);
    assert_eq!(csv.lines().count(), p.cells.len() + 1);
}

/// The potential matrix equals brute force: every open vacancy's eligible
/// candidates scored exhaustively, kept when they reach the minimum score
/// and have worked in or want the vacancy's ISCO unit group.
pub fn potential_matrix_equals_brute_force(db: &TestDb) {
    let (engine, _index) = engine_over(db, 1_200, 200, 43);
    let reference = ReferenceData::load(&db.store).unwrap();
    let (taxonomy, geography) = (&reference.taxonomy, &reference.geography);
    let mut r = request(AreaLevel::Region, Grouping::Occupation(1));
    r.potential = true;
    let picture: Picture = engine.picture(&r).unwrap();
    let potential = picture.potential.unwrap();

    let now = noon();
    let match_request = MatchRequest {
        limit: 100_000,
        scope: Scope::Mobility,
        now,
        org_id: None,
        token_id: None,
        lang: Lang::En,
    };
    let unit = |uri: &str| taxonomy.occupation_by_uri(uri).map(|o| o.isco_code.clone());
    let mut flows: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    let (mut considered, mut local, mut elsewhere) = (0, 0, 0);
    let ids = db
        .store
        .read(|c| vacancies::vacancy_ids_after(c, 0, 10_000))
        .unwrap();
    for id in ids {
        let v = db
            .store
            .read(|c| vacancies::get_vacancy(c, id))
            .unwrap()
            .unwrap();
        let d = &v.draft;
        let open = d.status == matcher::domain::VacancyStatus::Open
            && d.expires_at.is_none_or(|e| e > now);
        let region = d
            .municipality_code
            .as_deref()
            .and_then(|m| geography.region_of(m));
        let (true, Some(region), Some(isco)) = (open, region, d.isco_code.as_deref()) else {
            continue;
        };
        let positions = d.positions as u64;
        considered += positions;
        let ranked = engine
            .candidates_exhaustive(VacancyId(id.0), ProfileAccess::AllActive, &match_request)
            .unwrap();
        let good: Vec<ProfileId> = ranked
            .iter()
            .filter(|c| c.score.total >= 0.5)
            .map(|c| ProfileId(c.id))
            .collect();
        let people = db.store.read(|c| profiles::get_profiles(c, &good)).unwrap();
        let mut origins: Vec<String> = people
            .iter()
            .filter(|p| {
                let d = &p.draft;
                d.desired_occupations
                    .iter()
                    .filter_map(|u| unit(u))
                    .chain(
                        d.work_history
                            .iter()
                            .filter_map(|w| unit(w.occupation_uri.as_deref()?)),
                    )
                    .any(|u| u == isco)
            })
            .filter_map(|p| match &p.draft.home_municipality_code {
                Some(m) => geography.region_of(m).map(|r| r.code.clone()),
                None => p.draft.abroad_country.as_ref().map(|_| ABROAD.to_owned()),
            })
            .collect();
        origins.sort();
        origins.dedup();
        for o in &origins {
            let e = flows.entry((o.clone(), region.code.clone())).or_default();
            e.0 += 1;
            e.1 += positions;
        }
        if origins.contains(&region.code) {
            local += positions;
        } else if !origins.is_empty() {
            elsewhere += positions;
        }
    }
    let got: BTreeMap<(String, String), (u64, u64)> = potential
        .flows
        .iter()
        .map(|f| {
            (
                (f.from.code.clone(), f.to.code.clone()),
                (f.open_vacancies.unwrap(), f.open_positions.unwrap()),
            )
        })
        .collect();
    assert!(flows.len() > 30, "{} non-empty pairs", flows.len());
    assert!(flows.keys().any(|(a, b)| a != b), "cross-region pairs");
    assert_eq!(got, flows);
    assert_eq!(potential.positions_considered, considered);
    assert_eq!(potential.positions_matched_locally, local);
    assert_eq!(potential.positions_matched_only_elsewhere, elsewhere);

    // A second request reuses the matrix of the unchanged index.
    let again = engine.picture(&r).unwrap().potential.unwrap();
    assert_eq!(again.computed_at, potential.computed_at);
    assert_eq!(again.flows, potential.flows);
}

on_every_backend!(
    picture_matches_the_labour_statistics,
    potential_matrix_equals_brute_force
);

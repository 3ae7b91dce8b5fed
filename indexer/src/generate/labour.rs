//! The labour market the demo population is drawn from: unemployed jobseekers
//! and open vacancies per ISCO unit group (Statistics Finland table 1270) and
//! per municipality (table 1001), averaged over the latest twelve months.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use matcher::geography::Geography;

use crate::sources::{open_first, Column, CsvTable, SourceError};

/// Monthly averages over the latest twelve months of the statistics.
#[derive(Debug, Clone, Default)]
pub struct LabourMarket {
    /// The months averaged, e.g. "2019-08".."2020-07".
    pub period: (String, String),
    /// ISCO-08 unit group → (unemployed jobseekers, open vacancies).
    pub by_occupation: BTreeMap<String, (f64, f64)>,
    /// Municipality code → (unemployed jobseekers, open vacancies).
    pub by_municipality: BTreeMap<String, (f64, f64)>,
    /// Municipality names of the statistics that no longer exist (mergers).
    pub unmatched_municipalities: Vec<String>,
}

impl LabourMarket {
    /// Read `data_ammatit_1270.csv` and `data_kunta_1001.csv` (plain or .gz)
    /// from `dir`.
    pub fn load(dir: &Path, geography: &Geography) -> Result<LabourMarket, SourceError> {
        let (period, occupations) =
            monthly_averages(dir, "data_ammatit_1270.csv", "Ammattiryhma", |name| {
                let code = name.split_whitespace().next()?.trim_matches('"');
                (code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| code.to_owned())
            })?;
        let mut unmatched = BTreeSet::new();
        let (_, municipalities) =
            monthly_averages(dir, "data_kunta_1001.csv", "kunta", |name| match geography
                .municipality_by_name(name)
            {
                Some(m) => Some(m.code.clone()),
                None => {
                    unmatched.insert(name.to_owned());
                    None
                }
            })?;
        Ok(LabourMarket {
            period,
            by_occupation: occupations,
            by_municipality: municipalities,
            unmatched_municipalities: unmatched.into_iter().collect(),
        })
    }
}

type Averages = ((String, String), BTreeMap<String, (f64, f64)>);

/// Average unemployed (`Tyottomat`) and open vacancies (`Avoimet_tyopaikat`)
/// per key over the latest twelve months in the file. `key` maps the first
/// column to a key, or `None` to skip the row (totals, unknown names).
fn monthly_averages(
    dir: &Path,
    file: &str,
    key_column: &'static str,
    mut key: impl FnMut(&str) -> Option<String>,
) -> Result<Averages, SourceError> {
    let mut table = CsvTable::open(open_first(dir, &[file])?)?;
    let name = table.require(&[key_column])?;
    let month = table.require(&["month"])?;
    let unemployed = table.require(&["Tyottomat"])?;
    let vacancies = table.require(&["Avoimet_tyopaikat"])?;
    let mut rows: Vec<(String, String, f64, f64)> = Vec::new();
    while table.next_record()? {
        let m = table.non_empty(month)?;
        if m.len() != 7 || m.as_bytes()[4] != b'-' {
            return Err(table.error(format!("invalid month {m:?} (expected YYYY-MM)")));
        }
        let Some(k) = key(table.get(name)?) else {
            continue;
        };
        rows.push((
            m.to_owned(),
            k,
            number(&table, unemployed)?,
            number(&table, vacancies)?,
        ));
    }
    let months: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let latest: Vec<&str> = months.iter().rev().take(12).copied().collect();
    let (Some(first), Some(last)) = (latest.last(), latest.first()) else {
        return Err(SourceError::Invalid {
            file: file.to_owned(),
            reason: "no data rows".into(),
        });
    };
    let period = (first.to_string(), last.to_string());
    let n = latest.len() as f64;
    let mut sums: HashMap<String, (f64, f64)> = HashMap::new();
    for (m, k, u, v) in &rows {
        if m.as_str() >= period.0.as_str() {
            let e = sums.entry(k.clone()).or_default();
            e.0 += u / n;
            e.1 += v / n;
        }
    }
    Ok((period, sums.into_iter().collect()))
}

/// A count that may be empty (suppressed or not recorded), read as zero.
fn number(table: &CsvTable, column: Column) -> Result<f64, SourceError> {
    let value = table.get(column)?;
    if value.is_empty() {
        return Ok(0.0);
    }
    match value.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(table.error(format!("invalid count {value:?}"))),
    }
}

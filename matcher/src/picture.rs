//! The labour-market balance behind the cross-regional view: how tight the
//! market for an occupation group is in a region (open vacancies per active
//! jobseeker) compared with the whole country.

use serde::{Deserialize, Serialize};

/// Open vacancies and active jobseekers of one occupation group somewhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub vacancies: u64,
    pub jobseekers: u64,
}

impl Counts {
    /// Vacancies per jobseeker (+1 smoothing so that empty cells are finite).
    pub fn tightness(self) -> f64 {
        (self.vacancies as f64 + 1.0) / (self.jobseekers as f64 + 1.0)
    }
}

/// How a region's market for a group compares with the country's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    /// Tighter than the country by more than [`MARGIN`]: short of workers.
    Shortage,
    /// Looser than the country by more than [`MARGIN`]: surplus of workers.
    Surplus,
    Balanced,
}

/// Relative difference of tightness that counts as shortage or surplus.
pub const MARGIN: f64 = 0.25;

/// Cells with fewer vacancies plus jobseekers than this are too small to call.
pub const MIN_CELL: u64 = 5;

pub fn balance(local: Counts, national: Counts) -> Balance {
    if local.vacancies + local.jobseekers < MIN_CELL {
        return Balance::Balanced;
    }
    let ratio = local.tightness() / national.tightness();
    if ratio > 1.0 + MARGIN {
        Balance::Shortage
    } else if ratio < 1.0 / (1.0 + MARGIN) {
        Balance::Surplus
    } else {
        Balance::Balanced
    }
}

/// The cross-regional view of one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossRegional {
    /// ISCO-08 minor group (3 digits) of the vacancy's occupation.
    pub occupation_group: String,
    pub vacancy_region: String,
    pub vacancy_region_counts: Counts,
    pub vacancy_region_balance: Balance,
    pub jobseeker_region: Option<String>,
    pub jobseeker_region_counts: Option<Counts>,
    pub jobseeker_region_balance: Option<Balance>,
    pub national_counts: Counts,
    /// The vacancy's region is short of the group and the jobseeker's
    /// (another region, or abroad) has a surplus: a move that eases both.
    pub flagged: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_compares_with_the_country_and_ignores_tiny_cells() {
        let national = Counts {
            vacancies: 1_000,
            jobseekers: 2_000,
        };
        let short = Counts {
            vacancies: 100,
            jobseekers: 100,
        };
        let surplus = Counts {
            vacancies: 10,
            jobseekers: 100,
        };
        let even = Counts {
            vacancies: 50,
            jobseekers: 100,
        };
        assert_eq!(balance(short, national), Balance::Shortage);
        assert_eq!(balance(surplus, national), Balance::Surplus);
        assert_eq!(balance(even, national), Balance::Balanced);
        let tiny = Counts {
            vacancies: 3,
            jobseekers: 0,
        };
        assert_eq!(balance(tiny, national), Balance::Balanced);
    }
}

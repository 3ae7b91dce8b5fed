//! The arithmetic of judging a ranking by who was hired: the rank a hired
//! person had in a logged ranking, and hit rate at k and mean reciprocal
//! rank over many hires. Pure functions over plain numbers.

use serde::Serialize;

/// The cut-offs of the hit rates: the hired person was among the top k.
pub const CUTOFFS: [usize; 4] = [1, 5, 10, 20];

/// What a hire's ranking says about the hired one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No ranking of the vacancy is known (none logged, or the person is
    /// no longer known).
    Unranked,
    /// A ranking is known but the hired one is not in its logged results:
    /// a miss, reciprocal rank 0.
    Missed,
    /// The hired one's rank, from 1.
    Ranked(usize),
}

/// The rank of `id` in a logged ranking of `(id, score)` pairs, best first.
/// Equal scores share the best rank among them (competition ranking,
/// "1224"): the order inside a tie says nothing about the person.
pub fn rank_of(results: &[(i64, f64)], id: i64) -> Outcome {
    let Some(&(_, score)) = results.iter().find(|(r, _)| *r == id) else {
        return Outcome::Missed;
    };
    Outcome::Ranked(1 + results.iter().filter(|(_, s)| *s > score).count())
}

/// Hires and where their rankings put them; add with [`Tally::add`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub hires: u64,
    pub unranked: u64,
    /// Hires with a ranking whose hired one was within each of [`CUTOFFS`].
    hits: [u64; CUTOFFS.len()],
    reciprocal_sum: f64,
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome) {
        self.hires += 1;
        match outcome {
            Outcome::Unranked => self.unranked += 1,
            Outcome::Missed => {}
            Outcome::Ranked(rank) => {
                for (hits, k) in self.hits.iter_mut().zip(CUTOFFS) {
                    *hits += u64::from(rank <= k);
                }
                self.reciprocal_sum += 1.0 / rank.max(1) as f64;
            }
        }
    }

    /// Hires that had a ranking.
    pub fn ranked(&self) -> u64 {
        self.hires - self.unranked
    }

    /// The figures: rates over the hires that had a ranking (`None` when
    /// none had).
    pub fn figures(&self) -> Figures {
        let ranked = self.ranked();
        let rate = |n: u64| (ranked > 0).then(|| n as f64 / ranked as f64);
        Figures {
            hires: self.hires,
            with_ranking: ranked,
            without_ranking: self.unranked,
            hit_at_1: rate(self.hits[0]),
            hit_at_5: rate(self.hits[1]),
            hit_at_10: rate(self.hits[2]),
            hit_at_20: rate(self.hits[3]),
            mrr: (ranked > 0).then(|| self.reciprocal_sum / ranked as f64),
        }
    }
}

/// Hit rates and MRR of a set of hires.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub hires: u64,
    pub with_ranking: u64,
    pub without_ranking: u64,
    pub hit_at_1: Option<f64>,
    pub hit_at_5: Option<f64>,
    pub hit_at_10: Option<f64>,
    pub hit_at_20: Option<f64>,
    /// Mean reciprocal rank; a hired one missing from the ranking counts 0.
    pub mrr: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_is_the_position_and_ties_share_the_best_rank() {
        let results = [(7, 0.9), (3, 0.8), (5, 0.8), (9, 0.8), (1, 0.4)];
        assert_eq!(rank_of(&results, 7), Outcome::Ranked(1));
        assert_eq!(rank_of(&results, 3), Outcome::Ranked(2));
        // Listed fourth, but tied with the second and third.
        assert_eq!(rank_of(&results, 9), Outcome::Ranked(2));
        assert_eq!(rank_of(&results, 1), Outcome::Ranked(5));
        assert_eq!(rank_of(&results, 42), Outcome::Missed);
        assert_eq!(rank_of(&[], 42), Outcome::Missed);
    }

    #[test]
    fn hit_rates_and_mrr_count_misses_but_not_unranked_hires() {
        let mut t = Tally::default();
        for outcome in [
            Outcome::Ranked(1),
            Outcome::Ranked(4),
            Outcome::Ranked(10),
            Outcome::Ranked(15),
            Outcome::Missed,
            Outcome::Unranked,
            Outcome::Unranked,
        ] {
            t.add(outcome);
        }
        let f = t.figures();
        assert_eq!((f.hires, f.with_ranking, f.without_ranking), (7, 5, 2));
        assert_eq!(f.hit_at_1, Some(1.0 / 5.0));
        assert_eq!(f.hit_at_5, Some(2.0 / 5.0));
        // k = 10 includes rank 10.
        assert_eq!(f.hit_at_10, Some(3.0 / 5.0));
        assert_eq!(f.hit_at_20, Some(4.0 / 5.0));
        let mrr = (1.0 + 0.25 + 0.1 + 1.0 / 15.0 + 0.0) / 5.0;
        assert!((f.mrr.unwrap() - mrr).abs() < 1e-12, "{f:?}");
    }

    #[test]
    fn no_ranking_gives_no_rates() {
        let mut t = Tally::default();
        assert_eq!(t.figures().mrr, None);
        t.add(Outcome::Unranked);
        let f = t.figures();
        assert_eq!((f.hires, f.with_ranking), (1, 0));
        assert_eq!((f.hit_at_1, f.hit_at_20, f.mrr), (None, None, None));
        t.add(Outcome::Missed);
        let f = t.figures();
        assert_eq!((f.hit_at_1, f.mrr), (Some(0.0), Some(0.0)));
    }
}

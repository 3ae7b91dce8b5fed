//! Nationwide assignment of a cohort: every member gets at most one
//! vacancy, no vacancy gets more members than it has open positions, and
//! the total match score is as high as it can be.
//!
//! Method: Bertsekas' forward auction for objects with several identical
//! units (a vacancy's positions). Scores are scaled to integers (10⁻⁶) and
//! bids rise by at least ε = 1 / (members + 1) of a unit, so the
//! assignment is **optimal**, not just near-optimal: ε-complementary
//! slackness bounds the gap by members · ε < 1 unit. Prices are the LP
//! duals, which gives a certificate for the pairs each member's candidate
//! list left out: a pair scored at most `cutoff` cannot improve the answer
//! when the member's profit is at least `cutoff` (prices are never
//! negative). [`Solution::uncertified`] names the members whose lists must
//! grow; the caller extends them and solves again.
//!
//! Greedy assignment (best pair first) is kept as the baseline it beats.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Scores are scaled to integers with this many units per 1.0.
const SCALE: f64 = 1_000_000.0;

/// The assignment problem.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// Open positions per vacancy (by local index).
    pub capacities: Vec<u32>,
    /// Per member: its candidate vacancies with their scores.
    pub candidates: Vec<Vec<(u32, f64)>>,
    /// Per member: no vacancy left out of its list scores above this.
    pub cutoffs: Vec<f64>,
    /// Pairs scoring below this are not made (the member stays unplaced).
    pub min_score: f64,
}

/// An assignment and its proof.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Per member, its vacancy (local index).
    pub assignment: Vec<Option<u32>>,
    /// Sum of the scores of the pairs made.
    pub total: f64,
    /// Members whose left-out pairs could still improve the answer (their
    /// profit is below their cutoff): extend their lists and solve again.
    pub uncertified: Vec<usize>,
}

fn units(score: f64) -> i64 {
    (score * SCALE).round() as i64
}

/// The units (positions) of one vacancy, each with its price and holder.
#[derive(Debug, Default, Clone)]
struct Object {
    /// (price, unit) of every unit; min-heap by price.
    units: BinaryHeap<Reverse<(i64, u32)>>,
    holders: Vec<Option<usize>>,
}

impl Object {
    /// The price of the cheapest unit: what a bidder must beat.
    fn price(&self) -> i64 {
        self.units.peek().map_or(i64::MAX, |Reverse((p, _))| *p)
    }
}

/// The optimal assignment (see the module docs).
pub fn assign(problem: &Problem) -> Solution {
    let n = problem.candidates.len();
    // Integer values (staying unplaced is worth 0); pairs below the
    // minimum, or on a vacancy without positions, are dropped. Values
    // are multiplied by (n + 1) so that ε = 1 is 1 / (n + 1) of a unit.
    let k = (n as i64) + 1;
    let values: Vec<Vec<(usize, i64)>> = problem
        .candidates
        .iter()
        .map(|list| {
            list.iter()
                .filter(|(j, s)| {
                    *s >= problem.min_score
                        && problem.capacities.get(*j as usize).is_some_and(|c| *c > 0)
                })
                .map(|(j, s)| (*j as usize, units(*s) * k))
                .filter(|(_, v)| *v > 0)
                .collect()
        })
        .collect();
    let mut objects: Vec<Object> = problem
        .capacities
        .iter()
        .map(|c| Object {
            units: (0..*c).map(|u| Reverse((0, u))).collect(),
            holders: vec![None; *c as usize],
        })
        .collect();
    let mut assignment: Vec<Option<usize>> = vec![None; n];
    // A single forward auction from zero prices with ε = 1: a unit, once
    // bid on, stays held, so units left free keep price 0 and the result
    // is within n·ε < one integer unit of the optimum, i.e. optimal.
    let mut queue: Vec<usize> = (0..n).rev().collect();
    while let Some(r) = queue.pop() {
        // Best and second-best net value; staying unplaced is worth 0.
        let (mut best, mut best_net, mut second) = (None, 0i64, 0i64);
        for (j, v) in &values[r] {
            let net = v - objects[*j].price();
            if net > best_net {
                second = best_net;
                best = Some(*j);
                best_net = net;
            } else if net > second {
                second = net;
            }
        }
        let Some(j) = best else {
            continue; // staying unplaced is best
        };
        let o = &mut objects[j];
        let Some(Reverse((price, unit))) = o.units.pop() else {
            continue;
        };
        if let Some(out) = o.holders[unit as usize].replace(r) {
            assignment[out] = None;
            queue.push(out);
        }
        o.units
            .push(Reverse((price + (best_net - second) + 1, unit)));
        assignment[r] = Some(j);
    }
    // Each member's profit at the final prices is its dual value; prices
    // are never negative, so a left-out pair worth at most the cutoff
    // cannot improve the answer when the profit covers it.
    let mut total = 0.0;
    let mut uncertified = Vec::new();
    for r in 0..n {
        let profit = values[r]
            .iter()
            .map(|(j, v)| v - objects[*j].price())
            .max()
            .unwrap_or(0)
            .max(0);
        if let Some(j) = assignment[r] {
            total += problem.candidates[r]
                .iter()
                .find(|(c, _)| *c as usize == j)
                .map_or(0.0, |(_, s)| *s);
        }
        let cutoff = problem.cutoffs.get(r).copied().unwrap_or(0.0);
        if cutoff >= problem.min_score && units(cutoff) * k > profit + 1 {
            uncertified.push(r);
        }
    }
    Solution {
        assignment: assignment.iter().map(|a| a.map(|j| j as u32)).collect(),
        total,
        uncertified,
    }
}

/// Greedy: the best remaining pair first. The baseline [`assign`] beats.
pub fn greedy(problem: &Problem) -> Solution {
    let mut pairs: Vec<(f64, usize, u32)> = problem
        .candidates
        .iter()
        .enumerate()
        .flat_map(|(r, list)| list.iter().map(move |(j, s)| (*s, r, *j)))
        .filter(|(s, _, _)| *s >= problem.min_score)
        .collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut left = problem.capacities.clone();
    let mut assignment = vec![None; problem.candidates.len()];
    let mut total = 0.0;
    for (s, r, j) in pairs {
        if assignment[r].is_none() && left.get(j as usize).is_some_and(|c| *c > 0) {
            assignment[r] = Some(j);
            left[j as usize] -= 1;
            total += s;
        }
    }
    Solution {
        assignment,
        total,
        uncertified: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every feasible assignment, for small problems.
    fn brute_force(p: &Problem) -> f64 {
        fn go(p: &Problem, r: usize, left: &mut Vec<u32>) -> f64 {
            if r == p.candidates.len() {
                return 0.0;
            }
            let mut best = go(p, r + 1, left);
            for (j, s) in &p.candidates[r] {
                if *s >= p.min_score && left[*j as usize] > 0 {
                    left[*j as usize] -= 1;
                    best = best.max(s + go(p, r + 1, left));
                    left[*j as usize] += 1;
                }
            }
            best
        }
        go(p, 0, &mut p.capacities.clone())
    }

    #[test]
    fn beats_greedy_where_greedy_fails() {
        // A takes X greedily (0.9), leaving B only Y (0.1): 1.0 in all.
        // Optimal: A → Y (0.8), B → X (0.85): 1.65.
        let p = Problem {
            capacities: vec![1, 1],
            candidates: vec![vec![(0, 0.9), (1, 0.8)], vec![(0, 0.85), (1, 0.1)]],
            cutoffs: vec![0.0, 0.0],
            min_score: 0.0,
        };
        let g = greedy(&p);
        let a = assign(&p);
        assert!((g.total - 1.0).abs() < 1e-9, "{g:?}");
        assert!((a.total - 1.65).abs() < 1e-9, "{a:?}");
        assert_eq!(a.assignment, vec![Some(1), Some(0)]);
    }

    #[test]
    fn optimal_on_random_problems_with_capacities_and_a_minimum() {
        let mut x: u64 = 42;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as f64 / (1u64 << 31) as f64
        };
        for case in 0..300 {
            let members = 1 + (next() * 7.0) as usize;
            let vacancies = 1 + (next() * 4.0) as usize;
            let capacities: Vec<u32> = (0..vacancies).map(|_| (next() * 3.0) as u32).collect();
            let mut candidates = Vec::new();
            for _ in 0..members {
                let mut list = Vec::new();
                for j in 0..vacancies as u32 {
                    if next() < 0.7 {
                        list.push((j, (next() * 1000.0).round() / 1000.0));
                    }
                }
                candidates.push(list);
            }
            let p = Problem {
                capacities,
                candidates,
                cutoffs: vec![0.0; members],
                min_score: if case % 3 == 0 { 0.3 } else { 0.0 },
            };
            let a = assign(&p);
            let best = brute_force(&p);
            assert!(
                (a.total - best).abs() < 1e-6,
                "case {case}: {a:?} vs {best}; {p:?}"
            );
            assert!(a.total + 1e-9 >= greedy(&p).total);
            let mut used = vec![0u32; p.capacities.len()];
            for (r, j) in a.assignment.iter().enumerate() {
                if let Some(j) = j {
                    used[*j as usize] += 1;
                    let s = p.candidates[r].iter().find(|(c, _)| c == j).unwrap().1;
                    assert!(s >= p.min_score);
                }
            }
            assert!(used.iter().zip(&p.capacities).all(|(u, c)| u <= c));
        }
    }

    #[test]
    fn members_whose_lists_may_hide_a_better_pair_are_named() {
        // Both want X (one position) and lists stop there. A left-out
        // vacancy scoring up to 0.5 could place the loser (1.4 > 0.9), so
        // neither answer is proven; with cutoffs below the minimum score,
        // nothing left out may be made, and the answer is proven.
        let mut p = Problem {
            capacities: vec![1],
            candidates: vec![vec![(0, 0.9)], vec![(0, 0.8)]],
            cutoffs: vec![0.5, 0.5],
            min_score: 0.4,
        };
        let a = assign(&p);
        assert_eq!(a.assignment, vec![Some(0), None]);
        assert_eq!(a.uncertified, vec![0, 1]);
        p.cutoffs = vec![0.3, 0.3];
        assert_eq!(assign(&p).uncertified, Vec::<usize>::new());
        // A member with an uncontested second choice is proven.
        let p = Problem {
            capacities: vec![1, 1],
            candidates: vec![vec![(0, 0.9), (1, 0.7)]],
            cutoffs: vec![0.7],
            min_score: 0.0,
        };
        assert_eq!(assign(&p).uncertified, Vec::<usize>::new());
    }

    #[test]
    fn thousands_of_members_are_assigned_quickly_and_optimally_against_greedy() {
        // 5,000 members, 20 candidates each among 2,000 vacancies with 1–3
        // positions: contention like a real layoff in one occupation.
        let mut x: u64 = 7;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as f64 / (1u64 << 31) as f64
        };
        let capacities: Vec<u32> = (0..2_000).map(|_| 1 + (next() * 3.0) as u32).collect();
        let mut candidates = Vec::new();
        for _ in 0..5_000 {
            let mut list: Vec<(u32, f64)> = (0..20)
                .map(|_| ((next() * 2_000.0) as u32, 0.3 + 0.7 * next()))
                .collect();
            list.sort_by_key(|(j, _)| *j);
            list.dedup_by_key(|(j, _)| *j);
            candidates.push(list);
        }
        let p = Problem {
            capacities,
            cutoffs: vec![0.0; candidates.len()],
            candidates,
            min_score: 0.3,
        };
        let a = assign(&p);
        let g = greedy(&p);
        assert!(a.total > g.total, "{} vs {}", a.total, g.total);
    }
}

//! Ranking: the top k of a set of eligible pairs by exact score, ties broken
//! by id so that the order is deterministic, in both directions.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use crate::domain::{JobseekerProfile, Vacancy};
use crate::records::{ProfileRecord, VacancyRecord};
use crate::scoring::{PairScore, Scope, Scorer};

/// The analyzers live with the analysis ([`crate::index::analysis`]); this
/// re-export keeps the old path working for callers outside the crate.
pub use crate::index::analysis::Analyzers;

/// One ranked result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ranked {
    /// The id of the ranked record (profile or vacancy).
    pub id: i64,
    pub score: PairScore,
    /// Shortage in the vacancy's region and surplus in the jobseeker's,
    /// filled in for the returned results only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_regional: Option<crate::picture::CrossRegional>,
}

/// A scored entry of a [`TopK`]: total, record id and what the caller
/// needs to explain it later.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored<T> {
    pub total: f64,
    pub id: i64,
    pub item: T,
}

/// Orders by total descending, then id ascending.
fn better<T>(a: &Scored<T>, b: &Scored<T>) -> Ordering {
    b.total.total_cmp(&a.total).then_with(|| a.id.cmp(&b.id))
}

struct HeapItem<T>(Scored<T>);

impl<T> PartialEq for HeapItem<T> {
    fn eq(&self, other: &Self) -> bool {
        better(&self.0, &other.0) == Ordering::Equal
    }
}
impl<T> Eq for HeapItem<T> {}
impl<T> PartialOrd for HeapItem<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for HeapItem<T> {
    /// The worst result is the greatest, so the heap's top is the one to drop.
    fn cmp(&self, other: &Self) -> Ordering {
        better(&self.0, &other.0)
    }
}

/// Keeps the best `k` results seen, in memory proportional to `k`. A
/// record pushed twice is kept once, so a second pass over records already
/// scored is harmless.
pub struct TopK<T> {
    k: usize,
    heap: BinaryHeap<HeapItem<T>>,
}

impl<T> TopK<T> {
    pub fn new(k: usize) -> TopK<T> {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    /// The score a new result must beat (or tie with a smaller id) to
    /// enter, once `k` results are held.
    pub fn threshold(&self) -> Option<f64> {
        (self.heap.len() >= self.k).then(|| self.heap.peek().map_or(0.0, |w| w.0.total))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    pub fn push(&mut self, total: f64, id: i64, item: T) {
        if self.k == 0 {
            return;
        }
        let entry = Scored { total, id, item };
        if self.heap.len() >= self.k {
            match self.heap.peek() {
                Some(worst) if better(&entry, &worst.0) == Ordering::Less => {}
                _ => return,
            }
        }
        if self.heap.iter().any(|h| h.0.id == id) {
            return;
        }
        if self.heap.len() >= self.k {
            self.heap.pop();
        }
        self.heap.push(HeapItem(entry));
    }

    /// Best first.
    pub fn into_sorted(self) -> Vec<Scored<T>> {
        let mut out: Vec<Scored<T>> = self.heap.into_iter().map(|h| h.0).collect();
        out.sort_by(better);
        out
    }
}

/// Exhaustive top-k candidates for a vacancy among `profiles` (the ones the
/// caller may see): every eligible pair is scored exactly.
pub fn rank_candidates(
    scorer: &Scorer<'_>,
    analyzers: &mut Analyzers,
    vacancy: &Vacancy,
    profiles: &[JobseekerProfile],
    scope: Scope,
    k: usize,
) -> Vec<Ranked> {
    let (tax, geo) = (scorer.taxonomy, scorer.geography);
    let vacancy_terms = analyzers.vacancy_terms(tax, vacancy);
    let v = VacancyRecord::new(vacancy, tax, geo, &vacancy_terms);
    let records: Vec<ProfileRecord> = profiles
        .iter()
        .map(|p| ProfileRecord::new(p, tax, geo, &analyzers.profile_terms(tax, p)))
        .collect();
    let mut scoring = scorer.candidates_for(&v);
    let mut top = TopK::new(k);
    for (i, p) in records.iter().enumerate() {
        if let Some(total) = scoring.total(p, scope) {
            top.push(total, p.id, i);
        }
    }
    top.into_sorted()
        .into_iter()
        .map(|e| Ranked {
            id: e.id,
            score: scoring.explain_any(&records[e.item]),
            cross_regional: None,
        })
        .collect()
}

/// Exhaustive top-k vacancies for a jobseeker among `vacancies`.
pub fn rank_vacancies(
    scorer: &Scorer<'_>,
    analyzers: &mut Analyzers,
    profile: &JobseekerProfile,
    vacancies: &[Vacancy],
    scope: Scope,
    k: usize,
) -> Vec<Ranked> {
    let (tax, geo) = (scorer.taxonomy, scorer.geography);
    let p = ProfileRecord::new(profile, tax, geo, &analyzers.profile_terms(tax, profile));
    let records: Vec<VacancyRecord> = vacancies
        .iter()
        .map(|v| VacancyRecord::new(v, tax, geo, &analyzers.vacancy_terms(tax, v)))
        .collect();
    let mut scoring = scorer.vacancies_for(&p);
    let mut top = TopK::new(k);
    for (i, v) in records.iter().enumerate() {
        if let Some(total) = scoring.total(v, scope) {
            top.push(total, v.id, i);
        }
    }
    top.into_sorted()
        .into_iter()
        .filter_map(|e| {
            Some(Ranked {
                id: e.id,
                score: scoring.explain(&records[e.item], scope).ok()?,
                cross_regional: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_equals_sorting_everything_with_ties_by_id() {
        let mut all = Vec::new();
        let mut x: u64 = 12345;
        for id in 0..500 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Few distinct scores, so ties are common.
            all.push((id, ((x >> 33) % 17) as f64 / 16.0));
        }
        for k in [0, 1, 7, 50, 499, 500, 600] {
            let mut top = TopK::new(k);
            for (id, total) in all.iter().rev() {
                top.push(*total, *id, ());
            }
            // A second pass over the same records changes nothing.
            for (id, total) in &all {
                top.push(*total, *id, ());
            }
            let mut sorted = all.clone();
            sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            sorted.truncate(k);
            let ids: Vec<i64> = top.into_sorted().iter().map(|e| e.id).collect();
            let expected: Vec<i64> = sorted.iter().map(|e| e.0).collect();
            assert_eq!(ids, expected, "k = {k}");
        }
    }
}

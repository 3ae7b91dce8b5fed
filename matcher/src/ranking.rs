//! Ranking: the top k of a set of eligible pairs by exact score, ties broken
//! by id so that the order is deterministic, in both directions.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TextAnalyzer;

use crate::domain::{JobseekerProfile, Vacancy};
use crate::index::analysis::{analyzer, terms, CompoundLexicon};
use crate::scoring::{PairScore, Scope, Scorer, TextTerms};
use crate::taxonomy::{Lang, Taxonomy};

/// The analysers text features are computed with (the index's own, with its
/// compound lexicon, so that scoring and retrieval agree).
#[derive(Clone)]
pub struct Analyzers {
    fi: TextAnalyzer,
    sv: TextAnalyzer,
    en: TextAnalyzer,
}

impl std::fmt::Debug for Analyzers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzers")
    }
}

impl Analyzers {
    pub fn new(lexicon: &CompoundLexicon) -> Analyzers {
        let set = |s: &std::collections::BTreeSet<String>| {
            std::sync::Arc::new(s.iter().cloned().collect::<std::collections::HashSet<_>>())
        };
        Analyzers {
            fi: analyzer(Lang::Fi, set(&lexicon.fi)),
            sv: analyzer(Lang::Sv, set(&lexicon.sv)),
            en: analyzer(Lang::En, std::sync::Arc::default()),
        }
    }

    fn analyze(&mut self, lang: Lang, text: &str) -> Vec<String> {
        let a = match lang {
            Lang::Fi => &mut self.fi,
            Lang::Sv => &mut self.sv,
            Lang::En => &mut self.en,
        };
        terms(a, text)
    }

    /// The vacancy's title terms in its ad language, plus its occupation's
    /// label in that language: what the text feature looks for.
    pub fn vacancy_terms(&mut self, taxonomy: &Taxonomy, vacancy: &Vacancy) -> TextTerms {
        let d = &vacancy.draft;
        let lang: Lang = d.ad_language.parse().unwrap_or(Lang::Fi);
        TextTerms::new(self.analyze(lang, &d.title)).with(
            d.occupation_uri
                .as_deref()
                .and_then(|u| taxonomy.occupation_by_uri(u))
                .and_then(|o| o.labels.exact(lang))
                .map(|label| self.analyze(lang, label))
                .unwrap_or_default(),
        )
    }

    /// The candidate's work-history titles and desired / past occupation
    /// labels, analysed in every language (titles are free text in any).
    pub fn profile_terms(&mut self, taxonomy: &Taxonomy, profile: &JobseekerProfile) -> TextTerms {
        let p = &profile.draft;
        let mut out = Vec::new();
        let labels = p
            .desired_occupations
            .iter()
            .map(String::as_str)
            .chain(
                p.work_history
                    .iter()
                    .filter_map(|w| w.occupation_uri.as_deref()),
            )
            .filter_map(|u| taxonomy.occupation_by_uri(u));
        for o in labels {
            for lang in Lang::ALL {
                if let Some(label) = o.labels.exact(lang) {
                    out.extend(self.analyze(lang, label));
                }
            }
        }
        for w in &p.work_history {
            for lang in Lang::ALL {
                out.extend(self.analyze(lang, &w.title));
            }
        }
        TextTerms::new(out)
    }
}

impl TextTerms {
    fn with(mut self, more: Vec<String>) -> TextTerms {
        self.terms.extend(more);
        self
    }
}

/// One ranked result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// The id of the ranked record (profile or vacancy).
    pub id: i64,
    pub score: PairScore,
    /// Shortage in the vacancy's region and surplus in the jobseeker's,
    /// filled in for the returned results only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_regional: Option<crate::picture::CrossRegional>,
}

/// Orders by total descending, then id ascending.
fn better(a: &Ranked, b: &Ranked) -> Ordering {
    b.score
        .total
        .total_cmp(&a.score.total)
        .then_with(|| a.id.cmp(&b.id))
}

struct HeapItem(Ranked);

impl PartialEq for HeapItem {
    fn eq(&self, other: &Self) -> bool {
        better(&self.0, &other.0) == Ordering::Equal
    }
}
impl Eq for HeapItem {}
impl PartialOrd for HeapItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for HeapItem {
    /// The worst result is the greatest, so the heap's top is the one to drop.
    fn cmp(&self, other: &Self) -> Ordering {
        better(&self.0, &other.0)
    }
}

/// Keeps the best `k` results seen, in memory proportional to `k`.
#[derive(Default)]
pub struct TopK {
    k: usize,
    heap: BinaryHeap<HeapItem>,
}

impl TopK {
    pub fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    /// The score a new result must beat (or tie with a smaller id) to enter.
    pub fn threshold(&self) -> Option<f64> {
        (self.heap.len() >= self.k).then(|| self.heap.peek().map_or(0.0, |w| w.0.score.total))
    }

    pub fn push(&mut self, item: Ranked) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(HeapItem(item));
        } else if let Some(worst) = self.heap.peek() {
            if better(&item, &worst.0) == Ordering::Less {
                self.heap.pop();
                self.heap.push(HeapItem(item));
            }
        }
    }

    /// Best first.
    pub fn into_sorted(self) -> Vec<Ranked> {
        let mut out: Vec<Ranked> = self.heap.into_iter().map(|h| h.0).collect();
        out.sort_by(better);
        out
    }
}

/// Score every eligible pair of `vacancy` with `profiles` into `top`.
pub fn score_candidates<'p>(
    scorer: &Scorer<'_>,
    analyzers: &mut Analyzers,
    vacancy: &Vacancy,
    vacancy_terms: &TextTerms,
    profiles: impl IntoIterator<Item = &'p JobseekerProfile>,
    scope: Scope,
    top: &mut TopK,
) {
    for profile in profiles {
        if scorer.eligibility(vacancy, profile, scope).is_err() {
            continue;
        }
        let profile_terms = analyzers.profile_terms(scorer.taxonomy, profile);
        top.push(Ranked {
            id: profile.id.0,
            score: scorer.score(vacancy, profile, vacancy_terms, &profile_terms),
            cross_regional: None,
        });
    }
}

/// Score every eligible pair of `profile` with `vacancies` into `top`.
pub fn score_vacancies<'v>(
    scorer: &Scorer<'_>,
    analyzers: &mut Analyzers,
    profile: &JobseekerProfile,
    profile_terms: &TextTerms,
    vacancies: impl IntoIterator<Item = &'v Vacancy>,
    scope: Scope,
    top: &mut TopK,
) {
    for vacancy in vacancies {
        if scorer.eligibility(vacancy, profile, scope).is_err() {
            continue;
        }
        let vacancy_terms = analyzers.vacancy_terms(scorer.taxonomy, vacancy);
        top.push(Ranked {
            id: vacancy.id.0,
            score: scorer.score(vacancy, profile, &vacancy_terms, profile_terms),
            cross_regional: None,
        });
    }
}

/// Exhaustive top-k candidates for a vacancy among `profiles` (the ones the
/// caller may see): every eligible pair is scored exactly.
pub fn rank_candidates<'p>(
    scorer: &Scorer<'_>,
    analyzers: &mut Analyzers,
    vacancy: &Vacancy,
    profiles: impl IntoIterator<Item = &'p JobseekerProfile>,
    scope: Scope,
    k: usize,
) -> Vec<Ranked> {
    let vacancy_terms = analyzers.vacancy_terms(scorer.taxonomy, vacancy);
    let mut top = TopK::new(k);
    score_candidates(
        scorer,
        analyzers,
        vacancy,
        &vacancy_terms,
        profiles,
        scope,
        &mut top,
    );
    top.into_sorted()
}

/// Exhaustive top-k vacancies for a jobseeker among `vacancies`.
pub fn rank_vacancies<'v>(
    scorer: &Scorer<'_>,
    analyzers: &mut Analyzers,
    profile: &JobseekerProfile,
    vacancies: impl IntoIterator<Item = &'v Vacancy>,
    scope: Scope,
    k: usize,
) -> Vec<Ranked> {
    let profile_terms = analyzers.profile_terms(scorer.taxonomy, profile);
    let mut top = TopK::new(k);
    score_vacancies(
        scorer,
        analyzers,
        profile,
        &profile_terms,
        vacancies,
        scope,
        &mut top,
    );
    top.into_sorted()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{Feature, FeatureScore, Mobility};

    fn ranked(id: i64, total: f64) -> Ranked {
        Ranked {
            id,
            cross_regional: None,
            score: PairScore {
                total,
                features: vec![FeatureScore {
                    feature: Feature::Skills,
                    value: total,
                    weight: 1.0,
                    contribution: total,
                    reason: String::new(),
                }],
                matched_skills: Vec::new(),
                partial_skills: Vec::new(),
                missing_essential_skills: Vec::new(),
                mobility: Mobility {
                    distance_km: None,
                    within_commute: false,
                    willing_to_relocate: false,
                    remote: false,
                    reason: String::new(),
                },
            },
        }
    }

    #[test]
    fn top_k_equals_sorting_everything_with_ties_by_id() {
        let mut all = Vec::new();
        let mut x: u64 = 12345;
        for id in 0..500 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Few distinct scores, so ties are common.
            all.push(ranked(id, ((x >> 33) % 17) as f64 / 16.0));
        }
        for k in [0, 1, 7, 50, 499, 500, 600] {
            let mut top = TopK::new(k);
            for r in all.iter().rev() {
                top.push(r.clone());
            }
            let mut sorted = all.clone();
            sorted.sort_by(better);
            sorted.truncate(k);
            let ids: Vec<i64> = top.into_sorted().iter().map(|r| r.id).collect();
            let expected: Vec<i64> = sorted.iter().map(|r| r.id).collect();
            assert_eq!(ids, expected, "k = {k}");
        }
    }
}

//! The occupation coder: a job title or ad text → ranked ESCO occupations,
//! each with a calibrated confidence.
//!
//! Two kinds of evidence are combined.
//!
//! 1. **Labels.** The title (an ad's first line or short first sentence,
//!    cleaned, see [`super::clean`]) is matched against an inverted index of
//!    analysed labels per language: preferred and alternative labels in
//!    fi/sv/en (ESCO's Finnish and Swedish alternative and hidden labels
//!    included), the part before the comma of qualified labels, the curated
//!    [`Lexicon`] titles, and ISCO-08 unit group labels, which are evidence
//!    for every occupation of their group. Each query word is credited with
//!    the IDF of its best match in a label: full for the same stem, less for
//!    a shared compound head, for another inflected form of a long stem, or
//!    for the compound's modifier found in the label ([`super::compounds`]).
//!    A label's score is a Dice coefficient over IDF weights, so a short
//!    label that says exactly what the title says wins; only an exact label
//!    scores 1.
//! 2. **Context.** Every occupation also has a document per language: its
//!    labels, its ESCO description (en, fi) and the labels of its essential
//!    (and, at half weight, optional) skills, with the lexicon's technology
//!    words for those skills. The whole text (title words count double) is
//!    scored against these documents with BM25. This is how "SAP-konsultti"
//!    reaches the occupations that need SAP and "Python-kehittäjä" the
//!    software developers, and how ad text beyond the title counts.
//!
//! An occupation's score is its best label score plus a share of its
//! normalised context score, less a small prior per ESCO level below its
//! ISCO unit group. The confidence is a logistic function of the top score
//! and its margin over the next occupation of another unit group, fitted on
//! the development sets (docs/normalization.md).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::clean::{clean_title, split_ad};
use super::compounds::{inflection_prefix, modifier, PrefixTable, MIN_INFLECTED};
use super::lexicon::Lexicon;
use super::words::{analyse, lang_index, protect_technology_words, Word};
use crate::index::analysis::{fold, Analyzers, CompoundLexicon};
use crate::taxonomy::{Labels, Lang, SkillRelationKind, Taxonomy};

/// Credit when a query word is a compound head of a label word, or the
/// other way round, or both only share a head.
const QUERY_WORD_IS_LABEL_HEAD: f32 = 0.6;
const QUERY_HEAD_IS_LABEL_WORD: f32 = 0.75;
const SHARED_HEAD: f32 = 0.5;
/// Credit for another inflected form of a long stem ("arkkitehdit" for
/// "arkkitehti").
const INFLECTED: f32 = 0.85;
/// Credit for a known compound word whose modifier (not the word) is in
/// the label.
const MODIFIER_OF_KNOWN: f32 = 0.35;
/// A non-exact match is scaled by this, so that only exact labels reach 1.
const NON_EXACT: f32 = 0.92;
/// Added when the query's words start the label ("myyjä" → "myyjä, kirjat").
const PREFIX_BONUS: f32 = 0.03;
/// Weight of a matching ISCO unit group label: alone, and as support added
/// to an occupation's own best label.
const ISCO_ALONE: f32 = 0.85;
const ISCO_SUPPORT: f32 = 0.05;
/// Taken off per level an occupation sits below its ISCO unit group, so that
/// among equal matches the more general occupation comes first.
const DEPTH_PRIOR: f32 = 0.004;
/// Most added for the most common ISCO unit group of the labour market.
pub const GROUP_PRIOR: f32 = 0.04;
/// Share of the normalised context score added to the label score.
const CONTEXT_WEIGHT: f32 = 0.22;
/// Occupations brought in by context alone, at most.
const CONTEXT_CANDIDATES: usize = 40;
/// Context scoring: words of the text at most, BM25 constants, and the
/// share of documents above which a term is a stop word.
const MAX_CONTEXT_WORDS: usize = 400;
const BM25_K1: f32 = 1.2;
const BM25_B: f32 = 0.5;
const STOP_SHARE: f32 = 0.2;
/// Weight of an optional skill's labels in an occupation's context.
const OPTIONAL_SKILL: f32 = 0.5;
/// Title words count this many times in the context query.
const TITLE_REPEAT: f32 = 2.0;
/// The largest total a non-exact answer can reach (label, group support,
/// context and prior); scores are totals over it.
const SCORE_SCALE: f32 = 1.0 + ISCO_SUPPORT + CONTEXT_WEIGHT + GROUP_PRIOR;
/// Confidence = σ(a·score + b·margin + c), fitted on the development sets.
const CONFIDENCE_A: f32 = 3.03;
const CONFIDENCE_B: f32 = 4.49;
const CONFIDENCE_C: f32 = -2.16;

/// Where a label comes from; the weight says how much a match on it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    Preferred,
    /// The part before the comma of a qualified preferred label.
    PreferredHead,
    /// ESCO alternative or hidden label.
    Alternative,
    AlternativeHead,
    /// A title of the curated lexicon.
    Lexicon,
    /// An ISCO-08 unit group label (evidence for all its occupations).
    IscoGroup,
}

impl LabelKind {
    fn weight(self) -> f32 {
        match self {
            LabelKind::Preferred => 1.0,
            LabelKind::Lexicon => 0.98,
            LabelKind::Alternative => 0.96,
            // The part before the comma is often generic ("työntekijä,
            // rusketuspalvelu", "asiantuntija, mekatroniikka"): it is what
            // the label shares with many others, not what makes it.
            LabelKind::PreferredHead => 0.65,
            LabelKind::AlternativeHead => 0.62,
            LabelKind::IscoGroup => ISCO_ALONE,
        }
    }
}

/// One ranked occupation for a text.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OccupationMatch {
    pub uri: String,
    /// ISCO-08 unit group (4 digits).
    pub isco_code: String,
    pub labels: Labels,
    /// In [0, 1]; 1 only for an exact label match.
    pub score: f32,
    /// Estimated probability that this is the right occupation (calibrated
    /// on the development sets); use it for thresholds, not `score`.
    pub confidence: f32,
    /// The label that matched best, and its language (the occupation's own
    /// label when only context or its ISCO group matched).
    pub matched_label: String,
    pub matched_lang: Lang,
    /// What matched: a label kind, or `context` when only the description
    /// and skills did.
    pub evidence: Evidence,
}

/// What brought an occupation into the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    Label(LabelKind),
    Context,
}

/// What a label points to.
#[derive(Clone, Copy, Debug)]
enum Target {
    Occupation(u32),
    /// Index into `OccupationCoder::isco_units`.
    IscoUnit(u32),
}

#[derive(Clone, Debug)]
struct LabelDoc {
    target: Target,
    kind: LabelKind,
    lang: Lang,
    /// The stems joined by a space, for exact and prefix comparison.
    key: String,
    /// Sum of the IDF of the label's word stems.
    weight: f32,
    /// Index of the label text in `texts`.
    text: u32,
}

#[derive(Clone, Copy, Debug)]
struct Posting {
    label: u32,
    /// The term is a compound head inside a label word, not a word itself.
    head: bool,
}

/// The label index of one language.
#[derive(Default)]
struct LangIndex {
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    postings: Vec<Vec<Posting>>,
    prefixes: PrefixTable,
    /// Weight given to a query word the labels do not know.
    unknown_idf: f32,
    labels: usize,
}

impl LangIndex {
    fn term(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.terms.get(text) {
            return id;
        }
        let id = self.postings.len() as u32;
        self.terms.insert(text.to_owned(), id);
        self.postings.push(Vec::new());
        id
    }

    fn idf_of(&self, text: &str) -> Option<f32> {
        self.terms.get(text).map(|&id| self.idf[id as usize])
    }

    /// Terms that start with `prefix` and the IDF of the set of labels
    /// they occur in, or `None` when there are none.
    fn prefix_terms(&self, prefix: &str) -> Option<(Vec<u32>, f32)> {
        let found = self.prefixes.with_prefix(prefix);
        if found.is_empty() {
            return None;
        }
        let ids: Vec<u32> = found.iter().map(|(_, id)| *id).collect();
        let df = ids
            .iter()
            .flat_map(|&id| self.postings[id as usize].iter().map(|p| p.label))
            .collect::<HashSet<_>>()
            .len();
        let idf = (1.0 + self.labels as f32 / df.max(1) as f32).ln();
        Some((ids, idf))
    }
}

/// The context index of one language: occupation documents.
#[derive(Default)]
struct ContextIndex {
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    /// Per term: (occupation, weighted term frequency).
    postings: Vec<Vec<(u32, f32)>>,
    /// Per occupation: weighted length over the average.
    length_ratio: Vec<f32>,
    prefixes: PrefixTable,
}

impl ContextIndex {
    /// `documents[o]` maps term ids of `terms` to weighted frequencies.
    fn build(terms: HashMap<String, u32>, documents: Vec<HashMap<u32, f32>>) -> ContextIndex {
        let mut index = ContextIndex::default();
        let n = documents.len();
        let lengths: Vec<f32> = documents.iter().map(|d| d.values().sum()).collect();
        let average = (lengths.iter().sum::<f32>() / n.max(1) as f32).max(1.0);
        index.length_ratio = lengths.iter().map(|l| l / average).collect();
        index.postings = vec![Vec::new(); terms.len()];
        for (o, document) in documents.into_iter().enumerate() {
            for (term, tf) in document {
                index.postings[term as usize].push((o as u32, tf));
            }
        }
        index.terms = terms;
        index.idf = index
            .postings
            .iter()
            .map(|p| {
                if p.len() as f32 > STOP_SHARE * n as f32 {
                    0.0
                } else {
                    let df = p.len() as f32;
                    (1.0 + (n as f32 - df + 0.5) / (df + 0.5)).ln()
                }
            })
            .collect();
        index.prefixes = PrefixTable::new(&index.terms);
        index
    }

    /// BM25 of `query` (term → weight in the query) per occupation.
    fn score(&self, query: &HashMap<u32, f32>, scores: &mut HashMap<u32, f32>) {
        for (&term, &query_weight) in query {
            let idf = self.idf[term as usize];
            if idf <= 0.0 {
                continue;
            }
            for &(o, tf) in &self.postings[term as usize] {
                let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * self.length_ratio[o as usize]);
                let s = idf * tf * (BM25_K1 + 1.0) / (tf + norm);
                *scores.entry(o).or_insert(0.0) += query_weight * s;
            }
        }
    }
}

#[derive(Clone, Debug)]
struct OccupationEntry {
    uri: String,
    isco_code: String,
    labels: Labels,
    /// Index into `isco_units`.
    unit: u32,
    /// Levels below the ISCO unit group (0 for "5120.1").
    depth: u32,
}

/// Maps free-text job titles and ads (fi/sv/en) to ranked ESCO occupations.
/// Build it once with [`OccupationCoder::new`]; [`code`](Self::code) takes
/// `&self` and may be called from many threads.
pub struct OccupationCoder {
    analyzers: Analyzers,
    index: [LangIndex; 3],
    context: [ContextIndex; 3],
    labels: Vec<LabelDoc>,
    texts: Vec<String>,
    occupations: Vec<OccupationEntry>,
    isco_units: Vec<Vec<u32>>,
    /// Per ISCO unit group: the prior added to its occupations.
    group_prior: Vec<f32>,
    places: HashSet<String>,
}

impl std::fmt::Debug for OccupationCoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OccupationCoder")
            .field("occupations", &self.occupations.len())
            .field("labels", &self.labels.len())
            .field("places", &self.places.len())
            .finish()
    }
}

/// The part of a qualified label before its first comma, if any.
fn label_head(label: &str) -> Option<&str> {
    label
        .split_once(',')
        .map(|(head, _)| head.trim())
        .filter(|h| !h.is_empty())
}

/// How a query word may match: its stem, compound heads, modifier and the
/// prefix of its other inflected forms, with their term ids in one index.
struct QueryWord {
    weight: f32,
    /// (term, credit factor, is a compound head)
    terms: Vec<(u32, f32, bool)>,
    /// Terms of the modifier and the credit a label gets for having one.
    modifier: Option<(Vec<u32>, f32)>,
}

impl OccupationCoder {
    /// Index every occupation label of `taxonomy`, the lexicon's titles, and
    /// each occupation's description and skills as context.
    pub fn new(taxonomy: &Taxonomy, lexicon: &Lexicon) -> OccupationCoder {
        let compounds = CompoundLexicon::from_taxonomy(taxonomy);
        let mut analyzers = Analyzers::new(&compounds);
        let mut coder = OccupationCoder {
            analyzers: analyzers.clone(),
            index: Default::default(),
            context: Default::default(),
            labels: Vec::new(),
            texts: Vec::new(),
            occupations: Vec::with_capacity(taxonomy.occupation_count()),
            isco_units: Vec::new(),
            group_prior: Vec::new(),
            places: super::clean::PLACE_WORDS
                .iter()
                .map(|w| (*w).to_owned())
                .collect(),
        };
        let mut unit_of_code: HashMap<&str, u32> = HashMap::new();
        for group in taxonomy.isco_groups().filter(|g| g.level() == 4) {
            let unit = coder.isco_units.len() as u32;
            unit_of_code.insert(group.code.as_str(), unit);
            coder.isco_units.push(Vec::new());
            for lang in Lang::ALL {
                if let Some(text) = group.labels.exact(lang) {
                    let target = Target::IscoUnit(unit);
                    coder.add_label(&mut analyzers, target, LabelKind::IscoGroup, lang, text);
                }
            }
        }
        for (idx, occupation) in taxonomy.occupations() {
            let unit = unit_of_code
                .get(occupation.isco_code.as_str())
                .copied()
                .unwrap_or(u32::MAX);
            if let Some(members) = coder.isco_units.get_mut(unit as usize) {
                members.push(idx.0);
            }
            let depth = occupation.esco_code.matches('.').count().saturating_sub(1) as u32;
            coder.occupations.push(OccupationEntry {
                uri: occupation.uri.clone(),
                isco_code: occupation.isco_code.clone(),
                labels: occupation.labels.clone(),
                unit,
                depth,
            });
            let target = Target::Occupation(idx.0);
            for lang in Lang::ALL {
                let preferred = occupation.labels.exact(lang).into_iter();
                let alternatives = occupation.alt_labels(lang).iter().map(String::as_str);
                let kinds = preferred
                    .map(|t| (t, LabelKind::Preferred, LabelKind::PreferredHead))
                    .chain(
                        alternatives
                            .map(|t| (t, LabelKind::Alternative, LabelKind::AlternativeHead)),
                    );
                for (text, kind, head_kind) in kinds {
                    coder.add_label(&mut analyzers, target, kind, lang, text);
                    if let Some(head) = label_head(text) {
                        coder.add_label(&mut analyzers, target, head_kind, lang, head);
                    }
                }
            }
        }
        for entry in &lexicon.titles {
            if let Some(idx) = taxonomy.occupation_idx(&entry.occupation_uri) {
                let target = Target::Occupation(idx.0);
                coder.add_label(
                    &mut analyzers,
                    target,
                    LabelKind::Lexicon,
                    entry.lang,
                    &entry.title,
                );
            }
        }
        coder.finish_weights(&mut analyzers);
        coder.context = build_context(taxonomy, lexicon, &analyzers);
        coder
    }

    /// A prior per ISCO-08 unit group from how often the group occurs in
    /// the labour market (e.g. open vacancies plus jobseekers per month):
    /// among otherwise equal answers the more common occupation comes
    /// first. At most [`GROUP_PRIOR`] is added, on a log scale.
    pub fn with_group_frequencies<'a>(
        mut self,
        frequencies: impl IntoIterator<Item = (&'a str, f64)>,
    ) -> Self {
        let frequencies: HashMap<&str, f64> = frequencies.into_iter().collect();
        let top = frequencies.values().copied().fold(0.0f64, f64::max);
        if top <= 0.0 {
            return self;
        }
        let mut prior = vec![0.0; self.isco_units.len()];
        for entry in &self.occupations {
            if let (Some(slot), Some(&count)) = (
                prior.get_mut(entry.unit as usize),
                frequencies.get(entry.isco_code.as_str()),
            ) {
                *slot = GROUP_PRIOR * ((1.0 + count.max(0.0)).ln() / (1.0 + top).ln()) as f32;
            }
        }
        self.group_prior = prior;
        self
    }

    /// Also strip these place names (e.g. municipality and region names in
    /// Finnish and Swedish) from titles, in any Finnish case.
    pub fn with_place_names<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        for name in names {
            let folded = fold(&name.trim().to_lowercase());
            if folded.chars().count() >= 2 && !folded.contains(' ') {
                self.places.insert(folded);
            }
        }
        self
    }

    fn add_label(
        &mut self,
        analyzers: &mut Analyzers,
        target: Target,
        kind: LabelKind,
        lang: Lang,
        text: &str,
    ) {
        let words = analyse(analyzers.get(lang), &protect_technology_words(text));
        if words.is_empty() {
            return;
        }
        let label = self.labels.len() as u32;
        let index = &mut self.index[lang_index(lang)];
        let mut seen = HashSet::new();
        for word in &words {
            if seen.insert((word.stem.as_str(), false)) {
                let id = index.term(&word.stem);
                index.postings[id as usize].push(Posting { label, head: false });
            }
            for head in &word.heads {
                if seen.insert((head.as_str(), true)) {
                    let id = index.term(head);
                    index.postings[id as usize].push(Posting { label, head: true });
                }
            }
        }
        let key = words
            .iter()
            .map(|w| w.stem.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        self.texts.push(text.to_owned());
        self.labels.push(LabelDoc {
            target,
            kind,
            lang,
            key,
            weight: 0.0,
            text: (self.texts.len() - 1) as u32,
        });
    }

    /// IDF per term (documents = labels of the language) and each label's
    /// weight.
    fn finish_weights(&mut self, analyzers: &mut Analyzers) {
        let mut per_lang = [0usize; 3];
        for label in &self.labels {
            per_lang[lang_index(label.lang)] += 1;
        }
        for (i, index) in self.index.iter_mut().enumerate() {
            let n = per_lang[i].max(1) as f32;
            index.labels = per_lang[i];
            index.idf = index
                .postings
                .iter()
                .map(|p| {
                    let df = p.iter().map(|p| p.label).collect::<HashSet<_>>().len();
                    (1.0 + n / df.max(1) as f32).ln()
                })
                .collect();
            index.unknown_idf = 0.5 * (1.0 + n).ln();
            index.prefixes = PrefixTable::new(&index.terms);
        }
        for l in 0..self.labels.len() {
            let label = &self.labels[l];
            let lang = label.lang;
            let text = protect_technology_words(&self.texts[label.text as usize]);
            let words = analyse(analyzers.get(lang), &text);
            let index = &self.index[lang_index(lang)];
            self.labels[l].weight = words
                .iter()
                .map(|w| index.idf_of(&w.stem).unwrap_or(index.unknown_idf))
                .sum();
        }
    }

    /// The language whose labels know most of `text`'s words (IDF-weighted),
    /// or `None` when none knows any.
    pub fn detect_language(&self, text: &str) -> Option<Lang> {
        let mut analyzers = self.analyzers.clone();
        let title = split_ad(text).title;
        let cleaned = clean_title(&protect_technology_words(title), &self.places).whole;
        detect(&mut analyzers, &self.index, &cleaned, text)
    }

    /// Ranked occupations for a job title or ad text, best first, at most
    /// `limit`. With `lang`, labels in that language are preferred; without
    /// it the language is detected. Empty when nothing matches.
    pub fn code(&self, text: &str, lang: Option<Lang>, limit: usize) -> Vec<OccupationMatch> {
        let mut analyzers = self.analyzers.clone();
        self.code_with(&mut analyzers, text, lang, limit)
    }

    /// [`code`](Self::code) for many titles, on all cores (results in input
    /// order).
    pub fn code_batch(
        &self,
        texts: &[&str],
        lang: Option<Lang>,
        limit: usize,
    ) -> Vec<Vec<OccupationMatch>> {
        let threads = std::thread::available_parallelism()
            .map(std::num::NonZeroUsize::get)
            .unwrap_or(1)
            .clamp(1, 16);
        let chunk = texts.len().div_ceil(threads).max(64);
        std::thread::scope(|scope| {
            let handles: Vec<_> = texts
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut analyzers = self.analyzers.clone();
                        part.iter()
                            .map(|t| self.code_with(&mut analyzers, t, lang, limit))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }

    pub(crate) fn code_with(
        &self,
        analyzers: &mut Analyzers,
        text: &str,
        lang: Option<Lang>,
        limit: usize,
    ) -> Vec<OccupationMatch> {
        if limit == 0 {
            return Vec::new();
        }
        let protected = protect_technology_words(text);
        let ad = split_ad(&protected);
        let title = clean_title(ad.title, &self.places);
        let primary = lang.or_else(|| detect(analyzers, &self.index, &title.whole, text));
        // Labels of the other languages still count (English titles are
        // common in Finnish ads), a little less.
        let other_factor = if lang.is_some() { 0.85 } else { 0.92 };
        let factor_of = |l: Lang| {
            if primary.is_none_or(|p| p == l) {
                1.0
            } else {
                other_factor
            }
        };
        let mut best: HashMap<u32, (f32, u32)> = HashMap::new();
        let mut isco: HashMap<u32, (f32, u32)> = HashMap::new();
        let mut queries: Vec<&str> = title.alternatives.iter().map(String::as_str).collect();
        if title.alternatives.len() > 1 {
            queries.push(&title.whole);
        }
        for query_lang in Lang::ALL {
            let factor = factor_of(query_lang);
            let index = &self.index[lang_index(query_lang)];
            for query in &queries {
                let words = analyse(analyzers.get(query_lang), query);
                for (label, score) in self.score_labels(index, query_lang, &words) {
                    let doc = &self.labels[label as usize];
                    let score = score * doc.kind.weight() * factor;
                    let table = match doc.target {
                        Target::Occupation(o) => best.entry(o),
                        Target::IscoUnit(unit) => isco.entry(unit),
                    };
                    let entry = table.or_insert((0.0, label));
                    if score > entry.0 || (score == entry.0 && label < entry.1) {
                        *entry = (score, label);
                    }
                }
            }
        }
        let context = self.context_scores(analyzers, primary, &title.whole, ad.body);
        // ISCO groups that matched put their occupations in the list, and
        // so do the occupations the context points to most.
        for &unit in isco.keys() {
            for &o in &self.isco_units[unit as usize] {
                best.entry(o).or_insert((0.0, u32::MAX));
            }
        }
        let mut by_context: Vec<(u32, f32)> = context.iter().map(|(&o, &s)| (o, s)).collect();
        by_context.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for &(o, _) in by_context.iter().take(CONTEXT_CANDIDATES) {
            best.entry(o).or_insert((0.0, u32::MAX));
        }
        // (total, occupation, label, exact): an exact label comes first,
        // then the total of label, group, context and prior evidence.
        let mut ranked: Vec<(f32, u32, u32, bool)> = best
            .into_iter()
            .map(|(o, (score, label))| {
                let entry = &self.occupations[o as usize];
                let (group, group_label) = isco.get(&entry.unit).copied().unwrap_or((0.0, 0));
                let (own, label) = if group > score {
                    (group, group_label)
                } else {
                    (score, label)
                };
                let total = own
                    + ISCO_SUPPORT * group / ISCO_ALONE
                    + CONTEXT_WEIGHT * context.get(&o).copied().unwrap_or(0.0)
                    + self
                        .group_prior
                        .get(entry.unit as usize)
                        .copied()
                        .unwrap_or(0.0)
                    - DEPTH_PRIOR * entry.depth as f32;
                (total, o, label, score >= 1.0)
            })
            .filter(|(total, _, _, _)| *total > 0.0)
            .collect();
        let order = |a: &(f32, u32, u32, bool), b: &(f32, u32, u32, bool)| {
            b.3.cmp(&a.3).then(b.0.total_cmp(&a.0)).then_with(|| {
                self.occupations[a.1 as usize]
                    .uri
                    .cmp(&self.occupations[b.1 as usize].uri)
            })
        };
        // One more than asked, so that the last one's margin is known.
        let keep = limit.max(2) + 8;
        if ranked.len() > keep {
            ranked.select_nth_unstable_by(keep, order);
            ranked.truncate(keep);
        }
        ranked.sort_by(order);
        let confidences = confidences(&ranked, |o| self.occupations[o as usize].unit);
        ranked
            .into_iter()
            .zip(confidences)
            .take(limit)
            .map(|((total, o, label, exact), confidence)| {
                // Only an exact label match scores 1.
                let score = if exact {
                    1.0
                } else {
                    (total / SCORE_SCALE).clamp(0.0, 0.99)
                };
                let entry = &self.occupations[o as usize];
                let (matched_label, matched_lang, evidence) = match self.labels.get(label as usize)
                {
                    Some(doc) if matches!(doc.target, Target::Occupation(_)) => (
                        self.texts[doc.text as usize].clone(),
                        doc.lang,
                        Evidence::Label(doc.kind),
                    ),
                    Some(doc) => (
                        self.texts[doc.text as usize].clone(),
                        doc.lang,
                        Evidence::Label(LabelKind::IscoGroup),
                    ),
                    None => {
                        let lang = primary.unwrap_or(Lang::En);
                        (entry.labels.get(lang).to_owned(), lang, Evidence::Context)
                    }
                };
                OccupationMatch {
                    uri: entry.uri.clone(),
                    isco_code: entry.isco_code.clone(),
                    labels: entry.labels.clone(),
                    score,
                    confidence,
                    matched_label,
                    matched_lang,
                    evidence,
                }
            })
            .collect()
    }

    /// The terms one query word may match in `index`.
    fn query_word(&self, index: &LangIndex, lang: Lang, word: &Word) -> QueryWord {
        let stem_id = index.terms.get(&word.stem).copied();
        let mut terms: Vec<(u32, f32, bool)> = Vec::new();
        if let Some(id) = stem_id {
            terms.push((id, 1.0, false));
        }
        for head in &word.heads {
            if let Some(&id) = index.terms.get(head) {
                terms.push((id, QUERY_HEAD_IS_LABEL_WORD, true));
            }
        }
        if stem_id.is_none() {
            if let Some(prefix) = inflection_prefix(&word.stem, MIN_INFLECTED) {
                let stem_len = word.stem.chars().count();
                for (term, id) in index.prefixes.with_prefix(prefix) {
                    if term.chars().count().abs_diff(stem_len) <= 2 {
                        terms.push((*id, INFLECTED, false));
                    }
                }
            }
        }
        let modifier_text = word
            .heads
            .iter()
            .filter_map(|h| modifier(&word.stem, h, lang))
            .max_by_key(|m| m.len());
        let modifier = modifier_text.and_then(|m| index.prefix_terms(m));
        let head_weight = word
            .heads
            .iter()
            .filter_map(|h| index.idf_of(h))
            .reduce(f32::max);
        let weight = match (stem_id, head_weight, &modifier) {
            (Some(id), _, _) => index.idf[id as usize],
            (None, Some(head), Some((_, modifier))) => head + modifier,
            // A modifier the labels do not know still says something the
            // head alone does not ("tekoäly-asiantuntija").
            (None, Some(head), None) if modifier_text.is_some() => head + index.unknown_idf,
            (None, Some(head), None) => head,
            (None, None, _) => terms
                .iter()
                .map(|(id, _, _)| index.idf[*id as usize])
                .reduce(f32::max)
                .unwrap_or(index.unknown_idf),
        };
        let modifier = modifier.map(|(ids, idf)| {
            let credit = if stem_id.is_some() {
                MODIFIER_OF_KNOWN * weight
            } else {
                idf
            };
            (ids, credit)
        });
        QueryWord {
            weight,
            terms,
            modifier,
        }
    }

    /// Score every label sharing a term with the query words: a Dice
    /// coefficient over IDF weights, 1 for an exact match.
    fn score_labels(&self, index: &LangIndex, lang: Lang, words: &[Word]) -> Vec<(u32, f32)> {
        if words.is_empty() {
            return Vec::new();
        }
        let n = words.len();
        let mut query_weight = 0.0;
        // Per label touched, two slots per query word (the word or its head;
        // its modifier), in one flat vector to keep allocations down.
        let mut slot_of: HashMap<u32, usize> = HashMap::new();
        let mut credit: Vec<f32> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        let mut slot = |label: u32, credit: &mut Vec<f32>| {
            *slot_of.entry(label).or_insert_with(|| {
                touched.push(label);
                credit.resize(credit.len() + 2 * n, 0.0);
                credit.len() - 2 * n
            })
        };
        let mut weights = Vec::with_capacity(n);
        for (p, word) in words.iter().enumerate() {
            let query = self.query_word(index, lang, word);
            query_weight += query.weight;
            weights.push(query.weight);
            for &(term, factor, query_head) in &query.terms {
                let idf = index.idf[term as usize].min(query.weight);
                for posting in &index.postings[term as usize] {
                    let factor = match (query_head, posting.head) {
                        (false, false) => factor,
                        (false, true) => factor * QUERY_WORD_IS_LABEL_HEAD,
                        (true, false) => factor,
                        (true, true) => SHARED_HEAD,
                    };
                    let s = slot(posting.label, &mut credit);
                    let c = &mut credit[s + 2 * p];
                    *c = c.max(idf * factor);
                }
            }
            if let Some((ids, modifier_credit)) = &query.modifier {
                for &term in ids {
                    for posting in &index.postings[term as usize] {
                        let s = slot(posting.label, &mut credit);
                        credit[s + 2 * p + 1] = *modifier_credit;
                    }
                }
            }
        }
        let key = words
            .iter()
            .map(|w| w.stem.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        touched
            .into_iter()
            .enumerate()
            .map(|(i, label)| {
                let doc = &self.labels[label as usize];
                if doc.key == key {
                    return (label, 1.0);
                }
                let slots = &credit[i * 2 * n..(i + 1) * 2 * n];
                let matched: f32 = slots
                    .chunks(2)
                    .zip(&weights)
                    .map(|(c, w)| (c[0] + c[1]).min(*w))
                    .sum();
                let dice = (2.0 * matched / (query_weight + doc.weight)).min(1.0);
                let prefix =
                    doc.key.starts_with(&key) && doc.key.as_bytes().get(key.len()) == Some(&b' ');
                let bonus = if prefix { PREFIX_BONUS } else { 0.0 };
                (label, (NON_EXACT * dice + bonus).min(NON_EXACT))
            })
            .collect()
    }

    /// Context score per occupation in [0, 1] (1 for the best), from the
    /// title (counted twice) and the ad text, in the primary language and
    /// English (or all three when the language is unknown).
    fn context_scores(
        &self,
        analyzers: &mut Analyzers,
        primary: Option<Lang>,
        title: &str,
        body: &str,
    ) -> HashMap<u32, f32> {
        let mut scores: HashMap<u32, f32> = HashMap::new();
        if title.is_empty() && body.is_empty() {
            return scores;
        }
        for lang in Lang::ALL {
            let weight = match primary {
                None => 1.0,
                Some(p) if p == lang => 1.0,
                Some(_) if lang == Lang::En => 0.5,
                Some(_) => continue,
            };
            let index = &self.context[lang_index(lang)];
            let mut query: HashMap<u32, f32> = HashMap::new();
            let analyzer = analyzers.get(lang);
            let title_words = analyse(analyzer, title);
            let body_words = analyse(analyzer, body);
            let words = title_words
                .iter()
                .map(|w| (w, TITLE_REPEAT))
                .chain(body_words.iter().map(|w| (w, 1.0)))
                .take(MAX_CONTEXT_WORDS);
            for (word, repeat) in words {
                let mut add = |id: u32, share: f32| {
                    *query.entry(id).or_insert(0.0) += repeat * share * weight;
                };
                match index.terms.get(&word.stem) {
                    Some(&id) => add(id, 1.0),
                    None => {
                        for head in &word.heads {
                            if let Some(&id) = index.terms.get(head) {
                                add(id, 0.5);
                            }
                        }
                        let modifier = word
                            .heads
                            .iter()
                            .filter_map(|h| modifier(&word.stem, h, lang))
                            .max_by_key(|m| m.len());
                        if let Some(m) = modifier {
                            let found = index.prefixes.with_prefix(m);
                            let share = 0.7 / (found.len().max(1) as f32).sqrt();
                            for (_, id) in found {
                                add(*id, share);
                            }
                        }
                    }
                }
            }
            index.score(&query, &mut scores);
        }
        let top = scores.values().copied().fold(0.0f32, f32::max);
        if top > 0.0 {
            for s in scores.values_mut() {
                *s /= top;
            }
        }
        scores
    }
}

/// Confidence per ranked entry from its score and its margin over the best
/// other entry of another ISCO unit group (two occupations of one group
/// competing matter less: the group is still right). Negative margins for
/// all but the first.
fn confidences(ranked: &[(f32, u32, u32, bool)], unit_of: impl Fn(u32) -> u32) -> Vec<f32> {
    ranked
        .iter()
        .enumerate()
        .map(|(i, &(total, o, _, exact))| {
            let unit = unit_of(o);
            let rival = ranked
                .iter()
                .enumerate()
                .find(|(j, (_, other, _, _))| *j != i && unit_of(*other) != unit)
                .map_or(0.0, |(_, r)| r.0);
            let score = if exact { 1.0 } else { total / SCORE_SCALE };
            let margin = score - rival / SCORE_SCALE;
            let z = CONFIDENCE_A * score.min(1.0) + CONFIDENCE_B * margin + CONFIDENCE_C;
            1.0 / (1.0 + (-z).exp())
        })
        .collect()
}

/// Per language, one document per occupation: its labels, description and
/// its skills' labels (with the lexicon's technology words for them).
fn build_context(
    taxonomy: &Taxonomy,
    lexicon: &Lexicon,
    analyzers: &Analyzers,
) -> [ContextIndex; 3] {
    let mut terms_of_skill: HashMap<&str, Vec<&str>> = HashMap::new();
    for term in &lexicon.skills {
        terms_of_skill
            .entry(term.skill_uri.as_str())
            .or_default()
            .push(term.term.as_str());
    }
    // One thread per language: the analysis of descriptions and skill
    // labels is most of the build time.
    let build = |lang: Lang, mut analyzers: Analyzers| {
        let analyzer = analyzers.get(lang);
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut ids = |text: &str| -> Vec<u32> {
            let mut out = Vec::new();
            for word in analyse(analyzer, &protect_technology_words(text)) {
                for term in std::iter::once(word.stem).chain(word.heads) {
                    let next = terms.len() as u32;
                    out.push(*terms.entry(term).or_insert(next));
                }
            }
            out
        };
        // Each skill's words once per language.
        let skill_words: Vec<Vec<u32>> = taxonomy
            .skills()
            .map(|(_, skill)| {
                let mut words = skill.labels.exact(lang).map(&mut ids).unwrap_or_default();
                for term in terms_of_skill.get(skill.uri.as_str()).into_iter().flatten() {
                    words.extend(ids(term));
                }
                words
            })
            .collect();
        let documents: Vec<HashMap<u32, f32>> = taxonomy
            .occupations()
            .map(|(idx, occupation)| {
                let mut document: HashMap<u32, f32> = HashMap::new();
                let mut add = |words: &[u32], weight: f32| {
                    for &w in words {
                        *document.entry(w).or_insert(0.0) += weight;
                    }
                };
                if let Some(label) = occupation.labels.exact(lang) {
                    add(&ids(label), 1.0);
                }
                for alt in occupation.alt_labels(lang) {
                    add(&ids(alt), 0.5);
                }
                if let Some(description) = occupation.description(lang) {
                    add(&ids(description), 1.0);
                }
                for &(skill, kind) in taxonomy.skills_of(idx) {
                    let weight = match kind {
                        SkillRelationKind::Essential => 1.0,
                        SkillRelationKind::Optional => OPTIONAL_SKILL,
                    };
                    add(&skill_words[skill.0 as usize], weight);
                }
                document
            })
            .collect();
        ContextIndex::build(terms, documents)
    };
    std::thread::scope(|scope| {
        let handles = Lang::ALL.map(|lang| {
            let analyzers = analyzers.clone();
            scope.spawn(move || build(lang, analyzers))
        });
        handles.map(|h| h.join().unwrap_or_default())
    })
}

/// The language whose vocabulary covers the most of `cleaned` (by IDF);
/// Swedish letters tip the balance.
fn detect(
    analyzers: &mut Analyzers,
    index: &[LangIndex; 3],
    cleaned: &str,
    raw: &str,
) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    let lower = raw.to_lowercase();
    for lang in Lang::ALL {
        let words = analyse(analyzers.get(lang), cleaned);
        let idx = &index[lang_index(lang)];
        let mut known: f32 = words
            .iter()
            .map(|w| {
                idx.idf_of(&w.stem)
                    .or_else(|| {
                        w.heads
                            .iter()
                            .filter_map(|h| idx.idf_of(h))
                            .reduce(f32::max)
                    })
                    .map_or(0.0, |idf| idf.min(4.0) + 1.0)
            })
            .sum();
        match lang {
            Lang::Sv if lower.contains('å') => known += 2.0,
            Lang::Fi if lower.contains('ä') && !lower.contains('å') => known += 0.5,
            Lang::En if lower.is_ascii() => known += 0.25,
            _ => {}
        }
        if known > 0.3 && best.is_none_or(|(b, _)| known > b) {
            best = Some((known, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

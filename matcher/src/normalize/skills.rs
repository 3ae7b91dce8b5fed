//! Skill mentions in ad and CV text (fi/sv/en): analysed n-grams of the
//! text against the analysed skill labels, longest match first,
//! non-overlapping, each with the byte span it came from.
//!
//! Labels are ESCO's preferred labels in three languages, the English
//! alternative labels, each without its parenthesised qualifier ("Python
//! (computer programming)" is written "Python"), and the lexicon's
//! technology words. Inflected forms are found in three ways: the Snowball
//! stemmer ("Pythonilla" → "python"), the last word through its compound
//! head ("Java-ohjelmointi" → "ohjelmointi"), and the last word through the
//! prefix of its other inflected forms ("ohjelmoinnista", whose stem keeps
//! the consonant gradation, finds "ohjelmointi"). Technology names are
//! protected from the tokenizer ("C#", ".NET", "SAP:sta").

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::compounds::{inflection_prefix, modifier, PrefixTable};
use super::lexicon::Lexicon;
use super::words::{analyse, lang_index, protect_technology_words, protect_with_offsets};
use crate::index::analysis::{Analyzers, CompoundLexicon};
use crate::taxonomy::{Lang, Taxonomy};

/// One skill found in a text.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SkillMention {
    pub uri: String,
    /// The label that matched, as ESCO (or the lexicon) spells it.
    pub label: String,
    pub lang: Lang,
    /// Byte span of the matched words in the input.
    pub start: usize,
    pub end: usize,
    /// 1 for a preferred label, less for an alternative or lexicon label,
    /// a match through a compound head or another inflected form.
    pub score: f32,
}

/// A single-word label whose word occurs in at least this many skill labels
/// of its language is too generic to report on its own ("management",
/// "hallinta", "design"): it would flood results.
pub const GENERIC_LABEL_DF: usize = 25;
/// Longest label matched, in words.
const MAX_SKILL_WORDS: usize = 10;
/// Score factor for a last word matched through another inflected form.
const INFLECTED: f32 = 0.85;
/// Shortest stem looked up through its other inflected forms ("python"
/// and "pythonia" stem differently).
const MIN_INFLECTED: usize = 6;
/// Score factor for a skill named by a compound's modifier
/// ("asiakaspalvelukokemus" → customer service).
const MODIFIER: f32 = 0.75;

#[derive(Clone, Copy, Debug)]
struct SkillLabel {
    skill: u32,
    text: u32,
    alternative: bool,
}

/// Finds the ESCO skills a text mentions.
pub struct SkillExtractor {
    analyzers: Analyzers,
    /// Per language: stems joined by a space → labels.
    labels: [HashMap<String, Vec<SkillLabel>>; 3],
    /// Per language: every stem of a label, for language detection.
    vocabulary: [HashSet<String>; 3],
    /// Per language: the vocabulary by prefix, for inflected last words.
    prefixes: [PrefixTable; 3],
    texts: Vec<String>,
    uris: Vec<String>,
    longest: usize,
}

impl std::fmt::Debug for SkillExtractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SkillExtractor")
            .field("skills", &self.uris.len())
            .field("labels", &self.texts.len())
            .finish()
    }
}

impl SkillExtractor {
    /// Index every skill label of `taxonomy` and the lexicon's technology
    /// words, skipping generic single words (see [`GENERIC_LABEL_DF`]).
    pub fn new(taxonomy: &Taxonomy, lexicon: &Lexicon) -> SkillExtractor {
        let compounds = CompoundLexicon::from_taxonomy(taxonomy);
        let mut analyzers = Analyzers::new(&compounds);
        let mut analysed: Vec<(Lang, Vec<String>, SkillLabel)> = Vec::new();
        let mut texts = Vec::new();
        let mut uris = Vec::with_capacity(taxonomy.skill_count());
        let mut lexicon_terms: HashMap<&str, Vec<&str>> = HashMap::new();
        for term in &lexicon.skills {
            lexicon_terms
                .entry(term.skill_uri.as_str())
                .or_default()
                .push(term.term.as_str());
        }
        for (idx, skill) in taxonomy.skills() {
            uris.push(skill.uri.clone());
            let preferred = Lang::ALL
                .into_iter()
                .filter_map(|l| skill.labels.exact(l).map(|t| (l, t, false)));
            let alternative = skill
                .alt_labels_en
                .iter()
                .map(|t| (Lang::En, t.as_str(), true));
            // Technology words are the same in every language.
            let from_lexicon = lexicon_terms
                .get(skill.uri.as_str())
                .into_iter()
                .flatten()
                .flat_map(|t| Lang::ALL.into_iter().map(move |l| (l, *t, true)));
            let labels = preferred.chain(alternative).chain(from_lexicon).flat_map(
                |(lang, text, alternative)| {
                    let bare = text
                        .split_once(" (")
                        .map(|(bare, _)| bare.trim())
                        .filter(|bare| !bare.is_empty());
                    std::iter::once((lang, text, alternative))
                        .chain(bare.map(|bare| (lang, bare, alternative)))
                },
            );
            for (lang, text, alternative) in labels {
                let stems: Vec<String> =
                    analyse(analyzers.get(lang), &protect_technology_words(text))
                        .into_iter()
                        .map(|w| w.stem)
                        .collect();
                if stems.is_empty() || stems.len() > MAX_SKILL_WORDS {
                    continue;
                }
                texts.push(text.to_owned());
                analysed.push((
                    lang,
                    stems,
                    SkillLabel {
                        skill: idx.0,
                        text: (texts.len() - 1) as u32,
                        alternative,
                    },
                ));
            }
        }
        let mut df: [HashMap<&str, usize>; 3] = Default::default();
        for (lang, stems, _) in &analysed {
            let distinct: HashSet<&str> = stems.iter().map(String::as_str).collect();
            for stem in distinct {
                *df[lang_index(*lang)].entry(stem).or_default() += 1;
            }
        }
        let mut labels: [HashMap<String, Vec<SkillLabel>>; 3] = Default::default();
        let mut vocabulary: [HashSet<String>; 3] = Default::default();
        let mut longest = 1;
        for (lang, stems, label) in &analysed {
            let l = lang_index(*lang);
            if let [only] = stems.as_slice() {
                let generic = df[l].get(only.as_str()).copied().unwrap_or(0) >= GENERIC_LABEL_DF;
                if generic || only.chars().count() < 2 {
                    continue;
                }
            }
            vocabulary[l].extend(stems.iter().cloned());
            longest = longest.max(stems.len());
            labels[l].entry(stems.join(" ")).or_default().push(*label);
        }
        for map in &mut labels {
            for list in map.values_mut() {
                // Preferred before alternative, then by URI order.
                list.sort_by_key(|l| (l.alternative, l.skill));
            }
        }
        let prefixes = [0, 1, 2].map(|l| {
            let ids: HashMap<String, u32> = vocabulary[l]
                .iter()
                .enumerate()
                .map(|(i, w)| (w.clone(), i as u32))
                .collect();
            PrefixTable::new(&ids)
        });
        SkillExtractor {
            analyzers,
            labels,
            vocabulary,
            prefixes,
            texts,
            uris,
            longest,
        }
    }

    /// The language whose skill vocabulary covers most words of `text`.
    pub fn detect_language(&self, text: &str) -> Lang {
        let mut analyzers = self.analyzers.clone();
        let text = protect_technology_words(text);
        let mut best = (0usize, Lang::En);
        for lang in Lang::ALL {
            let known = analyse(analyzers.get(lang), &text)
                .iter()
                .filter(|w| self.vocabulary[lang_index(lang)].contains(&w.stem))
                .count();
            if known > best.0 {
                best = (known, lang);
            }
        }
        best.1
    }

    /// The skills `text` mentions, in text order, non-overlapping (longer
    /// matches win). Without `lang`, the language is detected.
    pub fn extract(&self, text: &str, lang: Option<Lang>) -> Vec<SkillMention> {
        let lang = lang.unwrap_or_else(|| self.detect_language(text));
        let mut analyzers = self.analyzers.clone();
        let (protected, spans) = protect_with_offsets(text);
        let words = analyse(analyzers.get(lang), &protected);
        let l = lang_index(lang);
        let map = &self.labels[l];
        // (words, start word, score, label)
        let mut candidates: Vec<(usize, usize, f32, SkillLabel)> = Vec::new();
        let mut push = |len: usize, start: usize, key: &str, factor: f32| {
            if let Some(label) = map.get(key).and_then(|l| l.first()) {
                let score = if label.alternative { 0.9 } else { 1.0 };
                candidates.push((len, start, score * factor, *label));
            }
        };
        for start in 0..words.len() {
            let end_max = (start + self.longest).min(words.len());
            let mut key = String::new();
            for end in start + 1..=end_max {
                if end > start + 1 {
                    key.push(' ');
                }
                let before = key.len();
                let last = &words[end - 1];
                key.push_str(&last.stem);
                push(end - start, start, &key, 1.0);
                // The last word may name the skill through its compound head
                // ("java-ohjelmointi" → "ohjelmointi"), one-word labels only
                // when specific enough to have passed the generic filter.
                for head in &last.heads {
                    let mut with_head = key[..before].to_owned();
                    with_head.push_str(head);
                    push(end - start, start, &with_head, 0.8);
                }
                // … or through another inflected form of a long stem.
                if !self.vocabulary[l].contains(&last.stem) {
                    if let Some(prefix) = inflection_prefix(&last.stem, MIN_INFLECTED) {
                        let stem_len = last.stem.chars().count();
                        for (term, _) in self.prefixes[l].with_prefix(prefix) {
                            if term.chars().count().abs_diff(stem_len) <= 2 {
                                let mut other = key[..before].to_owned();
                                other.push_str(term);
                                push(end - start, start, &other, INFLECTED);
                            }
                        }
                    }
                }
            }
        }
        // A one-word compound may name the skill in its modifier, in front
        // of a generic head ("asiakaspalvelu|kokemus", "Java|osaaminen").
        for (start, word) in words.iter().enumerate() {
            for head in &word.heads {
                let Some(m) = modifier(&word.stem, head, lang) else {
                    continue;
                };
                push(1, start, m, MODIFIER);
            }
        }
        candidates.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(b.2.total_cmp(&a.2))
                .then(a.3.skill.cmp(&b.3.skill))
        });
        let mut taken = vec![false; words.len()];
        let mut mentions = Vec::new();
        for (len, start, score, label) in candidates {
            if taken[start..start + len].iter().any(|t| *t) {
                continue;
            }
            taken[start..start + len].iter_mut().for_each(|t| *t = true);
            let from = spans.get(words[start].from).map_or(0, |s| s.0);
            let to = words[start + len - 1]
                .to
                .checked_sub(1)
                .and_then(|last| spans.get(last))
                .map_or(text.len(), |s| s.1);
            mentions.push(SkillMention {
                uri: self.uris[label.skill as usize].clone(),
                label: self.texts[label.text as usize].clone(),
                lang,
                start: from,
                end: to,
                score,
            });
        }
        mentions.sort_by_key(|m| m.start);
        mentions
    }
}

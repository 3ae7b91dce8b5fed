//! Text analysis for the index, one analyzer per language: split on
//! non-alphanumerics, lower-case, Snowball stemming (Finnish, Swedish,
//! English), then fold å/ä/ö to a/o so that queries typed without
//! diacritics still match.
//!
//! Finnish and Swedish job titles are compounds ("ohjelmistokehittäjä",
//! "sairaanhoitaja", "sjuksköterska"). The compound filter adds, at the same
//! position, every known *head* that ends a longer token, so that
//! "kehittäjä" finds "ohjelmistokehittäjä" and "hoitaja" finds
//! "sairaanhoitaja", in any inflected form. Heads come from the taxonomy's
//! own Finnish and Swedish labels: a word that stands alone in some label and
//! also ends other, longer words (see [`CompoundLexicon::from_taxonomy`]).
//! The lexicon is saved with the index so that indexing and querying always
//! analyse alike.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

use crate::domain::{JobseekerProfile, Vacancy};
use crate::records::TextTerms;
use crate::taxonomy::{Lang, Taxonomy};

/// Analyzer names as registered on the index.
pub const ANALYZER_FI: &str = "kohtaanto_fi";
pub const ANALYZER_SV: &str = "kohtaanto_sv";
pub const ANALYZER_EN: &str = "kohtaanto_en";

/// Shortest head that is split off (in characters): shorter words ("työ",
/// "kone") end too many unrelated words.
const MIN_HEAD: usize = 5;
/// Shortest modifier left in front of a head.
const MIN_MODIFIER: usize = 3;

/// The analyzer name of a language.
pub fn analyzer_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fi => ANALYZER_FI,
        Lang::Sv => ANALYZER_SV,
        Lang::En => ANALYZER_EN,
    }
}

/// Heads of compound words, stemmed and folded, per language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompoundLexicon {
    pub fi: BTreeSet<String>,
    pub sv: BTreeSet<String>,
}

impl CompoundLexicon {
    /// Derive heads from the Finnish and Swedish preferred labels of every
    /// occupation, skill and ISCO group.
    pub fn from_taxonomy(taxonomy: &Taxonomy) -> CompoundLexicon {
        let all_labels = taxonomy
            .occupations()
            .map(|(_, o)| &o.labels)
            .chain(taxonomy.skills().map(|(_, s)| &s.labels))
            .chain(taxonomy.isco_groups().map(|g| &g.labels));
        let mut labels: Vec<(Lang, &str)> = Vec::new();
        for labels_of in all_labels {
            for lang in [Lang::Fi, Lang::Sv] {
                if let Some(label) = labels_of.exact(lang) {
                    labels.push((lang, label));
                }
            }
        }
        CompoundLexicon {
            fi: heads(
                labels.iter().filter(|l| l.0 == Lang::Fi).map(|l| l.1),
                Lang::Fi,
            ),
            sv: heads(
                labels.iter().filter(|l| l.0 == Lang::Sv).map(|l| l.1),
                Lang::Sv,
            ),
        }
    }

    /// One head a line, `fi<TAB>head` or `sv<TAB>head`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (lang, set) in [("fi", &self.fi), ("sv", &self.sv)] {
            for head in set {
                out.push_str(lang);
                out.push('\t');
                out.push_str(head);
                out.push('\n');
            }
        }
        out
    }

    /// Read what [`to_text`](Self::to_text) wrote; unknown lines are skipped.
    pub fn from_text(text: &str) -> CompoundLexicon {
        let mut lexicon = CompoundLexicon::default();
        for line in text.lines() {
            match line.split_once('\t') {
                Some(("fi", head)) => {
                    lexicon.fi.insert(head.to_owned());
                }
                Some(("sv", head)) => {
                    lexicon.sv.insert(head.to_owned());
                }
                _ => {}
            }
        }
        lexicon
    }
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Words that stand alone in some label and end a longer word of another,
/// stemmed and folded like indexed text.
fn heads<'a>(labels: impl Iterator<Item = &'a str>, lang: Lang) -> BTreeSet<String> {
    let all: HashSet<String> = labels.flat_map(words).collect();
    let mut by_suffix: HashSet<&str> = HashSet::new();
    for word in &all {
        for (i, _) in word.char_indices().skip(MIN_MODIFIER) {
            by_suffix.insert(&word[i..]);
        }
    }
    let mut analyzer = analyzer(lang, Arc::new(HashSet::new()));
    all.iter()
        .filter(|w| w.chars().count() >= MIN_HEAD && by_suffix.contains(w.as_str()))
        .filter_map(|w| {
            let mut stream = analyzer.token_stream(w);
            let mut out = None;
            stream.process(&mut |t| out = Some(t.text.clone()));
            out
        })
        .filter(|stem| stem.chars().count() >= MIN_HEAD - 1)
        .collect()
}

fn stemmer_language(lang: Lang) -> Language {
    match lang {
        Lang::Fi => Language::Finnish,
        Lang::Sv => Language::Swedish,
        Lang::En => Language::English,
    }
}

/// The analyzer of one language with the given compound heads.
pub fn analyzer(lang: Lang, heads: Arc<HashSet<String>>) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(Stemmer::new(stemmer_language(lang)))
        .filter(Fold)
        .filter(CompoundHeads { heads })
        .build()
}

/// Register the three analyzers on an index.
pub fn register_analyzers(index: &tantivy::Index, lexicon: &CompoundLexicon) {
    let set = |s: &BTreeSet<String>| Arc::new(s.iter().cloned().collect::<HashSet<_>>());
    let manager = index.tokenizers();
    manager.register(ANALYZER_FI, analyzer(Lang::Fi, set(&lexicon.fi)));
    manager.register(ANALYZER_SV, analyzer(Lang::Sv, set(&lexicon.sv)));
    manager.register(ANALYZER_EN, analyzer(Lang::En, Arc::new(HashSet::new())));
}

/// Analyse `text` into its terms (for building queries and for tests).
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |t| out.push(t.text.clone()));
    out
}

/// The analysers text features are computed with (the index's own, with its
/// compound lexicon, so that scoring and retrieval agree); the text coders
/// in [`crate::normalize`] analyse with them too.
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

    /// The analyzer of `lang`.
    pub(crate) fn get(&mut self, lang: Lang) -> &mut TextAnalyzer {
        match lang {
            Lang::Fi => &mut self.fi,
            Lang::Sv => &mut self.sv,
            Lang::En => &mut self.en,
        }
    }

    fn analyze(&mut self, lang: Lang, text: &str) -> Vec<String> {
        terms(self.get(lang), text)
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

/// Folds å, ä and ö (after stemming, which needs them) to a and o.
#[derive(Clone, Copy, Debug)]
struct Fold;

impl TokenFilter for Fold {
    type Tokenizer<T: Tokenizer> = FoldFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> FoldFilter<T> {
        FoldFilter(tokenizer)
    }
}

#[derive(Clone)]
struct FoldFilter<T>(T);

impl<T: Tokenizer> Tokenizer for FoldFilter<T> {
    type TokenStream<'a> = FoldStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FoldStream(self.0.token_stream(text))
    }
}

struct FoldStream<S>(S);

impl<S: TokenStream> TokenStream for FoldStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let token = self.0.token_mut();
        if !token.text.is_ascii() {
            token.text = fold(&token.text);
        }
        true
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// å/ä → a, ö → o; other characters unchanged.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'å' | 'ä' | 'á' | 'à' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c => c,
        })
        .collect()
}

/// Adds the compound heads ending each token, at the token's position.
#[derive(Clone)]
struct CompoundHeads {
    heads: Arc<HashSet<String>>,
}

impl TokenFilter for CompoundHeads {
    type Tokenizer<T: Tokenizer> = CompoundHeadsFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> CompoundHeadsFilter<T> {
        CompoundHeadsFilter {
            heads: self.heads,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
struct CompoundHeadsFilter<T> {
    heads: Arc<HashSet<String>>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CompoundHeadsFilter<T> {
    type TokenStream<'a> = CompoundHeadsStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CompoundHeadsStream {
            inner: self.inner.token_stream(text),
            heads: Arc::clone(&self.heads),
            pending: Vec::new(),
            current: Token::default(),
        }
    }
}

struct CompoundHeadsStream<S> {
    inner: S,
    heads: Arc<HashSet<String>>,
    pending: Vec<Token>,
    current: Token,
}

impl<S: TokenStream> TokenStream for CompoundHeadsStream<S> {
    fn advance(&mut self) -> bool {
        if let Some(head) = self.pending.pop() {
            self.current = head;
            return true;
        }
        if !self.inner.advance() {
            return false;
        }
        self.current = self.inner.token().clone();
        if !self.heads.is_empty() {
            let text = &self.current.text;
            for (i, _) in text.char_indices().skip(MIN_MODIFIER) {
                let tail = &text[i..];
                if tail.len() + 1 < text.len() && self.heads.contains(tail) {
                    let mut head = self.current.clone();
                    head.text = tail.to_owned();
                    self.pending.push(head);
                }
            }
        }
        true
    }
    fn token(&self) -> &Token {
        &self.current
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon_of(labels: &[&str], lang: Lang) -> Arc<HashSet<String>> {
        Arc::new(heads(labels.iter().copied(), lang).into_iter().collect())
    }

    #[test]
    fn finnish_compounds_are_found_by_their_head_in_any_form() {
        let heads = lexicon_of(
            &[
                "ohjelmistokehittäjä",
                "kehittäjä",
                "sairaanhoitaja",
                "hoitaja",
                "lähihoitaja",
                "työ",
                "kotityö",
            ],
            Lang::Fi,
        );
        let mut fi = analyzer(Lang::Fi, heads);
        let indexed = terms(
            &mut fi,
            "Ohjelmistokehittäjää haetaan, sairaanhoitajien tiimi",
        );
        for query in [
            "kehittäjä",
            "kehittäjän",
            "hoitaja",
            "hoitajat",
            "kehittaja",
        ] {
            let q = terms(&mut fi, query);
            assert!(
                q.iter().all(|t| indexed.contains(t)),
                "{query:?} → {q:?} not in {indexed:?}"
            );
        }
        // Short words are not heads: "työ" does not split "kotityö".
        assert_eq!(terms(&mut fi, "kotityö").len(), 1);
        // Unrelated words do not match.
        let q = terms(&mut fi, "myyjä");
        assert!(!q.iter().any(|t| indexed.contains(t)));
    }

    #[test]
    fn swedish_compounds_split_too() {
        let heads = lexicon_of(&["sjuksköterska", "sköterska", "barnsköterska"], Lang::Sv);
        let mut sv = analyzer(Lang::Sv, heads);
        let indexed = terms(&mut sv, "Vi söker sjuksköterskor");
        let q = terms(&mut sv, "sköterska");
        assert!(q.iter().all(|t| indexed.contains(t)), "{q:?} {indexed:?}");
    }

    #[test]
    fn lexicon_round_trips_as_text() {
        let lexicon = CompoundLexicon {
            fi: ["hoitaj".to_owned(), "kehittaj".to_owned()].into(),
            sv: ["skoterska".to_owned()].into(),
        };
        assert_eq!(CompoundLexicon::from_text(&lexicon.to_text()), lexicon);
    }
}

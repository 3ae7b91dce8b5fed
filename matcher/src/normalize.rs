//! Free text → ESCO: job titles to ranked occupations ([`OccupationCoder`])
//! and the skills a text mentions ([`SkillExtractor`]).
//!
//! Both are built once from a [`Taxonomy`] and then only read. Text goes
//! through the same per-language analyzers as the search index (Snowball
//! stemming, folding, Finnish and Swedish compound heads), so "bussinkuljettaja"
//! shares the head "kuljettaja" with "linja-autonkuljettaja".
//!
//! **Occupations.** A title is first cleaned of what job ads add to it:
//! gender tags ("(m/f/d)"), seniority ("senior", "vanhempi"), employment terms
//! ("sijaisuus", "deltid", "part-time"), hours ("20h/vko"), places (names
//! passed to [`OccupationCoder::with_place_names`], in any Finnish case) and
//! hiring phrases ("haemme", "vi söker"). Slashes, commas, brackets, dashes
//! and "or/tai/eller" separate *alternatives*, each scored on its own (and
//! the whole cleaned title too); an occupation keeps its best score.
//! Abbreviations and a few colloquial words are expanded from a small curated
//! table ([`EXPANSIONS`]).
//!
//! Each alternative is matched against an inverted index of analysed labels:
//! preferred labels in fi/sv/en, English alternative labels, the part before
//! the comma of qualified labels ("myyjä, urheiluvarusteet" → "myyjä") and the
//! ISCO unit group labels as weak evidence. A query word and a label word
//! match fully when their stems are equal and at a discount when only a
//! compound head is shared. Matches are weighted by IDF and normalised by the
//! label's own weight (a Dice coefficient), so that a short label that says
//! exactly what the query says beats a long one that merely contains it. An
//! exact label match scores 1; nothing else can reach 1. Ties are broken by
//! URI, so the order is deterministic.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

use crate::index::analysis::{analyzer, fold, CompoundLexicon};
use crate::taxonomy::{Labels, Lang, Taxonomy};

/// Words that say how senior the post is, not what it is.
const SENIORITY: &[&str] = &[
    "senior",
    "sr",
    "junior",
    "jr",
    "lead",
    "principal",
    "trainee",
    "vanhempi",
    "nuorempi",
    "kokenut",
    "kokeneelle",
    "kokenutta",
    "experienced",
    "erfaren",
    "seniori",
    "juniori",
];

/// Employment terms, hours, hiring phrases and other words that job ads add
/// to titles in fi/sv/en (folded, lower case).
const NOISE: &[&str] = &[
    // Finnish employment terms
    "sijaisuus",
    "sijaisuuteen",
    "sijaiseksi",
    "sijainen",
    "vakituinen",
    "vakituiseen",
    "vakinainen",
    "vakinaiseen",
    "toistaiseksi",
    "voimassa",
    "oleva",
    "olevaan",
    "osa-aikainen",
    "osa-aikaiseen",
    "osa-aikaisesti",
    "osa-aika",
    "kokoaikainen",
    "kokoaikaiseen",
    "maaraaikainen",
    "maaraaikaiseen",
    "kesatyo",
    "kesatyot",
    "kesatoihin",
    "kesatyontekija",
    "kesaksi",
    "kesa",
    "keikkatyo",
    "keikka",
    "keikalle",
    "tuntityo",
    "harjoittelu",
    "harjoittelija",
    "tyosuhde",
    "tyosuhteeseen",
    "etatyo",
    "etana",
    "eta",
    "hybridi",
    "vko",
    "viikko",
    "viikossa",
    "tuntia",
    "klo",
    "alkaen",
    "heti",
    "pian",
    "paikkakunta",
    "useita",
    "useampi",
    "uusi",
    "uusia",
    // Finnish hiring phrases
    "haemme",
    "etsimme",
    "haetaan",
    "tarvitaan",
    "rekrytoimme",
    "palkkaamme",
    "joukkoomme",
    "tiimiimme",
    "tiimiin",
    "meille",
    "rekry",
    "rekrytointi",
    // Swedish
    "heltid",
    "deltid",
    "vikariat",
    "vikarie",
    "vikarier",
    "sommarjobb",
    "sommarvikarie",
    "sommarvikariat",
    "tillsvidare",
    "tillsvidareanstallning",
    "visstid",
    "visstidsanstallning",
    "praktik",
    "praktikant",
    "timmar",
    "vecka",
    "distans",
    "vi",
    "soker",
    "till",
    "ny",
    "nya",
    "flera",
    // English
    "full-time",
    "fulltime",
    "part-time",
    "parttime",
    "internship",
    "intern",
    "temporary",
    "temp",
    "permanent",
    "contract",
    "freelance",
    "remote",
    "hybrid",
    "hours",
    "week",
    "summer",
    "job",
    "jobs",
    "we",
    "are",
    "hiring",
    "looking",
    "seeking",
    "wanted",
    "new",
    "several",
    "multiple",
    "urgent",
    "immediate",
    "start",
    "asap",
];

/// Two-word noise phrases (folded), removed before single words.
const NOISE_PAIRS: &[(&str, &str)] = &[
    ("full", "time"),
    ("part", "time"),
    ("osa", "aikainen"),
    ("osa", "aikaiseen"),
    ("all", "genders"),
    ("alla", "kon"),
    ("kaikki", "sukupuolet"),
];

/// Built-in place words that are not municipality names.
const PLACE_WORDS: &[&str] = &[
    "suomi",
    "finland",
    "paakaupunkiseutu",
    "paakaupunkiseudulla",
    "paakaupunkiseudulle",
    "huvudstadsregionen",
    "koko",
    "nationwide",
    "remote-first",
];

/// Abbreviations and colloquial words (folded, lower case, ASCII) → what
/// ESCO labels say. A word is replaced whole; an entry ending in `-` replaces
/// a word *prefix* (Finnish compounds: "bussinkuljettaja" →
/// "linja-autonkuljettaja").
pub const EXPANSIONS: &[(&str, &str)] = &[
    // English
    // In job ads "dev" is always software.
    ("dev", "software developer"),
    ("devs", "software developer"),
    ("mgr", "manager"),
    ("mngr", "manager"),
    ("eng", "engineer"),
    ("engr", "engineer"),
    ("admin", "administrator"),
    ("sysadmin", "system administrator"),
    ("asst", "assistant"),
    ("assist", "assistant"),
    ("it", "ict"),
    ("hr", "human resources"),
    ("sw", "software"),
    ("qa", "quality assurance"),
    ("pm", "project manager"),
    ("ceo", "chief executive officer"),
    ("cfo", "chief financial officer"),
    ("cto", "chief technology officer"),
    ("ux", "user experience"),
    ("ui", "user interface"),
    ("rn", "nurse"),
    ("fullstack", "software developer"),
    ("full-stack", "software developer"),
    ("frontend", "web developer"),
    ("front-end", "web developer"),
    ("backend", "software developer"),
    ("back-end", "software developer"),
    ("coder", "programmer"),
    // Finnish
    ("it-tuki", "ict-tuki"),
    ("it-", "ict-"),
    ("sh", "sairaanhoitaja"),
    ("lh", "lähihoitaja"),
    ("th", "terveydenhoitaja"),
    ("lahari", "lähihoitaja"),
    ("koodari", "ohjelmoija"),
    ("devaaja", "ohjelmistokehittäjä"),
    ("hitsari", "hitsaaja"),
    ("putkari", "putkiasentaja"),
    ("sahkari", "sähköasentaja"),
    ("kuski", "kuljettaja"),
    ("rekkakuski", "kuorma-auton kuljettaja"),
    ("bussikuski", "linja-autonkuljettaja"),
    ("bussin-", "linja-auton"),
    ("bussi-", "linja-auto"),
    ("rekan-", "kuorma-auton"),
    ("rekka-", "kuorma-auto"),
    ("hr-", "henkilöstö"),
    // Swedish
    ("ssk", "sjuksköterska"),
    ("usk", "undersköterska"),
];

/// Finnish case endings after a place name ("Helsingissä", "Tampereelle").
const PLACE_SUFFIXES: &[&str] = &[
    "n", "ssa", "ssa", "sta", "lla", "lta", "lle", "na", "an", "en", "in", "on", "un", "yn", "hin",
    "seen", "iin", "aan", "ella", "elle", "ella", "esta", "essa", "een", "lla", "lle",
];

/// Full credit when a query word and a label word have the same stem;
/// these discounts apply when only a compound head is shared.
const QUERY_WORD_IS_LABEL_HEAD: f32 = 0.6;
const QUERY_HEAD_IS_LABEL_WORD: f32 = 0.6;
const SHARED_HEAD: f32 = 0.5;
/// A non-exact match is scaled by this, so that only exact labels reach 1.
const NON_EXACT: f32 = 0.92;
/// Added when the query's words start the label ("myyjä" → "myyjä, kirjat").
const PREFIX_BONUS: f32 = 0.03;
/// Weight of a matching ISCO unit group label as the only evidence, and as
/// support added to an occupation's own best label.
const ISCO_ALONE: f32 = 0.5;
const ISCO_SUPPORT: f32 = 0.05;
/// Taken off per level an occupation sits below its ISCO unit group, so that
/// among equal matches the more general occupation comes first.
const DEPTH_PRIOR: f32 = 0.004;
/// Longest alternative scored, in words: longer text is ad text, of which the
/// title-like start is what names the occupation.
const MAX_WORDS: usize = 12;
/// Most alternatives scored per input.
const MAX_ALTERNATIVES: usize = 16;

/// Where a label comes from; the weight says how much a match on it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    Preferred,
    /// The part before the comma of a qualified preferred label.
    PreferredHead,
    AlternativeEn,
    AlternativeHead,
    /// An ISCO-08 unit group label (evidence for all its occupations).
    IscoGroup,
}

impl LabelKind {
    fn weight(self) -> f32 {
        match self {
            LabelKind::Preferred => 1.0,
            LabelKind::AlternativeEn => 0.96,
            LabelKind::PreferredHead => 0.9,
            LabelKind::AlternativeHead => 0.86,
            LabelKind::IscoGroup => ISCO_ALONE,
        }
    }
}

/// One ranked occupation for a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OccupationMatch {
    pub uri: String,
    /// ISCO-08 unit group (4 digits).
    pub isco_code: String,
    pub labels: Labels,
    /// In [0, 1]; 1 only for an exact label match.
    pub score: f32,
    /// The label that matched best, and its language.
    pub matched_label: String,
    pub matched_lang: Lang,
}

/// One analysed word: its stem and the compound heads it ends with.
#[derive(Clone, Debug)]
struct Word {
    stem: String,
    heads: Vec<String>,
    from: usize,
    to: usize,
}

/// Analyse `text`, grouping compound heads with the word they came from.
fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut last_position = usize::MAX;
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |token| {
        if token.position == last_position {
            if let Some(word) = words.last_mut() {
                word.heads.push(token.text.clone());
            }
        } else {
            last_position = token.position;
            words.push(Word {
                stem: token.text.clone(),
                heads: Vec::new(),
                from: token.offset_from,
                to: token.offset_to,
            });
        }
    });
    words
}

/// The three analyzers with the taxonomy's compound heads.
#[derive(Clone)]
struct Analyzers {
    fi: TextAnalyzer,
    sv: TextAnalyzer,
    en: TextAnalyzer,
}

impl Analyzers {
    fn new(lexicon: &CompoundLexicon) -> Analyzers {
        let set = |s: &std::collections::BTreeSet<String>| {
            Arc::new(s.iter().cloned().collect::<HashSet<_>>())
        };
        Analyzers {
            fi: analyzer(Lang::Fi, set(&lexicon.fi)),
            sv: analyzer(Lang::Sv, set(&lexicon.sv)),
            en: analyzer(Lang::En, Arc::new(HashSet::new())),
        }
    }

    fn get(&mut self, lang: Lang) -> &mut TextAnalyzer {
        match lang {
            Lang::Fi => &mut self.fi,
            Lang::Sv => &mut self.sv,
            Lang::En => &mut self.en,
        }
    }
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Fi => 0,
        Lang::Sv => 1,
        Lang::En => 2,
    }
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

/// The inverted index of one language.
#[derive(Default)]
struct LangIndex {
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    postings: Vec<Vec<Posting>>,
    /// Weight given to a query word the labels do not know.
    unknown_idf: f32,
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

/// Maps free-text job titles (fi/sv/en) to ranked ESCO occupations. Build it
/// once with [`OccupationCoder::new`]; [`code`](Self::code) takes `&self`
/// and may be called from many threads.
pub struct OccupationCoder {
    analyzers: Analyzers,
    index: [LangIndex; 3],
    labels: Vec<LabelDoc>,
    texts: Vec<String>,
    occupations: Vec<OccupationEntry>,
    isco_units: Vec<Vec<u32>>,
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

impl OccupationCoder {
    /// Index every occupation label of `taxonomy`.
    pub fn new(taxonomy: &Taxonomy) -> OccupationCoder {
        let lexicon = CompoundLexicon::from_taxonomy(taxonomy);
        let mut analyzers = Analyzers::new(&lexicon);
        let mut coder = OccupationCoder {
            analyzers: analyzers.clone(),
            index: Default::default(),
            labels: Vec::new(),
            texts: Vec::new(),
            occupations: Vec::with_capacity(taxonomy.occupation_count()),
            isco_units: Vec::new(),
            places: PLACE_WORDS.iter().map(|w| (*w).to_owned()).collect(),
        };
        let mut unit_of_code: HashMap<&str, u32> = HashMap::new();
        for group in taxonomy.isco_groups().filter(|g| g.level() == 4) {
            let unit = coder.isco_units.len() as u32;
            unit_of_code.insert(group.code.as_str(), unit);
            coder.isco_units.push(Vec::new());
            for lang in Lang::ALL {
                if let Some(text) = group.labels.exact(lang) {
                    coder.add_label(
                        &mut analyzers,
                        Target::IscoUnit(unit),
                        LabelKind::IscoGroup,
                        lang,
                        text,
                    );
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
                if let Some(text) = occupation.labels.exact(lang) {
                    coder.add_label(&mut analyzers, target, LabelKind::Preferred, lang, text);
                    if let Some(head) = label_head(text) {
                        coder.add_label(
                            &mut analyzers,
                            target,
                            LabelKind::PreferredHead,
                            lang,
                            head,
                        );
                    }
                }
            }
            for alt in &occupation.alt_labels_en {
                coder.add_label(
                    &mut analyzers,
                    target,
                    LabelKind::AlternativeEn,
                    Lang::En,
                    alt,
                );
                if let Some(head) = label_head(alt) {
                    coder.add_label(
                        &mut analyzers,
                        target,
                        LabelKind::AlternativeHead,
                        Lang::En,
                        head,
                    );
                }
            }
        }
        coder.finish_weights(&mut analyzers);
        coder
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
        let words = analyse(analyzers.get(lang), text);
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
            index.idf = index
                .postings
                .iter()
                .map(|p| {
                    let df = p.iter().map(|p| p.label).collect::<HashSet<_>>().len();
                    (1.0 + n / df.max(1) as f32).ln()
                })
                .collect();
            index.unknown_idf = 0.5 * (1.0 + n).ln();
        }
        for l in 0..self.labels.len() {
            let label = &self.labels[l];
            let lang = label.lang;
            let text = &self.texts[label.text as usize];
            let words = analyse(analyzers.get(lang), text);
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
        let cleaned = clean_title(text, &self.places).whole;
        detect(&mut analyzers, &self.index, &cleaned, text)
    }

    /// Ranked occupations for a job title or ad text, best first, at most
    /// `limit`. With `lang`, labels in that language are preferred; without
    /// it the language is detected. Empty when nothing matches.
    pub fn code(&self, text: &str, lang: Option<Lang>, limit: usize) -> Vec<OccupationMatch> {
        let mut analyzers = self.analyzers.clone();
        self.code_with(&mut analyzers, text, lang, limit)
    }

    /// [`code`](Self::code) for many titles, reusing the analyzers.
    pub fn code_batch<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
        lang: Option<Lang>,
        limit: usize,
    ) -> Vec<Vec<OccupationMatch>> {
        let mut analyzers = self.analyzers.clone();
        texts
            .into_iter()
            .map(|t| self.code_with(&mut analyzers, t, lang, limit))
            .collect()
    }

    fn code_with(
        &self,
        analyzers: &mut Analyzers,
        text: &str,
        lang: Option<Lang>,
        limit: usize,
    ) -> Vec<OccupationMatch> {
        if limit == 0 {
            return Vec::new();
        }
        let title = clean_title(text, &self.places);
        let primary = lang.or_else(|| detect(analyzers, &self.index, &title.whole, text));
        // Labels of the other languages still count (English titles are
        // common in Finnish ads), a little less.
        let other_factor = if lang.is_some() { 0.85 } else { 0.92 };
        let mut best: HashMap<u32, (f32, u32)> = HashMap::new();
        let mut isco: HashMap<u32, f32> = HashMap::new();
        let mut queries: Vec<&str> = title.alternatives.iter().map(String::as_str).collect();
        if title.alternatives.len() > 1 {
            queries.push(&title.whole);
        }
        for query_lang in Lang::ALL {
            let factor = if primary.is_none_or(|p| p == query_lang) {
                1.0
            } else {
                other_factor
            };
            let index = &self.index[lang_index(query_lang)];
            for query in &queries {
                let words = analyse(analyzers.get(query_lang), query);
                for (label, score) in self.score_labels(index, &words) {
                    let doc = &self.labels[label as usize];
                    let score = score * doc.kind.weight() * factor;
                    match doc.target {
                        Target::Occupation(o) => {
                            let entry = best.entry(o).or_insert((0.0, label));
                            if score > entry.0 || (score == entry.0 && label < entry.1) {
                                *entry = (score, label);
                            }
                        }
                        Target::IscoUnit(unit) => {
                            let entry = isco.entry(unit).or_insert(0.0);
                            *entry = entry.max(score);
                        }
                    }
                }
            }
        }
        // ISCO groups that matched alone put their occupations in the list.
        for &unit in isco.keys() {
            for &o in &self.isco_units[unit as usize] {
                best.entry(o).or_insert((0.0, u32::MAX));
            }
        }
        let mut ranked: Vec<(f32, u32, u32)> = best
            .into_iter()
            .map(|(o, (score, label))| {
                let entry = &self.occupations[o as usize];
                let group = isco.get(&entry.unit).copied().unwrap_or(0.0);
                let mut total = score.max(group) + ISCO_SUPPORT * group / ISCO_ALONE;
                if score < 1.0 {
                    total = total.min(0.99);
                }
                total -= DEPTH_PRIOR * entry.depth as f32;
                (total.clamp(0.0, 1.0), o, label)
            })
            .filter(|(score, _, _)| *score > 0.0)
            .collect();
        let order = |a: &(f32, u32, u32), b: &(f32, u32, u32)| {
            b.0.total_cmp(&a.0).then_with(|| {
                self.occupations[a.1 as usize]
                    .uri
                    .cmp(&self.occupations[b.1 as usize].uri)
            })
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit, order);
            ranked.truncate(limit);
        }
        ranked.sort_by(order);
        ranked
            .into_iter()
            .map(|(score, o, label)| {
                let entry = &self.occupations[o as usize];
                let (matched_label, matched_lang) = match self.labels.get(label as usize) {
                    Some(doc) => (self.texts[doc.text as usize].clone(), doc.lang),
                    None => {
                        // Only the ISCO group matched.
                        let lang = primary.unwrap_or(Lang::En);
                        (entry.labels.get(lang).to_owned(), lang)
                    }
                };
                OccupationMatch {
                    uri: entry.uri.clone(),
                    isco_code: entry.isco_code.clone(),
                    labels: entry.labels.clone(),
                    score,
                    matched_label,
                    matched_lang,
                }
            })
            .collect()
    }

    /// Score every label sharing a term with the query words: a Dice
    /// coefficient over IDF weights, 1 for an exact match.
    fn score_labels(&self, index: &LangIndex, words: &[Word]) -> Vec<(u32, f32)> {
        if words.is_empty() {
            return Vec::new();
        }
        let n = words.len();
        let mut query_weight = 0.0;
        // Per label touched, the best credit for each query word, in one
        // flat vector (`n` slots per label) to keep allocations down.
        let mut slot_of: HashMap<u32, usize> = HashMap::new();
        let mut credit: Vec<f32> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        for (p, word) in words.iter().enumerate() {
            let stem_id = index.terms.get(&word.stem).copied();
            let head_ids: Vec<u32> = word
                .heads
                .iter()
                .filter_map(|h| index.terms.get(h).copied())
                .collect();
            let weight = match stem_id {
                Some(id) => index.idf[id as usize],
                None => head_ids
                    .iter()
                    .map(|&id| index.idf[id as usize])
                    .reduce(f32::max)
                    .unwrap_or(index.unknown_idf),
            };
            query_weight += weight;
            let terms = stem_id
                .map(|id| (id, false))
                .into_iter()
                .chain(head_ids.into_iter().map(|id| (id, true)));
            for (term, query_head) in terms {
                let idf = index.idf[term as usize].min(weight);
                for posting in &index.postings[term as usize] {
                    let factor = match (query_head, posting.head) {
                        (false, false) => 1.0,
                        (false, true) => QUERY_WORD_IS_LABEL_HEAD,
                        (true, false) => QUERY_HEAD_IS_LABEL_WORD,
                        (true, true) => SHARED_HEAD,
                    };
                    let slot = *slot_of.entry(posting.label).or_insert_with(|| {
                        touched.push(posting.label);
                        credit.resize(credit.len() + n, 0.0);
                        credit.len() - n
                    });
                    let c = &mut credit[slot + p];
                    *c = c.max(idf * factor);
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
                let matched: f32 = credit[i * n..(i + 1) * n].iter().sum();
                let dice = (2.0 * matched / (query_weight + doc.weight)).min(1.0);
                let prefix =
                    doc.key.starts_with(&key) && doc.key.as_bytes().get(key.len()) == Some(&b' ');
                let bonus = if prefix { PREFIX_BONUS } else { 0.0 };
                (label, (NON_EXACT * dice + bonus).min(NON_EXACT))
            })
            .collect()
    }
}

/// A title cleaned of noise: its alternatives and all their words together.
#[derive(Clone, Debug, Default, PartialEq)]
struct CleanTitle {
    alternatives: Vec<String>,
    whole: String,
}

/// Is `word` (folded, lower case) a place name in some Finnish case?
fn is_place(word: &str, places: &HashSet<String>) -> bool {
    if places.contains(word) {
        return true;
    }
    // Stems: the name itself, without its final vowel, and with the
    // consonant gradation of -nki/-nka ("Helsinki" → "Helsingissä").
    for cut in 1..=4 {
        let Some((split, _)) = word.char_indices().rev().nth(cut - 1) else {
            break;
        };
        let (stem, suffix) = word.split_at(split);
        if stem.chars().count() < 3 || !PLACE_SUFFIXES.contains(&suffix) {
            continue;
        }
        let candidates = [
            stem.to_owned(),
            format!("{stem}a"),
            format!("{stem}i"),
            format!("{stem}e"),
            format!("{stem}o"),
            format!("{stem}u"),
            stem.replace("ng", "nk"),
            stem.replace("ng", "nk") + "i",
            stem.replace("ng", "nk") + "a",
        ];
        if candidates.iter().any(|c| places.contains(c)) {
            return true;
        }
        // "Tampereella", "Vantaalla": the stem plus a linking vowel.
        if let Some(shorter) = stem.strip_suffix(|c: char| "aeiouy".contains(c)) {
            if places.contains(shorter) {
                return true;
            }
        }
    }
    false
}

/// Split at separators, drop noise words, expand abbreviations.
fn clean_title(text: &str, places: &HashSet<String>) -> CleanTitle {
    let lowered = text.to_lowercase();
    // Hyphens with spaces around them separate, as do dashes and brackets;
    // hyphens inside words ("linja-auto", "osa-aikainen") do not.
    let spaced = lowered.replace(" - ", " | ");
    let mut alternatives = Vec::new();
    let mut all_words: Vec<String> = Vec::new();
    for part in spaced.split(|c: char| "/,;|()[]{}–—:•·+\n\t".contains(c)) {
        if alternatives.len() >= MAX_ALTERNATIVES {
            break;
        }
        // "kokki tai tarjoilija", "cook or waiter", "kock eller servitör"
        let mut current: Vec<String> = Vec::new();
        let mut words: Vec<String> = part
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .trim_matches('-')
                    .to_owned()
            })
            .filter(|w| !w.is_empty())
            .collect();
        let mut i = 0;
        let mut pieces: Vec<Vec<String>> = Vec::new();
        while i < words.len() {
            let w = &words[i];
            let folded = fold(w);
            if let Some(next) = words.get(i + 1) {
                if NOISE_PAIRS.contains(&(folded.as_str(), fold(next).as_str())) {
                    i += 2;
                    continue;
                }
            }
            if matches!(folded.as_str(), "or" | "tai" | "eller") {
                pieces.push(std::mem::take(&mut current));
                i += 1;
                continue;
            }
            let noise = w.chars().count() < 2
                || w.chars().any(|c| c.is_ascii_digit())
                || NOISE.contains(&folded.as_str())
                || SENIORITY.contains(&folded.as_str())
                || is_place(&folded, places);
            if !noise {
                current.push(expand(w, &folded));
            }
            i += 1;
        }
        pieces.push(current);
        words.clear();
        for piece in pieces {
            let piece: Vec<String> = piece.into_iter().take(MAX_WORDS).collect();
            if !piece.is_empty() {
                all_words.extend(piece.iter().cloned());
                alternatives.push(piece.join(" "));
            }
        }
    }
    alternatives.truncate(MAX_ALTERNATIVES);
    all_words.truncate(MAX_WORDS);
    CleanTitle {
        alternatives,
        whole: all_words.join(" "),
    }
}

/// The expansion of one lower-case word, given also folded (the word itself
/// when there is none).
fn expand(word: &str, folded: &str) -> String {
    for (from, to) in EXPANSIONS {
        match from.strip_suffix('-') {
            // Keys are ASCII, so a folded prefix is the word's own prefix.
            Some(prefix) if folded.starts_with(prefix) && word.starts_with(prefix) => {
                let rest = &word[prefix.len()..];
                if rest.chars().count() >= 4 {
                    return format!("{to}{rest}");
                }
            }
            Some(_) => {}
            None if folded == *from => return (*to).to_owned(),
            None => {}
        }
    }
    word.to_owned()
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
        let lower = raw.to_lowercase();
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

/// One skill found in a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SkillMention {
    pub uri: String,
    /// The label that matched, as ESCO spells it.
    pub label: String,
    pub lang: Lang,
    /// Byte span of the matched words in the input.
    pub start: usize,
    pub end: usize,
    /// 1 for a preferred label, less for an alternative label or a match
    /// through a compound head only.
    pub score: f32,
}

/// A single-word label whose word occurs in at least this many skill labels
/// of its language is too generic to report on its own ("management",
/// "hallinta", "design"): it would flood results.
pub const GENERIC_LABEL_DF: usize = 25;
/// Longest label matched, in words.
const MAX_SKILL_WORDS: usize = 10;

#[derive(Clone, Copy, Debug)]
struct SkillLabel {
    skill: u32,
    text: u32,
    alternative: bool,
}

/// Finds the ESCO skills a text mentions: analysed n-grams of the text
/// against the analysed labels (fi/sv/en preferred, English alternative),
/// longest match first, non-overlapping.
pub struct SkillExtractor {
    analyzers: Analyzers,
    /// Per language: stems joined by a space → labels.
    labels: [HashMap<String, Vec<SkillLabel>>; 3],
    /// Per language: every stem of a label, for language detection.
    vocabulary: [HashSet<String>; 3],
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
    /// Index every skill label of `taxonomy`, skipping generic single words
    /// (see [`GENERIC_LABEL_DF`]).
    pub fn new(taxonomy: &Taxonomy) -> SkillExtractor {
        let lexicon = CompoundLexicon::from_taxonomy(taxonomy);
        let mut analyzers = Analyzers::new(&lexicon);
        let mut analysed: Vec<(Lang, Vec<String>, SkillLabel)> = Vec::new();
        let mut texts = Vec::new();
        let mut uris = Vec::with_capacity(taxonomy.skill_count());
        for (idx, skill) in taxonomy.skills() {
            uris.push(skill.uri.clone());
            let preferred = Lang::ALL
                .into_iter()
                .filter_map(|l| skill.labels.exact(l).map(|t| (l, t, false)));
            let alternative = skill
                .alt_labels_en
                .iter()
                .map(|t| (Lang::En, t.as_str(), true));
            let labels = preferred
                .chain(alternative)
                .flat_map(|(lang, text, alternative)| {
                    // "Python (computer programming)" is written "Python".
                    let bare = text
                        .split_once(" (")
                        .map(|(bare, _)| bare.trim())
                        .filter(|bare| !bare.is_empty());
                    std::iter::once((lang, text, alternative))
                        .chain(bare.map(|bare| (lang, bare, alternative)))
                });
            for (lang, text, alternative) in labels {
                let stems: Vec<String> = analyse(analyzers.get(lang), text)
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
        SkillExtractor {
            analyzers,
            labels,
            vocabulary,
            texts,
            uris,
            longest,
        }
    }

    /// The language whose skill vocabulary covers most words of `text`.
    pub fn detect_language(&self, text: &str) -> Lang {
        let mut analyzers = self.analyzers.clone();
        let mut best = (0usize, Lang::En);
        for lang in Lang::ALL {
            let known = analyse(analyzers.get(lang), text)
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
        let words = analyse(analyzers.get(lang), text);
        let map = &self.labels[lang_index(lang)];
        // (words, start word, score, label)
        let mut candidates: Vec<(usize, usize, f32, SkillLabel)> = Vec::new();
        for start in 0..words.len() {
            let end_max = (start + self.longest).min(words.len());
            let mut key = String::new();
            for end in start + 1..=end_max {
                if end > start + 1 {
                    key.push(' ');
                }
                let before = key.len();
                key.push_str(&words[end - 1].stem);
                if let Some(label) = map.get(&key).and_then(|l| l.first()) {
                    let score = if label.alternative { 0.9 } else { 1.0 };
                    candidates.push((end - start, start, score, *label));
                }
                // The last word may name the skill through its compound head
                // ("java-ohjelmointi" → "ohjelmointi"), one-word labels only
                // when specific enough to have passed the generic filter.
                for head in &words[end - 1].heads {
                    let mut with_head = key[..before].to_owned();
                    with_head.push_str(head);
                    if let Some(label) = map.get(&with_head).and_then(|l| l.first()) {
                        let score = if label.alternative { 0.72 } else { 0.8 };
                        candidates.push((end - start, start, score, *label));
                    }
                }
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
            mentions.push(SkillMention {
                uri: self.uris[label.skill as usize].clone(),
                label: self.texts[label.text as usize].clone(),
                lang,
                start: words[start].from,
                end: words[start + len - 1].to,
                score,
            });
        }
        mentions.sort_by_key(|m| m.start);
        mentions
    }
}

/// Measuring an [`OccupationCoder`]: labelled cases, top-k accuracy and mean
/// reciprocal rank, and a held-out set built from ESCO's own English
/// alternative labels.
pub mod evaluation {
    use super::OccupationCoder;
    use crate::taxonomy::{Lang, Occupation, Taxonomy, TaxonomyError};
    use serde::Serialize;

    /// A text and the occupation it should be coded to.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Case {
        pub lang: Lang,
        pub text: String,
        pub expected_uri: String,
    }

    /// Accuracy figures over a set of cases.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
    pub struct Metrics {
        pub cases: usize,
        /// Share of cases whose expected occupation is ranked first.
        pub top1: f64,
        /// … ranked among the first five.
        pub top5: f64,
        /// Mean reciprocal rank over the first ten (0 when not in them).
        pub mrr: f64,
    }

    /// Where each case's expected occupation was ranked (1-based, `None`
    /// when not in the first ten).
    pub fn ranks(coder: &OccupationCoder, cases: &[Case], with_lang: bool) -> Vec<Option<usize>> {
        let mut analyzers = coder.analyzers.clone();
        cases
            .iter()
            .map(|case| {
                let lang = with_lang.then_some(case.lang);
                coder
                    .code_with(&mut analyzers, &case.text, lang, 10)
                    .iter()
                    .position(|m| m.uri == case.expected_uri)
                    .map(|p| p + 1)
            })
            .collect()
    }

    /// Top-1, top-5 and MRR from ranks.
    pub fn metrics(ranks: &[Option<usize>]) -> Metrics {
        let n = ranks.len();
        if n == 0 {
            return Metrics::default();
        }
        let share =
            |k: usize| ranks.iter().filter(|r| r.is_some_and(|r| r <= k)).count() as f64 / n as f64;
        Metrics {
            cases: n,
            top1: share(1),
            top5: share(5),
            mrr: ranks
                .iter()
                .map(|r| r.map_or(0.0, |r| 1.0 / r as f64))
                .sum::<f64>()
                / n as f64,
        }
    }

    /// Parse `lang<TAB>title<TAB>uri[<TAB>comment]` lines; `#` starts a
    /// comment line. Returns the line number and reason of a bad line.
    pub fn parse_cases(text: &str) -> Result<Vec<Case>, (usize, String)> {
        let mut cases = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(lang), Some(title), Some(uri)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err((
                    i + 1,
                    "expected lang, title and URI separated by tabs".into(),
                ));
            };
            let lang = lang.parse::<Lang>().map_err(|e| (i + 1, e.to_string()))?;
            cases.push(Case {
                lang,
                text: title.to_owned(),
                expected_uri: uri.trim().to_owned(),
            });
        }
        Ok(cases)
    }

    /// FNV-1a, so that the held-out sample is the same on every machine.
    fn fnv1a(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// Hold out every `one_in`-th English alternative label (by a hash of
    /// URI and label): a copy of `taxonomy` without them, and the held-out
    /// labels as cases. Labels that only repeat the occupation's English
    /// preferred label are kept in and not tested.
    pub fn hold_out_alt_labels(
        taxonomy: &Taxonomy,
        one_in: u64,
    ) -> Result<(Taxonomy, Vec<Case>), TaxonomyError> {
        let one_in = one_in.max(1);
        let mut cases = Vec::new();
        let occupations: Vec<Occupation> = taxonomy
            .occupations()
            .map(|(_, o)| {
                let mut kept = o.clone();
                kept.alt_labels_en.retain(|alt| {
                    let trivial = alt.trim().eq_ignore_ascii_case(o.labels.en.trim());
                    let hash = fnv1a(&format!("{}\t{alt}", o.uri));
                    let held = !trivial && hash.checked_rem(one_in) == Some(0);
                    if held {
                        cases.push(Case {
                            lang: Lang::En,
                            text: alt.clone(),
                            expected_uri: o.uri.clone(),
                        });
                    }
                    !held
                });
                kept
            })
            .collect();
        let reduced = Taxonomy::new(
            taxonomy.version().to_owned(),
            taxonomy.isco_groups().cloned().collect(),
            occupations,
            taxonomy.skills().map(|(_, s)| s.clone()).collect(),
            Vec::new(),
            Vec::new(),
        )?;
        Ok((reduced, cases))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn places() -> HashSet<String> {
        ["helsinki", "vantaa", "vanda", "tampere", "espoo", "oulu"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }

    #[test]
    fn titles_lose_gender_tags_seniority_employment_and_places() {
        let t = clean_title("Senior Java dev (m/f/d) – Helsinki", &places());
        assert_eq!(t.alternatives, ["java software developer"]);
        let t = clean_title("Sairaanhoitaja (vakituinen)", &places());
        assert_eq!(t.alternatives, ["sairaanhoitaja"]);
        let t = clean_title("Myyjä 20h/vko", &places());
        assert_eq!(t.alternatives, ["myyjä"]);
        let t = clean_title("Lagerarbetare till Vanda", &places());
        assert_eq!(t.alternatives, ["lagerarbetare"]);
        let t = clean_title("siivooja osa-aikainen, Helsingissä", &places());
        assert_eq!(t.alternatives, ["siivooja"]);
        let t = clean_title("Kokki Tampereelle, part time", &places());
        assert_eq!(t.alternatives, ["kokki"]);
    }

    #[test]
    fn separators_make_alternatives() {
        let t = clean_title("kokki / keittiöapulainen", &places());
        assert_eq!(t.alternatives, ["kokki", "keittiöapulainen"]);
        assert_eq!(t.whole, "kokki keittiöapulainen");
        let t = clean_title("kokki tai tarjoilija - Oulu", &places());
        assert_eq!(t.alternatives, ["kokki", "tarjoilija"]);
        let t = clean_title("linja-autonkuljettaja", &places());
        assert_eq!(t.alternatives, ["linja-autonkuljettaja"]);
    }

    #[test]
    fn abbreviations_and_colloquial_prefixes_expand() {
        assert_eq!(expand("mgr", "mgr"), "manager");
        assert_eq!(expand("lähäri", "lahari"), "lähihoitaja");
        assert_eq!(
            expand("bussinkuljettaja", "bussinkuljettaja"),
            "linja-autonkuljettaja"
        );
        // A prefix alone is not rewritten.
        assert_eq!(expand("bussi", "bussi"), "bussi");
        assert_eq!(expand("kokki", "kokki"), "kokki");
    }

    #[test]
    fn places_are_found_in_finnish_cases() {
        let p = places();
        for w in [
            "helsingissa",
            "helsinkiin",
            "vantaalla",
            "tampereelle",
            "espoossa",
            "oulu",
        ] {
            assert!(is_place(w, &p), "{w}");
        }
        for w in ["kokki", "myyja", "ohjelmistokehittaja", "hoitaja"] {
            assert!(!is_place(w, &p), "{w}");
        }
    }
}

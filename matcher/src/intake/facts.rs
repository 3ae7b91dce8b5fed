//! Facts a CV states in a few words: languages with their level, driving
//! licence classes, and the Finnish work cards and certificates employers
//! ask for (hygieniapassi, työturvallisuuskortti, …), in fi/sv/en.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::domain::LanguageLevel;
use crate::index::analysis::fold;

/// A language the text says the person knows.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageFact {
    /// ISO 639-1.
    pub language: &'static str,
    pub level: LanguageLevel,
    pub span: Range<usize>,
}

/// A driving licence class.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenceFact {
    pub class: &'static str,
    pub span: Range<usize>,
}

/// A work card or certificate, by its Finnish name.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateFact {
    pub name: &'static str,
    pub span: Range<usize>,
}

/// Language names (stems that start the inflected forms) in fi, sv and en.
const LANGUAGES: &[(&str, &[&str])] = &[
    ("fi", &["suomi", "suomen", "suomea", "finska", "finnish"]),
    (
        "sv",
        &["ruotsi", "ruotsin", "ruotsia", "svenska", "swedish"],
    ),
    (
        "en",
        &["englanti", "englannin", "englantia", "engelska", "english"],
    ),
    ("de", &["saksa", "saksan", "saksaa", "tyska", "german"]),
    ("fr", &["ranska", "ranskan", "ranskaa", "franska", "french"]),
    (
        "ru",
        &["venäjä", "venäjän", "venäjää", "venaja", "ryska", "russian"],
    ),
    (
        "et",
        &["viro", "viron", "viroa", "eesti", "estniska", "estonian"],
    ),
    (
        "es",
        &["espanja", "espanjan", "espanjaa", "spanska", "spanish"],
    ),
    (
        "it",
        &[
            "italia",
            "italian kieli",
            "italiaa",
            "italienska",
            "italian",
        ],
    ),
    (
        "ar",
        &["arabia", "arabian", "arabiaa", "arabiska", "arabic"],
    ),
    ("so", &["somali", "somalin kieli", "somaliska"]),
    ("fa", &["persia", "farsi", "dari", "persiska", "persian"]),
    (
        "tr",
        &["turkki", "turkin", "turkkia", "turkiska", "turkish"],
    ),
    (
        "zh",
        &[
            "kiina",
            "kiinan",
            "kiinaa",
            "kinesiska",
            "chinese",
            "mandarin",
        ],
    ),
    ("pl", &["puola", "puolan", "puolaa", "polska", "polish"]),
    (
        "uk",
        &["ukraina", "ukrainan", "ukrainaa", "ukrainska", "ukrainian"],
    ),
    ("no", &["norja", "norjan", "norjaa", "norska", "norwegian"]),
    ("da", &["tanska", "tanskan", "tanskaa", "danska", "danish"]),
    (
        "pt",
        &["portugali", "portugalin", "portugisiska", "portuguese"],
    ),
    ("ku", &["kurdi", "kurdin", "kurdiska", "kurdish"]),
    ("th", &["thai", "thaita", "thailändska"]),
    (
        "vi",
        &["vietnam", "vietnamin", "vietnamesiska", "vietnamese"],
    ),
    ("ti", &["tigrinja", "tigrinya"]),
    ("am", &["amhara", "amharic"]),
    ("hi", &["hindi"]),
    ("ne", &["nepali"]),
    ("ur", &["urdu"]),
    ("bn", &["bengali"]),
    ("tl", &["tagalog"]),
    ("ro", &["romania", "romanian", "rumänska"]),
    ("lt", &["liettua", "liettuan", "litauiska", "lithuanian"]),
    ("lv", &["latvia", "latvian", "lettiska"]),
    ("hu", &["unkari", "unkarin", "ungerska", "hungarian"]),
    (
        "se",
        &["saame", "saamen", "pohjoissaame", "samiska", "sami"],
    ),
];

/// Level words, by level, in fi/sv/en, most specific first.
const LEVELS: &[(LanguageLevel, &[&str])] = &[
    (
        LanguageLevel::Native,
        &[
            "äidinkieli",
            "äidinkielenä",
            "äidinkielen",
            "aidinkieli",
            "natiivi",
            "modersmål",
            "modersmal",
            "native",
            "mother tongue",
            "first language",
        ],
    ),
    (
        LanguageLevel::C2,
        &[
            "erinomainen",
            "erinomaisesti",
            "utmärkt",
            "utmärkta",
            "excellent",
        ],
    ),
    (
        LanguageLevel::C1,
        &[
            "sujuva",
            "sujuvasti",
            "sujuvaa",
            "flytande",
            "obehindrat",
            "fluent",
            "fluently",
            "advanced",
        ],
    ),
    (
        LanguageLevel::A2,
        &[
            "alkeet",
            "alkeis",
            "perustaso",
            "perustiedot",
            "välttävä",
            "auttava",
            "heikko",
            "grundläggande",
            "grundkunskaper",
            "nybörjare",
            "svag",
            "basic",
            "beginner",
            "elementary",
        ],
    ),
    (
        LanguageLevel::B1,
        &[
            "tyydyttävä",
            "kohtalainen",
            "kohtuullinen",
            "keskitaso",
            "nöjaktig",
            "nöjaktiga",
            "hyfsad",
            "hyfsat",
            "medel",
            "intermediate",
            "moderate",
            "satisfactory",
            "conversational",
        ],
    ),
    (
        LanguageLevel::B2,
        &[
            "hyvä",
            "hyvät",
            "hyvin",
            "god",
            "goda",
            "gott",
            "bra",
            "good",
            "working knowledge",
            "professional",
        ],
    ),
];

const LICENCE_CLASSES: &[&str] = &[
    "AM120", "AM121", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE",
    "T",
];

const CERTIFICATES: &[(&str, &str)] = &[
    (
        "hygieniapassi",
        r"hygienia-?\s?passi\w*|hygienpass\w*|hygiene\s+(?:passport|pass|certificate)",
    ),
    (
        "työturvallisuuskortti",
        r"ty[öo]turvallisuuskort\w*|arbetarskyddskort\w*|occupational safety card",
    ),
    (
        "tulityökortti",
        r"tulity[öo]\w*|heta arbeten|hot work (?:card|licen[cs]e|permit)",
    ),
    (
        "ensiapukortti",
        r"(?:h[äa]t[äa])?ensiapu\w*|\bEA\s?[12]\b|första hjälpen\w*|first aid",
    ),
    (
        "anniskelupassi",
        r"anniskelupas\w*|serveringspass\w*|alcohol (?:licen[cs]e|pass)",
    ),
    (
        "järjestyksenvalvojakortti",
        r"j[äa]rjestyksenvalvoja\w*|ordningsvakt\w*|security steward",
    ),
    (
        "trukkikortti",
        r"trukkikort\w*|trukkilupa\w*|truckkort\w*|forklift (?:licen[cs]e|certificate|card)",
    ),
    (
        "sähköturvallisuuskortti",
        r"s[äa]hk[öo]turvallisuus\w*|\bSFS\s?6002\b|elsäkerhet\w*|electrical safety",
    ),
    ("tieturva", r"\btieturva\w*|vägsäkerhetskort\w*"),
    (
        "ammattipätevyys",
        r"ammattip[äa]tevyy\w*|\bYKV\b|yrkeskompetens\w*|professional competence",
    ),
    ("valttikortti", r"valttikort\w*"),
    (
        "vartijakortti",
        r"vartijakort\w*|väktarkort\w*|security guard card",
    ),
    (
        "lääkehoitolupa",
        r"l[äa][äa]kehoito(?:lupa|passi)\w*|\bLOVe\b|läkemedelsbehandling\w*|medication permit",
    ),
    ("adr-ajolupa", r"\bADR\b(?:-\w+)?"),
    ("aluksen päällikkö", r"\bvahtiperämies\w*|\bwatch officer\b"),
];

#[allow(clippy::expect_used)] // constant patterns, compiled in the tests
static CERTIFICATE_PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    CERTIFICATES
        .iter()
        .map(|(name, pattern)| {
            (
                *name,
                Regex::new(&format!("(?i){pattern}")).expect("certificate pattern"),
            )
        })
        .collect()
});

#[allow(clippy::expect_used)]
static LICENCE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)ajokort\w*|ajo-oikeu\w*|-kortti\w*|-luokan|körkort\w*|driv(?:ing|er'?s)\s+licen[cs]e\w*|\blicen[cs]es?\b")
        .expect("licence pattern")
});

#[allow(clippy::expect_used)]
static CEFR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([ABC][12])\b").expect("cefr pattern"));

#[allow(clippy::expect_used)]
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}][\p{L}'’]*").expect("word pattern"));

/// The clauses of a line: split at commas, semicolons, full stops and
/// slashes between words, with their byte offsets.
fn clauses(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in line.char_indices() {
        if matches!(c, ',' | ';' | '.' | '|' | '•' | '·') {
            out.push((start, &line[start..i]));
            start = i + c.len_utf8();
        }
    }
    out.push((start, &line[start..]));
    out
}

/// The ISO 639-1 code of a language name ("ruotsia", "svenska", "Swedish").
pub fn language_of(word: &str) -> Option<&'static str> {
    let lower = fold(&word.to_lowercase());
    LANGUAGES
        .iter()
        .find(|(_, names)| names.iter().any(|n| !n.contains(' ') && lower == fold(n)))
        .map(|(code, _)| *code)
}

fn level_in(clause: &str) -> Option<LanguageLevel> {
    if let Some(c) = CEFR.captures(clause).and_then(|c| c.get(1)) {
        return c.as_str().to_lowercase().parse().ok();
    }
    // Folded: CVs typed without ä and ö ("hyva", "aidinkieli") count too.
    let lower = fold(&clause.to_lowercase());
    let words: Vec<&str> = WORD.find_iter(&lower).map(|m| m.as_str()).collect();
    for (level, names) in LEVELS {
        for name in names.iter() {
            let name = fold(name);
            let hit = if name.contains(' ') {
                lower.contains(&name)
            } else {
                words.iter().any(|w| w.starts_with(&name))
            };
            if hit {
                return Some(*level);
            }
        }
    }
    None
}

/// Languages in `line` (at byte `offset` of the text). A language counts
/// when its clause gives a level, or when the line is in the languages
/// section (then `default` is the level).
pub fn languages(line: &str, offset: usize, in_section: bool) -> Vec<LanguageFact> {
    let mut out = Vec::new();
    let line_level = level_in(line);
    for (at, clause) in clauses(line) {
        if LICENCE_WORD.is_match(clause) {
            continue;
        }
        let found: Vec<(&'static str, Range<usize>)> = WORD
            .find_iter(clause)
            .filter_map(|w| language_of(w.as_str()).map(|code| (code, w.start()..w.end())))
            .collect();
        if found.is_empty() {
            continue;
        }
        let level = level_in(clause).or(if in_section { line_level } else { None });
        let level = match (level, in_section) {
            (Some(l), _) => l,
            (None, true) => LanguageLevel::B1,
            (None, false) => continue,
        };
        for (code, span) in found {
            if out.iter().any(|f: &LanguageFact| f.language == code) {
                continue;
            }
            out.push(LanguageFact {
                language: code,
                level,
                span: offset + at + span.start..offset + at + span.end,
            });
        }
    }
    out
}

/// Driving licence classes in `line`: upper-case class codes in a line
/// that names a driving licence, outside clauses that name a language
/// ("englanti C1").
pub fn licences(line: &str, offset: usize) -> Vec<LicenceFact> {
    let mut out: Vec<LicenceFact> = Vec::new();
    if !LICENCE_WORD.is_match(line) {
        return out;
    }
    for (at, clause) in clauses(line) {
        if WORD
            .find_iter(clause)
            .any(|w| language_of(w.as_str()).is_some())
        {
            continue;
        }
        let mut i = 0;
        let bytes = clause.as_bytes();
        while i < bytes.len() {
            if bytes[i].is_ascii_alphanumeric() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                // A whole token: not inside a longer word ("Bussi").
                let before = clause[..start].chars().next_back();
                let after = clause[i..].chars().next();
                let standalone = before.is_none_or(|c| !c.is_alphanumeric())
                    && after.is_none_or(|c| !c.is_alphanumeric());
                let token = &clause[start..i];
                if standalone {
                    if let Some(class) = LICENCE_CLASSES.iter().find(|c| **c == token) {
                        if !out.iter().any(|f| f.class == *class) {
                            out.push(LicenceFact {
                                class,
                                span: offset + at + start..offset + at + i,
                            });
                        }
                    }
                }
            } else {
                i += 1;
            }
        }
    }
    out
}

/// Work cards and certificates in `text`, every mention, in text order.
pub fn certificates(text: &str) -> Vec<CertificateFact> {
    let mut out: Vec<CertificateFact> = Vec::new();
    for (name, pattern) in CERTIFICATE_PATTERNS.iter() {
        for m in pattern.find_iter(text) {
            out.push(CertificateFact {
                name,
                span: m.start()..m.end(),
            });
        }
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// Where `line` names a driving licence ("B-ajokortti", "körkort"): words
/// that are no skill.
pub fn licence_words(line: &str) -> Vec<Range<usize>> {
    LICENCE_WORD
        .find_iter(line)
        .map(|m| m.start()..m.end())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        assert_eq!(CERTIFICATE_PATTERNS.len(), CERTIFICATES.len());
        assert!(LICENCE_WORD.is_match("B-ajokortti"));
        assert!(CEFR.is_match("B2"));
    }

    #[test]
    fn languages_with_levels_in_three_languages() {
        let found = languages(
            "suomi (äidinkieli), englanti hyvä, ruotsi tyydyttävä",
            0,
            false,
        );
        let pairs: Vec<(&str, LanguageLevel)> =
            found.iter().map(|f| (f.language, f.level)).collect();
        assert_eq!(
            pairs,
            vec![
                ("fi", LanguageLevel::Native),
                ("en", LanguageLevel::B2),
                ("sv", LanguageLevel::B1)
            ]
        );
        let sv = languages("Svenska modersmål; finska flytande; engelska B2", 10, false);
        assert_eq!(sv.len(), 3);
        assert_eq!(sv[2].level, LanguageLevel::B2);
        assert_eq!(sv[0].span, 10..17);
        assert!(languages("Suomi-koulu, Helsinki", 0, false).is_empty());
    }

    #[test]
    fn licence_classes_only_in_licence_clauses() {
        let classes = |l: &str| -> Vec<&str> { licences(l, 0).iter().map(|f| f.class).collect() };
        assert_eq!(classes("Ajokortti: B, C ja CE"), vec!["B", "C", "CE"]);
        assert_eq!(classes("B-ajokortti"), vec!["B"]);
        assert_eq!(classes("Körkort B"), vec!["B"]);
        assert_eq!(classes("Driving licence class C1"), vec!["C1"]);
        assert_eq!(
            classes("Licences: C, CE. Finnish driver CPC"),
            vec!["C", "CE"]
        );
        assert!(classes("englanti C1").is_empty());
        assert!(classes("Bussinkuljettaja").is_empty());
    }

    #[test]
    fn certificates_in_three_languages() {
        let names: Vec<&str> =
            certificates("Hygieniapassi, työturvallisuuskortti ja EA1. Truckkort.")
                .iter()
                .map(|f| f.name)
                .collect();
        assert_eq!(
            names,
            vec![
                "hygieniapassi",
                "työturvallisuuskortti",
                "ensiapukortti",
                "trukkikortti"
            ]
        );
    }
}

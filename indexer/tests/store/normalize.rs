//! Free text → ESCO on the shipped taxonomy: quality floors on the
//! hand-written titles and the held-out alternative labels (measured figures
//! are in docs/normalization.md), and concrete noisy titles.

use std::sync::OnceLock;

use indexer::coding::{lexicon_dirs, load_lexicon, Coders};
use indexer::generate::labour::LabourMarket;
use indexer::sources::{fixtures_dir, load_geography_dir, load_taxonomy_dir};
use matcher::geography::Geography;
use matcher::normalize::evaluation::{self, Case, Expected, Level, Metrics};
use matcher::normalize::{Lexicon, OccupationCoder, SkillExtractor};
use matcher::taxonomy::{Lang, Taxonomy};

fn taxonomy() -> &'static Taxonomy {
    static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
    TAXONOMY.get_or_init(|| load_taxonomy_dir(&fixtures_dir().join("esco")).unwrap())
}

fn geography() -> &'static Geography {
    static GEOGRAPHY: OnceLock<Geography> = OnceLock::new();
    GEOGRAPHY.get_or_init(|| load_geography_dir(&fixtures_dir().join("geo")).unwrap())
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| load_lexicon(taxonomy(), &lexicon_dirs(None)).unwrap())
}

fn coders() -> &'static Coders {
    static CODERS: OnceLock<Coders> = OnceLock::new();
    CODERS.get_or_init(|| {
        let market = LabourMarket::load(&fixtures_dir().join("labour-stats"), geography()).unwrap();
        Coders::build(taxonomy(), geography(), lexicon(), &market)
    })
}

fn coder() -> &'static OccupationCoder {
    &coders().occupations
}

fn cases(path: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(fixtures_dir().join(path)).unwrap();
    evaluation::parse_cases(&text, taxonomy()).unwrap()
}

fn titles() -> Vec<Case> {
    cases("test/normalize/titles.tsv")
}

fn measure(coder: &OccupationCoder, cases: &[Case], level: Level, lang: Option<Lang>) -> Metrics {
    evaluation::metrics(&evaluation::ranks(coder, taxonomy(), cases, level, lang).unwrap())
}

const ESCO: &str = "http://data.europa.eu/esco/occupation/";

/// The URI of the occupation with this English preferred label.
fn uri_of(label_en: &str) -> String {
    let (_, o) = taxonomy()
        .occupations()
        .find(|(_, o)| o.labels.en == label_en)
        .unwrap_or_else(|| panic!("no occupation {label_en:?}"));
    assert!(o.uri.starts_with(ESCO));
    o.uri.clone()
}

#[test]
fn every_expected_uri_of_the_title_set_exists() {
    let cases = titles();
    assert!(cases.len() >= 150, "{} cases", cases.len());
    for case in &cases {
        assert!(matches!(case.expected, Expected::Occupation(_)), "{case:?}");
        assert!(case.lang.is_some(), "{case:?}");
    }
}

#[test]
fn hand_written_titles_clear_the_quality_floor() {
    // Measured: top-1 92.2%, top-5 95.7%, MRR 0.937 (language given).
    let cases = titles();
    let given = measure(coder(), &cases, Level::Occupation, None);
    assert!(given.top1 >= 0.86, "{given:?}");
    assert!(given.top5 >= 0.91, "{given:?}");
    assert!(given.mrr >= 0.88, "{given:?}");
    // Measured: top-1 92.2%, top-5 95.3% with the language detected.
    let unlabelled: Vec<Case> = cases
        .iter()
        .map(|c| Case {
            lang: None,
            ..c.clone()
        })
        .collect();
    let detected = measure(coder(), &unlabelled, Level::Occupation, None);
    assert!(detected.top5 >= 0.90, "{detected:?}");
    for lang in Lang::ALL {
        let of_lang: Vec<Case> = cases
            .iter()
            .filter(|c| c.lang == Some(lang))
            .cloned()
            .collect();
        let m = measure(coder(), &of_lang, Level::Occupation, None);
        assert!(m.top5 >= 0.88, "{lang}: {m:?}");
    }
}

#[test]
fn held_out_alternative_labels_clear_the_quality_floor() {
    // Measured on one in ten English alternative labels, removed from the
    // taxonomy first: top-1 62.4%, top-5 84.0%, MRR 0.719.
    let (reduced, held_out) = evaluation::hold_out_alt_labels(taxonomy(), 10).unwrap();
    assert!(held_out.len() > 2_500, "{}", held_out.len());
    // The held-out labels are really gone from the reduced taxonomy.
    let first = &held_out[0];
    let Expected::Occupation(uri) = &first.expected else {
        panic!("{first:?}")
    };
    let occupation = reduced.occupation_by_uri(uri).unwrap();
    assert!(!occupation.alt_labels_en.contains(&first.text));
    let coder = OccupationCoder::new(&reduced, &Lexicon::default());
    let m = measure(&coder, &held_out, Level::Occupation, None);
    assert!(m.top1 >= 0.57, "{m:?}");
    assert!(m.top5 >= 0.79, "{m:?}");
    assert!(m.mrr >= 0.66, "{m:?}");
}

#[test]
fn noisy_titles_map_to_the_right_occupation_in_the_top_three() {
    let cases = [
        ("Senior Java dev (m/f/d) – Helsinki", "software developer"),
        ("kokki / keittiöapulainen", "cook"),
        ("kokki / keittiöapulainen", "kitchen porter"),
        ("lähihoitaja, sijaisuus", "healthcare assistant"),
        (
            "Sairaanhoitaja (vakituinen)",
            "nurse responsible for general care",
        ),
        ("Myyjä 20h/vko", "sales assistant"),
        ("Lagerarbetare till Vanda", "warehouse worker"),
        ("Ohjelmistokehittäjä, Rust", "software developer"),
        ("bussinkuljettaja", "bus driver"),
        // ESCO's own Finnish alternative label.
        ("siivooja osa-aikainen", "domestic cleaner"),
        ("Projektipäällikkö IT", "ICT project manager"),
    ];
    for (title, expected) in cases {
        let got = coder().code(title, None, 3);
        assert!(
            got.iter().any(|m| m.uri == uri_of(expected)),
            "{title:?} → {:?}",
            got.iter().map(|m| &m.labels.en).collect::<Vec<_>>()
        );
        for m in &got {
            assert!((0.0..=1.0).contains(&m.score), "{m:?}");
        }
    }
}

#[test]
fn exact_labels_win_and_scores_order_the_result() {
    let got = coder().code("Sairaanhoitaja", Some(Lang::Fi), 5);
    assert_eq!(got[0].uri, uri_of("nurse responsible for general care"));
    assert_eq!(got[0].score, 1.0);
    assert!(got[1..].iter().all(|m| m.score < 1.0));
    assert!(got.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(got[0].isco_code, "2221");
    assert_eq!(got[0].labels.fi.as_deref(), Some("sairaanhoitaja"));

    // A compound reaches the occupation through its head, below the exact
    // label: "linja-autonkuljettaja" is exact, the bare head is not.
    let exact = coder().code("linja-autonkuljettaja", Some(Lang::Fi), 1);
    assert_eq!(exact[0].uri, uri_of("bus driver"));
    assert_eq!(exact[0].score, 1.0);
    let head_only = coder().code("kuljettaja", Some(Lang::Fi), 10);
    assert!(head_only.iter().all(|m| m.score < 1.0));

    // Deterministic: the same input gives the same list, ties by URI.
    let a = coder().code("kuljettaja", None, 20);
    let b = coder().code("kuljettaja", None, 20);
    assert_eq!(a, b);
    for w in a.windows(2) {
        assert!(w[0].score > w[1].score || w[0].uri < w[1].uri, "{w:?}");
    }
}

#[test]
fn noise_only_input_gives_nothing_and_limit_is_kept() {
    assert!(coder().code("", None, 5).is_empty());
    assert!(coder()
        .code("(m/f/d) – Helsinki, osa-aikainen", None, 5)
        .is_empty());
    assert!(coder().code("sairaanhoitaja", None, 0).is_empty());
    assert_eq!(coder().code("manager", Some(Lang::En), 7).len(), 7);
    let batch = coder().code_batch(&["kokki", "bussförare"], None, 1);
    assert_eq!(batch[0][0].uri, uri_of("cook"));
    assert_eq!(batch[1][0].uri, uri_of("bus driver"));
}

#[test]
fn skill_mentions_slice_the_input_to_the_matched_words() {
    let skills = SkillExtractor::new(taxonomy(), lexicon());
    let text =
        "We need a developer who knows project management and Python, plus customer service.";
    let mentions = skills.extract(text, Some(Lang::En));
    let spans: Vec<&str> = mentions.iter().map(|m| &text[m.start..m.end]).collect();
    assert!(spans.contains(&"project management"), "{mentions:?}");
    assert!(spans.contains(&"Python"), "{mentions:?}");
    assert!(spans.contains(&"customer service"), "{mentions:?}");
    // Non-overlapping and in text order.
    for w in mentions.windows(2) {
        assert!(w[0].end <= w[1].start, "{w:?}");
    }
    for m in &mentions {
        assert!(taxonomy().skill_by_uri(&m.uri).is_some());
        assert!((0.0..=1.0).contains(&m.score));
    }
    // The longest label wins over the generic word inside it: no mention of
    // "management" alone.
    assert!(!spans.contains(&"management"));

    // Finnish, detected, inflected.
    let fi = "Osaat asiakaspalvelun ja ruoanvalmistuksen.";
    let mentions = skills.extract(fi, None);
    assert!(
        mentions
            .iter()
            .any(|m| m.lang == Lang::Fi && fi[m.start..m.end].starts_with("asiakaspalvelu")),
        "{mentions:?}"
    );
}

/// The ISCO unit group of the first occupation for `title`.
fn first_group(title: &str, lang: Option<Lang>) -> String {
    coder()
        .code(title, lang, 1)
        .first()
        .map(|m| m.isco_code.clone())
        .unwrap_or_default()
}

#[test]
fn compound_modifiers_count_not_only_the_head() {
    // The modifier carries the meaning: a telecommunications or web-shop
    // expert is no corrosion expert, a software designer no interior one.
    let corrosion = uri_of("corrosion technician");
    for title in ["tietoliikenneasiantuntija", "verkkokauppa-asiantuntija"] {
        let got = coder().code(title, Some(Lang::Fi), 1);
        assert!(got[0].uri != corrosion, "{title}: {got:?}");
    }
    assert_eq!(
        first_group("verkkokauppa-asiantuntija", Some(Lang::Fi)),
        "2431"
    );
    let telecom = first_group("tietoliikenneasiantuntija", Some(Lang::Fi));
    assert!(
        ["2153", "2523", "3522", "2522", "3513"].contains(&telecom.as_str()),
        "{telecom}"
    );
    let software = first_group("ohjelmistosuunnittelija", Some(Lang::Fi));
    assert!(software.starts_with("25"), "{software}");
    let interior = first_group("sisustussuunnittelija", Some(Lang::Fi));
    assert_eq!(interior, "3432");
}

#[test]
fn technology_words_point_to_the_occupations_that_need_them() {
    for title in [
        "SAP-konsultti",
        "Python-kehittäjä",
        ".NET-kehittäjä",
        "C#-ohjelmoija",
        "Java developer",
    ] {
        let group = first_group(title, None);
        assert!(group.starts_with("25"), "{title} → {group}");
    }
}

#[test]
fn lexicon_titles_and_inflected_forms_are_coded() {
    // Colloquial titles ESCO lacks come from the curated lexicon.
    for (title, group) in [
        ("rakennusmies", "9313"),
        ("raksamies", "9313"),
        ("Haemme lähihoitajia", "5321"),
        ("Rekrytoimme ohjelmistokehittäjiä", "25"),
        ("Sjukskötare, vikariat", "222"),
        ("Warehouse operatives needed", "9"),
    ] {
        let got = first_group(title, None);
        assert!(got.starts_with(group), "{title} → {got}");
    }
}

#[test]
fn ad_text_beyond_the_title_counts() {
    // A generic title ("Kehittäjä" also develops local communities) is
    // told apart by what the ad asks for.
    let title = "Kehittäjä";
    let ad = "Kehittäjä. Etsimme tiimiimme osaajaa kehittämään Java- ja \
              Spring Boot -sovelluksia sekä SQL-tietokantoja.";
    let software = |text: &str| {
        coder()
            .code(text, Some(Lang::Fi), 10)
            .iter()
            .position(|m| m.isco_code.starts_with("25"))
            .unwrap_or(usize::MAX)
    };
    assert!(
        software(ad) < software(title),
        "{} {}",
        software(ad),
        software(title)
    );
    assert!(software(ad) < 3, "{}", software(ad));
}

#[test]
fn confidence_is_a_probability_and_follows_the_evidence() {
    let exact = coder().code("sairaanhoitaja", Some(Lang::Fi), 3);
    let vague = coder().code("työntekijä", Some(Lang::Fi), 3);
    for m in exact.iter().chain(&vague) {
        assert!((0.0..=1.0).contains(&m.confidence), "{m:?}");
    }
    assert!(exact[0].confidence > 0.8, "{:?}", exact[0]);
    // "työntekijä" (a worker) says too little to code a vacancy with.
    assert!(vague[0].confidence < 0.7, "{:?}", vague[0]);
    assert!(exact[0].confidence > exact[1].confidence);
}

#[test]
fn dev_sets_clear_their_floors() {
    // Measured figures are in docs/normalization.md; the floors are a little
    // below them so that a regression fails and noise does not.
    let floors = [
        // Measured MRR 0.861 (top-1 80.1%).
        ("test/coding/fi.dev.tsv", Lang::Fi, Level::Isco4, 0.82),
        // Measured MRR 0.663 and 0.755.
        ("test/coding/sv.dev.tsv", Lang::Sv, Level::Occupation, 0.62),
        ("test/coding/en.dev.tsv", Lang::En, Level::Occupation, 0.71),
    ];
    for (file, lang, level, floor) in floors {
        let m = measure(coder(), &cases(file), level, Some(lang));
        assert!(m.cases >= 200, "{file}: {m:?}");
        assert!(m.mrr >= floor, "{file}: {m:?}");
    }
}

#[test]
fn skills_are_found_in_inflected_and_technology_forms() {
    let skills = &coders().skills;
    let text = "Edellytämme kokemusta Java-ohjelmoinnista ja SAP:sta. Osaat C#:n ja .NETin.";
    let found: Vec<String> = skills
        .extract(text, Some(Lang::Fi))
        .iter()
        .map(|m| text[m.start..m.end].to_lowercase())
        .collect();
    assert!(found.iter().any(|s| s.starts_with("java")), "{found:?}");
    assert!(found.iter().any(|s| s.starts_with("sap")), "{found:?}");
    // Spans are on the input as given, technology words included.
    for m in skills.extract(text, Some(Lang::Fi)) {
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        assert!(m.start < m.end, "{m:?}");
    }
    let texts = evaluation::parse_annotated(
        &std::fs::read_to_string(fixtures_dir().join("test/coding/skills.jsonl")).unwrap(),
    )
    .unwrap();
    assert!(texts.len() >= 60);
    let dev: Vec<_> = texts
        .into_iter()
        .filter(|t| t.split.as_deref() == Some("dev"))
        .collect();
    // Measured: precision 64.8%, recall 40.7%.
    let m = evaluation::skill_metrics(skills, &dev);
    assert!(m.precision >= 0.6 && m.recall >= 0.37, "{m:?}");
}

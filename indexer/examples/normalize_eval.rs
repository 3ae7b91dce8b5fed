//! Measures free text → ESCO occupation coding on two sets: the hand-written
//! noisy titles in `fixtures/test/normalize/titles.tsv`, and English
//! alternative labels held out of the taxonomy (one in ten). Prints top-1,
//! top-5 and MRR per set and language, the build time and the batch
//! throughput.
//!
//! ```sh
//! cargo run --release -p indexer --example normalize_eval
//! cargo run --release -p indexer --example normalize_eval -- --misses   # list the misses too
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use matcher::normalize::evaluation::{self, Case, Metrics};
use matcher::normalize::{OccupationCoder, SkillExtractor};
use matcher::taxonomy::Lang;

fn print_row(set: &str, lang: &str, m: Metrics) {
    println!(
        "{set:<22} {lang:<5} {:>6} {:>7.1}% {:>7.1}% {:>7.3}",
        m.cases,
        100.0 * m.top1,
        100.0 * m.top5,
        m.mrr
    );
}

fn report(set: &str, coder: &OccupationCoder, cases: &[Case], with_lang: bool, misses: bool) {
    let ranks = evaluation::ranks(coder, cases, with_lang);
    print_row(set, "all", evaluation::metrics(&ranks));
    for lang in Lang::ALL {
        let of_lang: Vec<_> = cases
            .iter()
            .zip(&ranks)
            .filter(|(c, _)| c.lang == lang)
            .map(|(_, r)| *r)
            .collect();
        if !of_lang.is_empty() {
            print_row(set, lang.as_str(), evaluation::metrics(&of_lang));
        }
    }
    if misses {
        for (case, rank) in cases.iter().zip(&ranks) {
            if rank != &Some(1) {
                let lang = with_lang.then_some(case.lang);
                let got = coder.code(&case.text, lang, 1);
                println!(
                    "  miss {} {:?} rank {:?}: got {:?} ({:.3})",
                    case.lang,
                    case.text,
                    rank,
                    got.first().map(|m| m.labels.en.as_str()).unwrap_or("-"),
                    got.first().map_or(0.0, |m| m.score)
                );
            }
        }
    }
}

fn main() {
    let misses = std::env::args().any(|a| a == "--misses");
    let fixtures = indexer::sources::fixtures_dir();
    let taxonomy = indexer::sources::load_taxonomy_dir(&fixtures.join("esco")).unwrap();
    let geography = indexer::sources::load_geography_dir(&fixtures.join("geo")).unwrap();
    let places: Vec<&str> = geography
        .municipalities()
        .flat_map(|m| [m.name_fi.as_str(), m.name_sv.as_str()])
        .chain(
            geography
                .regions()
                .flat_map(|r| [r.name_fi.as_str(), r.name_sv.as_str()]),
        )
        .collect();

    let started = Instant::now();
    let coder = OccupationCoder::new(&taxonomy).with_place_names(places.iter().copied());
    let build = started.elapsed();
    let started = Instant::now();
    let skills = SkillExtractor::new(&taxonomy);
    let skills_build = started.elapsed();
    println!(
        "{} ({} occupations)",
        taxonomy.version(),
        taxonomy.occupation_count()
    );
    println!(
        "build: occupation coder {:.2} s, skill extractor {:.2} s",
        build.as_secs_f64(),
        skills_build.as_secs_f64()
    );

    let text = std::fs::read_to_string(fixtures.join("test/normalize/titles.tsv")).unwrap();
    let titles = evaluation::parse_cases(&text).unwrap();
    for case in &titles {
        assert!(
            taxonomy.occupation_by_uri(&case.expected_uri).is_some(),
            "{} is not in the taxonomy",
            case.expected_uri
        );
    }

    println!();
    println!(
        "{:<22} {:<5} {:>6} {:>8} {:>8} {:>7}",
        "set", "lang", "cases", "top-1", "top-5", "MRR"
    );
    report("titles (lang given)", &coder, &titles, true, misses);
    report("titles (lang detected)", &coder, &titles, false, false);

    let (reduced, held_out) = evaluation::hold_out_alt_labels(&taxonomy, 10).unwrap();
    let reduced_coder = OccupationCoder::new(&reduced).with_place_names(places.iter().copied());
    report(
        "held-out alt labels",
        &reduced_coder,
        &held_out,
        true,
        false,
    );
    if misses {
        let ranks = evaluation::ranks(&reduced_coder, &held_out, true);
        for (case, rank) in held_out.iter().zip(&ranks).take(400) {
            if rank.is_none() {
                let got = reduced_coder.code(&case.text, Some(Lang::En), 1);
                println!(
                    "  held-out miss {:?} → got {:?}, expected {}",
                    case.text,
                    got.first().map(|m| m.labels.en.as_str()).unwrap_or("-"),
                    taxonomy
                        .occupation_by_uri(&case.expected_uri)
                        .map_or("?", |o| o.labels.en.as_str())
                );
            }
        }
    }

    // Throughput: every title and held-out label, coded in one batch on one
    // thread, a few rounds.
    let batch: Vec<&str> = titles
        .iter()
        .chain(&held_out)
        .map(|c| c.text.as_str())
        .collect();
    let rounds = 5;
    let started = Instant::now();
    let mut coded = 0;
    for _ in 0..rounds {
        coded += coder.code_batch(batch.iter().copied(), None, 5).len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!();
    println!(
        "batch coding: {coded} titles in {seconds:.2} s = {:.0} titles/s (one thread, language detected, top 5)",
        coded as f64 / seconds
    );

    let ad = "Haemme kokkia, jolla on hygieniapassi ja kokemusta ruoanvalmistuksesta sekä asiakaspalvelusta.";
    let started = Instant::now();
    let mut mentions = 0;
    for _ in 0..1000 {
        mentions += skills.extract(ad, Some(Lang::Fi)).len();
    }
    println!(
        "skill extraction: {:.0} texts/s ({} mentions in the sample ad)",
        1000.0 / started.elapsed().as_secs_f64(),
        mentions / 1000
    );
    for m in skills.extract(ad, Some(Lang::Fi)) {
        println!("  {:?} → {} ({})", &ad[m.start..m.end], m.label, m.uri);
    }
}

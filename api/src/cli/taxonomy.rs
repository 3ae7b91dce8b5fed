//! `kohtaanto taxonomy occupations|skills|eval|eval-skills`: free text →
//! ESCO with the store's taxonomy and the curated lexicon, and the
//! evaluation an operator runs on their own coded titles. `--batch` prints
//! JSON lines whether or not `--json` is given.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::Subcommand;
use indexer::coding::Coders;
use indexer::store::Store;
use matcher::normalize::evaluation::{self, Level, Metrics};
use matcher::taxonomy::Lang;
use serde_json::json;

use super::{CliError, Context, TaxonomyCommandError};

#[derive(Subcommand)]
pub enum TaxonomyCommand {
    /// Rank ESCO occupations for a job title or ad text (fi/sv/en, noisy is
    /// fine).
    Occupations {
        /// The title; omit it with --batch.
        title: Option<String>,
        /// fi, sv or en (default: detected)
        #[arg(long)]
        lang: Option<Lang>,
        #[arg(long, default_value_t = 5)]
        limit: usize,
        #[arg(long)]
        json: bool,
        /// A file with one title (or ad) a line; prints one JSON line per
        /// title, coded on all cores.
        #[arg(long)]
        batch: Option<PathBuf>,
    },
    /// The ESCO skills a text mentions, with byte spans.
    Skills {
        text: String,
        /// fi, sv or en (default: detected)
        #[arg(long)]
        lang: Option<Lang>,
        #[arg(long)]
        json: bool,
    },
    /// Measure the coder on a TSV of `title<TAB>expected` (an ESCO occupation
    /// URI or an ISCO-08 code; `lang<TAB>title<TAB>expected` also works):
    /// top-1, top-5 and MRR.
    Eval {
        file: PathBuf,
        /// occupation, isco4 or isco2
        #[arg(long, default_value = "occupation")]
        level: Level,
        /// fi, sv or en for lines that do not say (default: detected)
        #[arg(long)]
        lang: Option<Lang>,
        #[arg(long)]
        json: bool,
        /// Also print every case not ranked first, with what came first
        /// (with --json: as a `misses` array).
        #[arg(long)]
        misses: bool,
    },
    /// Measure skill extraction on annotated texts (JSON lines with `lang`,
    /// `text`, `skills: [{uri}]`): precision and recall.
    EvalSkills {
        file: PathBuf,
        /// Only texts of this split (`dev` or `heldout`).
        #[arg(long)]
        split: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Measure CV intake (`POST /v1/profiles/suggestions`) on annotated CVs
    /// (JSON lines, see fixtures/test/intake/README.md): precision and
    /// recall of occupations, skills, languages, licences and cards.
    EvalIntake {
        file: PathBuf,
        /// Only CVs of this split (`dev` or `heldout`).
        #[arg(long)]
        split: Option<String>,
        /// The day open periods ("2019 – nykyään") run to, as annotated
        /// (YYYY-MM-DD).
        #[arg(long, default_value = "2027-01-01")]
        today: chrono::NaiveDate,
        #[arg(long)]
        json: bool,
        /// Also print, per CV, what was missed and what was suggested wrongly.
        #[arg(long)]
        misses: bool,
    },
}

/// What a case expected, for people: `ISCO label` or the ISCO code.
fn expected_label(
    taxonomy: &matcher::taxonomy::Taxonomy,
    expected: &evaluation::Expected,
) -> String {
    match expected {
        evaluation::Expected::Occupation(uri) => taxonomy
            .occupation_by_uri(uri)
            .map(|o| format!("{} {}", o.isco_code, o.labels.en))
            .unwrap_or_default(),
        evaluation::Expected::Isco(code) => code.clone(),
    }
}

fn read(path: &Path) -> Result<String, TaxonomyCommandError> {
    std::fs::read_to_string(path).map_err(|e| TaxonomyCommandError::ReadFile {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

pub fn run(ctx: &Context, what: TaxonomyCommand) -> Result<(), CliError> {
    let store = ctx.store()?;
    Ok(code(&store, &ctx.config.data_dir, what)?)
}

fn code(store: &Store, data_dir: &Path, what: TaxonomyCommand) -> Result<(), TaxonomyCommandError> {
    let reference =
        indexer::generate::ensure_reference_data(store, &indexer::sources::fixtures_dir())?;
    // Coding occupations needs no skill extractor: build only the coder.
    let needs_skills = matches!(
        what,
        TaxonomyCommand::Skills { .. }
            | TaxonomyCommand::EvalSkills { .. }
            | TaxonomyCommand::EvalIntake { .. }
    );
    let (coder, coders) = if needs_skills {
        let coders = Coders::load(&reference.taxonomy, &reference.geography, Some(data_dir))?;
        (Arc::clone(&coders.occupations), Some(coders))
    } else {
        let coder = Coders::load_occupation_coder(
            &reference.taxonomy,
            &reference.geography,
            Some(data_dir),
        )?;
        (Arc::new(coder), None)
    };
    let extractor = || {
        coders
            .as_ref()
            .map(|c| Arc::clone(&c.skills))
            .ok_or_else(|| TaxonomyCommandError::Usage("no skill extractor".into()))
    };
    match what {
        TaxonomyCommand::Occupations {
            title,
            lang,
            limit,
            json,
            batch,
        } => {
            if let Some(path) = batch {
                let text = read(&path)?;
                let titles: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
                let coded = coder.code_batch(&titles, lang, limit);
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                for (title, matches) in titles.iter().zip(coded) {
                    let line = json!({ "title": title, "occupations": matches });
                    // A closed pipe (`| head`) ends the output quietly.
                    if writeln!(out, "{line}").is_err() {
                        return Ok(());
                    }
                }
                let _ = out.flush();
                return Ok(());
            }
            let title = title.ok_or(TaxonomyCommandError::NoTitle)?;
            let matches = coder.code(&title, lang, limit);
            if json {
                println!("{}", serde_json::to_string(&matches).unwrap_or_default());
            } else {
                for m in &matches {
                    println!(
                        "{:.3}  {:>3.0}%  {}  {:<45} {}",
                        m.score,
                        100.0 * m.confidence,
                        m.isco_code,
                        m.labels.get(lang.unwrap_or(m.matched_lang)),
                        m.uri
                    );
                }
            }
        }
        TaxonomyCommand::Skills { text, lang, json } => {
            let mentions = extractor()?.extract(&text, lang);
            if json {
                println!("{}", serde_json::to_string(&mentions).unwrap_or_default());
            } else {
                for m in &mentions {
                    println!(
                        "{:>4}..{:<4} {:?} → {} ({}, {:.2})",
                        m.start,
                        m.end,
                        text.get(m.start..m.end).unwrap_or_default(),
                        m.label,
                        m.uri,
                        m.score
                    );
                }
            }
        }
        TaxonomyCommand::Eval {
            file,
            level,
            lang,
            json,
            misses,
        } => {
            let taxonomy = &reference.taxonomy;
            let cases = evaluation::parse_cases(&read(&file)?, taxonomy).map_err(|source| {
                TaxonomyCommandError::Cases {
                    path: file.display().to_string(),
                    source,
                }
            })?;
            let started = Instant::now();
            let ranks = evaluation::ranks(&coder, taxonomy, &cases, level, lang)
                .map_err(TaxonomyCommandError::Usage)?;
            let seconds = started.elapsed().as_secs_f64();
            let all = evaluation::metrics(&ranks);
            let mut by_lang: Vec<(Lang, Metrics)> = Vec::new();
            for l in Lang::ALL {
                let of_lang: Vec<Option<usize>> = cases
                    .iter()
                    .zip(&ranks)
                    .filter(|(c, _)| c.lang == Some(l))
                    .map(|(_, r)| *r)
                    .collect();
                if !of_lang.is_empty() && of_lang.len() < cases.len() {
                    by_lang.push((l, evaluation::metrics(&of_lang)));
                }
            }
            if json {
                let langs: serde_json::Map<String, serde_json::Value> = by_lang
                    .iter()
                    .map(|(l, m)| (l.as_str().to_owned(), json!(m)))
                    .collect();
                let mut report = json!({
                    "file": file.display().to_string(),
                    "level": level,
                    "cases": all.cases,
                    "top1": all.top1,
                    "top5": all.top5,
                    "mrr": all.mrr,
                    "by_lang": langs,
                    "seconds": seconds,
                });
                if misses {
                    report["misses"] = cases
                        .iter()
                        .zip(&ranks)
                        .filter(|(_, rank)| **rank != Some(1))
                        .map(|(case, rank)| {
                            let got = coder.code(&case.text, case.lang.or(lang), 1);
                            json!({
                                "text": case.text,
                                "rank": rank,
                                "expected": expected_label(taxonomy, &case.expected),
                                "got": got.first(),
                            })
                        })
                        .collect();
                }
                println!("{report}");
                return Ok(());
            } else {
                println!(
                    "{:<10} {:>6} {:>8} {:>8} {:>7}",
                    "set", "cases", "top-1", "top-5", "MRR"
                );
                let row = |name: &str, m: &Metrics| {
                    println!(
                        "{:<10} {:>6} {:>7.1}% {:>7.1}% {:>7.3}",
                        name,
                        m.cases,
                        100.0 * m.top1,
                        100.0 * m.top5,
                        m.mrr
                    );
                };
                row("all", &all);
                for (l, m) in &by_lang {
                    row(l.as_str(), m);
                }
                println!(
                    "{} cases in {:.2} s ({:.0}/s)",
                    cases.len(),
                    seconds,
                    cases.len() as f64 / seconds.max(1e-9)
                );
            }
            if misses {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                for (case, rank) in cases.iter().zip(&ranks) {
                    if *rank == Some(1) {
                        continue;
                    }
                    let got = coder.code(&case.text, case.lang.or(lang), 1);
                    let expected = expected_label(taxonomy, &case.expected);
                    let written = writeln!(
                        out,
                        "miss (rank {}) {:?}\n    got      {}\n    expected {}",
                        rank.map_or("-".to_owned(), |r| r.to_string()),
                        case.text,
                        got.first().map_or("-".to_owned(), |m| format!(
                            "{} {} ({:.2}, {:.0}%)",
                            m.isco_code,
                            m.labels.en,
                            m.score,
                            100.0 * m.confidence
                        )),
                        expected
                    );
                    // A closed pipe (`| head`) ends the output quietly.
                    if written.is_err() {
                        return Ok(());
                    }
                }
                let _ = out.flush();
            }
        }
        TaxonomyCommand::EvalSkills { file, split, json } => {
            let texts = evaluation::parse_annotated(&read(&file)?).map_err(|source| {
                TaxonomyCommandError::Cases {
                    path: file.display().to_string(),
                    source,
                }
            })?;
            let texts: Vec<_> = texts
                .into_iter()
                .filter(|t| split.is_none() || t.split == split)
                .collect();
            let skills = extractor()?;
            let mut rows = vec![("all".to_owned(), evaluation::skill_metrics(&skills, &texts))];
            for l in Lang::ALL {
                let of_lang: Vec<_> = texts.iter().filter(|t| t.lang == l).cloned().collect();
                if !of_lang.is_empty() {
                    rows.push((
                        l.as_str().to_owned(),
                        evaluation::skill_metrics(&skills, &of_lang),
                    ));
                }
            }
            if json {
                let map: serde_json::Map<String, serde_json::Value> =
                    rows.iter().map(|(k, m)| (k.clone(), json!(m))).collect();
                println!("{}", serde_json::Value::Object(map));
            } else {
                println!(
                    "{:<5} {:>6} {:>6} {:>6} {:>10} {:>8} {:>6}",
                    "set", "texts", "gold", "found", "precision", "recall", "F1"
                );
                for (name, m) in &rows {
                    println!(
                        "{:<5} {:>6} {:>6} {:>6} {:>9.1}% {:>7.1}% {:>6.3}",
                        name,
                        m.texts,
                        m.gold,
                        m.found,
                        100.0 * m.precision,
                        100.0 * m.recall,
                        m.f1
                    );
                }
            }
        }
        TaxonomyCommand::EvalIntake {
            file,
            split,
            today,
            json,
            misses,
        } => {
            let cvs = matcher::intake::evaluation::parse(&read(&file)?).map_err(|source| {
                TaxonomyCommandError::Cases {
                    path: file.display().to_string(),
                    source,
                }
            })?;
            let cvs: Vec<_> = cvs
                .into_iter()
                .filter(|t| split.is_none() || t.split == split)
                .collect();
            let skills = extractor()?;
            let intake = matcher::intake::Intake {
                taxonomy: &reference.taxonomy,
                coder: &coder,
                extractor: &skills,
            };
            let mut rows = vec![(
                "all".to_owned(),
                matcher::intake::evaluation::intake_metrics(&intake, &cvs, today),
            )];
            for l in Lang::ALL {
                let of_lang: Vec<_> = cvs.iter().filter(|t| t.lang == l).cloned().collect();
                if !of_lang.is_empty() {
                    rows.push((
                        l.as_str().to_owned(),
                        matcher::intake::evaluation::intake_metrics(&intake, &of_lang, today),
                    ));
                }
            }
            if misses {
                for cv in &cvs {
                    for line in matcher::intake::evaluation::misses(&intake, cv, today) {
                        println!("{}\t{line}", cv.id);
                    }
                }
            }
            if json {
                let map: serde_json::Map<String, serde_json::Value> =
                    rows.iter().map(|(k, m)| (k.clone(), json!(m))).collect();
                println!("{}", serde_json::Value::Object(map));
            } else {
                println!(
                    "{:<5} {:<15} {:>5} {:>5} {:>10} {:>8} {:>6}",
                    "set", "suggestion", "gold", "found", "precision", "recall", "F1"
                );
                for (name, m) in &rows {
                    for (kind, c) in [
                        ("occupations", &m.occupations),
                        ("skills", &m.skills),
                        ("languages", &m.languages),
                        ("language+level", &m.language_levels),
                        ("licences", &m.licences),
                        ("certificates", &m.certificates),
                    ] {
                        println!(
                            "{:<5} {:<15} {:>5} {:>5} {:>9.1}% {:>7.1}% {:>6.3}",
                            name,
                            kind,
                            c.gold,
                            c.found,
                            100.0 * c.precision,
                            100.0 * c.recall,
                            c.f1
                        );
                    }
                    println!(
                        "{:<5} {:<15} {:>5} right within {} years: {}",
                        name,
                        "years",
                        m.years_gold,
                        matcher::intake::evaluation::YEARS_TOLERANCE,
                        m.years_right
                    );
                }
            }
        }
    }
    Ok(())
}

//! `kohtaanto evaluate outcomes`: matching judged by who was hired — the
//! rank each hired person had in the ranking they were introduced from,
//! as hit rates and MRR, and the current scoring configuration next to its
//! predecessor (docs/matching.md).

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use indexer::outcomes::{Evaluation, Figures, GroupFigures};
use matcher::scoring::ScoringConfig;

use super::{print_json, CliError, Context};

#[derive(Subcommand)]
pub enum EvaluateCommand {
    /// Hit rate at 1/5/10/20 and MRR of the hires that came from
    /// introductions, per region and occupation group, and the current
    /// scoring configuration against its predecessor.
    Outcomes(OutcomesArgs),
}

#[derive(Args)]
pub struct OutcomesArgs {
    /// Only hires on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<NaiveDate>,
    /// The configuration hash to take as the current one (default: the
    /// engine's).
    #[arg(long, value_name = "HASH")]
    current: Option<String>,
    /// Print the evaluation as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, what: EvaluateCommand) -> Result<(), CliError> {
    match what {
        EvaluateCommand::Outcomes(args) => outcomes(ctx, args),
    }
}

fn outcomes(ctx: &Context, args: OutcomesArgs) -> Result<(), CliError> {
    let store = ctx.store()?;
    // Names of regions and occupation groups, from the shipped fixtures
    // when the store has none yet.
    let reference =
        indexer::generate::ensure_reference_data(&store, &indexer::sources::fixtures_dir())?;
    let current = args
        .current
        .unwrap_or_else(|| ScoringConfig::default().hash());
    let since = args.since.and_then(|d| d.and_hms_opt(0, 0, 0));
    let evaluation = indexer::outcomes::evaluate(
        &store,
        &reference.taxonomy,
        &reference.geography,
        &current,
        since,
    )?;
    if args.json {
        return print_json(&evaluation);
    }
    print_evaluation(&evaluation);
    Ok(())
}

fn rate(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{:.1} %", 100.0 * v))
}

fn mrr(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.3}"))
}

const HEADER: &str = "   hires  ranked    hit@1    hit@5   hit@10   hit@20    MRR";

fn row(f: &Figures) -> String {
    format!(
        "{:>8}{:>8}{:>9}{:>9}{:>9}{:>9}{:>7}",
        f.hires,
        f.with_ranking,
        rate(f.hit_at_1),
        rate(f.hit_at_5),
        rate(f.hit_at_10),
        rate(f.hit_at_20),
        mrr(f.mrr)
    )
}

fn print_groups(title: &str, groups: &[GroupFigures]) {
    let width = groups
        .iter()
        .map(|g| g.code.len() + g.name.chars().count() + 1)
        .max()
        .unwrap_or(0)
        .max(title.len());
    println!("\n{title:<width$}{HEADER}");
    for g in groups {
        let label = format!("{} {}", g.code, g.name);
        println!("{label:<width$}{}", row(&g.figures));
    }
}

fn short(hash: &str) -> &str {
    &hash[..12.min(hash.len())]
}

fn print_evaluation(e: &Evaluation) {
    let since = e
        .since
        .map_or_else(String::new, |s| format!(" since {}", s.date()));
    if e.overall.hires == 0 {
        println!("no hires from introductions{since}: nothing to evaluate yet");
        return;
    }
    println!(
        "{} hires from introductions{since}: {} with a logged ranking, {} without",
        e.overall.hires, e.overall.with_ranking, e.overall.without_ranking
    );
    println!(
        "rates are over the hires with a ranking; a hired person missing from it counts as a miss"
    );
    println!("\n{:<8}{HEADER}", "all");
    println!("{:<8}{}", "", row(&e.overall));
    print_groups("region", &e.by_region);
    print_groups("occupation", &e.by_occupation_group);
    let c = &e.comparison;
    println!();
    match &c.predecessor {
        None if c.current_since.is_none() => println!(
            "configuration {}: no ranking logged under it, nothing to compare",
            short(&c.current)
        ),
        None => println!(
            "configuration {}: no predecessor in the match log, nothing to compare",
            short(&c.current)
        ),
        Some(_) if c.hires == 0 => println!(
            "configuration {} and its predecessor: no hire's vacancy was ranked under both",
            short(&c.current)
        ),
        Some(before) => {
            println!(
                "{} hires whose vacancy both configurations ranked:",
                c.hires
            );
            println!("{:<22}{HEADER}", "configuration");
            let label = format!("current {}", short(&c.current));
            println!("{label:<22}{}", row(&c.current_figures));
            let label = format!("before  {}", short(before));
            println!("{label:<22}{}", row(&c.predecessor_figures));
        }
    }
}

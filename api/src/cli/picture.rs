//! `kohtaanto picture`: the labour-market picture — open positions,
//! active jobseekers, tightness and mismatch per area and occupation (or
//! industry), and the cross-region potential matrix — as tables, JSON or
//! CSV.

use clap::{Args, Subcommand, ValueEnum};
use matcher::picture::{AreaLevel, CsvTable, Grouping};
use matcher::taxonomy::Lang;

use super::{print_json, CliError, Context};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PictureArgs {
    #[command(subcommand)]
    command: Option<PictureCommand>,
    /// Rows: country, region, sub_region, ely or municipality.
    #[arg(long, default_value = "region")]
    by: AreaLevel,
    /// ISCO-08 level of the occupation columns (1–4).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=4))]
    level: u8,
    /// Columns by TOL 2008 industry instead.
    #[arg(long, value_enum)]
    industry: Option<IndustryLevel>,
    /// Also compute the cross-region potential matrix.
    #[arg(long)]
    potential: bool,
    /// A pair at or above this score is a good match (potential matrix).
    #[arg(long, default_value_t = 0.5)]
    min_score: f64,
    /// Withhold small cells, as the analyst role sees the picture.
    #[arg(long)]
    suppress: bool,
    /// Language of the names: fi, sv or en.
    #[arg(long, default_value = "fi")]
    lang: Lang,
    /// Print one table as CSV: cells, areas, groups or flows.
    #[arg(long)]
    csv: Option<CsvTable>,
    /// Print the whole picture as JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
}

/// What else `picture` does.
#[derive(Subcommand)]
enum PictureCommand {
    /// Store today's snapshot of the picture's tallies (per region open
    /// vacancies, positions, active jobseekers; the mismatch indexes; the
    /// day's placements), replacing an earlier one of today. `serve` does
    /// the same every hour.
    Snapshot {
        /// Print the snapshot as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The TOL 2008 level of industry columns.
#[derive(Clone, Copy, ValueEnum)]
enum IndustryLevel {
    Section,
    Division,
}

pub fn run(ctx: &Context, args: PictureArgs) -> Result<(), CliError> {
    if let Some(PictureCommand::Snapshot { json }) = args.command {
        return snapshot(ctx, json);
    }
    let grouping = match args.industry {
        None => Grouping::Occupation(args.level),
        Some(IndustryLevel::Section) => Grouping::Industry(1),
        Some(IndustryLevel::Division) => Grouping::Industry(2),
    };
    let request = indexer::picture::PictureRequest {
        by: args.by,
        grouping,
        disclosure_control: args.suppress,
        potential: args.potential,
        min_score: args.min_score,
        lang: args.lang,
        now: chrono::Utc::now().naive_utc(),
    };
    let store = ctx.store()?;
    let picture = ctx.engine(&store)?.picture(&request)?;
    if let Some(table) = args.csv {
        print!("{}", picture.to_csv(table));
    } else if args.json {
        print_json(&picture)?;
    } else {
        print_picture(&picture);
    }
    Ok(())
}

/// `kohtaanto picture snapshot`.
fn snapshot(ctx: &Context, json: bool) -> Result<(), CliError> {
    let store = ctx.store()?;
    let taken = ctx
        .engine(&store)?
        .take_snapshot(chrono::Utc::now().naive_utc())?;
    if json {
        return print_json(&taken);
    }
    let t = &taken.tallies;
    let (positions, jobseekers) = t.counts(None);
    let index = |v: Option<f64>| cell(v.map(|v| format!("{v:.3}")));
    println!(
        "snapshot of {} taken: {} regions, {positions} open positions, {jobseekers} active jobseekers, \
         mismatch across cells {}, across regions {}, {} placements today",
        taken.day,
        t.regions.len(),
        index(t.mismatch_across_cells),
        index(t.mismatch_across_areas),
        t.placements
    );
    Ok(())
}

fn cell<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| v.to_string())
}

fn print_rows(rows: &[matcher::picture::Row], group: bool) {
    println!(
        "{:<10} {:<34} {:>9} {:>10} {:>11} {:>10} {:>9}",
        "code", "name", "vacancies", "positions", "jobseekers", "tightness", "days open"
    );
    for r in rows {
        let label = if group {
            r.group.as_ref().unwrap_or(&r.area)
        } else {
            &r.area
        };
        let f = &r.figures;
        let name: String = label.name.chars().take(34).collect();
        println!(
            "{:<10} {:<34} {:>9} {:>10} {:>11} {:>10} {:>9}",
            label.code,
            name,
            cell(f.open_vacancies),
            cell(f.open_positions),
            cell(f.active_jobseekers),
            cell(f.tightness.map(|t| format!("{t:.2}"))),
            cell(f.mean_days_open.map(|d| format!("{d:.1}"))),
        );
    }
}

/// The picture as readable tables.
fn print_picture(p: &matcher::picture::Picture) {
    let f = &p.total;
    println!(
        "Labour-market picture at {} ({} open positions in {} vacancies, {} active jobseekers, tightness {}){}",
        p.as_of.format("%Y-%m-%d %H:%M"),
        cell(f.open_positions),
        cell(f.open_vacancies),
        cell(f.active_jobseekers),
        cell(f.tightness.map(|t| format!("{t:.3}"))),
        if p.disclosure_control {
            "; cells under 5 withheld (–)"
        } else {
            ""
        }
    );
    let m = &p.mismatch;
    let index = |v: Option<f64>| cell(v.map(|v| format!("{v:.3}")));
    println!(
        "Jackman–Roper mismatch: across areas {}, across groups {}, across cells {}
",
        index(m.across_areas),
        index(m.across_groups),
        index(m.across_cells)
    );
    print_rows(&p.areas, false);
    println!();
    print_rows(&p.groups, true);
    if let Some(potential) = &p.potential {
        println!(
            "\nCross-region potential (good match: score ≥ {}): {} positions considered, {} with a good match in their own region, {} only elsewhere ({:.1} s)",
            potential.min_score,
            potential.positions_considered,
            potential.positions_matched_locally,
            potential.positions_matched_only_elsewhere,
            potential.seconds
        );
        println!(
            "{:<8} {:<8} {:>9} {:>10}",
            "from", "to", "vacancies", "positions"
        );
        let mut flows: Vec<&matcher::picture::Flow> = potential
            .flows
            .iter()
            .filter(|f| f.from.code != f.to.code)
            .collect();
        flows.sort_by_key(|f| std::cmp::Reverse(f.open_positions.unwrap_or(0)));
        for f in flows.iter().take(25) {
            println!(
                "{:<8} {:<8} {:>9} {:>10}",
                f.from.code,
                f.to.code,
                cell(f.open_vacancies),
                cell(f.open_positions)
            );
        }
        if flows.len() > 25 {
            println!("… {} more pairs (--csv flows lists all)", flows.len() - 25);
        }
    }
    println!(
        "\n{} cells (--csv cells lists them); {:.2} s",
        p.cells.len(),
        p.seconds
    );
}

//! `kohtaanto cohort`: the workers one employer lays off, as a cohort an
//! employment office owns, and its optimal nationwide assignment.

use std::path::PathBuf;

use clap::Subcommand;
use indexer::store;
use matcher::domain::{OrgId, ProfileId};

use super::{print_json, CliError, Context};

#[derive(Subcommand)]
pub enum CohortCommand {
    /// Create a cohort of profiles on behalf of an employment office.
    Create {
        /// The employment office (organization id) that owns the cohort.
        #[arg(long)]
        org: i64,
        #[arg(long)]
        name: String,
        /// The employer laying off.
        #[arg(long)]
        employer: String,
        /// Profile ids, comma-separated.
        #[arg(long, value_delimiter = ',')]
        profiles: Vec<i64>,
        /// A file of profile ids, one per line.
        #[arg(long)]
        profiles_file: Option<PathBuf>,
        /// Print the new cohort as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Assign a cohort nationwide and print the placements and the regional report.
    Assign {
        id: i64,
        /// The office that owns the cohort.
        #[arg(long)]
        org: i64,
        /// Pairs below this score are not made.
        #[arg(long, default_value_t = 0.5)]
        min_score: f64,
        /// Candidate vacancies per member in the first round.
        #[arg(long, default_value_t = 20)]
        candidates: usize,
        /// mobility, commute, region or nationwide
        #[arg(long, default_value = "mobility")]
        scope: matcher::scoring::Scope,
        /// Print the assignment as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, what: CohortCommand) -> Result<(), CliError> {
    let store = ctx.store()?;
    match what {
        CohortCommand::Create {
            org,
            name,
            employer,
            mut profiles,
            profiles_file,
            json,
        } => {
            if let Some(path) = profiles_file {
                let text = std::fs::read_to_string(&path).map_err(|e| CliError::ReadFile {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                for (n, line) in text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                {
                    profiles.push(line.trim().parse().map_err(|_| CliError::ReadFile {
                        path: path.display().to_string(),
                        reason: format!("line {}: not a profile id", n + 1),
                    })?);
                }
            }
            let ids: Vec<ProfileId> = profiles.into_iter().map(ProfileId).collect();
            let cohort = store
                .write(|c| store::cohorts::create_cohort(c, &name, &employer, OrgId(org), &ids))?;
            if json {
                return print_json(&cohort);
            }
            println!(
                "cohort {} created: {} ({} members)",
                cohort.id,
                cohort.name,
                cohort.members.len()
            );
        }
        CohortCommand::Assign {
            id,
            org,
            min_score,
            candidates,
            scope,
            json,
        } => {
            let cohort = store
                .read(|c| store::cohorts::cohort_of(c, id, OrgId(org)))?
                .ok_or(CliError::Match(indexer::matching::MatchError::NotFound {
                    kind: "cohort",
                    id,
                }))?;
            let members = store.read(|c| store::profiles::get_profiles(c, &cohort.members))?;
            let engine = ctx.engine(&store)?;
            let options = indexer::cohorts::AssignmentOptions {
                min_score,
                candidates,
                alternatives: 3,
                scope,
                now: chrono::Utc::now().naive_utc(),
                lang: matcher::taxonomy::Lang::En,
            };
            let a = engine.assign_cohort(&members, &options)?;
            if json {
                return print_json(&a);
            }
            println!(
                "{} members, {} placed (total score {:.2}; greedy {:.2}), {} round(s), {}, {:.2} s",
                a.members,
                a.placed,
                a.total_score,
                a.greedy_total_score,
                a.rounds,
                if a.certified {
                    "optimal (certified)"
                } else {
                    "not certified"
                },
                a.seconds
            );
            println!(
                "{:<8} {:>8} {:>8} {:>10}  most missing skills",
                "region", "members", "placed", "no match"
            );
            for r in &a.regions {
                let missing: Vec<String> = r
                    .missing_skills
                    .iter()
                    .take(3)
                    .map(|(s, n)| format!("{s} ({n})"))
                    .collect();
                println!(
                    "{:<8} {:>8} {:>8} {:>10}  {}",
                    r.region,
                    r.members,
                    r.placed,
                    r.without_good_match,
                    missing.join(", ")
                );
            }
        }
    }
    Ok(())
}

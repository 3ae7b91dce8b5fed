//! `kohtaanto match`: ranked candidates for a vacancy, or vacancies for a
//! jobseeker, with explanations, from this process's index.

use clap::{Args, Subcommand};
use indexer::store;

use super::{print_json, CliError, Context};

#[derive(Args)]
pub struct MatchArgs {
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// mobility (each jobseeker's own), commute, region or nationwide
    #[arg(long, default_value = "mobility")]
    scope: matcher::scoring::Scope,
    /// Match as a recruitment agency (consented profiles only; public,
    /// shared and own vacancies) instead of as an employment office.
    #[arg(long)]
    agency: Option<i64>,
    /// Print the ranked results with their explanations as JSON.
    #[arg(long)]
    json: bool,
}

impl MatchArgs {
    fn request(&self) -> indexer::matching::MatchRequest {
        indexer::matching::MatchRequest {
            limit: self.limit,
            scope: self.scope,
            now: store::now(),
            org_id: self.agency,
            token_id: None,
            lang: matcher::taxonomy::Lang::En,
        }
    }
}

#[derive(Subcommand)]
pub enum MatchCommand {
    /// Ranked candidates for a stored vacancy.
    Candidates {
        vacancy_id: i64,
        #[command(flatten)]
        args: MatchArgs,
    },
    /// Ranked vacancies for a stored jobseeker profile.
    Vacancies {
        profile_id: i64,
        #[command(flatten)]
        args: MatchArgs,
    },
}

pub fn run(ctx: &Context, what: MatchCommand) -> Result<(), CliError> {
    use matcher::retrieval::{ProfileAccess, VacancyAccess};
    let store = ctx.store()?;
    let engine = ctx.engine(&store)?;
    let (args, result, direction) = match what {
        MatchCommand::Candidates { vacancy_id, args } => {
            let access = match args.agency {
                Some(_) => ProfileAccess::Consented,
                None => ProfileAccess::AllActive,
            };
            let request = args.request();
            let result =
                engine.candidates(matcher::domain::VacancyId(vacancy_id), access, &request)?;
            (args, result, "profile")
        }
        MatchCommand::Vacancies { profile_id, args } => {
            let access = match args.agency {
                Some(org) => VacancyAccess::Agency(matcher::domain::OrgId(org)),
                None => VacancyAccess::All,
            };
            let request = args.request();
            let result =
                engine.vacancies(matcher::domain::ProfileId(profile_id), access, &request)?;
            (args, result, "vacancy")
        }
    };
    if args.json {
        return print_json(&result);
    }
    println!(
        "{} results (request {}, {} retrieved{}, scoring {}…, {})",
        result.results.len(),
        result.request_id,
        result.retrieved,
        if result.exhaustive { ", full scan" } else { "" },
        &result.config_hash[..12.min(result.config_hash.len())],
        result.taxonomy_version
    );
    for (rank, r) in result.results.iter().enumerate() {
        let s = &r.score;
        println!(
            "\n{:>2}. {direction} {}  score {:.3}",
            rank + 1,
            r.id,
            s.total
        );
        println!("    {}", s.mobility.reason);
        if let Some(view) = r.cross_regional.as_ref().filter(|v| v.flagged) {
            println!(
                "    cross-regional: ISCO {} is short in region {} and in surplus in {}",
                view.occupation_group,
                view.vacancy_region,
                view.jobseeker_region
                    .as_deref()
                    .unwrap_or("the jobseeker's country")
            );
        }
        if !s.matched_skills.is_empty() {
            println!("    has: {}", s.matched_skills.join(", "));
        }
        if !s.partial_skills.is_empty() {
            println!("    partly: {}", s.partial_skills.join(", "));
        }
        if !s.missing_essential_skills.is_empty() {
            println!("    lacks: {}", s.missing_essential_skills.join(", "));
        }
        for f in &s.features {
            println!(
                "    {:<12} {:.2} × {:.2} = {:.3}  {}",
                serde_json::to_value(f.feature)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                f.value,
                f.weight,
                f.contribution,
                f.reason
            );
        }
    }
    Ok(())
}

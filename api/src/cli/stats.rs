//! `kohtaanto stats`: counts of what the store holds.

use clap::Args;
use indexer::store;

use super::{print_json, CliError, Context};

#[derive(Args)]
pub struct StatsArgs {
    /// Print the counts as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: StatsArgs) -> Result<(), CliError> {
    let store = ctx.store()?;
    let counts = store.read(store::taxonomy::taxonomy_counts)?;
    let orgs = store.read(store::orgs::count_orgs)?;
    let profiles = store.read(store::profiles::count_profiles)?;
    let vacancies = store.read(store::vacancies::count_vacancies)?;
    let stats = [
        ("occupations", counts.occupations),
        ("skills", counts.skills),
        ("municipalities", counts.municipalities),
        ("regions", counts.regions),
        ("organizations", orgs),
        ("profiles", profiles),
        ("vacancies", vacancies),
    ];
    if args.json {
        let map: serde_json::Map<String, serde_json::Value> = stats
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect();
        return print_json(&map);
    }
    for (k, v) in stats {
        println!("{k:>15}  {v}");
    }
    Ok(())
}

//! `kohtaanto org`: add and list the organizations that use Kohtaanto.

use clap::Subcommand;
use indexer::store;

use super::{print_json, CliError, Context};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Add an organization.
    Add {
        /// employment_office, agency, employer, ministry or operator
        #[arg(long)]
        kind: matcher::domain::OrgKind,
        #[arg(long)]
        name: String,
        /// Finnish business id (Y-tunnus)
        #[arg(long)]
        business_id: Option<String>,
        /// Statistics Finland municipality code
        #[arg(long)]
        municipality: Option<String>,
        /// Print the new organization as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List organizations.
    List {
        /// Print the organizations as a JSON array.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, what: OrgCommand) -> Result<(), CliError> {
    let store = ctx.store()?;
    match what {
        OrgCommand::Add {
            kind,
            name,
            business_id,
            municipality,
            json,
        } => {
            let org = store.write(|c| {
                store::orgs::create_org(
                    c,
                    kind,
                    &name,
                    business_id.as_deref(),
                    municipality.as_deref(),
                )
            })?;
            if json {
                return print_json(&org);
            }
            println!(
                "organization {} created: {} ({})",
                org.id, org.name, org.kind
            );
        }
        OrgCommand::List { json } => {
            let orgs = store.read(store::orgs::list_orgs)?;
            if json {
                return print_json(&orgs);
            }
            for org in orgs {
                println!("{:>5}  {:<18} {}", org.id, org.kind, org.name);
            }
        }
    }
    Ok(())
}

//! Profiles known by an external id — the customer system they come from
//! (`source`) and the customer's id there (`source_id`): many created or
//! updated in one transaction (`kohtaanto import profiles`,
//! `crate::profile_import`), and found again by that id. The rows and
//! children are written by `store::profiles`' helpers.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use matcher::domain::{JobseekerProfile, OrgId, ProfileDraft, ProfileId};

use super::outbox::{self, Entity, Op};
use super::profiles::{
    delete_children, get_profile, get_profiles, insert_children, profile_row, random_pseudonym,
};
use super::rows::ProfileRow;
use super::schema::profiles;
use super::{
    allocate_ids, constraint_error, copy_rows, now, with_bulk_cache, DbConnection, IdTable,
    StoreError, INSERT_CHUNK, IN_CHUNK,
};

/// A profile to import under its external id: the customer system it comes
/// from (`source`) and the customer's id there (`source_id`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalProfile {
    pub source: String,
    pub source_id: String,
    pub draft: ProfileDraft,
}

/// What [`import_profiles`] did, or on a dry run would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileImport {
    /// Profiles created (or to be created).
    pub created: usize,
    /// The ids of the profiles created, in item order; empty unless applied.
    pub created_ids: Vec<ProfileId>,
    /// The ids of the office's profiles updated (or to be updated), in item
    /// order.
    pub updated_ids: Vec<ProfileId>,
    /// Positions of the items whose external id belongs to a profile of
    /// another office. When there is any, nothing is written.
    pub foreign: Vec<usize>,
    /// Whether the profiles were written.
    pub applied: bool,
}

/// A stored profile an import item names by its external id.
struct Imported {
    id: i64,
    managing_org_id: i64,
    version: i64,
    pseudonym: String,
    created_at: chrono::NaiveDateTime,
}

/// Import `items` as profiles managed by `office`, in one transaction: a
/// profile already stored under an item's (source, source_id) is replaced
/// (children rewritten, version + 1), any other item creates a profile
/// under a fresh pseudonym; every change writes its outbox row. An item
/// whose external id belongs to another office's profile refuses the whole
/// import ([`ProfileImport::foreign`]). With `dry_run` nothing is written.
///
/// Every statement handles up to [`INSERT_CHUNK`] or [`IN_CHUNK`] items,
/// so the round trips grow with the chunks, not with the items.
pub fn import_profiles(
    conn: &mut DbConnection,
    office: OrgId,
    items: &[ExternalProfile],
    dry_run: bool,
) -> Result<ProfileImport, StoreError> {
    let mut keys = HashSet::with_capacity(items.len());
    for item in items {
        if item.draft.managing_org != office {
            return Err(StoreError::Invalid(format!(
                "profile {}/{} is not managed by organization {office}",
                item.source, item.source_id
            )));
        }
        if item.source.is_empty() || item.source_id.is_empty() {
            return Err(StoreError::Invalid("an empty source or source_id".into()));
        }
        if !keys.insert((item.source.as_str(), item.source_id.as_str())) {
            return Err(StoreError::Invalid(format!(
                "profile {}/{} is listed twice",
                item.source, item.source_id
            )));
        }
        item.draft
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
    }
    with_bulk_cache(conn, |conn| {
        conn.transaction(|conn| {
            let stored = imported_by_source(conn, items)?;
            let mut out = ProfileImport::default();
            let mut creates = Vec::new();
            let mut updates = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match stored.get(&(item.source.as_str(), item.source_id.as_str())) {
                    Some(p) if p.managing_org_id != office.0 => out.foreign.push(i),
                    Some(p) => updates.push((item, p)),
                    None => creates.push(item),
                }
            }
            out.created = creates.len();
            out.updated_ids = updates.iter().map(|(_, p)| ProfileId(p.id)).collect();
            if dry_run || !out.foreign.is_empty() {
                return Ok(out);
            }
            let at = now();
            out.created_ids = create_imported(conn, &creates, at)?;
            update_imported(conn, &updates, at)?;
            out.applied = true;
            Ok(out)
        })
    })
}

/// The stored profiles named by the items' external ids, by (source,
/// source_id).
fn imported_by_source<'a>(
    conn: &mut DbConnection,
    items: &'a [ExternalProfile],
) -> Result<HashMap<(&'a str, &'a str), Imported>, StoreError> {
    let mut by_source: HashMap<&str, Vec<&str>> = HashMap::new();
    for item in items {
        by_source
            .entry(item.source.as_str())
            .or_default()
            .push(item.source_id.as_str());
    }
    let mut found = HashMap::new();
    for (source, ids) in by_source {
        for chunk in ids.chunks(IN_CHUNK) {
            let rows: Vec<(i64, Option<String>, i64, i64, String, chrono::NaiveDateTime)> =
                profiles::table
                    .filter(profiles::source.eq(source))
                    .filter(profiles::source_id.eq_any(chunk))
                    .select((
                        profiles::id,
                        profiles::source_id,
                        profiles::managing_org_id,
                        profiles::version,
                        profiles::pseudonym,
                        profiles::created_at,
                    ))
                    .load(conn)?;
            let mut rows: HashMap<String, Imported> = rows
                .into_iter()
                .filter_map(
                    |(id, source_id, managing_org_id, version, pseudonym, created_at)| {
                        let imported = Imported {
                            id,
                            managing_org_id,
                            version,
                            pseudonym,
                            created_at,
                        };
                        source_id.map(|s| (s, imported))
                    },
                )
                .collect();
            for &source_id in chunk {
                if let Some(p) = rows.remove(source_id) {
                    found.insert((source, source_id), p);
                }
            }
        }
    }
    Ok(found)
}

/// `n` fresh pseudonyms, none stored yet and no two alike.
fn fresh_pseudonyms(conn: &mut DbConnection, n: usize) -> Result<Vec<String>, StoreError> {
    let mut taken = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut drawn = Vec::with_capacity(n - out.len());
        while drawn.len() < n - out.len() {
            let p = random_pseudonym()?;
            if taken.insert(p.clone()) {
                drawn.push(p);
            }
        }
        for chunk in drawn.chunks(IN_CHUNK) {
            let stored: HashSet<String> = profiles::table
                .filter(profiles::pseudonym.eq_any(chunk))
                .select(profiles::pseudonym)
                .load::<String>(conn)?
                .into_iter()
                .collect();
            out.extend(chunk.iter().filter(|p| !stored.contains(*p)).cloned());
        }
    }
    Ok(out)
}

fn create_imported(
    conn: &mut DbConnection,
    items: &[&ExternalProfile],
    at: chrono::NaiveDateTime,
) -> Result<Vec<ProfileId>, StoreError> {
    let ids = allocate_ids(conn, IdTable::Profiles, items.len())?;
    let pseudonyms = fresh_pseudonyms(conn, items.len())?;
    let rows: Vec<ProfileRow> = items
        .iter()
        .zip(ids.iter().zip(&pseudonyms))
        .map(|(item, (&id, pseudonym))| {
            let external = Some((item.source.as_str(), item.source_id.as_str()));
            profile_row(id, pseudonym, external, &item.draft, 1, (at, at))
        })
        .collect();
    copy_rows!(conn, profiles::table, &rows[..]).map_err(|e| constraint_error(e, "profile"))?;
    let pairs: Vec<(i64, &ProfileDraft)> = ids
        .iter()
        .copied()
        .zip(items.iter().map(|item| &item.draft))
        .collect();
    insert_children(conn, &pairs)?;
    let changes: Vec<_> = ids
        .iter()
        .map(|&id| (Entity::Profile, id, Op::Upsert, 1))
        .collect();
    outbox::append(conn, &changes)?;
    Ok(ids.into_iter().map(ProfileId).collect())
}

/// Replace stored profiles with the items' content: the rows are written
/// with a multi-row `INSERT … ON CONFLICT (id) DO UPDATE` (pseudonym,
/// external id and creation time stay), the children are deleted and
/// written anew.
fn update_imported(
    conn: &mut DbConnection,
    items: &[(&ExternalProfile, &Imported)],
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    use diesel::upsert::excluded;
    let rows: Vec<ProfileRow> = items
        .iter()
        .map(|(item, p)| {
            let external = Some((item.source.as_str(), item.source_id.as_str()));
            let times = (p.created_at, at);
            profile_row(
                p.id,
                &p.pseudonym,
                external,
                &item.draft,
                p.version + 1,
                times,
            )
        })
        .collect();
    // The columns an update sets: all but the id, the pseudonym, the
    // external id and the creation time.
    macro_rules! content {
        () => {
            (
                profiles::managing_org_id.eq(excluded(profiles::managing_org_id)),
                profiles::home_municipality_code.eq(excluded(profiles::home_municipality_code)),
                profiles::abroad_country.eq(excluded(profiles::abroad_country)),
                profiles::max_commute_km.eq(excluded(profiles::max_commute_km)),
                profiles::relocation.eq(excluded(profiles::relocation)),
                profiles::remote_preference.eq(excluded(profiles::remote_preference)),
                profiles::education_level.eq(excluded(profiles::education_level)),
                profiles::education_field.eq(excluded(profiles::education_field)),
                profiles::work_time_preference.eq(excluded(profiles::work_time_preference)),
                profiles::available_from.eq(excluded(profiles::available_from)),
                profiles::consent_agencies.eq(excluded(profiles::consent_agencies)),
                profiles::consent_expires_at.eq(excluded(profiles::consent_expires_at)),
                profiles::status.eq(excluded(profiles::status)),
                profiles::last_active_at.eq(excluded(profiles::last_active_at)),
                profiles::version.eq(excluded(profiles::version)),
                profiles::updated_at.eq(excluded(profiles::updated_at)),
            )
        };
    }
    for chunk in rows.chunks(INSERT_CHUNK) {
        let upsert = diesel::insert_into(profiles::table).values(chunk);
        match conn {
            DbConnection::Pg(c) => upsert
                .on_conflict(profiles::id)
                .do_update()
                .set(content!())
                .execute(c),
            DbConnection::Sqlite(c) => upsert
                .on_conflict(profiles::id)
                .do_update()
                .set(content!())
                .execute(c),
        }
        .map_err(|e| constraint_error(e, "profile"))?;
    }
    // Children are rewritten only for the profiles whose lists changed:
    // reading them is much cheaper than deleting and writing them again,
    // and a nightly export changes few.
    let ids: Vec<ProfileId> = rows.iter().map(|r| ProfileId(r.id)).collect();
    let stored: HashMap<i64, ProfileDraft> = get_profiles(conn, &ids)?
        .into_iter()
        .map(|p| (p.id.0, p.draft))
        .collect();
    let changed: Vec<(i64, &ProfileDraft)> = items
        .iter()
        .filter(|(item, p)| {
            stored
                .get(&p.id)
                .is_none_or(|before| !same_children(before, &item.draft))
        })
        .map(|(item, p)| (p.id, &item.draft))
        .collect();
    let changed_ids: Vec<i64> = changed.iter().map(|(id, _)| *id).collect();
    for chunk in changed_ids.chunks(IN_CHUNK) {
        delete_children(conn, chunk)?;
    }
    insert_children(conn, &changed)?;
    let changes: Vec<_> = rows
        .iter()
        .map(|r| (Entity::Profile, r.id, Op::Upsert, r.version))
        .collect();
    outbox::append(conn, &changes)?;
    Ok(())
}

/// Whether `new` has the child rows `stored` (as [`get_profiles`] read
/// them) has: contact details, skills and work history in order, the other
/// lists as sets (they are read back sorted).
fn same_children(stored: &ProfileDraft, new: &ProfileDraft) -> bool {
    fn sorted<T: Clone + Ord>(items: &[T]) -> Vec<T> {
        let mut items = items.to_vec();
        items.sort();
        items
    }
    let languages = |d: &ProfileDraft| {
        let mut l: Vec<(String, &'static str)> = d
            .languages
            .iter()
            .map(|l| (l.language.clone(), l.level.as_str()))
            .collect();
        l.sort();
        l
    };
    stored.contact == new.contact
        && stored.skills == new.skills
        && stored.work_history == new.work_history
        && sorted(&stored.desired_occupations) == sorted(&new.desired_occupations)
        && languages(stored) == languages(new)
        && sorted(&stored.licences) == sorted(&new.licences)
        && sorted(&stored.certificates) == sorted(&new.certificates)
        && sorted(&stored.relocation_regions) == sorted(&new.relocation_regions)
}

/// The profile imported from `source` under `source_id`, if stored.
pub fn find_profile_by_source(
    conn: &mut DbConnection,
    source: &str,
    source_id: &str,
) -> Result<Option<JobseekerProfile>, StoreError> {
    let id: Option<i64> = profiles::table
        .filter(profiles::source.eq(source))
        .filter(profiles::source_id.eq(source_id))
        .select(profiles::id)
        .first(conn)
        .optional()?;
    match id {
        Some(id) => get_profile(conn, ProfileId(id)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use matcher::domain::{LanguageLevel, LanguageSkill, SkillRef};

    #[test]
    fn children_compare_as_they_are_stored() {
        let mut stored = ProfileDraft::with_defaults(OrgId(1), now());
        stored.licences = vec!["B".into(), "CE".into()];
        stored.languages = vec![
            LanguageSkill {
                language: "fi".into(),
                level: LanguageLevel::Native,
            },
            LanguageSkill {
                language: "sv".into(),
                level: LanguageLevel::B1,
            },
        ];
        let skill = |label: &str| SkillRef {
            uri: None,
            label: label.into(),
        };
        stored.skills = vec![skill("SAP"), skill("Excel")];
        let mut new = stored.clone();
        new.licences.reverse();
        new.languages.reverse();
        new.max_commute_km = 80;
        assert!(
            same_children(&stored, &new),
            "sets in another order, a field of the row"
        );
        new.skills.reverse();
        assert!(!same_children(&stored, &new), "skills keep their order");
        let mut new = stored.clone();
        new.languages[1].level = LanguageLevel::B2;
        assert!(!same_children(&stored, &new));
        let mut new = stored.clone();
        new.contact.email = Some("a@example.fi".into());
        assert!(!same_children(&stored, &new));
    }
}

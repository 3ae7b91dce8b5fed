//! Jobseeker profiles: create, read, update, delete. Contact details live in
//! their own table, apart from the matching fields; every change writes its
//! outbox row in the same transaction.

use std::collections::HashMap;

use diesel::prelude::*;
use matcher::domain::{
    ContactDetails, JobseekerProfile, LanguageSkill, OrgId, ProfileDraft, ProfileId, SkillRef,
    WorkExperience,
};

use super::outbox::{self, Entity, Op};
use super::rows::*;
use super::schema::*;
use super::{
    allocate_ids, constraint_error, copy_rows, now, parse_db, with_bulk_cache, DbConnection,
    IdTable, StoreError, IN_CHUNK,
};

/// A fresh random pseudonym, e.g. `JS-3F9A0C51D2E7`: the only id of a
/// jobseeker that leaves the employment office.
pub fn random_pseudonym() -> Result<String, StoreError> {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Invalid(format!("no randomness: {e}")))?;
    Ok(format!("JS-{}", hex::encode_upper(bytes)))
}

/// Whether a profile with this pseudonym is stored.
pub fn pseudonym_exists(conn: &mut DbConnection, pseudonym: &str) -> Result<bool, StoreError> {
    let found: Option<i64> = profiles::table
        .filter(profiles::pseudonym.eq(pseudonym))
        .select(profiles::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Store a new profile under a random pseudonym.
pub fn create_profile(
    conn: &mut DbConnection,
    draft: &ProfileDraft,
) -> Result<JobseekerProfile, StoreError> {
    let pseudonym = random_pseudonym()?;
    let ids = create_profiles(conn, &[(pseudonym, draft.clone())])?;
    let id = ids
        .first()
        .copied()
        .ok_or_else(|| StoreError::Invalid("no profile created".into()))?;
    get_profile(conn, id)?.ok_or(StoreError::NotFound {
        kind: "profile",
        id: id.to_string(),
    })
}

/// Store many new profiles, each with the pseudonym given, in one transaction.
pub fn create_profiles(
    conn: &mut DbConnection,
    items: &[(String, ProfileDraft)],
) -> Result<Vec<ProfileId>, StoreError> {
    for (_, draft) in items {
        draft
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
    }
    with_bulk_cache(conn, |conn| {
        conn.transaction(|conn| {
            let ids = allocate_ids(conn, IdTable::Profiles, items.len())?;
            let at = now();
            let rows: Vec<ProfileRow> = ids
                .iter()
                .zip(items)
                .map(|(&id, (pseudonym, d))| profile_row(id, pseudonym, None, d, 1, (at, at)))
                .collect();
            copy_rows!(conn, profiles::table, &rows[..])
                .map_err(|e| constraint_error(e, "profile"))?;
            let pairs: Vec<(i64, &ProfileDraft)> = ids
                .iter()
                .copied()
                .zip(items.iter().map(|(_, d)| d))
                .collect();
            insert_children(conn, &pairs)?;
            let changes: Vec<_> = ids
                .iter()
                .map(|&id| (Entity::Profile, id, Op::Upsert, 1))
                .collect();
            outbox::append(conn, &changes)?;
            Ok(ids.into_iter().map(ProfileId).collect())
        })
    })
}

/// Replace a profile's content; the pseudonym stays.
pub fn update_profile(
    conn: &mut DbConnection,
    id: ProfileId,
    draft: &ProfileDraft,
    expected_version: Option<i64>,
) -> Result<JobseekerProfile, StoreError> {
    draft
        .validate()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    conn.transaction(|conn| {
        let current: Option<(String, i64, chrono::NaiveDateTime)> = profiles::table
            .find(id.0)
            .select((profiles::pseudonym, profiles::version, profiles::created_at))
            .first(conn)
            .optional()?;
        let Some((pseudonym, version, created_at)) = current else {
            return Err(StoreError::NotFound {
                kind: "profile",
                id: id.to_string(),
            });
        };
        if let Some(expected) = expected_version.filter(|&v| v != version) {
            return Err(StoreError::Conflict(format!(
                "profile {id} is at version {version}, not {expected}"
            )));
        }
        // The external id of an imported profile is not part of its content
        // and stays as it is (the update below does not set it).
        let row = profile_row(
            id.0,
            &pseudonym,
            None,
            draft,
            version + 1,
            (created_at, now()),
        );
        diesel::update(profiles::table.find(id.0))
            .set((
                profiles::managing_org_id.eq(row.managing_org_id),
                profiles::home_municipality_code.eq(&row.home_municipality_code),
                profiles::abroad_country.eq(&row.abroad_country),
                profiles::max_commute_km.eq(row.max_commute_km),
                profiles::relocation.eq(&row.relocation),
                profiles::remote_preference.eq(&row.remote_preference),
                profiles::education_level.eq(row.education_level),
                profiles::education_field.eq(&row.education_field),
                profiles::work_time_preference.eq(&row.work_time_preference),
                profiles::available_from.eq(row.available_from),
                profiles::consent_agencies.eq(row.consent_agencies),
                profiles::consent_expires_at.eq(row.consent_expires_at),
                profiles::status.eq(&row.status),
                profiles::last_active_at.eq(row.last_active_at),
                profiles::version.eq(row.version),
                profiles::updated_at.eq(row.updated_at),
            ))
            .execute(conn)
            .map_err(|e| constraint_error(e, "profile"))?;
        delete_children(conn, &[id.0])?;
        insert_children(conn, &[(id.0, draft)])?;
        outbox::append(conn, &[(Entity::Profile, id.0, Op::Upsert, row.version)])?;
        get_profile(conn, id)?.ok_or(StoreError::NotFound {
            kind: "profile",
            id: id.to_string(),
        })
    })
}

/// Erase a profile: the row, its contact details, every child row, its
/// cohort memberships and introductions (DESIGN.md invariant 4).
pub fn delete_profile(conn: &mut DbConnection, id: ProfileId) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        let version: Option<i64> = profiles::table
            .find(id.0)
            .select(profiles::version)
            .first(conn)
            .optional()?;
        let Some(version) = version else {
            return Err(StoreError::NotFound {
                kind: "profile",
                id: id.to_string(),
            });
        };
        delete_children(conn, &[id.0])?;
        diesel::delete(profile_contacts::table.filter(profile_contacts::profile_id.eq(id.0)))
            .execute(conn)?;
        diesel::delete(cohort_members::table.filter(cohort_members::profile_id.eq(id.0)))
            .execute(conn)?;
        diesel::delete(introductions::table.filter(introductions::profile_id.eq(id.0)))
            .execute(conn)?;
        diesel::delete(profiles::table.find(id.0)).execute(conn)?;
        outbox::append(conn, &[(Entity::Profile, id.0, Op::Delete, version + 1)])?;
        Ok(())
    })
}

pub fn get_profile(
    conn: &mut DbConnection,
    id: ProfileId,
) -> Result<Option<JobseekerProfile>, StoreError> {
    Ok(get_profiles(conn, &[id])?.into_iter().next())
}

pub fn count_profiles(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(profiles::table.count().get_result(conn)?)
}

/// Profile ids after `after`, ascending, for paging through the whole table.
pub fn profile_ids_after(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<ProfileId>, StoreError> {
    let ids: Vec<i64> = profiles::table
        .filter(profiles::id.gt(after))
        .order(profiles::id.asc())
        .limit(limit)
        .select(profiles::id)
        .load(conn)?;
    Ok(ids.into_iter().map(ProfileId).collect())
}

/// (id, pseudonym) of the profiles with these ids that exist.
pub fn pseudonyms(
    conn: &mut DbConnection,
    ids: &[ProfileId],
) -> Result<Vec<(ProfileId, String)>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(super::IN_CHUNK) {
        let raw: Vec<i64> = chunk.iter().map(|p| p.0).collect();
        let rows: Vec<(i64, String)> = profiles::table
            .filter(profiles::id.eq_any(&raw))
            .select((profiles::id, profiles::pseudonym))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(id, p)| (ProfileId(id), p)));
    }
    Ok(out)
}

/// The profiles with these ids that exist, ascending by id, complete.
pub fn get_profiles(
    conn: &mut DbConnection,
    ids: &[ProfileId],
) -> Result<Vec<JobseekerProfile>, StoreError> {
    let mut sorted: Vec<i64> = ids.iter().map(|id| id.0).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = Vec::with_capacity(sorted.len());
    for chunk in sorted.chunks(IN_CHUNK) {
        let rows: Vec<ProfileRow> = profiles::table
            .filter(profiles::id.eq_any(chunk))
            .order(profiles::id.asc())
            .select(ProfileRow::as_select())
            .load(conn)?;
        let mut contacts: HashMap<i64, ProfileContactRow> = profile_contacts::table
            .filter(profile_contacts::profile_id.eq_any(chunk))
            .select(ProfileContactRow::as_select())
            .load(conn)?
            .into_iter()
            .map(|r| (r.profile_id, r))
            .collect();
        let mut skills: HashMap<i64, Vec<ProfileSkillRow>> = HashMap::new();
        for r in profile_skills::table
            .filter(profile_skills::profile_id.eq_any(chunk))
            .order((
                profile_skills::profile_id.asc(),
                profile_skills::position.asc(),
            ))
            .select(ProfileSkillRow::as_select())
            .load(conn)?
        {
            skills.entry(r.profile_id).or_default().push(r);
        }
        let mut desired: HashMap<i64, Vec<String>> = HashMap::new();
        for r in profile_desired_occupations::table
            .filter(profile_desired_occupations::profile_id.eq_any(chunk))
            .order((
                profile_desired_occupations::profile_id.asc(),
                profile_desired_occupations::occupation_uri.asc(),
            ))
            .select(ProfileDesiredOccupationRow::as_select())
            .load(conn)?
        {
            desired
                .entry(r.profile_id)
                .or_default()
                .push(r.occupation_uri);
        }
        let mut work: HashMap<i64, Vec<ProfileWorkRow>> = HashMap::new();
        for r in profile_work_history::table
            .filter(profile_work_history::profile_id.eq_any(chunk))
            .order((
                profile_work_history::profile_id.asc(),
                profile_work_history::position.asc(),
            ))
            .select(ProfileWorkRow::as_select())
            .load(conn)?
        {
            work.entry(r.profile_id).or_default().push(r);
        }
        let mut languages: HashMap<i64, Vec<ProfileLanguageRow>> = HashMap::new();
        for r in profile_languages::table
            .filter(profile_languages::profile_id.eq_any(chunk))
            .order((
                profile_languages::profile_id.asc(),
                profile_languages::language.asc(),
            ))
            .select(ProfileLanguageRow::as_select())
            .load(conn)?
        {
            languages.entry(r.profile_id).or_default().push(r);
        }
        let mut licences: HashMap<i64, Vec<String>> = HashMap::new();
        for r in profile_licences::table
            .filter(profile_licences::profile_id.eq_any(chunk))
            .order((
                profile_licences::profile_id.asc(),
                profile_licences::licence.asc(),
            ))
            .select(ProfileLicenceRow::as_select())
            .load(conn)?
        {
            licences.entry(r.profile_id).or_default().push(r.licence);
        }
        let mut certificates: HashMap<i64, Vec<String>> = HashMap::new();
        for r in profile_certificates::table
            .filter(profile_certificates::profile_id.eq_any(chunk))
            .order((
                profile_certificates::profile_id.asc(),
                profile_certificates::certificate.asc(),
            ))
            .select(ProfileCertificateRow::as_select())
            .load(conn)?
        {
            certificates
                .entry(r.profile_id)
                .or_default()
                .push(r.certificate);
        }
        let mut regions: HashMap<i64, Vec<String>> = HashMap::new();
        for r in profile_relocation_regions::table
            .filter(profile_relocation_regions::profile_id.eq_any(chunk))
            .order((
                profile_relocation_regions::profile_id.asc(),
                profile_relocation_regions::region_code.asc(),
            ))
            .select(ProfileRegionRow::as_select())
            .load(conn)?
        {
            regions.entry(r.profile_id).or_default().push(r.region_code);
        }
        for row in rows {
            let id = row.id;
            let contact = contacts.remove(&id).map(|c| ContactDetails {
                full_name: c.full_name,
                email: c.email,
                phone: c.phone,
                notes: c.notes,
            });
            let languages = languages
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|l| {
                    Ok(LanguageSkill {
                        level: parse_db(&l.level)?,
                        language: l.language,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            let draft = ProfileDraft {
                relocation: parse_db(&row.relocation)?,
                remote_preference: parse_db(&row.remote_preference)?,
                work_time_preference: parse_db(&row.work_time_preference)?,
                status: parse_db(&row.status)?,
                managing_org: OrgId(row.managing_org_id),
                contact: contact.unwrap_or_default(),
                home_municipality_code: row.home_municipality_code,
                abroad_country: row.abroad_country,
                max_commute_km: row.max_commute_km,
                relocation_regions: regions.remove(&id).unwrap_or_default(),
                desired_occupations: desired.remove(&id).unwrap_or_default(),
                work_history: work
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|w| WorkExperience {
                        occupation_uri: w.occupation_uri,
                        title: w.title,
                        years: w.years,
                    })
                    .collect(),
                skills: skills
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| SkillRef {
                        uri: s.skill_uri,
                        label: s.label,
                    })
                    .collect(),
                education_level: row.education_level,
                education_field: row.education_field,
                languages,
                licences: licences.remove(&id).unwrap_or_default(),
                certificates: certificates.remove(&id).unwrap_or_default(),
                available_from: row.available_from,
                consent_agencies: row.consent_agencies,
                consent_expires_at: row.consent_expires_at,
                last_active_at: row.last_active_at,
            };
            out.push(JobseekerProfile {
                id: ProfileId(id),
                pseudonym: row.pseudonym,
                version: row.version,
                created_at: row.created_at,
                updated_at: row.updated_at,
                source: row.source,
                source_id: row.source_id,
                draft,
            });
        }
    }
    Ok(out)
}

/// The row of profile `id`; `external` is the (source, source_id) of an
/// imported profile.
pub(super) fn profile_row(
    id: i64,
    pseudonym: &str,
    external: Option<(&str, &str)>,
    d: &ProfileDraft,
    version: i64,
    (created_at, updated_at): (chrono::NaiveDateTime, chrono::NaiveDateTime),
) -> ProfileRow {
    ProfileRow {
        id,
        pseudonym: pseudonym.to_owned(),
        source: external.map(|(source, _)| source.to_owned()),
        source_id: external.map(|(_, id)| id.to_owned()),
        managing_org_id: d.managing_org.0,
        home_municipality_code: d.home_municipality_code.clone(),
        abroad_country: d.abroad_country.clone(),
        max_commute_km: d.max_commute_km,
        relocation: d.relocation.as_str().to_owned(),
        remote_preference: d.remote_preference.as_str().to_owned(),
        education_level: d.education_level,
        education_field: d.education_field.clone(),
        work_time_preference: d.work_time_preference.as_str().to_owned(),
        available_from: d.available_from,
        consent_agencies: d.consent_agencies,
        consent_expires_at: d.consent_expires_at,
        status: d.status.as_str().to_owned(),
        last_active_at: d.last_active_at,
        version,
        created_at,
        updated_at,
    }
}

pub(super) fn insert_children(
    conn: &mut DbConnection,
    items: &[(i64, &ProfileDraft)],
) -> Result<(), StoreError> {
    let mut contacts = Vec::with_capacity(items.len());
    let mut skills = Vec::new();
    let mut desired = Vec::new();
    let mut work = Vec::new();
    let mut languages = Vec::new();
    let mut licences = Vec::new();
    let mut certificates = Vec::new();
    let mut regions = Vec::new();
    for &(id, d) in items {
        contacts.push(ProfileContactRow {
            profile_id: id,
            full_name: d.contact.full_name.clone(),
            email: d.contact.email.clone(),
            phone: d.contact.phone.clone(),
            notes: d.contact.notes.clone(),
        });
        for (position, s) in d.skills.iter().enumerate() {
            skills.push(ProfileSkillRow {
                profile_id: id,
                position: position as i32,
                skill_uri: s.uri.clone(),
                label: s.label.clone(),
            });
        }
        for uri in &d.desired_occupations {
            desired.push(ProfileDesiredOccupationRow {
                profile_id: id,
                occupation_uri: uri.clone(),
            });
        }
        for (position, w) in d.work_history.iter().enumerate() {
            work.push(ProfileWorkRow {
                profile_id: id,
                position: position as i32,
                occupation_uri: w.occupation_uri.clone(),
                title: w.title.clone(),
                years: w.years,
            });
        }
        for l in &d.languages {
            languages.push(ProfileLanguageRow {
                profile_id: id,
                language: l.language.clone(),
                level: l.level.as_str().to_owned(),
            });
        }
        for l in &d.licences {
            licences.push(ProfileLicenceRow {
                profile_id: id,
                licence: l.clone(),
            });
        }
        for c in &d.certificates {
            certificates.push(ProfileCertificateRow {
                profile_id: id,
                certificate: c.clone(),
            });
        }
        for r in &d.relocation_regions {
            regions.push(ProfileRegionRow {
                profile_id: id,
                region_code: r.clone(),
            });
        }
    }
    copy_rows!(conn, profile_contacts::table, &contacts[..])?;
    copy_rows!(conn, profile_skills::table, &skills[..])?;
    copy_rows!(conn, profile_desired_occupations::table, &desired[..])?;
    copy_rows!(conn, profile_work_history::table, &work[..])?;
    copy_rows!(conn, profile_languages::table, &languages[..])?;
    copy_rows!(conn, profile_licences::table, &licences[..])?;
    copy_rows!(conn, profile_certificates::table, &certificates[..])?;
    copy_rows!(conn, profile_relocation_regions::table, &regions[..])?;
    Ok(())
}

pub(super) fn delete_children(conn: &mut DbConnection, ids: &[i64]) -> Result<(), StoreError> {
    diesel::delete(profile_skills::table.filter(profile_skills::profile_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(
        profile_desired_occupations::table
            .filter(profile_desired_occupations::profile_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::delete(
        profile_work_history::table.filter(profile_work_history::profile_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::delete(profile_languages::table.filter(profile_languages::profile_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(profile_licences::table.filter(profile_licences::profile_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(
        profile_certificates::table.filter(profile_certificates::profile_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::delete(
        profile_relocation_regions::table
            .filter(profile_relocation_regions::profile_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::delete(profile_contacts::table.filter(profile_contacts::profile_id.eq_any(ids)))
        .execute(conn)?;
    Ok(())
}

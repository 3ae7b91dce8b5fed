//! Vacancies: create, read, update, delete. Every change writes its outbox
//! row in the same transaction.

use std::collections::HashMap;

use diesel::prelude::*;
use matcher::domain::{
    LanguageSkill, OrgId, Requirement, SkillRef, Vacancy, VacancyDraft, VacancyId, VacancySkill,
};

use super::outbox::{self, Entity, Op};
use super::rows::*;
use super::schema::*;
use super::{
    allocate_ids, constraint_error, insert_rows, now, parse_db, DbConnection, IdTable, StoreError,
    INSERT_CHUNK, IN_CHUNK,
};

fn invalid(e: matcher::domain::ValidationError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Store a new vacancy.
pub fn create_vacancy(
    conn: &mut DbConnection,
    draft: &VacancyDraft,
) -> Result<Vacancy, StoreError> {
    let ids = create_vacancies(conn, std::slice::from_ref(draft))?;
    let id = ids
        .first()
        .copied()
        .ok_or_else(|| StoreError::Invalid("no vacancy created".into()))?;
    get_vacancy(conn, id)?.ok_or(StoreError::NotFound {
        kind: "vacancy",
        id: id.to_string(),
    })
}

/// Store many new vacancies in one transaction (bulk loads and feeds).
pub fn create_vacancies(
    conn: &mut DbConnection,
    drafts: &[VacancyDraft],
) -> Result<Vec<VacancyId>, StoreError> {
    for draft in drafts {
        draft.validate().map_err(invalid)?;
    }
    conn.transaction(|conn| {
        let ids = allocate_ids(conn, IdTable::Vacancies, drafts.len())?;
        let at = now();
        let rows: Vec<VacancyRow> = ids
            .iter()
            .zip(drafts)
            .map(|(&id, d)| vacancy_row(id, d, 1, at, at))
            .collect();
        for chunk in rows.chunks(INSERT_CHUNK / 2) {
            insert_rows!(conn, vacancies::table, chunk)
                .map_err(|e| constraint_error(e, "vacancy"))?;
        }
        let pairs: Vec<(i64, &VacancyDraft)> = ids.iter().copied().zip(drafts).collect();
        insert_children(conn, &pairs)?;
        let changes: Vec<_> = ids
            .iter()
            .map(|&id| (Entity::Vacancy, id, Op::Upsert, 1))
            .collect();
        outbox::append(conn, &changes)?;
        Ok(ids.into_iter().map(VacancyId).collect())
    })
}

/// Replace a vacancy's content. With `expected_version`, fail with a conflict
/// if someone else changed it first.
pub fn update_vacancy(
    conn: &mut DbConnection,
    id: VacancyId,
    draft: &VacancyDraft,
    expected_version: Option<i64>,
) -> Result<Vacancy, StoreError> {
    draft.validate().map_err(invalid)?;
    conn.transaction(|conn| {
        let current: Option<(i64, chrono::NaiveDateTime)> = vacancies::table
            .find(id.0)
            .select((vacancies::version, vacancies::created_at))
            .first(conn)
            .optional()?;
        let Some((version, created_at)) = current else {
            return Err(StoreError::NotFound {
                kind: "vacancy",
                id: id.to_string(),
            });
        };
        if expected_version.is_some_and(|v| v != version) {
            return Err(StoreError::Conflict(format!(
                "vacancy {id} is at version {version}, not {}",
                expected_version.unwrap_or_default()
            )));
        }
        let row = vacancy_row(id.0, draft, version + 1, created_at, now());
        diesel::update(vacancies::table.find(id.0))
            .set((
                vacancies::source.eq(&row.source),
                vacancies::source_id.eq(&row.source_id),
                vacancies::owner_org_id.eq(row.owner_org_id),
                vacancies::title.eq(&row.title),
                vacancies::description.eq(&row.description),
                vacancies::ad_language.eq(&row.ad_language),
                vacancies::employer_name.eq(&row.employer_name),
                vacancies::occupation_uri.eq(&row.occupation_uri),
                vacancies::isco_code.eq(&row.isco_code),
                vacancies::industry_code.eq(&row.industry_code),
                vacancies::municipality_code.eq(&row.municipality_code),
                vacancies::lat.eq(row.lat),
                vacancies::lon.eq(row.lon),
                vacancies::remote.eq(&row.remote),
                vacancies::work_time.eq(&row.work_time),
                vacancies::contract_type.eq(&row.contract_type),
                vacancies::positions.eq(row.positions),
                vacancies::salary_min_eur.eq(row.salary_min_eur),
                vacancies::salary_max_eur.eq(row.salary_max_eur),
                vacancies::start_date.eq(row.start_date),
                vacancies::expires_at.eq(row.expires_at),
                vacancies::visibility.eq(&row.visibility),
                vacancies::status.eq(&row.status),
                vacancies::version.eq(row.version),
                vacancies::updated_at.eq(row.updated_at),
                vacancies::fingerprint.eq(&row.fingerprint),
            ))
            .execute(conn)
            .map_err(|e| constraint_error(e, "vacancy"))?;
        delete_children(conn, &[id.0])?;
        insert_children(conn, &[(id.0, draft)])?;
        outbox::append(conn, &[(Entity::Vacancy, id.0, Op::Upsert, row.version)])?;
        get_vacancy(conn, id)?.ok_or(StoreError::NotFound {
            kind: "vacancy",
            id: id.to_string(),
        })
    })
}

/// Delete a vacancy and everything hanging off it.
pub fn delete_vacancy(conn: &mut DbConnection, id: VacancyId) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        let version: Option<i64> = vacancies::table
            .find(id.0)
            .select(vacancies::version)
            .first(conn)
            .optional()?;
        let Some(version) = version else {
            return Err(StoreError::NotFound {
                kind: "vacancy",
                id: id.to_string(),
            });
        };
        delete_children(conn, &[id.0])?;
        diesel::delete(introductions::table.filter(introductions::vacancy_id.eq(id.0)))
            .execute(conn)?;
        diesel::delete(vacancies::table.find(id.0)).execute(conn)?;
        outbox::append(conn, &[(Entity::Vacancy, id.0, Op::Delete, version + 1)])?;
        Ok(())
    })
}

/// One vacancy, if it exists.
pub fn get_vacancy(conn: &mut DbConnection, id: VacancyId) -> Result<Option<Vacancy>, StoreError> {
    Ok(get_vacancies(conn, &[id])?.into_iter().next())
}

/// The vacancy a source published under `source_id`, if stored.
pub fn find_vacancy_by_source(
    conn: &mut DbConnection,
    source: &str,
    source_id: &str,
) -> Result<Option<Vacancy>, StoreError> {
    let id: Option<i64> = vacancies::table
        .filter(
            vacancies::source
                .eq(source)
                .and(vacancies::source_id.eq(source_id)),
        )
        .select(vacancies::id)
        .first(conn)
        .optional()?;
    match id {
        Some(id) => get_vacancy(conn, VacancyId(id)),
        None => Ok(None),
    }
}

/// The cross-source duplicate key of a vacancy: its employer name, title and
/// municipality code, each lower-cased with the diacritics of Finnish and
/// Swedish folded and every run of punctuation and whitespace collapsed to one
/// space, joined by `|`. Two sources publishing the same ad give the same key
/// even when one writes "Sairaanhoitaja, sisätautien osasto" and the other
/// "SAIRAANHOITAJA – Sisätautien osasto".
///
/// A vacancy without an employer name still gets a key (with an empty first
/// part) so that every stored row has one, but such keys are too weak to
/// call two ads the same: callers only look up keys of vacancies that name
/// their employer.
pub fn fingerprint(draft: &VacancyDraft) -> String {
    fingerprint_of(
        draft.employer_name.as_deref(),
        &draft.title,
        draft.municipality_code.as_deref(),
    )
}

fn fingerprint_of(employer: Option<&str>, title: &str, municipality_code: Option<&str>) -> String {
    fn fold(text: &str) -> String {
        let folded: String = matcher::geography::fold_name(text)
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    }
    format!(
        "{}|{}|{}",
        fold(employer.unwrap_or_default()),
        fold(title),
        municipality_code.unwrap_or_default().trim()
    )
}

/// A live vacancy (open, not past its expiry) with this [`fingerprint`]
/// published by a source other than `exclude_source`; the lowest id when
/// there are several.
pub fn find_live_vacancy_by_fingerprint(
    conn: &mut DbConnection,
    fingerprint: &str,
    exclude_source: &str,
) -> Result<Option<Vacancy>, StoreError> {
    let id: Option<i64> = vacancies::table
        .filter(vacancies::fingerprint.eq(fingerprint))
        .filter(vacancies::source.ne(exclude_source))
        .filter(vacancies::status.eq(matcher::domain::VacancyStatus::Open.as_str()))
        .filter(
            vacancies::expires_at
                .is_null()
                .or(vacancies::expires_at.gt(now())),
        )
        .order(vacancies::id.asc())
        .select(vacancies::id)
        .first(conn)
        .optional()?;
    match id {
        Some(id) => get_vacancy(conn, VacancyId(id)),
        None => Ok(None),
    }
}

/// Computes the fingerprint of rows stored before the fingerprint column
/// existed; returns how many rows it filled in. The fingerprint is derived
/// data that nothing indexes, so this bumps no version and writes no outbox
/// row.
pub fn backfill_fingerprints(conn: &mut DbConnection) -> Result<usize, StoreError> {
    const BATCH: i64 = 1_000;
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, Option<String>, String, Option<String>)> = vacancies::table
            .filter(vacancies::fingerprint.is_null())
            .order(vacancies::id.asc())
            .limit(BATCH)
            .select((
                vacancies::id,
                vacancies::employer_name,
                vacancies::title,
                vacancies::municipality_code,
            ))
            .load(conn)?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for (id, employer, title, municipality) in rows {
            let key = fingerprint_of(employer.as_deref(), &title, municipality.as_deref());
            diesel::update(vacancies::table.find(id))
                .set(vacancies::fingerprint.eq(key))
                .execute(conn)?;
            filled += 1;
        }
    }
}

/// Vacancy ids after `after`, ascending, for paging through the whole table.
pub fn vacancy_ids_after(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<VacancyId>, StoreError> {
    let ids: Vec<i64> = vacancies::table
        .filter(vacancies::id.gt(after))
        .order(vacancies::id.asc())
        .limit(limit)
        .select(vacancies::id)
        .load(conn)?;
    Ok(ids.into_iter().map(VacancyId).collect())
}

pub fn count_vacancies(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(vacancies::table.count().get_result(conn)?)
}

/// The newest `limit` vacancies `org` owns, every status, newest first.
pub fn vacancies_of_org(
    conn: &mut DbConnection,
    org: OrgId,
    limit: i64,
) -> Result<Vec<Vacancy>, StoreError> {
    let ids: Vec<VacancyId> = vacancies::table
        .filter(vacancies::owner_org_id.eq(org.0))
        .order(vacancies::id.desc())
        .limit(limit)
        .select(vacancies::id)
        .load::<i64>(conn)?
        .into_iter()
        .map(VacancyId)
        .collect();
    let mut found = get_vacancies(conn, &ids)?;
    found.sort_by_key(|v| std::cmp::Reverse(v.id.0));
    Ok(found)
}

/// The vacancies with these ids that exist, in ascending id order, each with
/// its skills, languages, licences, certificates and shares.
pub fn get_vacancies(
    conn: &mut DbConnection,
    ids: &[VacancyId],
) -> Result<Vec<Vacancy>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    let mut sorted: Vec<i64> = ids.iter().map(|id| id.0).collect();
    sorted.sort_unstable();
    sorted.dedup();
    for chunk in sorted.chunks(IN_CHUNK) {
        let rows: Vec<VacancyRow> = vacancies::table
            .filter(vacancies::id.eq_any(chunk))
            .order(vacancies::id.asc())
            .select(VacancyRow::as_select())
            .load(conn)?;
        let mut skills: HashMap<i64, Vec<VacancySkillRow>> = HashMap::new();
        for r in vacancy_skills::table
            .filter(vacancy_skills::vacancy_id.eq_any(chunk))
            .order((
                vacancy_skills::vacancy_id.asc(),
                vacancy_skills::position.asc(),
            ))
            .select(VacancySkillRow::as_select())
            .load(conn)?
        {
            skills.entry(r.vacancy_id).or_default().push(r);
        }
        let mut languages: HashMap<i64, Vec<VacancyLanguageRow>> = HashMap::new();
        for r in vacancy_languages::table
            .filter(vacancy_languages::vacancy_id.eq_any(chunk))
            .order((
                vacancy_languages::vacancy_id.asc(),
                vacancy_languages::language.asc(),
            ))
            .select(VacancyLanguageRow::as_select())
            .load(conn)?
        {
            languages.entry(r.vacancy_id).or_default().push(r);
        }
        let mut licences: HashMap<i64, Vec<VacancyLicenceRow>> = HashMap::new();
        for r in vacancy_licences::table
            .filter(vacancy_licences::vacancy_id.eq_any(chunk))
            .order((
                vacancy_licences::vacancy_id.asc(),
                vacancy_licences::licence.asc(),
            ))
            .select(VacancyLicenceRow::as_select())
            .load(conn)?
        {
            licences.entry(r.vacancy_id).or_default().push(r);
        }
        let mut certificates: HashMap<i64, Vec<VacancyCertificateRow>> = HashMap::new();
        for r in vacancy_certificates::table
            .filter(vacancy_certificates::vacancy_id.eq_any(chunk))
            .order((
                vacancy_certificates::vacancy_id.asc(),
                vacancy_certificates::certificate.asc(),
            ))
            .select(VacancyCertificateRow::as_select())
            .load(conn)?
        {
            certificates.entry(r.vacancy_id).or_default().push(r);
        }
        let mut shares: HashMap<i64, Vec<i64>> = HashMap::new();
        for r in vacancy_shares::table
            .filter(vacancy_shares::vacancy_id.eq_any(chunk))
            .order((
                vacancy_shares::vacancy_id.asc(),
                vacancy_shares::agency_org_id.asc(),
            ))
            .select(VacancyShareRow::as_select())
            .load(conn)?
        {
            shares
                .entry(r.vacancy_id)
                .or_default()
                .push(r.agency_org_id);
        }
        for row in rows {
            let id = row.id;
            out.push(vacancy_from_rows(
                row,
                skills.remove(&id).unwrap_or_default(),
                languages.remove(&id).unwrap_or_default(),
                licences.remove(&id).unwrap_or_default(),
                certificates.remove(&id).unwrap_or_default(),
                shares.remove(&id).unwrap_or_default(),
            )?);
        }
    }
    Ok(out)
}

fn vacancy_row(
    id: i64,
    d: &VacancyDraft,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
) -> VacancyRow {
    VacancyRow {
        id,
        source: d.source.clone(),
        source_id: d.source_id.clone(),
        owner_org_id: d.owner_org.0,
        title: d.title.clone(),
        description: d.description.clone(),
        ad_language: d.ad_language.clone(),
        employer_name: d.employer_name.clone(),
        occupation_uri: d.occupation_uri.clone(),
        isco_code: d.isco_code.clone(),
        industry_code: d.industry_code.clone(),
        municipality_code: d.municipality_code.clone(),
        lat: d.lat,
        lon: d.lon,
        remote: d.remote.as_str().to_owned(),
        work_time: d.work_time.as_str().to_owned(),
        contract_type: d.contract_type.as_str().to_owned(),
        positions: d.positions,
        salary_min_eur: d.salary_min_eur,
        salary_max_eur: d.salary_max_eur,
        start_date: d.start_date,
        expires_at: d.expires_at,
        visibility: d.visibility.as_str().to_owned(),
        status: d.status.as_str().to_owned(),
        version,
        created_at,
        updated_at,
        fingerprint: Some(fingerprint(d)),
    }
}

fn insert_children(
    conn: &mut DbConnection,
    items: &[(i64, &VacancyDraft)],
) -> Result<(), StoreError> {
    let mut skills = Vec::new();
    let mut languages = Vec::new();
    let mut licences = Vec::new();
    let mut certificates = Vec::new();
    let mut shares = Vec::new();
    for &(id, d) in items {
        for (position, s) in d.skills.iter().enumerate() {
            skills.push(VacancySkillRow {
                vacancy_id: id,
                position: position as i32,
                skill_uri: s.skill.uri.clone(),
                label: s.skill.label.clone(),
                importance: s.importance.as_str().to_owned(),
            });
        }
        for l in &d.languages {
            languages.push(VacancyLanguageRow {
                vacancy_id: id,
                language: l.value.language.clone(),
                level: l.value.level.as_str().to_owned(),
                hard: l.hard,
            });
        }
        for l in &d.licences {
            licences.push(VacancyLicenceRow {
                vacancy_id: id,
                licence: l.value.clone(),
                hard: l.hard,
            });
        }
        for c in &d.certificates {
            certificates.push(VacancyCertificateRow {
                vacancy_id: id,
                certificate: c.value.clone(),
                hard: c.hard,
            });
        }
        for org in &d.shared_with {
            shares.push(VacancyShareRow {
                vacancy_id: id,
                agency_org_id: org.0,
            });
        }
    }
    for chunk in skills.chunks(INSERT_CHUNK) {
        insert_rows!(conn, vacancy_skills::table, chunk)?;
    }
    for chunk in languages.chunks(INSERT_CHUNK) {
        insert_rows!(conn, vacancy_languages::table, chunk)?;
    }
    for chunk in licences.chunks(INSERT_CHUNK) {
        insert_rows!(conn, vacancy_licences::table, chunk)?;
    }
    for chunk in certificates.chunks(INSERT_CHUNK) {
        insert_rows!(conn, vacancy_certificates::table, chunk)?;
    }
    for chunk in shares.chunks(INSERT_CHUNK) {
        insert_rows!(conn, vacancy_shares::table, chunk)
            .map_err(|e| constraint_error(e, "shared_with"))?;
    }
    Ok(())
}

fn delete_children(conn: &mut DbConnection, ids: &[i64]) -> Result<(), StoreError> {
    diesel::delete(vacancy_skills::table.filter(vacancy_skills::vacancy_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(vacancy_languages::table.filter(vacancy_languages::vacancy_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(vacancy_licences::table.filter(vacancy_licences::vacancy_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(
        vacancy_certificates::table.filter(vacancy_certificates::vacancy_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::delete(vacancy_shares::table.filter(vacancy_shares::vacancy_id.eq_any(ids)))
        .execute(conn)?;
    Ok(())
}

fn vacancy_from_rows(
    row: VacancyRow,
    skills: Vec<VacancySkillRow>,
    languages: Vec<VacancyLanguageRow>,
    licences: Vec<VacancyLicenceRow>,
    certificates: Vec<VacancyCertificateRow>,
    shares: Vec<i64>,
) -> Result<Vacancy, StoreError> {
    let draft = VacancyDraft {
        remote: parse_db(&row.remote)?,
        work_time: parse_db(&row.work_time)?,
        contract_type: parse_db(&row.contract_type)?,
        visibility: parse_db(&row.visibility)?,
        status: parse_db(&row.status)?,
        source: row.source,
        source_id: row.source_id,
        owner_org: OrgId(row.owner_org_id),
        title: row.title,
        description: row.description,
        ad_language: row.ad_language,
        employer_name: row.employer_name,
        occupation_uri: row.occupation_uri,
        isco_code: row.isco_code,
        industry_code: row.industry_code,
        skills: skills
            .into_iter()
            .map(|s| {
                Ok(VacancySkill {
                    importance: parse_db(&s.importance)?,
                    skill: SkillRef {
                        uri: s.skill_uri,
                        label: s.label,
                    },
                })
            })
            .collect::<Result<_, StoreError>>()?,
        municipality_code: row.municipality_code,
        lat: row.lat,
        lon: row.lon,
        positions: row.positions,
        salary_min_eur: row.salary_min_eur,
        salary_max_eur: row.salary_max_eur,
        languages: languages
            .into_iter()
            .map(|l| {
                Ok(Requirement {
                    value: LanguageSkill {
                        level: parse_db(&l.level)?,
                        language: l.language,
                    },
                    hard: l.hard,
                })
            })
            .collect::<Result<_, StoreError>>()?,
        licences: licences
            .into_iter()
            .map(|l| Requirement {
                value: l.licence,
                hard: l.hard,
            })
            .collect(),
        certificates: certificates
            .into_iter()
            .map(|c| Requirement {
                value: c.certificate,
                hard: c.hard,
            })
            .collect(),
        start_date: row.start_date,
        expires_at: row.expires_at,
        shared_with: shares.into_iter().map(OrgId).collect(),
    };
    Ok(Vacancy {
        id: VacancyId(row.id),
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
        draft,
    })
}

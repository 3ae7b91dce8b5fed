//! Reference data in the store: the ESCO taxonomy, geography and industries.
//!
//! The store keeps them so that every server node of a PostgreSQL deployment
//! matches against the same taxonomy version. `replace_*` swaps a whole data
//! set in one transaction (readers see the old or the new one, never a mix);
//! `load_*` rebuilds the matcher's types from the rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use matcher::geography::{Geography, Municipality, Region};
use matcher::industry::{Industries, Industry};
use matcher::taxonomy::{
    IscoGroup, Labels, Occupation, OccupationSkill, Skill, SkillRelation, Taxonomy,
};

use super::{DbConnection, StoreError};

mod schema {
    diesel::table! {
        taxonomy_meta (id) {
            id -> Integer,
            version -> Text,
            imported_at -> Timestamp,
        }
    }

    diesel::table! {
        isco_groups (code) {
            code -> Text,
            label_en -> Text,
            label_fi -> Nullable<Text>,
            label_sv -> Nullable<Text>,
            parent_code -> Nullable<Text>,
        }
    }

    diesel::table! {
        esco_occupations (uri) {
            uri -> Text,
            esco_code -> Text,
            isco_code -> Text,
            label_en -> Text,
            label_fi -> Nullable<Text>,
            label_sv -> Nullable<Text>,
            alt_labels_en -> Text,
            description_en -> Text,
            broader_uri -> Nullable<Text>,
            alt_labels_fi -> Text,
            alt_labels_sv -> Text,
            description_fi -> Text,
        }
    }

    diesel::table! {
        esco_skills (uri) {
            uri -> Text,
            label_en -> Text,
            label_fi -> Nullable<Text>,
            label_sv -> Nullable<Text>,
            alt_labels_en -> Text,
            n_essential -> Integer,
            n_optional -> Integer,
        }
    }

    diesel::table! {
        esco_occupation_skills (occupation_uri, skill_uri) {
            occupation_uri -> Text,
            skill_uri -> Text,
            kind -> Text,
        }
    }

    diesel::table! {
        esco_skill_relations (from_uri, to_uri) {
            from_uri -> Text,
            to_uri -> Text,
            kind -> Text,
        }
    }

    diesel::table! {
        municipalities (code) {
            code -> Text,
            name_fi -> Text,
            name_sv -> Text,
            name_en -> Text,
            region_code -> Text,
            sub_region_code -> Text,
            sub_region_name_fi -> Text,
            ely_code -> Text,
            ely_abbr -> Text,
            population -> BigInt,
            lat -> Double,
            lon -> Double,
        }
    }

    diesel::table! {
        regions (code) {
            code -> Text,
            name_fi -> Text,
            name_sv -> Text,
            name_en -> Text,
            population -> BigInt,
            lat -> Double,
            lon -> Double,
        }
    }

    diesel::table! {
        industries (code) {
            code -> Text,
            level -> Integer,
            parent_code -> Nullable<Text>,
            label_en -> Text,
            label_fi -> Nullable<Text>,
            label_sv -> Nullable<Text>,
        }
    }

    diesel::allow_tables_to_appear_in_same_query!(
        isco_groups,
        esco_occupations,
        esco_skills,
        esco_occupation_skills,
        esco_skill_relations,
        municipalities,
        regions,
    );
}

use schema::*;

/// Alternative labels are kept in one column, joined like the shipped CSV.
const ALT_LABEL_SEPARATOR: &str = " | ";

/// Bind parameters per INSERT statement: below PostgreSQL's 65,535 and the
/// bundled SQLite's 32,766.
const MAX_BINDS_PER_STATEMENT: usize = 30_000;

/// What a taxonomy replacement recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyMeta {
    pub version: String,
    pub imported_at: NaiveDateTime,
}

/// Row counts of the reference tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TaxonomyCounts {
    pub occupations: i64,
    pub skills: i64,
    pub isco_groups: i64,
    pub occupation_skills: i64,
    pub skill_relations: i64,
    pub municipalities: i64,
    pub regions: i64,
    pub industries: i64,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = isco_groups, treat_none_as_default_value = false)]
struct IscoGroupRow {
    code: String,
    label_en: String,
    label_fi: Option<String>,
    label_sv: Option<String>,
    parent_code: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = esco_occupations, treat_none_as_default_value = false)]
struct NewOccupation<'a> {
    uri: &'a str,
    esco_code: &'a str,
    isco_code: &'a str,
    label_en: &'a str,
    label_fi: Option<&'a str>,
    label_sv: Option<&'a str>,
    alt_labels_en: String,
    description_en: &'a str,
    broader_uri: Option<&'a str>,
    alt_labels_fi: String,
    alt_labels_sv: String,
    description_fi: &'a str,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = esco_occupations)]
struct OccupationRow {
    uri: String,
    esco_code: String,
    isco_code: String,
    label_en: String,
    label_fi: Option<String>,
    label_sv: Option<String>,
    alt_labels_en: String,
    description_en: String,
    broader_uri: Option<String>,
    alt_labels_fi: String,
    alt_labels_sv: String,
    description_fi: String,
}

#[derive(Insertable)]
#[diesel(table_name = esco_skills, treat_none_as_default_value = false)]
struct NewSkill<'a> {
    uri: &'a str,
    label_en: &'a str,
    label_fi: Option<&'a str>,
    label_sv: Option<&'a str>,
    alt_labels_en: String,
    n_essential: i32,
    n_optional: i32,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = esco_skills)]
struct SkillRow {
    uri: String,
    label_en: String,
    label_fi: Option<String>,
    label_sv: Option<String>,
    alt_labels_en: String,
    n_essential: i32,
    n_optional: i32,
}

#[derive(Insertable)]
#[diesel(table_name = esco_occupation_skills)]
struct NewOccupationSkill<'a> {
    occupation_uri: &'a str,
    skill_uri: &'a str,
    kind: &'static str,
}

#[derive(Insertable)]
#[diesel(table_name = esco_skill_relations)]
struct NewSkillRelation<'a> {
    from_uri: &'a str,
    to_uri: &'a str,
    kind: &'static str,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = municipalities)]
struct MunicipalityRow {
    code: String,
    name_fi: String,
    name_sv: String,
    name_en: String,
    region_code: String,
    sub_region_code: String,
    sub_region_name_fi: String,
    ely_code: String,
    ely_abbr: String,
    population: i64,
    lat: f64,
    lon: f64,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = regions)]
struct RegionRow {
    code: String,
    name_fi: String,
    name_sv: String,
    name_en: String,
    population: i64,
    lat: f64,
    lon: f64,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = industries, treat_none_as_default_value = false)]
struct IndustryRow {
    code: String,
    level: i32,
    parent_code: Option<String>,
    label_en: String,
    label_fi: Option<String>,
    label_sv: Option<String>,
}

/// Inserts `$rows` (a slice of `Insertable` rows with `$columns` columns)
/// into `$table` in multi-row statements that stay under the bind limit.
///
/// Multi-row inserts do not compile against the `MultiConnection` backend
/// (it demands the SQL-standard `DEFAULT` keyword in VALUES lists, which
/// SQLite lacks), so the statement is built for the concrete connection.
macro_rules! insert_in_batches {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let rows = $rows;
        for chunk in rows.chunks(MAX_BINDS_PER_STATEMENT / $columns) {
            let statement = diesel::insert_into($table).values(chunk);
            match &mut *$conn {
                DbConnection::Pg(c) => statement.execute(c)?,
                DbConnection::Sqlite(c) => statement.execute(c)?,
            };
        }
    }};
}

fn join_alt_labels(labels: &[String]) -> String {
    labels.join(ALT_LABEL_SEPARATOR)
}

fn split_alt_labels(joined: &str) -> Vec<String> {
    joined
        .split(ALT_LABEL_SEPARATOR)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn count_to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Replaces the stored taxonomy (ISCO groups, occupations, skills and their
/// relations, version) with `t`, in one transaction.
pub fn replace_taxonomy(conn: &mut DbConnection, t: &Taxonomy) -> Result<(), StoreError> {
    let groups: Vec<IscoGroupRow> = t
        .isco_groups()
        .map(|g| IscoGroupRow {
            code: g.code.clone(),
            label_en: g.labels.en.clone(),
            label_fi: g.labels.fi.clone(),
            label_sv: g.labels.sv.clone(),
            parent_code: g.parent.clone(),
        })
        .collect();
    let occupations: Vec<NewOccupation<'_>> = t
        .occupations()
        .map(|(_, o)| NewOccupation {
            uri: &o.uri,
            esco_code: &o.esco_code,
            isco_code: &o.isco_code,
            label_en: &o.labels.en,
            label_fi: o.labels.fi.as_deref(),
            label_sv: o.labels.sv.as_deref(),
            alt_labels_en: join_alt_labels(&o.alt_labels_en),
            description_en: &o.description_en,
            broader_uri: o.broader_uri.as_deref(),
            alt_labels_fi: join_alt_labels(&o.alt_labels_fi),
            alt_labels_sv: join_alt_labels(&o.alt_labels_sv),
            description_fi: &o.description_fi,
        })
        .collect();
    let skills: Vec<NewSkill<'_>> = t
        .skills()
        .map(|(_, s)| NewSkill {
            uri: &s.uri,
            label_en: &s.labels.en,
            label_fi: s.labels.fi.as_deref(),
            label_sv: s.labels.sv.as_deref(),
            alt_labels_en: join_alt_labels(&s.alt_labels_en),
            n_essential: count_to_i32(s.n_occupations_essential),
            n_optional: count_to_i32(s.n_occupations_optional),
        })
        .collect();
    let occupation_skills: Vec<NewOccupationSkill<'_>> = t
        .occupation_skill_relations()
        .map(|(o, s, kind)| NewOccupationSkill {
            occupation_uri: &t.occupation(o).uri,
            skill_uri: &t.skill(s).uri,
            kind: kind.as_str(),
        })
        .collect();
    let skill_relations: Vec<NewSkillRelation<'_>> = t
        .skill_relations()
        .map(|(from, to, kind)| NewSkillRelation {
            from_uri: &t.skill(from).uri,
            to_uri: &t.skill(to).uri,
            kind: kind.as_str(),
        })
        .collect();

    conn.transaction(|conn| {
        diesel::delete(esco_skill_relations::table).execute(conn)?;
        diesel::delete(esco_occupation_skills::table).execute(conn)?;
        diesel::delete(esco_skills::table).execute(conn)?;
        diesel::delete(esco_occupations::table).execute(conn)?;
        diesel::delete(isco_groups::table).execute(conn)?;
        diesel::delete(taxonomy_meta::table).execute(conn)?;

        insert_in_batches!(conn, isco_groups::table, &groups, 5);
        insert_in_batches!(conn, esco_occupations::table, &occupations, 12);
        insert_in_batches!(conn, esco_skills::table, &skills, 7);
        insert_in_batches!(conn, esco_occupation_skills::table, &occupation_skills, 3);
        insert_in_batches!(conn, esco_skill_relations::table, &skill_relations, 3);
        diesel::insert_into(taxonomy_meta::table)
            .values((
                taxonomy_meta::id.eq(1),
                taxonomy_meta::version.eq(t.version()),
                taxonomy_meta::imported_at.eq(super::now()),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The stored taxonomy's version and import time, or `None` if none is stored.
pub fn taxonomy_meta(conn: &mut DbConnection) -> Result<Option<TaxonomyMeta>, StoreError> {
    let row: Option<(String, NaiveDateTime)> = taxonomy_meta::table
        .select((taxonomy_meta::version, taxonomy_meta::imported_at))
        .filter(taxonomy_meta::id.eq(1))
        .first(conn)
        .optional()?;
    Ok(row.map(|(version, imported_at)| TaxonomyMeta {
        version,
        imported_at,
    }))
}

fn invalid(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("stored {what}: {e}"))
}

/// Loads the stored taxonomy, or `None` if none has been stored.
///
/// A taxonomy loaded from the store reports nothing skipped: rows that did
/// not resolve were dropped before it was stored.
pub fn load_taxonomy(conn: &mut DbConnection) -> Result<Option<Taxonomy>, StoreError> {
    let Some(meta) = taxonomy_meta(conn)? else {
        return Ok(None);
    };
    let groups = isco_groups::table
        .select(IscoGroupRow::as_select())
        .order(isco_groups::code)
        .load(conn)?
        .into_iter()
        .map(|r| IscoGroup {
            code: r.code,
            labels: Labels {
                en: r.label_en,
                fi: r.label_fi,
                sv: r.label_sv,
            },
            parent: r.parent_code,
        })
        .collect();
    let occupations = esco_occupations::table
        .select(OccupationRow::as_select())
        .order(esco_occupations::uri)
        .load(conn)?
        .into_iter()
        .map(|r| Occupation {
            uri: r.uri,
            esco_code: r.esco_code,
            isco_code: r.isco_code,
            labels: Labels {
                en: r.label_en,
                fi: r.label_fi,
                sv: r.label_sv,
            },
            alt_labels_en: split_alt_labels(&r.alt_labels_en),
            alt_labels_fi: split_alt_labels(&r.alt_labels_fi),
            alt_labels_sv: split_alt_labels(&r.alt_labels_sv),
            description_en: r.description_en,
            description_fi: r.description_fi,
            broader_uri: r.broader_uri,
        })
        .collect();
    let skills = esco_skills::table
        .select(SkillRow::as_select())
        .order(esco_skills::uri)
        .load(conn)?
        .into_iter()
        .map(|r| Skill {
            uri: r.uri,
            labels: Labels {
                en: r.label_en,
                fi: r.label_fi,
                sv: r.label_sv,
            },
            alt_labels_en: split_alt_labels(&r.alt_labels_en),
            n_occupations_essential: u32::try_from(r.n_essential).unwrap_or(0),
            n_occupations_optional: u32::try_from(r.n_optional).unwrap_or(0),
        })
        .collect();
    let occupation_skills = esco_occupation_skills::table
        .select((
            esco_occupation_skills::occupation_uri,
            esco_occupation_skills::skill_uri,
            esco_occupation_skills::kind,
        ))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(occupation_uri, skill_uri, kind)| {
            Ok(OccupationSkill {
                occupation_uri,
                skill_uri,
                kind: kind.parse().map_err(|e| invalid("occupation skill", e))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let skill_relations = esco_skill_relations::table
        .select((
            esco_skill_relations::from_uri,
            esco_skill_relations::to_uri,
            esco_skill_relations::kind,
        ))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(from_uri, to_uri, kind)| {
            Ok(SkillRelation {
                from_uri,
                to_uri,
                kind: kind.parse().map_err(|e| invalid("skill relation", e))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Taxonomy::new(
        meta.version,
        groups,
        occupations,
        skills,
        occupation_skills,
        skill_relations,
    )
    .map(Some)
    .map_err(|e| invalid("taxonomy", e))
}

/// Replaces the stored municipalities and regions, in one transaction.
pub fn replace_geography(conn: &mut DbConnection, g: &Geography) -> Result<(), StoreError> {
    let municipality_rows: Vec<MunicipalityRow> = g
        .municipalities()
        .map(|m| MunicipalityRow {
            code: m.code.clone(),
            name_fi: m.name_fi.clone(),
            name_sv: m.name_sv.clone(),
            name_en: m.name_en.clone(),
            region_code: m.region_code.clone(),
            sub_region_code: m.sub_region_code.clone(),
            sub_region_name_fi: m.sub_region_name_fi.clone(),
            ely_code: m.ely_code.clone(),
            ely_abbr: m.ely_abbr.clone(),
            population: i64::from(m.population),
            lat: m.lat,
            lon: m.lon,
        })
        .collect();
    let region_rows: Vec<RegionRow> = g
        .regions()
        .map(|r| RegionRow {
            code: r.code.clone(),
            name_fi: r.name_fi.clone(),
            name_sv: r.name_sv.clone(),
            name_en: r.name_en.clone(),
            population: i64::from(r.population),
            lat: r.lat,
            lon: r.lon,
        })
        .collect();
    conn.transaction(|conn| {
        diesel::delete(municipalities::table).execute(conn)?;
        diesel::delete(regions::table).execute(conn)?;
        insert_in_batches!(conn, regions::table, &region_rows, 7);
        insert_in_batches!(conn, municipalities::table, &municipality_rows, 12);
        Ok(())
    })
}

fn population(value: i64, code: &str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| invalid("geography", format!("population {value} of {code}")))
}

/// Loads the stored geography, or `None` if no municipalities are stored.
pub fn load_geography(conn: &mut DbConnection) -> Result<Option<Geography>, StoreError> {
    let municipality_rows = municipalities::table
        .select(MunicipalityRow::as_select())
        .order(municipalities::code)
        .load(conn)?;
    if municipality_rows.is_empty() {
        return Ok(None);
    }
    let region_rows = regions::table
        .select(RegionRow::as_select())
        .order(regions::code)
        .load(conn)?;
    let municipalities_list = municipality_rows
        .into_iter()
        .map(|r| {
            Ok(Municipality {
                population: population(r.population, &r.code)?,
                code: r.code,
                name_fi: r.name_fi,
                name_sv: r.name_sv,
                name_en: r.name_en,
                region_code: r.region_code,
                sub_region_code: r.sub_region_code,
                sub_region_name_fi: r.sub_region_name_fi,
                ely_code: r.ely_code,
                ely_abbr: r.ely_abbr,
                lat: r.lat,
                lon: r.lon,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let regions_list = region_rows
        .into_iter()
        .map(|r| {
            Ok(Region {
                population: population(r.population, &r.code)?,
                code: r.code,
                name_fi: r.name_fi,
                name_sv: r.name_sv,
                name_en: r.name_en,
                lat: r.lat,
                lon: r.lon,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Geography::new(municipalities_list, regions_list)
        .map(Some)
        .map_err(|e| invalid("geography", e))
}

/// Replaces the stored industries, in one transaction.
pub fn replace_industries(conn: &mut DbConnection, all: &Industries) -> Result<(), StoreError> {
    let rows: Vec<IndustryRow> = all
        .iter()
        .map(|i| IndustryRow {
            code: i.code.clone(),
            level: i32::from(i.level),
            parent_code: i.parent.clone(),
            label_en: i.labels.en.clone(),
            label_fi: i.labels.fi.clone(),
            label_sv: i.labels.sv.clone(),
        })
        .collect();
    conn.transaction(|conn| {
        diesel::delete(industries::table).execute(conn)?;
        insert_in_batches!(conn, industries::table, &rows, 6);
        Ok(())
    })
}

/// Loads the stored industries, or `None` if none are stored. Classes come
/// back in classification order: each section followed by its divisions.
pub fn load_industries(conn: &mut DbConnection) -> Result<Option<Industries>, StoreError> {
    let mut rows = industries::table
        .select(IndustryRow::as_select())
        .order(industries::code)
        .load(conn)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let parents: std::collections::HashMap<String, Option<String>> = rows
        .iter()
        .map(|r| (r.code.clone(), r.parent_code.clone()))
        .collect();
    let section_of = |code: &str| {
        let mut current = code.to_owned();
        // Bounded walk up the parent chain (guards against cycles).
        for _ in 0..8 {
            match parents.get(&current) {
                Some(Some(parent)) => current.clone_from(parent),
                _ => break,
            }
        }
        current
    };
    rows.sort_by_cached_key(|r| (section_of(&r.code), r.level, r.code.clone()));
    let list = rows
        .into_iter()
        .map(|r| {
            Ok(Industry {
                level: u8::try_from(r.level)
                    .map_err(|_| invalid("industry", format!("level {} of {}", r.level, r.code)))?,
                code: r.code,
                parent: r.parent_code,
                labels: Labels {
                    en: r.label_en,
                    fi: r.label_fi,
                    sv: r.label_sv,
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Industries::new(list)
        .map(Some)
        .map_err(|e| invalid("industries", e))
}

/// Row counts of all reference tables.
pub fn taxonomy_counts(conn: &mut DbConnection) -> Result<TaxonomyCounts, StoreError> {
    Ok(TaxonomyCounts {
        occupations: esco_occupations::table.count().get_result(conn)?,
        skills: esco_skills::table.count().get_result(conn)?,
        isco_groups: isco_groups::table.count().get_result(conn)?,
        occupation_skills: esco_occupation_skills::table.count().get_result(conn)?,
        skill_relations: esco_skill_relations::table.count().get_result(conn)?,
        municipalities: municipalities::table.count().get_result(conn)?,
        regions: regions::table.count().get_result(conn)?,
        industries: industries::table.count().get_result(conn)?,
    })
}

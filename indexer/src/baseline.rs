//! The PostgreSQL baseline of `kohtaanto bench`: what a team would build
//! without a search engine. Profiles, vacancies and their skills sit in
//! indexed tables; a query ranks by weighted skill overlap (essential
//! skills count twice) plus distance, in SQL, under the same status,
//! expiry and mobility filters as the engine's default scope (within the
//! commute radius, a region the jobseeker would move to, nationwide
//! relocation, or a fully remote job). Hard language, licence and
//! certificate requirements are left out: they remove few pairs.
//!
//! The tables are loaded from the engine's own match records (one index
//! snapshot), so both answer over exactly the same data.

use std::io::Write;
use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double};
use matcher::domain::{Relocation, RemoteMode, RemotePreference};
use matcher::records::NO_REGION;

use crate::matching::{MatchEngine, MatchError, Profiles, Vacancies};

/// Why the baseline failed.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("baseline query: {0}")]
    Query(#[from] diesel::result::Error),
    #[error(transparent)]
    Match(#[from] MatchError),
}

/// The tables as COPY sees them (every column, in order).
mod tables {
    diesel::table! {
        bench_profiles (id) {
            id -> BigInt,
            active -> Bool,
            lat -> Nullable<Double>,
            lon -> Nullable<Double>,
            region -> Nullable<Integer>,
            commute_km -> Integer,
            relocation -> SmallInt,
            relocation_regions -> Array<Integer>,
            remote_ok -> Bool,
        }
    }
    diesel::table! {
        bench_profile_skills (profile_id, skill) {
            profile_id -> BigInt,
            skill -> Integer,
        }
    }
    diesel::table! {
        bench_vacancies (id) {
            id -> BigInt,
            open -> Bool,
            expires -> Nullable<BigInt>,
            lat -> Nullable<Double>,
            lon -> Nullable<Double>,
            region -> Nullable<Integer>,
            remote_full -> Bool,
            skill_weight -> Double,
        }
    }
    diesel::table! {
        bench_vacancy_skills (vacancy_id, skill) {
            vacancy_id -> BigInt,
            skill -> Integer,
            essential -> Bool,
        }
    }
}

const SCHEMA: &str = "
DROP TABLE IF EXISTS bench_profile_skills, bench_vacancy_skills, bench_profiles, bench_vacancies;
CREATE TABLE bench_profiles (
    id bigint PRIMARY KEY,
    active boolean NOT NULL,
    lat double precision,
    lon double precision,
    region integer,
    commute_km integer NOT NULL,
    relocation smallint NOT NULL,          -- 0 none, 1 regions, 2 nationwide
    relocation_regions integer[] NOT NULL,
    remote_ok boolean NOT NULL
);
CREATE TABLE bench_profile_skills (profile_id bigint NOT NULL, skill integer NOT NULL);
CREATE TABLE bench_vacancies (
    id bigint PRIMARY KEY,
    open boolean NOT NULL,
    expires bigint,
    lat double precision,
    lon double precision,
    region integer,
    remote_full boolean NOT NULL,
    skill_weight double precision NOT NULL
);
CREATE TABLE bench_vacancy_skills (
    vacancy_id bigint NOT NULL,
    skill integer NOT NULL,
    essential boolean NOT NULL
);
";

const INDEXES: &str = "
CREATE INDEX ON bench_profile_skills (skill, profile_id);
CREATE INDEX ON bench_profile_skills (profile_id);
CREATE INDEX ON bench_vacancy_skills (skill, vacancy_id);
CREATE INDEX ON bench_vacancy_skills (vacancy_id);
ANALYZE bench_profiles, bench_profile_skills, bench_vacancies, bench_vacancy_skills;
";

/// Great-circle distance in SQL, the engine's formula; `a` and `b` are
/// table aliases with `lat` and `lon`.
fn distance(a: &str, b: &str) -> String {
    format!(
        "2 * 6371.0088 * asin(sqrt(power(sin(radians({b}.lat - {a}.lat) / 2), 2) \
         + cos(radians({a}.lat)) * cos(radians({b}.lat)) \
         * power(sin(radians({b}.lon - {a}.lon) / 2), 2)))"
    )
}

/// The mobility filter: `p` a profile row, `v` a vacancy row, `d.km`.
const MOBILITY: &str = "((v.remote_full AND p.remote_ok) OR d.km <= p.commute_km \
     OR p.relocation = 2 OR (p.relocation = 1 AND v.region = ANY(p.relocation_regions)))";

/// Score: 0.8 × weighted skill overlap + 0.2 × closeness (0 at 500 km).
const SCORE: &str =
    "0.8 * o.s / v.skill_weight + 0.2 * (1 - LEAST(COALESCE(d.km, 500), 500) / 500)";

fn candidates_sql() -> String {
    format!(
        "WITH req AS (SELECT skill, CASE WHEN essential THEN 2.0 ELSE 1.0 END AS w \
                      FROM bench_vacancy_skills WHERE vacancy_id = $1), \
              o AS (SELECT ps.profile_id, SUM(req.w) AS s FROM req \
                    JOIN bench_profile_skills ps ON ps.skill = req.skill GROUP BY ps.profile_id) \
         SELECT p.id, {SCORE} AS score \
         FROM o JOIN bench_profiles p ON p.id = o.profile_id \
         CROSS JOIN (SELECT * FROM bench_vacancies WHERE id = $1) v \
         CROSS JOIN LATERAL (SELECT {} AS km) d \
         WHERE p.active AND {MOBILITY} \
         ORDER BY score DESC, p.id LIMIT $2",
        distance("p", "v")
    )
}

fn vacancies_sql() -> String {
    format!(
        "WITH has AS (SELECT skill FROM bench_profile_skills WHERE profile_id = $1), \
              o AS (SELECT vs.vacancy_id, SUM(CASE WHEN vs.essential THEN 2.0 ELSE 1.0 END) AS s \
                    FROM has JOIN bench_vacancy_skills vs ON vs.skill = has.skill \
                    GROUP BY vs.vacancy_id) \
         SELECT v.id, {SCORE} AS score \
         FROM o JOIN bench_vacancies v ON v.id = o.vacancy_id \
         CROSS JOIN (SELECT * FROM bench_profiles WHERE id = $1) p \
         CROSS JOIN LATERAL (SELECT {} AS km) d \
         WHERE v.open AND (v.expires IS NULL OR v.expires > $3) AND {MOBILITY} \
         ORDER BY score DESC, v.id LIMIT $2",
        distance("p", "v")
    )
}

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    #[allow(dead_code)]
    score: f64,
}

/// What loading took.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadReport {
    pub profiles: u64,
    pub profile_skills: u64,
    pub vacancies: u64,
    pub vacancy_skills: u64,
    pub seconds_copy: f64,
    pub seconds_index: f64,
}

/// A connection to the baseline's tables.
pub struct Baseline {
    conn: PgConnection,
    candidates: String,
    vacancies: String,
}

impl std::fmt::Debug for Baseline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Baseline").finish()
    }
}

fn text_field(out: &mut Vec<u8>, value: Option<String>) {
    match value {
        Some(v) => out.extend_from_slice(v.as_bytes()),
        None => out.extend_from_slice(b"\\N"),
    }
}

impl Baseline {
    /// (Re)create the tables in the PostgreSQL database at `url` from the
    /// engine's current records.
    pub fn load(url: &str, engine: &MatchEngine) -> Result<(Baseline, LoadReport), BaselineError> {
        let mut conn = PgConnection::establish(url)?;
        conn.batch_execute(SCHEMA)?;
        let snapshot = engine.snapshot()?;
        let started = Instant::now();
        let mut profiles = Vec::new();
        let mut profile_skills = Vec::new();
        let mut vacancies = Vec::new();
        let mut vacancy_skills = Vec::new();
        let (mut np, mut nps, mut nv, mut nvs) = (0u64, 0u64, 0u64, 0u64);
        let region = |r: u16| (r != NO_REGION).then(|| r.to_string());
        for (_, p) in snapshot.live::<Profiles>() {
            np += 1;
            let fields = [
                Some(p.id.to_string()),
                Some(p.active.to_string()),
                p.home_at.map(|a| a.0.to_string()),
                p.home_at.map(|a| a.1.to_string()),
                region(p.home_region),
                Some(p.commute_km.max(0).to_string()),
                Some(
                    match p.relocation {
                        Relocation::None => "0",
                        Relocation::Regions => "1",
                        Relocation::Nationwide => "2",
                    }
                    .to_owned(),
                ),
                Some(format!(
                    "{{{}}}",
                    p.relocation_region_indexes
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                )),
                Some((p.remote != RemotePreference::Onsite).to_string()),
            ];
            row(&mut profiles, fields);
            let mut skills: Vec<u32> = p
                .skills
                .iter()
                .copied()
                .filter(|&s| s != matcher::records::NO_SKILL)
                .collect();
            skills.sort_unstable();
            skills.dedup();
            for s in skills {
                nps += 1;
                writeln!(profile_skills, "{}\t{s}", p.id).ok();
            }
        }
        for (_, v) in snapshot.live::<Vacancies>() {
            nv += 1;
            let weight: f64 = v
                .required
                .iter()
                .map(|(_, e)| if *e { 2.0 } else { 1.0 })
                .sum::<f64>()
                .max(1.0);
            let fields = [
                Some(v.id.to_string()),
                Some(v.open.to_string()),
                v.expires.map(|e| e.to_string()),
                v.at.map(|a| a.0.to_string()),
                v.at.map(|a| a.1.to_string()),
                region(v.region),
                Some((v.remote == RemoteMode::Full).to_string()),
                Some(weight.to_string()),
            ];
            row(&mut vacancies, fields);
            for (s, essential) in &v.required {
                nvs += 1;
                writeln!(vacancy_skills, "{}\t{s}\t{essential}", v.id).ok();
            }
        }
        drop(snapshot);
        copy_text!(&mut conn, tables::bench_profiles::table, profiles);
        copy_text!(
            &mut conn,
            tables::bench_profile_skills::table,
            profile_skills
        );
        copy_text!(&mut conn, tables::bench_vacancies::table, vacancies);
        copy_text!(
            &mut conn,
            tables::bench_vacancy_skills::table,
            vacancy_skills
        );
        let seconds_copy = started.elapsed().as_secs_f64();
        let started = Instant::now();
        conn.batch_execute(INDEXES)?;
        let report = LoadReport {
            profiles: np,
            profile_skills: nps,
            vacancies: nv,
            vacancy_skills: nvs,
            seconds_copy,
            seconds_index: started.elapsed().as_secs_f64(),
        };
        Ok((
            Baseline {
                conn,
                candidates: candidates_sql(),
                vacancies: vacancies_sql(),
            },
            report,
        ))
    }

    /// The baseline's top `limit` profile ids for a vacancy.
    pub fn candidates(&mut self, vacancy_id: i64, limit: i64) -> Result<Vec<i64>, BaselineError> {
        let hits: Vec<Hit> = diesel::sql_query(&self.candidates)
            .bind::<BigInt, _>(vacancy_id)
            .bind::<BigInt, _>(limit)
            .load(&mut self.conn)?;
        Ok(hits.into_iter().map(|h| h.id).collect())
    }

    /// The baseline's top `limit` open vacancy ids for a profile at `now`
    /// (unix seconds).
    pub fn vacancies(
        &mut self,
        profile_id: i64,
        limit: i64,
        now: i64,
    ) -> Result<Vec<i64>, BaselineError> {
        let hits: Vec<Hit> = diesel::sql_query(&self.vacancies)
            .bind::<BigInt, _>(profile_id)
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(now)
            .load(&mut self.conn)?;
        Ok(hits.into_iter().map(|h| h.id).collect())
    }
}

/// One tab-separated COPY text line.
fn row<const N: usize>(out: &mut Vec<u8>, fields: [Option<String>; N]) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        text_field(out, f);
    }
    out.push(b'\n');
}

/// `COPY table FROM STDIN` (text format) of prepared lines.
macro_rules! copy_text {
    ($conn:expr, $table:expr, $data:expr) => {{
        use diesel::ExecuteCopyFromDsl;
        let data: Vec<u8> = $data;
        diesel::copy_from($table)
            .from_raw_data($table, |w: &mut dyn Write| {
                w.write_all(&data)
                    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
            })
            .execute($conn)?
    }};
}
use copy_text;

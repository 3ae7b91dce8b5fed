//! `kohtaanto bench soak`: the running server under hours of mixed load.
//!
//! On the benchmark's population (generated when the data directory does
//! not hold it) a real `kohtaanto serve` is started and driven at a fixed
//! request rate for a given time: rankings in both directions, search,
//! profile views, and write cycles (a vacancy or a profile created, changed
//! with its version, deleted), so the store stays the same size while the
//! outbox, the index, the audit trail and the logs keep moving. Every
//! minute reports throughput, latency percentiles, errors and the server's
//! resident memory; the summary gives the memory growth after the warm-up.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indexer::generate::PopulationSpec;
use indexer::store::vacancies;
use serde::Serialize;
use serde_json::{json, Value};

use super::{http_client, machine, population, start_server, BenchError, Latency, Machine, Reuse};

/// What to run.
#[derive(Debug, Clone)]
pub struct SoakOptions {
    pub minutes: f64,
    /// Requests a second, started on schedule whatever the answers take.
    pub rate: f64,
    /// Clients working through the schedule.
    pub workers: usize,
    /// Minutes of warm-up before memory growth is counted.
    pub warmup_minutes: usize,
    pub profiles: usize,
    pub vacancies: usize,
    pub seed: u64,
    pub data_dir: PathBuf,
    /// The `kohtaanto` binary to serve with.
    pub exe: PathBuf,
}

/// One minute of the run.
#[derive(Debug, Clone, Serialize)]
pub struct SoakMinute {
    pub minute: usize,
    pub requests: usize,
    pub writes: usize,
    pub errors: usize,
    pub requests_per_second: f64,
    pub latency: Latency,
    /// The server's resident memory at the end of the minute.
    pub rss_mb: f64,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct SoakReport {
    pub machine: Machine,
    pub profiles: usize,
    pub vacancies: usize,
    pub rate: f64,
    pub workers: usize,
    pub minutes: Vec<SoakMinute>,
    pub requests: usize,
    pub writes: usize,
    pub errors: usize,
    /// Up to ten failed requests: what was asked and what came back.
    pub error_samples: Vec<String>,
    pub latency: Latency,
    pub warmup_minutes: usize,
    /// Resident memory at the end of the warm-up, at the end, and the
    /// largest after the warm-up.
    pub rss_after_warmup_mb: f64,
    pub rss_end_mb: f64,
    pub rss_max_after_warmup_mb: f64,
    /// Growth of the largest resident memory after the warm-up over the
    /// memory at its end, in per cent.
    pub rss_growth_percent: f64,
    pub peak_rss_mb: f64,
    pub seconds: f64,
}

/// What one scheduled request does.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Candidates,
    VacanciesForJobseeker,
    Search,
    ViewProfile,
    Write,
}

/// The mix: out of 20 requests, 9 rank candidates, 3 rank vacancies for a
/// jobseeker, 2 search, 2 view a profile, 4 write.
fn kind_of(seed: u64, i: usize) -> Kind {
    match mix(seed ^ i as u64) % 20 {
        0..=8 => Kind::Candidates,
        9..=11 => Kind::VacanciesForJobseeker,
        12..=13 => Kind::Search,
        14..=15 => Kind::ViewProfile,
        _ => Kind::Write,
    }
}

/// splitmix64: a fixed pseudo-random sequence from the seed.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A record one worker is cycling through create → change → delete.
#[derive(Debug)]
struct Cycle {
    path: String,
    version: i64,
    changed: bool,
}

/// One answered (or failed) request.
struct Outcome {
    minute: usize,
    seconds: f64,
    write: bool,
    error: Option<String>,
}

struct Targets {
    vacancies: Vec<i64>,
    profiles: Vec<i64>,
    municipality: String,
    searches: Vec<String>,
}

struct Client<'a> {
    http: &'a reqwest::blocking::Client,
    base: &'a str,
}

impl Client<'_> {
    /// Send; the JSON answer (Null when empty) or what went wrong.
    fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .map_err(|e| format!("{method} {path}: {e}"))?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&bytes);
            let text: String = text.chars().take(200).collect();
            return Err(format!("{method} {path}: {status} {text}"));
        }
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

/// The next request of a worker's write cycle: alternately a vacancy (as
/// the employer) and a profile (as the adviser).
fn write_step(
    client: &Client<'_>,
    tokens: (&str, &str),
    targets: &Targets,
    cycle: &mut Option<Cycle>,
    n: usize,
) -> Result<(), String> {
    let (employer, adviser) = tokens;
    let Some(current) = cycle.take() else {
        let (path, token, body) = if n.is_multiple_of(2) {
            (
                "/v1/vacancies",
                employer,
                json!({
                    "title": "Lähihoitaja (kesto)",
                    "municipality_code": targets.municipality,
                    "positions": 1,
                }),
            )
        } else {
            (
                "/v1/profiles",
                adviser,
                json!({
                    "contact": {"full_name": format!("Kesto Testaaja {n}")},
                    "home_municipality_code": targets.municipality,
                }),
            )
        };
        let created = client.send(reqwest::Method::POST, path, token, Some(&body))?;
        let id = created["id"].as_i64().ok_or("created without an id")?;
        *cycle = Some(Cycle {
            path: format!("{path}/{id}"),
            version: created["version"].as_i64().unwrap_or(1),
            changed: false,
        });
        return Ok(());
    };
    let token = token_for(&current.path, tokens);
    let sent = if current.changed {
        client
            .send(reqwest::Method::DELETE, &current.path, token, None)
            .map(|_| None)
    } else {
        let body = if current.path.starts_with("/v1/vacancies") {
            json!({"version": current.version, "positions": 2})
        } else {
            json!({"version": current.version, "max_commute_km": 60})
        };
        client
            .send(reqwest::Method::PATCH, &current.path, token, Some(&body))
            .map(|changed| {
                Some(Cycle {
                    path: current.path.clone(),
                    version: changed["version"].as_i64().unwrap_or(current.version + 1),
                    changed: true,
                })
            })
    };
    match sent {
        Ok(next) => {
            *cycle = next;
            Ok(())
        }
        Err(e) => {
            // Tried again at the worker's next write.
            *cycle = Some(current);
            Err(e)
        }
    }
}

/// The employer's token for a vacancy, the adviser's for a profile.
fn token_for<'a>(path: &str, (employer, adviser): (&'a str, &'a str)) -> &'a str {
    if path.starts_with("/v1/vacancies") {
        employer
    } else {
        adviser
    }
}

/// Run the soak.
pub fn run(o: &SoakOptions) -> Result<SoakReport, BenchError> {
    let started = Instant::now();
    let say = |what: &str| eprintln!("[{:>7.1} s] {what}", started.elapsed().as_secs_f64());
    let spec = PopulationSpec::today(o.profiles, o.vacancies, o.seed);
    let (store, _) = population(&o.data_dir, &spec, Reuse::Any, &say)?;
    let held = (
        store.read(indexer::store::profiles::count_profiles)? as usize,
        store.read(vacancies::count_vacancies)? as usize,
    );
    let reference = indexer::index::ReferenceData::load(&store)?;
    let orgs = indexer::generate::ensure_demo_orgs(&store, &reference.geography)?;
    let tokens = crate::demo::ensure_demo_tokens(&store, &orgs, &o.data_dir)?;
    let token = |role: &str| {
        tokens
            .get(role)
            .cloned()
            .ok_or_else(|| BenchError::Server(format!("no {role} token")))
    };
    let (adviser, employer) = (token("adviser")?, token("employer")?);
    let all_vacancies = store.read(|c| vacancies::vacancy_ids_after(c, 0, i64::MAX))?;
    drop(store);

    say("starting the server (it builds its index when it has none)");
    let (server, base) = start_server(&o.exe, &o.data_dir, &[])?;
    let http = http_client()?;
    let client = Client {
        http: &http,
        base: &base,
    };
    let own = client
        .send(
            reqwest::Method::GET,
            "/v1/profiles?limit=100",
            &adviser,
            None,
        )
        .map_err(BenchError::Server)?;
    let profiles: Vec<i64> = own["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|p| p["id"].as_i64()).collect())
        .unwrap_or_default();
    if profiles.is_empty() {
        return Err(BenchError::Server(
            "the adviser's office has no profiles".into(),
        ));
    }
    let targets = Targets {
        vacancies: super::spread(&all_vacancies, 1_000)
            .into_iter()
            .map(|v| v.0)
            .collect(),
        profiles,
        municipality: "091".into(),
        searches: [
            "lähihoitaja",
            "ohjelmistokehittäjä",
            "sähköasentaja",
            "myyjä",
        ]
        .iter()
        .flat_map(|q| {
            ["01", "02", "11", "13"].map(|r| format!("/v1/vacancies?q={q}&region={r}&limit=20"))
        })
        .collect(),
    };

    let total = (o.minutes * 60.0 * o.rate).round() as usize;
    let minutes = (o.minutes.ceil() as usize).max(1);
    say(&format!(
        "{total} requests at {} a second for {} minutes, {} workers",
        o.rate, o.minutes, o.workers
    ));
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Outcome>> = Mutex::new(Vec::with_capacity(total));
    let t0 = Instant::now();
    let mut rss = vec![0.0; minutes];
    std::thread::scope(|scope| {
        for worker in 0..o.workers.max(1) {
            let (client, targets, next, outcomes) = (&client, &targets, &next, &outcomes);
            let (adviser, employer) = (adviser.as_str(), employer.as_str());
            scope.spawn(move || {
                let mut cycle: Option<Cycle> = None;
                let mut cycles = worker;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let at = Duration::from_secs_f64(i as f64 / o.rate);
                    if let Some(wait) = at.checked_sub(t0.elapsed()) {
                        std::thread::sleep(wait);
                    }
                    let r = mix(o.seed.wrapping_add(i as u64)) as usize;
                    let kind = kind_of(o.seed, i);
                    let t = Instant::now();
                    let pick = |ids: &[i64]| ids[r % ids.len()];
                    let read = match kind {
                        Kind::Candidates => Some(format!(
                            "/v1/vacancies/{}/candidates?limit=20",
                            pick(&targets.vacancies)
                        )),
                        Kind::VacanciesForJobseeker => Some(format!(
                            "/v1/profiles/{}/vacancies?limit=20",
                            pick(&targets.profiles)
                        )),
                        Kind::Search => Some(targets.searches[r % targets.searches.len()].clone()),
                        Kind::ViewProfile => {
                            Some(format!("/v1/profiles/{}", pick(&targets.profiles)))
                        }
                        Kind::Write => None,
                    };
                    let result = match read {
                        Some(path) => client
                            .send(reqwest::Method::GET, &path, adviser, None)
                            .map(drop),
                        None => {
                            if cycle.is_none() {
                                cycles += o.workers.max(1);
                            }
                            write_step(client, (employer, adviser), targets, &mut cycle, cycles)
                        }
                    };
                    let outcome = Outcome {
                        minute: ((at.as_secs_f64() / 60.0) as usize).min(minutes - 1),
                        seconds: t.elapsed().as_secs_f64(),
                        write: matches!(kind, Kind::Write),
                        error: result.err(),
                    };
                    if let Ok(mut all) = outcomes.lock() {
                        all.push(outcome);
                    }
                }
                // Leave the population as it was found: the record of an
                // unfinished cycle is deleted (after the schedule, not
                // counted).
                if let Some(open) = cycle {
                    let token = token_for(&open.path, (employer, adviser));
                    let _ = client.send(reqwest::Method::DELETE, &open.path, token, None);
                }
            });
        }
        // The server's memory at the end of every minute.
        for (minute, slot) in rss.iter_mut().enumerate() {
            let end = Duration::from_secs_f64(((minute + 1) as f64 * 60.0).min(o.minutes * 60.0));
            if let Some(wait) = end.checked_sub(t0.elapsed()) {
                std::thread::sleep(wait);
            }
            *slot = rss_mb(server.pid());
            let done = next.load(Ordering::Relaxed).min(total);
            say(&format!(
                "minute {}: {done} of {total} requests started, server RSS {:.0} MB",
                minute + 1,
                *slot
            ));
        }
    });
    let peak_rss_mb = super::peak_rss_mb(server.pid());
    drop(server);
    let outcomes = outcomes.into_inner().unwrap_or_default();
    Ok(summarise(
        o,
        held,
        outcomes,
        rss,
        peak_rss_mb,
        started.elapsed().as_secs_f64(),
    ))
}

fn summarise(
    o: &SoakOptions,
    (profiles, vacancies): (usize, usize),
    outcomes: Vec<Outcome>,
    rss: Vec<f64>,
    peak_rss_mb: f64,
    seconds: f64,
) -> SoakReport {
    let per_minute: Vec<SoakMinute> = rss
        .iter()
        .enumerate()
        .map(|(minute, &rss_mb)| {
            let of_minute: Vec<&Outcome> = outcomes.iter().filter(|x| x.minute == minute).collect();
            let length = (o.minutes * 60.0 - minute as f64 * 60.0).clamp(1.0, 60.0);
            SoakMinute {
                minute: minute + 1,
                requests: of_minute.len(),
                writes: of_minute.iter().filter(|x| x.write).count(),
                errors: of_minute.iter().filter(|x| x.error.is_some()).count(),
                requests_per_second: of_minute.len() as f64 / length,
                latency: Latency::of(of_minute.iter().map(|x| x.seconds).collect()),
                rss_mb,
            }
        })
        .collect();
    let warmup = o.warmup_minutes.min(rss.len().saturating_sub(1));
    let after_warmup = if warmup == 0 {
        rss.first()
    } else {
        rss.get(warmup - 1)
    }
    .copied()
    .unwrap_or(0.0);
    let max_after = rss[warmup..].iter().copied().fold(after_warmup, f64::max);
    SoakReport {
        machine: machine(),
        profiles,
        vacancies,
        rate: o.rate,
        workers: o.workers,
        requests: outcomes.len(),
        writes: outcomes.iter().filter(|x| x.write).count(),
        errors: outcomes.iter().filter(|x| x.error.is_some()).count(),
        error_samples: outcomes
            .iter()
            .filter_map(|x| x.error.clone())
            .take(10)
            .collect(),
        latency: Latency::of(outcomes.iter().map(|x| x.seconds).collect()),
        minutes: per_minute,
        warmup_minutes: warmup,
        rss_after_warmup_mb: after_warmup,
        rss_end_mb: rss.last().copied().unwrap_or(0.0),
        rss_max_after_warmup_mb: max_after,
        rss_growth_percent: if after_warmup > 0.0 {
            (max_after / after_warmup - 1.0) * 100.0
        } else {
            0.0
        },
        peak_rss_mb,
        seconds,
    }
}

/// The resident memory of process `pid` now, in MB.
fn rss_mb(pid: u32) -> f64 {
    super::proc_status_mb(pid, "VmRSS:")
}

/// The report as a table a person reads.
pub fn print(r: &SoakReport) {
    let m = &r.machine;
    println!(
        "Kohtaanto soak: {} profiles, {} vacancies; {} requests a second, {} workers; {} cores, {:.0} GB, {}",
        r.profiles, r.vacancies, r.rate, r.workers, m.cores, m.memory_gb, m.cpu
    );
    println!(
        "{:>6} {:>9} {:>7} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9}",
        "minute", "requests", "writes", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "RSS MB"
    );
    for x in &r.minutes {
        println!(
            "{:>6} {:>9} {:>7} {:>7} {:>8.1} {:>9.1} {:>9.1} {:>9.1} {:>9.0}",
            x.minute,
            x.requests,
            x.writes,
            x.errors,
            x.requests_per_second,
            x.latency.p50_ms,
            x.latency.p95_ms,
            x.latency.p99_ms,
            x.rss_mb
        );
    }
    println!(
        "total: {} requests ({} writes), {} errors; p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
        r.requests, r.writes, r.errors, r.latency.p50_ms, r.latency.p95_ms, r.latency.p99_ms
    );
    println!(
        "RSS: {:.0} MB after the {}-minute warm-up, {:.0} MB at most after it (growth {:+.1} %, target ≤ 5 %), {:.0} MB at the end, peak {:.0} MB",
        r.rss_after_warmup_mb,
        r.warmup_minutes,
        r.rss_max_after_warmup_mb,
        r.rss_growth_percent,
        r.rss_end_mb,
        r.peak_rss_mb
    );
    for e in &r.error_samples {
        println!("error: {e}");
    }
}

//! `kohtaanto bench`: Kohtaanto at national scale next to what a team would
//! otherwise build, in one run. On a generated population it measures the
//! index build, in-process latency of matching and search, exactness
//! against exhaustive scoring, the PostgreSQL baseline on the same records
//! (speed ratio and top-20 overlap), the nationwide batch, and the real
//! server: cold start, peak memory and HTTP throughput under load.
//!
//! [`import`] measures `import profiles` on its own (`kohtaanto bench
//! import`); it uses this room's machine description and errors.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use indexer::baseline::Baseline;
use indexer::generate::{generate_population, PopulationSpec};
use indexer::index::{rebuild, IndexRoot, ReferenceData, SearchIndex};
use indexer::matching::{MatchEngine, MatchRequest};
use indexer::search::VacancySearch;
use indexer::store::{profiles, vacancies, Store};
use matcher::domain::VacancyId;
use matcher::retrieval::{ProfileAccess, VacancyAccess};
use matcher::scoring::{Scope, ScoringConfig};
use serde::Serialize;

pub mod import;
pub mod soak;

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub profiles: usize,
    pub vacancies: usize,
    /// Queries per latency measurement.
    pub queries: usize,
    pub seed: u64,
    /// Where the population and index live; reused when it holds exactly
    /// the requested population.
    pub data_dir: PathBuf,
    pub fresh: bool,
    /// The PostgreSQL database of the baseline (its `bench_*` tables are
    /// replaced).
    pub baseline_url: Option<String>,
    /// HTTP load: concurrency levels and seconds per level and route.
    pub concurrency: Vec<usize>,
    pub http_seconds: f64,
    /// Top-10 candidates for every open vacancy.
    pub batch: bool,
    /// Limit the batch to this many vacancies (spread over all): a sample
    /// whose rate estimates the full batch. `None`: every vacancy.
    pub batch_vacancies: Option<usize>,
    /// The `kohtaanto` binary to serve with.
    pub exe: PathBuf,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Store(#[from] indexer::store::StoreError),
    #[error(transparent)]
    Generate(#[from] indexer::generate::GenerateError),
    #[error(transparent)]
    Index(#[from] indexer::index::IndexError),
    #[error(transparent)]
    Match(#[from] indexer::matching::MatchError),
    #[error(transparent)]
    Baseline(#[from] indexer::baseline::BaselineError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    #[error(transparent)]
    Import(#[from] indexer::profile_import::ImportError),
    #[error("{0}")]
    Io(String),
    #[error("the server: {0}")]
    Server(String),
}

fn io(what: &str) -> impl FnOnce(std::io::Error) -> BenchError + '_ {
    move |e| BenchError::Io(format!("{what}: {e}"))
}

/// Latency percentiles of a set of timings.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub queries: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
}

impl Latency {
    pub(crate) fn of(mut seconds: Vec<f64>) -> Latency {
        seconds.sort_by(f64::total_cmp);
        let at = |p: f64| {
            if seconds.is_empty() {
                0.0
            } else {
                seconds[((seconds.len() - 1) as f64 * p).round() as usize] * 1e3
            }
        };
        Latency {
            queries: seconds.len(),
            p50_ms: at(0.5),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            mean_ms: seconds.iter().sum::<f64>() * 1e3 / seconds.len().max(1) as f64,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub memory_gb: f64,
    pub cpu: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexFigures {
    pub documents: u64,
    pub seconds: f64,
    pub docs_per_second: f64,
    pub bytes: u64,
    /// Loading every match record into memory (what a server does first).
    pub records_load_seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Exactness {
    pub sampled: usize,
    /// Mean share of the exhaustive top 20 that the engine returned.
    pub overlap: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BaselineFigures {
    pub load: indexer::baseline::LoadReport,
    pub candidates: Latency,
    pub vacancies: Latency,
    /// Baseline p50 / Kohtaanto p50 (how many times faster Kohtaanto is).
    pub candidates_speedup_p50: f64,
    pub vacancies_speedup_p50: f64,
    /// Mean share of the baseline's top 20 found in Kohtaanto's top 20.
    pub candidates_overlap: f64,
    pub vacancies_overlap: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchFigures {
    /// Open vacancies ranked.
    pub vacancies: usize,
    pub seconds: f64,
    pub per_second: f64,
    /// When the batch ran on a sample: the number of vacancies sampled
    /// from, and the full batch's time estimated from the sample (its
    /// share of open vacancies and its rate).
    pub sampled_of: Option<usize>,
    pub estimated_full_seconds: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRun {
    pub route: String,
    pub concurrency: usize,
    pub requests: usize,
    pub errors: usize,
    pub requests_per_second: f64,
    pub latency: Latency,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerFigures {
    /// From spawning `kohtaanto serve` to `/readyz` answering 200 (the
    /// index opened and every match record loaded).
    pub cold_start_seconds: f64,
    /// Peak resident memory of the server process (VmHWM).
    pub peak_rss_mb: f64,
    pub http: Vec<HttpRun>,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub machine: Machine,
    pub profiles: usize,
    pub vacancies: usize,
    pub generated_seconds: Option<f64>,
    pub index: IndexFigures,
    pub candidates: Latency,
    pub vacancies_for_jobseeker: Latency,
    /// The median number of records a query's retrieval stages scored
    /// (each once, whichever stages retrieved it).
    pub candidates_scored_median: usize,
    pub vacancies_scored_median: usize,
    pub search: Latency,
    pub exactness: Exactness,
    pub baseline: Option<BaselineFigures>,
    pub batch: Option<BatchFigures>,
    pub server: ServerFigures,
    pub seconds: f64,
}

fn median(values: &mut [usize]) -> usize {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

pub(crate) fn machine() -> Machine {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_default();
    let memory_gb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    Machine {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_gb,
        cpu,
    }
}

/// `n` ids spread evenly over `ids` (every k-th), so runs compare.
fn spread<T: Copy>(ids: &[T], n: usize) -> Vec<T> {
    (0..n.min(ids.len()))
        .map(|i| ids[i * ids.len() / n.min(ids.len())])
        .collect()
}

fn overlap(a: &[i64], b: &[i64]) -> f64 {
    if b.is_empty() {
        return 1.0;
    }
    a.iter().filter(|x| b.contains(x)).count() as f64 / b.len() as f64
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

/// Run the whole benchmark, reporting progress on stderr.
/// How [`population`] treats a store that already holds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reuse {
    /// Generate anew whatever the store holds.
    Never,
    /// Reuse it when it holds exactly the requested counts.
    Exact,
    /// Reuse any population (a soak's write cycles may have left it a few
    /// records off).
    Any,
}

/// The store in `data_dir` holding `spec`'s population: reused as `reuse`
/// says, else emptied and generated anew (with the seconds the generation
/// took).
pub(crate) fn population(
    data_dir: &Path,
    spec: &PopulationSpec,
    reuse: Reuse,
    say: &dyn Fn(&str),
) -> Result<(Store, Option<f64>), BenchError> {
    std::fs::create_dir_all(data_dir).map_err(io("data directory"))?;
    let db = data_dir.join("kohtaanto.db");
    let mut store = Store::open(&db.display().to_string())?;
    let held = (
        store.read(profiles::count_profiles)? as usize,
        store.read(vacancies::count_vacancies)? as usize,
    );
    let reusable = match reuse {
        Reuse::Never => false,
        Reuse::Exact => held == (spec.profiles, spec.vacancies),
        Reuse::Any => held.0 > 0,
    };
    if reusable {
        say(&format!(
            "reusing the population in the data directory: {} profiles, {} vacancies",
            held.0, held.1
        ));
        return Ok((store, None));
    }
    if held != (0, 0) {
        drop(store);
        for f in ["kohtaanto.db", "kohtaanto.db-wal", "kohtaanto.db-shm"] {
            let _ = std::fs::remove_file(data_dir.join(f));
        }
        let _ = std::fs::remove_dir_all(data_dir.join("index"));
        store = Store::open(&db.display().to_string())?;
    }
    say(&format!(
        "generating {} profiles and {} vacancies",
        spec.profiles, spec.vacancies
    ));
    let report = generate_population(&store, &indexer::sources::fixtures_dir(), spec, |_, _| {})?;
    Ok((store, Some(report.seconds)))
}

pub fn run(o: &BenchOptions) -> Result<BenchReport, BenchError> {
    let started = Instant::now();
    let say = |what: &str| eprintln!("[{:>7.1} s] {what}", started.elapsed().as_secs_f64());
    let spec = PopulationSpec::today(o.profiles, o.vacancies, o.seed);
    let reuse = if o.fresh { Reuse::Never } else { Reuse::Exact };
    let (store, generated_seconds) = population(&o.data_dir, &spec, reuse, &say)?;
    let reference = ReferenceData::load(&store)?;
    let root = IndexRoot::new(o.data_dir.join("index"));
    say("building the index");
    let built = rebuild(&store, &root, &reference, |_, _| {})?;
    root.remove_stale()?;
    let engine = MatchEngine::new(
        store.clone(),
        reference.clone(),
        SearchIndex::open_current(&root)?,
        ScoringConfig::default(),
    );
    let t = Instant::now();
    engine.warm()?;
    let index = IndexFigures {
        documents: built.vacancies + built.profiles,
        seconds: built.seconds,
        docs_per_second: built.docs_per_second,
        bytes: built.bytes,
        records_load_seconds: t.elapsed().as_secs_f64(),
    };

    let now = chrono::Utc::now().naive_utc();
    let request = |limit| MatchRequest {
        limit,
        scope: Scope::Mobility,
        now,
        org_id: None,
        token_id: None,
        lang: matcher::taxonomy::Lang::Fi,
    };
    let all_vacancies = store.read(|c| vacancies::vacancy_ids_after(c, 0, i64::MAX))?;
    let all_profiles = store.read(|c| profiles::profile_ids_after(c, 0, i64::MAX))?;
    let vacancy_ids = spread(&all_vacancies, o.queries);
    let profile_ids = spread(&all_profiles, o.queries);

    say("in-process latency: candidates, vacancies, search");
    let (mut times, mut ours_c, mut scored) = (Vec::new(), Vec::new(), Vec::new());
    for &id in &vacancy_ids {
        let t = Instant::now();
        let r = engine.candidates(id, ProfileAccess::AllActive, &request(20))?;
        times.push(t.elapsed().as_secs_f64());
        ours_c.push(r.results.iter().map(|x| x.id).collect::<Vec<_>>());
        scored.push(r.retrieved);
    }
    let candidates = Latency::of(times);
    let candidates_scored_median = median(&mut scored);
    let (mut times, mut ours_v, mut scored) = (Vec::new(), Vec::new(), Vec::new());
    for &id in &profile_ids {
        let t = Instant::now();
        let r = engine.vacancies(id, VacancyAccess::All, &request(20))?;
        times.push(t.elapsed().as_secs_f64());
        ours_v.push(r.results.iter().map(|x| x.id).collect::<Vec<_>>());
        scored.push(r.retrieved);
    }
    let vacancies_for_jobseeker = Latency::of(times);
    let vacancies_scored_median = median(&mut scored);
    // Free text from the sampled vacancies' titles, filtered by region.
    let mut searches = Vec::new();
    for &id in &vacancy_ids {
        if let Some(v) = store.read(|c| vacancies::get_vacancy(c, id))? {
            let word = v
                .draft
                .title
                .split(|c: char| !c.is_alphanumeric())
                .find(|w| w.chars().count() >= 4)
                .map(str::to_lowercase);
            let region = v
                .draft
                .municipality_code
                .as_deref()
                .and_then(|m| reference.geography.region_of(m))
                .map(|r| r.code.clone());
            searches.push(VacancySearch {
                q: word,
                region,
                limit: 20,
                ..Default::default()
            });
        }
    }
    let mut times = Vec::new();
    for s in &searches {
        let t = Instant::now();
        engine.search_vacancies(s, VacancyAccess::All, now)?;
        times.push(t.elapsed().as_secs_f64());
    }
    let search = Latency::of(times);

    say("exactness against exhaustive scoring");
    let sample = o.queries.min(50);
    let mut overlaps = Vec::new();
    for (i, &id) in vacancy_ids.iter().take(sample).enumerate() {
        let exhaustive =
            engine.candidates_exhaustive(id, ProfileAccess::AllActive, &request(20))?;
        let e: Vec<i64> = exhaustive.iter().map(|x| x.id).collect();
        overlaps.push(overlap(&ours_c[i], &e));
    }
    for (i, &id) in profile_ids.iter().take(sample).enumerate() {
        let exhaustive = engine.vacancies_exhaustive(id, VacancyAccess::All, &request(20))?;
        let e: Vec<i64> = exhaustive.iter().map(|x| x.id).collect();
        overlaps.push(overlap(&ours_v[i], &e));
    }
    let exactness = Exactness {
        sampled: overlaps.len(),
        overlap: mean(&overlaps),
    };

    let baseline = match &o.baseline_url {
        None => None,
        Some(url) => {
            say("loading the PostgreSQL baseline");
            let (mut b, load) = Baseline::load(url, &engine)?;
            say("baseline latency");
            let (mut times, mut overlaps) = (Vec::new(), Vec::new());
            for (i, id) in vacancy_ids.iter().enumerate() {
                let t = Instant::now();
                let theirs = b.candidates(id.0, 20)?;
                times.push(t.elapsed().as_secs_f64());
                overlaps.push(overlap(&ours_c[i], &theirs));
            }
            let c = Latency::of(times);
            let candidates_overlap = mean(&overlaps);
            let (mut times, mut overlaps) = (Vec::new(), Vec::new());
            let now_secs = now.and_utc().timestamp();
            for (i, id) in profile_ids.iter().enumerate() {
                let t = Instant::now();
                let theirs = b.vacancies(id.0, 20, now_secs)?;
                times.push(t.elapsed().as_secs_f64());
                overlaps.push(overlap(&ours_v[i], &theirs));
            }
            let v = Latency::of(times);
            Some(BaselineFigures {
                load,
                candidates_speedup_p50: c.p50_ms / candidates.p50_ms.max(1e-9),
                vacancies_speedup_p50: v.p50_ms / vacancies_for_jobseeker.p50_ms.max(1e-9),
                candidates: c,
                vacancies: v,
                candidates_overlap,
                vacancies_overlap: mean(&overlaps),
            })
        }
    };

    let batch = if o.batch {
        say("nationwide batch: top-10 candidates for every open vacancy");
        let ids = match o.batch_vacancies {
            Some(n) => spread(&all_vacancies, n),
            None => all_vacancies.clone(),
        };
        let mut b = nationwide_batch(&engine, &store, &ids, &request(10))?;
        if ids.len() < all_vacancies.len() {
            let open_share = b.vacancies as f64 / ids.len().max(1) as f64;
            b.sampled_of = Some(all_vacancies.len());
            b.estimated_full_seconds =
                Some(all_vacancies.len() as f64 * open_share / b.per_second.max(1e-9));
        }
        Some(b)
    } else {
        None
    };
    drop(engine);

    say("starting the server");
    let server = server_figures(o, &store, &reference, &vacancy_ids, &searches, &say)?;
    Ok(BenchReport {
        machine: machine(),
        profiles: o.profiles,
        vacancies: o.vacancies,
        generated_seconds,
        index,
        candidates,
        vacancies_for_jobseeker,
        candidates_scored_median,
        vacancies_scored_median,
        search,
        exactness,
        baseline,
        batch,
        server,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Top-10 candidates for every open vacancy, on every core.
fn nationwide_batch(
    engine: &MatchEngine,
    store: &Store,
    ids: &[VacancyId],
    request: &MatchRequest,
) -> Result<BatchFigures, BenchError> {
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| -> Result<(), BenchError> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<(), BenchError> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&id) = ids.get(i) else {
                            return Ok(());
                        };
                        let Some(v) = store.read(|c| vacancies::get_vacancy(c, id))? else {
                            continue;
                        };
                        let d = &v.draft;
                        let open = d.status == matcher::domain::VacancyStatus::Open
                            && d.expires_at.is_none_or(|e| e > request.now);
                        if !open {
                            continue;
                        }
                        engine.rank_candidates_of(&v, ProfileAccess::AllActive, request)?;
                        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join()
                .map_err(|_| BenchError::Io("a batch worker panicked".into()))??;
        }
        Ok(())
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let vacancies = done.into_inner();
    Ok(BatchFigures {
        vacancies,
        seconds,
        per_second: vacancies as f64 / seconds.max(1e-9),
        sampled_of: None,
        estimated_full_seconds: None,
    })
}

/// Stops the server when dropped (SIGTERM, then SIGKILL).
pub(crate) struct Server(Child);

impl Server {
    pub(crate) fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        for _ in 0..100 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn peak_rss_mb(pid: u32) -> f64 {
    proc_status_mb(pid, "VmHWM:")
}

/// A memory figure of `/proc/PID/status` (`VmHWM:`, `VmRSS:`) in MB; 0
/// when it cannot be read.
pub(crate) fn proc_status_mb(pid: u32, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Start `exe serve` on `data_dir` at a free port with the load generator's
/// rate limit lifted (plus `env`), and wait until it is ready: the server
/// and its base URL.
pub(crate) fn start_server(
    exe: &Path,
    data_dir: &Path,
    env: &[(&str, &str)],
) -> Result<(Server, String), BenchError> {
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(["serve", "--data-dir"])
        .arg(data_dir)
        .args(["--bind", "127.0.0.1:0"])
        .env("KOHTAANTO_LOG", "warn")
        // The load generator is one token: lift its rate limit.
        .env("KOHTAANTO_RATE_LIMIT", "1000000")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(io("spawning the server"))?;
    let stdout = child.stdout.take();
    let server = Server(child);
    let mut address = None;
    if let Some(out) = stdout {
        for line in std::io::BufReader::new(out).lines() {
            let line = line.map_err(io("server output"))?;
            if let Some(a) = line.strip_prefix("listening on ") {
                address = Some(a.trim().to_owned());
                break;
            }
        }
    }
    let base = address.ok_or_else(|| BenchError::Server("it printed no address".into()))?;
    let client = http_client()?;
    loop {
        let ready = client
            .get(format!("{base}/readyz"))
            .send()
            .is_ok_and(|r| r.status().is_success());
        if ready {
            return Ok((server, base));
        }
        if started.elapsed() > Duration::from_secs(900) {
            return Err(BenchError::Server("not ready after 15 minutes".into()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The load generator's HTTP client.
pub(crate) fn http_client() -> Result<reqwest::blocking::Client, BenchError> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| BenchError::Server(e.to_string()))
}

fn server_figures(
    o: &BenchOptions,
    store: &Store,
    reference: &ReferenceData,
    vacancy_ids: &[VacancyId],
    searches: &[VacancySearch],
    say: &dyn Fn(&str),
) -> Result<ServerFigures, BenchError> {
    let orgs = indexer::generate::ensure_demo_orgs(store, &reference.geography)?;
    let tokens = crate::demo::ensure_demo_tokens(store, &orgs, &o.data_dir)?;
    let token = tokens
        .get("adviser")
        .cloned()
        .ok_or_else(|| BenchError::Server("no adviser token".into()))?;
    let started = Instant::now();
    let (server, base) = start_server(&o.exe, &o.data_dir, &[])?;
    let client = http_client()?;
    let cold_start_seconds = started.elapsed().as_secs_f64();
    let mut http = Vec::new();
    let candidate_paths: Vec<String> = vacancy_ids
        .iter()
        .map(|id| format!("/v1/vacancies/{}/candidates?limit=20", id.0))
        .collect();
    let search_paths: Vec<String> = searches
        .iter()
        .map(|s| {
            format!(
                "/v1/vacancies?q={}&region={}&limit=20",
                s.q.as_deref().unwrap_or(""),
                s.region.as_deref().unwrap_or("")
            )
        })
        .collect();
    for (route, paths) in [
        ("GET /v1/vacancies/{id}/candidates", &candidate_paths),
        ("GET /v1/vacancies?q=&region=", &search_paths),
    ] {
        for &c in &o.concurrency {
            say(&format!("HTTP {route} at concurrency {c}"));
            http.push(load(
                &client,
                &base,
                &token,
                route,
                paths,
                c,
                o.http_seconds,
            ));
        }
    }
    let peak_rss_mb = peak_rss_mb(server.pid());
    drop(server);
    Ok(ServerFigures {
        cold_start_seconds,
        peak_rss_mb,
        http,
    })
}

/// `concurrency` clients requesting `paths` in turn for `seconds`.
fn load(
    client: &reqwest::blocking::Client,
    base: &str,
    token: &str,
    route: &str,
    paths: &[String],
    concurrency: usize,
    seconds: f64,
) -> HttpRun {
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let results: Vec<(Vec<f64>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..concurrency)
            .map(|worker| {
                scope.spawn(move || {
                    let (mut times, mut errors) = (Vec::new(), 0);
                    let mut i = worker;
                    while Instant::now() < until {
                        let path = &paths[i % paths.len().max(1)];
                        i += concurrency;
                        let t = Instant::now();
                        let ok = client
                            .get(format!("{base}{path}"))
                            .bearer_auth(token)
                            .send()
                            .and_then(|r| {
                                let ok = r.status().is_success();
                                r.bytes().map(|_| ok)
                            })
                            .unwrap_or(false);
                        times.push(t.elapsed().as_secs_f64());
                        errors += usize::from(!ok);
                    }
                    (times, errors)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let errors = results.iter().map(|r| r.1).sum();
    let times: Vec<f64> = results.into_iter().flat_map(|r| r.0).collect();
    HttpRun {
        route: route.to_owned(),
        concurrency,
        requests: times.len(),
        errors,
        requests_per_second: times.len() as f64 / elapsed.max(1e-9),
        latency: Latency::of(times),
    }
}

/// The report as a table a person reads, with each target.
pub fn print(r: &BenchReport) {
    let m = &r.machine;
    println!(
        "Kohtaanto benchmark: {} profiles, {} vacancies; {} cores, {:.0} GB, {}",
        r.profiles, r.vacancies, m.cores, m.memory_gb, m.cpu
    );
    println!(
        "{:<46} {:>12} {:>10} {:>10} {:>10}",
        "measure", "p50 / value", "p95", "p99", "target"
    );
    let row = |name: &str, l: &Latency, target: &str| {
        println!(
            "{:<46} {:>9.2} ms {:>7.2} ms {:>7.2} ms {:>10}",
            name, l.p50_ms, l.p95_ms, l.p99_ms, target
        );
    };
    let value = |name: &str, v: String, target: &str| {
        println!("{name:<46} {v:>12} {:>10} {:>10} {target:>10}", "", "");
    };
    let i = &r.index;
    value(
        "index build (docs/s)",
        format!("{:.0}", i.docs_per_second),
        "≥ 50,000",
    );
    value(
        "index size (MB)",
        format!("{:.0}", i.bytes as f64 / 1e6),
        "",
    );
    value(
        "match records load (s)",
        format!("{:.1}", i.records_load_seconds),
        "",
    );
    row(
        "top-20 candidates for a vacancy",
        &r.candidates,
        "5 / 25 ms",
    );
    row(
        "top-20 vacancies for a jobseeker",
        &r.vacancies_for_jobseeker,
        "",
    );
    value(
        "records scored a query (median): candidates",
        r.candidates_scored_median.to_string(),
        "",
    );
    value(
        "records scored a query (median): vacancies",
        r.vacancies_scored_median.to_string(),
        "",
    );
    row("free-text search, region filter", &r.search, "");
    value(
        "exactness (overlap with exhaustive)",
        format!("{:.3}", r.exactness.overlap),
        "1.0",
    );
    if let Some(b) = &r.baseline {
        row("PostgreSQL baseline: candidates", &b.candidates, "");
        row("PostgreSQL baseline: vacancies", &b.vacancies, "");
        value(
            "speed-up over PostgreSQL, candidates (p50)",
            format!("{:.1}×", b.candidates_speedup_p50),
            "≥ 100×",
        );
        value(
            "speed-up over PostgreSQL, vacancies (p50)",
            format!("{:.1}×", b.vacancies_speedup_p50),
            "",
        );
        value(
            "baseline top-20 in ours, candidates",
            format!("{:.0} %", b.candidates_overlap * 100.0),
            "",
        );
        value(
            "baseline top-20 in ours, vacancies",
            format!("{:.0} %", b.vacancies_overlap * 100.0),
            "",
        );
    }
    if let Some(b) = &r.batch {
        match b.sampled_of {
            None => value(
                "nationwide batch, top-10 for every vacancy (s)",
                format!("{:.1}", b.seconds),
                "≤ 300 s",
            ),
            Some(all) => value(
                &format!(
                    "batch: {} of {all} sampled, {:.1} s; full ≈",
                    b.vacancies, b.seconds
                ),
                format!("{:.0} s", b.estimated_full_seconds.unwrap_or_default()),
                "≤ 300 s",
            ),
        }
    }
    let s = &r.server;
    value(
        "server cold start to ready (s)",
        format!("{:.1}", s.cold_start_seconds),
        "",
    );
    value(
        "server peak RSS (MB)",
        format!("{:.0}", s.peak_rss_mb),
        "≤ 4,096",
    );
    for h in &s.http {
        row(
            &format!(
                "HTTP c={} {} ({:.0} req/s, {} errors)",
                h.concurrency,
                if h.route.contains("candidates") {
                    "candidates"
                } else {
                    "search"
                },
                h.requests_per_second,
                h.errors
            ),
            &h.latency,
            "",
        );
    }
    println!("total {:.0} s", r.seconds);
}

/// Write the report as JSON.
pub fn write_json<T: Serialize>(r: &T, path: &Path) -> Result<(), BenchError> {
    let text = serde_json::to_string_pretty(r).map_err(|e| BenchError::Io(e.to_string()))?;
    std::fs::write(path, text).map_err(io("the JSON report"))
}

//! JobPosting feeds end to end: a local HTTP server serves realistic Finnish,
//! Swedish and English feeds (a JSON array, an `ItemList`, an HTML page with
//! JSON-LD) and broken ones, and the imports must write exactly what they
//! say, or nothing.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indexer::feeds::{
    self, import_document, import_feed, DuplicateItem, FeedError, FeedSource, FetchLimits,
    RejectedItem,
};
use indexer::sources::jobposting::{self, JobLocation, VacancyOrigin};
use indexer::store::outbox::{self, Entity, Op};
use indexer::store::{orgs, vacancies, Backend};
use matcher::domain::*;
use matcher::geography::Geography;

use crate::support::TestDb;

on_every_backend!(
    feeds_import_and_reimport_is_a_no_op,
    changed_posting_updates_with_a_new_version,
    cross_source_duplicates_are_skipped,
    bad_postings_are_reported_and_skipped,
    broken_feeds_leave_the_store_untouched,
    failed_write_rolls_back_the_whole_feed,
    server_errors_are_retried,
    feeds_are_read_from_files,
    scheduler_pulls_feeds_at_their_interval,
);

// ---------------------------------------------------------------- fixtures

fn geography() -> &'static Geography {
    static GEO: OnceLock<Geography> = OnceLock::new();
    GEO.get_or_init(|| {
        indexer::sources::load_geography_dir(&indexer::sources::fixtures_dir().join("geo")).unwrap()
    })
}

/// Three Finnish ads as a plain JSON array, the way many Finnish ATS exports
/// look: a PropertyValue identifier, a numeric one, none at all (remote job).
const FEED_FI: &str = r#"[
  {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "identifier": {"@type": "PropertyValue", "name": "Hakunumero", "value": "PIRHA-2026-1142"},
    "title": "Sairaanhoitaja, sisätautien osasto",
    "description": "<p>Haemme <strong>sairaanhoitajaa</strong> Tays Keskussairaalan sisätautien osastolle vakituiseen työsuhteeseen.</p><ul><li>Kolmivuorotyö</li><li>Perehdytys &amp; mentorointi</li></ul>",
    "datePosted": "2026-11-02",
    "validThrough": "2027-01-31",
    "employmentType": "FULL_TIME",
    "hiringOrganization": {"@type": "Organization", "name": "Pirkanmaan hyvinvointialue", "sameAs": "https://www.pirha.fi"},
    "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "streetAddress": "Elämänaukio 2", "postalCode": "33520", "addressLocality": "Tampere", "addressCountry": "FI"}},
    "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR", "value": {"@type": "QuantitativeValue", "minValue": 3000, "maxValue": 3600, "unitText": "MONTH"}},
    "occupationalCategory": "2221 Sairaanhoitajat",
    "skills": "lääkehoito, potilasturvallisuus; Lifecare-potilastietojärjestelmä",
    "totalJobOpenings": 2,
    "inLanguage": "fi-FI"
  },
  {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "identifier": 58213,
    "title": "Kirvesmies, Jyväskylän työmaat",
    "description": "Etsimme kokenutta kirvesmiestä kerrostalotyömaille. Sinulla on kokemusta runko- ja sisävalmistusvaiheen töistä ja voimassa oleva työturvallisuuskortti.",
    "datePosted": "2026-11-10",
    "validThrough": "2027-02-15T16:00:00+02:00",
    "employmentType": ["FULL_TIME", "TEMPORARY"],
    "hiringOrganization": "Rakennus Mäkelä Oy",
    "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": "40100", "addressLocality": "Jyvaskyla"}},
    "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR", "value": {"@type": "QuantitativeValue", "value": 17.5, "unitText": "HOUR"}},
    "occupationalCategory": {"@type": "CategoryCode", "codeValue": "7115", "inCodeSet": "ISCO-08"},
    "skills": ["työturvallisuuskortti", "muottityöt"]
  },
  {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "url": "https://koodiosuuskunta.fi/ura/backend-kehittaja",
    "title": "Backend-kehittäjä (Rust), etätyö",
    "description": "Rakennamme julkisen sektorin palveluita ja etsimme backend-kehittäjää, jolla on kokemusta Rustista ja PostgreSQL:stä.",
    "datePosted": "2026-11-15",
    "validThrough": "2027-01-15T23:59:00Z",
    "employmentType": "FULL_TIME",
    "hiringOrganization": {"@type": "Organization", "name": "Koodiosuuskunta"},
    "jobLocationType": "TELECOMMUTE",
    "applicantLocationRequirements": {"@type": "Country", "name": "FI"},
    "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR", "value": {"@type": "QuantitativeValue", "minValue": 54000, "maxValue": 66000, "unitText": "YEAR"}},
    "occupationalCategory": "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",
    "skills": "Rust\nPostgreSQL\nKubernetes"
  }
]"#;

/// Two Swedish ads as an ItemList of ListItems.
const FEED_SV: &str = r#"{
  "@context": "https://schema.org",
  "@type": "ItemList",
  "name": "Lediga jobb",
  "itemListElement": [
    {"@type": "ListItem", "position": 1, "item": {
      "@type": "JobPosting",
      "identifier": "HEL-SV-311",
      "title": "Sjuksköterska till hemsjukvården",
      "description": "Vi söker en sjuksköterska till hemsjukvården i centrum. Du har legitimation och erfarenhet av arbete inom hemvård.",
      "datePosted": "2026-11-12",
      "validThrough": "2027-01-10",
      "employmentType": "PART_TIME",
      "hiringOrganization": {"@type": "Organization", "name": "Helsingfors stad"},
      "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": "00530", "addressLocality": "Helsingfors", "addressRegion": "Nyland", "addressCountry": {"@type": "Country", "name": "Finland"}}},
      "inLanguage": "sv"
    }},
    {"@type": "ListItem", "position": 2, "item": {
      "@type": "JobPosting",
      "identifier": "VASA-2026-77",
      "title": "Lärare i svenska och litteratur",
      "description": "Vasa övningsskola söker en lärare i svenska och litteratur för läsåret 2027. Vi erbjuder en trevlig arbetsmiljö och du har behörighet som lärare.",
      "datePosted": "2026-11-14",
      "validThrough": "2027-01-20",
      "employmentType": "TEMPORARY",
      "hiringOrganization": "Vasa övningsskola",
      "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "VASA"}}
    }}
  ]
}"#;

/// An English careers page: the postings in an @graph that also holds the
/// employer (referenced by @id) and a breadcrumb, plus unrelated blocks.
const PAGE_EN: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Careers – Pohjoisen Data Oy</title>
  <script type="application/ld+json">{"@context": "https://schema.org", "@type": "WebSite", "name": "Pohjoisen Data", "url": "https://pohjoisendata.fi"}</script>
  <!-- <script type="application/ld+json">{"@type": "JobPosting", "title": "Old ad, commented out"}</script> -->
  <script src="/static/app.js" defer></script>
  <script type="application/ld+json">
  {
    "@context": "https://schema.org",
    "@graph": [
      {"@type": "Organization", "@id": "https://pohjoisendata.fi/#org", "name": "Pohjoisen Data Oy", "url": "https://pohjoisendata.fi"},
      {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Careers"}]},
      {
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "value": "PD-DE-12"},
        "title": "Data Engineer",
        "description": "&lt;p&gt;We are looking for a data engineer to build our analytics platform. You will work with the team on pipelines &amp;amp; data models.&lt;/p&gt;",
        "datePosted": "2026-11-01",
        "validThrough": "2027-01-31T12:00:00+02:00",
        "employmentType": "FULL_TIME",
        "hiringOrganization": {"@id": "https://pohjoisendata.fi/#org"},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Oulu", "addressCountry": "Finland"}, "geo": {"@type": "GeoCoordinates", "latitude": 65.0121, "longitude": 25.4651}},
        "inLanguage": "en"
      },
      {
        "@type": "JobPosting",
        "identifier": "PD-WH-3",
        "title": "Warehouse Worker (summer 2027)",
        "description": "Join our logistics centre for the summer season. You are reliable and have a forklift licence.",
        "datePosted": "2026-11-05",
        "validThrough": "2027-03-01",
        "employmentType": "SEASONAL",
        "hiringOrganization": {"@id": "https://pohjoisendata.fi/#org"},
        "jobLocation": [{"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": "01530", "addressLocality": "Vantaa"}}],
        "totalJobOpenings": "5"
      }
    ]
  }
  </script>
</head>
<body><h1>Open positions</h1><p>See our jobs below.</p></body>
</html>"##;

/// The first Finnish ad as another portal republishes it: another id, the
/// employer in capitals, different punctuation, the Swedish town name; and a
/// second ad the first feed does not have.
const FEED_OTHER_PORTAL: &str = r#"[
  {
    "@type": "JobPosting",
    "identifier": "op-998877",
    "title": "SAIRAANHOITAJA – sisätautien osasto!",
    "description": "Pirkanmaan hyvinvointialue hakee sairaanhoitajaa.",
    "validThrough": "2027-01-31",
    "hiringOrganization": "PIRKANMAAN HYVINVOINTIALUE",
    "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Tammerfors"}}
  },
  {
    "@type": "JobPosting",
    "identifier": "op-998878",
    "title": "Lähihoitaja, kotihoito",
    "description": "Pirkanmaan hyvinvointialue hakee lähihoitajaa kotihoitoon.",
    "validThrough": "2027-01-31",
    "hiringOrganization": "Pirkanmaan hyvinvointialue",
    "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Tampere"}}
  }
]"#;

/// One good posting among bad ones.
const FEED_MIXED: &str = r#"[
  {"@type": "JobPosting", "identifier": "M-1", "title": "Myyjä", "description": "Myymälään haetaan myyjää.",
   "validThrough": "2027-01-31", "hiringOrganization": "Kauppa Oy",
   "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Åbo"}}},
  {"@type": "JobPosting", "identifier": "M-2", "title": "  ", "validThrough": "2027-01-31",
   "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Turku"}}},
  {"@type": "JobPosting", "identifier": "M-3", "title": "Tarjoilija", "validThrough": "2027-01-31",
   "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Kamppi"}}},
  {"@type": "JobPosting", "identifier": "M-4", "title": "Kesätyöntekijä", "validThrough": "2024-01-31",
   "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Turku"}}},
  {"@type": "JobPosting", "identifier": "M-5", "title": "Remote support agent", "validThrough": "2027-01-31",
   "jobLocationType": "TELECOMMUTE", "applicantLocationRequirements": [{"@type": "Country", "name": "Sweden"}]},
  {"@type": "JobPosting", "identifier": "M-6", "title": "Siivooja", "validThrough": "2027-01-31", "totalJobOpenings": 0,
   "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Turku"}}},
  {"@type": "JobPosting", "identifier": "M-1", "title": "Myyjä (uusinta)", "validThrough": "2027-01-31",
   "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Turku"}}},
  {"identifier": "M-8", "title": "Ei tyyppiä"},
  {"@type": "JobPosting", "identifier": "M-9", "title": "Lagerarbetare", "validThrough": "2027-01-31",
   "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Stockholm", "addressCountry": "SE"}}},
  {"@type": "JobPosting", "identifier": "M-10", "title": "Kokki", "validThrough": "31.1.2027",
   "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Turku"}}}
]"#;

// ---------------------------------------------------------------- server

/// One canned HTTP response.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Sent as `Content-Length`; `None` streams the body until the
    /// connection closes.
    content_length: Option<usize>,
    /// Wait this long before answering at all.
    delay: Duration,
    /// Send the body one byte at a time with this pause in between.
    drip: Option<Duration>,
}

impl Reply {
    fn ok(body: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/ld+json".into())],
            body: body.as_bytes().to_vec(),
            content_length: Some(body.len()),
            delay: Duration::ZERO,
            drip: None,
        }
    }

    fn html(body: &str) -> Reply {
        let mut reply = Reply::ok(body);
        reply.headers = vec![("Content-Type".into(), "text/html; charset=utf-8".into())];
        reply
    }

    fn status(status: u16) -> Reply {
        let mut reply = Reply::ok("{\"error\": \"unavailable\"}");
        reply.status = status;
        reply
    }

    fn redirect(location: &str) -> Reply {
        let mut reply = Reply::status(302);
        reply.headers.push(("Location".into(), location.into()));
        reply
    }
}

type Routes = Arc<Mutex<HashMap<String, Vec<Reply>>>>;

/// A tiny HTTP/1.1 server on 127.0.0.1 serving canned replies per path; a
/// path with several replies hands them out in turn and then repeats the
/// last. Counts the requests per path.
struct FeedServer {
    addr: SocketAddr,
    routes: Routes,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl FeedServer {
    fn start() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let routes: Routes = Arc::default();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (routes, hits, stop) = (routes.clone(), hits.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (routes, hits) = (routes.clone(), hits.clone());
                    std::thread::spawn(move || serve(stream, &routes, &hits));
                }
            })
        };
        FeedServer {
            addr,
            routes,
            hits,
            stop,
            accept: Some(accept),
        }
    }

    fn route(&self, path: &str, replies: Vec<Reply>) {
        self.routes.lock().unwrap().insert(path.into(), replies);
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

fn serve(mut stream: TcpStream, routes: &Routes, hits: &Mutex<HashMap<String, usize>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let request = String::from_utf8_lossy(&request);
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let reply = {
        let mut routes = routes.lock().unwrap();
        match routes.get_mut(&path) {
            Some(replies) if replies.len() > 1 => replies.remove(0),
            Some(replies) if !replies.is_empty() => replies[0].clone(),
            _ => Reply::status(404),
        }
    };
    std::thread::sleep(reply.delay);
    let mut head = format!("HTTP/1.1 {} Canned\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(n) = reply.content_length {
        head.push_str(&format!("Content-Length: {n}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    match reply.drip {
        Some(pause) => {
            for byte in &reply.body {
                if stream
                    .write_all(&[*byte])
                    .and_then(|_| stream.flush())
                    .is_err()
                {
                    return;
                }
                std::thread::sleep(pause);
            }
        }
        None => {
            let _ = stream.write_all(&reply.body);
        }
    }
    let _ = stream.flush();
}

// ---------------------------------------------------------------- helpers

fn limits() -> FetchLimits {
    FetchLimits {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_millis(800),
        max_body_bytes: 64 * 1024,
        retries: 2,
        backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        max_redirects: 3,
    }
}

fn employer(db: &TestDb, name: &str) -> OrgId {
    db.store
        .write(|c| orgs::create_org(c, OrgKind::Employer, name, None, None))
        .unwrap()
        .id
}

fn vacancy(db: &TestDb, source: &str, source_id: &str) -> Vacancy {
    db.store
        .read(|c| vacancies::find_vacancy_by_source(c, source, source_id))
        .unwrap()
        .unwrap_or_else(|| panic!("no vacancy {source}/{source_id}"))
}

fn count(db: &TestDb) -> i64 {
    db.store.read(vacancies::count_vacancies).unwrap()
}

fn last_outbox(db: &TestDb) -> i64 {
    db.store.read(outbox::last_id).unwrap()
}

fn outbox_after(db: &TestDb, after: i64) -> Vec<(Entity, i64, Op, i64)> {
    db.store
        .read(|c| outbox::read_after(c, after, 1_000))
        .unwrap()
        .into_iter()
        .map(|e| (e.entity, e.entity_id, e.op, e.version))
        .collect()
}

/// Every vacancy as stored, for before/after comparisons.
fn snapshot(db: &TestDb) -> Vec<Vacancy> {
    db.store
        .read(|c| {
            let ids = vacancies::vacancy_ids_after(c, 0, 10_000)?;
            vacancies::get_vacancies(c, &ids)
        })
        .unwrap()
}

fn stored_fingerprint(db: &TestDb, id: VacancyId) -> Option<String> {
    use diesel::prelude::*;
    use indexer::store::schema::vacancies as v;
    let mut conn = db.store.conn().unwrap();
    v::table
        .find(id.0)
        .select(v::fingerprint)
        .first(&mut conn)
        .unwrap()
}

/// Forgets every stored fingerprint, as for rows written before the column existed.
fn forget_fingerprints(db: &TestDb) {
    use diesel::prelude::*;
    use indexer::store::schema::vacancies as v;
    let mut conn = db.store.conn().unwrap();
    diesel::update(v::table)
        .set(v::fingerprint.eq(None::<String>))
        .execute(&mut conn)
        .unwrap();
}

fn import(db: &TestDb, source: &FeedSource) -> feeds::FeedReport {
    import_feed(&db.store, geography(), source, &limits())
        .unwrap_or_else(|e| panic!("{}: {e}", e.code()))
}

fn counts(r: &feeds::FeedReport) -> (usize, usize, usize, usize, usize, usize) {
    (
        r.items_seen,
        r.created,
        r.updated,
        r.unchanged,
        r.duplicates,
        r.rejected.len(),
    )
}

// ---------------------------------------------------------------- store tests

pub fn feeds_import_and_reimport_is_a_no_op(db: &TestDb) {
    let server = FeedServer::start();
    server.route("/fi.json", vec![Reply::ok(FEED_FI)]);
    server.route("/sv.json", vec![Reply::ok(FEED_SV)]);
    server.route("/careers", vec![Reply::html(PAGE_EN)]);
    let owner = employer(db, "Työmarkkinatori-syöte");
    let fi = FeedSource::new("tyopaikat-fi", &server.url("/fi.json"), owner);
    let sv = FeedSource::new("lediga-jobb", &server.url("/sv.json"), owner);
    let en = FeedSource::new("pohjoisen-data", &server.url("/careers"), owner);
    let start = last_outbox(db);

    let report = import(db, &fi);
    assert_eq!(counts(&report), (3, 3, 0, 0, 0, 0), "{report:?}");
    assert_eq!(report.fetched_bytes, FEED_FI.len() as u64);
    assert_eq!(report.source, "tyopaikat-fi");
    assert_eq!(report.location, server.url("/fi.json"));
    assert_eq!(counts(&import(db, &sv)), (2, 2, 0, 0, 0, 0));
    let report = import(db, &en);
    assert_eq!(counts(&report), (2, 2, 0, 0, 0, 0), "{report:?}");
    assert_eq!(report.fetched_bytes, PAGE_EN.len() as u64);
    assert_eq!(count(db), 7);

    // The Finnish nurse, field by field.
    let nurse = vacancy(db, "tyopaikat-fi", "PIRHA-2026-1142");
    let d = &nurse.draft;
    assert_eq!(d.title, "Sairaanhoitaja, sisätautien osasto");
    assert_eq!(
        d.description,
        "Haemme sairaanhoitajaa Tays Keskussairaalan sisätautien osastolle vakituiseen \
         työsuhteeseen.\n\n- Kolmivuorotyö\n- Perehdytys & mentorointi"
    );
    assert_eq!(d.ad_language, "fi");
    assert_eq!(
        d.employer_name.as_deref(),
        Some("Pirkanmaan hyvinvointialue")
    );
    assert_eq!(d.municipality_code.as_deref(), Some("837"));
    assert_eq!((d.lat, d.lon), (None, None));
    assert_eq!(d.isco_code.as_deref(), Some("2221"));
    assert_eq!(d.occupation_uri, None);
    assert_eq!(
        (d.salary_min_eur, d.salary_max_eur),
        (Some(3000), Some(3600))
    );
    assert_eq!(
        (d.work_time, d.contract_type, d.remote),
        (
            WorkTime::FullTime,
            ContractType::Permanent,
            RemoteMode::None
        )
    );
    assert_eq!(d.positions, 2);
    assert_eq!(d.expires_at, Some(ts(2027, 1, 31, 23, 59, 59)));
    assert_eq!(
        d.skills
            .iter()
            .map(|s| (s.skill.uri.clone(), s.skill.label.as_str(), s.importance))
            .collect::<Vec<_>>(),
        vec![
            (None, "lääkehoito", SkillImportance::Essential),
            (None, "potilasturvallisuus", SkillImportance::Essential),
            (
                None,
                "Lifecare-potilastietojärjestelmä",
                SkillImportance::Essential
            ),
        ]
    );
    assert_eq!(
        (d.owner_org, d.visibility, d.status),
        (owner, Visibility::Public, VacancyStatus::Open)
    );
    assert_eq!(nurse.version, 1);

    // The carpenter: numeric id, hourly wage, temporary, no diacritics in the town.
    let carpenter = vacancy(db, "tyopaikat-fi", "58213").draft;
    assert_eq!(carpenter.municipality_code.as_deref(), Some("179"));
    assert_eq!(
        (carpenter.salary_min_eur, carpenter.salary_max_eur),
        (Some(2800), Some(2800))
    );
    assert_eq!(carpenter.contract_type, ContractType::FixedTerm);
    assert_eq!(carpenter.isco_code.as_deref(), Some("7115"));
    assert_eq!(carpenter.ad_language, "fi", "guessed from the text");
    assert_eq!(carpenter.expires_at, Some(ts(2027, 2, 15, 14, 0, 0)));
    assert_eq!(
        carpenter.employer_name.as_deref(),
        Some("Rakennus Mäkelä Oy")
    );

    // The remote developer has no identifier: its id is a stable hash.
    let all = snapshot(db);
    let developer = all
        .iter()
        .find(|v| v.draft.title == "Backend-kehittäjä (Rust), etätyö")
        .unwrap();
    let dd = &developer.draft;
    assert!(
        dd.source_id.starts_with("h-") && dd.source_id.len() == 34,
        "{}",
        dd.source_id
    );
    assert_eq!(
        (dd.remote, dd.municipality_code.as_deref()),
        (RemoteMode::Full, None)
    );
    assert_eq!(
        (dd.salary_min_eur, dd.salary_max_eur),
        (Some(4500), Some(5500))
    );
    assert_eq!(
        dd.occupation_uri.as_deref(),
        Some("http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1")
    );
    assert_eq!(dd.isco_code, None);
    let labels: Vec<&str> = dd.skills.iter().map(|s| s.skill.label.as_str()).collect();
    assert_eq!(labels, ["Rust", "PostgreSQL", "Kubernetes"]);

    // Swedish: the Swedish town names map, the language is declared or guessed.
    let nurse_sv = vacancy(db, "lediga-jobb", "HEL-SV-311").draft;
    assert_eq!(nurse_sv.municipality_code.as_deref(), Some("091"));
    assert_eq!(
        (nurse_sv.ad_language.as_str(), nurse_sv.work_time),
        ("sv", WorkTime::PartTime)
    );
    let teacher = vacancy(db, "lediga-jobb", "VASA-2026-77").draft;
    assert_eq!(teacher.municipality_code.as_deref(), Some("905"));
    assert_eq!(teacher.ad_language, "sv", "guessed from the text");
    assert_eq!(teacher.contract_type, ContractType::FixedTerm);

    // English, from the HTML page: employer by @id, coordinates kept,
    // the twice-escaped description unescaped.
    let engineer = vacancy(db, "pohjoisen-data", "PD-DE-12").draft;
    assert_eq!(engineer.employer_name.as_deref(), Some("Pohjoisen Data Oy"));
    assert_eq!(engineer.municipality_code.as_deref(), Some("564"));
    assert_eq!((engineer.lat, engineer.lon), (Some(65.0121), Some(25.4651)));
    assert_eq!(engineer.ad_language, "en");
    assert_eq!(
        engineer.description,
        "We are looking for a data engineer to build our analytics platform. You will work \
         with the team on pipelines & data models."
    );
    assert_eq!(engineer.expires_at, Some(ts(2027, 1, 31, 10, 0, 0)));
    let warehouse = vacancy(db, "pohjoisen-data", "PD-WH-3").draft;
    assert_eq!(warehouse.municipality_code.as_deref(), Some("092"));
    assert_eq!(warehouse.contract_type, ContractType::Seasonal);
    assert_eq!(warehouse.positions, 5);
    assert_eq!(warehouse.ad_language, "en", "guessed from the text");

    // Every created vacancy wrote one outbox row, and stored its fingerprint.
    let written = outbox_after(db, start);
    assert_eq!(written.len(), 7);
    assert!(written
        .iter()
        .all(|(e, _, op, v)| (*e, *op, *v) == (Entity::Vacancy, Op::Upsert, 1)));
    let fingerprint = vacancies::fingerprint(&nurse.draft);
    assert_eq!(
        fingerprint,
        "pirkanmaan hyvinvointialue|sairaanhoitaja sisatautien osasto|837"
    );
    assert_eq!(
        stored_fingerprint(db, nurse.id).as_deref(),
        Some(fingerprint.as_str())
    );

    // Importing the same feeds again changes nothing at all.
    let before = snapshot(db);
    let mark = last_outbox(db);
    assert_eq!(counts(&import(db, &fi)), (3, 0, 0, 3, 0, 0));
    assert_eq!(counts(&import(db, &sv)), (2, 0, 0, 2, 0, 0));
    assert_eq!(counts(&import(db, &en)), (2, 0, 0, 2, 0, 0));
    assert_eq!(snapshot(db), before);
    assert_eq!(last_outbox(db), mark);
    assert_eq!(server.hits("/fi.json"), 2);
}

pub fn changed_posting_updates_with_a_new_version(db: &TestDb) {
    let server = FeedServer::start();
    server.route("/fi.json", vec![Reply::ok(FEED_FI)]);
    let owner = employer(db, "Syöte Oy");
    let fi = FeedSource::new("tyopaikat-fi", &server.url("/fi.json"), owner);
    assert_eq!(counts(&import(db, &fi)), (3, 3, 0, 0, 0, 0));
    let nurse = vacancy(db, "tyopaikat-fi", "PIRHA-2026-1142");
    let carpenter = vacancy(db, "tyopaikat-fi", "58213");
    let mark = last_outbox(db);

    // The employer raised the salary and extended the application period.
    let changed = FEED_FI
        .replace(
            "\"minValue\": 3000, \"maxValue\": 3600",
            "\"minValue\": 3200, \"maxValue\": 3800",
        )
        .replace(
            "\"validThrough\": \"2027-01-31\"",
            "\"validThrough\": \"2027-02-28\"",
        );
    assert_ne!(changed, FEED_FI);
    server.route("/fi.json", vec![Reply::ok(&changed)]);
    let report = import(db, &fi);
    assert_eq!(counts(&report), (3, 0, 1, 2, 0, 0), "{report:?}");

    let updated = vacancy(db, "tyopaikat-fi", "PIRHA-2026-1142");
    assert_eq!(updated.id, nurse.id);
    assert_eq!(updated.version, 2);
    assert_eq!(
        (updated.draft.salary_min_eur, updated.draft.salary_max_eur),
        (Some(3200), Some(3800))
    );
    assert_eq!(updated.draft.expires_at, Some(ts(2027, 2, 28, 23, 59, 59)));
    assert_eq!(updated.created_at, nurse.created_at);
    assert_eq!(vacancy(db, "tyopaikat-fi", "58213"), carpenter);
    assert_eq!(
        outbox_after(db, mark),
        vec![(Entity::Vacancy, nurse.id.0, Op::Upsert, 2)]
    );

    // A posting whose employer changed also changes its fingerprint.
    let renamed = changed.replace("Rakennus Mäkelä Oy", "Mäkelä Rakennus Oy");
    server.route("/fi.json", vec![Reply::ok(&renamed)]);
    assert_eq!(counts(&import(db, &fi)), (3, 0, 1, 2, 0, 0));
    let carpenter = vacancy(db, "tyopaikat-fi", "58213");
    assert_eq!(carpenter.version, 2);
    assert_eq!(
        stored_fingerprint(db, carpenter.id).as_deref(),
        Some("makela rakennus oy|kirvesmies jyvaskylan tyomaat|179")
    );
}

pub fn cross_source_duplicates_are_skipped(db: &TestDb) {
    let server = FeedServer::start();
    server.route("/fi.json", vec![Reply::ok(FEED_FI)]);
    server.route("/other.json", vec![Reply::ok(FEED_OTHER_PORTAL)]);
    let owner = employer(db, "Syöte Oy");
    let fi = FeedSource::new("tyopaikat-fi", &server.url("/fi.json"), owner);
    let other = FeedSource::new("toinen-portaali", &server.url("/other.json"), owner);
    import(db, &fi);
    let nurse = vacancy(db, "tyopaikat-fi", "PIRHA-2026-1142");

    // As if the first import had run before fingerprints existed: the next
    // import computes them first, and then finds the duplicate.
    forget_fingerprints(db);
    assert_eq!(stored_fingerprint(db, nurse.id), None);
    let report = import(db, &other);
    assert_eq!(report.fingerprints_backfilled, 3);
    assert_eq!(
        stored_fingerprint(db, nurse.id).as_deref(),
        Some("pirkanmaan hyvinvointialue|sairaanhoitaja sisatautien osasto|837")
    );
    assert_eq!(
        vacancy(db, "tyopaikat-fi", "PIRHA-2026-1142"),
        nurse,
        "no version bump"
    );
    assert_eq!(counts(&report), (2, 1, 0, 0, 1, 0), "{report:?}");
    assert_eq!(
        report.duplicate_items,
        vec![DuplicateItem {
            index: 0,
            source_id: "op-998877".into(),
            existing_vacancy: nurse.id,
            existing_source: "tyopaikat-fi".into(),
        }]
    );
    assert_eq!(count(db), 4);
    let found = db
        .store
        .read(|c| vacancies::find_vacancy_by_source(c, "toinen-portaali", "op-998877"))
        .unwrap();
    assert_eq!(found, None);
    // Again: still a duplicate, the other ad unchanged.
    assert_eq!(counts(&import(db, &other)), (2, 0, 0, 1, 1, 0));

    // The same source is never its own duplicate: the first feed re-imports
    // as unchanged.
    assert_eq!(counts(&import(db, &fi)), (3, 0, 0, 3, 0, 0));

    // Once the first source's ad is no longer live, the other's is imported.
    let mut closed = nurse.draft.clone();
    closed.status = VacancyStatus::Closed;
    db.store
        .write(|c| vacancies::update_vacancy(c, nurse.id, &closed, Some(1)))
        .unwrap();
    assert_eq!(counts(&import(db, &other)), (2, 1, 0, 1, 0, 0));
    assert_eq!(
        vacancy(db, "toinen-portaali", "op-998877")
            .draft
            .municipality_code
            .as_deref(),
        Some("837")
    );
}

pub fn bad_postings_are_reported_and_skipped(db: &TestDb) {
    let server = FeedServer::start();
    server.route("/mixed.json", vec![Reply::ok(FEED_MIXED)]);
    let owner = employer(db, "Syöte Oy");
    let source = FeedSource::new("sekalaiset", &server.url("/mixed.json"), owner);
    let start = last_outbox(db);
    let report = import(db, &source);
    assert_eq!(counts(&report), (10, 1, 0, 0, 0, 9), "{report:#?}");
    let rejected = |index: usize, id: &str, reason: &str| RejectedItem {
        index,
        identifier: Some(id.into()),
        reason: reason.into(),
    };
    assert_eq!(
        report.rejected,
        vec![
            rejected(1, "M-2", "title: missing or empty"),
            rejected(
                2,
                "M-3",
                "jobLocation: no Finnish municipality matches \"Kamppi\" and no coordinates are given"
            ),
            rejected(3, "M-4", "validThrough: expired on 2024-01-31 23:59:59 UTC"),
            rejected(
                4,
                "M-5",
                "applicantLocationRequirements: remote work only for applicants in Sweden"
            ),
            rejected(
                5,
                "M-6",
                "totalJobOpenings: 0 is not a whole number between 1 and 10000"
            ),
            rejected(
                6,
                "M-1",
                "identifier \"M-1\" was already used by posting 0 of this feed"
            ),
            rejected(7, "M-8", "not a JobPosting: the element has no @type"),
            rejected(
                8,
                "M-9",
                "jobLocation: no Finnish municipality matches \"Stockholm, SE\" and no coordinates are given"
            ),
            rejected(
                9,
                "M-10",
                "validThrough: \"31.1.2027\" is not an ISO 8601 date or date-time"
            ),
        ]
    );
    let seller = vacancy(db, "sekalaiset", "M-1");
    assert_eq!(seller.draft.title, "Myyjä");
    assert_eq!(seller.draft.municipality_code.as_deref(), Some("853"));
    assert_eq!(count(db), 1);
    assert_eq!(outbox_after(db, start).len(), 1);

    // The report serialises for the CLI and the API.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["created"], 1);
    assert_eq!(json["rejected"][0]["index"], 1);
    assert_eq!(json["rejected"][0]["identifier"], "M-2");
    assert!(json["duration_ms"].is_u64());
}

pub fn broken_feeds_leave_the_store_untouched(db: &TestDb) {
    let server = FeedServer::start();
    let owner = employer(db, "Syöte Oy");
    server.route("/fi.json", vec![Reply::ok(FEED_FI)]);
    let good = FeedSource::new("tyopaikat-fi", &server.url("/fi.json"), owner);
    import(db, &good);
    let before = snapshot(db);
    let mark = last_outbox(db);

    let big = format!("[{}]", vec!["{\"@type\": \"Thing\"}"; 5_000].join(","));
    assert!(big.len() > 64 * 1024);
    let mut streamed = Reply::ok(&big);
    streamed.content_length = None;
    let mut slow = Reply::ok(FEED_FI);
    slow.delay = Duration::from_secs(3);
    let mut dripping = Reply::ok("[]                                        ");
    dripping.drip = Some(Duration::from_millis(50));
    let mut not_utf8 = Reply::ok("");
    not_utf8.body = b"[{\"title\": \"Ty\xf6\"}]".to_vec();
    not_utf8.content_length = Some(not_utf8.body.len());
    let closed_port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let routes: Vec<(&str, Reply)> = vec![
        (
            "/malformed.json",
            Reply::ok("[{\"@type\": \"JobPosting\", \"title\": \"Rikki\""),
        ),
        ("/not-utf8.json", not_utf8),
        ("/huge-declared.json", Reply::ok(&big)),
        ("/huge-streamed.json", streamed),
        ("/slow.json", slow),
        ("/dripping.json", dripping),
        ("/gone.json", Reply::status(404)),
        (
            "/to-metadata",
            Reply::redirect("http://169.254.169.254/latest/meta-data/"),
        ),
        ("/to-private", Reply::redirect("http://10.0.0.1/feed.json")),
        (
            "/to-localhost",
            Reply::redirect(&format!("http://localhost:{}/fi.json", server.addr.port())),
        ),
        ("/loop", Reply::redirect("/loop")),
        ("/not-json", Reply::ok("Hakemukset sähköpostitse.")),
    ];
    for (path, reply) in routes {
        server.route(path, vec![reply]);
    }
    let cases: Vec<(String, &str, &str)> = vec![
        (server.url("/malformed.json"), "feed_malformed", "malformed feed: invalid JSON: EOF while parsing"),
        (server.url("/not-utf8.json"), "feed_malformed", "malformed feed: not UTF-8 (invalid byte at offset 14)"),
        (server.url("/not-json"), "feed_malformed", "malformed feed: neither JSON nor HTML"),
        (server.url("/huge-declared.json"), "feed_too_large", "larger than the limit of 65536 bytes"),
        (server.url("/huge-streamed.json"), "feed_too_large", "larger than the limit of 65536 bytes"),
        (server.url("/slow.json"), "feed_timeout", "no complete response within 800 ms"),
        (server.url("/dripping.json"), "feed_timeout", "no complete response within 800 ms"),
        (server.url("/gone.json"), "feed_http_status", "HTTP status 404"),
        (
            server.url("/to-metadata"),
            "feed_redirect_refused",
            "redirect to http://169.254.169.254/latest/meta-data/ refused: 169.254.169.254 is a link-local address",
        ),
        (
            server.url("/to-private"),
            "feed_redirect_refused",
            "redirect to http://10.0.0.1/feed.json refused: 10.0.0.1 is a private address",
        ),
        (
            server.url("/to-localhost"),
            "feed_redirect_refused",
            "refused: localhost is this machine",
        ),
        (server.url("/loop"), "feed_too_many_redirects", "more than 3 redirects"),
        (
            format!("http://127.0.0.1:{closed_port}/feed.json"),
            "feed_unreachable",
            "unreachable: error sending request",
        ),
    ];
    for (url, code, message) in &cases {
        // Each broken feed poses as the good source, whose vacancies it must not touch.
        let mut source = good.clone();
        source.location = feeds::FeedLocation::parse(url);
        let started = Instant::now();
        let err = import_feed(&db.store, geography(), &source, &limits()).unwrap_err();
        assert_eq!(err.code(), *code, "{url}: {err}");
        assert!(err.to_string().contains(message), "{url}: {err}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{url} took {:?}",
            started.elapsed()
        );
        assert_eq!(snapshot(db), before, "{url}");
        assert_eq!(last_outbox(db), mark, "{url}");
    }
    // A refused redirect is never followed; a 404 is not retried; a refused
    // connection is (and still fails).
    assert_eq!(server.hits("/fi.json"), 1);
    assert_eq!(server.hits("/gone.json"), 1);
    assert_eq!(server.hits("/loop"), 4);

    // A missing owner organization is a configuration error.
    let mut orphan = good.clone();
    orphan.owner_org = OrgId(987_654);
    let err = import_feed(&db.store, geography(), &orphan, &limits()).unwrap_err();
    assert_eq!(err.code(), "feed_source_invalid");
    assert_eq!(
        err.to_string(),
        "feed \"tyopaikat-fi\" is misconfigured: owner organization 987654 does not exist"
    );
    assert_eq!(snapshot(db), before);

    // A relative redirect on the configured host is followed.
    server.route("/moved", vec![Reply::redirect("/fi.json")]);
    let mut moved = good.clone();
    moved.location = feeds::FeedLocation::parse(&server.url("/moved"));
    assert_eq!(counts(&import(db, &moved)), (3, 0, 0, 3, 0, 0));
}

pub fn failed_write_rolls_back_the_whole_feed(db: &TestDb) {
    let server = FeedServer::start();
    let owner = employer(db, "Syöte Oy");
    server.route("/fi.json", vec![Reply::ok(FEED_FI)]);
    let fi = FeedSource::new("tyopaikat-fi", &server.url("/fi.json"), owner);
    import(db, &fi);
    let before = snapshot(db);
    let mark = last_outbox(db);

    // The database refuses one row. The feed's update of the nurse (written
    // first) must roll back with it.
    let refuse = match db.store.backend() {
        Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON vacancies \
             WHEN NEW.title = 'Myrkkyposti' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END",
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN \
             IF NEW.title = 'Myrkkyposti' THEN RAISE EXCEPTION 'poisoned row'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON vacancies \
             FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
        ],
    };
    {
        use diesel::RunQueryDsl;
        let mut conn = db.store.conn().unwrap();
        for sql in refuse {
            diesel::sql_query(sql).execute(&mut *conn).unwrap();
        }
    }
    let poisoned = FEED_FI
        .replace("\"minValue\": 3000", "\"minValue\": 3100")
        .replace(
            "\"title\": \"Backend-kehittäjä (Rust), etätyö\"",
            "\"title\": \"Myrkkyposti\"",
        );
    server.route("/fi.json", vec![Reply::ok(&poisoned)]);
    let err = import_feed(&db.store, geography(), &fi, &limits()).unwrap_err();
    assert!(matches!(err, FeedError::Store(_)), "{err}");
    assert_eq!(snapshot(db), before);
    assert_eq!(last_outbox(db), mark);
}

pub fn server_errors_are_retried(db: &TestDb) {
    let server = FeedServer::start();
    let owner = employer(db, "Syöte Oy");
    server.route("/flaky.json", vec![Reply::status(500), Reply::ok(FEED_SV)]);
    let mut busy = Reply::status(429);
    busy.headers.push(("Retry-After".into(), "0".into()));
    server.route(
        "/busy.json",
        vec![busy, Reply::status(502), Reply::ok(FEED_FI)],
    );
    server.route("/down.json", vec![Reply::status(503)]);

    let flaky = FeedSource::new("lediga-jobb", &server.url("/flaky.json"), owner);
    assert_eq!(counts(&import(db, &flaky)), (2, 2, 0, 0, 0, 0));
    assert_eq!(server.hits("/flaky.json"), 2);

    let busy = FeedSource::new("tyopaikat-fi", &server.url("/busy.json"), owner);
    assert_eq!(counts(&import(db, &busy)), (3, 3, 0, 0, 0, 0));
    assert_eq!(server.hits("/busy.json"), 3);

    let down = FeedSource::new("alhaalla", &server.url("/down.json"), owner);
    let err = import_feed(&db.store, geography(), &down, &limits()).unwrap_err();
    assert_eq!(err.code(), "feed_http_status");
    assert!(err.to_string().ends_with("HTTP status 503"), "{err}");
    assert_eq!(server.hits("/down.json"), 3, "one attempt and two retries");
    assert_eq!(count(db), 5);
}

pub fn feeds_are_read_from_files(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("careers.html");
    std::fs::write(&page, PAGE_EN).unwrap();
    let owner = employer(db, "Pohjoisen Data Oy");
    let source = FeedSource::new("pohjoisen-data", page.to_str().unwrap(), owner);
    let report = import(db, &source);
    assert_eq!(counts(&report), (2, 2, 0, 0, 0, 0));
    assert_eq!(report.fetched_bytes, PAGE_EN.len() as u64);

    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; 64 * 1024 + 1]).unwrap();
    let source = FeedSource::new("iso", &format!("file://{}", big.display()), owner);
    let err = import_feed(&db.store, geography(), &source, &limits()).unwrap_err();
    assert_eq!(err.code(), "feed_too_large");
    let missing = FeedSource::new("puuttuu", "/nonexistent/feed.json", owner);
    let err = import_feed(&db.store, geography(), &missing, &limits()).unwrap_err();
    assert_eq!(err.code(), "feed_unreachable");

    // A document at hand imports the same way, and is validated the same way.
    let sv = FeedSource::new("lediga-jobb", "unused", owner);
    let report = import_document(&db.store, geography(), &sv, FEED_SV.as_bytes()).unwrap();
    assert_eq!(counts(&report), (2, 2, 0, 0, 0, 0));
    let err = import_document(&db.store, geography(), &sv, b"{\"title\": 1}").unwrap_err();
    assert_eq!(err.code(), "feed_malformed");
    assert_eq!(count(db), 4);
}

pub fn scheduler_pulls_feeds_at_their_interval(db: &TestDb) {
    let server = FeedServer::start();
    let owner = employer(db, "Syöte Oy");
    server.route("/fi.json", vec![Reply::ok(FEED_FI)]);
    server.route("/sv.json", vec![Reply::status(404)]);
    let feeds_list = vec![
        (
            FeedSource::new("tyopaikat-fi", &server.url("/fi.json"), owner),
            Duration::from_millis(150),
        ),
        (
            FeedSource::new("lediga-jobb", &server.url("/sv.json"), owner),
            Duration::from_secs(3600),
        ),
    ];
    let stop = Arc::new(AtomicBool::new(false));
    let handle = feeds::spawn_scheduler(
        db.store.clone(),
        Arc::new(geography().clone()),
        None,
        feeds_list,
        limits(),
        stop.clone(),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.hits("/fi.json") < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    handle.join().unwrap();
    assert!(server.hits("/fi.json") >= 3, "{}", server.hits("/fi.json"));
    // The long-interval feed ran once, at start, and its failure did not stop the others.
    assert_eq!(server.hits("/sv.json"), 1);
    assert_eq!(count(db), 3);
    assert_eq!(outbox_after(db, 0).len(), 3, "re-imports wrote nothing");
}

// ---------------------------------------------------------------- pure tests

fn ts(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, s)
        .unwrap()
}

fn place(locality: &str) -> JobLocation {
    JobLocation {
        locality: Some(locality.into()),
        ..JobLocation::default()
    }
}

#[test]
fn places_map_to_municipalities_by_name_only_when_certain() {
    let geo = geography();
    let code = |l: &JobLocation| jobposting::municipality_of(geo, l);
    assert_eq!(code(&place("Helsingfors")).as_deref(), Some("091"));
    assert_eq!(code(&place("Tampere")).as_deref(), Some("837"));
    assert_eq!(code(&place("TAMMERFORS")).as_deref(), Some("837"));
    assert_eq!(code(&place("Jyvaskyla")).as_deref(), Some("179"));
    assert_eq!(code(&place("33100 Tampere")).as_deref(), Some("837"));
    assert_eq!(code(&place("Kamppi, Helsinki")).as_deref(), Some("091"));
    assert_eq!(code(&place("Espoo, Finland")).as_deref(), Some("049"));
    assert_eq!(code(&place("Mariehamn")).as_deref(), Some("478"));
    // Districts, two towns at once, or a foreign country: no guess.
    assert_eq!(code(&place("Kamppi")), None);
    assert_eq!(code(&place("Espoo / Helsinki")), None);
    assert_eq!(code(&place("Pääkaupunkiseutu")), None);
    let abroad = JobLocation {
        country: Some("SE".into()),
        ..place("Haparanda")
    };
    assert_eq!(code(&abroad), None);
    let helsinki_abroad = JobLocation {
        country: Some("Sweden".into()),
        ..place("Helsinki")
    };
    assert_eq!(code(&helsinki_abroad), None);
    let finland = JobLocation {
        country: Some("Suomi".into()),
        ..place("Åbo")
    };
    assert_eq!(code(&finland).as_deref(), Some("853"));
    // The region field or a one-string address when the locality does not say.
    let by_region = JobLocation {
        region: Some("Vantaa".into()),
        ..place("Aviapolis")
    };
    assert_eq!(code(&by_region).as_deref(), Some("092"));
    let text = JobLocation {
        address_text: Some("Hämeenkatu 1, 33100 Tampere".into()),
        ..JobLocation::default()
    };
    assert_eq!(code(&text).as_deref(), Some("837"));
    // Postal codes alone are not mapped (no open postal code table).
    let postal_only = JobLocation {
        postal_code: Some("00100".into()),
        ..JobLocation::default()
    };
    assert_eq!(code(&postal_only), None);
}

#[test]
fn every_document_shape_yields_its_postings() {
    let titles = |text: &str| -> Vec<String> {
        jobposting::parse_document(text)
            .unwrap()
            .into_iter()
            .map(|i| i.posting.unwrap().title)
            .collect()
    };
    assert_eq!(
        titles(FEED_FI),
        [
            "Sairaanhoitaja, sisätautien osasto",
            "Kirvesmies, Jyväskylän työmaat",
            "Backend-kehittäjä (Rust), etätyö"
        ]
    );
    assert_eq!(
        titles(FEED_SV),
        [
            "Sjuksköterska till hemsjukvården",
            "Lärare i svenska och litteratur"
        ]
    );
    assert_eq!(
        titles(PAGE_EN),
        ["Data Engineer", "Warehouse Worker (summer 2027)"]
    );
    // A single posting, with a BOM, and an ItemList of bare postings.
    let single = "\u{feff}{\"@context\": \"https://schema.org\", \"@type\": \"JobPosting\", \
                  \"title\": \"Bussinkuljettaja\"}";
    assert_eq!(titles(single), ["Bussinkuljettaja"]);
    let bare_list = r#"{"@context": "https://schema.org", "@type": "ItemList",
        "itemListElement": [{"@type": "JobPosting", "title": "Putkiasentaja"},
                            {"@type": "http://schema.org/JobPosting", "title": "Sähköasentaja"}]}"#;
    assert_eq!(titles(bare_list), ["Putkiasentaja", "Sähköasentaja"]);
    assert!(titles("[]").is_empty());
    assert!(
        titles(r#"{"@context": "https://schema.org", "@type": "Organization", "name": "X"}"#)
            .is_empty()
    );
}

#[test]
fn drafts_carry_the_feed_origin() {
    let items = jobposting::parse_document(FEED_FI).unwrap();
    let agencies = [OrgId(7)];
    let origin = VacancyOrigin {
        source: "tyopaikat-fi",
        owner_org: OrgId(3),
        visibility: Visibility::Shared,
        shared_with: &agencies,
    };
    let now = ts(2026, 11, 23, 12, 0, 0);
    let posting = items[0].posting.as_ref().unwrap();
    let draft = posting.to_draft(geography(), &origin, now).unwrap();
    assert_eq!(
        (
            draft.source.as_str(),
            draft.source_id.as_str(),
            draft.owner_org
        ),
        ("tyopaikat-fi", "PIRHA-2026-1142", OrgId(3))
    );
    assert_eq!(
        (draft.visibility, draft.shared_with.clone()),
        (Visibility::Shared, vec![OrgId(7)])
    );
    assert_eq!(items[0].identifier.as_deref(), Some("PIRHA-2026-1142"));

    // The derived id of a posting without identifier is stable, and changes
    // with what identifies the posting.
    let remote = items[2].posting.as_ref().unwrap();
    assert_eq!(items[2].identifier, None);
    let again = jobposting::parse_document(FEED_FI).unwrap();
    assert_eq!(
        again[2].posting.as_ref().unwrap().source_id(),
        remote.source_id()
    );
    let mut moved = remote.clone();
    moved.url = Some("https://koodiosuuskunta.fi/ura/toinen".into());
    assert_ne!(moved.source_id(), remote.source_id());

    // After its validThrough a posting is refused.
    let late = ts(2027, 2, 1, 0, 0, 0);
    assert_eq!(
        posting.to_draft(geography(), &origin, late).unwrap_err(),
        "validThrough: expired on 2027-01-31 23:59:59 UTC"
    );
}

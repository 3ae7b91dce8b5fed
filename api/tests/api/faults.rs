//! Faults: the database goes away under a running server and comes back.
//! A TCP proxy between the server and PostgreSQL is cut and restored.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indexer::store::Store;
use indexer::testkit::TestDb;

use crate::world::World;

/// Forwards 127.0.0.1:<port> to `upstream` until cut.
struct Proxy {
    port: u16,
    down: Arc<AtomicBool>,
    live: Arc<Mutex<Vec<TcpStream>>>,
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

impl Proxy {
    fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let live: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (d, l) = (Arc::clone(&down), Arc::clone(&live));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if d.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let mut live = l.lock().unwrap();
                live.push(client.try_clone().unwrap());
                live.push(server.try_clone().unwrap());
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || pipe(client, server));
                std::thread::spawn(move || pipe(s2, c2));
            }
        });
        Proxy { port, down, live }
    }

    fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        for s in self.live.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

#[test]
fn database_outage_answers_503_and_recovers() {
    let Some(db) = TestDb::postgres().unwrap() else {
        eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    };
    let (host_port, rest) = {
        let after = db.url.split_once('@').unwrap().1;
        let (hp, rest) = after.split_once('/').unwrap();
        (hp.to_owned(), rest.to_owned())
    };
    let proxy = Proxy::start(host_port.clone());
    let via_proxy = db.url.replace(
        &format!("@{host_port}/{rest}"),
        &format!("@127.0.0.1:{}/{rest}", proxy.port),
    );
    let w = World::start_with(db, |state| {
        state.store = Store::open(&via_proxy).unwrap();
    });
    let (s, _) = w.call(Some("adviser_a"), "GET", "/v1/places?q=Kuo", None);
    assert_eq!(s, 200);

    proxy.cut();
    let started = Instant::now();
    let r = w
        .client
        .get(w.url("/v1/places?q=Kuo"))
        .bearer_auth(&w.who("adviser_a").token)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.headers().get("retry-after").is_some());
    let body: serde_json::Value = r.json().unwrap();
    assert_eq!(body["code"], "database_unavailable");
    assert!(started.elapsed() < Duration::from_secs(25));
    assert_eq!(w.call(None, "GET", "/readyz", None).0, 503);

    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (s, _) = w.call(None, "GET", "/readyz", None);
        if s == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (s, _) = w.call(Some("adviser_a"), "GET", "/v1/places?q=Kuo", None);
    assert_eq!(s, 200);
}

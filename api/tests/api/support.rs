//! Helpers: plain HTTP/1.1 requests and the `kohtaanto` binary as a child
//! process that is killed when the test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A response: status code, headers (lower-case names) and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// `GET path` on localhost:port.
pub fn get(port: u16, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The `kohtaanto` binary with a clean `KOHTAANTO_*` environment, run in `dir`.
pub fn kohtaanto(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kohtaanto"));
    command.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("KOHTAANTO_") {
            command.env_remove(key);
        }
    }
    command.env("KOHTAANTO_LOG", "warn");
    command
}

/// `kohtaanto demo` in `dir` (data under `dir/data`) on a random port,
/// with a population of this size.
pub fn demo_command(dir: &Path, profiles: usize, vacancies: usize) -> Command {
    let mut command = kohtaanto(dir);
    command.args(["demo", "--data-dir", "data", "--bind", "127.0.0.1:0"]);
    command.args(["--profiles", &profiles.to_string()]);
    command.args(["--vacancies", &vacancies.to_string()]);
    command
}

/// A server process; killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    /// Every stdout line up to and including "listening on …".
    pub output: Vec<String>,
}

impl Server {
    /// Start `command` and wait (up to 5 minutes: it may generate a
    /// population first) until it prints its address.
    pub fn start(command: Command) -> Server {
        Server::start_with_stderr(command, Stdio::inherit())
    }

    /// [`Server::start`] with the server's stderr going to `stderr` (a
    /// file, for a test that reads the log).
    pub fn start_with_stderr(mut command: Command, stderr: Stdio) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut output = Vec::new();
        loop {
            let line = match rx.recv_timeout(Duration::from_secs(300)) {
                Ok(line) => line,
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("server did not start ({e}); output: {output:#?}");
                }
            };
            output.push(line.clone());
            if let Some(address) = line.strip_prefix("listening on http://") {
                let port = address.rsplit_once(':').unwrap().1.parse().unwrap();
                return Server {
                    child,
                    port,
                    output,
                };
            }
        }
    }
}

impl Server {
    /// The exit status, once the process has ended.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Send SIGTERM and wait for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Server {
    /// SIGKILL, as a crash or the kernel's OOM killer would; waits until
    /// the process is gone.
    pub fn kill_nine(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A small deterministic random sequence (xorshift), seeded per run and
/// printed so that a failing run can be repeated.
pub struct Random(pub u64);

impl Random {
    pub fn new() -> Random {
        let seed = std::env::var("KOHTAANTO_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("random seed {seed} (KOHTAANTO_TEST_SEED to repeat)");
        Random(seed)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Point a `kohtaanto` command at this store and index directory (its data
/// directory is the index directory's parent).
pub fn with_store(command: &mut Command, url: &str, index_dir: &Path) {
    command
        .env("KOHTAANTO_DATABASE_URL", url)
        .env("KOHTAANTO_INDEX_DIR", index_dir)
        .env("KOHTAANTO_DATA_DIR", index_dir.parent().unwrap());
}

/// `kohtaanto index check --json` on this store and index: exit code and report.
pub fn check_json(dir: &Path, url: &str, index_dir: &Path) -> (Option<i32>, serde_json::Value) {
    let mut command = kohtaanto(dir);
    command.args(["index", "check", "--json"]);
    with_store(&mut command, url, index_dir);
    let out = command.output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "index check printed no JSON: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

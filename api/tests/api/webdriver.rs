//! A small W3C WebDriver client for the browser tests: chromedriver as a
//! child process on a free port (killed on drop), one headless Chromium
//! session, and the handful of commands the flows need, over blocking
//! reqwest and JSON.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key an element reference is returned under (W3C).
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver key codes.
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const ARROW_DOWN: &str = "\u{E015}";
}

/// Where Chromium and chromedriver live (Debian's `chromium` and
/// `chromium-driver` packages).
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process; killed on drop.
pub struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// Start chromedriver on a free port and wait until it answers /status.
    pub fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = client
                .get(format!("{}/status", driver.url))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A new headless Chromium session with a fresh profile; downloads go
    /// to `downloads`.
    pub fn session(&self, downloads: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": args,
                        "prefs": {
                            "download.default_directory": downloads.display().to_string(),
                            "download.prompt_for_download": false,
                        },
                    },
                    "goog:loggingPrefs": {"browser": "ALL"},
                }
            }
        });
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let value = call(
            &client,
            reqwest::Method::POST,
            &format!("{}/session", self.url),
            Some(capabilities),
        )
        .unwrap_or_else(|e| panic!("cannot create a browser session: {e}"));
        let id = value["sessionId"].as_str().unwrap().to_owned();
        let browser = Browser {
            client,
            base: format!("{}/session/{id}", self.url),
            _profile: profile,
            screenshots: PathBuf::new(),
        };
        // A download in headless mode needs an explicit allowance.
        let _ = browser.cdp(
            "Browser.setDownloadBehavior",
            json!({"behavior": "allow", "downloadPath": downloads.display().to_string()}),
        );
        browser
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver error: its `error` code and message.
#[derive(Debug)]
pub struct WebDriverError {
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

fn call(
    client: &reqwest::blocking::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, WebDriverError> {
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().map_err(|e| WebDriverError {
        error: "transport".into(),
        message: e.to_string(),
    })?;
    let value: Value = response.json().map_err(|e| WebDriverError {
        error: "transport".into(),
        message: e.to_string(),
    })?;
    let value = value.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        return Err(WebDriverError {
            error: error.to_owned(),
            message: value["message"]
                .as_str()
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        });
    }
    Ok(value)
}

/// One browser session; deleted on drop.
pub struct Browser {
    client: reqwest::blocking::Client,
    base: String,
    _profile: tempfile::TempDir,
    /// Where `screenshot` writes.
    pub screenshots: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = call(&self.client, reqwest::Method::DELETE, &self.base, None);
    }
}

/// An element of the current page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element(pub String);

impl Element {
    fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

fn element(value: &Value) -> Option<Element> {
    value
        .get(ELEMENT_KEY)
        .and_then(Value::as_str)
        .map(|id| Element(id.to_owned()))
}

impl Browser {
    fn try_cmd(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, WebDriverError> {
        call(&self.client, method, &format!("{}{path}", self.base), body)
    }

    fn get(&self, path: &str) -> Value {
        self.try_cmd(reqwest::Method::GET, path, None)
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.try_cmd(reqwest::Method::POST, path, Some(body))
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// A Chrome DevTools command through chromedriver's extension.
    pub fn cdp(&self, cmd: &str, params: Value) -> Result<Value, WebDriverError> {
        self.try_cmd(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
    }

    pub fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url }));
    }

    pub fn url(&self) -> String {
        self.get("/url").as_str().unwrap_or_default().to_owned()
    }

    /// The part of the URL after `#`, e.g. `/search`.
    pub fn route(&self) -> String {
        let url = self.url();
        url.split_once("#")
            .map(|(_, r)| r.to_owned())
            .unwrap_or_default()
    }

    pub fn refresh(&self) {
        self.post("/refresh", json!({}));
    }

    /// The first element matching a CSS selector, if any.
    pub fn find(&self, css: &str) -> Option<Element> {
        match self.try_cmd(
            reqwest::Method::POST,
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        ) {
            Ok(v) => element(&v),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("find {css}: {e}"),
        }
    }

    /// Every element matching a CSS selector.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.post("/elements", json!({"using": "css selector", "value": css}));
        v.as_array()
            .map(|a| a.iter().filter_map(element).collect())
            .unwrap_or_default()
    }

    /// Elements under `parent` matching a CSS selector.
    /// (None for a parent gone from the page.)
    pub fn find_in(&self, parent: &Element, css: &str) -> Vec<Element> {
        let v = self.lenient(self.try_cmd(
            reqwest::Method::POST,
            &format!("/element/{}/elements", parent.0),
            Some(json!({"using": "css selector", "value": css})),
        ));
        v.as_array()
            .map(|a| a.iter().filter_map(element).collect())
            .unwrap_or_default()
    }

    /// The element matching `css`; panics (with a screenshot) if it does not
    /// appear within the default wait.
    pub fn el(&self, css: &str) -> Element {
        self.wait(&format!("element {css}"), || self.find(css))
    }

    pub fn click(&self, el: &Element) {
        self.post(&format!("/element/{}/click", el.0), json!({}));
    }

    pub fn clear(&self, el: &Element) {
        self.post(&format!("/element/{}/clear", el.0), json!({}));
    }

    /// Type `text` (which may hold key codes) into `el`.
    pub fn send_keys(&self, el: &Element, text: &str) {
        self.post(&format!("/element/{}/value", el.0), json!({ "text": text }));
    }

    /// Press keys at whatever has focus: sent to the active element.
    pub fn press(&self, text: &str) {
        let active = self.active();
        self.send_keys(&active, text);
    }

    /// The visible text of an element ("" for a stale one).
    pub fn text(&self, el: &Element) -> String {
        self.try_cmd(
            reqwest::Method::GET,
            &format!("/element/{}/text", el.0),
            None,
        )
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
    }

    /// The visible text of the first element matching `css`, "" if none.
    pub fn text_of(&self, css: &str) -> String {
        self.find(css).map(|e| self.text(&e)).unwrap_or_default()
    }

    /// Whether an element is shown (false for a stale one).
    pub fn displayed(&self, el: &Element) -> bool {
        self.try_cmd(
            reqwest::Method::GET,
            &format!("/element/{}/displayed", el.0),
            None,
        )
        .is_ok_and(|v| v == true)
    }

    /// An attribute (None when absent or the element is gone).
    pub fn attr(&self, el: &Element, name: &str) -> Option<String> {
        self.lenient(self.try_cmd(
            reqwest::Method::GET,
            &format!("/element/{}/attribute/{name}", el.0),
            None,
        ))
        .as_str()
        .map(str::to_owned)
    }

    /// A DOM property (null when the element is gone).
    pub fn prop(&self, el: &Element, name: &str) -> Value {
        self.lenient(self.try_cmd(
            reqwest::Method::GET,
            &format!("/element/{}/property/{name}", el.0),
            None,
        ))
    }

    /// The value, or null when the element was re-rendered away; other
    /// errors panic.
    fn lenient(&self, result: Result<Value, WebDriverError>) -> Value {
        match result {
            Ok(v) => v,
            Err(e) if e.error == "stale element reference" || e.error == "no such element" => {
                Value::Null
            }
            Err(e) => panic!("{e}"),
        }
    }

    /// Run `script` (a function body; `arguments` holds `args`) and return
    /// its value.
    pub fn exec(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
    }

    /// Run `script` with an element as `arguments[0]`.
    pub fn exec_on(&self, el: &Element, script: &str) -> Value {
        self.exec(script, vec![el.json()])
    }

    /// The focused element (`document.activeElement`).
    pub fn active(&self) -> Element {
        element(&self.get("/element/active")).unwrap()
    }

    /// Choose an option of a `select` by value, as a user would (the
    /// `change` event fires).
    pub fn select(&self, css: &str, value: &str) {
        let select = self.el(css);
        let option = self
            .find_in(&select, &format!("option[value='{value}']"))
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{css} has no option {value}"));
        self.click(&option);
        let chosen = self.prop(&select, "value");
        if chosen != value {
            // Some drivers do not pick a closed select's option on click.
            self.exec_on(
                &select,
                &format!(
                    "arguments[0].value = '{value}'; \
                     arguments[0].dispatchEvent(new Event('change', {{bubbles: true}}));"
                ),
            );
        }
    }

    /// A PNG of the page from its top, up to 2,400 pixels high (the
    /// viewport if DevTools refuse), written to `<screenshots>/<name>.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let size = self.exec(
            "return [document.documentElement.clientWidth,
                     Math.min(document.documentElement.scrollHeight, 2400)];",
            vec![],
        );
        let clip = json!({"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1});
        let data = match self.cdp(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true, "clip": clip}),
        ) {
            Ok(shot) => shot["data"].clone(),
            Err(_) => self.get("/screenshot"),
        };
        let png = base64_decode(data.as_str().unwrap_or_default());
        std::fs::create_dir_all(&self.screenshots).unwrap();
        let path = self.screenshots.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// The browser console since the last call (chromedriver's log
    /// extension): (level, message).
    pub fn console(&self) -> Vec<(String, String)> {
        self.try_cmd(
            reqwest::Method::POST,
            "/se/log",
            Some(json!({"type": "browser"})),
        )
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e["level"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
    }

    /// Poll `probe` every 50 ms until it gives a value, for up to 30 s (the
    /// whole test suite may be running beside the browser).
    pub fn wait<T>(&self, what: &str, probe: impl FnMut() -> Option<T>) -> T {
        self.wait_for(Duration::from_secs(30), what, probe)
    }

    /// Poll `probe` until it gives a value or `timeout` passes; then save
    /// `failure.png` and panic with the page's route, error region and
    /// console.
    pub fn wait_for<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut probe: impl FnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(value) = probe() {
                return value;
            }
            if Instant::now() > deadline {
                self.fail(&format!("timed out after {timeout:?} waiting for {what}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Panic with what the page shows, after saving `failure.png`.
    pub fn fail(&self, message: &str) -> ! {
        let shot = self.screenshot("failure");
        let error = self.text_of("#error");
        let body = self
            .exec(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(1500)
            .collect::<String>();
        let console: Vec<String> = self
            .console()
            .into_iter()
            .map(|(l, m)| format!("{l}: {m}"))
            .collect();
        panic!(
            "{message}\n  url: {}\n  #error: {error:?}\n  screenshot: {}\n  console: {console:#?}\n  page text: {body}",
            self.url(),
            shot.display()
        );
    }
}

/// Standard base64 (the screenshot encoding), without a crate for it.
fn base64_decode(text: &str) -> Vec<u8> {
    fn sextet(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for value in text.bytes().filter_map(sextet) {
        acc = (acc << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn base64_decodes_what_browsers_send() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("iVBORw0KGgo="), b"\x89PNG\r\n\x1a\n");
}

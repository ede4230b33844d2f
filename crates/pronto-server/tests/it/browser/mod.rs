//! The UI in a real browser: headless Chromium driven through ChromeDriver.
//!
//! ```ignore
//! let Some(browser) = Browser::open().await else { return }; // skipped
//! browser.goto(&app.url("/setup")).await;
//! browser.type_into("#name", "Ada").await;
//! browser.press_key(Key::Enter).await;
//! browser.wait_for_text("[role=status]", "Done").await;
//! assert_eq!(browser.axe_violations().await, []);
//! browser.close().await;
//! ```
//!
//! `open` returns `None` only when `PRONTO_SKIP_BROWSER_TESTS=1`; a missing Chromium,
//! ChromeDriver or axe-core fails the test with the command that installs it. Every
//! helper panics with what it waited for, the page's address and some of its text.

// The API is ahead of its users: the web inbox's tests will use the rest of it.
#![allow(dead_code)]

mod alerts;
mod axe;
mod channel_settings;
mod contacts;
mod driver;
mod email;
mod exports;
mod files;
mod inbox;
mod proxy;
mod rules;
mod saved_replies;
mod search;
mod smoke;
mod snooze;
mod team;
mod webchat;
mod whatsapp;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub use axe::Violation;
pub use proxy::Proxy;

/// How long the helpers wait for the page.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// One browser session: its own Chromium with a fresh profile.
pub struct Browser {
    client: Client,
    /// The WebDriver session, deleted by `close` or, failing that, by `drop`.
    session: Option<String>,
    driver_port: u16,
    profile: Option<tempfile::TempDir>,
}

/// What kind of browser to open.
#[derive(Clone, Debug)]
pub struct Options {
    /// Emulate a phone (390x844 CSS pixels at 3x, touch, mobile viewport rules)
    /// instead of a 1280x900 desktop viewport.
    pub phone: bool,
    /// The browser's language (`--lang` and the Accept-Language header), `en-US`
    /// when `None`.
    pub lang: Option<String>,
    /// Notifications allowed for every site, as if the person had said yes.
    pub notifications: bool,
}

/// A key (or a chord) for `press_key`.
#[derive(Clone, Copy, Debug)]
pub enum Key {
    Enter,
    /// Shift+Enter (a new line in a composer that sends on Enter).
    ShiftEnter,
    Escape,
    Tab,
    Backspace,
    ArrowUp,
    ArrowDown,
    /// A character, as typed (`'j'`, `'?'`).
    Char(char),
    /// A key with Alt held (Alt+1 inserts a reply suggestion).
    Alt(char),
}

impl Options {
    pub fn desktop() -> Options {
        Options {
            phone: false,
            lang: None,
            notifications: false,
        }
    }

    pub fn phone() -> Options {
        Options {
            phone: true,
            ..Options::desktop()
        }
    }

    pub fn notifications_allowed(self) -> Options {
        Options {
            notifications: true,
            ..self
        }
    }

    pub fn lang(self, lang: &str) -> Options {
        Options {
            lang: Some(lang.to_owned()),
            ..self
        }
    }
}

impl Browser {
    /// A desktop browser (1280x900 viewport), or `None` if browser tests are skipped.
    pub async fn open() -> Option<Browser> {
        Browser::open_with(Options::desktop()).await
    }

    /// A phone (390x844), or `None` if browser tests are skipped.
    pub async fn open_phone() -> Option<Browser> {
        Browser::open_with(Options::phone()).await
    }

    /// A browser as `options` say, or `None` if browser tests are skipped.
    pub async fn open_with(options: Options) -> Option<Browser> {
        if driver::skipped() {
            return None;
        }
        let driver = driver::driver().await;
        let profile = tempfile::Builder::new()
            .prefix("pronto-chromium-")
            .tempdir()
            .expect("a temporary profile directory");
        let lang = options.lang.as_deref().unwrap_or("en-US");
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--lang={lang}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        // Downloads land in the profile's own folder, without asking (`downloaded`).
        let downloads = profile.path().join("downloads");
        let mut chrome = json!({
            "binary": driver.chromium,
            "prefs": {
                "intl.accept_languages": lang,
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
        });
        if options.notifications {
            chrome["prefs"]["profile.default_content_setting_values.notifications"] = json!(1);
        }
        if options.phone {
            chrome["mobileEmulation"] = json!({
                "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0, "mobile": true, "touch": true}
            });
        } else {
            args.push("--window-size=1280,900".to_owned());
        }
        chrome["args"] = json!(args);
        let caps = json!({"browserName": "chrome", "goog:chromeOptions": chrome});
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "Chromium did not start through ChromeDriver: {e}; {}",
                    driver::INSTALL_HINT
                )
            });
        // This harness ends the session itself (`close`, or `drop` after a panic):
        // fantoccini's own shutdown runs on a task that dies with the test's runtime.
        client.persist().await.expect("persist");
        let session = client.session_id().await.expect("the session's id");
        let browser = Browser {
            client,
            session,
            driver_port: driver.port,
            profile: Some(profile),
        };
        if !options.phone {
            browser.fit_viewport(1280, 900).await;
        }
        Some(browser)
    }

    /// `--window-size` sizes the window, whose frame takes some of it even in
    /// headless mode: grows the window so that the viewport gets the size.
    async fn fit_viewport(&self, width: u32, height: u32) {
        let frame = self
            .execute("return [outerWidth - innerWidth, outerHeight - innerHeight]")
            .await;
        let (dw, dh) = (
            frame[0].as_u64().unwrap_or(0),
            frame[1].as_u64().unwrap_or(0),
        );
        if dw > 0 || dh > 0 {
            self.client
                .set_window_size(width + dw as u32, height + dh as u32)
                .await
                .expect("resizing the window");
        }
    }

    /// Opens `url` and waits for it to load; panics if it does not.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.try_goto(url).await {
            panic!("{e}");
        }
    }

    /// Opens `url`; `Err` says why it did not load (a refused connection, ...).
    pub async fn try_goto(&self, url: &str) -> Result<(), String> {
        self.client
            .goto(url)
            .await
            .map_err(|e| format!("opening {url}: {e}"))?;
        // ChromeDriver reports a network error as a success that shows Chromium's
        // error page, whose document is at a chrome-error: address.
        let error = self
            .execute(
                "return document.documentURI.startsWith('chrome-error:') \
                 ? document.documentURI + ' ' + document.body.innerText : null",
            )
            .await;
        match error.as_str() {
            Some(e) => Err(format!("opening {url}: {}", e.replace('\n', " "))),
            None => Ok(()),
        }
    }

    /// The page's current address.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("(no address: {e})"))
    }

    /// The first element matching `css`, once there is one.
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                return e;
            }
            if Instant::now() > deadline {
                self.fail(&format!("no element matches {css:?}")).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until an element matching `css` contains `text`; returns its text.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let mut seen = Vec::new();
            for e in self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                let t = e.text().await.unwrap_or_default();
                if t.contains(text) {
                    return t;
                }
                seen.push(t);
            }
            if Instant::now() > deadline {
                self.fail(&format!(
                    "no element matching {css:?} contains {text:?} (they say {seen:?})"
                ))
                .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the JavaScript expression `expr` is truthy.
    pub async fn wait_until(&self, expr: &str) {
        let deadline = Instant::now() + TIMEOUT;
        let script = format!("return !!({expr});");
        loop {
            if self.client.execute(&script, vec![]).await.ok() == Some(Value::Bool(true)) {
                return;
            }
            if Instant::now() > deadline {
                self.fail(&format!("{expr} did not become true")).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The text of the first finished download whose name starts with `prefix`,
    /// once there is one (Chromium writes `.crdownload` until it is complete).
    pub async fn downloaded(&self, prefix: &str) -> String {
        let dir = self
            .profile
            .as_ref()
            .expect("an open browser has its profile")
            .path()
            .join("downloads");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let done = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .find(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.starts_with(prefix) && !name.ends_with(".crdownload")
                });
            if let Some(entry) = done {
                return std::fs::read_to_string(entry.path()).expect("a downloaded text file");
            }
            if Instant::now() > deadline {
                self.fail(&format!("no download named {prefix}… in {}", dir.display()))
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element matching `css`, once there is one that can be clicked.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let e = self.wait_for(css).await;
            match e.click().await {
                Ok(()) => return,
                Err(err) if Instant::now() > deadline => {
                    self.fail(&format!("cannot click {css:?}: {err}")).await
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Focuses the element matching `css` and types `text` at its end.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.click(css).await;
        let e = self.wait_for(css).await;
        if let Err(err) = e.send_keys(text).await {
            self.fail(&format!("cannot type into {css:?}: {err}")).await;
        }
    }

    /// Chooses the file at `path` in the file input matching `css` (which may be
    /// visually hidden behind its label, as a person would use the label).
    pub async fn choose_file(&self, css: &str, path: &std::path::Path) {
        let e = self.wait_for(css).await;
        if let Err(err) = e.send_keys(&path.display().to_string()).await {
            self.fail(&format!("cannot choose a file in {css:?}: {err}"))
                .await;
        }
    }

    /// Presses `key` in the focused element, as a keyboard would.
    pub async fn press_key(&self, key: Key) {
        use fantoccini::key::Key as K;
        let (modifier, value) = match key {
            Key::Enter => (None, K::Enter.into()),
            Key::ShiftEnter => (Some(K::Shift.into()), K::Enter.into()),
            Key::Escape => (None, K::Escape.into()),
            Key::Tab => (None, K::Tab.into()),
            Key::Backspace => (None, K::Backspace.into()),
            Key::ArrowUp => (None, K::Up.into()),
            Key::ArrowDown => (None, K::Down.into()),
            Key::Char(c) => (None, c),
            Key::Alt(c) => (Some(K::Alt.into()), c),
        };
        let mut keys = KeyActions::new("keyboard".to_owned());
        if let Some(m) = modifier {
            keys = keys.then(KeyAction::Down { value: m });
        }
        keys = keys
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        if let Some(m) = modifier {
            keys = keys.then(KeyAction::Up { value: m });
        }
        if let Err(e) = self.client.perform_actions(keys).await {
            self.fail(&format!("cannot press {key:?}: {e}")).await;
        }
    }

    /// The text of the element matching `css`, once there is one.
    pub async fn text(&self, css: &str) -> String {
        let e = self.wait_for(css).await;
        e.text().await.unwrap_or_default()
    }

    /// Runs `js` as a function's body in the page; its `return` value.
    pub async fn execute(&self, js: &str) -> Value {
        match self.client.execute(js, vec![]).await {
            Ok(v) => v,
            Err(e) => self.fail(&format!("script failed: {e}\n{js}")).await,
        }
    }

    /// Saves a screenshot of the viewport to `<target>/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = match self.client.screenshot().await {
            Ok(png) => png,
            Err(e) => self.fail(&format!("no screenshot: {e}")).await,
        };
        let dir = driver::target_dir().join("screenshots");
        std::fs::create_dir_all(&dir).expect("the screenshots directory");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("writing the screenshot");
        eprintln!("screenshot: {}", path.display());
        path
    }

    /// axe-core's serious and critical violations on the current page.
    pub async fn axe_violations(&self) -> Vec<Violation> {
        axe::violations(&self.client).await
    }

    /// Fails with axe's findings, if any, on `what`.
    pub async fn assert_axe_clean(&self, what: &str) {
        let violations = self.axe_violations().await;
        let listed: String = violations.iter().map(|v| format!("\n  {v}")).collect();
        assert!(violations.is_empty(), "axe on {what}:{listed}");
    }

    /// Opens `url` (a page of a `TestApp`), which asks to sign in, and signs in as
    /// the test admin (`TestApp::admin`); waits for `then` on the page it leads to.
    pub async fn sign_in_as_admin(&self, url: &str, then: &str) {
        self.goto(url).await;
        self.wait_for("#login").await;
        self.type_into("#email", "admin@acme.test").await;
        self.type_into("#password", "correct horse battery").await;
        self.press_key(Key::Enter).await;
        self.wait_for(then).await;
    }

    /// Ends the session and its Chromium.
    pub async fn close(mut self) {
        self.session = None;
        if let Err(e) = self.client.clone().close().await {
            eprintln!("closing the browser: {e}");
        }
    }

    /// Panics with `what`, the page's address and the start of its text.
    async fn fail(&self, what: &str) -> ! {
        let url = self.url().await;
        let text = self
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let snippet: String = text.chars().take(500).collect();
        panic!("{what}\n  page: {url}\n  text: {snippet:?}");
    }
}

impl Drop for Browser {
    /// After a panic, ends the session before the next test (and before the binary
    /// ends): a short blocking request, as the test's runtime may be going away.
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            let _ = driver::http(
                self.driver_port,
                "DELETE",
                &format!("/session/{session}"),
                Duration::from_secs(30),
            );
        }
        // Chromium is gone by now, so its profile can go.
        drop(self.profile.take());
    }
}

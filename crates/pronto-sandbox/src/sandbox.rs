//! The `Sandbox` handle: registration of pages, the test hooks (scripted errors,
//! revoked tokens, the request log, seeded history) and time.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::Notify;

use crate::Clock;
use crate::state::{Comment, Msg, State};

/// Messenger (a Facebook Page) or Instagram (a professional account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Messenger,
    Instagram,
}

impl Platform {
    /// `messenger` or `instagram`, as Pronto's channel kinds and Graph's `platform`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Messenger => "messenger",
            Platform::Instagram => "instagram",
        }
    }
}

/// A Page or Instagram account registered in the sandbox.
#[derive(Debug, Clone)]
pub struct PageConfig {
    /// The Page id, or the Instagram professional account id.
    pub id: String,
    pub platform: Platform,
    pub name: String,
    /// The app that the token belongs to (echoes carry it as `app_id`).
    pub app_id: String,
    pub app_secret: String,
    /// The Page access token the Graph API accepts.
    pub token: String,
    /// Whether the app passed review for the Human Agent feature.
    pub human_agent: bool,
    /// Where webhooks go: Pronto's `/webhooks/meta/{channel_id}`.
    pub callback_url: Option<String>,
    /// Whether a successful send queues an echo, as Meta does.
    pub echoes: bool,
}

impl PageConfig {
    /// A page with a name, no Human Agent feature, no callback yet, echoes on.
    pub fn new(platform: Platform, id: &str, app_id: &str, app_secret: &str, token: &str) -> Self {
        PageConfig {
            id: id.to_owned(),
            platform,
            name: "Sandbox Page".to_owned(),
            app_id: app_id.to_owned(),
            app_secret: app_secret.to_owned(),
            token: token.to_owned(),
            human_agent: false,
            callback_url: None,
            echoes: true,
        }
    }
}

/// One request the Graph API received, and what it answered.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The JSON body (`Null` when there was none or it was not JSON).
    pub body: Value,
    /// Whether `appsecret_proof` was right for the token's app.
    pub proof_ok: bool,
    pub status: u16,
    pub response: Value,
    pub at: i64,
}

impl LoggedRequest {
    /// A query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A past message to put in a page's history (for the Conversations API).
#[derive(Debug, Clone)]
pub struct SeedMessage {
    pub customer: String,
    pub customer_name: String,
    /// The customer wrote it (else the page did).
    pub from_customer: bool,
    pub text: String,
    /// Microseconds since the epoch.
    pub at: i64,
}

/// Meta's side, shared: clone it freely (every clone sees the same state).
#[derive(Clone)]
pub struct Sandbox {
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) clock: Clock,
    pub(crate) http: reqwest::Client,
    pub(crate) wake: Arc<Notify>,
}

impl Sandbox {
    /// An empty sandbox on `clock`.
    pub fn new(clock: Clock) -> Sandbox {
        Sandbox {
            state: Arc::default(),
            clock,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            wake: Arc::default(),
        }
    }

    /// The sandbox's current time (microseconds).
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data; carry on with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes the next message ids start above `floor`. A sandbox restarted in front
    /// of the same Pronto database (`pronto serve --demo`) would otherwise hand out
    /// `m_sbx000001` again, an id Pronto already holds for another message.
    pub fn start_ids_above(&self, floor: u64) {
        let mut s = self.lock();
        s.counter = s.counter.max(floor);
    }

    /// Registers (or replaces) a page.
    pub fn add_page(&self, page: PageConfig) {
        let mut s = self.lock();
        s.revoked.remove(&page.token);
        s.pages.insert(page.id.clone(), page);
    }

    /// A registered page.
    pub fn page(&self, id: &str) -> Option<PageConfig> {
        self.lock().pages.get(id).cloned()
    }

    /// Sets where the page's webhooks go.
    pub fn set_callback(&self, page: &str, url: Option<String>) -> Result<(), crate::SandboxError> {
        self.with_page(page, |p| p.callback_url = url)
    }

    /// Turns the page's echoes on or off.
    pub fn set_echoes(&self, page: &str, on: bool) -> Result<(), crate::SandboxError> {
        self.with_page(page, |p| p.echoes = on)
    }

    fn with_page(
        &self,
        page: &str,
        f: impl FnOnce(&mut PageConfig),
    ) -> Result<(), crate::SandboxError> {
        match self.lock().pages.get_mut(page) {
            Some(p) => {
                f(p);
                Ok(())
            }
            None => Err(crate::SandboxError::UnknownPage(page.to_owned())),
        }
    }

    /// From now on the token gets code 190, as after a password change.
    pub fn revoke_token(&self, token: &str) {
        self.lock().revoked.insert(token.to_owned());
    }

    /// The next Graph call (after those already scripted) answers `status` and
    /// `body` instead of doing anything: Meta's rate limits, 190, 5xx...
    pub fn push_error(&self, status: u16, body: Value) {
        self.lock().script.push_back((status, body));
    }

    /// Every Graph request so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    /// The Send API calls so far (`POST .../messages`).
    pub fn sends(&self) -> Vec<LoggedRequest> {
        self.lock()
            .log
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
            .cloned()
            .collect()
    }

    /// Makes `id` a known customer of `page` (a PSID or IGSID) without any action.
    pub fn add_customer(&self, page: &str, id: &str, name: &str) {
        self.lock().customer(page, id, name);
    }

    /// What a customer's profile says beyond the name: a locale (`it_IT`), an
    /// Instagram username, hours from GMT.
    pub fn set_customer_profile(
        &self,
        page: &str,
        id: &str,
        locale: Option<&str>,
        username: Option<&str>,
        utc_offset: Option<i64>,
    ) {
        let mut s = self.lock();
        let c = s.customer(page, id, "");
        c.locale = locale.map(str::to_owned);
        c.username = username.map(str::to_owned);
        c.utc_offset = utc_offset;
    }

    /// Records a customer's message at `at`: it joins the history and opens the
    /// 24-hour window. Returns its message id.
    pub fn customer_message(
        &self,
        page: &str,
        id: &str,
        name: &str,
        text: &str,
        at: i64,
    ) -> String {
        self.seed_message(
            page,
            SeedMessage {
                customer: id.to_owned(),
                customer_name: name.to_owned(),
                from_customer: true,
                text: text.to_owned(),
                at,
            },
        )
    }

    /// Records a customer's message with the id its webhook carries.
    pub(crate) fn record_customer(
        &self,
        page: &str,
        id: &str,
        name: &str,
        mid: &str,
        text: &str,
        at: i64,
    ) {
        let mut s = self.lock();
        s.customer(page, id, name);
        let msg = Msg {
            mid: mid.to_owned(),
            from_customer: true,
            text: text.to_owned(),
            at,
        };
        s.record(page, id, msg);
    }

    /// Records a window-opening action that is not a message (a postback, a
    /// reaction) at `at`.
    pub fn customer_acted(&self, page: &str, id: &str, at: i64) {
        let mut s = self.lock();
        let c = s.customer(page, id, "");
        c.last_action = Some(c.last_action.map_or(at, |l| l.max(at)));
    }

    /// Adds a past message to a page's history; returns its message id. A
    /// customer's message also counts for the window.
    pub fn seed_message(&self, page: &str, m: SeedMessage) -> String {
        let mut s = self.lock();
        let mid = format!("m_sbx{:06}", s.next_id());
        s.customer(page, &m.customer, &m.customer_name);
        let msg = Msg {
            mid: mid.clone(),
            from_customer: m.from_customer,
            text: m.text,
            at: m.at,
        };
        s.record(page, &m.customer, msg);
        mid
    }

    /// Puts a customer's file on the CDN: the path (under the sandbox's address) a
    /// webhook's attachment `payload.url` gives, ending with `name`. `expire` takes
    /// it away again, as Meta's signed links expire.
    pub fn host_attachment(&self, name: &str, mime: &str, bytes: Vec<u8>) -> String {
        let mut s = self.lock();
        let key = s.next_id().to_string();
        s.cdn.insert(key.clone(), (mime.to_owned(), bytes));
        format!("/attachments/{key}/{name}")
    }

    /// Takes away every file on the CDN (their links have expired).
    pub fn expire_attachments(&self) {
        self.lock().cdn.clear();
    }

    /// Records a comment by customer `from` at `at`, which may get one private reply
    /// within 7 days. On Instagram the commenter's id is their IGSID, and a comment
    /// is among the actions that open the messaging window (reference §2.2); a Page
    /// commenter is known by a user id that is not a PSID, so nothing opens there.
    pub fn add_comment(&self, page: &str, comment_id: &str, from: &str, at: i64) {
        let instagram = self
            .lock()
            .pages
            .get(page)
            .is_some_and(|p| p.platform == Platform::Instagram);
        if instagram {
            self.customer_acted(page, from, at);
        }
        self.lock().comments.insert(
            comment_id.to_owned(),
            Comment {
                page: page.to_owned(),
                from: from.to_owned(),
                at,
                replied: false,
            },
        );
    }

    /// The last window-opening action of a customer.
    pub fn last_action(&self, page: &str, customer: &str) -> Option<i64> {
        self.lock()
            .customers
            .get(&(page.to_owned(), customer.to_owned()))
            .and_then(|c| c.last_action)
    }

    /// The page's messages to `customer`, as (message id, text), oldest first.
    pub fn page_messages(&self, page: &str, customer: &str) -> Vec<(String, String)> {
        self.lock()
            .customers
            .get(&(page.to_owned(), customer.to_owned()))
            .map(|c| {
                c.history
                    .iter()
                    .filter(|m| !m.from_customer)
                    .map(|m| (m.mid.clone(), m.text.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many webhooks (echoes) wait to be delivered.
    pub fn pending(&self) -> usize {
        self.lock().pending.len()
    }

    /// Serves the Graph API on `listener` until the task is dropped or aborted.
    pub fn serve(&self, listener: tokio::net::TcpListener) -> tokio::task::JoinHandle<()> {
        let app = self.router();
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("sandbox: the Graph API stopped: {e}");
            }
        })
    }
}

//! The demo workspace, made once and found again on every later start: the admin,
//! the agents, the sandbox channels, the saved replies. The admin is made through
//! the store (as `pronto user add` does: someone has to be first); everything else
//! through the API, signed in as that admin.

use anyhow::{Context, anyhow};
use pronto_sandbox::{PageConfig, WhatsAppNumber};
use pronto_server::AppState;
use pronto_store::Role;
use serde_json::{Value, json};

use super::api::Api;
use super::script::{AGENTS, Lang, SAVED_REPLIES};
use super::{EMAIL, PASSWORD};

/// The web chat channel's name.
const WEBCHAT: &str = "Demo web chat";
/// The WhatsApp channel's name.
const WHATSAPP: &str = "Demo whatsapp";

/// A demo channel and its sandbox page.
pub struct DemoChannel {
    pub id: i64,
    pub page: PageConfig,
    /// Where the page's webhooks go.
    pub callback: String,
    /// Made by this start, so it has no history yet.
    pub created: bool,
}

/// The signed-in demo users and the channels.
pub struct Workspace {
    pub admin: Api,
    pub agents: Vec<(Api, Lang)>,
    pub channels: Vec<DemoChannel>,
    /// The WhatsApp channel, and whether this start made it (so it has no history).
    pub whatsapp: (i64, bool),
    /// The web chat channel (its allowed origin is set at each start).
    pub webchat: i64,
}

/// Makes what is missing and signs everyone in. `base` is where Pronto answers.
pub async fn prepare(
    state: &AppState,
    http: &reqwest::Client,
    base: &str,
    pages: &[PageConfig],
    number: &WhatsAppNumber,
) -> anyhow::Result<Workspace> {
    let store = &state.store;
    let now = state.now();
    let workspace = match store.first_workspace().await? {
        Some(id) => id,
        None => store.create_workspace("Pronto Demo Shop", now).await?,
    };
    // The demo's users share one public password, which the password policy would
    // refuse (it is short and names the product): they are made through the store,
    // not the API.
    let hash = pronto_server::auth::hash_password(PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow!(e.message))?;
    let people = [("Demo Admin", EMAIL, Role::Admin)].into_iter().chain(
        AGENTS
            .iter()
            .map(|(name, email, _)| (*name, *email, Role::Agent)),
    );
    let mut ids = Vec::new();
    for (name, email, role) in people {
        let id = match store.user_for_login(email).await? {
            Some((user, _)) => user.id,
            None => {
                let user = store.create_user(email, name, Some(&hash), now).await?;
                store.set_member(workspace, user.id, role).await?;
                user.id
            }
        };
        ids.push(id);
    }
    let admin = Api::login(http, base, EMAIL, PASSWORD).await?;

    let mut agents = Vec::new();
    for ((_, email, lang), id) in AGENTS.into_iter().zip(&ids[1..]) {
        let routing = json!({"capacity": 20, "languages": [lang.code()]});
        admin
            .put(&format!("/api/v1/users/{id}/routing"), routing)
            .await?;
        agents.push((Api::login(http, base, email, PASSWORD).await?, lang));
    }

    let existing = admin.get("/api/v1/channels").await?;
    let mut channels = Vec::new();
    for page in pages {
        let kind = page.platform.as_str();
        let name = format!("Demo {kind}");
        let (id, created) = match find(&existing, "name", &name) {
            Some(c) => (c["id"].as_i64(), false),
            None => {
                let config = json!({
                    "page_id": page.id, "app_id": page.app_id, "app_secret": page.app_secret,
                    "page_access_token": page.token,
                });
                let body = json!({"kind": kind, "name": name, "config": config});
                (
                    admin.post("/api/v1/channels", body).await?["id"].as_i64(),
                    true,
                )
            }
        };
        let id = id.with_context(|| format!("no id for the channel {name}"))?;
        channels.push(DemoChannel {
            id,
            page: page.clone(),
            callback: format!("{base}/webhooks/meta/{id}"),
            created,
        });
    }

    let whatsapp = match find(&existing, "name", WHATSAPP) {
        Some(c) => (c["id"].as_i64(), false),
        None => {
            let config = json!({"phone_number_id": number.phone_number_id,
                "waba_id": number.waba_id, "app_id": "900000000000009",
                "app_secret": number.app_secret, "access_token": number.token,
                "mark_read": true});
            let body = json!({"kind": "whatsapp", "name": WHATSAPP, "config": config});
            (
                admin.post("/api/v1/channels", body).await?["id"].as_i64(),
                true,
            )
        }
    };
    let whatsapp = (
        whatsapp.0.context("no id for the WhatsApp channel")?,
        whatsapp.1,
    );

    let webchat = match find(&existing, "name", WEBCHAT) {
        Some(c) => c["id"].as_i64(),
        None => {
            // The site's origin changes at each start: `webchat::allow` sets it.
            let config = json!({"allowed_origins": ["http://127.0.0.1"], "color": "#0b6e4f",
                "business_name": "Pronto Demo Shop",
                "greeting": "Hi! Questions about an order, a size, a return? Ask away."});
            let body = json!({"kind": "webchat", "name": WEBCHAT, "config": config});
            admin.post("/api/v1/channels", body).await?["id"].as_i64()
        }
    }
    .context("no id for the web chat channel")?;

    // The shop's own contact attributes (defining again changes nothing).
    for (key, label, kind) in [
        ("order_number", "Order", "text"),
        ("cart_value", "Cart value (€)", "number"),
    ] {
        let body = json!({"key": key, "label": label, "kind": kind});
        admin.post("/api/v1/contact-attributes", body).await?;
    }

    let saved = admin.get("/api/v1/saved-replies").await?;
    for (name, shortcut, text) in SAVED_REPLIES {
        if find(&saved, "shortcut", shortcut).is_none() {
            let body = json!({"name": name, "shortcut": shortcut, "text": text});
            admin.post("/api/v1/saved-replies", body).await?;
        }
    }
    Ok(Workspace {
        admin,
        agents,
        channels,
        whatsapp,
        webchat,
    })
}

/// The item of a JSON list whose `key` is `value`.
fn find<'a>(list: &'a Value, key: &str, value: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|item| item[key] == value)
}

/// Moves the history's conversations that went quiet more than three days ago to
/// Done, as a team that keeps its inbox tidy would have.
pub async fn tidy(admin: &Api, channel: i64, now: i64) -> anyhow::Result<usize> {
    let quiet_since = now - 3 * pronto_sandbox::DAY;
    let mut old = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/conversations?folder=inbox&channel={channel}&limit=100");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = admin.get(&path).await?;
        for c in page["items"].as_array().into_iter().flatten() {
            if c["last_message_at"]
                .as_i64()
                .is_some_and(|at| at < quiet_since)
                && let Some(id) = c["id"].as_i64()
            {
                old.push(id);
            } else if let Some(contact) = c["contact_id"].as_i64() {
                // What the shop's own system would have pushed about a recent
                // customer: their order and their cart.
                let path = format!("/api/v1/contacts/{contact}");
                let body = json!({"attributes": {
                    "order_number": format!("A-{}", 1000 + contact),
                    "cart_value": (contact * 37 % 180) as f64 + 0.9,
                }});
                admin.patch(&path, body).await?;
            }
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    for id in &old {
        let path = format!("/api/v1/conversations/{id}/move");
        admin.post(&path, json!({"folder": "done"})).await?;
    }
    Ok(old.len())
}

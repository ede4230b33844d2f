//! The demo's web chat: the demo shop's own site, on an origin of its own (a second
//! listener of this process, as a real shop's site is another server), with the
//! widget in its page; the channel's allowed origin is set to that site on each
//! start (its port changes); and simulated visitors writing through the visitors'
//! API exactly as the widget in a browser does (`Origin`, a session, messages with
//! their page, language and zone).

use std::time::Duration;

use anyhow::Context;
use pronto_server::AppState;
use serde_json::{Value, json};

use super::Rng;
use super::script::{Lang, first_names};

/// Serves the demo shop's page, which embeds the widget of `channel` from Pronto at
/// `pronto`; returns the site's origin.
pub async fn site(pronto: &str, channel: i64) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .context("listening for the demo shop's site on 127.0.0.1")?;
    let origin = format!("http://{}", listener.local_addr()?);
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Pronto Demo Shop</title></head><body><main>\
         <h1>Pronto Demo Shop</h1><p>Jackets, shoes and gift cards. Questions? \
         The chat at the bottom right is answered from Pronto's inbox.</p></main>\n\
         {}\n</body></html>\n",
        pronto_server::webchat::snippet(pronto, channel)
    );
    let app = axum::Router::new().fallback(axum::routing::get(move || {
        let page = page.clone();
        async move { axum::response::Html(page) }
    }));
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("the demo shop's site stopped: {e}");
        }
    });
    Ok(origin)
}

/// Makes `origin` the web chat's only allowed site.
pub async fn allow(state: &AppState, channel: i64, origin: &str) -> anyhow::Result<()> {
    let stored = state.store.channel_any_workspace(channel).await?;
    let mut config = stored.config;
    config["allowed_origins"] = json!([origin]);
    state
        .store
        .set_channel_config(stored.workspace_id, channel, &config)
        .await?;
    Ok(())
}

/// Visitors of the site: one starts a chat every 20 to 45 seconds, and some write
/// again a minute later, until the task is dropped.
pub async fn visitors(pronto: String, channel: i64, origin: String, seed: u64) {
    let http = reqwest::Client::new();
    let mut rng = Rng::new(seed);
    let mut n = 0u64;
    loop {
        tokio::time::sleep(Duration::from_millis(
            rng.range(20_000, 45_000).unsigned_abs(),
        ))
        .await;
        n += 1;
        let lang = *rng.pick(&Lang::ALL);
        let visitor = Visitor {
            http: http.clone(),
            api: format!("{pronto}/webchat/v1/{channel}"),
            origin: origin.clone(),
            lang,
            page: format!("{origin}/products/{}", rng.range(100, 999)),
            name: (rng.below(2) == 0).then(|| (*rng.pick(first_names(lang))).to_owned()),
        };
        let question = *rng.pick(visitor.lang.questions());
        let follow_up = (rng.below(3) == 0).then(|| *rng.pick(visitor.lang.follow_ups()));
        let id = format!("{seed:x}-{n}");
        tokio::spawn(async move {
            if let Err(e) = visitor.chat(&id, question, follow_up).await {
                tracing::warn!("demo web chat visitor: {e}");
            }
        });
    }
}

struct Visitor {
    http: reqwest::Client,
    api: String,
    origin: String,
    lang: Lang,
    page: String,
    /// From the pre-chat form, when the visitor gave one.
    name: Option<String>,
}

impl Visitor {
    async fn call(&self, path: &str, token: Option<&str>, body: Value) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.api))
            .header("origin", &self.origin)
            .json(&body);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("POST {path}"))?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            anyhow::bail!("POST {path} answered {status}: {}", value["message"]);
        }
        Ok(value)
    }

    async fn chat(&self, id: &str, question: &str, follow_up: Option<&str>) -> anyhow::Result<()> {
        let session = self.call("/session", None, json!({})).await?;
        let token = session["token"].as_str().context("a session has a token")?;
        let (language, timezone) = match self.lang {
            Lang::En => ("en-GB", "Europe/London"),
            Lang::Fr => ("fr-FR", "Europe/Paris"),
            Lang::It => ("it-IT", "Europe/Rome"),
        };
        let mut message = json!({"client_id": format!("{id}-1"), "text": question,
            "page": self.page, "language": language, "timezone": timezone});
        if let Some(name) = &self.name {
            message["name"] = json!(name);
        }
        self.call("/messages", Some(token), message.clone()).await?;
        if let Some(text) = follow_up {
            tokio::time::sleep(Duration::from_secs(60)).await;
            message["client_id"] = json!(format!("{id}-2"));
            message["text"] = json!(text);
            self.call("/messages", Some(token), message).await?;
        }
        Ok(())
    }
}

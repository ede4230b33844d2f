//! The Graph API client of the live import: every call paced (`pace` apart), signed
//! with the token and `appsecret_proof`, transient failures retried with backoff,
//! and Meta's errors sorted into retry, stop, or skip (an old message's details).

use std::time::Duration;

use pronto_channels::messenger::history::{
    Conversation, HistoryMessage, MessageError, Paging, parse_message,
};
use reqwest::Url;
use serde_json::Value;

use super::live::{LiveOptions, MESSAGE_FIELDS};
use super::{ImportError, Skip, Tally, Target};
use crate::graph::appsecret_proof;

/// A failed call, sorted.
#[derive(Debug)]
pub(super) enum Failure {
    Token(String),
    Permission(String),
    /// 9000001: an old message's details are gone.
    Deleted(String),
    /// Another refusal (a bad cursor, a bad parameter).
    Refused(String),
    GaveUp {
        attempts: u32,
        last: String,
    },
}

impl Failure {
    pub(super) fn into_error(self) -> ImportError {
        match self {
            Failure::Token(m) => ImportError::Token(m),
            Failure::Permission(m) => ImportError::Permission(m),
            Failure::Deleted(m) | Failure::Refused(m) => ImportError::Graph(m),
            Failure::GaveUp { attempts, last } => ImportError::GaveUp { attempts, last },
        }
    }
}

/// What to do with an answer.
enum Verdict {
    Done,
    Retry,
    Fail(Failure),
}

/// Sorts Meta's answer (`body` is `None` when it was not JSON).
fn classify(status: u16, body: Option<&Value>) -> Verdict {
    let Some(body) = body else {
        // A proxy's error page, or an answer cut short.
        return Verdict::Retry;
    };
    if (200..300).contains(&status) {
        return Verdict::Done;
    }
    let e = &body["error"];
    let code = e["code"].as_i64().unwrap_or(0);
    let message = e["message"].as_str().unwrap_or("no message");
    let said = format!("HTTP {status}, error {code}: {message}");
    Verdict::Fail(match code {
        1 | 2 | 4 | 17 | 32 | 613 => return Verdict::Retry,
        _ if status >= 500 || e["is_transient"].as_bool() == Some(true) => return Verdict::Retry,
        190 | 102 => Failure::Token(said),
        10 | 200..=299 => Failure::Permission(said),
        9_000_001 => Failure::Deleted(said),
        _ if message.to_ascii_lowercase().contains("deleted") => Failure::Deleted(said),
        _ => Failure::Refused(said),
    })
}

/// The Graph API client: every call paced, signed, and retried when transient.
pub(super) struct Graph {
    http: reqwest::Client,
    base: Url,
    token: String,
    proof: String,
    pace: Duration,
    next_call: Option<tokio::time::Instant>,
    retries: u32,
    backoff: Duration,
}

impl Graph {
    pub(super) fn new(o: &LiveOptions) -> Result<Graph, ImportError> {
        let base = Url::parse(o.base_url.trim_end_matches('/'))
            .map_err(|e| ImportError::Channel(format!("graph_base_url {:?}: {e}", o.base_url)))?;
        Ok(Graph {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| ImportError::Channel(format!("HTTP client: {e}")))?,
            base,
            token: o.token.clone(),
            proof: appsecret_proof(&o.app_secret, &o.token),
            pace: o.pace,
            next_call: None,
            retries: o.retries,
            backoff: o.backoff,
        })
    }

    /// `{base}/{path}?{query}`.
    pub(super) fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, ImportError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| ImportError::Channel("graph_base_url cannot hold a path".into()))?
            .pop_if_empty()
            .extend(path.split('/'));
        url.query_pairs_mut().extend_pairs(query);
        Ok(url)
    }

    /// A `paging.next` URL, which must point at the same API: it will carry the token.
    pub(super) fn follow(&self, next: &str) -> Result<Url, ImportError> {
        let url = Url::parse(next)
            .map_err(|e| ImportError::Graph(format!("a paging.next URL is not a URL: {e}")))?;
        if url.origin() != self.base.origin() {
            return Err(ImportError::Graph(format!(
                "a paging.next URL leaves {} ({}); not following it with the token",
                self.base.origin().ascii_serialization(),
                url.origin().ascii_serialization()
            )));
        }
        Ok(url)
    }

    /// One call: paced, with the token and proof added, transient failures retried.
    pub(super) async fn get(&mut self, mut url: Url) -> Result<Value, Failure> {
        let has = |url: &Url, k: &str| url.query_pairs().any(|(key, _)| key == k);
        if !has(&url, "access_token") {
            url.query_pairs_mut()
                .append_pair("access_token", &self.token);
        }
        if !has(&url, "appsecret_proof") {
            url.query_pairs_mut()
                .append_pair("appsecret_proof", &self.proof);
        }
        let mut wait = self.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(at) = self.next_call {
                tokio::time::sleep_until(at).await;
            }
            self.next_call = Some(tokio::time::Instant::now() + self.pace);
            let last = match self.http.get(url.clone()).send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let body: Option<Value> = match response.bytes().await {
                        Ok(bytes) => {
                            serde_json::from_slice(&pronto_core::text::storable_json(&bytes)).ok()
                        }
                        Err(_) => None,
                    };
                    match (classify(status, body.as_ref()), body) {
                        (Verdict::Done, Some(body)) => return Ok(body),
                        (Verdict::Fail(failure), _) => return Err(failure),
                        (_, Some(body)) => format!(
                            "HTTP {status}, error {}: {}",
                            body["error"]["code"],
                            body["error"]["message"].as_str().unwrap_or("no message")
                        ),
                        (_, None) => format!("HTTP {status}, not JSON"),
                    }
                }
                // Timeouts and lost connections are transient too. The error names
                // the URL, which holds the token: keep only its kind.
                Err(e) => format!(
                    "could not reach Meta ({})",
                    crate::outgoing::transport_error(&e)
                ),
            };
            if attempt > self.retries {
                return Err(Failure::GaveUp {
                    attempts: attempt,
                    last,
                });
            }
            tracing::debug!(attempt, %last, "retrying a Graph API call");
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }

    /// The target with its Instagram account, asked of the Page
    /// (`instagram_business_account`), for a channel whose config names only the Page.
    pub(super) async fn with_instagram_account(
        &mut self,
        target: &Target,
    ) -> Result<Target, ImportError> {
        let page = target.channel.meta_config().page_id;
        let url = self.url(&page, &[("fields", "instagram_business_account")])?;
        let v = self.get(url).await.map_err(Failure::into_error)?;
        let Some(id) = v["instagram_business_account"]["id"].as_str() else {
            return Err(ImportError::Channel(format!(
                "Page {page} has no Instagram account linked; set ig_account_id in the channel's config"
            )));
        };
        let mut t = target.clone();
        t.add_business(id);
        Ok(t)
    }

    /// A conversation's messages, every page of them, with details fetched for the
    /// older ones that the listing gives only by id.
    pub(super) async fn messages(
        &mut self,
        target: &Target,
        conv: &Conversation,
        tally: &mut Tally,
    ) -> Result<Vec<HistoryMessage>, ImportError> {
        let (mut raw, mut paging) = match &conv.raw_messages {
            Some(raw) => (raw.clone(), conv.messages_paging.clone()),
            None => {
                let url = self.url(
                    &conv.id,
                    &[("fields", &format!("messages{{{MESSAGE_FIELDS}}}"))],
                )?;
                let v = self.get(url).await.map_err(Failure::into_error)?;
                edge(&v)
            }
        };
        let mut out = Vec::new();
        loop {
            let mut reached_since = false;
            for item in &raw {
                let parsed = match parse_message(item) {
                    Err(MessageError::NoDetails(id)) => {
                        let url = self.url(&id, &[("fields", MESSAGE_FIELDS)])?;
                        match self.get(url).await {
                            Ok(v) => parse_message(&v),
                            Err(Failure::Deleted(_)) => {
                                tally.deleted += 1;
                                continue;
                            }
                            Err(f) => return Err(f.into_error()),
                        }
                    }
                    other => other,
                };
                match parsed {
                    Ok(m) => {
                        reached_since |= target.since.is_some_and(|s| m.at < s);
                        out.push(m);
                    }
                    Err(e) => tally.skipped.push(Skip {
                        at: format!("conversation {}", conv.id),
                        reason: e.to_string(),
                    }),
                }
            }
            // Messages come newest first: past `--since`, the rest is older.
            match paging.next.take() {
                Some(next) if !reached_since => {
                    let url = self.follow(&next)?;
                    let v = self.get(url).await.map_err(Failure::into_error)?;
                    (raw, paging) = edge(&v);
                }
                _ => return Ok(out),
            }
        }
    }
}

/// The messages of an answer: `{messages: {data, paging}}` for a conversation,
/// `{data, paging}` for the messages edge itself.
fn edge(v: &Value) -> (Vec<Value>, Paging) {
    let e = if v.get("messages").is_some() {
        &v["messages"]
    } else {
        v
    };
    (
        e["data"].as_array().cloned().unwrap_or_default(),
        Paging::of(e),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn err(code: i64) -> Value {
        json!({"error": {"code": code, "message": "m"}})
    }

    #[test]
    fn meta_errors_sort_into_retry_stop_and_skip() {
        for code in [1, 2, 4, 17, 32, 613] {
            assert!(
                matches!(classify(400, Some(&err(code))), Verdict::Retry),
                "{code}"
            );
        }
        assert!(matches!(classify(503, Some(&json!({}))), Verdict::Retry));
        assert!(matches!(classify(502, None), Verdict::Retry), "not JSON");
        assert!(matches!(
            classify(200, Some(&json!({"data": []}))),
            Verdict::Done
        ));
        assert!(matches!(
            classify(400, Some(&err(190))),
            Verdict::Fail(Failure::Token(_))
        ));
        for code in [10, 200, 299] {
            assert!(matches!(
                classify(403, Some(&err(code))),
                Verdict::Fail(Failure::Permission(_))
            ));
        }
        assert!(matches!(
            classify(400, Some(&err(9_000_001))),
            Verdict::Fail(Failure::Deleted(_))
        ));
        assert!(matches!(
            classify(400, Some(&err(100))),
            Verdict::Fail(Failure::Refused(_))
        ));
    }

    #[test]
    fn next_urls_must_stay_on_the_graph_api() {
        let g = Graph::new(&LiveOptions {
            base_url: "https://graph.facebook.com/v25.0/".into(),
            platform: "messenger".into(),
            token: "t".into(),
            app_secret: "s".into(),
            page_size: 25,
            pace: Duration::ZERO,
            retries: 0,
            backoff: Duration::ZERO,
            resume: false,
        })
        .unwrap();
        let u = g
            .url("PAGE/conversations", &[("fields", "messages{id}")])
            .unwrap();
        assert_eq!(
            u.as_str(),
            "https://graph.facebook.com/v25.0/PAGE/conversations?fields=messages%7Bid%7D"
        );
        assert!(
            g.follow("https://graph.facebook.com/v25.0/x?after=A")
                .is_ok()
        );
        assert!(g.follow("https://evil.example/v25.0/x").is_err());
    }
}

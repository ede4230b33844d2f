//! The fake Graph API's routes and the checks every call goes through: the scripted
//! errors first, then the token (190) and `appsecret_proof` (100), then the call.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State as Axum};
use axum::http::{HeaderMap, Method};
use axum::routing::{get, post};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::error::{Answer, GraphError};
use crate::sandbox::{LoggedRequest, PageConfig, Sandbox};
use crate::state::{Msg, Pending, State};
use crate::webhook::{Event, build};
use crate::{GRAPH_VERSION, conversations, rules};

/// `appsecret_proof`: lowercase hex HMAC-SHA256 of the token keyed with the app secret.
pub fn appsecret_proof(app_secret: &str, token: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A Graph call as the handlers see it, already authorized.
pub(crate) struct Call<'a> {
    pub node: &'a str,
    pub query: &'a [(String, String)],
    pub body: &'a Value,
    pub page: PageConfig,
    pub now: i64,
    /// `http://host[/v25.0]`, for the `next` links of paginated answers.
    pub base: String,
}

impl Call<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Sandbox {
    /// The Graph API as an axum router, answering at `/` and at `/v25.0/`.
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/{node}/messages", post(send).get(messages_edge))
            .route("/{node}/message_attachments", post(upload_attachment))
            .route("/{node}/media", post(upload_media))
            .route("/{node}/conversations", get(list_conversations))
            .route("/{node}/message_templates", get(message_templates))
            .route("/{node}", get(read_node))
            .with_state(self.clone());
        Router::new()
            .nest(&format!("/{GRAPH_VERSION}"), api.clone())
            .merge(api)
            .route(
                "/whatsapp_business/attachments/",
                get(media_download).with_state(self.clone()),
            )
            .route(
                "/attachments/{key}/{name}",
                get(cdn_download).with_state(self.clone()),
            )
            .route(
                "/profile_pictures/{id}",
                get(
                    |axum::extract::Path(id): axum::extract::Path<String>| async move {
                        (
                            [(axum::http::header::CONTENT_TYPE, "image/png")],
                            crate::avatar::picture(&id),
                        )
                    },
                ),
            )
            .fallback(|| async {
                Answer(400, GraphError::param("Unknown path components").body(0))
            })
    }

    /// Runs one Graph call: logs it, answers from the script if a scripted error
    /// waits, checks the token and proof, then runs `f` under the state's lock.
    #[allow(clippy::too_many_arguments)]
    fn handle(
        &self,
        method: &Method,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        raw_query: Option<&str>,
        node: &str,
        body: &[u8],
        f: impl FnOnce(&mut State, &Call<'_>) -> Result<Value, GraphError>,
    ) -> Answer {
        let query: Vec<(String, String)> =
            form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let json: Option<Value> = if body.is_empty() {
            Some(Value::Null)
        } else {
            serde_json::from_slice(body).ok()
        };
        let param = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let token = param("access_token").unwrap_or_default();
        let proof = param("appsecret_proof");
        let now = self.now();
        let host = headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        let version = format!("/{GRAPH_VERSION}/");
        let base = if uri.path().starts_with(&version) {
            format!("http://{host}/{GRAPH_VERSION}")
        } else {
            format!("http://{host}")
        };
        let mut s = self.lock();
        let trace = s.next_id();
        let owner = s
            .pages
            .values()
            .find(|p| !token.is_empty() && p.token == token)
            .cloned();
        let proof_ok = owner
            .as_ref()
            .is_some_and(|p| proof == Some(appsecret_proof(&p.app_secret, token).as_str()));
        let pending_before = s.pending.len();
        let (status, response) = if let Some((status, body)) = s.script.pop_front() {
            (status, body)
        } else {
            let result = match (s.page_of_token(token).cloned(), proof) {
                (None, _) => Err(GraphError::token()),
                (Some(_), None) => Err(GraphError::param(
                    "API calls from the server require an appsecret_proof argument",
                )),
                (Some(_), Some(_)) if !proof_ok => Err(GraphError::param(
                    "Invalid appsecret_proof provided in the API argument",
                )),
                (Some(page), Some(_)) => match &json {
                    None => Err(GraphError::param("The request body is not valid JSON")),
                    Some(body) => f(
                        &mut s,
                        &Call {
                            node,
                            query: &query,
                            body,
                            page,
                            now,
                            base,
                        },
                    ),
                },
            };
            match result {
                Ok(v) => (200, v),
                Err(e) => (e.status, e.body(trace)),
            }
        };
        s.log.push(LoggedRequest {
            method: method.to_string(),
            path: uri.path().to_owned(),
            query: query.clone(),
            body: json.unwrap_or(Value::Null),
            proof_ok,
            status,
            response: response.clone(),
            at: now,
        });
        let queued = s.pending.len() > pending_before;
        drop(s);
        if queued {
            self.wake.notify_one();
        }
        Answer(status, response)
    }
}

/// The page a node stands for, if the token's page may use it (`me` is the token's page).
pub(crate) fn own_page(call: &Call<'_>) -> Result<(), GraphError> {
    if call.node == "me" || call.node == call.page.id {
        Ok(())
    } else {
        Err(no_object(call.node))
    }
}

/// Meta's answer for an id that does not exist or is not the token's to see.
pub(crate) fn no_object(id: &str) -> GraphError {
    GraphError::new(
        100,
        Some(33),
        format!(
            "Unsupported request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
        ),
    )
}

type Parts = (
    Axum<Sandbox>,
    Method,
    OriginalUri,
    HeaderMap,
    Path<String>,
    RawQuery,
);

/// `POST /{page-id}/messages` and `/me/messages`: the Send API; for a WhatsApp
/// number, `POST /{phone-number-id}/messages`, the Cloud API.
async fn send(
    (Axum(sb), method, OriginalUri(uri), headers, Path(node), RawQuery(q)): Parts,
    body: Bytes,
) -> Answer {
    if sb.is_whatsapp(&node) {
        let (status, answer) = sb.handle_whatsapp(
            method.as_str(),
            uri.path(),
            &headers,
            q.as_deref(),
            &node,
            &body,
            crate::whatsapp::send,
        );
        return Answer(status, answer);
    }
    sb.handle(
        &method,
        &uri,
        &headers,
        q.as_deref(),
        &node,
        &body,
        |s, call| {
            own_page(call)?;
            match rules::check(s, &call.page, call.body, call.now)? {
                rules::Plan::Action { recipient } => Ok(json!({"recipient_id": recipient})),
                rules::Plan::Message {
                    customer,
                    comment,
                    text,
                    attachment,
                    metadata,
                } => {
                    let mid = format!("m_sbx{:06}", s.next_id());
                    if let Some(c) = comment.and_then(|c| s.comments.get_mut(&c)) {
                        c.replied = true;
                    }
                    let shown = text.clone().unwrap_or_else(|| {
                        format!(
                            "[{}]",
                            attachment
                                .as_ref()
                                .and_then(|a| a["type"].as_str())
                                .unwrap_or("attachment")
                        )
                    });
                    let page = &call.page;
                    s.record(
                        &page.id,
                        &customer,
                        Msg {
                            mid: mid.clone(),
                            from_customer: false,
                            text: shown,
                            at: call.now,
                        },
                    );
                    if let (true, Some(url)) = (page.echoes, &page.callback_url) {
                        let echo = Event::Echo {
                            to: customer.clone(),
                            app_id: page.app_id.parse().unwrap_or(0),
                            mid: mid.clone(),
                            text,
                            metadata,
                            attachment,
                        };
                        s.pending.push_back(Pending {
                            url: url.clone(),
                            secret: page.app_secret.clone(),
                            body: build(page.platform, &page.id, &echo, call.now),
                            attempts: 0,
                        });
                    }
                    Ok(json!({"recipient_id": customer, "message_id": mid}))
                }
            }
        },
    )
}

/// `GET /{waba-id}/message_templates`: the WhatsApp account's templates, a page at
/// a time (`limit`, `after`).
async fn message_templates(
    (Axum(sb), method, OriginalUri(uri), headers, Path(node), RawQuery(q)): Parts,
) -> Answer {
    let number = sb
        .lock()
        .whatsapp
        .numbers
        .values()
        .find(|n| n.waba_id == node)
        .map(|n| n.phone_number_id.clone());
    let Some(number) = number else {
        return Answer(400, no_object(&node).body(0));
    };
    let query: Vec<(String, String)> =
        form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let param = |k: &str| -> usize {
        query
            .iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0)
    };
    let (after, limit) = (param("after"), param("limit").clamp(1, 100));
    let limit = if param("limit") == 0 { 25 } else { limit };
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let version = format!("/{GRAPH_VERSION}/");
    let base = if uri.path().starts_with(&version) {
        format!("http://{host}/{GRAPH_VERSION}")
    } else {
        format!("http://{host}")
    };
    let (status, answer) = sb.handle_whatsapp(
        method.as_str(),
        uri.path(),
        &headers,
        q.as_deref(),
        &number,
        &[],
        |_, n, _, _| Ok(crate::whatsapp::templates(n, &base, after, limit)),
    );
    Answer(status, answer)
}

/// `GET /{conversation-id}/messages`: the messages edge, for `next` links.
async fn messages_edge(
    (Axum(sb), method, OriginalUri(uri), headers, Path(node), RawQuery(q)): Parts,
) -> Answer {
    sb.handle(
        &method,
        &uri,
        &headers,
        q.as_deref(),
        &node,
        &[],
        |s, call| conversations::messages(s, call, true),
    )
}

/// `GET /{page-id}/conversations`.
async fn list_conversations(
    (Axum(sb), method, OriginalUri(uri), headers, Path(node), RawQuery(q)): Parts,
) -> Answer {
    sb.handle(
        &method,
        &uri,
        &headers,
        q.as_deref(),
        &node,
        &[],
        |s, call| {
            own_page(call)?;
            conversations::list(s, call)
        },
    )
}

/// A media download URL (`lookaside.fbsbx.com` at Meta): the bytes, with the
/// number's token, while the URL works.
async fn media_download(
    Axum(sb): Axum<Sandbox>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let key = form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "mid")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match sb.media_download(&key, token) {
        Ok((mime, bytes)) => ([(axum::http::header::CONTENT_TYPE, mime)], bytes).into_response(),
        Err(status) => axum::http::StatusCode::from_u16(status)
            .unwrap_or(axum::http::StatusCode::NOT_FOUND)
            .into_response(),
    }
}

/// `GET /{id}`: a conversation, a message, or the page itself; for a WhatsApp media
/// id, its download URL.
async fn read_node(
    (Axum(sb), method, OriginalUri(uri), headers, Path(node), RawQuery(q)): Parts,
) -> Answer {
    if let Some(number) = sb.media_number(&node) {
        let host = headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1")
            .to_owned();
        let (status, answer) = sb.handle_whatsapp(
            method.as_str(),
            uri.path(),
            &headers,
            q.as_deref(),
            &number,
            &[],
            |s, _, _, now| crate::whatsapp::media_url(s, &node, &host, now),
        );
        return Answer(status, answer);
    }
    sb.handle(
        &method,
        &uri,
        &headers,
        q.as_deref(),
        &node,
        &[],
        |s, call| {
            if let Some(profile) = crate::profiles::profile(s, call) {
                profile
            } else if s.messages.contains_key(call.node) {
                conversations::message(s, call)
            } else if call.node.starts_with("t_") {
                conversations::messages(s, call, false)
            } else {
                own_page(call)?;
                Ok(json!({"id": call.page.id, "name": call.page.name}))
            }
        },
    )
}

/// `GET /attachments/{key}/{name}`: a customer's file as the platform's CDN serves
/// it (no token; an unknown or expired key is a 404).
async fn cdn_download(
    Axum(sandbox): Axum<Sandbox>,
    Path((key, _name)): Path<(String, String)>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match sandbox.lock().cdn.get(&key).cloned() {
        Some((mime, bytes)) => ([(axum::http::header::CONTENT_TYPE, mime)], bytes).into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST /{page-id}/message_attachments`: the Attachment Upload API, multipart with
/// a `message` part (`{"attachment": {"type", "payload": {"is_reusable": true}}}`)
/// and a `filedata` part; answers a reusable `attachment_id`.
async fn upload_attachment(
    (Axum(sb), method, OriginalUri(uri), headers, Path(node), RawQuery(q)): Parts,
    body: Bytes,
) -> Answer {
    let parts = multipart_of(&headers, &body);
    let message = parts
        .iter()
        .find(|(name, _)| name == "message")
        .and_then(|(_, v)| serde_json::from_slice::<Value>(v).ok());
    let file = parts.iter().find(|(name, _)| name == "filedata");
    sb.handle(&method, &uri, &headers, q.as_deref(), &node, &[], |s, call| {
        own_page(call)?;
        let Some(message) = &message else {
            return Err(GraphError::param("(#100) The parameter message is required"));
        };
        let kind = message["attachment"]["type"].as_str().unwrap_or_default();
        if !matches!(kind, "image" | "video" | "audio" | "file") {
            return Err(GraphError::param(format!(
                "(#100) message.attachment.type must be one of audio, file, image or video, not {kind:?}"
            )));
        }
        if message["attachment"]["payload"]["is_reusable"] != json!(true) {
            return Err(GraphError::param("(#100) payload.is_reusable must be true"));
        }
        match file {
            Some((_, bytes)) if !bytes.is_empty() => {
                Ok(json!({"attachment_id": format!("{}", 7_000_000_000u64 + s.next_id())}))
            }
            _ => Err(GraphError::param("(#100) Upload attachment failure: no filedata")),
        }
    })
}

/// `POST /{phone-number-id}/media`: WhatsApp's media upload, multipart with
/// `messaging_product=whatsapp`, `type` (the MIME type) and `file`; answers a media
/// id the number's messages can name (and that downloads like a customer's).
async fn upload_media(
    (Axum(sb), method, OriginalUri(uri), headers, Path(node), RawQuery(q)): Parts,
    body: Bytes,
) -> Answer {
    let parts = multipart_of(&headers, &body);
    let part = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let (product, mime, file) = (part("messaging_product"), part("type"), part("file"));
    let (status, answer) = sb.handle_whatsapp(
        method.as_str(),
        uri.path(),
        &headers,
        q.as_deref(),
        &node,
        &[],
        |s, n, _, _| crate::whatsapp::upload(s, n, product, mime, file),
    );
    Answer(status, answer)
}

/// The named parts of a request's multipart body (none without a boundary).
fn multipart_of(headers: &HeaderMap, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let boundary = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once("boundary="))
        .map(|(_, b)| b.trim_matches('"').to_owned());
    boundary.map(|b| multipart(body, &b)).unwrap_or_default()
}

/// The named parts of a multipart body (a plain reading: enough for the sandbox).
fn multipart(body: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
    let delimiter = format!("--{boundary}");
    let d = delimiter.as_bytes();
    let mut starts = Vec::new();
    let mut i = 0;
    while i + d.len() <= body.len() {
        if &body[i..i + d.len()] == d {
            starts.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    let mut parts = Vec::new();
    for w in starts.windows(2) {
        let part = &body[w[0] + d.len()..w[1]];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = part.windows(4).position(|x| x == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|n| n.split('"').next())
            .unwrap_or_default()
            .to_owned();
        parts.push((name, part[split + 4..].to_vec()));
    }
    parts
}

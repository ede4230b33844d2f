//! The visitors' calls: the widget's settings and the business's availability, a
//! session, an identity, the conversation (read and write), typing and read.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pronto_core::Timestamp;
use pronto_core::hours::{BackAt, Zone};
use pronto_core::presence::Availability;
use pronto_core::template::Values;
use pronto_store::{Channel, Inbound, LiveEvent, Message, MessageAuthor, VisitorDetails};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::token::{LIFETIME_SECS, Visitor, identity_matches};
use super::{Limits, VisitorAuth, WebChat, tokens};
use crate::client::ClientIp;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::reply::MAX_TEXT;
use crate::state::AppState;

/// Messages a visitor reads at once (the latest).
pub const PAGE: i64 = 200;

/// A message as its visitor sees it: no agent ids, platform ids or errors.
pub fn visitor_view(m: &Message) -> Value {
    json!({
        "id": m.id,
        "from": if m.author == MessageAuthor::Customer { "visitor" } else { "business" },
        "author": m.author.as_str(),
        "text": m.text,
        "attachments": m.attachments,
        "at": m.at,
        "status": m.status,
    })
}

/// What the widget says of its visitor when it asks for the config.
#[derive(Deserialize)]
pub struct ConfigQuery {
    /// The browser's language (`it`): the away message's text in it, if the
    /// business wrote one.
    lang: Option<String>,
}

/// `GET /webchat/v1/{channel}/config`: how the widget looks, and whether the
/// business is there: available or away (the channel's hours and presence, as the
/// automations read them), the away message, and the expected reply time (the
/// channel's response time from the responsiveness engine).
pub async fn config(
    State(state): State<AppState>,
    WebChat(channel): WebChat,
    Query(visitor): Query<ConfigQuery>,
) -> ApiResult<Response> {
    let c = channel.webchat_config();
    let now = state.now();
    let auto =
        crate::automation::channel_automations(&state, channel.workspace_id, channel.id).await?;
    let schedule = auto.as_ref().and_then(|a| a.schedule.as_ref());
    let manual = crate::automation::manual_away(&state, channel.id).await?;
    let availability = Availability::at(schedule, manual, Timestamp::from_micros(now));
    let wait = crate::automation::expected_wait(&state, &channel, now).await;
    let (status, back_at, away_message) = match availability {
        Availability::Available => ("available", None, None),
        Availability::Away { back_at, .. } => {
            let message = auto
                .as_ref()
                .and_then(|a| a.away_message.as_ref())
                .map(|t| {
                    let zone = schedule
                        .map(|s| s.zone().clone())
                        .unwrap_or_else(|| Zone::parse("UTC").expect("UTC is always known"));
                    t.for_language(visitor.lang.as_deref()).render(&Values {
                        first_name: None,
                        hours: schedule.map(|s| s.hours_at(Timestamp::from_micros(now))),
                        wait,
                        back_at: back_at
                            .map(|at| BackAt::new(at, Timestamp::from_micros(now), &zone)),
                    })
                });
            ("away", back_at.map(Timestamp::micros), message)
        }
    };
    let name = if c.business_name.is_empty() {
        channel.name.clone()
    } else {
        c.business_name
    };
    Ok(Json(json!({
        "channel_id": channel.id,
        "name": name,
        "color": c.color,
        "greeting": c.greeting,
        "avatar_url": c.avatar_url,
        "prechat_form": c.prechat_form,
        "attachments_max_bytes": c.attachments_max_bytes,
        "status": status,
        "back_at": back_at,
        "away_message": away_message,
        "expected_reply_seconds": wait.map(|w| w / 1_000_000),
    }))
    .into_response())
}

/// The body of `session`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SessionBody {
    /// The token the browser kept, if any: renewed when still good.
    token: Option<String>,
}

/// `POST /webchat/v1/{channel}/session`: the browser's token renewed, or a new
/// anonymous visitor's.
pub async fn session(
    State(state): State<AppState>,
    WebChat(channel): WebChat,
    ip: ClientIp,
    ApiJson(body): ApiJson<SessionBody>,
) -> ApiResult<Response> {
    let tokens = tokens(&state)?;
    let now_secs = state.now() / 1_000_000;
    let kept = body
        .token
        .as_deref()
        .and_then(|t| tokens.verify(t, channel.id, now_secs))
        .filter(|v| v.workspace_id == channel.workspace_id);
    let visitor = match kept {
        Some(v) => v.visitor,
        None => {
            if let Err(limited) = Limits::Session.check(&state, ip, None) {
                return Ok(limited.into());
            }
            format!("v_{}", crate::auth::random_token(16))
        }
    };
    Ok(Json(issue(&tokens, &channel, visitor, now_secs)).into_response())
}

fn issue(
    tokens: &super::token::Tokens,
    channel: &Channel,
    visitor: String,
    now_secs: i64,
) -> Value {
    let v = Visitor {
        workspace_id: channel.workspace_id,
        channel_id: channel.id,
        visitor,
        expires: now_secs + LIFETIME_SECS,
    };
    json!({
        "token": tokens.sign(&v),
        "visitor_id": v.visitor,
        "verified": v.is_verified(),
        "expires_at": v.expires * 1_000_000,
    })
}

/// The body of `identify`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentifyBody {
    /// The site's id of the person.
    id: String,
    name: Option<String>,
    email: Option<String>,
    /// HMAC-SHA256 of `id` under the channel's identity secret, in hex.
    hmac: Option<String>,
}

fn short(field: &str, v: &Option<String>, max: usize) -> ApiResult<Option<String>> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > max => Err(ApiError::invalid(format!(
            "{field} is longer than {max} characters"
        ))),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

fn email(v: &Option<String>) -> ApiResult<Option<String>> {
    let e = short("email", v, 254)?;
    if e.as_deref()
        .is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace))
    {
        return Err(ApiError::invalid("email is not an email address"));
    }
    Ok(e)
}

/// `POST /webchat/v1/{channel}/identify`: the site says who the visitor is. With a
/// right `hmac`, the visitor becomes `id:<id>`, the same contact on every device (an
/// anonymous visit's contact takes that name if no contact has it yet); a wrong
/// `hmac` is refused; without one, the name and email are kept on the visitor's own
/// contact, marked unverified, and never merge it into another.
pub async fn identify(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ip: ClientIp,
    ApiJson(body): ApiJson<IdentifyBody>,
) -> ApiResult<Response> {
    if let Err(limited) = Limits::Session.check(&state, ip, Some(&auth.visitor.visitor)) {
        return Ok(limited.into());
    }
    let id = body.id.trim();
    if id.is_empty() || id.chars().count() > 200 {
        return Err(ApiError::invalid("id must have 1 to 200 characters"));
    }
    let name = short("name", &body.name, 200)?;
    let email = email(&body.email)?;
    let (channel, ws) = (&auth.channel, auth.channel.workspace_id);
    let tokens = tokens(&state)?;
    let now = state.now();
    let Some(hmac) = body.hmac.as_deref().filter(|h| !h.trim().is_empty()) else {
        // Unverified: only the visitor's own contact, and only as a claim.
        let (contact, _) = state
            .store
            .visitor_conversation(ws, channel.id, &auth.visitor.visitor)
            .await?;
        if let Some(contact) = contact {
            let mut attributes = Map::new();
            attributes.insert("unverified_id".into(), json!(id));
            if let Some(e) = &email {
                attributes.insert("email".into(), json!(e));
                attributes.insert("email_verified".into(), json!(false));
            }
            let details = VisitorDetails {
                name,
                attributes,
                ..Default::default()
            };
            state
                .store
                .update_visitor_contact(ws, contact, &details, now)
                .await?;
        }
        let out = issue(&tokens, channel, auth.visitor.visitor, now / 1_000_000);
        return Ok(Json(out).into_response());
    };
    let secret = state
        .open_secret(&channel.webchat_config().identity_secret)
        .map_err(|e| ApiError::internal(&e))?;
    if secret.is_empty() || !identity_matches(&secret, id, hmac) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "identity_not_verified",
            "hmac is not HMAC-SHA256 of the id under the channel's identity secret",
        ));
    }
    let verified = format!("id:{id}");
    let (existing, _) = state
        .store
        .visitor_conversation(ws, channel.id, &verified)
        .await?;
    let contact = match existing {
        Some(c) => Some(c),
        None => {
            // This visit's contact (if it wrote already) becomes the person's.
            let (mine, _) = state
                .store
                .visitor_conversation(ws, channel.id, &auth.visitor.visitor)
                .await?;
            if let Some(mine) = mine {
                state
                    .store
                    .add_contact_identity(ws, channel.id, mine, &verified)
                    .await?;
            }
            mine
        }
    };
    if let Some(contact) = contact {
        let mut attributes = Map::new();
        attributes.insert("external_id".into(), json!(id));
        if let Some(e) = &email {
            attributes.insert("email".into(), json!(e));
            attributes.insert("email_verified".into(), json!(true));
        }
        let details = VisitorDetails {
            replace_name: name.is_some(),
            name,
            attributes,
            ..Default::default()
        };
        state
            .store
            .update_visitor_contact(ws, contact, &details, now)
            .await?;
    }
    Ok(Json(issue(&tokens, channel, verified, now / 1_000_000)).into_response())
}

/// `GET /webchat/v1/{channel}/messages`: the visitor's conversation (the latest
/// [`PAGE`] messages, oldest first) and the event number to follow it from.
pub async fn messages(State(state): State<AppState>, auth: VisitorAuth) -> ApiResult<Response> {
    let ws = auth.channel.workspace_id;
    // Read before the messages, so that the stream from here misses nothing.
    let after = state.store.latest_event(ws).await?;
    let (_, conversation) = state
        .store
        .visitor_conversation(ws, auth.channel.id, &auth.visitor.visitor)
        .await?;
    let list = match conversation {
        Some(id) => state.store.messages_page(ws, id, None, PAGE).await?.0,
        None => Vec::new(),
    };
    Ok(Json(json!({
        "conversation_id": conversation,
        "messages": list.iter().map(visitor_view).collect::<Vec<_>>(),
        "last_event_id": after,
    }))
    .into_response())
}

/// The body of a visitor's message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendBody {
    /// The widget's id of the message: sent twice, it is stored once.
    client_id: String,
    #[serde(default)]
    text: String,
    /// The page the visitor is on.
    page: Option<String>,
    /// The browser's language.
    language: Option<String>,
    /// The browser's IANA zone.
    timezone: Option<String>,
    /// From the pre-chat form.
    name: Option<String>,
    /// From the pre-chat form.
    email: Option<String>,
    /// Keys of files uploaded first (`attachments`).
    #[serde(default)]
    attachments: Vec<String>,
}

/// `POST /webchat/v1/{channel}/messages`: the visitor writes; the message goes
/// through the one inbound path, and what the browser says about the visitor (page,
/// language, zone, the pre-chat form) is kept on the contact.
pub async fn send(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ip: ClientIp,
    ApiJson(body): ApiJson<SendBody>,
) -> ApiResult<Response> {
    let visitor = auth.visitor.visitor.as_str();
    if let Err(limited) = Limits::Message.check(&state, ip, Some(visitor)) {
        return Ok(limited.into());
    }
    let client_id = body.client_id.trim();
    if client_id.is_empty()
        || client_id.len() > 100
        || !client_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::invalid(
            "client_id must have 1 to 100 letters, digits, - or _",
        ));
    }
    if body.text.trim().is_empty() && body.attachments.is_empty() {
        return Err(ApiError::invalid("a message needs text or attachments"));
    }
    let attachments = super::files::attachments_of(&state, &auth, &body.attachments).await?;
    if body.text.chars().count() > MAX_TEXT {
        return Err(ApiError::invalid(format!(
            "the text is longer than {MAX_TEXT} characters"
        )));
    }
    let page = short("page", &body.page, 2000)?
        .filter(|p| p.starts_with("https://") || p.starts_with("http://"));
    let language = short("language", &body.language, 35)?.filter(|l| {
        l.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    });
    let timezone = short("timezone", &body.timezone, 64)?.filter(|z| Zone::parse(z).is_ok());
    let name = short("name", &body.name, 200)?;
    let email = email(&body.email)?;
    let channel = &auth.channel;
    let now = state.now();
    let inbound = Inbound {
        channel_id: channel.id,
        contact_external_id: visitor.to_owned(),
        contact_name: name.clone(),
        // Namespaced by the visitor, so that one visitor's ids never meet another's.
        external_id: Some(format!("{visitor}/{client_id}")),
        text: body.text,
        attachments,
        at: now,
    };
    let stored = crate::inbound::receive_one(&state, channel, inbound).await?;
    let conversation = state
        .store
        .conversation(channel.workspace_id, stored.message.conversation_id)
        .await?;
    let mut attributes = Map::new();
    if let Some(p) = page {
        attributes.insert("page".into(), json!(p));
    }
    if let Some(l) = &language {
        attributes.insert("browser_language".into(), json!(l));
    }
    if let Some(e) = email {
        attributes.insert("email".into(), json!(e));
        attributes.insert("email_verified".into(), json!(auth.visitor.is_verified()));
    }
    let details = VisitorDetails {
        name,
        replace_name: false,
        locale: language.map(|l| l.replace('-', "_")),
        timezone,
        attributes,
    };
    state
        .store
        .update_visitor_contact(channel.workspace_id, conversation.contact_id, &details, now)
        .await?;
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(visitor_view(&stored.message))).into_response())
}

/// `POST /webchat/v1/{channel}/typing`: the visitor is typing (agents see it).
pub async fn typing(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ip: ClientIp,
) -> ApiResult<Response> {
    if let Err(limited) = Limits::Signal.check(&state, ip, Some(&auth.visitor.visitor)) {
        return Ok(limited.into());
    }
    let ws = auth.channel.workspace_id;
    let (_, conversation) = state
        .store
        .visitor_conversation(ws, auth.channel.id, &auth.visitor.visitor)
        .await?;
    if let Some(conversation_id) = conversation {
        let now = state.now();
        let event = LiveEvent::ContactTyping {
            conversation_id,
            at: now,
        };
        state.store.publish(ws, &event, now).await?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /webchat/v1/{channel}/read`: the visitor has seen the business's messages
/// so far; they are marked `read` (as a platform's read watermark would).
pub async fn read(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ip: ClientIp,
) -> ApiResult<Response> {
    if let Err(limited) = Limits::Signal.check(&state, ip, Some(&auth.visitor.visitor)) {
        return Ok(limited.into());
    }
    let now = state.now();
    state
        .store
        .apply_watermark(
            auth.channel.workspace_id,
            auth.channel.id,
            &auth.visitor.visitor,
            "read",
            now,
            now,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The body of `contact`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    name: Option<String>,
    /// Where the visitor would like the answer, if they leave.
    email: Option<String>,
}

/// `POST /webchat/v1/{channel}/contact`: the visitor leaves a name or an email to
/// be answered later (kept on their own contact, as given: unverified unless the
/// site vouched for the visitor). Before the visitor's first message there is no
/// contact yet: the widget sends them with that message instead (204 either way).
pub async fn contact(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ip: ClientIp,
    ApiJson(body): ApiJson<ContactBody>,
) -> ApiResult<Response> {
    if let Err(limited) = Limits::Session.check(&state, ip, Some(&auth.visitor.visitor)) {
        return Ok(limited.into());
    }
    let name = short("name", &body.name, 200)?;
    let email = email(&body.email)?;
    let ws = auth.channel.workspace_id;
    let (contact, _) = state
        .store
        .visitor_conversation(ws, auth.channel.id, &auth.visitor.visitor)
        .await?;
    if let Some(contact) = contact {
        let mut attributes = Map::new();
        if let Some(e) = email {
            attributes.insert("email".into(), json!(e));
            attributes.insert("email_verified".into(), json!(auth.visitor.is_verified()));
            attributes.insert("answer_by_email".into(), json!(true));
        }
        let details = VisitorDetails {
            name,
            attributes,
            ..Default::default()
        };
        state
            .store
            .update_visitor_contact(ws, contact, &details, state.now())
            .await?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

//! Meta's Send API for Messenger and Instagram channels: the window policy checked
//! again at send time, the request with `appsecret_proof` and Pronto's metadata, and
//! Meta's errors sorted into retry, fail, or stop the channel.

use pronto_channels::messenger::{Outgoing, SendMetadata};
use pronto_core::channel::Login;
use pronto_core::policy::{self, Capabilities};
use pronto_core::{Author, Timestamp};
use pronto_store::{Channel, MessageAuthor, OutboxJob};
use serde_json::{Value, json};

use crate::reply::ReplyError;
use crate::state::AppState;

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again later (Meta's transient codes, 5xx, timeouts).
    Retry(String),
    /// Will not succeed (outside the window, the person is unavailable, bad request).
    Final(String),
    /// The Page token is no longer valid (code 190): the channel needs a new one.
    TokenInvalid(String),
    /// The account is locked, restricted or blocked (WhatsApp 131031, 131042,
    /// 131048, 368): nothing goes until an admin acts.
    AccountStopped(String),
    /// Worth trying again later, and the other waiting messages of the pair (one
    /// customer) or of the number too: WhatsApp asked to slow down.
    SlowDown(String, pronto_store::Hold),
}

pub use pronto_channels::signature::appsecret_proof;

/// What the channel may do beyond the window.
pub fn capabilities(channel: &Channel) -> Capabilities {
    Capabilities {
        human_agent: channel.kind.is_meta() && channel.meta_config().human_agent,
    }
}

/// The engine's author for a stored author (customers never send).
pub fn author(a: MessageAuthor) -> Author {
    match a {
        MessageAuthor::Agent | MessageAuthor::Customer => Author::Agent,
        MessageAuthor::Bot => Author::Bot,
        MessageAuthor::Automation => Author::Automation,
    }
}

/// A reply refused (final) or not decided because the database failed (retried).
fn send_error(e: ReplyError) -> SendError {
    match e {
        ReplyError::Refused(r) => SendError::Final(r.to_string()),
        ReplyError::Store(e) => SendError::Retry(e.to_string()),
    }
}

/// Sends a reply through the Send API; returns Meta's message id.
pub async fn send(
    state: &AppState,
    channel: &Channel,
    job: &OutboxJob,
) -> Result<String, SendError> {
    let m = &job.message;
    let at = state.now();
    let now = Timestamp::from_micros(at);
    let platform = channel.kind.platform();
    let mut content = Outgoing::from_reply(&m.text, &m.attachments)
        .map_err(|e| SendError::Final(e.to_string()))?;
    if let Some(media) = content.attachment.as_mut()
        && let Some(upload) = media.upload_id
    {
        if channel.kind == pronto_store::ChannelKind::Instagram {
            // Instagram fetches the file from Pronto, at a link that works an hour.
            media.url = crate::routes::uploads::public_link(state, channel.workspace_id, upload)
                .map_err(SendError::Retry)?;
        } else {
            media.attachment_id = Some(attachment_id(state, channel, upload).await?);
        }
    }
    let metadata = SendMetadata {
        author: author(m.author),
        agent: m.agent_id.map(|a| a.to_string()),
        message: Some(m.id.to_string()),
    }
    .encode();
    let body = if let Some(comment_id) = &content.private_reply_to {
        let comment = state
            .store
            .comment_of_reply(m.id)
            .await
            .map_err(|e| SendError::Retry(e.to_string()))?
            .ok_or_else(|| {
                SendError::Final("the comment this reply answers is not stored".into())
            })?;
        // This message is the comment's one reply; the policy checks the seven days.
        policy::decide_private_reply(
            Timestamp::from_micros(comment.at),
            false,
            now,
            platform,
            &m.text,
        )
        .map_err(|r| SendError::Final(r.to_string()))?;
        json!({
            "recipient": {"comment_id": comment_id},
            "messaging_type": "RESPONSE",
            "message": content.message_json(&metadata),
        })
    } else {
        // The policy again: a window can close while a reply waits in the outbox.
        let target = crate::reply::meta_target(state, channel, m.conversation_id, m.author, at)
            .await
            .map_err(send_error)?;
        let messaging = target
            .decide(&m.text)
            .map_err(|r| SendError::Final(r.to_string()))?;
        let psid = target.recipient;
        let (messaging_type, tag) = messaging.wire();
        let mut body = json!({
            "recipient": {"id": psid},
            "messaging_type": messaging_type,
            "message": content.message_json(&metadata),
        });
        if let Some(tag) = tag {
            body["tag"] = json!(tag);
        }
        body
    };
    let answer = post_messages(state, channel, &body).await?;
    answer["message_id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| SendError::Retry("Meta answered without a message_id".into()))
}

/// Shows the customer a sender action (`typing_on`, `mark_seen`) in a conversation.
/// Returns false, sending nothing, when the window is closed or the customer has
/// only commented: Meta would refuse it.
pub async fn sender_action(
    state: &AppState,
    channel: &Channel,
    conversation_id: i64,
    action: &str,
) -> Result<bool, SendError> {
    if channel.kind == pronto_store::ChannelKind::WhatsApp {
        return crate::whatsapp::cloud::sender_action(state, channel, conversation_id, action)
            .await;
    }
    let now = state.now();
    let target =
        match crate::reply::meta_target(state, channel, conversation_id, MessageAuthor::Agent, now)
            .await
        {
            Ok(target) => target,
            Err(ReplyError::Refused(_)) => return Ok(false),
            Err(e) => return Err(send_error(e)),
        };
    // The policy's window, so the two never disagree on when it closes.
    let open = target
        .window()
        .open_until
        .is_some_and(|end| Timestamp::from_micros(now) < end);
    if !open {
        return Ok(false);
    }
    let psid = target.recipient;
    let body = json!({"recipient": {"id": psid}, "sender_action": action});
    post_messages(state, channel, &body).await?;
    Ok(true)
}

/// Where a channel's Send API is: the Graph API for Pages (and Instagram accounts
/// linked to one), the Instagram Platform API for Instagram-login accounts.
pub fn base_url<'a>(state: &'a AppState, channel: &Channel) -> &'a str {
    let base = if channel.meta_config().login == Login::Instagram {
        &state.config.instagram_base_url
    } else {
        &state.config.graph_base_url
    };
    base.trim_end_matches('/')
}

/// The query parameters that authorize a call for a Page's channel: its token and
/// the `appsecret_proof` of it.
pub fn credentials(
    state: &AppState,
    channel: &Channel,
) -> Result<[(&'static str, String); 2], String> {
    let config = channel.meta_config();
    let token = state.open_secret(&config.page_access_token)?;
    let secret = state.open_secret(&config.app_secret)?;
    let proof = appsecret_proof(&secret, &token);
    Ok([("access_token", token), ("appsecret_proof", proof)])
}

/// `POST /{page-id}/messages` with the channel's token and `appsecret_proof`;
/// Meta's answer on success.
/// Meta's reusable id of an agent's upload on this channel's Page: the one kept
/// for this content when it is recent enough, else the file uploaded once through
/// the Attachment Upload API and its id kept (so the same file, in any reply, any
/// conversation, goes to Meta once).
async fn attachment_id(
    state: &AppState,
    channel: &Channel,
    upload: i64,
) -> Result<String, SendError> {
    use pronto_channels::messenger::upload;
    platform_file_id(
        state,
        channel,
        upload,
        upload::REUSE_DAYS,
        async |file, bytes| {
            let boundary = format!("pronto-{}", crate::auth::random_token(16));
            let (content_type, body) =
                upload::body(&file.kind, &file.name, &file.mime_type, &bytes, &boundary);
            let page = channel.meta_config().page_id;
            let request = state
                .http
                .post(format!(
                    "{}/{page}/message_attachments",
                    base_url(state, channel)
                ))
                .query(&credentials(state, channel).map_err(SendError::Retry)?)
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
            let answer = exchange(request, "Meta").await.map_err(|e| match e {
                Exchange::Unreachable(why) => SendError::Retry(why),
                Exchange::Refused(status, answer) => classify(status, &answer),
            })?;
            answer["attachment_id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| {
                    SendError::Retry("Meta answered the upload without an attachment_id".into())
                })
        },
    )
    .await
}

/// The platform's id of an agent's upload on this channel: the one kept for this
/// content when younger than `reuse_days`, else what `send` answers when given the
/// upload and its bytes, kept for next time. The same file, in any reply, any
/// conversation, goes to the platform once while its id lives.
pub(crate) async fn platform_file_id(
    state: &AppState,
    channel: &Channel,
    upload: i64,
    reuse_days: i64,
    send: impl AsyncFnOnce(pronto_store::Upload, Vec<u8>) -> Result<String, SendError>,
) -> Result<String, SendError> {
    let store = |e: pronto_store::StoreError| SendError::Retry(e.to_string());
    let file = state
        .store
        .upload(channel.workspace_id, upload)
        .await
        .map_err(store)?
        .ok_or_else(|| SendError::Final(format!("upload {upload} is not stored")))?;
    let now = state.now();
    let since = now - reuse_days * 86_400_000_000;
    if let Some(id) = state
        .store
        .platform_attachment(channel.id, &file.storage_key, since)
        .await
        .map_err(store)?
    {
        return Ok(id);
    }
    let bytes = state
        .files
        .get(&file.storage_key)
        .await
        .map_err(|e| SendError::Retry(format!("the file store: {e}")))?
        .ok_or_else(|| SendError::Final(format!("upload {upload}'s bytes are gone")))?;
    let key = file.storage_key.clone();
    let id = send(file, bytes).await?;
    state
        .store
        .keep_platform_attachment(channel.id, &key, &id, now)
        .await
        .map_err(store)?;
    Ok(id)
}

async fn post_messages(
    state: &AppState,
    channel: &Channel,
    body: &Value,
) -> Result<Value, SendError> {
    let page = channel.meta_config().page_id;
    let url = format!("{}/{page}/messages", base_url(state, channel));
    let request = state
        .http
        .post(&url)
        .query(&credentials(state, channel).map_err(SendError::Retry)?)
        .json(body);
    exchange(request, "Meta").await.map_err(|e| match e {
        Exchange::Unreachable(why) => SendError::Retry(why),
        Exchange::Refused(status, answer) => classify(status, &answer),
    })
}

/// Why a Graph call brought no answer to use.
#[derive(Debug)]
pub enum Exchange {
    /// The platform could not be reached ("could not reach Meta: ...").
    Unreachable(String),
    /// It answered with an error: the status and the body (`Null` if not JSON),
    /// for the caller's `classify`.
    Refused(u16, Value),
}

/// Sends a call to Meta's Graph or Cloud API (`who` names it in errors) and reads
/// the answer: the body on success, else why not.
pub async fn exchange(request: reqwest::RequestBuilder, who: &str) -> Result<Value, Exchange> {
    let response = request.send().await.map_err(|e| {
        Exchange::Unreachable(format!(
            "could not reach {who}: {}",
            crate::outgoing::transport_error(&e)
        ))
    })?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        Ok(answer)
    } else {
        Err(Exchange::Refused(status.as_u16(), answer))
    }
}

/// Sorts a Graph API error (`{"error": {"code", "error_subcode", "message"}}`).
pub fn classify(status: u16, answer: &Value) -> SendError {
    let e = pronto_channels::messenger::error::GraphError::read(answer);
    let said = e.said();
    match (e.code, e.subcode) {
        (190, _) => SendError::TokenInvalid(said),
        (10_900, _) => {
            SendError::Final(format!("this comment already has a private reply ({said})"))
        }
        (10, 2_018_278) | (10, 2_534_022) => {
            SendError::Final(format!("outside the messaging window ({said})"))
        }
        (551, _) | (200, 1_545_041) | (10, 2_018_108) => {
            SendError::Final(format!("this person is not available right now ({said})"))
        }
        (1 | 2 | 4 | 17 | 32 | 613, _) => SendError::Retry(said),
        _ if status >= 500 || e.transient => SendError::Retry(said),
        _ if e.code == 0 => {
            SendError::Retry(format!("Meta answered {status} without an error body"))
        }
        _ => SendError::Final(said),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: i64, subcode: i64) -> Value {
        json!({"error": {"message": "m", "type": "OAuthException", "code": code, "error_subcode": subcode}})
    }

    #[test]
    fn meta_errors_sort_into_retry_fail_and_stop() {
        for code in [1, 2, 4, 17, 32, 613] {
            assert!(
                matches!(classify(400, &err(code, 0)), SendError::Retry(_)),
                "{code}"
            );
        }
        assert!(matches!(classify(500, &json!({})), SendError::Retry(_)));
        assert!(
            matches!(classify(400, &err(10, 2_018_278)), SendError::Final(m) if m.contains("window"))
        );
        assert!(
            matches!(classify(400, &err(10, 2_534_022)), SendError::Final(m) if m.contains("window"))
        );
        assert!(
            matches!(classify(400, &err(551, 0)), SendError::Final(m) if m.contains("not available"))
        );
        assert!(matches!(
            classify(400, &err(190, 460)),
            SendError::TokenInvalid(_)
        ));
        assert!(matches!(
            classify(400, &err(100, 2_018_001)),
            SendError::Final(_)
        ));
    }
}

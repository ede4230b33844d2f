//! The Cloud API's send side: a stored reply sent to `POST /{phone-number-id}/messages`
//! (the window checked again at send time; templates allowed outside it), read
//! receipts and the typing indicator, and the Cloud API's errors sorted by their
//! code into retry, fail with the reason, or the channel needs an admin.

use pronto_channels::signature::appsecret_proof;
use pronto_channels::whatsapp::errors::{self, Action, SlowDown};
use pronto_channels::whatsapp::outgoing::{Content, MediaSource};
use pronto_channels::whatsapp::{Outgoing, outgoing};
use pronto_core::Timestamp;
use pronto_store::{Channel, Hold, MessageAuthor, OutboxJob};
use serde_json::Value;

use crate::graph::SendError;
use crate::reply::ReplyError;
use crate::state::AppState;

/// Sends a reply; returns WhatsApp's message id (`wamid`). The answer means only
/// that WhatsApp accepted it: `delivered`, `read` or `failed` come as statuses.
pub async fn send(
    state: &AppState,
    channel: &Channel,
    job: &OutboxJob,
) -> Result<String, SendError> {
    let m = &job.message;
    let at = state.now();
    let mut content = Outgoing::from_reply(&m.text, &m.attachments)
        .map_err(|e| SendError::Final(e.to_string()))?;
    // The policy again: a window can close while a reply waits in the outbox.
    let target = crate::reply::meta_target(state, channel, m.conversation_id, m.author, at)
        .await
        .map_err(|e| match e {
            ReplyError::Refused(r) => SendError::Final(r.to_string()),
            ReplyError::Store(e) => SendError::Retry(e.to_string()),
        })?;
    if !content.is_template() {
        target
            .decide(&m.text)
            .map_err(|r| SendError::Final(r.to_string()))?;
    }
    if let Content::Media { source, .. } = &mut content.content
        && let MediaSource::Upload(upload) = *source
    {
        *source = MediaSource::Id(media_id(state, channel, upload).await?);
    }
    let answer = post_messages(state, channel, &content.body(&target.recipient)).await?;
    answer["messages"][0]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| SendError::Retry("WhatsApp answered without a message id".into()))
}

/// Marks the customer's latest message read (`mark_seen`), with the typing
/// indicator (`typing_on`), which also marks it read. Returns false, sending
/// nothing, when the window is closed or the customer has no message to mark.
pub async fn sender_action(
    state: &AppState,
    channel: &Channel,
    conversation_id: i64,
    action: &str,
) -> Result<bool, SendError> {
    let now = state.now();
    let target =
        match crate::reply::meta_target(state, channel, conversation_id, MessageAuthor::Agent, now)
            .await
        {
            Ok(t) => t,
            Err(ReplyError::Refused(_)) => return Ok(false),
            Err(ReplyError::Store(e)) => return Err(SendError::Retry(e.to_string())),
        };
    let open = target
        .window()
        .open_until
        .is_some_and(|end| Timestamp::from_micros(now) < end);
    let last = state
        .store
        .last_customer_message_id(channel.workspace_id, conversation_id)
        .await
        .map_err(|e| SendError::Retry(e.to_string()))?;
    let Some(wamid) = last.filter(|_| open) else {
        return Ok(false);
    };
    let body = outgoing::mark_read(&wamid, action == "typing_on");
    post_messages(state, channel, &body).await?;
    Ok(true)
}

/// Where a WhatsApp channel's Graph API is.
pub fn base_url(state: &AppState, channel: &Channel) -> String {
    channel
        .whatsapp_config()
        .graph_base_url
        .unwrap_or_else(|| state.config.graph_base_url.clone())
        .trim_end_matches('/')
        .to_owned()
}

/// WhatsApp's media id of an agent's upload: the one kept for this content while it
/// lives, else the file uploaded once (`POST /{phone-number-id}/media`).
async fn media_id(state: &AppState, channel: &Channel, upload: i64) -> Result<String, SendError> {
    use pronto_channels::whatsapp::upload;
    crate::graph::platform_file_id(
        state,
        channel,
        upload,
        upload::REUSE_DAYS,
        async |file, bytes| {
            let boundary = format!("pronto-{}", crate::auth::random_token(16));
            let (content_type, body) = upload::body(&file.name, &file.mime_type, &bytes, &boundary);
            let request = post(state, channel, "media")?
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
            let answer = exchange(request).await?;
            answer["id"].as_str().map(str::to_owned).ok_or_else(|| {
                SendError::Retry("WhatsApp answered the upload without an id".into())
            })
        },
    )
    .await
}

/// `POST /{phone-number-id}/{edge}` with the channel's token (a bearer token, and
/// `appsecret_proof`), the body still to set.
fn post(
    state: &AppState,
    channel: &Channel,
    edge: &str,
) -> Result<reqwest::RequestBuilder, SendError> {
    let config = channel.whatsapp_config();
    let token = state
        .open_secret(&config.access_token)
        .map_err(SendError::Retry)?;
    let secret = state
        .open_secret(&config.app_secret)
        .map_err(SendError::Retry)?;
    let url = format!(
        "{}/{}/{edge}",
        base_url(state, channel),
        config.phone_number_id
    );
    Ok(state.http.post(&url).bearer_auth(token.as_str()).query(&[(
        "appsecret_proof",
        appsecret_proof(secret.as_str(), token.as_str()),
    )]))
}

/// `POST /{phone-number-id}/messages` with `body`; the answer on success.
async fn post_messages(
    state: &AppState,
    channel: &Channel,
    body: &Value,
) -> Result<Value, SendError> {
    exchange(post(state, channel, "messages")?.json(body)).await
}

/// Sends a Cloud API request; its errors sorted by [`classify`].
async fn exchange(request: reqwest::RequestBuilder) -> Result<Value, SendError> {
    crate::graph::exchange(request, "WhatsApp")
        .await
        .map_err(|e| match e {
            crate::graph::Exchange::Unreachable(why) => SendError::Retry(why),
            crate::graph::Exchange::Refused(status, answer) => classify(status, &answer),
        })
}

/// Sorts a Cloud API error (`{"error": {"code", "error_data": {"details"}}}`) by
/// its code: retry, fail with the reason, or the channel needs an admin.
pub fn classify(status: u16, answer: &Value) -> SendError {
    let e = &answer["error"];
    let Some(code) = e["code"].as_i64() else {
        return SendError::Retry(format!("WhatsApp answered {status} without an error body"));
    };
    let details = e["error_data"]["details"]
        .as_str()
        .or_else(|| e["message"].as_str());
    let reason = errors::describe(code, details);
    match errors::meaning(code).action {
        Action::Retry => match errors::slow_down(code) {
            // The pair's hold names the conversation, which the delivery knows.
            Some(SlowDown::Pair) => SendError::SlowDown(reason, Hold::Conversation(0)),
            Some(SlowDown::Number) => SendError::SlowDown(reason, Hold::Channel),
            None => SendError::Retry(reason),
        },
        Action::Attention if matches!(code, 190 | 102 | 0 | 3 | 10 | 200..=299) => {
            SendError::TokenInvalid(reason)
        }
        Action::Attention => SendError::AccountStopped(reason),
        // Unknown codes on a server error are worth another try.
        Action::Fail if status >= 500 && !errors::is_known(code) => SendError::Retry(reason),
        Action::Fail => SendError::Final(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(code: i64) -> Value {
        json!({"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": "d"}, "fbtrace_id": "x"}})
    }

    #[test]
    fn cloud_api_errors_sort_by_their_code() {
        assert!(
            matches!(classify(400, &err(130429)), SendError::SlowDown(r, _) if r.contains("throughput"))
        );
        assert!(matches!(
            classify(400, &err(131056)),
            SendError::SlowDown(_, Hold::Conversation(_))
        ));
        assert!(matches!(
            classify(400, &err(130429)),
            SendError::SlowDown(_, Hold::Channel)
        ));
        assert!(
            matches!(classify(400, &err(131047)), SendError::Final(r) if r.contains("24 hours") && r.contains("131047: d"))
        );
        assert!(matches!(classify(400, &err(131026)), SendError::Final(_)));
        assert!(matches!(classify(400, &err(132001)), SendError::Final(_)));
        assert!(matches!(
            classify(401, &err(190)),
            SendError::TokenInvalid(_)
        ));
        assert!(
            matches!(classify(400, &err(131031)), SendError::AccountStopped(r) if r.contains("locked"))
        );
        assert!(matches!(
            classify(400, &err(368)),
            SendError::AccountStopped(_)
        ));
        assert!(matches!(classify(503, &json!({})), SendError::Retry(_)));
        assert!(matches!(classify(500, &err(777)), SendError::Retry(_)));
        assert!(matches!(classify(400, &err(777)), SendError::Final(_)));
    }
}

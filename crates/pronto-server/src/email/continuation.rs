//! Email for the customers of the other channels, through the workspace's email
//! channel ([`email_channel`]: its first one) and `send::deliver`, the one
//! function every mail Pronto sends goes through:
//!
//! - **Move to email** (issue 15, `POST /api/v1/conversations/{id}/email`): the
//!   agent's message goes as the first mail of the contact's conversation on the
//!   email channel (`Store::email_conversation`: the same contact, the address
//!   kept as their identity there), and the customer's answer threads into it like
//!   any answer to a mail Pronto sent. Not the chat conversation itself: a mail
//!   in a Messenger or WhatsApp conversation would count as the customer's
//!   message there, opening Meta's messaging window and counting in the channel's
//!   figures, which it is not.
//! - **A web chat visitor who left** (issue 14, [`webchat_copy`]): a reply in a
//!   web chat conversation whose visitor holds no live stream and left an address
//!   to be answered by email is also mailed to that address, and the mail's
//!   Message-ID is linked to the conversation (`email_links`), so the visitor's
//!   answer from that address comes back into the same web chat conversation
//!   ([`linked`]).
//!
//! Only an address the team keeps on the contact, one the visitor left to be
//! answered by, or one the site vouched for is ever written to ([`known_address`]);
//! the copy of a web chat reply only to the one the visitor left ([`left_address`]).

use pronto_channels::email::thread;
use pronto_store::{Channel, ChannelKind, Contact, MessageAuthor, OutboxJob, StoreError};

use crate::delivery::Failure;
use crate::email::send::{self, Outgoing};
use crate::state::AppState;

/// The workspace's email channel that writes for its other channels: the first one
/// made (the lowest id), whatever the number of email channels.
pub fn email_channel(channels: &[Channel]) -> Option<&Channel> {
    channels.iter().find(|c| c.kind == ChannelKind::Email)
}

/// Whether a conversation of `kind` may continue by email.
pub fn may_move(kind: ChannelKind) -> bool {
    matches!(
        kind,
        ChannelKind::Messenger
            | ChannelKind::Instagram
            | ChannelKind::WhatsApp
            | ChannelKind::WebChat
    )
}

/// The address a contact may be written to: the one the team keeps on the contact
/// (its `email`, set by a person or an import), else the one the visitor left to
/// be answered by or the site vouched for ([`left_address`]). An address a visitor
/// typed without either is never used.
pub fn known_address(contact: &Contact) -> Option<String> {
    contact
        .email
        .as_deref()
        .and_then(address)
        .or_else(|| left_address(contact))
        .or_else(|| flagged_address(contact, "email_verified"))
}

/// The address a web chat visitor left to be answered by email
/// (`answer_by_email`), if any.
pub fn left_address(contact: &Contact) -> Option<String> {
    flagged_address(contact, "answer_by_email")
}

/// The web chat's `email` attribute of the contact when the attribute `flag` is
/// true.
fn flagged_address(contact: &Contact, flag: &str) -> Option<String> {
    let a = &contact.attributes;
    (a[flag] == true)
        .then(|| a["email"].as_str().and_then(address))
        .flatten()
}

/// One address, trimmed; none when it cannot be one.
fn address(s: &str) -> Option<String> {
    let s = s.trim();
    let (local, domain) = s.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace))
        .then(|| s.to_owned())
}

/// The outbox's step for a web chat reply: when its visitor holds no live stream
/// on this node and left an address, and the workspace has an email channel, the
/// reply is mailed to that address too (its Message-ID linked to the conversation,
/// the thread's earlier mails in In-Reply-To and References). Otherwise nothing:
/// the reply is delivered by being stored. On several nodes a stream held by
/// another node is not seen, so such a visitor may get the mail as well.
pub async fn webchat_copy(
    state: &AppState,
    channel: &Channel,
    job: &OutboxJob,
) -> Result<(), Failure> {
    let db = |e: StoreError| Failure::Retry(format!("the database failed: {e}"));
    let ws = channel.workspace_id;
    let conversation_id = job.message.conversation_id;
    let (visitor, _) = state
        .store
        .reply_target(conversation_id)
        .await
        .map_err(db)?;
    if state.feeds.is_connected(ws, &(channel.id, visitor)) {
        return Ok(());
    }
    let conversation = state
        .store
        .conversation(ws, conversation_id)
        .await
        .map_err(db)?;
    let contact = state
        .store
        .contact(ws, conversation.contact_id)
        .await
        .map_err(db)?;
    let Some(to) = left_address(&contact) else {
        return Ok(());
    };
    let channels = state.store.channels(ws).await.map_err(db)?;
    let Some(email) = email_channel(&channels) else {
        return Ok(());
    };
    let sent = state
        .store
        .email_thread_of(email.id, conversation_id)
        .await
        .map_err(db)?;
    let message_id = send::message_id(state, email, job.message.id)?;
    if sent.contains(&message_id) {
        // Mailed already (the job is retried after the mail went).
        return Ok(());
    }
    let (in_reply_to, references) = match sent.split_last() {
        Some((last, earlier)) => (Some(last.clone()), thread::references(earlier, last)),
        None => (None, Vec::new()),
    };
    let subject = match &in_reply_to {
        Some(_) => thread::reply_subject(&chat_subject(channel)),
        None => chat_subject(channel),
    };
    let outgoing = Outgoing {
        files: Vec::new(),
        from: email.email_config().address.clone(),
        from_name: email.name.clone(),
        to: to.clone(),
        subject,
        message_id,
        in_reply_to,
        references,
        text: job.message.text.clone(),
        automated: job.message.author == MessageAuthor::Automation,
    };
    let rfc_id = send::deliver(state, email, outgoing).await?;
    state
        .store
        .link_email(
            email.id,
            &rfc_id,
            conversation_id,
            job.message.id,
            &to,
            state.now(),
        )
        .await
        .map_err(db)?;
    Ok(())
}

/// The subject of the mails of a web chat conversation.
fn chat_subject(channel: &Channel) -> String {
    format!("Your conversation with {}", channel.name)
}

/// Where a mail received by email channel `email` belongs when it answers a mail
/// sent for another channel's conversation: that conversation's channel and the
/// customer's id there, if the mail names such a mail (In-Reply-To, References)
/// and comes from the address it was sent to (anyone else's lands in their own
/// email conversation, as the reference's advice on threading asks).
pub async fn linked(
    state: &AppState,
    email: &Channel,
    ids: &[String],
    from: &str,
) -> Result<Option<(Channel, String)>, StoreError> {
    let Some(link) = state.store.email_link(email.id, ids).await? else {
        return Ok(None);
    };
    if !link.address.eq_ignore_ascii_case(from.trim()) {
        return Ok(None);
    }
    let channel = state.store.channel_any_workspace(link.channel_id).await?;
    if channel.workspace_id != email.workspace_id {
        return Ok(None);
    }
    let (customer, _) = state.store.reply_target(link.conversation_id).await?;
    Ok(Some((channel, customer)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn contact(email: Option<&str>, attributes: serde_json::Value) -> Contact {
        Contact {
            id: 1,
            name: "Lia".into(),
            locale: None,
            timezone: None,
            first_name: None,
            last_name: None,
            language: None,
            language_source: None,
            picture: None,
            email: email.map(str::to_owned),
            phone: None,
            notes: String::new(),
            attributes,
            vip: false,
        }
    }

    #[test]
    fn only_a_kept_left_or_vouched_address_is_written_to() {
        let typed = json!({"email": "lia@example.com", "email_verified": false});
        assert_eq!(known_address(&contact(None, typed.clone())), None);
        assert_eq!(left_address(&contact(None, typed)), None);
        let left = json!({"email": "lia@example.com", "answer_by_email": true});
        assert_eq!(
            left_address(&contact(None, left.clone())).as_deref(),
            Some("lia@example.com")
        );
        let vouched = json!({"email": "ann@example.com", "email_verified": true});
        assert_eq!(
            known_address(&contact(None, vouched.clone())).as_deref(),
            Some("ann@example.com")
        );
        assert_eq!(left_address(&contact(None, vouched)), None);
        assert_eq!(
            known_address(&contact(Some(" bo@example.com "), left)).as_deref(),
            Some("bo@example.com")
        );
        assert_eq!(
            known_address(&contact(Some("not an address"), json!({}))),
            None
        );
    }
}

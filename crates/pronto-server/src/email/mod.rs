//! Email channels: a support mailbox read over IMAP and answered over SMTP
//! submission. `receive` (the reader worker: a lease per mailbox, UIDs tracked,
//! mail through `inbound::receive`, IDLE watchers that wake it), `imap` (the
//! protocol steps), `send` (the outbox's sender: threading headers, lettre),
//! `check` (the admins' "test connection"), `net` (which addresses may be dialled and
//! which certificates are trusted), `continuation` (mail for the other
//! channels' customers: "Move to email", a web chat visitor who left). The wire format (MIME, trimming,
//! robots, threading headers) is `pronto_channels::email`'s.
//!
//! Here too: what an email channel changes in the shared paths, the reply's
//! subject ([`subject`]) and whether an automated reply may go ([`may_automate`]).

pub mod check;
pub mod continuation;
pub mod imap;
pub mod net;
pub mod receive;
pub mod send;

use pronto_store::{Channel, ChannelKind, Message};

use crate::error::ApiError;
use crate::state::AppState;

/// The most automated replies one address gets from a channel in
/// [`AUTOMATED_WINDOW`]: two robots answering each other stop there.
pub const MAX_AUTOMATED: i64 = 3;
/// The window of [`MAX_AUTOMATED`]: a day.
pub const AUTOMATED_WINDOW: i64 = 24 * 3_600_000_000;
/// The longest subject an agent may give.
pub const MAX_SUBJECT: usize = 250;

/// A reply's subject as the API gives it: only on email channels, one line, not
/// too long; blank is none.
pub fn subject(channel: &Channel, subject: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(subject) = subject
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    if channel.kind != ChannelKind::Email {
        return Err(ApiError::invalid("only an email reply has a subject"));
    }
    if subject.contains(['\r', '\n']) || subject.chars().count() > MAX_SUBJECT {
        return Err(ApiError::invalid(format!(
            "the subject is one line of at most {MAX_SUBJECT} characters"
        )));
    }
    Ok(Some(subject))
}

/// Whether an automated reply (instant reply, away message, keyword reply) may
/// answer `message`, a mail on an email channel or a web chat visitor's answer
/// by mail (whose answer is mailed too): never a robot's mail (auto-replies,
/// lists, bounces), and at most [`MAX_AUTOMATED`] a day to one customer. Other
/// messages: always.
pub async fn may_automate(state: &AppState, channel: &Channel, message: &Message) -> bool {
    if !matches!(channel.kind, ChannelKind::Email | ChannelKind::WebChat)
        || message.external_id.is_none()
    {
        return true;
    }
    match state
        .store
        .message_email(channel.workspace_id, message.id)
        .await
    {
        Ok(Some(h)) if h.automated != "no" => return false,
        // Typed in the widget: no mail, no cap.
        Ok(None) if channel.kind == ChannelKind::WebChat => return true,
        Ok(_) => {}
        Err(e) => {
            tracing::warn!("email: reading a mail's headers: {e}");
            return false;
        }
    }
    let Ok((contact, _)) = state.store.reply_target(message.conversation_id).await else {
        return false;
    };
    let since = state.now() - AUTOMATED_WINDOW;
    match state
        .store
        .automated_replies_since(channel.id, &contact, since)
        .await
    {
        Ok(n) => n < MAX_AUTOMATED,
        Err(e) => {
            tracing::warn!("email: counting automated replies: {e}");
            false
        }
    }
}

//! The one reply path. Every reply Pronto writes to a customer (an agent's or a
//! bot's through the API, an automation's, a rule's saved reply) is decided here
//! before it is stored, and stored here: Meta's content rules, the text's length,
//! whether the person has only commented on a post, and `pronto_core::policy`'s
//! window. The Send API asks the same question again at send time
//! ([`meta_target`]), and the inbox's composer shows the same answer
//! ([`composer`]), so the three never disagree.

use axum::http::StatusCode;
use pronto_channels::messenger::{ContentError, Outgoing};
use pronto_core::Timestamp;
use pronto_core::policy::{self, EntryPoint, MessagingType, ReplyFacts, WindowState};
use pronto_store::{Channel, ChannelKind, MessageAuthor, Outbound, StoreError, Stored};
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// The longest reply text accepted, in characters (channels may allow less).
pub const MAX_TEXT: usize = 20_000;

/// The prefix of a Messenger commenter's id: a Facebook user id, which is not a PSID,
/// so such a contact can be answered only privately, through their comment.
pub const COMMENTER_PREFIX: &str = "fb:";

/// Why a reply is refused before it is stored (or, at send time, before it goes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No text (on channels where a reply is only text).
    #[error("the text is empty")]
    EmptyText,
    /// Longer than Pronto keeps.
    #[error("the text has {chars} characters; the limit is {MAX_TEXT}")]
    TextTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// Against Meta's content rules (text or one attachment, quick replies).
    #[error("{0}")]
    Content(ContentError),
    /// Against WhatsApp's content rules (one thing a message, buttons, lists...).
    #[error("{0}")]
    WhatsAppContent(pronto_channels::whatsapp::ContentError),
    /// A WhatsApp template that cannot be sent: unknown, not in that language, not
    /// approved, or its parameters do not fit.
    #[error("{0}")]
    Template(String),
    /// A private reply is written through the comment, not as a reply.
    #[error("a private reply is written with POST /api/v1/comments/{{id}}/private-reply")]
    PrivateReply,
    /// The person has only commented on a post: there is no one to message.
    #[error("this person has only commented on a post; answer their comment privately")]
    CommenterOnly,
    /// The platform's policy (the window, the Human Agent tag, its text limit).
    #[error("{0}")]
    Policy(policy::Refusal),
}

/// A reply that could not be decided or stored.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    /// Refused, saying why.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database failed (or the conversation is not there).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        match r {
            Refusal::EmptyText | Refusal::TextTooLong { .. } | Refusal::PrivateReply => {
                ApiError::invalid(r.to_string())
            }
            Refusal::Content(e) => ApiError::new(unprocessable, "content_refused", e.to_string()),
            Refusal::WhatsAppContent(e) => {
                ApiError::new(unprocessable, "content_refused", e.to_string())
            }
            Refusal::Template(e) => ApiError::new(unprocessable, "template_refused", e),
            Refusal::CommenterOnly => ApiError::new(
                unprocessable,
                "commenter_only",
                "this person has only commented on a post; answer their comment privately (POST /api/v1/comments/{id}/private-reply)",
            ),
            Refusal::Policy(p) => ApiError::new(unprocessable, p.code(), p.to_string()),
        }
    }
}

impl From<ReplyError> for ApiError {
    fn from(e: ReplyError) -> Self {
        match e {
            ReplyError::Refused(r) => r.into(),
            ReplyError::Store(e) => e.into(),
        }
    }
}

/// Where a reply on a Messenger, Instagram or WhatsApp channel goes, and what the
/// policy judges it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaTarget {
    /// The customer's id on the platform (a PSID, an Instagram-scoped id, a WhatsApp
    /// id).
    pub recipient: String,
    /// The policy's facts.
    pub facts: ReplyFacts,
}

impl MetaTarget {
    /// The policy's verdict on `text` for this target.
    pub fn decide(&self, text: &str) -> Result<MessagingType, Refusal> {
        policy::decide_reply(&self.facts, text).map_err(Refusal::Policy)
    }

    /// The messaging window (and WhatsApp's free entry point), for the agent's
    /// screen and the sender actions.
    pub fn window(&self) -> WindowState {
        policy::window(&self.facts)
    }
}

/// The facts for a reply by `author` in conversation `conversation_id` of a Meta
/// `channel` at `now`; refused at once when the person has only commented on a
/// post (they have no messaging id to write to).
pub async fn meta_target(
    state: &AppState,
    channel: &Channel,
    conversation_id: i64,
    author: MessageAuthor,
    now: i64,
) -> Result<MetaTarget, ReplyError> {
    let (recipient, last_in) = state.store.reply_target(conversation_id).await?;
    if recipient.starts_with(COMMENTER_PREFIX) {
        return Err(Refusal::CommenterOnly.into());
    }
    // Only WhatsApp has a free entry point after an ad.
    let entry_point = match channel.kind {
        ChannelKind::WhatsApp => state
            .store
            .entry_point(channel.workspace_id, conversation_id)
            .await?
            .map(|(referred_at, first_reply_at)| EntryPoint {
                referred_at: Timestamp::from_micros(referred_at),
                first_reply_at: first_reply_at.map(Timestamp::from_micros),
            }),
        _ => None,
    };
    let facts = ReplyFacts {
        platform: channel.kind.platform(),
        capabilities: crate::graph::capabilities(channel),
        last_customer_action: last_in.map(Timestamp::from_micros),
        author: crate::graph::author(author),
        now: Timestamp::from_micros(now),
        entry_point,
    };
    Ok(MetaTarget { recipient, facts })
}

/// Decides a reply before it is stored: on Meta channels the content rules, the
/// length, the commenter check and the policy at `now`, in that order (on WhatsApp
/// an approved template with fitting parameters may go outside the window); on
/// others a text that is not empty and not too long. Returns, for a WhatsApp
/// template, the text the customer will see.
pub async fn decide(
    state: &AppState,
    channel: &Channel,
    conversation_id: i64,
    author: MessageAuthor,
    text: &str,
    attachments: &Value,
    now: i64,
) -> Result<Option<String>, ReplyError> {
    if channel.kind == ChannelKind::WhatsApp {
        let content = pronto_channels::whatsapp::Outgoing::from_reply(text, attachments)
            .map_err(Refusal::WhatsAppContent)?;
        check_length(text)?;
        let target = meta_target(state, channel, conversation_id, author, now).await?;
        return match crate::whatsapp::templates::check(state, channel, &content).await {
            Ok(Some(preview)) => Ok(Some(preview)),
            Ok(None) => {
                target.decide(text)?;
                Ok(None)
            }
            Err(Ok(reason)) => Err(Refusal::Template(reason).into()),
            Err(Err(e)) => Err(e.into()),
        };
    }
    if !channel.kind.is_meta() {
        check_text(text)?;
        return Ok(None);
    }
    // Text or one attachment, quick replies: Meta's content rules, checked first.
    let content = Outgoing::from_reply(text, attachments).map_err(Refusal::Content)?;
    if content.private_reply_to.is_some() {
        return Err(Refusal::PrivateReply.into());
    }
    check_length(text)?;
    let target = meta_target(state, channel, conversation_id, author, now).await?;
    target.decide(text)?;
    Ok(None)
}

/// Decides a reply ([`decide`]), then stores it with its outbox row (`Store::send`)
/// and, if it is new, announces the change. A reply already stored under the same
/// idempotency key comes back with `created` false.
pub async fn send(
    state: &AppState,
    channel: &Channel,
    out: &Outbound,
    now: i64,
) -> Result<Stored, ReplyError> {
    let preview = decide(
        state,
        channel,
        out.conversation_id,
        out.author,
        &out.text,
        &out.attachments,
        now,
    )
    .await?;
    // A template is stored with the text the customer will see.
    let filled;
    let out = match preview {
        Some(text) => {
            filled = Outbound {
                text,
                ..out.clone()
            };
            &filled
        }
        None => out,
    };
    let stored = state.store.send(channel.workspace_id, out, now).await?;
    if stored.created {
        state.after_change(channel.workspace_id, stored.message.channel_id);
    }
    Ok(stored)
}

/// What the composer shows for an agent's reply now: the window (Meta channels) and
/// whether a person's reply may go, and with which messaging type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composer {
    /// The messaging window; none on channels without one, or for a commenter.
    pub window: Option<WindowState>,
    /// Whether an agent's reply may go now, as the policy would decide it.
    pub verdict: Result<MessagingType, Refusal>,
    /// What the policy judged it on (Meta channels), for what a template would cost.
    pub facts: Option<ReplyFacts>,
}

/// The composer's state for an agent in conversation `conversation_id`.
pub async fn composer(
    state: &AppState,
    channel: &Channel,
    conversation_id: i64,
) -> Result<Composer, StoreError> {
    if channel.kind.platform() == pronto_core::policy::Platform::Open {
        return Ok(Composer {
            window: None,
            verdict: Ok(MessagingType::Response),
            facts: None,
        });
    }
    let now = state.now();
    match meta_target(state, channel, conversation_id, MessageAuthor::Agent, now).await {
        // An empty text: the question is the window and the tag, not the length.
        Ok(target) => Ok(Composer {
            window: Some(target.window()),
            verdict: target.decide(""),
            facts: Some(target.facts),
        }),
        Err(ReplyError::Refused(r)) => Ok(Composer {
            window: None,
            verdict: Err(r),
            facts: None,
        }),
        Err(ReplyError::Store(e)) => Err(e),
    }
}

/// A text that is not blank and within [`MAX_TEXT`].
pub fn check_text(text: &str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        return Err(Refusal::EmptyText);
    }
    check_length(text)
}

/// A text within [`MAX_TEXT`] characters.
pub fn check_length(text: &str) -> Result<(), Refusal> {
    let chars = text.chars().count();
    if chars > MAX_TEXT {
        return Err(Refusal::TextTooLong { chars });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_keep_the_api_codes_and_messages() {
        let e = ApiError::from(Refusal::EmptyText);
        assert_eq!(
            (e.status, e.code),
            (StatusCode::BAD_REQUEST, "invalid_request")
        );
        assert_eq!(e.message, "the text is empty");
        let e = ApiError::from(check_text(&"a".repeat(MAX_TEXT + 1)).unwrap_err());
        assert_eq!(
            e.message,
            "the text has 20001 characters; the limit is 20000"
        );
        assert!(check_text(&"a".repeat(MAX_TEXT)).is_ok());
        let e = ApiError::from(Refusal::CommenterOnly);
        assert_eq!(
            (e.status, e.code),
            (StatusCode::UNPROCESSABLE_ENTITY, "commenter_only")
        );
        assert!(
            e.message
                .ends_with("(POST /api/v1/comments/{id}/private-reply)")
        );
        let e = ApiError::from(Refusal::PrivateReply);
        assert_eq!(
            e.message,
            "a private reply is written with POST /api/v1/comments/{id}/private-reply"
        );
        let e = ApiError::from(Refusal::Policy(policy::Refusal::NoCustomerMessage));
        assert_eq!(e.code, "no_customer_message");
        let e = ApiError::from(Refusal::Content(ContentError::Empty));
        assert_eq!(e.code, "content_refused");
    }
}

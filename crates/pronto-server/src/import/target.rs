//! Where an import writes: a Meta channel of the store, and how one conversation's
//! messages are stored there.

use pronto_channels::messenger::history::{Conversation, HistoryMessage, oldest_first};
use pronto_core::Timestamp;
use pronto_store::{
    Channel, HistoryItem, Inbound, MessageAuthor, PlatformReply, Store, StoreError,
};
use serde_json::json;

use super::{ImportError, Progress, Skip, Tally};

/// How many messages an import writes in one transaction.
pub(crate) const BATCH: usize = 1_000;

/// A Messenger or Instagram channel to import into.
#[derive(Clone, Debug)]
pub struct Target {
    /// The store.
    pub store: Store,
    /// The channel.
    pub channel: Channel,
    /// Messages (and conversations) older than this are left out.
    pub since: Option<Timestamp>,
    /// When the import runs (the stored rows' `created_at`; the messages keep
    /// their own times).
    pub now: i64,
    business: Vec<String>,
}

impl Target {
    /// The channel `channel_id`, which must be a Messenger or Instagram channel.
    pub async fn new(
        store: Store,
        channel_id: i64,
        since: Option<Timestamp>,
        now: i64,
    ) -> Result<Target, ImportError> {
        let channel = match store.channel_any_workspace(channel_id).await {
            Err(StoreError::NotFound(_)) => {
                return Err(ImportError::Channel(format!(
                    "there is no channel {channel_id} (the channels are listed by GET /api/v1/channels)"
                )));
            }
            other => other?,
        };
        if channel.kind == pronto_store::ChannelKind::WhatsApp {
            // Nothing silent: the Cloud API keeps no history Pronto could read.
            return Err(ImportError::Channel(format!(
                "channel {channel_id} is a WhatsApp channel, and WhatsApp has no conversations API: \
                 the Cloud API delivers messages only as webhooks, from the moment the webhook \
                 is subscribed, so there is no history to import"
            )));
        }
        if !channel.kind.is_meta() {
            return Err(ImportError::Channel(format!(
                "channel {channel_id} is of kind {}; history import reads Messenger and Instagram channels",
                channel.kind
            )));
        }
        // The business's ids: the Page, and for Instagram the account, which is what
        // `from.id` holds on its messages.
        let config = channel.meta_config();
        let business: Vec<String> = [Some(config.page_id), config.instagram_account_id]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        if business.is_empty() {
            return Err(ImportError::Channel(format!(
                "channel {channel_id} has no config.page_id"
            )));
        }
        Ok(Target {
            store,
            channel,
            since,
            now,
            business,
        })
    }

    /// Whether the business's Instagram account is still unknown: an Instagram
    /// channel whose config names only its Page.
    pub fn needs_instagram_account(&self) -> bool {
        self.channel.kind == pronto_store::ChannelKind::Instagram
            && self.channel.meta_config().instagram_account_id.is_none()
    }

    /// Adds an id of the business (the Instagram account, once learnt).
    pub fn add_business(&mut self, id: &str) {
        if !self.is_business(id) {
            self.business.push(id.to_owned());
        }
    }

    /// Whether `id` is the business (a message from it is a reply).
    pub fn is_business(&self, id: &str) -> bool {
        self.business.iter().any(|b| b == id)
    }

    /// Queues one conversation's messages, oldest first, in `pending`, to be written
    /// by [`Target::flush`]. Items that cannot be stored are added to
    /// `tally.skipped`.
    pub(crate) fn queue_conversation(
        &self,
        conv: &Conversation,
        messages: Vec<HistoryMessage>,
        pending: &mut Vec<HistoryItem>,
        tally: &mut Tally,
    ) {
        let skip = |tally: &mut Tally, m: Option<&str>, reason: String| {
            let at = match m {
                Some(m) => format!("conversation {} message {m}", conv.id),
                None => format!("conversation {}", conv.id),
            };
            tally.skipped.push(Skip { at, reason });
        };
        let Some(customer) = conv.customer(&messages, |id| self.is_business(id)) else {
            if !messages.is_empty() {
                skip(
                    tally,
                    None,
                    "no customer among its participants or messages".into(),
                );
            }
            return;
        };
        let name = customer.name.clone().or_else(|| {
            messages
                .iter()
                .find(|m| m.from.id == customer.id)
                .and_then(|m| m.from.name.clone())
        });
        for m in oldest_first(messages) {
            if self.since.is_some_and(|s| m.at < s) {
                tally.before_since += 1;
                continue;
            }
            if self.is_business(&m.from.id) {
                pending.push(HistoryItem::Business {
                    reply: PlatformReply {
                        channel_id: self.channel.id,
                        contact_external_id: customer.id.clone(),
                        external_id: m.id,
                        // The export does not say which app or person wrote a
                        // business message; a person (Agent) is the likeliest, and it
                        // counts as a response, as Meta counts it. Automated replies
                        // sent long ago cannot be told apart.
                        author: MessageAuthor::Agent,
                        text: m.text,
                        at: m.at.micros(),
                    },
                    contact_name: name.clone(),
                });
            } else if m.from.id == customer.id {
                pending.push(HistoryItem::Customer(Inbound {
                    channel_id: self.channel.id,
                    contact_external_id: customer.id.clone(),
                    contact_name: name.clone(),
                    external_id: Some(m.id),
                    text: m.text,
                    attachments: json!([]),
                    at: m.at.micros(),
                }));
            } else {
                let reason = format!(
                    "from {}, who is neither the business nor the customer {}",
                    m.from.id, customer.id
                );
                skip(tally, Some(&m.id), reason);
            }
        }
        tally.conversations += 1;
    }

    /// Writes the queued messages in one transaction ([`Store::import_history`]) and
    /// counts them. Only a database failure is an error.
    pub(crate) async fn flush(
        &self,
        pending: &mut Vec<HistoryItem>,
        tally: &mut Tally,
        progress: &dyn Progress,
    ) -> Result<(), StoreError> {
        if pending.is_empty() {
            return Ok(());
        }
        let stored = self
            .store
            .import_history(self.channel.workspace_id, pending, self.now)
            .await?;
        pending.clear();
        for s in stored {
            if s.created {
                tally.stored += 1;
            } else {
                tally.already += 1;
            }
        }
        progress.update(tally);
        Ok(())
    }
}

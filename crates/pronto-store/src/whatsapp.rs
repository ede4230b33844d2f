//! What only WhatsApp channels keep: the statuses of Pronto's messages as the Cloud
//! API reports them one message at a time (never going backwards, with what each
//! cost), and the account's message templates.

use serde_json::Value;
use sqlx::Row;

use crate::events::Write;
use crate::live_event::{LiveEvent, MessageStatus};
use crate::messages::message_in;
use crate::model::{Message, Micros, WhatsAppTemplate};
use crate::{Result, Store};

/// Where a status stands in the order statuses follow each other; `failed` can
/// follow only `queued` or `sent`.
fn rank(status: &str) -> i32 {
    match status {
        "queued" => 0,
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        _ => -1,
    }
}

/// Whether a message in `current` may move to `next`: forward only, and a failure
/// only before the message was delivered.
pub fn status_moves(current: &str, next: &str) -> bool {
    match next {
        "failed" => matches!(current, "queued" | "sent"),
        _ => current != "failed" && rank(next) > rank(current),
    }
}

/// What a period's messages of one pricing category came to, as WhatsApp's status
/// webhooks priced them (`pricing.category`, `pricing.billable`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CostLine {
    /// `marketing`, `utility`, `authentication`, `service`...
    pub category: String,
    /// Messages WhatsApp bills.
    pub billable: i64,
    /// Messages it does not (service, free entry point, utility inside the window).
    pub free: i64,
    /// How many of the free ones came in a free entry point after an ad.
    pub free_entry_point: i64,
}

/// A platform's report on one of Pronto's messages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StatusUpdate<'a> {
    /// The message's platform id.
    pub external_id: &'a str,
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: &'a str,
    /// Why it failed.
    pub error: Option<&'a str>,
    /// What it cost, as the platform said.
    pub pricing: Option<&'a Value>,
}

/// How long a status for a message no send has claimed is kept (a send answers in
/// seconds; one sent by another tool on the same number is never claimed).
const EARLY_STATUS_KEPT: Micros = 24 * 3_600 * 1_000_000;

impl Store {
    /// Applies a status webhook to the outgoing message with the platform id
    /// `external_id`: its status moves forward only (`sent` < `delivered` < `read`,
    /// `failed` only before delivery, with `error`), and `pricing`, when given, is
    /// kept. Publishes `message.status` when the status moved, `message.updated` when
    /// only the pricing did. Returns the message when anything changed; `None` when
    /// nothing did. A status for an id no message has yet (it overtook the send's
    /// answer) is kept and applied when the send is recorded (a day at most).
    pub async fn apply_message_status(
        &self,
        workspace_id: i64,
        channel_id: i64,
        update: StatusUpdate<'_>,
        now: Micros,
    ) -> Result<Option<Message>> {
        let mut tx = self.write_tx().await?;
        if let Some(id) = outgoing_id(&mut tx, workspace_id, channel_id, update.external_id).await?
        {
            let changed = apply_in(&mut tx, workspace_id, id, update, now).await?;
            tx.commit().await?;
            return Ok(changed);
        }
        sqlx::query("DELETE FROM early_statuses WHERE received_at < $1")
            .bind(now - EARLY_STATUS_KEPT)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO early_statuses (workspace_id, channel_id, external_id, status, error, pricing, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(workspace_id)
        .bind(channel_id)
        .bind(update.external_id)
        .bind(update.status)
        .bind(update.error)
        .bind(update.pricing.map(Value::to_string))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // The send may have been recorded since the look-up: whichever of the two
        // writes comes second sees the other's and applies what was kept.
        self.apply_early_statuses(workspace_id, channel_id, update.external_id, now)
            .await
    }

    /// Applies, in arrival order, the statuses kept for `external_id` before a
    /// message had that id, once one has; returns the message when anything changed.
    pub(crate) async fn apply_early_statuses(
        &self,
        workspace_id: i64,
        channel_id: i64,
        external_id: &str,
        now: Micros,
    ) -> Result<Option<Message>> {
        let mut tx = self.write_tx().await?;
        let Some(id) = outgoing_id(&mut tx, workspace_id, channel_id, external_id).await? else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "DELETE FROM early_statuses WHERE channel_id = $1 AND external_id = $2 AND workspace_id = $3
             RETURNING id, status, error, pricing",
        )
        .bind(channel_id)
        .bind(external_id)
        .bind(workspace_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut kept = Vec::with_capacity(rows.len());
        for r in &rows {
            let pricing: Option<String> = r.try_get("pricing")?;
            kept.push((
                r.try_get::<i64, _>("id")?,
                r.try_get::<String, _>("status")?,
                r.try_get::<Option<String>, _>("error")?,
                pricing.and_then(|p| serde_json::from_str::<Value>(&p).ok()),
            ));
        }
        kept.sort_by_key(|k| k.0);
        let mut changed = None;
        for (_, status, error, pricing) in &kept {
            let update = StatusUpdate {
                external_id,
                status,
                error: error.as_deref(),
                pricing: pricing.as_ref(),
            };
            if let Some(m) = apply_in(&mut tx, workspace_id, id, update, now).await? {
                changed = Some(m);
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Replaces a channel's templates with `templates` (the account's full list,
    /// as synchronized) and publishes `channel.templates`.
    pub async fn replace_templates(
        &self,
        workspace_id: i64,
        channel_id: i64,
        templates: &[WhatsAppTemplate],
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM whatsapp_templates WHERE channel_id = $1 AND workspace_id = $2")
            .bind(channel_id)
            .bind(workspace_id)
            .execute(&mut *tx)
            .await?;
        for t in templates {
            sqlx::query(
                "INSERT INTO whatsapp_templates (workspace_id, channel_id, name, language, template_id,
                     status, category, parameter_format, components, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (channel_id, name, language) DO UPDATE SET
                     template_id = excluded.template_id, status = excluded.status,
                     category = excluded.category, parameter_format = excluded.parameter_format,
                     components = excluded.components, updated_at = excluded.updated_at",
            )
            .bind(workspace_id)
            .bind(channel_id)
            .bind(&t.name)
            .bind(&t.language)
            .bind(&t.template_id)
            .bind(&t.status)
            .bind(&t.category)
            .bind(&t.parameter_format)
            .bind(t.components.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.emit(
            workspace_id,
            &LiveEvent::ChannelTemplates { channel_id },
            now,
        );
        tx.commit().await?;
        Ok(())
    }

    /// Sets the status of a channel's template (a `message_template_status_update`
    /// webhook), found by its id or by name and language; returns false when no such
    /// template is stored (the next synchronization brings it).
    pub async fn set_template_status(
        &self,
        workspace_id: i64,
        channel_id: i64,
        template_id: Option<&str>,
        name_language: Option<(&str, &str)>,
        status: &str,
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let (name, language) = name_language.unwrap_or(("", ""));
        let changed = sqlx::query(
            "UPDATE whatsapp_templates SET status = $1, updated_at = $2
             WHERE channel_id = $3 AND workspace_id = $4
               AND (template_id = $5 OR (name = $6 AND language = $7))",
        )
        .bind(status)
        .bind(now)
        .bind(channel_id)
        .bind(workspace_id)
        .bind(template_id.unwrap_or(""))
        .bind(name)
        .bind(language)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        tx.emit(
            workspace_id,
            &LiveEvent::ChannelTemplates { channel_id },
            now,
        );
        tx.commit().await?;
        Ok(true)
    }

    /// Where a conversation's customer came from an ad: when the message carrying
    /// the latest referral came (the contact's `referral` attribute) and the
    /// business's first message in the conversation since; `None` without a
    /// referral.
    pub async fn entry_point(
        &self,
        workspace_id: i64,
        conversation_id: i64,
    ) -> Result<Option<(Micros, Option<Micros>)>> {
        let attributes: Option<String> = sqlx::query_scalar(
            "SELECT k.attributes FROM conversations c JOIN contacts k ON k.id = c.contact_id
             WHERE c.id = $1 AND c.workspace_id = $2",
        )
        .bind(conversation_id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?;
        let referred_at = attributes
            .and_then(|a| serde_json::from_str::<Value>(&a).ok())
            .and_then(|a| a["referral"]["at"].as_i64());
        let Some(referred_at) = referred_at else {
            return Ok(None);
        };
        let first_reply: Option<Micros> = sqlx::query_scalar(
            "SELECT MIN(at) FROM messages
             WHERE conversation_id = $1 AND workspace_id = $2 AND direction = 'out' AND at >= $3",
        )
        .bind(conversation_id)
        .bind(workspace_id)
        .bind(referred_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(Some((referred_at, first_reply)))
    }

    /// The priced messages of a channel sent in `[from, to)`, by category (in
    /// order): what WhatsApp bills and what it does not.
    pub async fn whatsapp_costs(
        &self,
        workspace_id: i64,
        channel_id: i64,
        from: Micros,
        to: Micros,
    ) -> Result<Vec<CostLine>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT pricing FROM messages
             WHERE channel_id = $1 AND workspace_id = $2 AND direction = 'out'
               AND pricing IS NOT NULL AND at >= $3 AND at < $4",
        )
        .bind(channel_id)
        .bind(workspace_id)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let mut lines: std::collections::BTreeMap<String, CostLine> = Default::default();
        for p in rows {
            let Ok(p) = serde_json::from_str::<Value>(&p) else {
                continue;
            };
            let category = p["category"].as_str().unwrap_or("unknown").to_lowercase();
            let line = lines.entry(category.clone()).or_insert(CostLine {
                category,
                billable: 0,
                free: 0,
                free_entry_point: 0,
            });
            if p["billable"].as_bool().unwrap_or(false) {
                line.billable += 1;
            } else {
                line.free += 1;
                if p["type"] == "free_entry_point" {
                    line.free_entry_point += 1;
                }
            }
        }
        Ok(lines.into_values().collect())
    }

    /// Records a synchronization of a channel's templates at `now` (by the schedule
    /// or an admin) and why it failed, if it did.
    pub async fn record_template_sync(
        &self,
        channel_id: i64,
        now: Micros,
        error: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO template_syncs (channel_id, tried_at, error) VALUES ($1, $2, $3)
             ON CONFLICT (channel_id) DO UPDATE SET tried_at = excluded.tried_at, error = excluded.error",
        )
        .bind(channel_id)
        .bind(now)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The WhatsApp channel (of any workspace) whose templates were synchronized
    /// longest ago, if that was before `before` (or never): the schedule's next.
    pub async fn template_sync_due(&self, before: Micros) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT c.id FROM channels c LEFT JOIN template_syncs s ON s.channel_id = c.id
             WHERE c.kind = 'whatsapp' AND (s.tried_at IS NULL OR s.tried_at < $1)
             ORDER BY COALESCE(s.tried_at, 0), c.id LIMIT 1",
        )
        .bind(before)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The platform id of the customer's latest message in a conversation (what a
    /// read receipt names).
    pub async fn last_customer_message_id(
        &self,
        workspace_id: i64,
        conversation_id: i64,
    ) -> Result<Option<String>> {
        let id: Option<Option<String>> = sqlx::query_scalar(
            "SELECT external_id FROM messages
             WHERE conversation_id = $1 AND workspace_id = $2 AND direction = 'in'
               AND external_id IS NOT NULL
             ORDER BY at DESC, id DESC LIMIT 1",
        )
        .bind(conversation_id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.flatten())
    }

    /// A channel's templates, by name then language.
    pub async fn templates(
        &self,
        workspace_id: i64,
        channel_id: i64,
    ) -> Result<Vec<WhatsAppTemplate>> {
        let rows = sqlx::query(
            "SELECT name, language, template_id, status, category, parameter_format, components, updated_at
             FROM whatsapp_templates WHERE channel_id = $1 AND workspace_id = $2
             ORDER BY name, language",
        )
        .bind(channel_id)
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let components: String = r.try_get("components")?;
                Ok(WhatsAppTemplate {
                    name: r.try_get("name")?,
                    language: r.try_get("language")?,
                    template_id: r.try_get("template_id")?,
                    status: r.try_get("status")?,
                    category: r.try_get("category")?,
                    parameter_format: r.try_get("parameter_format")?,
                    components: serde_json::from_str(&components).unwrap_or_default(),
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }
}

/// The outgoing message with the platform id `external_id` on the channel.
async fn outgoing_id(
    tx: &mut Write,
    workspace_id: i64,
    channel_id: i64,
    external_id: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM messages
         WHERE channel_id = $1 AND external_id = $2 AND workspace_id = $3 AND direction = 'out'",
    )
    .bind(channel_id)
    .bind(external_id)
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Applies `update` to message `id` in `tx` (forward only, pricing kept) and
/// publishes what changed; the message when anything did.
async fn apply_in(
    tx: &mut Write,
    workspace_id: i64,
    id: i64,
    update: StatusUpdate<'_>,
    now: Micros,
) -> Result<Option<Message>> {
    let StatusUpdate {
        status,
        error,
        pricing,
        ..
    } = update;
    let row = sqlx::query("SELECT status, pricing FROM messages WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let current: String = row.try_get("status")?;
    let stored_pricing: Option<String> = row.try_get("pricing")?;
    let moves = status_moves(&current, status);
    let new_pricing = pricing
        .map(Value::to_string)
        .filter(|p| stored_pricing.as_deref() != Some(p.as_str()));
    if !moves && new_pricing.is_none() {
        return Ok(None);
    }
    if moves {
        sqlx::query("UPDATE messages SET status = $1, error = $2 WHERE id = $3")
            .bind(status)
            .bind(if status == "failed" { error } else { None })
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    if let Some(p) = &new_pricing {
        sqlx::query("UPDATE messages SET pricing = $1 WHERE id = $2")
            .bind(p)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    let message = message_in(tx, id).await?;
    let event = if moves {
        LiveEvent::MessageStatus(MessageStatus::Message {
            conversation_id: message.conversation_id,
            message_id: message.id,
            status: message.status.clone(),
            error: message.error.clone(),
        })
    } else {
        LiveEvent::MessageUpdated {
            conversation_id: message.conversation_id,
            message: message.clone(),
        }
    };
    tx.emit(workspace_id, &event, now);
    Ok(Some(message))
}

#[cfg(test)]
mod tests {
    use super::status_moves;

    #[test]
    fn statuses_never_go_backwards() {
        assert!(status_moves("queued", "sent"));
        assert!(status_moves("sent", "delivered"));
        assert!(status_moves("sent", "read"));
        assert!(status_moves("delivered", "read"));
        assert!(status_moves("sent", "failed"));
        assert!(!status_moves("read", "delivered"));
        assert!(!status_moves("delivered", "sent"));
        assert!(!status_moves("read", "read"));
        assert!(!status_moves("delivered", "failed"));
        assert!(!status_moves("failed", "read"));
        assert!(!status_moves("sent", "deleted"));
    }
}

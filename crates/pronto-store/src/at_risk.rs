//! Conversations flagged at risk: a customer's message that the badge needs
//! answered within minutes. Each conversation and wait is flagged once, with its
//! `conversation.at_risk` event in the same transaction, so the alerts that follow
//! are sent once whichever node saw it first.

use crate::live_event::LiveEvent;
use crate::model::Micros;
use crate::{Result, Store};

impl Store {
    /// Flags the wait of conversation `conversation_id` that began at `since`, and
    /// publishes `conversation.at_risk`; false (and nothing written) when it was
    /// flagged already.
    pub async fn flag_at_risk(
        &self,
        workspace_id: i64,
        conversation_id: i64,
        since: Micros,
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "INSERT INTO at_risk_flags (conversation_id, workspace_id, since, flagged_at)
             SELECT id, workspace_id, $3, $4 FROM conversations WHERE id = $1 AND workspace_id = $2
             ON CONFLICT (conversation_id, since) DO NOTHING",
        )
        .bind(conversation_id)
        .bind(workspace_id)
        .bind(since)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        tx.emit(
            workspace_id,
            &LiveEvent::ConversationAtRisk {
                conversation_id,
                since,
            },
            now,
        );
        tx.commit().await?;
        Ok(true)
    }
}

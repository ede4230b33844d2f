//! Changes to contacts beyond their messages: the language learnt from what they
//! write.

use crate::live_event::LiveEvent;
use crate::model::Micros;
use crate::{Result, Store};

impl Store {
    /// Keeps `language` as the contact's, detected from their messages, unless one
    /// is known already (from their platform, an agent, or an earlier message);
    /// says whether it was kept. The contact's agents are told.
    pub async fn learn_language(
        &self,
        workspace_id: i64,
        contact_id: i64,
        language: &str,
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let attributes: Option<String> = sqlx::query_scalar(
            "UPDATE contacts SET language = $1, language_source = 'detected'
             WHERE id = $2 AND workspace_id = $3 AND language IS NULL
             RETURNING attributes",
        )
        .bind(language)
        .bind(contact_id)
        .bind(workspace_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(attributes) = attributes else {
            return Ok(false);
        };
        let event = LiveEvent::ContactUpdated {
            contact_id,
            attributes: serde_json::from_str(&attributes).unwrap_or_default(),
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(true)
    }
}

//! What the web chat needs beyond the one inbound path: finding a visitor's contact
//! and conversation, tying a verified identity to a contact, and keeping what the
//! widget tells about the visitor (their page, language, zone) on the contact.

use serde_json::{Map, Value, json};
use sqlx::Row;

use crate::live_event::LiveEvent;
use crate::model::Micros;
use crate::{Result, Store};

impl Store {
    /// The contact known on the channel as `external_id`, and its conversation
    /// there, if they exist yet (both come with the visitor's first message).
    pub async fn visitor_conversation(
        &self,
        workspace_id: i64,
        channel_id: i64,
        external_id: &str,
    ) -> Result<(Option<i64>, Option<i64>)> {
        let row = sqlx::query(
            "SELECT i.contact_id, c.id AS conversation_id
             FROM contact_identities i
             JOIN contacts k ON k.id = i.contact_id AND k.workspace_id = $1
             LEFT JOIN conversations c ON c.channel_id = i.channel_id AND c.contact_id = i.contact_id
             WHERE i.channel_id = $2 AND i.external_id = $3",
        )
        .bind(workspace_id)
        .bind(channel_id)
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok((
                Some(r.try_get("contact_id")?),
                r.try_get("conversation_id")?,
            )),
            None => Ok((None, None)),
        }
    }

    /// Makes `external_id` on the channel another name of `contact_id` (a verified
    /// visitor's id on the site, given to the contact their anonymous visit made),
    /// unless the name is taken; says whether it was added.
    pub async fn add_contact_identity(
        &self,
        workspace_id: i64,
        channel_id: i64,
        contact_id: i64,
        external_id: &str,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let added = sqlx::query(
            "INSERT INTO contact_identities (contact_id, channel_id, external_id)
             SELECT k.id, $2, $3 FROM contacts k WHERE k.id = $1 AND k.workspace_id = $4
             ON CONFLICT (channel_id, external_id) DO NOTHING",
        )
        .bind(contact_id)
        .bind(channel_id)
        .bind(external_id)
        .bind(workspace_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(added > 0)
    }

    /// Keeps what a visitor's browser says on their contact: the locale and zone
    /// (when given) and `attributes` merged into the contact's; a name replaces an
    /// empty one. Publishes `contact.updated` when something changed; says whether
    /// it did (false also when no such contact is stored).
    pub async fn update_visitor_contact(
        &self,
        workspace_id: i64,
        contact_id: i64,
        details: &VisitorDetails,
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let Some(row) = sqlx::query(
            "SELECT name, locale, timezone, attributes FROM contacts WHERE id = $1 AND workspace_id = $2",
        )
        .bind(contact_id)
        .bind(workspace_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let name: String = row.try_get("name")?;
        let locale: Option<String> = row.try_get("locale")?;
        let timezone: Option<String> = row.try_get("timezone")?;
        let mut attributes: Value =
            serde_json::from_str(&row.try_get::<String, _>("attributes")?).unwrap_or_default();
        if !attributes.is_object() {
            attributes = json!({});
        }
        let before = (
            name.clone(),
            locale.clone(),
            timezone.clone(),
            attributes.clone(),
        );
        let name = match &details.name {
            Some(n) if name.trim().is_empty() || details.replace_name => n.clone(),
            _ => name,
        };
        let locale = details.locale.clone().or(locale);
        let timezone = details.timezone.clone().or(timezone);
        for (k, v) in &details.attributes {
            attributes[k] = v.clone();
        }
        let after = (name, locale, timezone, attributes);
        if after == before {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE contacts SET name = $1, locale = $2, timezone = $3, attributes = $4 WHERE id = $5",
        )
        .bind(&after.0)
        .bind(&after.1)
        .bind(&after.2)
        .bind(after.3.to_string())
        .bind(contact_id)
        .execute(&mut *tx)
        .await?;
        let event = LiveEvent::ContactUpdated {
            contact_id,
            attributes: after.3,
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(true)
    }
}

/// What a web chat visitor's browser and the site say about them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VisitorDetails {
    /// Their name (from the pre-chat form or the site).
    pub name: Option<String>,
    /// Whether `name` replaces a name already kept (the site vouched for it).
    pub replace_name: bool,
    /// Their browser's language (`fr-FR`).
    pub locale: Option<String>,
    /// Their IANA zone.
    pub timezone: Option<String>,
    /// Attributes to set (`page`, `email`...).
    pub attributes: Map<String, Value>,
}

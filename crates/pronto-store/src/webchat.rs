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

/// A file a web chat visitor attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorFile {
    /// Its key: random, the last part of its address.
    pub key: String,
    /// Its workspace.
    pub workspace_id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// Who sent it.
    pub visitor: String,
    /// Its media type (checked against its first bytes).
    pub content_type: String,
    /// The name it had on the visitor's device.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Store {
    /// Keeps a visitor's file.
    pub async fn put_visitor_file(&self, file: &VisitorFile, now: Micros) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO webchat_files (key, workspace_id, channel_id, visitor, content_type, name, size, bytes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&file.key)
        .bind(file.workspace_id)
        .bind(file.channel_id)
        .bind(&file.visitor)
        .bind(&file.content_type)
        .bind(&file.name)
        .bind(file.bytes.len() as i64)
        .bind(file.bytes.clone())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A visitor's file by its key, bytes included.
    pub async fn visitor_file(&self, key: &str) -> Result<Option<VisitorFile>> {
        let row = sqlx::query(
            "SELECT key, workspace_id, channel_id, visitor, content_type, name, bytes
             FROM webchat_files WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(VisitorFile {
                key: r.try_get("key")?,
                workspace_id: r.try_get("workspace_id")?,
                channel_id: r.try_get("channel_id")?,
                visitor: r.try_get("visitor")?,
                content_type: r.try_get("content_type")?,
                name: r.try_get("name")?,
                bytes: r.try_get("bytes")?,
            })
        })
        .transpose()
    }
}

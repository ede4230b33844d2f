//! Changes to contacts beyond their messages: the language learnt from what they
//! write, the card a person edits, contacts found by name, email or phone, two
//! contacts of one person merged, and the workspace's attribute definitions.
//! Values are checked by the caller (`pronto_core::contact`); here they are written
//! with a `contact.updated` event.

use serde_json::{Value, json};
use sqlx::Row;

use crate::live_event::LiveEvent;
use crate::model::{AttributeDefinition, ContactChange, ContactMatch, Micros};
use crate::{Result, Store, StoreError};

impl Store {
    /// Up to `limit` contacts of the workspace whose name, email or phone contains
    /// `query` (letters' case ignored), other than `except`, by name; each with
    /// the channels they are known on, so that a person can tell which to merge.
    pub async fn find_contacts(
        &self,
        workspace_id: i64,
        query: &str,
        except: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ContactMatch>> {
        let pattern = format!("%{}%", like_escaped(&query.trim().to_lowercase()));
        let rows = sqlx::query(
            "SELECT id, name, email, phone FROM contacts
             WHERE workspace_id = $1 AND id <> $2
               AND (LOWER(name) LIKE $3 ESCAPE '\\' OR LOWER(COALESCE(email, '')) LIKE $3 ESCAPE '\\'
                    OR COALESCE(phone, '') LIKE $3 ESCAPE '\\')
             ORDER BY LOWER(name), id LIMIT $4",
        )
        .bind(workspace_id)
        .bind(except.unwrap_or(-1))
        .bind(&pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<std::result::Result<_, _>>()?;
        // Their channels, in one read.
        let mut channels: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        if !ids.is_empty() {
            let sql = format!(
                "SELECT contact_id, channel_id FROM contact_identities
                 WHERE contact_id IN ({}) ORDER BY channel_id",
                crate::runs::list(ids.len(), 1)
            );
            let mut q = sqlx::query(&sql);
            for id in &ids {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.pool).await? {
                channels
                    .entry(r.try_get("contact_id")?)
                    .or_default()
                    .push(r.try_get("channel_id")?);
            }
        }
        let mut found = Vec::with_capacity(rows.len());
        for (r, id) in rows.iter().zip(ids) {
            found.push(ContactMatch {
                id,
                name: r.try_get("name")?,
                email: r.try_get("email")?,
                phone: r.try_get("phone")?,
                channels: channels.remove(&id).unwrap_or_default(),
            });
        }
        Ok(found)
    }

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
        let learnt = self
            .learn_languages(workspace_id, &[(contact_id, language)], now)
            .await?;
        Ok(learnt == 1)
    }

    /// [`Store::learn_language`] for several contacts in one transaction (a batch
    /// of new customers); a contact named twice keeps the first language. Says how
    /// many were kept.
    pub async fn learn_languages(
        &self,
        workspace_id: i64,
        languages: &[(i64, &str)],
        now: Micros,
    ) -> Result<usize> {
        if languages.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write_tx().await?;
        let mut learnt = 0;
        for (contact_id, language) in languages {
            let attributes: Option<String> = sqlx::query_scalar(
                "UPDATE contacts SET language = $1, language_source = 'detected'
                 WHERE id = $2 AND workspace_id = $3 AND language IS NULL
                 RETURNING attributes",
            )
            .bind(*language)
            .bind(*contact_id)
            .bind(workspace_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(attributes) = attributes else {
                continue;
            };
            learnt += 1;
            let event = LiveEvent::ContactUpdated {
                contact_id: *contact_id,
                attributes: serde_json::from_str(&attributes).unwrap_or_default(),
            };
            tx.emit(workspace_id, &event, now);
        }
        tx.commit().await?;
        Ok(learnt)
    }

    /// Writes a person's change to a contact's card.
    pub async fn update_contact(
        &self,
        workspace_id: i64,
        contact_id: i64,
        change: &ContactChange,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let row =
            sqlx::query("SELECT attributes FROM contacts WHERE id = $1 AND workspace_id = $2")
                .bind(contact_id)
                .bind(workspace_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("contact"))?;
        let mut attributes: Value =
            serde_json::from_str(&row.try_get::<String, _>("attributes")?).unwrap_or_default();
        if !attributes.is_object() {
            attributes = json!({});
        }
        if let Some(all) = attributes.as_object_mut() {
            for (key, value) in &change.attributes {
                if value.is_null() {
                    all.remove(key);
                } else {
                    all.insert(key.clone(), value.clone());
                }
            }
        }
        // Each column is written only when the change has it (the flag), so one
        // statement serves every change.
        sqlx::query(
            "UPDATE contacts SET
                 name = CASE WHEN $1 = 1 THEN $2 ELSE name END,
                 email = CASE WHEN $3 = 1 THEN $4 ELSE email END,
                 phone = CASE WHEN $5 = 1 THEN $6 ELSE phone END,
                 language = CASE WHEN $7 = 1 THEN $8 ELSE language END,
                 language_source = CASE WHEN $7 = 1 THEN (CASE WHEN $8 IS NULL THEN NULL ELSE 'agent' END)
                                        ELSE language_source END,
                 timezone = CASE WHEN $9 = 1 THEN $10 ELSE timezone END,
                 notes = CASE WHEN $11 = 1 THEN $12 ELSE notes END,
                 attributes = $13
             WHERE id = $14",
        )
        .bind(i64::from(change.name.is_some()))
        .bind(change.name.as_deref().unwrap_or(""))
        .bind(i64::from(change.email.is_some()))
        .bind(change.email.clone().flatten())
        .bind(i64::from(change.phone.is_some()))
        .bind(change.phone.clone().flatten())
        .bind(i64::from(change.language.is_some()))
        .bind(change.language.clone().flatten())
        .bind(i64::from(change.timezone.is_some()))
        .bind(change.timezone.clone().flatten())
        .bind(i64::from(change.notes.is_some()))
        .bind(change.notes.as_deref().unwrap_or(""))
        .bind(attributes.to_string())
        .bind(contact_id)
        .execute(&mut *tx)
        .await?;
        let event = LiveEvent::ContactUpdated {
            contact_id,
            attributes,
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(())
    }

    /// The workspace's attribute definitions, by key.
    pub async fn attribute_definitions(
        &self,
        workspace_id: i64,
    ) -> Result<Vec<AttributeDefinition>> {
        let rows = sqlx::query(
            "SELECT key, label, kind FROM contact_attribute_definitions
             WHERE workspace_id = $1 ORDER BY key",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AttributeDefinition {
                    key: r.try_get("key")?,
                    label: r.try_get("label")?,
                    kind: r.try_get("kind")?,
                })
            })
            .collect()
    }

    /// Defines (or renames and retypes) an attribute of the workspace.
    pub async fn define_attribute(
        &self,
        workspace_id: i64,
        definition: &AttributeDefinition,
        now: Micros,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO contact_attribute_definitions (workspace_id, key, label, kind, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (workspace_id, key) DO UPDATE SET label = excluded.label, kind = excluded.kind",
        )
        .bind(workspace_id)
        .bind(&definition.key)
        .bind(&definition.label)
        .bind(&definition.kind)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes an attribute's definition (contacts keep their values, no longer
    /// shown as the workspace's); false when there was none.
    pub async fn remove_attribute(&self, workspace_id: i64, key: &str) -> Result<bool> {
        let done = sqlx::query(
            "DELETE FROM contact_attribute_definitions WHERE workspace_id = $1 AND key = $2",
        )
        .bind(workspace_id)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Merges contact `from` into `into` (one person known twice, say on Messenger
    /// and on the web chat): `from`'s channels, conversations, comments and profile
    /// become `into`'s; what `into` lacks (name, email, phone, language, time zone,
    /// locale, attributes) is taken from `from`, notes are put together; `from` is
    /// deleted. Refused when both are known on one channel: a channel has one
    /// conversation a person.
    pub async fn merge_contacts(
        &self,
        workspace_id: i64,
        into: i64,
        from: i64,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM contacts WHERE workspace_id = $1 AND id IN ($2, $3)",
        )
        .bind(workspace_id)
        .bind(into)
        .bind(from)
        .fetch_one(&mut *tx)
        .await?;
        // Looked for first, so that another workspace's contact is "not found"
        // even when asked to merge into itself.
        if found != if into == from { 1 } else { 2 } {
            return Err(StoreError::NotFound("contact"));
        }
        if into == from {
            return Err(StoreError::Conflict(
                "a contact cannot be merged into itself".into(),
            ));
        }
        let shared: Option<i64> = sqlx::query_scalar(
            "SELECT a.channel_id FROM contact_identities a
             JOIN contact_identities b ON b.channel_id = a.channel_id
             WHERE a.contact_id = $1 AND b.contact_id = $2 LIMIT 1",
        )
        .bind(into)
        .bind(from)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(channel) = shared {
            return Err(StoreError::Conflict(format!(
                "both contacts are known on channel {channel}, where each has their own conversation; they are kept apart"
            )));
        }
        for table in ["contact_identities", "conversations", "comments"] {
            sqlx::query(&format!(
                "UPDATE {table} SET contact_id = $1 WHERE contact_id = $2"
            ))
            .bind(into)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        }
        // The profile follows when `into` has none; else `from`'s is dropped.
        sqlx::query(
            "UPDATE contact_profiles SET contact_id = $1 WHERE contact_id = $2
               AND NOT EXISTS (SELECT 1 FROM contact_profiles WHERE contact_id = $1)",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM contact_profiles WHERE contact_id = $1")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        let read = |id: i64| {
            sqlx::query(
                "SELECT name, first_name, last_name, email, phone, language, language_source,
                        timezone, locale, notes, attributes, vip FROM contacts WHERE id = $1",
            )
            .bind(id)
        };
        let a = read(into).fetch_one(&mut *tx).await?;
        let b = read(from).fetch_one(&mut *tx).await?;
        let text = |row: &sqlx::any::AnyRow, c: &str| -> Result<Option<String>> {
            Ok(row
                .try_get::<Option<String>, _>(c)?
                .filter(|v| !v.is_empty()))
        };
        let pick = |c: &str| -> Result<Option<String>> { Ok(text(&a, c)?.or(text(&b, c)?)) };
        let (language, language_source) = match text(&a, "language")? {
            Some(l) => (Some(l), text(&a, "language_source")?),
            None => (text(&b, "language")?, text(&b, "language_source")?),
        };
        let notes = [text(&a, "notes")?, text(&b, "notes")?]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n\n");
        let mut attributes: Value =
            serde_json::from_str(&a.try_get::<String, _>("attributes")?).unwrap_or_default();
        let theirs: Value =
            serde_json::from_str(&b.try_get::<String, _>("attributes")?).unwrap_or_default();
        if !attributes.is_object() {
            attributes = json!({});
        }
        if let (Some(mine), Some(theirs)) = (attributes.as_object_mut(), theirs.as_object()) {
            for (k, v) in theirs {
                mine.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        let vip = a.try_get::<i64, _>("vip")?.max(b.try_get::<i64, _>("vip")?);
        sqlx::query(
            "UPDATE contacts SET name = $1, first_name = $2, last_name = $3, email = $4,
                 phone = $5, language = $6, language_source = $7, timezone = $8, locale = $9,
                 notes = $10, attributes = $11, vip = $12
             WHERE id = $13",
        )
        .bind(pick("name")?.unwrap_or_default())
        .bind(pick("first_name")?)
        .bind(pick("last_name")?)
        .bind(pick("email")?)
        .bind(pick("phone")?)
        .bind(language)
        .bind(language_source)
        .bind(pick("timezone")?)
        .bind(pick("locale")?)
        .bind(notes)
        .bind(attributes.to_string())
        .bind(vip)
        .bind(into)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM contacts WHERE id = $1")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        let event = LiveEvent::ContactUpdated {
            contact_id: into,
            attributes,
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(())
    }
}

/// `text` with LIKE's wildcards and its escape character (a backslash) escaped.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

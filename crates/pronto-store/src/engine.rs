//! A channel's history as the responsiveness engine reads it.

use futures_util::TryStreamExt;
use pronto_core::{
    Author, Event, EventKind, EventLog, Folder, Presence, Sender, Stream, Timestamp,
};
use sqlx::Row;

use crate::model::MessageAuthor;
use crate::{Backend, Result, Store};

impl Store {
    /// Every message, folder move and away/available change of a channel, as an
    /// ordered engine stream. Conversations are named by their ids, agents by their
    /// user ids, messages by their ids. Ties in time keep the order in which the rows
    /// were written.
    pub async fn engine_stream(&self, workspace_id: i64, channel_id: i64) -> Result<Stream> {
        Ok(self.engine_snapshot(workspace_id, channel_id).await?.0)
    }

    /// The channel's engine stream and the workspace's latest event number, read in
    /// one snapshot: every event up to that number is in the stream, none after it.
    pub async fn engine_snapshot(
        &self,
        workspace_id: i64,
        channel_id: i64,
    ) -> Result<(Stream, i64)> {
        self.channel(workspace_id, channel_id).await?;
        let mut tx = match self.backend {
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
            // A SQLite read transaction sees one snapshot from its first read on.
            Backend::Sqlite => self.pool.begin().await?,
        };
        let seq: i64 = sqlx::query_scalar("SELECT event_seq FROM workspaces WHERE id = $1")
            .bind(workspace_id)
            .fetch_one(&mut *tx)
            .await?;
        // (at, written order, source, event)
        let mut rows: Vec<(i64, i64, u8, Event)> = Vec::new();
        let mut log = EventLog::new();
        // Row by row: a channel's whole history is never held as rows at once.
        let mut messages = sqlx::query(
            "SELECT id, conversation_id, author, agent_id, at, created_at FROM messages WHERE channel_id = $1",
        )
        .bind(channel_id)
        .fetch(&mut *tx);
        while let Some(r) = messages.try_next().await? {
            let r = &r;
            let author: String = r.try_get("author")?;
            let sender = match MessageAuthor::parse(&author) {
                Some(MessageAuthor::Customer) | None => Sender::Customer,
                Some(MessageAuthor::Agent) => Sender::Business(Author::Agent),
                Some(MessageAuthor::Bot) => Sender::Business(Author::Bot),
                Some(MessageAuthor::Automation) => Sender::Business(Author::Automation),
            };
            let conversation =
                log.conversation(&r.try_get::<i64, _>("conversation_id")?.to_string());
            let agent = r
                .try_get::<Option<i64>, _>("agent_id")?
                .map(|a| log.agent(&a.to_string()));
            let id = Some(log.message_id(&r.try_get::<i64, _>("id")?.to_string()));
            let at: i64 = r.try_get("at")?;
            rows.push((
                at,
                r.try_get("created_at")?,
                0,
                Event {
                    at: Timestamp::from_micros(at),
                    kind: EventKind::Message {
                        conversation,
                        sender,
                        agent,
                        id,
                    },
                },
            ));
        }
        drop(messages);
        let moves = sqlx::query(
            "SELECT f.id, f.conversation_id, f.folder, f.at FROM folder_moves f
             JOIN conversations c ON c.id = f.conversation_id WHERE c.channel_id = $1",
        )
        .bind(channel_id)
        .fetch_all(&mut *tx)
        .await?;
        for r in &moves {
            let folder: String = r.try_get("folder")?;
            let conversation =
                log.conversation(&r.try_get::<i64, _>("conversation_id")?.to_string());
            let at: i64 = r.try_get("at")?;
            rows.push((
                at,
                at,
                1,
                Event {
                    at: Timestamp::from_micros(at),
                    kind: EventKind::Folder {
                        conversation,
                        folder: Folder::parse(&folder).unwrap_or(Folder::Inbox),
                    },
                },
            ));
        }
        let statuses =
            sqlx::query("SELECT id, status, at FROM channel_status WHERE channel_id = $1")
                .bind(channel_id)
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        for r in &statuses {
            let status: String = r.try_get("status")?;
            let at: i64 = r.try_get("at")?;
            rows.push((
                at,
                at,
                2,
                Event {
                    at: Timestamp::from_micros(at),
                    kind: EventKind::Status(
                        Presence::parse(&status).unwrap_or(Presence::Available),
                    ),
                },
            ));
        }
        rows.sort_by_key(|r| (r.0, r.1, r.2));
        for (_, _, _, event) in rows {
            log.push(event);
        }
        Ok((log.into_stream(), seq))
    }
}

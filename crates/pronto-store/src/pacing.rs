//! The outbox's pace: how many messages a channel sent in the current second (a
//! WhatsApp number's throughput, shared by every node through the database), a
//! job put back for its turn without counting an attempt, and the jobs of one
//! conversation (a WhatsApp pair's limit) or one channel (the number's) held back
//! together after the platform said to slow down.

use crate::model::{Micros, OutboxJob};
use crate::{Result, Store};

/// Which waiting deliveries a slow-down holds back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// The conversation's (one business number and one customer: WhatsApp's pair).
    Conversation(i64),
    /// The whole channel's.
    Channel,
}

impl Store {
    /// Counts a send on `channel_id` in the second of `now`. `None` when it is
    /// within `per_second`; else the start of the next second, when to try again.
    pub async fn take_send_slot(
        &self,
        channel_id: i64,
        now: Micros,
        per_second: i64,
    ) -> Result<Option<Micros>> {
        let second = now.div_euclid(1_000_000);
        let sent: i64 = sqlx::query_scalar(
            "INSERT INTO send_pacing (channel_id, second, sent) VALUES ($1, $2, 1)
             ON CONFLICT (channel_id) DO UPDATE SET
                 sent = CASE WHEN send_pacing.second = excluded.second
                             THEN send_pacing.sent + 1 ELSE 1 END,
                 second = excluded.second
             RETURNING sent",
        )
        .bind(channel_id)
        .bind(second)
        .fetch_one(&self.pool)
        .await?;
        Ok((sent > per_second).then_some((second + 1) * 1_000_000))
    }

    /// Puts a claimed job back until `next` without counting the attempt: it was
    /// not tried (its turn has not come).
    pub async fn put_back(&self, job: &OutboxJob, reason: &str, next: Micros) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET locked_until = NULL, next_attempt_at = $1, last_error = $2,
                    attempts = attempts - 1
             WHERE id = $3",
        )
        .bind(next)
        .bind(reason)
        .bind(job.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Holds back the waiting deliveries of `hold` on the job's channel (other than
    /// the job) until `until` at least, in their order; returns how many.
    pub async fn hold_deliveries(&self, job: &OutboxJob, hold: Hold, until: Micros) -> Result<u64> {
        let conversation = match hold {
            Hold::Conversation(id) => Some(id),
            Hold::Channel => None,
        };
        let held = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1
             WHERE done_at IS NULL AND channel_id = $2 AND id <> $3 AND next_attempt_at < $1
               AND ($4 IS NULL OR message_id IN
                    (SELECT id FROM messages WHERE conversation_id = $4))",
        )
        .bind(until)
        .bind(job.channel_id)
        .bind(job.id)
        .bind(conversation)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(held)
    }
}

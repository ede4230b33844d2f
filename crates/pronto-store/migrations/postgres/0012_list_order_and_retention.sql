-- A conversation in done or spam no longer sorts as waiting in the list, even while
-- its customer's last message is unanswered: it takes its latest activity's place.
UPDATE conversations
SET list_key = 9223372036854775807 - COALESCE(last_message_at, 0)
WHERE folder <> 'inbox' AND waiting_since IS NOT NULL AND COALESCE(last_message_at, 0) >= 0;

-- Retention deletes expired sessions.
CREATE INDEX sessions_expiry ON sessions (expires_at);

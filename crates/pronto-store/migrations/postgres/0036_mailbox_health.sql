-- An email channel's reader health (issue 15): `synced_at` is now the last read
-- that succeeded (new mail or not), and `last_error` the error of the last read
-- when it failed, at `error_at` (both cleared by the next read that succeeds).
ALTER TABLE email_mailboxes ADD COLUMN error_at BIGINT;

-- A webhook body's attempts and its last failure: a body that keeps failing goes
-- to the dead letters after a bounded number of attempts instead of coming back
-- forever, and it waits between attempts without holding back the bodies after it.
ALTER TABLE webhook_inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_inbox ADD COLUMN last_error TEXT;

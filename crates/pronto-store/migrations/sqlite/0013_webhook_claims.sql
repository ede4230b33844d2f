-- A worker's claim on webhook bodies, apart from `locked_until` (which now only says
-- "not before", for a body waiting for its next attempt): while any body of a
-- channel is claimed, no other worker claims that channel's bodies, so the events of
-- each conversation are applied in order however many nodes share the work.
ALTER TABLE webhook_inbox ADD COLUMN claimed_until BIGINT;
-- The bodies still to process, by channel, in arrival order.
CREATE INDEX webhook_inbox_pending ON webhook_inbox (channel_id, id) WHERE processed_at IS NULL;
-- The bodies a worker holds (few at any time): which channels are taken.
CREATE INDEX webhook_inbox_claimed ON webhook_inbox (channel_id)
    WHERE processed_at IS NULL AND claimed_until IS NOT NULL;

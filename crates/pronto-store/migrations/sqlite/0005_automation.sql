-- A channel's automations as an admin saved them: business hours, the instant reply,
-- the away message and keyword replies (JSON, checked by pronto-core before it is
-- stored).
CREATE TABLE channel_automation (
    channel_id        BIGINT NOT NULL REFERENCES channels(id) PRIMARY KEY,
    settings          TEXT NOT NULL,
    -- The schedule worker has written the channel's status changes up to here.
    status_checked_at BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

-- What the automations did in a conversation, read for the next decision.
CREATE TABLE conversation_automation (
    conversation_id  BIGINT NOT NULL REFERENCES conversations(id) PRIMARY KEY,
    instant_reply_at BIGINT,
    away_message_at  BIGINT,
    keyword_replies  BIGINT NOT NULL DEFAULT 0,
    handed_over_at   BIGINT
);

-- Who set a status: a person (`manual`), the business hours (`schedule`), or the
-- end of a person's away after 12 hours (`expiry`).
ALTER TABLE channel_status ADD COLUMN source TEXT NOT NULL DEFAULT 'manual';

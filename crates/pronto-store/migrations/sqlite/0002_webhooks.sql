-- Webhook bodies from Meta, written before they are acknowledged and processed by a
-- worker afterwards, so that a crash between the two loses nothing.
CREATE TABLE webhook_inbox (
    id           INTEGER PRIMARY KEY,
    channel_id   BIGINT NOT NULL REFERENCES channels(id),
    -- The body exactly as received (its signature was checked over these bytes).
    body         BLOB NOT NULL,
    received_at  BIGINT NOT NULL,
    locked_until BIGINT,
    processed_at BIGINT,
    -- Why it could not be processed (a dead letter an admin can read).
    error        TEXT
);
CREATE INDEX webhook_inbox_due ON webhook_inbox (processed_at, id);

-- Deliveries and reads already applied, by watermark, so repeats do nothing.
CREATE TABLE webhook_watermarks (
    channel_id  BIGINT NOT NULL REFERENCES channels(id),
    contact     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    watermark   BIGINT NOT NULL,
    PRIMARY KEY (channel_id, contact, kind)
);

-- The outbox's sends in the current second, per channel: a WhatsApp number's
-- throughput (messages a second) is kept across every node of the deployment.
CREATE TABLE send_pacing (
    channel_id BIGINT PRIMARY KEY REFERENCES channels(id),
    second     BIGINT NOT NULL,
    sent       BIGINT NOT NULL
);
-- When a WhatsApp channel's templates were last synchronized, by the schedule or
-- an admin, and why that try failed, if it did.
CREATE TABLE template_syncs (
    channel_id BIGINT PRIMARY KEY REFERENCES channels(id),
    tried_at   BIGINT NOT NULL,
    error      TEXT
);

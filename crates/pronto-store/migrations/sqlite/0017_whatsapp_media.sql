-- Files customers send on WhatsApp, fetched by media id with the channel's token
-- (the id can be downloaded for 7 days, each download URL for 5 minutes) and kept
-- in Pronto's own store, served to the workspace's agents only.
CREATE TABLE media_files (
    id               INTEGER PRIMARY KEY,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id       BIGINT NOT NULL REFERENCES channels(id),
    message_id       BIGINT NOT NULL REFERENCES messages(id),
    -- The platform's media id.
    media_id         TEXT NOT NULL,
    mime_type        TEXT,
    filename         TEXT,
    -- waiting, stored or failed.
    state            TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    locked_until     BIGINT,
    bytes            BLOB,
    size             BIGINT,
    error            TEXT,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX media_files_platform ON media_files (channel_id, media_id);
CREATE INDEX media_files_due ON media_files (state, next_attempt_at);

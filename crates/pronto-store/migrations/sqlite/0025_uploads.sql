-- Files agents attach to replies, kept in the file store (by the SHA-256 key) and
-- checked against the channel's platform limits when uploaded; a reply's
-- attachment names its upload.
CREATE TABLE uploads (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id   BIGINT NOT NULL REFERENCES channels(id),
    user_id      BIGINT REFERENCES users(id),
    storage_key  TEXT NOT NULL,
    -- image, video, audio or file (the platform's attachment type).
    kind         TEXT NOT NULL,
    mime_type    TEXT NOT NULL,
    filename     TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
-- The platform's reusable id of a file, per channel and content: a file is
-- uploaded to the platform once and reused (Meta keeps the ids 90 days).
CREATE TABLE platform_attachments (
    channel_id    BIGINT NOT NULL REFERENCES channels(id),
    storage_key   TEXT NOT NULL,
    attachment_id TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (channel_id, storage_key)
);
-- A saved reply may carry a file: the agent who inserts it sends the file too.
ALTER TABLE saved_replies ADD COLUMN upload_id BIGINT REFERENCES uploads(id);

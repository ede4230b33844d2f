-- Files a web chat visitor attached (images, PDFs), kept in the database: a message
-- refers to them by their key, a random name that is also what their address holds.
CREATE TABLE webchat_files (
    key          TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id   BIGINT NOT NULL REFERENCES channels(id),
    -- The visitor who sent it (the contact's external id on the channel).
    visitor      TEXT NOT NULL,
    content_type TEXT NOT NULL,
    name         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX webchat_files_visitor ON webchat_files (channel_id, visitor);

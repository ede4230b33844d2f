-- What customers do besides writing messages: react to, edit and delete messages,
-- re-enter a thread from a link or an ad, comment on posts.

-- The latest window-opening action that is not a stored message (a reaction, a link
-- or ad re-entry, a comment): the messaging window counts from it too.
ALTER TABLE conversations ADD COLUMN last_action_at BIGINT;

-- The customer's reaction to this message (an emoji), edits and deletions.
ALTER TABLE messages ADD COLUMN reaction TEXT;
ALTER TABLE messages ADD COLUMN edited_at BIGINT;
ALTER TABLE messages ADD COLUMN deleted_at BIGINT;

-- Comments on the Page's posts or the Instagram account's media, which an agent
-- may answer once, privately.
CREATE TABLE comments (
    id               INTEGER PRIMARY KEY,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id       BIGINT NOT NULL REFERENCES channels(id),
    contact_id       BIGINT NOT NULL REFERENCES contacts(id),
    external_id      TEXT NOT NULL,
    post_id          TEXT,
    parent_id        TEXT,
    text             TEXT NOT NULL DEFAULT '',
    at               BIGINT NOT NULL,
    deleted_at       BIGINT,
    -- The private reply, once written (a message in the commenter's conversation).
    reply_message_id BIGINT REFERENCES messages(id),
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX comments_external ON comments (channel_id, external_id);
CREATE INDEX comments_recent ON comments (workspace_id, at, id);

-- Saved replies get an owner: NULL for the team's shared ones (admins manage
-- them), a user for a person's personal ones (only they see them). Shortcuts
-- are unique per owner: among the shared ones, and among each person's own.
-- SQLite cannot drop the old UNIQUE constraint, so the table is rebuilt.
CREATE TABLE saved_replies_owned (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    owner_id     BIGINT REFERENCES users(id),
    name         TEXT NOT NULL,
    shortcut     TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
INSERT INTO saved_replies_owned (id, workspace_id, name, shortcut, text, created_at)
    SELECT id, workspace_id, name, shortcut, text, created_at FROM saved_replies;
DROP TABLE saved_replies;
ALTER TABLE saved_replies_owned RENAME TO saved_replies;
CREATE UNIQUE INDEX saved_replies_owner_shortcut
    ON saved_replies (workspace_id, COALESCE(owner_id, 0), shortcut);

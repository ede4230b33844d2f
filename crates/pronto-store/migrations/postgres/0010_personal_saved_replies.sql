-- Saved replies get an owner: NULL for the team's shared ones (admins manage
-- them), a user for a person's personal ones (only they see them). Shortcuts
-- are unique per owner: among the shared ones, and among each person's own.
ALTER TABLE saved_replies ADD COLUMN owner_id BIGINT REFERENCES users(id);
ALTER TABLE saved_replies DROP CONSTRAINT saved_replies_workspace_id_shortcut_key;
CREATE UNIQUE INDEX saved_replies_owner_shortcut
    ON saved_replies (workspace_id, COALESCE(owner_id, 0), shortcut);

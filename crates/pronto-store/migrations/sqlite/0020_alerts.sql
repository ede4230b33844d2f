-- Alerts: each person's preferences (what, how much of the message, quiet hours;
-- pronto_core::alerts::Prefs as JSON), and how far the alerts worker has read each
-- workspace's event log.
CREATE TABLE alert_prefs (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    prefs        TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE alert_cursors (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    last_seq     BIGINT NOT NULL
);

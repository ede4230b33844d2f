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

-- Web Push: each person's devices (a browser's push subscription: the push
-- service's endpoint and the keys its payloads are encrypted to, RFC 8291).
CREATE TABLE push_subscriptions (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    endpoint     TEXT NOT NULL UNIQUE,
    p256dh       TEXT NOT NULL,
    auth         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (workspace_id, user_id);

-- Keys the server makes once and keeps (the VAPID key pair's private half, sealed
-- like channel secrets).
CREATE TABLE server_keys (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

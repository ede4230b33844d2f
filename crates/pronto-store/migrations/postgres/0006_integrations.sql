-- Outgoing webhooks: an integrator's subscription to event kinds of the workspace's
-- event log, delivered in order from a cursor that moves only after a delivery
-- succeeded, so the attempt state survives restarts.
CREATE TABLE webhook_subscriptions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    url             TEXT NOT NULL,
    -- A JSON array of event kinds.
    kinds           TEXT NOT NULL,
    -- The signing secret, sealed like other channel secrets.
    secret          TEXT NOT NULL,
    -- The last event number delivered (or skipped as not subscribed).
    last_seq        BIGINT NOT NULL,
    -- Failed attempts at the event after the cursor.
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    -- `active` or `failing` (given up after too many attempts).
    state           TEXT NOT NULL DEFAULT 'active',
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);
CREATE INDEX webhook_subscriptions_due ON webhook_subscriptions (state, next_attempt_at);

-- Automation rules, as pronto_core::rules::Rule JSON, evaluated in position order.
CREATE TABLE rules (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    position     BIGINT NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX rules_workspace ON rules (workspace_id, position);

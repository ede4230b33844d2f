-- Pronto's first schema. Times are microseconds since the Unix epoch (UTC), as
-- BIGINT, so that both backends store the engine's instants exactly.

CREATE TABLE workspaces (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- The last live event's number; bumped under the row lock, so events of one
    -- workspace commit in the order of their numbers.
    event_seq   BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    password_hash  TEXT,
    locale         TEXT,
    created_at     BIGINT NOT NULL,
    deactivated_at BIGINT
);

CREATE TABLE memberships (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    role         TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

CREATE TABLE setup_links (
    token_hash  TEXT PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE channels (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    config       TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL DEFAULT 'receiving',
    created_at   BIGINT NOT NULL
);
CREATE INDEX channels_workspace ON channels (workspace_id);

-- Away and available, as the responsiveness engine reads them.
CREATE TABLE channel_status (
    id         INTEGER PRIMARY KEY,
    channel_id BIGINT NOT NULL REFERENCES channels(id),
    status     TEXT NOT NULL CHECK (status IN ('away', 'available')),
    at         BIGINT NOT NULL
);
CREATE INDEX channel_status_channel ON channel_status (channel_id, at);

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL DEFAULT '',
    locale       TEXT,
    timezone     TEXT,
    attributes   TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL
);

CREATE TABLE contact_identities (
    contact_id  BIGINT NOT NULL REFERENCES contacts(id),
    channel_id  BIGINT NOT NULL REFERENCES channels(id),
    external_id TEXT NOT NULL,
    PRIMARY KEY (channel_id, external_id)
);

CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id      BIGINT NOT NULL REFERENCES channels(id),
    contact_id      BIGINT NOT NULL REFERENCES contacts(id),
    folder          TEXT NOT NULL DEFAULT 'inbox' CHECK (folder IN ('inbox', 'done', 'spam')),
    assignee_id     BIGINT REFERENCES users(id),
    priority        BIGINT NOT NULL DEFAULT 0,
    -- The oldest customer message not yet followed by a business reply.
    waiting_since   BIGINT,
    last_message_at BIGINT,
    -- The inbox order, ascending: waiting_since while a customer waits (longest
    -- wait first), else 2^63-1 minus the last message's time (latest first).
    list_key        BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX conversations_contact ON conversations (channel_id, contact_id);
CREATE INDEX conversations_list ON conversations (workspace_id, folder, list_key, id);
-- The list across folders, and the customers still waiting, in the same order.
CREATE INDEX conversations_all ON conversations (workspace_id, list_key, id);
CREATE INDEX conversations_waiting ON conversations (workspace_id, list_key, id)
    WHERE waiting_since IS NOT NULL;

CREATE TABLE conversation_labels (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    label           TEXT NOT NULL,
    PRIMARY KEY (conversation_id, label)
);

-- Folder moves, as the responsiveness engine reads them.
CREATE TABLE folder_moves (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    folder          TEXT NOT NULL,
    at              BIGINT NOT NULL
);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id      BIGINT NOT NULL REFERENCES channels(id),
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    author          TEXT NOT NULL CHECK (author IN ('customer', 'agent', 'bot', 'automation')),
    agent_id        BIGINT REFERENCES users(id),
    text            TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '[]',
    -- The platform's (or the integrator's) id of the message.
    external_id     TEXT,
    -- The API caller's key for a reply: the same key twice stores one message.
    idempotency_key TEXT,
    status          TEXT NOT NULL,
    error           TEXT,
    at              BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX messages_external ON messages (channel_id, external_id);
CREATE UNIQUE INDEX messages_idempotency ON messages (workspace_id, idempotency_key);
CREATE INDEX messages_conversation ON messages (conversation_id, at, id);
CREATE INDEX messages_channel_time ON messages (channel_id, at, id);

CREATE TABLE notes (
    id              INTEGER PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    author_id       BIGINT NOT NULL REFERENCES users(id),
    text            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE saved_replies (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    shortcut     TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, shortcut)
);

-- Messages to deliver, written in the transaction that stores the message.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id      BIGINT NOT NULL REFERENCES channels(id),
    message_id      BIGINT NOT NULL UNIQUE REFERENCES messages(id),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT,
    last_error      TEXT,
    done_at         BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (done_at, next_attempt_at);

-- Live events, numbered per workspace; clients resume with Last-Event-ID.
CREATE TABLE events (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    seq          BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, seq)
);

-- Routing: how each channel hands out conversations, what each member takes, which
-- contacts come first, and why each conversation went to whom. Flags are BIGINT 0/1
-- like the rest of the schema, so that both backends read them the same way.

-- A channel without a row is routed by hand (manual).
CREATE TABLE channel_routing (
    channel_id       BIGINT PRIMARY KEY REFERENCES channels(id),
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    mode             TEXT NOT NULL CHECK (mode IN ('manual', 'round_robin', 'least_loaded', 'skills')),
    -- Skills mode: give a conversation no skilled agent can take to anyone available.
    fallback         BIGINT NOT NULL DEFAULT 0,
    -- An agent going away hands back the conversations still waiting for them.
    reassign_on_away BIGINT NOT NULL DEFAULT 0,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX channel_routing_mode ON channel_routing (mode);

-- Per member of a workspace: the most open conversations they take, the languages
-- they speak and the labels they handle (JSON arrays of strings), and their away flag.
ALTER TABLE memberships ADD COLUMN capacity BIGINT NOT NULL DEFAULT 5;
ALTER TABLE memberships ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE memberships ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE memberships ADD COLUMN away BIGINT NOT NULL DEFAULT 0;

ALTER TABLE contacts ADD COLUMN vip BIGINT NOT NULL DEFAULT 0;

-- Every routing decision, with its sentence ("assigned to Ana: least loaded (2 of 5
-- open), speaks French").
CREATE TABLE assignment_log (
    id              INTEGER PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id      BIGINT NOT NULL REFERENCES channels(id),
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    agent_id        BIGINT NOT NULL REFERENCES users(id),
    -- 'assigned' or 'unassigned'.
    action          TEXT NOT NULL,
    -- Reason::code ('round_robin', 'least_loaded', 'skills', 'skills_fallback') or
    -- 'agent_away'.
    reason_code     TEXT NOT NULL,
    reason          TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX assignment_log_conversation ON assignment_log (conversation_id, id);
CREATE INDEX assignment_log_channel ON assignment_log (channel_id, id);

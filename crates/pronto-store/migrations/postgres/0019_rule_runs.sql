-- Each time a rule fired on a conversation, with what it did, for the rules page's
-- last firings (the rule's own JSON stays in `rules`; a deleted rule keeps its runs
-- until they are purged with the workspace's other history).
CREATE TABLE rule_runs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    rule_id         BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    action          TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX rule_runs_rule ON rule_runs (workspace_id, rule_id, id);

-- The customer messages whose conversation was flagged at risk (the badge needs
-- them answered within minutes): one row a conversation and wait, so each is
-- flagged once, on one node.
CREATE TABLE at_risk_flags (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    -- When the customer's wait began (the message's time).
    since           BIGINT NOT NULL,
    flagged_at      BIGINT NOT NULL,
    UNIQUE (conversation_id, since)
);
CREATE INDEX at_risk_flags_age ON at_risk_flags (flagged_at);

-- Time-based rule triggers (`no_reply_for`) fire once per rule, conversation and
-- wait: a row here says the rule already fired for the wait that began at `since`.
CREATE TABLE rule_firings (
    rule_id         BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    since           BIGINT NOT NULL,
    fired_at        BIGINT NOT NULL,
    PRIMARY KEY (rule_id, conversation_id, since)
);

-- Statuses a platform reports for a message whose send is not recorded yet (a
-- WhatsApp `delivered` webhook can overtake the Send API's answer): kept here
-- and applied, in arrival order and forward only, when the send records the
-- platform's id. Ones no send claims (another tool on the same number) are
-- dropped after a day.
CREATE TABLE early_statuses (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id   BIGINT NOT NULL REFERENCES channels(id),
    external_id  TEXT NOT NULL,
    status       TEXT NOT NULL,
    error        TEXT,
    pricing      TEXT,
    received_at  BIGINT NOT NULL
);
CREATE INDEX early_statuses_message ON early_statuses (channel_id, external_id);
CREATE INDEX early_statuses_age ON early_statuses (received_at);

-- A history import's progress, so that an interrupted import resumes without asking
-- Meta again for what it already stored. Messages are deduplicated by their id in any
-- case: this table saves calls, it does not decide what is stored.
CREATE TABLE import_progress (
    channel_id  BIGINT NOT NULL REFERENCES channels(id) PRIMARY KEY,
    -- The cursor after the last page of conversations fully imported. Meta says
    -- cursors may expire: a refused one restarts the walk from the beginning.
    after_cursor TEXT,
    updated_at  BIGINT NOT NULL
);

-- Conversations (Meta's ids) whose messages are all stored.
CREATE TABLE import_done (
    channel_id    BIGINT NOT NULL REFERENCES channels(id),
    conversation  TEXT NOT NULL,
    PRIMARY KEY (channel_id, conversation)
);

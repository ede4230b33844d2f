-- Email channels (issue 15).

-- A mailbox's reader: where it is in the folder (UIDVALIDITY and the highest UID
-- stored; a changed UIDVALIDITY voids the UIDs and the folder is read again, the
-- Message-IDs deduplicating) and which node reads it (a lease: one reader at a time
-- however many nodes share the database).
CREATE TABLE email_mailboxes (
    channel_id   BIGINT PRIMARY KEY REFERENCES channels(id),
    uidvalidity  BIGINT,
    last_uid     BIGINT NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT,
    synced_at    BIGINT
);

-- Each mail of an email channel, both ways, by its Message-ID: the threading
-- headers, the subject, the whole text (the message shows the trimmed one), who
-- sent it and whether a robot did, and the raw message (received mail).
CREATE TABLE email_headers (
    channel_id   BIGINT NOT NULL REFERENCES channels(id),
    rfc_id       TEXT NOT NULL,
    direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    subject      TEXT NOT NULL DEFAULT '',
    in_reply_to  TEXT NOT NULL DEFAULT '',
    refs         TEXT NOT NULL DEFAULT '',
    from_address TEXT NOT NULL DEFAULT '',
    automated    TEXT NOT NULL DEFAULT 'no',
    full_text    TEXT NOT NULL DEFAULT '',
    raw          BYTEA,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (channel_id, rfc_id)
);

-- The subject an agent gave a reply (email), read when the outbox sends it.
ALTER TABLE messages ADD COLUMN subject TEXT;

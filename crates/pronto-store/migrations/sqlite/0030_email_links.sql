-- Mail an email channel sent for a conversation of another channel (issue 14: the
-- reply to a web chat visitor who left, copied to the address they left): which
-- conversation and message a Message-ID belongs to, and the address it went to,
-- so that the answer that names it lands back in that conversation (only when it
-- comes from that address).
CREATE TABLE email_links (
    channel_id      BIGINT NOT NULL REFERENCES channels(id),
    rfc_id          TEXT NOT NULL,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    message_id      BIGINT NOT NULL REFERENCES messages(id),
    address         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (channel_id, rfc_id)
);
CREATE INDEX email_links_conversation ON email_links (conversation_id, message_id);

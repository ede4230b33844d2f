-- What a platform tells about a person (Messenger's and Instagram's user profiles):
-- asked once for each new contact by the profile worker, refreshed rarely. The row
-- is queued with the contact, in the same transaction as its first message.
CREATE TABLE contact_profiles (
    contact_id          BIGINT PRIMARY KEY REFERENCES contacts(id),
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id          BIGINT NOT NULL REFERENCES channels(id),
    -- The person's id on the channel (a PSID, an IGSID).
    external_id         TEXT NOT NULL,
    -- waiting (to ask), fetched (asked; refreshed at next_attempt_at), none (the
    -- platform has no profile to give) or failed (given up, with the error).
    state               TEXT NOT NULL,
    attempts            BIGINT NOT NULL DEFAULT 0,
    next_attempt_at     BIGINT NOT NULL,
    locked_until        BIGINT,
    -- 1 while the automations of the contact's first messages wait for the name.
    automations_waiting BIGINT NOT NULL DEFAULT 1,
    fetched_at          BIGINT,
    error               TEXT,
    -- The profile picture, copied (the platform's URL expires).
    picture             BLOB,
    picture_type        TEXT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX contact_profiles_due ON contact_profiles (next_attempt_at) WHERE state IN ('waiting', 'fetched');

-- The parts of a name a platform gives, and the language a contact writes in with
-- where it was learnt: platform (a profile's locale), detected (from their
-- messages) or agent (set by hand).
ALTER TABLE contacts ADD COLUMN first_name TEXT;
ALTER TABLE contacts ADD COLUMN last_name TEXT;
ALTER TABLE contacts ADD COLUMN language TEXT;
ALTER TABLE contacts ADD COLUMN language_source TEXT;

-- What a person writes on the contact card.
ALTER TABLE contacts ADD COLUMN email TEXT;
ALTER TABLE contacts ADD COLUMN phone TEXT;
ALTER TABLE contacts ADD COLUMN notes TEXT NOT NULL DEFAULT '';

-- The workspace's own typed attributes (an order number, a cart value, a plan);
-- their values are kept in contacts.attributes under their key.
CREATE TABLE contact_attribute_definitions (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    key          TEXT NOT NULL,
    label        TEXT NOT NULL,
    -- text, number, date or link
    kind         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, key)
);

-- A conversation snoozed until a time (out of the inbox's list until then), or
-- until the customer writes (the largest value); a customer's message wakes it.
ALTER TABLE conversations ADD COLUMN snoozed_until BIGINT;

-- A higher priority comes first in the list (`PRIORITY_SHIFT`): the keys written
-- before knew nothing of it.
UPDATE conversations SET list_key = list_key - priority * 4503599627370496 WHERE priority > 0;

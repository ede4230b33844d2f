-- A contact may have several conversations on one channel, one a thread (issue 15:
-- a new mail starts a new conversation). `thread_key` names the thread: '' on every
-- channel but email (one conversation a contact, as before), and on email the
-- Message-ID of the mail that opened the conversation ('' for the one a "move to
-- email" opens).
ALTER TABLE conversations ADD COLUMN thread_key TEXT NOT NULL DEFAULT '';
DROP INDEX conversations_contact;
CREATE UNIQUE INDEX conversations_contact ON conversations (channel_id, contact_id, thread_key);

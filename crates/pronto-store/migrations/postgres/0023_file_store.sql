-- Files now live in Pronto's file store (a local folder, or S3-compatible storage)
-- under a content-addressed key; the database keeps the key. Rows stored before
-- keep their bytes in the `bytes` column and are served from there.
ALTER TABLE media_files ADD COLUMN storage_key TEXT;
-- Messenger and Instagram attachments are fetched from the platform's URL (which
-- expires) rather than by a media id.
ALTER TABLE media_files ADD COLUMN url TEXT;
-- A contact's ids on their channels, found from the contact (the exports name each
-- conversation's contact by its id on the channel; the key starts with the channel).
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

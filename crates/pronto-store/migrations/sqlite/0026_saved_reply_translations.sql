-- A saved reply's text per language (a JSON object from ISO 639-1 code to text):
-- the one for the customer's language is filled in, else `text`.
ALTER TABLE saved_replies ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';

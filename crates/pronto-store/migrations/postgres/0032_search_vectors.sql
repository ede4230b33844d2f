-- Search at scale: the folded vector of each message and note is stored beside its
-- text (a generated column, so every write still keeps it), and the GIN index is
-- built on that column. A search then ranks its matches (`ts_rank`) and checks
-- newer rows first without computing any text's vector again.
ALTER TABLE messages ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (pronto_search_vector(text)) STORED;
DROP INDEX messages_search;
CREATE INDEX messages_search ON messages USING gin (search_vector);

ALTER TABLE notes ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (pronto_search_vector(text)) STORED;
DROP INDEX notes_search;
CREATE INDEX notes_search ON notes USING gin (search_vector);

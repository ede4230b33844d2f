-- Search at scale: FTS5 keeps prefix indexes for the stem lengths a query asks
-- for (`pronto_core::search`: a query word stands for its stems, as prefixes, of
-- three letters or more). A prefix of an indexed length is one list to read, newest
-- first, stopping at the search's limit; any other is the merge of every word it
-- begins, read whole. The tables are built again from the stored text; the
-- triggers of `0022_search` keep them, by name, as before.
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='messages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='3 4 5 6'
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

DROP TABLE notes_fts;
CREATE VIRTUAL TABLE notes_fts USING fts5(
    text, content='notes', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='3 4 5 6'
);
INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');

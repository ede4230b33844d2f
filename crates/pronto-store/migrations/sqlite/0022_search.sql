-- Full-text search. The indexes are kept by triggers, so whichever statement writes
-- a message, a note or a contact (the group commit, a reply, an edit, a merge), its
-- index entry is written in the same transaction and nothing drifts. Accents and case
-- are folded by the tokenizer; word forms are matched at query time (the query's
-- Snowball stems as prefixes, `pronto_core::search`), the same on both backends.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='messages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE VIRTUAL TABLE notes_fts USING fts5(
    text, content='notes', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF text ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO notes_fts (rowid, text) VALUES (new.id, new.text);
END;

-- A contact's searchable text: names, email, phone (also as its digits alone, so
-- "+33 6 12 34 56 78" is found as 33612345678) and the card's notes. A plain FTS5
-- table (it keeps its own copy): contacts are few, and it can be rewritten by rowid.
CREATE VIRTUAL TABLE contacts_fts USING fts5(
    doc, tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, doc) VALUES (new.id,
        new.name || ' ' || coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, '') || ' ' ||
        coalesce(new.email, '') || ' ' || coalesce(new.phone, '') || ' ' ||
        replace(replace(replace(replace(replace(replace(coalesce(new.phone, ''), ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '') || ' ' ||
        new.notes);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, first_name, last_name, email, phone, notes ON contacts BEGIN
    DELETE FROM contacts_fts WHERE rowid = old.id;
    INSERT INTO contacts_fts (rowid, doc) VALUES (new.id,
        new.name || ' ' || coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, '') || ' ' ||
        coalesce(new.email, '') || ' ' || coalesce(new.phone, '') || ' ' ||
        replace(replace(replace(replace(replace(replace(coalesce(new.phone, ''), ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '') || ' ' ||
        new.notes);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contacts_fts WHERE rowid = old.id;
END;

-- What was stored before this migration.
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');
INSERT INTO contacts_fts (rowid, doc) SELECT c.id,
        c.name || ' ' || coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' ||
        coalesce(c.email, '') || ' ' || coalesce(c.phone, '') || ' ' ||
        replace(replace(replace(replace(replace(replace(coalesce(c.phone, ''), ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '') || ' ' ||
        c.notes
    FROM contacts c;

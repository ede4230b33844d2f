//! Full-text search over messages, notes, contacts and labels, and the past
//! (customer message, agent reply) pairs that reply suggestions are drawn from.
//!
//! The indexes are kept by the database itself, in the transaction of the write
//! (migration `0022_search`: FTS5 tables and triggers on SQLite, GIN expression
//! indexes on PostgreSQL), so no write path can forget them. Only the `MATCH` (and
//! the rank) differs between the backends; the query text comes from
//! `pronto_core::search::Query`, which folds and stems the same way for both.

use pronto_core::Folder;
use pronto_core::search::Query;
use sqlx::Row;

use crate::model::Micros;
use crate::{Backend, Result, Store};

/// What to search, and where.
#[derive(Clone, Debug)]
pub struct SearchQuery {
    /// The words.
    pub query: Query,
    /// Only this channel.
    pub channel: Option<i64>,
    /// Only conversations in this folder.
    pub folder: Option<Folder>,
    /// Only conversations assigned to this user.
    pub assignee: Option<i64>,
    /// Only conversations with this label.
    pub label: Option<String>,
    /// Only what was written at or after this time.
    pub from: Option<Micros>,
    /// Only what was written before this time.
    pub to: Option<Micros>,
    /// Hits to skip (the previous pages').
    pub offset: i64,
    /// At most this many hits.
    pub limit: i64,
}

/// What a hit matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// The contact's name, email, phone or card notes (the hit is one of their
    /// conversations).
    Contact,
    /// One of the conversation's labels.
    Label,
    /// A message's text.
    Message,
    /// A note on the conversation.
    Note,
}

/// One search result.
#[derive(Clone, Debug)]
pub struct SearchHit {
    /// What matched.
    pub kind: HitKind,
    /// The conversation to open.
    pub conversation_id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// The matching message (or note), to open the conversation at.
    pub item_id: Option<i64>,
    /// The contact.
    pub contact_id: i64,
    /// The contact's name.
    pub contact_name: String,
    /// The matching text, as stored (the caller escapes and highlights it).
    pub text: String,
    /// When it was written (the conversation's last message for contacts and labels).
    pub at: Option<Micros>,
}

/// A customer message and the reply a person of the team sent after it.
#[derive(Clone, Debug)]
pub struct ReplyPair {
    /// The customer's message.
    pub message_id: i64,
    /// Its conversation.
    pub conversation_id: i64,
    /// The customer's first name then (abstracted out of the reply).
    pub first_name: Option<String>,
    /// The customer's name then.
    pub contact_name: String,
    /// The reply's text.
    pub reply: String,
    /// How well the customer's message matched (higher is better).
    pub score: f64,
}

/// The most matches the index ranks for the suggestions: the rare words'
/// together (see `Store::reply_pairs`).
pub const RANKED_MATCHES: i64 = 2_000;

/// The bound each word's matches are counted to for the suggestions (a word found
/// more often counts as this many).
const COUNTED: i64 = 50_000;

/// The index's best customer messages read for the rarer words.
const RANKED_READ: i64 = 200;

/// The newest customer messages holding every common word read at each step.
const NEWEST_READ: i64 = 300;

/// The latest message ids looked among first for them (then 8 times more, and so
/// on): a common word's newest matches are found without reading all of them.
const NEWEST_WINDOW: i64 = 50_000;

/// How long a word's count is kept (how rare a word is barely moves in minutes,
/// and counting a common word on PostgreSQL reads thousands of rows).
const COUNT_KEPT: std::time::Duration = std::time::Duration::from_secs(600);

/// PostgreSQL's estimate of a word's matches is taken as its count above this
/// (a word its statistics do not list is estimated at a small share of the table,
/// and is counted instead).
const ESTIMATE_TRUSTED: i64 = 5_000;

/// The most counts kept (all are dropped when there would be more).
const COUNTS_KEPT: usize = 20_000;

/// Words' match counts, kept [`COUNT_KEPT`], by their index query.
#[derive(Default, Debug)]
pub(crate) struct WordCounts(
    std::sync::Mutex<std::collections::HashMap<String, (i64, std::time::Instant)>>,
);

impl WordCounts {
    fn get(&self, word: &str) -> Option<i64> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(word)
            .filter(|(_, at)| at.elapsed() < COUNT_KEPT)
            .map(|(n, _)| *n)
    }

    fn put(&self, word: String, n: i64) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= COUNTS_KEPT {
            map.clear();
        }
        map.insert(word, (n, std::time::Instant::now()));
    }
}

/// The replies a person of the team sent after customer message `m` in its
/// conversation (`FROM` and `WHERE`, over `r`).
const ANSWERED_FROM: &str = "FROM messages r
     WHERE r.conversation_id = m.conversation_id AND r.author = 'agent'
       AND r.direction = 'out' AND r.deleted_at IS NULL AND (r.at, r.id) > (m.at, m.id)";

/// How past customer messages are picked for the suggestions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// The index's best over every match of any word.
    Ranked,
    /// The newest holding every word.
    Newest,
}

/// Whose past messages the suggestions read: the workspace's, but the
/// conversation being answered's, and customers of the language when known.
#[derive(Clone, Copy)]
struct Whose<'a> {
    workspace_id: i64,
    except: i64,
    language: Option<&'a str>,
}

/// A past customer message picked for the suggestions.
struct Asked {
    message_id: i64,
    conversation_id: i64,
    text: String,
    first_name: Option<String>,
    contact_name: String,
}

/// The most matches of each kind (contacts' conversations, labels, messages,
/// notes) a search reads and ranks: the newest ones. A word found in a million
/// messages costs the reading of these, not of the million; pages past them are
/// not offered (a narrower query, or a filter, finds older ones).
pub const CANDIDATES: i64 = 1_000;

impl Store {
    /// One page of hits for `q` in the workspace: contacts first, then labels, then
    /// messages and notes, by rank (`Query::rank`, the same on both backends), the
    /// latest first among equals. Of each kind, only the newest [`CANDIDATES`]
    /// matches, after the filters, are read and ranked. A deleted message is not
    /// found.
    pub async fn search(&self, workspace_id: i64, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        let pg = self.backend == Backend::Postgres;
        let mut binds: Vec<Bind> = vec![
            Bind::Text(if pg {
                q.query.tsquery(true)
            } else {
                q.query.fts5(true)
            }),
            Bind::Int(workspace_id),
        ];
        let mut filters = String::new();
        let mut push = |clause: &str, value: Bind| {
            binds.push(value);
            filters.push_str(&clause.replace("$?", &format!("${}", binds.len())));
        };
        if let Some(c) = q.channel {
            push(" AND c.channel_id = $?", Bind::Int(c));
        }
        if let Some(f) = q.folder {
            push(" AND c.folder = $?", Bind::Text(f.as_str().to_owned()));
        }
        if let Some(a) = q.assignee {
            push(" AND c.assignee_id = $?", Bind::Int(a));
        }
        if let Some(l) = &q.label {
            push(
                " AND EXISTS (SELECT 1 FROM conversation_labels fl WHERE fl.conversation_id = c.id AND fl.label = $?)",
                Bind::Text(l.clone()),
            );
        }
        let mut dates = |column: &str| {
            let mut s = String::new();
            if let Some(from) = q.from {
                binds.push(Bind::Int(from));
                s.push_str(&format!(" AND {column} >= ${}", binds.len()));
            }
            if let Some(to) = q.to {
                binds.push(Bind::Int(to));
                s.push_str(&format!(" AND {column} < ${}", binds.len()));
            }
            s
        };
        let conv_dates = dates("c.last_message_at");
        let message_dates = dates("m.at");
        let note_dates = dates("n.created_at");
        let words: Vec<String> = q.query.terms().iter().map(|t| t.word.clone()).collect();
        let mut labels = Vec::new();
        for w in words {
            binds.push(Bind::Text(w));
            labels.push(format!("${}", binds.len()));
        }
        let labels = labels.join(", ");
        let contact_match = matching(pg, "contacts_fts", CONTACT_VECTOR);
        let message_match = matching(pg, "messages_fts", "m.search_vector");
        let note_match = matching(pg, "notes_fts", "n.search_vector");
        // Each kind's newest candidates, in one round trip; ranked below.
        let sql = format!(
            "SELECT * FROM (SELECT 'contact' AS kind, c.id AS conversation_id, c.channel_id,
                    CAST(NULL AS BIGINT) AS item_id, k.id AS contact_id, k.name AS contact_name,
                    k.name || ' ' || coalesce(k.email, '') || ' ' || coalesce(k.phone, '') AS body,
                    c.last_message_at AS at
               FROM {contacts} {j} conversations c ON c.contact_id = k.id
              WHERE {contact_match} AND k.workspace_id = $2 AND c.workspace_id = $2{filters}{conv_dates}
              ORDER BY {contact_order} DESC, c.id DESC LIMIT {CANDIDATES}) contact_hits
             UNION ALL
             SELECT * FROM (SELECT 'label', c.id, c.channel_id, CAST(NULL AS BIGINT), k.id, k.name, l.label,
                    c.last_message_at
               FROM conversation_labels l {j} conversations c ON c.id = l.conversation_id
               {j} contacts k ON k.id = c.contact_id
              WHERE c.workspace_id = $2 AND lower(l.label) IN ({labels}){filters}{conv_dates}) label_hits
             UNION ALL
             SELECT * FROM (SELECT 'message', c.id, c.channel_id, m.id, k.id, k.name, m.text, m.at
               FROM {messages} {j} conversations c ON c.id = m.conversation_id
               {j} contacts k ON k.id = c.contact_id
              WHERE {message_match} AND m.workspace_id = $2 AND m.deleted_at IS NULL{filters}{message_dates}
              ORDER BY {message_order} DESC LIMIT {CANDIDATES}) message_hits
             UNION ALL
             SELECT * FROM (SELECT 'note', c.id, c.channel_id, n.id, k.id, k.name, n.text, n.created_at
               FROM {notes} {j} conversations c ON c.id = n.conversation_id
               {j} contacts k ON k.id = c.contact_id
              WHERE {note_match} AND n.workspace_id = $2{filters}{note_dates}
              ORDER BY {note_order} DESC LIMIT {CANDIDATES}) note_hits",
            contacts = source(pg, "contacts_fts", "contacts k"),
            messages = source(pg, "messages_fts", "messages m"),
            notes = source(pg, "notes_fts", "notes n"),
            j = join(pg),
            contact_order = newest(pg, "contacts_fts", "k"),
            message_order = newest(pg, "messages_fts", "m"),
            note_order = newest(pg, "notes_fts", "n"),
        );
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        let hits = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(SearchHit {
                    kind: match kind.as_str() {
                        "contact" => HitKind::Contact,
                        "label" => HitKind::Label,
                        "note" => HitKind::Note,
                        _ => HitKind::Message,
                    },
                    conversation_id: r.try_get("conversation_id")?,
                    channel_id: r.try_get("channel_id")?,
                    item_id: r.try_get("item_id")?,
                    contact_id: r.try_get("contact_id")?,
                    contact_name: r.try_get("contact_name")?,
                    text: r.try_get("body")?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<Vec<SearchHit>>>()?;
        // Contacts are ranked among contacts, messages and notes together.
        let tier = |k: HitKind| match k {
            HitKind::Contact => 0,
            HitKind::Label => 1,
            HitKind::Message | HitKind::Note => 2,
        };
        let mut scores = vec![0.0; hits.len()];
        for t in [0, 2] {
            let at: Vec<usize> = (0..hits.len())
                .filter(|&i| tier(hits[i].kind) == t)
                .collect();
            let texts: Vec<&str> = at.iter().map(|&i| hits[i].text.as_str()).collect();
            for (&i, score) in at.iter().zip(q.query.rank(&texts)) {
                scores[i] = score;
            }
        }
        let mut ranked: Vec<(f64, SearchHit)> = scores.into_iter().zip(hits).collect();
        ranked.sort_by(|(sx, x), (sy, y)| {
            tier(x.kind)
                .cmp(&tier(y.kind))
                .then(sy.total_cmp(sx))
                .then(y.at.cmp(&x.at))
                .then(y.conversation_id.cmp(&x.conversation_id))
                .then(y.item_id.cmp(&x.item_id))
        });
        let skip = usize::try_from(q.offset.max(0)).unwrap_or(usize::MAX);
        let take = usize::try_from(q.limit.clamp(1, 100)).unwrap_or(100);
        Ok(ranked
            .into_iter()
            .skip(skip)
            .take(take)
            .map(|(_, h)| h)
            .collect())
    }

    /// The customer messages most like `q` with the first reply a person of the
    /// team sent after each in its conversation (automated and bot messages are
    /// never taken; a message never answered so is not a candidate), at most
    /// `limit` of them, best first. Leaves out the conversation `except` (the one
    /// being answered), and when `language` is known, customers known to write in
    /// another.
    ///
    /// What it reads is bounded whatever the size of the history. Each word's
    /// matches are counted up to [`COUNTED`]. The rare words (as many as hold
    /// [`RANKED_MATCHES`] matches together: an order number, a product's name) are
    /// ranked by the index over all their matches (FTS5's `bm25()`, PostgreSQL's
    /// `ts_rank`: both read every match of every word they are given, which is what
    /// made a common word cost hundreds of milliseconds). Then, while there are
    /// fewer than `limit`, the newest messages holding every other word are read,
    /// the most common word dropped each time (the customer's filler words go
    /// first, the words of the question stay). All are then ranked with the whole
    /// query (`Query::rank_with`, each word's rarity from its count).
    pub async fn reply_pairs(
        &self,
        workspace_id: i64,
        q: &Query,
        except: i64,
        language: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ReplyPair>> {
        self.reply_pairs_within(workspace_id, q, except, language, limit, RANKED_MATCHES)
            .await
    }

    /// [`Store::reply_pairs`] with another bound than [`RANKED_MATCHES`] on the
    /// matches the index ranks (a small one lets a test reach the common words'
    /// path with a few messages).
    pub async fn reply_pairs_within(
        &self,
        workspace_id: i64,
        q: &Query,
        except: i64,
        language: Option<&str>,
        limit: i64,
        ranked_matches: i64,
    ) -> Result<Vec<ReplyPair>> {
        let limit = usize::try_from(limit.max(1)).unwrap_or(1);
        let whose = Whose {
            workspace_id,
            except,
            language,
        };
        let counts = self.match_counts(q, COUNTED).await?;
        let newest_id: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM messages")
            .fetch_one(&self.pool)
            .await?;
        // Rarest first; among equals, the longer word first.
        let mut order: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
        order.sort_by_key(|&i| {
            (
                counts[i],
                std::cmp::Reverse(q.terms()[i].word.chars().count()),
            )
        });
        let mut rare = Vec::new();
        let mut held = 0;
        for &i in &order {
            if held + counts[i] > ranked_matches {
                break;
            }
            held += counts[i];
            rare.push(i);
        }
        let mut asked = match q.only(&rare) {
            Some(rq) => {
                self.asked(&whose, &rq, Pick::Ranked, RANKED_READ, -1)
                    .await?
            }
            None => Vec::new(),
        };
        let mut common: Vec<usize> = order.into_iter().filter(|i| !rare.contains(i)).collect();
        while asked.len() < limit {
            let Some(cq) = q.only(&common) else { break };
            // The newest messages first: the latest ids alone, wider while too few
            // are found there (PostgreSQL sorts every match it reads).
            let mut window = NEWEST_WINDOW;
            loop {
                let after = if window >= newest_id {
                    -1
                } else {
                    newest_id - window
                };
                let found = self
                    .asked(&whose, &cq, Pick::Newest, NEWEST_READ, after)
                    .await?;
                let enough = found.len() as i64 >= NEWEST_READ;
                for a in found {
                    if !asked.iter().any(|b| b.message_id == a.message_id) {
                        asked.push(a);
                    }
                }
                if enough || after < 0 || asked.len() >= limit {
                    break;
                }
                window = window.saturating_mul(8);
            }
            common.pop();
        }
        if asked.is_empty() {
            return Ok(Vec::new());
        }
        let n = newest_id;
        let idf: Vec<f64> = counts
            .iter()
            .map(|&c| pronto_core::search::idf(n as f64, c as f64))
            .collect();
        let texts: Vec<&str> = asked.iter().map(|a| a.text.as_str()).collect();
        let mut ranked: Vec<(f64, Asked)> =
            q.rank_with(&texts, &idf).into_iter().zip(asked).collect();
        ranked.sort_by(|(x, a), (y, b)| y.total_cmp(x).then(b.message_id.cmp(&a.message_id)));
        ranked.truncate(limit);
        let ids: Vec<i64> = ranked.iter().map(|(_, a)| a.message_id).collect();
        let mut replies = self.first_replies(&ids).await?;
        Ok(ranked
            .into_iter()
            .filter_map(|(score, a)| {
                Some(ReplyPair {
                    reply: replies.remove(&a.message_id)?,
                    message_id: a.message_id,
                    conversation_id: a.conversation_id,
                    first_name: a.first_name,
                    contact_name: a.contact_name,
                    score,
                })
            })
            .collect())
    }

    /// How many messages (of any workspace and author) each word of `q` is
    /// found in, counted up to `bound` (one more means "more"); a count made in
    /// the last [`COUNT_KEPT`] is reused.
    async fn match_counts(&self, q: &Query, bound: i64) -> Result<Vec<i64>> {
        let pg = self.backend == Backend::Postgres;
        let sql = if pg {
            "SELECT count(*) FROM (SELECT 1 FROM messages m
              WHERE m.search_vector @@ to_tsquery('simple', $1) LIMIT $2) found"
        } else {
            "SELECT count(*) FROM (SELECT rowid FROM messages_fts
              WHERE messages_fts MATCH $1 LIMIT $2) found"
        };
        let mut counts = Vec::with_capacity(q.terms().len());
        for i in 0..q.terms().len() {
            let Some(word) = q.only(&[i]) else {
                counts.push(0);
                continue;
            };
            let text = if pg {
                word.tsquery(true)
            } else {
                word.fts5(true)
            };
            let key = format!("{bound} {text}");
            if let Some(n) = self.word_counts.get(&key) {
                counts.push(n);
                continue;
            }
            // PostgreSQL's own statistics of the column's words (`ANALYZE` keeps the
            // most common ones with their frequency) say how common a word is for
            // the price of a plan; only a word they call rare is counted, which
            // then reads few rows.
            let estimate = if pg {
                self.estimated_matches(&text).await?
            } else {
                None
            };
            let n = match estimate {
                Some(e) if e > ESTIMATE_TRUSTED => e.min(bound + 1),
                _ => {
                    sqlx::query_scalar(sql)
                        .bind(text)
                        .bind(bound + 1)
                        .fetch_one(&self.pool)
                        .await?
                }
            };
            self.word_counts.put(key, n);
            counts.push(n);
        }
        Ok(counts)
    }

    /// PostgreSQL's estimate of the messages matching `tsquery` (the rows of the
    /// plan of a `SELECT`), or `None` when it cannot be read.
    async fn estimated_matches(&self, tsquery: &str) -> Result<Option<i64>> {
        // EXPLAIN takes no parameters: the query text is written into it, and it
        // is only ever the folded words, prefixes and operators `Query` writes.
        if !tsquery
            .chars()
            .all(|c| c.is_alphanumeric() || " ():*|&!".contains(c))
        {
            return Ok(None);
        }
        let plan: Vec<String> = sqlx::query_scalar(&format!(
            "EXPLAIN SELECT 1 FROM messages m WHERE m.search_vector @@ to_tsquery('simple', '{tsquery}')"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(plan.first().and_then(|line| {
            let rows = line.split(" rows=").nth(1)?;
            rows.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        }))
    }

    /// Customer messages of the workspace matching `q`: the index's best over
    /// every match of any word (`Ranked`) or the newest holding every word
    /// (`Newest`), at most `limit`.
    async fn asked(
        &self,
        whose: &Whose<'_>,
        q: &Query,
        pick: Pick,
        limit: i64,
        after: i64,
    ) -> Result<Vec<Asked>> {
        let Whose {
            workspace_id,
            except,
            language,
        } = *whose;
        let pg = self.backend == Backend::Postgres;
        let all = pick == Pick::Newest;
        let order = match pick {
            Pick::Ranked => format!(
                "{} DESC, m.id DESC",
                index_rank(pg, "messages_fts", "m.search_vector")
            ),
            Pick::Newest => format!("{} DESC", newest(pg, "messages_fts", "m")),
        };
        let language_clause = if language.is_some() {
            " AND (k.language IS NULL OR k.language = $6)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT m.id, m.conversation_id, m.text, k.first_name, k.name AS contact_name
               FROM {messages} {j} conversations c ON c.id = m.conversation_id
               {j} contacts k ON k.id = c.contact_id
              WHERE {matched} AND m.workspace_id = $2 AND m.author = 'customer'
                AND m.deleted_at IS NULL AND m.conversation_id <> $3{language_clause}
                AND {id} > $5 AND EXISTS (SELECT 1 {ANSWERED_FROM})
              ORDER BY {order} LIMIT $4",
            messages = source(pg, "messages_fts", "messages m"),
            j = join(pg),
            matched = matching(pg, "messages_fts", "m.search_vector"),
            id = newest(pg, "messages_fts", "m"),
        );
        let mut query = sqlx::query(&sql)
            .bind(if pg { q.tsquery(all) } else { q.fts5(all) })
            .bind(workspace_id)
            .bind(except)
            .bind(limit)
            .bind(after);
        if let Some(l) = language {
            query = query.bind(l.to_owned());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Asked {
                    message_id: r.try_get("id")?,
                    conversation_id: r.try_get("conversation_id")?,
                    text: r.try_get("text")?,
                    first_name: r.try_get("first_name")?,
                    contact_name: r.try_get("contact_name")?,
                })
            })
            .collect()
    }

    /// The first reply a person of the team sent after each of `ids` (customer
    /// messages) in its conversation, by message; none for one never answered so.
    async fn first_replies(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT m.id, (SELECT r.text {ANSWERED_FROM} ORDER BY r.at, r.id LIMIT 1) AS reply
               FROM messages m WHERE m.id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let mut out = std::collections::HashMap::new();
        for r in query.fetch_all(&self.pool).await? {
            if let Some(reply) = r.try_get::<Option<String>, _>("reply")? {
                out.insert(r.try_get("id")?, reply);
            }
        }
        Ok(out)
    }

    /// Rebuilds the search indexes from the stored rows (after a restore, or to
    /// check that nothing drifted). The indexes are kept by the database on every
    /// write, so this is never needed in normal operation.
    pub async fn rebuild_search(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                let mut tx = self.pool.begin().await?;
                for sql in [
                    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
                    "INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')",
                    "DELETE FROM contacts_fts",
                    CONTACTS_FTS_FILL,
                ] {
                    sqlx::query(sql).execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
            Backend::Postgres => {
                for sql in [
                    "REINDEX INDEX messages_search",
                    "REINDEX INDEX notes_search",
                    "REINDEX INDEX contacts_search",
                ] {
                    sqlx::query(sql).execute(&self.pool).await?;
                }
            }
        }
        Ok(())
    }
}

/// The contact's indexed vector on PostgreSQL (the expression of `contacts_search`).
const CONTACT_VECTOR: &str = "pronto_search_vector(pronto_contact_text(k.name, k.first_name, k.last_name, k.email, k.phone, k.notes))";

/// Fills SQLite's contact index (the same text as the triggers of `0022_search`).
const CONTACTS_FTS_FILL: &str = "INSERT INTO contacts_fts (rowid, doc) SELECT c.id,
        c.name || ' ' || coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' ||
        coalesce(c.email, '') || ' ' || coalesce(c.phone, '') || ' ' ||
        replace(replace(replace(replace(replace(replace(coalesce(c.phone, ''), ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '') || ' ' ||
        c.notes
    FROM contacts c";

/// A table (`name alias`) as a query reads it: joined to its FTS5 index on SQLite,
/// alone on PostgreSQL (its index is an expression index on the table). SQLite's
/// joins are `CROSS JOIN`s, which it never reorders: the index's matches drive the
/// query (left to itself, the planner may loop over conversations and run the
/// `MATCH` once for each).
fn join(pg: bool) -> &'static str {
    if pg { "JOIN" } else { "CROSS JOIN" }
}

/// The column that orders a table's matches newest first (`… DESC`): the FTS5
/// index's rowid on SQLite, which FTS5 reads backwards and stops at the `LIMIT`
/// without looking at older matches; the primary key on PostgreSQL.
fn newest(pg: bool, fts: &str, alias: &str) -> String {
    if pg {
        format!("{alias}.id")
    } else {
        format!("{fts}.rowid")
    }
}

/// A table (`name alias`) as a query reads it (see `join`).
fn source(pg: bool, fts: &str, table: &str) -> String {
    if pg {
        table.to_owned()
    } else {
        let alias = table.rsplit(' ').next().unwrap_or(table);
        format!("{fts} CROSS JOIN {table} ON {alias}.id = {fts}.rowid")
    }
}

/// The condition that `$1` matches in a table's index: FTS5's on SQLite; on
/// PostgreSQL, the GIN index over the stored vector (`search_vector` of messages
/// and notes, migration `0032`) or, for contacts, over the expression `vector`.
fn matching(pg: bool, fts: &str, vector: &str) -> String {
    if pg {
        format!("{vector} @@ to_tsquery('simple', $1)")
    } else {
        format!("{fts} MATCH $1")
    }
}

/// The index's own rank of a match (higher is better), over every match of each
/// word: what the suggestions' candidates are ordered by (see `reply_pairs`).
fn index_rank(pg: bool, fts: &str, vector: &str) -> String {
    if pg {
        format!("ts_rank({vector}, to_tsquery('simple', $1))")
    } else {
        format!("-bm25({fts})")
    }
}

enum Bind {
    Int(i64),
    Text(String),
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        query = match b {
            Bind::Int(v) => query.bind(v),
            Bind::Text(v) => query.bind(v),
        };
    }
    query
}

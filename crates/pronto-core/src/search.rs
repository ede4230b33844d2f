//! Search queries as both databases' full-text indexes read them, the snippets shown
//! for a hit, and the reply suggestions' variables.
//!
//! The indexes hold each word folded (lower case, accents removed; SQLite's
//! `unicode61 remove_diacritics 2`, PostgreSQL's `pronto_search_vector`). Word forms
//! are matched here, at query time: each query word stands for itself and its
//! Snowball stems in English, French and Italian, each as a prefix, so "chaussures"
//! finds "chaussure" and "négozi" finds "negozio" without knowing a message's
//! language when it is written. Irregular forms whose stem is not a prefix of the
//! other ("chevaux", "cheval") are not matched.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The most words a query keeps (the rest are ignored).
pub const MAX_WORDS: usize = 12;

/// A stem shorter than this is not used as a prefix (it would match too much);
/// the word itself always is.
const MIN_STEM: usize = 3;

/// A parsed query: its words, each with the prefixes that match it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
}

/// One word of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The word, folded.
    pub word: String,
    /// The folded prefixes any of which matches the word, none a prefix of another.
    pub prefixes: Vec<String>,
}

impl Query {
    /// The query's words; `None` when it has none (only punctuation or spaces).
    pub fn parse(text: &str) -> Option<Query> {
        let stemmers = [
            Stemmer::create(Algorithm::English),
            Stemmer::create(Algorithm::French),
            Stemmer::create(Algorithm::Italian),
        ];
        let mut terms: Vec<Term> = Vec::new();
        for raw in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let lower: String = raw.chars().flat_map(char::to_lowercase).collect();
            let word = fold(&lower);
            if word.is_empty() || terms.iter().any(|t| t.word == word) {
                continue;
            }
            let mut variants = vec![word.clone()];
            for s in &stemmers {
                let stem = fold(&s.stem(&lower));
                if stem.chars().count() >= MIN_STEM {
                    variants.push(stem);
                }
            }
            variants.sort_by_key(|v| v.len());
            let mut prefixes: Vec<String> = Vec::new();
            for v in variants {
                if !prefixes.iter().any(|p| v.starts_with(p.as_str())) {
                    prefixes.push(v);
                }
            }
            terms.push(Term { word, prefixes });
            if terms.len() == MAX_WORDS {
                break;
            }
        }
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// The `n` longest distinct words of a customer's message of at least three
    /// letters (short words are mostly grammar), as a query for similar messages.
    pub fn keywords(text: &str, n: usize) -> Option<Query> {
        let mut words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let mut kept: Vec<String> = Vec::new();
        for w in words {
            let f = fold(w);
            if !kept.contains(&f) {
                kept.push(f);
            }
            if kept.len() == n {
                break;
            }
        }
        Query::parse(&kept.join(" "))
    }

    /// The words.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// An FTS5 `MATCH` expression: every word (`all`) or any word.
    pub fn fts5(&self, all: bool) -> String {
        let joined = |t: &Term| {
            let alts: Vec<String> = t
                .prefixes
                .iter()
                .map(|p| {
                    if is_prefix(p) {
                        format!("\"{p}\"*")
                    } else {
                        format!("\"{p}\"")
                    }
                })
                .collect();
            format!("({})", alts.join(" OR "))
        };
        let parts: Vec<String> = self.terms.iter().map(joined).collect();
        parts.join(if all { " AND " } else { " OR " })
    }

    /// A PostgreSQL `to_tsquery('simple', ..)` text: every word (`all`) or any word.
    pub fn tsquery(&self, all: bool) -> String {
        let joined = |t: &Term| {
            let alts: Vec<String> = t
                .prefixes
                .iter()
                .map(|p| {
                    if is_prefix(p) {
                        format!("{p}:*")
                    } else {
                        p.clone()
                    }
                })
                .collect();
            format!("({})", alts.join(" | "))
        };
        let parts: Vec<String> = self.terms.iter().map(joined).collect();
        parts.join(if all { " & " } else { " | " })
    }

    /// Whether a folded word of a text matches one of the query's words.
    pub fn matches(&self, folded: &str) -> bool {
        self.terms.iter().any(|t| t.matches(folded))
    }

    /// The query of only the words at `keep` (indexes into [`Query::terms`], in
    /// that order); `None` when none is kept.
    pub fn only(&self, keep: &[usize]) -> Option<Query> {
        let terms: Vec<Term> = keep
            .iter()
            .filter_map(|&i| self.terms.get(i).cloned())
            .collect();
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// How well each of `texts` (candidates that matched the query in an index)
    /// answers it, higher is better: Okapi BM25 (k1 1.2, b 0.75) over the words
    /// as `matches` reads them, with each word's rarity (IDF) and the mean length
    /// taken over the candidates themselves. Both backends rank alike, and
    /// ranking reads only the candidates, never the index's counts over the
    /// whole history (which FTS5's `bm25()` and a scan of every match would).
    pub fn rank(&self, texts: &[&str]) -> Vec<f64> {
        self.rank_by(texts, None)
    }

    /// [`Query::rank`] with each word's rarity given (one per term, e.g. [`idf`]
    /// of its count in the whole index) instead of taken over the candidates.
    pub fn rank_with(&self, texts: &[&str], idf: &[f64]) -> Vec<f64> {
        self.rank_by(texts, Some(idf))
    }

    fn rank_by(&self, texts: &[&str], given: Option<&[f64]>) -> Vec<f64> {
        const K1: f64 = 1.2;
        const B: f64 = 0.75;
        let docs: Vec<(usize, Vec<usize>)> = texts
            .iter()
            .map(|text| {
                let mut tf = vec![0usize; self.terms.len()];
                let mut len = 0;
                for (s, e) in word_spans(text) {
                    len += 1;
                    let word = fold(&text[s..e]);
                    for (i, t) in self.terms.iter().enumerate() {
                        if t.matches(&word) {
                            tf[i] += 1;
                        }
                    }
                }
                (len, tf)
            })
            .collect();
        let n = docs.len() as f64;
        let mean = docs.iter().map(|(len, _)| *len as f64).sum::<f64>() / n.max(1.0);
        let idf: Vec<f64> = (0..self.terms.len())
            .map(|i| match given.and_then(|g| g.get(i)) {
                Some(&v) => v,
                None => idf(n, docs.iter().filter(|(_, tf)| tf[i] > 0).count() as f64),
            })
            .collect();
        docs.iter()
            .map(|(len, tf)| {
                let norm = K1 * (1.0 - B + B * *len as f64 / mean.max(1.0));
                tf.iter()
                    .zip(&idf)
                    .map(|(&f, idf)| {
                        let f = f as f64;
                        idf * f * (K1 + 1.0) / (f + norm)
                    })
                    .sum()
            })
            .collect()
    }
}

/// BM25's rarity of a word found in `df` of `n` documents.
pub fn idf(n: f64, df: f64) -> f64 {
    (1.0 + (n - df + 0.5).max(0.0) / (df + 0.5)).ln()
}

impl Term {
    /// Whether a folded word is this one: it starts with one of the prefixes, or,
    /// for a prefix too short to stand for a stem, is it.
    pub fn matches(&self, folded: &str) -> bool {
        self.prefixes.iter().any(|p| {
            if is_prefix(p) {
                folded.starts_with(p.as_str())
            } else {
                folded == p
            }
        })
    }
}

/// Whether a query word (or stem) matches as a prefix: one shorter than
/// `MIN_STEM` (`a`, `la`) matches only itself, since as a prefix it would stand
/// for a large part of the vocabulary.
fn is_prefix(p: &str) -> bool {
    p.chars().count() >= MIN_STEM
}

/// Lower case without accents, as the indexes keep words.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .collect()
}

/// A part of `text` around its first match (at most about `width` characters), as
/// HTML: everything escaped, the matching words in `<mark>`. The whole text's start
/// when nothing matches (a hit on a contact's name shows the message it opens at).
pub fn snippet(text: &str, query: &Query, width: usize) -> String {
    let words = word_spans(text);
    let hits: Vec<(usize, usize)> = words
        .iter()
        .copied()
        .filter(|&(s, e)| query.matches(&fold(&text[s..e])))
        .collect();
    let first = hits.first().map_or(0, |&(s, _)| s);
    // Start about a quarter of the width before the first match, at a word.
    let back = text[..first]
        .char_indices()
        .rev()
        .nth((width / 4).saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let start = if back == 0 {
        0
    } else {
        words
            .iter()
            .map(|&(s, _)| s)
            .find(|&s| s >= back)
            .map_or(first, |s| s.min(first))
    };
    let end = text[start..]
        .char_indices()
        .nth(width)
        .map_or(text.len(), |(i, _)| start + i);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(s, e) in hits.iter().filter(|&&(s, e)| s >= start && e <= end) {
        escape_into(&mut out, &text[at..s]);
        out.push_str("<mark>");
        escape_into(&mut out, &text[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    escape_into(&mut out, &text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// The byte spans of a text's words (runs of letters and digits).
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Appends `text` with HTML's special characters escaped.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The placeholder for a customer's first name in a suggestion.
pub const FIRST_NAME: &str = "{first_name}";
/// The placeholder for an order number (a run of at least `NUMBER_DIGITS` digits).
pub const NUMBER: &str = "{number}";
/// A run of this many digits or more is taken for an order (or tracking) number.
pub const NUMBER_DIGITS: usize = 4;

/// A past reply with what was particular to its customer abstracted: their first
/// name (whole words, any case or accents) becomes `{first_name}`, every run of
/// `NUMBER_DIGITS` digits or more `{number}`.
pub fn abstract_reply(reply: &str, first_name: Option<&str>) -> String {
    let name = first_name.map(fold).filter(|n| n.chars().count() >= 2);
    let mut out = String::new();
    let mut at = 0;
    for (s, e) in word_spans(reply) {
        let word = &reply[s..e];
        let replace = if name.as_deref() == Some(fold(word).as_str()) {
            Some(FIRST_NAME)
        } else if word.len() >= NUMBER_DIGITS && word.chars().all(|c| c.is_ascii_digit()) {
            Some(NUMBER)
        } else {
            None
        };
        if let Some(r) = replace {
            out.push_str(&reply[at..s]);
            out.push_str(r);
            at = e;
        }
    }
    out.push_str(&reply[at..]);
    out
}

/// The first number (`NUMBER_DIGITS` digits or more) a customer wrote, to fill
/// `{number}`.
pub fn first_number(text: &str) -> Option<&str> {
    word_spans(text)
        .into_iter()
        .map(|(s, e)| &text[s..e])
        .find(|w| w.len() >= NUMBER_DIGITS && w.chars().all(|c| c.is_ascii_digit()))
}

/// An abstracted reply filled for a customer: `{first_name}` with their first name
/// and `{number}` with the number they wrote; a placeholder with nothing to fill it
/// is left for the agent to see and edit.
pub fn fill(template: &str, first_name: Option<&str>, number: Option<&str>) -> String {
    let mut out = template.to_owned();
    if let Some(n) = first_name.filter(|n| !n.is_empty()) {
        out = out.replace(FIRST_NAME, n);
    }
    if let Some(n) = number {
        out = out.replace(NUMBER, n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_prefers_more_of_the_rarer_words_in_shorter_texts() {
        let q = Query::parse("parcel refund").unwrap();
        let texts = [
            "my parcel never came",
            "refund for the parcel please",
            "parcels parcel parcel and a refund",
            "a long message about a parcel, written by a customer who says many other things",
            "no match here",
        ];
        let r = q.rank(&texts);
        assert_eq!(r[4], 0.0, "{r:?}");
        assert!(r[2] > r[1] && r[1] > r[0], "{r:?}");
        assert!(r[0] > r[3], "the shorter text ranks first: {r:?}");
        // "refund" is in two texts, "parcel" in four: a text with the rare word alone
        // beats one with the common word alone.
        let r = q.rank(&["refund", "parcel", "parcel", "parcel"]);
        assert!(r[0] > r[1], "{r:?}");
        assert!(q.rank(&[]).is_empty());
    }

    #[test]
    fn rarity_given_from_the_whole_index_decides_over_the_candidates_own() {
        let q = Query::parse("parcel refund").unwrap();
        // Among these two, each word is in one text; in the whole history "refund"
        // is far rarer, so the text with it ranks first.
        let texts = ["parcel", "refund"];
        let flat = q.rank(&texts);
        assert!((flat[0] - flat[1]).abs() < 1e-9, "{flat:?}");
        let given = [idf(1_000_000.0, 50_000.0), idf(1_000_000.0, 40.0)];
        let r = q.rank_with(&texts, &given);
        assert!(r[1] > r[0], "{r:?}");
        assert!(idf(10.0, 10.0) > 0.0 && idf(10.0, 1.0) > idf(10.0, 5.0));
        // Only some of the words, in the order asked.
        let only = q.only(&[1]).unwrap();
        assert_eq!(only.terms().len(), 1);
        assert_eq!(only.terms()[0].word, "refund");
        assert!(q.only(&[]).is_none() && q.only(&[7]).is_none());
    }

    #[test]
    fn a_short_word_matches_only_itself() {
        let q = Query::parse("la commande").unwrap();
        assert!(q.matches("la") && !q.matches("lait"));
        assert!(q.matches("commandes"));
        assert_eq!(q.fts5(true), "(\"la\") AND (\"command\"*)");
        assert_eq!(q.tsquery(false), "(la) | (command:*)");
    }

    #[test]
    fn words_are_folded_and_stemmed_as_prefixes() {
        let q = Query::parse("Chaussures, ÉTÉ!").unwrap();
        assert_eq!(q.terms()[0].word, "chaussures");
        assert!(q.matches("chaussure"), "{q:?}");
        assert!(q.matches("ete"));
        assert!(!q.matches("chat"));
        let it = Query::parse("negozi").unwrap();
        assert!(it.matches("negozio"), "{it:?}");
        assert_eq!(Query::parse(" ,;- "), None);
    }

    #[test]
    fn query_texts_quote_every_prefix() {
        let q = Query::parse("livraison retard").unwrap();
        assert_eq!(q.fts5(true), "(\"livraison\"*) AND (\"retard\"*)");
        assert_eq!(q.tsquery(false), "(livraison:*) | (retard:*)");
    }

    #[test]
    fn snippets_escape_and_mark() {
        let q = Query::parse("colis").unwrap();
        let s = snippet("<b>Mon colis</b> & le vôtre", &q, 100);
        assert_eq!(
            s,
            "&lt;b&gt;Mon <mark>colis</mark>&lt;/b&gt; &amp; le vôtre"
        );
        let long = format!("{} colis {}", "mot ".repeat(100), "fin ".repeat(100));
        let s = snippet(&long, &q, 60);
        assert!(s.starts_with('…') && s.ends_with('…') && s.contains("<mark>colis</mark>"));
    }

    #[test]
    fn replies_are_abstracted_and_filled() {
        let t = abstract_reply(
            "Bonjour Chloé, votre commande 123456 part demain.",
            Some("chloe"),
        );
        assert_eq!(
            t,
            "Bonjour {first_name}, votre commande {number} part demain."
        );
        let f = fill(&t, Some("Marco"), first_number("ordine 98765 in ritardo"));
        assert_eq!(f, "Bonjour Marco, votre commande 98765 part demain.");
    }
}

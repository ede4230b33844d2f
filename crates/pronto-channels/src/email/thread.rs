//! Threading headers (RFC 5322): the Message-IDs Pronto makes, a reply's
//! `References` and `Re:` subject, and the subject that the fallback compares.

/// The most ids a References header keeps (the first and the latest ones), so a
/// long thread's header stays well under the line limits.
pub const MAX_REFERENCES: usize = 20;

/// A Message-ID Pronto makes for a mail it sends, without brackets: a random
/// `token` (the caller's; this crate has no randomness) and the channel's domain.
pub fn message_id(token: &str, domain: &str) -> String {
    format!("pronto.{token}@{domain}")
}

/// Whether an id is one Pronto made (for a channel on `domain`).
pub fn is_own(id: &str, domain: &str) -> bool {
    id.starts_with("pronto.")
        && id
            .rsplit_once('@')
            .is_some_and(|(_, d)| d.eq_ignore_ascii_case(domain))
}

/// The References of a reply to a mail whose own References were `parent_refs` and
/// whose id is `parent_id`: the parent's, then the parent, without repeats, the
/// first id kept when the list is cut.
pub fn references(parent_refs: &[String], parent_id: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in parent_refs.iter().map(String::as_str).chain([parent_id]) {
        if !id.is_empty() && !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    if out.len() > MAX_REFERENCES {
        let drop = out.len() - MAX_REFERENCES;
        out.drain(1..=drop);
    }
    out
}

/// The subject without its reply and forward prefixes (`Re:`, `RE[2]:`, `Fwd:`,
/// `AW:`, `TR:`, `R:`), for comparing a mail with a thread.
pub fn base_subject(subject: &str) -> &str {
    let mut s = subject.trim();
    while let Some(rest) = strip_prefix(s) {
        s = rest.trim_start();
    }
    s
}

/// `s` after one reply or forward prefix, if it starts with one.
fn strip_prefix(s: &str) -> Option<&str> {
    let word_end = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let word = s[..word_end].to_ascii_lowercase();
    if !["re", "fwd", "fw", "aw", "tr", "r", "sv", "wg"].contains(&word.as_str()) {
        return None;
    }
    let mut rest = &s[word_end..];
    if let Some(counted) = rest.strip_prefix('[') {
        let (n, after) = counted.split_once(']')?;
        if !n.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        rest = after;
    }
    rest.strip_prefix(':')
}

/// The threading's fallback, for a reply that names no mail Pronto knows (a mail
/// program that drops In-Reply-To and References): the thread, among the
/// sender's open ones given newest first as (thread, subject), whose subject is
/// the reply's without its prefixes. Only a subject that reads as a reply
/// (`Re:`...) is compared, so a new mail on the same subject opens a new thread.
pub fn by_subject<'a>(subject: &str, threads: &'a [(String, String)]) -> Option<&'a str> {
    let base = base_subject(subject);
    if base.is_empty() || base == subject.trim() {
        return None;
    }
    threads
        .iter()
        .find(|(_, s)| base_subject(s).eq_ignore_ascii_case(base))
        .map(|(thread, _)| thread.as_str())
}

/// The subject of a reply: `Re: ` and the base subject (or `Re: ` alone before an
/// empty one).
pub fn reply_subject(subject: &str) -> String {
    let base = base_subject(subject);
    if base.is_empty() {
        "Re: your message".to_owned()
    } else {
        format!("Re: {base}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_append_the_parent_once_and_keep_the_first() {
        let refs = vec!["a@x".to_owned(), "b@x".to_owned()];
        assert_eq!(references(&refs, "c@x"), ["a@x", "b@x", "c@x"]);
        assert_eq!(references(&refs, "b@x"), ["a@x", "b@x"]);
        let long: Vec<String> = (0..30).map(|i| format!("{i}@x")).collect();
        let cut = references(&long, "new@x");
        assert_eq!(cut.len(), MAX_REFERENCES);
        assert_eq!((cut[0].as_str(), cut[19].as_str()), ("0@x", "new@x"));
    }

    #[test]
    fn subjects_lose_their_prefixes() {
        assert_eq!(base_subject("Re: RE[2]: Fwd:  Order 42"), "Order 42");
        assert_eq!(base_subject("AW: Rechnung"), "Rechnung");
        assert_eq!(base_subject("Regarding my order"), "Regarding my order");
        assert_eq!(reply_subject("Re: Order 42"), "Re: Order 42");
        assert_eq!(reply_subject(""), "Re: your message");
    }

    #[test]
    fn the_fallback_matches_a_reply_s_subject_only() {
        let threads = vec![
            ("b@x".to_owned(), "Re: Invoice 7".to_owned()),
            ("a@x".to_owned(), "Order 42".to_owned()),
        ];
        assert_eq!(by_subject("RE: order 42", &threads), Some("a@x"));
        assert_eq!(by_subject("Fwd: Re: Invoice 7", &threads), Some("b@x"));
        // A new mail on a known subject is a new thread; an unknown one is too.
        assert_eq!(by_subject("Order 42", &threads), None);
        assert_eq!(by_subject("Re: Order 43", &threads), None);
        assert_eq!(by_subject("Re:", &threads), None);
    }

    #[test]
    fn own_ids_are_recognised_by_prefix_and_domain() {
        let id = message_id("abc", "example.test");
        assert_eq!(id, "pronto.abc@example.test");
        assert!(is_own(&id, "EXAMPLE.test"));
        assert!(!is_own(&id, "other.test"));
        assert!(!is_own("abc@example.test", "example.test"));
    }
}

//! The one rule for text that a backend cannot store: PostgreSQL refuses U+0000 in
//! text, so every text Pronto stores has each U+0000 replaced by U+FFFD (the
//! replacement character), on every backend alike. It is applied at the edge, to
//! the JSON bodies of the API and of Meta's webhooks and to history imports, so
//! that no stored text (messages, names, attributes, notes, replies) holds one.

use std::borrow::Cow;

/// What U+0000 becomes.
pub const REPLACEMENT: char = '\u{FFFD}';

/// `text` with each U+0000 replaced by U+FFFD.
pub fn storable(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A JSON document with each `\u0000` escape in its strings (and keys) turned into
/// `\ufffd`, byte for byte otherwise, so that the document parses to the same
/// values with U+0000 replaced. (JSON cannot hold a raw U+0000 in a string; a
/// document that does is invalid either way.) Borrowed when there is nothing to do.
pub fn storable_json(json: &[u8]) -> Cow<'_, [u8]> {
    const NUL: &[u8] = b"u0000";
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' && i + 1 < json.len() {
            // In valid JSON a backslash only starts an escape inside a string.
            if json[i + 1..].starts_with(NUL) {
                let o = out.get_or_insert_with(|| json[..i].to_vec());
                o.extend_from_slice(b"\\ufffd");
                i += 1 + NUL.len();
                continue;
            }
            if let Some(o) = out.as_mut() {
                o.extend_from_slice(&json[i..i + 2]);
            }
            i += 2;
            continue;
        }
        if let Some(o) = out.as_mut() {
            o.push(json[i]);
        }
        i += 1;
    }
    match out {
        Some(o) => Cow::Owned(o),
        None => Cow::Borrowed(json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_becomes_the_replacement_character() {
        assert_eq!(storable("a\0b"), "a\u{FFFD}b");
        assert!(matches!(storable("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_escapes_of_nul_are_replaced_and_nothing_else() {
        let cases: &[(&str, &str)] = &[
            (r#"{"t":"a\u0000b"}"#, "a\u{FFFD}b"),
            (r#"{"t":"a\\u0000b"}"#, "a\\u0000b"),
            (r#"{"t":"a\\\u0000"}"#, "a\\\u{FFFD}"),
            (r#"{"t":"\"\u0000\n"}"#, "\"\u{FFFD}\n"),
            (r#"{"t":"é\u00e9"}"#, "éé"),
        ];
        for (json, text) in cases {
            let clean = storable_json(json.as_bytes());
            let v: serde_json::Value = serde_json::from_slice(&clean).unwrap();
            assert_eq!(v["t"], *text, "{json}");
        }
        let untouched = br#"{"t":"no nul here \\ \" \u0001"}"#;
        assert!(matches!(storable_json(untouched), Cow::Borrowed(_)));
    }
}

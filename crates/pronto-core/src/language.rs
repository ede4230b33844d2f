//! The language a customer writes in, from their messages when their platform does
//! not say: [`detect`] gives an ISO 639-1 code (`it`) when one language is clearly
//! the most likely, among those Pronto knows ([`LANGUAGES`]); nothing for texts too
//! short or too mixed to tell ("ok", "👍", an order number).
//!
//! Built on lingua's statistical models, loaded once on first use (about 30 MB for
//! the seven languages).

use std::sync::OnceLock;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

/// The languages detected, as ISO 639-1 codes.
pub const LANGUAGES: [&str; 7] = ["en", "fr", "it", "es", "de", "pt", "nl"];

const MODELS: [Language; 7] = [
    Language::English,
    Language::French,
    Language::Italian,
    Language::Spanish,
    Language::German,
    Language::Portuguese,
    Language::Dutch,
];

/// How much more likely than the rest together the first language must be.
const CONFIDENCE: f64 = 0.5;
/// The fewest letters a text needs to say anything.
const MIN_LETTERS: usize = 8;

fn detector() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| LanguageDetectorBuilder::from_languages(&MODELS).build())
}

/// The language of `text`, when it can be told.
pub fn detect(text: &str) -> Option<&'static str> {
    if text.chars().filter(|c| c.is_alphabetic()).count() < MIN_LETTERS {
        return None;
    }
    let values = detector().compute_language_confidence_values(text);
    let (language, confidence) = values.first()?;
    if *confidence < CONFIDENCE {
        return None;
    }
    let code = language.iso_code_639_1().to_string();
    LANGUAGES.into_iter().find(|l| *l == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The labelled messages of `tests/fixtures/languages.tsv`: short customer
    /// questions in five languages, written for this test.
    #[test]
    fn short_customer_messages_are_told_apart() {
        let data = include_str!("../tests/fixtures/languages.tsv");
        let rows: Vec<(&str, &str)> = data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split_once('\t').expect("language<TAB>text"))
            .collect();
        let mut right = 0;
        let mut wrong = Vec::new();
        for (expected, text) in &rows {
            match detect(text) {
                Some(found) if found == *expected => right += 1,
                found => wrong.push(format!("{text:?}: {found:?}, not {expected}")),
            }
        }
        println!("{right}/{} right; unanswered: {wrong:?}", rows.len());
        // The accuracy on this set (written in BENCHMARKS.md): every message told
        // right, or no answer; a wrong language is worse than none.
        assert_eq!(rows.len(), 100);
        assert!(right >= 95, "{right}/100 right; {wrong:#?}");
        assert!(
            wrong.iter().all(|w| w.contains(": None")),
            "a wrong language: {wrong:#?}"
        );
    }

    #[test]
    fn texts_that_say_nothing_have_no_language() {
        for text in ["ok", "👍👍👍", "#12345678", "", "Merci", "?!?!?!?!?!"] {
            assert_eq!(detect(text), None, "{text:?}");
        }
        assert_eq!(detect("Spedite in Svizzera?"), Some("it"));
    }
}

//! `Language`: the part of a locale that routing matches on.

use std::fmt;

/// A language as an ISO 639 code of two or three lowercase letters (`fr`, `en`, `fil`).
///
/// Routing matches languages, not locales: an agent who speaks French takes `fr_FR`
/// and `fr-CA` alike. The code is kept in three bytes so that `Language` is `Copy`
/// and comparisons cost nothing in the dispatch loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Language([u8; 3]);

impl Language {
    /// The language of a locale such as `fr_FR`, `pt-BR`, `en` or `FR`; `None` when the
    /// part before `_` or `-` is not two or three ASCII letters (`C`, `""`, `*`).
    pub fn from_locale(locale: &str) -> Option<Language> {
        let code = locale.split(['_', '-', '.', '@']).next().unwrap_or("");
        let bytes = code.as_bytes();
        if !(2..=3).contains(&bytes.len()) || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let mut out = [0u8; 3];
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = b.to_ascii_lowercase();
        }
        Some(Language(out))
    }

    /// The code, as given (lowercased): `fr`.
    pub fn code(&self) -> &str {
        let len = if self.0[2] == 0 { 2 } else { 3 };
        // Only ASCII letters are ever stored, so this cannot fail.
        std::str::from_utf8(&self.0[..len]).unwrap_or("")
    }

    /// The language's English name for the common ones (`French`), so that a routing
    /// reason reads as a sentence; a UI translating the reason uses `code` instead.
    pub fn english_name(&self) -> Option<&'static str> {
        let name = match self.code() {
            "ar" => "Arabic",
            "bn" => "Bengali",
            "ca" => "Catalan",
            "cs" => "Czech",
            "da" => "Danish",
            "de" => "German",
            "el" => "Greek",
            "en" => "English",
            "es" => "Spanish",
            "fa" => "Persian",
            "fi" => "Finnish",
            "fil" | "tl" => "Filipino",
            "fr" => "French",
            "he" => "Hebrew",
            "hi" => "Hindi",
            "hu" => "Hungarian",
            "id" => "Indonesian",
            "it" => "Italian",
            "ja" => "Japanese",
            "ko" => "Korean",
            "ms" => "Malay",
            "nb" | "no" => "Norwegian",
            "nl" => "Dutch",
            "pl" => "Polish",
            "pt" => "Portuguese",
            "ro" => "Romanian",
            "ru" => "Russian",
            "sv" => "Swedish",
            "th" => "Thai",
            "tr" => "Turkish",
            "uk" => "Ukrainian",
            "ur" => "Urdu",
            "vi" => "Vietnamese",
            "zh" => "Chinese",
            _ => return None,
        };
        Some(name)
    }
}

impl fmt::Display for Language {
    /// The English name when known, else the code: `French`, `eu`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english_name().unwrap_or(self.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_give_their_language() {
        let fr = Language::from_locale("fr").unwrap();
        assert_eq!(Language::from_locale("fr_FR"), Some(fr));
        assert_eq!(Language::from_locale("FR-ca"), Some(fr));
        assert_eq!(Language::from_locale("fr_FR.UTF-8"), Some(fr));
        assert_eq!(fr.code(), "fr");
        assert_eq!(fr.to_string(), "French");
        let fil = Language::from_locale("fil_PH").unwrap();
        assert_eq!((fil.code(), fil.to_string().as_str()), ("fil", "Filipino"));
        assert_eq!(Language::from_locale("eu_ES").unwrap().to_string(), "eu");
    }

    #[test]
    fn non_languages_are_none() {
        for bad in ["", "C", "*", "f1_FR", "fren_FR", "_FR", "é"] {
            assert_eq!(Language::from_locale(bad), None, "{bad:?}");
        }
    }
}

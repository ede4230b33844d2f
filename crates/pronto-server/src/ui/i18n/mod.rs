//! The UI's words in English, French and Italian.
//!
//! Each page's texts are a struct of fields with one constant per language, so a
//! string missing in one language does not compile. Texts with values name them
//! in braces (`{name} is typing`) and are filled with [`fill`]; a test checks that
//! every language names the same values.

pub mod account;
pub mod alerts;
pub mod channel;
pub mod comments;
pub mod common;
pub mod dashboard;
pub mod email;
pub mod inbox;
pub mod rules;
pub mod search;
pub mod settings;
pub mod team;
pub mod webhooks;

use serde::Serialize;

/// A language the UI speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English, the default.
    En,
    /// French.
    Fr,
    /// Italian.
    It,
}

/// Every language, in the order the language menu shows them.
pub const LANGS: [Lang; 3] = [Lang::En, Lang::Fr, Lang::It];

/// All the UI's texts in one language.
#[derive(Serialize)]
pub struct Texts {
    /// Shared by every page.
    pub common: common::Common,
    /// The inbox, the conversation and the composer.
    pub inbox: inbox::Inbox,
    /// Comments on the channels' posts.
    pub comments: comments::Comments,
    /// The responsiveness dashboard.
    pub dashboard: dashboard::Dashboard,
    /// The admins' settings.
    pub settings: settings::Settings,
    /// A channel's own settings.
    pub channel: channel::Channel,
    /// The team page and the away switch.
    pub team: team::Team,
    /// The rules page.
    pub rules: rules::Rules,
    /// The outgoing webhooks section.
    pub webhooks: webhooks::Webhooks,
    /// Alerts.
    pub alerts: alerts::Alerts,
    /// The signed-in person's account.
    pub account: account::Account,
    /// The email channel.
    pub email: email::Email,
    /// The search box and the reply suggestions.
    pub search: search::Search,
}

static EN: Texts = Texts {
    common: common::EN,
    inbox: inbox::EN,
    comments: comments::EN,
    dashboard: dashboard::EN,
    settings: settings::EN,
    channel: channel::EN,
    team: team::EN,
    rules: rules::EN,
    webhooks: webhooks::EN,
    alerts: alerts::EN,
    account: account::EN,
    email: email::EN,
    search: search::EN,
};
static FR: Texts = Texts {
    common: common::FR,
    inbox: inbox::FR,
    comments: comments::FR,
    dashboard: dashboard::FR,
    settings: settings::FR,
    channel: channel::FR,
    team: team::FR,
    rules: rules::FR,
    webhooks: webhooks::FR,
    alerts: alerts::FR,
    account: account::FR,
    email: email::FR,
    search: search::FR,
};
static IT: Texts = Texts {
    common: common::IT,
    inbox: inbox::IT,
    comments: comments::IT,
    dashboard: dashboard::IT,
    settings: settings::IT,
    channel: channel::IT,
    team: team::IT,
    rules: rules::IT,
    webhooks: webhooks::IT,
    alerts: alerts::IT,
    account: account::IT,
    email: email::IT,
    search: search::IT,
};

impl Lang {
    /// The texts in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
            Lang::It => &IT,
        }
    }

    /// The language's code (`en`, `fr`, `it`), as in HTML's `lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::It => "it",
        }
    }

    /// The language's own name, for the menu.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::It => "Italiano",
        }
    }

    /// A language from a locale such as `fr`, `fr-CA` or `it_IT`.
    pub fn parse(locale: &str) -> Option<Lang> {
        let primary = locale
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            "it" => Some(Lang::It),
            _ => None,
        }
    }

    /// The browser's preferred language among ours, from `Accept-Language`
    /// (`fr-CH, fr;q=0.9, en;q=0.8`); English when none is ours.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, item) in header.split(',').enumerate() {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q.is_nan() || q <= 0.0 {
                continue;
            }
            // Higher q wins; among equals, the one listed first.
            let better = match best {
                None => true,
                Some((bq, bp, _)) => q > bq || (q == bq && position < bp),
            };
            if better {
                best = Some((q, position, lang));
            }
        }
        best.map_or(Lang::En, |(_, _, l)| l)
    }
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    flatten(&format!("{prefix}.{k}"), v, out);
                }
            }
            Value::String(s) => out.push((prefix.to_owned(), s.clone())),
            other => panic!("{prefix} is not text: {other}"),
        }
    }

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect()
    }

    #[test]
    fn every_language_has_every_text_with_the_same_values() {
        let all: Vec<Vec<(String, String)>> = LANGS
            .iter()
            .map(|l| {
                let mut out = Vec::new();
                flatten("", &serde_json::to_value(l.texts()).unwrap(), &mut out);
                out
            })
            .collect();
        let english = &all[0];
        assert!(english.len() > 100, "the UI has its texts");
        for (lang, texts) in LANGS.iter().zip(&all) {
            assert_eq!(texts.len(), english.len());
            for ((key, text), (en_key, en_text)) in texts.iter().zip(english) {
                assert_eq!(key, en_key);
                assert!(!text.trim().is_empty(), "{lang:?} {key} is empty");
                assert_eq!(
                    placeholders(text),
                    placeholders(en_text),
                    "{lang:?} {key} names other values than English: {text:?}"
                );
            }
        }
        // Translated, not copied: most French and Italian texts differ from English.
        for texts in &all[1..] {
            let same = texts
                .iter()
                .zip(english)
                .filter(|((_, a), (_, b))| a == b)
                .count();
            assert!(same * 10 < english.len(), "{same} texts left in English");
        }
    }

    #[test]
    fn the_browser_language_is_read_from_accept_language() {
        assert_eq!(
            Lang::from_accept_language("fr-CH, fr;q=0.9, en;q=0.8"),
            Lang::Fr
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,it;q=0.5,en;q=0.4"),
            Lang::It
        );
        assert_eq!(Lang::from_accept_language("en;q=0.2, it;q=0.7"), Lang::It);
        assert_eq!(Lang::from_accept_language("de, ja"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::from_accept_language("fr;q=0, it"), Lang::It);
        assert_eq!(Lang::parse("it_IT"), Some(Lang::It));
        assert_eq!(
            fill("{name} is typing", &[("name", "Ana")]),
            "Ana is typing"
        );
    }
}

//! Messenger's and Instagram's user profiles: the fields to ask for, the answer
//! read into a [`Profile`], and what an error means ([`Failure`]).
//!
//! Messenger: `GET /{PSID}?fields=first_name,last_name,profile_pic,locale,timezone`;
//! asking for a field the app may not read (`locale`, `timezone` need their own
//! permissions) fails the whole call with `100/2018247`, so [`Failure::FieldsRefused`]
//! says to ask again with [`MESSENGER_BASIC`]. Instagram: `GET /{IGSID}?fields=name,
//! username,profile_pic`; `name` is null when the person set none, so the username
//! stands in. An empty object means no profile may be shown.

use serde::Deserialize;
use serde_json::Value;

/// The fields asked of a Messenger profile.
pub const MESSENGER_FULL: &str = "first_name,last_name,profile_pic,locale,timezone";
/// The fields every app with profile access may read.
pub const MESSENGER_BASIC: &str = "first_name,last_name,profile_pic";
/// The fields asked of an Instagram profile.
pub const INSTAGRAM: &str = "name,username,profile_pic";

/// What a profile said.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Profile {
    /// Messenger's first name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Messenger's last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Instagram's name (null when the person set none).
    #[serde(default)]
    pub name: Option<String>,
    /// Instagram's username.
    #[serde(default)]
    pub username: Option<String>,
    /// The picture's URL (it expires: copy the bytes).
    #[serde(default)]
    pub profile_pic: Option<String>,
    /// A Facebook locale (`fr_FR`).
    #[serde(default)]
    pub locale: Option<String>,
    /// Hours from GMT (`-7`, `5.5`).
    #[serde(default)]
    pub timezone: Option<f64>,
}

fn present(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Profile {
    /// Reads an answer; `None` when it says nothing about the person (an empty
    /// object: no profile may be shown).
    pub fn parse(answer: &Value) -> Option<Profile> {
        let profile: Profile = serde_json::from_value(answer.clone()).ok()?;
        let says_something = [
            &profile.first_name,
            &profile.last_name,
            &profile.name,
            &profile.username,
            &profile.profile_pic,
        ]
        .iter()
        .any(|f| present(f).is_some());
        says_something.then_some(profile)
    }

    /// The first name: Messenger's, else the first word of Instagram's name.
    pub fn first_name(&self) -> Option<String> {
        present(&self.first_name)
            .or_else(|| present(&self.name).and_then(|n| n.split_whitespace().next()))
            .map(str::to_owned)
    }

    /// The last name (Messenger only).
    pub fn last_name(&self) -> Option<String> {
        present(&self.last_name).map(str::to_owned)
    }

    /// The name to show: "first last", else the name, else the username.
    pub fn display_name(&self) -> Option<String> {
        let parts: Vec<&str> = [present(&self.first_name), present(&self.last_name)]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            return Some(parts.join(" "));
        }
        present(&self.name)
            .or_else(|| present(&self.username))
            .map(str::to_owned)
    }

    /// The language of the locale (`fr_FR` gives `fr`).
    pub fn language(&self) -> Option<String> {
        let locale = present(&self.locale)?;
        let language = locale.split(['_', '-']).next()?.to_ascii_lowercase();
        (language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase()))
            .then_some(language)
    }

    /// The time zone as an IANA name for a whole-hour offset (`-7` gives
    /// `Etc/GMT+7`: the Etc zones count the other way); none for other offsets.
    pub fn timezone(&self) -> Option<String> {
        let hours = self.timezone?;
        if hours.fract() != 0.0 || !(-12.0..=14.0).contains(&hours) {
            return None;
        }
        let hours = hours as i64;
        Some(match hours {
            0 => "Etc/GMT".to_owned(),
            h if h > 0 => format!("Etc/GMT-{h}"),
            h => format!("Etc/GMT+{}", -h),
        })
    }
}

/// Why a profile request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The platform has no profile to give this person (an account made with a
    /// phone number, no consent yet, no such user): not worth asking again.
    NoProfile(String),
    /// The app may not read one of the fields asked: ask again with the basic ones.
    FieldsRefused(String),
    /// Too many calls: wait before asking anything more on this channel.
    SlowDown(String),
    /// Worth trying again later (transient errors, 5xx).
    Later(String),
    /// Will not work until someone acts (a bad token, a missing permission).
    Stop(String),
}

/// Sorts an error answer (`{"error": {"code", "error_subcode", "message"}}`).
pub fn classify(status: u16, answer: &Value) -> Failure {
    let e = super::error::GraphError::read(answer);
    let said = e.said();
    match (e.code, e.subcode) {
        (100, 2_018_247) => Failure::FieldsRefused(said),
        (_, 2_018_218) | (230, _) | (9010, _) => Failure::NoProfile(said),
        (100, 33) => Failure::NoProfile(format!(
            "the app may not read user profiles (Business Asset User Profile Access): {said}"
        )),
        (4 | 17 | 32 | 613, _) => Failure::SlowDown(said),
        (1 | 2, _) => Failure::Later(said),
        (190, _) | (10 | 200..=299, _) => Failure::Stop(said),
        _ if status >= 500 || e.transient => Failure::Later(said),
        _ if e.code == 0 => Failure::Later(format!("Meta answered {status} without an error body")),
        _ => Failure::Stop(said),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_messenger_profile_gives_names_language_and_zone() {
        let p = Profile::parse(&json!({"first_name": "Peter", "last_name": "Chang",
            "profile_pic": "https://x/p.jpg", "locale": "fr_FR", "timezone": -7, "id": "1"}))
        .unwrap();
        assert_eq!(p.display_name().as_deref(), Some("Peter Chang"));
        assert_eq!(p.first_name().as_deref(), Some("Peter"));
        assert_eq!(p.language().as_deref(), Some("fr"));
        assert_eq!(p.timezone().as_deref(), Some("Etc/GMT+7"));
        let east = Profile {
            timezone: Some(2.0),
            ..p.clone()
        };
        assert_eq!(east.timezone().as_deref(), Some("Etc/GMT-2"));
        let india = Profile {
            timezone: Some(5.5),
            ..p
        };
        assert_eq!(india.timezone(), None);
    }

    #[test]
    fn an_instagram_profile_without_a_name_is_shown_by_its_username() {
        let p = Profile::parse(&json!({"name": null, "username": "marie.c", "profile_pic": null}))
            .unwrap();
        assert_eq!(p.display_name().as_deref(), Some("marie.c"));
        assert_eq!(p.first_name(), None);
        let named = Profile::parse(&json!({"name": "Marie Curie", "username": "marie.c"})).unwrap();
        assert_eq!(named.display_name().as_deref(), Some("Marie Curie"));
        assert_eq!(named.first_name().as_deref(), Some("Marie"));
        assert_eq!(named.language(), None);
    }

    #[test]
    fn an_empty_answer_is_no_profile() {
        assert_eq!(Profile::parse(&json!({})), None);
        assert_eq!(Profile::parse(&json!({"id": "1", "first_name": " "})), None);
        assert_eq!(Profile::parse(&json!("nope")), None);
    }

    #[test]
    fn errors_are_sorted_as_the_reference_says() {
        let err = |code: i64, sub: i64| json!({"error": {"code": code, "error_subcode": sub, "message": "m"}});
        assert!(matches!(
            classify(400, &err(100, 2_018_247)),
            Failure::FieldsRefused(_)
        ));
        assert!(matches!(
            classify(400, &err(100, 2_018_218)),
            Failure::NoProfile(_)
        ));
        assert!(matches!(classify(400, &err(230, 0)), Failure::NoProfile(_)));
        assert!(matches!(
            classify(400, &err(9010, 0)),
            Failure::NoProfile(_)
        ));
        assert!(matches!(classify(400, &err(613, 0)), Failure::SlowDown(_)));
        assert!(matches!(classify(400, &err(190, 0)), Failure::Stop(_)));
        assert!(matches!(classify(500, &json!(null)), Failure::Later(_)));
        assert!(matches!(classify(400, &err(2, 0)), Failure::Later(_)));
    }
}

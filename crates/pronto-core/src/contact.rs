//! What a person may write on a contact card, checked: the details (email, phone,
//! language, time zone, notes) and the workspace's own typed attributes (an order
//! number, a cart value, a plan), so that a shop's system and an agent write the
//! same well-formed values.

use serde_json::Value;

use crate::hours::Zone;
use crate::template::is_language_code;

/// The type of a workspace's attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeKind {
    /// Free text, up to [`MAX_TEXT`] characters.
    Text,
    /// A number.
    Number,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// An `https://` or `http://` address.
    Link,
}

/// The longest text attribute.
pub const MAX_TEXT: usize = 1_000;
/// The longest notes.
pub const MAX_NOTES: usize = 10_000;
/// The attributes Pronto writes itself (the ad that brought a customer, a web chat
/// visitor's page and browser language, an opt-in), which no definition may take.
pub const RESERVED: [&str; 4] = ["referral", "page", "browser_language", "opt_in"];

impl AttributeKind {
    /// Every kind.
    pub const ALL: [AttributeKind; 4] = [
        AttributeKind::Text,
        AttributeKind::Number,
        AttributeKind::Date,
        AttributeKind::Link,
    ];

    /// Its name, as stored and as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::Text => "text",
            AttributeKind::Number => "number",
            AttributeKind::Date => "date",
            AttributeKind::Link => "link",
        }
    }

    /// The kind of a name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Checks a value of this kind; the error says what is expected.
    pub fn check(self, value: &Value) -> Result<(), String> {
        match (self, value) {
            (AttributeKind::Text, Value::String(s)) if s.chars().count() <= MAX_TEXT => Ok(()),
            (AttributeKind::Text, Value::String(_)) => {
                Err(format!("is longer than {MAX_TEXT} characters"))
            }
            (AttributeKind::Number, Value::Number(_)) => Ok(()),
            (AttributeKind::Date, Value::String(s))
                if s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok() =>
            {
                Ok(())
            }
            (AttributeKind::Link, Value::String(s))
                if (s.starts_with("https://") || s.starts_with("http://"))
                    && s.len() <= 2_000
                    && !s.chars().any(|c| c.is_whitespace() || c.is_control()) =>
            {
                Ok(())
            }
            (AttributeKind::Text, _) => Err("must be text".into()),
            (AttributeKind::Number, _) => Err("must be a number".into()),
            (AttributeKind::Date, _) => Err("must be a date, as 2026-12-31".into()),
            (AttributeKind::Link, _) => Err("must be an https:// or http:// address".into()),
        }
    }
}

/// Checks an attribute's key: lower-case letters, digits and `_`, starting with a
/// letter, at most 40, and not one Pronto writes itself.
pub fn check_key(key: &str) -> Result<(), String> {
    let well_formed = (1..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return Err(format!(
            "{key:?} is not a key: use lower-case letters, digits and _, starting with a letter (at most 40)"
        ));
    }
    if RESERVED.contains(&key) {
        return Err(format!("{key:?} is Pronto's own attribute"));
    }
    Ok(())
}

/// Checks an email address (the shape only: something@domain.tld).
pub fn check_email(email: &str) -> Result<(), String> {
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(())
    } else {
        Err(format!("{email:?} is not an email address"))
    }
}

/// Checks a phone number: digits with an optional leading `+`, and spaces, dots,
/// dashes or parentheses between them; 5 to 20 digits.
pub fn check_phone(phone: &str) -> Result<(), String> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let ok = (5..=20).contains(&digits)
        && phone
            .trim_start_matches('+')
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'))
        && !phone.get(1..).unwrap_or("").contains('+');
    if ok {
        Ok(())
    } else {
        Err(format!("{phone:?} is not a phone number"))
    }
}

/// Checks a language: a two-letter ISO 639-1 code.
pub fn check_language(language: &str) -> Result<(), String> {
    if is_language_code(language) {
        Ok(())
    } else {
        Err(format!(
            "{language:?} is not a language code; use two letters, as fr or it"
        ))
    }
}

/// Checks a time zone: an IANA name; gives its canonical spelling.
pub fn check_timezone(zone: &str) -> Result<String, String> {
    Zone::parse(zone)
        .map(|z| z.name().to_owned())
        .map_err(|_| format!("{zone:?} is not a time zone; use an IANA name, as Europe/Rome"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_values_are_checked() {
        use AttributeKind::*;
        assert!(Text.check(&json!("A-1234")).is_ok());
        assert!(Text.check(&json!(12)).is_err());
        assert!(Text.check(&json!("x".repeat(MAX_TEXT + 1))).is_err());
        assert!(Number.check(&json!(19.9)).is_ok());
        assert!(Number.check(&json!("19.9")).is_err());
        assert!(Date.check(&json!("2026-12-31")).is_ok());
        assert!(Date.check(&json!("2026-02-30")).is_err());
        assert!(Date.check(&json!("31/12/2026")).is_err());
        assert!(Link.check(&json!("https://shop.test/orders/1")).is_ok());
        assert!(Link.check(&json!("javascript:alert(1)")).is_err());
        assert!(Link.check(&json!("https://a b")).is_err());
        assert_eq!(AttributeKind::parse("date"), Some(Date));
        assert_eq!(AttributeKind::parse("color"), None);
    }

    #[test]
    fn keys_emails_phones_languages_and_zones() {
        assert!(check_key("order_number").is_ok());
        assert!(check_key("Order").is_err());
        assert!(check_key("1st").is_err());
        assert!(check_key("page").is_err(), "reserved");
        assert!(check_email("ana@shop.test").is_ok());
        for bad in [
            "ana",
            "ana@",
            "@shop.test",
            "ana@shop",
            "a b@shop.test",
            "ana@shop.test.",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert!(check_phone("+39 347 123 4567").is_ok());
        assert!(check_phone("(555) 010-9999").is_ok());
        for bad in ["123", "+39 347 abc", "39+347123456", "+"] {
            assert!(check_phone(bad).is_err(), "{bad}");
        }
        assert!(check_language("it").is_ok());
        assert!(check_language("ita").is_err());
        assert_eq!(check_timezone("europe/rome").unwrap(), "Europe/Rome");
        assert!(check_timezone("Mars/Olympus").is_err());
    }
}

//! The web chat channel's settings: the sites its widget may run on (origins,
//! compared exactly), how the widget looks (colour, name, greeting, avatar), the
//! optional pre-chat form and the attachments' size limit. Checked when the channel
//! is made ([`check_config`]), read typed afterwards ([`WebChatConfig::read`]).

use std::fmt;

use serde_json::{Map, Value};

use crate::channel::ConfigError;

/// The attachment limit when none is set: 10 MB.
pub const DEFAULT_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// The largest attachment limit a channel may set: 25 MB.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;
/// The most origins a channel lists.
pub const MAX_ORIGINS: usize = 50;
/// The widget's colour when none is set.
pub const DEFAULT_COLOR: &str = "#1f6feb";

/// A web chat channel's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct WebChatConfig {
    /// The sites the widget may run on, each `scheme://host[:port]` as
    /// [`normalize_origin`] writes it.
    pub allowed_origins: Vec<String>,
    /// The widget's colour, `#rrggbb`.
    pub color: String,
    /// The business's name in the widget's header (empty: the channel's name).
    pub business_name: String,
    /// The first words a visitor sees (empty: the widget's default, in their language).
    pub greeting: String,
    /// An https (or http) URL of the business's picture, or empty.
    pub avatar_url: String,
    /// Ask for the visitor's name and email before the first message.
    pub prechat_form: bool,
    /// The largest attachment a visitor may send, in bytes.
    pub attachments_max_bytes: u64,
    /// The secret that signs identities (`HMAC-SHA256(identity_secret, id)`), sealed.
    pub identity_secret: String,
}

/// The secret stays out of logs.
impl fmt::Debug for WebChatConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebChatConfig")
            .field("allowed_origins", &self.allowed_origins)
            .field("color", &self.color)
            .field("business_name", &self.business_name)
            .field("prechat_form", &self.prechat_form)
            .field("attachments_max_bytes", &self.attachments_max_bytes)
            .finish_non_exhaustive()
    }
}

impl WebChatConfig {
    /// Reads stored settings (checked when the channel was made); what is missing
    /// reads as the defaults.
    pub fn read(config: &Value) -> WebChatConfig {
        let text = |k: &str| config[k].as_str().unwrap_or_default().to_owned();
        WebChatConfig {
            allowed_origins: config["allowed_origins"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_str)
                        .filter_map(normalize_origin)
                        .collect()
                })
                .unwrap_or_default(),
            color: config["color"]
                .as_str()
                .filter(|c| is_color(c))
                .unwrap_or(DEFAULT_COLOR)
                .to_owned(),
            business_name: text("business_name"),
            greeting: text("greeting"),
            avatar_url: text("avatar_url"),
            prechat_form: config["prechat_form"].as_bool().unwrap_or(false),
            attachments_max_bytes: config["attachments_max_bytes"]
                .as_u64()
                .unwrap_or(DEFAULT_ATTACHMENT_BYTES)
                .min(MAX_ATTACHMENT_BYTES),
            identity_secret: text("identity_secret"),
        }
    }

    /// Whether `origin` (an `Origin` header's value) is one of the allowed sites.
    pub fn allows(&self, origin: &str) -> bool {
        normalize_origin(origin).is_some_and(|o| self.allowed_origins.contains(&o))
    }
}

/// An origin as compared: lowercase scheme and host, the port only when it is not
/// the scheme's default; `None` for anything else (a path, credentials, `null`, a
/// scheme other than http and https).
pub fn normalize_origin(text: &str) -> Option<String> {
    let (scheme, rest) = text.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p.parse::<u16>().ok()?)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    if !host_ok {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(match port {
        Some(p) if p != default => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

fn is_color(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|d| d.is_ascii_hexdigit())
}

/// Checks a new web chat's settings and returns them as they are stored (origins
/// normalized). The identity secret is made by the caller.
pub fn check_config(mut config: Map<String, Value>) -> Result<Map<String, Value>, ConfigError> {
    let list = match config.get("allowed_origins") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => return Err(ConfigError::Origins),
    };
    if list.len() > MAX_ORIGINS {
        let expected = "a list of at most 50 origins";
        return Err(ConfigError::Type {
            field: "allowed_origins",
            expected,
        });
    }
    let mut origins = Vec::with_capacity(list.len());
    for (index, v) in list.iter().enumerate() {
        let origin = v
            .as_str()
            .and_then(normalize_origin)
            .ok_or(ConfigError::Origin { index })?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    config.insert("allowed_origins".into(), Value::from(origins));
    if config
        .get("color")
        .is_some_and(|c| !c.as_str().is_some_and(is_color))
    {
        let expected = "a colour written #rrggbb";
        return Err(ConfigError::Type {
            field: "color",
            expected,
        });
    }
    for (field, max) in [("business_name", 100), ("greeting", 500)] {
        if config
            .get(field)
            .is_some_and(|v| v.as_str().is_none_or(|s| s.chars().count() > max))
        {
            let expected = if max == 100 {
                "a text of at most 100 characters"
            } else {
                "a text of at most 500 characters"
            };
            return Err(ConfigError::Type { field, expected });
        }
    }
    if let Some(v) = config.get("avatar_url") {
        let ok = v.as_str().is_some_and(|u| {
            u.is_empty()
                || ((u.starts_with("https://") || u.starts_with("http://"))
                    && u.len() <= 2000
                    && !u.contains(['"', '\'', '<', '>', ' ', '\\']))
        });
        if !ok {
            let expected = "an http(s) URL";
            return Err(ConfigError::Type {
                field: "avatar_url",
                expected,
            });
        }
    }
    if config.get("prechat_form").is_some_and(|v| !v.is_boolean()) {
        let expected = "true or false";
        return Err(ConfigError::Type {
            field: "prechat_form",
            expected,
        });
    }
    if config
        .get("attachments_max_bytes")
        .is_some_and(|v| v.as_u64().is_none_or(|n| n > MAX_ATTACHMENT_BYTES))
    {
        let expected = "a number of bytes from 0 (no attachments) to 26214400 (25 MB)";
        return Err(ConfigError::Type {
            field: "attachments_max_bytes",
            expected,
        });
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::check_new;
    use serde_json::json;

    #[test]
    fn origins_are_compared_exactly_after_normalizing() {
        assert_eq!(
            normalize_origin("HTTPS://Shop.Example.com:443/").as_deref(),
            Some("https://shop.example.com")
        );
        assert_eq!(
            normalize_origin("http://127.0.0.1:8081").as_deref(),
            Some("http://127.0.0.1:8081")
        );
        for bad in [
            "null",
            "shop.example.com",
            "ftp://x.test",
            "https://x.test/path",
            "https://u@x.test",
            "https://",
            "https://x.test:99999",
        ] {
            assert_eq!(normalize_origin(bad), None, "{bad}");
        }
        let c = WebChatConfig::read(&json!({"allowed_origins": ["https://shop.example.com"]}));
        assert!(c.allows("https://shop.example.com"));
        assert!(c.allows("https://SHOP.example.com:443"));
        assert!(!c.allows("https://shop.example.com:8443"));
        assert!(!c.allows("http://shop.example.com"));
        assert!(!c.allows("https://evil.shop.example.com"));
        assert!(!c.allows("https://shop.example.com.evil.test"));
        assert!(!c.allows("null"));
    }

    #[test]
    fn settings_are_checked_naming_the_field() {
        let err = |config: Value| {
            let e = check_new("webchat", config).unwrap_err();
            // The field a form shows the error beside is the one the message names.
            let field = e.field().expect("a web chat's errors name a field");
            let text = e.to_string();
            assert!(
                text.contains(&format!("config.{field}")),
                "{text} names {field}"
            );
            text
        };
        assert!(err(json!({})).contains("config.allowed_origins"));
        assert!(err(json!({"allowed_origins": []})).contains("config.allowed_origins"));
        assert!(
            err(json!({"allowed_origins": ["https://a.test", "https://b.test/x"]}))
                .contains("config.allowed_origins[1]")
        );
        let ok = json!({"allowed_origins": ["https://A.test/"]});
        let mut bad = ok.clone();
        bad["color"] = json!("red");
        assert!(err(bad).contains("config.color"));
        let mut bad = ok.clone();
        bad["prechat_form"] = json!("yes");
        assert!(err(bad).contains("config.prechat_form"));
        let mut bad = ok.clone();
        bad["attachments_max_bytes"] = json!(1u64 << 40);
        assert!(err(bad).contains("config.attachments_max_bytes"));
        let mut bad = ok.clone();
        bad["avatar_url"] = json!("javascript:alert(1)");
        assert!(err(bad).contains("config.avatar_url"));
        let (kind, stored) = check_new(
            "webchat",
            json!({"allowed_origins": ["https://A.test/", "https://a.test"], "color": "#AA0011", "prechat_form": true}),
        )
        .unwrap();
        assert_eq!(kind.as_str(), "webchat");
        let read = WebChatConfig::read(&stored);
        assert_eq!(read.allowed_origins, ["https://a.test"]);
        assert_eq!(read.color, "#AA0011");
        assert!(read.prechat_form);
        assert_eq!(read.attachments_max_bytes, DEFAULT_ATTACHMENT_BYTES);
        let with_secret = WebChatConfig::read(&json!({"identity_secret": "s3cr3t"}));
        assert!(!format!("{with_secret:?}").contains("s3cr3t"));
    }
}

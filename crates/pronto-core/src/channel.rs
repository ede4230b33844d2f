//! Channels' kinds and settings, typed at the edge: [`ChannelKind`] (its name written
//! once, in [`ChannelKind::as_str`]), and each kind's settings, checked when a channel
//! is created ([`check_new`], errors naming the field) and read through
//! [`ApiConfig`], [`MetaConfig`] and [`WhatsAppConfig`] afterwards.
//!
//! A channel's settings are stored as a JSON object, kept as given (keys Pronto does
//! not read stay); the typed views read only what Pronto uses.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::policy::Platform;

/// What a channel is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    /// An integrator's channel: customer messages posted to the API, replies
    /// delivered as signed webhooks.
    Api,
    /// A Facebook Page's Messenger.
    Messenger,
    /// An Instagram professional account's Direct messages.
    Instagram,
    /// A WhatsApp Business number through the Cloud API.
    WhatsApp,
    /// Pronto's own web chat: a widget on the business's site.
    WebChat,
    /// A support mailbox: read over IMAP, answered over SMTP submission.
    Email,
}

impl ChannelKind {
    /// Every kind, in the order the names are listed.
    pub const ALL: [ChannelKind; 6] = [
        ChannelKind::Api,
        ChannelKind::Messenger,
        ChannelKind::Instagram,
        ChannelKind::WhatsApp,
        ChannelKind::WebChat,
        ChannelKind::Email,
    ];

    /// Its name, as stored and as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Api => "api",
            ChannelKind::Messenger => "messenger",
            ChannelKind::Instagram => "instagram",
            ChannelKind::WhatsApp => "whatsapp",
            ChannelKind::WebChat => "webchat",
            ChannelKind::Email => "email",
        }
    }

    /// The kind of a name.
    pub fn parse(name: &str) -> Option<ChannelKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether a channel of this kind can be created today.
    pub fn is_available(self) -> bool {
        matches!(
            self,
            ChannelKind::Api
                | ChannelKind::Messenger
                | ChannelKind::Instagram
                | ChannelKind::WhatsApp
                | ChannelKind::WebChat
                | ChannelKind::Email
        )
    }

    /// Meta's Page-based channels (Messenger, Instagram): webhooks from Meta, the
    /// Send API, a Page token, comments.
    pub fn is_meta(self) -> bool {
        matches!(self, ChannelKind::Messenger | ChannelKind::Instagram)
    }

    /// Every channel whose webhooks come from Meta, signed with the app secret, at
    /// `/webhooks/meta/{channel}`: Messenger, Instagram and WhatsApp.
    pub fn has_meta_webhooks(self) -> bool {
        self.is_meta() || self == ChannelKind::WhatsApp
    }

    /// The channels whose platform tells a person's name, picture and locale
    /// (Messenger's and Instagram's user profiles), asked once a new contact writes.
    pub fn has_user_profiles(self) -> bool {
        self.is_meta()
    }

    /// The platform whose rules a reply on this channel follows.
    pub fn platform(self) -> Platform {
        match self {
            ChannelKind::Messenger => Platform::Messenger,
            ChannelKind::Instagram => Platform::Instagram,
            ChannelKind::WhatsApp => Platform::WhatsApp,
            ChannelKind::Api | ChannelKind::WebChat | ChannelKind::Email => Platform::Open,
        }
    }

    /// The settings that are secrets, kept sealed in the config: an `api` channel's
    /// signing secret, a Meta channel's app secret and token, a web chat's identity
    /// secret, an email channel's two passwords.
    pub fn secret_keys(self) -> &'static [&'static str] {
        match self {
            ChannelKind::Api => &["signing_secret"],
            ChannelKind::WebChat => &["identity_secret"],
            ChannelKind::Messenger | ChannelKind::Instagram => &["app_secret", "page_access_token"],
            ChannelKind::WhatsApp => &["app_secret", "access_token"],
            ChannelKind::Email => &["imap_password", "smtp_password"],
        }
    }

    /// The setting that says whether Pronto tells the customer their messages were
    /// seen when an agent opens the conversation: Meta's `mark_seen` sender action,
    /// WhatsApp's read receipt (`mark_read`); other kinds have none.
    pub fn mark_seen_key(self) -> Option<&'static str> {
        match self {
            ChannelKind::Messenger | ChannelKind::Instagram => Some("mark_seen"),
            ChannelKind::WhatsApp => Some("mark_read"),
            _ => None,
        }
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a channel kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel kind {0:?}")]
pub struct UnknownKind(pub String);

impl FromStr for ChannelKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChannelKind::parse(s).ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

impl serde::Serialize for ChannelKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ChannelKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a new channel's kind or settings are refused; says which field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The settings are not a JSON object.
    #[error("config must be an object")]
    NotObject,
    /// Not a kind that can be created.
    #[error(
        "unknown channel kind {0:?}: use \"api\", \"messenger\", \"instagram\", \"whatsapp\", \"webchat\" or \"email\""
    )]
    Kind(String),
    /// An `api` channel without its URL.
    #[error("an api channel needs config.url, the http(s) URL that receives its replies")]
    ApiUrl,
    /// `login` is neither `facebook` nor, for Instagram, `instagram`.
    #[error(
        "config.login is \"facebook\" (a Page, the default) or, for an instagram channel, \"instagram\""
    )]
    Login,
    /// A setting Meta's channels need is missing or empty.
    #[error("a {kind} channel needs config.{field} (from Meta's app dashboard)")]
    Missing {
        /// The channel's kind.
        kind: ChannelKind,
        /// The field, as the request names it.
        field: &'static str,
    },
    /// A web chat without the sites it may run on.
    #[error(
        "a webchat channel needs config.allowed_origins, a list of the sites' origins (\"https://www.example.com\")"
    )]
    Origins,
    /// One of a web chat's origins is not an origin.
    #[error(
        "config.allowed_origins[{index}] is not an origin: write scheme and host (and port), like \"https://www.example.com\", without a path"
    )]
    Origin {
        /// Its place in the list.
        index: usize,
    },
    /// An email channel's setting is missing or empty.
    #[error("an email channel needs config.{field}")]
    EmailMissing {
        /// The field.
        field: &'static str,
    },
    /// An email channel's address is not an address.
    #[error("config.address must be an email address, like \"support@example.com\"")]
    EmailAddress,
    /// A port that is not a port.
    #[error("config.{field} must be a port number from 1 to 65535")]
    Port {
        /// The field.
        field: &'static str,
    },
    /// A TLS mode that is not one.
    #[error("config.{field} must be \"implicit\", \"starttls\" or \"none\"")]
    TlsMode {
        /// The field.
        field: &'static str,
    },
    /// A setting of the wrong type.
    #[error("config.{field} must be {expected}")]
    Type {
        /// The field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

impl ConfigError {
    /// The setting the error is about, as the request names it inside `config`
    /// (`allowed_origins`, `color`), so that a form can show it beside its field.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ConfigError::NotObject | ConfigError::Kind(_) => None,
            ConfigError::ApiUrl => Some("url"),
            ConfigError::Login => Some("login"),
            ConfigError::Origins | ConfigError::Origin { .. } => Some("allowed_origins"),
            ConfigError::Missing { field, .. }
            | ConfigError::Type { field, .. }
            | ConfigError::EmailMissing { field }
            | ConfigError::Port { field }
            | ConfigError::TlsMode { field } => Some(field),
            ConfigError::EmailAddress => Some("address"),
        }
    }
}

/// Checks a new channel's kind and settings, and returns them as they are stored
/// (an Instagram-login account's `account_id` and `access_token` take the Page's
/// places). Secrets the server makes (an `api` channel's signing secret, a Meta
/// channel's verify token when none is given) are added by the caller.
pub fn check_new(kind: &str, config: Value) -> Result<(ChannelKind, Value), ConfigError> {
    let mut config = match config {
        Value::Null => Map::new(),
        Value::Object(map) => map,
        _ => return Err(ConfigError::NotObject),
    };
    let kind = ChannelKind::parse(kind)
        .filter(|k| k.is_available())
        .ok_or_else(|| ConfigError::Kind(kind.to_owned()))?;
    if kind == ChannelKind::Api {
        let url = config
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError::ApiUrl);
        }
        return Ok((kind, Value::Object(config)));
    }
    if kind == ChannelKind::WebChat {
        return crate::webchat::check_config(config).map(|c| (kind, Value::Object(c)));
    }
    if kind == ChannelKind::WhatsApp {
        return check_whatsapp(config);
    }
    if kind == ChannelKind::Email {
        return crate::email::check_config(config).map(|c| (kind, Value::Object(c)));
    }
    // An Instagram account connected with Instagram login has no Page: its account
    // id and Instagram user token take the Page's places.
    let instagram_login = kind == ChannelKind::Instagram
        && config.get("login").and_then(Value::as_str) == Some("instagram");
    if instagram_login {
        for (from, to) in [
            ("account_id", "page_id"),
            ("access_token", "page_access_token"),
        ] {
            if let Some(v) = config.remove(from) {
                config.insert(to.to_owned(), v);
            }
        }
    } else if !matches!(
        config.get("login").map(Value::as_str),
        None | Some(Some("facebook"))
    ) {
        return Err(ConfigError::Login);
    }
    for field in ["page_id", "app_id", "app_secret", "page_access_token"] {
        if text(&config, field).is_none_or(str::is_empty) {
            let field = match (instagram_login, field) {
                (true, "page_id") => "account_id",
                (true, "page_access_token") => "access_token",
                _ => field,
            };
            return Err(ConfigError::Missing { kind, field });
        }
    }
    for field in ["human_agent", "mark_seen"] {
        if config.get(field).is_some_and(|v| !v.is_boolean()) {
            let expected = "true or false";
            return Err(ConfigError::Type { field, expected });
        }
    }
    for field in [
        "verify_token",
        "graph_base_url",
        "ig_account_id",
        "instagram_account_id",
    ] {
        if config.get(field).is_some_and(|v| !v.is_string()) {
            let expected = "a string";
            return Err(ConfigError::Type { field, expected });
        }
    }
    Ok((kind, Value::Object(config)))
}

/// How many messages a second a registered WhatsApp number takes by default
/// (inbound and outbound together; a Business app "coexistence" number takes 20,
/// an upgraded one 1,000): the outbox's pace unless `messages_per_second` says.
pub const WHATSAPP_THROUGHPUT: i64 = 80;

/// The settings of a WhatsApp channel, named as Meta names them.
pub const WHATSAPP_FIELDS: [&str; 5] = [
    "phone_number_id",
    "waba_id",
    "app_id",
    "app_secret",
    "access_token",
];

fn check_whatsapp(config: Map<String, Value>) -> Result<(ChannelKind, Value), ConfigError> {
    let kind = ChannelKind::WhatsApp;
    for field in WHATSAPP_FIELDS {
        match config.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            // Meta's ids are numbers; one typed as a JSON number is taken as its digits.
            Some(Value::Number(_)) if !matches!(field, "app_secret" | "access_token") => {}
            None | Some(Value::Null) => return Err(ConfigError::Missing { kind, field }),
            Some(Value::String(_)) => return Err(ConfigError::Missing { kind, field }),
            Some(_) => {
                let expected = "a string";
                return Err(ConfigError::Type { field, expected });
            }
        }
    }
    if config.get("mark_read").is_some_and(|v| !v.is_boolean()) {
        let expected = "true or false";
        return Err(ConfigError::Type {
            field: "mark_read",
            expected,
        });
    }
    for field in ["verify_token", "graph_base_url"] {
        if config.get(field).is_some_and(|v| !v.is_string()) {
            let expected = "a string";
            return Err(ConfigError::Type { field, expected });
        }
    }
    if config
        .get("messages_per_second")
        .is_some_and(|v| !v.as_i64().is_some_and(|n| (1..=1000).contains(&n)))
    {
        let expected = "a whole number from 1 to 1000";
        return Err(ConfigError::Type {
            field: "messages_per_second",
            expected,
        });
    }
    let mut config = config;
    for field in WHATSAPP_FIELDS {
        if let Some(Value::Number(n)) = config.get(field) {
            let digits = n.to_string();
            config.insert(field.to_owned(), Value::String(digits));
        }
    }
    Ok((kind, Value::Object(config)))
}

fn text<'a>(config: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    config.get(field).and_then(Value::as_str)
}

fn read(config: &Value, field: &str) -> String {
    config[field].as_str().unwrap_or_default().to_owned()
}

/// An `api` channel's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// Where replies are delivered.
    pub url: String,
    /// The signing secret, sealed.
    pub signing_secret: String,
}

impl ApiConfig {
    /// Reads stored settings (checked when the channel was made); what is missing
    /// reads as empty.
    pub fn read(config: &Value) -> ApiConfig {
        ApiConfig {
            url: read(config, "url"),
            signing_secret: read(config, "signing_secret"),
        }
    }
}

/// How a Meta channel is connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Login {
    /// Through a Facebook Page (Messenger, and Instagram accounts linked to a Page).
    Facebook,
    /// Instagram login: an Instagram account without a Page.
    Instagram,
}

/// A Messenger or Instagram channel's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct MetaConfig {
    /// The Page's id (or the Instagram-login account's).
    pub page_id: String,
    /// The Meta app's id (echoes of Pronto's sends carry it).
    pub app_id: String,
    /// The app secret, sealed.
    pub app_secret: String,
    /// The Page (or Instagram user) access token, sealed.
    pub page_access_token: String,
    /// The token Meta's webhook handshake must present.
    pub verify_token: String,
    /// How the account is connected.
    pub login: Login,
    /// The app has Meta's Human Agent feature for this channel.
    pub human_agent: bool,
    /// Show the customer their messages as seen when an agent opens them.
    pub mark_seen: bool,
    /// A Graph API of its own (a staging Page), instead of the server's.
    pub graph_base_url: Option<String>,
    /// The business's Instagram account, when the config names it.
    pub instagram_account_id: Option<String>,
}

/// Secrets stay out of logs.
impl fmt::Debug for MetaConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetaConfig")
            .field("page_id", &self.page_id)
            .field("app_id", &self.app_id)
            .field("login", &self.login)
            .field("human_agent", &self.human_agent)
            .field("mark_seen", &self.mark_seen)
            .finish_non_exhaustive()
    }
}

/// Secrets stay out of logs.
impl fmt::Debug for ApiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiConfig")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl MetaConfig {
    /// Reads stored settings (checked when the channel was made); what is missing
    /// reads as empty, false or none.
    pub fn read(config: &Value) -> MetaConfig {
        let some = |field: &str| {
            config[field]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        MetaConfig {
            page_id: read(config, "page_id"),
            app_id: read(config, "app_id"),
            app_secret: read(config, "app_secret"),
            page_access_token: read(config, "page_access_token"),
            verify_token: read(config, "verify_token"),
            login: if config["login"] == "instagram" {
                Login::Instagram
            } else {
                Login::Facebook
            },
            human_agent: config["human_agent"].as_bool().unwrap_or(false),
            mark_seen: config["mark_seen"].as_bool().unwrap_or(false),
            graph_base_url: some("graph_base_url"),
            instagram_account_id: some("ig_account_id").or_else(|| some("instagram_account_id")),
        }
    }

    /// The app id as a number, as echoes carry it.
    pub fn app_id_number(&self) -> Option<u64> {
        self.app_id.parse().ok()
    }
}

/// A WhatsApp channel's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct WhatsAppConfig {
    /// The business number's id (`POST /{phone_number_id}/messages`).
    pub phone_number_id: String,
    /// The WhatsApp Business Account's id (its templates).
    pub waba_id: String,
    /// The Meta app's id.
    pub app_id: String,
    /// The app secret, sealed (webhook signatures, `appsecret_proof`).
    pub app_secret: String,
    /// The access token (a system user's), sealed.
    pub access_token: String,
    /// The token Meta's webhook handshake must present.
    pub verify_token: String,
    /// Send read receipts when an agent opens a conversation.
    pub mark_read: bool,
    /// A Graph API of its own, instead of the server's.
    pub graph_base_url: Option<String>,
    /// The number's throughput, the outbox's pace ([`WHATSAPP_THROUGHPUT`] unless set).
    pub messages_per_second: i64,
}

/// Secrets stay out of logs.
impl fmt::Debug for WhatsAppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WhatsAppConfig")
            .field("phone_number_id", &self.phone_number_id)
            .field("waba_id", &self.waba_id)
            .field("app_id", &self.app_id)
            .field("mark_read", &self.mark_read)
            .finish_non_exhaustive()
    }
}

impl WhatsAppConfig {
    /// Reads stored settings (checked when the channel was made); what is missing
    /// reads as empty, false or none.
    pub fn read(config: &Value) -> WhatsAppConfig {
        WhatsAppConfig {
            phone_number_id: read(config, "phone_number_id"),
            waba_id: read(config, "waba_id"),
            app_id: read(config, "app_id"),
            app_secret: read(config, "app_secret"),
            access_token: read(config, "access_token"),
            verify_token: read(config, "verify_token"),
            mark_read: config["mark_read"].as_bool().unwrap_or(false),
            graph_base_url: config["graph_base_url"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            messages_per_second: config["messages_per_second"]
                .as_i64()
                .filter(|n| *n > 0)
                .unwrap_or(WHATSAPP_THROUGHPUT),
        }
    }
}

/// What Meta's webhook endpoint needs of any Meta channel: the app secret (sealed)
/// that signs the deliveries and the handshake's verify token.
pub fn webhook_secrets(kind: ChannelKind, config: &Value) -> (String, String) {
    if kind == ChannelKind::WhatsApp {
        let c = WhatsAppConfig::read(config);
        (c.app_secret, c.verify_token)
    } else {
        let c = MetaConfig::read(config);
        (c.app_secret, c.verify_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_written_once_and_read_back() {
        for kind in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.as_str());
            assert_eq!(serde_json::from_value::<ChannelKind>(json).unwrap(), kind);
        }
        assert_eq!(ChannelKind::parse("fax"), None);
        assert!(serde_json::from_value::<ChannelKind>(json!("fax")).is_err());
    }

    #[test]
    fn new_channels_are_checked_naming_the_field() {
        let err = |kind: &str, config: Value| check_new(kind, config).unwrap_err().to_string();
        assert_eq!(err("api", json!([])), "config must be an object");
        assert_eq!(
            err("fax", json!({})),
            "unknown channel kind \"fax\": use \"api\", \"messenger\", \"instagram\", \"whatsapp\", \"webchat\" or \"email\""
        );
        assert_eq!(
            err("email", json!({})),
            "an email channel needs config.address"
        );
        assert!(err("api", json!({"url": "ftp://x"})).contains("config.url"));
        let meta =
            json!({"page_id": "1", "app_id": "2", "app_secret": "s", "page_access_token": "t"});
        assert!(check_new("messenger", meta.clone()).is_ok());
        let mut bad = meta.clone();
        bad["human_agent"] = json!("yes");
        assert_eq!(
            err("messenger", bad),
            "config.human_agent must be true or false"
        );
        let mut missing = meta.clone();
        missing["app_secret"] = json!("");
        assert_eq!(
            err("instagram", missing),
            "a instagram channel needs config.app_secret (from Meta's app dashboard)"
        );
        assert_eq!(
            err("messenger", json!({"login": "instagram"})),
            ConfigError::Login.to_string()
        );
        let (_, ig) = check_new(
            "instagram",
            json!({"login": "instagram", "app_id": "1", "app_secret": "s", "account_id": "IG", "access_token": "t"}),
        )
        .unwrap();
        let read = MetaConfig::read(&ig);
        assert_eq!(
            (read.page_id.as_str(), read.login),
            ("IG", Login::Instagram)
        );
        assert_eq!(read.page_access_token, "t");
        assert!(!format!("{read:?}").contains("\"t\""));
    }

    #[test]
    fn whatsapp_channels_take_metas_names() {
        let err = |config: Value| check_new("whatsapp", config).unwrap_err().to_string();
        let good = json!({"phone_number_id": "106540352242922", "waba_id": "W", "app_id": "1",
            "app_secret": "s", "access_token": "t"});
        let (kind, stored) = check_new("whatsapp", good.clone()).unwrap();
        assert_eq!(kind, ChannelKind::WhatsApp);
        let read = WhatsAppConfig::read(&stored);
        assert_eq!(read.phone_number_id, "106540352242922");
        assert_eq!((read.access_token.as_str(), read.mark_read), ("t", false));
        assert!(!format!("{read:?}").contains("\"t\""));
        for field in WHATSAPP_FIELDS {
            let mut missing = good.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_eq!(
                err(missing),
                format!("a whatsapp channel needs config.{field} (from Meta's app dashboard)")
            );
        }
        let mut number = good.clone();
        number["waba_id"] = json!(102290129340398u64);
        let (_, stored) = check_new("whatsapp", number).unwrap();
        assert_eq!(stored["waba_id"], "102290129340398");
        let mut bad = good.clone();
        bad["access_token"] = json!(5);
        assert_eq!(err(bad), "config.access_token must be a string");
        let mut bad = good.clone();
        let mut pace = good.clone();
        pace["messages_per_second"] = json!(20);
        assert_eq!(
            WhatsAppConfig::read(&check_new("whatsapp", pace.clone()).unwrap().1)
                .messages_per_second,
            20
        );
        assert_eq!(
            WhatsAppConfig::read(&good).messages_per_second,
            WHATSAPP_THROUGHPUT
        );
        for wrong in [json!(0), json!(1001), json!("80"), json!(2.5)] {
            pace["messages_per_second"] = wrong;
            assert!(check_new("whatsapp", pace.clone()).is_err());
        }
        bad["mark_read"] = json!("yes");
        assert_eq!(err(bad), "config.mark_read must be true or false");
        assert_eq!(
            ChannelKind::WhatsApp.secret_keys(),
            ["app_secret", "access_token"]
        );
        assert!(ChannelKind::WhatsApp.has_meta_webhooks() && !ChannelKind::WhatsApp.is_meta());
        let (secret, _) = webhook_secrets(ChannelKind::WhatsApp, &stored);
        assert_eq!(secret, "s");
    }
}

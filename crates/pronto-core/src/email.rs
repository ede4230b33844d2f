//! An email channel's settings: the support address, the IMAP mailbox Pronto reads
//! and the SMTP submission server it sends through. Checked when the channel is made
//! ([`check_config`], errors naming the field), read typed afterwards
//! ([`EmailConfig::read`]); the two passwords are the channel's secrets.

use std::fmt;

use serde_json::{Map, Value};

use crate::channel::ConfigError;

/// The settings an email channel needs, as the API names them.
pub const FIELDS: [&str; 12] = [
    "address",
    "imap_host",
    "imap_port",
    "imap_tls",
    "imap_user",
    "imap_password",
    "imap_folder",
    "smtp_host",
    "smtp_port",
    "smtp_tls",
    "smtp_user",
    "smtp_password",
];

/// The folder read when none is given.
pub const DEFAULT_FOLDER: &str = "INBOX";

/// How a connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    /// TLS from the first byte (IMAP 993, SMTP 465).
    Implicit,
    /// A plain connection upgraded with STARTTLS (IMAP 143, SMTP 587).
    StartTls,
    /// No TLS: only for a server on the same machine or network.
    None,
}

impl Tls {
    /// The setting's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Tls::Implicit => "implicit",
            Tls::StartTls => "starttls",
            Tls::None => "none",
        }
    }

    /// The value of a setting.
    pub fn parse(text: &str) -> Option<Tls> {
        [Tls::Implicit, Tls::StartTls, Tls::None]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

/// One server: host, port, TLS and the account.
#[derive(Clone, PartialEq, Eq)]
pub struct Server {
    /// Its host name or address.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How the connection is secured.
    pub tls: Tls,
    /// The account's user name (empty: no authentication, SMTP only).
    pub user: String,
    /// The password, sealed.
    pub password: String,
}

/// The password stays out of logs.
impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// An email channel's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailConfig {
    /// The support address: the From of every reply.
    pub address: String,
    /// The mailbox read over IMAP.
    pub imap: Server,
    /// The folder read (`INBOX` by default).
    pub imap_folder: String,
    /// The submission server replies leave through.
    pub smtp: Server,
    /// Mark fetched mail `\Seen` on the server (default: leave it as it was).
    pub mark_seen: bool,
}

impl EmailConfig {
    /// Reads stored settings (checked when the channel was made); what is missing
    /// reads as empty or the defaults.
    pub fn read(config: &Value) -> EmailConfig {
        let text = |k: &str| config[k].as_str().unwrap_or_default().trim().to_owned();
        let server = |prefix: &str| Server {
            host: text(&format!("{prefix}_host")),
            port: port(&config[format!("{prefix}_port")]).unwrap_or(0),
            tls: Tls::parse(&text(&format!("{prefix}_tls"))).unwrap_or(Tls::Implicit),
            user: text(&format!("{prefix}_user")),
            password: config[format!("{prefix}_password")]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        let folder = text("imap_folder");
        EmailConfig {
            address: text("address").to_ascii_lowercase(),
            imap: server("imap"),
            imap_folder: if folder.is_empty() {
                DEFAULT_FOLDER.to_owned()
            } else {
                folder
            },
            smtp: server("smtp"),
            mark_seen: config["mark_seen"].as_bool().unwrap_or(false),
        }
    }

    /// The domain of the address: the right side of the Message-IDs Pronto makes.
    pub fn domain(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or("pronto.invalid", |(_, d)| d)
    }
}

/// Checks a new email channel's settings and returns them as they are stored (ports
/// as numbers, the folder defaulted).
pub fn check_config(mut config: Map<String, Value>) -> Result<Map<String, Value>, ConfigError> {
    let missing = |field: &'static str| ConfigError::EmailMissing { field };
    let string = |config: &Map<String, Value>, field: &'static str| match config.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(ConfigError::Type {
            field,
            expected: "a string",
        }),
    };
    let address = string(&config, "address")?.unwrap_or_default();
    if address.is_empty() {
        return Err(missing("address"));
    }
    if !is_address(&address) {
        return Err(ConfigError::EmailAddress);
    }
    for prefix in ["imap", "smtp"] {
        let [host, port_field, tls, user, password] = match prefix {
            "imap" => [
                "imap_host",
                "imap_port",
                "imap_tls",
                "imap_user",
                "imap_password",
            ],
            _ => [
                "smtp_host",
                "smtp_port",
                "smtp_tls",
                "smtp_user",
                "smtp_password",
            ],
        };
        let h = string(&config, host)?.unwrap_or_default();
        if h.is_empty() || h.contains(char::is_whitespace) || h.contains('/') {
            return Err(missing(host));
        }
        match config.get(port_field) {
            None | Some(Value::Null) => return Err(missing(port_field)),
            Some(v) => match port(v) {
                Some(p) => {
                    config.insert(port_field.to_owned(), Value::from(p));
                }
                None => return Err(ConfigError::Port { field: port_field }),
            },
        }
        match string(&config, tls)? {
            Some(t) if Tls::parse(&t).is_some() => {}
            _ => return Err(ConfigError::TlsMode { field: tls }),
        }
        let u = string(&config, user)?.unwrap_or_default();
        let p = string(&config, password)?.unwrap_or_default();
        // IMAP always signs in; SMTP may be an open relay on the same network.
        if prefix == "imap" && u.is_empty() {
            return Err(missing(user));
        }
        if !u.is_empty() && p.is_empty() {
            return Err(missing(password));
        }
    }
    match string(&config, "imap_folder")? {
        Some(f) if !f.is_empty() => {}
        _ => {
            config.insert("imap_folder".into(), DEFAULT_FOLDER.into());
        }
    }
    if config.get("mark_seen").is_some_and(|v| !v.is_boolean()) {
        return Err(ConfigError::Type {
            field: "mark_seen",
            expected: "true or false",
        });
    }
    Ok(config)
}

/// A port: a number from 1 to 65535, or its digits as a string.
fn port(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|p| *p != 0)
}

/// The shape of an address Pronto sends from: one `@`, a local part and a domain
/// with a dot or `localhost`-like name, no spaces or angle brackets.
pub fn is_address(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !local.contains('@')
        && !text.contains(|c: char| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::check_new;
    use serde_json::json;

    fn good() -> Value {
        json!({"address": "Support@Example.test", "imap_host": "127.0.0.1", "imap_port": 10143,
            "imap_tls": "none", "imap_user": "support@example.test", "imap_password": "secret",
            "smtp_host": "127.0.0.1", "smtp_port": "10025", "smtp_tls": "starttls",
            "smtp_user": "support@example.test", "smtp_password": "secret"})
    }

    #[test]
    fn a_good_config_is_stored_with_numbers_and_defaults() {
        let (kind, stored) = check_new("email", good()).unwrap();
        assert_eq!(kind, crate::channel::ChannelKind::Email);
        assert_eq!(stored["smtp_port"], 10025);
        assert_eq!(stored["imap_folder"], "INBOX");
        let read = EmailConfig::read(&stored);
        assert_eq!(read.address, "support@example.test");
        assert_eq!(read.domain(), "example.test");
        assert_eq!((read.imap.tls, read.smtp.tls), (Tls::None, Tls::StartTls));
        assert!(!read.mark_seen);
        assert!(!format!("{read:?}").contains("secret\""));
    }

    #[test]
    fn errors_name_the_field() {
        let err = |f: &dyn Fn(&mut Value)| {
            let mut c = good();
            f(&mut c);
            check_new("email", c).unwrap_err().to_string()
        };
        for field in [
            "address",
            "imap_host",
            "imap_port",
            "imap_user",
            "smtp_host",
        ] {
            let e = err(&|c| {
                c.as_object_mut().unwrap().remove(field);
            });
            assert!(e.contains(&format!("config.{field}")), "{field}: {e}");
        }
        let e = err(&|c| c["imap_password"] = json!(""));
        assert!(e.contains("config.imap_password"), "{e}");
        let e = err(&|c| c["smtp_port"] = json!(70000));
        assert!(
            e.contains("config.smtp_port") && e.contains("1 to 65535"),
            "{e}"
        );
        let e = err(&|c| c["imap_tls"] = json!("ssl"));
        assert!(
            e.contains("implicit") && e.contains("config.imap_tls"),
            "{e}"
        );
        let e = err(&|c| c["address"] = json!("not an address"));
        assert!(e.contains("config.address"), "{e}");
        let e = err(&|c| c["mark_seen"] = json!("yes"));
        assert_eq!(e, "config.mark_seen must be true or false");
        // SMTP without an account is allowed (a relay that trusts the network).
        let mut open = good();
        open["smtp_user"] = json!("");
        open["smtp_password"] = json!("");
        assert!(check_new("email", open).is_ok());
    }
}

//! Configuration, layered: defaults, then `pronto.toml`, then `PRONTO_*` environment
//! variables, then command-line flags (applied by the binary).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde::Deserialize;

/// Pronto's settings.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where to listen for the API and the web UI.
    pub listen: SocketAddr,
    /// The database: `sqlite://FILE` or `postgres://...`; empty: SQLite in `data_dir`.
    pub database_url: String,
    /// Where the embedded SQLite database lives.
    pub data_dir: PathBuf,
    /// The address people and Meta reach Pronto at (for links and callback URLs);
    /// empty: `http://` plus `listen`.
    pub public_url: String,
    /// Where to serve Prometheus metrics (a separate listener); empty: off.
    pub metrics_listen: String,
    /// How long a sign-in lasts, in hours.
    pub session_hours: u32,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Failed sign-ins allowed per account from one address in 15 minutes (an
    /// address may fail three times as often across all accounts).
    pub login_attempts: u32,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the
    /// client; empty: the header is ignored and the TCP peer is the client.
    #[serde(deserialize_with = "proxies")]
    pub trusted_proxies: Vec<IpNet>,
    /// Meta's Graph API, with its version (tests and staging point it elsewhere).
    pub graph_base_url: String,
    /// The Instagram Platform API (Instagram-login accounts), with its version.
    pub instagram_base_url: String,
    /// The key that encrypts channel secrets at rest (64 hex characters); empty: one
    /// is made and kept in `data_dir/secret.key`.
    pub secret_key: String,
    /// Days that processed webhook bodies and live events are kept; 0: forever.
    /// Expired sessions are deleted whatever this says.
    pub retention_days: u32,
    /// Whether outgoing webhooks, rules' `call_webhook` and api channels may call
    /// loopback, private, link-local and multicast addresses.
    pub allow_private_webhook_urls: bool,
    /// Whether email channels may reach IMAP and SMTP servers at loopback, private,
    /// link-local and multicast addresses (a mail server on the same machine or
    /// network).
    pub allow_private_mail_servers: bool,
    /// A PEM file of certificates email channels trust beside the system's (a mail
    /// server with a self-signed certificate); empty: the system's only.
    pub mail_tls_roots: PathBuf,
    /// Seconds a client has to send a request's headers (and, on HTTP/1, that a
    /// kept-alive connection may wait for its next request).
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's whole body after its headers.
    pub body_timeout_secs: u64,
    /// Seconds a connection may go without reading or writing a byte.
    pub idle_timeout_secs: u64,
    /// Connections open at once; more wait until one closes.
    pub max_connections: usize,
    /// Live event streams (`/api/v1/events`) open at once; more are refused.
    pub max_event_streams: usize,
    /// The folder of Pronto's file store (files customers send); empty: `files` in
    /// `data_dir`.
    pub files_dir: PathBuf,
    /// An S3-compatible bucket for the file store instead of the folder (several
    /// nodes); empty: the folder.
    pub s3_bucket: String,
    /// The S3-compatible storage's address (`https://s3.eu-west-1.amazonaws.com`).
    pub s3_endpoint: String,
    /// The bucket's region.
    pub s3_region: String,
    /// The access key's id.
    pub s3_access_key: String,
    /// The secret access key (never shown).
    pub s3_secret_key: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: String::new(),
            data_dir: PathBuf::from("pronto-data"),
            public_url: String::new(),
            metrics_listen: String::new(),
            session_hours: 24 * 14,
            max_body_bytes: 1 << 20,
            login_attempts: 10,
            trusted_proxies: Vec::new(),
            graph_base_url: "https://graph.facebook.com/v25.0".to_owned(),
            instagram_base_url: "https://graph.instagram.com/v25.0".to_owned(),
            secret_key: String::new(),
            retention_days: 90,
            allow_private_webhook_urls: false,
            allow_private_mail_servers: false,
            mail_tls_roots: PathBuf::new(),
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            idle_timeout_secs: 60,
            max_connections: 512,
            max_event_streams: 256,
            files_dir: PathBuf::new(),
            s3_bucket: String::new(),
            s3_endpoint: String::new(),
            s3_region: "us-east-1".to_owned(),
            s3_access_key: String::new(),
            s3_secret_key: String::new(),
        }
    }
}

/// The database URL is secret (it may hold a password): `Debug` hides it.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field("metrics_listen", &self.metrics_listen)
            .field("session_hours", &self.session_hours)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("login_attempts", &self.login_attempts)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("graph_base_url", &self.graph_base_url)
            .field("instagram_base_url", &self.instagram_base_url)
            .field(
                "secret_key",
                &if self.secret_key.is_empty() {
                    ""
                } else {
                    "***"
                },
            )
            .field("retention_days", &self.retention_days)
            .field(
                "allow_private_webhook_urls",
                &self.allow_private_webhook_urls,
            )
            .field(
                "allow_private_mail_servers",
                &self.allow_private_mail_servers,
            )
            .field("mail_tls_roots", &self.mail_tls_roots)
            .field("header_timeout_secs", &self.header_timeout_secs)
            .field("body_timeout_secs", &self.body_timeout_secs)
            .field("idle_timeout_secs", &self.idle_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field("max_event_streams", &self.max_event_streams)
            .field("files_dir", &self.files_dir)
            .field("s3_bucket", &self.s3_bucket)
            .field("s3_endpoint", &self.s3_endpoint)
            .field("s3_region", &self.s3_region)
            .field("s3_access_key", &self.s3_access_key)
            .field(
                "s3_secret_key",
                &if self.s3_secret_key.is_empty() {
                    ""
                } else {
                    "***"
                },
            )
            .finish()
    }
}

/// A trusted proxy: an address (`10.0.0.2`, `::1`) or a range (`10.0.0.0/8`).
pub fn parse_proxy(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or CIDR range"))
}

fn proxies<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|t| parse_proxy(t).map_err(serde::de::Error::custom))
        .collect()
}

/// A URL with its password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A configuration problem, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the key.
        message: String,
    },
    /// An environment variable is not valid.
    #[error("{name}: {message}")]
    Env {
        /// The variable.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// Settings that do not go together.
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then `file` if it exists (or if it was named explicitly), then the
    /// environment.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => Config::from_file(path)?,
            None if Path::new("pronto.toml").exists() => {
                Config::from_file(Path::new("pronto.toml"))?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.file_store().map_err(ConfigError::Invalid)?;
        Ok(config)
    }

    /// The S3 bucket the file store uses, when `s3_bucket` is set (with the other
    /// `s3_*` settings it needs), or `None` for the folder.
    pub fn file_store(&self) -> Result<Option<crate::files::s3::S3Settings>, String> {
        if self.s3_bucket.is_empty() {
            return Ok(None);
        }
        for (key, value) in [
            ("s3_endpoint", &self.s3_endpoint),
            ("s3_region", &self.s3_region),
            ("s3_access_key", &self.s3_access_key),
            ("s3_secret_key", &self.s3_secret_key),
        ] {
            if value.is_empty() {
                return Err(format!("s3_bucket is set, so {key} is needed too"));
            }
        }
        if !(self.s3_endpoint.starts_with("https://") || self.s3_endpoint.starts_with("http://")) {
            return Err(format!(
                "s3_endpoint {:?} must be an http(s) address",
                self.s3_endpoint
            ));
        }
        Ok(Some(crate::files::s3::S3Settings {
            endpoint: self.s3_endpoint.clone(),
            bucket: self.s3_bucket.clone(),
            region: self.s3_region.clone(),
            access_key: self.s3_access_key.clone(),
            secret_key: self.s3_secret_key.clone(),
        }))
    }

    fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::File {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Applies `PRONTO_LISTEN`, `PRONTO_DATABASE_URL` and the others.
    pub fn apply_env(
        &mut self,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), ConfigError> {
        for (name, value) in env {
            let Some(key) = name.strip_prefix("PRONTO_") else {
                continue;
            };
            let bad = |message: String| ConfigError::Env {
                name: name.clone(),
                message,
            };
            match key {
                "LISTEN" => {
                    self.listen = value
                        .parse()
                        .map_err(|e| bad(format!("{e}: expected HOST:PORT")))?
                }
                "DATABASE_URL" => self.database_url = value,
                "DATA_DIR" => self.data_dir = PathBuf::from(value),
                "PUBLIC_URL" => self.public_url = value,
                "METRICS_LISTEN" => self.metrics_listen = value,
                "SESSION_HOURS" => {
                    self.session_hours = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "MAX_BODY_BYTES" => {
                    self.max_body_bytes = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "LOGIN_ATTEMPTS" => {
                    self.login_attempts = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "TRUSTED_PROXIES" => {
                    self.trusted_proxies = value
                        .split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(parse_proxy)
                        .collect::<Result<_, _>>()
                        .map_err(bad)?
                }
                "GRAPH_BASE_URL" => self.graph_base_url = value,
                "INSTAGRAM_BASE_URL" => self.instagram_base_url = value,
                "SECRET_KEY" => self.secret_key = value,
                "RETENTION_DAYS" => {
                    self.retention_days = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "ALLOW_PRIVATE_WEBHOOK_URLS" => {
                    self.allow_private_webhook_urls = value
                        .parse()
                        .map_err(|e| bad(format!("{e}: expected true or false")))?
                }
                "ALLOW_PRIVATE_MAIL_SERVERS" => {
                    self.allow_private_mail_servers = value
                        .parse()
                        .map_err(|e| bad(format!("{e}: expected true or false")))?
                }
                "MAIL_TLS_ROOTS" => self.mail_tls_roots = PathBuf::from(value),
                "HEADER_TIMEOUT_SECS" => {
                    self.header_timeout_secs = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "BODY_TIMEOUT_SECS" => {
                    self.body_timeout_secs = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "IDLE_TIMEOUT_SECS" => {
                    self.idle_timeout_secs = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "MAX_CONNECTIONS" => {
                    self.max_connections = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "MAX_EVENT_STREAMS" => {
                    self.max_event_streams = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "FILES_DIR" => self.files_dir = PathBuf::from(value),
                "S3_BUCKET" => self.s3_bucket = value,
                "S3_ENDPOINT" => self.s3_endpoint = value,
                "S3_REGION" => self.s3_region = value,
                "S3_ACCESS_KEY" => self.s3_access_key = value,
                "S3_SECRET_KEY" => self.s3_secret_key = value,
                // Variables for other parts (tests, tools) are not ours to refuse.
                _ => {}
            }
        }
        Ok(())
    }

    /// The file store's folder: the configured one, or `files` in `data_dir`.
    pub fn files(&self) -> PathBuf {
        if self.files_dir.as_os_str().is_empty() {
            self.data_dir.join("files")
        } else {
            self.files_dir.clone()
        }
    }

    /// The database URL to use: the configured one, or the SQLite file in `data_dir`.
    pub fn database(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("pronto.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The public base URL, without a trailing slash.
    pub fn base_url(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.listen)
        } else {
            self.public_url.trim_end_matches('/').to_owned()
        }
    }
}

/// The commented template that `pronto config default` prints.
pub const TEMPLATE: &str = r#"# pronto.toml: Pronto's settings. Every key is optional; the values shown are the
# defaults. Each key can also be set with an environment variable (PRONTO_ and the
# key in capitals, such as PRONTO_DATABASE_URL) or a flag of `pronto serve`, which
# win over this file.

# Where to listen for the API and the web inbox.
listen = "127.0.0.1:8080"

# The database. Empty: an embedded SQLite file in data_dir. For several Pronto nodes,
# PostgreSQL: "postgres://USER:PASSWORD@HOST:5432/DATABASE".
database_url = ""

# Where the embedded SQLite database lives.
data_dir = "pronto-data"

# The address people and Meta reach Pronto at, for links and webhook callback URLs.
# Empty: http:// plus listen.
public_url = ""

# Where to serve Prometheus metrics, on a listener of its own ("127.0.0.1:9090").
# Empty: off.
metrics_listen = ""

# How long a sign-in lasts, in hours.
session_hours = 336

# The largest request body accepted, in bytes.
max_body_bytes = 1048576

# Failed sign-ins allowed in 15 minutes per account from one address; one address
# may fail three times as many across all accounts. Failures from one address never
# stop the account's owner signing in from another.
login_attempts = 10

# Reverse proxies in front of Pronto, as addresses or CIDR ranges, such as
# ["127.0.0.1", "10.0.0.0/8"]. Only requests from these have their X-Forwarded-For
# read for the client's address (the right-most entry that is not a listed proxy);
# from anyone else the header is ignored. Empty: the TCP peer is the client.
# PRONTO_TRUSTED_PROXIES takes a comma-separated list.
trusted_proxies = []

# Meta's Graph API, with its version. Point it at `pronto sandbox` or a test server
# to try Pronto without a real Page.
graph_base_url = "https://graph.facebook.com/v25.0"

# The Instagram Platform API, for Instagram accounts connected with Instagram
# login (no Facebook Page).
instagram_base_url = "https://graph.instagram.com/v25.0"

# The key that encrypts channel secrets (Meta app secrets, Page tokens) in the
# database: 64 hexadecimal characters. Empty: one is made on first use and kept in
# data_dir/secret.key. Several nodes on one PostgreSQL need the same key.
secret_key = ""

# Days to keep processed webhook bodies and live events (the log that event streams
# resume from and outgoing webhooks follow); 0 keeps them forever. Messages, notes
# and the history behind the responsiveness figures are never deleted. Expired
# sign-ins are deleted in any case.
retention_days = 90

# Whether outgoing webhooks, rules' call_webhook and api channels may call
# loopback, private, link-local (cloud metadata) and multicast addresses. Off, such
# URLs are refused when saved and when connecting; redirects are never followed.
allow_private_webhook_urls = false

# Whether email channels may reach IMAP and SMTP servers at loopback, private,
# link-local and multicast addresses (a mail server on the same machine or
# network). Off, such hosts are refused when a channel is made and when connecting.
allow_private_mail_servers = false

# A PEM file of certificates email channels trust beside the system's authorities,
# for a mail server with its own (self-signed) certificate. Host names are checked
# all the same. Empty: the system's authorities only.
mail_tls_roots = ""

# Seconds a client has to send a request's headers; on HTTP/1 also how long a
# kept-alive connection may wait for its next request.
header_timeout_secs = 10

# Seconds a client has to send a request's whole body after its headers (408
# body_timeout after that).
body_timeout_secs = 30

# Seconds a connection may go without reading or writing a byte. Live event
# streams send a keep-alive every 15 seconds, so they stay open.
idle_timeout_secs = 60

# Connections open at once; more wait (in the system's backlog) until one closes.
# Keep it well under the process's open-file limit (ulimit -n).
max_connections = 512

# Live event streams (/api/v1/events, one per open inbox tab) open at once; more
# are refused with 503.
max_event_streams = 256

# The folder where Pronto keeps the files customers send (copied from the
# platforms, whose links expire) and agents upload. Empty: "files" in data_dir.
# Several nodes need a folder they all see, or the S3-compatible bucket below.
files_dir = ""

# An S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, R2...) for those files
# instead of the folder: set s3_bucket (it must exist) with the storage's address
# and an access key allowed to put and get objects in it. Empty: the folder.
s3_bucket = ""
s3_endpoint = ""
s3_region = "us-east-1"
s3_access_key = ""
s3_secret_key = ""
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_the_defaults() {
        let parsed: Config = toml::from_str(TEMPLATE).unwrap();
        let d = Config::default();
        assert_eq!(format!("{parsed:?}"), format!("{d:?}"));
    }

    #[test]
    fn layers_apply_in_order_and_errors_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pronto.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\nsession_hours = 1\n").unwrap();
        let c = Config::load(
            Some(&file),
            [("PRONTO_SESSION_HOURS".to_owned(), "2".to_owned())],
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.session_hours, 2);
        std::fs::write(&file, "listne = \"x\"\n").unwrap();
        let err = Config::load(Some(&file), []).unwrap_err().to_string();
        assert!(err.contains("listne"), "{err}");
        let err = Config::load(None, [("PRONTO_LISTEN".to_owned(), "nope".to_owned())])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("PRONTO_LISTEN"), "{err}");
        let c = Config::load(
            None,
            [(
                "PRONTO_TRUSTED_PROXIES".to_owned(),
                "10.0.0.0/8, ::1".to_owned(),
            )],
        )
        .unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert!(c.trusted_proxies[1].contains(&"::1".parse::<IpAddr>().unwrap()));
        std::fs::write(&file, "trusted_proxies = [\"10.0.0.300\"]\n").unwrap();
        let err = Config::load(Some(&file), []).unwrap_err().to_string();
        assert!(err.contains("10.0.0.300"), "{err}");
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let c = Config {
            database_url: "postgres://pronto:hunter2@db:5432/pronto".into(),
            ..Config::default()
        };
        let c = Config {
            secret_key: "ab".repeat(32),
            ..c
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("abab"), "{shown}");
        assert!(shown.contains("pronto:***@db"), "{shown}");
    }
}

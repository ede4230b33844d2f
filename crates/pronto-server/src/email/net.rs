//! How Pronto reaches an email channel's servers, for IMAP and SMTP alike.
//!
//! Addresses: the hosts an admin types in are resolved, and a loopback, private,
//! link-local or multicast address (`outgoing::allowed`) is refused unless the
//! server's `allow_private_mail_servers` is on: when the channel is made
//! ([`check_hosts`], naming the field) and again at every connection
//! ([`Reach::addresses`]), which then dials only the addresses it checked (a
//! name that changes its answer cannot slip by).
//!
//! TLS: the system's certificate authorities, and the certificates in the file
//! `mail_tls_roots` names if any (a mail server with its own, self-signed
//! certificate; the tests trust the local server's this way). Host names are
//! always checked; nothing is ever accepted unverified.

use std::net::SocketAddr;
use std::path::PathBuf;

use lettre::transport::smtp::client::{Certificate, TlsParameters};
use pronto_core::email::EmailConfig;

use crate::config::Config;

/// The setting that lets channels reach private addresses, as errors name it.
pub const ALLOW_SETTING: &str = "allow_private_mail_servers";

/// What the server's settings say about reaching mail servers.
#[derive(Clone, Debug, Default)]
pub struct Reach {
    /// Private addresses are allowed (`allow_private_mail_servers`).
    pub allow_private: bool,
    /// A PEM file of certificates trusted beside the system's (`mail_tls_roots`).
    pub roots: Option<PathBuf>,
}

impl Reach {
    /// The settings of `config`.
    pub fn of(config: &Config) -> Reach {
        Reach {
            allow_private: config.allow_private_mail_servers,
            roots: (!config.mail_tls_roots.as_os_str().is_empty())
                .then(|| config.mail_tls_roots.clone()),
        }
    }

    /// The addresses of `host` that may be dialled; an error names `what` (the
    /// server, or the field) and the refused address.
    pub async fn addresses(
        &self,
        what: &str,
        host: &str,
        port: u16,
    ) -> Result<Vec<SocketAddr>, String> {
        let found: Vec<SocketAddr> = tokio::time::timeout(
            crate::email::imap::STEP_TIMEOUT,
            tokio::net::lookup_host((host, port)),
        )
        .await
        .map_err(|_| format!("{what}: looking {host} up took too long"))?
        .map_err(|e| format!("{what}: {host} could not be looked up: {e}"))?
        .collect();
        if self.allow_private {
            return Ok(found);
        }
        match found.iter().find(|a| !crate::outgoing::allowed(a.ip())) {
            Some(refused) => Err(refused_text(what, host, refused)),
            None if found.is_empty() => Err(format!("{what}: {host} has no address")),
            None => Ok(found),
        }
    }

    /// The certificates of `mail_tls_roots`, as PEM blocks (none without it).
    async fn root_pems(&self) -> Result<Vec<String>, String> {
        let Some(path) = &self.roots else {
            return Ok(Vec::new());
        };
        let text = tokio::fs::read_to_string(path)
            .await
            .map_err(|e| format!("mail_tls_roots ({}) could not be read: {e}", path.display()))?;
        let pems = pem_blocks(&text);
        if pems.is_empty() {
            return Err(format!(
                "mail_tls_roots ({}) holds no PEM certificate",
                path.display()
            ));
        }
        Ok(pems)
    }

    /// A TLS connector for IMAP: the system's roots and `mail_tls_roots`'.
    pub async fn tls_connector(&self) -> Result<tokio_native_tls::TlsConnector, String> {
        let mut builder = tokio_native_tls::native_tls::TlsConnector::builder();
        for pem in self.root_pems().await? {
            let cert = tokio_native_tls::native_tls::Certificate::from_pem(pem.as_bytes())
                .map_err(|e| format!("mail_tls_roots: a certificate could not be read: {e}"))?;
            builder.add_root_certificate(cert);
        }
        let connector = builder.build().map_err(|e| format!("TLS: {e}"))?;
        Ok(tokio_native_tls::TlsConnector::from(connector))
    }

    /// The TLS parameters of an SMTP connection to `host`: the same roots.
    pub async fn smtp_tls(&self, host: &str) -> Result<TlsParameters, String> {
        let mut builder = TlsParameters::builder(host.to_owned());
        for pem in self.root_pems().await? {
            let cert = Certificate::from_pem(pem.as_bytes())
                .map_err(|e| format!("mail_tls_roots: a certificate could not be read: {e}"))?;
            builder = builder.add_root_certificate(cert);
        }
        builder.build().map_err(|e| format!("TLS: {e}"))
    }
}

/// Checks a new channel's two hosts: one that resolves to an address that may not
/// be reached is refused, naming its field. A name that does not resolve now is
/// left to the connection (and "test connection") to report.
pub async fn check_hosts(reach: &Reach, config: &EmailConfig) -> Result<(), String> {
    if reach.allow_private {
        return Ok(());
    }
    for (field, server) in [
        ("config.imap_host", &config.imap),
        ("config.smtp_host", &config.smtp),
    ] {
        let Ok(found) = tokio::net::lookup_host((server.host.as_str(), server.port)).await else {
            continue;
        };
        if let Some(refused) = found
            .into_iter()
            .find(|a| !crate::outgoing::allowed(a.ip()))
        {
            return Err(refused_text(field, &server.host, &refused));
        }
    }
    Ok(())
}

/// What a failed TLS handshake with `host` says: the library's reason, and
/// [`certificate_hint`].
pub fn tls_failure(what: &str, host: &str, e: &dyn std::fmt::Display) -> String {
    let reason = e.to_string();
    format!(
        "the TLS handshake with {what} {host} failed: {reason}{}",
        certificate_hint(&reason)
    )
}

/// When an error says a certificate could not be verified: how to trust a
/// server's own (else nothing).
pub fn certificate_hint(reason: &str) -> &'static str {
    if reason.to_ascii_lowercase().contains("certificate") {
        "; its certificate could not be verified for this host name (a server with its own \
         certificate can be trusted by adding it to the setting mail_tls_roots)"
    } else {
        ""
    }
}

fn refused_text(what: &str, host: &str, refused: &SocketAddr) -> String {
    format!(
        "{what}: {host} resolves to {}, a loopback, private, link-local or multicast address; \
         an admin can allow those with the setting {ALLOW_SETTING}",
        refused.ip()
    )
}

/// The `CERTIFICATE` blocks of a PEM text, each with its markers.
fn pem_blocks(text: &str) -> Vec<String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let Some(len) = rest[start..].find(END) else {
            break;
        };
        let end = start + len + END.len();
        out.push(rest[start..end].to_owned());
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_are_split_and_other_blocks_skipped() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\
                    -----BEGIN PRIVATE KEY-----\nKKK\n-----END PRIVATE KEY-----\n\
                    -----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----";
        let blocks = pem_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].contains("AAA") && blocks[1].contains("BBB"));
        assert!(pem_blocks("-----BEGIN CERTIFICATE-----\nno end").is_empty());
    }
}

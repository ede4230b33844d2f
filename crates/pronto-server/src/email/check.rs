//! "Test connection": signs in to the channel's IMAP server and selects its folder,
//! and connects (with TLS and AUTH as set) to its SMTP server, saying for each
//! exactly what failed. Passwords are opened here and never written out.

use pronto_core::email::EmailConfig;
use serde::Serialize;

use crate::email::net::{self, Reach};
use crate::email::{imap, send};
use crate::state::AppState;

/// One server's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verdict {
    /// Whether it worked.
    pub ok: bool,
    /// What failed, when it did.
    pub error: Option<String>,
    /// What the folder holds (IMAP), when it worked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<u32>,
}

/// Both servers' verdicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// Sign-in and folder.
    pub imap: Verdict,
    /// Connection, TLS and AUTH.
    pub smtp: Verdict,
}

/// Tries both servers of `config` (its passwords sealed).
pub async fn run(state: &AppState, config: &EmailConfig) -> Report {
    let reach = Reach::of(&state.config);
    let imap = match state.open_secret(&config.imap.password) {
        Err(e) => failed(format!("the IMAP password could not be opened: {e}")),
        Ok(password) => match imap::open(&reach, config, &password).await {
            Ok((session, folder)) => {
                imap::close(session).await;
                Verdict {
                    ok: true,
                    error: None,
                    messages: Some(folder.exists),
                }
            }
            Err(e) => failed(e),
        },
    };
    let smtp = match send::open_password(state, &config.smtp.user, &config.smtp.password) {
        Err(e) => failed(e),
        Ok(password) => match send::transport(&reach, config, &password).await {
            Err(e) => failed(e),
            Ok(transport) => match transport.test_connection().await {
                Ok(true) => Verdict {
                    ok: true,
                    error: None,
                    messages: None,
                },
                Ok(false) => failed("the SMTP server did not answer NOOP".to_owned()),
                Err(e) => failed(format!(
                    "SMTP {}:{}: {e}{}",
                    config.smtp.host,
                    config.smtp.port,
                    net::certificate_hint(&e.to_string())
                )),
            },
        },
    };
    Report { imap, smtp }
}

fn failed(error: String) -> Verdict {
    Verdict {
        ok: false,
        error: Some(error),
        messages: None,
    }
}

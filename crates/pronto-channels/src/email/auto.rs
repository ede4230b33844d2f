//! Mail that a robot sent: auto-replies and out-of-office notices, mailing lists and
//! bulk mail, and bounces (delivery status notifications). Such mail is kept like
//! any other, but never gets an automated answer; a bounce also says which of
//! Pronto's messages failed. The signals are the reference's (§7.1, §7.2):
//! `Auto-Submitted`, `X-Autoreply`, `X-Autorespond`, `X-Auto-Response-Suppress`,
//! `Precedence`, `X-Loop`, `List-Id`, an empty Return-Path, `multipart/report`.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

/// Who sent a mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Automated {
    /// A person, as far as the headers tell.
    No,
    /// An automatic answer (auto-reply, out of office, vacation).
    AutoReply,
    /// A mailing list or bulk mail.
    Bulk,
    /// A delivery failure report.
    Bounce(Bounce),
}

impl Automated {
    /// Whether a robot sent it (no automated answer goes back).
    pub fn is_automated(&self) -> bool {
        *self != Automated::No
    }

    /// Its name, as stored.
    pub fn as_str(&self) -> &'static str {
        match self {
            Automated::No => "no",
            Automated::AutoReply => "auto_reply",
            Automated::Bulk => "bulk",
            Automated::Bounce(_) => "bounce",
        }
    }
}

/// What a delivery failure report says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bounce {
    /// The Message-ID of the mail that failed, when the report carries it.
    pub original_id: Option<String>,
    /// The recipient that failed.
    pub recipient: Option<String>,
    /// `failed`, `delayed`...
    pub action: Option<String>,
    /// The enhanced status code (`5.1.1`).
    pub status: Option<String>,
    /// The remote server's answer.
    pub diagnostic: Option<String>,
}

impl Bounce {
    /// Whether the report says delivery failed for good (not a delay).
    pub fn is_permanent(&self) -> bool {
        match (&self.action, &self.status) {
            (Some(a), _) if a.eq_ignore_ascii_case("delayed") => false,
            (_, Some(s)) => s.starts_with('5'),
            (Some(a), None) => a.eq_ignore_ascii_case("failed"),
            (None, None) => true,
        }
    }

    /// The reason, in a sentence for the message's failure.
    pub fn reason(&self) -> String {
        let mut reason = String::from("the recipient's server returned the mail");
        if let Some(r) = &self.recipient {
            reason.push_str(&format!(" for {r}"));
        }
        if let Some(s) = &self.status {
            reason.push_str(&format!(" ({s})"));
        }
        if let Some(d) = &self.diagnostic {
            reason.push_str(&format!(": {d}"));
        }
        reason
    }
}

/// Reads the headers and structure of a mail.
pub fn classify(message: &Message<'_>) -> Automated {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    let is_report = message.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let daemon = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .is_some_and(|a| {
            let local = a.split('@').next().unwrap_or_default().to_ascii_lowercase();
            local == "mailer-daemon" || local == "postmaster"
        });
    let null_sender = header("return-path").is_some_and(|r| r == "<>" || r.is_empty());
    if is_report || (daemon && null_sender) {
        return Automated::Bounce(read_report(message));
    }
    if header("auto-submitted").is_some_and(|v| !v.starts_with("no"))
        || ["x-autoreply", "x-autorespond", "x-autoresponder"]
            .iter()
            .any(|h| header(h).is_some())
        || header("x-auto-response-suppress")
            .is_some_and(|v| v.contains("all") || v.contains("oof"))
        || null_sender
        || daemon
    {
        return Automated::AutoReply;
    }
    let bulk = |v: Option<String>| {
        v.is_some_and(|v| ["bulk", "list", "junk", "auto_reply"].contains(&v.as_str()))
    };
    if bulk(header("precedence"))
        || bulk(header("x-precedence"))
        || header("x-loop").is_some()
        || header("list-id").is_some()
        || header("list-unsubscribe").is_some()
    {
        return Automated::Bulk;
    }
    Automated::No
}

/// The report's recipient, status and answer, and the failed mail's id.
fn read_report(message: &Message<'_>) -> Bounce {
    let mut bounce = Bounce::default();
    for part in &message.parts {
        let ctype = part
            .content_type()
            .map(|c| {
                format!(
                    "{}/{}",
                    c.ctype().to_ascii_lowercase(),
                    c.subtype().unwrap_or_default().to_ascii_lowercase()
                )
            })
            .unwrap_or_default();
        match (&part.body, ctype.as_str()) {
            (_, "message/delivery-status" | "message/global-delivery-status") => {
                let text = String::from_utf8_lossy(part.contents()).into_owned();
                read_status(&text, &mut bounce);
            }
            (PartType::Message(original), _) if bounce.original_id.is_none() => {
                bounce.original_id = original.message_id().map(str::to_owned);
            }
            (_, "text/rfc822-headers") => {
                let mut headers = part.contents().to_vec();
                headers.extend_from_slice(b"\r\n\r\n");
                if let Some(original) = MessageParser::default().parse(&headers)
                    && bounce.original_id.is_none()
                {
                    bounce.original_id = original.message_id().map(str::to_owned);
                }
            }
            _ => {}
        }
    }
    bounce
}

/// `Final-Recipient`, `Action`, `Status` and `Diagnostic-Code` of the first
/// recipient (continuation lines joined).
fn read_status(text: &str, bounce: &mut Bounce) {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = fields.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            fields.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let after_type = |v: &str| {
        v.split_once(';')
            .map_or(v, |(_, rest)| rest)
            .trim()
            .to_owned()
    };
    for (k, v) in fields {
        let slot = match k.as_str() {
            "final-recipient" | "original-recipient" => &mut bounce.recipient,
            "action" => &mut bounce.action,
            "status" => &mut bounce.status,
            "diagnostic-code" => &mut bounce.diagnostic,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(match k.as_str() {
                "final-recipient" | "original-recipient" | "diagnostic-code" => after_type(&v),
                _ => v,
            });
        }
    }
}

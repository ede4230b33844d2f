//! The outbox's sender for email channels: a reply as a real email (text and HTML
//! parts; From the channel's address; a Message-ID Pronto makes, the same on every
//! attempt of one message; In-Reply-To and References of the customer's latest
//! mail; `Re:` their subject unless the agent gave one; on automated replies the
//! headers RFC 3834 asks for) sent over SMTP submission with lettre. The server's
//! refusal is the failure's reason: 4xx and connection failures are retried by the
//! outbox, 5xx fail the message.

use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::Tls;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as Mail, Tokio1Executor};
use pronto_channels::email::thread;
use pronto_core::email::{EmailConfig, Tls as Mode};
use pronto_store::{Channel, EmailHeaders, MessageAuthor, OutboxJob};
use sha2::{Digest, Sha256};

use crate::delivery::Failure;
use crate::email::net::Reach;
use crate::state::AppState;

/// How long connecting and each SMTP command may take.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What a reply's mail is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The channel's address.
    pub from: String,
    /// The business's name shown beside it.
    pub from_name: String,
    /// The customer's address.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// Its Message-ID, without brackets.
    pub message_id: String,
    /// The mail it answers, without brackets.
    pub in_reply_to: Option<String>,
    /// The thread's ids, oldest first.
    pub references: Vec<String>,
    /// The text.
    pub text: String,
    /// An automated reply (instant reply, away message): marked as one.
    pub automated: bool,
    /// Files the agent attached.
    pub files: Vec<OutgoingFile>,
}

/// A file a reply carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingFile {
    /// Its name.
    pub name: String,
    /// Its MIME type.
    pub mime_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Sends the job's message; its Message-ID, which becomes the message's id on the
/// channel (threading finds the customer's answers by it).
pub async fn send(state: &AppState, channel: &Channel, job: &OutboxJob) -> Result<String, Failure> {
    let config = channel.email_config();
    let store = |e: pronto_store::StoreError| Failure::Retry(format!("the database failed: {e}"));
    let (to, parent) = state
        .store
        .email_reply_context(job.message.conversation_id)
        .await
        .map_err(store)?;
    let subject = match state
        .store
        .message_subject(job.message.id)
        .await
        .map_err(store)?
    {
        Some(s) => s,
        None => parent
            .as_ref()
            .map(|p| thread::reply_subject(&p.subject))
            .unwrap_or_else(|| format!("Message from {}", channel.name)),
    };
    let outgoing = Outgoing {
        from: config.address.clone(),
        from_name: channel.name.clone(),
        to,
        subject,
        message_id: message_id(state, channel, job.message.id)?,
        in_reply_to: parent.as_ref().map(|p| p.rfc_id.clone()),
        references: parent
            .as_ref()
            .map(|p| thread::references(&p.references, &p.rfc_id))
            .unwrap_or_default(),
        text: job.message.text.clone(),
        automated: job.message.author == MessageAuthor::Automation,
        files: files(state, job).await?,
    };
    deliver(state, channel, outgoing).await
}

/// The files a reply names (`upload_id`, checked for the channel when the reply
/// was written), read from the file store.
async fn files(state: &AppState, job: &OutboxJob) -> Result<Vec<OutgoingFile>, Failure> {
    let mut out = Vec::new();
    let items = job.message.attachments.as_array().map(Vec::as_slice);
    for id in items
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a["upload_id"].as_i64())
    {
        let upload = state
            .store
            .upload(job.workspace_id, id)
            .await
            .map_err(|e| Failure::Retry(format!("the database failed: {e}")))?
            .ok_or_else(|| Failure::Final(format!("the attached file {id} is no longer kept")))?;
        let bytes = state
            .files
            .get(&upload.storage_key)
            .await
            .map_err(|e| Failure::Retry(format!("the file store failed: {e}")))?
            .ok_or_else(|| Failure::Final(format!("the file {} is no longer kept", upload.name)))?;
        out.push(OutgoingFile {
            name: upload.name,
            mime_type: upload.mime_type,
            bytes: bytes.to_vec(),
        });
    }
    Ok(out)
}

/// Sends `outgoing` through email channel `channel` and keeps its headers (the
/// threading finds answers by them); its Message-ID. Every mail Pronto sends goes
/// through here: a reply on an email channel, and a copy by email of another
/// channel's reply (`email::continuation`).
pub async fn deliver(
    state: &AppState,
    channel: &Channel,
    outgoing: Outgoing,
) -> Result<String, Failure> {
    let config = channel.email_config();
    let mail = build(&outgoing).map_err(Failure::Final)?;
    let password =
        open_password(state, &config.smtp.user, &config.smtp.password).map_err(Failure::Final)?;
    transport(&Reach::of(&state.config), &config, &password)
        .await
        .map_err(Failure::Retry)?
        .send(mail)
        .await
        .map_err(|e| classify(&e))?;
    let headers = EmailHeaders {
        rfc_id: outgoing.message_id.clone(),
        direction: "out".into(),
        subject: outgoing.subject,
        in_reply_to: outgoing.in_reply_to.into_iter().collect(),
        references: outgoing.references,
        from_address: outgoing.from,
        automated: if outgoing.automated {
            "auto_reply"
        } else {
            "no"
        }
        .into(),
        full_text: outgoing.text,
        raw: None,
    };
    if let Err(e) = state
        .store
        .record_email(channel.id, &headers, state.now())
        .await
    {
        // Sent already: the message gets its id all the same (threading also finds
        // answers by the messages' ids).
        tracing::warn!("email: keeping a sent mail's headers: {e}");
    }
    Ok(outgoing.message_id)
}

/// The mail of a reply.
pub fn build(o: &Outgoing) -> Result<Mail, String> {
    let from: Mailbox = format!("{} <{}>", quote(&o.from_name), o.from)
        .parse()
        .or_else(|_| o.from.parse())
        .map_err(|e| format!("the channel's address {:?} is not valid: {e}", o.from))?;
    let to: Mailbox =
        o.to.parse()
            .map_err(|e| format!("the customer's address {:?} is not valid: {e}", o.to))?;
    let mut builder = Mail::builder()
        .from(from)
        .to(to)
        .subject(o.subject.clone())
        .message_id(Some(format!("<{}>", o.message_id)));
    if let Some(parent) = &o.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    if !o.references.is_empty() {
        let refs: Vec<String> = o.references.iter().map(|r| format!("<{r}>")).collect();
        builder = builder.references(refs.join(" "));
    }
    if o.automated {
        // RFC 3834 and Microsoft's: no robot answers this one.
        for (name, value) in [
            ("Auto-Submitted", "auto-replied"),
            ("X-Auto-Response-Suppress", "All"),
        ] {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str(name),
                value.to_owned(),
            ));
        }
    }
    let body = MultiPart::alternative_plain_html(o.text.clone(), html(&o.text));
    let body = if o.files.is_empty() {
        body
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for f in &o.files {
            let content_type = ContentType::parse(&f.mime_type).unwrap_or_else(|_| {
                ContentType::parse("application/octet-stream").expect("a MIME type")
            });
            mixed = mixed
                .singlepart(Attachment::new(f.name.clone()).body(f.bytes.clone(), content_type));
        }
        mixed
    };
    builder
        .multipart(body)
        .map_err(|e| format!("the mail could not be built: {e}"))
}

/// The SMTP transport of a channel, with the opened password: it dials the first
/// address `reach` allows for the host, and TLS checks the certificate against
/// the host's name (`net`). Why it cannot be made (an address refused, the roots
/// file unreadable) is the error.
pub async fn transport(
    reach: &Reach,
    config: &EmailConfig,
    password: &str,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let server = &config.smtp;
    let address = reach
        .addresses("the SMTP server (smtp_host)", &server.host, server.port)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            format!(
                "the SMTP server (smtp_host): {} has no address",
                server.host
            )
        })?;
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(address.ip().to_string())
            .port(server.port)
            .timeout(Some(TIMEOUT));
    builder = match server.tls {
        Mode::None => builder.tls(Tls::None),
        Mode::StartTls => builder.tls(Tls::Required(reach.smtp_tls(&server.host).await?)),
        Mode::Implicit => builder.tls(Tls::Wrapper(reach.smtp_tls(&server.host).await?)),
    };
    if !server.user.is_empty() {
        builder = builder.credentials(Credentials::new(server.user.clone(), password.to_owned()));
    }
    Ok(builder.build())
}

/// A sealed password opened (none without an account).
pub fn open_password(state: &AppState, user: &str, sealed: &str) -> Result<String, String> {
    if user.is_empty() {
        return Ok(String::new());
    }
    state
        .open_secret(sealed)
        .map_err(|e| format!("the channel's password could not be opened: {e}"))
}

/// A refusal or failure, sorted: the server's permanent answers (5xx) fail the
/// message, everything else (4xx, the network, TLS) is tried again.
pub fn classify(e: &lettre::transport::smtp::Error) -> Failure {
    let reason = format!("the mail server answered: {e}");
    if e.is_permanent() {
        Failure::Final(reason)
    } else {
        Failure::Retry(reason)
    }
}

/// The Message-ID of message `message_id`'s mail from email channel `channel`.
pub fn message_id(state: &AppState, channel: &Channel, message_id: i64) -> Result<String, Failure> {
    Ok(thread::message_id(
        &token(state, message_id)?,
        channel.email_config().domain(),
    ))
}

/// The random part of a message's Message-ID: derived from the message's id under
/// the server's key, so every attempt sends the same id and no one can guess one.
fn token(state: &AppState, message_id: i64) -> Result<String, Failure> {
    let key = state
        .sealer()
        .map_err(Failure::Final)?
        .derive("email message-id");
    let mut hash = Sha256::new();
    hash.update(key);
    hash.update(message_id.to_be_bytes());
    Ok(format!(
        "{message_id}.{}",
        hex::encode(&hash.finalize()[..12])
    ))
}

fn quote(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | '\r' | '\n'))
        .collect();
    format!("\"{clean}\"")
}

/// The text as HTML: escaped, paragraphs and line breaks kept.
pub fn html(text: &str) -> String {
    let mut out = String::from("<!doctype html><html><body>");
    for paragraph in text.split("\n\n") {
        out.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            for c in line.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '&' => out.push_str("&amp;"),
                    '"' => out.push_str("&quot;"),
                    c => out.push(c),
                }
            }
        }
        out.push_str("</p>");
    }
    out.push_str("</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing() -> Outgoing {
        Outgoing {
            from: "support@example.test".into(),
            from_name: "ACME \"Support\"".into(),
            to: "ann@customer.test".into(),
            subject: "Re: Order 42".into(),
            message_id: "pronto.1.ab@example.test".into(),
            in_reply_to: Some("m1@customer.test".into()),
            references: vec!["m0@customer.test".into(), "m1@customer.test".into()],
            text: "It ships <today> & tomorrow.".into(),
            automated: false,
            files: Vec::new(),
        }
    }

    #[test]
    fn a_reply_carries_its_threading_headers_and_both_parts() {
        let raw = String::from_utf8(build(&outgoing()).unwrap().formatted()).unwrap();
        assert!(
            raw.contains("Message-ID: <pronto.1.ab@example.test>"),
            "{raw}"
        );
        assert!(raw.contains("In-Reply-To: <m1@customer.test>"), "{raw}");
        assert!(
            raw.contains("References: <m0@customer.test> <m1@customer.test>"),
            "{raw}"
        );
        assert!(
            raw.contains("From: \"ACME Support\" <support@example.test>"),
            "{raw}"
        );
        assert!(
            raw.contains("text/plain") && raw.contains("text/html"),
            "{raw}"
        );
        assert!(raw.contains("&lt;today&gt; &amp; tomorrow"), "{raw}");
        assert!(!raw.contains("Auto-Submitted"), "{raw}");
        let mut auto = outgoing();
        auto.automated = true;
        let raw = String::from_utf8(build(&auto).unwrap().formatted()).unwrap();
        assert!(raw.contains("Auto-Submitted: auto-replied"), "{raw}");
        assert!(raw.contains("X-Auto-Response-Suppress: All"), "{raw}");
    }

    #[test]
    fn a_bad_address_is_a_final_failure_text() {
        let mut bad = outgoing();
        bad.to = "not an address".into();
        assert!(build(&bad).unwrap_err().contains("customer's address"));
    }
}

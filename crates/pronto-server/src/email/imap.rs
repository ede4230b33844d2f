//! The IMAP side of an email channel: a signed-in session with its folder selected
//! ([`open`]: TCP, then implicit TLS, STARTTLS or none, LOGIN, SELECT), the UIDs
//! after a position, mail fetched with `BODY.PEEK[]` (which leaves `\Seen` as it
//! was), flags set when the channel asks for it, and IDLE until the folder changes.
//!
//! Every network step has a time limit; errors say which step failed and what the
//! server answered, never the password.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::Session;
use futures_util::TryStreamExt;
use pronto_core::email::{EmailConfig, Tls};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::email::net::{self, Reach};

/// How long connecting, signing in or one command may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long fetching one batch may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(240);

/// A connection, plain or TLS.
#[derive(Debug)]
pub enum Stream {
    /// No TLS.
    Plain(TcpStream),
    /// TLS (from the start, or after STARTTLS).
    Tls(Box<tokio_native_tls::TlsStream<TcpStream>>),
}

/// An IMAP session with the channel's folder selected.
pub type Imap = Session<Stream>;

/// What SELECT says of the folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Folder {
    /// UIDVALIDITY (0 when the server gave none).
    pub uidvalidity: i64,
    /// How many messages it holds.
    pub exists: u32,
}

/// Connects (to the addresses `reach` allows), signs in and selects the channel's
/// folder. `password` is the opened secret.
pub async fn open(
    reach: &Reach,
    config: &EmailConfig,
    password: &str,
) -> Result<(Imap, Folder), String> {
    let server = &config.imap;
    let addresses = reach
        .addresses("the IMAP server (imap_host)", &server.host, server.port)
        .await?;
    let tcp = timed(
        "connecting to the IMAP server",
        TcpStream::connect(&addresses[..]),
    )
    .await?
    .map_err(|e| {
        format!(
            "could not connect to the IMAP server {}:{}: {e}",
            server.host, server.port
        )
    })?;
    let stream = match server.tls {
        Tls::Implicit => Stream::Tls(Box::new(tls(reach, &server.host, tcp).await?)),
        Tls::None | Tls::StartTls => Stream::Plain(tcp),
    };
    let mut client = async_imap::Client::new(stream);
    greeting(&mut client).await?;
    if server.tls == Tls::StartTls {
        timed(
            "STARTTLS",
            client.run_command_and_check_ok("STARTTLS", None),
        )
        .await?
        .map_err(|e| format!("the IMAP server refused STARTTLS: {e}"))?;
        let Stream::Plain(tcp) = client.into_inner() else {
            return Err("STARTTLS on a TLS connection".into());
        };
        client =
            async_imap::Client::new(Stream::Tls(Box::new(tls(reach, &server.host, tcp).await?)));
    }
    let mut session = timed("signing in to IMAP", client.login(&server.user, password))
        .await?
        .map_err(|(e, _)| {
            format!(
                "the IMAP server refused the sign-in of {}: {e}",
                server.user
            )
        })?;
    let mailbox = timed("selecting the folder", session.select(&config.imap_folder))
        .await?
        .map_err(|e| {
            format!(
                "the IMAP folder {:?} could not be selected: {e}",
                config.imap_folder
            )
        })?;
    Ok((
        session,
        Folder {
            uidvalidity: i64::from(mailbox.uid_validity.unwrap_or(0)),
            exists: mailbox.exists,
        },
    ))
}

/// The UIDs above `after`, ascending (`n:*` also names the highest UID when it is
/// below `n`, so those are dropped).
pub async fn uids_after(session: &mut Imap, after: i64) -> Result<Vec<u32>, String> {
    let from = after.saturating_add(1).clamp(1, i64::from(u32::MAX));
    let found = timed(
        "searching new mail",
        session.uid_search(format!("UID {from}:*")),
    )
    .await?
    .map_err(|e| format!("UID SEARCH failed: {e}"))?;
    let mut uids: Vec<u32> = found
        .into_iter()
        .filter(|u| i64::from(*u) > after)
        .collect();
    uids.sort_unstable();
    Ok(uids)
}

/// The raw messages with these UIDs, in UID order, without setting `\Seen`.
pub async fn fetch(session: &mut Imap, uids: &[u32]) -> Result<Vec<(u32, Vec<u8>)>, String> {
    if uids.is_empty() {
        return Ok(Vec::new());
    }
    let set = uid_set(uids);
    let fetched = tokio::time::timeout(FETCH_TIMEOUT, async {
        let stream = session
            .uid_fetch(&set, "(UID BODY.PEEK[])")
            .await
            .map_err(|e| format!("UID FETCH failed: {e}"))?;
        let all: Vec<_> = stream
            .try_collect()
            .await
            .map_err(|e| format!("UID FETCH failed: {e}"))?;
        Ok::<_, String>(all)
    })
    .await
    .map_err(|_| "the IMAP server did not send the mail in time".to_owned())??;
    let mut out: Vec<(u32, Vec<u8>)> = fetched
        .iter()
        .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
        .filter(|(uid, _)| uids.binary_search(uid).is_ok())
        .collect();
    out.sort_unstable_by_key(|(uid, _)| *uid);
    out.dedup_by_key(|(uid, _)| *uid);
    Ok(out)
}

/// Marks these UIDs `\Seen`.
pub async fn mark_seen(session: &mut Imap, uids: &[u32]) -> Result<(), String> {
    if uids.is_empty() {
        return Ok(());
    }
    timed("marking mail seen", async {
        let stream = session
            .uid_store(uid_set(uids), "+FLAGS.SILENT (\\Seen)")
            .await?;
        let _: Vec<_> = stream.try_collect().await?;
        Ok::<_, async_imap::error::Error>(())
    })
    .await?
    .map_err(|e| format!("UID STORE failed: {e}"))
}

/// Waits in IDLE until the folder changes or `limit` passes (servers drop idle
/// clients after 30 minutes, so the caller keeps `limit` under that), then leaves
/// IDLE and signs out.
pub async fn idle(session: Imap, limit: Duration) -> Result<(), String> {
    let mut handle = session.idle();
    timed("starting IDLE", handle.init())
        .await?
        .map_err(|e| format!("IDLE failed: {e}"))?;
    let (wait, _stop) = handle.wait_with_timeout(limit);
    let _ = wait.await.map_err(|e| format!("IDLE failed: {e}"))?;
    let mut session = timed("leaving IDLE", handle.done())
        .await?
        .map_err(|e| format!("DONE failed: {e}"))?;
    let _ = tokio::time::timeout(STEP_TIMEOUT, session.logout()).await;
    Ok(())
}

/// Signs out, without waiting long for a server that does not answer.
pub async fn close(mut session: Imap) {
    let _ = tokio::time::timeout(STEP_TIMEOUT, session.logout()).await;
}

/// A UID set: runs of consecutive UIDs as `a:b`, comma-separated.
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

async fn greeting(client: &mut async_imap::Client<Stream>) -> Result<(), String> {
    match timed("reading the IMAP greeting", client.read_response()).await? {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err("the IMAP server closed the connection before greeting".into()),
        Err(e) => Err(format!("reading the IMAP greeting failed: {e}")),
    }
}

async fn tls(
    reach: &Reach,
    host: &str,
    tcp: TcpStream,
) -> Result<tokio_native_tls::TlsStream<TcpStream>, String> {
    let connector = reach.tls_connector().await?;
    timed("the TLS handshake", connector.connect(host, tcp))
        .await?
        .map_err(|e| net::tls_failure("the IMAP server", host, &e))
}

async fn timed<T>(what: &str, f: impl Future<Output = T>) -> Result<T, String> {
    tokio::time::timeout(STEP_TIMEOUT, f)
        .await
        .map_err(|_| format!("{what} took longer than {} s", STEP_TIMEOUT.as_secs()))
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::uid_set;

    #[test]
    fn uid_sets_join_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[4]), "4");
        assert_eq!(uid_set(&[]), "");
    }
}

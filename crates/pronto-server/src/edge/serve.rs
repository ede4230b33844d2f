//! The accept loop: Pronto's own, so that no client holds a connection, or the
//! server's file descriptors, for ever.
//!
//! - A request's headers must arrive within `header_timeout_secs` of the
//!   connection waiting for them (hyper's header read timeout); on HTTP/1 that
//!   also closes a keep-alive connection left idle that long.
//! - A connection on which nothing is read or written for `idle_timeout_secs`
//!   is closed (`Idle`): a client that stops reading its answer, or an HTTP/2
//!   connection left open. Event streams write a keep-alive comment every 15
//!   seconds, so they outlive it; they are bounded by `max_event_streams`.
//! - A request body must arrive whole within `body_timeout_secs` of its headers
//!   ([`body_deadline`]), or the answer is 408 `body_timeout` and the connection
//!   closes: a body trickled a byte at a time is cut off.
//! - At most `max_connections` connections are open; further ones wait in the
//!   kernel's backlog until one closes, so the server never runs out of file
//!   descriptors through its clients, and `/healthz` answers again as soon as a
//!   slot frees.
//! - An accept error that says the process or the system is out of resources
//!   (`EMFILE`, `ENFILE`, `ENOBUFS`...) pauses accepting for [`ACCEPT_PAUSE`]
//!   instead of ending the server or spinning; one that concerns a single
//!   connection (reset, aborted) is skipped.
//!
//! On shutdown the loop stops accepting, asks every connection to finish its
//! requests in flight and close, and returns when all have.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONNECTION, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;

/// How long accepting pauses after an error that says resources ran out.
pub const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// The edge's limits, from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time allowed for a request's headers.
    pub header_timeout: Duration,
    /// Time a connection may go without reading or writing a byte.
    pub idle_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Limits {
    /// The limits that `config` sets.
    pub fn from_config(config: &Config) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(config.header_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(config.idle_timeout_secs.max(1)),
            max_connections: config.max_connections.max(1),
        }
    }
}

/// Something that accepts connections: a TCP listener, or a test's stand-in.
pub trait Accept: Send + 'static {
    /// A connection.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// The next connection and its peer's address.
    fn accept(&mut self) -> impl Future<Output = io::Result<(Self::Io, SocketAddr)>> + Send;
}

impl Accept for TcpListener {
    type Io = TcpStream;
    async fn accept(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
        TcpListener::accept(self).await
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then
/// stops accepting and returns once the open connections have finished.
pub async fn serve(
    mut listener: impl Accept,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (close_tx, close_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            biased;
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore stays open"),
        };
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (io, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                if let Some(pause) = accept_pause(&e) {
                    tracing::warn!("accept error: {e}; accepting again in {pause:?}");
                    tokio::select! {
                        biased;
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(pause) => {}
                    }
                }
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let (app, close) = (app.clone(), close_rx.clone());
        connections.spawn(async move {
            serve_connection(io, peer, app, limits, close).await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = close_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// How long to pause after an accept error: `None` for an error of one
/// connection (try the next at once), a pause when resources ran out.
pub fn accept_pause(e: &io::Error) -> Option<Duration> {
    use io::ErrorKind::*;
    match e.kind() {
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted | WouldBlock => None,
        _ => Some(ACCEPT_PAUSE),
    }
}

async fn serve_connection<I: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
    io: I,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    mut close: watch::Receiver<bool>,
) {
    let io = TokioIo::new(Idle::new(io, limits.idle_timeout));
    let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ConnectInfo(peer));
        tower_service::Service::call(&mut app.clone(), req)
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new());
    let conn = builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(conn);
    let result = tokio::select! {
        result = conn.as_mut() => result,
        _ = async { close.wait_for(|closing| *closing).await.map(|_| ()) } => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!("connection from {peer}: {e}");
    }
}

/// A connection that fails once nothing was read or written for `timeout`
/// while it waited to read or write.
struct Idle<I> {
    io: I,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<I> Idle<I> {
    fn new(io: I, timeout: Duration) -> Self {
        Idle {
            io,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    fn progressed(&mut self) {
        let next = Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }

    /// After the connection said Pending: an error if the deadline passed.
    fn waiting<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the connection was idle too long",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Idle<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending => this.waiting(cx),
        }
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Idle<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending => this.waiting(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending => this.waiting(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_flush(cx) {
            Poll::Ready(r) => Poll::Ready(r),
            Poll::Pending => this.waiting(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// The request body's deadline: it must arrive whole within
/// `body_timeout_secs` of the headers, or the answer is 408 `body_timeout` and
/// the connection closes.
pub async fn body_deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let timeout = Duration::from_secs(state.config.body_timeout_secs.max(1));
    let deadline = Instant::now() + timeout;
    let timed_out = Arc::new(AtomicBool::new(false));
    let flag = timed_out.clone();
    let req = req.map(|body| {
        let chunks = body.into_data_stream();
        Body::from_stream(futures_util::stream::unfold(Some(chunks), move |chunks| {
            let flag = flag.clone();
            async move {
                let mut chunks = chunks?;
                match tokio::time::timeout_at(deadline, chunks.next()).await {
                    Ok(Some(chunk)) => Some((chunk, Some(chunks))),
                    Ok(None) => None,
                    Err(_) => {
                        flag.store(true, Ordering::SeqCst);
                        Some((Err(axum::Error::new(BodyTimeout)), None))
                    }
                }
            }
        }))
    });
    let response = next.run(req).await;
    if !timed_out.load(Ordering::SeqCst) {
        return response;
    }
    let mut response = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "body_timeout",
        format!(
            "the request body did not arrive within {} seconds",
            timeout.as_secs()
        ),
    )
    .into_response();
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimeout;

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A listener that first fails `errors` times as a process out of file
    /// descriptors does, then accepts for real.
    struct OutOfFiles {
        errors: u32,
        calls: Arc<std::sync::atomic::AtomicU32>,
        inner: TcpListener,
    }

    impl Accept for OutOfFiles {
        type Io = TcpStream;
        async fn accept(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.errors {
                // EMFILE on Linux and macOS.
                return Err(io::Error::from_raw_os_error(24));
            }
            TcpListener::accept(&self.inner).await
        }
    }

    #[test]
    fn resource_errors_pause_and_connection_errors_do_not() {
        assert_eq!(
            accept_pause(&io::Error::from_raw_os_error(24)),
            Some(ACCEPT_PAUSE)
        );
        assert_eq!(
            accept_pause(&io::Error::from(io::ErrorKind::ConnectionAborted)),
            None
        );
    }

    #[tokio::test]
    async fn the_server_keeps_accepting_after_running_out_of_files() {
        let inner = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = inner.local_addr().unwrap();
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let listener = OutOfFiles {
            errors: 3,
            calls: calls.clone(),
            inner,
        };
        let app = Router::new().route("/healthz", axum::routing::get(|| async { "ok" }));
        let limits = Limits {
            header_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            max_connections: 4,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let started = Instant::now();
        let server = tokio::spawn(serve(listener, app, limits, async {
            let _ = stopped.await;
        }));
        let mut conn = TcpStream::connect(addr).await.unwrap();
        conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        // Three errors, each followed by a pause rather than a spin, then the
        // connection (and perhaps the wait for the next one).
        let calls = calls.load(Ordering::SeqCst);
        assert!((4..=5).contains(&calls), "{calls} calls");
        assert!(started.elapsed() >= ACCEPT_PAUSE * 3);
        let _ = stop.send(());
        server.await.unwrap().unwrap();
    }
}

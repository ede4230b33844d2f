//! A TCP proxy that a test can cut: the network between the browser and the server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Forwards 127.0.0.1:`addr()` to a target address, until dropped.
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

struct Shared {
    paused: AtomicBool,
    /// Bumped by `sever`: every connection open at that moment ends.
    generation: watch::Sender<u64>,
}

impl Proxy {
    /// A proxy to `target`, listening on a free port of 127.0.0.1.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a proxy port");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            paused: AtomicBool::new(false),
            generation: watch::channel(0).0,
        });
        let s = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if s.paused.load(Ordering::SeqCst) {
                    // Closed at once: the browser sees a connection that ended
                    // without an answer, as when the network is down.
                    drop(client);
                    continue;
                }
                tokio::spawn(forward(client, target, s.generation.subscribe()));
            }
        });
        Proxy { addr, shared, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT{path}` through the proxy.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Drops every open connection (an EventSource sees its stream end and
    /// reconnects); new connections go through as before.
    pub fn sever(&self) {
        self.shared.generation.send_modify(|g| *g += 1);
    }

    /// The network goes down: open connections are severed, and new ones are
    /// closed as soon as they are accepted, until `resume`.
    pub fn pause(&self) {
        self.shared.paused.store(true, Ordering::SeqCst);
        self.sever();
    }

    /// The network comes back.
    pub fn resume(&self) {
        self.shared.paused.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
        self.sever();
    }
}

/// Copies both ways until either side closes or the proxy severs (`severed` was
/// subscribed at accept, so a `sever` from then on counts).
async fn forward(mut client: TcpStream, target: SocketAddr, mut severed: watch::Receiver<u64>) {
    let Ok(mut server) = TcpStream::connect(target).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = severed.changed() => {}
    }
}

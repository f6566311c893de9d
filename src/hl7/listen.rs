//! `tend listen adt --mllp HOST:PORT`: the live feed.
//!
//! Interface engines keep a TCP connection open and send one message at a
//! time in MLLP framing, waiting for each ACK before the next. Each
//! connection has a thread; the messages of all of them go through one
//! store, one at a time, each in its own transaction with its log row, and
//! the ACK is written only after that transaction committed, and (the
//! command sets `synchronous = FULL`) reached the disk: a message is
//! acknowledged only once it is safe, so a connection that drops
//! mid-message loses nothing that was acknowledged (the sender sends the
//! unacknowledged message again, and a repeated control ID is not applied
//! twice).
//!
//! It runs until SIGTERM or SIGINT, which it takes as "finish the message
//! in hand, answer it, then stop". It logs connections and each message's
//! control ID, event and outcome, never a value from the message.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::feed::{self, Answer};
use super::mllp::{write_frame, FrameReader};
use super::plan::FeedSettings;
use crate::store::Store;

/// How often a waiting connection or the accept loop looks at the stop flag.
const POLL: Duration = Duration::from_millis(100);

/// How long an ACK may wait for the sender to read it.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The most connections served at once: interface engines keep one or a
/// few open; more is a misconfiguration or an attack, and each costs a
/// thread and up to a frame's worth of memory.
pub const MAX_CONNECTIONS: usize = 32;

/// Counts of what the listener did, for its last log line and the tests.
#[derive(Debug, Default)]
pub struct Counts {
    pub connections: AtomicU64,
    pub applied: AtomicU64,
    pub queued: AtomicU64,
    pub rejected: AtomicU64,
    pub repeated: AtomicU64,
}

impl Counts {
    pub fn summary(&self) -> String {
        format!(
            "{} connections; messages: {} applied, {} queued for a supervisor, {} rejected, {} repeats not applied again",
            self.connections.load(Ordering::Relaxed),
            self.applied.load(Ordering::Relaxed),
            self.queued.load(Ordering::Relaxed),
            self.rejected.load(Ordering::Relaxed),
            self.repeated.load(Ordering::Relaxed),
        )
    }
}

/// A listener ready to serve.
pub struct Listener {
    socket: TcpListener,
    store: Arc<Mutex<Store>>,
    settings: FeedSettings,
    stop: Arc<AtomicBool>,
    pub counts: Arc<Counts>,
    log: Arc<dyn Fn(&str) + Send + Sync>,
}

impl Listener {
    pub fn new(
        socket: TcpListener,
        store: Store,
        settings: FeedSettings,
        stop: Arc<AtomicBool>,
        log: Arc<dyn Fn(&str) + Send + Sync>,
    ) -> io::Result<Listener> {
        socket.set_nonblocking(true)?;
        Ok(Listener {
            socket,
            store: Arc::new(Mutex::new(store)),
            settings,
            stop,
            counts: Arc::new(Counts::default()),
            log,
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Serves until the stop flag is set; then waits for each connection
    /// to finish the message in hand.
    pub fn serve(self) -> io::Result<Arc<Counts>> {
        let mut workers = Vec::new();
        while !self.stop.load(Ordering::Relaxed) {
            match self.socket.accept() {
                Ok((stream, peer)) => {
                    workers.retain(|w: &thread::JoinHandle<()>| !w.is_finished());
                    if workers.len() >= MAX_CONNECTIONS {
                        (self.log)(&format!(
                            "connection from {peer} refused: {MAX_CONNECTIONS} are open already"
                        ));
                        drop(stream);
                        continue;
                    }
                    self.counts.connections.fetch_add(1, Ordering::Relaxed);
                    (self.log)(&format!("connection from {peer}"));
                    let connection = Connection {
                        store: Arc::clone(&self.store),
                        settings: self.settings.clone(),
                        stop: Arc::clone(&self.stop),
                        counts: Arc::clone(&self.counts),
                        log: Arc::clone(&self.log),
                    };
                    workers.push(thread::spawn(move || connection.serve(stream, peer)));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(POLL),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        for worker in workers {
            let _ = worker.join();
        }
        Ok(self.counts)
    }
}

struct Connection {
    store: Arc<Mutex<Store>>,
    settings: FeedSettings,
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
    log: Arc<dyn Fn(&str) + Send + Sync>,
}

impl Connection {
    fn serve(self, stream: TcpStream, peer: SocketAddr) {
        match self.messages(stream) {
            Ok(()) => (self.log)(&format!("connection from {peer} closed")),
            Err(e) => (self.log)(&format!("connection from {peer} ended: {}", e.kind())),
        }
    }

    fn messages(&self, stream: TcpStream) -> io::Result<()> {
        stream.set_nonblocking(false)?;
        stream.set_read_timeout(Some(POLL))?;
        // A sender that stops reading its ACKs must not hold the listener
        // (and the store) forever.
        stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
        let mut writer = stream.try_clone()?;
        let mut frames = FrameReader::new(stream);
        loop {
            match frames.next_frame() {
                Ok(Some(frame)) => {
                    let answer = self.receive(&frame)?;
                    write_frame(&mut writer, answer.ack.as_bytes())?;
                    writer.flush()?;
                    // Stopping: the message in hand is answered; the next
                    // one the sender has already sent is left unanswered,
                    // so it sends it again to whoever listens next.
                    if self.stop.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    // A frame over the limit: refused (AR) and kept in the
                    // rejected queue as a note (its text was not kept).
                    let answer = self.too_large()?;
                    write_frame(&mut writer, answer.ack.as_bytes())?;
                    writer.flush()?;
                }
                Ok(None) => {
                    if frames.partial_dropped() {
                        (self.log)("the sender closed the connection mid-message; that message was not acknowledged");
                    }
                    return Ok(());
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if self.stop.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// A frame over the limit: kept as a rejected note, answered AR.
    fn too_large(&self) -> io::Result<Answer> {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let answer = feed::too_large(&mut store)
            .map_err(|e| io::Error::other(format!("the database did not take the note: {e}")))?;
        drop(store);
        self.counts.rejected.fetch_add(1, Ordering::Relaxed);
        (self.log)(&answer.log_line());
        Ok(answer)
    }

    fn receive(&self, frame: &[u8]) -> io::Result<Answer> {
        // A panic in another connection's message (its transaction rolled
        // back as it unwound) must not stop every other connection.
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        // Who runs the listener is asked again for each message: a user
        // deactivated (or whose role changed) meanwhile imports no more.
        store
            .sign_in()
            .map_err(|e| io::Error::other(format!("not taken: {e}")))?;
        let answer = feed::receive(&mut store, frame, &self.settings)
            .map_err(|e| io::Error::other(format!("the database did not take the message: {e}")))?;
        drop(store);
        let counter = match &answer.outcome {
            crate::store::AdtOutcome::Applied { .. } => &self.counts.applied,
            crate::store::AdtOutcome::Queued { .. } => &self.counts.queued,
            crate::store::AdtOutcome::Rejected { .. } => &self.counts.rejected,
            crate::store::AdtOutcome::Repeated { .. } => &self.counts.repeated,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        (self.log)(&answer.log_line());
        Ok(answer)
    }
}

//! MLLP framing (HL7 v2 Minimal Lower Layer Protocol, release 2): each
//! message is sent as `0x0B`, the message's bytes, `0x1C 0x0D`.
//!
//! [`FrameReader`] reads frames from any `Read` (a `TcpStream`, a file, a
//! test's script of reads). Bytes outside a frame are skipped and counted.
//! A stream that ends inside a frame yields nothing of that frame
//! ([`FrameReader::partial_dropped`] says it happened): a message that was
//! never complete was never acknowledged, and the sender will send it again.
//! A start block inside a frame (a sender that gave up on one message and
//! began the next) drops the unfinished one the same way.
//!
//! Timeouts: when the underlying read fails with `WouldBlock` or
//! `TimedOut` (a `TcpStream` with a read timeout), `next_frame` returns
//! that error as it is, and keeps every byte it has buffered: call
//! `next_frame` again to go on where it stopped. `Interrupted` is retried.
//! Any other error is the connection's end.

use std::io::{self, Read, Write};

/// Start block.
pub const START: u8 = 0x0B;
/// End block, followed by [`CR`].
pub const END: u8 = 0x1C;
pub const CR: u8 = 0x0D;

/// The largest message taken by default (16 MiB).
pub const DEFAULT_MAX_FRAME: usize = 16 * 1024 * 1024;

/// Reads MLLP frames.
pub struct FrameReader<R: Read> {
    inner: R,
    /// Bytes read and not yet given out. Inside a frame they are the
    /// frame's content so far (the start block already removed).
    buf: Vec<u8>,
    in_frame: bool,
    /// Dropping the rest of a frame that was too long.
    discarding: bool,
    /// Where to go on looking for the end block in `buf`.
    scanned: usize,
    eof: bool,
    max: usize,
    skipped: u64,
    partials: u64,
}

impl<R: Read> FrameReader<R> {
    pub fn new(inner: R) -> FrameReader<R> {
        FrameReader::with_limit(inner, DEFAULT_MAX_FRAME)
    }

    /// A reader that refuses frames longer than `max` bytes.
    pub fn with_limit(inner: R, max: usize) -> FrameReader<R> {
        FrameReader {
            inner,
            buf: Vec::new(),
            in_frame: false,
            discarding: false,
            scanned: 0,
            eof: false,
            max,
            skipped: 0,
            partials: 0,
        }
    }

    /// Bytes skipped because they were outside any frame.
    pub fn skipped_bytes(&self) -> u64 {
        self.skipped
    }

    /// Whether an unfinished frame was dropped (the stream ended inside
    /// it, or a new frame started before it ended).
    pub fn partial_dropped(&self) -> bool {
        self.partials > 0
    }

    /// How many unfinished frames were dropped.
    pub fn partials_dropped(&self) -> u64 {
        self.partials
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The next complete message's bytes (without the framing), or
    /// `Ok(None)` at the end of the stream. A frame longer than the limit
    /// is an `InvalidData` error; its bytes are dropped up to its end block,
    /// and the frames after it are read as usual. `WouldBlock` and `TimedOut` come
    /// back as they are, nothing lost (see the module's notes).
    pub fn next_frame(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if self.discarding {
                match self.buf.iter().position(|&b| b == END || b == START) {
                    Some(p) => {
                        let cr = self.buf[p] == END && self.buf.get(p + 1) == Some(&CR);
                        let through = if self.buf[p] == END {
                            p + 1 + usize::from(cr)
                        } else {
                            p
                        };
                        self.buf.drain(..through);
                        self.discarding = false;
                    }
                    None => self.buf.clear(),
                }
            }
            if !self.in_frame && !self.discarding {
                match self.buf.iter().position(|&b| b == START) {
                    Some(p) => {
                        self.skipped += p as u64;
                        self.buf.drain(..=p);
                        self.in_frame = true;
                        self.scanned = 0;
                    }
                    None => {
                        self.skipped += self.buf.len() as u64;
                        self.buf.clear();
                    }
                }
            }
            if self.in_frame {
                if let Some(frame) = self.take_frame()? {
                    return Ok(Some(frame));
                }
            }
            if self.eof {
                if self.in_frame {
                    self.partials += 1;
                    self.in_frame = false;
                    self.buf.clear();
                }
                return Ok(None);
            }
            let mut chunk = [0u8; 64 * 1024];
            match self.inner.read(&mut chunk) {
                Ok(0) => self.eof = true,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Inside a frame: the frame when its end block is in the buffer.
    fn take_frame(&mut self) -> io::Result<Option<Vec<u8>>> {
        while let Some(rel) = self.buf[self.scanned..]
            .iter()
            .position(|&b| b == END || b == START)
        {
            let i = self.scanned + rel;
            if self.buf[i] == START {
                // A new frame began before this one ended.
                self.partials += 1;
                self.buf.drain(..=i);
                self.scanned = 0;
                continue;
            }
            if i > self.max {
                let cr = self.buf.get(i + 1) == Some(&CR);
                self.buf.drain(..i + 1 + usize::from(cr));
                return Err(self.too_long(false));
            }
            let end_len = match self.buf.get(i + 1) {
                Some(&CR) => 2,
                // Lenient: an end block without its carriage return.
                Some(_) => 1,
                None if self.eof => 1,
                None => {
                    // Wait for the byte after the end block.
                    self.scanned = i;
                    return Ok(None);
                }
            };
            let frame = self.buf[..i].to_vec();
            self.buf.drain(..i + end_len);
            self.in_frame = false;
            self.scanned = 0;
            return Ok(Some(frame));
        }
        self.scanned = self.buf.len();
        if self.buf.len() > self.max {
            self.buf.clear();
            return Err(self.too_long(true));
        }
        Ok(None)
    }

    /// After a frame longer than the limit: its bytes are gone from the
    /// buffer, and when its end has not come yet the rest is dropped as it
    /// comes (`discarding`).
    fn too_long(&mut self, discarding: bool) -> io::Error {
        self.discarding = discarding;
        self.in_frame = false;
        self.scanned = 0;
        self.partials += 1;
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("an MLLP frame is longer than {} bytes", self.max),
        )
    }
}

/// Writes one message in its frame and flushes.
pub fn write_frame(w: &mut impl Write, message: &[u8]) -> io::Result<()> {
    let mut framed = Vec::with_capacity(message.len() + 3);
    framed.push(START);
    framed.extend_from_slice(message);
    framed.extend_from_slice(&[END, CR]);
    w.write_all(&framed)?;
    w.flush()
}

/// A message's text: UTF-8 where the bytes are UTF-8, and each byte that
/// is not read as Latin-1 (ISO-8859-1), which many HL7 feeds still send.
pub fn decode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| char::from(b)));
    }
    out
}

#[cfg(test)]
#[path = "mllp_tests.rs"]
mod tests;

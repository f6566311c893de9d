use std::collections::VecDeque;
use std::io::{self, Read};

use super::*;

/// A reader that gives out a script of reads: some bytes, or an error.
struct Script(VecDeque<io::Result<Vec<u8>>>);

impl Script {
    fn new(steps: Vec<io::Result<Vec<u8>>>) -> Script {
        Script(steps.into())
    }
}

impl Read for Script {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self.0.pop_front() {
            None => Ok(0),
            Some(Err(e)) => Err(e),
            Some(Ok(bytes)) => {
                assert!(bytes.len() <= out.len());
                out[..bytes.len()].copy_from_slice(&bytes);
                Ok(bytes.len())
            }
        }
    }
}

fn framed(m: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_frame(&mut out, m).unwrap();
    out
}

#[test]
fn write_frame_wraps_the_message() {
    assert_eq!(framed(b"MSH|x"), b"\x0bMSH|x\x1c\x0d");
}

#[test]
fn several_frames_in_one_read_and_noise_between() {
    let mut bytes = b"noise".to_vec();
    bytes.extend(framed(b"one"));
    bytes.extend(b"\r\n");
    bytes.extend(framed(b"two"));
    let mut r = FrameReader::new(Script::new(vec![Ok(bytes)]));
    assert_eq!(r.next_frame().unwrap().unwrap(), b"one");
    assert_eq!(r.next_frame().unwrap().unwrap(), b"two");
    assert_eq!(r.next_frame().unwrap(), None);
    assert_eq!(r.skipped_bytes(), 7);
    assert!(!r.partial_dropped());
}

#[test]
fn a_frame_split_across_reads_byte_by_byte() {
    let bytes = framed(b"MSH|^~\\&|split");
    let steps = bytes.iter().map(|b| Ok(vec![*b])).collect();
    let mut r = FrameReader::new(Script::new(steps));
    assert_eq!(r.next_frame().unwrap().unwrap(), b"MSH|^~\\&|split");
    assert_eq!(r.next_frame().unwrap(), None);
}

#[test]
fn a_timeout_mid_frame_loses_nothing() {
    let bytes = framed(b"MSH|first half second half");
    let (a, b) = bytes.split_at(12);
    for kind in [io::ErrorKind::WouldBlock, io::ErrorKind::TimedOut] {
        let mut r = FrameReader::new(Script::new(vec![
            Ok(a.to_vec()),
            Err(io::Error::from(kind)),
            Ok(b.to_vec()),
        ]));
        assert_eq!(r.next_frame().unwrap_err().kind(), kind);
        assert_eq!(
            r.next_frame().unwrap().unwrap(),
            b"MSH|first half second half"
        );
        assert_eq!(r.next_frame().unwrap(), None);
    }
}

#[test]
fn a_timeout_between_end_block_and_its_cr() {
    let mut r = FrameReader::new(Script::new(vec![
        Ok(b"\x0bmsg\x1c".to_vec()),
        Err(io::Error::from(io::ErrorKind::WouldBlock)),
        Ok(b"\x0d\x0bnext\x1c\x0d".to_vec()),
    ]));
    assert_eq!(
        r.next_frame().unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    assert_eq!(r.next_frame().unwrap().unwrap(), b"msg");
    assert_eq!(r.next_frame().unwrap().unwrap(), b"next");
    assert_eq!(r.skipped_bytes(), 0);
}

#[test]
fn interrupted_reads_are_retried() {
    let mut r = FrameReader::new(Script::new(vec![
        Err(io::Error::from(io::ErrorKind::Interrupted)),
        Ok(framed(b"m")),
    ]));
    assert_eq!(r.next_frame().unwrap().unwrap(), b"m");
}

#[test]
fn a_stream_ending_mid_frame_gives_nothing_of_it() {
    let mut bytes = framed(b"whole");
    bytes.extend(b"\x0bhalf a mess");
    let mut r = FrameReader::new(Script::new(vec![Ok(bytes)]));
    assert_eq!(r.next_frame().unwrap().unwrap(), b"whole");
    assert_eq!(r.next_frame().unwrap(), None);
    assert!(r.partial_dropped());
    assert_eq!(r.next_frame().unwrap(), None);
}

#[test]
fn a_new_start_block_drops_the_unfinished_frame() {
    let mut bytes = b"\x0bunfinished".to_vec();
    bytes.extend(framed(b"complete"));
    let mut r = FrameReader::new(Script::new(vec![Ok(bytes)]));
    assert_eq!(r.next_frame().unwrap().unwrap(), b"complete");
    assert_eq!(r.partials_dropped(), 1);
}

#[test]
fn an_end_block_at_the_very_end_without_cr_is_accepted() {
    let mut r = FrameReader::new(Script::new(vec![Ok(b"\x0bmsg\x1c".to_vec())]));
    assert_eq!(r.next_frame().unwrap().unwrap(), b"msg");
}

#[test]
fn a_frame_over_the_limit_is_an_error_and_the_next_one_is_read() {
    let mut bytes = framed(&[b'x'; 100]);
    bytes.extend(framed(b"small"));
    let mut r = FrameReader::with_limit(Script::new(vec![Ok(bytes)]), 50);
    assert_eq!(
        r.next_frame().unwrap_err().kind(),
        io::ErrorKind::InvalidData
    );
    assert_eq!(r.next_frame().unwrap().unwrap(), b"small");
    assert_eq!(r.skipped_bytes(), 0);

    let steps = vec![
        Ok(vec![START]),
        Ok(vec![b'y'; 60]),
        Ok(vec![END, CR]),
        Ok(framed(b"ok")),
    ];
    let mut r = FrameReader::with_limit(Script::new(steps), 50);
    assert_eq!(
        r.next_frame().unwrap_err().kind(),
        io::ErrorKind::InvalidData
    );
    assert_eq!(r.next_frame().unwrap().unwrap(), b"ok");
}

#[test]
fn text_is_utf8_else_latin1_per_byte() {
    assert_eq!(decode("Café Ω".as_bytes()), "Café Ω");
    assert_eq!(decode(b"Caf\xe9 M\xfcller"), "Café Müller");
    assert_eq!(decode(b"ok \xc3\xa9 and \xe9"), "ok é and é");
}

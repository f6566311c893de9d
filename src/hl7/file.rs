//! Files of ADT messages, as interface engines and HIEs archive them: one
//! message or many in a file, separated by line breaks (each message
//! starts with `MSH`), or MLLP-framed as they came off the wire.

/// One message found in a file: where it starts (1-based line) and its
/// bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMessage {
    pub line: usize,
    pub bytes: Vec<u8>,
}

/// The messages of a file, in order. A file whose first message does not
/// start with `MSH` yields what comes before the first `MSH` as a message
/// of its own, so it is rejected with its line rather than skipped.
pub fn messages_in(bytes: &[u8]) -> Vec<FileMessage> {
    // MLLP framing bytes become line breaks: frames are messages.
    let text: Vec<u8> = bytes
        .iter()
        .map(|&b| if b == 0x0b || b == 0x1c { b'\n' } else { b })
        .collect();
    let mut messages: Vec<FileMessage> = Vec::new();
    let mut current: Option<FileMessage> = None;
    let mut line = 1;
    for segment in split_segments(&text) {
        let (bytes, breaks) = segment;
        let starts_message = bytes.starts_with(b"MSH");
        let blank = bytes.iter().all(|b| b.is_ascii_whitespace());
        if starts_message {
            if let Some(done) = current.take() {
                messages.push(done);
            }
            current = Some(FileMessage {
                line,
                bytes: Vec::new(),
            });
        }
        if !blank {
            let message = current.get_or_insert_with(|| FileMessage {
                line,
                bytes: Vec::new(),
            });
            if !message.bytes.is_empty() {
                message.bytes.push(b'\r');
            }
            message.bytes.extend_from_slice(bytes);
        }
        line += breaks;
    }
    messages.extend(current);
    messages
}

/// Splits at CR, LF or CRLF: each piece and how many lines its end moves
/// on (a CRLF is one line break, a lone CR, as HL7 separates segments,
/// counts as one too).
fn split_segments(text: &[u8]) -> Vec<(&[u8], usize)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\r' => {
                let crlf = text.get(i + 1) == Some(&b'\n');
                pieces.push((&text[start..i], 1));
                i += if crlf { 2 } else { 1 };
                start = i;
            }
            b'\n' => {
                pieces.push((&text[start..i], 1));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < text.len() {
        pieces.push((&text[start..], 0));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_split_at_each_msh_whatever_the_line_breaks() {
        let file = b"MSH|^~\\&|A|B\r\nPID|1\r\n\r\nMSH|^~\\&|C|D\rPV1|1\nMSH|x\n";
        let found = messages_in(file);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].line, 1);
        assert_eq!(found[0].bytes, b"MSH|^~\\&|A|B\rPID|1");
        assert_eq!(found[1].line, 4);
        assert_eq!(found[1].bytes, b"MSH|^~\\&|C|D\rPV1|1");
        assert_eq!(found[2].line, 6);
    }

    #[test]
    fn framed_files_read_like_plain_ones() {
        let file = b"\x0bMSH|a\rPID|1\r\x1c\r\x0bMSH|b\rPID|2\r\x1c\r";
        let found = messages_in(file);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].bytes, b"MSH|b\rPID|2");
    }

    #[test]
    fn text_before_the_first_msh_is_a_message_of_its_own() {
        let found = messages_in(b"garbage\nMSH|a\n");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 1);
        assert_eq!(found[0].bytes, b"garbage");
        assert_eq!(found[1].line, 2);
    }
}

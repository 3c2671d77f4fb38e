//! A reader between a TMX file and the XML parser that checks what the parser would take on
//! trust: that the bytes are UTF-8 (naming the first bad byte's exact place, not the start of
//! the event around it), and that no single XML event (a run of text, a tag with its
//! attributes, a comment) is larger than a limit — so that a 200 MB `<seg>` or attribute is
//! refused after a few MB read, instead of being held in memory whole.

use std::io::{self, BufRead, Read};

/// Why the guard stopped the reading, and where (a byte offset in the stream).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A byte that is not part of valid UTF-8.
    NotUtf8 { offset: u64, byte: u8 },
    /// An event that began at `offset` grew past the limit.
    TooLarge { offset: u64 },
}

pub(crate) struct Guard<R> {
    inner: R,
    buf: Box<[u8]>,
    /// `buf[start..valid]` is read, checked and not consumed yet; `buf[valid..end]` is read
    /// and not checked yet (the start of a character cut by the end of a read).
    start: usize,
    valid: usize,
    end: usize,
    eof: bool,
    check_utf8: bool,
    /// Offset in the stream of `buf[start]`.
    offset: u64,
    /// Where the current event began, and the most bytes it may take.
    event_start: u64,
    limit: u64,
    stop: Option<Stop>,
}

impl<R: Read> Guard<R> {
    /// A guard over `inner`: checks UTF-8 when `check_utf8` (a decoder's output needs no
    /// check), and stops an event past `limit` bytes.
    pub fn new(inner: R, check_utf8: bool, limit: u64) -> Guard<R> {
        Guard {
            inner,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            start: 0,
            valid: 0,
            end: 0,
            eof: false,
            check_utf8,
            offset: 0,
            event_start: 0,
            limit,
            stop: None,
        }
    }

    /// Marks the start of the next event: its budget begins here.
    pub fn next_event(&mut self) {
        self.event_start = self.offset;
    }

    /// Why the reading stopped, if the guard stopped it.
    pub fn stop(&self) -> Option<Stop> {
        self.stop
    }

    fn fail(&mut self, stop: Stop) -> io::Error {
        self.stop = Some(stop);
        io::Error::other(match stop {
            Stop::NotUtf8 { .. } => "invalid UTF-8",
            Stop::TooLarge { .. } => "an XML event over the size limit",
        })
    }
}

impl<R: Read> BufRead for Guard<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let used = self.offset - self.event_start;
        if used > self.limit {
            return Err(self.fail(Stop::TooLarge {
                offset: self.event_start,
            }));
        }
        while self.start == self.valid {
            if let Some(stop) = self.stop {
                return Err(self.fail(stop));
            }
            if self.eof {
                if self.valid < self.end {
                    // the file ends inside a character
                    let stop = Stop::NotUtf8 {
                        offset: self.offset,
                        byte: self.buf[self.valid],
                    };
                    return Err(self.fail(stop));
                }
                return Ok(&[]);
            }
            // keep the unchecked tail (at most 3 bytes), read more after it
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.valid = 0;
            self.start = 0;
            let n = loop {
                match self.inner.read(&mut self.buf[self.end..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if n == 0 {
                self.eof = true;
                continue;
            }
            self.end += n;
            if !self.check_utf8 {
                self.valid = self.end;
                continue;
            }
            match std::str::from_utf8(&self.buf[..self.end]) {
                Ok(_) => self.valid = self.end,
                Err(e) => {
                    self.valid = e.valid_up_to();
                    if e.error_len().is_some() {
                        self.stop = Some(Stop::NotUtf8 {
                            offset: self.offset + self.valid as u64,
                            byte: self.buf[self.valid],
                        });
                    }
                }
            }
        }
        // no more of this event than its budget allows (and one byte past it, to tell)
        let room = (self.limit - used) as usize + 1;
        let upto = self.valid.min(self.start.saturating_add(room));
        Ok(&self.buf[self.start..upto])
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.valid - self.start);
        self.start += n;
        self.offset += n as u64;
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads everything through a guard whose underlying reads return `chunk` bytes at most.
    fn read_all(bytes: &[u8], chunk: usize, limit: u64) -> (Vec<u8>, Option<Stop>) {
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(out.len()).min(self.1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut g = Guard::new(Slow(bytes, chunk), true, limit);
        let mut out = Vec::new();
        let _ = g.read_to_end(&mut out);
        (out, g.stop())
    }

    #[test]
    fn characters_cut_between_reads_are_whole_again() {
        let text = "قال الرئيس «نعم» 🙂".repeat(50);
        for chunk in [1, 2, 3, 5, 7, 64] {
            let (out, stop) = read_all(text.as_bytes(), chunk, u64::MAX / 2);
            assert_eq!(out, text.as_bytes(), "chunk {chunk}");
            assert_eq!(stop, None);
        }
    }

    #[test]
    fn a_bad_byte_is_found_at_its_offset_after_the_good_ones() {
        let mut bytes = "سطر\nab".as_bytes().to_vec();
        let at = bytes.len();
        bytes.extend_from_slice(b"\xFFcd");
        for chunk in [1, 3, 100] {
            let (out, stop) = read_all(&bytes, chunk, u64::MAX / 2);
            assert_eq!(out, &bytes[..at]);
            assert_eq!(
                stop,
                Some(Stop::NotUtf8 {
                    offset: at as u64,
                    byte: 0xFF
                })
            );
        }
        // a file that ends inside a character
        let (_, stop) = read_all(b"ab\xD8", 100, u64::MAX / 2);
        assert_eq!(
            stop,
            Some(Stop::NotUtf8 {
                offset: 2,
                byte: 0xD8
            })
        );
    }

    #[test]
    fn an_event_past_the_limit_stops_the_reading_soon_after() {
        let bytes = vec![b'x'; 10_000];
        let (out, stop) = read_all(&bytes, 4096, 1000);
        assert_eq!(stop, Some(Stop::TooLarge { offset: 0 }));
        assert!(out.len() <= 1002, "{}", out.len());
    }
}

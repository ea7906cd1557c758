//! The binary layout of wear's caches (the age cache, the scan cache): little-endian integers
//! and length-prefixed byte strings, written and read in one pass. A cache of half a million
//! line origins loads in milliseconds this way, where parsing it as JSON took a large share of
//! a run with nothing new. A reader answers `None` at the first thing that does not fit (a
//! truncated or corrupt file), and its caller then recomputes.

/// Appends values to a byte buffer.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// A buffer that starts with `format` (what [`Reader::new`] checks).
    pub(crate) fn new(format: &str) -> Writer {
        let mut writer = Writer { bytes: Vec::with_capacity(1 << 16) };
        writer.str(format);
        writer
    }

    pub(crate) fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }

    pub(crate) fn u32(&mut self, value: u32) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, value: u64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn i64(&mut self, value: i64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    /// A length, which the formats keep below `u32::MAX` (a larger one is cut, and the file
    /// then fails to read back, which only costs a recomputation).
    pub(crate) fn len(&mut self, len: usize) {
        self.u32(u32::try_from(len).unwrap_or(u32::MAX));
    }

    pub(crate) fn bytes(&mut self, value: &[u8]) {
        self.len(value.len());
        self.bytes.extend_from_slice(value);
    }

    pub(crate) fn str(&mut self, value: &str) {
        self.bytes(value.as_bytes());
    }

    /// Every `u32` of `values`, after their count.
    pub(crate) fn u32s(&mut self, values: &[u32]) {
        self.len(values.len());
        self.bytes.reserve(values.len() * 4);
        for value in values {
            self.bytes.extend_from_slice(&value.to_le_bytes());
        }
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// Reads values back in the order they were written.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader of `bytes`, if they start with `format`.
    pub(crate) fn new(bytes: &'a [u8], format: &str) -> Option<Reader<'a>> {
        let mut reader = Reader { rest: bytes };
        (reader.bytes()? == format.as_bytes()).then_some(reader)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.rest.len() < n {
            return None;
        }
        let (taken, rest) = self.rest.split_at(n);
        self.rest = rest;
        Some(taken)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }

    pub(crate) fn bool(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }

    pub(crate) fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.array()?))
    }

    /// A length, checked against what is left so that a corrupt one allocates nothing large.
    pub(crate) fn len(&mut self) -> Option<usize> {
        let len = self.u32()? as usize;
        (len <= self.rest.len()).then_some(len)
    }

    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.len()?;
        self.take(len)
    }

    pub(crate) fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    pub(crate) fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    pub(crate) fn u32s(&mut self) -> Option<Vec<u32>> {
        let len = self.u32()? as usize;
        let raw = self.take(len.checked_mul(4)?)?;
        Some(raw.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    /// Whether everything was read: trailing bytes mean the file is not what was written.
    pub(crate) fn at_end(&self) -> bool {
        self.rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_in_order() {
        let mut w = Writer::new("fmt/1");
        w.u8(7);
        w.bool(true);
        w.u32(70_000);
        w.u64(u64::MAX - 1);
        w.i64(-5);
        w.str("héllo");
        w.u32s(&[1, 2, 3]);
        let bytes = w.finish();
        let mut r = Reader::new(&bytes, "fmt/1").expect("same format");
        assert_eq!(r.u8(), Some(7));
        assert_eq!(r.bool(), Some(true));
        assert_eq!(r.u32(), Some(70_000));
        assert_eq!(r.u64(), Some(u64::MAX - 1));
        assert_eq!(r.i64(), Some(-5));
        assert_eq!(r.str(), Some("héllo"));
        assert_eq!(r.u32s(), Some(vec![1, 2, 3]));
        assert!(r.at_end());
        assert!(Reader::new(&bytes, "fmt/2").is_none(), "another format is not read");
    }

    #[test]
    fn truncated_or_corrupt_input_reads_as_none() {
        let mut w = Writer::new("fmt/1");
        w.str("a long enough string");
        w.u32s(&[9; 100]);
        let bytes = w.finish();
        for cut in 0..bytes.len() {
            let Some(mut r) = Reader::new(&bytes[..cut], "fmt/1") else { continue };
            let whole = r.str().is_some() && r.u32s().is_some();
            assert!(!whole, "a file cut at {cut} bytes reads as incomplete");
        }
        let mut huge = Writer::new("fmt/1");
        huge.u32(u32::MAX); // a length far beyond the data
        let bytes = huge.finish();
        let mut r = Reader::new(&bytes, "fmt/1").expect("format");
        assert_eq!(r.bytes(), None);
        assert!(Reader::new(&[0xff; 3], "fmt/1").is_none());
    }
}

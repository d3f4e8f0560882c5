//! Parsing of the `t=<unix seconds>,v1=<hex>` signature header.
//!
//! The parser works on the borrowed header and a fixed-size array on the
//! stack: it never allocates, and the work it does is bounded by
//! [`MAX_HEADER_LEN`] and [`MAX_SIGNATURES`] whatever the input.

use crate::error::{Error, HeaderError};

/// The longest signature header accepted, in bytes.
///
/// A provider's header is about 80 bytes per signature; 1 KiB leaves room
/// for several signatures and unknown schemes while bounding the work a
/// hostile header can cause.
pub const MAX_HEADER_LEN: usize = 1024;

/// The most `v1=` signatures one header may carry.
///
/// Each one costs a constant-time comparison per secret, so the count is
/// capped; providers send one, or two while they rotate secrets.
pub const MAX_SIGNATURES: usize = 8;

/// The length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// A parsed signature header, borrowing the header it came from.
///
/// ```
/// use signed_webhooks::SignatureHeader;
///
/// let sig = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";
/// let value = format!("t=1700000000,v1={sig},v0=legacy");
/// let header = SignatureHeader::parse(&value)?;
/// assert_eq!(header.timestamp(), 1_700_000_000);
/// assert_eq!(header.signature_count(), 1);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Clone)]
pub struct SignatureHeader<'a> {
    timestamp: i64,
    timestamp_digits: &'a str,
    // `None` marks a `v1=` value that is not 64 hex digits: it is counted,
    // but can never match.
    signatures: [Option<[u8; TAG_LEN]>; MAX_SIGNATURES],
    count: usize,
}

impl<'a> SignatureHeader<'a> {
    /// Parses a header value of the form `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`.
    ///
    /// Items are separated by `,` (optionally surrounded by spaces or tabs)
    /// and split at their first `=`. `t` must appear exactly once, as
    /// canonical decimal digits. Every `v1` is kept; a `v1` value that is not
    /// 64 hex digits is kept too but never matches. Other keys (`v0`, `v2`, …)
    /// are ignored.
    ///
    /// # Errors
    ///
    /// [`Error::MalformedHeader`] with the reason when the header does not
    /// have that shape, and [`Error::NoSignature`] when it has no `v1` item.
    pub fn parse(header: &'a str) -> Result<Self, Error> {
        let bytes = header.as_bytes();
        if bytes.is_empty() {
            return Err(HeaderError::Empty.into());
        }
        if bytes.len() > MAX_HEADER_LEN {
            return Err(HeaderError::TooLong {
                len: bytes.len(),
                max: MAX_HEADER_LEN,
            }
            .into());
        }
        if !bytes
            .iter()
            .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            return Err(HeaderError::InvalidCharacter.into());
        }

        let mut timestamp: Option<(i64, &'a str)> = None;
        let mut signatures = [None; MAX_SIGNATURES];
        let mut count = 0;

        let mut start = 0;
        while start <= bytes.len() {
            let end = bytes[start..]
                .iter()
                .position(|&b| b == b',')
                .map_or(bytes.len(), |i| start + i);
            let (item_start, item) = trim_ows(start, &bytes[start..end]);
            start = end + 1;

            if item.is_empty() {
                return Err(HeaderError::EmptyItem.into());
            }
            let Some(eq) = item.iter().position(|&b| b == b'=') else {
                return Err(HeaderError::MissingEquals {
                    position: item_start,
                }
                .into());
            };
            let (key, value) = (&item[..eq], &item[eq + 1..]);
            match key {
                b"" => {
                    return Err(HeaderError::EmptyKey {
                        position: item_start,
                    }
                    .into());
                }
                b"t" => {
                    if timestamp.is_some() {
                        return Err(HeaderError::DuplicateTimestamp.into());
                    }
                    let digits = &header[item_start + eq + 1..item_start + item.len()];
                    timestamp = Some((parse_timestamp(value)?, digits));
                }
                b"v1" => {
                    if count == MAX_SIGNATURES {
                        return Err(HeaderError::TooManySignatures {
                            max: MAX_SIGNATURES,
                        }
                        .into());
                    }
                    signatures[count] = decode_tag(value);
                    count += 1;
                }
                _ => {}
            }
        }

        let Some((timestamp, timestamp_digits)) = timestamp else {
            return Err(HeaderError::MissingTimestamp.into());
        };
        if count == 0 {
            return Err(Error::NoSignature);
        }
        Ok(SignatureHeader {
            timestamp,
            timestamp_digits,
            signatures,
            count,
        })
    }

    /// The `t=` value, in Unix seconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// The `t=` value exactly as it appears in the header: the bytes that
    /// were signed before the `.` and the body.
    pub fn timestamp_digits(&self) -> &'a str {
        self.timestamp_digits
    }

    /// How many `v1=` items the header carries, including any that are not
    /// well-formed hex and so can never match.
    pub fn signature_count(&self) -> usize {
        self.count
    }

    /// The well-formed `v1=` signatures, decoded from hex, in header order.
    pub fn signatures(&self) -> impl Iterator<Item = &[u8; TAG_LEN]> {
        self.signatures[..self.count].iter().flatten()
    }
}

impl std::fmt::Debug for SignatureHeader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureHeader")
            .field("timestamp", &self.timestamp)
            .field("signature_count", &self.count)
            .finish_non_exhaustive()
    }
}

/// Strips optional whitespace (spaces and tabs) around a list item, as HTTP
/// lists allow, and returns the item with its offset in the header.
fn trim_ows(offset: usize, item: &[u8]) -> (usize, &[u8]) {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let lead = item.iter().take_while(|b| is_ows(b)).count();
    let trail = item[lead..].iter().rev().take_while(|b| is_ows(b)).count();
    (offset + lead, &item[lead..item.len() - trail])
}

fn parse_timestamp(digits: &[u8]) -> Result<i64, HeaderError> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(HeaderError::InvalidTimestamp);
    }
    if digits.len() > 1 && digits[0] == b'0' {
        return Err(HeaderError::TimestampLeadingZero);
    }
    digits.iter().try_fold(0i64, |acc, &d| {
        acc.checked_mul(10)
            .and_then(|acc| acc.checked_add(i64::from(d - b'0')))
            .ok_or(HeaderError::TimestampOutOfRange)
    })
}

const INVALID: u8 = 0xff;

/// Maps an ASCII byte to its hex digit value, or [`INVALID`].
const HEX_VALUES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Decodes 64 hex digits into a tag, or `None` for anything else.
///
/// Invalid digits are folded into one flag instead of returning early, so
/// the loop has no data-dependent branch on the signature's content.
fn decode_tag(hex: &[u8]) -> Option<[u8; TAG_LEN]> {
    if hex.len() != 2 * TAG_LEN {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    let mut invalid = 0u8;
    for (out, pair) in tag.iter_mut().zip(hex.chunks_exact(2)) {
        let hi = HEX_VALUES[usize::from(pair[0])];
        let lo = HEX_VALUES[usize::from(pair[1])];
        invalid |= (hi | lo) & 0xf0;
        *out = (hi << 4) | (lo & 0x0f);
    }
    (invalid == 0).then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";

    #[test]
    fn decodes_lower_and_upper_hex() {
        let lower = decode_tag(SIG.as_bytes()).unwrap();
        let upper = decode_tag(SIG.to_ascii_uppercase().as_bytes()).unwrap();
        assert_eq!(lower, upper);
        assert_eq!(hex::encode(lower), SIG);
    }

    #[test]
    fn refuses_non_hex_and_wrong_length() {
        let mut bad = SIG.as_bytes().to_vec();
        bad[63] = b'g';
        assert_eq!(decode_tag(&bad), None);
        assert_eq!(decode_tag(&SIG.as_bytes()[..62]), None);
        assert_eq!(decode_tag(format!("{SIG}00").as_bytes()), None);
    }

    #[test]
    fn timestamp_digits_are_the_signed_bytes() {
        let header = format!("t=1700000000 , v1={SIG}");
        let parsed = SignatureHeader::parse(&header).unwrap();
        assert_eq!(parsed.timestamp_digits(), "1700000000");
    }

    #[test]
    fn timestamp_bounds() {
        assert_eq!(parse_timestamp(b"0"), Ok(0));
        assert_eq!(parse_timestamp(b"9223372036854775807"), Ok(i64::MAX));
        assert_eq!(
            parse_timestamp(b"9223372036854775808"),
            Err(HeaderError::TimestampOutOfRange)
        );
        assert_eq!(
            parse_timestamp(b"01"),
            Err(HeaderError::TimestampLeadingZero)
        );
        assert_eq!(parse_timestamp(b"-1"), Err(HeaderError::InvalidTimestamp));
        assert_eq!(parse_timestamp(b"+1"), Err(HeaderError::InvalidTimestamp));
    }
}

//! Parsing of signature headers: `key=value` items (Stripe's
//! `t=<unix seconds>,v1=<hex>`, Paddle's `ts=…;h1=…`, PagerDuty's
//! `v1=…,v1=…`), space-separated `v1,<base64>` lists (Standard Webhooks)
//! and a single prefixed signature (`sha256=<hex>`).
//!
//! The parsers work on the borrowed header and fixed-size arrays on the
//! stack: they never allocate, and the work they do is bounded by
//! [`MAX_HEADER_LEN`] and [`MAX_SIGNATURES`] whatever the input.

use crate::error::HeaderError;
use crate::scheme::Encoding;

/// Why a signature header was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Not of the scheme's shape.
    Malformed(HeaderError),
    /// Well-formed, but no signature of the version checked.
    NoSignature,
}

impl From<HeaderError> for ParseError {
    fn from(error: HeaderError) -> Self {
        ParseError::Malformed(error)
    }
}

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

/// How a `key=value` header is written: what separates its items, the key
/// of its timestamp (if it has one) and of its signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PairSyntax {
    pub(crate) separator: u8,
    pub(crate) time_key: Option<&'static str>,
    pub(crate) signature_key: &'static str,
}

/// Stripe's: `t=…,v1=…`.
pub(crate) const STRIPE: PairSyntax = PairSyntax {
    separator: b',',
    time_key: Some("t"),
    signature_key: "v1",
};

/// A parsed `t=…,v1=…` signature header, borrowing the header it came from.
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
    /// The reason when the header does not have that shape, and
    /// `NoSignature` when it has no `v1` item.
    #[inline]
    pub fn parse(header: &'a str) -> Result<Self, ParseError> {
        let mut parsed = Self::EMPTY;
        parsed.parse_into(header, STRIPE)?;
        Ok(parsed)
    }

    /// No timestamp and no signature: the slot [`parse_into`](Self::parse_into)
    /// fills.
    pub(crate) const EMPTY: Self = SignatureHeader {
        timestamp: 0,
        timestamp_digits: "",
        signatures: [None; MAX_SIGNATURES],
        count: 0,
    };

    /// [`parse`](Self::parse), writing into `self` in place: the verifier
    /// parses into a slot of its own stack frame, so the ~300-byte header is
    /// never copied from one place to another on the way. On an error,
    /// `self` holds nothing meaningful.
    ///
    /// Items are those of `syntax`: Stripe's (`t`, `v1`, `,`) take a fast
    /// path; a header without a time key has no timestamp (0).
    #[inline]
    pub(crate) fn parse_into(
        &mut self,
        header: &'a str,
        syntax: PairSyntax,
    ) -> Result<(), ParseError> {
        if syntax != STRIPE || !self.parse_canonical(header) {
            *self = Self::parse_general(header, syntax)?;
        }
        Ok(())
    }

    /// The fast path, for the exact shape providers send:
    /// `t=<digits>,v1=<64 hex>[,v1=<64 hex>…]` and nothing else, in one pass.
    ///
    /// Returns `false` for anything else, which then goes through
    /// [`parse_general`](Self::parse_general). On every header this path
    /// accepts, the general parser returns the same result (a test checks
    /// it), so the fast path only saves work and never changes an answer:
    /// it takes no timestamp of 19 digits (which might overflow), no more
    /// than [`MAX_SIGNATURES`] signatures, and no `v1` that is not 64 valid
    /// hex digits.
    #[inline]
    fn parse_canonical(&mut self, header: &'a str) -> bool {
        let bytes = header.as_bytes();
        let Some(rest) = bytes.strip_prefix(b"t=") else {
            return false;
        };
        // The digits and their value in one pass. At most 18 digits are
        // taken (a 19th sends the header to the general parser), so the
        // value stays below i64::MAX and cannot overflow.
        let mut digits_len = 0;
        let mut timestamp = 0i64;
        for &byte in rest {
            let digit = byte.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            if digits_len == 18 {
                return false;
            }
            timestamp = timestamp * 10 + i64::from(digit);
            digits_len += 1;
        }
        if digits_len == 0 || (digits_len > 1 && rest[0] == b'0') {
            return false;
        }
        self.timestamp = timestamp;
        self.timestamp_digits = &header[2..2 + digits_len];

        let mut rest = &rest[digits_len..];
        self.count = 0;
        while let Some(item) = rest.strip_prefix(b",v1=") {
            let Some((hex, tail)) = item.split_first_chunk::<{ 2 * TAG_LEN }>() else {
                return false;
            };
            if self.count == MAX_SIGNATURES {
                return false;
            }
            let Some(tag) = decode_hex_tag(hex) else {
                return false;
            };
            self.signatures[self.count] = Some(tag);
            self.count += 1;
            rest = tail;
        }
        rest.is_empty() && self.count > 0
    }

    /// The general parser: every shape the format allows (whitespace, other
    /// schemes, items in any order), and the precise error for every shape
    /// it does not.
    #[inline(never)]
    fn parse_general(header: &'a str, syntax: PairSyntax) -> Result<Self, ParseError> {
        check_text(header)?;
        let bytes = header.as_bytes();
        let mut timestamp: Option<(i64, &'a str)> = None;
        let mut signatures = [None; MAX_SIGNATURES];
        let mut count = 0;
        let time_key = syntax.time_key.map(str::as_bytes);
        let signature_key = syntax.signature_key.as_bytes();

        let mut start = 0;
        while start <= bytes.len() {
            let end = bytes[start..]
                .iter()
                .position(|&b| b == syntax.separator)
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
            if key.is_empty() {
                return Err(HeaderError::EmptyKey {
                    position: item_start,
                }
                .into());
            }
            if Some(key) == time_key {
                if timestamp.is_some() {
                    return Err(HeaderError::DuplicateTimestamp.into());
                }
                let digits = &header[item_start + eq + 1..item_start + item.len()];
                timestamp = Some((parse_timestamp(value)?, digits));
            } else if key == signature_key {
                if count == MAX_SIGNATURES {
                    return Err(HeaderError::TooManySignatures {
                        max: MAX_SIGNATURES,
                    }
                    .into());
                }
                signatures[count] = decode_tag(value);
                count += 1;
            }
        }

        let (timestamp, timestamp_digits) = match (timestamp, time_key) {
            (Some(timestamp), _) => timestamp,
            (None, None) => (0, ""),
            (None, Some(_)) => return Err(HeaderError::MissingTimestamp.into()),
        };
        if count == 0 {
            return Err(ParseError::NoSignature);
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

    /// Every `v1=` item, `None` for one that is not 64 hex digits.
    pub(crate) fn raw_signatures(&self) -> &[Option<[u8; TAG_LEN]>] {
        &self.signatures[..self.count]
    }
}

/// The signatures of a header that carries nothing else: a
/// space-separated list of `<version>,<signature>` items, or one signature
/// after a prefix.
#[derive(Clone)]
pub(crate) struct SignatureList {
    // `None` marks a signature that does not decode: counted, never matched.
    tags: [Option<[u8; TAG_LEN]>; MAX_SIGNATURES],
    count: usize,
}

impl SignatureList {
    /// Parses a space-separated list of `<version>,<signature>` items
    /// ([`versioned_items`]) of hex signatures, decoding each: one that does
    /// not decode is kept but never matches.
    pub(crate) fn parse_versioned(header: &[u8], version: &str) -> Result<Self, ParseError> {
        let mut tags = [None; MAX_SIGNATURES];
        let count = versioned_items(header, version, |index, signature| {
            tags[index] = decode_tag(signature);
        })?;
        Ok(SignatureList { tags, count })
    }

    /// Parses one signature after `prefix` (`sha256=<hex>`): a header
    /// without the prefix, or whose signature does not decode, is malformed.
    pub(crate) fn parse_single(
        header: &str,
        prefix: &str,
        encoding: Encoding,
    ) -> Result<Self, ParseError> {
        check_text(header)?;
        let signature = header
            .trim_matches([' ', '\t'])
            .strip_prefix(prefix)
            .ok_or(HeaderError::MissingPrefix)?;
        let tag = decode_signature(signature.as_bytes(), encoding)
            .ok_or(HeaderError::InvalidSignature)?;
        let mut tags = [None; MAX_SIGNATURES];
        tags[0] = Some(tag);
        Ok(SignatureList { tags, count: 1 })
    }

    /// Every signature, `None` for one that does not decode.
    pub(crate) fn raw_signatures(&self) -> &[Option<[u8; TAG_LEN]>] {
        &self.tags[..self.count]
    }
}

/// The signatures of a header, kept as sent, for the algorithms whose tags
/// are not HMAC-SHA256's 32 bytes (HMAC-SHA1 and -SHA512, a token): they
/// are decoded when compared, to the algorithm's length.
#[derive(Clone)]
pub(crate) struct RawList<'h> {
    signatures: [&'h [u8]; MAX_SIGNATURES],
    count: usize,
}

impl<'h> RawList<'h> {
    /// One signature after `prefix`: a header without it is malformed.
    pub(crate) fn parse_single(header: &'h str, prefix: &str) -> Result<Self, ParseError> {
        check_text(header)?;
        let signature = header
            .trim_matches([' ', '\t'])
            .strip_prefix(prefix)
            .ok_or(HeaderError::MissingPrefix)?;
        let mut signatures = [&[][..]; MAX_SIGNATURES];
        signatures[0] = signature.as_bytes();
        Ok(RawList {
            signatures,
            count: 1,
        })
    }

    /// The signatures of a space-separated list's `version` items
    /// ([`versioned_items`]), as sent: Standard Webhooks' `v1a,<base64>`.
    pub(crate) fn parse_versioned(header: &'h [u8], version: &str) -> Result<Self, ParseError> {
        let mut signatures = [&[][..]; MAX_SIGNATURES];
        let count = versioned_items(header, version, |index, signature| {
            signatures[index] = signature;
        })?;
        Ok(RawList { signatures, count })
    }

    /// Every signature, as sent.
    pub(crate) fn signatures(&self) -> &[&'h [u8]] {
        &self.signatures[..self.count]
    }
}

/// Decodes a signature of `len` bytes written in `encoding` into `out`;
/// `None` when it is not exactly that (empty and truncated signatures
/// never match).
pub(crate) fn decode_exact<'o>(
    text: &[u8],
    encoding: Encoding,
    len: usize,
    out: &'o mut [u8; 64],
) -> Option<&'o [u8]> {
    let out = out.get_mut(..len)?;
    match encoding {
        Encoding::Hex => hex::decode_to_slice(text, out).ok()?,
        #[cfg(feature = "base64")]
        Encoding::Base64 => {
            use base64ct::Encoding as _;
            let decoded = base64ct::Base64::decode(text, out).ok()?;
            if decoded.len() != len {
                return None;
            }
        }
    }
    Some(out)
}

/// The length of an HMAC-SHA256 tag in padded base64.
#[cfg(feature = "base64")]
pub(crate) const BASE64_TAG_LEN: usize = 44;

/// The base64 signatures of a space-separated `<version>,<signature>` list
/// (Standard Webhooks), kept as sent, borrowing the header.
///
/// They are public (the sender wrote them), so they are not decoded: the
/// verifier encodes the tag it expects (secret-derived: in constant time,
/// with `base64ct`) and compares the texts in constant time, as the
/// reference `standardwebhooks` libraries do. Exactly the same signatures
/// match as if each were decoded with `base64ct`, which takes only the
/// canonical padded encoding of 32 bytes: that is the one text the expected
/// tag encodes to (a test checks every last character). Decoding was most
/// of the header work of a verification (`base64ct` is constant time, and
/// slow for that).
#[cfg(feature = "base64")]
#[derive(Clone)]
pub(crate) struct EncodedList<'h> {
    // `None` marks a signature that is not 44 characters: counted, never
    // matched.
    signatures: [Option<&'h [u8; BASE64_TAG_LEN]>; MAX_SIGNATURES],
    count: usize,
}

#[cfg(feature = "base64")]
impl<'h> EncodedList<'h> {
    /// Parses a space-separated list of `<version>,<base64>` items
    /// ([`versioned_items`]).
    pub(crate) fn parse_versioned(header: &'h [u8], version: &str) -> Result<Self, ParseError> {
        let mut signatures = [None; MAX_SIGNATURES];
        let count = versioned_items(header, version, |index, signature| {
            signatures[index] = signature.try_into().ok();
        })?;
        Ok(EncodedList { signatures, count })
    }

    /// Every signature, `None` for one of the wrong length.
    pub(crate) fn raw_signatures(&self) -> &[Option<&'h [u8; BASE64_TAG_LEN]>] {
        &self.signatures[..self.count]
    }
}

/// The padded base64 of a tag, in constant time (`base64ct`): what a
/// signature in an [`EncodedList`] must be to match.
#[cfg(feature = "base64")]
pub(crate) fn encode_base64_tag(tag: &[u8; TAG_LEN]) -> [u8; BASE64_TAG_LEN] {
    use base64ct::Encoding as _;
    let mut text = [0u8; BASE64_TAG_LEN];
    let written = base64ct::Base64::encode(tag, &mut text).map(str::len);
    debug_assert_eq!(written, Ok(BASE64_TAG_LEN));
    text
}

/// Walks a space-separated list of `<version>,<signature>` items (Standard
/// Webhooks: `v1,<base64> v1a,<base64>`) and hands `keep` the signature of
/// each item of `version`, with its index; returns how many there were.
/// Items of other versions, and items without a comma, are skipped, as are
/// repeated spaces.
///
/// # Errors
///
/// The header's text is checked first ([`check_bytes`]); more than
/// [`MAX_SIGNATURES`] items of `version` is malformed, none is
/// `NoSignature`.
fn versioned_items<'h>(
    header: &'h [u8],
    version: &str,
    mut keep: impl FnMut(usize, &'h [u8]),
) -> Result<usize, ParseError> {
    check_bytes(header)?;
    let mut count = 0;
    for item in header.split(|&b| b == b' ') {
        // An empty item (repeated spaces) has no comma either.
        let Some(comma) = item.iter().position(|&b| b == b',') else {
            continue;
        };
        if &item[..comma] != version.as_bytes() {
            continue;
        }
        if count == MAX_SIGNATURES {
            return Err(HeaderError::TooManySignatures {
                max: MAX_SIGNATURES,
            }
            .into());
        }
        keep(count, &item[comma + 1..]);
        count += 1;
    }
    if count == 0 {
        return Err(ParseError::NoSignature);
    }
    Ok(count)
}

/// Checks the bounds every header shares: not empty, at most
/// [`MAX_HEADER_LEN`] bytes, visible ASCII (and tabs).
pub(crate) fn check_text(header: &str) -> Result<(), HeaderError> {
    let bytes = header.as_bytes();
    if bytes.is_empty() {
        return Err(HeaderError::Empty);
    }
    if bytes.len() > MAX_HEADER_LEN {
        return Err(HeaderError::TooLong {
            len: bytes.len(),
            max: MAX_HEADER_LEN,
        });
    }
    if !visible(bytes) {
        return Err(HeaderError::InvalidCharacter);
    }
    Ok(())
}

/// [`check_text`] on a header value not yet known to be UTF-8, with the
/// same answer as converting it to text (non-UTF-8 being
/// `InvalidCharacter`) and then checking it, in one pass over a value that
/// passes: visible ASCII is UTF-8.
#[inline]
pub(crate) fn check_bytes(bytes: &[u8]) -> Result<(), HeaderError> {
    if (1..=MAX_HEADER_LEN).contains(&bytes.len()) && visible(bytes) {
        return Ok(());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| HeaderError::InvalidCharacter)?;
    check_text(text)
}

/// Whether every byte is visible ASCII or a tab.
#[inline]
fn visible(bytes: &[u8]) -> bool {
    // Every byte is looked at, without an early exit, so the loop
    // vectorizes: byte by byte it was most of a short header's parse.
    bytes.iter().fold(true, |ok, &b| {
        ok & ((b == b'\t') | (b' '..=b'~').contains(&b))
    })
}

/// Decodes a signature in `encoding` into a tag, or `None` when it is not
/// exactly one tag's worth: empty and truncated signatures never match.
pub(crate) fn decode_signature(text: &[u8], encoding: Encoding) -> Option<[u8; TAG_LEN]> {
    match encoding {
        Encoding::Hex => decode_tag(text),
        #[cfg(feature = "base64")]
        Encoding::Base64 => decode_base64_tag(text),
    }
}

/// Decodes 44 characters of standard, padded base64 into a tag, in
/// constant time (`base64ct`), or `None` for anything else.
#[cfg(feature = "base64")]
fn decode_base64_tag(text: &[u8]) -> Option<[u8; TAG_LEN]> {
    use base64ct::Encoding as _;
    let mut tag = [0u8; TAG_LEN];
    match base64ct::Base64::decode(text, &mut tag) {
        Ok(decoded) if decoded.len() == TAG_LEN => Some(tag),
        _ => None,
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

/// Parses canonical decimal Unix seconds: digits only, no leading zero.
pub(crate) fn parse_timestamp(digits: &[u8]) -> Result<i64, HeaderError> {
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

/// Decodes 64 hex digits (either case) into a tag, or `None` for anything
/// else.
pub(crate) fn decode_tag(hex: &[u8]) -> Option<[u8; TAG_LEN]> {
    decode_hex_tag(hex.try_into().ok()?)
}

/// Decodes exactly 64 hex digits (either case) into a tag, or `None` if
/// any byte is not a hex digit: [`decode_hex_tag_on`] for this target's
/// byte order.
#[inline]
fn decode_hex_tag(hex: &[u8; 2 * TAG_LEN]) -> Option<[u8; TAG_LEN]> {
    decode_hex_tag_on::<{ cfg!(target_endian = "big") }>(hex)
}

/// [`decode_hex_tag`] as a target of the given byte order runs it: the
/// crate instantiates it for its own target only; the tests run both
/// orders, so a little-endian machine also runs the decoder as a
/// big-endian one would.
///
/// Eight digits are decoded at a time ([`decode_hex_word`]) and the
/// validity of all of them is folded into one word, tested once at the
/// end: no branch or table lookup depends on a digit's value.
///
/// Every word is read, every mask built and every result written
/// little-endian, explicitly ([`from_le`], [`to_le`]): lane `i` of a word
/// (bits `8i..8i + 8`) is digit `i` on every target. A mask built in the
/// target's own order (`u64::from_ne_bytes`, or [`native`] here) is what
/// made every hex signature decode wrong on big-endian targets until
/// issue 17. The `hex` and `base16ct` crates' decoders were measured in
/// its place: 4x and 2.4x its time on 64 digits, enough to put a 1 KiB
/// verification over its goal (BENCHMARKS.md, "Hex decoding (issue 17)").
#[inline]
#[deny(clippy::host_endian_bytes)]
fn decode_hex_tag_on<const BIG_ENDIAN: bool>(hex: &[u8; 2 * TAG_LEN]) -> Option<[u8; TAG_LEN]> {
    let mut tag = [0u8; TAG_LEN];
    let mut invalid = 0u64;
    let (digits, _) = hex.as_chunks::<8>();
    let (out, _) = tag.as_chunks_mut::<4>();
    for (out, digits) in out.iter_mut().zip(digits) {
        let (packed, word_invalid) = decode_hex_word::<BIG_ENDIAN>(from_le::<BIG_ENDIAN>(*digits));
        *out = to_le::<BIG_ENDIAN>(packed);
        invalid |= word_invalid;
    }
    (invalid == 0).then_some(tag)
}

/// What `u64::from_ne_bytes` returns on a target of the given byte order
/// (on this target's, it is exactly that). Only [`from_le`] uses it.
#[inline(always)]
const fn native<const BIG_ENDIAN: bool>(bytes: [u8; 8]) -> u64 {
    if BIG_ENDIAN {
        u64::from_be_bytes(bytes)
    } else {
        u64::from_le_bytes(bytes)
    }
}

/// `u64::from_le_bytes` as a target of the given byte order computes it:
/// the native word, byte-swapped on a big-endian target. The same value on
/// every target: byte `i` is lane `i`.
#[inline(always)]
const fn from_le<const BIG_ENDIAN: bool>(bytes: [u8; 8]) -> u64 {
    let word = native::<BIG_ENDIAN>(bytes);
    if BIG_ENDIAN { word.swap_bytes() } else { word }
}

/// `u32::to_le_bytes` as a target of the given byte order computes it:
/// byte-swapped on a big-endian target, then stored natively. Lane `i`
/// is byte `i` on every target.
#[inline(always)]
const fn to_le<const BIG_ENDIAN: bool>(word: u32) -> [u8; 4] {
    if BIG_ENDIAN {
        word.swap_bytes().to_be_bytes()
    } else {
        word.to_le_bytes()
    }
}

/// A byte repeated in every lane of a `u64`.
#[inline(always)]
const fn lanes<const BIG_ENDIAN: bool>(byte: u8) -> u64 {
    from_le::<BIG_ENDIAN>([byte; 8])
}

/// Decodes eight ASCII hex digits, lane `i` of `word` being digit `i`
/// ([`from_le`]), into four bytes, lane `i` of the result being byte `i`
/// ([`to_le`]), in one go ("SIMD within a register"). The second value is
/// zero when all eight bytes are hex digits.
///
/// Each byte of `word` is a lane. Once every lane is known to be below
/// 0x80, adding a constant below 0x80 to the whole word cannot carry from
/// one lane into the next, so `lane + (0x80 - k)` has its top bit set
/// exactly when `lane >= k`: two such tests bound a range.
#[inline(always)]
#[deny(clippy::host_endian_bytes)]
fn decode_hex_word<const BIG_ENDIAN: bool>(word: u64) -> (u32, u64) {
    let lanes = lanes::<BIG_ENDIAN>;
    let high = lanes(0x80);
    // A byte of 0x80 or more is invalid (and would break the sums below).
    let non_ascii = word & high;
    let at_least = |lane_values: u64, k: u8| lane_values.wrapping_add(lanes(0x80 - k));
    // '0'..='9'
    let digit = at_least(word, b'0') & !at_least(word, b'9' + 1) & high;
    // 'a'..='f' once 0x20 is set, which maps 'A'..='F' (and only them) there.
    let folded = word | lanes(0x20);
    let letter = at_least(folded, b'a') & !at_least(folded, b'f' + 1) & high;
    let invalid = non_ascii | ((digit | letter) ^ high);

    // A digit's value is its low nibble; a letter's is its low nibble + 9.
    let nibbles = (word & lanes(0x0f)) + (letter >> 7) * 9;
    // Pair the nibbles into bytes (the first digit, in the even lane, is
    // the high nibble), then pack the bytes into the low four lanes.
    let even = from_le::<BIG_ENDIAN>([0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0]);
    let pairs = ((nibbles & even) << 4) | ((nibbles >> 8) & even);
    let halves = from_le::<BIG_ENDIAN>([0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0]);
    let pairs = (pairs | (pairs >> 8)) & halves;
    let packed = (pairs | (pairs >> 16)) as u32;
    (packed, invalid)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Near-canonical headers: mostly the shape the fast path takes, with
    /// the edge cases it must hand over (19+ digits, leading zeros, bad or
    /// short hex, too many signatures, trailing items, spaces).
    fn near_canonical() -> impl Strategy<Value = String> {
        let digits = prop_oneof![
            "[1-9][0-9]{0,17}",
            "[0-9]{0,22}",
            Just("9223372036854775807".to_owned()),
            Just("9223372036854775808".to_owned()),
        ];
        let signature = prop_oneof![
            4 => "[0-9a-fA-F]{64}",
            1 => "[0-9a-fA-Fg ]{62,66}",
            1 => "[\\x00-\\x7f\\u{80}-\\u{10ffff}]{64}",
        ];
        let signatures = prop::collection::vec(signature, 0..=MAX_SIGNATURES + 2);
        let tail = prop_oneof![4 => Just(String::new()), 1 => "[ ,=v0-9a-z]{1,6}"];
        (digits, signatures, tail).prop_map(|(digits, signatures, tail)| {
            let mut header = format!("t={digits}");
            for signature in signatures {
                header.push_str(",v1=");
                header.push_str(&signature);
            }
            header + &tail
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// The fast path only ever saves work: whatever it accepts, the
        /// general parser accepts with the same content.
        #[test]
        fn fast_path_agrees_with_the_general_parser(header in near_canonical()) {
            let mut fast = SignatureHeader::EMPTY;
            if fast.parse_canonical(&header) {
                let general = SignatureHeader::parse_general(&header, STRIPE)
                    .expect("the general parser refused a header the fast path took");
                prop_assert_eq!(fast.timestamp, general.timestamp);
                prop_assert_eq!(fast.timestamp_digits, general.timestamp_digits);
                prop_assert_eq!(fast.count, general.count);
                prop_assert_eq!(
                    &fast.signatures[..fast.count],
                    &general.signatures[..general.count]
                );
            }
        }
    }

    /// A base64 signature and `tag`'s canonical encoding are compared as
    /// texts: that must match exactly the signatures `base64ct` decodes to
    /// `tag`, so that comparing in the encoded domain accepts and refuses
    /// what decoding did.
    #[cfg(feature = "base64")]
    fn decodes_to_tag_iff_equal_to_its_encoding(text: &[u8], tag: &[u8; TAG_LEN]) {
        let encoded = encode_base64_tag(tag);
        assert_eq!(
            decode_base64_tag(text).as_ref() == Some(tag),
            text == encoded,
            "{}",
            String::from_utf8_lossy(text)
        );
    }

    #[cfg(feature = "base64")]
    #[test]
    fn encoded_comparison_matches_what_decoding_matched_in_the_last_two_characters() {
        // The last two characters hold the padding and the unused low bits
        // of the last byte: every pair of byte values there.
        for tag in [
            [0u8; TAG_LEN],
            [0xff; TAG_LEN],
            std::array::from_fn(|i| (i as u8).wrapping_mul(37)),
        ] {
            let mut text = encode_base64_tag(&tag);
            assert_eq!(decode_base64_tag(&text), Some(tag));
            for (a, b) in (0..=255u8).flat_map(|a| (0..=255u8).map(move |b| (a, b))) {
                text[BASE64_TAG_LEN - 2] = a;
                text[BASE64_TAG_LEN - 1] = b;
                decodes_to_tag_iff_equal_to_its_encoding(&text, &tag);
            }
        }
    }

    #[cfg(feature = "base64")]
    proptest! {
        /// Anywhere in the text: one or two characters replaced by any
        /// base64 character, padding or other byte.
        #[test]
        fn encoded_comparison_matches_what_decoding_matched(
            tag in any::<[u8; TAG_LEN]>(),
            changes in prop::collection::vec(
                (0..BASE64_TAG_LEN, prop_oneof![
                    3 => prop::sample::select(
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".to_vec()
                    ),
                    1 => any::<u8>(),
                ]),
                0..=2,
            ),
        ) {
            let mut text = encode_base64_tag(&tag);
            for (at, byte) in changes {
                text[at] = byte;
            }
            decodes_to_tag_iff_equal_to_its_encoding(&text, &tag);
        }
    }

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

    /// Both byte orders' decoders: this target's, and the other one's run
    /// here ([`decode_hex_tag_on`]).
    type Decoder = fn(&[u8; 2 * TAG_LEN]) -> Option<[u8; TAG_LEN]>;
    const ORDERS: [(&str, Decoder); 2] = [
        ("little-endian", decode_hex_tag_on::<false>),
        ("big-endian", decode_hex_tag_on::<true>),
    ];

    /// Every byte value in every one of the 64 positions, against
    /// `hex::decode` (an independent decoder, byte by byte), through the
    /// decoder as a little-endian and as a big-endian target runs it, and
    /// through both ways in on this target: [`decode_tag`] (the general
    /// parser, `sha256=` and versioned lists) and the fast path of
    /// [`SignatureHeader::parse`].
    ///
    /// The big-endian run is what catches a byte-order mistake on this
    /// (little-endian) machine: a word read or a mask built in the
    /// target's own order ([`native`]) instead of little-endian
    /// ([`from_le`]) decodes the wrong tag there. The SWAR decoder before
    /// issue 17 built its pairing mask that way (`u64::from_ne_bytes`) and
    /// fails this test when written over [`native`]; written with
    /// `u64::from_ne_bytes` itself it fails `clippy::host_endian_bytes`,
    /// denied on the decoder.
    #[test]
    fn decodes_every_byte_value_in_every_position_like_a_table_would() {
        const BASE: &[u8; 64] = b"0123456789abcdefABCDEF0123456789abcdef0123456789ABCDEF0123456789";
        for position in 0..2 * TAG_LEN {
            for byte in 0..=255u8 {
                let mut hex = *BASE;
                hex[position] = byte;
                let expected = char::from(byte)
                    .to_digit(16)
                    .map(|_| hex::decode(hex).unwrap());
                for (order, decode) in ORDERS {
                    let got = decode(&hex).map(|tag| tag.to_vec());
                    assert_eq!(got, expected, "{order}: byte {byte:#04x} at {position}");
                }
                let got = decode_tag(&hex).map(|tag| tag.to_vec());
                assert_eq!(got, expected, "byte {byte:#04x} at {position}");

                // The fast path decodes while it parses; a signature that
                // does not decode sends the header to the general parser,
                // which keeps it as one that never matches.
                let mut header = b"t=1700000000,v1=".to_vec();
                header.extend_from_slice(&hex);
                let Ok(header) = String::from_utf8(header) else {
                    continue; // not a `&str`: never reaches the parser
                };
                let mut fast = SignatureHeader::EMPTY;
                assert_eq!(fast.parse_canonical(&header), expected.is_some());
                // (A byte such as `,` or a control character makes the
                // header itself malformed.)
                let got = SignatureHeader::parse(&header)
                    .ok()
                    .and_then(|parsed| parsed.raw_signatures()[0])
                    .map(|tag| tag.to_vec());
                assert_eq!(got, expected, "byte {byte:#04x} at {position}, parsed");
            }
        }
    }

    /// Every decoded byte where its two digits were, high digit first, in
    /// both byte orders: the digits `00 01 … 1f` decode to the bytes 0 to
    /// 31 in order, and `f0 0f …` to 0xf0, 0x0f, …, in either case. Any
    /// reordering of the tag's bytes (a word read or stored in the wrong
    /// order) or of the nibbles within them fails here.
    #[test]
    fn decoded_bytes_and_nibbles_keep_their_order() {
        let ascending: String = (0..TAG_LEN).map(|i| format!("{i:02x}")).collect();
        let in_order: [u8; TAG_LEN] = std::array::from_fn(|i| i as u8);
        let nibbles = "f00f".repeat(TAG_LEN / 2);
        let alternating: [u8; TAG_LEN] = std::array::from_fn(|i| [0xf0, 0x0f][i % 2]);
        for (order, decode) in ORDERS {
            let decode = |text: &str| decode(text.as_bytes().try_into().unwrap());
            assert_eq!(decode(&ascending), Some(in_order), "{order}");
            assert_eq!(decode(&nibbles), Some(alternating), "{order}");
            let upper = nibbles.to_ascii_uppercase();
            assert_eq!(decode(&upper), Some(alternating), "{order}");
        }
        assert_eq!(decode_tag(ascending.as_bytes()), Some(in_order));
    }

    /// The emulation is real: the other order's native words are this
    /// target's byte-swapped, and its little-endian reads and writes are
    /// still the little-endian ones.
    #[test]
    fn the_other_byte_order_is_emulated() {
        let bytes = *b"01234567";
        assert_eq!(
            native::<{ cfg!(target_endian = "big") }>(bytes),
            u64::from_ne_bytes(bytes)
        );
        assert_eq!(
            native::<{ !cfg!(target_endian = "big") }>(bytes),
            u64::from_ne_bytes(bytes).swap_bytes()
        );
        assert_ne!(native::<true>(bytes), native::<false>(bytes));
        for le in [from_le::<false>(bytes), from_le::<true>(bytes)] {
            assert_eq!(le, u64::from_le_bytes(bytes));
        }
        for le in [to_le::<false>(0x0403_0201), to_le::<true>(0x0403_0201)] {
            assert_eq!(le, [1, 2, 3, 4]);
        }
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

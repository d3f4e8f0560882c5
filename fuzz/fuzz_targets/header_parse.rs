//! `SignatureHeader::parse` (the `t=…,v1=…` parser, exposed for fuzzing as
//! `signed_webhooks::__private`) on arbitrary input.
//!
//! Besides "never panics", every result is checked against a naive reference
//! parser written from the documented grammar (split on `,`, trim spaces and
//! tabs, split each item at its first `=`), and every accepted header
//! against the invariants the rest of the crate relies on.

#![no_main]

use libfuzzer_sys::fuzz_target;
use signed_webhooks::__private::{ParseError, SignatureHeader};
use signed_webhooks::{HeaderError, MAX_HEADER_LEN, MAX_SIGNATURES};

/// What the reference parser makes of a header.
#[derive(Debug, PartialEq)]
enum Expected {
    Ok {
        timestamp: i64,
        digits: String,
        /// Every `v1` item: its tag when it is 64 hex digits.
        signatures: Vec<Option<[u8; 32]>>,
    },
    /// The reason's `Debug` text: `HeaderError`'s struct variants are
    /// `#[non_exhaustive]`, so they cannot be built outside the crate.
    Malformed(String),
    NoSignature,
}

fn malformed(reason: HeaderError) -> Expected {
    Expected::Malformed(format!("{reason:?}"))
}

fn reference(header: &str) -> Expected {
    use HeaderError::*;
    if header.is_empty() {
        return malformed(Empty);
    }
    if header.len() > MAX_HEADER_LEN {
        return Expected::Malformed(format!(
            "TooLong {{ len: {}, max: {MAX_HEADER_LEN} }}",
            header.len()
        ));
    }
    if !header
        .chars()
        .all(|c| c == '\t' || (' '..='~').contains(&c))
    {
        return malformed(InvalidCharacter);
    }
    let mut timestamp: Option<(i64, String)> = None;
    let mut signatures = Vec::new();
    let mut offset = 0;
    for raw in header.split(',') {
        let item_offset = offset + (raw.len() - raw.trim_start_matches([' ', '\t']).len());
        offset += raw.len() + 1;
        let item = raw.trim_matches([' ', '\t']);
        if item.is_empty() {
            return malformed(EmptyItem);
        }
        let Some((key, value)) = item.split_once('=') else {
            return Expected::Malformed(format!("MissingEquals {{ position: {item_offset} }}"));
        };
        match key {
            "" => {
                return Expected::Malformed(format!("EmptyKey {{ position: {item_offset} }}"));
            }
            "t" => {
                if timestamp.is_some() {
                    return malformed(DuplicateTimestamp);
                }
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return malformed(InvalidTimestamp);
                }
                if value.len() > 1 && value.starts_with('0') {
                    return malformed(TimestampLeadingZero);
                }
                // Canonical digits only, so `str::parse` is an independent oracle.
                let Ok(t) = value.parse::<i64>() else {
                    return malformed(TimestampOutOfRange);
                };
                timestamp = Some((t, value.to_owned()));
            }
            "v1" => {
                if signatures.len() == MAX_SIGNATURES {
                    return Expected::Malformed(format!(
                        "TooManySignatures {{ max: {MAX_SIGNATURES} }}"
                    ));
                }
                let tag = (value.len() == 64)
                    .then(|| hex::decode(value).ok())
                    .flatten()
                    .map(|bytes| <[u8; 32]>::try_from(bytes).expect("64 hex digits are 32 bytes"));
                signatures.push(tag);
            }
            _ => {}
        }
    }
    let Some((timestamp, digits)) = timestamp else {
        return malformed(MissingTimestamp);
    };
    if signatures.is_empty() {
        return Expected::NoSignature;
    }
    Expected::Ok {
        timestamp,
        digits,
        signatures,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = SignatureHeader::parse(header);
    let expected = reference(header);

    match parsed {
        Ok(parsed) => {
            // The invariants the verifier relies on.
            let timestamp = parsed.timestamp();
            let count = parsed.signature_count();
            assert!(timestamp >= 0, "negative timestamp {timestamp}");
            assert!(
                (1..=MAX_SIGNATURES).contains(&count),
                "signature count {count}"
            );
            assert!(parsed.signatures().count() <= count);
            let digits = parsed.timestamp_digits();
            assert_eq!(digits, timestamp.to_string(), "digits do not round-trip");
            // The digits are a slice of the header: the very bytes signed.
            let start = digits.as_ptr() as usize - header.as_ptr() as usize;
            assert!(start + digits.len() <= header.len());
            assert!(header[..start].ends_with("t="));
            // Debug never shows the signatures.
            let debug = format!("{parsed:?}");
            for tag in parsed.signatures() {
                assert!(!debug.contains(&hex::encode(tag)));
            }

            let Expected::Ok {
                timestamp: t,
                digits: d,
                signatures,
            } = expected
            else {
                panic!("parser accepted {header:?}; reference says {expected:?}");
            };
            assert_eq!(timestamp, t);
            assert_eq!(digits, d);
            assert_eq!(count, signatures.len());
            let decoded: Vec<[u8; 32]> = parsed.signatures().copied().collect();
            let wanted: Vec<[u8; 32]> = signatures.into_iter().flatten().collect();
            assert_eq!(decoded, wanted, "decoded signatures differ");
        }
        Err(ParseError::Malformed(reason)) => {
            assert_eq!(
                expected,
                malformed(reason.clone()),
                "parser refused {header:?} with {reason:?}"
            );
        }
        Err(ParseError::NoSignature) => {
            assert_eq!(expected, Expected::NoSignature, "for {header:?}");
        }
    }
});

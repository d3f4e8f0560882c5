//! Malformed and hostile signature headers: each is refused with the error
//! that names what is wrong, and none panics.

mod common;

use common::{NOW, SECRET};
use signed_webhooks::{Error, HeaderError, MAX_HEADER_LEN, MAX_SIGNATURES, Signer, Verifier};

const SIG: &str = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";

/// What a header must be refused with.
#[derive(Debug)]
enum Expect {
    Malformed(HeaderError),
    NoSignature,
    Mismatch,
    TooOld,
    InFuture,
}

fn cases() -> Vec<(String, Expect)> {
    use Expect::*;
    use HeaderError::*;
    let t = NOW;
    vec![
        (String::new(), Malformed(Empty)),
        (" ".into(), Malformed(EmptyItem)),
        (",".into(), Malformed(EmptyItem)),
        (format!("t={t},v1={SIG},"), Malformed(EmptyItem)),
        (format!(",t={t},v1={SIG}"), Malformed(EmptyItem)),
        (format!("t={t},,v1={SIG}"), Malformed(EmptyItem)),
        ("garbage".into(), Malformed(MissingEquals { position: 0 })),
        (
            format!("t={t},v1{SIG}"),
            Malformed(MissingEquals { position: 13 }),
        ),
        (format!("t={t};v1={SIG}"), Malformed(InvalidTimestamp)),
        (
            format!("t={t},={SIG}"),
            Malformed(EmptyKey { position: 13 }),
        ),
        (format!("v1={SIG}"), Malformed(MissingTimestamp)),
        (format!("T={t},v1={SIG}"), Malformed(MissingTimestamp)),
        (
            format!("timestamp={t},v1={SIG}"),
            Malformed(MissingTimestamp),
        ),
        (
            format!("t={t},t={t},v1={SIG}"),
            Malformed(DuplicateTimestamp),
        ),
        (format!("t=,v1={SIG}"), Malformed(InvalidTimestamp)),
        (format!("t=-{t},v1={SIG}"), Malformed(InvalidTimestamp)),
        (format!("t=+{t},v1={SIG}"), Malformed(InvalidTimestamp)),
        (format!("t={t}.5,v1={SIG}"), Malformed(InvalidTimestamp)),
        (format!("t=1e9,v1={SIG}"), Malformed(InvalidTimestamp)),
        (format!("t=0x6A,v1={SIG}"), Malformed(InvalidTimestamp)),
        (format!("t={t} 0,v1={SIG}"), Malformed(InvalidTimestamp)),
        (format!("t=0{t},v1={SIG}"), Malformed(TimestampLeadingZero)),
        (
            format!("t=99999999999999999999,v1={SIG}"),
            Malformed(TimestampOutOfRange),
        ),
        (
            format!("t=9223372036854775808,v1={SIG}"),
            Malformed(TimestampOutOfRange),
        ),
        (format!("t=١٢٣,v1={SIG}"), Malformed(InvalidCharacter)),
        (format!("t={t},v1={SIG}\n"), Malformed(InvalidCharacter)),
        (format!("t={t},v1={SIG}\0"), Malformed(InvalidCharacter)),
        (format!("t={t},v1={SIG},x=é"), Malformed(InvalidCharacter)),
        (
            format!("t={t},v1={SIG},{}", "x".repeat(MAX_HEADER_LEN)),
            Malformed(TooLong {
                len: 13 + 3 + 64 + 1 + MAX_HEADER_LEN,
                max: MAX_HEADER_LEN,
            }),
        ),
        (
            format!("t={t}{}", format!(",v1={SIG}").repeat(MAX_SIGNATURES + 1)),
            Malformed(TooManySignatures {
                max: MAX_SIGNATURES,
            }),
        ),
        (format!("t={t}"), NoSignature),
        (format!("t={t},v0={SIG}"), NoSignature),
        (format!("t={t},v2={SIG},s1=abc"), NoSignature),
        (format!("t={t},V1={SIG}"), NoSignature),
        (format!("t={t},v1="), Mismatch),
        (format!("t={t},v1={}", &SIG[..63]), Mismatch),
        (format!("t={t},v1={SIG}0"), Mismatch),
        (format!("t={t},v1={}", SIG.replace('a', "g")), Mismatch),
        (format!("t={t},v1={SIG}"), Mismatch),
        (format!("t={t},v1==={SIG}"), Mismatch),
        (format!("t={t},v1={}", "0".repeat(64)), Mismatch),
        (format!("t=0,v1={SIG}"), TooOld),
        (format!("t={},v1={SIG}", t - 301), TooOld),
        (format!("t={},v1={SIG}", t + 301), InFuture),
        (format!("t=9223372036854775807,v1={SIG}"), InFuture),
    ]
}

#[test]
fn every_hostile_header_is_refused_with_its_reason() {
    let verifier = Verifier::new(SECRET).unwrap();
    let cases = cases();
    assert!(cases.len() >= 30);
    for (header, expect) in cases {
        let err = verifier.verify_at(&header, b"{}", NOW).unwrap_err();
        let ok = match (&expect, &err) {
            (Expect::Malformed(want), Error::MalformedHeader(got)) => want == got,
            (Expect::NoSignature, Error::NoSignature) => true,
            (Expect::Mismatch, Error::SignatureMismatch { .. }) => true,
            (Expect::TooOld, Error::TimestampTooOld { .. }) => true,
            (Expect::InFuture, Error::TimestampInFuture { .. }) => true,
            _ => false,
        };
        assert!(ok, "header {header:?}: expected {expect:?}, got {err:?}");
        assert!(!err.to_string().is_empty());
        assert!(err.status_code().is_client_error(), "{err}");
    }
}

#[test]
fn the_provider_header_with_extras_around_it_is_accepted() {
    let body = b"{}";
    let header = Signer::new(SECRET).unwrap().sign_at(body, NOW);
    let sig = header.split_once(",v1=").unwrap().1;
    let verifier = Verifier::new(SECRET).unwrap();
    for variant in [
        header.clone(),
        format!("v1={sig},t={NOW}"),
        format!("t={NOW}, v1={sig}"),
        format!(" t={NOW}\t,\tv1={sig} "),
        format!("t={NOW},v0=legacy,v1={sig},v2=future,scheme=whatever"),
        format!("t={NOW},v1={}", sig.to_ascii_uppercase()),
        format!("t={NOW},v1=bad,v1={sig}"),
    ] {
        verifier
            .verify_at(&variant, body, NOW)
            .unwrap_or_else(|e| panic!("{variant:?}: {e}"));
    }
}

#[test]
fn malformed_messages_explain_the_expected_shape() {
    let verifier = Verifier::new(SECRET).unwrap();
    let empty = verifier.verify_at("", b"{}", NOW).unwrap_err().to_string();
    assert!(empty.contains("t=<unix seconds>,v1="), "{empty}");
    let no_v1 = verifier
        .verify_at(&format!("t={NOW},v0=x"), b"{}", NOW)
        .unwrap_err()
        .to_string();
    assert!(no_v1.contains("v1="), "{no_v1}");
}

//! Full verification of the `t=…,v1=…` scheme (`Verifier<Unleeshed>`) with
//! an arbitrary header, body, secret list and clock.
//!
//! The input is split with `arbitrary::Unstructured` in a fixed layout, so
//! that `fuzz/seeds.py` can write seeds from the conformance vectors (a
//! derived `Arbitrary` has no inverse to write seeds with):
//!
//! ```text
//! now: i64 LE (8) | skew: i16 LE (2) | flip: u16 LE (2)
//! | secret_len: u8 | secrets: secret_len bytes, `\0`-separated
//! | header_len: u16 LE | header: header_len bytes | body: the rest
//! ```
//!
//! Lengths are clamped to what is left; non-UTF-8 secrets and headers are
//! converted lossily. Two things are checked:
//!
//! 1. The fuzzer's own header: `verify_at` never panics, never returns an
//!    error it should not, and accepts only when the header really carries
//!    the HMAC of the body under one of the secrets; its errors and `Debug`
//!    text are the same as those of a verifier with other secrets.
//! 2. A differential check: the body signed by `Signer` (under the fuzzer's
//!    secrets when valid, else a fixed valid one) at `now - skew` verifies
//!    exactly when the skew is within the tolerance, and is refused with
//!    `signature_mismatch` once a bit of the body, the signature or the
//!    timestamp is flipped.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use signed_webhooks::__private::{ParseError, SignatureHeader};
use signed_webhooks::{
    ConfigError, Error, HeaderError, MAX_SIGNATURES, Signer, Unleeshed, Verified, Verifier,
};

const HEADER: &str = "x-unleeshed-signature";

/// The one-header request a delivery with signature header `value` is.
fn request(value: &str) -> [(&'static str, &str); 1] {
    [(HEADER, value)]
}

/// The signature header `Signer` writes.
fn sign(signer: &Signer<Unleeshed>, body: &[u8], t: i64) -> String {
    signer.sign_at(body, t).get(HEADER).unwrap().to_owned()
}

const FALLBACK_SECRET: &str = "whsec_fuzz_0123456789abcdef0123456789abcdef";
const TOLERANCE: i64 = 300;

struct Input<'a> {
    now: i64,
    skew: i16,
    flip: u16,
    secrets: Vec<String>,
    header: String,
    body: &'a [u8],
}

fn take<'a>(u: &mut Unstructured<'a>, len: usize) -> &'a [u8] {
    let len = len.min(u.len());
    u.bytes(len).expect("clamped to the bytes left")
}

fn split(data: &[u8]) -> Option<Input<'_>> {
    let mut u = Unstructured::new(data);
    let now = i64::from_le_bytes(u.bytes(8).ok()?.try_into().ok()?);
    let skew = i16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?);
    let flip = u16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?);
    let secret_len = usize::from(u.bytes(1).ok()?[0]);
    let secrets = String::from_utf8_lossy(take(&mut u, secret_len))
        .split('\0')
        .map(str::to_owned)
        .collect();
    let header_len = if u.len() >= 2 {
        usize::from(u16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?))
    } else {
        0
    };
    let header = String::from_utf8_lossy(take(&mut u, header_len)).into_owned();
    let body = u.take_rest();
    Some(Input {
        now,
        skew,
        flip,
        secrets,
        header,
        body,
    })
}

/// A verifier with as many secrets as `verifier`, all different from the
/// fuzzer's: nothing a verifier shows (`Debug`, errors) may differ from what
/// its twin shows, or it would depend on the secrets.
///
/// (A first version checked that the text does not *contain* the secret;
/// libFuzzer's string-compare hooks promptly made the secret equal to the
/// verifier's `Debug` text: a false alarm, hence the twin.)
fn twin_of(secret_count: usize) -> Verifier<Unleeshed> {
    Verifier::from_secrets(
        (0..secret_count).map(|i| format!("whsec_twin_{i:02}_0123456789abcdef0123456789abcdef")),
    )
    .unwrap()
}

fn fuzz_header(
    verifier: &Verifier<Unleeshed>,
    twin: &Verifier<Unleeshed>,
    secrets: &[String],
    input: &Input<'_>,
) {
    let result = verifier.verify_at(&request(&input.header), input.body, input.now);
    match result {
        Ok(verified) => {
            let header = SignatureHeader::parse(&input.header).expect("verify accepted it");
            let t = header.timestamp();
            assert_eq!(verified.timestamp(), Some(t));
            let age = i128::from(input.now) - i128::from(t);
            assert!(age.abs() <= i128::from(TOLERANCE), "accepted at age {age}");
            // One of the header's signatures really is the HMAC of this body
            // under the secret said to match (0.1 compared
            // `Verified::signature()`, gone in 0.2).
            let signer =
                Signer::<Unleeshed>::new(secrets[verified.secret_index()].as_str()).unwrap();
            let expected = sign(&signer, input.body, t);
            let tag = hex::decode(expected.split_once(",v1=").unwrap().1).unwrap();
            assert!(
                header.signatures().any(|s| s[..] == tag[..]),
                "accepted a forgery"
            );
        }
        Err(err) => {
            match (&err, SignatureHeader::parse(&input.header)) {
                (
                    Error::MalformedHeader {
                        header, reason: a, ..
                    },
                    Err(ParseError::Malformed(b)),
                ) => {
                    assert_eq!(*a, b);
                    assert_eq!(header, HEADER);
                }
                (Error::NoSignature { header, .. }, Err(ParseError::NoSignature)) => {
                    assert_eq!(header, HEADER);
                }
                (
                    Error::TimestampTooOld { .. }
                    | Error::TimestampInFuture { .. }
                    | Error::SignatureMismatch { .. },
                    Ok(_),
                ) => {}
                (err, parsed) => panic!("verify said {err:?}, parse said {parsed:?}"),
            }
            // The twin refuses too (it would need the fuzzer to forge an
            // HMAC under a secret it never saw), and says the same.
            if let Err(twin_err) = twin.verify_at(&request(&input.header), input.body, input.now) {
                assert_eq!(err.to_string(), twin_err.to_string());
                assert_eq!(format!("{err:?}"), format!("{twin_err:?}"));
                assert_eq!(err.public_message(), twin_err.public_message());
            }
            let status = err.status_code().as_u16();
            assert!(
                status == 400 || status == 401,
                "status {status} for {err:?}"
            );
        }
    }
}

fn expect_code(result: Result<Verified, Error>, code: &str, what: &str) {
    match result {
        Err(err) if err.code() == code => {}
        other => panic!("{what}: expected {code}, got {other:?}"),
    }
}

fn differential(secrets: &[String], input: &Input<'_>) {
    // A header carries at most MAX_SIGNATURES signatures, so a signer takes
    // at most that many secrets (a verifier takes any number).
    if secrets.len() > MAX_SIGNATURES {
        let err = Signer::<Unleeshed>::from_secrets(secrets).unwrap_err();
        assert!(matches!(
            err,
            ConfigError::TooManySecrets { count, max: MAX_SIGNATURES, .. }
                if count == secrets.len()
        ));
    }
    let signer =
        Signer::<Unleeshed>::from_secrets(&secrets[..secrets.len().min(MAX_SIGNATURES)]).unwrap();
    let verifier = Verifier::<Unleeshed>::from_secrets(secrets).unwrap();
    let only_first = Verifier::<Unleeshed>::new(secrets[0].as_str())
        .unwrap()
        .dangerous_without_timestamp_check();
    let skew = i64::from(input.skew);
    let Some(t) = input.now.checked_sub(skew) else {
        return;
    };
    let body = input.body;
    let header = sign(&signer, body, t);

    if t < 0 {
        // The signer signs any i64; the parser only takes unsigned digits.
        match verifier.verify_at(&request(&header), body, input.now) {
            Err(Error::MalformedHeader {
                reason: HeaderError::InvalidTimestamp,
                ..
            }) => return,
            other => panic!("negative timestamp {t}: {other:?}"),
        }
    }

    let result = verifier.verify_at(&request(&header), body, input.now);
    if skew > TOLERANCE {
        expect_code(result, "timestamp_too_old", "stale");
    } else if skew < -TOLERANCE {
        expect_code(result, "timestamp_in_future", "future");
    } else {
        let verified = result.unwrap_or_else(|e| panic!("signed at {t}, now {}: {e}", input.now));
        assert_eq!(verified.timestamp(), Some(t));
        assert_eq!(verified.secret_index(), 0);
        assert_eq!(
            verified.replayable_until(),
            Some(t.saturating_add(TOLERANCE))
        );
    }

    // From here on the clock is not the point: compare at `t` exactly.
    let verified = verifier
        .verify_at(&request(&header), body, t)
        .expect("signed now");
    assert_eq!(verified.secret_index(), 0);
    let first = header.split(",v1=").nth(1).unwrap();
    let sig: [u8; 32] = hex::decode(first).unwrap().try_into().unwrap();
    let lone = format!("t={t},v1={first}");
    assert!(header.starts_with(&lone));
    only_first
        .verify_at(&request(&lone), body, t)
        .expect("one signature");

    // Upper-case hex is the same signature.
    let upper = format!("t={t},v1={}", hex::encode_upper(sig));
    only_first
        .verify_at(&request(&upper), body, t)
        .expect("upper-case hex");

    // One flipped bit anywhere signed is refused.
    let bit = usize::from(input.flip);
    let mut tag = sig;
    tag[bit / 8 % tag.len()] ^= 1 << (bit % 8);
    let forged = format!("t={t},v1={}", hex::encode(tag));
    expect_code(
        only_first.verify_at(&request(&forged), body, t),
        "signature_mismatch",
        "flipped tag",
    );

    if !body.is_empty() {
        let mut tampered = body.to_vec();
        let bit = usize::from(input.flip) % (tampered.len() * 8);
        tampered[bit / 8] ^= 1 << (bit % 8);
        expect_code(
            verifier.verify_at(&request(&header), &tampered, t),
            "signature_mismatch",
            "flipped body bit",
        );
    }

    if let Some(later) = t.checked_add(1) {
        let moved = format!("t={later},v1={first}");
        expect_code(
            only_first.verify_at(&request(&moved), body, later),
            "signature_mismatch",
            "moved t",
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = split(data) else {
        return;
    };
    let secrets = match Verifier::<Unleeshed>::from_secrets(&input.secrets) {
        Ok(verifier) => {
            let twin = twin_of(input.secrets.len());
            assert_eq!(format!("{verifier:?}"), format!("{twin:?}"));
            fuzz_header(&verifier, &twin, &input.secrets, &input);
            input.secrets.clone()
        }
        Err(err) => {
            // The split always yields a secret, so only a bad one is refused.
            assert!(matches!(err, ConfigError::InvalidSecret { .. }), "{err:?}");
            let secrets = vec![FALLBACK_SECRET.to_owned()];
            let verifier = Verifier::<Unleeshed>::from_secrets(&secrets).unwrap();
            fuzz_header(&verifier, &twin_of(1), &secrets, &input);
            secrets
        }
    };
    differential(&secrets, &input);
});

//! Full verification with an arbitrary header, body, secret list and clock.
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
use signed_webhooks::{
    Error, HeaderError, MAX_SIGNATURES, SecretError, SignatureHeader, Signer, Verifier,
};

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
fn twin_of(secret_count: usize) -> Verifier {
    Verifier::from_secrets(
        (0..secret_count).map(|i| format!("whsec_twin_{i:02}_0123456789abcdef0123456789abcdef")),
    )
    .unwrap()
}

fn fuzz_header(verifier: &Verifier, twin: &Verifier, secrets: &[String], input: &Input<'_>) {
    let result = verifier.verify_at(&input.header, input.body, input.now);
    match result {
        Ok(verified) => {
            let header = SignatureHeader::parse(&input.header).expect("verify accepted it");
            let t = header.timestamp();
            assert_eq!(verified.timestamp(), t);
            let age = i128::from(input.now) - i128::from(t);
            assert!(age.abs() <= i128::from(TOLERANCE), "accepted at age {age}");
            assert!(
                header.signatures().any(|s| s == verified.signature()),
                "the matched signature is not one of the header's"
            );
            // The matched signature really is the HMAC of this body.
            let signer = Signer::new(secrets[verified.secret_index()].as_str()).unwrap();
            let expected = format!("t={t},v1={}", hex::encode(verified.signature()));
            assert_eq!(
                signer.sign_at(input.body, t),
                expected,
                "accepted a forgery"
            );
        }
        Err(err) => {
            match (&err, SignatureHeader::parse(&input.header)) {
                (Error::MalformedHeader(a), Err(Error::MalformedHeader(b))) => assert_eq!(*a, b),
                (Error::NoSignature, Err(Error::NoSignature)) => {}
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
            if let Err(twin_err) = twin.verify_at(&input.header, input.body, input.now) {
                assert_eq!(err.to_string(), twin_err.to_string());
                assert_eq!(format!("{err:?}"), format!("{twin_err:?}"));
            }
            let status = err.status_code().as_u16();
            assert!(
                status == 400 || status == 401,
                "status {status} for {err:?}"
            );
        }
    }
}

fn expect_code(result: Result<signed_webhooks::Verified, Error>, code: &str, what: &str) {
    match result {
        Err(err) if err.code() == code => {}
        other => panic!("{what}: expected {code}, got {other:?}"),
    }
}

fn differential(secrets: &[String], input: &Input<'_>) {
    // A header carries at most MAX_SIGNATURES signatures, so a signer takes
    // at most that many secrets (a verifier takes any number).
    if secrets.len() > MAX_SIGNATURES {
        let err = Signer::from_secrets(secrets).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidSecret(SecretError::TooMany { count, max: MAX_SIGNATURES })
                if count == secrets.len()
        ));
    }
    let signer = Signer::from_secrets(&secrets[..secrets.len().min(MAX_SIGNATURES)]).unwrap();
    let verifier = Verifier::from_secrets(secrets).unwrap();
    let only_first = Verifier::new(secrets[0].as_str())
        .unwrap()
        .without_timestamp_check();
    let skew = i64::from(input.skew);
    let Some(t) = input.now.checked_sub(skew) else {
        return;
    };
    let body = input.body;
    let header = signer.sign_at(body, t);

    if t < 0 {
        // The signer signs any i64; the parser only takes unsigned digits.
        match verifier.verify_at(&header, body, input.now) {
            Err(Error::MalformedHeader(HeaderError::InvalidTimestamp)) => return,
            other => panic!("negative timestamp {t}: {other:?}"),
        }
    }

    let result = verifier.verify_at(&header, body, input.now);
    if skew > TOLERANCE {
        expect_code(result, "timestamp_too_old", "stale");
    } else if skew < -TOLERANCE {
        expect_code(result, "timestamp_in_future", "future");
    } else {
        let verified = result.unwrap_or_else(|e| panic!("signed at {t}, now {}: {e}", input.now));
        assert_eq!(verified.timestamp(), t);
        assert_eq!(verified.secret_index(), 0);
    }

    // From here on the clock is not the point: compare at `t` exactly.
    let verified = verifier.verify_at(&header, body, t).expect("signed now");
    let sig = *verified.signature();
    let lone = format!("t={t},v1={}", hex::encode(sig));
    assert!(header.starts_with(&lone));
    only_first.verify_at(&lone, body, t).expect("one signature");

    // Upper-case hex is the same signature.
    let upper = format!("t={t},v1={}", hex::encode_upper(sig));
    only_first
        .verify_at(&upper, body, t)
        .expect("upper-case hex");

    // One flipped bit anywhere signed is refused.
    let bit = usize::from(input.flip);
    let mut tag = sig;
    tag[bit / 8 % tag.len()] ^= 1 << (bit % 8);
    let forged = format!("t={t},v1={}", hex::encode(tag));
    expect_code(
        only_first.verify_at(&forged, body, t),
        "signature_mismatch",
        "flipped tag",
    );

    if !body.is_empty() {
        let mut tampered = body.to_vec();
        let bit = usize::from(input.flip) % (tampered.len() * 8);
        tampered[bit / 8] ^= 1 << (bit % 8);
        expect_code(
            verifier.verify_at(&header, &tampered, t),
            "signature_mismatch",
            "flipped body bit",
        );
    }

    if let Some(later) = t.checked_add(1) {
        let moved = format!("t={later},v1={}", hex::encode(sig));
        expect_code(
            only_first.verify_at(&moved, body, later),
            "signature_mismatch",
            "moved t",
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = split(data) else {
        return;
    };
    let secrets = match Verifier::from_secrets(&input.secrets) {
        Ok(verifier) => {
            let twin = twin_of(input.secrets.len());
            assert_eq!(format!("{verifier:?}"), format!("{twin:?}"));
            fuzz_header(&verifier, &twin, &input.secrets, &input);
            input.secrets.clone()
        }
        Err(err) => {
            assert_eq!(err.code(), "invalid_secret");
            let secrets = vec![FALLBACK_SECRET.to_owned()];
            let verifier = Verifier::from_secrets(&secrets).unwrap();
            fuzz_header(&verifier, &twin_of(1), &secrets, &input);
            secrets
        }
    };
    differential(&secrets, &input);
});

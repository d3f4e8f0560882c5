//! Verification under the schemes other than `t=…,v1=…`: Standard Webhooks
//! (`webhook-*`, and Svix's `svix-*` names: three headers, a space-separated
//! `v1,<base64>` list), GitHub and LeadLex (one `sha256=<hex>`), Commet (bare
//! hex, and a time inside the body), with arbitrary headers, body, secret and
//! clock.
//!
//! The input is split with `arbitrary::Unstructured` in a fixed layout, so
//! that `fuzz/seeds.py` can write seeds from the provider vectors:
//!
//! ```text
//! scheme: u8 (mod 5: Standard Webhooks, Svix, GitHub, Commet, LeadLex)
//! | now: i64 LE | skew: i16 LE | flip: u16 LE
//! | secret_len: u8 | secret | id_len: u8 | id | timestamp_len: u8 | timestamp
//! | signature_len: u16 LE | signature | body: the rest
//! ```
//!
//! Header values are passed as raw bytes (not converted), so non-UTF-8 is
//! fuzzed too. Two things are checked:
//!
//! 1. The fuzzer's own headers: `verify_at` never panics, refuses with the
//!    statuses the scheme can produce, says the same as a verifier with
//!    another secret, and accepts only what `Signer` writes: the signature
//!    header holds exactly the signature `Signer<P>` makes for that body,
//!    time and id (hex in either case), and the time is within the window.
//! 2. A differential check: what `Signer<P>` writes at `now - skew`
//!    verifies exactly when the skew is within the tolerance, and one
//!    flipped bit of the signature, the body or the id is refused.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use signed_webhooks::{
    Commet, Error, GitHub, HeaderError, LeadLex, Provider, Signer, StandardWebhooks, Svix,
    Verified, Verifier,
};

const TOLERANCE: i64 = 300;
const SW_FALLBACK: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const FALLBACK: &str = "whsec_fuzz_0123456789abcdef0123456789abcdef";

struct Input<'a> {
    scheme: u8,
    now: i64,
    skew: i16,
    flip: u16,
    secret: String,
    id: &'a [u8],
    timestamp: &'a [u8],
    signature: &'a [u8],
    body: &'a [u8],
}

fn take<'a>(u: &mut Unstructured<'a>, len: usize) -> &'a [u8] {
    let len = len.min(u.len());
    u.bytes(len).expect("clamped to the bytes left")
}

fn split(data: &[u8]) -> Option<Input<'_>> {
    let mut u = Unstructured::new(data);
    let scheme = u.bytes(1).ok()?[0] % 5;
    let now = i64::from_le_bytes(u.bytes(8).ok()?.try_into().ok()?);
    let skew = i16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?);
    let flip = u16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?);
    let len = |u: &mut Unstructured<'_>| u.bytes(1).map(|b| usize::from(b[0])).unwrap_or(0);
    let secret_len = len(&mut u);
    let secret = String::from_utf8_lossy(take(&mut u, secret_len)).into_owned();
    let id_len = len(&mut u);
    let id = take(&mut u, id_len);
    let timestamp_len = len(&mut u);
    let timestamp = take(&mut u, timestamp_len);
    let signature_len = if u.len() >= 2 {
        usize::from(u16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?))
    } else {
        0
    };
    let signature = take(&mut u, signature_len);
    Some(Input {
        scheme,
        now,
        skew,
        flip,
        secret,
        id,
        timestamp,
        signature,
        body: u.take_rest(),
    })
}

/// What sets the schemes apart, for the checks.
struct Shape {
    /// The signature, id and timestamp header names the fuzzer's values go in.
    names: [&'static str; 3],
    /// Base64 `v1,` items (else one hex signature).
    list: bool,
    prefix: &'static str,
    /// A time inside the body (Commet, LeadLex), read after the MAC.
    body_time: bool,
    /// How long after the body's time a delivery is accepted.
    max_age: i64,
    fallback: &'static str,
}

fn shape<P: Provider>() -> Shape {
    let max_age = Verifier::<P>::new(FALLBACK)
        .ok()
        .and_then(|v| v.tolerance())
        .map_or(TOLERANCE, |t| t.as_secs().try_into().unwrap());
    let (names, list, prefix, body_time, fallback) = match P::NAME {
        "standard-webhooks" => (
            ["webhook-signature", "webhook-id", "webhook-timestamp"],
            true,
            "",
            false,
            SW_FALLBACK,
        ),
        "svix" => (
            ["svix-signature", "svix-id", "svix-timestamp"],
            true,
            "",
            false,
            SW_FALLBACK,
        ),
        "github" => (
            ["x-hub-signature-256", "", ""],
            false,
            "sha256=",
            false,
            FALLBACK,
        ),
        "commet" => (["x-commet-signature", "", ""], false, "", true, FALLBACK),
        "leadlex" => (
            ["x-leadlex-signature", "", ""],
            false,
            "sha256=",
            true,
            FALLBACK,
        ),
        other => unreachable!("{other}"),
    };
    Shape {
        names,
        list,
        prefix,
        body_time,
        max_age,
        fallback,
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

/// The signature `Signer<P>` writes for `body` at `t` with `id`: the value
/// of its signature header.
fn signature_of<P: Provider>(signer: &Signer<P>, body: &[u8], t: i64, id: &str) -> String {
    let headers = signer.sign_with_id(body, t, id);
    let name = P::scheme().header_names().next().unwrap().to_owned();
    headers.get(&name).unwrap().to_owned()
}

/// Checks what the verifier made of the fuzzer's own headers.
fn fuzz_headers<P: Provider>(shape: &Shape, secret: &str, input: &Input<'_>) {
    let verifier = Verifier::<P>::new(secret).unwrap();
    let mut headers: Vec<(&str, &[u8])> = vec![(shape.names[0], input.signature)];
    if shape.list {
        headers.push((shape.names[1], input.id));
        headers.push((shape.names[2], input.timestamp));
    }
    match verifier.verify_at(&headers, input.body, input.now) {
        Ok(verified) => accepted(shape, secret, input, &verified),
        Err(err) => {
            let status = err.status_code().as_u16();
            if shape.body_time {
                assert!(matches!(status, 400 | 401 | 422), "{status} for {err:?}");
            } else {
                assert!(matches!(status, 400 | 401), "{status} for {err:?}");
            }
            // A verifier with another secret says the same, unless the
            // refusal came after the MAC matched (a body without its time,
            // or too old), which the twin's cannot.
            let after_mac = matches!(err, Error::Decode(_))
                || (shape.body_time
                    && matches!(
                        err,
                        Error::TimestampTooOld { .. } | Error::TimestampInFuture { .. }
                    ));
            if !after_mac {
                let twin_secret = if shape.list { "whsec_dHdpbg==" } else { "twin" };
                let twin = Verifier::<P>::new(twin_secret).unwrap();
                let twin_err = twin.verify_at(&headers, input.body, input.now).unwrap_err();
                assert_eq!(format!("{err:?}"), format!("{twin_err:?}"));
                assert_eq!(err.to_string(), twin_err.to_string());
            }
        }
    }
}

/// A delivery that verified: it must be exactly what the signer writes.
fn accepted(shape: &Shape, secret: &str, input: &Input<'_>, verified: &Verified) {
    assert_eq!(verified.secret_index(), 0);
    let header = std::str::from_utf8(trim(input.signature)).expect("verified text");
    if shape.list {
        let t = verified.timestamp().expect("a signed time");
        assert_eq!(
            trim(input.timestamp),
            t.to_string().as_bytes(),
            "the signed digits"
        );
        assert!((i128::from(input.now) - i128::from(t)).abs() <= i128::from(TOLERANCE));
        let id = std::str::from_utf8(trim(input.id)).expect("a verified id is text");
        let expected = match shape.names[0] {
            "svix-signature" => {
                signature_of(&Signer::<Svix>::new(secret).unwrap(), input.body, t, id)
            }
            _ => signature_of(
                &Signer::<StandardWebhooks>::new(secret).unwrap(),
                input.body,
                t,
                id,
            ),
        };
        assert!(
            header.split(' ').any(|item| item == expected),
            "accepted {header:?}; the signer writes {expected:?}"
        );
        return;
    }
    let expected = match shape.names[0] {
        "x-hub-signature-256" => {
            signature_of(&Signer::<GitHub>::new(secret).unwrap(), input.body, 0, "")
        }
        "x-commet-signature" => {
            signature_of(&Signer::<Commet>::new(secret).unwrap(), input.body, 0, "")
        }
        _ => signature_of(&Signer::<LeadLex>::new(secret).unwrap(), input.body, 0, ""),
    };
    let (theirs, ours) = (
        header.strip_prefix(shape.prefix).expect("the prefix"),
        expected.strip_prefix(shape.prefix).unwrap(),
    );
    assert!(
        theirs.eq_ignore_ascii_case(ours),
        "accepted {header:?}; the signer writes {expected:?}"
    );
    if shape.body_time {
        let t = verified.timestamp().expect("the body's time");
        let age = i128::from(input.now) - i128::from(t);
        assert!(
            age <= i128::from(shape.max_age) && -age <= i128::from(TOLERANCE),
            "age {age}"
        );
    } else {
        assert_eq!(verified.timestamp(), None);
    }
}

fn expect_code(result: Result<Verified, Error>, code: &str, what: &str) {
    match result {
        Err(err) if err.code() == code => {}
        other => panic!("{what}: expected {code}, got {other:?}"),
    }
}

/// Signs with `Signer<P>` and checks the verifier's answers.
fn differential<P: Provider>(shape: &Shape, secret: &str, input: &Input<'_>) {
    let signer = Signer::<P>::new(secret).unwrap();
    let verifier = Verifier::<P>::new(secret).unwrap();
    let skew = i64::from(input.skew);
    let Some(t) = input.now.checked_sub(skew) else {
        return;
    };
    let id = match std::str::from_utf8(input.id) {
        Ok(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic()) => id,
        _ => "msg_fuzz",
    };
    let body = input.body;
    let headers = signer.sign_with_id(body, t, id);
    let result = verifier.verify_at(&headers, body, input.now);

    if shape.list {
        if t < 0 {
            // The signer signs any i64; the verifier takes unsigned digits.
            assert!(
                matches!(
                    &result,
                    Err(Error::MalformedHeader {
                        reason: HeaderError::InvalidTimestamp,
                        ..
                    })
                ),
                "negative timestamp {t}: {result:?}"
            );
            return;
        }
        if skew > TOLERANCE {
            expect_code(result, "timestamp_too_old", "stale");
        } else if skew < -TOLERANCE {
            expect_code(result, "timestamp_in_future", "future");
        } else {
            let verified =
                result.unwrap_or_else(|e| panic!("signed at {t}, now {}: {e}", input.now));
            assert_eq!(verified.timestamp(), Some(t));
        }
    } else if shape.body_time {
        // The MAC matches; the body's own time decides the rest.
        match result {
            Ok(_)
            | Err(
                Error::Decode(_) | Error::TimestampTooOld { .. } | Error::TimestampInFuture { .. },
            ) => {}
            Err(other) => panic!("signed body refused: {other:?}"),
        }
    } else {
        let verified = result.unwrap_or_else(|e| panic!("GitHub delivery refused: {e}"));
        assert_eq!(verified.timestamp(), None);
    }

    // From here on the clock is not the point.
    let verifier = verifier.dangerous_without_timestamp_check();
    let at = if shape.list { t.max(0) } else { t };
    let headers = signer.sign_with_id(body, at, id);
    let name = shape_signature_name::<P>();
    let value = headers.get(&name).unwrap().to_owned();
    let others: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| *n != name)
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    let with_signature = |signature: &str| {
        let mut all = others.clone();
        all.push((name.clone(), signature.to_owned()));
        all
    };
    let mac_matched =
        |result: &Result<Verified, Error>| matches!(result, Ok(_) | Err(Error::Decode(_)));
    assert!(mac_matched(&verifier.verify_at(
        &with_signature(&value),
        body,
        at
    )));

    // One flipped bit of the tag is refused.
    let bit = usize::from(input.flip);
    let forged = if shape.list {
        use base64ct::Encoding as _;
        let b64 = value.strip_prefix("v1,").unwrap();
        let mut tag = base64ct::Base64::decode_vec(b64).unwrap();
        tag[bit / 8 % 32] ^= 1 << (bit % 8);
        format!("v1,{}", base64ct::Base64::encode_string(&tag))
    } else {
        let mut tag = hex::decode(value.strip_prefix(shape.prefix).unwrap()).unwrap();
        tag[bit / 8 % 32] ^= 1 << (bit % 8);
        format!("{}{}", shape.prefix, hex::encode(tag))
    };
    expect_code(
        verifier.verify_at(&with_signature(&forged), body, at),
        "signature_mismatch",
        "flipped tag",
    );

    if !body.is_empty() {
        let mut tampered = body.to_vec();
        let bit = usize::from(input.flip) % (tampered.len() * 8);
        tampered[bit / 8] ^= 1 << (bit % 8);
        expect_code(
            verifier.verify_at(&with_signature(&value), &tampered, at),
            "signature_mismatch",
            "flipped body bit",
        );
    }

    if shape.list && id.len() < 256 {
        let mut moved = with_signature(&value);
        for (n, v) in &mut moved {
            if n.ends_with("-id") {
                v.push('x');
            }
        }
        expect_code(
            verifier.verify_at(&moved, body, at),
            "signature_mismatch",
            "changed id",
        );
    }
}

fn shape_signature_name<P: Provider>() -> String {
    P::scheme().header_names().next().unwrap().to_owned()
}

fn run<P: Provider>(input: &Input<'_>) {
    let shape = shape::<P>();
    let secret = match Verifier::<P>::new(input.secret.as_str()) {
        Ok(_) => input.secret.as_str(),
        Err(_) => shape.fallback,
    };
    fuzz_headers::<P>(&shape, secret, input);
    differential::<P>(&shape, secret, input);
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = split(data) else {
        return;
    };
    match input.scheme {
        0 => run::<StandardWebhooks>(&input),
        1 => run::<Svix>(&input),
        2 => run::<GitHub>(&input),
        3 => run::<Commet>(&input),
        _ => run::<LeadLex>(&input),
    }
});

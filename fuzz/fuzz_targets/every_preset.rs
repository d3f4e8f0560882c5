//! Verification under every preset the crate has (HMAC, token, URL-signing
//! and public-key ones), with arbitrary headers, request path, body and
//! clock; each preset with its fixed test key.
//!
//! The input is split with `arbitrary::Unstructured` in a fixed layout, so
//! that `fuzz/seeds.py` can write seeds from the provider vectors:
//!
//! ```text
//! preset: u8 (mod PRESETS.len(), in the order of `PRESETS` below)
//! | now: i64 LE | skew: i16 LE | flip: u16 LE
//! | id_len: u8 | id | timestamp_len: u8 | timestamp | path_len: u8 | path
//! | signature_len: u16 LE | signature | body: the rest
//! ```
//!
//! The signature, id and timestamp go in the preset's own headers (those
//! it has), as raw bytes; the path is the request's path and query, for
//! the presets that sign the URL (at `ORIGIN`). Two things are checked:
//!
//! 1. The fuzzer's own headers: `verify_at` (`verify_target_at` for a
//!    preset that signs the URL) never panics, refuses with a typed error
//!    answered 400, 401 or 422, and accepts only what `Signer<P>` writes:
//!    the signature `Signer<P>` makes for that body, time, id and URL is
//!    in the signature header (hex in either case). SendGrid's ECDSA
//!    verifies a signature in its `(r, n - s)` form too, which `Signer`
//!    does not write: for it, that the signature verified is all that is
//!    checked here.
//! 2. A differential check: what `Signer<P>` writes at `now - skew`
//!    verifies exactly when the skew is within the tolerance (for a
//!    signed time in a header; always, for a preset that signs no time),
//!    and one flipped bit of the body is refused (except by GitLab's
//!    token, which signs no body, and Twilio, whose form fields decode
//!    `%2b` and `%2B` alike).

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use signed_webhooks::{Algorithm, Error, Provider, RequestTarget, Signer, Verified, Verifier};

const ORIGIN: &str = "https://hooks.example.com";
const HMAC: &str = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
const SW: &str = "whsec_MwYydWTIAY4akAkEnQ6YwPCkkNQMXIU1GhspSzVpbHQ=";
/// tests/vectors/discord.json's first key pair (public, seed), in hex.
const DISCORD: (&str, &str) = (
    "a968e5e34c12a9448b6b205d873461cc2a99cae1ac12565562fd324f70211374",
    "521b7f17ce2ce24abfb2fde2036512736179d1604230222d9a11258958ad30cb",
);
/// tests/vectors/sendgrid.json's first key pair, base64 DER.
const SENDGRID: (&str, &str) = (
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEK6eAK36Mn4GX/c/85Bk19kwx5J7PM2gRYWTybKxFdauwqLx2gKGZbDQL8mlNGiCw6Rn+eNWiSjSwAMR3pchKiQ==",
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0rZepRAdVRkDQ7EK1JJI0yzI4VUFuDTpkesfv+sIDoqhRANCAAQrp4ArfoyfgZf9z/zkGTX2TDHkns8zaBFhZPJsrEV1q7CovHaAoZlsNAvyaU0aILDpGf541aJKNLAAxHelyEqJ",
);

struct Input<'a> {
    preset: u8,
    now: i64,
    skew: i16,
    flip: u16,
    id: &'a [u8],
    timestamp: &'a [u8],
    path: &'a [u8],
    signature: &'a [u8],
    body: &'a [u8],
}

fn take<'a>(u: &mut Unstructured<'a>, len: usize) -> &'a [u8] {
    let len = len.min(u.len());
    u.bytes(len).expect("clamped to the bytes left")
}

fn split(data: &[u8]) -> Option<Input<'_>> {
    let mut u = Unstructured::new(data);
    let preset = u.bytes(1).ok()?[0];
    let now = i64::from_le_bytes(u.bytes(8).ok()?.try_into().ok()?);
    let skew = i16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?);
    let flip = u16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?);
    let len = |u: &mut Unstructured<'_>| u.bytes(1).map(|b| usize::from(b[0])).unwrap_or(0);
    let id_len = len(&mut u);
    let id = take(&mut u, id_len);
    let timestamp_len = len(&mut u);
    let timestamp = take(&mut u, timestamp_len);
    let path_len = len(&mut u);
    let path = take(&mut u, path_len);
    let signature_len = if u.len() >= 2 {
        usize::from(u16::from_le_bytes(u.bytes(2).ok()?.try_into().ok()?))
    } else {
        0
    };
    let signature = take(&mut u, signature_len);
    Some(Input {
        preset,
        now,
        skew,
        flip,
        id,
        timestamp,
        path,
        signature,
        body: u.take_rest(),
    })
}

/// Every preset, with the key its verifier takes and the one its signer
/// takes. The order is the seeds' (fuzz/seeds.py `EVERY_PRESET`), and
/// that of tests/support/presets.rs.
macro_rules! presets {
    ($($name:ident: $verify:expr, $sign:expr;)+) => {
        const PRESETS: &[&str] = &[$(stringify!($name)),+];

        fn dispatch(input: &Input<'_>) {
            let mut index = usize::from(input.preset) % PRESETS.len();
            $(
                if index == 0 {
                    return run::<signed_webhooks::$name>($verify, $sign, input);
                }
                index -= 1;
            )+
            unreachable!("{index}")
        }
    };
}

presets! {
    Unleeshed: HMAC, HMAC;
    Exchange: HMAC, HMAC;
    Stripe: HMAC, HMAC;
    Commet: HMAC, HMAC;
    LeadLex: HMAC, HMAC;
    GitHub: HMAC, HMAC;
    StandardWebhooks: SW, SW;
    Svix: SW, SW;
    Slack: HMAC, HMAC;
    Shopify: HMAC, HMAC;
    Paddle: HMAC, HMAC;
    Zoom: HMAC, HMAC;
    Linear: HMAC, HMAC;
    Intercom: HMAC, HMAC;
    Razorpay: HMAC, HMAC;
    LemonSqueezy: HMAC, HMAC;
    Typeform: HMAC, HMAC;
    Calendly: HMAC, HMAC;
    PagerDuty: HMAC, HMAC;
    Vercel: HMAC, HMAC;
    Twitch: HMAC, HMAC;
    GitLab: HMAC, HMAC;
    Bitbucket: HMAC, HMAC;
    Meta: HMAC, HMAC;
    WorkOs: HMAC, HMAC;
    Mux: HMAC, HMAC;
    Notion: HMAC, HMAC;
    Sentry: HMAC, HMAC;
    Xero: HMAC, HMAC;
    Dropbox: HMAC, HMAC;
    Clerk: SW, SW;
    Resend: SW, SW;
    Square: HMAC, HMAC;
    Twilio: HMAC, HMAC;
    HubSpot: HMAC, HMAC;
    Discord: DISCORD.0, DISCORD.1;
    SendGrid: SENDGRID.0, SENDGRID.1;
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

/// The signature item of a header value `Signer` wrote: after the last
/// `,` (`t=…,v1=<hex>`, `v1,<base64>`), without a short `name=` prefix
/// (`sha256=`, `v0=`); hex in lower case.
fn signature_item(value: &str) -> String {
    let last = value.rsplit(',').next().unwrap_or(value);
    let item = match last.split_once('=') {
        Some((name, rest))
            if name.len() <= 8 && name.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            rest
        }
        _ => last,
    };
    if item.len() >= 40 && item.bytes().all(|b| b.is_ascii_hexdigit()) {
        item.to_ascii_lowercase()
    } else {
        item.to_owned()
    }
}

fn verifier<P: Provider>(key: &str) -> Verifier<P> {
    if P::scheme().signs_url() {
        Verifier::<P>::at_public_origin(ORIGIN, [key]).unwrap()
    } else {
        Verifier::<P>::new(key).unwrap()
    }
}

fn signer<P: Provider>(key: &str, path: &str) -> Option<Signer<P>> {
    if P::scheme().signs_url() {
        Signer::<P>::for_url(&format!("{ORIGIN}{path}"), key).ok()
    } else {
        Some(Signer::<P>::new(key).unwrap())
    }
}

fn verify<P: Provider>(
    verifier: &Verifier<P>,
    path: &str,
    headers: &[(&str, &[u8])],
    body: &[u8],
    now: i64,
) -> Result<Verified, Error> {
    if P::scheme().signs_url() {
        let target = RequestTarget::new("POST", path);
        verifier.verify_target_at(&target, headers, body, now)
    } else {
        verifier.verify_at(headers, body, now)
    }
}

/// Checks what the verifier made of the fuzzer's own headers.
fn fuzz_headers<P: Provider>(verify_key: &str, sign_key: &str, input: &Input<'_>) {
    let scheme = P::scheme();
    let verifier = verifier::<P>(verify_key);
    let path = String::from_utf8_lossy(input.path);
    let mut headers: Vec<(&str, &[u8])> = vec![(scheme.signature_header(), input.signature)];
    if let Some(name) = scheme.id_header() {
        headers.push((name, input.id));
    }
    if let Some(name) = scheme.timestamp_header() {
        headers.push((name, input.timestamp));
    }
    match verify(&verifier, &path, &headers, input.body, input.now) {
        Ok(verified) => {
            assert_eq!(verified.secret_index(), 0);
            if scheme.algorithm() == Algorithm::EcdsaP256Sha256 {
                return;
            }
            let t = verified.timestamp().unwrap_or(0);
            // The fuzzer's id is sent only where the scheme reads one.
            let id = match scheme.id_header() {
                Some(_) => std::str::from_utf8(trim(input.id)).expect("a verified id is text"),
                None => "",
            };
            let signer = signer::<P>(sign_key, &path).expect("a verified URL is one Signer signs");
            let written = signer.sign_with_id(input.body, t, id);
            let expected = signature_item(written.get(scheme.signature_header()).unwrap());
            let got =
                std::str::from_utf8(trim(input.signature)).expect("a verified signature is text");
            let got = if expected.bytes().all(|b| b.is_ascii_hexdigit()) {
                got.to_ascii_lowercase()
            } else {
                got.to_owned()
            };
            assert!(
                got.contains(&expected),
                "{}: accepted {got:?}, Signer writes {expected:?}",
                P::NAME
            );
            if let (Some(name), true) = (scheme.timestamp_header(), scheme.signs_header_time()) {
                assert_eq!(
                    trim(input.timestamp),
                    written.get(name).unwrap().as_bytes(),
                    "{}: the signed time as Signer writes it",
                    P::NAME
                );
            }
        }
        Err(err) => {
            let status = err.status_code().as_u16();
            assert!(matches!(status, 400 | 401 | 422), "{status} for {err:?}");
        }
    }
}

/// Signs with `Signer<P>` and checks the verifier's answers.
fn differential<P: Provider>(verify_key: &str, sign_key: &str, input: &Input<'_>) {
    let scheme = P::scheme();
    let path = "/webhooks/every?x=1";
    let signer = signer::<P>(sign_key, path).unwrap();
    let verifier = verifier::<P>(verify_key);
    // A clock between 2001 and 2096: every time format writes it, and a
    // skew never makes it negative (a negative time is refused as
    // malformed, which Signer writes as given).
    let now = 1_000_000_000 + input.now.rem_euclid(3_000_000_000);
    let at = now - i64::from(input.skew);
    let written = signer.sign_at(input.body, at);
    let pairs: Vec<(&str, &[u8])> = written.iter().map(|(n, v)| (n, v.as_bytes())).collect();
    let result = verify(&verifier, path, &pairs, input.body, now);
    // A scheme may read the body once the MAC matched (its time, its
    // shape: a JSON object or array for some): an arbitrary body is then
    // refused as `Decode`, never as a mismatch.
    let after_mac = |err: &Error| matches!(err, Error::Decode(_));
    if scheme.body_timestamp().is_some() {
        // The time is the body's: an arbitrary body rarely has one.
        if let Err(err) = &result {
            assert!(
                !matches!(err, Error::SignatureMismatch { .. }),
                "{}: Signer's own delivery: {err:?}",
                P::NAME
            );
        }
    } else if scheme.signs_header_time() {
        let within = u64::from(input.skew.unsigned_abs()) <= scheme.tolerance().as_secs();
        match &result {
            Ok(_) => assert!(within, "{}: skew {} verified", P::NAME, input.skew),
            Err(err) if within => assert!(after_mac(err), "{}: {err:?}", P::NAME),
            Err(err) => assert!(
                matches!(
                    err,
                    Error::TimestampTooOld { .. } | Error::TimestampInFuture { .. }
                ),
                "{}: skew {}: {err:?}",
                P::NAME,
                input.skew
            ),
        }
    } else if let Err(err) = &result {
        assert!(
            after_mac(err),
            "{}: Signer's own delivery: {err:?}",
            P::NAME
        );
    }
    let body_unsigned = scheme.algorithm() == Algorithm::Token || P::NAME == "twilio";
    if input.body.is_empty() || body_unsigned {
        return;
    }
    let mut tampered = input.body.to_vec();
    let bit = usize::from(input.flip) % (tampered.len() * 8);
    tampered[bit / 8] ^= 1 << (bit % 8);
    let flipped = verify(&verifier, path, &pairs, &tampered, at);
    assert!(flipped.is_err(), "{}: a flipped body bit verified", P::NAME);
}

fn run<P: Provider>(verify_key: &str, sign_key: &str, input: &Input<'_>) {
    fuzz_headers::<P>(verify_key, sign_key, input);
    differential::<P>(verify_key, sign_key, input);
}

fuzz_target!(|data: &[u8]| {
    assert_eq!(PRESETS.len(), 37, "every preset of src/providers");
    let Some(input) = split(data) else {
        return;
    };
    dispatch(&input);
});

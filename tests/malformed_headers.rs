//! Malformed and hostile signature headers: each is refused with the error
//! that names what is wrong, and none panics.

mod support;

use signed_webhooks::{
    Error, HeaderError, MAX_HEADER_LEN, MAX_SIGNATURES, Signer, Unleeshed, Verifier,
};
use support::{NOW, SECRET, UNLEESHED, unleeshed};

const SIG: &str = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";

/// What a header must be refused with. For the `t=…,v1=…` table, the
/// header named is always the signature header.
#[derive(Debug)]
enum Expect {
    Malformed(Reason),
    NoSignature,
    Mismatch,
    TooOld,
    InFuture,
}

/// A `HeaderError`, by its `Debug` text: its struct variants are
/// `#[non_exhaustive]`, so a test outside the crate cannot build them.
#[derive(Debug)]
struct Reason(String);

impl From<HeaderError> for Reason {
    fn from(error: HeaderError) -> Self {
        Reason(format!("{error:?}"))
    }
}

impl From<&str> for Reason {
    fn from(debug: &str) -> Self {
        Reason(debug.to_owned())
    }
}

/// What a request must be refused with, naming the header at fault.
#[derive(Debug)]
enum Refusal {
    Missing(&'static str),
    Duplicate(&'static str),
    Malformed(&'static str, Reason),
    NoSignature(&'static str),
    Mismatch,
    TooOld,
    InFuture,
}

impl Refusal {
    fn matches(&self, err: &Error) -> bool {
        match (self, err) {
            (Refusal::Missing(want), Error::MissingHeader { header, .. })
            | (Refusal::Duplicate(want), Error::DuplicateHeader { header, .. })
            | (Refusal::NoSignature(want), Error::NoSignature { header, .. }) => header == want,
            (
                Refusal::Malformed(want, reason),
                Error::MalformedHeader {
                    header,
                    reason: got,
                    ..
                },
            ) => header == want && reason.0 == format!("{got:?}"),
            (Refusal::Mismatch, Error::SignatureMismatch { .. })
            | (Refusal::TooOld, Error::TimestampTooOld { .. })
            | (Refusal::InFuture, Error::TimestampInFuture { .. }) => true,
            _ => false,
        }
    }
}

/// Refuses `err` unless it is `want`, and checks what every refusal shares.
#[track_caller]
fn assert_refused(what: &str, want: &Refusal, err: &Error) {
    assert!(want.matches(err), "{what}: expected {want:?}, got {err:?}");
    assert!(!err.to_string().is_empty());
    assert!(err.status_code().is_client_error(), "{err}");
    // The header at fault is named in the log text, never to the stranger.
    if let Refusal::Missing(h)
    | Refusal::Duplicate(h)
    | Refusal::Malformed(h, _)
    | Refusal::NoSignature(h) = want
    {
        assert!(err.to_string().contains(h), "{what}: {err}");
        assert!(
            !err.public_message().contains(h),
            "{what}: {}",
            err.public_message()
        );
    }
}

fn cases() -> Vec<(String, Expect)> {
    use Expect::*;
    use HeaderError::*;
    let t = NOW;
    vec![
        (String::new(), Malformed(Empty.into())),
        (" ".into(), Malformed(EmptyItem.into())),
        (",".into(), Malformed(EmptyItem.into())),
        (format!("t={t},v1={SIG},"), Malformed(EmptyItem.into())),
        (format!(",t={t},v1={SIG}"), Malformed(EmptyItem.into())),
        (format!("t={t},,v1={SIG}"), Malformed(EmptyItem.into())),
        (
            "garbage".into(),
            Malformed("MissingEquals { position: 0 }".into()),
        ),
        (
            format!("t={t},v1{SIG}"),
            Malformed("MissingEquals { position: 13 }".into()),
        ),
        (
            format!("t={t};v1={SIG}"),
            Malformed(InvalidTimestamp.into()),
        ),
        (
            format!("t={t},={SIG}"),
            Malformed("EmptyKey { position: 13 }".into()),
        ),
        (format!("v1={SIG}"), Malformed(MissingTimestamp.into())),
        (
            format!("T={t},v1={SIG}"),
            Malformed(MissingTimestamp.into()),
        ),
        (
            format!("timestamp={t},v1={SIG}"),
            Malformed(MissingTimestamp.into()),
        ),
        (
            format!("t={t},t={t},v1={SIG}"),
            Malformed(DuplicateTimestamp.into()),
        ),
        (format!("t=,v1={SIG}"), Malformed(InvalidTimestamp.into())),
        (
            format!("t=-{t},v1={SIG}"),
            Malformed(InvalidTimestamp.into()),
        ),
        (
            format!("t=+{t},v1={SIG}"),
            Malformed(InvalidTimestamp.into()),
        ),
        (
            format!("t={t}.5,v1={SIG}"),
            Malformed(InvalidTimestamp.into()),
        ),
        (
            format!("t=1e9,v1={SIG}"),
            Malformed(InvalidTimestamp.into()),
        ),
        (
            format!("t=0x6A,v1={SIG}"),
            Malformed(InvalidTimestamp.into()),
        ),
        (
            format!("t={t} 0,v1={SIG}"),
            Malformed(InvalidTimestamp.into()),
        ),
        (
            format!("t=0{t},v1={SIG}"),
            Malformed(TimestampLeadingZero.into()),
        ),
        (
            format!("t=99999999999999999999,v1={SIG}"),
            Malformed(TimestampOutOfRange.into()),
        ),
        (
            format!("t=9223372036854775808,v1={SIG}"),
            Malformed(TimestampOutOfRange.into()),
        ),
        (
            format!("t=١٢٣,v1={SIG}"),
            Malformed(InvalidCharacter.into()),
        ),
        (
            format!("t={t},v1={SIG}\n"),
            Malformed(InvalidCharacter.into()),
        ),
        (
            format!("t={t},v1={SIG}\0"),
            Malformed(InvalidCharacter.into()),
        ),
        (
            format!("t={t},v1={SIG},x=é"),
            Malformed(InvalidCharacter.into()),
        ),
        (
            format!("t={t},v1={SIG},{}", "x".repeat(MAX_HEADER_LEN)),
            Malformed(
                format!(
                    "TooLong {{ len: {}, max: {MAX_HEADER_LEN} }}",
                    13 + 3 + 64 + 1 + MAX_HEADER_LEN
                )
                .as_str()
                .into(),
            ),
        ),
        (
            format!("t={t}{}", format!(",v1={SIG}").repeat(MAX_SIGNATURES + 1)),
            Malformed(
                format!("TooManySignatures {{ max: {MAX_SIGNATURES} }}")
                    .as_str()
                    .into(),
            ),
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
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let cases = cases();
    assert!(cases.len() >= 30);
    for (header, expect) in cases {
        let err = verifier
            .verify_at(&unleeshed(&header), b"{}", NOW)
            .unwrap_err();
        // Every error names the signature header (0.2: the variants carry it).
        let want = match expect {
            Expect::Malformed(reason) => Refusal::Malformed(UNLEESHED, reason),
            Expect::NoSignature => Refusal::NoSignature(UNLEESHED),
            Expect::Mismatch => Refusal::Mismatch,
            Expect::TooOld => Refusal::TooOld,
            Expect::InFuture => Refusal::InFuture,
        };
        assert_refused(&format!("header {header:?}"), &want, &err);
    }
}

#[test]
fn headers_that_are_not_text_or_not_alone_are_refused() {
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let good = Signer::<Unleeshed>::new(SECRET)
        .unwrap()
        .sign_at(b"{}", NOW);
    let good = good.get(UNLEESHED).unwrap().as_bytes().to_vec();
    let mut latin1 = good.clone();
    latin1.push(0xe9);
    let cases: Vec<(&str, Request, Refusal)> = vec![
        ("none", vec![], Refusal::Missing(UNLEESHED)),
        (
            "another provider's header",
            vec![("stripe-signature", good.clone())],
            Refusal::Missing(UNLEESHED),
        ),
        (
            "not UTF-8",
            vec![(UNLEESHED, latin1)],
            Refusal::Malformed(UNLEESHED, HeaderError::InvalidCharacter.into()),
        ),
        (
            "twice, the same value",
            vec![
                (UNLEESHED, good.clone()),
                ("X-UNLEESHED-SIGNATURE", good.clone()),
            ],
            Refusal::Duplicate(UNLEESHED),
        ),
        (
            "twice, one of them empty",
            vec![(UNLEESHED, good.clone()), (UNLEESHED, Vec::new())],
            Refusal::Duplicate(UNLEESHED),
        ),
    ];
    for (what, headers, want) in cases {
        let err = verifier.verify_at(&headers, b"{}", NOW).unwrap_err();
        assert_refused(what, &want, &err);
    }
}

#[test]
fn the_provider_header_with_extras_around_it_is_accepted() {
    let body = b"{}";
    let headers = Signer::<Unleeshed>::new(SECRET).unwrap().sign_at(body, NOW);
    let header = headers.get(UNLEESHED).unwrap();
    let sig = header.split_once(",v1=").unwrap().1;
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    for variant in [
        header.to_owned(),
        format!("v1={sig},t={NOW}"),
        format!("t={NOW}, v1={sig}"),
        format!(" t={NOW}\t,\tv1={sig} "),
        format!("t={NOW},v0=legacy,v1={sig},v2=future,scheme=whatever"),
        format!("t={NOW},v1={}", sig.to_ascii_uppercase()),
        format!("t={NOW},v1=bad,v1={sig}"),
    ] {
        verifier
            .verify_at(&unleeshed(&variant), body, NOW)
            .unwrap_or_else(|e| panic!("{variant:?}: {e}"));
    }
}

/// 0.1's message for a malformed header spelled out the expected
/// `t=<unix seconds>,v1=` shape; in 0.2 one error serves every scheme, so
/// the log text names the header and what is wrong with it instead.
#[test]
fn malformed_messages_name_the_header_and_the_fault() {
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let empty = verifier
        .verify_at(&unleeshed(""), b"{}", NOW)
        .unwrap_err()
        .to_string();
    assert!(
        empty.contains(UNLEESHED) && empty.contains("empty"),
        "{empty}"
    );
    let no_v1 = verifier
        .verify_at(&unleeshed(&format!("t={NOW},v0=x")), b"{}", NOW)
        .unwrap_err()
        .to_string();
    assert!(
        no_v1.contains("`v1`") && no_v1.contains(UNLEESHED),
        "{no_v1}"
    );
    let zero = verifier
        .verify_at(&unleeshed(&format!("t=0{NOW},v1={SIG}")), b"{}", NOW)
        .unwrap_err()
        .to_string();
    assert!(zero.contains("leading zero"), "{zero}");
}

/// Shared by the schemes other than `t=…,v1=…`.
type Request = Vec<(&'static str, Vec<u8>)>;

fn other_body() -> &'static [u8] {
    br#"{"type":"invoice.paid","data":{}}"#
}

fn run<P: signed_webhooks::Provider>(secret: &str, cases: Vec<(&str, Request, Refusal)>) {
    let verifier = Verifier::<P>::new(secret).unwrap();
    assert!(cases.len() >= 8);
    for (what, headers, want) in cases {
        let Err(err) = verifier.verify_at(&headers, other_body(), NOW) else {
            panic!("{what}: accepted, expected {want:?}")
        };
        assert_refused(what, &want, &err);
    }
}

/// Standard Webhooks: a delivery spread over three headers.
#[cfg(feature = "standard-webhooks")]
mod standard_webhooks {
    use signed_webhooks::{
        HeaderError, MAX_HEADER_LEN, MAX_SIGNATURES, Signer, StandardWebhooks, Svix, Verifier,
    };

    use super::support::{NOW, SW_SECRET};
    use super::{Refusal, Request, other_body as body, run};

    const ID: &str = "webhook-id";
    const TS: &str = "webhook-timestamp";
    const SIG: &str = "webhook-signature";

    /// A Standard Webhooks delivery, with `change` applied to its headers.
    fn sw(change: impl FnOnce(&mut Request)) -> Request {
        let signed = Signer::<StandardWebhooks>::new(SW_SECRET)
            .unwrap()
            .sign_with_id(body(), NOW, "msg_1");
        let mut headers: Request = signed
            .iter()
            .map(|(name, value)| match name {
                "webhook-id" => (ID, value.as_bytes().to_vec()),
                "webhook-timestamp" => (TS, value.as_bytes().to_vec()),
                "webhook-signature" => (SIG, value.as_bytes().to_vec()),
                other => panic!("unexpected header {other}"),
            })
            .collect();
        change(&mut headers);
        headers
    }

    fn set(headers: &mut Request, name: &str, value: &str) {
        for (n, v) in headers.iter_mut() {
            if *n == name {
                *v = value.as_bytes().to_vec();
            }
        }
    }

    fn signature_of(headers: &Request) -> String {
        let value = &headers.iter().find(|(n, _)| *n == SIG).unwrap().1;
        String::from_utf8(value.clone()).unwrap()
    }

    #[test]
    fn standard_webhooks_headers() {
        use HeaderError::*;
        let good = signature_of(&sw(|_| {}));
        let tag = good.strip_prefix("v1,").unwrap().to_owned();
        let sig = |value: String| sw(move |h| set(h, SIG, &value));
        let ts = |value: &'static str| sw(move |h| set(h, TS, value));
        let id = |value: String| sw(move |h| set(h, ID, &value));
        let without = |name: &'static str| sw(move |h| h.retain(|(n, _)| *n != name));
        let cases: Vec<(&str, Request, Refusal)> = vec![
            ("no webhook-signature", without(SIG), Refusal::Missing(SIG)),
            ("no webhook-id", without(ID), Refusal::Missing(ID)),
            ("no webhook-timestamp", without(TS), Refusal::Missing(TS)),
            (
                "webhook-id twice",
                sw(|h| h.push(("Webhook-Id", b"msg_2".to_vec()))),
                Refusal::Duplicate(ID),
            ),
            (
                "webhook-signature twice",
                sw(|h| h.push((SIG, b"v1,AAAA".to_vec()))),
                Refusal::Duplicate(SIG),
            ),
            (
                "empty signature header",
                sig(String::new()),
                Refusal::Malformed(SIG, Empty.into()),
            ),
            ("no version", sig(tag.clone()), Refusal::NoSignature(SIG)),
            (
                "only v1a",
                sig(format!("v1a,{tag}")),
                Refusal::NoSignature(SIG),
            ),
            (
                "the MAC under v2",
                sig(format!("v2,{tag}")),
                Refusal::NoSignature(SIG),
            ),
            (
                "V1 in capitals",
                sig(format!("V1,{tag}")),
                Refusal::NoSignature(SIG),
            ),
            ("v1, empty", sig("v1,".into()), Refusal::Mismatch),
            (
                "v1, truncated",
                sig(format!("v1,{}", &tag[..40])),
                Refusal::Mismatch,
            ),
            (
                "v1, unpadded",
                sig(format!("v1,{}", tag.trim_end_matches('='))),
                Refusal::Mismatch,
            ),
            (
                "v1, a URL-safe character in place of a standard one",
                sig(format!("v1,-{}", &tag[1..])),
                Refusal::Mismatch,
            ),
            (
                "v1, the MAC with a comma-separated tail",
                sig(format!("v1,{tag},x")),
                Refusal::Mismatch,
            ),
            (
                "too many signatures",
                sig(vec![format!("v1,{tag}"); MAX_SIGNATURES + 1].join(" ")),
                Refusal::Malformed(
                    SIG,
                    format!("TooManySignatures {{ max: {MAX_SIGNATURES} }}")
                        .as_str()
                        .into(),
                ),
            ),
            (
                "a newline",
                sig(format!("v1,{tag}\n")),
                Refusal::Malformed(SIG, InvalidCharacter.into()),
            ),
            (
                "too long",
                sig(format!("v1,{tag} {}", "v2,x ".repeat(MAX_HEADER_LEN / 5))),
                Refusal::Malformed(
                    SIG,
                    format!(
                        "TooLong {{ len: {}, max: {MAX_HEADER_LEN} }}",
                        3 + 44 + 1 + 5 * (MAX_HEADER_LEN / 5)
                    )
                    .as_str()
                    .into(),
                ),
            ),
            (
                "empty timestamp",
                ts(""),
                Refusal::Malformed(TS, Empty.into()),
            ),
            (
                "text timestamp",
                ts("yesterday"),
                Refusal::Malformed(TS, InvalidTimestamp.into()),
            ),
            (
                "fractional timestamp",
                ts("1790000000.5"),
                Refusal::Malformed(TS, InvalidTimestamp.into()),
            ),
            (
                "negative timestamp",
                ts("-1790000000"),
                Refusal::Malformed(TS, InvalidTimestamp.into()),
            ),
            // Read as seconds: thousands of years ahead.
            (
                "timestamp in milliseconds",
                ts("1790000000000"),
                Refusal::InFuture,
            ),
            (
                "timestamp with a leading zero",
                ts("01790000000"),
                Refusal::Malformed(TS, TimestampLeadingZero.into()),
            ),
            (
                "timestamp beyond i64",
                ts("99999999999999999999"),
                Refusal::Malformed(TS, TimestampOutOfRange.into()),
            ),
            ("stale timestamp", ts("1789999699"), Refusal::TooOld),
            ("future timestamp", ts("1790000301"), Refusal::InFuture),
            ("moved timestamp", ts("1790000001"), Refusal::Mismatch),
            (
                "empty id",
                id(String::new()),
                Refusal::Malformed(ID, Empty.into()),
            ),
            (
                "blank id",
                id("   ".into()),
                Refusal::Malformed(ID, InvalidId.into()),
            ),
            (
                "id over 256 bytes",
                id("m".repeat(257)),
                Refusal::Malformed(ID, InvalidId.into()),
            ),
            (
                "id with a newline",
                id("msg_1\n".into()),
                Refusal::Malformed(ID, InvalidCharacter.into()),
            ),
            ("another id", id("msg_2".into()), Refusal::Mismatch),
            (
                "svix signature with webhook-* id and timestamp",
                sw(|h| {
                    for (name, _) in h.iter_mut() {
                        if *name == SIG {
                            *name = "svix-signature";
                        }
                    }
                }),
                // The header family is chosen by the signature header, and
                // read whole: Svix's libraries fall back header by header,
                // but no provider mixes them.
                Refusal::Missing("svix-timestamp"),
            ),
        ];
        run::<StandardWebhooks>(SW_SECRET, cases);
    }

    #[test]
    fn standard_webhooks_headers_providers_send_are_accepted() {
        let verifier = Verifier::<StandardWebhooks>::new(SW_SECRET).unwrap();
        let svix = Verifier::<Svix>::new(SW_SECRET).unwrap();
        let good = signature_of(&sw(|_| {}));
        let tag = good.strip_prefix("v1,").unwrap().to_owned();
        let variants: Vec<(&str, Request)> = vec![
            ("as signed", sw(|_| {})),
            (
                "names in capitals",
                sw(|h| {
                    for (name, _) in h.iter_mut() {
                        *name = match *name {
                            ID => "Webhook-Id",
                            TS => "Webhook-Timestamp",
                            _ => "WEBHOOK-SIGNATURE",
                        };
                    }
                }),
            ),
            (
                "svix-* names",
                sw(|h| {
                    for (name, _) in h.iter_mut() {
                        *name = match *name {
                            ID => "svix-id",
                            TS => "svix-timestamp",
                            _ => "svix-signature",
                        };
                    }
                }),
            ),
            (
                "v1a and v2 items around",
                sw(|h| set(h, SIG, &format!("v1a,{tag} v2,abc {good} v1b,x"))),
            ),
            (
                "two spaces between items",
                sw(|h| set(h, SIG, &format!("v1,{}  {good}", "A".repeat(43) + "="))),
            ),
            (
                "a bad v1 first",
                sw(|h| set(h, SIG, &format!("v1,bad {good}"))),
            ),
            (
                "spaces around the timestamp",
                sw(|h| set(h, TS, " 1790000000 ")),
            ),
        ];
        for (what, headers) in variants {
            let verified = verifier
                .verify_at(&headers, body(), NOW)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(verified.timestamp(), Some(NOW), "{what}");
            svix.verify_at(&headers, body(), NOW)
                .unwrap_or_else(|e| panic!("svix, {what}: {e}"));
        }
    }
}

/// GitHub's, Commet's and LeadLex's single signature.
mod single_signature {
    use signed_webhooks::{Commet, GitHub, HeaderError, Signer, Verifier};

    use super::support::NOW;
    use super::{Refusal, Request, assert_refused, other_body as body, run};

    #[test]
    fn single_signature_headers() {
        use HeaderError::*;
        const GH: &str = "x-hub-signature-256";
        let secret = "It's a Secret to Everybody";
        let hex = Signer::<GitHub>::new(secret)
            .unwrap()
            .sign(body())
            .get(GH)
            .unwrap()
            .strip_prefix("sha256=")
            .unwrap()
            .to_owned();
        let one = |value: String| vec![(GH, value.into_bytes())];
        let cases: Vec<(&str, Request, Refusal)> = vec![
            ("none", vec![], Refusal::Missing(GH)),
            (
                "only the legacy SHA-1 header",
                vec![("x-hub-signature", b"sha1=0123".to_vec())],
                Refusal::Missing(GH),
            ),
            (
                "empty",
                one(String::new()),
                Refusal::Malformed(GH, Empty.into()),
            ),
            (
                "sha256= alone",
                one("sha256=".into()),
                Refusal::Malformed(GH, InvalidSignature.into()),
            ),
            (
                "bare hex",
                one(hex.clone()),
                Refusal::Malformed(GH, MissingPrefix.into()),
            ),
            (
                "SHA256= in capitals",
                one(format!("SHA256={hex}")),
                Refusal::Malformed(GH, MissingPrefix.into()),
            ),
            (
                "sha1= prefix",
                one(format!("sha1={hex}")),
                Refusal::Malformed(GH, MissingPrefix.into()),
            ),
            (
                "one digit short",
                one(format!("sha256={}", &hex[..63])),
                Refusal::Malformed(GH, InvalidSignature.into()),
            ),
            (
                "one digit long",
                one(format!("sha256={hex}0")),
                Refusal::Malformed(GH, InvalidSignature.into()),
            ),
            (
                "a space after the prefix",
                one(format!("sha256= {hex}")),
                Refusal::Malformed(GH, InvalidSignature.into()),
            ),
            (
                "two signatures",
                one(format!("sha256={hex},sha256={hex}")),
                Refusal::Malformed(GH, InvalidSignature.into()),
            ),
            (
                "not hex",
                one(format!("sha256={}", "g".repeat(64))),
                Refusal::Malformed(GH, InvalidSignature.into()),
            ),
            (
                "a newline",
                one(format!("sha256={hex}\n")),
                Refusal::Malformed(GH, InvalidCharacter.into()),
            ),
            (
                "twice",
                vec![(GH, format!("sha256={hex}").into_bytes()); 2],
                Refusal::Duplicate(GH),
            ),
            (
                "another MAC",
                one(format!("sha256={}", "0".repeat(64))),
                Refusal::Mismatch,
            ),
        ];
        run::<GitHub>(secret, cases);
        let github = Verifier::<GitHub>::new(secret).unwrap();
        for accepted in [
            format!("sha256={hex}"),
            format!(" sha256={} ", hex.to_ascii_uppercase()),
        ] {
            github
                .verify_at(&one(accepted.clone()), body(), NOW)
                .unwrap_or_else(|e| panic!("{accepted:?}: {e}"));
        }

        // Commet's bare hex: a prefix is not part of it.
        const COMMET: &str = "x-commet-signature";
        let commet_body = br#"{"id":"whev_1","timestamp":"2026-09-21T14:13:19Z"}"#;
        let commet_hex = Signer::<Commet>::new("whsec_commet")
            .unwrap()
            .sign(commet_body)
            .get(COMMET)
            .unwrap()
            .to_owned();
        let commet = Verifier::<Commet>::new("whsec_commet").unwrap();
        commet
            .verify_at(&[(COMMET, commet_hex.as_str())], commet_body, NOW)
            .unwrap();
        for (what, value, want) in [
            (
                "empty",
                String::new(),
                Refusal::Malformed(COMMET, Empty.into()),
            ),
            (
                "sha256= prefix",
                format!("sha256={commet_hex}"),
                Refusal::Malformed(COMMET, InvalidSignature.into()),
            ),
            (
                "truncated",
                commet_hex[..32].to_owned(),
                Refusal::Malformed(COMMET, InvalidSignature.into()),
            ),
        ] {
            let err = commet
                .verify_at(&[(COMMET, value.as_str())], commet_body, NOW)
                .unwrap_err();
            assert_refused(what, &want, &err);
        }
    }
}

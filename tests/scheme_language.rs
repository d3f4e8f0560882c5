//! The scheme language (issue 17): every syntax, time format, algorithm and
//! shape a provider's scheme can be described with, each signed by the
//! crate's `Signer`, verified, tampered with and refused; and the schemes
//! `Scheme::check` refuses, with their reasons.
#![cfg(feature = "base64")]

use signed_webhooks::{
    Algorithm, BodyShape, ConfigError, DeliveryId, Encoding, IdShape, Part, Provider, Scheme,
    Signer, TimeFormat, Verifier,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_790_000_000;
const BODY: &[u8] = br#"{"id":"evt_1","type":"thing.happened"}"#;

macro_rules! provider {
    ($name:ident, $scheme:expr) => {
        struct $name;
        impl Provider for $name {
            const NAME: &'static str = "test";
            type Event = serde_json::Value;
            fn scheme() -> Scheme {
                $scheme
            }
        }
    };
}

/// Signs `BODY` at `NOW` as `P`, then checks that the delivery verifies,
/// and that a changed body, another secret, a stale and a future time
/// (where the scheme signs one) are refused with their codes. Returns the
/// signed headers.
fn round_trip<P: Provider>() -> signed_webhooks::SignedHeaders {
    let headers = Signer::<P>::new(SECRET).unwrap().sign_at(BODY, NOW);
    let verifier = Verifier::<P>::new(SECRET).unwrap();
    let verified = verifier
        .verify_at(&headers, BODY, NOW)
        .unwrap_or_else(|e| panic!("{headers:?}: {e}"));
    let signs_time = P::scheme().signs_header_time();
    assert_eq!(verified.timestamp(), signs_time.then_some(NOW));
    let tampered = br#"{"id":"evt_2","type":"thing.happened"}"#;
    assert_eq!(
        verifier
            .verify_at(&headers, tampered, NOW)
            .unwrap_err()
            .code(),
        "signature_mismatch"
    );
    let other = Verifier::<P>::new("another-secret-of-this-endpoint").unwrap();
    assert_eq!(
        other.verify_at(&headers, BODY, NOW).unwrap_err().code(),
        "signature_mismatch"
    );
    if signs_time {
        assert_eq!(
            verifier
                .verify_at(&headers, BODY, NOW + 301)
                .unwrap_err()
                .code(),
            "timestamp_too_old"
        );
        assert_eq!(
            verifier
                .verify_at(&headers, BODY, NOW - 301)
                .unwrap_err()
                .code(),
            "timestamp_in_future"
        );
    }
    headers
}

#[test]
fn key_value_items_with_keys_and_a_separator_of_their_own() {
    // Paddle: `ts=…;h1=…` over `{ts}:{body}`.
    provider!(
        Paddle,
        Scheme::timestamped("paddle-signature")
            .with_pair_keys("ts", "h1")
            .with_item_separator(';')
            .with_signed_content([Part::Timestamp, Part::Literal(":"), Part::Body])
    );
    let headers = round_trip::<Paddle>();
    let value = headers.get("paddle-signature").unwrap();
    assert!(value.starts_with(&format!("ts={NOW};h1=")), "{value}");
    // Stripe's separator or keys are not Paddle's.
    let verifier = Verifier::<Paddle>::new(SECRET).unwrap();
    let swapped = [("paddle-signature", value.replace(';', ","))];
    assert_eq!(
        verifier.verify_at(&swapped, BODY, NOW).unwrap_err().code(),
        "malformed_signature_header"
    );
}

#[test]
fn signature_items_without_a_time() {
    // PagerDuty: `v1=<hex>[,v1=<hex>]` over the body.
    provider!(
        PagerDuty,
        Scheme::signature_items("x-pagerduty-signature", "v1")
    );
    let headers = round_trip::<PagerDuty>();
    let value = headers.get("x-pagerduty-signature").unwrap().to_owned();
    assert!(value.starts_with("v1=") && !value.contains("t="), "{value}");
    // Rotation: the right signature among others passes.
    let rotating = [(
        "x-pagerduty-signature",
        format!("v1={},{value}", "0".repeat(64)),
    )];
    let verifier = Verifier::<PagerDuty>::new(SECRET).unwrap();
    assert!(verifier.verify_at(&rotating, BODY, NOW).is_ok());
}

#[test]
fn milliseconds_in_a_key_value_header() {
    // WorkOS: `t=<ms>, v1=<hex>` over `{t}.{body}`.
    provider!(
        WorkOs,
        Scheme::timestamped("workos-signature").with_time_format(TimeFormat::UnixMillis)
    );
    let headers = round_trip::<WorkOs>();
    let value = headers.get("workos-signature").unwrap();
    assert!(value.starts_with(&format!("t={}000,v1=", NOW)), "{value}");
}

#[test]
fn a_time_header_in_seconds_milliseconds_or_rfc3339() {
    provider!(
        Slack,
        Scheme::body("x-slack-signature")
            .with_prefix("v0=")
            .with_timestamp_header("x-slack-request-timestamp")
            .with_signed_content([
                Part::Literal("v0:"),
                Part::Timestamp,
                Part::Literal(":"),
                Part::Body,
            ])
    );
    assert_eq!(
        round_trip::<Slack>().get("x-slack-request-timestamp"),
        Some(&*NOW.to_string())
    );
    provider!(
        Millis,
        Scheme::body("x-sig")
            .with_encoding(Encoding::Base64)
            .with_timestamp_header("x-time")
            .with_time_format(TimeFormat::UnixMillis)
            .with_signed_content([Part::Body, Part::Literal("|"), Part::Timestamp])
    );
    assert_eq!(
        round_trip::<Millis>().get("x-time"),
        Some(&*format!("{NOW}000"))
    );
    // Twitch: `{message id}{RFC 3339 time}{body}`, run together: sound only
    // with a UUID id, an RFC 3339 time and a JSON body.
    provider!(
        Twitch,
        Scheme::body("twitch-eventsub-message-signature")
            .with_prefix("sha256=")
            .with_id_header("twitch-eventsub-message-id")
            .with_id_shape(IdShape::Uuid)
            .with_timestamp_header("twitch-eventsub-message-timestamp")
            .with_time_format(TimeFormat::Rfc3339)
            .with_signed_content([Part::Id, Part::Timestamp, Part::Body])
    );
    let headers = round_trip::<Twitch>();
    let id = headers
        .get("twitch-eventsub-message-id")
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(
        headers.get("twitch-eventsub-message-timestamp"),
        Some("2026-09-21T14:13:20.000Z")
    );
    // An id not of the UUID shape is malformed, whatever it signs.
    let verifier = Verifier::<Twitch>::new(SECRET).unwrap();
    let mut renamed: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    renamed[0].1.push('0');
    assert_eq!(
        verifier.verify_at(&renamed, BODY, NOW).unwrap_err().code(),
        "malformed_signature_header"
    );
}

#[test]
fn hmac_sha512_and_base64() {
    provider!(
        Sha512,
        Scheme::body("x-sig")
            .with_algorithm(Algorithm::HmacSha512)
            .with_encoding(Encoding::Base64)
    );
    let headers = round_trip::<Sha512>();
    assert_eq!(headers.get("x-sig").unwrap().len(), 88);
}

#[cfg(feature = "sha1")]
#[test]
fn hmac_sha1_where_a_provider_signs_with_nothing_else() {
    // Intercom: `X-Hub-Signature: sha1=<hex>`.
    provider!(
        Intercom,
        Scheme::body("x-hub-signature")
            .with_prefix("sha1=")
            .with_algorithm(Algorithm::HmacSha1)
    );
    let headers = round_trip::<Intercom>();
    let value = headers.get("x-hub-signature").unwrap();
    assert_eq!(value.len(), "sha1=".len() + 40);
    // A SHA-256 signature (64 digits) in its place never matches.
    let verifier = Verifier::<Intercom>::new(SECRET).unwrap();
    let long = [("x-hub-signature", format!("sha1={}", "ab".repeat(32)))];
    assert_eq!(
        verifier.verify_at(&long, BODY, NOW).unwrap_err().code(),
        "signature_mismatch"
    );
}

#[test]
fn a_shared_token() {
    provider!(GitLab, Scheme::token("x-gitlab-token"));
    let headers = Signer::<GitLab>::new("a-long-gitlab-token-of-this-hook")
        .unwrap()
        .sign(BODY);
    assert_eq!(
        headers.get("x-gitlab-token"),
        Some("a-long-gitlab-token-of-this-hook")
    );
    let verifier =
        Verifier::<GitLab>::from_secrets(["old-token", "a-long-gitlab-token-of-this-hook"])
            .unwrap();
    let verified = verifier.verify(&headers, BODY).unwrap();
    assert_eq!(verified.secret_index(), 1);
    // The token covers no body: any body passes with it.
    assert!(verifier.verify(&headers, b"anything at all").is_ok());
    // (Spaces around a header value are not part of it, in HTTP: a token
    // with one is the same token.)
    for wrong in [
        "a-long-gitlab-token-of-this-hoo",
        "a-long-gitlab-token-of-this-hook2",
        "a-long gitlab-token-of-this-hook",
        "",
    ] {
        let headers = [("x-gitlab-token", wrong)];
        assert!(verifier.verify(&headers, BODY).is_err(), "{wrong:?}");
    }
}

#[test]
fn digits_then_a_json_body_is_sound_only_when_the_body_is_json() {
    provider!(
        Digits,
        Scheme::body("x-sig")
            .with_timestamp_header("x-time")
            .with_body_shape(BodyShape::JsonContainer)
            .with_signed_content([Part::Timestamp, Part::Body])
    );
    round_trip::<Digits>();
    // A body of digits would let a replay move them into the time: its
    // signature may match, the delivery is refused.
    let digits = b"12345";
    let headers = Signer::<Digits>::new(SECRET).unwrap().sign_at(digits, NOW);
    let error = Verifier::<Digits>::new(SECRET)
        .unwrap()
        .verify_at(&headers, digits, NOW)
        .unwrap_err();
    assert_eq!(error.code(), "invalid_event", "{error}");
}

/// `Scheme::check` refuses, when a verifier is built, every scheme whose
/// variable parts run together without a shape that says where one ends,
/// and the token and `key=value` schemes it cannot keep its promises with.
#[test]
fn unsound_schemes_are_refused_when_a_verifier_is_built() {
    let run_together = "two variable parts of the signed content run together: a replay could move bytes from \
         one into the other (put a literal between them, or give the first a fixed shape: a UUID \
         id, an RFC 3339 time, digits before a JSON body)";
    let body = || Scheme::body("x-acme-signature");
    for (scheme, reason) in [
        // The issue's example: (`evt_1{`, `"a":1}`) for (`evt_1`, `{"a":1}`).
        (
            body()
                .with_id_header("x-acme-id")
                .with_signed_content([Part::Id, Part::Body]),
            run_together,
        ),
        (
            body()
                .with_timestamp_header("x-acme-time")
                .with_signed_content([Part::Timestamp, Part::Body]),
            run_together,
        ),
        (
            body()
                .with_timestamp_header("x-acme-time")
                .with_time_format(TimeFormat::UnixMillis)
                .with_id_header("x-acme-id")
                .with_signed_content([Part::Timestamp, Part::Id, Part::Body]),
            run_together,
        ),
        (
            body()
                .with_timestamp_header("x-acme-time")
                .with_signed_content([Part::Body, Part::Timestamp]),
            run_together,
        ),
        // An empty literal is no separator.
        (
            body().with_id_header("x-acme-id").with_signed_content([
                Part::Id,
                Part::Literal(""),
                Part::Body,
            ]),
            run_together,
        ),
        // Nothing to leave out of the key: it would fail every delivery.
        (
            body().with_delivery_id(DeliveryId::BodyWithoutTime),
            "duplicates are recognised by the body without its time, but the scheme reads no \
             time in the body",
        ),
        (
            Scheme::token("x-acme-token").with_prefix("token "),
            "a token is the whole header value: no prefix, no list",
        ),
        (
            Scheme::token("x-acme-token").with_timestamp_header("x-acme-time"),
            "a token scheme signs no time and no id: a replay could change them",
        ),
        (
            Scheme::timestamped("x-acme-signature").with_item_separator(' '),
            "a `key=value` header's items are separated by `,` or `;`, and its keys are distinct \
             letters, digits or `_`",
        ),
        (
            Scheme::timestamped("x-acme-signature").with_pair_keys("v1", "v1"),
            "a `key=value` header's items are separated by `,` or `;`, and its keys are distinct \
             letters, digits or `_`",
        ),
        (
            Scheme::timestamped("x-acme-signature").with_algorithm(Algorithm::HmacSha512),
            "the `key=value` family carries HMAC-SHA256 signatures only",
        ),
    ] {
        let checked = check(scheme.clone());
        assert_eq!(checked, Err(reason.to_owned()), "{scheme:?}");
    }
}

/// The reason a verifier refuses `scheme`, through a provider of it.
fn check(scheme: Scheme) -> Result<(), String> {
    thread_local!(static SCHEME: std::cell::RefCell<Option<Scheme>> = const { std::cell::RefCell::new(None) });
    struct Dynamic;
    impl Provider for Dynamic {
        const NAME: &'static str = "dynamic";
        type Event = serde_json::Value;
        fn scheme() -> Scheme {
            SCHEME.with(|s| s.borrow().clone().unwrap())
        }
    }
    SCHEME.with(|s| *s.borrow_mut() = Some(scheme));
    match Verifier::<Dynamic>::new(SECRET) {
        Ok(_) => Ok(()),
        Err(ConfigError::InvalidScheme { reason, .. }) => Err(reason.to_owned()),
        Err(other) => Err(other.to_string()),
    }
}

/// What is sound is accepted: the shapes that say where a part ends.
#[test]
fn sound_run_together_schemes_are_accepted() {
    let body = || Scheme::body("x-acme-signature");
    for scheme in [
        body()
            .with_id_header("x-acme-id")
            .with_id_shape(IdShape::Uuid)
            .with_signed_content([Part::Id, Part::Body]),
        body()
            .with_timestamp_header("x-acme-time")
            .with_time_format(TimeFormat::Rfc3339)
            .with_signed_content([Part::Timestamp, Part::Body]),
        body()
            .with_timestamp_header("x-acme-time")
            .with_body_shape(BodyShape::JsonContainer)
            .with_signed_content([Part::Timestamp, Part::Body]),
        Scheme::token("x-acme-token"),
        Scheme::signature_items("x-acme-signature", "v1"),
    ] {
        assert_eq!(check(scheme.clone()), Ok(()), "{scheme:?}");
    }
}

//! The presets of issue 17 against their vectors (tests/vectors/<name>.json,
//! made by each provider's own SDK where one exists, else by its documented
//! recipe; facts and sources in tests/vectors/facts/<name>.md):
//!
//! - a valid `conformance` vector verifies, at its `now`, with its secrets,
//!   and where it names its event id, the delivery key is that id;
//! - an invalid one is refused (with the code pinned, where one is);
//! - a `library-edge` vector (the libraries are lax, or disagree) gets the
//!   answer pinned for it, with its reason: an unpinned one fails the test.
//!
//! Vectors of a request the crate's verifier does not read (a GET
//! handshake) are skipped, by name, and counted.
#![cfg(feature = "base64")]

use std::collections::BTreeMap;

use serde::Deserialize;
use signed_webhooks::{DeliveryId, Provider, Verifier};

#[derive(Deserialize)]
struct VectorFile {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    kind: String,
    secrets: Vec<String>,
    body: Option<String>,
    body_base64: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    event_id: Option<String>,
    now: Option<i64>,
    valid: Option<bool>,
    method: Option<String>,
}

impl Vector {
    fn body(&self) -> Vec<u8> {
        use base64ct::Encoding as _;
        match (&self.body, &self.body_base64) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(encoded)) => base64ct::Base64::decode_vec(encoded).unwrap(),
            (None, None) => Vec::new(),
        }
    }
}

/// What the crate answers: `accepted`, an error's code, or `secret
/// refused` when no verifier can be built from the vector's secrets.
fn answer<P: Provider>(v: &Vector) -> (String, Option<String>) {
    let verifier = match Verifier::<P>::from_secrets(&v.secrets) {
        Ok(verifier) => verifier,
        Err(_) => return ("secret refused".to_owned(), None),
    };
    let headers: Vec<(&str, &str)> = v
        .headers
        .iter()
        .map(|(n, value)| (n.as_str(), value.as_str()))
        .collect();
    let now = v.now.unwrap_or(0);
    match verifier.verify_with_key_at(&headers, &v.body(), now) {
        Ok((_, key)) => ("accepted".to_owned(), Some(key.as_str().to_owned())),
        Err(error) => (error.code().to_owned(), None),
    }
}

/// Checks every vector of `file` (its JSON text) as provider `P`;
/// `pins` gives the answer of each library-edge vector, and of any
/// conformance vector whose refusal code is worth pinning, by name.
pub fn check<P: Provider>(file: &str, text: &str, pins: &[(&str, &str)]) {
    let vectors: VectorFile = serde_json::from_str(text).unwrap();
    let mut checked = (0, 0);
    for v in &vectors.vectors {
        if v.method.as_deref().is_some_and(|m| m != "POST") {
            continue;
        }
        let pinned = pins.iter().find(|(name, _)| *name == v.name).map(|p| p.1);
        let (got, key) = answer::<P>(v);
        match (v.kind.as_str(), v.valid) {
            ("conformance", Some(true)) => {
                assert_eq!(got, "accepted", "{file}: {}", v.name);
                checked.0 += 1;
                let by_body_field = matches!(
                    P::scheme().delivery_id(),
                    DeliveryId::BodyField(_) | DeliveryId::BodyFieldOrBody(_)
                );
                if let (Some(id), true) = (&v.event_id, by_body_field) {
                    let key = key.unwrap();
                    if key.contains(":id:") {
                        assert_eq!(key, format!("{}:id:{id}", P::NAME), "{file}: {}", v.name);
                    }
                }
            }
            ("conformance", Some(false)) => {
                assert_ne!(got, "accepted", "{file}: {} was accepted", v.name);
                if let Some(code) = pinned {
                    assert_eq!(got, code, "{file}: {}", v.name);
                }
                checked.1 += 1;
            }
            ("library-edge", None) => {
                let Some(expected) = pinned else {
                    panic!(
                        "{file}: library-edge vector {:?} answered {got}: pin it",
                        v.name
                    );
                };
                assert_eq!(got, expected, "{file}: {}", v.name);
            }
            other => panic!("{file}: {}: unknown kind {other:?}", v.name),
        }
    }
    assert!(
        checked.0 >= 3 && checked.1 >= 5,
        "{file}: {} valid and {} invalid vectors checked: the file lost entries",
        checked.0,
        checked.1
    );
}

/// The file's text, at compile time.
macro_rules! vectors {
    ($name:literal) => {
        ($name, include_str!(concat!("vectors/", $name, ".json")))
    };
}

#[test]
fn slack() {
    let (file, text) = vectors!("slack");
    check::<signed_webhooks::Slack>(
        file,
        text,
        &[
            // The crate reads hex in either case (as for every hex scheme).
            ("upper-case hex", "accepted"),
            // The signed text is the header's, verbatim; but the crate reads
            // Unix seconds in canonical digits only.
            (
                "timestamp with a leading zero, signed as sent",
                "malformed_signature_header",
            ),
        ],
    );
}

#[test]
fn pagerduty() {
    let (file, text) = vectors!("pagerduty");
    check::<signed_webhooks::PagerDuty>(
        file,
        text,
        &[
            // The crate reads hex in either case (as for every hex scheme).
            ("upper-case hex", "accepted"),
            // Spaces around an item are optional whitespace, as in every
            // `key=value` header the crate reads.
            ("two v1 signatures separated by \", \"", "accepted"),
        ],
    );
}

#[test]
fn paddle() {
    let (file, text) = vectors!("paddle");
    check::<signed_webhooks::Paddle>(
        file,
        text,
        &[
            // The crate reads hex in either case (as for every hex scheme).
            ("upper-case hex", "accepted"),
            // An unknown key is skipped (the SDK raises): a future item must
            // not refuse deliveries whose h1 matches.
            ("an unknown item (h2=…) beside a good h1", "accepted"),
            // Optional whitespace around an item is skipped (the SDK raises).
            ("a space after the semicolon", "accepted"),
        ],
    );
}

#[test]
fn twitch() {
    let (file, text) = vectors!("twitch");
    check::<signed_webhooks::Twitch>(
        file,
        text,
        &[
            // The crate reads hex in either case (as for every hex scheme).
            ("upper-case hex", "accepted"),
            // 600 s both ways: Twitch and twurple bound only the age.
            ("timestamp an hour in the future", "timestamp_in_future"),
            // Every message is bounded, as Twitch's recipe says (twurple
            // bounds notifications only).
            ("revocation an hour old", "timestamp_too_old"),
            // Strict hex (twurple's Buffer.from stops at `zz` and accepts).
            ("right hex followed by zz", "malformed_signature_header"),
            // An RFC 3339 time or a malformed header (twurple lets NaN
            // through).
            (
                "unparseable timestamp, correctly signed",
                "malformed_signature_header",
            ),
        ],
    );
}

#[test]
fn bitbucket() {
    let (file, text) = vectors!("bitbucket");
    check::<signed_webhooks::Bitbucket>(
        file,
        text,
        &[
            // The crate reads hex in either case (as for every hex scheme).
            ("upper-case hex", "accepted"),
        ],
    );
}

#[cfg(feature = "sha1")]
#[test]
fn intercom() {
    let (file, text) = vectors!("intercom");
    check::<signed_webhooks::Intercom>(
        file,
        text,
        &[
            // The crate reads hex in either case (as for every hex scheme).
            ("upper-case hex", "accepted"),
        ],
    );
}

#[cfg(feature = "sha1")]
#[test]
fn vercel() {
    let (file, text) = vectors!("vercel");
    check::<signed_webhooks::Vercel>(
        file,
        text,
        &[
            // The crate reads hex in either case (as for every hex scheme).
            ("upper-case hex", "accepted"),
        ],
    );
}

#[test]
fn gitlab() {
    let (file, text) = vectors!("gitlab");
    check::<signed_webhooks::GitLab>(
        file,
        text,
        &[
            // HTTP strips the whitespace around a header value: the crate
            // compares the token without it (the recipe compares raw text).
            ("the token with a trailing space", "accepted"),
        ],
    );
}

/// GitLab's signing token is Standard Webhooks: the existing preset
/// verifies it, `webhook-id` (GitLab's `Idempotency-Key`) naming the
/// delivery.
#[cfg(feature = "standard-webhooks")]
#[test]
fn gitlab_signing_token() {
    let (file, text) = vectors!("gitlab_signing_token");
    check::<signed_webhooks::StandardWebhooks>(file, text, &[]);
}

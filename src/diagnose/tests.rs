//! Each finding on a real mismatch: a delivery signed by the crate's
//! `Signer`, then changed the way integrations change it.

use super::*;
#[cfg(feature = "standard-webhooks")]
use crate::providers::StandardWebhooks;
use crate::providers::{Commet, GitHub, Stripe};
use crate::sign::{SignedHeaders, Signer};

const SECRET: &str = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
const NOW: i64 = 1_790_000_000;
/// Stripe's way: pretty-printed, two-space indent, no final newline.
const PRETTY: &str = "{\n  \"id\": \"evt_1\",\n  \"object\": \"event\",\n  \"data\": {\n    \"amount\": 1099,\n    \"note\": \"Grüße\"\n  }\n}";
const COMPACT: &str = r#"{"id":"evt_1","object":"event","data":{"amount":1099,"note":"Grüße"}}"#;

fn stripe_headers(secret: &str, body: &[u8], at: i64) -> SignedHeaders {
    Signer::<Stripe>::new(secret).unwrap().sign_at(body, at)
}

/// Explains a Stripe delivery signed with `sent` and verified as
/// `received`, and checks what every diagnosis must hold.
fn stripe(configured: &str, sent: &[u8], received: &[u8]) -> Diagnosis {
    let headers = stripe_headers(SECRET, sent, NOW);
    checked(explain_at::<Stripe>(
        configured,
        &headers,
        received,
        NOW + 5,
    ))
}

fn checked(diagnosis: Diagnosis) -> Diagnosis {
    let text = diagnosis.to_string();
    assert!(!text.contains("9a8b7c6d5e4f"), "the secret leaked: {text}");
    assert!(diagnosis.tried() <= MAX_TRIES, "{diagnosis:?}");
    diagnosis
}

fn only(diagnosis: &Diagnosis) -> &Finding {
    assert!(diagnosis.is_explained(), "{diagnosis}");
    match diagnosis.findings() {
        [finding] => finding,
        other => panic!("one finding expected, got {other:?}: {diagnosis}"),
    }
}

#[test]
fn a_delivery_that_verifies_is_said_so_after_one_try() {
    let d = stripe(SECRET, PRETTY.as_bytes(), PRETTY.as_bytes());
    assert!(matches!(d.outcome(), Outcome::Verified(_)));
    assert_eq!(d.verified().unwrap().timestamp(), Some(NOW));
    assert!(d.findings().is_empty() && d.is_explained());
    assert_eq!(d.tried(), 1);
    assert_eq!(
        d.to_string(),
        format!("verified, signed at {NOW} (Unix seconds)")
    );
    // `explain` reads the system clock.
    let headers = Signer::<Stripe>::new(SECRET)
        .unwrap()
        .sign(PRETTY.as_bytes());
    let d = explain::<Stripe>(SECRET, &headers, PRETTY.as_bytes());
    assert!(d.verified().is_some(), "{d}");
}

#[test]
fn a_newline_added_or_removed() {
    let added = [PRETTY.as_bytes(), b"\n"].concat();
    let d = stripe(SECRET, PRETTY.as_bytes(), &added);
    assert_eq!(only(&d), &Finding::TrailingNewlineAdded);
    assert!(matches!(
        d.outcome(),
        Outcome::Refused(Error::SignatureMismatch { .. })
    ));
    // A CRLF at the end counts as one newline.
    let added = [PRETTY.as_bytes(), b"\r\n"].concat();
    assert_eq!(
        only(&stripe(SECRET, PRETTY.as_bytes(), &added)),
        &Finding::TrailingNewlineAdded
    );

    let sent = [PRETTY.as_bytes(), b"\n"].concat();
    let d = stripe(SECRET, &sent, PRETTY.as_bytes());
    assert_eq!(only(&d), &Finding::TrailingNewlineRemoved);
    let text = d.to_string();
    assert!(text.starts_with("refused: no signature matched"), "{text}");
    assert!(
        text.contains("- the body lost the final newline it was signed with"),
        "{text}"
    );
    assert!(
        text.ends_with("with that corrected, the delivery verifies"),
        "{text}"
    );
}

#[test]
fn line_endings_converted_either_way() {
    let crlf = PRETTY.replace('\n', "\r\n");
    let d = stripe(SECRET, PRETTY.as_bytes(), crlf.as_bytes());
    assert_eq!(only(&d), &Finding::CrlfAdded);
    let d = stripe(SECRET, crlf.as_bytes(), PRETTY.as_bytes());
    assert_eq!(only(&d), &Finding::CrlfRemoved);
}

#[test]
fn json_re_serialized_in_each_style() {
    let json = |style, sorted_keys| Finding::JsonReserialized {
        style,
        sorted_keys,
        final_newline: false,
    };
    // Stripe sent pretty JSON; the receiver verified JSON.stringify(body).
    let d = stripe(SECRET, PRETTY.as_bytes(), COMPACT.as_bytes());
    assert_eq!(only(&d), &json(JsonStyle::Pretty, false));
    assert!(d.to_string().contains(
        "the body was re-serialized as JSON: the sender signed it pretty-printed (two-space \
         indent), and what was verified is the same JSON written differently; verify the raw \
         bytes you received, before any JSON parsing"
    ));
    // A pretty-printed file, signed with its final newline.
    let file = format!("{PRETTY}\n");
    let d = stripe(SECRET, file.as_bytes(), COMPACT.as_bytes());
    assert_eq!(
        only(&d),
        &Finding::JsonReserialized {
            style: JsonStyle::Pretty,
            sorted_keys: false,
            final_newline: true
        }
    );
    assert!(
        d.to_string()
            .contains("signed it pretty-printed (two-space indent), with a final newline,")
    );
    // A compact sender, a receiver that pretty-printed.
    assert_eq!(
        only(&stripe(SECRET, COMPACT.as_bytes(), PRETTY.as_bytes())),
        &json(JsonStyle::Compact, false)
    );
    // A Python sender (json.dumps), non-ASCII escaped.
    let spaced = r#"{"id": "evt_1", "object": "event", "data": {"amount": 1099, "note": "Gr\u00fc\u00dfe"}}"#;
    assert_eq!(
        only(&stripe(SECRET, spaced.as_bytes(), COMPACT.as_bytes())),
        &json(JsonStyle::Spaced, false)
    );
    // A sender that sorts keys (serde_json::Value, sort_keys=True), a
    // receiver that wrote them in another order.
    let sorted = r#"{"data":{"amount":1099,"note":"Grüße"},"id":"evt_1","object":"event"}"#;
    let d = stripe(SECRET, sorted.as_bytes(), PRETTY.as_bytes());
    assert_eq!(only(&d), &json(JsonStyle::Compact, true));
    assert!(
        d.to_string()
            .contains("signed it compact (no whitespace), keys sorted")
    );
}

#[test]
fn a_secret_with_whitespace_or_quotes_is_corrected_first() {
    let body = PRETTY.as_bytes();
    let d = stripe(&format!("{SECRET}\n"), body, body);
    assert!(matches!(
        d.outcome(),
        Outcome::InvalidSecret(ConfigError::InvalidSecret {
            reason: SecretError::SurroundingWhitespace,
            ..
        })
    ));
    assert_eq!(only(&d), &Finding::SecretWhitespace);

    let d = stripe(&format!("\"{SECRET}\""), body, body);
    assert_eq!(only(&d), &Finding::SecretQuoted);

    // Both, and a mistake in the body on top: the secret is corrected,
    // then the body.
    let d = stripe(&format!(" '{SECRET}' "), body, COMPACT.as_bytes());
    assert!(d.is_explained());
    assert_eq!(
        d.findings(),
        [
            Finding::SecretWhitespace,
            Finding::SecretQuoted,
            Finding::JsonReserialized {
                style: JsonStyle::Pretty,
                sorted_keys: false,
                final_newline: false
            }
        ]
    );
    assert!(
        d.to_string()
            .ends_with("with those corrected, the delivery verifies")
    );
}

#[test]
fn a_whsec_prefix_lost_or_kept() {
    let bare = SECRET.strip_prefix("whsec_").unwrap();
    let body = PRETTY.as_bytes();
    let d = stripe(bare, body, body);
    assert_eq!(
        only(&d),
        &Finding::SecretPrefixMissing {
            prefix: "whsec_",
            provider: "stripe"
        }
    );
    assert!(
        d.to_string()
            .contains("the secret lost its `whsec_` prefix")
    );

    // The sender signed without the prefix; the receiver has the whole secret.
    let headers = stripe_headers(bare, body, NOW);
    let d = checked(explain_at::<Stripe>(SECRET, &headers, body, NOW));
    assert_eq!(
        only(&d),
        &Finding::SecretPrefixExtra {
            prefix: "whsec_",
            provider: "stripe"
        }
    );
}

/// Stripe's header, keyed as Standard Webhooks keys: the base64 after
/// `whsec_`.
#[cfg(feature = "standard-webhooks")]
struct StripeKeyedAsStandard;

#[cfg(feature = "standard-webhooks")]
impl Provider for StripeKeyedAsStandard {
    const NAME: &'static str = "stripe";
    type Event = serde_json::Value;
    fn scheme() -> Scheme {
        Stripe::scheme().with_secret_format(SecretFormat::Base64 { prefix: "whsec_" })
    }
}

/// Standard Webhooks' headers, keyed with the secret's text.
#[cfg(feature = "standard-webhooks")]
struct StandardKeyedAsIssued;

#[cfg(feature = "standard-webhooks")]
impl Provider for StandardKeyedAsIssued {
    const NAME: &'static str = "standard-webhooks";
    type Event = serde_json::Value;
    fn scheme() -> Scheme {
        Scheme::standard_webhooks().with_secret_format(SecretFormat::AsIssued)
    }
}

#[cfg(feature = "standard-webhooks")]
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[cfg(feature = "standard-webhooks")]
#[test]
fn a_secret_base64_decoded_or_not() {
    let body = COMPACT.as_bytes();
    let headers = Signer::<StripeKeyedAsStandard>::new(SW_SECRET)
        .unwrap()
        .sign_at(body, NOW);
    let d = checked(explain_at::<Stripe>(SW_SECRET, &headers, body, NOW));
    assert_eq!(
        only(&d),
        &Finding::SecretBase64Decoded { provider: "stripe" }
    );

    for (signed_with, prefix_kept) in [(SW_SECRET, true), (&SW_SECRET[6..], false)] {
        let headers = Signer::<StandardKeyedAsIssued>::new(signed_with)
            .unwrap()
            .sign_with_id(body, NOW, "msg_1");
        let d = checked(explain_at::<StandardWebhooks>(
            SW_SECRET, &headers, body, NOW,
        ));
        assert_eq!(only(&d), &Finding::SecretNotDecoded { prefix_kept });
    }

    // A Standard Webhooks secret that is not base64 cannot be configured,
    // and is still tried as text.
    let text_secret = "whsec_not-base64!";
    let headers = Signer::<StandardKeyedAsIssued>::new(text_secret)
        .unwrap()
        .sign_with_id(body, NOW, "msg_1");
    let d = explain_at::<StandardWebhooks>(text_secret, &headers, body, NOW);
    assert!(matches!(d.outcome(), Outcome::InvalidSecret(_)));
    assert_eq!(only(&d), &Finding::SecretNotDecoded { prefix_kept: true });
}

#[test]
fn milliseconds_for_seconds() {
    let body = PRETTY.as_bytes();
    let millis = NOW * 1000 + 123;
    let headers = stripe_headers(SECRET, body, millis);
    let d = checked(explain_at::<Stripe>(SECRET, &headers, body, NOW + 1));
    assert!(matches!(
        d.outcome(),
        Outcome::Refused(Error::TimestampInFuture { .. })
    ));
    assert_eq!(
        only(&d),
        &Finding::Milliseconds {
            timestamp: millis,
            now: NOW + 1
        }
    );
    let text = d.to_string();
    assert!(
        text.contains(&format!("the timestamp {millis} is in milliseconds")),
        "{text}"
    );
    assert!(
        text.contains(&format!("it should sign and send {NOW}")),
        "{text}"
    );
    // A forged 13-digit timestamp is no millisecond mistake: the signature
    // does not match, and nothing is found.
    let headers = [(
        "stripe-signature",
        format!("t={millis},v1={}", "ab".repeat(32)),
    )];
    let d = checked(explain_at::<Stripe>(SECRET, &headers, body, NOW));
    assert!(!d.is_explained() && d.findings().is_empty(), "{d}");
}

#[test]
fn a_clock_off_says_by_how_much() {
    let body = PRETTY.as_bytes();
    for (signed_at, expected) in [
        (NOW - 7200, "signed 2 h ago, beyond the 5 min tolerance"),
        (
            NOW + 754,
            "signed 12 min 34 s in the future, beyond the 5 min tolerance",
        ),
    ] {
        let headers = stripe_headers(SECRET, body, signed_at);
        let d = checked(explain_at::<Stripe>(SECRET, &headers, body, NOW));
        assert_eq!(
            only(&d),
            &Finding::OutsideTolerance {
                signed_at,
                now: NOW,
                tolerance: Duration::from_secs(300),
                body_field: None,
                provider: "stripe"
            }
        );
        assert!(d.to_string().contains(expected), "{d}");
        // The signature is valid: nothing to correct but the clocks.
        assert!(!d.to_string().contains("corrected"), "{d}");
    }
    // Stale and re-serialized: both are said.
    let headers = stripe_headers(SECRET, body, NOW - 7200);
    let d = checked(explain_at::<Stripe>(
        SECRET,
        &headers,
        COMPACT.as_bytes(),
        NOW,
    ));
    assert!(matches!(
        d.findings(),
        [
            Finding::JsonReserialized {
                style: JsonStyle::Pretty,
                ..
            },
            Finding::OutsideTolerance { .. }
        ]
    ));
}

#[test]
fn a_stale_time_in_the_body() {
    let body = br#"{"id":"whev_1","event":"invoice.created","timestamp":"2026-06-23T14:30:00.000Z","data":{}}"#;
    let emitted = 1_782_225_000; // 2026-06-23T14:30:00Z
    let headers = Signer::<Commet>::new(SECRET).unwrap().sign(body);
    let now = emitted + 3 * 86_400;
    let d = checked(explain_at::<Commet>(SECRET, &headers, body, now));
    assert!(matches!(
        d.outcome(),
        Outcome::Refused(Error::TimestampTooOld { .. })
    ));
    assert_eq!(
        only(&d),
        &Finding::OutsideTolerance {
            signed_at: emitted,
            now,
            tolerance: Duration::from_secs(24 * 3600),
            body_field: Some("timestamp"),
            provider: "commet"
        }
    );
    assert!(d.to_string().contains(
        "the event's `timestamp` in the body is 3 d old, and commet deliveries are accepted \
         for 24 h after it"
    ));
}

#[test]
fn another_providers_delivery() {
    let body = PRETTY.as_bytes();
    let headers = stripe_headers(SECRET, body, NOW);
    let d = checked(explain_at::<GitHub>(SECRET, &headers, body, NOW));
    assert!(matches!(
        d.outcome(),
        Outcome::Refused(Error::MissingHeader { .. })
    ));
    assert!(!d.is_explained());
    assert_eq!(
        d.findings(),
        [Finding::OtherProvider {
            expected: "x-hub-signature-256".into(),
            found: "stripe-signature",
            provider: "stripe"
        }]
    );
    // Headers of the wrong shape: no correction is tried.
    assert_eq!(d.tried(), 1);
    // A secret refused as configured does not hide the headers' fault.
    let d = checked(explain_at::<GitHub>(
        &format!("{SECRET} "),
        &headers,
        body,
        NOW,
    ));
    assert!(matches!(d.outcome(), Outcome::InvalidSecret(_)));
    let text = d.to_string();
    assert!(
        text.contains(
            "\nand with the secret corrected, still refused: missing `x-hub-signature-256` header"
        ),
        "{text}"
    );
    assert!(!text.contains("none of the usual mistakes"), "{text}");
    let headers = [("stripe-signature", "v1=abc")];
    let d = checked(explain_at::<Stripe>(SECRET, &headers, body, NOW));
    assert!(d.findings().is_empty() && !d.is_explained());
    assert!(!d.to_string().contains("none of the usual mistakes"), "{d}");
}

#[test]
fn another_secret_is_not_explained_and_the_work_is_bounded() {
    // Every correction applies to this body (a final newline, LF line
    // endings, JSON in eight distinct shapes) and to this secret (a
    // prefix, and base64 after it): all are tried, and no more.
    let body = "{\n    \"b\": \"é\",\n    \"a\": 1\n}\n";
    let headers = stripe_headers(
        "whsec_another/secret+of/another+endpoint",
        body.as_bytes(),
        NOW,
    );
    let configured = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let d = checked(explain_at::<Stripe>(
        configured,
        &headers,
        body.as_bytes(),
        NOW,
    ));
    assert!(!d.is_explained() && d.findings().is_empty(), "{d}");
    #[cfg(feature = "standard-webhooks")]
    assert_eq!(d.tried(), MAX_TRIES);
    let text = d.to_string();
    assert!(
        text.contains(&format!(
            "none of the usual mistakes explains it ({} variants tried)",
            d.tried()
        )),
        "{text}"
    );
}

#[test]
fn a_blank_secret_is_refused_without_guessing() {
    let body = PRETTY.as_bytes();
    let headers = stripe_headers(SECRET, body, NOW);
    let d = explain_at::<Stripe>(" ", &headers, body, NOW);
    assert!(matches!(d.outcome(), Outcome::InvalidSecret(_)));
    assert_eq!(d.tried(), 0);
    assert!(!d.is_explained());
}

#[test]
fn the_signature_headers_known_are_the_providers() {
    use crate::providers::{Exchange, LeadLex, Unleeshed};
    let first = |scheme: Scheme| scheme.headers[0].signature.to_string();
    let mut expected = vec![
        first(Unleeshed::scheme()),
        first(Stripe::scheme()),
        first(Commet::scheme()),
        first(LeadLex::scheme()),
        first(GitHub::scheme()),
    ];
    #[cfg(feature = "standard-webhooks")]
    expected.extend(
        Scheme::standard_webhooks()
            .headers
            .iter()
            .map(|h| h.signature.to_string()),
    );
    #[cfg(not(feature = "standard-webhooks"))]
    expected.extend(["webhook-signature".to_owned(), "svix-signature".to_owned()]);
    let known: Vec<String> = SIGNATURE_HEADERS
        .iter()
        .map(|(h, _)| h.to_string())
        .collect();
    assert_eq!(known, expected);
    assert_eq!(first(Exchange::scheme()), first(Unleeshed::scheme()));
}

#[test]
fn spans_read_as_people_write_them() {
    for (seconds, text) in [
        (0, "0 s"),
        (119, "119 s"),
        (120, "2 min"),
        (754, "12 min 34 s"),
        (7199, "119 min 59 s"),
        (7200, "2 h"),
        (7260, "2 h 1 min"),
        (86_400, "24 h"),
        (172_800, "2 d"),
        (3 * 86_400 + 4 * 3600, "3 d 4 h"),
    ] {
        assert_eq!(span(seconds), text);
    }
}

/// A delivery of a provider that signs the URL and the method (HubSpot),
/// its URL right and its body re-serialized: explained against the
/// request's method and URL, which every correction keeps.
#[cfg(feature = "base64")]
#[test]
fn a_url_signing_providers_body_is_explained_against_its_method_and_url() {
    use crate::providers::HubSpot;
    let secret = "5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    let url = "https://hooks.example.com/hubspot?portalId=62515";
    let headers = Signer::<HubSpot>::for_url(url, secret)
        .unwrap()
        .with_method("PUT")
        .unwrap()
        .sign_at(PRETTY.as_bytes(), NOW);
    let explain = |method: &str, url: &str, body: &str| {
        checked(explain_target_at::<HubSpot>(
            secret,
            method,
            url,
            &headers,
            body.as_bytes(),
            NOW + 5,
        ))
    };

    let d = explain("PUT", url, PRETTY);
    assert!(matches!(d.outcome(), Outcome::Verified(_)), "{d}");
    assert_eq!(d.tried(), 1);
    let d = explain("PUT", url, COMPACT);
    assert!(matches!(
        d.outcome(),
        Outcome::Refused(Error::SignatureMismatch { .. })
    ));
    assert!(matches!(
        only(&d),
        Finding::JsonReserialized {
            style: JsonStyle::Pretty,
            sorted_keys: false,
            final_newline: false
        }
    ));
    // The same delivery as a POST, which HubSpot did not sign: no body
    // correction verifies it (a URL or method mistake is explain_url_at's).
    let d = explain("POST", url, COMPACT);
    assert!(!d.is_explained() && d.tried() > 1, "{d}");
    // explain_at has no URL to verify against: the verifier cannot be made.
    let d = explain_at::<HubSpot>(secret, &headers, PRETTY.as_bytes(), NOW);
    assert!(
        matches!(
            d.outcome(),
            Outcome::InvalidSecret(ConfigError::PublicOriginRequired { .. })
        ),
        "{d}"
    );
    // A URL or method a signer does not take: refused, nothing tried.
    for (method, url) in [("PUT", "hooks.example.com/hubspot"), ("P UT", url)] {
        let d = explain(method, url, PRETTY);
        assert!(
            matches!(d.outcome(), Outcome::Refused(Error::MalformedTarget { .. })),
            "{d}"
        );
        assert_eq!(d.tried(), 0);
        assert!(d.to_string().starts_with("refused: "), "{d}");
    }
}

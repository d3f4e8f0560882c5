//! What a receiver relies on from `Verifier` and `Signer`.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use signed_webhooks::{
    ConfigError, Error, SecretError, SignedHeaders, Signer, Unleeshed, UnleeshedEvent, Verifier,
};
use support::{NOW, OTHER_SECRET, SECRET, UNLEESHED, fixture, unleeshed};

fn signed(body: &[u8], at: i64) -> SignedHeaders {
    Signer::<Unleeshed>::new(SECRET).unwrap().sign_at(body, at)
}

/// The value of the signature header of `headers`.
fn value(headers: &SignedHeaders) -> &str {
    headers.get(UNLEESHED).unwrap()
}

fn verifier() -> Verifier<Unleeshed> {
    Verifier::new(SECRET).unwrap()
}

fn clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

#[test]
fn accepts_a_signed_delivery_and_reports_what_it_checked() {
    let body = fixture("unleeshed/creator.approved.json");
    let headers = signed(&body, NOW - 30);
    assert_eq!(headers.iter().count(), 1, "{headers:?}");
    let verified = verifier().verify_at(&headers, &body, NOW).unwrap();
    assert_eq!(verified.timestamp(), Some(NOW - 30));
    assert_eq!(verified.secret_index(), 0);
    // Replayed as is, it verifies until its time leaves the tolerance.
    assert_eq!(verified.replayable_until(), Some(NOW - 30 + 300));
    // The same value under a list of pairs, in any case.
    verifier()
        .verify_at(&[("X-Unleeshed-Signature", value(&headers))], &body, NOW)
        .unwrap();
}

#[test]
fn verify_uses_the_system_clock() {
    let body = b"{}";
    let verifier = verifier();
    let fresh = Signer::<Unleeshed>::new(SECRET).unwrap().sign(body);
    verifier.verify(&fresh, body).unwrap();
    let err = verifier
        .verify(&signed(body, clock() - 3600), body)
        .unwrap_err();
    assert!(matches!(err, Error::TimestampTooOld { .. }), "{err}");
}

#[test]
fn tolerance_applies_to_past_and_future_alike() {
    let body = b"{}";
    let verifier = verifier();
    assert_eq!(verifier.tolerance(), Some(Duration::from_secs(300)));
    for offset in [-300, -1, 0, 1, 300] {
        verifier
            .verify_at(&signed(body, NOW + offset), body, NOW)
            .unwrap();
    }
    let err = verifier
        .verify_at(&signed(body, NOW - 301), body, NOW)
        .unwrap_err();
    assert!(
        matches!(err, Error::TimestampTooOld { timestamp, now, tolerance, .. }
            if timestamp == NOW - 301 && now == NOW && tolerance == Duration::from_secs(300)),
        "{err:?}"
    );
    let err = verifier
        .verify_at(&signed(body, NOW + 301), body, NOW)
        .unwrap_err();
    assert!(matches!(err, Error::TimestampInFuture { .. }), "{err}");

    let strict = verifier.clone().with_tolerance(Duration::from_secs(10));
    assert_eq!(strict.tolerance(), Some(Duration::from_secs(10)));
    let verified = strict
        .verify_at(&signed(body, NOW - 10), body, NOW)
        .unwrap();
    assert_eq!(verified.replayable_until(), Some(NOW));
    assert!(
        strict
            .verify_at(&signed(body, NOW - 11), body, NOW)
            .is_err()
    );
    assert!(
        strict
            .verify_at(&signed(body, NOW + 11), body, NOW)
            .is_err()
    );
    // Changing a clone's policy leaves the original alone.
    verifier
        .verify_at(&signed(body, NOW - 200), body, NOW)
        .unwrap();
}

#[test]
fn timestamp_messages_say_how_far_off_and_why() {
    let body = b"{}";
    let verifier = verifier();
    let old = verifier
        .verify_at(&signed(body, NOW - 400), body, NOW)
        .unwrap_err();
    let text = old.to_string();
    assert!(
        text.contains("400s in the past") && text.contains("300s tolerance"),
        "{text}"
    );
    let future = verifier
        .verify_at(&signed(body, NOW + 500), body, NOW)
        .unwrap_err();
    let text = future.to_string();
    assert!(
        text.contains("500s in the future") && text.contains("clock"),
        "{text}"
    );
    // What a stranger is told names no figure of the receiver's.
    for err in [&old, &future] {
        let public = err.public_message();
        assert!(!public.chars().any(|c| c.is_ascii_digit()), "{public}");
        assert!(public.contains("timestamp"), "{public}");
    }
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let body = b"{}";
    let verifier = verifier();
    let err = verifier
        .verify_at(&signed(body, i64::MAX), body, i64::MIN)
        .unwrap_err();
    assert!(matches!(err, Error::TimestampInFuture { .. }), "{err}");
    assert!(!err.to_string().is_empty());
    let err = verifier
        .verify_at(&signed(body, 0), body, i64::MAX)
        .unwrap_err();
    assert!(matches!(err, Error::TimestampTooOld { .. }), "{err}");
    assert!(!err.to_string().is_empty());
    // The last second of replayability saturates instead of wrapping.
    let verified = verifier
        .verify_at(&signed(body, i64::MAX), body, i64::MAX)
        .unwrap();
    assert_eq!(verified.replayable_until(), Some(i64::MAX));
}

#[test]
fn skipping_the_time_check_still_checks_the_signature() {
    let body = fixture("unleeshed/partner.approved.json");
    let archive = verifier().dangerous_without_timestamp_check();
    assert_eq!(archive.tolerance(), None);
    let year_old = signed(&body, NOW - 365 * 86_400);
    let verified = archive.verify_at(&year_old, &body, NOW).unwrap();
    assert_eq!(verified.timestamp(), Some(NOW - 365 * 86_400));
    // Nothing signed bounds a replay any more.
    assert_eq!(verified.replayable_until(), None);
    // `verify_event` reads the system clock, which no longer matters.
    let event: UnleeshedEvent = archive.verify_event(&year_old, &body).unwrap();
    assert_eq!(event.event_type(), "partner.approved");
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert!(matches!(
        archive.verify_at(&year_old, &tampered, NOW),
        Err(Error::SignatureMismatch { .. })
    ));
}

#[test]
fn a_stale_request_is_refused_even_with_a_valid_signature() {
    let body = b"{}";
    let verifier = verifier().with_tolerance(Duration::from_secs(0));
    verifier.verify_at(&signed(body, NOW), body, NOW).unwrap();
    assert!(
        verifier
            .verify_at(&signed(body, NOW), body, NOW + 1)
            .is_err()
    );
}

#[test]
fn rotation_accepts_either_secret_and_says_which() {
    let body = b"{\"id\":\"evt_rot\"}";
    let verifier = Verifier::<Unleeshed>::from_secrets([SECRET, OTHER_SECRET]).unwrap();
    let by_new = Signer::<Unleeshed>::new(SECRET).unwrap().sign_at(body, NOW);
    let by_old = Signer::<Unleeshed>::new(OTHER_SECRET)
        .unwrap()
        .sign_at(body, NOW);
    assert_eq!(
        verifier
            .verify_at(&by_new, body, NOW)
            .unwrap()
            .secret_index(),
        0
    );
    assert_eq!(
        verifier
            .verify_at(&by_old, body, NOW)
            .unwrap()
            .secret_index(),
        1
    );
    // Both secrets were tried before refusing (was `secret_count()`, removed
    // in 0.2: the count is in the refusal).
    let forged = format!("t={NOW},v1={}", "ab".repeat(32));
    assert!(matches!(
        verifier.verify_at(&unleeshed(&forged), body, NOW),
        Err(Error::SignatureMismatch {
            signatures: 1,
            secrets: 2,
            ..
        })
    ));

    // A provider signing with both during its own rotation.
    let both = Signer::<Unleeshed>::from_secrets([OTHER_SECRET, SECRET])
        .unwrap()
        .sign_at(body, NOW);
    assert_eq!(value(&both).matches(",v1=").count(), 2);
    assert_eq!(
        Verifier::<Unleeshed>::new(SECRET)
            .unwrap()
            .verify_at(&both, body, NOW)
            .unwrap()
            .secret_index(),
        0
    );
    let only_old = Verifier::<Unleeshed>::new(OTHER_SECRET).unwrap();
    assert_eq!(
        only_old.verify_at(&both, body, NOW).unwrap().secret_index(),
        0
    );
}

#[test]
fn any_matching_signature_among_several_is_enough() {
    let body = b"{}";
    let good = signed(body, NOW);
    let sig = value(&good).split_once(",v1=").unwrap().1;
    let zeros = "0".repeat(64);
    let header = format!("t={NOW},v1={zeros},v1=not-hex,v0=legacy,v1={sig}");
    let verified = verifier()
        .verify_at(&unleeshed(&header), body, NOW)
        .unwrap();
    assert_eq!(verified.secret_index(), 0);
    // It was the last one that matched (was: `Verified::signature()`,
    // removed in 0.2): without it, the same header is refused.
    let without = format!("t={NOW},v1={zeros},v1=not-hex,v0=legacy");
    assert!(matches!(
        verifier().verify_at(&unleeshed(&without), body, NOW),
        Err(Error::SignatureMismatch { signatures: 2, .. })
    ));
}

#[test]
fn wrong_secret_or_tampering_is_a_mismatch_with_a_helpful_message() {
    let body = fixture("exchange/order.created.json");
    let headers = signed(&body, NOW);
    let err = Verifier::<Unleeshed>::new(OTHER_SECRET)
        .unwrap()
        .verify_at(&headers, &body, NOW)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::SignatureMismatch {
            signatures: 1,
            secrets: 1,
            ..
        }
    ));
    let message = err.to_string();
    for hint in ["raw bytes", "re-serialized", "whitespace", "environment"] {
        assert!(message.contains(hint), "{message:?} lacks {hint:?}");
    }
    // The stranger gets the gist, not the receiver's configuration.
    let public = err.public_message();
    assert!(public.contains("signature does not match"), "{public}");
    assert!(
        !public.contains("secret(s)") && !public.contains('1'),
        "{public}"
    );

    let reserialized =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&body).unwrap()).unwrap();
    let err = verifier()
        .verify_at(&headers, &reserialized, NOW)
        .unwrap_err();
    assert_eq!(err.code(), "signature_mismatch");
}

#[test]
fn the_signed_timestamp_cannot_be_swapped() {
    let body = b"{}";
    let headers = signed(body, NOW - 10);
    let moved = value(&headers).replacen(&format!("t={}", NOW - 10), &format!("t={NOW}"), 1);
    let err = verifier()
        .verify_at(&unleeshed(&moved), body, NOW)
        .unwrap_err();
    assert_eq!(err.code(), "signature_mismatch");
}

#[test]
fn secrets_are_checked_at_construction() {
    let cases: [(&str, SecretError); 6] = [
        ("", SecretError::Empty),
        ("   ", SecretError::Empty),
        (
            "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f\n",
            SecretError::SurroundingWhitespace,
        ),
        (
            "\"whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f\"",
            SecretError::Quoted,
        ),
        ("secret\n", SecretError::SurroundingWhitespace),
        ("'webhook_secret'", SecretError::Quoted),
    ];
    for (secret, expected) in cases {
        match Verifier::<Unleeshed>::new(secret) {
            Err(ConfigError::InvalidSecret { index, reason, .. }) => {
                assert_eq!((index, reason), (0, expected.clone()), "{secret:?}");
            }
            other => panic!("{secret:?}: {other:?}"),
        }
        assert!(matches!(
            Signer::<Unleeshed>::new(secret),
            Err(ConfigError::InvalidSecret { .. })
        ));
    }
    let err = Verifier::<Unleeshed>::new(format!("{SECRET}\n")).unwrap_err();
    assert!(err.to_string().contains(".env"), "{err}");
    assert!(!err.to_string().contains(SECRET));
    // Each mistake says what is wrong, and never shows the secret.
    for (secret, hint) in [
        ("  ", "empty"),
        ("secret\n", "trailing whitespace"),
        ("\"webhook_secret\"", "wrapped in quotes"),
    ] {
        let err = Verifier::<Unleeshed>::new(secret).unwrap_err().to_string();
        assert!(err.contains(hint), "{secret:?}: {err}");
        assert!(
            !err.contains("secret\n") && !err.contains("webhook_secret"),
            "{err}"
        );
    }

    let none: [&str; 0] = [];
    assert!(matches!(
        Verifier::<Unleeshed>::from_secrets(none),
        Err(ConfigError::NoSecrets)
    ));
    // The error says which of the secrets is wrong (the second, here).
    let err = Verifier::<Unleeshed>::from_secrets([SECRET, " bad "]).unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::InvalidSecret {
                index: 1,
                reason: SecretError::SurroundingWhitespace,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("number 2"), "{err}");
}

#[test]
fn short_secrets_are_accepted_as_providers_issue_them() {
    // 0.1 refused secrets under 32 bytes; providers issue shorter ones
    // (Stripe's SDK tests sign with `whsec_test_secret`, GitHub users pick
    // their own), so 0.2 accepts any non-blank secret.
    for secret in ["x", "secret", "whsec_test_secret"] {
        let body = b"{}";
        let headers = Signer::<Unleeshed>::new(secret).unwrap().sign_at(body, NOW);
        Verifier::<Unleeshed>::new(secret)
            .unwrap()
            .verify_at(&headers, body, NOW)
            .unwrap();
    }
}

#[test]
fn secrets_never_show_in_debug_or_errors() {
    let verifier = Verifier::<Unleeshed>::from_secrets([SECRET, OTHER_SECRET]).unwrap();
    let signer = Signer::<Unleeshed>::new(SECRET).unwrap();
    let shown = format!(
        "{verifier:?} {signer:?} {:?}",
        signed_webhooks::Secret::from(SECRET)
    );
    assert!(
        !shown.contains(SECRET) && !shown.contains(OTHER_SECRET) && !shown.contains("9a8b"),
        "{shown}"
    );
    assert!(shown.contains("unleeshed"), "{shown}");

    let body = b"{}";
    let expected = signed(body, NOW);
    let expected_hex = value(&expected).split_once(",v1=").unwrap().1;
    let forged = format!("t={NOW},v1={}", "ab".repeat(32));
    let err = verifier
        .verify_at(&unleeshed(&forged), body, NOW)
        .unwrap_err();
    let text = format!("{err} {err:?} {}", err.public_message());
    assert!(
        !text.contains(SECRET) && !text.contains(expected_hex),
        "{text}"
    );
}

#[test]
fn verifier_is_cheap_to_share_across_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Verifier<Unleeshed>>();
    shareable::<Signer<Unleeshed>>();

    let verifier = verifier();
    let body = b"{\"id\":\"evt_threads\"}".to_vec();
    let headers = signed(&body, NOW);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (verifier, headers, body) = (verifier.clone(), headers.clone(), body.clone());
            std::thread::spawn(move || verifier.verify_at(&headers, &body, NOW).is_ok())
        })
        .collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap()));
}

#[test]
fn verify_event_decodes_only_after_the_checks_pass() {
    // `verify_event_at` is gone in 0.2: `verify_event` reads the system
    // clock, so the deliveries are signed relative to it.
    let now = clock();
    let verifier = verifier();
    let not_json = b"this is not json";
    // A forged request with an undecodable body is a signature error, not a decode error.
    let forged = format!("t={now},v1={}", "00".repeat(32));
    let err = verifier
        .verify_event(&unleeshed(&forged), not_json)
        .unwrap_err();
    assert_eq!(err.code(), "signature_mismatch");
    // A stale one is a timestamp error.
    let stale = signed(not_json, now - 1000);
    let err = verifier.verify_event(&stale, not_json).unwrap_err();
    assert_eq!(err.code(), "timestamp_too_old");
    // Only a valid one reaches the decoder.
    let err = verifier
        .verify_event(&signed(not_json, now), not_json)
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert!(decode.is_syntax());
    assert_eq!(err.status_code(), 422);
    assert_eq!(
        err.public_message(),
        "the signed body is not an event this endpoint accepts"
    );
    // And a valid delivery of a valid event decodes.
    let body = fixture("unleeshed/creator.approved.json");
    let event = verifier.verify_event(&signed(&body, now), &body).unwrap();
    assert_eq!(event.event_type(), "creator.approved");
}

/// Every refusal: its code, its status, the header its log text names, and
/// the fixed sentence a stranger gets.
#[test]
fn every_error_kind_has_a_code_a_status_and_a_public_message() {
    let verifier = verifier();
    let body = b"{}";
    let no_pairs: [(&str, &str); 0] = [];
    let good = signed(body, NOW);
    let twice = [
        (UNLEESHED, value(&good)),
        ("X-Unleeshed-Signature", value(&good)),
    ];
    let cases: Vec<(Error, &str, u16, Option<&str>)> = vec![
        (
            verifier.verify_at(&no_pairs, body, NOW).unwrap_err(),
            "missing_signature_header",
            400,
            Some(UNLEESHED),
        ),
        (
            verifier.verify_at(&twice, body, NOW).unwrap_err(),
            "duplicate_signature_header",
            400,
            Some(UNLEESHED),
        ),
        (
            verifier.verify_at(&unleeshed(""), body, NOW).unwrap_err(),
            "malformed_signature_header",
            400,
            Some(UNLEESHED),
        ),
        (
            verifier
                .verify_at(&unleeshed(&format!("t={NOW},v0=abc")), body, NOW)
                .unwrap_err(),
            "no_v1_signature",
            400,
            Some(UNLEESHED),
        ),
        (
            verifier
                .verify_at(&signed(body, NOW - 999), body, NOW)
                .unwrap_err(),
            "timestamp_too_old",
            401,
            None,
        ),
        (
            verifier
                .verify_at(&signed(body, NOW + 999), body, NOW)
                .unwrap_err(),
            "timestamp_in_future",
            401,
            None,
        ),
        (
            verifier
                .verify_at(&signed(b"x", NOW), body, NOW)
                .unwrap_err(),
            "signature_mismatch",
            401,
            None,
        ),
        (
            verifier
                .verify_event(&signed(body, clock()), body)
                .unwrap_err(),
            "invalid_event",
            422,
            None,
        ),
    ];
    let mut public_messages = Vec::new();
    for (err, code, status, header) in cases {
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(err.status_code().as_u16(), status, "{err}");
        let detailed = err.to_string();
        if let Some(header) = header {
            assert!(detailed.contains(header), "{detailed}");
        }
        // The public sentence is fixed: no header name, no figure, and not
        // the log text.
        let public = err.public_message();
        assert!(!public.is_empty() && public != detailed, "{code}");
        assert!(!public.contains(UNLEESHED), "{public}");
        assert!(!public.chars().any(|c| c.is_ascii_digit()), "{public}");
        public_messages.push(public);
    }
    // One sentence per kind of refusal.
    let mut distinct = public_messages.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), public_messages.len(), "{public_messages:?}");
}

#[test]
fn public_messages_do_not_change_with_the_details() {
    let verifier = verifier();
    let body = b"{}";
    let pairs = |a: Error, b: Error| {
        assert_ne!(a.to_string(), b.to_string());
        assert_eq!(a.public_message(), b.public_message());
    };
    pairs(
        verifier
            .verify_at(&signed(body, NOW - 301), body, NOW)
            .unwrap_err(),
        verifier
            .verify_at(&signed(body, NOW - 90_000), body, NOW)
            .unwrap_err(),
    );
    pairs(
        verifier.verify_at(&unleeshed(""), body, NOW).unwrap_err(),
        verifier
            .verify_at(&unleeshed(&format!("t=0{NOW},v1=ab")), body, NOW)
            .unwrap_err(),
    );
    pairs(
        verifier
            .verify_at(&signed(b"x", NOW), body, NOW)
            .unwrap_err(),
        Verifier::<Unleeshed>::from_secrets([OTHER_SECRET, "another"])
            .unwrap()
            .verify_at(&signed(body, NOW), body, NOW)
            .unwrap_err(),
    );
}

//! What a receiver relies on from `Verifier` and `Signer`.

mod common;

use std::time::Duration;

use common::{NOW, OTHER_SECRET, SECRET, fixture};
use signed_webhooks::{Error, SecretError, Signer, UnleeshedEvent, Verifier};

fn signed(body: &[u8], at: i64) -> String {
    Signer::new(SECRET).unwrap().sign_at(body, at)
}

#[test]
fn accepts_a_signed_delivery_and_reports_what_it_checked() {
    let body = fixture("unleeshed/creator.approved.json");
    let header = signed(&body, NOW - 30);
    let verified = Verifier::new(SECRET)
        .unwrap()
        .verify_at(&header, &body, NOW)
        .unwrap();
    assert_eq!(verified.timestamp(), NOW - 30);
    assert_eq!(verified.secret_index(), 0);
}

#[test]
fn verify_uses_the_system_clock() {
    let body = b"{}";
    let verifier = Verifier::new(SECRET).unwrap();
    let fresh = Signer::new(SECRET).unwrap().sign(body);
    verifier.verify(&fresh, body).unwrap();
    let err = verifier
        .verify(&signed(body, NOW - 3600), body)
        .unwrap_err();
    assert!(matches!(err, Error::TimestampTooOld { .. }), "{err}");
}

#[test]
fn tolerance_applies_to_past_and_future_alike() {
    let body = b"{}";
    let verifier = Verifier::new(SECRET).unwrap();
    for offset in [-300, -1, 0, 1, 300] {
        verifier
            .verify_at(&signed(body, NOW + offset), body, NOW)
            .unwrap();
    }
    let err = verifier
        .verify_at(&signed(body, NOW - 301), body, NOW)
        .unwrap_err();
    assert!(
        matches!(err, Error::TimestampTooOld { timestamp, now, .. } if timestamp == NOW - 301 && now == NOW)
    );
    let err = verifier
        .verify_at(&signed(body, NOW + 301), body, NOW)
        .unwrap_err();
    assert!(matches!(err, Error::TimestampInFuture { .. }), "{err}");

    let strict = verifier.clone().with_tolerance(Duration::from_secs(10));
    assert_eq!(strict.tolerance(), Some(Duration::from_secs(10)));
    strict
        .verify_at(&signed(body, NOW - 10), body, NOW)
        .unwrap();
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
    let verifier = Verifier::new(SECRET).unwrap();
    let old = verifier
        .verify_at(&signed(body, NOW - 400), body, NOW)
        .unwrap_err()
        .to_string();
    assert!(
        old.contains("400s in the past") && old.contains("300s tolerance"),
        "{old}"
    );
    let future = verifier
        .verify_at(&signed(body, NOW + 500), body, NOW)
        .unwrap_err()
        .to_string();
    assert!(
        future.contains("500s in the future") && future.contains("clock"),
        "{future}"
    );
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let body = b"{}";
    let verifier = Verifier::new(SECRET).unwrap();
    let err = verifier
        .verify_at(&signed(body, i64::MAX), body, i64::MIN)
        .unwrap_err();
    assert!(matches!(err, Error::TimestampInFuture { .. }), "{err}");
    let err = verifier
        .verify_at(&signed(body, 0), body, i64::MAX)
        .unwrap_err();
    assert!(matches!(err, Error::TimestampTooOld { .. }), "{err}");
    assert!(!err.to_string().is_empty());
}

#[test]
fn skipping_the_time_check_still_checks_the_signature() {
    let body = fixture("unleeshed/partner.approved.json");
    let archive = Verifier::new(SECRET).unwrap().without_timestamp_check();
    assert_eq!(archive.tolerance(), None);
    let year_old = signed(&body, NOW - 365 * 86_400);
    archive.verify_at(&year_old, &body, NOW).unwrap();
    let event: UnleeshedEvent = archive.verify_event_at(&year_old, &body, NOW).unwrap();
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
    let verifier = Verifier::new(SECRET)
        .unwrap()
        .with_tolerance(Duration::from_secs(0));
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
    let verifier = Verifier::from_secrets([SECRET, OTHER_SECRET]).unwrap();
    assert_eq!(verifier.secret_count(), 2);
    let by_new = Signer::new(SECRET).unwrap().sign_at(body, NOW);
    let by_old = Signer::new(OTHER_SECRET).unwrap().sign_at(body, NOW);
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

    // A provider signing with both during its own rotation.
    let both = Signer::from_secrets([OTHER_SECRET, SECRET])
        .unwrap()
        .sign_at(body, NOW);
    assert_eq!(both.matches(",v1=").count(), 2);
    assert_eq!(
        Verifier::new(SECRET)
            .unwrap()
            .verify_at(&both, body, NOW)
            .unwrap()
            .secret_index(),
        0
    );
    let only_old = Verifier::new(OTHER_SECRET).unwrap();
    assert_eq!(
        only_old.verify_at(&both, body, NOW).unwrap().secret_index(),
        0
    );
}

#[test]
fn any_matching_signature_among_several_is_enough() {
    let body = b"{}";
    let good = signed(body, NOW);
    let sig = good.split_once(",v1=").unwrap().1;
    let zeros = "0".repeat(64);
    let header = format!("t={NOW},v1={zeros},v1=not-hex,v0=legacy,v1={sig}");
    let verified = Verifier::new(SECRET)
        .unwrap()
        .verify_at(&header, body, NOW)
        .unwrap();
    assert_eq!(hex::encode(verified.signature()), sig);
}

#[test]
fn wrong_secret_or_tampering_is_a_mismatch_with_a_helpful_message() {
    let body = fixture("exchange/order.created.json");
    let header = signed(&body, NOW);
    let err = Verifier::new(OTHER_SECRET)
        .unwrap()
        .verify_at(&header, &body, NOW)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::SignatureMismatch {
            signatures: 1,
            secrets: 1
        }
    ));
    let message = err.to_string();
    for hint in ["raw bytes", "re-serialized", "whitespace", "environment"] {
        assert!(message.contains(hint), "{message:?} lacks {hint:?}");
    }

    let reserialized =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&body).unwrap()).unwrap();
    let err = Verifier::new(SECRET)
        .unwrap()
        .verify_at(&header, &reserialized, NOW)
        .unwrap_err();
    assert_eq!(err.code(), "signature_mismatch");
}

#[test]
fn the_signed_timestamp_cannot_be_swapped() {
    let body = b"{}";
    let header = signed(body, NOW - 10);
    let moved = header.replacen(&format!("t={}", NOW - 10), &format!("t={NOW}"), 1);
    let err = Verifier::new(SECRET)
        .unwrap()
        .verify_at(&moved, body, NOW)
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
        match Verifier::new(secret) {
            Err(Error::InvalidSecret(reason)) => assert_eq!(reason, expected, "{secret:?}"),
            other => panic!("{secret:?}: {other:?}"),
        }
        assert!(matches!(Signer::new(secret), Err(Error::InvalidSecret(_))));
    }
    let err = Verifier::new(format!("{SECRET}\n")).unwrap_err();
    assert!(err.to_string().contains(".env"), "{err}");
    assert!(!err.to_string().contains(SECRET));
    // Each mistake says what is wrong, and never shows the secret.
    for (secret, hint) in [
        ("  ", "empty"),
        ("secret\n", "trailing whitespace"),
        ("\"webhook_secret\"", "wrapped in quotes"),
    ] {
        let err = Verifier::new(secret).unwrap_err().to_string();
        assert!(err.contains(hint), "{secret:?}: {err}");
        assert!(
            !err.contains("secret\n") && !err.contains("webhook_secret"),
            "{err}"
        );
    }

    let none: [&str; 0] = [];
    assert!(matches!(
        Verifier::from_secrets(none),
        Err(Error::InvalidSecret(SecretError::NoSecrets))
    ));
    assert!(matches!(
        Verifier::from_secrets([SECRET, " bad "]),
        Err(Error::InvalidSecret(SecretError::SurroundingWhitespace))
    ));
}

#[test]
fn secrets_never_show_in_debug_or_errors() {
    let verifier = Verifier::from_secrets([SECRET, OTHER_SECRET]).unwrap();
    let signer = Signer::new(SECRET).unwrap();
    let shown = format!(
        "{verifier:?} {signer:?} {:?}",
        signed_webhooks::Secret::from(SECRET)
    );
    assert!(
        !shown.contains(SECRET) && !shown.contains(OTHER_SECRET) && !shown.contains("9a8b"),
        "{shown}"
    );

    let body = b"{}";
    let expected_sig = signed(body, NOW);
    let expected_hex = expected_sig.split_once(",v1=").unwrap().1;
    let forged = format!("t={NOW},v1={}", "ab".repeat(32));
    let err = verifier.verify_at(&forged, body, NOW).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains(SECRET) && !text.contains(expected_hex),
        "{text}"
    );
}

#[test]
fn verifier_is_cheap_to_share_across_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Verifier>();
    shareable::<Signer>();

    let verifier = Verifier::new(SECRET).unwrap();
    let body = b"{\"id\":\"evt_threads\"}".to_vec();
    let header = signed(&body, NOW);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (verifier, header, body) = (verifier.clone(), header.clone(), body.clone());
            std::thread::spawn(move || verifier.verify_at(&header, &body, NOW).is_ok())
        })
        .collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap()));
}

#[test]
fn verify_event_decodes_only_after_the_checks_pass() {
    let verifier = Verifier::new(SECRET).unwrap();
    let not_json = b"this is not json";
    // A forged request with an undecodable body is a signature error, not a decode error.
    let forged = format!("t={NOW},v1={}", "00".repeat(32));
    let err = verifier
        .verify_event_at::<UnleeshedEvent>(&forged, not_json, NOW)
        .unwrap_err();
    assert_eq!(err.code(), "signature_mismatch");
    // A stale one is a timestamp error.
    let stale = signed(not_json, NOW - 1000);
    let err = verifier
        .verify_event_at::<UnleeshedEvent>(&stale, not_json, NOW)
        .unwrap_err();
    assert_eq!(err.code(), "timestamp_too_old");
    // Only a valid one reaches the decoder.
    let err = verifier
        .verify_event_at::<UnleeshedEvent>(&signed(not_json, NOW), not_json, NOW)
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert!(decode.is_syntax());
    assert_eq!(err.status_code(), 422);
}

#[test]
fn every_error_kind_has_a_code_and_a_status() {
    let verifier = Verifier::new(SECRET).unwrap();
    let body = b"{}";
    let cases: Vec<(Error, &str, u16)> = vec![
        (
            verifier.verify_at("", body, NOW).unwrap_err(),
            "malformed_signature_header",
            400,
        ),
        (
            verifier
                .verify_at(&format!("t={NOW},v0=abc"), body, NOW)
                .unwrap_err(),
            "no_v1_signature",
            400,
        ),
        (
            verifier
                .verify_at(&signed(body, NOW - 999), body, NOW)
                .unwrap_err(),
            "timestamp_too_old",
            401,
        ),
        (
            verifier
                .verify_at(&signed(body, NOW + 999), body, NOW)
                .unwrap_err(),
            "timestamp_in_future",
            401,
        ),
        (
            verifier
                .verify_at(&signed(b"x", NOW), body, NOW)
                .unwrap_err(),
            "signature_mismatch",
            401,
        ),
        (Verifier::new("").unwrap_err(), "invalid_secret", 500),
    ];
    for (err, code, status) in cases {
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(err.status_code().as_u16(), status, "{err}");
    }
}

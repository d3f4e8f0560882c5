//! Property tests: signing and verifying agree for any input, and any
//! single change is refused.

use proptest::prelude::*;
use signed_webhooks::{SignatureHeader, Signer, Verifier};

/// Secrets as providers issue them: 32+ visible characters, unquoted.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_\\-]{32,80}"
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

fn timestamp() -> impl Strategy<Value = i64> {
    prop_oneof![0..=i64::MAX, 1_500_000_000..=2_500_000_000i64]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn signed_deliveries_verify(secret in secret(), body in body(), t in timestamp()) {
        let header = Signer::new(secret.as_str()).unwrap().sign_at(&body, t);
        let verified = Verifier::new(secret).unwrap().verify_at(&header, &body, t).unwrap();
        prop_assert_eq!(verified.timestamp(), t);
    }

    #[test]
    fn any_changed_body_byte_is_refused(
        secret in secret(), body in body().prop_filter("non-empty", |b| !b.is_empty()),
        t in timestamp(), index in any::<prop::sample::Index>(), flip in 1u8..=255,
    ) {
        let header = Signer::new(secret.as_str()).unwrap().sign_at(&body, t);
        let mut tampered = body.clone();
        tampered[index.index(body.len())] ^= flip;
        let err = Verifier::new(secret).unwrap().verify_at(&header, &tampered, t).unwrap_err();
        prop_assert_eq!(err.code(), "signature_mismatch");
    }

    #[test]
    fn appended_or_truncated_bodies_are_refused(secret in secret(), body in body(), t in timestamp(), extra in any::<u8>()) {
        let header = Signer::new(secret.as_str()).unwrap().sign_at(&body, t);
        let verifier = Verifier::new(secret).unwrap();
        let mut longer = body.clone();
        longer.push(extra);
        prop_assert!(verifier.verify_at(&header, &longer, t).is_err());
        if !body.is_empty() {
            prop_assert!(verifier.verify_at(&header, &body[..body.len() - 1], t).is_err());
        }
    }

    #[test]
    fn any_changed_signature_digit_is_refused(
        secret in secret(), body in body(), t in timestamp(),
        position in 0usize..64, replacement in "[0-9a-f]",
    ) {
        let header = Signer::new(secret.as_str()).unwrap().sign_at(&body, t);
        let (prefix, sig) = header.split_once(",v1=").unwrap();
        let mut digits: Vec<char> = sig.chars().collect();
        let new = replacement.chars().next().unwrap();
        prop_assume!(digits[position] != new);
        digits[position] = new;
        let forged = format!("{prefix},v1={}", digits.into_iter().collect::<String>());
        let err = Verifier::new(secret).unwrap().verify_at(&forged, &body, t).unwrap_err();
        prop_assert_eq!(err.code(), "signature_mismatch");
    }

    #[test]
    fn any_changed_timestamp_is_refused(secret in secret(), body in body(), t in 1_000..2_000_000_000i64, delta in -300i64..=300) {
        prop_assume!(delta != 0);
        let header = Signer::new(secret.as_str()).unwrap().sign_at(&body, t);
        let moved = header.replacen(&format!("t={t}"), &format!("t={}", t + delta), 1);
        let err = Verifier::new(secret).unwrap().verify_at(&moved, &body, t).unwrap_err();
        prop_assert_eq!(err.code(), "signature_mismatch");
    }

    #[test]
    fn any_changed_secret_byte_is_refused(
        secret in secret(), body in body(), t in timestamp(),
        index in any::<prop::sample::Index>(), replacement in "[A-Za-z0-9_\\-]",
    ) {
        let header = Signer::new(secret.as_str()).unwrap().sign_at(&body, t);
        let mut other: Vec<char> = secret.chars().collect();
        let i = index.index(other.len());
        let new = replacement.chars().next().unwrap();
        prop_assume!(other[i] != new);
        other[i] = new;
        let other: String = other.into_iter().collect();
        let err = Verifier::new(other).unwrap().verify_at(&header, &body, t).unwrap_err();
        prop_assert_eq!(err.code(), "signature_mismatch");
    }

    #[test]
    fn the_parser_never_panics_on_any_string(header in ".{0,1200}") {
        let _ = SignatureHeader::parse(&header);
    }

    #[test]
    fn the_parser_never_panics_on_header_like_strings(header in "([tv0-9]{0,3}={0,2}[0-9a-fA-F\\-+ ]{0,70},?){0,12}") {
        if let Ok(parsed) = SignatureHeader::parse(&header) {
            prop_assert!(parsed.signature_count() >= 1);
            prop_assert!(parsed.timestamp() >= 0);
        }
    }

    #[test]
    fn verification_never_panics_and_never_passes_garbage(header in ".{0,300}", body in body(), now in any::<i64>()) {
        let verifier = Verifier::new("whsec_property_test_secret_0123456789").unwrap();
        prop_assert!(verifier.verify_at(&header, &body, now).is_err());
    }
}

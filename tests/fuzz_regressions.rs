//! Inputs the fuzz targets (fuzz/) found, minimized, kept as tests so the
//! problems they showed stay fixed. SECURITY.md records each finding.

use serde_json::Value;
use signed_webhooks::{
    ConfigError, Event, ExchangeEvent, GitHub, MAX_SIGNATURES, Signer, Unleeshed, UnleeshedEvent,
    Verifier, decode_event,
};

/// Decodes `body` into `E`, serializes it and decodes that again.
fn round_trip<E>(body: &[u8]) -> (E, E)
where
    E: serde::de::DeserializeOwned + serde::Serialize,
{
    let event: E = decode_event(body).unwrap();
    let json = serde_json::to_vec(&event).unwrap();
    let again: E = decode_event(&json).unwrap();
    (event, again)
}

/// fuzz/event_decode, `minimized-from-fecaadb7…`: a number too large for
/// an integer is a float, and serde_json's default float parser is not
/// correctly rounded. `1111111111111111111117` decoded one ULP away from the
/// nearest f64, so an event decoded, stored as JSON and decoded again (or
/// forwarded) came back with a different number.
///
/// The minimized input had an empty `id`, which events refuse since (an
/// empty id cannot deduplicate); the number is checked under a non-empty
/// one, and the original input must now be refused at `id`.
#[test]
fn large_numbers_decode_to_the_nearest_float_and_survive_a_round_trip() {
    let original =
        br#"{"a":{"d":[1111111111111111111117,true]},"id":"","type":"d","created_at":"1"}"#;
    match decode_event::<Event<Value>>(original) {
        Err(signed_webhooks::Error::Decode(e)) => {
            #[cfg(feature = "json-path")]
            assert_eq!(e.path(), "id", "{e}");
            assert!(e.to_string().contains("non-empty"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let body = br#"{"a":{"d":[1111111111111111111117,true]},"id":"e","type":"d","created_at":"1"}"#;
    let (event, again) = round_trip::<Event<Value>>(body);
    // Rust's own parser rounds correctly: the decoded value must be that.
    let nearest: f64 = "1111111111111111111117".parse().unwrap();
    assert_eq!(event.extra["a"]["d"][0].as_f64(), Some(nearest));
    assert_eq!(again, event);
}

/// The input the fuzzer first failed on (`crash-f98b2fb9…`): the same
/// problem in an exchange payload's kept fields, through serde's buffering
/// of `#[serde(flatten)]` fields.
#[test]
fn numbers_in_kept_fields_survive_a_round_trip() {
    let body = br#"{"d/ta":{"~order_id":"","reasmn":"fraud","x":[1,2111,1111111111111111111111111.5,-3e-7,null,true]},"id":"evt_1","type":"order.cancelled","created_at":"2027-11-22T10:00:00Z"}"#;
    let (event, again) = round_trip::<Event<Value>>(body);
    assert_eq!(again, event);
    let nearest: f64 = "1111111111111111111111111.5".parse().unwrap();
    assert_eq!(event.extra["d/ta"]["x"][2].as_f64(), Some(nearest));

    let payload = br#"{"id":"e","type":"order.cancelled","created_at":"c","data":{"order_id":"o","amount":1111111111111111111117,"rate":0.30000000000000004441}}"#;
    let (event, again) = round_trip::<ExchangeEvent>(payload);
    assert_eq!(again, event);
    let ExchangeEvent::OrderCancelled(cancelled) = &event else {
        panic!("not order.cancelled: {event:?}")
    };
    let nearest: f64 = "1111111111111111111117".parse().unwrap();
    assert_eq!(cancelled.data.extra["amount"].as_f64(), Some(nearest));

    let approved = br#"{"id":"e","type":"creator.approved","created_at":"c","data":{"external_reference":"r","metadata":{"score":1111111111111111111117}}}"#;
    let (event, again) = round_trip::<UnleeshedEvent>(approved);
    assert_eq!(again, event);
}

/// fuzz/verify, `crash-87a7de6a…`: `Signer::from_secrets` took any number
/// of secrets and wrote one `v1=` per secret, but a header may carry at most
/// `MAX_SIGNATURES`: with nine secrets it signed headers that every verifier
/// refuses (`too many signatures`), whatever its secrets. What a signer
/// accepts to sign with, a verifier with the same secrets must accept.
///
/// 0.2: the refusal is `ConfigError::TooManySecrets` (0.1's
/// `SecretError::TooMany`, code `invalid_secret`; configuration errors have
/// no code now), and the verifier's secret count (`secret_count()`, gone) is
/// shown by a delivery signed with the last secret alone.
#[test]
fn a_signer_never_writes_a_header_its_verifier_refuses() {
    let secrets: Vec<String> = (0..=MAX_SIGNATURES)
        .map(|i| format!("whsec_rotation_{i:02}_0123456789abcdef0123456789"))
        .collect();
    let verifier = Verifier::<Unleeshed>::from_secrets(&secrets).unwrap();
    let body = br#"{"id":"evt_1"}"#;
    for count in 1..=secrets.len() {
        match Signer::<Unleeshed>::from_secrets(&secrets[..count]) {
            Ok(signer) => {
                let headers = signer.sign_at(body, 1_790_000_000);
                let verified = verifier
                    .verify_at(&headers, body, 1_790_000_000)
                    .unwrap_or_else(|e| panic!("{count} secrets: {e}"));
                assert_eq!(verified.secret_index(), 0);
            }
            Err(err) => {
                assert!(count > MAX_SIGNATURES, "{count} secrets refused: {err}");
                assert!(
                    err.to_string().contains(&MAX_SIGNATURES.to_string()),
                    "{err}"
                );
                assert!(
                    matches!(
                        err,
                        ConfigError::TooManySecrets { count: c, max: MAX_SIGNATURES, .. }
                            if c == count
                    ),
                    "{err:?}"
                );
            }
        }
    }
    // The limit is the header's, not the verifier's: it holds them all.
    let last = Signer::<Unleeshed>::new(secrets[MAX_SIGNATURES].as_str())
        .unwrap()
        .sign_at(body, 1_790_000_000);
    let verified = verifier.verify_at(&last, body, 1_790_000_000).unwrap();
    assert_eq!(verified.secret_index(), MAX_SIGNATURES);
}

/// The same rule for a scheme whose header carries one signature
/// (GitHub's): a signer takes one secret, a verifier as many as rotation
/// needs.
#[test]
fn a_single_signature_signer_takes_one_secret() {
    let secrets = ["gh-old-secret", "gh-new-secret"];
    let err = Signer::<GitHub>::from_secrets(secrets).unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::TooManySecrets {
                count: 2,
                max: 1,
                ..
            }
        ),
        "{err:?}"
    );
    let verifier = Verifier::<GitHub>::from_secrets(secrets).unwrap();
    for (index, secret) in secrets.iter().enumerate() {
        let headers = Signer::<GitHub>::new(*secret).unwrap().sign(b"{}");
        assert_eq!(
            verifier
                .verify_at(&headers, b"{}", 0)
                .unwrap()
                .secret_index(),
            index
        );
    }
}

//! Public-key signatures (issue 17): Discord's Ed25519, SendGrid's ECDSA
//! P-256 and Standard Webhooks' `v1a`. The verifier takes the provider's
//! public key as the provider shows it, refuses anything else at start-up,
//! rotates across several keys, and names duplicates by what is signed;
//! the signer takes the private key and writes what the verifier (and the
//! providers' SDKs, tests/provider_libraries.rs) accept.
#![cfg(any(feature = "ed25519", feature = "p256"))]

use signed_webhooks::{ConfigError, Provider, SecretError, Signer, Verifier};

const NOW: i64 = 1_790_000_000;

/// The code a verifier built from `keys` answers for `body` signed by
/// `signing_keys` at `NOW` and checked at `now`; `accepted:<index>` when it
/// passes, with the index of the key that matched.
fn answer<P: Provider>(keys: &[&str], signing_keys: &[&str], body: &[u8], now: i64) -> String {
    let headers = Signer::<P>::from_secrets(signing_keys.iter().copied())
        .unwrap()
        .sign_at(body, NOW);
    match Verifier::<P>::from_secrets(keys.iter().copied())
        .unwrap()
        .verify_at(&headers, body, now)
    {
        Ok(verified) => format!("accepted:{}", verified.secret_index()),
        Err(error) => error.code().to_owned(),
    }
}

fn invalid_key<P: Provider>(key: &str) -> bool {
    matches!(
        Verifier::<P>::new(key),
        Err(ConfigError::InvalidSecret {
            index: 0,
            reason: SecretError::InvalidKey { .. },
            ..
        })
    )
}

#[cfg(feature = "ed25519")]
mod discord {
    use super::*;
    use signed_webhooks::Discord;

    // tests/vectors/discord.json's `signing_keys`: public key, private seed.
    const PUBLIC: &str = "a968e5e34c12a9448b6b205d873461cc2a99cae1ac12565562fd324f70211374";
    const SEED: &str = "521b7f17ce2ce24abfb2fde2036512736179d1604230222d9a11258958ad30cb";
    const OTHER_PUBLIC: &str = "0af6e226e6c2abd88f5464fbb9e42bcb071af4985995cb901725b53e7c5fced2";
    const OTHER_SEED: &str = "e8bc158249c886aaf2d73bf1ff8a7167f20219680baf324d1563e872f3425ab7";
    const BODY: &[u8] = br#"{"id":"1287402967823593523","type":2,"application_id":"1281634752438747218","token":"aW50","data":{"name":"greet"}}"#;

    #[test]
    fn signs_and_verifies_with_the_key_pair_and_rotates() {
        assert_eq!(
            answer::<Discord>(&[PUBLIC], &[SEED], BODY, NOW),
            "accepted:0"
        );
        assert_eq!(
            answer::<Discord>(&[PUBLIC], &[OTHER_SEED], BODY, NOW),
            "signature_mismatch"
        );
        // Two applications' keys: the one that signed is named.
        assert_eq!(
            answer::<Discord>(&[PUBLIC, OTHER_PUBLIC], &[OTHER_SEED], BODY, NOW),
            "accepted:1"
        );
        // The signed timestamp is bounded to 300 s either way.
        assert_eq!(
            answer::<Discord>(&[PUBLIC], &[SEED], BODY, NOW + 301),
            "timestamp_too_old"
        );
        assert_eq!(
            answer::<Discord>(&[PUBLIC], &[SEED], BODY, NOW - 301),
            "timestamp_in_future"
        );
    }

    #[test]
    fn a_changed_body_or_timestamp_is_refused() {
        let headers = Signer::<Discord>::new(SEED).unwrap().sign_at(BODY, NOW);
        let verifier = Verifier::<Discord>::new(PUBLIC).unwrap();
        let mut changed = BODY.to_vec();
        changed[10] ^= 1;
        assert_eq!(
            verifier
                .verify_at(&headers, &changed, NOW)
                .unwrap_err()
                .code(),
            "signature_mismatch"
        );
        let moved: Vec<(&str, String)> = headers
            .iter()
            .map(|(name, value)| match name {
                "x-signature-timestamp" => (name, (NOW + 1).to_string()),
                _ => (name, value.to_owned()),
            })
            .collect();
        assert_eq!(
            verifier.verify_at(&moved, BODY, NOW).unwrap_err().code(),
            "signature_mismatch"
        );
    }

    #[test]
    fn anything_but_the_public_key_in_hex_is_refused_at_start_up() {
        assert!(invalid_key::<Discord>(&PUBLIC[..62]));
        assert!(invalid_key::<Discord>(&format!("{PUBLIC}00")));
        assert!(invalid_key::<Discord>(
            "qWjl40wSqUSLayBdhzRhzCqZyuGsElZVYv0yT3AhE3Q="
        ));
        // Not a point of the curve.
        assert!(invalid_key::<Discord>(
            "0200000000000000000000000000000000000000000000000000000000000000"
        ));
        // A small-order point (the identity): no signature would mean anything.
        assert!(invalid_key::<Discord>(
            "0100000000000000000000000000000000000000000000000000000000000000"
        ));
        assert!(Verifier::<Discord>::new(PUBLIC.to_uppercase()).is_ok());
        // The signer takes the private seed, in hex.
        assert!(matches!(
            Signer::<Discord>::new(&SEED[..10]),
            Err(ConfigError::InvalidSecret {
                reason: SecretError::InvalidKey { .. },
                ..
            })
        ));
    }

    #[test]
    fn duplicates_are_named_by_the_interaction_id() {
        let verifier = Verifier::<Discord>::new(PUBLIC).unwrap();
        let signer = Signer::<Discord>::new(SEED).unwrap();
        let (_, key) = verifier
            .verify_with_key_at(&signer.sign_at(BODY, NOW), BODY, NOW)
            .unwrap();
        let key = key.unwrap();
        assert_eq!(key.as_str(), "discord:id:1287402967823593523");
        // The bare PING has no id: its body names it.
        let ping = br#"{"type":1}"#;
        let (_, key) = verifier
            .verify_with_key_at(&signer.sign_at(ping, NOW), ping, NOW)
            .unwrap();
        let key = key.unwrap();
        assert!(
            key.as_str().starts_with("discord:sha256:"),
            "{}",
            key.as_str()
        );
    }
}

#[cfg(feature = "p256")]
mod sendgrid {
    use super::*;
    use signed_webhooks::{SendGrid, SendGridEvent};

    // tests/vectors/sendgrid.json's `signing_keys`: public key, private key.
    const PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEK6eAK36Mn4GX/c/85Bk19kwx5J7PM2gRYWTybKxFdauwqLx2gKGZbDQL8mlNGiCw6Rn+eNWiSjSwAMR3pchKiQ==";
    const PRIVATE: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0rZepRAdVRkDQ7EK1JJI0yzI4VUFuDTpkesfv+sIDoqhRANCAAQrp4ArfoyfgZf9z/zkGTX2TDHkns8zaBFhZPJsrEV1q7CovHaAoZlsNAvyaU0aILDpGf541aJKNLAAxHelyEqJ";
    const OTHER_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEE0xkhsHzWkwCBKsWMZx9G7aY73v8vDohrR9pn6dTdEtF1u10GaCczMxz+SJ4Rveu8nAgm30InDLSWRDpUHpZXQ==";
    const BODY: &[u8] = b"[{\"email\":\"zoe@example.com\",\"timestamp\":1789999959,\"event\":\"processed\",\"sg_event_id\":\"rbtnWrG1DVDGGGFHFyun0A==\",\"category\":[\"receipts\"]},{\"email\":\"zoe@example.com\",\"timestamp\":1789999979,\"event\":\"some_future_event\",\"sg_event_id\":\"rWVYmVk90MjZJ9iohOBa3w==\"}]\r\n";

    #[test]
    fn signs_and_verifies_with_the_key_pair_and_rotates() {
        assert_eq!(
            answer::<SendGrid>(&[PUBLIC], &[PRIVATE], BODY, NOW),
            "accepted:0"
        );
        assert_eq!(
            answer::<SendGrid>(&[OTHER_PUBLIC], &[PRIVATE], BODY, NOW),
            "signature_mismatch"
        );
        assert_eq!(
            answer::<SendGrid>(&[OTHER_PUBLIC, PUBLIC], &[PRIVATE], BODY, NOW),
            "accepted:1"
        );
        assert_eq!(
            answer::<SendGrid>(&[PUBLIC], &[PRIVATE], BODY, NOW + 301),
            "timestamp_too_old"
        );
    }

    #[test]
    fn the_key_is_the_base64_der_sendgrid_shows() {
        // The private key is no verification key, nor is PEM, nor a
        // truncated key.
        assert!(invalid_key::<SendGrid>(PRIVATE));
        assert!(invalid_key::<SendGrid>(&format!(
            "-----BEGIN PUBLIC KEY-----\n{PUBLIC}\n-----END PUBLIC KEY-----"
        )));
        assert!(invalid_key::<SendGrid>(&PUBLIC[..60]));
        // And the public key signs nothing.
        assert!(Signer::<SendGrid>::new(PUBLIC).is_err());
    }

    #[test]
    fn a_redelivered_batch_is_the_same_delivery_whenever_signed() {
        let verifier = Verifier::<SendGrid>::new(PUBLIC).unwrap();
        let signer = Signer::<SendGrid>::new(PRIVATE).unwrap();
        let key_at = |at: i64| {
            let (_, key) = verifier
                .verify_with_key_at(&signer.sign_at(BODY, at), BODY, at)
                .unwrap();
            let key = key.unwrap();
            key.as_str().to_owned()
        };
        assert_eq!(key_at(NOW), key_at(NOW + 120));
        assert!(key_at(NOW).starts_with("sendgrid:sha256:"));
    }

    #[test]
    fn a_batch_decodes_with_unknown_events_and_fields_kept() {
        let headers = Signer::<SendGrid>::new(PRIVATE).unwrap().sign(BODY);
        let events: Vec<SendGridEvent> = Verifier::<SendGrid>::new(PUBLIC)
            .unwrap()
            .verify_event(&headers, BODY)
            .unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].event, "processed");
        assert_eq!(events[0].sg_event_id, "rbtnWrG1DVDGGGFHFyun0A==");
        assert_eq!(events[0].extra["category"][0], "receipts");
        assert_eq!(events[1].event, "some_future_event");
    }
}

#[cfg(all(feature = "ed25519", feature = "standard-webhooks"))]
mod standard_webhooks_v1a {
    use super::*;
    use signed_webhooks::{StandardWebhooks, Svix};

    // tests/vectors/standard_webhooks_v1a.json's `signing_keys`.
    const PUBLIC: &str = "whpk_rorE/BY5cQ4oXqF8GmP7WxvwcW/DCZh6Fjf+mlTBHH4=";
    const PRIVATE: &str = "whsk_omAY9k/1UqDjymyNyIPyZPhix/tB+QNQRoKig+rTo2CuisT8FjlxDiheoXwaY/tbG/Bxb8MJmHoWN/6aVMEcfg==";
    const OTHER_PUBLIC: &str = "whpk_C3KcHEN15Ii4YeDgd0J2A5vfY3SY8c9M84oepa40Luc=";
    const OTHER_PRIVATE: &str = "whsk_PwokYRGfsxh2pazaBsN462280xLb9v+n9p3eEkt/yxsLcpwcQ3XkiLhh4OB3QnYDm99jdJjxz0zzih6lrjQu5w==";
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const BODY: &[u8] = br#"{"type":"invoice.paid","timestamp":"2026-09-21T14:13:19.000Z","data":{"id":"inv_4f9a2c"}}"#;

    /// A Standard Webhooks route guarded for `v1a` deliveries: the
    /// scheme's routing check recognises `v1a,…` items as well as `v1,…`.
    #[test]
    fn the_routing_check_recognises_v1a_deliveries() {
        let headers = Signer::<StandardWebhooks>::new(PRIVATE)
            .unwrap()
            .sign(br#"{"type":"a"}"#);
        assert!(StandardWebhooks::scheme().matches_headers(&headers));
        // Neither a v1 nor a v1a item: not Standard Webhooks' delivery.
        let unknown: Vec<(String, String)> = headers
            .iter()
            .map(|(name, value)| match name {
                "webhook-signature" => (name.to_owned(), "v2,AAAA".to_owned()),
                _ => (name.to_owned(), value.to_owned()),
            })
            .collect();
        assert!(!StandardWebhooks::scheme().matches_headers(&unknown));
    }

    #[test]
    fn a_whsk_signer_writes_v1a_that_a_whpk_verifier_checks() {
        let headers = Signer::<StandardWebhooks>::new(PRIVATE)
            .unwrap()
            .sign_at(BODY, NOW);
        let signature = headers.get("webhook-signature").unwrap();
        assert!(signature.starts_with("v1a,"), "{signature}");
        assert_eq!(signature.len(), 4 + 88, "base64 of 64 bytes");
        assert_eq!(
            answer::<StandardWebhooks>(&[PUBLIC], &[PRIVATE], BODY, NOW),
            "accepted:0"
        );
        assert_eq!(
            answer::<StandardWebhooks>(&[PUBLIC], &[OTHER_PRIVATE], BODY, NOW),
            "signature_mismatch"
        );
        // Rotation: two signatures, or two keys.
        assert_eq!(
            answer::<StandardWebhooks>(&[OTHER_PUBLIC], &[PRIVATE, OTHER_PRIVATE], BODY, NOW),
            "accepted:0"
        );
        assert_eq!(
            answer::<StandardWebhooks>(&[PUBLIC, OTHER_PUBLIC], &[OTHER_PRIVATE], BODY, NOW),
            "accepted:1"
        );
        // Svix's names, same scheme.
        assert_eq!(
            answer::<Svix>(&[PUBLIC], &[PRIVATE], BODY, NOW),
            "accepted:0"
        );
        // The seed alone (32 bytes) signs the same.
        use base64ct::Encoding as _;
        let pair = base64ct::Base64::decode_vec(&PRIVATE[5..]).unwrap();
        let seed = format!("whsk_{}", base64ct::Base64::encode_string(&pair[..32]));
        assert_eq!(
            answer::<StandardWebhooks>(&[PUBLIC], &[&seed], BODY, NOW),
            "accepted:0"
        );
    }

    #[test]
    fn a_whsec_secret_keeps_checking_v1_and_kinds_do_not_mix() {
        assert_eq!(
            answer::<StandardWebhooks>(&[SECRET], &[SECRET], BODY, NOW),
            "accepted:0"
        );
        // An HMAC delivery to a whpk_ verifier, and the other way round.
        assert_eq!(
            answer::<StandardWebhooks>(&[PUBLIC], &[SECRET], BODY, NOW),
            "no_v1_signature"
        );
        assert_eq!(
            answer::<StandardWebhooks>(&[SECRET], &[PRIVATE], BODY, NOW),
            "no_v1_signature"
        );
        assert!(matches!(
            Verifier::<StandardWebhooks>::from_secrets([SECRET, PUBLIC]),
            Err(ConfigError::InvalidSecret {
                index: 1,
                reason: SecretError::MixedKinds,
                ..
            })
        ));
        assert!(matches!(
            Signer::<StandardWebhooks>::from_secrets([PRIVATE, SECRET]),
            Err(ConfigError::InvalidSecret {
                index: 1,
                reason: SecretError::MixedKinds,
                ..
            })
        ));
    }

    #[test]
    fn keys_of_the_wrong_half_or_shape_are_refused_at_start_up() {
        // A private key where the public one goes is not taken for a
        // secret: `whsk_…` is not base64.
        assert!(Verifier::<StandardWebhooks>::new(PRIVATE).is_err());
        assert!(invalid_key::<StandardWebhooks>(&PUBLIC[..PUBLIC.len() - 4]));
        assert!(invalid_key::<StandardWebhooks>("whpk_not base64"));
        // 64 bytes where a public key is 32.
        assert!(invalid_key::<StandardWebhooks>(
            &PRIVATE.replace("whsk_", "whpk_")
        ));
        // A public key signs nothing.
        assert!(Signer::<StandardWebhooks>::new(PUBLIC).is_err());
        // The seed and a public key that is not its own.
        use base64ct::Encoding as _;
        let mut pair = base64ct::Base64::decode_vec(&PRIVATE[5..]).unwrap();
        pair[40] ^= 1;
        let forged = format!("whsk_{}", base64ct::Base64::encode_string(&pair));
        assert!(Signer::<StandardWebhooks>::new(forged).is_err());
    }

    #[test]
    fn duplicates_are_named_by_the_signed_webhook_id() {
        let headers = Signer::<StandardWebhooks>::new(PRIVATE)
            .unwrap()
            .sign_with_id(BODY, NOW, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
        let (_, key) = Verifier::<StandardWebhooks>::new(PUBLIC)
            .unwrap()
            .verify_with_key_at(&headers, BODY, NOW)
            .unwrap();
        let key = key.unwrap();
        assert_eq!(
            key.as_str(),
            "standard-webhooks:id:msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
        );
    }
}

/// The diagnosis of a mismatch works with a public key as with a secret:
/// a body passed on with a final newline it was not signed with is found,
/// and a key that is not one is reported, not a panic.
#[cfg(feature = "ed25519")]
#[test]
fn a_mismatch_is_explained_with_a_public_key() {
    use signed_webhooks::Discord;
    use signed_webhooks::diagnose::explain_at;

    const PUBLIC: &str = "a968e5e34c12a9448b6b205d873461cc2a99cae1ac12565562fd324f70211374";
    const SEED: &str = "521b7f17ce2ce24abfb2fde2036512736179d1604230222d9a11258958ad30cb";
    let body = br#"{"id":"1287402967823593523","type":2,"data":{"name":"greet"}}"#;
    let headers = Signer::<Discord>::new(SEED).unwrap().sign_at(body, NOW);
    let with_newline = [&body[..], b"\n"].concat();
    let diagnosis = explain_at::<Discord>(PUBLIC, &headers, &with_newline, NOW);
    assert!(diagnosis.is_explained(), "{diagnosis:?}");
    let diagnosis = explain_at::<Discord>("not a key", &headers, body, NOW);
    assert!(!diagnosis.is_explained(), "{diagnosis:?}");
}

//! The public-key presets against the libraries they call, side by side
//! (the `paired` harness: alternating short batches, so the machine's load
//! hits both alike; medians and ratios over the rounds):
//!
//! - Discord: `ed25519-dalek`'s `verify_strict` alone, key and signature
//!   parsed beforehand, over the signed message already assembled; then
//!   `Verifier::<Discord>::verify_at` of the same delivery from an
//!   `http::HeaderMap` (header parsing, hex decoding, the message assembled,
//!   the time checked);
//! - SendGrid: `p256`'s ECDSA verify alone, likewise; then
//!   `Verifier::<SendGrid>::verify_at` (base64 and DER decoding included).
//!
//! ```sh
//! cargo bench --bench public_keys --features ed25519,p256   # ROUNDS=200 BATCH_US=2000
//! ```

mod common;

use common::paired::{Contender, Settings, compare, print_table};
use common::{
    DISCORD_PUBLIC, DISCORD_SEED, NOW, SENDGRID_PRIVATE, SENDGRID_PUBLIC, unleeshed_body,
};
use signed_webhooks::{Discord, SendGrid, Signer, Verifier};

const SIZE: usize = 1024;

/// The signed headers as a server hands them over.
fn header_map(headers: signed_webhooks::SignedHeaders) -> http::HeaderMap {
    headers
        .into_iter()
        .map(|(name, value)| {
            (
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                http::HeaderValue::from_str(&value).unwrap(),
            )
        })
        .collect()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let Settings { rounds, batch, .. } = Settings::from_env(200, 2000, &[]);

    // Discord: `{timestamp}{body}`, Ed25519, hex.
    let body = unleeshed_body(SIZE);
    let headers = Signer::<Discord>::new(DISCORD_SEED)
        .unwrap()
        .sign_at(&body, NOW);
    let signature: [u8; 64] = hex::decode(headers.get("x-signature-ed25519").unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let signature = ed25519_dalek::Signature::from_bytes(&signature);
    let key: [u8; 32] = hex::decode(DISCORD_PUBLIC).unwrap().try_into().unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key).unwrap();
    let message = [NOW.to_string().as_bytes(), &body].concat();
    let verifier = Verifier::<Discord>::new(DISCORD_PUBLIC).unwrap();
    let map = header_map(headers);
    assert!(key.verify_strict(&message, &signature).is_ok());
    assert!(verifier.verify_at(&map, &body, NOW).is_ok());
    let mut contenders = vec![
        Contender::new("ed25519-dalek verify_strict", || {
            key.verify_strict(&message, &signature).is_ok()
        }),
        Contender::new("Verifier::<Discord>::verify_at", || {
            verifier.verify_at(&map, &body, NOW).is_ok()
        }),
    ];
    let outcomes = compare(&mut contenders, rounds, batch);
    print_table("Discord (Ed25519), 1KiB body", SIZE, &outcomes);

    // SendGrid: `{timestamp}{body}`, ECDSA P-256/SHA-256, base64 DER.
    let body = format!("[{}]", String::from_utf8(unleeshed_body(SIZE - 2)).unwrap()).into_bytes();
    let headers = Signer::<SendGrid>::new(SENDGRID_PRIVATE)
        .unwrap()
        .sign_at(&body, NOW);
    let der = {
        use base64ct::Encoding as _;
        base64ct::Base64::decode_vec(
            headers
                .get("x-twilio-email-event-webhook-signature")
                .unwrap(),
        )
        .unwrap()
    };
    let signature = p256::ecdsa::Signature::from_der(&der).unwrap();
    let key = {
        use base64ct::Encoding as _;
        use p256::pkcs8::DecodePublicKey as _;
        let der = base64ct::Base64::decode_vec(SENDGRID_PUBLIC).unwrap();
        p256::ecdsa::VerifyingKey::from_public_key_der(&der).unwrap()
    };
    let message = [NOW.to_string().as_bytes(), &body].concat();
    let verifier = Verifier::<SendGrid>::new(SENDGRID_PUBLIC).unwrap();
    let map = header_map(headers);
    let p256_verify = || {
        use p256::ecdsa::signature::Verifier as _;
        key.verify(&message, &signature).is_ok()
    };
    assert!(p256_verify());
    assert!(verifier.verify_at(&map, &body, NOW).is_ok());
    let mut contenders = vec![
        Contender::new("p256 ecdsa verify", p256_verify),
        Contender::new("Verifier::<SendGrid>::verify_at", || {
            verifier.verify_at(&map, &body, NOW).is_ok()
        }),
    ];
    let outcomes = compare(&mut contenders, rounds, batch);
    print_table("SendGrid (ECDSA P-256), 1KiB body", SIZE, &outcomes);
}

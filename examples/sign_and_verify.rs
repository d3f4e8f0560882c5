//! Signs a fixture event the way the provider does, verifies and decodes
//! it, then shows a tampered body and a stale timestamp being refused.
//!
//! Run with `cargo run --example sign_and_verify`.

use std::time::{SystemTime, UNIX_EPOCH};

use signed_webhooks::{Signer, UnleeshedEvent, Verifier};

const SECRET: &str = "whsec_example_0123456789abcdef0123456789abcdef";
const BODY: &[u8] = include_bytes!("../tests/fixtures/unleeshed/creator.approved.json");

fn main() -> Result<(), signed_webhooks::Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);

    // The provider's side: sign the raw body.
    let signer = Signer::new(SECRET)?;
    let header = signer.sign_at(BODY, now);
    println!("X-Unleeshed-Signature: {header}\n");

    // The receiver's side: verify, then decode.
    let verifier = Verifier::new(SECRET)?;
    let verified = verifier.verify_at(&header, BODY, now)?;
    let event: UnleeshedEvent = signed_webhooks::decode_event(BODY)?;
    println!(
        "accepted  {} {} (signed at {}, secret #{})",
        event.id(),
        event.event_type(),
        verified.timestamp(),
        verified.secret_index()
    );
    if let UnleeshedEvent::CreatorApproved(approved) = &event {
        println!(
            "          external_reference = {}",
            approved.data.external_reference
        );
    }

    // Someone changes the body in transit.
    let tampered = String::from_utf8_lossy(BODY).replace("article-2026-11-0042", "article-9999");
    match verifier.verify_at(&header, tampered.as_bytes(), now) {
        Ok(_) => unreachable!("a tampered body must never verify"),
        Err(err) => println!(
            "\nrefused   tampered body [{}, HTTP {}]\n          {err}",
            err.code(),
            err.status_code()
        ),
    }

    // Someone replays a request captured ten minutes ago.
    let stale = signer.sign_at(BODY, now - 600);
    match verifier.verify_at(&stale, BODY, now) {
        Ok(_) => unreachable!("a stale request must never verify"),
        Err(err) => println!(
            "\nrefused   stale timestamp [{}, HTTP {}]\n          {err}",
            err.code(),
            err.status_code()
        ),
    }
    Ok(())
}

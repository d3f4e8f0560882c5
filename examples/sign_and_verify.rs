//! The core without HTTP: signs a delivery for each of three providers the
//! way each does, verifies and decodes it, then shows a tampered body and a
//! stale timestamp being refused.
//!
//! Run with `cargo run --example sign_and_verify`.

use signed_webhooks::{GitHub, Signer, Stripe, Unleeshed, UnleeshedEvent, Verifier};

const SECRET: &str = "whsec_example_0123456789abcdef0123456789abcdef";
const BODY: &[u8] = include_bytes!("../tests/fixtures/unleeshed/creator.approved.json");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The provider's side: sign the raw body.
    let headers = Signer::<Unleeshed>::new(SECRET)?.sign(BODY);
    for (name, value) in headers.iter() {
        println!("{name}: {value}");
    }

    // The receiver's side: verify, then decode.
    let verifier = Verifier::<Unleeshed>::new(SECRET)?;
    let verified = verifier.verify(&headers, BODY)?;
    let event: UnleeshedEvent = verifier.verify_event(&headers, BODY)?;
    println!(
        "\naccepted  {} {} (signed at {}, secret #{})",
        event.id(),
        event.event_type(),
        verified.timestamp().unwrap_or_default(),
        verified.secret_index()
    );

    // The body changed after signing: refused.
    let mut tampered = BODY.to_vec();
    tampered.extend_from_slice(b" ");
    let error = verifier.verify(&headers, &tampered).unwrap_err();
    println!("tampered  {}: {}", error.code(), error.public_message());

    // The same delivery an hour later: a replay.
    let now = verified.timestamp().unwrap_or_default();
    let error = verifier.verify_at(&headers, BODY, now + 3600).unwrap_err();
    println!("stale     {}: {}", error.code(), error.public_message());

    // Other providers sign otherwise; the same two calls verify them.
    for (name, value) in Signer::<Stripe>::new("whsec_test_secret")?
        .sign(BODY)
        .iter()
    {
        println!("\n{name}: {value}");
    }
    let github = Signer::<GitHub>::new("It's a Secret to Everybody")?.sign(b"Hello, World!");
    for (name, value) in github.iter() {
        println!("{name}: {value}");
    }
    Verifier::<GitHub>::new("It's a Secret to Everybody")?.verify(&github, b"Hello, World!")?;
    println!("accepted  GitHub's published example");
    Ok(())
}

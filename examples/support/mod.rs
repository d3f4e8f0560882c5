//! What the example receivers share: where the secret comes from, and the
//! work each one does per event.

use std::io::Write;

/// `WEBHOOK_SECRET`, or a fresh random secret when it is unset (printed,
/// with how to send test events signed with it).
pub fn secret_from_env() -> Result<String, Box<dyn std::error::Error>> {
    if let Ok(secret) = std::env::var("WEBHOOK_SECRET") {
        return Ok(secret);
    }
    let mut random = [0u8; 24];
    getrandom::fill(&mut random).map_err(|e| e.to_string())?;
    let secret = format!("whsec_{}", hex::encode(random));
    println!("WEBHOOK_SECRET is not set; generated a secret for this run. Send test events with:");
    println!("  WEBHOOK_SECRET={secret} cargo run --example send_test_event");
    Ok(secret)
}

/// The work: one line per event. It is fast here; slow work belongs in a
/// queue or table written here and processed later. The provider retries
/// until it gets a 2xx and never after, so a receiver answers 200 only once
/// this has succeeded.
pub fn process(id: &str, event_type: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "processed {id} {event_type}")?;
    out.flush()
}

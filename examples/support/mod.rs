//! What the example receivers share: where the secret comes from, and the
//! work each one does per event.

use std::io::Write;
use std::time::Duration;

use signed_webhooks::replay::{DEFAULT_CAPACITY, Deduplicator, MemoryStore, RedisStore};

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

/// How long a client may take to send a request's headers. A public
/// receiver must not let silent connections pile up.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request may take once its headers are in, body included:
/// providers give up after about 10 s (GitHub, LeadLex), so a body still
/// arriving after that is not a provider's. Answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The work: one line per event. It is fast here; slow work belongs in a
/// queue or table written here and processed later. The provider retries
/// until it gets a 2xx and never after, so a receiver answers 200 only once
/// this has succeeded.
pub fn process(id: &str, event_type: &str) -> std::io::Result<()> {
    // Ids and types come from the provider's signed body, but a newline in
    // one must not print a line of its own: escaped.
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "processed {} {}",
        id.escape_debug(),
        event_type.escape_debug()
    )?;
    out.flush()
}

/// A line for each redelivery skipped.
pub fn duplicate(id: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "duplicate {}", id.escape_debug()).and_then(|()| out.flush());
}

/// Duplicates detected in the Redis at `REDIS_URL`, shared by every
/// receiver of a fleet, or in this process's memory when it is unset
/// (holding at most `DEDUP_CAPACITY` deliveries, 100 000 unless set).
pub fn deduplicator_from_env() -> Result<Deduplicator, Box<dyn std::error::Error>> {
    Ok(match std::env::var("REDIS_URL") {
        Ok(url) => {
            println!("duplicates: Redis at {}", redact(&url));
            Deduplicator::new(RedisStore::open(&url)?)
        }
        Err(_) => {
            let capacity = match std::env::var("DEDUP_CAPACITY") {
                Ok(capacity) => capacity
                    .parse()
                    .map_err(|_| "DEDUP_CAPACITY is not a number")?,
                Err(_) => DEFAULT_CAPACITY,
            };
            println!(
                "duplicates: in this process's memory, up to {capacity} deliveries \
                 (set REDIS_URL to share them across a fleet)"
            );
            Deduplicator::new(MemoryStore::with_capacity(capacity))
        }
    })
}

/// A Redis URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

//! What the example receivers share: where each provider's secret comes
//! from, the duplicate store, the timeouts, and the work done per event.

use std::io::Write;
use std::time::Duration;

use signed_webhooks::dedup::{
    DEFAULT_CAPACITY, Deduplicator, MemoryStore, PostgresStore, RedisStore,
};
use sqlx::PgPool;

/// How long a client may take to send a request's headers. A public
/// receiver must not let silent connections pile up.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request may take once its headers are in, body included:
/// providers give up after about 10 s (GitHub, LeadLex), so a body still
/// arriving after that is not a provider's. Answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The operator's log on stderr (stdout has one line per event): every
/// refusal with its details, at `RUST_LOG`'s level (`warn` unless set).
pub fn log_to_stderr() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// The secrets of the seven routes, from `<PROVIDER>_WEBHOOK_SECRET`, else
/// `WEBHOOK_SECRET`, else one generated for this run (and printed, with how
/// to send test events signed with it). Standard Webhooks needs
/// `whsec_<base64>`: when the secret it would get is not of that shape, it
/// gets a generated one. A secret that was given is never printed.
pub struct Secrets {
    generated: Option<String>,
}

impl Secrets {
    pub fn from_env() -> Self {
        Secrets { generated: None }
    }

    /// The secret for `provider` (`"stripe"`, `"standard"`, …).
    pub fn get(&mut self, provider: &str) -> String {
        let name = format!("{}_WEBHOOK_SECRET", provider.to_ascii_uppercase());
        let given = std::env::var(&name)
            .or_else(|_| std::env::var("WEBHOOK_SECRET"))
            .ok();
        match given {
            Some(secret) if provider != "standard" || is_standard_secret(&secret) => secret,
            Some(_) => {
                let secret = generate();
                println!(
                    "the secret given for {provider} is not `whsec_<base64>`, as Standard \
                     Webhooks requires; generated one for this run: {name}={secret}"
                );
                secret
            }
            None => {
                let secret = self.generated.get_or_insert_with(|| {
                    let secret = generate();
                    println!(
                        "WEBHOOK_SECRET is not set; generated a secret for this run. Send test \
                         events with:\n  WEBHOOK_SECRET={secret} cargo run --features cli --bin \
                         signed-webhooks -- send --provider unleeshed --url \
                         http://<address below>/webhooks/unleeshed"
                    );
                    secret
                });
                secret.clone()
            }
        }
    }
}

/// `whsec_` and 24 random bytes in base64: a secret every scheme takes (as
/// issued, or base64-decoded by Standard Webhooks).
fn generate() -> String {
    use base64ct::Encoding as _;
    let mut random = [0u8; 24];
    getrandom::fill(&mut random).expect("the operating system's randomness");
    format!("whsec_{}", base64ct::Base64::encode_string(&random))
}

fn is_standard_secret(secret: &str) -> bool {
    use base64ct::Encoding as _;
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    base64ct::Base64::decode_vec(encoded).is_ok_and(|key| !key.is_empty())
}

mod describe;
pub use describe::Describe;

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

/// Where duplicates are detected, from the environment: the PostgreSQL at
/// `DATABASE_URL` (a fleet shares it, and each event's row in
/// `webhook_events` commits with the record that it was processed), else
/// the Redis at `REDIS_URL` (a fleet shares it), else this process's
/// memory (holding at most `DEDUP_CAPACITY` deliveries per route, 100 000
/// unless set). One store serves every route: keys name the route and the
/// provider. Says which on stdout.
pub async fn deduplicator_from_env()
-> Result<(Deduplicator, Option<PgPool>), Box<dyn std::error::Error>> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        println!(
            "duplicates: PostgreSQL at {}, in one transaction with each event's row",
            redact(&url)
        );
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(32)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy(&url)?;
        let store = PostgresStore::new(pool.clone());
        // Created at start-up, never on a request: the store's table, and
        // the table the handlers write each event in.
        store.migrate().await?;
        sqlx::query(EVENTS_TABLE).execute(&pool).await?;
        return Ok((Deduplicator::new(store), Some(pool)));
    }
    if let Ok(url) = std::env::var("REDIS_URL") {
        println!("duplicates: Redis at {}", redact(&url));
        return Ok((Deduplicator::new(RedisStore::open(&url)?), None));
    }
    let capacity = match std::env::var("DEDUP_CAPACITY") {
        Ok(capacity) => capacity
            .parse()
            .map_err(|_| "DEDUP_CAPACITY is not a number")?,
        Err(_) => DEFAULT_CAPACITY,
    };
    println!(
        "duplicates: in this process's memory, up to {capacity} deliveries per route \
         (set DATABASE_URL or REDIS_URL to share them across a fleet)"
    );
    Ok((
        Deduplicator::new(MemoryStore::with_capacity(capacity)),
        None,
    ))
}

/// The table the receivers write each processed event in, with
/// PostgreSQL: the work the transactional claim makes happen exactly once.
const EVENTS_TABLE: &str = "CREATE TABLE IF NOT EXISTS webhook_events (
    delivery_key text NOT NULL,
    event_type text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
)";

/// The work, with PostgreSQL: the event's row, written in the delivery's
/// transaction (it commits with the record that the delivery is done).
pub async fn record(
    tx: &mut sqlx::PgConnection,
    key: &str,
    event_type: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO webhook_events (delivery_key, event_type) VALUES ($1, $2)")
        .bind(key)
        .bind(event_type)
        .execute(tx)
        .await
        .map(drop)
}

/// A Redis or PostgreSQL URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

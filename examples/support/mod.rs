//! What the example receivers share: where each provider's secret comes
//! from, the duplicate store, the timeouts, and the work done per event.

use std::io::Write;
use std::time::Duration;

use signed_webhooks::dedup::{
    DEFAULT_CAPACITY, Deduplicator, MemoryStore, PostgresStore, RedisStore,
};
use signed_webhooks::{Algorithm, ConfigError, EndpointCheck, Provider, Verifier};
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

/// Every preset the receivers serve, one route each (`POST
/// /webhooks/<name>`): calls `$callback! { "name" => Type, … }`.
macro_rules! every_preset {
    ($callback:ident) => {
        $callback! {
            "unleeshed" => Unleeshed, "exchange" => Exchange, "stripe" => Stripe,
            "commet" => Commet, "leadlex" => LeadLex, "github" => GitHub,
            "standard" => StandardWebhooks, "svix" => Svix, "slack" => Slack,
            "shopify" => Shopify, "paddle" => Paddle, "zoom" => Zoom, "linear" => Linear,
            "intercom" => Intercom, "razorpay" => Razorpay, "lemonsqueezy" => LemonSqueezy,
            "typeform" => Typeform, "calendly" => Calendly, "pagerduty" => PagerDuty,
            "vercel" => Vercel, "twitch" => Twitch, "gitlab" => GitLab,
            "bitbucket" => Bitbucket, "meta" => Meta, "workos" => WorkOs, "mux" => Mux,
            "notion" => Notion, "sentry" => Sentry, "xero" => Xero, "dropbox" => Dropbox,
            "clerk" => Clerk, "resend" => Resend, "square" => Square, "twilio" => Twilio,
            "hubspot" => HubSpot, "discord" => Discord, "sendgrid" => SendGrid,
        }
    };
}

/// The public origin providers call (`PUBLIC_ORIGIN`, else this receiver's
/// own `http://<address>`): the presets that sign the URL (Square,
/// Twilio, HubSpot) verify what they signed against it. Printed.
pub fn public_origin(local: std::net::SocketAddr) -> String {
    let origin = std::env::var("PUBLIC_ORIGIN").unwrap_or_else(|_| format!("http://{local}"));
    println!("public origin (PUBLIC_ORIGIN): {origin}");
    origin
}

/// The secrets of the routes, from `<PROVIDER>_WEBHOOK_SECRET`, else
/// `WEBHOOK_SECRET`, else one generated for this run (and printed, with how
/// to send test events signed with it). A secret the provider's scheme
/// refuses (Standard Webhooks, Svix, Clerk and Resend need
/// `whsec_<base64>`) is replaced by a generated one, printed. A secret
/// that was given is never printed.
///
/// The public-key presets (Discord, SendGrid) take the provider's public
/// key from their own variable only (`DISCORD_WEBHOOK_SECRET`,
/// `SENDGRID_WEBHOOK_SECRET`); without it their route is not served, and
/// a line says so.
pub struct Secrets {
    generated: Option<String>,
}

impl Secrets {
    pub fn from_env() -> Self {
        Secrets { generated: None }
    }

    /// The verifier of route `provider` (`"stripe"`, …) at `origin`, or
    /// `None` for a public-key preset without its key. A provider whose
    /// endpoint check takes a verify token (Meta) gets it from
    /// `<PROVIDER>_VERIFY_TOKEN`; without it, its check is refused 403 (and
    /// a line says so).
    pub fn verifier<P: Provider>(
        &mut self,
        provider: &str,
        origin: &str,
    ) -> Result<Option<Verifier<P>>, ConfigError> {
        let verifier = self.verifier_for_secret::<P>(provider, origin)?;
        if !matches!(P::ENDPOINT_CHECK, Some(EndpointCheck::VerifyToken { .. })) {
            return Ok(verifier);
        }
        let name = format!("{}_VERIFY_TOKEN", provider.to_ascii_uppercase());
        match (verifier, std::env::var(&name)) {
            (Some(verifier), Ok(token)) => verifier.with_verify_token(token).map(Some),
            (verifier, _) => {
                println!(
                    "{provider}: its endpoint check (GET) is refused until {name} holds the \
                     verify token typed in the provider's dashboard"
                );
                Ok(verifier)
            }
        }
    }

    fn verifier_for_secret<P: Provider>(
        &mut self,
        provider: &str,
        origin: &str,
    ) -> Result<Option<Verifier<P>>, ConfigError> {
        let name = format!("{}_WEBHOOK_SECRET", provider.to_ascii_uppercase());
        let own = std::env::var(&name).ok();
        if matches!(
            P::scheme().algorithm(),
            Algorithm::Ed25519 | Algorithm::EcdsaP256Sha256
        ) {
            let Some(key) = own else {
                println!("{provider}: not served; set {name} to the provider's public key");
                return Ok(None);
            };
            return Verifier::at_public_origin(origin, [key]).map(Some);
        }
        let given = own.or_else(|| std::env::var("WEBHOOK_SECRET").ok());
        match given {
            Some(secret) => match Verifier::at_public_origin(origin, [secret]) {
                Err(ConfigError::InvalidSecret { .. }) => {
                    let secret = generate();
                    println!(
                        "the secret given for {provider} is not of the shape its scheme \
                         requires; generated one for this run: {name}={secret}"
                    );
                    Verifier::at_public_origin(origin, [secret]).map(Some)
                }
                verifier => verifier.map(Some),
            },
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
                Verifier::at_public_origin(origin, [secret.clone()]).map(Some)
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

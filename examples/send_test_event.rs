//! A provider's "send test webhook" button, on the command line: signs one
//! of the provider's fixture events (`tests/fixtures/<provider>/`) as the
//! provider does, POSTs it to a receiver, and prints the status and the
//! response body.
//!
//! ```sh
//! WEBHOOK_SECRET=whsec_… cargo run --example send_test_event -- --provider stripe [options]
//! ```
//!
//! Options:
//! - `--provider P`: `unleeshed` (default), `exchange`, `stripe`, `commet`,
//!   `leadlex`, `github` or `standard`;
//! - `--type T`: the event, one of the provider's fixtures (default: the
//!   first listed below);
//! - `--url U`: where to send it (default `http://$ADDR/webhooks/<provider>`,
//!   `ADDR` defaulting to `127.0.0.1:3000`);
//! - `--tampered`: change the body after signing (expect 401);
//! - `--stale`: sign a time too old to pass (expect 401): ten minutes old in
//!   the header (Unleeshed, the exchange, Stripe, Standard Webhooks), or in
//!   the body's `timestamp` 25 hours old (Commet) or 73 hours old (LeadLex).
//!   GitHub signs no time, so it has no stale delivery;
//! - `--twice`: send the identical request twice, as a provider retry or a
//!   replay would (expect the second to be a duplicate).
//!
//! The secret comes from `<PROVIDER>_WEBHOOK_SECRET` (`STRIPE_WEBHOOK_SECRET`,
//! …), else `WEBHOOK_SECRET`: never from an argument, which other users of
//! the machine can read. Each run is a new event: a fresh id where the
//! provider puts one (the body's `id`, Standard Webhooks' `webhook-id`,
//! GitHub's `X-GitHub-Delivery`, LeadLex's `X-LeadLex-Delivery-ID`), and a
//! fresh `timestamp` in Commet's and LeadLex's bodies (to the millisecond:
//! LeadLex's deliveries are named by their content). GitHub's bodies carry
//! neither id nor time, so a fixture sent again is the same content, which
//! a receiver rightly takes for a duplicate whatever `X-GitHub-Delivery`
//! says: send another `--type` for a new event.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

#[cfg(feature = "standard-webhooks")]
use signed_webhooks::StandardWebhooks;
use signed_webhooks::{
    Commet, Exchange, GitHub, LeadLex, Provider, SignedHeaders, Signer, Stripe, Unleeshed,
};

/// Each provider and its default event.
const PROVIDERS: &[(&str, &str)] = &[
    ("unleeshed", "creator.approved"),
    ("exchange", "order.created"),
    ("stripe", "invoice.paid"),
    ("commet", "subscription.activated"),
    ("leadlex", "contact.created"),
    ("github", "issues.opened"),
    #[cfg(feature = "standard-webhooks")]
    ("standard", "contact.created"),
];

struct Options {
    provider: String,
    event_type: Option<String>,
    url: Option<String>,
    tampered: bool,
    stale: bool,
    twice: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        provider: "unleeshed".to_owned(),
        event_type: None,
        url: None,
        tampered: false,
        stale: false,
        twice: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--provider" => options.provider = args.next().ok_or("--provider needs a value")?,
            "--type" => options.event_type = Some(args.next().ok_or("--type needs a value")?),
            "--url" => options.url = Some(args.next().ok_or("--url needs a value")?),
            "--tampered" => options.tampered = true,
            "--stale" => options.stale = true,
            "--twice" => options.twice = true,
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("send_test_event: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A signed delivery, ready to send.
struct Delivery {
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    /// What names this event: its id, or the delivery's id.
    id: String,
}

async fn run() -> Result<(), String> {
    let options = parse_args()?;
    let Some(&(provider, default_type)) = PROVIDERS.iter().find(|(p, _)| *p == options.provider)
    else {
        let known: Vec<_> = PROVIDERS.iter().map(|(p, _)| *p).collect();
        return Err(format!(
            "unknown provider {:?}; known: {}",
            options.provider,
            known.join(", ")
        ));
    };
    let secret = secret(provider)?;
    let event_type = options.event_type.as_deref().unwrap_or(default_type);
    let fixture = read_fixture(provider, event_type)?;
    let url = options.url.clone().unwrap_or_else(|| {
        let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
        format!("http://{addr}/webhooks/{provider}")
    });

    let now_millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut delivery = prepare(
        provider,
        &secret,
        &fixture,
        event_type,
        now_millis,
        options.stale,
    )?;
    if options.tampered {
        // A space after the opening brace: the JSON means the same, the
        // signed bytes differ.
        delivery.body.insert(1, b' ');
    }

    let client = reqwest::Client::new();
    for attempt in 1..=if options.twice { 2 } else { 1 } {
        let mut request = client.post(&url).header("Content-Type", "application/json");
        for (name, value) in &delivery.headers {
            request = request.header(name, value);
        }
        let response = request
            .body(delivery.body.clone())
            .send()
            .await
            .map_err(|e| format!("POST {url}: {e}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        println!(
            "#{attempt} POST {url} {event_type} {} -> {status} {text}",
            delivery.id
        );
    }
    Ok(())
}

/// The secret from `<PROVIDER>_WEBHOOK_SECRET`, else `WEBHOOK_SECRET`.
fn secret(provider: &str) -> Result<String, String> {
    let own = format!("{}_WEBHOOK_SECRET", provider.to_ascii_uppercase());
    std::env::var(&own)
        .or_else(|_| std::env::var("WEBHOOK_SECRET"))
        .map_err(|_| format!("set {own} (or WEBHOOK_SECRET) to the receiver's secret"))
}

fn fixtures_dir(provider: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(provider)
}

fn read_fixture(provider: &str, event_type: &str) -> Result<Vec<u8>, String> {
    let dir = fixtures_dir(provider);
    std::fs::read(dir.join(format!("{event_type}.json"))).map_err(|_| {
        let mut known: Vec<String> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                name.strip_suffix(".json").map(str::to_owned)
            })
            .collect();
        known.sort();
        format!(
            "no {provider} fixture for {event_type:?}; known: {}",
            known.join(", ")
        )
    })
}

/// Signs `body` as provider `P` does, at `at` (ignored by schemes that sign
/// no time).
fn sign<P: Provider>(secret: &str, body: &[u8], at: i64) -> Result<Vec<(String, String)>, String> {
    let signer = Signer::<P>::new(secret).map_err(|e| e.to_string())?;
    Ok(pairs(signer.sign_at(body, at)))
}

fn pairs(headers: SignedHeaders) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(name, value)| (name.into_owned(), value))
        .collect()
}

/// The fixture as a fresh event of `provider`, signed.
fn prepare(
    provider: &str,
    secret: &str,
    fixture: &[u8],
    event_type: &str,
    now_millis: i64,
    stale: bool,
) -> Result<Delivery, String> {
    const HOUR: i64 = 3_600_000;
    let now = now_millis.div_euclid(1000);
    let json = |fixture: &[u8]| -> Result<serde_json::Value, String> {
        serde_json::from_slice(fixture).map_err(|e| format!("the fixture is not JSON: {e}"))
    };
    let to_vec = |event: &serde_json::Value| serde_json::to_vec_pretty(event).unwrap_or_default();
    // A time in the signed header: ten minutes is past every tolerance.
    let header_time = if stale { now - 600 } else { now };
    match provider {
        "unleeshed" | "exchange" | "stripe" => {
            let id = format!("evt_test_{}", random_hex(8)?);
            let mut event = json(fixture)?;
            event["id"] = id.clone().into();
            let body = to_vec(&event);
            let headers = match provider {
                "unleeshed" => sign::<Unleeshed>(secret, &body, header_time)?,
                "exchange" => sign::<Exchange>(secret, &body, header_time)?,
                _ => sign::<Stripe>(secret, &body, header_time)?,
            };
            Ok(Delivery { body, headers, id })
        }
        "commet" => {
            // Commet's time is the body's `timestamp`, accepted for 24 hours.
            let id = format!("whev_test_{}", random_hex(8)?);
            let mut event = json(fixture)?;
            event["id"] = id.clone().into();
            event["timestamp"] = rfc3339(if stale {
                now_millis - 25 * HOUR
            } else {
                now_millis
            })
            .into();
            let body = to_vec(&event);
            let mut headers = sign::<Commet>(secret, &body, now)?;
            headers.push(("X-Commet-Event-Id".to_owned(), id.clone()));
            Ok(Delivery { body, headers, id })
        }
        "leadlex" => {
            // LeadLex's time is the body's `timestamp`, accepted for 72
            // hours; its bodies carry no id, each attempt a delivery id.
            let mut event = json(fixture)?;
            event["timestamp"] = rfc3339(if stale {
                now_millis - 73 * HOUR
            } else {
                now_millis
            })
            .into();
            let body = to_vec(&event);
            let id = uuid()?;
            let mut headers = sign::<LeadLex>(secret, &body, now)?;
            headers.push(("X-LeadLex-Delivery-ID".to_owned(), id.clone()));
            headers.push(("X-LeadLex-Timestamp".to_owned(), rfc3339(now_millis)));
            headers.push(("User-Agent".to_owned(), "LeadLex-Webhook/1.0".to_owned()));
            Ok(Delivery { body, headers, id })
        }
        "github" => {
            if stale {
                return Err(
                    "GitHub signs no time, so no delivery of it is stale: a replay is \
                            refused only as a duplicate (try --twice)"
                        .to_owned(),
                );
            }
            // The event is named by a header: `issues` for issues.opened.
            let name = event_type.split('.').next().unwrap_or(event_type);
            let id = uuid()?;
            let mut headers = sign::<GitHub>(secret, fixture, now)?;
            headers.push(("X-GitHub-Event".to_owned(), name.to_owned()));
            headers.push(("X-GitHub-Delivery".to_owned(), id.clone()));
            Ok(Delivery {
                body: fixture.to_vec(),
                headers,
                id,
            })
        }
        #[cfg(feature = "standard-webhooks")]
        "standard" => {
            // The signer mints a fresh `webhook-id`, which is signed.
            let headers = sign::<StandardWebhooks>(secret, fixture, header_time)?;
            let id = headers
                .iter()
                .find(|(name, _)| name == "webhook-id")
                .map(|(_, id)| id.clone())
                .unwrap_or_default();
            Ok(Delivery {
                body: fixture.to_vec(),
                headers,
                id,
            })
        }
        other => Err(format!("unknown provider {other:?}")),
    }
}

fn random_hex(bytes: usize) -> Result<String, String> {
    let mut random = vec![0u8; bytes];
    getrandom::fill(&mut random).map_err(|e| e.to_string())?;
    Ok(hex::encode(random))
}

/// A random (version 4) UUID, as GitHub and LeadLex name deliveries.
fn uuid() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// Unix milliseconds as RFC 3339 UTC text, as Commet and LeadLex write
/// times (`2026-06-23T14:30:00.000Z`).
fn rfc3339(millis: i64) -> String {
    let (seconds, fraction) = (millis.div_euclid(1000), millis.rem_euclid(1000));
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

//! The provider's "send test webhook" button, on the command line: signs a
//! fixture event with `WEBHOOK_SECRET` and POSTs it to a receiver, printing
//! the status and the response body.
//!
//! ```sh
//! WEBHOOK_SECRET=whsec_… cargo run --example send_test_event -- [options]
//! ```
//!
//! Options:
//! - `--type T`: the event type, one of the fixtures (default `creator.approved`);
//! - `--url U`: where to send it (default `http://$ADDR/webhooks/<provider>`,
//!   `ADDR` defaulting to `127.0.0.1:3000`);
//! - `--tampered`: change the body after signing (expect 401);
//! - `--stale`: sign with a timestamp ten minutes old (expect 401);
//! - `--twice`: send the identical request twice, as a provider retry or a
//!   replay would.

use std::process::ExitCode;

use signed_webhooks::{Signer, Unleeshed};

/// `(event type, provider, fixture)` for every fixture under tests/fixtures.
const FIXTURES: &[(&str, &str, &str)] = &[
    (
        "creator.approved",
        "unleeshed",
        include_str!("../tests/fixtures/unleeshed/creator.approved.json"),
    ),
    (
        "partner.approved",
        "unleeshed",
        include_str!("../tests/fixtures/unleeshed/partner.approved.json"),
    ),
    (
        "commentary.failed",
        "unleeshed",
        include_str!("../tests/fixtures/unleeshed/commentary.failed.json"),
    ),
    (
        "commentary.regenerated",
        "unleeshed",
        include_str!("../tests/fixtures/unleeshed/commentary.regenerated.json"),
    ),
    (
        "order.created",
        "exchange",
        include_str!("../tests/fixtures/exchange/order.created.json"),
    ),
    (
        "order.status_changed",
        "exchange",
        include_str!("../tests/fixtures/exchange/order.status_changed.json"),
    ),
    (
        "order.cancelled",
        "exchange",
        include_str!("../tests/fixtures/exchange/order.cancelled.json"),
    ),
    (
        "offer.updated",
        "exchange",
        include_str!("../tests/fixtures/exchange/offer.updated.json"),
    ),
];

struct Options {
    event_type: String,
    url: Option<String>,
    tampered: bool,
    stale: bool,
    twice: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        event_type: "creator.approved".to_owned(),
        url: None,
        tampered: false,
        stale: false,
        twice: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--type" => options.event_type = args.next().ok_or("--type needs a value")?,
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

async fn run() -> Result<(), String> {
    let options = parse_args()?;
    let secret = std::env::var("WEBHOOK_SECRET")
        .map_err(|_| "set WEBHOOK_SECRET to the receiver's secret".to_owned())?;
    // Unleeshed and the exchange sign alike (`t=…,v1=…` in X-Unleeshed-Signature).
    let signer = Signer::<Unleeshed>::new(secret).map_err(|e| e.to_string())?;

    let Some((_, provider, fixture)) = FIXTURES.iter().find(|(t, ..)| *t == options.event_type)
    else {
        let known: Vec<_> = FIXTURES.iter().map(|(t, ..)| *t).collect();
        return Err(format!(
            "no fixture for {:?}; known: {}",
            options.event_type,
            known.join(", ")
        ));
    };
    let url = options.url.clone().unwrap_or_else(|| {
        let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
        format!("http://{addr}/webhooks/{provider}")
    });

    // A fresh id per run, as every real event has its own.
    let mut event: serde_json::Value = serde_json::from_str(fixture).map_err(|e| e.to_string())?;
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| e.to_string())?;
    let id = format!("evt_test_{}", hex::encode(random));
    event["id"] = id.clone().into();
    let body = serde_json::to_vec(&event).map_err(|e| e.to_string())?;

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let signed_at = if options.stale { now - 600 } else { now };
    let header = signer.sign_at(&body, signed_at);
    let body = if options.tampered {
        String::from_utf8_lossy(&body)
            .replacen(&id, "evt_tampered", 1)
            .into_bytes()
    } else {
        body
    };

    let client = reqwest::Client::new();
    for attempt in 1..=if options.twice { 2 } else { 1 } {
        let mut request = client.post(&url).header("Content-Type", "application/json");
        for (name, value) in header.iter() {
            request = request.header(name, value);
        }
        let response = request
            .body(body.clone())
            .send()
            .await
            .map_err(|e| format!("POST {url}: {e}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        println!(
            "#{attempt} POST {url} {} {id} -> {status} {text}",
            options.event_type
        );
    }
    Ok(())
}

//! The servers of the receiver load comparison, identical but for their
//! handler:
//!
//! - `plain`: buffers the body and answers 200 (the baseline);
//! - `body`: the crate's `WebhookBody<Unleeshed>` extractor, answers 200;
//! - `decode`: buffers the body and decodes it with `serde_json` into
//!   `UnleeshedEvent`, unverified (the baseline for `event`);
//! - `event`: the crate's `Webhook<Unleeshed>` extractor (verification and
//!   decoding into `UnleeshedEvent`), answers 200.
//!
//! - `hmac`: a control, not a receiver: `plain` plus the `hmac` crate's
//!   pre-keyed HMAC-SHA256 of `"{t}.{body}"` (a fixed `t`, no header read,
//!   nothing checked), answers 200: what the cryptography alone costs a
//!   receiver under this load, the floor under `body`.
//!
//! The verifier is the router's state in every mode, as in a receiver.
//!
//! `bench_server <plain|body|decode|event> [addr]` serves on one Tokio worker
//! thread (pin it to a core with `taskset`); `bench_server sign` prints a
//! header signing `EVENT` now, valid for the 300 s tolerance.

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use signed_webhooks::axum::{Webhook, WebhookBody};
use signed_webhooks::{Signer, Unleeshed, UnleeshedEvent, Verifier};
use signed_webhooks_load::{EVENT, SECRET};

async fn plain(_body: Bytes) -> StatusCode {
    StatusCode::OK
}

async fn decode(body: Bytes) -> StatusCode {
    match serde_json::from_slice::<UnleeshedEvent>(&body) {
        Ok(_) => StatusCode::OK,
        Err(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The HMAC key, keyed once, as a verifier keeps it.
static PREKEYED: std::sync::LazyLock<Hmac<Sha256>> = std::sync::LazyLock::new(|| {
    <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap()
});

async fn hmac(body: Bytes) -> StatusCode {
    let mut mac = PREKEYED.clone();
    mac.update(b"1790000000.");
    mac.update(&body);
    std::hint::black_box(mac.finalize().into_bytes());
    StatusCode::OK
}

async fn body(_body: WebhookBody<Unleeshed>) -> StatusCode {
    StatusCode::OK
}

async fn event(_event: Webhook<Unleeshed>) -> StatusCode {
    StatusCode::OK
}

async fn exit() -> StatusCode {
    std::process::exit(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    if mode == "sign" {
        let signed = Signer::<Unleeshed>::new(SECRET)?.sign(EVENT.as_bytes());
        println!(
            "{}",
            signed.get("x-unleeshed-signature").unwrap_or_default()
        );
        return Ok(());
    }
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3100".to_owned());
    let handler = match mode.as_str() {
        "plain" => post(plain),
        "decode" => post(decode),
        "hmac" => post(hmac),
        "body" => post(body),
        "event" => post(event),
        other => {
            return Err(format!(
                "unknown mode {other:?}: plain, hmac, body, decode, event or sign"
            )
            .into());
        }
    };
    let mut app = Router::new().route("/webhooks/unleeshed", handler);
    // For profile.sh: a route that ends the process normally, so that a
    // profiler running it writes its counts.
    if std::env::var_os("EXIT_ROUTE").is_some() {
        app = app.route("/exit", axum::routing::get(exit));
    }
    let app = app.with_state(Verifier::<Unleeshed>::new(SECRET)?);

    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?
        .block_on(async {
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            println!("listening on http://{}", listener.local_addr()?);
            axum::serve(listener, app).await?;
            Ok(())
        })
}

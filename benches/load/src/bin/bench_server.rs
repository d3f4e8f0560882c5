//! The servers of the receiver load comparison, identical but for their
//! handler:
//!
//! - `plain`: buffers the body and answers 200 (the baseline);
//! - `body`: the crate's `VerifiedBody` extractor, answers 200;
//! - `decode`: buffers the body and decodes it with `serde_json` into
//!   `UnleeshedEvent`, unverified (the baseline for `event`);
//! - `event`: the crate's `VerifiedEvent<UnleeshedEvent>` extractor
//!   (verification and typed decoding), answers 200.
//!
//! `bench_server <plain|body|event> [addr]` serves on one Tokio worker
//! thread (pin it to a core with `taskset`); `bench_server sign` prints a
//! header signing `EVENT` now, valid for the 300 s tolerance.

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use signed_webhooks::axum::{VerifiedBody, VerifiedEvent};
use signed_webhooks::{Signer, UnleeshedEvent, Verifier};
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

async fn body(_body: VerifiedBody) -> StatusCode {
    StatusCode::OK
}

async fn event(VerifiedEvent(_event): VerifiedEvent<UnleeshedEvent>) -> StatusCode {
    StatusCode::OK
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    if mode == "sign" {
        println!("{}", Signer::new(SECRET)?.sign(EVENT.as_bytes()));
        return Ok(());
    }
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3100".to_owned());
    let handler = match mode.as_str() {
        "plain" => post(plain),
        "decode" => post(decode),
        "body" => post(body),
        "event" => post(event),
        other => {
            return Err(
                format!("unknown mode {other:?}: plain, decode, body, event or sign").into(),
            );
        }
    };
    let app = Router::new()
        .route("/webhooks/unleeshed", handler)
        .with_state(Verifier::new(SECRET)?);

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

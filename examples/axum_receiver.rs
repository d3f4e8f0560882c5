//! A webhook receiver on axum: verifies every delivery, processes it, and
//! answers 200 only once processing succeeded.
//!
//! ```sh
//! cargo run --example axum_receiver --features axum
//! # in another terminal, with the secret it printed:
//! WEBHOOK_SECRET=whsec_… cargo run --example send_test_event
//! ```
//!
//! `WEBHOOK_SECRET` holds the secret (one is generated when it is unset),
//! `ADDR` the address to listen on (default `127.0.0.1:3000`). Ctrl-C stops
//! it cleanly: requests in flight are finished first.

#[path = "support/mod.rs"]
mod support;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use signed_webhooks::axum::VerifiedEvent;
use signed_webhooks::{ExchangeEvent, UnleeshedEvent, Verifier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = Verifier::new(support::secret_from_env()?)?;
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);

    axum::serve(listener, app(verifier))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            println!("shutting down");
        })
        .await?;
    Ok(())
}

/// The routes; the verifier is the router's state, which the extractors read.
/// (Public: tests/e2e.rs serves these very routes.)
pub fn app(verifier: Verifier) -> Router {
    Router::new()
        .route("/webhooks/unleeshed", post(unleeshed))
        .route("/webhooks/exchange", post(exchange))
        .with_state(verifier)
}

/// Reached only with a verified, decoded event; every refusal (bad
/// signature, stale timestamp, oversized body, undecodable JSON) was
/// answered by the extractor.
async fn unleeshed(VerifiedEvent(event): VerifiedEvent<UnleeshedEvent>) -> StatusCode {
    process(event.id(), event.event_type())
}

async fn exchange(VerifiedEvent(event): VerifiedEvent<ExchangeEvent>) -> StatusCode {
    process(event.id(), event.event_type())
}

/// Answers 200 only once the work succeeded.
fn process(id: &str, event_type: &str) -> StatusCode {
    match support::process(id, event_type) {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

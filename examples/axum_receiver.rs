//! A webhook receiver on axum: verifies every delivery, processes each event
//! once, and answers 200 only once processing succeeded.
//!
//! ```sh
//! cargo run --example axum_receiver --features axum,redis
//! # in another terminal, with the secret it printed:
//! WEBHOOK_SECRET=whsec_… cargo run --example send_test_event
//! ```
//!
//! `WEBHOOK_SECRET` holds the secret (one is generated when it is unset),
//! `ADDR` the address to listen on (default `127.0.0.1:3000`), `REDIS_URL`
//! a Redis shared by a fleet of receivers to detect duplicates (an in-memory
//! store when unset, holding `DEDUP_CAPACITY` deliveries at most). Ctrl-C
//! stops it cleanly: requests in flight are finished first.

#[path = "support/mod.rs"]
mod support;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use signed_webhooks::axum::{DeduplicationLayer, Delivery};
use signed_webhooks::replay::Deduplicator;
use signed_webhooks::{ExchangeEvent, UnleeshedEvent, Verifier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = Verifier::new(support::secret_from_env()?)?;
    let dedup = support::deduplicator_from_env()?;
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);

    axum::serve(listener, app(verifier, dedup))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            println!("shutting down");
        })
        .await?;
    Ok(())
}

/// The routes. The verifier is the router's state, which the extractors
/// read; the layers make them claim each delivery, so each event is
/// processed once, each provider's ids in a namespace of their own.
/// (Public: the end-to-end tests serve these very routes.)
pub fn app(verifier: Verifier, dedup: Deduplicator) -> Router {
    let once = |provider| DeduplicationLayer::new(dedup.namespaced(provider));
    Router::new()
        .route(
            "/webhooks/unleeshed",
            post(unleeshed).layer(once("unleeshed")),
        )
        .route("/webhooks/exchange", post(exchange).layer(once("exchange")))
        .with_state(verifier)
}

/// Reached only with a verified, decoded event; every refusal (bad
/// signature, stale timestamp, oversized body, undecodable JSON) was
/// answered by the extractor.
async fn unleeshed(delivery: Delivery<UnleeshedEvent>) -> StatusCode {
    match delivery {
        Delivery::First(event) => process(event.id(), event.event_type()),
        Delivery::Duplicate(event) => duplicate(event.id()),
    }
}

async fn exchange(delivery: Delivery<ExchangeEvent>) -> StatusCode {
    match delivery {
        Delivery::First(event) => process(event.id(), event.event_type()),
        Delivery::Duplicate(event) => duplicate(event.id()),
    }
}

/// Answers 200 only once the work succeeded: the layer then marks the
/// event done. Any other answer releases it for the provider's retry.
fn process(id: &str, event_type: &str) -> StatusCode {
    match support::process(id, event_type) {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A redelivery of a processed event: 200, so the provider stops.
fn duplicate(id: &str) -> StatusCode {
    support::duplicate(id);
    StatusCode::OK
}

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
//!
//! It serves with the timeouts a public receiver needs: 5 s to send the
//! headers, 10 s for the rest of the request (408 after that).

#[path = "support/mod.rs"]
mod support;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
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

    serve(listener, app(verifier, dedup), async {
        let _ = tokio::signal::ctrl_c().await;
        println!("shutting down");
    })
    .await
}

/// Serves `app` as `axum::serve` does, plus hyper's header-read timeout
/// (which `axum::serve` leaves unset): a connection that has not sent its
/// headers within [`support::HEADER_TIMEOUT`] is closed. After `shutdown`,
/// requests in flight are finished and no new connection is accepted.
async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(support::HEADER_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _): (_, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, say: wait, as axum::serve does.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    graceful.shutdown().await;
    Ok(())
}

/// Answers 408 to a request not done within [`support::REQUEST_TIMEOUT`] of
/// its headers: a body trickling in, or a stalled handler.
async fn deadline(request: Request, next: Next) -> Response {
    match tokio::time::timeout(support::REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
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
        .layer(middleware::from_fn(deadline))
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

//! A webhook receiver on axum for every provider the crate knows: verifies
//! every delivery, processes each event once, and answers 200 only once
//! processing succeeded.
//!
//! ```sh
//! cargo run --example axum_receiver --features axum,redis,postgres,sha1,ed25519,p256
//! # in another terminal, with the secret it printed:
//! WEBHOOK_SECRET=whsec_… cargo run --features cli --bin signed-webhooks -- \
//!     send --provider stripe --url http://127.0.0.1:3000/webhooks/stripe
//! ```
//!
//! Routes: `/webhooks/<name>` for every preset (`support::every_preset!`:
//! `stripe`, `github`, `standard`, `slack`, … `square`, `twilio`, `hubspot`,
//! `discord`, `sendgrid`). Each provider's secret comes from
//! `<PROVIDER>_WEBHOOK_SECRET` (`STRIPE_WEBHOOK_SECRET`, …), else
//! `WEBHOOK_SECRET`, else one generated for the run; Discord's and
//! SendGrid's routes take the provider's public key from their own
//! variable, and are not served without it. Square, Twilio and HubSpot sign
//! the URL they call: it is verified at `PUBLIC_ORIGIN` (default this
//! receiver's `http://<address>`, printed). Slack's, Zoom's, Twitch's and
//! Discord's endpoint checks are answered as they expect, and so are
//! Meta's and Dropbox's unsigned `GET`s (Meta's with the verify token in
//! `META_VERIFY_TOKEN`). Every method goes to one handler, whose extractor
//! refuses 405 one the provider never delivers with (all but `POST`, but
//! Twilio's `GET`s and HubSpot's `GET`s, `PUT`s, `PATCH`es and `DELETE`s). `ADDR` is the
//! address to listen on (default `127.0.0.1:3000`). Duplicates are detected in the PostgreSQL at
//! `DATABASE_URL`, where each event's row in `webhook_events` commits in
//! one transaction with the record that it was processed (exactly-once
//! effects); else in the Redis at `REDIS_URL`; else in memory, holding
//! `DEDUP_CAPACITY` deliveries per route at most. It says which at
//! start-up. Ctrl-C stops it cleanly: requests in flight are finished
//! first.
//!
//! It serves with the timeouts a public receiver needs: 5 s to send the
//! headers, 10 s for the rest of the request (408 after that).

#[macro_use]
#[path = "support/mod.rs"]
mod support;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use signed_webhooks::axum::{Delivery, WebhookTx};
use signed_webhooks::dedup::Deduplicator;
use signed_webhooks::{ConfigError, Provider, Verifier};
use support::Describe;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::log_to_stderr();
    let (dedup, database) = support::deduplicator_from_env().await?;
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let origin = support::public_origin(listener.local_addr()?);
    let routes = routes(&origin, database.is_some())?;
    println!("listening on http://{}", listener.local_addr()?);

    serve(listener, app(routes, dedup), async {
        let _ = tokio::signal::ctrl_c().await;
        println!("shutting down");
    })
    .await
}

/// One route per preset, each with its verifier as its state. With a
/// PostgreSQL store (`transactional`), each handler writes its event's row
/// in the transaction the delivery is claimed in.
pub fn routes(origin: &str, transactional: bool) -> Result<Router, ConfigError> {
    let mut secrets = support::Secrets::from_env();
    let mut router = Router::new();
    macro_rules! route_each {
        ($($name:literal => $preset:ident),+ $(,)?) => {$(
            if let Some(verifier) =
                secrets.verifier::<signed_webhooks::$preset>($name, origin)?
            {
                router = router.merge(route($name, verifier, transactional));
            }
        )+};
    }
    every_preset!(route_each);
    Ok(router)
}

/// `/webhooks/<name>`, every method to one handler, verified by
/// `verifier`: its extractor refuses 405 a method the provider never
/// delivers with (`Provider::METHODS`), and answers Meta's and Dropbox's
/// `GET` endpoint checks itself; the handler never sees either.
fn route<P: Provider>(name: &str, verifier: Verifier<P>, transactional: bool) -> Router
where
    P::Event: Describe,
{
    let handler = if transactional {
        any(receive_in_transaction::<P>)
    } else {
        any(receive::<P>)
    };
    Router::new()
        .route(&format!("/webhooks/{name}"), handler)
        .with_state(verifier)
}

/// The app: the routes, behind one layer that claims every delivery in
/// one store, each under a key made of its route and provider.
pub fn app(routes: Router, dedup: Deduplicator) -> Router {
    routes.layer(dedup).layer(middleware::from_fn(deadline))
}

/// Reached only with a verified, decoded delivery; every refusal (bad
/// signature, stale timestamp, oversized body, undecodable JSON) was
/// answered by the extractor. Answers 200 only once the work succeeded:
/// the layer then marks the delivery done; any other answer releases it
/// for the provider's retry. A redelivery of a processed event is answered
/// 200 too, so the provider stops.
async fn receive<P: Provider>(delivery: Delivery<P>) -> StatusCode
where
    P::Event: Describe,
{
    let duplicate = delivery.is_duplicate();
    let webhook = delivery.into_inner();
    let (id, event_type) = webhook.describe(webhook.delivery_key().unwrap_or_default());
    if duplicate {
        support::duplicate(&id);
        return StatusCode::OK;
    }
    match support::process(&id, &event_type) {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// With PostgreSQL: the event's row is written in the transaction the
/// delivery was claimed in, and committed with it, here (the layer would
/// commit on the 200 otherwise; committing first lets the line below say
/// only what is done). A crash, a timeout or a failed commit leaves
/// neither: the provider's retry writes it. Duplicates never get here (the
/// extractor answers them 200).
async fn receive_in_transaction<P: Provider>(mut webhook: WebhookTx<P>) -> StatusCode
where
    P::Event: Describe,
{
    let key = webhook.delivery_key().unwrap_or_default().to_owned();
    let (id, event_type) = webhook.describe(&key);
    if support::record(webhook.tx(), &key, &event_type)
        .await
        .is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    if webhook.commit().await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let _ = support::process(&id, &event_type);
    StatusCode::OK
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

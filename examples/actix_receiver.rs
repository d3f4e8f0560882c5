//! A webhook receiver on actix-web: verifies every delivery, processes each
//! event once, and answers 200 only once processing succeeded.
//!
//! ```sh
//! cargo run --example actix_receiver --features actix,redis
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

use actix_web::dev::Service as _;
use actix_web::{App, HttpResponse, HttpServer, web};
use signed_webhooks::actix::{Deduplication, Delivery};
use signed_webhooks::replay::Deduplicator;
use signed_webhooks::{ExchangeEvent, UnleeshedEvent, Verifier};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = web::Data::new(Verifier::new(support::secret_from_env()?)?);
    // One deduplicator for every worker: built here, cloned into each app.
    let dedup = support::deduplicator_from_env()?;
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());

    let server = HttpServer::new(move || app(verifier.clone(), dedup.clone()))
        .client_request_timeout(support::HEADER_TIMEOUT)
        .disable_signals()
        .bind(&addr)?;
    for bound in server.addrs() {
        println!("listening on http://{bound}");
    }
    let server = server.run();

    let handle = server.handle();
    actix_web::rt::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        println!("shutting down");
        handle.stop(true).await;
    });
    server.await?;
    Ok(())
}

/// The app. The verifier is app data, which the extractors read; the
/// middleware makes them claim each delivery, so each event is processed
/// once, each provider's ids in a namespace of their own. (Public: the
/// end-to-end tests serve this very app.)
pub fn app(
    verifier: web::Data<Verifier>,
    dedup: Deduplicator,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let once = |provider| Deduplication::new(dedup.namespaced(provider));
    App::new()
        .app_data(verifier)
        // Once the headers are in, the rest of the request (the body, the
        // handler) gets REQUEST_TIMEOUT: 408 after that.
        .wrap_fn(|request, service| {
            let response = service.call(request);
            async move {
                match actix_web::rt::time::timeout(support::REQUEST_TIMEOUT, response).await {
                    Ok(response) => response,
                    Err(_) => Err(actix_web::error::ErrorRequestTimeout("request timed out")),
                }
            }
        })
        .service(
            web::resource("/webhooks/unleeshed")
                .wrap(once("unleeshed"))
                .route(web::post().to(unleeshed)),
        )
        .service(
            web::resource("/webhooks/exchange")
                .wrap(once("exchange"))
                .route(web::post().to(exchange)),
        )
}

/// Reached only with a verified, decoded event; every refusal (bad
/// signature, stale timestamp, oversized body, undecodable JSON) was
/// answered by the extractor.
async fn unleeshed(delivery: Delivery<UnleeshedEvent>) -> HttpResponse {
    match delivery {
        Delivery::First(event) => process(event.id(), event.event_type()),
        Delivery::Duplicate(event) => duplicate(event.id()),
    }
}

async fn exchange(delivery: Delivery<ExchangeEvent>) -> HttpResponse {
    match delivery {
        Delivery::First(event) => process(event.id(), event.event_type()),
        Delivery::Duplicate(event) => duplicate(event.id()),
    }
}

/// Answers 200 only once the work succeeded: the middleware then marks the
/// event done. Any other answer releases it for the provider's retry.
fn process(id: &str, event_type: &str) -> HttpResponse {
    match support::process(id, event_type) {
        Ok(()) => HttpResponse::Ok().finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

/// A redelivery of a processed event: 200, so the provider stops.
fn duplicate(id: &str) -> HttpResponse {
    support::duplicate(id);
    HttpResponse::Ok().finish()
}

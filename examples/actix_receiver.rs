//! A webhook receiver on actix-web: verifies every delivery, processes it,
//! and answers 200 only once processing succeeded.
//!
//! ```sh
//! cargo run --example actix_receiver --features actix
//! # in another terminal, with the secret it printed:
//! WEBHOOK_SECRET=whsec_… cargo run --example send_test_event
//! ```
//!
//! `WEBHOOK_SECRET` holds the secret (one is generated when it is unset),
//! `ADDR` the address to listen on (default `127.0.0.1:3000`). Ctrl-C stops
//! it cleanly: requests in flight are finished first.

#[path = "support/mod.rs"]
mod support;

use actix_web::{App, HttpResponse, HttpServer, web};
use signed_webhooks::actix::VerifiedEvent;
use signed_webhooks::{ExchangeEvent, UnleeshedEvent, Verifier};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = web::Data::new(Verifier::new(support::secret_from_env()?)?);
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());

    let server = HttpServer::new(move || App::new().app_data(verifier.clone()).configure(routes))
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

/// The routes; the verifier is app data, which the extractors read.
/// (Public: tests/e2e.rs serves these very routes.)
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/webhooks/unleeshed", web::post().to(unleeshed))
        .route("/webhooks/exchange", web::post().to(exchange));
}

/// Reached only with a verified, decoded event; every refusal (bad
/// signature, stale timestamp, oversized body, undecodable JSON) was
/// answered by the extractor.
async fn unleeshed(VerifiedEvent(event): VerifiedEvent<UnleeshedEvent>) -> HttpResponse {
    process(event.id(), event.event_type())
}

async fn exchange(VerifiedEvent(event): VerifiedEvent<ExchangeEvent>) -> HttpResponse {
    process(event.id(), event.event_type())
}

/// Answers 200 only once the work succeeded.
fn process(id: &str, event_type: &str) -> HttpResponse {
    match support::process(id, event_type) {
        Ok(()) => HttpResponse::Ok().finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

//! A webhook receiver on actix-web for every provider the crate knows:
//! verifies every delivery, processes each event once, and answers 200 only
//! once processing succeeded.
//!
//! ```sh
//! cargo run --example actix_receiver --features actix,redis,postgres
//! # in another terminal, with the secret it printed:
//! WEBHOOK_SECRET=whsec_… cargo run --features cli --bin signed-webhooks -- \
//!     send --provider github --url http://127.0.0.1:3000/webhooks/github
//! ```
//!
//! Routes, secrets, `ADDR`, `DATABASE_URL`, `REDIS_URL` and
//! `DEDUP_CAPACITY` as for `axum_receiver`. Ctrl-C stops it cleanly: requests in flight are finished
//! first. It serves with the timeouts a public receiver needs: 5 s to send
//! the headers, 10 s for the rest of the request (408 after that).

#[path = "support/mod.rs"]
mod support;

use actix_web::dev::Service as _;
use actix_web::{App, HttpResponse, HttpServer, web};
use signed_webhooks::actix::{Delivery, WebhookTx};
use signed_webhooks::dedup::Deduplicator;
use signed_webhooks::{
    Commet, ConfigError, Exchange, GitHub, LeadLex, Provider, StandardWebhooks, Stripe, Unleeshed,
    Verifier,
};
use support::Describe;

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::log_to_stderr();
    let verifiers = Verifiers::from_env()?;
    // One deduplicator for every worker: built here, cloned into each app.
    let (dedup, database) = support::deduplicator_from_env().await?;
    let transactional = database.is_some();
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());

    let server = HttpServer::new(move || app(verifiers.clone(), dedup.clone(), transactional))
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

/// One verifier per provider, each registered as app data: each handler's
/// extractor takes its provider's.
#[derive(Clone)]
pub struct Verifiers {
    unleeshed: web::Data<Verifier<Unleeshed>>,
    exchange: web::Data<Verifier<Exchange>>,
    stripe: web::Data<Verifier<Stripe>>,
    commet: web::Data<Verifier<Commet>>,
    leadlex: web::Data<Verifier<LeadLex>>,
    github: web::Data<Verifier<GitHub>>,
    standard: web::Data<Verifier<StandardWebhooks>>,
}

impl Verifiers {
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut secrets = support::Secrets::from_env();
        Ok(Verifiers {
            unleeshed: web::Data::new(Verifier::new(secrets.get("unleeshed"))?),
            exchange: web::Data::new(Verifier::new(secrets.get("exchange"))?),
            stripe: web::Data::new(Verifier::new(secrets.get("stripe"))?),
            commet: web::Data::new(Verifier::new(secrets.get("commet"))?),
            leadlex: web::Data::new(Verifier::new(secrets.get("leadlex"))?),
            github: web::Data::new(Verifier::new(secrets.get("github"))?),
            standard: web::Data::new(Verifier::new(secrets.get("standard"))?),
        })
    }
}

/// The app. One middleware claims every delivery in one store, each under
/// a key made of its route and provider. With a PostgreSQL store
/// (`transactional`), each handler writes its event's row in the
/// transaction the delivery is claimed in. (Public: the end-to-end tests
/// serve this very app.)
pub fn app(
    verifiers: Verifiers,
    dedup: Deduplicator,
    transactional: bool,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    macro_rules! routes {
        ($app:expr, $handler:ident) => {
            $app.route("/webhooks/unleeshed", web::post().to($handler::<Unleeshed>))
                .route("/webhooks/exchange", web::post().to($handler::<Exchange>))
                .route("/webhooks/stripe", web::post().to($handler::<Stripe>))
                .route("/webhooks/commet", web::post().to($handler::<Commet>))
                .route("/webhooks/leadlex", web::post().to($handler::<LeadLex>))
                .route("/webhooks/github", web::post().to($handler::<GitHub>))
                .route(
                    "/webhooks/standard",
                    web::post().to($handler::<StandardWebhooks>),
                )
        };
    }
    let app = App::new()
        .app_data(verifiers.unleeshed)
        .app_data(verifiers.exchange)
        .app_data(verifiers.stripe)
        .app_data(verifiers.commet)
        .app_data(verifiers.leadlex)
        .app_data(verifiers.github)
        .app_data(verifiers.standard)
        .wrap(dedup)
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
        });
    if transactional {
        routes!(app, receive_in_transaction)
    } else {
        routes!(app, receive)
    }
}

/// Reached only with a verified, decoded delivery; every refusal was
/// answered by the extractor. Answers 200 only once the work succeeded: the
/// middleware then marks the delivery done; any other answer releases it
/// for the provider's retry. A redelivery of a processed event is answered
/// 200 too, so the provider stops.
async fn receive<P: Provider>(delivery: Delivery<P>) -> HttpResponse
where
    P::Event: Describe,
{
    let duplicate = delivery.is_duplicate();
    let webhook = delivery.into_inner();
    let (id, event_type) = webhook.describe(webhook.delivery_key().unwrap_or_default());
    if duplicate {
        support::duplicate(&id);
        return HttpResponse::Ok().finish();
    }
    match support::process(&id, &event_type) {
        Ok(()) => HttpResponse::Ok().finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

/// With PostgreSQL: the event's row is written in the transaction the
/// delivery was claimed in, and committed with it, here (the middleware
/// would commit on the 200 otherwise). A crash, a timeout or a failed
/// commit leaves neither: the provider's retry writes it.
async fn receive_in_transaction<P: Provider>(mut webhook: WebhookTx<P>) -> HttpResponse
where
    P::Event: Describe,
{
    let key = webhook.delivery_key().to_owned();
    let (id, event_type) = webhook.describe(&key);
    if support::record(webhook.tx(), &key, &event_type)
        .await
        .is_err()
    {
        return HttpResponse::InternalServerError().finish();
    }
    if webhook.commit().await.is_err() {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let _ = support::process(&id, &event_type);
    HttpResponse::Ok().finish()
}

//! A webhook receiver on actix-web for every provider the crate knows:
//! verifies every delivery, processes each event once, and answers 200 only
//! once processing succeeded.
//!
//! ```sh
//! cargo run --example actix_receiver --features actix,redis,postgres,sha1,ed25519,p256
//! # in another terminal, with the secret it printed:
//! WEBHOOK_SECRET=whsec_… cargo run --features cli --bin signed-webhooks -- \
//!     send --provider github --url http://127.0.0.1:3000/webhooks/github
//! ```
//!
//! Routes (`/webhooks/<name>` for every preset, every method to one
//! handler), secrets, `META_VERIFY_TOKEN`,
//! `PUBLIC_ORIGIN`, `ADDR`, `DATABASE_URL`, `REDIS_URL` and
//! `DEDUP_CAPACITY` as for `axum_receiver`. Ctrl-C stops it cleanly: requests in flight are finished
//! first. It serves with the timeouts a public receiver needs: 5 s to send
//! the headers, 10 s for the rest of the request (408 after that).

#[macro_use]
#[path = "support/mod.rs"]
mod support;

use actix_web::dev::Service as _;
use actix_web::{App, HttpResponse, HttpServer, web};
use signed_webhooks::actix::{Delivery, WebhookTx};
use signed_webhooks::dedup::Deduplicator;
use std::sync::Arc;

use signed_webhooks::{ConfigError, Provider, Verifier};
use support::Describe;

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::log_to_stderr();
    // One deduplicator for every worker: built here, cloned into each app.
    let (dedup, database) = support::deduplicator_from_env().await?;
    let transactional = database.is_some();
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = std::net::TcpListener::bind(&addr)?;
    let origin = support::public_origin(listener.local_addr()?);
    let routes = Routes::new(&origin, transactional)?;

    let server = HttpServer::new(move || app(routes.clone(), dedup.clone()))
        .client_request_timeout(support::HEADER_TIMEOUT)
        .disable_signals()
        .listen(listener)?;
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

/// One route per preset, each with its verifier as the resource's data
/// (where its extractor finds it): built once, registered in each worker's
/// app.
#[derive(Clone)]
pub struct Routes(Vec<Route>);

/// Registers one route in a worker's app.
type Route = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

impl Routes {
    /// With a PostgreSQL store (`transactional`), each handler writes its
    /// event's row in the transaction the delivery is claimed in.
    pub fn new(origin: &str, transactional: bool) -> Result<Self, ConfigError> {
        let mut secrets = support::Secrets::from_env();
        let mut routes = Vec::new();
        macro_rules! route_each {
            ($($name:literal => $preset:ident),+ $(,)?) => {$(
                if let Some(verifier) =
                    secrets.verifier::<signed_webhooks::$preset>($name, origin)?
                {
                    routes.push(route($name, verifier, transactional));
                }
            )+};
        }
        every_preset!(route_each);
        Ok(Routes(routes))
    }
}

/// `/webhooks/<name>`, every method to one handler, verified by
/// `verifier`: its extractor refuses 405 a method the provider never
/// delivers with (`Provider::METHODS`), and answers Meta's and Dropbox's
/// `GET` endpoint checks itself; the handler never sees either.
fn route<P: Provider>(name: &str, verifier: Verifier<P>, transactional: bool) -> Route
where
    P::Event: Describe,
{
    let path = format!("/webhooks/{name}");
    let verifier = web::Data::new(verifier);
    Arc::new(move |config: &mut web::ServiceConfig| {
        let resource = web::resource(path.as_str()).app_data(verifier.clone());
        config.service(if transactional {
            resource.to(receive_in_transaction::<P>)
        } else {
            resource.to(receive::<P>)
        });
    })
}

/// The app: the routes, behind one middleware that claims every delivery
/// in one store, each under a key made of its route and provider. (Public:
/// the end-to-end tests serve this very app.)
pub fn app(
    routes: Routes,
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
    App::new()
        .configure(|config| {
            for route in &routes.0 {
                route(config);
            }
        })
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
        })
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
    let key = webhook.delivery_key().unwrap_or_default().to_owned();
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

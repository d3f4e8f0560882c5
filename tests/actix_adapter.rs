//! The actix-web extractors, through actix-web's own test harness.
#![cfg(feature = "actix")]

mod common;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, ResponseError, test, web};
use common::describe::{Describe, respond};
use common::requests::{self, Case};
use common::runs::Runs;
use common::{SECRET, fixture};
#[cfg(feature = "standard-webhooks")]
use signed_webhooks::StandardWebhooks;
use signed_webhooks::actix::{Delivery, Webhook, WebhookBody, WebhookRejection};
use signed_webhooks::dedup::Deduplicator;
use signed_webhooks::{
    Commet, Error, Exchange, GitHub, LeadLex, Provider, Scheme, Signer, Stripe, Unleeshed, Verifier,
};

async fn unleeshed(event: Webhook<Unleeshed>) -> String {
    format!("{} {}", event.id(), event.event_type())
}

async fn exchange(event: Webhook<Exchange>) -> String {
    event.id().to_owned()
}

async fn raw(body: WebhookBody<Unleeshed>) -> String {
    format!(
        "{} bytes, secret #{}",
        body.body.len(),
        body.verified.secret_index()
    )
}

/// Three routes with the Unleeshed and exchange verifiers, no duplicate
/// detection: every verified delivery reaches its handler.
fn app(
    verifier: Verifier<Unleeshed>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(verifier))
        .app_data(web::Data::new(Verifier::<Exchange>::new(SECRET).unwrap()))
        .route("/webhooks/unleeshed", web::post().to(unleeshed))
        .route("/webhooks/exchange", web::post().to(exchange))
        .route("/raw", web::post().to(raw))
}

async fn receive<P: Provider>(runs: web::Data<Runs>, delivery: Delivery<P>) -> String
where
    P::Event: Describe,
{
    let duplicate = delivery.is_duplicate();
    let webhook = delivery.into_inner();
    let key = webhook
        .delivery_key()
        .expect("a key with duplicate detection on");
    respond(duplicate, &webhook.event, key, &runs)
}

/// The example receivers' seven routes, each provider's verifier as app
/// data, behind one duplicate store; the handler answers with the line the
/// examples print and counts first deliveries.
fn receivers(
    runs: Runs,
    dedup: Deduplicator,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let app = App::new()
        .app_data(web::Data::new(Verifier::<Unleeshed>::new(SECRET).unwrap()))
        .app_data(web::Data::new(Verifier::<Exchange>::new(SECRET).unwrap()))
        .app_data(web::Data::new(Verifier::<Stripe>::new(SECRET).unwrap()))
        .app_data(web::Data::new(Verifier::<Commet>::new(SECRET).unwrap()))
        .app_data(web::Data::new(Verifier::<LeadLex>::new(SECRET).unwrap()))
        // Registered without `Data`: both ways are looked up.
        .app_data(Verifier::<GitHub>::new(SECRET).unwrap());
    #[cfg(feature = "standard-webhooks")]
    let app = app.app_data(web::Data::new(
        Verifier::<StandardWebhooks>::new(SECRET).unwrap(),
    ));
    let app = app
        .app_data(web::Data::new(runs))
        .wrap(dedup)
        .route("/webhooks/unleeshed", web::post().to(receive::<Unleeshed>))
        .route("/webhooks/exchange", web::post().to(receive::<Exchange>))
        .route("/webhooks/stripe", web::post().to(receive::<Stripe>))
        .route("/webhooks/commet", web::post().to(receive::<Commet>))
        .route("/webhooks/leadlex", web::post().to(receive::<LeadLex>))
        .route("/webhooks/github", web::post().to(receive::<GitHub>));
    #[cfg(feature = "standard-webhooks")]
    let app = app.route(
        "/webhooks/standard",
        web::post().to(receive::<StandardWebhooks>),
    );
    app
}

fn request(case: &Case) -> test::TestRequest {
    let mut builder = test::TestRequest::post().uri(case.path);
    for (name, value) in &case.headers {
        builder = builder.append_header((name.as_str(), value.as_slice()));
    }
    builder.set_payload(case.body.clone())
}

/// A POST of `body` with `headers`.
fn post_with(
    path: &str,
    headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
    body: impl Into<web::Bytes>,
) -> test::TestRequest {
    let mut builder = test::TestRequest::post().uri(path);
    for (name, value) in headers {
        builder = builder.append_header((name.as_ref(), value.as_ref()));
    }
    builder.set_payload(body.into())
}

async fn body_of(response: ServiceResponse<impl MessageBody>) -> (u16, Vec<u8>) {
    let status = response.status().as_u16();
    (status, test::read_body(response).await.to_vec())
}

#[actix_web::test]
async fn the_shared_table_of_requests() {
    let runs = Runs::default();
    let service = test::init_service(receivers(runs.clone(), Deduplicator::in_memory())).await;
    let cases = requests::cases();
    requests::assert_covers_every_route(&cases);
    assert!(cases.iter().filter(|c| c.status() != 200).count() >= 50);
    for case in &cases {
        let response = service.call(request(case).to_request()).await.unwrap();
        let (status, body) = body_of(response).await;
        requests::check_with_line(case, status, &body);
    }
    // The handler ran once for each first delivery, and for nothing else.
    let processed = requests::processed_lines(&cases);
    for line in &processed {
        assert_eq!(runs.of(line), 1, "{line}");
    }
    assert_eq!(runs.total(), processed.len());
}

#[actix_web::test]
async fn the_handler_gets_the_decoded_event() {
    let service = test::init_service(app(Verifier::new(SECRET).unwrap())).await;
    let body = fixture("unleeshed/commentary.failed.json");
    let request = post_with(
        "/webhooks/unleeshed",
        Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body),
        body,
    );
    let (status, body) = body_of(service.call(request.to_request()).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body, b"evt_01JD7XC4N5P6Q7R8S9T0U1V2W3 commentary.failed");
}

#[actix_web::test]
async fn the_verifier_may_be_registered_without_data() {
    let service = test::init_service(
        App::new()
            .app_data(
                Verifier::<Unleeshed>::from_secrets([
                    "whsec_old_secret_0123456789abcdef0123456789",
                    SECRET,
                ])
                .unwrap(),
            )
            .route("/raw", web::post().to(raw)),
    )
    .await;
    let body = b"{\"anything\": true}".to_vec();
    let request = post_with(
        "/raw",
        Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body),
        body,
    );
    let (status, body) = body_of(service.call(request.to_request()).await.unwrap()).await;
    assert_eq!(
        (status, body.as_slice()),
        (200, &b"18 bytes, secret #1"[..])
    );
}

#[actix_web::test]
async fn a_missing_verifier_is_a_500_not_a_panic() {
    let service =
        test::init_service(App::new().route("/webhooks/unleeshed", web::post().to(unleeshed)))
            .await;
    let body = fixture("unleeshed/creator.approved.json");
    let request = post_with(
        "/webhooks/unleeshed",
        Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body),
        body,
    );
    let (status, body) = body_of(service.call(request.to_request()).await.unwrap()).await;
    assert_eq!(status, 500);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"]["code"], "verifier_not_configured");
}

/// Another provider's verifier is no stand-in: a `Verifier<Exchange>`
/// does not serve a `Webhook<Unleeshed>`, though both read the same header.
#[actix_web::test]
async fn another_providers_verifier_does_not_serve() {
    let service = test::init_service(
        App::new()
            .app_data(web::Data::new(Verifier::<Exchange>::new(SECRET).unwrap()))
            .route("/webhooks/unleeshed", web::post().to(unleeshed)),
    )
    .await;
    let body = fixture("unleeshed/creator.approved.json");
    let request = post_with(
        "/webhooks/unleeshed",
        Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body),
        body,
    );
    assert_eq!(
        body_of(service.call(request.to_request()).await.unwrap())
            .await
            .0,
        500
    );
}

#[actix_web::test]
async fn the_error_type_keeps_the_error_reachable() {
    // A header with only a `v0` signature: no signature this crate checks.
    let headers = [(
        "X-Unleeshed-Signature",
        format!("t=1,v0={}", "ab".repeat(32)),
    )];
    let error = Verifier::<Unleeshed>::new(SECRET)
        .unwrap()
        .verify(&headers, b"{}")
        .unwrap_err();
    let rejection = WebhookRejection::from(error);
    assert_eq!(rejection.status_code(), StatusCode::BAD_REQUEST);
    assert!(
        matches!(
            &rejection,
            WebhookRejection::Invalid(Error::NoSignature { .. })
        ),
        "{rejection:?}"
    );
    assert_eq!(rejection.code(), "no_v1_signature");
    let response = rejection.error_response();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/json"
    );
}

/// 0.1 configured the header name on the verifier (`with_header_name`);
/// in 0.2 each provider has its scheme, and a scheme of your own names
/// any header.
#[actix_web::test]
async fn each_provider_reads_its_own_header_and_a_scheme_can_name_any() {
    async fn stripe(event: Webhook<Stripe>) -> String {
        event.id().to_owned()
    }
    /// A provider of ours, signing as Stripe does under another header.
    struct Acme;
    impl Provider for Acme {
        const NAME: &'static str = "acme";
        type Event = serde_json::Value;
        fn scheme() -> Scheme {
            Scheme::timestamped("x-acme-signature")
        }
    }
    async fn acme(event: Webhook<Acme>) -> String {
        event["id"].as_str().unwrap_or_default().to_owned()
    }
    let service = test::init_service(
        App::new()
            .app_data(web::Data::new(Verifier::<Stripe>::new(SECRET).unwrap()))
            .app_data(web::Data::new(Verifier::<Acme>::new(SECRET).unwrap()))
            .route("/webhooks/stripe", web::post().to(stripe))
            .route("/webhooks/acme", web::post().to(acme)),
    )
    .await;
    let body = fixture("stripe/invoice.paid.json");
    let value = Signer::<Stripe>::new(SECRET)
        .unwrap()
        .sign(&body)
        .get("stripe-signature")
        .unwrap()
        .to_owned();
    let request = post_with(
        "/webhooks/stripe",
        [("Stripe-Signature", &value)],
        body.clone(),
    );
    let (status, answer) = body_of(service.call(request.to_request()).await.unwrap()).await;
    assert_eq!(
        (status, answer.as_slice()),
        (200, &b"evt_1P9yA1LkdIwHu7ixZ9y8X7w6"[..])
    );
    let request = post_with(
        "/webhooks/stripe",
        [("X-Unleeshed-Signature", &value)],
        body,
    );
    let (status, answer) = body_of(service.call(request.to_request()).await.unwrap()).await;
    assert_eq!(status, 400);
    let json: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(json["error"]["code"], "missing_signature_header");

    let body = br#"{"id":"acme_1"}"#;
    let request = post_with(
        "/webhooks/acme",
        Signer::<Acme>::new(SECRET).unwrap().sign(body),
        &body[..],
    );
    let (status, answer) = body_of(service.call(request.to_request()).await.unwrap()).await;
    assert_eq!((status, answer.as_slice()), (200, &b"acme_1"[..]));
}

#[actix_web::test]
async fn the_body_limit_is_actix_webs_own() {
    let body = vec![b' '; 2048];
    let signed = Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body);
    for (limit, expected) in [(1024, 413), (4096, 422)] {
        let service = test::init_service(
            app(Verifier::new(SECRET).unwrap()).app_data(web::PayloadConfig::new(limit)),
        )
        .await;
        let request = post_with("/webhooks/unleeshed", signed.clone(), body.clone());
        assert_eq!(
            body_of(service.call(request.to_request()).await.unwrap())
                .await
                .0,
            expected,
            "limit {limit}"
        );
    }
}

/// 0.1's `SignatureGuard` (routing on the shape of the signature header)
/// is gone; what it guarded against, a request routed to the wrong
/// handler, is now a type: each extractor reads its own provider's
/// headers, so an Unleeshed-signed request at the exchange route is
/// verified as the exchange's (here, with the exchange's own secret).
#[actix_web::test]
async fn each_route_verifies_with_its_own_providers_secret() {
    let service = test::init_service(
        App::new()
            .app_data(web::Data::new(Verifier::<Unleeshed>::new(SECRET).unwrap()))
            .app_data(web::Data::new(
                Verifier::<Exchange>::new(common::OTHER_SECRET).unwrap(),
            ))
            .route("/webhooks/unleeshed", web::post().to(unleeshed))
            .route("/webhooks/exchange", web::post().to(exchange)),
    )
    .await;
    let body = fixture("exchange/offer.updated.json");
    let unleeshed_signed = Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body);
    let request = post_with("/webhooks/exchange", unleeshed_signed, body.clone());
    assert_eq!(
        body_of(service.call(request.to_request()).await.unwrap())
            .await
            .0,
        401
    );
    let exchange_signed = Signer::<Exchange>::new(common::OTHER_SECRET)
        .unwrap()
        .sign(&body);
    let request = post_with("/webhooks/exchange", exchange_signed, body);
    assert_eq!(
        body_of(service.call(request.to_request()).await.unwrap()).await,
        (200, b"evt_9c4f5dab-3e77-4081-8d6f-4c5b6a7f8e9d".to_vec())
    );
}

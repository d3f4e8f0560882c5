//! The actix-web extractors and guard, through actix-web's own test harness.
#![cfg(feature = "actix")]

mod common;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, ResponseError, test, web};
use common::requests::{self, Case};
use common::{SECRET, fixture};
use signed_webhooks::actix::{SignatureGuard, VerifiedBody, VerifiedEvent, WebhookRejection};
use signed_webhooks::{Error, ExchangeEvent, STRIPE_SIGNATURE, Signer, UnleeshedEvent, Verifier};

async fn unleeshed(VerifiedEvent(event): VerifiedEvent<UnleeshedEvent>) -> String {
    format!("{} {}", event.id(), event.event_type())
}

async fn exchange(VerifiedEvent(event): VerifiedEvent<ExchangeEvent>) -> String {
    event.id().to_owned()
}

async fn raw(body: VerifiedBody) -> String {
    format!(
        "{} bytes, secret #{}",
        body.body.len(),
        body.verified.secret_index()
    )
}

fn app(
    verifier: Verifier,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(verifier))
        .route("/webhooks/unleeshed", web::post().to(unleeshed))
        .route("/webhooks/exchange", web::post().to(exchange))
        .route("/raw", web::post().to(raw))
}

fn request(case: &Case) -> test::TestRequest {
    let mut builder = test::TestRequest::post().uri(case.path);
    for (name, value) in &case.headers {
        builder = builder.append_header((*name, value.as_slice()));
    }
    builder.set_payload(case.body.clone())
}

async fn body_of(response: ServiceResponse) -> (u16, Vec<u8>) {
    let status = response.status().as_u16();
    (status, test::read_body(response).await.to_vec())
}

#[actix_web::test]
async fn the_shared_table_of_requests() {
    let service = test::init_service(app(Verifier::new(SECRET).unwrap())).await;
    let cases = requests::cases();
    assert!(cases.iter().filter(|c| c.status != 200).count() >= 20);
    for case in &cases {
        let response = service.call(request(case).to_request()).await.unwrap();
        let (status, body) = body_of(response).await;
        requests::check(case, status, &body);
    }
}

#[actix_web::test]
async fn the_handler_gets_the_decoded_event() {
    let service = test::init_service(app(Verifier::new(SECRET).unwrap())).await;
    let body = fixture("unleeshed/commentary.failed.json");
    let request = test::TestRequest::post()
        .uri("/webhooks/unleeshed")
        .insert_header((
            "X-Unleeshed-Signature",
            Signer::new(SECRET).unwrap().sign(&body),
        ))
        .set_payload(body)
        .to_request();
    let (status, body) = body_of(service.call(request).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body, b"evt_01JD7XC4N5P6Q7R8S9T0U1V2W3 commentary.failed");
}

#[actix_web::test]
async fn the_verifier_may_be_registered_without_data() {
    let service = test::init_service(
        App::new()
            .app_data(
                Verifier::from_secrets(["whsec_old_secret_0123456789abcdef0123456789", SECRET])
                    .unwrap(),
            )
            .route("/raw", web::post().to(raw)),
    )
    .await;
    let body = b"{\"anything\": true}".to_vec();
    let request = test::TestRequest::post()
        .uri("/raw")
        .insert_header((
            "X-Unleeshed-Signature",
            Signer::new(SECRET).unwrap().sign(&body),
        ))
        .set_payload(body)
        .to_request();
    let (status, body) = body_of(service.call(request).await.unwrap()).await;
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
    let request = test::TestRequest::post()
        .uri("/webhooks/unleeshed")
        .insert_header((
            "X-Unleeshed-Signature",
            Signer::new(SECRET).unwrap().sign(&body),
        ))
        .set_payload(body)
        .to_request();
    let (status, body) = body_of(service.call(request).await.unwrap()).await;
    assert_eq!(status, 500);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"]["code"], "verifier_not_configured");
}

#[actix_web::test]
async fn the_error_type_keeps_the_error_reachable() {
    let error = WebhookRejection::from(Error::NoSignature);
    assert_eq!(error.status_code(), StatusCode::BAD_REQUEST);
    assert!(matches!(error.error(), Some(Error::NoSignature)));
    let response = error.error_response();
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/json"
    );
}

#[actix_web::test]
async fn the_header_name_is_configurable_for_stripe() {
    let verifier = Verifier::new(SECRET)
        .unwrap()
        .with_header_name(STRIPE_SIGNATURE);
    let service = test::init_service(app(verifier)).await;
    let body = fixture("exchange/offer.updated.json");
    let request = test::TestRequest::post()
        .uri("/webhooks/exchange")
        .insert_header(("Stripe-Signature", Signer::new(SECRET).unwrap().sign(&body)))
        .set_payload(body)
        .to_request();
    let (status, body) = body_of(service.call(request).await.unwrap()).await;
    assert_eq!(
        (status, body.as_slice()),
        (200, &b"evt_9c4f5dab-3e77-4081-8d6f-4c5b6a7f8e9d"[..])
    );
}

#[actix_web::test]
async fn the_body_limit_is_actix_webs_own() {
    let body = vec![b' '; 2048];
    let signed = Signer::new(SECRET).unwrap().sign(&body);
    for (limit, expected) in [(1024, 413), (4096, 422)] {
        let service = test::init_service(
            app(Verifier::new(SECRET).unwrap()).app_data(web::PayloadConfig::new(limit)),
        )
        .await;
        let request = test::TestRequest::post()
            .uri("/webhooks/unleeshed")
            .insert_header(("X-Unleeshed-Signature", signed.as_str()))
            .set_payload(body.clone())
            .to_request();
        assert_eq!(
            body_of(service.call(request).await.unwrap()).await.0,
            expected,
            "limit {limit}"
        );
    }
}

#[actix_web::test]
async fn the_guard_routes_on_the_header_shape_only() {
    let service = test::init_service(
        App::new()
            .service(
                web::resource("/in")
                    .guard(SignatureGuard::new())
                    .route(web::post().to(|| async { HttpResponse::Ok().body("webhook") })),
            )
            .service(
                web::resource("/in")
                    .route(web::post().to(|| async { HttpResponse::Ok().body("other") })),
            ),
    )
    .await;
    let now = requests::now();
    let sig = "ab".repeat(32);
    for (headers, expected) in [
        (vec![], "other"),
        (
            vec![("X-Unleeshed-Signature", "garbage".to_owned())],
            "other",
        ),
        (vec![("X-Unleeshed-Signature", format!("t={now}"))], "other"),
        (
            vec![
                ("X-Unleeshed-Signature", format!("t={now},v1={sig}")),
                ("X-Unleeshed-Signature", format!("t={now},v1={sig}")),
            ],
            "other",
        ),
        // A forged header of the right shape is routed: the guard does not verify.
        (
            vec![("X-Unleeshed-Signature", format!("t={now},v1={sig}"))],
            "webhook",
        ),
    ] {
        let mut request = test::TestRequest::post().uri("/in");
        for header in &headers {
            request = request.append_header(header.clone());
        }
        let (_, body) = body_of(service.call(request.to_request()).await.unwrap()).await;
        assert_eq!(body, expected.as_bytes(), "{headers:?}");
    }

    let stripe = SignatureGuard::for_verifier(
        &Verifier::new(SECRET)
            .unwrap()
            .with_header_name(STRIPE_SIGNATURE),
    );
    let service = test::init_service(
        App::new().service(
            web::resource("/s")
                .guard(stripe)
                .route(web::post().to(HttpResponse::Ok)),
        ),
    )
    .await;
    let request = test::TestRequest::post()
        .uri("/s")
        .insert_header(("Stripe-Signature", format!("t={now},v1={sig}")))
        .to_request();
    assert_eq!(
        service.call(request).await.unwrap().status(),
        StatusCode::OK
    );
}

//! The axum extractors, through axum's own test harness.
#![cfg(feature = "axum")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use common::requests::{self, Case};
use common::{SECRET, fixture};
use http_body_util::BodyExt;
use signed_webhooks::axum::{VerifiedBody, VerifiedEvent, WebhookRejection};
use signed_webhooks::{Error, ExchangeEvent, STRIPE_SIGNATURE, Signer, UnleeshedEvent, Verifier};
use tower::ServiceExt;

fn router(verifier: Verifier) -> Router {
    async fn unleeshed(VerifiedEvent(event): VerifiedEvent<UnleeshedEvent>) -> String {
        format!("{} {}", event.id(), event.event_type())
    }
    async fn exchange(VerifiedEvent(event): VerifiedEvent<ExchangeEvent>) -> String {
        event.id().to_owned()
    }
    Router::new()
        .route("/webhooks/unleeshed", post(unleeshed))
        .route("/webhooks/exchange", post(exchange))
        .with_state(verifier)
}

fn request(case: &Case) -> Request<Body> {
    let mut builder = Request::post(case.path);
    for (name, value) in &case.headers {
        builder = builder.header(*name, value.as_slice());
    }
    builder.body(Body::from(case.body.clone())).unwrap()
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, body)
}

#[tokio::test]
async fn the_shared_table_of_requests() {
    let app = router(Verifier::new(SECRET).unwrap());
    let cases = requests::cases();
    assert!(cases.iter().filter(|c| c.status != 200).count() >= 20);
    for case in &cases {
        let (status, body) = send(app.clone(), request(case)).await;
        requests::check(case, status.as_u16(), &body);
    }
}

#[tokio::test]
async fn the_handler_gets_the_decoded_event() {
    let body = fixture("unleeshed/partner.approved.json");
    let request = Request::post("/webhooks/unleeshed")
        .header(
            "X-Unleeshed-Signature",
            Signer::new(SECRET).unwrap().sign(&body),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, body) = send(router(Verifier::new(SECRET).unwrap()), request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"evt_01JD7X9B6C3D2E1F0G9H8J7K6L partner.approved");
}

#[tokio::test]
async fn refusals_are_json_with_the_error_reachable() {
    let request = Request::post("/").body(Body::empty()).unwrap();
    let Err(rejection) =
        VerifiedBody::from_request_with(request, &Verifier::new(SECRET).unwrap()).await
    else {
        panic!("an unsigned request was accepted")
    };
    assert!(matches!(
        rejection.error(),
        Some(Error::MissingHeader { .. })
    ));
    assert_eq!(rejection.status(), StatusCode::BAD_REQUEST);
    let response = rejection.into_response();
    assert_eq!(response.headers()["content-type"], "application/json");
}

/// The extractor, called directly with a verifier as state.
trait FromRequestWith: Sized {
    async fn from_request_with(
        request: Request<Body>,
        verifier: &Verifier,
    ) -> Result<Self, WebhookRejection>;
}

impl FromRequestWith for VerifiedBody {
    async fn from_request_with(
        request: Request<Body>,
        verifier: &Verifier,
    ) -> Result<Self, WebhookRejection> {
        <VerifiedBody as axum::extract::FromRequest<Verifier>>::from_request(request, verifier)
            .await
    }
}

#[tokio::test]
async fn the_raw_body_extractor_keeps_the_exact_bytes_and_what_was_verified() {
    let body = b"{\"id\":\"evt_raw\",  \"kept\": \"exactly\"}".to_vec();
    let verifier =
        Verifier::from_secrets(["whsec_old_secret_0123456789abcdef0123456789", SECRET]).unwrap();
    let request = Request::post("/")
        .header(
            "X-Unleeshed-Signature",
            Signer::new(SECRET).unwrap().sign(&body),
        )
        .body(Body::from(body.clone()))
        .unwrap();
    let extracted = VerifiedBody::from_request_with(request, &verifier)
        .await
        .unwrap();
    assert_eq!(extracted.body, body);
    assert_eq!(extracted.verified.secret_index(), 1);
}

#[tokio::test]
async fn the_verifier_can_live_inside_a_larger_state() {
    #[derive(Clone)]
    struct AppState {
        verifier: Verifier,
        name: &'static str,
    }
    impl FromRef<AppState> for Verifier {
        fn from_ref(state: &AppState) -> Verifier {
            state.verifier.clone()
        }
    }
    async fn handler(
        axum::extract::State(state): axum::extract::State<AppState>,
        VerifiedEvent(event): VerifiedEvent<serde_json::Value>,
    ) -> String {
        format!("{} {}", state.name, event["id"])
    }
    let app = Router::new()
        .route("/hook", post(handler))
        .with_state(AppState {
            verifier: Verifier::new(SECRET).unwrap(),
            name: "app",
        });
    let body = br#"{"id":"evt_state"}"#;
    let request = Request::post("/hook")
        .header(
            "X-Unleeshed-Signature",
            Signer::new(SECRET).unwrap().sign(body),
        )
        .body(Body::from(&body[..]))
        .unwrap();
    let (status, body) = send(app, request).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"app \"evt_state\""[..])
    );
}

#[tokio::test]
async fn the_header_name_is_configurable_for_stripe() {
    let verifier = Verifier::new(SECRET)
        .unwrap()
        .with_header_name(STRIPE_SIGNATURE);
    let body = fixture("unleeshed/creator.approved.json");
    let signed = Signer::new(SECRET).unwrap().sign(&body);
    let stripe = Request::post("/webhooks/unleeshed")
        .header("Stripe-Signature", signed.as_str())
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(
        send(router(verifier.clone()), stripe).await.0,
        StatusCode::OK
    );
    let unleeshed = Request::post("/webhooks/unleeshed")
        .header("X-Unleeshed-Signature", signed.as_str())
        .body(Body::from(body))
        .unwrap();
    let (status, body) = send(router(verifier), unleeshed).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The answer names the refusal; which header was looked for is the
    // operator's to read in the log, not the sender's.
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"]["code"], "missing_signature_header");
}

#[tokio::test]
async fn the_body_limit_is_axums_own() {
    let body = vec![b' '; 2048];
    let signed = Signer::new(SECRET).unwrap().sign(&body);
    let app = router(Verifier::new(SECRET).unwrap()).layer(DefaultBodyLimit::max(1024));
    let request = Request::post("/webhooks/unleeshed")
        .header("X-Unleeshed-Signature", signed.as_str())
        .body(Body::from(body.clone()))
        .unwrap();
    let (status, response) = send(app, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let json: serde_json::Value = serde_json::from_slice(&response).unwrap();
    assert_eq!(json["error"]["code"], "body_too_large");

    // Raised, the same body passes the limit (and then fails to decode: it is blank).
    let app = router(Verifier::new(SECRET).unwrap()).layer(DefaultBodyLimit::max(4096));
    let request = Request::post("/webhooks/unleeshed")
        .header("X-Unleeshed-Signature", signed.as_str())
        .body(Body::from(body))
        .unwrap();
    assert_eq!(send(app, request).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A body that counts the bytes pulled from it.
fn counted_body(total: usize, pulled: Arc<AtomicUsize>) -> Body {
    let chunks = (0..total / 65536).map(move |_| {
        pulled.fetch_add(65536, Ordering::SeqCst);
        Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 65536]))
    });
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn unsigned_or_stale_requests_are_refused_without_reading_the_body() {
    let ten_mib = 10 * 1024 * 1024;
    let app = router(Verifier::new(SECRET).unwrap()).layer(DefaultBodyLimit::disable());

    let pulled = Arc::new(AtomicUsize::new(0));
    let unsigned = Request::post("/webhooks/unleeshed")
        .body(counted_body(ten_mib, pulled.clone()))
        .unwrap();
    assert_eq!(send(app.clone(), unsigned).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        0,
        "the body of an unsigned request was read"
    );

    let pulled = Arc::new(AtomicUsize::new(0));
    let stale_header = Signer::new(SECRET)
        .unwrap()
        .sign_at(b"", requests::now() - 3600);
    let stale = Request::post("/webhooks/unleeshed")
        .header("X-Unleeshed-Signature", stale_header)
        .body(counted_body(ten_mib, pulled.clone()))
        .unwrap();
    assert_eq!(send(app.clone(), stale).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        0,
        "the body of a stale request was read"
    );

    // A fresh header of the right shape is worth reading the body for.
    let pulled = Arc::new(AtomicUsize::new(0));
    let forged = format!("t={},v1={}", requests::now(), "ab".repeat(32));
    let request = Request::post("/webhooks/unleeshed")
        .header("X-Unleeshed-Signature", forged)
        .body(counted_body(ten_mib, pulled.clone()))
        .unwrap();
    assert_eq!(send(app, request).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(pulled.load(Ordering::SeqCst), ten_mib);
}

#[tokio::test]
async fn a_handler_can_return_json_after_verification() {
    async fn handler(
        VerifiedEvent(event): VerifiedEvent<UnleeshedEvent>,
    ) -> Json<serde_json::Value> {
        Json(serde_json::json!({ "received": event.id() }))
    }
    let app = Router::new()
        .route("/", post(handler))
        .with_state(Verifier::new(SECRET).unwrap());
    let body = fixture("unleeshed/commentary.failed.json");
    let request = Request::post("/")
        .header(
            "X-Unleeshed-Signature",
            Signer::new(SECRET).unwrap().sign(&body),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, body) = send(app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, br#"{"received":"evt_01JD7XC4N5P6Q7R8S9T0U1V2W3"}"#);
}

//! The axum extractors, through axum's own test harness.
#![cfg(feature = "axum")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, FromRequest, State};
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use common::describe::{Describe, respond};
use common::requests::{self, Case};
use common::runs::Runs;
use common::{SECRET, fixture, now};
use http_body_util::BodyExt;
#[cfg(feature = "standard-webhooks")]
use signed_webhooks::StandardWebhooks;
use signed_webhooks::axum::{Delivery, Webhook, WebhookBody, WebhookRejection};
use signed_webhooks::dedup::Deduplicator;
use signed_webhooks::{
    Commet, Error, Exchange, GitHub, LeadLex, Provider, Scheme, Signer, Stripe, Unleeshed, Verifier,
};
use tower::ServiceExt;

/// The example receivers' seven routes, each with its provider's verifier,
/// behind one duplicate store; the handler answers with the line the
/// examples print and counts first deliveries.
#[derive(Clone)]
struct Receivers {
    unleeshed: Verifier<Unleeshed>,
    exchange: Verifier<Exchange>,
    stripe: Verifier<Stripe>,
    commet: Verifier<Commet>,
    leadlex: Verifier<LeadLex>,
    github: Verifier<GitHub>,
    #[cfg(feature = "standard-webhooks")]
    standard: Verifier<StandardWebhooks>,
    runs: Runs,
}

macro_rules! from_ref {
    ($($field:ident: $provider:ty),+) => {$(
        impl FromRef<Receivers> for Verifier<$provider> {
            fn from_ref(receivers: &Receivers) -> Self {
                receivers.$field.clone()
            }
        }
    )+};
}
from_ref!(unleeshed: Unleeshed, exchange: Exchange, stripe: Stripe, commet: Commet,
          leadlex: LeadLex, github: GitHub);
#[cfg(feature = "standard-webhooks")]
from_ref!(standard: StandardWebhooks);

impl FromRef<Receivers> for Runs {
    fn from_ref(receivers: &Receivers) -> Runs {
        receivers.runs.clone()
    }
}

async fn receive<P: Provider>(State(runs): State<Runs>, delivery: Delivery<P>) -> String
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

fn receivers(runs: Runs) -> Router {
    let router = Router::new()
        .route("/webhooks/unleeshed", post(receive::<Unleeshed>))
        .route("/webhooks/exchange", post(receive::<Exchange>))
        .route("/webhooks/stripe", post(receive::<Stripe>))
        .route("/webhooks/commet", post(receive::<Commet>))
        .route("/webhooks/leadlex", post(receive::<LeadLex>))
        .route("/webhooks/github", post(receive::<GitHub>));
    #[cfg(feature = "standard-webhooks")]
    let router = router.route("/webhooks/standard", post(receive::<StandardWebhooks>));
    router
        .with_state(Receivers {
            unleeshed: Verifier::new(SECRET).unwrap(),
            exchange: Verifier::new(SECRET).unwrap(),
            stripe: Verifier::new(SECRET).unwrap(),
            commet: Verifier::new(SECRET).unwrap(),
            leadlex: Verifier::new(SECRET).unwrap(),
            github: Verifier::new(SECRET).unwrap(),
            #[cfg(feature = "standard-webhooks")]
            standard: Verifier::new(SECRET).unwrap(),
            runs,
        })
        .layer(Deduplicator::in_memory())
}

/// Two routes with only the Unleeshed verifier as state, no duplicate
/// detection: every verified delivery reaches its handler.
fn router(verifier: Verifier<Unleeshed>) -> Router {
    async fn unleeshed(event: Webhook<Unleeshed>) -> String {
        format!("{} {}", event.id(), event.event_type())
    }
    async fn raw(body: WebhookBody<Unleeshed>) -> String {
        format!("{} bytes", body.len())
    }
    Router::new()
        .route("/webhooks/unleeshed", post(unleeshed))
        .route("/raw", post(raw))
        .with_state(verifier)
}

fn request(case: &Case) -> Request<Body> {
    let mut builder = Request::post(case.path);
    for (name, value) in &case.headers {
        builder = builder.header(name.as_str(), value.as_slice());
    }
    builder.body(Body::from(case.body.clone())).unwrap()
}

/// A POST of `body` with `headers`.
fn post_with(
    path: &str,
    headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut builder = Request::post(path);
    for (name, value) in headers {
        builder = builder.header(name.as_ref(), value.as_ref());
    }
    builder.body(body.into()).unwrap()
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
    let runs = Runs::default();
    let app = receivers(runs.clone());
    let cases = requests::cases();
    requests::assert_covers_every_route(&cases);
    assert!(cases.iter().filter(|c| c.status() != 200).count() >= 50);
    for case in &cases {
        let (status, body) = send(app.clone(), request(case)).await;
        requests::check_with_line(case, status.as_u16(), &body);
    }
    // The handler ran once for each first delivery, and for nothing else.
    let processed = requests::processed_lines(&cases);
    for line in &processed {
        assert_eq!(runs.of(line), 1, "{line}");
    }
    assert_eq!(runs.total(), processed.len());
}

#[tokio::test]
async fn the_handler_gets_the_decoded_event() {
    let body = fixture("unleeshed/partner.approved.json");
    let request = post_with(
        "/webhooks/unleeshed",
        Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body),
        body,
    );
    let (status, body) = send(router(Verifier::new(SECRET).unwrap()), request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"evt_01JD7X9B6C3D2E1F0G9H8J7K6L partner.approved");
}

#[tokio::test]
async fn refusals_are_json_with_the_error_reachable() {
    let request = Request::post("/").body(Body::empty()).unwrap();
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let Err(rejection) = WebhookBody::<Unleeshed>::from_request(request, &verifier).await else {
        panic!("an unsigned request was accepted")
    };
    assert!(
        matches!(
            &rejection,
            WebhookRejection::Invalid(Error::MissingHeader { header, .. })
                if header == "x-unleeshed-signature"
        ),
        "{rejection:?}"
    );
    assert_eq!(rejection.status(), StatusCode::BAD_REQUEST);
    assert_eq!(rejection.code(), "missing_signature_header");
    let response = rejection.into_response();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn the_raw_body_extractor_keeps_the_exact_bytes_and_what_was_verified() {
    let body = b"{\"id\":\"evt_raw\",  \"kept\": \"exactly\"}".to_vec();
    let verifier = Verifier::<Unleeshed>::from_secrets([
        "whsec_old_secret_0123456789abcdef0123456789",
        SECRET,
    ])
    .unwrap();
    let signed_at = now();
    let request = post_with(
        "/",
        Signer::<Unleeshed>::new(SECRET)
            .unwrap()
            .sign_at(&body, signed_at),
        body.clone(),
    );
    let extracted = WebhookBody::<Unleeshed>::from_request(request, &verifier)
        .await
        .unwrap();
    assert_eq!(extracted.body, body);
    assert_eq!(&*extracted, &body[..]);
    assert_eq!(extracted.verified.secret_index(), 1);
    assert_eq!(extracted.verified.timestamp(), Some(signed_at));
    // Without duplicate detection no key was worked out.
    assert_eq!(extracted.delivery_key(), None);
}

#[tokio::test]
async fn the_verifier_can_live_inside_a_larger_state() {
    #[derive(Clone)]
    struct AppState {
        verifier: Verifier<Unleeshed>,
        name: &'static str,
    }
    impl FromRef<AppState> for Verifier<Unleeshed> {
        fn from_ref(state: &AppState) -> Verifier<Unleeshed> {
            state.verifier.clone()
        }
    }
    async fn handler(
        State(state): State<AppState>,
        event: Webhook<Unleeshed, serde_json::Value>,
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
    let request = post_with(
        "/hook",
        Signer::<Unleeshed>::new(SECRET).unwrap().sign(body),
        &body[..],
    );
    let (status, body) = send(app, request).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"app \"evt_state\""[..])
    );
}

/// 0.1 configured the header name on the verifier (`with_header_name`);
/// in 0.2 each provider has its scheme, and a scheme of your own names
/// any header.
#[tokio::test]
async fn each_provider_reads_its_own_header_and_a_scheme_can_name_any() {
    async fn stripe(event: Webhook<Stripe>) -> String {
        event.id().to_owned()
    }
    let body = fixture("stripe/invoice.paid.json");
    let signed = Signer::<Stripe>::new(SECRET).unwrap().sign(&body);
    let value = signed.get("stripe-signature").unwrap().to_owned();
    let app = Router::new()
        .route("/webhooks/stripe", post(stripe))
        .with_state(Verifier::<Stripe>::new(SECRET).unwrap());
    let (status, answer) = send(
        app.clone(),
        post_with(
            "/webhooks/stripe",
            [("Stripe-Signature", &value)],
            body.clone(),
        ),
    )
    .await;
    assert_eq!(
        (status, answer.as_slice()),
        (StatusCode::OK, &b"evt_1P9yA1LkdIwHu7ixZ9y8X7w6"[..])
    );
    // The same value under Unleeshed's header is no Stripe delivery.
    let (status, answer) = send(
        app,
        post_with(
            "/webhooks/stripe",
            [("X-Unleeshed-Signature", &value)],
            body,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The answer names the refusal; which header was looked for is the
    // operator's to read in the log, not the sender's.
    let json: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(json["error"]["code"], "missing_signature_header");
    assert!(!String::from_utf8_lossy(&answer).contains("stripe-signature"));

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
    let app = Router::new()
        .route("/webhooks/acme", post(acme))
        .with_state(Verifier::<Acme>::new(SECRET).unwrap());
    let body = br#"{"id":"acme_1"}"#;
    let signed = Signer::<Acme>::new(SECRET).unwrap().sign(body);
    assert!(signed.get("X-Acme-Signature").is_some());
    let (status, answer) = send(app, post_with("/webhooks/acme", signed, &body[..])).await;
    assert_eq!(
        (status, answer.as_slice()),
        (StatusCode::OK, &b"acme_1"[..])
    );
}

/// The key a delivery is known by: at hand with duplicate detection, and
/// always for Standard Webhooks, whose signed `webhook-id` is the event's
/// id.
#[tokio::test]
async fn the_delivery_key_is_at_hand_where_it_is_known() {
    async fn stripe(event: Webhook<Stripe>) -> String {
        format!("{:?}", event.delivery_key())
    }
    let body = fixture("stripe/invoice.paid.json");
    let stripe_request = || {
        post_with(
            "/s",
            Signer::<Stripe>::new(SECRET).unwrap().sign(&body),
            body.clone(),
        )
    };
    let app = Router::new()
        .route("/s", post(stripe))
        .with_state(Verifier::<Stripe>::new(SECRET).unwrap());
    assert_eq!(send(app.clone(), stripe_request()).await.1, b"None");
    let app = app.layer(Deduplicator::in_memory());
    assert_eq!(
        send(app, stripe_request()).await.1,
        br#"Some("stripe:id:evt_1P9yA1LkdIwHu7ixZ9y8X7w6")"#
    );

    #[cfg(feature = "standard-webhooks")]
    {
        async fn standard(event: Webhook<StandardWebhooks>) -> String {
            format!("{:?} {}", event.delivery_key(), event.event_type())
        }
        let body = fixture("standard/contact.created.json");
        let signed = Signer::<StandardWebhooks>::new(SECRET)
            .unwrap()
            .sign_with_id(&body, now(), "msg_key");
        let app = Router::new()
            .route("/w", post(standard))
            .with_state(Verifier::<StandardWebhooks>::new(SECRET).unwrap());
        assert_eq!(
            send(app, post_with("/w", signed, body)).await.1,
            br#"Some("standard-webhooks:id:msg_key") contact.created"#
        );
    }
}

#[tokio::test]
async fn the_body_limit_is_axums_own() {
    let body = vec![b' '; 2048];
    let signed = Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body);
    let app = router(Verifier::new(SECRET).unwrap()).layer(DefaultBodyLimit::max(1024));
    let (status, response) = send(
        app,
        post_with("/webhooks/unleeshed", signed.clone(), body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let json: serde_json::Value = serde_json::from_slice(&response).unwrap();
    assert_eq!(json["error"]["code"], "body_too_large");

    // Raised, the same body passes the limit (and then fails to decode: it is blank).
    let app = router(Verifier::new(SECRET).unwrap()).layer(DefaultBodyLimit::max(4096));
    let request = post_with("/webhooks/unleeshed", signed.clone(), body.clone());
    assert_eq!(
        send(app.clone(), request).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The raw body extractor does not decode it: the bytes are handed over.
    let request = post_with("/raw", signed, body);
    assert_eq!(
        send(app, request).await,
        (StatusCode::OK, b"2048 bytes".to_vec())
    );
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
    let stale_header = Signer::<Unleeshed>::new(SECRET)
        .unwrap()
        .sign_at(b"", now() - 3600);
    let stale = post_with(
        "/webhooks/unleeshed",
        stale_header,
        counted_body(ten_mib, pulled.clone()),
    );
    assert_eq!(send(app.clone(), stale).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        0,
        "the body of a stale request was read"
    );

    // A fresh header of the right shape is worth reading the body for.
    let pulled = Arc::new(AtomicUsize::new(0));
    let forged = format!("t={},v1={}", now(), "ab".repeat(32));
    let request = post_with(
        "/webhooks/unleeshed",
        [("X-Unleeshed-Signature", forged)],
        counted_body(ten_mib, pulled.clone()),
    );
    assert_eq!(send(app, request).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(pulled.load(Ordering::SeqCst), ten_mib);
}

#[tokio::test]
async fn a_handler_can_return_json_after_verification() {
    async fn handler(event: Webhook<Unleeshed>) -> Json<serde_json::Value> {
        Json(serde_json::json!({ "received": event.id() }))
    }
    let app = Router::new()
        .route("/", post(handler))
        .with_state(Verifier::<Unleeshed>::new(SECRET).unwrap());
    let body = fixture("unleeshed/commentary.failed.json");
    let request = post_with(
        "/",
        Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body),
        body,
    );
    let (status, body) = send(app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, br#"{"received":"evt_01JD7XC4N5P6Q7R8S9T0U1V2W3"}"#);
}

//! Duplicate deliveries and replays, with the in-memory store, through both
//! frameworks: each event processed once, none lost.
#![cfg(all(feature = "axum", feature = "actix"))]

mod common;

use common::serve;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use common::runs::Runs;
use common::{SECRET, fixture, now};
use http_body_util::BodyExt;
use signed_webhooks::axum::{Delivery, Webhook, WebhookBody};
use signed_webhooks::dedup::{
    Claim, ClaimState, DedupStore, Deduplicator, DeliveryKey, Key, MemoryStore, StoreError,
    StoreFuture, Window,
};
use signed_webhooks::{DeliveryId, Provider, Scheme, SignedHeaders, Signer, Unleeshed, Verifier};
use tokio::sync::Notify;
use tower::ServiceExt;

/// Signs as Unleeshed does, but names its deliveries by their signed
/// content (the timestamp and the body) rather than the body's id: what
/// 0.1 did for raw bodies, and what GitHub and LeadLex do in 0.2.
struct ContentKeyed;

impl Provider for ContentKeyed {
    const NAME: &'static str = "content";
    type Event = serde_json::Value;
    fn scheme() -> Scheme {
        Scheme::timestamped("x-unleeshed-signature").with_delivery_id(DeliveryId::SignedContent)
    }
}

/// How the test handler behaves on the first run of each event.
#[derive(Clone)]
enum FirstRun {
    Succeeds,
    Fails,
    Waits(Arc<Notify>),
}

#[derive(Clone)]
struct AppState {
    verifier: Verifier<Unleeshed>,
    content: Verifier<ContentKeyed>,
    runs: Runs,
    first: FirstRun,
}

impl FromRef<AppState> for Verifier<Unleeshed> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<AppState> for Verifier<ContentKeyed> {
    fn from_ref(state: &AppState) -> Self {
        state.content.clone()
    }
}

fn axum_app(dedup: Deduplicator, runs: Runs, first: FirstRun) -> Router {
    axum_app_with(Verifier::new(SECRET).unwrap(), dedup, runs, first)
}

fn axum_app_with(
    verifier: Verifier<Unleeshed>,
    dedup: Deduplicator,
    runs: Runs,
    first: FirstRun,
) -> Router {
    async fn event(State(state): State<AppState>, event: Webhook<Unleeshed>) -> StatusCode {
        let run = state.runs.record(event.id());
        match (&state.first, run) {
            (FirstRun::Fails, 1) => StatusCode::INTERNAL_SERVER_ERROR,
            (FirstRun::Waits(go), 1) => {
                go.notified().await;
                StatusCode::OK
            }
            _ => StatusCode::OK,
        }
    }
    async fn delivery(State(state): State<AppState>, delivery: Delivery<Unleeshed>) -> String {
        match delivery {
            Delivery::First(event) => format!("first {}", state.runs.record(event.id())),
            Delivery::Duplicate(event) => format!("duplicate {}", event.id()),
        }
    }
    async fn raw(State(state): State<AppState>, body: WebhookBody<Unleeshed>) -> StatusCode {
        state.runs.record(body.delivery_key().unwrap());
        StatusCode::OK
    }
    async fn content(State(state): State<AppState>, body: WebhookBody<ContentKeyed>) -> StatusCode {
        state.runs.record(body.delivery_key().unwrap());
        StatusCode::OK
    }
    Router::new()
        .route("/event", post(event))
        .route("/delivery", post(delivery))
        .route("/raw", post(raw))
        .route("/content", post(content))
        .with_state(AppState {
            verifier,
            content: Verifier::new(SECRET).unwrap(),
            runs,
            first,
        })
        .layer(dedup)
}

/// Unleeshed's headers for `body` signed at `at`.
fn sign(body: &[u8], at: i64) -> SignedHeaders {
    Signer::<Unleeshed>::new(SECRET).unwrap().sign_at(body, at)
}

fn signed(path: &str, body: &[u8], at: i64) -> Request<Body> {
    same(path, &sign(body, at), body)
}

/// A request with these very headers: a replay, when they were sent before.
fn same(path: &str, headers: &SignedHeaders, body: &[u8]) -> Request<Body> {
    let mut request = Request::post(path);
    for (name, value) in headers.iter() {
        request = request.header(name, value);
    }
    request.body(Body::from(body.to_vec())).unwrap()
}

struct Answer {
    status: StatusCode,
    duplicate: bool,
    retry_after: Option<String>,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let duplicate = response
        .headers()
        .get("webhook-duplicate")
        .is_some_and(|v| v == "true");
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    Answer {
        status,
        duplicate,
        retry_after,
        body,
    }
}

/// Sleeps until `window` has closed by the system clock, and 200 ms more.
async fn wait_until_closed(window: Window) {
    let end = window.end_millis().expect("a window that closes");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let left = u64::try_from(end - now_ms).unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(left + 200)).await;
}

fn event_body(id: &str) -> Vec<u8> {
    format!(r#"{{"id":"{id}","type":"creator.approved","created_at":"2026-11-22T10:00:00Z","data":{{"external_reference":"r"}}}}"#).into_bytes()
}

/// What names an Unleeshed delivery of `id`, signed at `at`, as the
/// adapters claim it (verified now).
fn delivery_at(id: &str, at: i64) -> DeliveryKey {
    let body = event_body(id);
    let (_, key) = Verifier::<Unleeshed>::new(SECRET)
        .unwrap()
        .verify_with_key(&sign(&body, at), &body)
        .unwrap();
    let key = key.expect("Unleeshed's deliveries have a key");
    assert_eq!(key.as_str(), format!("unleeshed:id:{id}"));
    key
}

/// [`delivery_at`] signed now.
fn delivery(id: &str) -> DeliveryKey {
    delivery_at(id, now())
}

/// The route of [`axum_app`]'s Unleeshed deliveries: the endpoint of their
/// keys.
const ROUTE: &str = "/event";

#[tokio::test]
async fn a_replayed_request_runs_the_handler_once() {
    let runs = Runs::default();
    let app = axum_app(Deduplicator::in_memory(), runs.clone(), FirstRun::Succeeds);
    let body = fixture("unleeshed/creator.approved.json");
    let headers = sign(&body, now());

    let first = send(&app, same("/event", &headers, &body)).await;
    assert_eq!((first.status, first.duplicate), (StatusCode::OK, false));
    let replay = send(&app, same("/event", &headers, &body)).await;
    assert_eq!((replay.status, replay.duplicate), (StatusCode::OK, true));
    assert_eq!(replay.body, r#"{"duplicate":true}"#);
    assert_eq!(runs.of("evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A"), 1);
}

#[tokio::test]
async fn a_provider_redelivery_signed_later_is_a_duplicate_by_event_id() {
    let runs = Runs::default();
    let app = axum_app(Deduplicator::in_memory(), runs.clone(), FirstRun::Succeeds);
    let body = event_body("evt_redelivered");
    assert_eq!(
        send(&app, signed("/event", &body, now() - 120))
            .await
            .status,
        StatusCode::OK
    );
    let redelivery = send(&app, signed("/event", &body, now())).await;
    assert!(redelivery.duplicate);
    assert_eq!(runs.of("evt_redelivered"), 1);
}

#[tokio::test]
async fn a_failed_first_run_is_released_and_the_retry_processed() {
    let runs = Runs::default();
    let app = axum_app(Deduplicator::in_memory(), runs.clone(), FirstRun::Fails);
    let body = event_body("evt_fails_once");
    assert_eq!(
        send(&app, signed("/event", &body, now())).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let retry = send(&app, signed("/event", &body, now())).await;
    assert_eq!((retry.status, retry.duplicate), (StatusCode::OK, false));
    assert_eq!(runs.of("evt_fails_once"), 2);
    assert!(send(&app, signed("/event", &body, now())).await.duplicate);
}

#[tokio::test]
async fn a_refused_request_claims_nothing() {
    let runs = Runs::default();
    let app = axum_app(Deduplicator::in_memory(), runs.clone(), FirstRun::Succeeds);
    let body = event_body("evt_after_refusals");
    let forged = format!("t={},v1={}", now(), "00".repeat(32));
    let forged = Request::post("/event")
        .header("X-Unleeshed-Signature", forged)
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(send(&app, forged).await.status, StatusCode::UNAUTHORIZED);
    // Signed, with the event's id, but not an event: its key is known
    // before it is decoded, and still nothing is claimed.
    let not_an_event = br#"{"id":"evt_after_refusals"}"#;
    assert_eq!(
        send(&app, signed("/event", not_an_event, now()))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let first = send(&app, signed("/event", &body, now())).await;
    assert_eq!((first.status, first.duplicate), (StatusCode::OK, false));
    assert_eq!(runs.of("evt_after_refusals"), 1);
}

#[tokio::test]
async fn a_delivery_in_progress_is_answered_409_with_retry_after() {
    let runs = Runs::default();
    let go = Arc::new(Notify::new());
    let dedup = Deduplicator::in_memory().with_lease(Duration::from_secs(20));
    let app = axum_app(dedup, runs.clone(), FirstRun::Waits(go.clone()));
    let body = event_body("evt_slow");

    let first = tokio::spawn({
        let (app, body) = (app.clone(), body.clone());
        async move { send(&app, signed("/event", &body, now())).await }
    });
    while runs.of("evt_slow") == 0 {
        tokio::task::yield_now().await;
    }
    let concurrent = send(&app, signed("/event", &body, now())).await;
    assert_eq!(concurrent.status, StatusCode::CONFLICT);
    assert_eq!(concurrent.retry_after.as_deref(), Some("20"));
    assert!(
        concurrent.body.contains("delivery_in_progress"),
        "{}",
        concurrent.body
    );

    go.notify_one();
    assert_eq!(first.await.unwrap().status, StatusCode::OK);
    assert!(send(&app, signed("/event", &body, now())).await.duplicate);
    assert_eq!(runs.of("evt_slow"), 1);
}

#[tokio::test]
async fn the_delivery_extractor_lets_the_handler_see_duplicates() {
    let runs = Runs::default();
    let app = axum_app(Deduplicator::in_memory(), runs.clone(), FirstRun::Succeeds);
    let body = event_body("evt_seen");
    assert_eq!(
        send(&app, signed("/delivery", &body, now())).await.body,
        "first 1"
    );
    let again = send(&app, signed("/delivery", &body, now())).await;
    assert_eq!(
        (again.status, again.body.as_str(), again.duplicate),
        (StatusCode::OK, "duplicate evt_seen", false)
    );
    assert_eq!(runs.of("evt_seen"), 1);
}

/// 0.1's raw-body extractor named deliveries by their signed content; in
/// 0.2 every extractor names them by the provider's key, so a raw body
/// is claimed by its event id, as the decoded event is.
#[tokio::test]
async fn the_raw_body_extractor_deduplicates_by_the_providers_key() {
    let runs = Runs::default();
    let app = axum_app(Deduplicator::in_memory(), runs.clone(), FirstRun::Succeeds);
    let body = event_body("evt_raw");
    let headers = sign(&body, now() - 5);
    assert_eq!(
        send(&app, same("/raw", &headers, &body)).await.status,
        StatusCode::OK
    );
    assert!(
        send(&app, same("/raw", &headers, &body)).await.duplicate,
        "a replay is caught"
    );
    assert!(
        send(&app, signed("/raw", &body, now())).await.duplicate,
        "a redelivery signed anew is caught"
    );
    assert_eq!(runs.of("unleeshed:id:evt_raw"), 1);
    assert_eq!(runs.total(), 1);
    // 0.2 took the same event on another route for the same delivery; from
    // 0.3 a route is an endpoint of its own (issue 16): processed once
    // there too, and a duplicate there after that.
    let elsewhere = send(&app, signed("/event", &body, now())).await;
    assert_eq!(
        (elsewhere.status, elsewhere.duplicate),
        (StatusCode::OK, false)
    );
    assert!(send(&app, signed("/event", &body, now())).await.duplicate);
    assert_eq!(runs.of("evt_raw"), 1);
    assert_eq!(runs.total(), 2);
    // A body without the id the provider puts there cannot be claimed.
    let no_id = send(&app, signed("/raw", b"no id in here", now())).await;
    assert_eq!(
        no_id.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_id.body
    );
}

#[tokio::test]
async fn a_scheme_keyed_by_signed_content_deduplicates_by_it() {
    let runs = Runs::default();
    let app = axum_app(Deduplicator::in_memory(), runs.clone(), FirstRun::Succeeds);
    let body = b"no id in here".to_vec();
    let headers = sign(&body, now() - 5);
    assert_eq!(
        send(&app, same("/content", &headers, &body)).await.status,
        StatusCode::OK
    );
    assert!(
        send(&app, same("/content", &headers, &body))
            .await
            .duplicate,
        "a replay is caught"
    );
    // Re-signed at another time, the same body is another delivery.
    assert!(!send(&app, signed("/content", &body, now())).await.duplicate);
    assert_eq!(runs.distinct(), 2);
    for key in runs.ids() {
        assert!(key.starts_with("content:sha256:"), "{key}");
    }
}

/// Dropbox's notifications about an account are the same bytes every
/// time it changes: behind duplicate detection each one still reaches the
/// handler, through every extractor, or a change would go unnoticed.
#[tokio::test]
async fn a_provider_without_delivery_keys_has_every_delivery_processed() {
    use signed_webhooks::Dropbox;

    #[derive(Clone)]
    struct DropboxApp {
        runs: Runs,
        verifier: Verifier<Dropbox>,
    }
    impl FromRef<DropboxApp> for Verifier<Dropbox> {
        fn from_ref(app: &DropboxApp) -> Self {
            app.verifier.clone()
        }
    }
    async fn event(State(app): State<DropboxApp>, event: Webhook<Dropbox>) -> StatusCode {
        assert_eq!(event.delivery_key(), None);
        app.runs.record("/event");
        StatusCode::OK
    }
    async fn delivery(State(app): State<DropboxApp>, delivery: Delivery<Dropbox>) -> StatusCode {
        match delivery {
            Delivery::First(_) => app.runs.record("/delivery"),
            Delivery::Duplicate(_) => panic!("a Dropbox notification taken for a duplicate"),
        };
        StatusCode::OK
    }
    async fn raw(State(app): State<DropboxApp>, body: WebhookBody<Dropbox>) -> StatusCode {
        assert_eq!(body.delivery_key(), None);
        app.runs.record("/raw");
        StatusCode::OK
    }
    let runs = Runs::default();
    let app = Router::new()
        .route("/event", post(event))
        .route("/delivery", post(delivery))
        .route("/raw", post(raw))
        .with_state(DropboxApp {
            runs: runs.clone(),
            verifier: Verifier::new(SECRET).unwrap(),
        })
        .layer(Deduplicator::in_memory());
    let body = br#"{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]},"delta":{"users":[12345]}}"#;
    let headers = Signer::<Dropbox>::new(SECRET).unwrap().sign(body);
    for path in ["/event", "/delivery", "/raw"] {
        for _ in 0..3 {
            let answer = send(&app, same(path, &headers, body)).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
            assert!(!answer.duplicate, "{path}");
        }
    }
    for path in ["/event", "/delivery", "/raw"] {
        assert_eq!(runs.of(path), 3, "{path}");
    }
    // Without a framework: the verification names no key to claim.
    let (_, key) = Verifier::<Dropbox>::new(SECRET)
        .unwrap()
        .verify_with_key(&headers, body)
        .unwrap();
    assert!(key.is_none());
    // A forged one is still refused.
    let forged = send(&app, same("/event", &headers, b"{}")).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
}

/// Calendly, Zoom and Linear put no id in their deliveries and sign each
/// retry anew, at a new time: the retry must still be the same delivery
/// (or its event is processed twice), and another event another one.
#[test]
fn a_retry_signed_anew_at_another_time_is_the_same_delivery() {
    use signed_webhooks::{Calendly, Linear, Zoom};

    fn key<P: Provider>(headers: &SignedHeaders, body: &[u8], at: i64) -> String {
        let (_, key) = Verifier::<P>::new(SECRET)
            .unwrap()
            .verify_with_key_at(headers, body, at)
            .unwrap();
        key.expect("a keyed provider").as_str().to_owned()
    }
    /// The keys of a first attempt at `at`, its retry signed 2 min later,
    /// and another event signed with the first attempt.
    fn keys<P: Provider>(first: &[u8], retry: &[u8], other: &[u8], at: i64) -> [String; 3] {
        let signer = Signer::<P>::new(SECRET).unwrap();
        [
            key::<P>(&signer.sign_at(first, at), first, at),
            key::<P>(&signer.sign_at(retry, at + 120), retry, at + 120),
            key::<P>(&signer.sign_at(other, at), other, at),
        ]
    }
    let at = now();

    let calendly = br#"{"created_at":"2026-12-05T10:00:00.123000Z","created_by":"https://api.calendly.com/users/AAAA","event":"invitee.created","payload":{"uri":"https://api.calendly.com/scheduled_events/GBGB/invitees/AAAA"}}"#;
    let calendly_other = br#"{"created_at":"2026-12-05T10:00:00.123000Z","created_by":"https://api.calendly.com/users/AAAA","event":"invitee.canceled","payload":{"uri":"https://api.calendly.com/scheduled_events/GBGB/invitees/AAAA"}}"#;
    let zoom = br#"{"event":"meeting.started","event_ts":1764928800123,"payload":{"account_id":"AAAA","object":{"id":"85012345678","uuid":"4444AAAiAAAAAiAiAiiAii=="}}}"#;
    let zoom_other = br#"{"event":"meeting.ended","event_ts":1764928800123,"payload":{"account_id":"AAAA","object":{"id":"85012345678","uuid":"4444AAAiAAAAAiAiAiiAii=="}}}"#;
    let linear = |sent: i64, action: &str| {
        format!(r#"{{"action":"{action}","type":"Issue","createdAt":"2026-12-05T10:00:00.123Z","data":{{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","title":"A bug"}},"organizationId":"org","webhookId":"hook","webhookTimestamp":{sent}}}"#).into_bytes()
    };
    let linear_first = linear(at * 1000 + 5, "update");
    let linear_retry = linear((at + 120) * 1000 + 77, "update");
    let linear_other = linear(at * 1000 + 5, "remove");

    for (provider, [first, retry, other]) in [
        (
            "calendly",
            keys::<Calendly>(calendly, calendly, calendly_other, at),
        ),
        ("zoom", keys::<Zoom>(zoom, zoom, zoom_other, at)),
        (
            "linear",
            keys::<Linear>(&linear_first, &linear_retry, &linear_other, at),
        ),
    ] {
        assert_eq!(
            first, retry,
            "{provider}: a retry signed anew is a duplicate"
        );
        assert_ne!(
            first, other,
            "{provider}: another event is another delivery"
        );
    }

    // Linear's time is left out of the key, nothing else: a body whose
    // other bytes differ, even by moving the time, is another delivery.
    let sent = at * 1000 + 5;
    let moved = format!(r#"{{"webhookTimestamp":{sent},"action":"update","type":"Issue","createdAt":"2026-12-05T10:00:00.123Z","data":{{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","title":"A bug"}},"organizationId":"org","webhookId":"hook"}}"#).into_bytes();
    let [first, _, moved] = keys::<Linear>(&linear_first, &linear_retry, &moved, at);
    assert_ne!(first, moved);
}

/// A Linear retry through an extractor with duplicate detection: the
/// handler runs once.
#[tokio::test]
async fn a_linear_retry_runs_the_handler_once() {
    use signed_webhooks::Linear;

    #[derive(Clone)]
    struct LinearApp {
        runs: Runs,
        verifier: Verifier<Linear>,
    }
    impl FromRef<LinearApp> for Verifier<Linear> {
        fn from_ref(app: &LinearApp) -> Self {
            app.verifier.clone()
        }
    }
    async fn event(State(app): State<LinearApp>, event: Webhook<Linear>) -> StatusCode {
        app.runs.record(event.delivery_key().unwrap_or_default());
        StatusCode::OK
    }
    let runs = Runs::default();
    let app = Router::new()
        .route("/linear", post(event))
        .with_state(LinearApp {
            runs: runs.clone(),
            verifier: Verifier::new(SECRET).unwrap(),
        })
        .layer(Deduplicator::in_memory());
    let signer = Signer::<Linear>::new(SECRET).unwrap();
    let body = |sent: i64| {
        format!(r#"{{"action":"create","type":"Comment","createdAt":"2026-12-05T10:00:00.123Z","data":{{"id":"c1","body":"hi"}},"webhookTimestamp":{sent}}}"#).into_bytes()
    };
    let first = body(now() * 1000 - 30_000);
    let retry = body(now() * 1000);
    for (body, duplicate) in [(&first, false), (&first, true), (&retry, true)] {
        let answer = send(&app, same("/linear", &signer.sign(body), body)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert_eq!(answer.duplicate, duplicate);
    }
    assert_eq!(runs.distinct(), 1);
}

#[tokio::test]
async fn a_replay_keeping_only_one_of_two_signatures_is_still_a_duplicate() {
    // During a rotation the provider signs with both secrets; an attacker
    // replaying the request with only the old secret's signature must not
    // get it processed again.
    const OLD: &str = "whsec_old_secret_0123456789abcdef0123456789";
    let runs = Runs::default();
    let app = Router::new()
        .route(
            "/content",
            post(
                |State(runs): State<Runs>, body: WebhookBody<ContentKeyed>| async move {
                    runs.record(&format!("{:?}", body.verified.timestamp()));
                    StatusCode::OK
                },
            ),
        )
        .with_state(RawState {
            verifier: Verifier::from_secrets([OLD, SECRET]).unwrap(),
            runs: runs.clone(),
        })
        .layer(Deduplicator::in_memory());
    let body = b"rotation".to_vec();
    let both = Signer::<ContentKeyed>::from_secrets([SECRET, OLD])
        .unwrap()
        .sign_at(&body, now());
    let value = both.get("x-unleeshed-signature").unwrap();
    let only_old = {
        let mut parts = value.split(',');
        let t = parts.next().unwrap();
        let _new = parts.next().unwrap();
        format!("{t},{}", parts.next().unwrap())
    };
    let request = |value: &str| {
        Request::post("/content")
            .header("X-Unleeshed-Signature", value)
            .body(Body::from(body.clone()))
            .unwrap()
    };
    assert!(!send(&app, request(value)).await.duplicate);
    let replay = send(&app, request(&only_old)).await;
    assert_eq!((replay.status, replay.duplicate), (StatusCode::OK, true));
    assert_eq!(runs.total(), 1);
}

#[derive(Clone)]
struct RawState {
    verifier: Verifier<ContentKeyed>,
    runs: Runs,
}

impl FromRef<RawState> for Verifier<ContentKeyed> {
    fn from_ref(state: &RawState) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<RawState> for Runs {
    fn from_ref(state: &RawState) -> Runs {
        state.runs.clone()
    }
}

#[tokio::test]
async fn namespaces_keep_two_providers_ids_apart() {
    let shared = Deduplicator::in_memory();
    let (unleeshed, exchange) = (
        shared.namespaced("unleeshed"),
        shared.namespaced("exchange"),
    );
    let event = delivery("evt_1");
    let Claim::First(a) = unleeshed.claim(ROUTE, &event).await.unwrap() else {
        panic!()
    };
    a.complete().await.unwrap();
    assert!(matches!(
        exchange.claim(ROUTE, &event).await.unwrap(),
        Claim::First(_)
    ));
    assert!(matches!(
        unleeshed.claim(ROUTE, &event).await.unwrap(),
        Claim::Duplicate
    ));
}

#[tokio::test]
async fn a_full_memory_store_refuses_rather_than_forget_an_open_window() {
    let runs = Runs::default();
    let dedup = Deduplicator::new(MemoryStore::with_capacity(50));
    let app = axum_app(dedup, runs.clone(), FirstRun::Succeeds);
    let mut refused = 0;
    for i in 0..80 {
        let answer = send(
            &app,
            signed("/event", &event_body(&format!("evt_flood_{i}")), now()),
        )
        .await;
        match answer.status {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(answer.body.contains("dedup_store_full"), "{}", answer.body);
                assert!(answer.retry_after.is_some());
                refused += 1;
            }
            other => panic!("evt_flood_{i}: {other}"),
        }
    }
    assert_eq!(refused, 30);
    // None of the 50 remembered was forgotten: each is still a duplicate.
    for i in 0..50 {
        let again = send(
            &app,
            signed("/event", &event_body(&format!("evt_flood_{i}")), now()),
        )
        .await;
        assert!(again.duplicate, "evt_flood_{i} was forgotten");
    }
    assert_eq!(runs.total(), 50);
}

#[tokio::test]
async fn a_full_memory_store_forgets_entries_whose_window_closed() {
    let store = MemoryStore::with_capacity(1);
    let dedup = Deduplicator::new(store);
    // Claimed while its window is open (a claim after it closed is stale):
    // signed 299 s ago, its window closes in a second.
    let old = delivery_at("evt_old", now() - 299);
    let Claim::First(guard) = dedup.claim(ROUTE, &old).await.unwrap() else {
        panic!()
    };
    assert!(guard.complete().await.unwrap());
    wait_until_closed(old.window()).await;
    // Full, but the old entry's window is closed: it makes room.
    assert!(matches!(
        dedup.claim(ROUTE, &delivery("evt_new")).await.unwrap(),
        Claim::First(_)
    ));
}

#[tokio::test]
async fn a_claim_whose_holder_vanished_expires_after_its_lease() {
    let runs = Runs::default();
    let dedup = Deduplicator::in_memory().with_lease(Duration::from_millis(300));
    let app = axum_app(dedup.clone(), runs.clone(), FirstRun::Succeeds);
    // A receiver claims the event and dies before finishing: nothing releases it.
    let Claim::First(guard) = dedup.claim(ROUTE, &delivery("evt_orphan")).await.unwrap() else {
        panic!()
    };
    std::mem::forget(guard);

    let body = event_body("evt_orphan");
    assert_eq!(
        send(&app, signed("/event", &body, now())).await.status,
        StatusCode::CONFLICT
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    let next = send(&app, signed("/event", &body, now())).await;
    assert_eq!((next.status, next.duplicate), (StatusCode::OK, false));
    assert_eq!(runs.of("evt_orphan"), 1);
}

#[tokio::test]
async fn a_dropped_claim_is_released_at_once() {
    let dedup = Deduplicator::in_memory();
    let event = delivery("evt_drop");
    let Claim::First(guard) = dedup.claim(ROUTE, &event).await.unwrap() else {
        panic!()
    };
    assert!(matches!(
        dedup.claim(ROUTE, &event).await.unwrap(),
        Claim::InFlight { .. }
    ));
    drop(guard);
    assert!(matches!(
        dedup.claim(ROUTE, &event).await.unwrap(),
        Claim::First(_)
    ));
}

/// A store that is always down, like a Redis that cannot be reached.
#[derive(Debug)]
struct Down;

impl DedupStore for Down {
    fn claim<'a>(
        &'a self,
        _: &'a Key,
        _: &'a str,
        _: Duration,
        _: Window,
    ) -> StoreFuture<'a, ClaimState> {
        Box::pin(async {
            Err(StoreError::Unavailable(
                "connection refused (redis at 10.0.0.7)".into(),
            ))
        })
    }
    fn complete<'a>(&'a self, _: &'a Key, _: &'a str, _: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::Unavailable("connection refused".into())) })
    }
    fn release<'a>(&'a self, _: &'a Key, _: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::Unavailable("connection refused".into())) })
    }
}

#[tokio::test]
async fn an_unavailable_store_fails_closed_unless_told_otherwise() {
    let runs = Runs::default();
    let closed = axum_app(Deduplicator::new(Down), runs.clone(), FirstRun::Succeeds);
    let body = event_body("evt_store_down");
    let answer = send(&closed, signed("/event", &body, now())).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        answer.body.contains("dedup_store_unavailable"),
        "{}",
        answer.body
    );
    assert!(
        !answer.body.contains("10.0.0.7"),
        "the cause stays in the logs: {}",
        answer.body
    );
    assert!(answer.retry_after.is_some());
    assert_eq!(runs.of("evt_store_down"), 0);

    let open = axum_app(
        Deduplicator::new(Down).fail_open(),
        runs.clone(),
        FirstRun::Succeeds,
    );
    assert_eq!(
        send(&open, signed("/event", &body, now())).await.status,
        StatusCode::OK
    );
    assert_eq!(runs.of("evt_store_down"), 1);
}

/// A handler that panics on an event's first run, served over real HTTP
/// (a panic ends the connection, not the server).
#[tokio::test]
async fn a_panicking_first_run_is_released_and_the_retry_processed() {
    let runs = Runs::default();
    let verifier_app = panicking_app(runs.clone());
    let addr = serve::axum(verifier_app).await;

    let client = reqwest::Client::new();
    let body = event_body("evt_panics_once");
    let deliver = || {
        let mut request = client
            .post(format!("http://{addr}/event"))
            .body(body.clone());
        for (name, value) in sign(&body, now()).iter() {
            request = request.header(name, value);
        }
        request.send()
    };
    assert!(
        deliver().await.is_err(),
        "the crashed handler's connection is dropped"
    );
    // The release runs in the background; the provider's retry comes later.
    let mut status = 0;
    for _ in 0..50 {
        status = deliver().await.unwrap().status().as_u16();
        if status == 200 {
            break;
        }
        assert_eq!(status, 409);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, 200);
    assert_eq!(runs.of("evt_panics_once"), 2);
}

fn panicking_app(runs: Runs) -> Router {
    async fn handler(State(state): State<AppState>, event: Webhook<Unleeshed>) -> StatusCode {
        if state.runs.record(event.id()) == 1 {
            panic!("the handler crashed on purpose");
        }
        StatusCode::OK
    }
    Router::new()
        .route("/event", post(handler))
        .with_state(AppState {
            verifier: Verifier::new(SECRET).unwrap(),
            content: Verifier::new(SECRET).unwrap(),
            runs,
            first: FirstRun::Succeeds,
        })
        .layer(Deduplicator::in_memory())
}

mod actix {
    //! The same guarantees through the actix-web middleware.
    use super::*;
    use actix_web::dev::Service;
    use actix_web::{App, HttpResponse, test, web};
    use signed_webhooks::actix::{Delivery, Webhook};

    async fn event(runs: web::Data<Runs>, event: Webhook<Unleeshed>) -> HttpResponse {
        if runs.record(event.id()) == 1 && event.id().contains("fails") {
            return HttpResponse::InternalServerError().finish();
        }
        HttpResponse::Ok().finish()
    }

    async fn delivery(runs: web::Data<Runs>, delivery: Delivery<Unleeshed>) -> String {
        match delivery {
            Delivery::First(event) => format!("first {}", runs.record(event.id())),
            Delivery::Duplicate(event) => format!("duplicate {}", event.id()),
        }
    }

    fn request(path: &str, body: &[u8]) -> test::TestRequest {
        let mut request = test::TestRequest::post().uri(path);
        for (name, value) in sign(body, now()).iter() {
            request = request.insert_header((name, value));
        }
        request.set_payload(body.to_vec())
    }

    #[actix_web::test]
    async fn duplicates_failures_and_deliveries() {
        let runs = Runs::default();
        let service = test::init_service(
            App::new()
                .app_data(web::Data::new(Verifier::<Unleeshed>::new(SECRET).unwrap()))
                .app_data(web::Data::new(runs.clone()))
                .wrap(Deduplicator::in_memory())
                .route("/event", web::post().to(event))
                .route("/delivery", web::post().to(delivery)),
        )
        .await;

        // Processed once; the replay is answered 200 and marked.
        let body = event_body("evt_actix");
        assert_eq!(
            service
                .call(request("/event", &body).to_request())
                .await
                .unwrap()
                .status(),
            200
        );
        let replay = service
            .call(request("/event", &body).to_request())
            .await
            .unwrap();
        assert_eq!(replay.status(), 200);
        assert_eq!(replay.headers().get("webhook-duplicate").unwrap(), "true");
        assert_eq!(
            test::read_body(replay).await,
            r#"{"duplicate":true}"#.as_bytes()
        );
        assert_eq!(runs.of("evt_actix"), 1);

        // A failed first run is released: the retry runs.
        let body = event_body("evt_actix_fails");
        assert_eq!(
            service
                .call(request("/event", &body).to_request())
                .await
                .unwrap()
                .status(),
            500
        );
        assert_eq!(
            service
                .call(request("/event", &body).to_request())
                .await
                .unwrap()
                .status(),
            200
        );
        assert_eq!(runs.of("evt_actix_fails"), 2);
        assert_eq!(
            service
                .call(request("/event", &body).to_request())
                .await
                .unwrap()
                .headers()
                .get("webhook-duplicate")
                .unwrap(),
            "true"
        );

        // The handler may see duplicates itself.
        let body = event_body("evt_actix_delivery");
        let first = test::read_body(
            service
                .call(request("/delivery", &body).to_request())
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(first, "first 1".as_bytes());
        let again = test::read_body(
            service
                .call(request("/delivery", &body).to_request())
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(again, "duplicate evt_actix_delivery".as_bytes());
    }

    #[actix_web::test]
    async fn a_delivery_in_progress_is_answered_409() {
        let dedup = Deduplicator::in_memory();
        let service = test::init_service(
            App::new()
                .app_data(web::Data::new(Verifier::<Unleeshed>::new(SECRET).unwrap()))
                .app_data(web::Data::new(Runs::default()))
                .wrap(dedup.clone())
                .route("/event", web::post().to(event)),
        )
        .await;
        let Claim::First(_held) = dedup
            .claim(ROUTE, &super::delivery("evt_actix_busy"))
            .await
            .unwrap()
        else {
            panic!()
        };
        let busy = service
            .call(request("/event", &event_body("evt_actix_busy")).to_request())
            .await
            .unwrap();
        assert_eq!(busy.status(), 409);
        assert!(busy.headers().get("retry-after").is_some());
    }
}

/// Issue 10, part 3: a handler slower than its lease. While it runs, other
/// deliveries come and go; when it finishes, the delivery must be marked
/// done, so that a replay inside the window does not run it again.
#[tokio::test]
async fn a_handler_slower_than_its_lease_still_marks_its_delivery_done() {
    let runs = Runs::default();
    let go = Arc::new(Notify::new());
    let dedup = Deduplicator::in_memory().with_lease(Duration::from_millis(200));
    let app = axum_app(dedup, runs.clone(), FirstRun::Waits(go.clone()));
    let body = event_body("evt_slower_than_lease");
    let headers = sign(&body, now());

    let first = tokio::spawn({
        let (app, headers, body) = (app.clone(), headers.clone(), body.clone());
        async move { send(&app, same("/event", &headers, &body)).await }
    });
    while runs.of("evt_slower_than_lease") == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The lease runs out while the handler is still busy; another event
    // is delivered meanwhile.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let other = send(&app, signed("/raw", &event_body("evt_meanwhile"), now())).await;
    assert_eq!(other.status, StatusCode::OK);
    go.notify_one();
    assert_eq!(first.await.unwrap().status, StatusCode::OK);

    let replay = send(&app, same("/event", &headers, &body)).await;
    assert_eq!((replay.status, replay.duplicate), (StatusCode::OK, true));
    assert_eq!(
        runs.of("evt_slower_than_lease"),
        1,
        "the replay ran the handler again"
    );
}

/// Issue 10, part 3: duplicate detection for deliveries whose signed time is
/// not checked (`dangerous_without_timestamp_check`) must not end with a
/// memory store that refuses every delivery once it has held its capacity.
#[tokio::test]
async fn deliveries_without_a_time_check_never_fill_the_memory_store_for_good() {
    let runs = Runs::default();
    let app = axum_app_with(
        Verifier::new(SECRET)
            .unwrap()
            .dangerous_without_timestamp_check(),
        Deduplicator::new(MemoryStore::with_capacity(5)),
        runs.clone(),
        FirstRun::Succeeds,
    );
    for i in 0..20 {
        let id = format!("evt_unchecked_{i}");
        let answer = send(&app, signed("/event", &event_body(&id), now() - 3600)).await;
        assert_eq!(answer.status, StatusCode::OK, "{id}: {}", answer.body);
        // The latest deliveries are remembered.
        let again = send(&app, signed("/event", &event_body(&id), now() - 3600)).await;
        assert!(again.duplicate, "{id}");
    }
    assert_eq!(runs.total(), 20);
}

/// Issue 10, part 5: a replay whose body is held back until its window has
/// closed, while new deliveries make the memory store forget the original
/// (its window closed, so the store believes no request for it can still
/// verify). The last byte then arrives: the delivery must not run again.
#[tokio::test]
async fn a_replay_held_until_its_window_closed_does_not_run_again() {
    let runs = Runs::default();
    let tolerance = Duration::from_secs(2);
    let dedup = Deduplicator::new(MemoryStore::with_capacity(1));
    let app = axum_app_with(
        Verifier::new(SECRET).unwrap().with_tolerance(tolerance),
        dedup.clone(),
        runs.clone(),
        FirstRun::Succeeds,
    );
    let body = event_body("evt_held");
    let signed_at = now() - 1;
    let headers = sign(&body, signed_at);
    let first = send(&app, same("/event", &headers, &body)).await;
    assert_eq!(first.status, StatusCode::OK);

    // The replay: headers and all of the body but its last byte.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Result<Vec<u8>, std::io::Error>>();
    tx.send(Ok(body[..body.len() - 1].to_vec())).unwrap();
    let rx = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let held = tokio::spawn({
        let app = app.clone();
        let value = headers.get("x-unleeshed-signature").unwrap().to_owned();
        async move {
            let request = Request::post("/event")
                .header("X-Unleeshed-Signature", value)
                .body(Body::from_stream(rx))
                .unwrap();
            send(&app, request).await
        }
    });
    wait_until_closed(Window::new(signed_at, Some(tolerance))).await;
    // A new delivery pushes the full store, which forgets the entry whose
    // window closed; its handler fails, which frees its claim.
    let Claim::First(pushing) = dedup.claim(ROUTE, &delivery("evt_pushes")).await.unwrap() else {
        panic!()
    };
    assert!(pushing.release().await.unwrap());

    tx.send(Ok(body[body.len() - 1..].to_vec())).unwrap();
    drop(tx);
    let replay = held.await.unwrap();
    assert_eq!(
        runs.of("evt_held"),
        1,
        "the held replay ran the handler again"
    );
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED, "{}", replay.body);
    assert!(replay.body.contains("timestamp_too_old"), "{}", replay.body);
}

/// A store slow to answer a claim, as a congested Redis is: by the time it
/// looks at the claim, the delivery's window has closed.
#[derive(Debug)]
struct Slow {
    store: MemoryStore,
    delay: Duration,
}

impl DedupStore for Slow {
    fn claim<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        lease: Duration,
        window: Window,
    ) -> StoreFuture<'a, ClaimState> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.store.claim(key, token, lease, window).await
        })
    }
    fn complete<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        self.store.complete(key, token, retention)
    }
    fn release<'a>(&'a self, key: &'a Key, token: &'a str) -> StoreFuture<'a, bool> {
        self.store.release(key, token)
    }
}

/// A claim that reaches the store after the delivery's window closed
/// (`Claim::Stale`) is refused as the verifier would refuse the request by
/// then: 401 `timestamp_too_old`, and the handler does not run.
#[tokio::test]
async fn a_claim_that_reaches_the_store_after_its_window_is_refused_401() {
    let runs = Runs::default();
    let tolerance = Duration::from_secs(1);
    let app = axum_app_with(
        Verifier::new(SECRET).unwrap().with_tolerance(tolerance),
        Deduplicator::new(Slow {
            store: MemoryStore::new(),
            delay: Duration::from_millis(2500),
        }),
        runs.clone(),
        FirstRun::Succeeds,
    );
    let answer = send(
        &app,
        signed("/event", &event_body("evt_stale_claim"), now()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    assert!(answer.body.contains("timestamp_too_old"), "{}", answer.body);
    assert_eq!(runs.total(), 0);
}

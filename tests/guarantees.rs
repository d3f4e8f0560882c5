//! What duplicate detection guarantees, over real HTTP through both
//! frameworks, where a user would meet each case (issue 16): two endpoints
//! of one provider, one provider filling a shared store, a provider that
//! never retries meeting a store outage or a failing handler, retention
//! against the provider's retries, the time left in a 409, and a request
//! dropped or timed out mid-handler.
#![cfg(all(feature = "axum", feature = "actix", feature = "standard-webhooks"))]

mod common;

use common::serve;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use common::runs::Runs;
use common::{SECRET, fixture, now, rfc3339, with_fields};
use signed_webhooks::dedup::{
    ClaimState, DedupStore, Deduplicator, Key, MemoryStore, StoreError, StoreFuture, Window,
};
use signed_webhooks::{GitHub, LeadLex, Provider, Signer, Stripe, Svix, Verifier};
use tokio::sync::Notify;

/// The routes both receivers serve: two Stripe endpoints (platform and
/// Connect), two Svix endpoints (one message goes to both), GitHub and
/// LeadLex, as the README's multi-provider receiver would.
const STRIPE: &str = "/webhooks/stripe";
const STRIPE_CONNECT: &str = "/webhooks/stripe-connect";
const SVIX: &str = "/webhooks/svix";
const SVIX_OTHER: &str = "/webhooks/svix-billing";
const GITHUB: &str = "/webhooks/github";
const LEADLEX: &str = "/webhooks/leadlex";

/// What the handlers do, by the event's id (or GitHub's `X-GitHub-Delivery`
/// prefix, through the body's `hook_id`): `fail…` answers 500, `hold…`
/// waits on the first run until the request is dropped, the rest 200.
#[derive(Clone, Default)]
struct Behaviour {
    runs: Runs,
    /// Released by nothing: a held handler runs until its request is
    /// dropped.
    held: Arc<Notify>,
}

impl Behaviour {
    /// Counts a run of `id` at `route`, and answers as the id says.
    async fn run(&self, route: &str, id: &str) -> u16 {
        let run = self.runs.record(&format!("{route} {id}"));
        if id.starts_with("fail") {
            return 500;
        }
        if id.starts_with("hold") && run == 1 {
            self.held.notified().await;
        }
        200
    }
}

mod receivers {
    use super::*;

    #[derive(Clone)]
    pub struct AxumState {
        stripe: Verifier<Stripe>,
        svix: Verifier<Svix>,
        github: Verifier<GitHub>,
        leadlex: Verifier<LeadLex>,
        behaviour: Behaviour,
    }

    macro_rules! from_ref {
        ($($field:ident: $provider:ty),+) => {$(
            impl axum::extract::FromRef<AxumState> for Verifier<$provider> {
                fn from_ref(state: &AxumState) -> Self {
                    state.$field.clone()
                }
            }
        )+};
    }
    from_ref!(stripe: Stripe, svix: Svix, github: GitHub, leadlex: LeadLex);

    fn status(code: u16) -> axum::http::StatusCode {
        axum::http::StatusCode::from_u16(code).unwrap()
    }

    /// The README's multi-provider receiver on axum, with a second route
    /// for Stripe and for Svix, on a loopback port; requests get
    /// `deadline` to be answered (408 after it), as the example receivers
    /// do.
    pub async fn axum(dedup: Deduplicator, behaviour: Behaviour, deadline: Duration) -> SocketAddr {
        use axum::extract::{MatchedPath, State};
        use axum::routing::post;
        use signed_webhooks::axum::Webhook;

        async fn stripe(
            State(state): State<AxumState>,
            path: MatchedPath,
            event: Webhook<Stripe>,
        ) -> axum::http::StatusCode {
            status(state.behaviour.run(path.as_str(), event.id()).await)
        }
        async fn svix(
            State(state): State<AxumState>,
            path: MatchedPath,
            event: Webhook<Svix>,
        ) -> axum::http::StatusCode {
            let id = event.delivery_key().unwrap_or_default().to_owned();
            status(state.behaviour.run(path.as_str(), &id).await)
        }
        async fn github(
            State(state): State<AxumState>,
            event: Webhook<GitHub>,
        ) -> axum::http::StatusCode {
            let id = event.payload["id"].as_str().unwrap_or_default().to_owned();
            status(state.behaviour.run(GITHUB, &id).await)
        }
        async fn leadlex(
            State(state): State<AxumState>,
            event: Webhook<LeadLex>,
        ) -> axum::http::StatusCode {
            let id = event.delivery_key().unwrap_or_default().to_owned();
            status(state.behaviour.run(LEADLEX, &id).await)
        }
        async fn timeout(
            request: axum::extract::Request,
            next: axum::middleware::Next,
        ) -> axum::response::Response {
            use axum::response::IntoResponse;
            let deadline = *request.extensions().get::<Duration>().unwrap();
            match tokio::time::timeout(deadline, next.run(request)).await {
                Ok(response) => response,
                Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
            }
        }

        let app = axum::Router::new()
            .route(STRIPE, post(stripe))
            .route(STRIPE_CONNECT, post(stripe))
            .route(SVIX, post(svix))
            .route(SVIX_OTHER, post(svix))
            .route(GITHUB, post(github))
            .route(LEADLEX, post(leadlex))
            .with_state(AxumState {
                stripe: Verifier::new(SECRET).unwrap(),
                svix: Verifier::new(SECRET).unwrap(),
                github: Verifier::new(SECRET).unwrap(),
                leadlex: Verifier::new(SECRET).unwrap(),
                behaviour,
            })
            .layer(dedup)
            .layer(axum::middleware::from_fn(timeout))
            .layer(axum::Extension(deadline));
        serve::axum(app).await
    }

    /// The same receiver on actix-web, in a thread of its own.
    pub fn actix(dedup: Deduplicator, behaviour: Behaviour, deadline: Duration) -> SocketAddr {
        use actix_web::dev::Service as _;
        use actix_web::{App, HttpRequest, HttpResponse, web};
        use signed_webhooks::actix::Webhook;

        fn answer(code: u16) -> HttpResponse {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(code).unwrap()).finish()
        }
        async fn stripe(
            behaviour: web::Data<Behaviour>,
            request: HttpRequest,
            event: Webhook<Stripe>,
        ) -> HttpResponse {
            let route = request.match_pattern().unwrap_or_default();
            answer(behaviour.run(&route, event.id()).await)
        }
        async fn svix(
            behaviour: web::Data<Behaviour>,
            request: HttpRequest,
            event: Webhook<Svix>,
        ) -> HttpResponse {
            let route = request.match_pattern().unwrap_or_default();
            let id = event.delivery_key().unwrap_or_default().to_owned();
            answer(behaviour.run(&route, &id).await)
        }
        async fn github(behaviour: web::Data<Behaviour>, event: Webhook<GitHub>) -> HttpResponse {
            let id = event.payload["id"].as_str().unwrap_or_default().to_owned();
            answer(behaviour.run(GITHUB, &id).await)
        }
        async fn leadlex(behaviour: web::Data<Behaviour>, event: Webhook<LeadLex>) -> HttpResponse {
            let id = event.delivery_key().unwrap_or_default().to_owned();
            answer(behaviour.run(LEADLEX, &id).await)
        }

        let behaviour = web::Data::new(behaviour);
        serve::actix(2, move || {
            App::new()
                .app_data(web::Data::new(Verifier::<Stripe>::new(SECRET).unwrap()))
                .app_data(web::Data::new(Verifier::<Svix>::new(SECRET).unwrap()))
                .app_data(web::Data::new(Verifier::<GitHub>::new(SECRET).unwrap()))
                .app_data(web::Data::new(Verifier::<LeadLex>::new(SECRET).unwrap()))
                .app_data(behaviour.clone())
                .wrap(dedup.clone())
                .wrap_fn(move |request, service| {
                    let response = service.call(request);
                    async move {
                        match actix_web::rt::time::timeout(deadline, response).await {
                            Ok(response) => response,
                            Err(_) => Err(actix_web::error::ErrorRequestTimeout("late")),
                        }
                    }
                })
                .route(STRIPE, web::post().to(stripe))
                .route(STRIPE_CONNECT, web::post().to(stripe))
                .route(SVIX, web::post().to(svix))
                .route(SVIX_OTHER, web::post().to(svix))
                .route(GITHUB, web::post().to(github))
                .route(LEADLEX, web::post().to(leadlex))
        })
    }
}

/// Both receivers, each on `dedup`'s own copy of the store.
async fn both(
    dedup: impl Fn() -> Deduplicator,
    deadline: Duration,
) -> Vec<(&'static str, SocketAddr, Behaviour)> {
    let (axum, actix) = (Behaviour::default(), Behaviour::default());
    vec![
        (
            "axum",
            receivers::axum(dedup(), axum.clone(), deadline).await,
            axum,
        ),
        (
            "actix-web",
            receivers::actix(dedup(), actix.clone(), deadline),
            actix,
        ),
    ]
}

const DEADLINE: Duration = Duration::from_secs(10);

/// An answer, read whole.
struct Answer {
    status: u16,
    duplicate: bool,
    retry_after: Option<u64>,
    body: String,
}

/// Delivers `body` to `route` as `P` signs it now (a provider's delivery
/// or redelivery: signed anew each time).
async fn deliver<P: Provider>(
    addr: SocketAddr,
    route: &str,
    body: &[u8],
    extra: &[(&str, &str)],
) -> Answer {
    let mut request = client().post(format!("http://{addr}{route}"));
    for (name, value) in Signer::<P>::new(SECRET).unwrap().sign(body) {
        request = request.header(&*name, value);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.body(body.to_vec()).send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        duplicate: response.headers().contains_key("webhook-duplicate"),
        retry_after: response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok()?.parse().ok()),
        body: response.text().await.unwrap(),
    }
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

fn stripe_event(id: &str) -> Vec<u8> {
    with_fields(
        &fixture("stripe/invoice.paid.json"),
        &[("id", serde_json::json!(id))],
    )
}

fn standard_event() -> Vec<u8> {
    fixture("standard/contact.created.json")
}

fn github_event(id: &str) -> Vec<u8> {
    serde_json::json!({ "id": id, "zen": "Keep it logically awesome." })
        .to_string()
        .into_bytes()
}

/// A LeadLex event, emitted now (its signed time is in the body).
fn leadlex_event(id: &str) -> Vec<u8> {
    serde_json::json!({
        "event": "contact.created",
        "timestamp": rfc3339(now()),
        "workspace_id": "ws_1",
        "data": { "id": id }
    })
    .to_string()
    .into_bytes()
}

fn log() {
    common::log::captured();
}

async fn logged(words: &[&str]) -> String {
    common::log::line_with(words).await
}

/// Two endpoints of one provider (Stripe's platform and Connect endpoints)
/// each process the event once: 0.2 keyed by provider only, so the second
/// route answered `200 {"duplicate":true}` without running its handler.
#[tokio::test(flavor = "multi_thread")]
async fn two_endpoints_of_one_provider_each_process_the_event_once() {
    for (name, addr, behaviour) in both(Deduplicator::in_memory, DEADLINE).await {
        let body = stripe_event("evt_both_endpoints");
        for route in [STRIPE, STRIPE_CONNECT] {
            let first = deliver::<Stripe>(addr, route, &body, &[]).await;
            assert_eq!(
                (first.status, first.duplicate),
                (200, false),
                "{name} {route}: {}",
                first.body
            );
        }
        // Each route's redelivery is its own duplicate.
        for route in [STRIPE, STRIPE_CONNECT] {
            let again = deliver::<Stripe>(addr, route, &body, &[]).await;
            assert_eq!(
                (again.status, again.duplicate),
                (200, true),
                "{name} {route}"
            );
            assert_eq!(
                behaviour.runs.of(&format!("{route} evt_both_endpoints")),
                1,
                "{name}"
            );
        }
        assert_eq!(behaviour.runs.total(), 2, "{name}");
    }
}

/// Svix sends one message, with one `svix-id`, to every endpoint
/// subscribed: each endpoint processes it once.
#[tokio::test(flavor = "multi_thread")]
async fn one_svix_message_to_two_endpoints_runs_at_each() {
    for (name, addr, behaviour) in both(Deduplicator::in_memory, DEADLINE).await {
        let body = standard_event();
        let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
        let signed = Signer::<Svix>::new(SECRET)
            .unwrap()
            .sign_with_id(&body, now(), id);
        for route in [SVIX, SVIX_OTHER, SVIX, SVIX_OTHER] {
            let mut request = client().post(format!("http://{addr}{route}"));
            for (header, value) in signed.iter() {
                request = request.header(header, value);
            }
            let response = request.body(body.clone()).send().await.unwrap();
            assert_eq!(response.status(), 200, "{name} {route}");
        }
        for route in [SVIX, SVIX_OTHER] {
            assert_eq!(
                behaviour.runs.of(&format!("{route} svix:id:{id}")),
                1,
                "{name} {route}"
            );
        }
    }
}

/// LeadLex's 72 h windows fill its room in a bounded store; GitHub and
/// Stripe deliveries sharing the store are still processed (0.2 refused
/// every provider with 503 `replay_store_full` once one filled it). The
/// first LeadLex delivery logs how fast its room fills.
#[tokio::test(flavor = "multi_thread")]
async fn one_provider_filling_the_store_never_refuses_another() {
    log();
    let dedup = || Deduplicator::new(MemoryStore::with_capacity(20));
    for (name, addr, behaviour) in both(dedup, DEADLINE).await {
        for n in 0..20 {
            let answer =
                deliver::<LeadLex>(addr, LEADLEX, &leadlex_event(&format!("c_{name}_{n}")), &[])
                    .await;
            assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        }
        let full = deliver::<LeadLex>(
            addr,
            LEADLEX,
            &leadlex_event(&format!("c_{name}_full")),
            &[],
        )
        .await;
        assert_eq!(full.status, 503, "{name}: {}", full.body);
        assert!(
            full.body.contains("dedup_store_full"),
            "{name}: {}",
            full.body
        );
        for n in 0..30 {
            let answer = deliver::<GitHub>(
                addr,
                GITHUB,
                &github_event(&format!("gh_{name}_{n}")),
                &[("x-github-event", "ping")],
            )
            .await;
            assert_eq!(answer.status, 200, "{name} GitHub {n}: {}", answer.body);
        }
        let stripe = deliver::<Stripe>(
            addr,
            STRIPE,
            &stripe_event(&format!("evt_{name}_room")),
            &[],
        )
        .await;
        assert_eq!(stripe.status, 200, "{name}: {}", stripe.body);
        assert_eq!(behaviour.runs.total(), 20 + 30 + 1, "{name}");
    }
    let warning = logged(&["leadlex", "72 h", "deliveries per second", "503"]).await;
    assert!(
        warning.contains("0.00") || warning.contains("/webhooks/leadlex"),
        "{warning}"
    );
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
        Box::pin(async { Err(StoreError::Unavailable("connection refused".into())) })
    }
    fn complete<'a>(&'a self, _: &'a Key, _: &'a str, _: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::Unavailable("connection refused".into())) })
    }
    fn release<'a>(&'a self, _: &'a Key, _: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::Unavailable("connection refused".into())) })
    }
}

/// GitHub never retries: with the store down, its delivery is processed
/// anyway (without duplicate detection, logged at error level) instead of
/// refused and lost; Stripe's is refused with 503 and comes again.
#[tokio::test(flavor = "multi_thread")]
async fn a_store_outage_does_not_lose_a_delivery_of_a_provider_that_never_retries() {
    log();
    for (name, addr, behaviour) in both(|| Deduplicator::new(Down), DEADLINE).await {
        let github = deliver::<GitHub>(
            addr,
            GITHUB,
            &github_event(&format!("gh_outage_{name}")),
            &[("x-github-event", "ping")],
        )
        .await;
        assert_eq!(github.status, 200, "{name}: {}", github.body);
        assert_eq!(
            behaviour.runs.of(&format!("{GITHUB} gh_outage_{name}")),
            1,
            "{name}"
        );
        let stripe = deliver::<Stripe>(
            addr,
            STRIPE,
            &stripe_event(&format!("evt_outage_{name}")),
            &[],
        )
        .await;
        assert_eq!(stripe.status, 503, "{name}: {}", stripe.body);
        assert!(stripe.retry_after.is_some(), "{name}");
        assert_eq!(
            behaviour.runs.of(&format!("{STRIPE} evt_outage_{name}")),
            0,
            "{name}"
        );
    }
    let line = logged(&[
        "ERROR",
        "github never retries",
        "processing the delivery anyway",
    ])
    .await;
    assert!(line.contains("connection refused"), "{line}");
}

/// `fail_closed` refuses every provider's delivery while the store is down:
/// GitHub's is then lost, and the log says so at error level.
#[tokio::test(flavor = "multi_thread")]
async fn failing_closed_refuses_even_a_provider_that_never_retries_and_says_it_is_lost() {
    log();
    for (name, addr, behaviour) in both(|| Deduplicator::new(Down).fail_closed(), DEADLINE).await {
        let github = deliver::<GitHub>(
            addr,
            GITHUB,
            &github_event(&format!("gh_closed_{name}")),
            &[("x-github-event", "ping")],
        )
        .await;
        assert_eq!(github.status, 503, "{name}: {}", github.body);
        assert_eq!(behaviour.runs.total(), 0, "{name}");
    }
    logged(&[
        "ERROR",
        "dedup_store_unavailable",
        "lost unless it is redelivered by hand",
    ])
    .await;
}

/// A handler that fails a GitHub delivery loses it (GitHub does not
/// retry): the log says so at error level, with the delivery's key.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_delivery_of_a_provider_that_never_retries_is_logged_as_lost() {
    log();
    for (name, addr, _) in both(Deduplicator::in_memory, DEADLINE).await {
        let answer = deliver::<GitHub>(
            addr,
            GITHUB,
            &github_event(&format!("fail_gh_{name}")),
            &[("x-github-event", "ping")],
        )
        .await;
        assert_eq!(answer.status, 500, "{name}");
    }
    let line = logged(&[
        "ERROR",
        "answered 500",
        "lost unless it is redelivered by hand",
    ])
    .await;
    assert!(line.contains("/webhooks/github:github:sha256:"), "{line}");
}

/// A store that records the retention it is asked to keep each delivery.
#[derive(Debug, Default, Clone)]
struct Recording(Arc<Recorded>);

#[derive(Debug, Default)]
struct Recorded {
    store: MemoryStore,
    retentions: Mutex<Vec<(String, Duration)>>,
}

impl std::ops::Deref for Recording {
    type Target = Recorded;
    fn deref(&self) -> &Recorded {
        &self.0
    }
}

impl DedupStore for Recording {
    fn claim<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        lease: Duration,
        window: Window,
    ) -> StoreFuture<'a, ClaimState> {
        self.store.claim(key, token, lease, window)
    }
    fn complete<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        self.retentions
            .lock()
            .unwrap()
            .push((key.partition().to_owned(), retention));
        self.store.complete(key, token, retention)
    }
    fn release<'a>(&'a self, key: &'a Key, token: &'a str) -> StoreFuture<'a, bool> {
        self.store.release(key, token)
    }
}

/// Completed deliveries are remembered as long as their provider redelivers
/// (0.2 kept everything 48 h, while Stripe retries for three days and the
/// Standard Webhooks schedule spans about 75 h).
#[tokio::test(flavor = "multi_thread")]
async fn completed_deliveries_are_kept_as_long_as_their_provider_redelivers() {
    let recording = Recording::default();
    let dedup = Deduplicator::new(recording.clone());
    let addr = receivers::axum(dedup, Behaviour::default(), DEADLINE).await;
    assert_eq!(
        deliver::<Stripe>(addr, STRIPE, &stripe_event("evt_kept"), &[])
            .await
            .status,
        200
    );
    assert_eq!(
        deliver::<Svix>(addr, SVIX, &standard_event(), &[])
            .await
            .status,
        200
    );
    assert_eq!(
        deliver::<GitHub>(
            addr,
            GITHUB,
            &github_event("gh_kept"),
            &[("x-github-event", "ping")]
        )
        .await
        .status,
        200
    );
    let retentions = recording.retentions.lock().unwrap().clone();
    let kept = |partition: &str| {
        retentions
            .iter()
            .find(|(p, _)| p == partition)
            .map(|(_, retention)| *retention)
            .unwrap_or_else(|| panic!("no completion for {partition}: {retentions:?}"))
    };
    let hours = |n: u64| Duration::from_secs(n * 3600);
    // Stripe: three days of retries; GitHub: three days of redelivery by hand.
    assert!(kept("/webhooks/stripe:stripe") > hours(72));
    assert!(kept("/webhooks/github:github") > hours(72));
    // Svix's schedule spans 27 h 35 min.
    assert!(kept("/webhooks/svix:svix") > hours(28));
    // The Standard Webhooks spec's schedule spans 75 h 35 min.
    assert!(
        Deduplicator::in_memory().retention_for(signed_webhooks::StandardWebhooks::RETRIES)
            > hours(75) + Duration::from_secs(35 * 60)
    );
}

/// A 409 says how long the first attempt's claim has left, not the whole
/// lease (0.2 sent the lease).
#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_in_progress_is_told_the_time_left_on_the_claim() {
    let lease = Duration::from_secs(6);
    for (name, addr, behaviour) in
        both(|| Deduplicator::in_memory().with_lease(lease), DEADLINE).await
    {
        let body = stripe_event(&format!("hold_busy_{name}"));
        let first = tokio::spawn({
            let body = body.clone();
            async move { deliver::<Stripe>(addr, STRIPE, &body, &[]).await }
        });
        while behaviour.runs.total() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let busy = deliver::<Stripe>(addr, STRIPE, &body, &[]).await;
        assert_eq!(busy.status, 409, "{name}: {}", busy.body);
        let left = busy.retry_after.unwrap();
        assert!(
            (1..=4).contains(&left),
            "{name}: Retry-After {left} s of a {lease:?} lease, 2.5 s in"
        );
        first.abort();
    }
}

/// A client that goes away mid-handler. hyper (axum) drops the request:
/// its claim is released, logged, and the provider's retry runs the
/// handler again: at least once, never lost, and not exactly once (the
/// first run may have done part of its work). actix-web does not drop a
/// handler when its client goes away (actix-web issues 1313 and 3462): the
/// handler runs on, and its 2xx marks the delivery done, so the retry is a
/// duplicate.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_gone_mid_handler_never_loses_the_delivery() {
    log();
    for (name, addr, behaviour) in both(Deduplicator::in_memory, DEADLINE).await {
        let id = format!("hold_dropped_{name}");
        let body = stripe_event(&id);
        let run = format!("{STRIPE} {id}");
        // The client gives up after the handler started.
        let attempt = tokio::time::timeout(
            Duration::from_millis(500),
            deliver::<Stripe>(addr, STRIPE, &body, &[]),
        );
        assert!(attempt.await.is_err(), "{name}: the held handler answered");
        assert_eq!(behaviour.runs.of(&run), 1, "{name}");
        if name == "actix-web" {
            // Still running: the retry meanwhile is in flight; once the
            // handler answers, the delivery is done.
            let busy = deliver::<Stripe>(addr, STRIPE, &body, &[]).await;
            assert_eq!(busy.status, 409, "{name}: {}", busy.body);
            behaviour.held.notify_one();
        }
        let mut retry = deliver::<Stripe>(addr, STRIPE, &body, &[]).await;
        for _ in 0..100 {
            if retry.status != 409 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            retry = deliver::<Stripe>(addr, STRIPE, &body, &[]).await;
        }
        assert_eq!(retry.status, 200, "{name}: {}", retry.body);
        if name == "axum" {
            assert!(!retry.duplicate, "{name}: the claim was released");
            assert_eq!(
                behaviour.runs.of(&run),
                2,
                "{name}: at least once: run again"
            );
        } else {
            assert!(retry.duplicate, "{name}: the handler finished its work");
            assert_eq!(behaviour.runs.of(&run), 1, "{name}");
        }
        assert!(
            deliver::<Stripe>(addr, STRIPE, &body, &[]).await.duplicate,
            "{name}"
        );
    }
    logged(&[
        "WARN",
        "the request was dropped before its handler answered",
        "its claim is released",
    ])
    .await;
}

/// The server's own deadline (408) cuts a slow handler short: its claim is
/// released and the retry runs.
#[tokio::test(flavor = "multi_thread")]
async fn a_request_timed_out_by_the_server_releases_its_claim_and_the_retry_runs() {
    for (name, addr, behaviour) in both(Deduplicator::in_memory, Duration::from_millis(300)).await {
        let id = format!("hold_timeout_{name}");
        let body = stripe_event(&id);
        let first = deliver::<Stripe>(addr, STRIPE, &body, &[]).await;
        assert_eq!(first.status, 408, "{name}");
        let retry = deliver::<Stripe>(addr, STRIPE, &body, &[]).await;
        assert_eq!(
            (retry.status, retry.duplicate),
            (200, false),
            "{name}: {}",
            retry.body
        );
        assert_eq!(behaviour.runs.of(&format!("{STRIPE} {id}")), 2, "{name}");
    }
}

/// A GitHub delivery cut short by the server's deadline is lost (GitHub
/// does not retry): logged at error level.
#[tokio::test(flavor = "multi_thread")]
async fn a_timed_out_delivery_of_a_provider_that_never_retries_is_logged_as_lost() {
    log();
    for (name, addr, _) in both(Deduplicator::in_memory, Duration::from_millis(300)).await {
        let answer = deliver::<GitHub>(
            addr,
            GITHUB,
            &github_event(&format!("hold_gh_{name}")),
            &[("x-github-event", "ping")],
        )
        .await;
        assert_eq!(answer.status, 408, "{name}");
    }
    logged(&[
        "ERROR",
        "the request was dropped before its handler answered",
        "lost unless it is redelivered by hand",
    ])
    .await;
}

/// Two provider types with the same `NAME` would take each other's ids for
/// their own at one endpoint: refused, as a misconfiguration. A name with
/// a key's separator is refused when the verifier is built.
#[tokio::test]
async fn provider_names_cannot_make_two_providers_share_keys() {
    struct Acme;
    impl Provider for Acme {
        const NAME: &'static str = "acme";
        type Event = serde_json::Value;
        fn scheme() -> signed_webhooks::Scheme {
            Stripe::scheme()
        }
    }
    struct OtherAcme;
    impl Provider for OtherAcme {
        const NAME: &'static str = "acme";
        type Event = serde_json::Value;
        fn scheme() -> signed_webhooks::Scheme {
            Stripe::scheme()
        }
    }
    struct Colon;
    impl Provider for Colon {
        const NAME: &'static str = "acme:id";
        type Event = serde_json::Value;
        fn scheme() -> signed_webhooks::Scheme {
            Stripe::scheme()
        }
    }
    let err = Verifier::<Colon>::new(SECRET).unwrap_err();
    assert!(
        matches!(
            err,
            signed_webhooks::ConfigError::InvalidProviderName {
                name: "acme:id",
                ..
            }
        ),
        "{err}"
    );

    let body = stripe_event("evt_same_name");
    let headers = Signer::<Stripe>::new(SECRET).unwrap().sign(&body);
    let (_, acme) = Verifier::<Acme>::new(SECRET)
        .unwrap()
        .verify_with_key(&headers, &body)
        .unwrap();
    let (_, other) = Verifier::<OtherAcme>::new(SECRET)
        .unwrap()
        .verify_with_key(&headers, &body)
        .unwrap();
    let (acme, other) = (acme.unwrap(), other.unwrap());
    assert_eq!(acme.as_str(), other.as_str());
    let dedup = Deduplicator::in_memory();
    assert!(dedup.claim("/hooks", &acme).await.is_ok());
    let conflict = dedup.claim("/hooks", &other).await.unwrap_err();
    assert!(
        matches!(conflict, StoreError::NameConflict { .. }),
        "{conflict}"
    );
    // At another endpoint they do not meet.
    assert!(dedup.claim("/other-hooks", &other).await.is_ok());
}

/// Standard Webhooks and Svix secrets are 24 random bytes, the spec's
/// minimum: configuring one is not a "weak secret" (0.2 logged it for
/// every such verifier); a shorter one still is.
#[test]
fn a_standard_webhooks_secret_of_the_specs_length_is_not_weak() {
    use signed_webhooks::StandardWebhooks;
    let log = common::log::captured();
    let weak = |secret: &str| {
        let before = log.lock().unwrap().len();
        Verifier::<StandardWebhooks>::new(secret).unwrap();
        String::from_utf8_lossy(&log.lock().unwrap()[before..]).contains("shorter than")
    };
    // `whsec_` and 24 bytes in base64, as Svix issues them.
    assert!(!weak("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    // 16 bytes: below the spec's minimum.
    assert!(weak("whsec_AAECAwQFBgcICQoLDA0ODw=="));
}

/// A provider whose deliveries have no key is never claimed, yet a failed
/// delivery of one that never retries is still logged as lost.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_unkeyed_delivery_of_a_provider_that_never_retries_is_logged_as_lost() {
    use axum::http::StatusCode;
    use signed_webhooks::axum::Webhook;
    use signed_webhooks::{DeliveryId, Retries, Scheme};
    use tower::ServiceExt;

    struct Hint;
    impl Provider for Hint {
        const NAME: &'static str = "hint";
        type Event = serde_json::Value;
        fn scheme() -> Scheme {
            Scheme::body("x-hint-signature").with_delivery_id(DeliveryId::Unkeyed)
        }
        const RETRIES: Retries = Retries::Never {
            by_hand: None,
            source: "this test's provider",
        };
    }
    async fn fails(_: Webhook<Hint>) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }
    log();
    let app = axum::Router::new()
        .route("/webhooks/hint", axum::routing::post(fails))
        .with_state(Verifier::<Hint>::new(SECRET).unwrap())
        .layer(Deduplicator::in_memory());
    let body = br#"{"changed":"unkeyed_lost"}"#;
    let mut request = axum::http::Request::post("/webhooks/hint");
    for (name, value) in Signer::<Hint>::new(SECRET).unwrap().sign(body) {
        request = request.header(&*name, value);
    }
    let answer = app
        .oneshot(request.body(axum::body::Body::from(&body[..])).unwrap())
        .await
        .unwrap();
    assert_eq!(answer.status(), 500);
    let line = logged(&[
        "ERROR",
        "hint (unkeyed)",
        "lost unless it is redelivered by hand",
    ])
    .await;
    assert!(line.contains("answered 500"), "{line}");
}

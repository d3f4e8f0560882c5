//! The transactional claim over real HTTP, through both frameworks: a
//! `WebhookTx` handler writes its effect (a row in a business table) in the
//! transaction that records the delivery done, and the layer commits it on
//! a 2xx. Whatever happens to the request (a failed or panicking handler,
//! a client gone, a timeout, a commit that fails), each event's row exists
//! exactly once once the provider's retries are over.
#![cfg(all(feature = "axum", feature = "actix", feature = "postgres"))]

mod common;

use common::serve;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::postgres::{Postgres, postgres, unique_name};
use common::runs::Runs;
use common::{SECRET, fixture, with_fields};
use signed_webhooks::dedup::{Deduplicator, PostgresStore};
use signed_webhooks::{Signer, Stripe, Verifier};
use sqlx::PgPool;
use tokio::sync::Notify;

const ROUTE: &str = "/webhooks/stripe";

/// What the handler does, by the event's id, on its first run: `fail…`
/// answers 500, `panic…` panics, `hold…` waits until its request is
/// dropped (or the test releases it), `kill…` has its own connection
/// terminated before it answers 200 (so the layer's commit fails); every
/// later run, and every other id, writes and answers 200. Each run writes
/// the effect first.
#[derive(Clone)]
struct Handler {
    runs: Runs,
    held: Arc<Notify>,
    business: String,
    /// For `kill…`: another connection to terminate the handler's with.
    pool: PgPool,
}

impl Handler {
    async fn handle(&self, id: &str, tx: &mut sqlx::PgConnection) -> u16 {
        let run = self.runs.record(id);
        sqlx::query(&format!(
            "INSERT INTO {} (event) VALUES ($1)",
            self.business
        ))
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
        if run > 1 {
            return 200;
        }
        if id.starts_with("fail") {
            return 500;
        }
        if id.starts_with("panic") {
            panic!("the handler crashed on purpose after its write");
        }
        if id.starts_with("hold") {
            self.held.notified().await;
        }
        if id.starts_with("kill") {
            let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            sqlx::query("SELECT pg_terminate_backend($1, 5000)")
                .bind(pid)
                .execute(&self.pool)
                .await
                .unwrap();
        }
        200
    }
}

/// A receiver on axum with a `WebhookTx<Stripe>` route, behind `dedup`
/// (none: no layer at all) and a deadline (408 after it).
async fn axum_receiver(
    dedup: Option<Deduplicator>,
    handler: Handler,
    deadline: Duration,
) -> SocketAddr {
    use axum::extract::{FromRef, Request, State};
    use axum::http::StatusCode;
    use axum::middleware::Next;
    use axum::response::{IntoResponse, Response};
    use axum::routing::post;
    use signed_webhooks::axum::WebhookTx;

    #[derive(Clone)]
    struct AppState {
        verifier: Verifier<Stripe>,
        handler: Handler,
    }
    impl FromRef<AppState> for Verifier<Stripe> {
        fn from_ref(state: &AppState) -> Self {
            state.verifier.clone()
        }
    }
    async fn stripe(State(state): State<AppState>, mut event: WebhookTx<Stripe>) -> StatusCode {
        let id = event.id().to_owned();
        StatusCode::from_u16(state.handler.handle(&id, event.tx()).await).unwrap()
    }
    async fn timeout(request: Request, next: Next) -> Response {
        let deadline = *request.extensions().get::<Duration>().unwrap();
        match tokio::time::timeout(deadline, next.run(request)).await {
            Ok(response) => response,
            Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
        }
    }

    let mut app = axum::Router::new()
        .route(ROUTE, post(stripe))
        .with_state(AppState {
            verifier: Verifier::new(SECRET).unwrap(),
            handler,
        });
    if let Some(dedup) = dedup {
        app = app.layer(dedup);
    }
    let app = app
        .layer(axum::middleware::from_fn(timeout))
        .layer(axum::Extension(deadline));
    serve::axum(app).await
}

/// The same receiver on actix-web, in a thread of its own.
fn actix_receiver(dedup: Deduplicator, handler: Handler, deadline: Duration) -> SocketAddr {
    use actix_web::dev::Service as _;
    use actix_web::{App, HttpResponse, web};
    use signed_webhooks::actix::WebhookTx;

    async fn stripe(handler: web::Data<Handler>, mut event: WebhookTx<Stripe>) -> HttpResponse {
        let id = event.id().to_owned();
        let status = handler.handle(&id, event.tx()).await;
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
    }

    let handler = web::Data::new(handler);
    serve::actix(2, move || {
        App::new()
            .app_data(web::Data::new(Verifier::<Stripe>::new(SECRET).unwrap()))
            .app_data(handler.clone())
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
            .route(ROUTE, web::post().to(stripe))
    })
}

/// A database, its business table, and a handler writing into it.
struct Setup {
    _postgres: Postgres,
    pool: PgPool,
    handler: Handler,
}

async fn setup(test: &str) -> Option<Setup> {
    let postgres = postgres(test)?;
    let pool = postgres.pool().await;
    let business = unique_name("effects");
    sqlx::query(&format!("CREATE TABLE {business} (event text NOT NULL)"))
        .execute(&pool)
        .await
        .unwrap();
    PostgresStore::new(pool.clone()).migrate().await.unwrap();
    Some(Setup {
        handler: Handler {
            runs: Runs::default(),
            held: Arc::new(Notify::new()),
            business,
            pool: pool.clone(),
        },
        pool,
        _postgres: postgres,
    })
}

impl Setup {
    fn dedup(&self) -> Deduplicator {
        Deduplicator::new(PostgresStore::new(self.pool.clone()))
    }

    /// Both receivers, each with a handler of its own (its own runs and
    /// holds) on the same business table and store, each event id
    /// prefixed with the receiver's name by the caller.
    async fn receivers(&self, deadline: Duration) -> Vec<(&'static str, SocketAddr, Handler)> {
        let axum = Handler {
            runs: Runs::default(),
            held: Arc::new(Notify::new()),
            ..self.handler.clone()
        };
        let actix = Handler {
            runs: Runs::default(),
            held: Arc::new(Notify::new()),
            ..self.handler.clone()
        };
        vec![
            (
                "axum",
                axum_receiver(Some(self.dedup()), axum.clone(), deadline).await,
                axum,
            ),
            (
                "actix",
                actix_receiver(self.dedup(), actix.clone(), deadline),
                actix,
            ),
        ]
    }

    /// How many rows the handler wrote for `id`, committed.
    async fn effects(&self, id: &str) -> i64 {
        sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {} WHERE event = $1",
            self.handler.business
        ))
        .bind(id)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }
}

const DEADLINE: Duration = Duration::from_secs(10);

struct Answer {
    status: u16,
    duplicate: bool,
    body: String,
}

fn event(id: &str) -> Vec<u8> {
    with_fields(
        &fixture("stripe/invoice.paid.json"),
        &[("id", serde_json::json!(id))],
    )
}

/// One delivery of `id`, signed now as Stripe signs each attempt; status 0
/// when the receiver closed the connection without an answer (a handler
/// that panicked, on a server that does not catch panics).
async fn deliver(addr: SocketAddr, id: &str) -> Answer {
    let body = event(id);
    let mut request = reqwest::Client::new().post(format!("http://{addr}{ROUTE}"));
    for (name, value) in Signer::<Stripe>::new(SECRET).unwrap().sign(&body) {
        request = request.header(&*name, value);
    }
    match request.body(body).send().await {
        Ok(response) => Answer {
            status: response.status().as_u16(),
            duplicate: response.headers().contains_key("webhook-duplicate"),
            body: response.text().await.unwrap_or_default(),
        },
        Err(error) => Answer {
            status: 0,
            duplicate: false,
            body: error.to_string(),
        },
    }
}

/// Delivers as the provider does: until a 2xx, a little later each time.
async fn deliver_until_accepted(addr: SocketAddr, id: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..100 {
        let answer = deliver(addr, id).await;
        statuses.push(answer.status);
        if (200..300).contains(&answer.status) {
            return statuses;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{id} never accepted: {statuses:?}");
}

/// Each event's effect is written once, however often and however
/// concurrently it is delivered, through both frameworks sharing one
/// database (a fleet of two receivers).
#[tokio::test(flavor = "multi_thread")]
async fn each_event_is_written_exactly_once_by_a_fleet() {
    let Some(s) = setup("each_event_is_written_exactly_once_by_a_fleet").await else {
        return;
    };
    let receivers = s.receivers(DEADLINE).await;
    let mut deliveries = tokio::task::JoinSet::new();
    for n in 0..20 {
        for (_, addr, _) in &receivers {
            for _ in 0..2 {
                let addr = *addr;
                deliveries.spawn(async move {
                    deliver_until_accepted(addr, &format!("evt_fleet_{n}")).await
                });
            }
        }
    }
    while let Some(done) = deliveries.join_next().await {
        done.unwrap();
    }
    for n in 0..20 {
        assert_eq!(
            s.effects(&format!("evt_fleet_{n}")).await,
            1,
            "evt_fleet_{n}"
        );
    }
    // A redelivery now is a duplicate, answered without running anything.
    let again = deliver(receivers[0].1, "evt_fleet_0").await;
    assert_eq!((again.status, again.duplicate), (200, true));
}

/// A handler that fails (500) or panics after writing: its write is
/// rolled back with the claim, and the retry writes once.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_or_panicking_handler_leaves_nothing_and_the_retry_writes_once() {
    let Some(s) = setup("a_failed_or_panicking_handler_leaves_nothing").await else {
        return;
    };
    for (name, addr, handler) in s.receivers(DEADLINE).await {
        for kind in ["fail", "panic"] {
            let id = format!("{kind}_{name}");
            let first = deliver(addr, &id).await;
            // A panic is a 500, or no answer at all (axum without a layer
            // catching panics): the provider retries either.
            assert!(
                [0, 500].contains(&first.status),
                "{id}: {} {}",
                first.status,
                first.body
            );
            assert_eq!(s.effects(&id).await, 0, "{id}: rolled back");
            deliver_until_accepted(addr, &id).await;
            assert_eq!(s.effects(&id).await, 1, "{id}");
            assert_eq!(handler.runs.of(&id), 2, "{id}");
        }
    }
}

/// A commit that fails after the handler answered 200 (its connection
/// terminated, as a crash of the database between the handler's writes and
/// its commit would): the layer answers 503 instead, nothing is written,
/// and the retry writes once.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_commit_is_answered_503_and_the_retry_writes_once() {
    let Some(s) = setup("a_failed_commit_is_answered_503").await else {
        return;
    };
    for (name, addr, handler) in s.receivers(DEADLINE).await {
        let id = format!("kill_{name}");
        let first = deliver(addr, &id).await;
        assert_eq!(first.status, 503, "{id}: {}", first.body);
        assert!(
            first.body.contains("dedup_store_unavailable"),
            "{id}: {}",
            first.body
        );
        assert_eq!(s.effects(&id).await, 0, "{id}: not committed");
        deliver_until_accepted(addr, &id).await;
        assert_eq!(s.effects(&id).await, 1, "{id}");
        assert_eq!(handler.runs.of(&id), 2, "{id}");
    }
}

/// A request cut short mid-handler by the server's deadline (408): its
/// transaction is rolled back, write and claim, and the retry writes once.
#[tokio::test(flavor = "multi_thread")]
async fn a_timed_out_handler_leaves_nothing_and_the_retry_writes_once() {
    let Some(s) = setup("a_timed_out_handler_leaves_nothing").await else {
        return;
    };
    for (name, addr, handler) in s.receivers(Duration::from_millis(400)).await {
        let id = format!("hold_timeout_{name}");
        assert_eq!(deliver(addr, &id).await.status, 408, "{id}");
        assert_eq!(s.effects(&id).await, 0, "{id}: rolled back");
        deliver_until_accepted(addr, &id).await;
        assert_eq!(s.effects(&id).await, 1, "{id}");
        assert_eq!(handler.runs.of(&id), 2, "{id}");
    }
}

/// A client that goes away after the handler wrote: with axum the request
/// is dropped and its transaction rolled back; with actix-web the handler
/// runs on and commits. Either way, once the retries are over, the effect
/// exists exactly once.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_gone_mid_handler_leaves_the_effect_exactly_once() {
    let Some(s) = setup("a_client_gone_mid_handler").await else {
        return;
    };
    for (name, addr, handler) in s.receivers(DEADLINE).await {
        let id = format!("hold_gone_{name}");
        let gone = tokio::time::timeout(Duration::from_millis(500), deliver(addr, &id)).await;
        assert!(gone.is_err(), "{id}: the held handler answered");
        if name == "actix" {
            // actix-web runs the handler on: let it finish, and commit.
            handler.held.notify_one();
        }
        deliver_until_accepted(addr, &id).await;
        assert_eq!(s.effects(&id).await, 1, "{id}");
    }
}

/// `WebhookTx` without a deduplicator on a PostgreSQL store around its
/// route cannot claim in a transaction: 500, and the log says what to do.
#[tokio::test(flavor = "multi_thread")]
async fn a_transactional_route_without_a_postgres_deduplicator_is_a_500() {
    let Some(s) = setup("a_transactional_route_without_a_postgres_deduplicator").await else {
        return;
    };
    for dedup in [None, Some(Deduplicator::in_memory())] {
        let addr = axum_receiver(dedup, s.handler.clone(), DEADLINE).await;
        let answer = deliver(addr, "evt_misconfigured").await;
        assert_eq!(answer.status, 500, "{}", answer.body);
        assert!(
            answer.body.contains("dedup_misconfigured"),
            "{}",
            answer.body
        );
    }
    let addr = actix_receiver(Deduplicator::in_memory(), s.handler.clone(), DEADLINE);
    assert_eq!(deliver(addr, "evt_misconfigured").await.status, 500);
    assert_eq!(s.effects("evt_misconfigured").await, 0);
}

/// A provider whose deliveries have no key (Dropbox: the same bytes for
/// every change of an account) gets a transaction that claims nothing:
/// each notification's writes commit on a 2xx, none is taken for a
/// duplicate, and a failed handler's writes are rolled back.
#[tokio::test(flavor = "multi_thread")]
async fn an_unkeyed_provider_writes_each_delivery_in_a_transaction_of_its_own() {
    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::routing::post;
    use signed_webhooks::Dropbox;
    use signed_webhooks::axum::WebhookTx;

    let Some(s) = setup("an_unkeyed_provider_writes_each_delivery").await else {
        return;
    };
    #[derive(Clone)]
    struct App {
        verifier: Verifier<Dropbox>,
        business: String,
    }
    impl axum::extract::FromRef<App> for Verifier<Dropbox> {
        fn from_ref(app: &App) -> Self {
            app.verifier.clone()
        }
    }
    async fn dropbox(
        State(App { business, .. }): State<App>,
        mut notification: WebhookTx<Dropbox>,
    ) -> StatusCode {
        assert_eq!(notification.delivery_key(), None);
        let account = notification
            .accounts()
            .next()
            .unwrap_or_default()
            .to_owned();
        sqlx::query(&format!("INSERT INTO {business} (event) VALUES ($1)"))
            .bind(&account)
            .execute(notification.tx())
            .await
            .unwrap();
        if account.ends_with("fail") {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::OK
        }
    }
    let app = axum::Router::new()
        .route("/webhooks/dropbox", post(dropbox))
        .with_state(App {
            verifier: Verifier::new(SECRET).unwrap(),
            business: s.handler.business.clone(),
        })
        .layer(s.dedup());
    let addr = serve::axum(app).await;

    let notify = |account: &str| {
        let body =
            format!(r#"{{"list_folder":{{"accounts":["{account}"]}},"delta":{{"users":[1]}}}}"#);
        let mut request = reqwest::Client::new().post(format!("http://{addr}/webhooks/dropbox"));
        for (name, value) in Signer::<Dropbox>::new(SECRET)
            .unwrap()
            .sign(body.as_bytes())
        {
            request = request.header(&*name, value);
        }
        request.body(body).send()
    };
    for _ in 0..3 {
        let answer = notify("dbid:changed").await.unwrap();
        assert_eq!(answer.status(), 200);
        assert!(!answer.headers().contains_key("webhook-duplicate"));
    }
    assert_eq!(s.effects("dbid:changed").await, 3);
    assert_eq!(notify("dbid:fail").await.unwrap().status(), 500);
    assert_eq!(s.effects("dbid:fail").await, 0);
}

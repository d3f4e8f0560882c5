//! Exactly-once processing across a fleet of receivers sharing one Redis,
//! against a real Redis server: duplicates, crashes, expiring claims, and
//! Redis itself going down.
#![cfg(all(feature = "axum", feature = "redis"))]

mod common;

use common::serve;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use common::SECRET;
use common::redis::{redis, unique_prefix};
use common::runs::Runs;
use futures_util::StreamExt;
use signed_webhooks::axum::Webhook;
use signed_webhooks::dedup::{Claim, Deduplicator, DeliveryKey, RedisStore, Window};
use signed_webhooks::{Signer, Unleeshed, Verifier};

#[derive(Clone, Copy)]
enum FirstRun {
    Succeeds,
    Fails,
    Panics,
}

#[derive(Clone)]
struct AppState {
    verifier: Verifier<Unleeshed>,
    runs: Runs,
    first: FirstRun,
}

impl FromRef<AppState> for Verifier<Unleeshed> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

async fn handler(State(state): State<AppState>, event: Webhook<Unleeshed>) -> StatusCode {
    let run = state.runs.record(event.id());
    // A little work, so concurrent deliveries of one event really overlap.
    tokio::time::sleep(Duration::from_millis(2)).await;
    match (state.first, run) {
        (FirstRun::Fails, 1) => StatusCode::INTERNAL_SERVER_ERROR,
        (FirstRun::Panics, 1) => panic!("the handler crashed on purpose"),
        _ => StatusCode::OK,
    }
}

/// One receiver: its own server, its own Redis connection, the shared prefix.
async fn receiver(url: &str, prefix: &str, runs: Runs, first: FirstRun) -> SocketAddr {
    let store = RedisStore::open(url)
        .unwrap()
        .with_prefix(prefix)
        .with_timeout(Duration::from_secs(1));
    let app = Router::new()
        .route("/webhooks/unleeshed", post(handler))
        .with_state(AppState {
            verifier: Verifier::new(SECRET).unwrap(),
            runs,
            first,
        })
        .layer(Deduplicator::new(store));
    serve::axum(app).await
}

/// The route the receivers serve: the endpoint of their keys.
const ROUTE: &str = "/webhooks/unleeshed";

/// What names the delivery of `id` signed at `at`, verified now by
/// `verifier`.
fn delivery(verifier: &Verifier<Unleeshed>, id: &str, at: i64) -> DeliveryKey {
    let body = event_body(id);
    let headers = Signer::<Unleeshed>::new(SECRET).unwrap().sign_at(&body, at);
    verifier
        .verify_with_key(&headers, &body)
        .unwrap()
        .1
        .unwrap()
}

fn verifier() -> Verifier<Unleeshed> {
    Verifier::new(SECRET).unwrap()
}

fn event_body(id: &str) -> Vec<u8> {
    format!(r#"{{"id":"{id}","type":"creator.approved","created_at":"2026-11-22T10:00:00Z","data":{{"external_reference":"r"}}}}"#).into_bytes()
}

/// One delivery attempt, signed now as a provider does for each attempt.
async fn deliver(
    client: &reqwest::Client,
    addr: SocketAddr,
    id: &str,
) -> reqwest::Result<reqwest::Response> {
    let body = event_body(id);
    let mut request = client.post(format!("http://{addr}/webhooks/unleeshed"));
    for (name, value) in Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body) {
        request = request.header(&*name, value);
    }
    request.body(body).send().await
}

/// Delivers like the provider: any answer but a 2xx (or no answer) is
/// retried after a pause, until a 2xx.
async fn deliver_until_accepted(client: &reqwest::Client, addr: SocketAddr, id: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..200 {
        match deliver(client, addr, id).await {
            Ok(response) if response.status().is_success() => {
                statuses.push(response.status().as_u16());
                return statuses;
            }
            Ok(response) => statuses.push(response.status().as_u16()),
            Err(_) => statuses.push(0),
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{id} was never accepted: {statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_fleet_processes_each_of_1000_events_exactly_once() {
    let Some(redis) = redis("a_fleet_processes_each_of_1000_events_exactly_once") else {
        return;
    };
    let prefix = unique_prefix("fleet");
    let runs = Runs::default();
    let mut fleet = Vec::new();
    for _ in 0..3 {
        fleet.push(receiver(&redis.url, &prefix, runs.clone(), FirstRun::Succeeds).await);
    }

    // Each event delivered 3 times, the deliveries side by side (so they
    // overlap) and each to another receiver.
    let client = reqwest::Client::new();
    let deliveries: Vec<(String, SocketAddr)> = (0..1000)
        .flat_map(|i| (0..3).map(move |k| (format!("evt_fleet_{i}"), k + i)))
        .map(|(id, n)| (id, fleet[n % fleet.len()]))
        .collect();
    let outcomes: Vec<Vec<u16>> = futures_util::stream::iter(deliveries)
        .map(|(id, addr)| {
            let client = client.clone();
            async move { deliver_until_accepted(&client, addr, &id).await }
        })
        .buffer_unordered(64)
        .collect()
        .await;

    assert_eq!(runs.total(), 1000, "handler runs");
    for i in 0..1000 {
        assert_eq!(runs.of(&format!("evt_fleet_{i}")), 1, "evt_fleet_{i}");
    }
    let conflicts = outcomes.iter().flatten().filter(|&&s| s == 409).count();
    let unexpected: Vec<_> = outcomes
        .iter()
        .flatten()
        .filter(|&&s| s != 200 && s != 409)
        .collect();
    assert!(
        unexpected.is_empty(),
        "answers other than 200 and 409: {unexpected:?}"
    );
    eprintln!("fleet: 3000 deliveries, 1000 handler runs, {conflicts} answered 409 and retried");
}

#[tokio::test]
async fn the_identical_request_twice_runs_the_handler_once() {
    let Some(redis) = redis("the_identical_request_twice_runs_the_handler_once") else {
        return;
    };
    let runs = Runs::default();
    let addr = receiver(
        &redis.url,
        &unique_prefix("replay"),
        runs.clone(),
        FirstRun::Succeeds,
    )
    .await;
    let body = event_body("evt_replayed");
    let header = Signer::<Unleeshed>::new(SECRET)
        .unwrap()
        .sign(&body)
        .get("x-unleeshed-signature")
        .unwrap()
        .to_owned();
    let client = reqwest::Client::new();
    for _ in 0..2 {
        let response = client
            .post(format!("http://{addr}/webhooks/unleeshed"))
            .header("X-Unleeshed-Signature", &header)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(runs.of("evt_replayed"), 1);
}

#[tokio::test]
async fn a_failed_or_crashed_first_run_is_processed_on_redelivery() {
    let Some(redis) = redis("a_failed_or_crashed_first_run_is_processed_on_redelivery") else {
        return;
    };
    let client = reqwest::Client::new();
    for (first, id) in [
        (FirstRun::Fails, "evt_fails"),
        (FirstRun::Panics, "evt_panics"),
    ] {
        let runs = Runs::default();
        let addr = receiver(&redis.url, &unique_prefix(id), runs.clone(), first).await;
        let statuses = deliver_until_accepted(&client, addr, id).await;
        assert_ne!(statuses[0], 200, "{id}: the first run did not succeed");
        assert_eq!(
            runs.of(id),
            2,
            "{id}: processed again on redelivery ({statuses:?})"
        );
        assert_eq!(
            deliver(&client, addr, id).await.unwrap().headers()["webhook-duplicate"],
            "true"
        );
        assert_eq!(runs.of(id), 2);
    }
}

#[tokio::test]
async fn a_claim_whose_holder_died_expires_and_the_next_delivery_runs() {
    let Some(redis) = redis("a_claim_whose_holder_died_expires_and_the_next_delivery_runs") else {
        return;
    };
    let prefix = unique_prefix("orphan");
    // A receiver that claimed the event and died: nothing will release it.
    let dying = Deduplicator::new(RedisStore::open(&redis.url).unwrap().with_prefix(&prefix))
        .with_lease(Duration::from_millis(500));
    // The delivery the receivers claim.
    let key = delivery(&verifier(), "evt_orphan", common::now());
    let Claim::First(guard) = dying.claim(ROUTE, &key).await.unwrap() else {
        panic!()
    };
    std::mem::forget(guard);

    let runs = Runs::default();
    let addr = receiver(&redis.url, &prefix, runs.clone(), FirstRun::Succeeds).await;
    let client = reqwest::Client::new();
    assert_eq!(
        deliver(&client, addr, "evt_orphan").await.unwrap().status(),
        409
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        deliver(&client, addr, "evt_orphan").await.unwrap().status(),
        200
    );
    assert_eq!(runs.of("evt_orphan"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_mid_run_refuses_with_503_and_loses_nothing() {
    let Some(mut redis) = redis("redis_down_mid_run_refuses_with_503_and_loses_nothing") else {
        return;
    };
    if !redis.is_own() {
        eprintln!(
            "\n!!!!!!!! redis_down_mid_run: SKIPPED, REDIS_URL is an external server this test cannot kill\n"
        );
        return;
    }
    let runs = Runs::default();
    let addr = receiver(
        &redis.url,
        &unique_prefix("outage"),
        runs.clone(),
        FirstRun::Succeeds,
    )
    .await;
    let client = reqwest::Client::new();

    for i in 0..20 {
        assert_eq!(
            deliver(&client, addr, &format!("evt_outage_{i}"))
                .await
                .unwrap()
                .status(),
            200
        );
    }

    redis.kill();
    let during: Vec<reqwest::Response> = futures_util::future::join_all((20..40).map(|i| {
        let client = client.clone();
        async move {
            deliver(&client, addr, &format!("evt_outage_{i}"))
                .await
                .unwrap()
        }
    }))
    .await;
    for response in &during {
        assert_eq!(response.status(), 503);
        assert!(response.headers().contains_key("retry-after"));
    }
    assert_eq!(
        runs.total(),
        20,
        "nothing was processed while Redis was down"
    );

    redis.restart();
    // The provider retries everything it was not answered 2xx for; a
    // redelivery of the first twenty is sent too, to check they stay done.
    for i in 0..40 {
        deliver_until_accepted(&client, addr, &format!("evt_outage_{i}")).await;
    }
    for i in 0..40 {
        assert_eq!(runs.of(&format!("evt_outage_{i}")), 1, "evt_outage_{i}");
    }
}

#[tokio::test]
async fn deliveries_whose_window_never_closes_are_still_completed() {
    // A verifier without a timestamp check gives windows that never close;
    // the store must still mark such deliveries done.
    let forever = delivery(
        &verifier().dangerous_without_timestamp_check(),
        "evt_forever",
        1,
    );
    assert_eq!(forever.window(), Window::unbounded());
    let Some(redis) = redis("deliveries_whose_window_never_closes_are_still_completed") else {
        return;
    };
    let dedup = Deduplicator::new(
        RedisStore::open(&redis.url)
            .unwrap()
            .with_prefix(unique_prefix("forever")),
    );
    let Claim::First(guard) = dedup.claim(ROUTE, &forever).await.unwrap() else {
        panic!()
    };
    assert!(guard.complete().await.unwrap());
    assert!(matches!(
        dedup.claim(ROUTE, &forever).await.unwrap(),
        Claim::Duplicate
    ));
}

#[tokio::test]
async fn a_later_duplicate_keeps_the_key_until_its_own_window_closes() {
    let Some(redis) = redis("a_later_duplicate_keeps_the_key_until_its_own_window_closes") else {
        return;
    };
    let dedup = Deduplicator::new(
        RedisStore::open(&redis.url)
            .unwrap()
            .with_prefix(unique_prefix("reopen")),
    )
    .with_retention(Duration::from_secs(1));
    let now = common::now();
    // The first delivery's window closes in one to two seconds (a claim
    // after it closed would be stale): signed 299 s ago.
    let first = delivery(&verifier(), "evt_reopen", now - 299);
    let Claim::First(guard) = dedup.claim(ROUTE, &first).await.unwrap() else {
        panic!()
    };
    assert!(guard.complete().await.unwrap());
    // Redelivered, signed anew: replays of it are possible for a while.
    let redelivery = delivery(
        &verifier().with_tolerance(Duration::from_secs(30)),
        "evt_reopen",
        now,
    );
    assert!(matches!(
        dedup.claim(ROUTE, &redelivery).await.unwrap(),
        Claim::Duplicate
    ));
    // Past the retention and the first window.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        matches!(
            dedup.claim(ROUTE, &redelivery).await.unwrap(),
            Claim::Duplicate
        ),
        "forgotten after the retention, while a replay of the redelivery would still verify"
    );
}

/// Issue 10, part 5: a claim that reaches Redis after its window has closed
/// (a request held up between its time check and its claim) must not be
/// granted, even once the key of the delivery it replays has expired.
#[tokio::test]
async fn a_claim_arriving_after_its_window_closed_is_refused() {
    let Some(redis) = redis("a_claim_arriving_after_its_window_closed_is_refused") else {
        return;
    };
    let dedup = Deduplicator::new(
        RedisStore::open(&redis.url)
            .unwrap()
            .with_prefix(unique_prefix("stale")),
    )
    .with_retention(Duration::ZERO);
    // Its window closes in one to two seconds: signed 299 s ago.
    let window = delivery(&verifier(), "evt_stale", common::now() - 299);
    let Claim::First(guard) = dedup.claim(ROUTE, &window).await.unwrap() else {
        panic!()
    };
    assert!(guard.complete().await.unwrap());
    // The window closes, and the key expires with it (no retention).
    tokio::time::sleep(Duration::from_millis(2500)).await;
    // The refusal the verifier would make now (0.1 returned it as an error;
    // 0.2 as the claim's outcome, `Claim::Stale`).
    match dedup.claim(ROUTE, &window).await {
        Ok(Claim::Stale(error)) => assert_eq!(error.code(), "timestamp_too_old"),
        other => panic!("a claim whose window closed was answered {other:?}"),
    }
}

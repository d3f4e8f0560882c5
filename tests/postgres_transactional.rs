//! `PostgresStore::claim_in`, the claim made inside the handler's own
//! transaction, against a real PostgreSQL: the delivery is done exactly
//! when the handler's writes commit, whatever goes wrong in between.
#![cfg(feature = "postgres")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::postgres::{Postgres, postgres, unique_name};
use signed_webhooks::dedup::{ClaimState, DedupStore, Key, PostgresStore, Window};
use sqlx::PgPool;

const RETENTION: Duration = Duration::from_secs(48 * 3600);

/// A test's database: the store (its table migrated), and a business table
/// of its own where handlers write, one row per run (no unique key: a
/// duplicate run would show as a second row).
struct Setup {
    postgres: Postgres,
    pool: PgPool,
    store: PostgresStore,
    business: String,
    prefix: String,
}

async fn setup(test: &str) -> Option<Setup> {
    let postgres = postgres(test)?;
    let pool = postgres.pool().await;
    let store = PostgresStore::new(pool.clone());
    store.migrate().await.unwrap();
    let business = unique_name("paid");
    sqlx::query(&format!(
        "CREATE TABLE {business} (event text NOT NULL, at timestamptz NOT NULL DEFAULT now())"
    ))
    .execute(&pool)
    .await
    .unwrap();
    Some(Setup {
        postgres,
        pool,
        store,
        business,
        prefix: unique_name(test),
    })
}

impl Setup {
    fn key(&self, event: &str) -> Key {
        Key::new(&self.prefix, &format!("id:{event}"))
    }

    /// The handler's write, in the delivery's transaction.
    async fn write(&self, tx: &mut sqlx::PgConnection, event: &str) {
        sqlx::query(&format!(
            "INSERT INTO {} (event) VALUES ($1)",
            self.business
        ))
        .bind(event)
        .execute(tx)
        .await
        .unwrap();
    }

    async fn business_rows(&self, event: &str) -> i64 {
        sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {} WHERE event = $1",
            self.business
        ))
        .bind(event)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// Whether the store holds a row for the key (expired or not).
    async fn store_rows(&self, event: &str) -> i64 {
        sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {} WHERE key = $1",
            PostgresStore::DEFAULT_TABLE
        ))
        .bind(self.key(event).as_str())
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// A whole delivery: claim, write if claimed, commit.
    async fn deliver(&self, event: &str) -> ClaimState {
        let mut tx = self.pool.begin().await.unwrap();
        let state = self
            .store
            .claim_in(&mut tx, &self.key(event), open(), RETENTION)
            .await
            .unwrap();
        if state == ClaimState::Claimed {
            self.write(&mut tx, event).await;
        }
        tx.commit().await.unwrap();
        state
    }

    /// Delivers until the answer is not `InFlight`, as a provider retries a
    /// 409 (a connection whose transaction was dropped is rolled back by
    /// the pool in the background: until then the key is in flight).
    async fn deliver_until_settled(&self, event: &str) -> ClaimState {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let state = self.deliver(event).await;
            if !matches!(state, ClaimState::InFlight { .. }) || Instant::now() > deadline {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn now_secs() -> i64 {
    common::now()
}

/// A window open for five minutes.
fn open() -> Window {
    Window::new(now_secs(), Some(Duration::from_secs(300)))
}

#[tokio::test]
async fn a_commit_makes_the_delivery_done_with_its_writes() {
    let Some(s) = setup("commit").await else {
        return;
    };
    assert_eq!(s.deliver("evt_1").await, ClaimState::Claimed);
    assert_eq!(s.business_rows("evt_1").await, 1);
    assert_eq!(s.store_rows("evt_1").await, 1);
    for _ in 0..3 {
        assert_eq!(s.deliver("evt_1").await, ClaimState::Done);
    }
    // A plain claim of the key finds it done too.
    let plain = s
        .store
        .claim(&s.key("evt_1"), "t", Duration::from_secs(30), open())
        .await
        .unwrap();
    assert_eq!(plain, ClaimState::Done);
    assert_eq!(s.business_rows("evt_1").await, 1);
    // Its Debug output shows no connection string.
    let debug = format!("{:?}", s.store);
    assert!(
        !debug.contains("postgres://") && !debug.contains("127.0.0.1"),
        "{debug}"
    );
}

#[tokio::test]
async fn a_rollback_leaves_nothing_and_the_retry_runs() {
    let Some(s) = setup("rollback").await else {
        return;
    };
    let mut tx = s.pool.begin().await.unwrap();
    let state = s
        .store
        .claim_in(&mut tx, &s.key("evt_1"), open(), RETENTION)
        .await
        .unwrap();
    assert_eq!(state, ClaimState::Claimed);
    s.write(&mut tx, "evt_1").await;
    tx.rollback().await.unwrap();
    assert_eq!(s.business_rows("evt_1").await, 0);
    assert_eq!(s.store_rows("evt_1").await, 0);
    assert_eq!(s.deliver("evt_1").await, ClaimState::Claimed);
    assert_eq!(s.deliver("evt_1").await, ClaimState::Done);
    assert_eq!(s.business_rows("evt_1").await, 1);
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_leaves_nothing() {
    let Some(s) = setup("dropped").await else {
        return;
    };
    {
        let mut tx = s.pool.begin().await.unwrap();
        let state = s
            .store
            .claim_in(&mut tx, &s.key("evt_1"), open(), RETENTION)
            .await
            .unwrap();
        assert_eq!(state, ClaimState::Claimed);
        s.write(&mut tx, "evt_1").await;
        // The handler panics or returns early: the transaction is dropped.
    }
    assert_eq!(s.deliver_until_settled("evt_1").await, ClaimState::Claimed);
    assert_eq!(s.business_rows("evt_1").await, 1);
    assert_eq!(s.deliver("evt_1").await, ClaimState::Done);
}

/// The handler's backend dies between its writes and its commit (as when
/// the database or the network drops the connection): the commit fails,
/// nothing was kept, and the retry processes the delivery once.
#[tokio::test]
async fn a_connection_killed_before_the_commit_leaves_nothing() {
    let Some(s) = setup("terminated").await else {
        return;
    };
    let mut tx = s.pool.begin().await.unwrap();
    let state = s
        .store
        .claim_in(&mut tx, &s.key("evt_1"), open(), RETENTION)
        .await
        .unwrap();
    assert_eq!(state, ClaimState::Claimed);
    s.write(&mut tx, "evt_1").await;
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    // From another connection; waits until the backend is gone.
    let terminated: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1, 10000)")
        .bind(pid)
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert!(terminated);
    assert!(tx.commit().await.is_err(), "the commit of a dead backend");
    assert_eq!(s.business_rows("evt_1").await, 0);
    assert_eq!(s.store_rows("evt_1").await, 0);
    assert_eq!(s.deliver_until_settled("evt_1").await, ClaimState::Claimed);
    assert_eq!(s.deliver("evt_1").await, ClaimState::Done);
    assert_eq!(s.business_rows("evt_1").await, 1);
}

/// The server itself dies (SIGKILL) between the handler's writes and its
/// commit; after crash recovery nothing of the delivery is there, and the
/// retry processes it once.
#[tokio::test]
async fn a_server_killed_before_the_commit_leaves_nothing() {
    let Some(mut s) = setup("killed").await else {
        return;
    };
    if !s.postgres.is_own() {
        eprintln!(
            "\n!!!!!!!! a_server_killed_before_the_commit: SKIPPED, DATABASE_URL is an external server this test cannot kill\n"
        );
        return;
    }
    // One done before the crash, to show that committed deliveries survive it.
    assert_eq!(s.deliver("evt_0").await, ClaimState::Claimed);
    let mut tx = s.pool.begin().await.unwrap();
    let state = s
        .store
        .claim_in(&mut tx, &s.key("evt_1"), open(), RETENTION)
        .await
        .unwrap();
    assert_eq!(state, ClaimState::Claimed);
    s.write(&mut tx, "evt_1").await;
    s.postgres.kill();
    assert!(tx.commit().await.is_err(), "the commit on a dead server");
    s.postgres.restart();
    assert_eq!(s.business_rows("evt_1").await, 0);
    assert_eq!(s.store_rows("evt_1").await, 0);
    assert_eq!(s.deliver("evt_0").await, ClaimState::Done);
    assert_eq!(s.deliver_until_settled("evt_1").await, ClaimState::Claimed);
    assert_eq!(s.deliver("evt_1").await, ClaimState::Done);
    assert_eq!(s.business_rows("evt_1").await, 1);
    assert_eq!(s.business_rows("evt_0").await, 1);
}

/// While one transaction has claimed a key, another is answered in flight
/// at once (not blocked until the first ends); after the first commits,
/// the key is done.
#[tokio::test]
async fn a_concurrent_transactional_claim_is_in_flight_without_waiting() {
    let Some(s) = setup("concurrent").await else {
        return;
    };
    let key = s.key("evt_1");
    let mut first = s.pool.begin().await.unwrap();
    let state = s
        .store
        .claim_in(&mut first, &key, open(), RETENTION)
        .await
        .unwrap();
    assert_eq!(state, ClaimState::Claimed);
    s.write(&mut first, "evt_1").await;

    let mut second = s.pool.begin().await.unwrap();
    let started = Instant::now();
    // A store timing out after 5 s would answer Unavailable if it waited.
    let impatient = s.store.clone().with_timeout(Duration::from_secs(5));
    let state = impatient
        .claim_in(&mut second, &key, open(), RETENTION)
        .await
        .unwrap();
    assert!(matches!(state, ClaimState::InFlight { .. }), "{state:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the second claim waited {:?}",
        started.elapsed()
    );
    second.rollback().await.unwrap();

    first.commit().await.unwrap();
    assert_eq!(s.deliver("evt_1").await, ClaimState::Done);
    assert_eq!(s.business_rows("evt_1").await, 1);
}

/// 200 deliveries of 50 events (four copies of each), all at once through
/// claim, write, commit; a delivery answered in flight is retried as a
/// provider retries a 409. Each event is written exactly once.
#[tokio::test]
async fn concurrent_deliveries_write_each_event_exactly_once() {
    let Some(s) = setup("storm").await else {
        return;
    };
    let s = Arc::new(s);
    let claimed = Arc::new(AtomicUsize::new(0));
    let mut deliveries = tokio::task::JoinSet::new();
    for n in 0..200 {
        let (s, claimed) = (s.clone(), claimed.clone());
        deliveries.spawn(async move {
            let event = format!("evt_{}", n % 50);
            let state = s.deliver_until_settled(&event).await;
            if state == ClaimState::Claimed {
                claimed.fetch_add(1, Ordering::Relaxed);
            }
            state
        });
    }
    while let Some(state) = deliveries.join_next().await {
        let state = state.unwrap();
        assert!(
            matches!(state, ClaimState::Claimed | ClaimState::Done),
            "a delivery never settled: {state:?}"
        );
    }
    assert_eq!(claimed.load(Ordering::Relaxed), 50);
    let rows: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {} WHERE event LIKE 'evt_%'",
        s.business
    ))
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!(rows, 50);
    let distinct: i64 =
        sqlx::query_scalar(&format!("SELECT count(DISTINCT event) FROM {}", s.business))
            .fetch_one(&s.pool)
            .await
            .unwrap();
    assert_eq!(distinct, 50);
}

/// A transactional claim is stale first (its window closed: nothing
/// written, no lock taken), is in flight over a plain claim's running
/// lease, and takes over a lapsed one.
#[tokio::test]
async fn a_transactional_claim_keeps_the_contract_with_plain_claims() {
    let Some(s) = setup("mixed").await else {
        return;
    };
    let closed = Window::new(now_secs() - 10, Some(Duration::ZERO));
    let mut tx = s.pool.begin().await.unwrap();
    let state = s
        .store
        .claim_in(&mut tx, &s.key("evt_stale"), closed, RETENTION)
        .await
        .unwrap();
    assert_eq!(state, ClaimState::Stale);
    tx.commit().await.unwrap();
    assert_eq!(s.store_rows("evt_stale").await, 0);

    let key = s.key("evt_1");
    let lease = Duration::from_millis(300);
    let plain = s.store.claim(&key, "plain", lease, open()).await.unwrap();
    assert_eq!(plain, ClaimState::Claimed);
    assert!(matches!(
        s.deliver("evt_1").await,
        ClaimState::InFlight { .. }
    ));
    tokio::time::sleep(lease + Duration::from_millis(400)).await;
    assert_eq!(s.deliver("evt_1").await, ClaimState::Claimed);
    // The plain holder, taken over, can no longer complete.
    assert!(!s.store.complete(&key, "plain", RETENTION).await.unwrap());
    assert_eq!(s.deliver("evt_1").await, ClaimState::Done);
    assert_eq!(s.business_rows("evt_1").await, 1);
}

/// `purge_expired` deletes the rows whose expiry passed, and only those:
/// not a live claim, not a delivery done and kept, not one whose retention
/// ran out but whose window is still open.
#[tokio::test]
async fn purge_removes_only_expired_rows() {
    let Some(s) = setup("purge").await else {
        return;
    };
    let table = unique_name("seen");
    let store = PostgresStore::new(s.pool.clone())
        .with_table(&table)
        .unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap(); // idempotent
    let unbounded = Window::unbounded();
    let k = |name: &str| Key::new("p", name);
    let short = Duration::from_millis(200);
    let long = Duration::from_secs(3600);
    // Kept: a live claim, a done delivery within its retention, one past
    // its retention with its window still open. (The first claim starts
    // the store's own purge: over before anything expires.)
    for key in ["claim-live", "done-kept", "done-windowed"] {
        assert_eq!(
            store.claim(&k(key), "t", long, open()).await.unwrap(),
            ClaimState::Claimed
        );
    }
    assert!(store.complete(&k("done-kept"), "t", long).await.unwrap());
    assert!(
        store
            .complete(&k("done-windowed"), "t", Duration::ZERO)
            .await
            .unwrap()
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Expired by the time of the purge: a done delivery past its retention,
    // a lapsed claim with no window, a transactional claim kept for 200 ms.
    for key in ["done-expired", "claim-expired"] {
        assert_eq!(
            store.claim(&k(key), "t", short, unbounded).await.unwrap(),
            ClaimState::Claimed
        );
    }
    assert!(
        store
            .complete(&k("done-expired"), "t", short)
            .await
            .unwrap()
    );
    let mut tx = s.pool.begin().await.unwrap();
    let state = store
        .claim_in(&mut tx, &k("in-expired"), unbounded, short)
        .await
        .unwrap();
    assert_eq!(state, ClaimState::Claimed);
    tx.commit().await.unwrap();
    tokio::time::sleep(short + Duration::from_millis(400)).await;

    assert_eq!(store.purge_expired().await.unwrap(), 3);
    let mut left: Vec<String> = sqlx::query_scalar(&format!("SELECT key FROM {table}"))
        .fetch_all(&s.pool)
        .await
        .unwrap();
    left.sort();
    assert_eq!(left, ["p:claim-live", "p:done-kept", "p:done-windowed"]);
    assert_eq!(store.purge_expired().await.unwrap(), 0);
    // What was purged was already absent; what is left still counts.
    assert_eq!(
        store
            .claim(&k("done-expired"), "u", long, open())
            .await
            .unwrap(),
        ClaimState::Claimed
    );
    for key in ["done-kept", "done-windowed"] {
        assert_eq!(
            store.claim(&k(key), "u", long, open()).await.unwrap(),
            ClaimState::Done
        );
    }
    // In flight, for what is left of the live claim's hour.
    let live = store
        .claim(&k("claim-live"), "u", long, open())
        .await
        .unwrap();
    assert!(
        matches!(live, ClaimState::InFlight { retry_after }
            if retry_after <= long && retry_after > long - Duration::from_secs(60)),
        "{live:?}"
    );
}

/// A purge over more rows than one statement deletes goes on until none
/// is left.
#[tokio::test]
async fn purge_works_in_batches() {
    let Some(s) = setup("batches").await else {
        return;
    };
    let table = unique_name("many");
    let store = PostgresStore::new(s.pool.clone())
        .with_table(&table)
        .unwrap();
    store.migrate().await.unwrap();
    // 2500 rows long expired (in 1970), and one kept for ten years;
    // written directly, as no claim of this store may start its own purge.
    sqlx::query(&format!(
        "INSERT INTO {table} (key, token, done, expires_at) \
         SELECT 'k' || n, 't', true, 1000 FROM generate_series(1, 2500) AS n \
         UNION ALL SELECT 'kept', 't', true, 4000000000000"
    ))
    .execute(&s.pool)
    .await
    .unwrap();
    assert_eq!(store.purge_expired().await.unwrap(), 2500);
    let left: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(left, 1);
}

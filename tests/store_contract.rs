//! The `DedupStore` contract suite (`dedup::contract`, feature
//! `store-contract`) run against the crate's own stores: the in-memory one,
//! a real Redis, and a real PostgreSQL.
#![cfg(feature = "store-contract")]

mod common;

use signed_webhooks::dedup::{MemoryStore, contract};

#[tokio::test]
async fn the_memory_store_keeps_the_contract() {
    contract::run_all(MemoryStore::new).await.unwrap();
}

#[tokio::test]
async fn the_memory_store_keeps_the_contract_of_bounded_stores() {
    contract::capacity(MemoryStore::with_capacity)
        .await
        .unwrap();
}

/// The suite finds a broken store, and says which promise it broke: a
/// store that forgets every completion.
#[tokio::test]
async fn the_suite_names_the_promise_a_store_breaks() {
    use signed_webhooks::dedup::{ClaimState, DedupStore, Key, StoreFuture, Window};
    use std::time::Duration;

    #[derive(Debug, Default)]
    struct Forgetful(MemoryStore);

    impl DedupStore for Forgetful {
        fn claim<'a>(
            &'a self,
            key: &'a Key,
            token: &'a str,
            lease: Duration,
            window: Window,
        ) -> StoreFuture<'a, ClaimState> {
            self.0.claim(key, token, lease, window)
        }
        fn complete<'a>(
            &'a self,
            key: &'a Key,
            token: &'a str,
            _: Duration,
        ) -> StoreFuture<'a, bool> {
            // Acknowledges, and frees the key instead.
            Box::pin(async move { self.0.release(key, token).await })
        }
        fn release<'a>(&'a self, key: &'a Key, token: &'a str) -> StoreFuture<'a, bool> {
            self.0.release(key, token)
        }
    }

    let violation = contract::run_all(Forgetful::default).await.unwrap_err();
    assert_eq!(
        violation.promise(),
        "a free key is claimed, a held one is in flight, a completed one is done"
    );
    assert!(
        violation.detail().contains("Claimed, not Done"),
        "{violation}"
    );
}

#[cfg(feature = "redis")]
mod redis {
    use std::sync::Arc;
    use std::time::Duration;

    use super::common::redis::{redis, unique_prefix};
    use signed_webhooks::dedup::{RedisStore, contract};

    #[tokio::test]
    async fn the_redis_store_keeps_the_contract() {
        let Some(redis) = redis("the_redis_store_keeps_the_contract") else {
            return;
        };
        contract::run_all(|| {
            RedisStore::open(&redis.url)
                .unwrap()
                .with_prefix(unique_prefix("contract"))
        })
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn an_unreachable_redis_fails_every_operation_as_unavailable() {
        let Some(mut redis) = redis("an_unreachable_redis_fails_every_operation_as_unavailable")
        else {
            return;
        };
        if !redis.is_own() {
            eprintln!(
                "\n!!!!!!!! an_unreachable_redis: SKIPPED, REDIS_URL is an external server this test cannot kill\n"
            );
            return;
        }
        let store = RedisStore::open(&redis.url)
            .unwrap()
            .with_prefix(unique_prefix("down"))
            .with_timeout(Duration::from_secs(1));
        redis.kill();
        contract::unavailable(Arc::new(store.clone()))
            .await
            .unwrap();
        // Back up: the same store works again.
        redis.restart();
        contract::run_all(move || store.clone().with_prefix(unique_prefix("back")))
            .await
            .unwrap();
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use std::sync::Arc;
    use std::time::Duration;

    use super::common::postgres::postgres;
    use signed_webhooks::dedup::{PostgresStore, contract};

    #[tokio::test]
    async fn the_postgres_store_keeps_the_contract() {
        let Some(postgres) = postgres("the_postgres_store_keeps_the_contract") else {
            return;
        };
        let store = PostgresStore::new(postgres.pool().await);
        store.migrate().await.unwrap();
        contract::run_all(|| store.clone()).await.unwrap();
    }

    #[tokio::test]
    async fn an_unreachable_postgres_fails_every_operation_as_unavailable() {
        let Some(mut postgres) =
            postgres("an_unreachable_postgres_fails_every_operation_as_unavailable")
        else {
            return;
        };
        if !postgres.is_own() {
            eprintln!(
                "\n!!!!!!!! an_unreachable_postgres: SKIPPED, DATABASE_URL is an external server this test cannot kill\n"
            );
            return;
        }
        let store = PostgresStore::new(postgres.pool().await).with_timeout(Duration::from_secs(1));
        store.migrate().await.unwrap();
        postgres.kill();
        contract::unavailable(Arc::new(store.clone()))
            .await
            .unwrap();
        // Back up: the same store (and pool) works again, once the server
        // answers (the pool reconnects; on a loaded machine the first
        // connections may take longer than the 1 s used above).
        postgres.restart();
        let store = store.with_timeout(Duration::from_secs(10));
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while store.purge_expired().await.is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "PostgreSQL did not come back"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        contract::run_all(move || store.clone()).await.unwrap();
    }
}

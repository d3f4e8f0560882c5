//! Duplicate detection: a store of the deliveries seen before, so that a
//! provider's redelivery or a replayed request does not run the handler
//! twice, and a claim that is a lease, so that a delivery whose handler
//! failed runs again when the provider retries it.
//!
//! # What it guarantees
//!
//! With a [`Deduplicator`] in front of a handler (the axum layer, the
//! actix-web middleware, or [`Deduplicator::claim`] by hand), each delivery
//! (one event, at one endpoint) is:
//!
//! - **processed at least once**: it is marked done only when its handler
//!   answered 2xx; a handler that fails, panics or is cancelled (the client
//!   went away, a timeout) releases it, and the provider's retry runs it
//!   again;
//! - **not processed again once done**: its redeliveries and replays are
//!   answered 200 without running the handler, for as long as the store
//!   remembers it (the retention, which covers the provider's retries, and
//!   at least the delivery's window);
//! - **run once at a time**: while its handler runs, another delivery of it
//!   is answered 409, as long as the handler finishes within its lease
//!   (30 s unless set).
//!
//! That is at-least-once processing with duplicates refused, **not exactly
//! once**: a handler that did its work and then did not answer 2xx (it
//! crashed, timed out, or its request was dropped) runs again on the
//! retry. Make its effects idempotent, or commit them with the duplicate
//! record: the PostgreSQL store's transactional claim (feature `postgres`)
//! writes that a delivery is done in the handler's own transaction, so its
//! database writes happen exactly once.
//!
//! Each delivery is *claimed* before its handler runs:
//!
//! - first delivery: [`Claim::First`], with a [`ClaimGuard`]. When the
//!   handler succeeds, [`ClaimGuard::complete`] marks the delivery done;
//!   when it fails, [`ClaimGuard::release`] (or dropping the guard) frees it
//!   at once, and if the process dies the claim expires after its lease.
//! - already done: [`Claim::Duplicate`]; answer 200 without running the
//!   handler, so the provider stops retrying and a replay gains nothing.
//! - being processed right now: [`Claim::InFlight`]; answer 409 so the
//!   provider retries once the first attempt has finished or failed.
//! - its window closed before it reached the store (a request held up
//!   between its time check and its claim): refused with
//!   [`Error::TimestampTooOld`] (401), as the verifier would refuse it now.
//!
//! ```
//! use signed_webhooks::dedup::{Claim, Deduplicator};
//! use signed_webhooks::{Signer, Stripe, Verifier};
//!
//! # async fn process(_: &[u8]) -> Result<(), ()> { Ok(()) }
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! # let secret = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";
//! # let body = br#"{"id":"evt_1"}"#;
//! # let headers = Signer::<Stripe>::new(secret)?.sign(body);
//! let verifier = Verifier::<Stripe>::new(secret)?;
//! let dedup = Deduplicator::in_memory();
//!
//! // The key comes from the verification: only what the provider signed names a delivery.
//! let (verified, key) = verifier.verify_with_key(&headers, body)?;
//! // `None` only for a provider whose deliveries have no key (Dropbox): process each one.
//! let key = key.ok_or("Stripe's deliveries have a key")?;
//! assert_eq!(key.as_str(), "stripe:id:evt_1");
//! match dedup.claim("/webhooks/stripe", &key).await? {
//!     Claim::First(guard) => {
//!         if process(body).await.is_ok() {
//!             guard.complete().await?; // a duplicate from now on
//!         } else {
//!             guard.release().await?; // the next retry runs again
//!         }
//!     }
//!     Claim::Duplicate => {}                  // answer 200, do nothing
//!     Claim::InFlight { .. } => {}            // answer 409, retried later
//!     Claim::Stale(error) => return Err(error.into()), // 401, as the verifier would now
//!     _ => {}
//! }
//! assert!(matches!(dedup.claim("/webhooks/stripe", &key).await?, Claim::Duplicate));
//! // Another endpoint of the same provider processes its own delivery of the event.
//! assert!(matches!(dedup.claim("/webhooks/stripe-connect", &key).await?, Claim::First(_)));
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(run()).unwrap();
//! ```
//!
//! # Keys
//!
//! A delivery's key in the store is its endpoint, its provider and what the
//! provider signed to name it ([`Key`]): `/webhooks/stripe:stripe:id:evt_1`.
//! The adapters take the endpoint from the route that matched (axum's
//! `MatchedPath`, actix-web's match pattern), never from the request's raw
//! path, which whoever replays a request could vary. So two routes of one
//! provider (Stripe's platform and Connect endpoints; Svix, which sends one
//! message with one `svix-id` to every endpoint subscribed) each process
//! the event once, and every receiver of a fleet serving one route shares
//! its keys.
//!
//! # What bounds what
//!
//! Every decision of a store is taken on the store's own clock (the
//! process's for [`MemoryStore`], the server's for `RedisStore` and
//! `PostgresStore`):
//!
//! - **The window bounds replays.** A claim whose window has closed is
//!   refused as [`ClaimState::Stale`], and an entry is kept at least until
//!   the latest window of the claims that reached it has closed. So once a
//!   delivery is done, no request that reached the store for it, nor any
//!   copy of one, runs the handler again, however long it was held up
//!   between its time check and its claim: either the entry is still
//!   there, or the window has closed and the claim is stale.
//! - **The retention bounds redeliveries.** A completed delivery is kept
//!   for the retention from its completion, so that the provider's
//!   redeliveries, signed anew, are duplicates. Unless set, it is the
//!   provider's retry span ([`Retries::span`]) and a day, at least 48 h
//!   ([`default_retention`]): four days for Stripe and GitHub (whose
//!   deliveries can be redelivered by hand for three), about 100 h for
//!   Standard Webhooks, about 51 h for Unleeshed, 48 h for Commet, a week
//!   where the provider does not say.
//! - **The lease bounds a crashed holder.** A claim neither completed nor
//!   released within its lease is taken over by the next delivery. A
//!   handler slower than its lease still marks its delivery done when it
//!   finishes, unless another delivery took the claim over meanwhile.
//! - **Deliveries with no signed time** ([`Window::unbounded`]: GitHub's,
//!   or a verifier
//!   [`dangerous_without_timestamp_check`](crate::Verifier::dangerous_without_timestamp_check))
//!   have a window that never closes, so nothing but the store's memory
//!   refuses their replays: they are remembered for the retention, and a
//!   [`MemoryStore`] that is full forgets them oldest first rather than
//!   refuse new deliveries. A replay of a delivery forgotten that way runs
//!   the handler again.
//!
//! # When the store fails
//!
//! A store that cannot be reached, or a [`MemoryStore`] whose room for an
//! endpoint is full, fails the claim. What happens then depends on the
//! provider ([`Retries`]): a delivery from a provider that retries is
//! refused with 503, and comes again; one from a provider that never
//! retries (GitHub) would be lost, so it is processed without duplicate
//! detection, and the log says so at error level. [`Deduplicator::fail_open`]
//! and [`Deduplicator::fail_closed`] choose one behaviour for every
//! provider instead.
//!
//! # Writing a store
//!
//! Implement [`DedupStore`] and run the contract suite against it: the
//! `store-contract` feature brings `dedup::contract`, whose
//! `contract::run_all` checks every promise of the trait and names the one
//! a store breaks. This crate runs it against [`MemoryStore`], a real
//! Redis and a real PostgreSQL.

use std::any::TypeId;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Error;
use crate::providers::Retries;
use crate::time::unix_now;

#[cfg(feature = "store-contract")]
pub mod contract;
mod key;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) mod slot;
mod store;
mod window;

pub use key::{DeliveryKey, Key};
pub use memory::{DEFAULT_CAPACITY, MemoryStore};
#[cfg(feature = "redis")]
pub use redis::RedisStore;
pub use store::{ClaimState, DedupStore, StoreError, StoreFuture};
pub use window::Window;

#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;

/// How long a claim holds before it expires if its holder never completes or
/// releases it (a crashed process), unless set otherwise: 30 seconds.
///
/// Handlers should be fast (store the event, answer, process later). A
/// handler still running after its lease still marks its delivery done when
/// it finishes, but a redelivery arriving meanwhile takes the claim over and
/// is processed in parallel.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// The least a completed delivery is remembered unless set otherwise: 48
/// hours. Providers whose redeliveries span longer get longer
/// ([`default_retention`]).
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(48 * 3600);

/// What a default retention adds to a provider's retry span: a day, for
/// late retries and clocks.
const RETENTION_MARGIN: Duration = Duration::from_secs(24 * 3600);

/// The default retention where the provider does not say how long it
/// retries: a week, longer than any retry span the providers this crate
/// knows publish.
const UNKNOWN_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Below this many deliveries per second, sustained, filling a bounded
/// store's room for one endpoint is worth a warning.
const FILL_WARNING_RATE: f64 = 100.0;

/// The longest a store is asked to remember anything: ten years. Stores
/// (Redis among them) refuse expiries beyond their clock's range, and a
/// tolerance longer than this checks nothing.
pub(crate) const MAX_KEEP: Duration = Duration::from_secs(10 * 365 * 86_400);

/// How long a completed delivery of a provider that redelivers as `retries`
/// says is remembered, unless the deduplicator sets a retention: its retry
/// span and a day, at least [`DEFAULT_RETENTION`]; a week where the span is
/// unknown.
///
/// ```
/// use std::time::Duration;
/// use signed_webhooks::dedup::default_retention;
/// use signed_webhooks::{GitHub, LeadLex, Provider, Stripe, Unleeshed};
///
/// let days = |n: u64| Duration::from_secs(n * 86_400);
/// assert_eq!(default_retention(Stripe::RETRIES), days(4)); // retries for 3 days
/// assert_eq!(default_retention(GitHub::RETRIES), days(4)); // redelivered by hand for 3 days
/// assert_eq!(default_retention(Unleeshed::RETRIES), days(2) + Duration::from_secs(9_360)); // retries for 26.6 h
/// assert_eq!(default_retention(LeadLex::RETRIES), days(7)); // does not say
/// ```
pub const fn default_retention(retries: Retries) -> Duration {
    match retries.span() {
        Some(span) => {
            let covered = span.saturating_add(RETENTION_MARGIN);
            if covered.as_secs() > DEFAULT_RETENTION.as_secs() {
                covered
            } else {
                DEFAULT_RETENTION
            }
        }
        None => UNKNOWN_RETENTION,
    }
}

/// The outcome of [`Deduplicator::claim`].
#[derive(Debug)]
#[must_use]
#[non_exhaustive]
pub enum Claim {
    /// A first delivery (or a retry of one that failed): process it, then
    /// [`complete`](ClaimGuard::complete) the guard.
    First(ClaimGuard),
    /// Already processed: answer 200 and do nothing.
    Duplicate,
    /// Being processed by another request right now: answer 409 so the
    /// provider retries after `retry_after`.
    InFlight {
        /// The time left on the other request's lease.
        retry_after: Duration,
    },
    /// The delivery's window had closed when the claim reached the store (a
    /// request held up after its time check): refuse it with this error
    /// (401 `timestamp_too_old`), as the verifier would refuse it now.
    Stale(Error),
}

/// What to do with a delivery when its claim fails for the store's sake
/// (unreachable, or full).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnStoreFailure {
    /// Refuse it (503) if its provider retries; process it, logged, if it
    /// never does.
    ByProvider,
    /// Process it, logged.
    Open,
    /// Refuse it, whatever the provider.
    Closed,
}

/// The policy for claiming deliveries, and the store that keeps claims.
///
/// Cheap to clone; clones share the store. In axum it is a layer
/// (`.layer(dedup)`), in actix-web middleware (`.wrap(dedup)`).
#[derive(Clone)]
pub struct Deduplicator {
    store: Arc<dyn DedupStore>,
    /// Prepended to every key's endpoint, escaped; empty for none.
    namespace: Arc<str>,
    lease: Duration,
    /// `None`: each provider's [`default_retention`].
    retention: Option<Duration>,
    on_store_failure: OnStoreFailure,
    /// The provider type first seen at each partition, shared by clones.
    seen: Arc<RwLock<HashMap<String, TypeId>>>,
    /// The store, when it is PostgreSQL: it can claim inside a transaction.
    #[cfg(feature = "postgres")]
    postgres: Option<PostgresStore>,
}

/// The outcome of [`Deduplicator::claim_in_transaction`].
#[cfg(feature = "postgres")]
#[derive(Debug)]
#[must_use]
#[non_exhaustive]
pub enum TransactionClaim {
    /// A first delivery (or a retry of one whose transaction did not
    /// commit): the delivery is written done in this open transaction.
    /// Write the handler's effects in it and commit: the delivery is done
    /// if, and only if, the commit succeeds. Drop it, or roll it back, and
    /// the provider's retry runs again.
    First(sqlx::Transaction<'static, sqlx::Postgres>),
    /// Already committed: answer 200 and do nothing.
    Duplicate,
    /// Another open transaction (or a plain claim) holds it: answer 409.
    InFlight {
        /// When a retry is worth trying.
        retry_after: Duration,
    },
    /// The delivery's window had closed when the claim reached the
    /// database: refuse it with this error (401), as the verifier would.
    Stale(Error),
}

impl Deduplicator {
    /// Claims kept in `store`, with the [`DEFAULT_LEASE`], and each
    /// provider's [`default_retention`].
    pub fn new<S: DedupStore + 'static>(store: S) -> Self {
        #[cfg(feature = "postgres")]
        let postgres = (&store as &dyn std::any::Any)
            .downcast_ref::<PostgresStore>()
            .cloned();
        Deduplicator {
            store: Arc::new(store),
            namespace: Arc::from(""),
            lease: DEFAULT_LEASE,
            retention: None,
            on_store_failure: OnStoreFailure::ByProvider,
            seen: Arc::default(),
            #[cfg(feature = "postgres")]
            postgres,
        }
    }

    /// Claims kept in a [`MemoryStore`] with its default capacity: for a
    /// single receiver process.
    pub fn in_memory() -> Self {
        Deduplicator::new(MemoryStore::new())
    }

    /// The same store and policy, with keys in a namespace of their own:
    /// one per tenant, say, where tenants share routes. (Keys already name
    /// their endpoint and provider.)
    ///
    /// ```
    /// use signed_webhooks::dedup::Deduplicator;
    ///
    /// let shared = Deduplicator::in_memory();
    /// let eu = shared.namespaced("eu");
    /// let us = shared.namespaced("us");
    /// # let _ = (eu, us);
    /// ```
    #[must_use]
    pub fn namespaced(&self, namespace: &str) -> Self {
        let mut dedup = self.clone();
        dedup.namespace = Arc::from(namespace);
        dedup
    }

    /// Sets how long a claim holds when its holder neither completes nor
    /// releases it.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets how long completed deliveries are remembered (at most ten
    /// years), for every provider, instead of each provider's
    /// [`default_retention`]. A delivery is always remembered at least until
    /// its window closes, whatever this says; one whose window never closes
    /// (no signed time, or no time check) is remembered for this long only,
    /// and a replay of it after that runs again.
    #[must_use]
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = Some(retention.min(MAX_KEEP));
        self
    }

    /// When the store is unavailable or full, process every delivery
    /// anyway, logged, instead of refusing those of providers that retry
    /// with 503.
    ///
    /// Failing open keeps a receiver processing while its store is down, at
    /// the price of duplicates (and of replays within the tolerance window)
    /// running the handler again. Choose it only when your processing is
    /// idempotent anyway. Deliveries of providers that never retry are
    /// processed anyway by default.
    #[must_use]
    pub fn fail_open(mut self) -> Self {
        self.on_store_failure = OnStoreFailure::Open;
        self
    }

    /// When the store is unavailable or full, refuse every delivery with
    /// 503, even those of providers that never retry (GitHub), which are
    /// then lost unless redelivered by hand: for handlers that must never
    /// run twice, whatever the cost. Each such loss is logged at error
    /// level.
    #[must_use]
    pub fn fail_closed(mut self) -> Self {
        self.on_store_failure = OnStoreFailure::Closed;
        self
    }

    /// The lease in force.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// How long a completed delivery of a provider that redelivers as
    /// `retries` says is remembered: the retention set, or the provider's
    /// [`default_retention`].
    pub fn retention_for(&self, retries: Retries) -> Duration {
        self.retention.unwrap_or(default_retention(retries))
    }

    /// The store.
    pub fn store(&self) -> &dyn DedupStore {
        &*self.store
    }

    /// Claims the delivery named `key` (from
    /// [`Verifier::verify_with_key`](crate::Verifier::verify_with_key)) at
    /// `endpoint` (the route it came to, such as `/webhooks/stripe`): the
    /// same event at two endpoints is two deliveries. A delivery whose
    /// window had closed when the claim reached the store is
    /// [`Claim::Stale`].
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] and [`StoreError::Full`] when the store
    /// fails and the delivery is not processed anyway (its provider
    /// retries, and the deduplicator does not fail open): refuse it with
    /// 503, the provider retries it later. [`StoreError::NameConflict`]
    /// when two provider types with one name reach `endpoint`.
    pub async fn claim(&self, endpoint: &str, key: &DeliveryKey) -> Result<Claim, StoreError> {
        let store_key = Key::of(&self.namespace, endpoint, key);
        self.first_sight(&store_key, key)?;
        let token = new_token();
        let window = key.window();
        match self
            .store
            .claim(&store_key, &token, self.lease, window)
            .await
        {
            Ok(ClaimState::Claimed) => Ok(Claim::First(ClaimGuard {
                store: Some(self.store.clone()),
                retention: self.retention_for(key.retries()),
                key: store_key,
                token,
            })),
            Ok(ClaimState::Done) => Ok(Claim::Duplicate),
            Ok(ClaimState::InFlight { retry_after }) => Ok(Claim::InFlight { retry_after }),
            Ok(ClaimState::Stale) => stale(&store_key, window).map(Claim::Stale),
            Err(error @ (StoreError::Unavailable(_) | StoreError::Full { .. }))
                if self.processes_anyway(key) =>
            {
                self.log_processing_anyway(&store_key, key, &error);
                Ok(Claim::First(ClaimGuard {
                    store: None,
                    key: store_key,
                    token,
                    retention: Duration::ZERO,
                }))
            }
            // Failing closed: the caller refuses the delivery (the adapters
            // with 503, logging the error and its cause) and the provider
            // retries it.
            Err(error) => {
                tracing::debug!(target: "signed_webhooks", key = store_key.as_str(), "duplicate store refused a claim: {error}");
                Err(error)
            }
        }
    }

    /// Claims the delivery named `key` at `endpoint` inside a new
    /// transaction of the [`PostgresStore`]'s pool, written done in it: the
    /// handler writes its effects in the same transaction and commits, so
    /// the record that the delivery is done commits with them or not at
    /// all ([`PostgresStore::claim_in`] says exactly what that guarantees).
    /// The axum and actix-web `WebhookTx` extractors do this, and commit
    /// when the handler answers 2xx.
    ///
    /// ```no_run
    /// use signed_webhooks::dedup::{Deduplicator, PostgresStore, TransactionClaim};
    /// use signed_webhooks::{Stripe, Verifier};
    ///
    /// # async fn handle(dedup: &Deduplicator, verifier: &Verifier<Stripe>, headers: &http::HeaderMap, body: &[u8])
    /// #     -> Result<u16, Box<dyn std::error::Error>> {
    /// let (_, key) = verifier.verify_with_key(headers, body)?;
    /// let key = key.ok_or("Stripe's deliveries have a key")?;
    /// Ok(match dedup.claim_in_transaction("/webhooks/stripe", &key).await? {
    ///     TransactionClaim::First(mut tx) => {
    ///         sqlx::query("INSERT INTO payments (event) VALUES ($1)")
    ///             .bind(key.as_str())
    ///             .execute(&mut *tx)
    ///             .await?;
    ///         tx.commit().await?; // an error here: answer 503, the retry runs again
    ///         200
    ///     }
    ///     TransactionClaim::Duplicate => 200,
    ///     TransactionClaim::InFlight { .. } => 409,
    ///     TransactionClaim::Stale(_) => 401,
    ///     _ => 503,
    /// })
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the store is not a
    /// [`PostgresStore`], or the database cannot begin the transaction or
    /// answer the claim: refuse with 503 (the provider retries; the log
    /// says so at error level for a provider that never does: with the
    /// database down, the handler could not write its effects either).
    /// [`StoreError::NameConflict`] as for [`claim`](Deduplicator::claim).
    #[cfg(feature = "postgres")]
    pub async fn claim_in_transaction(
        &self,
        endpoint: &str,
        key: &DeliveryKey,
    ) -> Result<TransactionClaim, StoreError> {
        let Some(store) = &self.postgres else {
            return Err(StoreError::Unavailable(
                "a transactional claim needs a Deduplicator on a PostgresStore".into(),
            ));
        };
        let store_key = Key::of(&self.namespace, endpoint, key);
        self.first_sight(&store_key, key)?;
        let mut tx = store.begin().await?;
        let retention = self.retention_for(key.retries());
        let state = store
            .claim_in(&mut tx, &store_key, key.window(), retention)
            .await?;
        Ok(match state {
            ClaimState::Claimed => TransactionClaim::First(tx),
            other => {
                // The window it recorded commits; nothing else was written.
                if let Err(error) = tx.commit().await {
                    tracing::debug!(target: "signed_webhooks", key = store_key.as_str(), "could not record a window: {error}");
                }
                match other {
                    ClaimState::Done => TransactionClaim::Duplicate,
                    ClaimState::InFlight { retry_after } => {
                        TransactionClaim::InFlight { retry_after }
                    }
                    _ => TransactionClaim::Stale(stale(&store_key, key.window())?),
                }
            }
        })
    }

    fn processes_anyway(&self, key: &DeliveryKey) -> bool {
        match self.on_store_failure {
            OnStoreFailure::ByProvider => key.retries().is_never(),
            OnStoreFailure::Open => true,
            OnStoreFailure::Closed => false,
        }
    }

    fn log_processing_anyway(&self, store_key: &Key, key: &DeliveryKey, error: &StoreError) {
        let cause = std::error::Error::source(error)
            .map(|cause| format!(" ({cause})"))
            .unwrap_or_default();
        if self.on_store_failure == OnStoreFailure::Open {
            crate::log_warn!(
                key = store_key.as_str(),
                "{error}{cause}; failing open: processing the delivery without duplicate detection"
            );
        } else {
            tracing::error!(
                target: "signed_webhooks",
                key = store_key.as_str(),
                "{error}{cause}; processing the delivery anyway, without duplicate detection: \
                 {} never retries, so refusing it would lose it (a replay or a redelivery by hand \
                 while the store fails runs the handler again)",
                key.provider()
            );
        }
    }

    /// Checks, the first time a partition (endpoint and provider) is seen,
    /// that one provider type owns its name there, and warns when the store
    /// would fill at a modest rate.
    fn first_sight(&self, store_key: &Key, key: &DeliveryKey) -> Result<(), StoreError> {
        let partition = store_key.partition();
        let owner = |seen: &TypeId| {
            if *seen == key.provider_type() {
                Ok(())
            } else {
                Err(StoreError::NameConflict {
                    provider: key.provider().to_owned(),
                    partition: partition.to_owned(),
                })
            }
        };
        if let Some(seen) = self
            .seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(partition)
        {
            return owner(seen);
        }
        let mut seen = self.seen.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(seen) = seen.get(partition) {
            return owner(seen);
        }
        seen.insert(partition.to_owned(), key.provider_type());
        drop(seen);
        self.warn_if_it_fills(store_key, key);
        Ok(())
    }

    /// Warns when a bounded store's room for this partition fills at a
    /// sustained rate below [`FILL_WARNING_RATE`].
    fn warn_if_it_fills(&self, store_key: &Key, key: &DeliveryKey) {
        let Some(capacity) = self.store.capacity() else {
            return;
        };
        let retention = self.retention_for(key.retries());
        let (kept, why) = match key.window().tolerance() {
            Some(window) => (window, "its replay window"),
            None => (retention, "its retention (it signs no time)"),
        };
        #[allow(clippy::cast_precision_loss)] // a rate, to two decimals
        let rate = capacity as f64 / kept.as_secs_f64().max(1.0);
        if rate >= FILL_WARNING_RATE {
            return;
        }
        let provider = key.provider();
        let then = match (key.window().tolerance(), key.retries()) {
            (None, _) => format!(
                "the oldest are forgotten before their {} h retention is over, and a replay of \
                 a forgotten one runs the handler again",
                retention.as_secs() / 3600
            ),
            (Some(_), retries) if retries.is_never() => format!(
                "further {provider} deliveries are processed without duplicate detection ({provider} \
                 never retries)"
            ),
            (Some(_), Retries::Unknown { .. }) => format!(
                "further {provider} deliveries are refused with 503, and {provider} does not say \
                 whether it retries them"
            ),
            (Some(_), _) => format!(
                "further {provider} deliveries are refused with 503 (and retried by {provider}) \
                 until the oldest windows close"
            ),
        };
        crate::log_warn!(
            partition = store_key.partition(),
            "the duplicate store holds {capacity} deliveries per endpoint and provider, and keeps \
             each {provider} delivery for {why}, {} h: above {rate:.2} deliveries per second, \
             sustained, its room fills and {then}; raise the capacity \
             (MemoryStore::with_capacity) or use a shared store",
            kept.as_secs() / 3600
        );
    }
}

/// The refusal of a claim that reached the store after its window closed:
/// the verifier's own refusal of a timestamp too old.
fn stale(key: &Key, window: Window) -> Result<Error, StoreError> {
    let (Some(timestamp), Some(tolerance), Some(closes_at)) =
        (window.signed_at(), window.tolerance(), window.closes_at())
    else {
        // A window that never closes cannot be stale: the store broke its
        // contract, so it is not trusted with this delivery.
        return Err(StoreError::Unavailable(
            format!("the store called a claim of {key} stale, but its window never closes").into(),
        ));
    };
    crate::log_warn!(
        "signed-webhooks: refusing {key}: its window closed (at {closes_at}) before it \
         reached the duplicate store, as happens to a request held up after its time check"
    );
    Ok(Error::TimestampTooOld {
        timestamp,
        // The store's clock decided, and read at least this.
        now: unix_now().max(closes_at.saturating_add(1)),
        tolerance,
    })
}

impl fmt::Debug for Deduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deduplicator")
            .field("store", &self.store)
            .field("namespace", &self.namespace)
            .field("lease", &self.lease)
            .field("retention", &self.retention)
            .field("on_store_failure", &self.on_store_failure)
            .finish_non_exhaustive()
    }
}

/// A claimed delivery. Complete it once the delivery is processed (or
/// durably stored); release it, or drop it, if processing failed.
#[must_use = "a claim that is dropped is released: complete it once the delivery is processed"]
pub struct ClaimGuard {
    /// `None` once finished, and for a delivery processed without a claim
    /// because the store failed.
    store: Option<Arc<dyn DedupStore>>,
    key: Key,
    token: String,
    retention: Duration,
}

impl ClaimGuard {
    /// The key claimed.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// Whether the claim is held in a store (`false` when the store failed
    /// and the delivery is processed anyway, without duplicate detection).
    pub fn is_guarded(&self) -> bool {
        self.store.is_some()
    }

    /// Marks the delivery done: from now on it is a duplicate.
    ///
    /// Returns whether it was marked. A claim whose lease ran out is still
    /// completed, unless another delivery took it over meanwhile: then this
    /// returns `false`, and the delivery may have been processed twice
    /// (raise the lease, or make the handler faster).
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the store cannot be reached;
    /// the claim then expires after its lease.
    pub async fn complete(mut self) -> Result<bool, StoreError> {
        match self.store.take() {
            Some(store) => store.complete(&self.key, &self.token, self.retention).await,
            None => Ok(true),
        }
    }

    /// Frees the claim now, so that the provider's next retry is processed.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the store cannot be reached;
    /// the claim then expires after its lease.
    pub async fn release(mut self) -> Result<bool, StoreError> {
        match self.store.take() {
            Some(store) => store.release(&self.key, &self.token).await,
            None => Ok(true),
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            store.release_detached(self.key.clone(), std::mem::take(&mut self.token));
        }
    }
}

impl fmt::Debug for ClaimGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimGuard")
            .field("key", &self.key)
            .field("guarded", &self.store.is_some())
            .finish_non_exhaustive()
    }
}

/// Releases a claim from a destructor (a handler that failed, panicked or
/// was dropped), where nothing can be awaited: in a task of the current
/// Tokio runtime when there is one; else the claim expires with its lease.
#[cfg(any(feature = "redis", feature = "postgres"))]
fn release_in_background<S: DedupStore + Clone + 'static>(store: &S, key: Key, token: String) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let store = store.clone();
        runtime.spawn(async move {
            if let Err(error) = store.release(&key, &token).await {
                crate::log_warn!(
                    "signed-webhooks: could not release the claim on {key} ({error}); it expires \
                     with its lease"
                );
            }
        });
    }
}

/// A duration in whole milliseconds, capped at [`MAX_KEEP`].
pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.min(MAX_KEEP).as_millis()).unwrap_or(i64::MAX)
}

/// The system clock in Unix milliseconds.
pub(crate) fn unix_now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A claim token: unique per claim (across processes too), not secret.
fn new_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // `RandomState` is seeded from the operating system's randomness.
    let random = std::collections::hash_map::RandomState::new();
    let mut hasher = random.build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    let high = hasher.finish();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("{high:016x}{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique() {
        let tokens: std::collections::HashSet<String> = (0..10_000).map(|_| new_token()).collect();
        assert_eq!(tokens.len(), 10_000);
        assert!(tokens.iter().all(|t| t.len() == 32));
    }
}

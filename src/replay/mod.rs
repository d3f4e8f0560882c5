//! Exactly-once processing: a store of deliveries seen before, so that a
//! replayed request or a provider's redelivery does not run the handler
//! twice, and a claim that is a lease, so that a delivery whose handler
//! failed is processed when it comes again.
//!
//! A [`Deduplicator`] holds the policy (lease, retention) and a
//! [`ReplayStore`]: [`MemoryStore`] for one process, or `RedisStore`
//! (feature `redis`) for a fleet of receivers. Each delivery is *claimed*
//! with its [`Window`] (how long its signed time passes the verifier)
//! before its handler runs:
//!
//! - first delivery: [`Claim::First`], with a [`ClaimGuard`]. When the
//!   handler succeeds, [`ClaimGuard::complete`] marks the delivery done for
//!   the retention period; when it fails, [`ClaimGuard::release`] (or
//!   dropping the guard) frees it at once, and if the process dies the claim
//!   expires after its lease. Either way the provider's next retry is
//!   processed.
//! - already done: [`Claim::Duplicate`]; answer 200 without running the
//!   handler, so the provider stops retrying and a replay gains nothing.
//! - being processed right now: [`Claim::InFlight`]; answer 409 so the
//!   provider retries later, when the first attempt has finished or failed.
//! - its window closed before it reached the store (a request held up
//!   between its time check and its claim): refused with
//!   [`Error::TimestampTooOld`] (401), as the verifier would have refused it
//!   a moment later.
//!
//! The axum and actix-web adapters do all of this with a layer or
//! middleware; this module is for other stacks, and for custom stores.
//!
//! ```
//! use signed_webhooks::replay::{Claim, Deduplicator};
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
//! let verified = verifier.verify(&headers, body)?;
//! let key = verifier.delivery_key(&headers, body)?; // "stripe:id:evt_1"
//! match dedup.claim(&key, verified.window()).await? {
//!     Claim::First(guard) => {
//!         if process(body).await.is_ok() {
//!             guard.complete().await?; // now a duplicate for 48 h
//!         } else {
//!             guard.release().await?; // the next retry runs again
//!         }
//!     }
//!     Claim::Duplicate => {}                  // answer 200, do nothing
//!     Claim::InFlight { .. } => {}            // answer 409, retried later
//!     Claim::Stale(error) => return Err(error.into()), // 401, as the verifier would now
//!     _ => {}
//! }
//! assert!(matches!(dedup.claim(&key, verified.window()).await?, Claim::Duplicate));
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(run()).unwrap();
//! ```
//!
//! # What bounds what
//!
//! Every decision of a store is taken on the store's own clock (the
//! process's for [`MemoryStore`], the server's `TIME` for `RedisStore`):
//!
//! - **The window bounds replays.** A claim whose window has closed is
//!   refused as [`ClaimState::Stale`], and an entry is kept at least until
//!   the latest window of the claims that reached it has closed. So once a
//!   delivery is done, no request that reached the store for it (the first,
//!   a duplicate, one refused while in flight), nor any copy of one, runs
//!   the handler again, however long it was held up between its time check
//!   and its claim: either the entry is still there, or the window has
//!   closed and the claim is stale. If the store's clock runs ahead of the
//!   verifier's, deliveries at the very end of their window are refused as
//!   stale (401); the provider retries them, signed anew.
//! - **The retention bounds redeliveries, and memory.** A completed
//!   delivery is kept for the retention (48 h unless set) from its
//!   completion, so that the provider's redeliveries, signed anew, are
//!   duplicates; then it expires (a [`MemoryStore`] that is full forgets it
//!   sooner once its window has closed).
//! - **The lease bounds a crashed holder.** A claim neither completed nor
//!   released within its lease is taken over by the next delivery. A
//!   handler slower than its lease still marks its delivery done when it
//!   finishes, unless another delivery took the claim over meanwhile.
//! - **Deliveries with no signed time** ([`Window::unbounded`]: a scheme
//!   that signs only the body, or a verifier
//!   [`dangerous_without_timestamp_check`](crate::Verifier::dangerous_without_timestamp_check))
//!   have a window that never closes, so nothing but the store's memory
//!   refuses their replays: they are remembered for the retention, and a
//!   [`MemoryStore`] that is full forgets them oldest first rather than
//!   refuse new deliveries. A replay of a delivery forgotten that way runs
//!   the handler again.
//!
//! # Writing a store
//!
//! Implement [`ReplayStore`] and run the contract suite against it: the
//! `store-contract` feature brings `replay::contract`, whose
//! `contract::run_all` checks every promise of the trait and names the one
//! a store breaks. This crate runs it against [`MemoryStore`] and against a
//! real Redis.

use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Error;
use crate::time::unix_now;

#[cfg(feature = "store-contract")]
pub mod contract;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;

pub use memory::{DEFAULT_CAPACITY, MemoryStore};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// How long a claim holds before it expires if its holder never completes or
/// releases it (a crashed process), unless set otherwise: 30 seconds.
///
/// Handlers should be fast (store the event, answer, process later). A
/// handler still running after its lease still marks its delivery done when
/// it finishes, but a redelivery arriving meanwhile takes the claim over and
/// is processed in parallel.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// How long a completed delivery is remembered, unless set otherwise: 48
/// hours, covering the provider's whole retry schedule (immediately, then
/// after 1 m, 5 m, 30 m, 2 h and 24 h: about 26.6 h) with room to spare.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(48 * 3600);

/// The longest a store is asked to remember anything: ten years. Stores
/// (Redis among them) refuse expiries beyond their clock's range, and a
/// tolerance longer than this checks nothing.
pub(crate) const MAX_KEEP: Duration = Duration::from_secs(10 * 365 * 86_400);

/// The boxed future a [`ReplayStore`] returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Why a duplicate store could not answer. The delivery is then refused
/// with 503 and the provider retries it later; nothing is lost.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store cannot be reached (Redis down, say). The cause is in
    /// [`source`](std::error::Error::source), not in the message.
    #[error(
        "the duplicate-delivery store is unavailable; the delivery was not processed and \
         should be retried"
    )]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// An in-memory store is full of deliveries it may not forget yet
    /// (their windows are open), so it cannot remember another without
    /// opening a door to replays.
    #[non_exhaustive]
    #[error(
        "the duplicate-delivery store is full: all {capacity} entries are still within their \
         replay window; the delivery was not processed and should be retried (raise the \
         store's capacity)"
    )]
    Full {
        /// The store's capacity.
        capacity: usize,
    },
}

/// How long a delivery's signed time passes the verifier: until then, a
/// captured copy of the request can be replayed, so its entry must not be
/// forgotten; after it, the request is refused by its timestamp, and a
/// claim that arrives that late is [stale](ClaimState::Stale).
///
/// ```
/// use std::time::Duration;
/// use signed_webhooks::replay::Window;
///
/// // Signed at 1 790 000 000, accepted up to 300 s later.
/// let window = Window::new(1_790_000_000, Some(Duration::from_secs(300)));
/// assert_eq!(window.closes_at(), Some(1_790_000_300));
/// // A verifier without a timestamp check, or a scheme that signs no time.
/// assert_eq!(Window::new(1_790_000_000, None), Window::unbounded());
/// assert_eq!(Window::unbounded().closes_at(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The signed time (Unix seconds) and the tolerance; `None` when the
    /// window never closes.
    bounds: Option<(i64, Duration)>,
}

impl Window {
    /// The window of a delivery signed at `signed_at` (Unix seconds), for a
    /// verifier accepting timestamps up to `tolerance` old (sub-second parts
    /// ignored, as the verifier does): [`Verifier::tolerance`] gives it.
    /// `None`, or a tolerance over ten years, is a window that never closes.
    ///
    /// [`Verifier::tolerance`]: crate::Verifier::tolerance
    pub fn new(signed_at: i64, tolerance: Option<Duration>) -> Window {
        match tolerance {
            Some(tolerance) if tolerance <= MAX_KEEP => Window {
                bounds: Some((signed_at, Duration::from_secs(tolerance.as_secs()))),
            },
            _ => Window::unbounded(),
        }
    }

    /// The window of a delivery that carries no signed time (a scheme that
    /// signs the body alone), or whose time is not checked: it never
    /// closes, so only the store's memory refuses its replays.
    pub const fn unbounded() -> Window {
        Window { bounds: None }
    }

    /// The signed time, in Unix seconds, for a window that closes.
    pub fn signed_at(&self) -> Option<i64> {
        self.bounds.map(|(signed_at, _)| signed_at)
    }

    /// The tolerance, for a window that closes.
    pub fn tolerance(&self) -> Option<Duration> {
        self.bounds.map(|(_, tolerance)| tolerance)
    }

    /// The last Unix second in which the signed time passes the verifier
    /// (which accepts a timestamp exactly `tolerance` old), or `None` when
    /// the window never closes.
    pub fn closes_at(&self) -> Option<i64> {
        self.bounds.map(|(signed_at, tolerance)| {
            signed_at.saturating_add(i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX))
        })
    }

    /// The first Unix millisecond at which the window is closed (the end of
    /// the second [`closes_at`](Window::closes_at) names), or `None` when it
    /// never closes. Stores compare their clock with this.
    pub fn end_millis(&self) -> Option<i64> {
        self.closes_at()
            .map(|closes_at| closes_at.saturating_add(1).saturating_mul(1000))
    }

    /// Whether the window is closed at `now_millis` (Unix milliseconds): the
    /// test a store applies, on its own clock, before granting a claim.
    pub fn is_closed_at(&self, now_millis: i64) -> bool {
        self.end_millis().is_some_and(|end| now_millis >= end)
    }
}

/// What a store found when asked to claim a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimState {
    /// The key was free (never seen, released, expired, or held by a claim
    /// whose lease ran out) and is now claimed with the caller's token.
    Claimed,
    /// The key was completed: a duplicate.
    Done,
    /// Another claim holds the key and its lease has not run out.
    InFlight,
    /// The claim's window had closed by the store's clock: the request
    /// passed its time check too long ago to be trusted now (the store may
    /// have forgotten the delivery it replays). Nothing was changed.
    Stale,
}

/// A store of claims and completed deliveries, shared by every receiver
/// that must not process the same delivery twice.
///
/// Implement it to keep claims elsewhere (a SQL table, say), and check the
/// implementation with the contract suite (feature `store-contract`,
/// `replay::contract::run_all`). The contract, where *now* is the store's
/// own clock, the one clock every decision of the store is taken on:
///
/// - **Stale first.** A claim whose [`Window`] is closed at now
///   ([`Window::is_closed_at`]) is answered [`ClaimState::Stale`], whatever
///   the key holds, and changes nothing. A window that never closes is
///   never stale.
/// - **Exclusive.** `claim` is atomic: of concurrent claims of a free key,
///   exactly one gets [`ClaimState::Claimed`]. A key is free when it holds
///   nothing (never seen, released, expired) or a claim whose lease has run
///   out, which the new claim takes over.
/// - **Windows recorded.** Every claim answered `Claimed`, `Done` or
///   `InFlight` records its window in the key's entry, and the entry is
///   kept at least until the latest window it recorded has closed, whatever
///   the lease or the retention say.
/// - **Complete.** `complete` marks the key done if it holds the caller's
///   claim (even after its lease ran out, while nobody took it over), or if
///   it holds nothing any more (the claim expired and nothing replaced
///   it): the delivery was processed, and forgetting that would let its
///   next delivery run again. Done is kept for `retention` from now, and at
///   least until the windows recorded close. Over another holder's claim,
///   or a key already done, it changes nothing and returns `false`.
/// - **Release.** `release` deletes the key only if it holds the caller's
///   claim, and returns whether it did.
/// - **Expiry.** Entries do not outlive what keeps them: a claim its lease
///   and windows, a completed delivery its retention and windows.
/// - **Forgetting.** A store with bounded room may forget a completed
///   delivery before it expires only if every window it recorded has closed
///   (those that closed first, first), or if it recorded none (after those,
///   the ones due to expire first, first). Never a claim whose lease runs,
///   never an entry with an open window: when nothing may be forgotten, the
///   claim fails with [`StoreError::Full`].
/// - **Errors.** When the store cannot answer, [`StoreError::Unavailable`]:
///   never a claim granted, nor a completion reported, that did not happen.
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// Claims `key` for `lease` with `token`, recording `window`.
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        lease: Duration,
        window: Window,
    ) -> StoreFuture<'a, ClaimState>;

    /// Marks a claimed key done, remembered for `retention` and at least
    /// until the windows it recorded close.
    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        retention: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Frees a claimed key, so that the next delivery claims it.
    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> StoreFuture<'a, bool>;

    /// Frees a claimed key from a destructor, where nothing can be awaited:
    /// a [`ClaimGuard`] dropped without completing (its handler failed or
    /// panicked). The default does nothing and lets the lease expire.
    fn release_detached(&self, key: String, token: String) {
        let _ = (key, token);
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
        /// When a retry is worth trying: the lease.
        retry_after: Duration,
    },
    /// The delivery's window had closed when the claim reached the store (a
    /// request held up after its time check): refuse it with this error
    /// (401 `timestamp_too_old`), as the verifier would refuse it now.
    Stale(Error),
}

/// The policy for claiming deliveries, and the store that keeps claims.
///
/// Cheap to clone; clones share the store.
#[derive(Clone)]
pub struct Deduplicator {
    store: Arc<dyn ReplayStore>,
    namespace: Arc<str>,
    lease: Duration,
    retention: Duration,
    fail_open: bool,
}

impl Deduplicator {
    /// Claims kept in `store`, with the [`DEFAULT_LEASE`] and
    /// [`DEFAULT_RETENTION`].
    pub fn new(store: impl ReplayStore + 'static) -> Self {
        Deduplicator {
            store: Arc::new(store),
            namespace: Arc::from(""),
            lease: DEFAULT_LEASE,
            retention: DEFAULT_RETENTION,
            fail_open: false,
        }
    }

    /// Claims kept in a [`MemoryStore`] with its default capacity: for a
    /// single receiver process.
    pub fn in_memory() -> Self {
        Deduplicator::new(MemoryStore::new())
    }

    /// The same store and policy, with keys in their own namespace: one per
    /// tenant or endpoint that receives the same provider's deliveries
    /// separately. (Keys already start with the provider's name, so
    /// providers never need a namespace of their own.)
    ///
    /// ```
    /// use signed_webhooks::replay::Deduplicator;
    ///
    /// let shared = Deduplicator::in_memory();
    /// let eu = shared.namespaced("eu");
    /// let us = shared.namespaced("us");
    /// # let _ = (eu, us);
    /// ```
    #[must_use]
    pub fn namespaced(&self, namespace: &str) -> Self {
        let mut dedup = self.clone();
        dedup.namespace = Arc::from(format!("{namespace}:"));
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
    /// years). A delivery is always remembered at least until its window
    /// closes, whatever this says; one whose window never closes (no signed
    /// time, or no time check) is remembered for this long only, and a
    /// replay of it after that runs again.
    #[must_use]
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = retention.min(MAX_KEEP);
        self
    }

    /// When the store is unavailable, process deliveries anyway instead of
    /// refusing them with 503.
    ///
    /// The default, failing closed, loses nothing: the provider retries
    /// refused deliveries. Failing open keeps a receiver processing while
    /// its store is down, at the price of duplicates (and of replays within
    /// the tolerance window) running the handler again. Choose it only when
    /// your processing is idempotent anyway.
    #[must_use]
    pub fn fail_open(mut self) -> Self {
        self.fail_open = true;
        self
    }

    /// The lease in force.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The retention in force.
    pub fn retention(&self) -> Duration {
        self.retention
    }

    /// The store.
    pub fn store(&self) -> &dyn ReplayStore {
        &*self.store
    }

    /// Claims the delivery known by `key`
    /// ([`Verifier::delivery_key`](crate::Verifier::delivery_key)), whose
    /// signed time passes the verifier within `window`
    /// ([`Verified::window`](crate::Verified::window)). A delivery whose
    /// window had closed when the claim reached the store is
    /// [`Claim::Stale`].
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] (unless failing open) and
    /// [`StoreError::Full`]: refuse the delivery with 503, the provider
    /// retries it later.
    pub async fn claim(&self, key: &str, window: Window) -> Result<Claim, StoreError> {
        let key = format!("{}{key}", self.namespace);
        let token = new_token();
        let state = self.store.claim(&key, &token, self.lease, window).await;
        match state {
            Ok(ClaimState::Claimed) => Ok(Claim::First(ClaimGuard {
                store: Some(self.store.clone()),
                retention: self.retention,
                key,
                token,
            })),
            Ok(ClaimState::Done) => Ok(Claim::Duplicate),
            Ok(ClaimState::InFlight) => Ok(Claim::InFlight {
                retry_after: self.lease,
            }),
            Ok(ClaimState::Stale) => stale(&key, window).map(Claim::Stale),
            Err(StoreError::Unavailable(cause)) if self.fail_open => {
                crate::log_warn!(
                    "signed-webhooks: replay store unavailable ({cause}); failing open, \
                     processing {key} without duplicate protection"
                );
                Ok(Claim::First(ClaimGuard {
                    store: None,
                    key,
                    token,
                    retention: Duration::ZERO,
                }))
            }
            // Failing closed: the caller refuses the delivery (the adapters
            // with 503, logging the error and its cause) and the provider
            // retries it.
            Err(error) => {
                tracing::debug!(target: "signed_webhooks", key, "replay store refused a claim: {error}");
                Err(error)
            }
        }
    }
}

/// The refusal of a claim that reached the store after its window closed:
/// the verifier's own refusal of a timestamp too old.
fn stale(key: &str, window: Window) -> Result<Error, StoreError> {
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
         reached the replay store, as happens to a request held up after its time check"
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
            .field("fail_open", &self.fail_open)
            .finish()
    }
}

/// A claimed delivery. Complete it once the delivery is processed (or
/// durably stored); release it, or drop it, if processing failed.
#[must_use = "a claim that is dropped is released: complete it once the delivery is processed"]
pub struct ClaimGuard {
    /// `None` once finished, and for a claim granted while failing open.
    store: Option<Arc<dyn ReplayStore>>,
    key: String,
    token: String,
    retention: Duration,
}

impl ClaimGuard {
    /// The key claimed.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Whether the claim is held in a store (`false` only when the
    /// deduplicator failed open because its store was unavailable).
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
            store.release_detached(
                std::mem::take(&mut self.key),
                std::mem::take(&mut self.token),
            );
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

    #[test]
    fn a_window_closes_when_the_verifier_stops_accepting_its_time() {
        let verifier =
            crate::Verifier::<crate::Unleeshed>::new("whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d")
                .unwrap()
                .with_tolerance(Duration::from_millis(300_900));
        let header =
            crate::Signer::<crate::Unleeshed>::new("whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d")
                .unwrap()
                .sign_at(b"{}", 1_000);
        let window = Window::new(1_000, verifier.tolerance());
        assert_eq!(window.closes_at(), Some(1_300));
        assert_eq!(window.end_millis(), Some(1_301_000));
        // The last second the verifier accepts is open, the next is closed.
        assert!(verifier.verify_at(&header, b"{}", 1_300).is_ok());
        assert!(!window.is_closed_at(1_300_999));
        assert!(verifier.verify_at(&header, b"{}", 1_301).is_err());
        assert!(window.is_closed_at(1_301_000));
    }

    #[test]
    fn windows_without_a_time_check_never_close() {
        for window in [
            Window::unbounded(),
            Window::new(1_000, None),
            Window::new(1_000, Some(MAX_KEEP + Duration::from_secs(1))),
            Window::new(1_000, Some(Duration::MAX)),
        ] {
            assert_eq!(window, Window::unbounded());
            assert_eq!((window.closes_at(), window.end_millis()), (None, None));
            assert!(!window.is_closed_at(i64::MAX));
        }
        let far = Window::new(i64::MAX - 5, Some(MAX_KEEP));
        assert_eq!(far.closes_at(), Some(i64::MAX));
        assert!(!far.is_closed_at(i64::MAX - 1));
    }
}

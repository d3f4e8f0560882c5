//! Exactly-once processing: a store of deliveries seen before, so that a
//! replayed request or a provider's redelivery does not run the handler
//! twice, and a claim that is a lease, so that a delivery whose handler
//! failed is processed when it comes again.
//!
//! A [`Deduplicator`] holds the policy (lease, retention) and a
//! [`ReplayStore`]: [`MemoryStore`] for one process, or `RedisStore`
//! (feature `redis`) for a fleet of receivers. Each delivery is *claimed*
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
//!
//! The axum and actix-web adapters do all of this with a layer or
//! middleware; this module is for other stacks, and for custom stores.
//!
//! ```
//! use signed_webhooks::replay::{Claim, Deduplicator};
//!
//! # async fn process(_: &str) -> Result<(), ()> { Ok(()) }
//! # async fn run() -> Result<(), signed_webhooks::Error> {
//! let dedup = Deduplicator::in_memory();
//! let window_closes_at = 1_790_000_300; // signed timestamp + tolerance
//!
//! match dedup.claim("event:evt_1", window_closes_at).await? {
//!     Claim::First(guard) => {
//!         if process("evt_1").await.is_ok() {
//!             guard.complete().await?; // now a duplicate for 48 h
//!         } else {
//!             guard.release().await?; // the next retry runs again
//!         }
//!     }
//!     Claim::Duplicate => {}                  // answer 200, do nothing
//!     Claim::InFlight { .. } => {}            // answer 409, retried later
//! }
//! assert!(matches!(dedup.claim("event:evt_1", window_closes_at).await?, Claim::Duplicate));
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(run()).unwrap();
//! ```

use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Error;
use crate::verify::unix_now;

mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use memory::{DEFAULT_CAPACITY, MemoryStore};
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// How long a claim holds before it expires if its holder never completes or
/// releases it (a crashed process), unless set otherwise: 30 seconds.
///
/// Handlers should be fast (store the event, answer, process later); a
/// handler still running after the lease may see a redelivery processed in
/// parallel.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// How long a completed delivery is remembered, unless set otherwise: 48
/// hours, covering the provider's whole retry schedule (immediately, then
/// after 1 m, 5 m, 30 m, 2 h and 24 h: about 26.6 h) with room to spare.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(48 * 3600);

/// The longest a store is asked to remember anything: ten years. A
/// verifier without a timestamp check has windows that never close; stores
/// (Redis among them) refuse expiries beyond their clock's range.
pub(crate) const MAX_KEEP: Duration = Duration::from_secs(10 * 365 * 86_400);

/// The boxed future a [`ReplayStore`] returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// What a store found when asked to claim a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimState {
    /// The key was free (never seen, released, or its lease or retention
    /// expired) and is now claimed with the caller's token.
    Claimed,
    /// The key was completed: a duplicate.
    Done,
    /// Another claim holds the key and its lease has not expired.
    InFlight,
}

/// A store of claims and completed deliveries, shared by every receiver
/// that must not process the same delivery twice.
///
/// Implement it to keep claims elsewhere (a SQL table, say). The contract:
///
/// - `claim` is atomic: of concurrent claims of a free key, exactly one gets
///   [`ClaimState::Claimed`]. A claim whose lease has expired counts as free.
/// - `complete` and `release` act only on a claim that still holds the
///   caller's token (a holder whose lease expired and was taken over must
///   not undo the new holder's claim); they return whether they did.
/// - Errors are [`Error::ReplayStoreUnavailable`] (the store cannot be
///   reached: the delivery must be refused, not processed) or
///   [`Error::ReplayStoreFull`].
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// Claims `key` for `lease` with `token`. `window_closes_at` (Unix
    /// seconds) is when the signed timestamp of the delivery stops passing
    /// the verifier's tolerance: until then a replay of the captured request
    /// is possible, so a store that must forget entries forgets none whose
    /// window is still open. When the key is done already, this delivery
    /// (a redelivery signed anew, say) opens a window of its own: the
    /// store keeps the entry at least until it closes too.
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        lease: Duration,
        window_closes_at: i64,
    ) -> StoreFuture<'a, ClaimState>;

    /// Marks a claimed key done, remembered for `keep_for`.
    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        keep_for: Duration,
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
    /// provider (or endpoint), so that two providers' event ids can never be
    /// taken for each other's.
    ///
    /// ```
    /// use signed_webhooks::replay::Deduplicator;
    ///
    /// let shared = Deduplicator::in_memory();
    /// let unleeshed = shared.namespaced("unleeshed");
    /// let exchange = shared.namespaced("exchange");
    /// # let _ = (unleeshed, exchange);
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

    /// Sets how long completed deliveries are remembered. A delivery is
    /// always remembered at least until its signed timestamp leaves the
    /// tolerance window, whatever this says.
    #[must_use]
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
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

    /// Claims the delivery known by `key` (see [`event_key`] and
    /// [`message_key`]). `window_closes_at` is the delivery's signed
    /// timestamp plus the verifier's tolerance, in Unix seconds.
    ///
    /// # Errors
    ///
    /// [`Error::ReplayStoreUnavailable`] (unless failing open) and
    /// [`Error::ReplayStoreFull`]: refuse the delivery with 503, the
    /// provider retries it later.
    pub async fn claim(&self, key: &str, window_closes_at: i64) -> Result<Claim, Error> {
        let key = format!("{}{key}", self.namespace);
        let token = new_token();
        let state = self
            .store
            .claim(&key, &token, self.lease, window_closes_at)
            .await;
        match state {
            Ok(ClaimState::Claimed) => Ok(Claim::First(ClaimGuard {
                store: Some(self.store.clone()),
                keep_for: self.keep_for(window_closes_at),
                key,
                token,
            })),
            Ok(ClaimState::Done) => Ok(Claim::Duplicate),
            Ok(ClaimState::InFlight) => Ok(Claim::InFlight {
                retry_after: self.lease,
            }),
            Err(Error::ReplayStoreUnavailable(cause)) if self.fail_open => {
                crate::log_warn!(
                    "signed-webhooks: replay store unavailable ({cause}); failing open, \
                     processing {key} without duplicate protection"
                );
                Ok(Claim::First(ClaimGuard {
                    store: None,
                    key,
                    token,
                    keep_for: Duration::ZERO,
                }))
            }
            Err(error) => {
                // Failing closed: the delivery is refused with 503 and the
                // provider retries it. The answer does not say why; the log does.
                crate::log_warn!(
                    "signed-webhooks: refusing {key} with 503: {error}{}",
                    std::error::Error::source(&error)
                        .map(|cause| format!(" (cause: {cause})"))
                        .unwrap_or_default()
                );
                Err(error)
            }
        }
    }

    /// How long a completed delivery is kept: the retention, and at least
    /// until its window has closed (the second it closes in included, since
    /// the verifier accepts a timestamp exactly `tolerance` old).
    fn keep_for(&self, window_closes_at: i64) -> Duration {
        let window_left = u64::try_from(window_closes_at.saturating_sub(unix_now())).unwrap_or(0);
        self.retention
            .max(Duration::from_secs(window_left.saturating_add(1)))
            .min(MAX_KEEP)
    }
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
    keep_for: Duration,
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
    /// Returns whether the claim was still held. `false` means the lease
    /// expired before the handler finished and another delivery took the
    /// claim over: the delivery may have been processed twice (raise the
    /// lease, or make the handler faster).
    ///
    /// # Errors
    ///
    /// [`Error::ReplayStoreUnavailable`] when the store cannot be reached;
    /// the claim then expires after its lease.
    pub async fn complete(mut self) -> Result<bool, Error> {
        match self.store.take() {
            Some(store) => store.complete(&self.key, &self.token, self.keep_for).await,
            None => Ok(true),
        }
    }

    /// Frees the claim now, so that the provider's next retry is processed.
    ///
    /// # Errors
    ///
    /// [`Error::ReplayStoreUnavailable`] when the store cannot be reached;
    /// the claim then expires after its lease.
    pub async fn release(mut self) -> Result<bool, Error> {
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

/// The key of a delivery by its event id: the id is inside the signed body,
/// so an attacker cannot change it, and the provider's redeliveries of an
/// event all share it.
pub fn event_key(id: &str) -> String {
    format!("event:{id}")
}

/// The key of a delivery by its signed content, for bodies without an event
/// id: the SHA-256 of the signed message `"{timestamp}.{body}"`. A replayed
/// request has the same key, whichever of its signatures it keeps (during a
/// secret rotation a request carries several); a provider redelivery signed
/// at another time does not.
pub fn message_key(timestamp: i64, body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(timestamp.to_string())
        .chain_update(b".")
        .chain_update(body)
        .finalize();
    format!("message:{}", hex::encode(digest))
}

/// When a delivery's window has closed, in Unix milliseconds: the end of the
/// second it closes in (the verifier still accepts a timestamp exactly
/// `tolerance` old), and never more than [`MAX_KEEP`] from `now_ms`.
pub(crate) fn window_end_millis(window_closes_at: i64, now_ms: i64) -> i64 {
    window_closes_at
        .saturating_add(1)
        .saturating_mul(1000)
        .min(now_ms.saturating_add(millis(MAX_KEEP)))
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
    fn keys_name_what_they_are() {
        assert_eq!(event_key("evt_1"), "event:evt_1");
        // SHA-256 of `1.{}`, by Python's hashlib.
        assert_eq!(
            message_key(1, b"{}"),
            "message:a26b28cbf50311f74b2b88ce4d829da70369a53ce920e134d6e31848a662e9c4"
        );
    }

    #[test]
    fn keep_for_covers_the_window_and_stays_finite() {
        let dedup = Deduplicator::in_memory().with_retention(Duration::from_secs(10));
        let now = unix_now();
        assert_eq!(dedup.keep_for(now - 100), Duration::from_secs(10));
        assert!(dedup.keep_for(now + 300) >= Duration::from_secs(301));
        assert_eq!(dedup.keep_for(i64::MAX), MAX_KEEP);
    }
}

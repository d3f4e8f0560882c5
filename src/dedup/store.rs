//! [`DedupStore`]: where claims and completed deliveries are kept, and the
//! contract every store keeps.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::{Key, Window};

/// The boxed future a [`DedupStore`] returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Why a duplicate store could not answer. The delivery is then refused
/// with 503 and the provider retries it later, unless the provider never
/// retries (then it is processed without duplicate detection: see
/// [`Deduplicator`](super::Deduplicator)).
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
    /// An in-memory store's room for one endpoint's deliveries is full of
    /// deliveries it may not forget yet (their windows are open), so it
    /// cannot remember another without opening a door to replays. Other
    /// endpoints and providers have room of their own.
    #[non_exhaustive]
    #[error(
        "the duplicate-delivery store is full for {partition}: all {capacity} entries are still \
         within their replay window; the delivery was not processed and should be retried \
         (raise the store's capacity)"
    )]
    Full {
        /// The store's room for each partition.
        capacity: usize,
        /// The partition that is full: the endpoint and provider
        /// ([`Key::partition`]).
        partition: String,
    },
    /// Two provider types with the same [`NAME`](crate::Provider::NAME)
    /// reached one endpoint: their event ids would be taken for each
    /// other's. A configuration error, answered 500; rename one.
    #[non_exhaustive]
    #[error(
        "two provider types named {provider:?} deliver to {partition}: their deliveries would \
         share keys; give each provider type its own NAME"
    )]
    NameConflict {
        /// The name both types use.
        provider: String,
        /// Where they met.
        partition: String,
    },
}

/// What a store found when asked to claim a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimState {
    /// The key was free (never seen, released, expired, or held by a claim
    /// whose lease ran out) and is now claimed with the caller's token.
    Claimed,
    /// The key was completed: a duplicate.
    Done,
    /// Another claim holds the key, for `retry_after` more: the time left
    /// on its lease, after which a claim takes it over.
    InFlight {
        /// The time left on the holder's lease.
        retry_after: Duration,
    },
    /// The claim's window had closed by the store's clock: the request
    /// passed its time check too long ago to be trusted now (the store may
    /// have forgotten the delivery it replays). Nothing was changed.
    Stale,
}

/// A store of claims and completed deliveries, shared by every receiver
/// that must not process the same delivery twice.
///
/// Implement it to keep claims elsewhere (DynamoDB, say), and check the
/// implementation with the contract suite (feature `store-contract`,
/// `dedup::contract::run_all`). The contract, where *now* is the store's
/// own clock, the one clock every decision of the store is taken on:
///
/// - **Stale first.** A claim whose [`Window`] is closed at now
///   ([`Window::is_closed_at`]) is answered [`ClaimState::Stale`], whatever
///   the key holds, and changes nothing. A window that never closes is
///   never stale.
/// - **Exclusive.** `claim` is atomic: of concurrent claims of a free key,
///   exactly one gets [`ClaimState::Claimed`]; the others are answered
///   [`ClaimState::InFlight`] with the time left on the winner's lease. A
///   key is free when it holds nothing (never seen, released, expired) or a
///   claim whose lease has run out, which the new claim takes over.
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
/// - **Forgetting.** A store with bounded room counts it per
///   [`Key::partition`] (one endpoint's deliveries from one provider), so
///   that one provider filling its room never refuses another's. Within a
///   partition, it may forget a completed delivery before it expires only
///   if every window it recorded has closed (those that closed first,
///   first), or if it recorded none (after those, the ones due to expire
///   first, first). Never a claim whose lease runs, never an entry with an
///   open window: when nothing may be forgotten, the claim fails with
///   [`StoreError::Full`].
/// - **Errors.** When the store cannot answer, [`StoreError::Unavailable`]:
///   never a claim granted, nor a completion reported, that did not happen.
pub trait DedupStore: Send + Sync + fmt::Debug {
    /// Claims `key` for `lease` with `token`, recording `window`.
    fn claim<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        lease: Duration,
        window: Window,
    ) -> StoreFuture<'a, ClaimState>;

    /// Marks a claimed key done, remembered for `retention` and at least
    /// until the windows it recorded close.
    fn complete<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        retention: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Frees a claimed key, so that the next delivery claims it.
    fn release<'a>(&'a self, key: &'a Key, token: &'a str) -> StoreFuture<'a, bool>;

    /// Frees a claimed key from a destructor, where nothing can be awaited:
    /// a [`ClaimGuard`](super::ClaimGuard) dropped without completing (its
    /// handler failed, panicked or was cancelled). The default does nothing
    /// and lets the lease expire.
    fn release_detached(&self, key: Key, token: String) {
        let _ = (key, token);
    }

    /// How many entries the store holds per [`Key::partition`] at most, for
    /// a store with bounded room; `None` (the default) for one that grows
    /// with its server (Redis, PostgreSQL). The deduplicator warns when a
    /// provider's windows can fill it at a modest rate.
    fn capacity(&self) -> Option<usize> {
        None
    }
}

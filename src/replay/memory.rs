//! [`MemoryStore`]: claims kept in this process's memory, within a cap.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::future::ready;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::{ClaimState, ReplayStore, StoreFuture, millis, unix_now_millis, window_end_millis};
use crate::error::Error;

/// How many deliveries a [`MemoryStore`] remembers unless set otherwise.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Claims and completed deliveries kept in memory: the store for a single
/// receiver process. Thread-safe; no extra dependency.
///
/// Memory is bounded by a capacity (entries, [`DEFAULT_CAPACITY`] unless
/// set; 300–400 bytes each with their keys and indexes, as measured by the
/// drill in SECURITY.md). Entries leave when their lease or retention expires. When
/// the store is full it forgets the completed entries whose tolerance window
/// closed longest ago: every request for them that could still pass the
/// verifier has been seen, so a replay is refused by its stale timestamp,
/// but a *late provider redelivery* of a forgotten event (signed anew, so
/// its timestamp is fresh) will run the handler again. It never forgets an
/// entry whose window is still open (a duplicate delivery reopens it until
/// its own window closes), nor a claim in flight: when nothing can be
/// forgotten, new claims are refused with [`Error::ReplayStoreFull`] (503),
/// and the provider retries them later.
///
/// Size the capacity for the peak: a store whose every entry is within its
/// window holds `capacity` deliveries per tolerance period, so the default
/// 100 000 with a 300 s tolerance sustains about 330 new events per second
/// before refusing; 1,000 events per second needs 300 000 (about 100 MB).
///
/// Claims live in one process: a fleet of receivers behind a load balancer
/// needs a shared store such as `RedisStore`.
pub struct MemoryStore {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<Arc<str>, Entry>,
    /// Every entry by when it expires, to sweep expired ones.
    by_expiry: BTreeSet<(i64, u64)>,
    /// Completed entries by when their tolerance window closes, to forget
    /// the safest ones first when full.
    done_by_window: BTreeSet<(i64, u64)>,
    /// The key of each entry id, for the indexes above.
    keys: HashMap<u64, Arc<str>>,
    next_id: u64,
}

struct Entry {
    id: u64,
    /// The holder's token while claimed; `None` once done.
    token: Option<String>,
    /// Unix milliseconds: end of the lease, or of the retention once done.
    expires_at: i64,
    /// Unix seconds.
    window_closes_at: i64,
}

impl MemoryStore {
    /// A store with the [`DEFAULT_CAPACITY`].
    pub fn new() -> Self {
        MemoryStore::with_capacity(DEFAULT_CAPACITY)
    }

    /// A store that holds at most `capacity` entries (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        MemoryStore {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// The cap on entries.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many entries (claims in flight and completed deliveries) are
    /// held now, expired ones included until they are swept.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent across a panic elsewhere: every update
        // is done before the lock is released.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn claim_now(
        &self,
        key: &str,
        token: &str,
        lease: Duration,
        window_closes_at: i64,
        now_ms: i64,
    ) -> Result<ClaimState, Error> {
        let mut state = self.lock();
        state.sweep(now_ms);
        if let Some(entry) = state.entries.get(key) {
            if entry.token.is_some() {
                return Ok(ClaimState::InFlight);
            }
            // A duplicate signed later than the delivery that completed the
            // key can be replayed until its own window closes: keep the
            // entry (and its place among the unforgettable) until then.
            let window_end_ms = window_end_millis(window_closes_at, now_ms);
            state.update(key, |entry| {
                entry.window_closes_at = entry.window_closes_at.max(window_closes_at);
                entry.expires_at = entry.expires_at.max(window_end_ms);
            });
            return Ok(ClaimState::Done);
        }
        if state.entries.len() >= self.capacity && !state.forget_one(now_ms / 1000) {
            return Err(Error::ReplayStoreFull {
                capacity: self.capacity,
            });
        }
        state.insert(
            key,
            token,
            now_ms.saturating_add(millis(lease)),
            window_closes_at,
        );
        Ok(ClaimState::Claimed)
    }

    /// Marks the caller's claim done. A holder whose lease ran out may still
    /// complete while nobody else has claimed the key: the delivery was
    /// processed, and forgetting that would let its next delivery run again.
    fn complete_now(&self, key: &str, token: &str, keep_for: Duration, now_ms: i64) -> bool {
        let mut state = self.lock();
        match state.entries.get(key) {
            Some(entry) if entry.token.as_deref() == Some(token) => {
                state.update(key, |entry| {
                    entry.token = None;
                    entry.expires_at = now_ms.saturating_add(millis(keep_for));
                });
                true
            }
            _ => false,
        }
    }

    fn release_now(&self, key: &str, token: &str) -> bool {
        let mut state = self.lock();
        match state.entries.get(key) {
            Some(entry) if entry.token.as_deref() == Some(token) => {
                state.remove(key);
                true
            }
            _ => false,
        }
    }
}

impl State {
    fn insert(&mut self, key: &str, token: &str, expires_at: i64, window_closes_at: i64) {
        let id = self.next_id;
        self.next_id += 1;
        let key: Arc<str> = Arc::from(key);
        self.keys.insert(id, key.clone());
        self.by_expiry.insert((expires_at, id));
        self.entries.insert(
            key,
            Entry {
                id,
                token: Some(token.to_owned()),
                expires_at,
                window_closes_at,
            },
        );
    }

    /// Changes an entry, keeping the indexes in step with it.
    fn update(&mut self, key: &str, change: impl FnOnce(&mut Entry)) {
        let Some(entry) = self.entries.get_mut(key) else {
            return;
        };
        self.by_expiry.remove(&(entry.expires_at, entry.id));
        self.done_by_window
            .remove(&(entry.window_closes_at, entry.id));
        change(entry);
        self.by_expiry.insert((entry.expires_at, entry.id));
        if entry.token.is_none() {
            self.done_by_window
                .insert((entry.window_closes_at, entry.id));
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.keys.remove(&entry.id);
            self.by_expiry.remove(&(entry.expires_at, entry.id));
            self.done_by_window
                .remove(&(entry.window_closes_at, entry.id));
        }
    }

    /// Removes the entry with this id, whichever index found it.
    fn remove_id(&mut self, id: u64) {
        match self.keys.get(&id).cloned() {
            Some(key) => self.remove(&key),
            // Indexes and entries change together, so this cannot happen;
            // if it did, dropping the stray index entries keeps us going.
            None => {
                self.by_expiry.retain(|&(_, i)| i != id);
                self.done_by_window.retain(|&(_, i)| i != id);
            }
        }
    }

    /// Drops every entry whose lease or retention has run out.
    fn sweep(&mut self, now_ms: i64) {
        while let Some(&(expires_at, id)) = self.by_expiry.first() {
            if expires_at > now_ms {
                break;
            }
            self.remove_id(id);
        }
    }

    /// Forgets the completed entry whose window closed first, if its window
    /// has closed.
    fn forget_one(&mut self, now_secs: i64) -> bool {
        match self.done_by_window.first() {
            Some(&(window_closes_at, id)) if window_closes_at < now_secs => {
                self.remove_id(id);
                true
            }
            _ => false,
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl ReplayStore for MemoryStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        lease: Duration,
        window_closes_at: i64,
    ) -> StoreFuture<'a, ClaimState> {
        Box::pin(ready(self.claim_now(
            key,
            token,
            lease,
            window_closes_at,
            unix_now_millis(),
        )))
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        keep_for: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(ready(Ok(self.complete_now(
            key,
            token,
            keep_for,
            unix_now_millis(),
        ))))
    }

    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(ready(Ok(self.release_now(key, token))))
    }

    fn release_detached(&self, key: String, token: String) {
        self.release_now(&key, &token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_790_000_000_000;
    const LEASE: Duration = Duration::from_secs(30);
    const DAY: Duration = Duration::from_secs(86_400);

    fn claim(
        store: &MemoryStore,
        key: &str,
        token: &str,
        window: i64,
        now_ms: i64,
    ) -> Result<ClaimState, Error> {
        store.claim_now(key, token, LEASE, window, now_ms)
    }

    #[test]
    fn claim_complete_duplicate() {
        let store = MemoryStore::new();
        assert_eq!(claim(&store, "k", "a", 0, T0).unwrap(), ClaimState::Claimed);
        assert_eq!(
            claim(&store, "k", "b", 0, T0).unwrap(),
            ClaimState::InFlight
        );
        assert!(store.complete_now("k", "a", DAY, T0 + 10));
        assert_eq!(
            claim(&store, "k", "c", 0, T0 + 20).unwrap(),
            ClaimState::Done
        );
        // Remembered for the retention, then forgotten.
        assert_eq!(
            claim(&store, "k", "c", 0, T0 + 10 + millis(DAY) - 1).unwrap(),
            ClaimState::Done
        );
        assert_eq!(
            claim(&store, "k", "c", 0, T0 + 10 + millis(DAY)).unwrap(),
            ClaimState::Claimed
        );
    }

    #[test]
    fn release_frees_the_key_for_the_next_delivery() {
        let store = MemoryStore::new();
        assert_eq!(claim(&store, "k", "a", 0, T0).unwrap(), ClaimState::Claimed);
        assert!(!store.release_now("k", "someone-else"));
        assert!(store.release_now("k", "a"));
        assert!(store.is_empty());
        assert_eq!(claim(&store, "k", "b", 0, T0).unwrap(), ClaimState::Claimed);
    }

    #[test]
    fn an_expired_lease_is_taken_over_and_its_holder_cannot_finish() {
        let store = MemoryStore::new();
        assert_eq!(claim(&store, "k", "a", 0, T0).unwrap(), ClaimState::Claimed);
        assert_eq!(
            claim(&store, "k", "b", 0, T0 + millis(LEASE) - 1).unwrap(),
            ClaimState::InFlight
        );
        assert_eq!(
            claim(&store, "k", "b", 0, T0 + millis(LEASE)).unwrap(),
            ClaimState::Claimed
        );
        assert!(!store.complete_now("k", "a", DAY, T0 + millis(LEASE) + 1));
        assert!(!store.release_now("k", "a"));
        assert!(store.complete_now("k", "b", DAY, T0 + millis(LEASE) + 1));
    }

    #[test]
    fn a_holder_past_its_lease_completes_while_nobody_took_over() {
        let store = MemoryStore::new();
        assert_eq!(claim(&store, "k", "a", 0, T0).unwrap(), ClaimState::Claimed);
        assert!(store.complete_now("k", "a", DAY, T0 + millis(LEASE) + 5));
        assert_eq!(
            claim(&store, "k", "b", 0, T0 + millis(LEASE) + 6).unwrap(),
            ClaimState::Done
        );
    }

    #[test]
    fn a_duplicate_keeps_the_entry_until_its_own_window_closes() {
        // Completed with a window long closed and a short retention, then
        // redelivered with a fresh signature: the entry must outlive the
        // redelivery's window, and must not be forgotten while it is open.
        let store = MemoryStore::with_capacity(1);
        let now_secs = T0 / 1000;
        assert_eq!(
            claim(&store, "k", "a", now_secs - 1000, T0).unwrap(),
            ClaimState::Claimed
        );
        assert!(store.complete_now("k", "a", Duration::from_secs(60), T0));
        assert_eq!(
            claim(&store, "k", "b", now_secs + 300, T0).unwrap(),
            ClaimState::Done
        );
        // Past the retention, within the redelivery's window: still there.
        let later = T0 + 120_000;
        assert_eq!(claim(&store, "k", "c", 0, later).unwrap(), ClaimState::Done);
        // Full, and the one entry's window is open again: nothing to forget.
        assert!(claim(&store, "other", "d", now_secs + 300, later).is_err());
        // Once that window has closed, it goes.
        let after = (now_secs + 302) * 1000;
        assert_eq!(
            claim(&store, "other", "d", now_secs + 600, after).unwrap(),
            ClaimState::Claimed
        );
    }

    #[test]
    fn when_full_it_forgets_only_entries_whose_window_closed() {
        let store = MemoryStore::with_capacity(3);
        let now_secs = T0 / 1000;
        // Two completed deliveries whose windows are open, one closed.
        for (key, window) in [
            ("open-1", now_secs + 100),
            ("closed", now_secs - 1),
            ("open-2", now_secs + 200),
        ] {
            assert_eq!(
                claim(&store, key, "t", window, T0).unwrap(),
                ClaimState::Claimed
            );
            assert!(store.complete_now(key, "t", DAY, T0));
        }
        // Full: the closed one is forgotten to make room.
        assert_eq!(
            claim(&store, "new-1", "t", now_secs + 300, T0).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(store.len(), 3);
        assert_eq!(
            claim(&store, "closed", "t", now_secs - 1, T0)
                .unwrap_err()
                .code(),
            "replay_store_full"
        );
        // Nothing else may be forgotten: refused, and the open ones are still duplicates.
        let err = claim(&store, "new-2", "t", now_secs + 300, T0).unwrap_err();
        assert!(
            matches!(err, Error::ReplayStoreFull { capacity: 3 }),
            "{err}"
        );
        assert_eq!(
            claim(&store, "open-1", "t", 0, T0).unwrap(),
            ClaimState::Done
        );
        assert_eq!(
            claim(&store, "open-2", "t", 0, T0).unwrap(),
            ClaimState::Done
        );
        // A claim in flight is never forgotten either.
        assert_eq!(
            claim(&store, "new-1", "t", 0, T0).unwrap(),
            ClaimState::InFlight
        );
    }

    #[test]
    fn expired_entries_make_room_before_anything_is_forgotten() {
        let store = MemoryStore::with_capacity(2);
        let far = T0 / 1000 + 10_000;
        assert_eq!(
            claim(&store, "a", "t", far, T0).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(
            claim(&store, "b", "t", far, T0).unwrap(),
            ClaimState::Claimed
        );
        // Both leases run out unfinished: their holders are gone.
        let later = T0 + millis(LEASE);
        assert_eq!(
            claim(&store, "c", "t", far, later).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(store.len(), 1);
    }
}

//! [`MemoryStore`]: claims kept in this process's memory, within a cap.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::future::ready;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::StoreError;
use super::{ClaimState, DedupStore, Key, StoreFuture, Window, millis, unix_now_millis};

/// How many deliveries a [`MemoryStore`] remembers unless set otherwise.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Claims and completed deliveries kept in memory: the store for a single
/// receiver process. Thread-safe; no extra dependency.
///
/// Memory is bounded by a capacity *per partition*, that is per endpoint
/// and provider ([`Key::partition`]): [`DEFAULT_CAPACITY`] entries unless
/// set, 300–400 bytes each with their keys and indexes (as measured by the
/// drill in SECURITY.md). One provider whose deliveries stay long in their
/// windows (LeadLex's 72 h) can fill its own room, never another's. Entries
/// leave when their lease or retention, and their window, are over. When a
/// partition is full the store forgets, in this order:
///
/// 1. completed deliveries whose window has closed, the longest closed
///    first: every request for them that could still pass the verifier has
///    reached the store, so a replay is refused by its stale timestamp, but
///    a *late provider redelivery* of a forgotten event (signed anew, so its
///    timestamp is fresh) runs the handler again;
/// 2. completed deliveries with no window ([`Window::unbounded`]: no signed
///    time, or no time check), those due to expire first first: a replay of
///    one of them runs the handler again.
///
/// It never forgets an entry whose window is open (a duplicate or a
/// concurrent delivery extends it to its own window), nor a claim in
/// flight: when nothing can be forgotten, new claims of that partition are
/// refused with [`StoreError::Full`] (503, or processed anyway for a
/// provider that never retries: see [`Deduplicator`](super::Deduplicator)).
/// Every decision is taken under one lock on one clock (the system's,
/// never allowed to go back), so a claim that comes after an entry was
/// forgotten for its closed window is itself refused as stale.
///
/// Size the capacity for the peak: a partition whose every entry is within
/// its window holds `capacity` deliveries per tolerance period, so the
/// default 100 000 with a 300 s tolerance sustains about 330 new events per
/// second before refusing; 1,000 events per second needs 300 000 (about
/// 100 MB). Windows of days (schemes that sign a time in the body: Commet's
/// 24 h, LeadLex's 72 h) need room for days of deliveries; the deduplicator
/// warns, at an endpoint's first delivery, when its room fills below 100
/// deliveries per second.
///
/// A handler that completes after its claim expired and was swept while
/// the store is full is still recorded: a partition may hold a few entries
/// more than its capacity (at most one per such handler) until the next
/// claims make room.
///
/// Claims live in one process: a fleet of receivers behind a load balancer
/// needs a shared store such as `RedisStore` or `PostgresStore`.
pub struct MemoryStore {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<Arc<str>, Entry>,
    indexes: Indexes,
    /// The key of each entry id, for the indexes.
    keys: HashMap<u64, Arc<str>>,
    next_id: u64,
    /// The store's clock, Unix milliseconds: the latest time seen, so that
    /// it never goes back, even if the system clock does.
    now: i64,
}

/// Entry ids in the orders the store drops them in.
#[derive(Default)]
struct Indexes {
    /// Every entry by when it expires, to sweep expired ones.
    by_expiry: BTreeSet<(i64, u64)>,
    partitions: HashMap<Arc<str>, Partition>,
}

/// One partition's count, and its forgettable entries in the order the
/// store forgets them.
#[derive(Default)]
struct Partition {
    len: usize,
    /// Completed entries with a window, by when it closes: forgettable once
    /// it has.
    done_by_window: BTreeSet<(i64, u64)>,
    /// Completed entries without a window, by when they expire: forgettable
    /// under pressure, after the others.
    done_unbounded: BTreeSet<(i64, u64)>,
}

struct Entry {
    id: u64,
    partition: Arc<str>,
    /// The holder's token and the end of its lease while claimed; `None`
    /// once done.
    holder: Option<(String, i64)>,
    /// Unix milliseconds: when the entry may be dropped (its lease or
    /// retention, and its window, over).
    expires_at: i64,
    /// Unix milliseconds: when the latest window recorded closes; `None`
    /// when no claim of the key had a window that closes.
    window_end: Option<i64>,
}

impl Entry {
    fn record(&mut self, window: Window) {
        if let Some(end) = window.end_millis() {
            let end = self.window_end.map_or(end, |kept| kept.max(end));
            self.window_end = Some(end);
            self.expires_at = self.expires_at.max(end);
        }
    }
}

impl MemoryStore {
    /// A store with the [`DEFAULT_CAPACITY`] per partition.
    pub fn new() -> Self {
        MemoryStore::with_capacity(DEFAULT_CAPACITY)
    }

    /// A store that holds at most `capacity` entries (at least one) per
    /// partition: per endpoint and provider.
    pub fn with_capacity(capacity: usize) -> Self {
        MemoryStore {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// The cap on entries per partition.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many entries (claims in flight and completed deliveries) are
    /// held now, in every partition, expired ones included until they are
    /// swept.
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

    /// Claims on the store's clock, `system_ms` being the system clock read
    /// under the lock (tests pass their own).
    fn claim_at(
        &self,
        key: &Key,
        token: &str,
        lease: Duration,
        window: Window,
        system_ms: impl FnOnce() -> i64,
    ) -> Result<ClaimState, StoreError> {
        let mut state = self.lock();
        let now = state.tick(system_ms());
        // Checked under the lock that forgetting takes: whatever was
        // forgotten for its closed window before this claim, this claim's
        // window, if no later, is closed too.
        if window.is_closed_at(now) {
            return Ok(ClaimState::Stale);
        }
        state.sweep(now);
        let lease_end = now.saturating_add(millis(lease));
        if let Some(entry) = state.entries.get(key.as_str()) {
            let answer = match &entry.holder {
                None => ClaimState::Done,
                Some((_, lease_until)) if *lease_until > now => ClaimState::InFlight {
                    retry_after: Duration::from_millis(
                        u64::try_from(lease_until - now).unwrap_or(0),
                    ),
                },
                // Its holder's lease ran out: taken over.
                Some(_) => ClaimState::Claimed,
            };
            state.update(key.as_str(), |entry| {
                if answer == ClaimState::Claimed {
                    entry.holder = Some((token.to_owned(), lease_end));
                    entry.expires_at = lease_end.max(entry.window_end.unwrap_or(i64::MIN));
                }
                entry.record(window);
            });
            return Ok(answer);
        }
        if !state.make_room(key.partition(), self.capacity, now) {
            return Err(StoreError::Full {
                capacity: self.capacity,
                partition: key.partition().to_owned(),
            });
        }
        state.insert(key, Some((token.to_owned(), lease_end)), lease_end, window);
        Ok(ClaimState::Claimed)
    }

    /// Marks the caller's claim done, or a key whose claim expired and left
    /// nothing behind (its holder finished late, and nobody took over).
    fn complete_at(
        &self,
        key: &Key,
        token: &str,
        retention: Duration,
        system_ms: impl FnOnce() -> i64,
    ) -> bool {
        let mut state = self.lock();
        let now = state.tick(system_ms());
        state.sweep(now);
        let kept_until = now.saturating_add(millis(retention));
        match state.entries.get(key.as_str()) {
            Some(entry) if entry.holder.as_ref().is_some_and(|(held, _)| held == token) => {
                state.update(key.as_str(), |entry| {
                    entry.holder = None;
                    entry.expires_at = kept_until.max(entry.window_end.unwrap_or(i64::MIN));
                });
                true
            }
            Some(_) => false,
            None => {
                // Never dropped for want of room: it was processed.
                state.make_room(key.partition(), self.capacity, now);
                state.insert(key, None, kept_until, Window::unbounded());
                true
            }
        }
    }

    fn release_now(&self, key: &Key, token: &str) -> bool {
        let mut state = self.lock();
        match state.entries.get(key.as_str()) {
            Some(entry) if entry.holder.as_ref().is_some_and(|(held, _)| held == token) => {
                state.remove(key.as_str());
                true
            }
            _ => false,
        }
    }
}

impl State {
    /// Advances the store's clock to `system_ms`, never back.
    fn tick(&mut self, system_ms: i64) -> i64 {
        self.now = self.now.max(system_ms);
        self.now
    }

    fn insert(
        &mut self,
        key: &Key,
        holder: Option<(String, i64)>,
        expires_at: i64,
        window: Window,
    ) {
        let id = self.next_id;
        self.next_id += 1;
        let text: Arc<str> = Arc::from(key.as_str());
        self.keys.insert(id, text.clone());
        let mut entry = Entry {
            id,
            partition: self.indexes.partition_name(key.partition()),
            holder,
            expires_at,
            window_end: None,
        };
        entry.record(window);
        self.indexes.add(&entry);
        self.entries.insert(text, entry);
    }

    /// Changes an entry, keeping the indexes in step with it.
    fn update(&mut self, key: &str, change: impl FnOnce(&mut Entry)) {
        if let Some(entry) = self.entries.get_mut(key) {
            self.indexes.unindex(entry);
            change(entry);
            self.indexes.index(entry);
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.keys.remove(&entry.id);
            self.indexes.drop_entry(&entry);
        }
    }

    /// Removes the entry with this id, whichever index found it.
    fn remove_id(&mut self, id: u64) {
        match self.keys.get(&id).cloned() {
            Some(key) => self.remove(&key),
            // Indexes and entries change together, so this cannot happen;
            // if it did, dropping the stray index entries keeps us going.
            None => {
                self.indexes.by_expiry.retain(|&(_, i)| i != id);
                for partition in self.indexes.partitions.values_mut() {
                    partition.done_by_window.retain(|&(_, i)| i != id);
                    partition.done_unbounded.retain(|&(_, i)| i != id);
                }
            }
        }
    }

    /// Drops every entry whose lease or retention, and window, are over.
    fn sweep(&mut self, now: i64) {
        while let Some(&(expires_at, id)) = self.indexes.by_expiry.first() {
            if expires_at > now {
                break;
            }
            self.remove_id(id);
        }
    }

    /// Forgets what may be forgotten in `partition` until it has room for
    /// one more entry; returns whether it has.
    fn make_room(&mut self, partition: &str, capacity: usize, now: i64) -> bool {
        loop {
            let Some(room) = self.indexes.partitions.get(partition) else {
                return true;
            };
            if room.len < capacity {
                return true;
            }
            let forgettable = match room.done_by_window.first() {
                Some(&(end, id)) if end <= now => Some(id),
                _ => room.done_unbounded.first().map(|&(_, id)| id),
            };
            match forgettable {
                Some(id) => self.remove_id(id),
                None => return false,
            }
        }
    }
}

impl Indexes {
    /// The partition's name, shared by its entries.
    fn partition_name(&self, partition: &str) -> Arc<str> {
        match self.partitions.get_key_value(partition) {
            Some((name, _)) => name.clone(),
            None => Arc::from(partition),
        }
    }

    /// A new entry: counted in its partition, and indexed.
    fn add(&mut self, entry: &Entry) {
        self.partitions
            .entry(entry.partition.clone())
            .or_default()
            .len += 1;
        self.index(entry);
    }

    /// An entry removed: uncounted, unindexed, and its partition dropped
    /// once empty.
    fn drop_entry(&mut self, entry: &Entry) {
        self.unindex(entry);
        if let Some(partition) = self.partitions.get_mut(&entry.partition) {
            partition.len -= 1;
            if partition.len == 0 {
                self.partitions.remove(&entry.partition);
            }
        }
    }

    fn index(&mut self, entry: &Entry) {
        self.by_expiry.insert((entry.expires_at, entry.id));
        if entry.holder.is_none()
            && let Some(partition) = self.partitions.get_mut(&entry.partition)
        {
            match entry.window_end {
                Some(end) => partition.done_by_window.insert((end, entry.id)),
                None => partition
                    .done_unbounded
                    .insert((entry.expires_at, entry.id)),
            };
        }
    }

    fn unindex(&mut self, entry: &Entry) {
        self.by_expiry.remove(&(entry.expires_at, entry.id));
        if let Some(partition) = self.partitions.get_mut(&entry.partition) {
            if let Some(end) = entry.window_end {
                partition.done_by_window.remove(&(end, entry.id));
            }
            partition
                .done_unbounded
                .remove(&(entry.expires_at, entry.id));
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

impl DedupStore for MemoryStore {
    fn claim<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        lease: Duration,
        window: Window,
    ) -> StoreFuture<'a, ClaimState> {
        Box::pin(ready(self.claim_at(
            key,
            token,
            lease,
            window,
            unix_now_millis,
        )))
    }

    fn complete<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(ready(Ok(self.complete_at(
            key,
            token,
            retention,
            unix_now_millis,
        ))))
    }

    fn release<'a>(&'a self, key: &'a Key, token: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(ready(Ok(self.release_now(key, token))))
    }

    fn release_detached(&self, key: Key, token: String) {
        self.release_now(&key, &token);
    }

    fn capacity(&self) -> Option<usize> {
        Some(self.capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_790_000_000_000;
    const SECS: i64 = T0 / 1000;
    const LEASE: Duration = Duration::from_secs(30);
    const DAY: Duration = Duration::from_secs(86_400);

    /// A window whose last second is `secs`.
    fn closing(secs: i64) -> Window {
        Window::new(secs, Some(Duration::ZERO))
    }

    /// Keys of one partition, unless a test says otherwise.
    fn key(name: &str) -> Key {
        Key::new("/hook:test", name)
    }

    fn claim(
        store: &MemoryStore,
        name: &str,
        token: &str,
        window: Window,
        now_ms: i64,
    ) -> Result<ClaimState, StoreError> {
        store.claim_at(&key(name), token, LEASE, window, || now_ms)
    }

    fn complete(store: &MemoryStore, name: &str, token: &str, keep: Duration, now_ms: i64) -> bool {
        store.complete_at(&key(name), token, keep, || now_ms)
    }

    fn release(store: &MemoryStore, name: &str, token: &str) -> bool {
        store.release_now(&key(name), token)
    }

    /// In flight, with this many milliseconds left on the holder's lease.
    fn in_flight(ms: u64) -> ClaimState {
        ClaimState::InFlight {
            retry_after: Duration::from_millis(ms),
        }
    }

    #[test]
    fn claim_complete_duplicate_then_expire() {
        let store = MemoryStore::new();
        let window = closing(SECS + 300);
        assert_eq!(
            claim(&store, "k", "a", window, T0).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(
            claim(&store, "k", "b", window, T0).unwrap(),
            in_flight(30_000)
        );
        assert!(complete(&store, "k", "a", DAY, T0 + 10));
        assert_eq!(
            claim(&store, "k", "c", window, T0 + 20).unwrap(),
            ClaimState::Done
        );
        // Remembered for the retention, then forgotten.
        let later = Window::unbounded();
        let expiry = T0 + 10 + millis(DAY);
        assert_eq!(
            claim(&store, "k", "c", later, expiry - 1).unwrap(),
            ClaimState::Done
        );
        assert_eq!(
            claim(&store, "k", "c", later, expiry).unwrap(),
            ClaimState::Claimed
        );
    }

    #[test]
    fn release_frees_the_key_for_the_next_delivery() {
        let store = MemoryStore::new();
        let window = closing(SECS + 300);
        assert_eq!(
            claim(&store, "k", "a", window, T0).unwrap(),
            ClaimState::Claimed
        );
        assert!(!release(&store, "k", "someone-else"));
        assert!(release(&store, "k", "a"));
        assert!(store.is_empty());
        assert_eq!(
            claim(&store, "k", "b", window, T0).unwrap(),
            ClaimState::Claimed
        );
    }

    #[test]
    fn an_expired_lease_is_taken_over_and_its_holder_cannot_finish() {
        let store = MemoryStore::new();
        let window = closing(SECS + 300);
        assert_eq!(
            claim(&store, "k", "a", window, T0).unwrap(),
            ClaimState::Claimed
        );
        let expiry = T0 + millis(LEASE);
        assert_eq!(
            claim(&store, "k", "b", window, expiry - 1).unwrap(),
            in_flight(1)
        );
        assert_eq!(
            claim(&store, "k", "b", window, expiry).unwrap(),
            ClaimState::Claimed
        );
        assert!(!complete(&store, "k", "a", DAY, expiry + 1));
        assert!(!release(&store, "k", "a"));
        assert!(complete(&store, "k", "b", DAY, expiry + 1));
    }

    #[test]
    fn a_holder_past_its_lease_completes_whether_its_claim_was_kept_or_swept() {
        let store = MemoryStore::new();
        let after_lease = T0 + millis(LEASE) + 5;
        // Kept while its window is open; swept at the end of its lease when
        // it has none.
        assert_eq!(
            claim(&store, "open", "a", closing(SECS + 300), T0).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(
            claim(&store, "none", "a", Window::unbounded(), T0).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(
            claim(&store, "other", "x", Window::unbounded(), after_lease).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(store.len(), 2, "the claim with no window was swept");
        for key in ["open", "none"] {
            assert!(complete(&store, key, "a", DAY, after_lease), "{key}");
            assert_eq!(
                claim(&store, key, "b", Window::unbounded(), after_lease + 1).unwrap(),
                ClaimState::Done,
                "{key}"
            );
        }
    }

    #[test]
    fn a_late_completion_is_recorded_even_in_a_full_store() {
        let store = MemoryStore::with_capacity(1);
        assert_eq!(
            claim(&store, "slow", "a", Window::unbounded(), T0).unwrap(),
            ClaimState::Claimed
        );
        let after_lease = T0 + millis(LEASE);
        // The claim expired and was swept; another took the only room.
        assert_eq!(
            claim(&store, "next", "b", closing(SECS + 300), after_lease).unwrap(),
            ClaimState::Claimed
        );
        assert!(complete(&store, "slow", "a", DAY, after_lease + 1));
        assert_eq!(
            store.len(),
            2,
            "one over the capacity, rather than forget a processed delivery"
        );
        assert_eq!(
            claim(&store, "slow", "c", Window::unbounded(), after_lease + 2).unwrap(),
            ClaimState::Done
        );
        // The next claim makes room again: the entry with no window goes.
        assert!(complete(&store, "next", "b", DAY, after_lease + 3));
        assert!(claim(&store, "third", "d", closing(SECS + 300), after_lease + 4).is_err());
        assert_eq!(store.len(), 1);
        assert_eq!(
            claim(&store, "next", "e", closing(SECS + 300), after_lease + 5).unwrap(),
            ClaimState::Done
        );
    }

    #[test]
    fn a_claim_after_its_window_closed_is_stale_even_once_forgotten() {
        let store = MemoryStore::with_capacity(1);
        let window = closing(SECS);
        assert_eq!(
            claim(&store, "k", "a", window, T0).unwrap(),
            ClaimState::Claimed
        );
        assert!(complete(&store, "k", "a", DAY, T0));
        // The last millisecond of the window: still a duplicate.
        let closed = (SECS + 1) * 1000;
        assert_eq!(
            claim(&store, "k", "b", window, closed - 1).unwrap(),
            ClaimState::Done
        );
        // The window closes; a new delivery makes the full store forget the
        // entry, and the release of its claim leaves room.
        assert_eq!(
            claim(&store, "new", "n", closing(SECS + 300), closed).unwrap(),
            ClaimState::Claimed
        );
        assert!(release(&store, "new", "n"));
        assert!(store.is_empty());
        // A request that passed its time check before the window closed
        // reaches the store only now: stale, not claimed.
        assert_eq!(
            claim(&store, "k", "c", window, closed).unwrap(),
            ClaimState::Stale
        );
        assert!(store.is_empty(), "a stale claim changes nothing");
    }

    #[test]
    fn the_store_clock_never_goes_back() {
        let store = MemoryStore::new();
        let window = closing(SECS);
        let closed = (SECS + 1) * 1000;
        assert_eq!(
            claim(&store, "k", "a", window, closed).unwrap(),
            ClaimState::Stale
        );
        // The system clock steps back a minute: the window stays closed.
        assert_eq!(
            claim(&store, "k", "a", window, closed - 60_000).unwrap(),
            ClaimState::Stale
        );
    }

    #[test]
    fn a_duplicate_keeps_the_entry_until_its_own_window_closes() {
        // Completed with a short window and a short retention, then
        // redelivered with a fresh signature: the entry must outlive the
        // redelivery's window, and must not be forgotten while it is open.
        let store = MemoryStore::with_capacity(1);
        assert_eq!(
            claim(&store, "k", "a", closing(SECS), T0).unwrap(),
            ClaimState::Claimed
        );
        assert!(complete(&store, "k", "a", Duration::from_secs(60), T0));
        let redelivery = closing(SECS + 300);
        assert_eq!(
            claim(&store, "k", "b", redelivery, T0).unwrap(),
            ClaimState::Done
        );
        // Past the retention, within the redelivery's window: still there.
        let later = T0 + 120_000;
        assert_eq!(
            claim(&store, "k", "c", redelivery, later).unwrap(),
            ClaimState::Done
        );
        // Full, and the one entry's window is open again: nothing to forget.
        assert!(claim(&store, "other", "d", closing(SECS + 300), later).is_err());
        // Once that window has closed, it goes.
        let after = (SECS + 301) * 1000;
        assert_eq!(
            claim(&store, "other", "d", closing(SECS + 600), after).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(
            claim(&store, "k", "e", redelivery, after).unwrap(),
            ClaimState::Stale
        );
    }

    #[test]
    fn a_delivery_refused_in_flight_keeps_the_entry_until_its_window_closes() {
        let store = MemoryStore::with_capacity(1);
        assert_eq!(
            claim(&store, "k", "a", closing(SECS), T0).unwrap(),
            ClaimState::Claimed
        );
        let concurrent = closing(SECS + 300);
        assert_eq!(
            claim(&store, "k", "b", concurrent, T0).unwrap(),
            in_flight(30_000)
        );
        assert!(complete(&store, "k", "a", Duration::ZERO, T0 + 1));
        let later = T0 + 120_000;
        assert!(claim(&store, "other", "c", closing(SECS + 600), later).is_err());
        assert_eq!(
            claim(&store, "k", "d", concurrent, later).unwrap(),
            ClaimState::Done
        );
    }

    #[test]
    fn when_full_it_forgets_closed_windows_then_entries_without_one() {
        let store = MemoryStore::with_capacity(4);
        // Completed deliveries: two windows open, one closed, one without.
        for (key, window) in [
            ("open-1", closing(SECS + 100)),
            ("closed", closing(SECS - 1)),
            ("none", Window::unbounded()),
            ("open-2", closing(SECS + 200)),
        ] {
            assert_eq!(
                claim(&store, key, "t", window, T0 - 5_000).unwrap(),
                ClaimState::Claimed
            );
            assert!(complete(&store, key, "t", DAY, T0 - 5_000));
        }
        // Full: the closed one is forgotten first, then the one without a window.
        assert_eq!(
            claim(&store, "new-1", "t", closing(SECS + 300), T0).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(
            claim(&store, "none", "t", Window::unbounded(), T0).unwrap(),
            ClaimState::Done
        );
        assert_eq!(
            claim(&store, "new-2", "t", closing(SECS + 300), T0).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(store.len(), 4);
        // Nothing else may be forgotten: refused, and the open ones are still duplicates.
        let err = claim(&store, "new-3", "t", closing(SECS + 300), T0).unwrap_err();
        assert!(matches!(err, StoreError::Full { capacity: 4, .. }), "{err}");
        for key in ["open-1", "open-2"] {
            assert_eq!(
                claim(&store, key, "u", closing(SECS + 300), T0).unwrap(),
                ClaimState::Done
            );
        }
        // A claim in flight is never forgotten either.
        assert_eq!(
            claim(&store, "new-1", "u", closing(SECS + 300), T0).unwrap(),
            in_flight(30_000)
        );
    }

    #[test]
    fn entries_without_a_window_never_fill_the_store() {
        let store = MemoryStore::with_capacity(3);
        for n in 0..10 {
            let key = format!("k{n}");
            assert_eq!(
                claim(&store, &key, "t", Window::unbounded(), T0 + n).unwrap(),
                ClaimState::Claimed
            );
            assert!(complete(&store, &key, "t", DAY, T0 + n));
        }
        assert_eq!(store.len(), 3);
        for n in 7..10 {
            let key = format!("k{n}");
            assert_eq!(
                claim(&store, &key, "u", Window::unbounded(), T0 + 10).unwrap(),
                ClaimState::Done
            );
        }
    }

    #[test]
    fn expired_entries_make_room_before_anything_is_forgotten() {
        let store = MemoryStore::with_capacity(2);
        let far = closing(SECS + 10_000);
        assert_eq!(
            claim(&store, "a", "t", Window::unbounded(), T0).unwrap(),
            ClaimState::Claimed
        );
        assert_eq!(
            claim(&store, "b", "t", Window::unbounded(), T0).unwrap(),
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

#[cfg(test)]
mod partitions {
    use super::*;

    const T0: i64 = 1_790_000_000_000;

    fn open() -> Window {
        Window::new(T0 / 1000, Some(Duration::from_secs(3600)))
    }

    /// LeadLex's 72 h windows fill its own room; GitHub's deliveries on
    /// the same store keep theirs.
    #[test]
    fn one_partition_full_of_open_windows_leaves_the_others_room() {
        let store = MemoryStore::with_capacity(2);
        let leadlex = |n: u32| Key::new("/webhooks/leadlex:leadlex", &format!("sha256:{n}"));
        let github = |n: u32| Key::new("/webhooks/github:github", &format!("sha256:{n}"));
        let lease = Duration::from_secs(30);
        for n in 0..2 {
            assert_eq!(
                store
                    .claim_at(&leadlex(n), "t", lease, open(), || T0)
                    .unwrap(),
                ClaimState::Claimed
            );
        }
        let full = store.claim_at(&leadlex(2), "t", lease, open(), || T0);
        assert!(
            matches!(&full, Err(StoreError::Full { capacity: 2, partition }) if partition == "/webhooks/leadlex:leadlex"),
            "{full:?}"
        );
        for n in 0..2 {
            assert_eq!(
                store
                    .claim_at(&github(n), "t", lease, Window::unbounded(), || T0)
                    .unwrap(),
                ClaimState::Claimed
            );
        }
        assert_eq!(store.len(), 4);
        // Released, a partition's room is free again, and empty partitions go.
        for n in 0..2 {
            assert!(store.release_now(&leadlex(n), "t"));
            assert!(store.release_now(&github(n), "t"));
        }
        assert!(store.is_empty());
        assert!(store.lock().indexes.partitions.is_empty());
    }
}

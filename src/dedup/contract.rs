//! The contract of [`DedupStore`] as a test suite, for anyone writing a
//! store (Postgres, DynamoDB, …): feature `store-contract`.
//!
//! [`run_all`] checks every promise the trait documents, each on a fresh
//! store from the closure it is given, side by side, and names the promise
//! a store breaks. [`capacity`] adds the promises of a store with bounded
//! room, and [`unavailable`] those of a store that cannot be reached. This
//! crate runs them against [`MemoryStore`](super::MemoryStore) and against a
//! real Redis.
//!
//! ```no_run
//! // tests/store_contract.rs, with `signed-webhooks = { features = ["store-contract"] }`
//! // among the dev-dependencies.
//! use signed_webhooks::dedup::{MemoryStore, contract};
//!
//! #[tokio::test]
//! async fn my_store_keeps_the_contract() {
//!     contract::run_all(MemoryStore::new).await.unwrap();
//!     contract::capacity(MemoryStore::with_capacity).await.unwrap();
//! }
//! ```
//!
//! The checks run on Tokio and need its timer (`#[tokio::test]` has one).
//! Some wait for short leases (300 ms) and for windows to close (windows
//! close on whole seconds), so the suite takes about four seconds. Its
//! margins are generous, for loaded machines: it waits 400 ms past every
//! deadline it relies on having passed, and acts at least 1.5 s before
//! every deadline it relies on not having passed yet; no check measures
//! how fast the store answers. The store's clock must agree with this
//! machine's to within those margins. Keys are unique to each run, so
//! stores may share one database.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::sleep;

use super::StoreError;
use super::{ClaimState, DedupStore, Key, Window, new_token, unix_now_millis};

/// A promise a store broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    promise: &'static str,
    detail: String,
}

impl Violation {
    /// The promise broken, as the trait's documentation words it.
    pub fn promise(&self) -> &'static str {
        self.promise
    }

    /// What the check saw.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "broken promise: {}: {}", self.promise, self.detail)
    }
}

impl std::error::Error for Violation {}

/// What every check returns.
pub type Checked = Result<(), Violation>;

type BoxedCheck = Pin<Box<dyn Future<Output = Checked> + Send>>;

/// A lease no check outlives.
const LONG: Duration = Duration::from_secs(60);
/// A lease the checks wait out.
const SHORT: Duration = Duration::from_millis(300);
/// The promise every in-flight answer keeps.
const IN_FLIGHT_PROMISE: &str =
    "a claim answered in flight says the time left on the holder's lease";
/// How long past a deadline a check waits before relying on it.
const MARGIN: Duration = Duration::from_millis(400);

/// Runs every check of the trait's contract, each on a fresh store from
/// `make_store`, side by side; returns the first violation, in the order
/// the checks are listed in this module.
///
/// # Errors
///
/// The [`Violation`] of the first check that failed.
pub async fn run_all<S, F>(mut make_store: F) -> Checked
where
    S: DedupStore + 'static,
    F: FnMut() -> S,
{
    type Check = fn(Arc<dyn DedupStore>) -> BoxedCheck;
    let checks: [Check; 13] = [
        |s| Box::pin(claim_then_duplicate(s)),
        |s| Box::pin(claims_are_exclusive(s)),
        |s| Box::pin(only_the_holder_finishes(s)),
        |s| Box::pin(release_frees_the_key(s)),
        |s| Box::pin(an_expired_lease_is_taken_over(s)),
        |s| Box::pin(a_holder_past_its_lease_completes(s)),
        |s| Box::pin(a_closed_window_is_stale(s)),
        |s| Box::pin(an_unbounded_window_is_never_stale(s)),
        |s| Box::pin(an_open_window_outlives_the_retention(s)),
        |s| Box::pin(a_later_duplicate_extends_the_window(s)),
        |s| Box::pin(an_in_flight_duplicate_records_its_window(s)),
        |s| Box::pin(retention_keeps_then_expires(s)),
        |s| Box::pin(keys_are_exact(s)),
    ];
    let mut running = JoinSet::new();
    for (index, check) in checks.into_iter().enumerate() {
        let store: Arc<dyn DedupStore> = Arc::new(make_store());
        running.spawn(async move { (index, check(store).await) });
    }
    first_violation(running).await
}

/// The promises of a store with bounded room, such as
/// [`MemoryStore`](super::MemoryStore): `make_store(capacity)` gives an
/// empty store that holds at most `capacity` entries per partition (the
/// checks ask for 3).
///
/// # Errors
///
/// The [`Violation`] of the first check that failed.
pub async fn capacity<S, F>(mut make_store: F) -> Checked
where
    S: DedupStore + 'static,
    F: FnMut(usize) -> S,
{
    let mut running = JoinSet::new();
    let store: Arc<dyn DedupStore> = Arc::new(make_store(3));
    running.spawn(async move { (0, full_of_open_windows_refuses(store).await) });
    let store: Arc<dyn DedupStore> = Arc::new(make_store(3));
    running.spawn(async move { (1, forgets_closed_windows_then_unbounded(store).await) });
    let store: Arc<dyn DedupStore> = Arc::new(make_store(3));
    running.spawn(async move { (2, unbounded_windows_never_fill_it(store).await) });
    let store: Arc<dyn DedupStore> = Arc::new(make_store(3));
    running.spawn(async move { (3, a_full_partition_leaves_the_others_room(store).await) });
    first_violation(running).await
}

async fn first_violation(mut running: JoinSet<(usize, Checked)>) -> Checked {
    let mut violations = Vec::new();
    while let Some(joined) = running.join_next().await {
        match joined {
            Ok((index, Err(violation))) => violations.push((index, violation)),
            Ok((_, Ok(()))) => {}
            Err(panicked) => violations.push((
                usize::MAX,
                Violation {
                    promise: "never panics",
                    detail: panicked.to_string(),
                },
            )),
        }
    }
    violations.sort_by_key(|(index, _)| *index);
    violations
        .into_iter()
        .next()
        .map_or(Ok(()), |(_, violation)| Err(violation))
}

/// A first claim is granted; a second, while the first holds, is in
/// flight; once completed, the key is a duplicate, and neither completing
/// it again nor releasing it changes that.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn claim_then_duplicate(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a free key is claimed, a held one is in flight, a completed one is done";
    let store = Probe::new(&*store, PROMISE);
    let key = key("duplicate");
    store
        .claim(&key, "a", LONG, open(), ClaimState::Claimed)
        .await?;
    store.claim(&key, "b", LONG, open(), IN_FLIGHT).await?;
    store.complete(&key, "a", LONG, true).await?;
    store
        .claim(&key, "c", LONG, open(), ClaimState::Done)
        .await?;
    store.complete(&key, "a", LONG, false).await?;
    store.release(&key, "a", false).await?;
    store.claim(&key, "d", LONG, open(), ClaimState::Done).await
}

/// Of concurrent claims of a free key, exactly one is granted.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn claims_are_exclusive(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "of concurrent claims of a free key, exactly one is granted";
    let key = key("exclusive");
    let mut claims = JoinSet::new();
    for n in 0..16 {
        let (store, key) = (store.clone(), key.clone());
        claims.spawn(async move {
            store
                .claim(&key, &format!("t{n}"), LONG, open())
                .await
                .map_err(|error| failed(PROMISE, &error))
        });
    }
    let mut states = Vec::new();
    while let Some(joined) = claims.join_next().await {
        states.push(joined.map_err(|panicked| Violation {
            promise: PROMISE,
            detail: format!("a claim panicked: {panicked}"),
        })??);
    }
    let granted = states.iter().filter(|&&s| s == ClaimState::Claimed).count();
    let in_flight = states
        .iter()
        .filter(|s| matches!(s, ClaimState::InFlight { retry_after } if *retry_after <= LONG))
        .count();
    check(PROMISE, granted == 1 && in_flight == 15, || {
        format!("16 concurrent claims were answered {states:?}")
    })
}

/// Only the holder's token completes or releases a claim; anyone else's
/// attempt changes nothing.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn only_the_holder_finishes(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "only the holder's token completes or releases its claim";
    let store = Probe::new(&*store, PROMISE);
    let key = key("holder");
    store
        .claim(&key, "a", LONG, open(), ClaimState::Claimed)
        .await?;
    store.complete(&key, "b", LONG, false).await?;
    store.release(&key, "b", false).await?;
    store.claim(&key, "c", LONG, open(), IN_FLIGHT).await?;
    store.complete(&key, "a", LONG, true).await?;
    store.claim(&key, "d", LONG, open(), ClaimState::Done).await
}

/// A released key is free for the next delivery; a completed one cannot be
/// released.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn release_frees_the_key(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "release frees the holder's claim, and only a claim";
    let store = Probe::new(&*store, PROMISE);
    let key = key("release");
    store
        .claim(&key, "a", LONG, open(), ClaimState::Claimed)
        .await?;
    store.release(&key, "a", true).await?;
    store.release(&key, "a", false).await?;
    store
        .claim(&key, "b", LONG, open(), ClaimState::Claimed)
        .await?;
    store.complete(&key, "b", LONG, true).await?;
    store.release(&key, "b", false).await?;
    store.claim(&key, "c", LONG, open(), ClaimState::Done).await
}

/// A claim whose lease ran out is taken over by the next delivery, and its
/// former holder can then neither complete nor release it.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn an_expired_lease_is_taken_over(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str =
        "a claim whose lease ran out is taken over, and its former holder loses it";
    let store = Probe::new(&*store, PROMISE);
    let key = key("takeover");
    store
        .claim(&key, "a", SHORT, open(), ClaimState::Claimed)
        .await?;
    sleep(SHORT + MARGIN).await;
    store
        .claim(&key, "b", LONG, open(), ClaimState::Claimed)
        .await?;
    store.complete(&key, "a", LONG, false).await?;
    store.release(&key, "a", false).await?;
    store.claim(&key, "c", LONG, open(), IN_FLIGHT).await?;
    store.complete(&key, "b", LONG, true).await?;
    store.claim(&key, "d", LONG, open(), ClaimState::Done).await
}

/// A handler slower than its lease, whose claim nobody took over, still
/// marks its delivery done when it finishes, whether the store kept its
/// expired claim (an open window) or dropped it (none), and while other
/// deliveries come and go.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn a_holder_past_its_lease_completes(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a holder past its lease, not taken over, still completes (a handler slower than the lease)";
    let store = Probe::new(&*store, PROMISE);
    let windowed = key("slow-windowed");
    let unbounded = key("slow-unbounded");
    store
        .claim(&windowed, "a", SHORT, open(), ClaimState::Claimed)
        .await?;
    store
        .claim(
            &unbounded,
            "a",
            SHORT,
            Window::unbounded(),
            ClaimState::Claimed,
        )
        .await?;
    sleep(SHORT + MARGIN).await;
    // Other deliveries meanwhile: a store may tidy up expired claims then.
    let other = key("slow-other");
    store
        .claim(&other, "x", LONG, open(), ClaimState::Claimed)
        .await?;
    store.complete(&other, "x", LONG, true).await?;
    for key in [&windowed, &unbounded] {
        store.complete(key, "a", LONG, true).await?;
        store
            .claim(key, "b", LONG, open(), ClaimState::Done)
            .await?;
    }
    Ok(())
}

/// A claim whose window has closed is stale, whatever the key holds, and
/// changes nothing.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn a_closed_window_is_stale(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a claim whose window has closed is stale, and changes nothing";
    let store = Probe::new(&*store, PROMISE);
    let key = key("stale");
    store
        .claim(&key, "a", LONG, closed(), ClaimState::Stale)
        .await?;
    store
        .claim(&key, "b", LONG, open(), ClaimState::Claimed)
        .await?;
    store
        .claim(&key, "c", LONG, closed(), ClaimState::Stale)
        .await?;
    store.complete(&key, "b", LONG, true).await?;
    store
        .claim(&key, "d", LONG, closed(), ClaimState::Stale)
        .await?;
    store.claim(&key, "e", LONG, open(), ClaimState::Done).await
}

/// A window that never closes is never stale, however old the delivery.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn an_unbounded_window_is_never_stale(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a window that never closes is never stale";
    let store = Probe::new(&*store, PROMISE);
    let key = key("unbounded");
    let ancient = Window::new(1, None);
    store
        .claim(&key, "a", LONG, ancient, ClaimState::Claimed)
        .await?;
    store.complete(&key, "a", LONG, true).await?;
    store
        .claim(&key, "b", LONG, Window::unbounded(), ClaimState::Done)
        .await
}

/// A completed delivery is kept until its window closes even when its
/// retention is shorter; then it expires, and a claim with its window is
/// stale.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn an_open_window_outlives_the_retention(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str =
        "a completed delivery is kept until its window closes, then expires with its retention";
    let store = Probe::new(&*store, PROMISE);
    let key = key("window");
    let window = closing_in(2);
    store
        .claim(&key, "a", SHORT, window, ClaimState::Claimed)
        .await?;
    store.complete(&key, "a", Duration::ZERO, true).await?;
    store
        .claim(&key, "b", LONG, window, ClaimState::Done)
        .await?;
    wait_until_closed(window).await;
    store
        .claim(&key, "c", LONG, window, ClaimState::Stale)
        .await?;
    store
        .claim(&key, "d", LONG, open(), ClaimState::Claimed)
        .await
}

/// A duplicate with a later window (a redelivery signed anew) keeps the
/// completed entry until that window closes too.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn a_later_duplicate_extends_the_window(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a duplicate records its window: the entry is kept until it closes";
    let store = Probe::new(&*store, PROMISE);
    let key = key("redelivered");
    let (first, later) = (closing_in(2), closing_in(5));
    store
        .claim(&key, "a", LONG, first, ClaimState::Claimed)
        .await?;
    store.complete(&key, "a", Duration::ZERO, true).await?;
    store
        .claim(&key, "b", LONG, later, ClaimState::Done)
        .await?;
    wait_until_closed(first).await;
    store.claim(&key, "c", LONG, later, ClaimState::Done).await
}

/// A delivery answered "in flight" records its window too: once the first
/// one completes, the entry is kept until the later window closes.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn an_in_flight_duplicate_records_its_window(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str =
        "a claim answered in flight records its window: the entry is kept until it closes";
    let store = Probe::new(&*store, PROMISE);
    let key = key("concurrent");
    let (first, later) = (closing_in(2), closing_in(5));
    store
        .claim(&key, "a", LONG, first, ClaimState::Claimed)
        .await?;
    store.claim(&key, "b", LONG, later, IN_FLIGHT).await?;
    store.complete(&key, "a", Duration::ZERO, true).await?;
    wait_until_closed(first).await;
    store.claim(&key, "c", LONG, later, ClaimState::Done).await
}

/// A completed delivery with no window is kept for its retention, then
/// expires: the next claim is granted.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn retention_keeps_then_expires(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a completed delivery is kept for its retention, then expires";
    let store = Probe::new(&*store, PROMISE);
    let key = key("retention");
    let retention = Duration::from_secs(2);
    let unbounded = Window::unbounded();
    store
        .claim(&key, "a", LONG, unbounded, ClaimState::Claimed)
        .await?;
    store.complete(&key, "a", retention, true).await?;
    store
        .claim(&key, "b", LONG, unbounded, ClaimState::Done)
        .await?;
    sleep(retention + MARGIN).await;
    store
        .claim(&key, "c", LONG, unbounded, ClaimState::Claimed)
        .await
}

/// Keys are compared exactly: keys that differ in case, in a trailing
/// separator or space, or in non-ASCII letters are distinct.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn keys_are_exact(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "keys are compared exactly";
    let store = Probe::new(&*store, PROMISE);
    let (partition, base) = (partition(), new_token());
    let long = "x".repeat(300);
    for suffix in ["k", "K", "k:", "k ", "ключ", "kλ", &long] {
        let key = key_in(&partition, &format!("{base}{suffix}"));
        store
            .claim(&key, "a", LONG, open(), ClaimState::Claimed)
            .await?;
    }
    Ok(())
}

/// A bounded store full of entries it must keep (open windows, claims in
/// flight) refuses a new claim with [`StoreError::Full`] and forgets
/// none of them.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn full_of_open_windows_refuses(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a full store refuses rather than forget an open window or a claim";
    let probe = Probe::new(&*store, PROMISE);
    let partition = partition();
    let keys = [
        key_in(&partition, "full-a"),
        key_in(&partition, "full-b"),
        key_in(&partition, "full-c"),
    ];
    for key in &keys {
        probe
            .claim(key, "t", LONG, open(), ClaimState::Claimed)
            .await?;
    }
    probe.complete(&keys[0], "t", LONG, true).await?;
    probe.complete(&keys[1], "t", LONG, true).await?;
    match store
        .claim(&key_in(&partition, "full-new"), "t", LONG, open())
        .await
    {
        Err(StoreError::Full { .. }) => {}
        other => {
            return Err(Violation {
                promise: PROMISE,
                detail: format!("a claim in a store full of open windows was answered {other:?}"),
            });
        }
    }
    probe
        .claim(&keys[0], "u", LONG, open(), ClaimState::Done)
        .await?;
    probe
        .claim(&keys[1], "u", LONG, open(), ClaimState::Done)
        .await?;
    probe.claim(&keys[2], "u", LONG, open(), IN_FLIGHT).await
}

/// A full bounded store makes room by forgetting completed deliveries whose
/// window closed first, then those with no window, and refuses once only
/// open windows and claims are left.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn forgets_closed_windows_then_unbounded(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a full store forgets closed windows first, then entries with none";
    let probe = Probe::new(&*store, PROMISE);
    let partition = partition();
    let (closing, unbounded, kept) = (
        key_in(&partition, "closed"),
        key_in(&partition, "no-window"),
        key_in(&partition, "open"),
    );
    let window = closing_in(2);
    probe
        .claim(&closing, "t", LONG, window, ClaimState::Claimed)
        .await?;
    probe.complete(&closing, "t", LONG, true).await?;
    probe
        .claim(
            &unbounded,
            "t",
            LONG,
            Window::unbounded(),
            ClaimState::Claimed,
        )
        .await?;
    probe.complete(&unbounded, "t", LONG, true).await?;
    probe
        .claim(&kept, "t", LONG, open(), ClaimState::Claimed)
        .await?;
    probe.complete(&kept, "t", LONG, true).await?;
    wait_until_closed(window).await;
    // Full: room is made by forgetting the closed window…
    probe
        .claim(
            &key_in(&partition, "new-1"),
            "t",
            LONG,
            open(),
            ClaimState::Claimed,
        )
        .await?;
    probe
        .claim(&unbounded, "u", LONG, Window::unbounded(), ClaimState::Done)
        .await?;
    // …then the one with no window; the open one stays.
    probe
        .claim(
            &key_in(&partition, "new-2"),
            "t",
            LONG,
            open(),
            ClaimState::Claimed,
        )
        .await?;
    probe
        .claim(&kept, "u", LONG, open(), ClaimState::Done)
        .await?;
    for forgotten in [&closing, &unbounded] {
        match store.claim(forgotten, "u", LONG, open()).await {
            Err(StoreError::Full { .. }) => {}
            other => {
                return Err(Violation {
                    promise: PROMISE,
                    detail: format!(
                        "{forgotten}: expected forgotten, and no room left (an open window \
                         and two claims), but a claim was answered {other:?}"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// A bounded store counts its room per partition (endpoint and provider):
/// one partition full of open windows refuses its own new claims, and
/// another partition's claims are granted.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn a_full_partition_leaves_the_others_room(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str =
        "a bounded store's room is per partition: one full partition refuses only its own claims";
    let probe = Probe::new(&*store, PROMISE);
    let (full, other) = (partition(), partition());
    for n in 0..3 {
        probe
            .claim(
                &key_in(&full, &format!("filler-{n}")),
                "t",
                LONG,
                open(),
                ClaimState::Claimed,
            )
            .await?;
    }
    match store
        .claim(&key_in(&full, "one-more"), "t", LONG, open())
        .await
    {
        Err(StoreError::Full { .. }) => {}
        other => {
            return Err(Violation {
                promise: PROMISE,
                detail: format!("a claim in a full partition was answered {other:?}"),
            });
        }
    }
    for n in 0..3 {
        probe
            .claim(
                &key_in(&other, &format!("k-{n}")),
                "t",
                LONG,
                open(),
                ClaimState::Claimed,
            )
            .await?;
    }
    Ok(())
}

/// Deliveries with no window never fill a bounded store for good: the
/// oldest are forgotten to make room, the latest are remembered.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn unbounded_windows_never_fill_it(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "deliveries with no window never fill a store for good";
    let store = Probe::new(&*store, PROMISE);
    let partition = partition();
    let keys: Vec<Key> = (0..10)
        .map(|n| key_in(&partition, &format!("unbounded-{n}")))
        .collect();
    for key in &keys {
        store
            .claim(key, "t", LONG, Window::unbounded(), ClaimState::Claimed)
            .await?;
        store.complete(key, "t", LONG, true).await?;
    }
    for key in &keys[7..] {
        store
            .claim(key, "u", LONG, Window::unbounded(), ClaimState::Done)
            .await?;
    }
    Ok(())
}

/// A store that cannot be reached answers every operation with
/// [`StoreError::Unavailable`]: no claim granted, no completion or
/// release reported.
///
/// # Errors
///
/// The [`Violation`] seen.
pub async fn unavailable(store: Arc<dyn DedupStore>) -> Checked {
    const PROMISE: &str = "a store that cannot be reached fails every operation as unavailable";
    let key = key("down");
    let outcomes = [
        (
            "claim",
            store
                .claim(&key, "t", LONG, open())
                .await
                .map(|s| format!("{s:?}")),
        ),
        (
            "complete",
            store.complete(&key, "t", LONG).await.map(|b| b.to_string()),
        ),
        (
            "release",
            store.release(&key, "t").await.map(|b| b.to_string()),
        ),
    ];
    for (operation, outcome) in outcomes {
        if !matches!(outcome, Err(StoreError::Unavailable(_))) {
            return Err(Violation {
                promise: PROMISE,
                detail: format!("{operation} was answered {outcome:?}"),
            });
        }
    }
    Ok(())
}

/// A store under test, each answer compared with the one a promise requires.
struct Probe<'a> {
    store: &'a dyn DedupStore,
    promise: &'static str,
}

impl<'a> Probe<'a> {
    fn new(store: &'a dyn DedupStore, promise: &'static str) -> Self {
        Probe { store, promise }
    }

    async fn claim(
        &self,
        key: &Key,
        token: &str,
        lease: Duration,
        window: Window,
        expected: ClaimState,
    ) -> Checked {
        let state = self
            .store
            .claim(key, token, lease, window)
            .await
            .map_err(|error| failed(self.promise, &error))?;
        if let ClaimState::InFlight { retry_after } = state {
            // The time left on the holder's lease: no more than any lease
            // the checks give, and not gone.
            check(
                IN_FLIGHT_PROMISE,
                !retry_after.is_zero() && retry_after <= LONG,
                || {
                    format!(
                        "claim of {key} by {token:?} was answered in flight for {retry_after:?}"
                    )
                },
            )?;
        }
        check(self.promise, same(state, expected), || {
            format!(
                "claim of {key} by {token:?} with {} was answered {state:?}, not {expected:?}",
                describe(window)
            )
        })
    }

    async fn complete(
        &self,
        key: &Key,
        token: &str,
        retention: Duration,
        expected: bool,
    ) -> Checked {
        let done = self
            .store
            .complete(key, token, retention)
            .await
            .map_err(|error| failed(self.promise, &error))?;
        check(self.promise, done == expected, || {
            format!("complete of {key} by {token:?} returned {done}, not {expected}")
        })
    }

    async fn release(&self, key: &Key, token: &str, expected: bool) -> Checked {
        let released = self
            .store
            .release(key, token)
            .await
            .map_err(|error| failed(self.promise, &error))?;
        check(self.promise, released == expected, || {
            format!("release of {key} by {token:?} returned {released}, not {expected}")
        })
    }
}

fn check(promise: &'static str, holds: bool, detail: impl FnOnce() -> String) -> Checked {
    if holds {
        Ok(())
    } else {
        Err(Violation {
            promise,
            detail: detail(),
        })
    }
}

fn failed(promise: &'static str, error: &StoreError) -> Violation {
    Violation {
        promise,
        detail: format!(
            "the store failed: {error}{}",
            std::error::Error::source(error)
                .map(|cause| format!(" ({cause})"))
                .unwrap_or_default()
        ),
    }
}

/// A key no other run uses, in a partition no other run uses.
fn key(name: &str) -> Key {
    key_in(&partition(), name)
}

/// A partition no other run uses.
fn partition() -> String {
    format!("contract:{}", new_token())
}

fn key_in(partition: &str, name: &str) -> Key {
    Key::new(partition, &format!("id:{name}"))
}

/// An in-flight answer stands for any time left; the probe checks that
/// time separately.
const IN_FLIGHT: ClaimState = ClaimState::InFlight {
    retry_after: Duration::ZERO,
};

/// Whether `state` is the answer `expected` names, in-flight answers
/// compared by kind.
fn same(state: ClaimState, expected: ClaimState) -> bool {
    match (state, expected) {
        (ClaimState::InFlight { .. }, ClaimState::InFlight { .. }) => true,
        _ => state == expected,
    }
}

fn now_secs() -> i64 {
    unix_now_millis().div_euclid(1000)
}

/// A window open for an hour.
fn open() -> Window {
    Window::new(now_secs(), Some(Duration::from_secs(3600)))
}

/// A window that closed ten seconds ago.
fn closed() -> Window {
    Window::new(now_secs() - 10, Some(Duration::ZERO))
}

/// A window whose last second is `secs` from now: it closes between `secs`
/// and `secs + 1` seconds from now.
fn closing_in(secs: i64) -> Window {
    Window::new(now_secs() + secs, Some(Duration::ZERO))
}

async fn wait_until_closed(window: Window) {
    if let Some(end) = window.end_millis() {
        let left = u64::try_from(end - unix_now_millis()).unwrap_or(0);
        sleep(Duration::from_millis(left) + MARGIN).await;
    }
}

fn describe(window: Window) -> String {
    match window.end_millis().map(|end| end - unix_now_millis()) {
        Some(left) if left > 0 => format!("a window closing in {left} ms"),
        Some(left) => format!("a window closed {} ms ago", -left),
        None => "a window that never closes".to_owned(),
    }
}

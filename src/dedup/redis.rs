//! [`RedisStore`]: claims shared by a fleet of receivers through Redis.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Script};

use super::StoreError;
use super::{ClaimState, DedupStore, Key, MAX_KEEP, StoreFuture, Window, millis, unix_now_millis};

// Each key is a hash: `s`, the state (`claimed:<token>` or `done`); `l`,
// the end of the lease (Unix ms) while claimed; `w`, the end of the latest
// window recorded (Unix ms), when one closes. Every script reads the clock
// from Redis (`TIME`): the one clock of every decision, key expiry included.

/// The store's clock in Unix milliseconds, as the first lines of a script.
const NOW: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
";

/// ARGV: `claimed:<token>`, lease (ms), window end (Unix ms, or `-` for a
/// window that never closes). Stale first; otherwise records the window,
/// and claims the key if it is free or its lease ran out.
const CLAIM: &str = r"
local window = tonumber(ARGV[3])
if window and now >= window then
  return 'stale'
end
local entry = redis.call('HMGET', KEYS[1], 's', 'l', 'w')
local state, lease_end, kept = entry[1], tonumber(entry[2]), tonumber(entry[3])
if window and (not kept or window > kept) then
  kept = window
end
if state == 'done' or (state and lease_end and lease_end > now) then
  if kept then
    redis.call('HSET', KEYS[1], 'w', kept)
    redis.call('PEXPIREAT', KEYS[1], kept, 'GT')
  end
  if state == 'done' then
    return 'done'
  end
  return 'in_flight:' .. (lease_end - now)
end
lease_end = now + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 's', ARGV[1], 'l', lease_end)
local expires = lease_end
if kept then
  redis.call('HSET', KEYS[1], 'w', kept)
  expires = math.max(expires, kept)
end
redis.call('PEXPIREAT', KEYS[1], expires)
return 'claimed'
";

/// ARGV: `claimed:<token>`, retention (ms). Marks the key done if the
/// caller still holds it, even past its lease, or if the claim expired and
/// left nothing (the delivery was processed: forgetting that would let its
/// next delivery run again); never over another holder's claim.
const COMPLETE: &str = r"
local entry = redis.call('HMGET', KEYS[1], 's', 'w')
local state, kept = entry[1], tonumber(entry[2])
if state and state ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 's', 'done')
redis.call('HDEL', KEYS[1], 'l')
local expires = now + tonumber(ARGV[2])
if kept then
  expires = math.max(expires, kept)
end
redis.call('PEXPIREAT', KEYS[1], expires)
return 1
";

/// ARGV: `claimed:<token>`. Deletes a claim only if the caller holds it.
const RELEASE: &str = r"
if redis.call('HGET', KEYS[1], 's') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

const CLAIMED: &str = "claimed:";

/// Claims shared through Redis by every receiver of a fleet, so that a
/// delivery is processed once whichever receiver the load balancer picks.
///
/// Each operation is one round trip: a small Lua script, atomic in Redis,
/// that takes its time from the server (`TIME`), the one clock every
/// decision is taken on, key expiry included.
///
/// - Claim: refused as stale if the delivery's window has closed; else of
///   concurrent claims exactly one takes the key (or the key of a claim
///   whose lease ran out); the others find it done or in flight. Each
///   records its window in the key.
/// - Complete and release act only on the caller's own claim
///   (compare-and-set, compare-and-delete), so a holder whose lease expired
///   cannot undo its successor's claim; a holder that completes after its
///   claim expired and left nothing still marks the delivery done.
/// - Every key expires, nothing needs cleaning up: a claim after its lease
///   and the windows it recorded, a completed delivery after the retention
///   and the windows it recorded (`PEXPIREAT` on the server's clock). So a
///   request that reached Redis once is never processed again: its key is
///   there, or its window has closed and the claim is stale. A delivery
///   with no window ([`Window::unbounded`](super::Window::unbounded)) is
///   remembered for the retention only.
///
/// Needs Redis 7.0 or later: older servers refuse `PEXPIREAT … GT`, so
/// duplicates would be answered 503. Memory grows with the
/// deliveries of one retention period (48 h unless set), with no cap of its
/// own: give Redis the room. Keys are hashes; a key left by an earlier
/// version of this crate (a string) makes its delivery fail with 503 until
/// it expires.
///
/// The connection is made lazily and re-made after failures. While Redis
/// cannot be reached, every operation fails within the operation timeout
/// (2 s unless set) with [`StoreError::Unavailable`]: deliveries are
/// refused with 503 and retried by the provider; nothing is marked done that
/// was not processed.
///
/// For completed deliveries to survive a Redis restart, run Redis with
/// persistence (`appendonly yes`); and never let it evict keys on its own
/// (`maxmemory-policy noeviction`, the default, or no `maxmemory`): an
/// evicted key is a delivery forgotten before its window closed.
///
/// ```no_run
/// use signed_webhooks::dedup::{Deduplicator, RedisStore};
///
/// let store = RedisStore::open("redis://127.0.0.1:6379/")?.with_prefix("billing:webhooks:");
/// let dedup = Deduplicator::new(store);
/// # Ok::<(), signed_webhooks::dedup::StoreError>(())
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    claim: Script,
    complete: Script,
    release: Script,
}

impl RedisStore {
    /// A store on the Redis server at `url` (`redis://host:port/db`, with
    /// credentials if needed). Connects on first use, so a receiver can
    /// start while Redis is down (and refuses deliveries until it is back).
    ///
    /// Must be called within a Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the URL is not a Redis URL.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let client = Client::open(url).map_err(unavailable)?;
        RedisStore::from_client(client)
    }

    /// A store on an existing client.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the connection manager cannot
    /// be set up.
    pub fn from_client(client: Client) -> Result<Self, StoreError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let connection =
            ConnectionManager::new_lazy_with_config(client, config).map_err(unavailable)?;
        Ok(RedisStore {
            connection,
            prefix: "signed-webhooks:".to_owned(),
            timeout: Duration::from_secs(2),
            claim: Script::new(&format!("{NOW}{CLAIM}")),
            complete: Script::new(&format!("{NOW}{COMPLETE}")),
            release: Script::new(RELEASE),
        })
    }

    /// Sets the prefix of every key (default `signed-webhooks:`), to share a
    /// Redis between applications. (Keys already name their endpoint and
    /// provider, so providers and routes never need a prefix of their own.)
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets how long one operation may take, reconnecting included, before
    /// the store counts as unavailable (default 2 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, key: &Key) -> String {
        format!("{}{}", self.prefix, key.as_str())
    }

    async fn with_timeout_of<T>(
        &self,
        operation: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(result) => result.map_err(unavailable),
            Err(elapsed) => Err(unavailable(elapsed)),
        }
    }
}

impl DedupStore for RedisStore {
    fn claim<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        lease: Duration,
        window: Window,
    ) -> StoreFuture<'a, ClaimState> {
        Box::pin(async move {
            // Capped so that Redis accepts it as an expiry; a window that
            // far away stays open for as long as anyone will care.
            let window_end = window.end_millis().map_or_else(
                || "-".to_owned(),
                |end| {
                    end.min(unix_now_millis().saturating_add(millis(MAX_KEEP)))
                        .to_string()
                },
            );
            let mut connection = self.connection.clone();
            let state: String = self
                .with_timeout_of(
                    self.claim
                        .key(self.key(key))
                        .arg(format!("{CLAIMED}{token}"))
                        .arg(px(lease))
                        .arg(window_end)
                        .invoke_async(&mut connection),
                )
                .await?;
            let left = |ms: &str| ms.parse::<u64>().ok().map(Duration::from_millis);
            match state.split_once(':') {
                None if state == "claimed" => Ok(ClaimState::Claimed),
                None if state == "done" => Ok(ClaimState::Done),
                None if state == "stale" => Ok(ClaimState::Stale),
                Some(("in_flight", ms)) if left(ms).is_some() => Ok(ClaimState::InFlight {
                    retry_after: left(ms).unwrap_or_default(),
                }),
                _ => Err(unavailable(std::io::Error::other(format!(
                    "unexpected answer from the claim script: {state:?}"
                )))),
            }
        })
    }

    fn complete<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let done: i64 = self
                .with_timeout_of(
                    self.complete
                        .key(self.key(key))
                        .arg(format!("{CLAIMED}{token}"))
                        .arg(millis(retention))
                        .invoke_async(&mut connection),
                )
                .await?;
            Ok(done == 1)
        })
    }

    fn release<'a>(&'a self, key: &'a Key, token: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let released: i64 = self
                .with_timeout_of(
                    self.release
                        .key(self.key(key))
                        .arg(format!("{CLAIMED}{token}"))
                        .invoke_async(&mut connection),
                )
                .await?;
            Ok(released == 1)
        })
    }

    fn release_detached(&self, key: Key, token: String) {
        super::release_in_background(self, key, token);
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The connection may carry credentials: never shown.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn unavailable(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Unavailable(Box::new(error))
}

/// A duration in whole milliseconds for `PX`: at least 1, at most
/// [`MAX_KEEP`](super::MAX_KEEP) (Redis refuses expiries past its clock's range).
fn px(duration: Duration) -> i64 {
    millis(duration).max(1)
}

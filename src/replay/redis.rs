//! [`RedisStore`]: claims shared by a fleet of receivers through Redis.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Script};

use super::{ClaimState, ReplayStore, StoreFuture, millis, unix_now_millis, window_end_millis};
use crate::error::Error;

/// The value of a completed key; a claimed key holds `claimed:<token>`.
const DONE: &str = "done";
const CLAIMED: &str = "claimed:";

/// Turns a claim into `done` if the caller still holds it, or if its lease
/// ran out and nobody claimed the key since (the delivery was processed:
/// forgetting that would let its next delivery run again); never over
/// another holder's claim.
const COMPLETE: &str = r"
local value = redis.call('GET', KEYS[1])
if value == ARGV[1] or value == false then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
return 0
";

/// Deletes a claim only if the caller still holds it.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Claims shared through Redis by every receiver of a fleet, so that a
/// delivery is processed once whichever receiver the load balancer picks.
///
/// - Claim: one round trip, `SET <prefix><key> claimed:<token> NX PX <lease> GET`,
///   atomic in Redis: of concurrent claims exactly one sets the key; the
///   others get its value back (`done`, or another claim). Needs Redis 7.0
///   or later. A duplicate signed later than the delivery that completed
///   the key extends its expiry to cover its own window (`PEXPIREAT … GT`,
///   a second round trip for duplicates only).
/// - Complete and release: small Lua scripts that act only if the key still
///   holds the caller's claim (compare-and-set, compare-and-delete), so a
///   holder whose lease expired cannot undo its successor's claim.
/// - Every key expires: a claim after its lease, a completed delivery after
///   the retention. Nothing needs cleaning up.
///
/// The connection is made lazily and re-made after failures. While Redis
/// cannot be reached, every operation fails within the operation timeout
/// (2 s unless set) with [`Error::ReplayStoreUnavailable`]: deliveries are
/// refused with 503 and retried by the provider; nothing is marked done that
/// was not processed.
///
/// For completed deliveries to survive a Redis restart, run Redis with
/// persistence (`appendonly yes`); and never let it evict keys on its own
/// (`maxmemory-policy noeviction`, the default, or no `maxmemory`): an
/// evicted key is a delivery forgotten before its window closed.
///
/// ```no_run
/// use signed_webhooks::replay::{Deduplicator, RedisStore};
///
/// let store = RedisStore::open("redis://127.0.0.1:6379/")?.with_prefix("billing:webhooks:");
/// let dedup = Deduplicator::new(store);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
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
    /// [`Error::ReplayStoreUnavailable`] when the URL is not a Redis URL.
    pub fn open(url: &str) -> Result<Self, Error> {
        let client = Client::open(url).map_err(unavailable)?;
        RedisStore::from_client(client)
    }

    /// A store on an existing client.
    ///
    /// # Errors
    ///
    /// [`Error::ReplayStoreUnavailable`] when the connection manager cannot
    /// be set up.
    pub fn from_client(client: Client) -> Result<Self, Error> {
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
            complete: Script::new(COMPLETE),
            release: Script::new(RELEASE),
        })
    }

    /// Sets the prefix of every key (default `signed-webhooks:`), to share a
    /// Redis between applications, or to keep two providers' event ids apart.
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

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn with_timeout_of<T>(
        &self,
        operation: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, Error> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(result) => result.map_err(unavailable),
            Err(elapsed) => Err(unavailable(elapsed)),
        }
    }
}

impl ReplayStore for RedisStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        lease: Duration,
        window_closes_at: i64,
    ) -> StoreFuture<'a, ClaimState> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let previous: Option<String> = self
                .with_timeout_of(
                    redis::cmd("SET")
                        .arg(self.key(key))
                        .arg(format!("{CLAIMED}{token}"))
                        .arg("NX")
                        .arg("PX")
                        .arg(px(lease))
                        .arg("GET")
                        .query_async(&mut connection),
                )
                .await?;
            Ok(match previous.as_deref() {
                None => ClaimState::Claimed,
                Some(DONE) => {
                    let window_end_ms = window_end_millis(window_closes_at, unix_now_millis());
                    let _: i64 = self
                        .with_timeout_of(
                            redis::cmd("PEXPIREAT")
                                .arg(self.key(key))
                                .arg(window_end_ms)
                                .arg("GT")
                                .query_async(&mut connection),
                        )
                        .await?;
                    ClaimState::Done
                }
                Some(_) => ClaimState::InFlight,
            })
        })
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        keep_for: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let done: i64 = self
                .with_timeout_of(
                    self.complete
                        .key(self.key(key))
                        .arg(format!("{CLAIMED}{token}"))
                        .arg(px(keep_for))
                        .invoke_async(&mut connection),
                )
                .await?;
            Ok(done == 1)
        })
    }

    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> StoreFuture<'a, bool> {
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

    fn release_detached(&self, key: String, token: String) {
        // Runs from a destructor (a failed or panicking handler): release in
        // the background when a runtime is at hand, or let the lease expire.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.clone();
            runtime.spawn(async move {
                if let Err(error) = store.release(&key, &token).await {
                    crate::log_warn!(
                        "signed-webhooks: could not release the claim on {key} ({error}); \
                         it expires with its lease"
                    );
                }
            });
        }
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

fn unavailable(error: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::ReplayStoreUnavailable(Box::new(error))
}

/// A duration in whole milliseconds for `PX`: at least 1, at most
/// [`MAX_KEEP`](super::MAX_KEEP) (Redis refuses expiries past its clock's range).
fn px(duration: Duration) -> i64 {
    millis(duration).max(1)
}

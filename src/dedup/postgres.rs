//! [`PostgresStore`]: claims kept in a PostgreSQL table, and the claim made
//! inside the handler's own transaction ([`PostgresStore::claim_in`]).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::{PgConnection, PgPool, PgRow};

use super::{
    ClaimState, DedupStore, Key, StoreError, StoreFuture, Window, millis, unix_now_millis,
};

/// How many expired rows one purge statement deletes.
const PURGE_BATCH: i64 = 1000;

/// How often (at most) a store purges expired rows on its own, in ms.
const PURGE_EVERY_MS: i64 = 60_000;

// Every statement reads the clock once, from the database, as Unix ms:
// the one clock every decision is taken on, expiry included.
// `clock_timestamp()`, not `now()`: `now()` is the start of the
// transaction, and `claim_in` runs inside the caller's, which may have
// been open for a while. The CTE holds a volatile function, so PostgreSQL
// evaluates it once per statement however often it is referenced.
const NOW: &str =
    "now AS (SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)";

/// The schema, for a table name already validated and quoted: `{table}`
/// (schema-qualified or not), `{index}` (unqualified, as PostgreSQL
/// requires: the index lives in the table's schema).
const SCHEMA: &str = r#"-- signed-webhooks: deliveries claimed and done (PostgresStore).
-- All times are Unix milliseconds on the database's clock.
CREATE TABLE IF NOT EXISTS {table} (
    -- The delivery key (dedup::Key: namespace, endpoint, provider and
    -- what names the delivery), compared byte for byte.
    key        text COLLATE "C" PRIMARY KEY,
    -- The claim that took the key last: its holder while claimed (complete
    -- and release compare it), the claim that marked it done once done.
    token      text    NOT NULL,
    -- Whether the delivery was processed.
    done       boolean NOT NULL,
    -- While claimed: when the holder's lease runs out. NULL once done.
    lease_end  bigint,
    -- The end of the latest window recorded on the key (the first
    -- millisecond at which it is closed); NULL when none closes.
    window_end bigint,
    -- When the row stops counting: at and after it, the row is absent to
    -- every operation, and purge_expired deletes it.
    expires_at bigint  NOT NULL,
    CHECK (done = (lease_end IS NULL))
);
-- Finds expired rows for purge_expired.
CREATE INDEX IF NOT EXISTS {index} ON {table} (expires_at);
"#;

/// Claims: `$1` key, `$2` token, `$3` lease (ms), `$4` window end (Unix ms,
/// NULL when it never closes). Stale first: a closed window inserts and
/// changes nothing (no row in `claim`). Else a key that is absent, expired,
/// or held by a lapsed lease is taken with the caller's token; a live one
/// (done, or a lease running) is left as it is. Either way the window is
/// recorded, and the row kept until it closes.
const CLAIM: &str = r"
WITH {now},
claim AS (
    INSERT INTO {table} AS d (key, token, done, lease_end, window_end, expires_at)
    SELECT $1, $2, false, now.ms + $3, $4::bigint, greatest(now.ms + $3, $4::bigint)
    FROM now
    WHERE $4::bigint IS NULL OR now.ms < $4::bigint
    ON CONFLICT (key) DO UPDATE SET (token, done, lease_end, window_end, expires_at) = (
        SELECT
            CASE WHEN s.free THEN excluded.token ELSE d.token END,
            CASE WHEN s.free THEN false ELSE d.done END,
            CASE WHEN s.free THEN excluded.lease_end ELSE d.lease_end END,
            s.kept,
            CASE WHEN s.free THEN greatest(excluded.lease_end, s.kept)
                 ELSE greatest(d.expires_at, s.kept) END
        FROM (
            SELECT
                d.expires_at <= now.ms OR (NOT d.done AND d.lease_end <= now.ms) AS free,
                CASE WHEN d.expires_at > now.ms
                     THEN greatest(d.window_end, excluded.window_end)
                     ELSE excluded.window_end END AS kept
            FROM now
        ) s
    )
    RETURNING true AS hit, d.token, d.done, d.lease_end
)
SELECT now.ms AS now, claim.hit, claim.token, claim.done, claim.lease_end
FROM now LEFT JOIN claim ON true
";

/// Completes: `$1` key, `$2` token, `$3` retention (ms). Marks the key done
/// if it holds the caller's claim (lease running or not: nobody took it
/// over), or nothing (absent, or expired): a row comes back only then.
/// Done is kept for the retention from now, and until the live windows
/// recorded close.
const COMPLETE: &str = r"
WITH {now}
INSERT INTO {table} AS d (key, token, done, lease_end, window_end, expires_at)
SELECT $1, $2, true, NULL, NULL, now.ms + $3
FROM now
ON CONFLICT (key) DO UPDATE SET
    token = excluded.token,
    done = true,
    lease_end = NULL,
    window_end = CASE WHEN d.expires_at > (SELECT ms FROM now) THEN d.window_end END,
    expires_at = greatest(
        excluded.expires_at,
        CASE WHEN d.expires_at > (SELECT ms FROM now) THEN d.window_end END
    )
WHERE d.expires_at <= (SELECT ms FROM now) OR (NOT d.done AND d.token = excluded.token)
RETURNING true AS done
";

/// Releases: `$1` key, `$2` token. Deletes a live claim the caller holds.
const RELEASE: &str = r"
WITH {now}
DELETE FROM {table} AS d
USING now
WHERE d.key = $1 AND d.token = $2 AND NOT d.done AND d.expires_at > now.ms
RETURNING true AS released
";

/// The first statement of `claim_in`: `$1` key, `$2` window end. Stale
/// first (NULL, and no lock taken); else whether this transaction got the
/// key's advisory lock (false: another open transaction is processing it).
/// Never waits. The table name is part of the locked text, so stores on
/// different tables never contend.
const LOCK: &str = r"
WITH {now}
SELECT CASE WHEN $2::bigint IS NOT NULL AND now.ms >= $2::bigint THEN NULL
            ELSE pg_try_advisory_xact_lock(hashtextextended({lock_prefix} || $1, 0)) END
       AS locked
FROM now
";

/// The second statement of `claim_in`: `$1` key, `$2` token, `$3` window
/// end, `$4` retention (ms). As `CLAIM`, except that the key is taken as
/// done at once (kept for the retention and until its windows close): the
/// row commits or rolls back with the caller's transaction.
const CLAIM_IN: &str = r"
WITH {now},
claim AS (
    INSERT INTO {table} AS d (key, token, done, lease_end, window_end, expires_at)
    SELECT $1, $2, true, NULL, $3::bigint, greatest(now.ms + $4, $3::bigint)
    FROM now
    WHERE $3::bigint IS NULL OR now.ms < $3::bigint
    ON CONFLICT (key) DO UPDATE SET (token, done, lease_end, window_end, expires_at) = (
        SELECT
            CASE WHEN s.free THEN excluded.token ELSE d.token END,
            CASE WHEN s.free THEN true ELSE d.done END,
            CASE WHEN s.free THEN NULL ELSE d.lease_end END,
            s.kept,
            CASE WHEN s.free THEN greatest(s.ms + $4, s.kept)
                 ELSE greatest(d.expires_at, s.kept) END
        FROM (
            SELECT
                now.ms,
                d.expires_at <= now.ms OR (NOT d.done AND d.lease_end <= now.ms) AS free,
                CASE WHEN d.expires_at > now.ms
                     THEN greatest(d.window_end, excluded.window_end)
                     ELSE excluded.window_end END AS kept
            FROM now
        ) s
    )
    RETURNING true AS hit, d.token, d.done, d.lease_end
)
SELECT now.ms AS now, claim.hit, claim.token, claim.done, claim.lease_end
FROM now LEFT JOIN claim ON true
";

/// Purges: `$1` batch size. Deletes up to that many expired rows, skipping
/// those an open transaction holds (it never waits).
const PURGE: &str = r"
WITH {now}
DELETE FROM {table}
WHERE key IN (
    SELECT p.key FROM {table} AS p
    WHERE p.expires_at <= (SELECT ms FROM now)
    ORDER BY p.expires_at
    LIMIT $1
    FOR UPDATE OF p SKIP LOCKED
)
";

/// Taken around `migrate`, so that receivers starting together do not race
/// on `CREATE TABLE IF NOT EXISTS` (which can fail when run concurrently).
const MIGRATE_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtextextended('signed-webhooks: migrate', 0));\n";

/// Claims and completed deliveries in a PostgreSQL table, shared by every
/// receiver that uses the database; and [`claim_in`](Self::claim_in), the
/// claim made inside the handler's own transaction, for exactly-once
/// effects in that database.
///
/// # The table
///
/// One table (default [`DEFAULT_TABLE`](Self::DEFAULT_TABLE), `signed_webhooks_deliveries`)
/// with one index, created only when asked: by
/// [`migrate`](Self::migrate), or by your own migrations with the SQL of
/// [`schema`](Self::schema) (idempotent: `CREATE … IF NOT EXISTS`). A
/// request never creates anything; without the table, every operation
/// fails as [`StoreError::Unavailable`]. The columns, all times in Unix
/// milliseconds on the database's clock:
///
/// | column | |
/// |---|---|
/// | `key text COLLATE "C" PRIMARY KEY` | the delivery key, compared byte for byte |
/// | `token text NOT NULL` | the claim that took the key last: the holder while claimed, the claim that completed it once done |
/// | `done boolean NOT NULL` | whether the delivery was processed |
/// | `lease_end bigint` | while claimed, when the holder's lease runs out |
/// | `window_end bigint` | the end of the latest window recorded (NULL: none closes) |
/// | `expires_at bigint NOT NULL` | from then on the row counts as absent (indexed, for purging) |
///
/// # How it keeps the contract
///
/// Each operation is one SQL statement, atomic in PostgreSQL, that reads
/// its time once from the database (`clock_timestamp()`), the one clock
/// every decision is taken on:
///
/// - Claim: `INSERT … ON CONFLICT (key) DO UPDATE`, refused as stale first
///   (nothing inserted or changed) if the delivery's window has closed;
///   otherwise the row lock of `ON CONFLICT` lets exactly one of
///   concurrent claims take a key that is absent, expired or held by a
///   lapsed lease; the others find it done or in flight. Each records its
///   window, and the row is kept until the latest closes.
/// - Complete and release act only on the caller's own claim
///   (compare-and-set on the token), so a holder whose lease lapsed cannot
///   undo its successor's claim; a holder whose claim expired and left
///   nothing (or whose expired row is still there) still marks the
///   delivery done.
/// - A row whose `expires_at` has passed is absent to every operation, even
///   before it is deleted. [`purge_expired`](Self::purge_expired) deletes
///   such rows, 1000 per statement; each store also starts a purge on its
///   own runtime at most once a minute (when claiming), so that the table
///   holds about one retention period of deliveries and no request waits
///   for it.
///
/// Tokens must be unique per claim (the [`Deduplicator`](super::Deduplicator)
/// draws a new one for each): a claim is known granted by the row carrying
/// its token afterwards.
///
/// Needs PostgreSQL 11 or later (`hashtextextended`).
///
/// Every operation fails within the operation timeout (2 s unless set),
/// waiting for a pooled connection included, with
/// [`StoreError::Unavailable`] when the database cannot answer: deliveries
/// are refused with 503 and retried by the provider; nothing is marked
/// done that was not processed. Connections, their limits and TLS are the
/// pool's: this store only borrows them.
///
/// ```no_run
/// use signed_webhooks::dedup::{Deduplicator, PostgresStore};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = sqlx::PgPool::connect("postgres://app@localhost/app").await?;
/// let store = PostgresStore::new(pool).with_table("webhooks.deliveries")?;
/// // Once, at start-up (or put `store.schema()` in your own migrations).
/// store.migrate().await?;
/// let dedup = Deduplicator::new(store);
/// # let _ = dedup;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    sql: Arc<Sql>,
    timeout: Duration,
    /// When this store (and its clones) last started a purge, on this
    /// machine's clock: it only schedules, it decides nothing.
    last_purge: Arc<AtomicI64>,
}

/// The statements, written once for the store's table.
struct Sql {
    table: String,
    schema: String,
    claim: String,
    complete: String,
    release: String,
    lock: String,
    claim_in: String,
    purge: String,
}

impl Sql {
    fn new(table: &str) -> Result<Sql, StoreError> {
        let (schema_name, name) = match table.split_once('.') {
            Some((schema, name)) => (Some(schema), name),
            None => (None, table),
        };
        // The index name is the table's plus 11 bytes; PostgreSQL cuts
        // names at 63 bytes.
        let valid = schema_name.is_none_or(|schema| is_identifier(schema, 63))
            && is_identifier(name, 63 - "_expires_at".len());
        if !valid {
            return Err(unavailable(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "invalid table name {table:?} for PostgresStore: expected `name` or \
                     `schema.name`, each lowercase ASCII letters, digits and underscores, not \
                     starting with a digit, the name at most 52 bytes"
                ),
            )));
        }
        // Quoted, so that a name that is also a keyword (`user`) works; the
        // names are lowercase, so quoting changes nothing else.
        let quoted = match schema_name {
            Some(schema) => format!("\"{schema}\".\"{name}\""),
            None => format!("\"{name}\""),
        };
        let fill = |template: &str| {
            template
                .replace("{now}", NOW)
                .replace("{table}", &quoted)
                .replace("{index}", &format!("\"{name}_expires_at\""))
                // Validated above: no quote can end the literal.
                .replace("{lock_prefix}", &format!("'{table}:'"))
        };
        Ok(Sql {
            table: table.to_owned(),
            schema: fill(SCHEMA),
            claim: fill(CLAIM),
            complete: fill(COMPLETE),
            release: fill(RELEASE),
            lock: fill(LOCK),
            claim_in: fill(CLAIM_IN),
            purge: fill(PURGE),
        })
    }
}

/// Lowercase ASCII letters, digits and underscores, not starting with a
/// digit, 1 to `max` bytes.
fn is_identifier(name: &str, max: usize) -> bool {
    (1..=max).contains(&name.len())
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl PostgresStore {
    /// The table the store uses unless told otherwise.
    pub const DEFAULT_TABLE: &str = "signed_webhooks_deliveries";

    /// A store on `pool`, in the table [`DEFAULT_TABLE`](Self::DEFAULT_TABLE). Connects nothing
    /// and creates nothing: create the table with
    /// [`migrate`](Self::migrate) or your own migrations
    /// ([`schema`](Self::schema)).
    pub fn new(pool: PgPool) -> Self {
        PostgresStore {
            pool,
            sql: Arc::new(Sql::new(Self::DEFAULT_TABLE).expect("the default table name is valid")),
            timeout: Duration::from_secs(2),
            last_purge: Arc::new(AtomicI64::new(i64::MIN)),
        }
    }

    /// Keeps deliveries in `table` instead (`name` or `schema.name`: each
    /// lowercase ASCII letters, digits and underscores, not starting with a
    /// digit; the name at most 52 bytes, so that its index's name fits).
    /// The schema must exist.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the name is not such a name (as
    /// `RedisStore::open` answers a URL that is not Redis's).
    pub fn with_table(mut self, table: &str) -> Result<Self, StoreError> {
        self.sql = Arc::new(Sql::new(table)?);
        Ok(self)
    }

    /// Sets how long one operation may take, waiting for a connection from
    /// the pool included, before the store counts as unavailable (default
    /// 2 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The table, as given.
    pub fn table(&self) -> &str {
        &self.sql.table
    }

    /// The pool the store borrows its connections from.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The SQL that creates the store's table and index, idempotent
    /// (`CREATE TABLE IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`), with a
    /// comment on each column: what [`migrate`](Self::migrate) runs, for
    /// your own migrations.
    pub fn schema(&self) -> &str {
        &self.sql.schema
    }

    /// Creates the table and its index if they do not exist
    /// ([`schema`](Self::schema)), under an advisory lock so that
    /// receivers starting together do not race. Run it once at start-up,
    /// or run the schema in your own migrations instead; no other
    /// operation creates anything. Not bound by the operation timeout
    /// (creating the index on a large table takes what it takes).
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the database refuses it (no
    /// connection, no privilege to create tables, no such schema).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let sql = format!("{MIGRATE_LOCK}{}", self.sql.schema);
        // Several statements in one simple query: one implicit transaction,
        // which holds the advisory lock until the table and index exist.
        sqlx::raw_sql(&sql)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Deletes the rows whose expiry has passed (on the database's clock),
    /// 1000 per statement until none is left, skipping rows that an open
    /// transaction holds. Returns how many it deleted. Expired rows already
    /// count as absent, so this only reclaims room: the store runs it on
    /// its own at most once a minute; call it from a scheduled job if you
    /// prefer. Each statement is bound by the operation timeout.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the database cannot answer; the
    /// rows deleted until then stay deleted.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        let mut purged = 0;
        loop {
            let deleted = self
                .timed(
                    sqlx::query(&self.sql.purge)
                        .bind(PURGE_BATCH)
                        .execute(&self.pool),
                )
                .await?
                .rows_affected();
            purged += deleted;
            if deleted < PURGE_BATCH.unsigned_abs() {
                return Ok(purged);
            }
        }
    }

    /// Claims `key` inside the caller's open transaction (`tx`: a
    /// `sqlx::Transaction<Postgres>` passed as `&mut tx`, or a connection
    /// on which a transaction was begun), as done: the handler's writes in
    /// the same transaction and the delivery's "done" commit together or
    /// not at all. This is exactly-once for effects in this database, with
    /// no lease and nothing to complete.
    ///
    /// 1. Stale first, on the database's clock: a closed `window` is
    ///    [`ClaimState::Stale`], nothing taken or written.
    /// 2. `pg_try_advisory_xact_lock` on the key (and table): if another
    ///    open transaction holds it, that transaction is processing the
    ///    key now: [`ClaimState::InFlight`] at once, never waiting for it.
    ///    The lock is held until this transaction ends.
    /// 3. One statement: a key that is absent, expired or held by a lapsed
    ///    lease is written as done, kept until `retention` from now and
    ///    until its windows close: [`ClaimState::Claimed`], process it. A
    ///    key done (committed) is [`ClaimState::Done`], one held by a
    ///    running lease ([`claim`](DedupStore::claim)) is
    ///    [`ClaimState::InFlight`]; both get `window` recorded.
    ///
    /// # The guarantee
    ///
    /// For deliveries claimed this way only, against one database: the
    /// effects written in `tx` after `Claimed` are committed at most once
    /// per key while its row is kept (the retention, and every window
    /// recorded), because they commit only with the done row, and a
    /// committed done row makes every later claim `Done`, and a concurrent
    /// one `InFlight`. A crash, a dropped or rolled-back transaction, a
    /// failed commit or a lost connection leaves no row: the provider's
    /// retry is `Claimed` and runs again, and the effects are applied
    /// exactly once. If the commit's outcome is unknown (the connection
    /// dropped during `COMMIT`), the retry finds out: `Done` if it
    /// committed. Effects outside the database (an email, a call to another
    /// API) are not covered: they can happen and then be rolled back.
    ///
    /// # Using it
    ///
    /// - Claim first thing in the transaction, and keep the transaction
    ///   short: while it is open, the key's other deliveries are
    ///   `InFlight` (409, retried), and a plain `claim` of the same key
    ///   would wait for it (see [`claim`](DedupStore::claim)).
    /// - Whatever the answer, commit (or roll back) promptly: an answer
    ///   other than `Claimed` has written only the window it recorded,
    ///   which commits with the transaction (a rollback loses it, which
    ///   matters only when the retention is shorter than the window). A
    ///   delivery answered `InFlight` by the advisory lock records nothing.
    /// - A transaction dropped without commit (a handler that panicked or
    ///   returned early) is rolled back when its connection goes back to
    ///   the pool (sqlx does it in the background): until then the key is
    ///   `InFlight`, then free.
    /// - Run it at `READ COMMITTED` (PostgreSQL's default). At `REPEATABLE
    ///   READ` or `SERIALIZABLE`, a delivery committed by another
    ///   transaction after this one's snapshot fails the statement with a
    ///   serialization error, reported as [`StoreError::Unavailable`]
    ///   (503, retried): safe, but needless refusals.
    /// - Keys are used as given: the deduplicator builds them from the
    ///   endpoint and [`Verifier::verify_with_key`](crate::Verifier::verify_with_key).
    ///
    /// Most receivers call it through
    /// [`Deduplicator::claim_in_transaction`](super::Deduplicator::claim_in_transaction),
    /// or the `WebhookTx` extractors, which build the key and begin the
    /// transaction; by hand:
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use signed_webhooks::dedup::{ClaimState, Key, PostgresStore, Window};
    ///
    /// # async fn handle(store: &PostgresStore, key: &Key, window: Window)
    /// #     -> Result<u16, Box<dyn std::error::Error>> {
    /// let mut tx = store.pool().begin().await?;
    /// let retention = Duration::from_secs(48 * 3600);
    /// let status = match store.claim_in(&mut tx, key, window, retention).await? {
    ///     ClaimState::Claimed => {
    ///         sqlx::query("INSERT INTO payments (event_key) VALUES ($1)")
    ///             .bind(key.as_str())
    ///             .execute(&mut *tx)
    ///             .await?;
    ///         200 // processed: done once the commit below succeeds
    ///     }
    ///     ClaimState::Done => 200,             // a duplicate
    ///     ClaimState::InFlight { .. } => 409, // another transaction has it: retried later
    ///     ClaimState::Stale => 401,            // its window closed: as the verifier would now
    /// };
    /// tx.commit().await?; // an error here: answer 503, the retry runs again
    /// # Ok(status)
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the database cannot answer within
    /// the operation timeout, or refuses a statement (then the transaction
    /// is aborted: roll it back, answer 503, and the provider retries).
    pub async fn claim_in(
        &self,
        tx: &mut PgConnection,
        key: &Key,
        window: Window,
        retention: Duration,
    ) -> Result<ClaimState, StoreError> {
        self.maybe_purge();
        let window_end = window.end_millis();
        let locked: Option<bool> = self
            .timed(
                sqlx::query_scalar(&self.sql.lock)
                    .bind(key.as_str())
                    .bind(window_end)
                    .fetch_one(&mut *tx),
            )
            .await?;
        match locked {
            None => return Ok(ClaimState::Stale),
            Some(false) => {
                // Another open transaction holds the key: how long it keeps
                // it is not known here, and transactions are short.
                return Ok(ClaimState::InFlight {
                    retry_after: TRANSACTION_RETRY,
                });
            }
            Some(true) => {}
        }
        let token = super::new_token();
        let row = self
            .timed(
                sqlx::query(&self.sql.claim_in)
                    .bind(key.as_str())
                    .bind(&token)
                    .bind(window_end)
                    .bind(millis(retention))
                    .fetch_one(&mut *tx),
            )
            .await?;
        let found = Found::read(&row)?;
        // The row carries the caller's fresh token only if this statement
        // wrote it: check that first, as the row it wrote is done.
        Ok(match found {
            Found::Stale => ClaimState::Stale,
            Found::Row { holder, .. } if holder == token => ClaimState::Claimed,
            Found::Row { done: true, .. } => ClaimState::Done,
            Found::Row { lease_left_ms, .. } => in_flight(lease_left_ms),
        })
    }

    /// Starts [`purge_expired`](Self::purge_expired) on the current Tokio
    /// runtime if this store (or a clone) has not in the last minute.
    fn maybe_purge(&self) {
        let now = unix_now_millis();
        let last = self.last_purge.load(Ordering::Relaxed);
        // A clock that went back counts as due.
        if last != i64::MIN && (last..last.saturating_add(PURGE_EVERY_MS)).contains(&now) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self
            .last_purge
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return; // another claim just started it
        }
        let store = self.clone();
        runtime.spawn(async move {
            if let Err(error) = store.purge_expired().await {
                tracing::debug!(
                    target: "signed_webhooks",
                    table = store.table(),
                    "could not purge expired deliveries: {error}"
                );
            }
        });
    }

    /// Begins a transaction on the pool, within the operation timeout.
    pub(crate) async fn begin(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        self.timed(self.pool.begin()).await
    }

    async fn timed<T>(
        &self,
        operation: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(result) => result.map_err(unavailable),
            Err(elapsed) => Err(unavailable(elapsed)),
        }
    }
}

/// What a claim statement found (its single row, read).
enum Found {
    /// The window was closed: nothing written.
    Stale,
    /// The key's row after the statement.
    Row {
        holder: String,
        done: bool,
        /// While claimed: the time left on the holder's lease, in ms, at
        /// the statement's time (for `ClaimState::InFlight` to carry).
        lease_left_ms: Option<i64>,
    },
}

impl Found {
    fn read(row: &PgRow) -> Result<Found, StoreError> {
        let hit: Option<bool> = row.try_get("hit").map_err(unavailable)?;
        if hit.is_none() {
            return Ok(Found::Stale);
        }
        let now: i64 = row.try_get("now").map_err(unavailable)?;
        let lease_end: Option<i64> = row.try_get("lease_end").map_err(unavailable)?;
        Ok(Found::Row {
            holder: row.try_get("token").map_err(unavailable)?,
            done: row.try_get("done").map_err(unavailable)?,
            lease_left_ms: lease_end.map(|end| end.saturating_sub(now).max(0)),
        })
    }
}

impl DedupStore for PostgresStore {
    /// Claims `key` with one statement in its own transaction (see the
    /// type's documentation).
    ///
    /// A key claimed this way and one claimed with
    /// [`claim_in`](PostgresStore::claim_in) share the table but not the
    /// advisory lock: this one needs none, since its row is committed at
    /// once, and a route uses one mode or the other (its keys are its
    /// own). Were one key claimed both ways at once, exactly-once still
    /// holds, as both decide on the same row; only this claim would wait
    /// for the other's transaction to end (then find the key done, or take
    /// it), within the operation timeout.
    fn claim<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        lease: Duration,
        window: Window,
    ) -> StoreFuture<'a, ClaimState> {
        Box::pin(async move {
            self.maybe_purge();
            let row = self
                .timed(
                    sqlx::query(&self.sql.claim)
                        .bind(key.as_str())
                        .bind(token)
                        .bind(millis(lease))
                        .bind(window.end_millis())
                        .fetch_one(&self.pool),
                )
                .await?;
            Ok(match Found::read(&row)? {
                Found::Stale => ClaimState::Stale,
                Found::Row { done: true, .. } => ClaimState::Done,
                Found::Row { holder, .. } if holder == token => ClaimState::Claimed,
                Found::Row { lease_left_ms, .. } => in_flight(lease_left_ms),
            })
        })
    }

    fn complete<'a>(
        &'a self,
        key: &'a Key,
        token: &'a str,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let done: Option<bool> = self
                .timed(
                    sqlx::query_scalar(&self.sql.complete)
                        .bind(key.as_str())
                        .bind(token)
                        .bind(millis(retention))
                        .fetch_optional(&self.pool),
                )
                .await?;
            Ok(done.is_some())
        })
    }

    fn release<'a>(&'a self, key: &'a Key, token: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let released: Option<bool> = self
                .timed(
                    sqlx::query_scalar(&self.sql.release)
                        .bind(key.as_str())
                        .bind(token)
                        .fetch_optional(&self.pool),
                )
                .await?;
            Ok(released.is_some())
        })
    }

    fn release_detached(&self, key: Key, token: String) {
        super::release_in_background(self, key, token);
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The pool's connection options may carry credentials: never shown.
        f.debug_struct("PostgresStore")
            .field("table", &self.sql.table)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// How soon a delivery held by another open transaction is worth
/// retrying: how long that transaction stays open is not known.
const TRANSACTION_RETRY: Duration = Duration::from_secs(1);

/// In flight, for the time left on the holder's lease (a transactional
/// claim, which has none, for [`TRANSACTION_RETRY`]).
fn in_flight(lease_left_ms: Option<i64>) -> ClaimState {
    ClaimState::InFlight {
        retry_after: lease_left_ms
            .and_then(|ms| u64::try_from(ms).ok())
            .map_or(TRANSACTION_RETRY, Duration::from_millis),
    }
}

fn unavailable(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Unavailable(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_checked() {
        for good in ["deliveries", "_x", "a1", "webhooks.deliveries", "user"] {
            assert!(Sql::new(good).is_ok(), "{good}");
        }
        let long = "x".repeat(53);
        for bad in [
            "",
            "1a",
            "Deliveries",
            "a-b",
            "a b",
            "a.b.c",
            ".a",
            "a.",
            "a\"b",
            "a'b",
            &long,
        ] {
            assert!(Sql::new(bad).is_err(), "{bad:?}");
        }
        assert!(Sql::new(&"x".repeat(52)).is_ok());
    }

    #[test]
    fn statements_name_the_table_quoted() {
        let sql = Sql::new("hooks.seen").unwrap();
        assert!(sql.claim.contains(r#"INSERT INTO "hooks"."seen" AS d"#));
        assert!(
            sql.schema
                .contains(r#"CREATE INDEX IF NOT EXISTS "seen_expires_at" ON "hooks"."seen""#)
        );
        assert!(
            sql.lock
                .contains("hashtextextended('hooks.seen:' || $1, 0)")
        );
        for statement in [
            &sql.schema,
            &sql.claim,
            &sql.complete,
            &sql.release,
            &sql.lock,
        ] {
            assert!(!statement.contains('{'), "{statement}");
        }
    }
}

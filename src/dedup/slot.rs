//! Claiming deliveries from the HTTP adapters: the slot the layer or
//! middleware puts in each request, through which the extractors claim the
//! delivery, and which the layer finishes once the handler has answered.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::{Claim, ClaimGuard, Deduplicator, DeliveryKey, StoreError};
use crate::error::Error;
use crate::providers::Retries;

/// Put in each request's extensions by the layer or middleware; the
/// extractors claim the delivery through it, and the layer completes or
/// releases the claim once the handler has answered.
#[derive(Clone)]
pub(crate) struct ClaimSlot {
    dedup: Deduplicator,
    pending: Arc<Mutex<Pending>>,
}

/// What a verified delivery's claim decided.
pub(crate) enum Admission {
    /// Its handler runs.
    First,
    /// Processed before.
    Duplicate,
    /// Being processed by another request, for this much more.
    InFlight(Duration),
    /// Its window closed before the claim: the verifier would refuse it now.
    Stale(Error),
}

/// The claim of the request's delivery, from the extractor's claim to the
/// layer's finish.
#[derive(Default)]
struct Pending {
    guard: Option<ClaimGuard>,
    /// A transactional claim's transaction, handed back by the extractor's
    /// value when the handler is done with it: the layer commits it on a
    /// 2xx.
    #[cfg(feature = "postgres")]
    transaction: Option<sqlx::Transaction<'static, sqlx::Postgres>>,
    /// The claimed delivery's key and how its provider redelivers.
    claimed: Option<(String, Retries)>,
}

/// What a transactional claim decided.
#[cfg(feature = "postgres")]
pub(crate) enum TransactionAdmission {
    /// Its handler runs, with the transaction the delivery is written done
    /// in.
    First(sqlx::Transaction<'static, sqlx::Postgres>),
    /// Processed before, or refused as [`Admission`] says.
    Other(Admission),
}

impl ClaimSlot {
    pub(crate) fn new(dedup: Deduplicator) -> Self {
        ClaimSlot {
            dedup,
            pending: Arc::default(),
        }
    }

    /// Claims a verified delivery at `endpoint`.
    pub(crate) async fn admit(
        &self,
        endpoint: &str,
        key: &DeliveryKey,
    ) -> Result<Admission, StoreError> {
        Ok(match self.dedup.claim(endpoint, key).await? {
            Claim::First(guard) => {
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                pending.claimed = Some((guard.key().as_str().to_owned(), key.retries()));
                pending.guard = Some(guard);
                Admission::First
            }
            Claim::Duplicate => Admission::Duplicate,
            Claim::InFlight { retry_after } => Admission::InFlight(retry_after),
            Claim::Stale(error) => Admission::Stale(error),
        })
    }

    /// Notes a verified delivery that is not claimed, having no key
    /// ([`DeliveryId::Unkeyed`](crate::DeliveryId::Unkeyed)), so that
    /// [`finish`](Self::finish) still logs it lost when its handler fails
    /// and its provider does not retry.
    pub(crate) fn note_unclaimed<P: crate::Provider>(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.claimed = Some((format!("{} (unkeyed)", P::NAME), P::RETRIES));
    }

    /// Claims a verified delivery at `endpoint` in a transaction of the
    /// deduplicator's PostgreSQL store.
    #[cfg(feature = "postgres")]
    pub(crate) async fn admit_in_transaction(
        &self,
        endpoint: &str,
        key: &DeliveryKey,
    ) -> Result<TransactionAdmission, StoreError> {
        use super::TransactionClaim;
        Ok(
            match self.dedup.claim_in_transaction(endpoint, key).await? {
                TransactionClaim::First(transaction) => {
                    let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                    pending.claimed = Some((key.as_str().to_owned(), key.retries()));
                    TransactionAdmission::First(transaction)
                }
                TransactionClaim::Duplicate => TransactionAdmission::Other(Admission::Duplicate),
                TransactionClaim::InFlight { retry_after } => {
                    TransactionAdmission::Other(Admission::InFlight(retry_after))
                }
                TransactionClaim::Stale(error) => {
                    TransactionAdmission::Other(Admission::Stale(error))
                }
            },
        )
    }

    /// A transaction of the deduplicator's PostgreSQL store that claims
    /// nothing, for a delivery without a key: the layer commits or rolls
    /// it back as it does a claim's.
    #[cfg(feature = "postgres")]
    pub(crate) async fn begin_unclaimed(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        match &self.dedup.postgres {
            Some(store) => store.begin().await,
            // The extractor asks only when `is_transactional`.
            None => Err(StoreError::Unavailable(
                "a transaction needs a PostgresStore".into(),
            )),
        }
    }

    /// Whether the deduplicator's store can claim in a transaction.
    #[cfg(feature = "postgres")]
    pub(crate) fn is_transactional(&self) -> bool {
        self.dedup.postgres.is_some()
    }

    /// Takes back a transactional claim's transaction from the handler's
    /// extractor, for [`finish`](Self::finish) to commit or roll back.
    #[cfg(feature = "postgres")]
    pub(crate) fn park(&self, transaction: sqlx::Transaction<'static, sqlx::Postgres>) {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .transaction = Some(transaction);
    }

    /// Completes the claim when the handler answered with a success
    /// (`status` 2xx), and releases it otherwise, so that the provider's
    /// retry is processed; a provider that never retries has lost the
    /// delivery then, and the log says so. A transactional claim is
    /// committed on a 2xx, rolled back otherwise.
    ///
    /// # Errors
    ///
    /// When a transactional claim's commit failed: the delivery is not
    /// done, so the 2xx must not reach the provider; answer 503 instead.
    pub(crate) async fn finish(&self, status: u16) -> Result<(), StoreError> {
        let success = (200..300).contains(&status);
        let (guard, claimed) = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            (pending.guard.take(), pending.claimed.take())
        };
        match claimed {
            Some((key, retries)) if !success && retries.is_never() => tracing::error!(
                target: "signed_webhooks",
                key,
                status,
                "the handler answered {status}: this delivery is lost unless it is redelivered \
                 by hand, since its provider never retries ({})",
                retries.source()
            ),
            Some((key, retries @ Retries::Unknown { .. })) if !success => crate::log_warn!(
                key,
                status,
                "the handler answered {status}: this delivery is lost if its provider does not \
                 retry, which it does not say ({})",
                retries.source()
            ),
            _ => {}
        }
        #[cfg(feature = "postgres")]
        self.finish_transaction(success).await?;
        let Some(guard) = guard else {
            return Ok(());
        };
        let key = guard.key().as_str().to_owned();
        let outcome = if success {
            complete_even_if_cancelled(guard).await
        } else {
            guard.release().await
        };
        match outcome {
            Ok(true) => {}
            Ok(false) if success => crate::log_warn!(
                key,
                "the claim on a delivery was taken over before its handler finished; a \
                 redelivery may have been processed too (raise the lease)"
            ),
            Ok(false) => {}
            // The provider got its 2xx and will not redeliver, but a replay
            // inside the window after the lease would run the handler again.
            Err(error) if success => tracing::error!(
                target: "signed_webhooks",
                key,
                "could not complete the claim on a processed delivery: {error} ({:?}); it expires \
                 with its lease, after which a replay inside its window would be processed again",
                std::error::Error::source(&error).map(ToString::to_string)
            ),
            Err(error) => crate::log_warn!(
                key,
                "could not release the claim on a delivery: {error} ({:?}); it expires with its \
                 lease",
                std::error::Error::source(&error).map(ToString::to_string)
            ),
        }
        Ok(())
    }

    /// Commits the parked transaction on a success, rolls it back
    /// otherwise. The commit runs in a task of its own, so that a request
    /// dropped meanwhile cannot leave its outcome unknown to the log.
    #[cfg(feature = "postgres")]
    async fn finish_transaction(&self, success: bool) -> Result<(), StoreError> {
        let transaction = self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .transaction
            .take();
        let Some(transaction) = transaction else {
            return Ok(());
        };
        if !success {
            // Dropped, it would be rolled back too, later: now frees the
            // connection and the key at once.
            if let Err(error) = transaction.rollback().await {
                crate::log_warn!("could not roll back a delivery's transaction: {error}");
            }
            return Ok(());
        }
        let committed = match tokio::runtime::Handle::try_current() {
            Ok(runtime) => match runtime.spawn(transaction.commit()).await {
                Ok(committed) => {
                    committed.map_err(|error| StoreError::Unavailable(Box::new(error)))
                }
                Err(join) => Err(StoreError::Unavailable(Box::new(join))),
            },
            Err(_) => transaction
                .commit()
                .await
                .map_err(|error| StoreError::Unavailable(Box::new(error))),
        };
        committed.map_err(|error| {
            tracing::error!(
                target: "signed_webhooks",
                "could not commit a delivery's transaction after its handler answered 2xx: \
                 {error} ({:?}); answering 503 instead, so that the provider retries it (the \
                 handler's writes were not committed)",
                std::error::Error::source(&error).map(ToString::to_string)
            );
            error
        })
    }
}

impl Drop for Pending {
    /// A claim still pending when the request is dropped: its handler
    /// neither answered nor failed (the client went away, a timeout cut the
    /// request short). The guard releases it as it drops, so the provider's
    /// retry runs the handler again; whatever the handler had done stays
    /// done.
    fn drop(&mut self) {
        #[cfg(feature = "postgres")]
        let transaction = self.transaction.is_some();
        #[cfg(not(feature = "postgres"))]
        let transaction = false;
        if self.guard.is_none() && !transaction {
            return;
        }
        let Some((key, retries)) = &self.claimed else {
            return;
        };
        match retries {
            Retries::Unknown { source } => crate::log_warn!(
                key,
                "the request was dropped before its handler answered (the client went away, or \
                 a timeout): its claim is released; this delivery is lost if its provider does \
                 not retry, which it does not say ({source})"
            ),
            retries if retries.is_never() => tracing::error!(
                target: "signed_webhooks",
                key,
                "the request was dropped before its handler answered (the client went away, or \
                 a timeout): this delivery is lost unless it is redelivered by hand, since its \
                 provider never retries ({})",
                retries.source()
            ),
            _ if transaction => crate::log_warn!(
                key,
                "the request was dropped before its handler answered (the client went away, or \
                 a timeout): its transaction is rolled back, its writes with it, and the \
                 provider's retry runs the handler again"
            ),
            _ => crate::log_warn!(
                key,
                "the request was dropped before its handler answered (the client went away, or \
                 a timeout): its claim is released, and the provider's retry runs the handler \
                 again, which may already have done part of its work"
            ),
        }
    }
}

/// Completes a claim in a task of its own when a Tokio runtime is at hand
/// (both frameworks run on one), awaiting it: the handler has succeeded, so
/// if the server drops this request now (the client went away), the
/// completion must still happen rather than the claim be released and the
/// delivery processed again.
async fn complete_even_if_cancelled(guard: ClaimGuard) -> Result<bool, StoreError> {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => match runtime.spawn(guard.complete()).await {
            Ok(outcome) => outcome,
            Err(join) => Err(StoreError::Unavailable(Box::new(join))),
        },
        Err(_) => guard.complete().await,
    }
}

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
    /// How the claimed delivery's provider redelivers.
    retries: Option<Retries>,
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
                pending.guard = Some(guard);
                pending.retries = Some(key.retries());
                Admission::First
            }
            Claim::Duplicate => Admission::Duplicate,
            Claim::InFlight { retry_after } => Admission::InFlight(retry_after),
            Claim::Stale(error) => Admission::Stale(error),
        })
    }

    /// Completes the claim when the handler answered with a success
    /// (`status` 2xx), and releases it otherwise, so that the provider's
    /// retry is processed; a provider that never retries has lost the
    /// delivery then, and the log says so.
    pub(crate) async fn finish(&self, status: u16) {
        let (guard, retries) = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            (pending.guard.take(), pending.retries.take())
        };
        let Some(guard) = guard else {
            return;
        };
        let key = guard.key().as_str().to_owned();
        let success = (200..300).contains(&status);
        if !success && let Some(retries) = retries.filter(Retries::is_never) {
            tracing::error!(
                target: "signed_webhooks",
                key,
                status,
                "the handler answered {status}: this delivery is lost unless it is redelivered \
                 by hand, since its provider never retries ({})",
                retries.source()
            );
        }
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
    }
}

impl Drop for Pending {
    /// A claim still pending when the request is dropped: its handler
    /// neither answered nor failed (the client went away, a timeout cut the
    /// request short). The guard releases it as it drops, so the provider's
    /// retry runs the handler again; whatever the handler had done stays
    /// done.
    fn drop(&mut self) {
        let Some(guard) = &self.guard else {
            return;
        };
        let key = guard.key().as_str();
        match self.retries {
            Some(retries) if retries.is_never() => tracing::error!(
                target: "signed_webhooks",
                key,
                "the request was dropped before its handler answered (the client went away, or \
                 a timeout): this delivery is lost unless it is redelivered by hand, since its \
                 provider never retries ({})",
                retries.source()
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

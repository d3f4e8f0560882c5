//! Claiming deliveries from the HTTP adapters when duplicate detection is
//! on: the slot the layer or middleware puts in each request, through which
//! the extractors claim, and which the layer completes or releases once the
//! handler has answered.

use std::sync::{Arc, Mutex, PoisonError};

use crate::dedup::{Claim, ClaimGuard, Deduplicator};
use crate::extract::WebhookRejection;
use crate::verify::Verified;

/// Put in each request's extensions by the deduplication layer or
/// middleware; the extractors claim the delivery through it, and the layer
/// completes or releases the claim once the handler has answered.
#[derive(Clone)]
pub(crate) struct ClaimSlot {
    dedup: Deduplicator,
    claim: Arc<Mutex<Option<ClaimGuard>>>,
}

/// Whether a verified delivery goes to its handler.
pub(crate) enum Admission {
    First,
    Duplicate,
}

impl ClaimSlot {
    pub(crate) fn new(dedup: Deduplicator) -> Self {
        ClaimSlot {
            dedup,
            claim: Arc::new(Mutex::new(None)),
        }
    }

    /// Claims a verified delivery by its key.
    pub(crate) async fn admit(
        &self,
        key: &str,
        verified: &Verified,
    ) -> Result<Admission, WebhookRejection> {
        match self.dedup.claim(key, verified.window()).await? {
            Claim::First(guard) => {
                *self.claim.lock().unwrap_or_else(PoisonError::into_inner) = Some(guard);
                Ok(Admission::First)
            }
            Claim::Duplicate => Ok(Admission::Duplicate),
            Claim::InFlight { retry_after } => Err(WebhookRejection::InFlight { retry_after }),
            // The window closed between the time check and the claim: the
            // verifier would refuse the request now.
            Claim::Stale(error) => Err(WebhookRejection::Invalid(error)),
        }
    }

    /// Completes the claim when the handler answered with a success, and
    /// releases it otherwise, so that the provider's retry is processed.
    pub(crate) async fn finish(&self, success: bool) {
        let Some(guard) = self
            .claim
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        else {
            return;
        };
        let key = guard.key().to_owned();
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

/// Completes a claim in a task of its own when a Tokio runtime is at hand
/// (both frameworks run on one), awaiting it: the handler has succeeded, so
/// if the server drops this request now (the client went away), the
/// completion must still happen rather than the claim be released and the
/// delivery processed again.
async fn complete_even_if_cancelled(guard: ClaimGuard) -> Result<bool, crate::dedup::StoreError> {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => match runtime.spawn(guard.complete()).await {
            Ok(outcome) => outcome,
            Err(join) => Err(crate::dedup::StoreError::Unavailable(Box::new(join))),
        },
        Err(_) => guard.complete().await,
    }
}

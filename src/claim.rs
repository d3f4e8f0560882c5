//! Claiming deliveries from the HTTP adapters when duplicate detection is
//! on: the slot the layer or middleware puts in each request, through which
//! the extractors claim, and which the layer completes or releases once the
//! handler has answered.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Deserialize;

use crate::error::Error;
use crate::replay::{Claim, ClaimGuard, Deduplicator, Window, event_key, message_key};
use crate::verify::{Verified, Verifier};

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

    /// Claims a verified delivery: by its event id when `by_event_id` and
    /// the body has one, by its signed message (timestamp and body) otherwise.
    pub(crate) async fn admit(
        &self,
        verifier: &Verifier,
        verified: &Verified,
        body: &[u8],
        by_event_id: bool,
    ) -> Result<Admission, Error> {
        let key = match by_event_id.then(|| event_id(body)).flatten() {
            Some(EventId::Given(id)) => event_key(&id),
            // Every redelivery of an event whose id is empty would look new
            // (it is re-signed, so its message key changes): refused, so the
            // provider's own bug surfaces instead of repeated processing.
            Some(EventId::Empty) => return Err(empty_id()),
            None => message_key(verified.timestamp(), body),
        };
        let window = Window::new(verified.timestamp(), verifier.tolerance());
        match self.dedup.claim(&key, window).await? {
            Claim::First(guard) => {
                *self.claim.lock().unwrap_or_else(PoisonError::into_inner) = Some(guard);
                Ok(Admission::First)
            }
            Claim::Duplicate => Ok(Admission::Duplicate),
            Claim::InFlight { retry_after } => Err(Error::InFlight { retry_after }),
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
                "signed-webhooks: the claim on {key} expired before its handler finished; \
                 a redelivery may have been processed too (raise the lease)"
            ),
            Ok(false) => {}
            Err(error) => crate::log_warn!(
                "signed-webhooks: could not {} the claim on {key}: {error} ({:?}); \
                 it expires with its lease",
                if success { "complete" } else { "release" },
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
async fn complete_even_if_cancelled(guard: ClaimGuard) -> Result<bool, Error> {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => match runtime.spawn(guard.complete()).await {
            Ok(outcome) => outcome,
            Err(join) => Err(Error::ReplayStoreUnavailable(Box::new(join))),
        },
        Err(_) => guard.complete().await,
    }
}

/// A top-level `"id"` found in a body.
#[derive(Debug, PartialEq, Eq)]
enum EventId {
    Given(String),
    Empty,
}

/// The decode error of a signed event whose `id` is empty.
fn empty_id() -> Error {
    let cause = <serde_json::Error as serde::de::Error>::custom(
        "the event id is empty; duplicate deliveries could not be recognized",
    );
    Error::Decode(Box::new(crate::error::DecodeError::new(
        "id".to_owned(),
        cause,
    )))
}

/// The top-level `"id"` of a JSON body, a string or a number.
fn event_id(body: &[u8]) -> Option<EventId> {
    #[derive(Deserialize)]
    struct IdOnly<'a> {
        #[serde(borrow, default)]
        id: Option<Id<'a>>,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id<'a> {
        Text(#[serde(borrow)] Cow<'a, str>),
        Number(serde_json::Number),
    }
    // A derived struct also accepts an array (positionally): only objects.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    match serde_json::from_slice::<IdOnly<'_>>(body).ok()?.id? {
        Id::Text(text) if text.trim().is_empty() => Some(EventId::Empty),
        Id::Text(text) => Some(EventId::Given(text.into_owned())),
        Id::Number(number) => Some(EventId::Given(number.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_read_from_the_top_level() {
        let given = |id: &str| Some(EventId::Given(id.to_owned()));
        assert_eq!(event_id(br#"{"type":"x","id":"evt_1"}"#), given("evt_1"));
        assert_eq!(event_id(br#"{"id":"evt_\u0031"}"#), given("evt_1"));
        assert_eq!(event_id(br#"{"id":42}"#), given("42"));
        assert_eq!(event_id(br#"{"data":{"id":"inner"}}"#), None);
        assert_eq!(event_id(br#"{"id":""}"#), Some(EventId::Empty));
        assert_eq!(event_id(br#"{"id":" "}"#), Some(EventId::Empty));
        assert_eq!(event_id(br#"{"id":null}"#), None);
        assert_eq!(event_id(b"[1]"), None);
    }
}

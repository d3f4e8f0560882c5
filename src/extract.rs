//! The webhook extractors' types and their rejection, shared by the axum
//! and actix-web adapters: each adapter implements its framework's
//! extractor and response traits for these same types.

use std::fmt;

use bytes::Bytes;
use http::StatusCode;

use crate::error::Error;
use crate::verify::Verified;

/// Extracts a verified, decoded event: [`UnleeshedEvent`](crate::UnleeshedEvent),
/// [`ExchangeEvent`](crate::ExchangeEvent), [`Event<T>`](crate::Event) or
/// any `DeserializeOwned` type.
///
/// With duplicate detection on (axum's `DeduplicationLayer`, actix-web's
/// `Deduplication` middleware), duplicates never reach the handler: they are
/// answered `200 {"duplicate":true}`.
#[derive(Debug, Clone)]
pub struct VerifiedEvent<E>(pub E);

/// Extracts a verified, decoded event and says whether it is a first
/// delivery: for handlers that want to see duplicates (to log them, say)
/// instead of having them answered for them.
///
/// Without duplicate detection every delivery is `First`.
#[derive(Debug, Clone)]
pub enum Delivery<E> {
    /// A first delivery (or a retry of one whose handler failed). The claim
    /// is completed if the handler answers 2xx.
    First(E),
    /// Already processed. Whatever the handler answers, nothing is claimed;
    /// answer 2xx so the provider stops retrying.
    Duplicate(E),
}

impl<E> Delivery<E> {
    /// The event, first delivery or duplicate.
    pub fn into_inner(self) -> E {
        match self {
            Delivery::First(event) | Delivery::Duplicate(event) => event,
        }
    }

    /// Whether the event was processed before.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Delivery::Duplicate(_))
    }
}

/// Extracts the verified raw body, with what the verification established.
///
/// For receivers that store the raw delivery, or decode it themselves. With
/// duplicate detection on it is deduplicated by its signed content (the
/// timestamp and body, see [`message_key`](crate::replay::message_key)): a replayed
/// request is caught, a provider redelivery (signed anew) is not; use
/// [`VerifiedEvent`] to deduplicate by event id.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedBody {
    /// The raw body, exactly as received and verified.
    pub body: Bytes,
    /// The timestamp, matching secret and signature.
    pub verified: Verified,
}

/// Why a webhook extractor did not hand a request to its handler.
///
/// It answers (axum `IntoResponse`, actix-web `ResponseError`) with the
/// status of [`Error::status_code`]: 400 for a missing or malformed header,
/// 401 for a stale timestamp or a signature that does not match, 413 for a
/// body over the limit, 422 for a signed body that is not the expected
/// event, 409 and 503 with `Retry-After` for a delivery in progress or a
/// duplicate store that is down, 500 for a missing verifier. The body is
/// JSON, `{"error":{"code":"signature_mismatch","message":"…"}}`, and never
/// holds a secret or the expected signature. A duplicate delivery is
/// answered `200` with `{"duplicate":true}` and a `Webhook-Duplicate: true`
/// header.
#[derive(Debug)]
pub struct WebhookRejection(Refusal);

#[derive(Debug)]
enum Refusal {
    Error(Error),
    Duplicate,
}

/// The header marking a duplicate's 200 answer.
pub(crate) const DUPLICATE_HEADER: &str = "webhook-duplicate";

impl WebhookRejection {
    pub(crate) fn duplicate() -> Self {
        WebhookRejection(Refusal::Duplicate)
    }

    /// The error behind the rejection; `None` for a duplicate.
    pub fn error(&self) -> Option<&Error> {
        match &self.0 {
            Refusal::Error(error) => Some(error),
            Refusal::Duplicate => None,
        }
    }

    /// The error behind the rejection, by value; `None` for a duplicate.
    pub fn into_error(self) -> Option<Error> {
        match self.0 {
            Refusal::Error(error) => Some(error),
            Refusal::Duplicate => None,
        }
    }

    /// Whether the request was a duplicate of a processed delivery.
    pub fn is_duplicate(&self) -> bool {
        matches!(self.0, Refusal::Duplicate)
    }

    /// The status the rejection answers with.
    pub fn status(&self) -> StatusCode {
        match &self.0 {
            Refusal::Error(error) => error.status_code(),
            Refusal::Duplicate => StatusCode::OK,
        }
    }

    /// `Retry-After` in whole seconds, for temporary refusals.
    pub(crate) fn retry_after(&self) -> Option<String> {
        let error = self.error()?;
        error.retry_after().map(|d| d.as_secs().to_string())
    }

    /// The JSON body, built from the error's code and message only, which
    /// never hold a secret or the signature the receiver expected.
    pub(crate) fn body(&self) -> Vec<u8> {
        let body = match &self.0 {
            Refusal::Error(error) => serde_json::json!({
                "error": { "code": error.code(), "message": error.to_string() }
            }),
            Refusal::Duplicate => serde_json::json!({ "duplicate": true }),
        };
        body.to_string().into_bytes()
    }
}

impl From<Error> for WebhookRejection {
    fn from(error: Error) -> Self {
        WebhookRejection(Refusal::Error(error))
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Refusal::Error(error) => error.fmt(f),
            Refusal::Duplicate => f.write_str("duplicate of a delivery already processed"),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error().map(|error| error as _)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_the_documented_json() {
        let body = WebhookRejection::from(Error::NoSignature).body();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"]["code"], "no_v1_signature");
        assert!(json["error"]["message"].as_str().unwrap().contains("v1="));
        let duplicate = WebhookRejection::duplicate();
        assert_eq!(duplicate.body(), br#"{"duplicate":true}"#);
        assert_eq!(duplicate.status(), StatusCode::OK);
        assert!(duplicate.error().is_none());
        assert!(duplicate.into_error().is_none());
        assert!(matches!(
            WebhookRejection::from(Error::NoSignature).into_error(),
            Some(Error::NoSignature)
        ));
        let delivery = Delivery::Duplicate(7);
        assert!(delivery.is_duplicate());
        assert_eq!(delivery.into_inner(), 7);
        let in_flight = WebhookRejection::from(Error::InFlight {
            retry_after: std::time::Duration::from_secs(30),
        });
        assert_eq!(in_flight.retry_after().as_deref(), Some("30"));
        assert_eq!(in_flight.status(), StatusCode::CONFLICT);
    }
}

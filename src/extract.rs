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

    /// The JSON body: the error's stable code and a short fixed message.
    ///
    /// Whoever sent the request reads it, usually a stranger, so it says
    /// what kind of refusal this is and nothing about the receiver: not how
    /// many secrets it holds, not its clock or tolerance, not which part of
    /// the header was wrong. Those details go to the operator's log
    /// ([`refuse`]).
    pub(crate) fn body(&self) -> Vec<u8> {
        let body = match &self.0 {
            Refusal::Error(error) => serde_json::json!({
                "error": { "code": error.code(), "message": public_message(error) }
            }),
            Refusal::Duplicate => serde_json::json!({ "duplicate": true }),
        };
        body.to_string().into_bytes()
    }
}

/// What a refusal tells the sender: one fixed sentence per kind of error,
/// enough for an integrator pressing the provider's "send test" button.
fn public_message(error: &Error) -> &'static str {
    match error {
        Error::MissingHeader { .. } => {
            "no signature header: this endpoint accepts signed webhook deliveries only"
        }
        Error::DuplicateHeader { .. } => "the signature header appears more than once",
        Error::MalformedHeader(_) => "the signature header is malformed",
        Error::NoSignature => "the signature header carries no signature of a supported version",
        Error::TimestampTooOld { .. } => {
            "the signed timestamp is too old: a replayed or delayed delivery, or a clock that is off"
        }
        Error::TimestampInFuture { .. } => {
            "the signed timestamp is in the future: check the sender's clock"
        }
        Error::SignatureMismatch { .. } => {
            "signature does not match: verify the raw body with the secret of this endpoint"
        }
        Error::BodyTooLarge { .. } => "the request body is too large",
        Error::BodyRead(_) => "the request body could not be read",
        Error::Decode(_) => "the signed body is not an event this endpoint accepts",
        Error::InFlight { .. } => "this delivery is being processed: retry later",
        Error::ReplayStoreFull { .. } | Error::ReplayStoreUnavailable(_) => {
            "the receiver cannot record deliveries right now: retry later"
        }
        Error::InvalidSecret(_) | Error::MissingVerifier => "the receiver is misconfigured",
    }
}

/// Turns an error into the rejection answered to the sender, logging the
/// details for the operator first: the request's method and path, the
/// code, and the full error with its causes (which secret count, clock,
/// tolerance or header defect was involved). Server-side faults (5xx) are
/// logged as errors, refusals of the request as warnings.
pub(crate) fn refuse(method: &dyn fmt::Display, path: &str, error: Error) -> WebhookRejection {
    let status = error.status_code();
    let mut detail = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        detail.push_str(": ");
        detail.push_str(&inner.to_string());
        cause = inner.source();
    }
    if status.is_server_error() {
        tracing::error!(
            target: "signed_webhooks",
            %method, path, code = error.code(), status = status.as_u16(),
            "webhook refused: {detail}"
        );
    } else {
        tracing::warn!(
            target: "signed_webhooks",
            %method, path, code = error.code(), status = status.as_u16(),
            "webhook refused: {detail}"
        );
    }
    WebhookRejection::from(error)
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
        assert_eq!(
            json["error"]["message"],
            "the signature header carries no signature of a supported version"
        );
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

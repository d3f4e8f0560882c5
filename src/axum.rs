//! axum 0.8 extractors: [`VerifiedEvent`] and [`VerifiedBody`].
//!
//! The [`Verifier`] is router state, or part of it through
//! [`FromRef`]; forgetting it is a compile error, not a runtime surprise.
//!
//! ```
//! use axum::{Router, http::StatusCode, routing::post};
//! use signed_webhooks::{UnleeshedEvent, Verifier, axum::VerifiedEvent};
//!
//! async fn unleeshed(VerifiedEvent(event): VerifiedEvent<UnleeshedEvent>) -> StatusCode {
//!     println!("processed {} {}", event.id(), event.event_type());
//!     StatusCode::OK
//! }
//!
//! # fn main() -> Result<(), signed_webhooks::Error> {
//! let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/unleeshed", post(unleeshed))
//!     .with_state(verifier);
//! # Ok(())
//! # }
//! ```
//!
//! Each extractor checks the signature header and its timestamp *before*
//! reading the body, so an unsigned or stale request is refused without
//! buffering anything; the body is then read through axum's own limit
//! ([`DefaultBodyLimit`](axum_core::extract::DefaultBodyLimit), 2 MB unless
//! set). Refusals are [`WebhookRejection`]s.

use std::fmt;

use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};
use serde::de::DeserializeOwned;

use crate::adapter::error_body;
use crate::error::Error;
use crate::event::decode_event;
use crate::verify::{Verified, Verifier, unix_now};

/// Extracts a verified, decoded event: [`UnleeshedEvent`](crate::UnleeshedEvent),
/// [`ExchangeEvent`](crate::ExchangeEvent), [`Event<T>`](crate::Event) or
/// any `DeserializeOwned` type.
///
/// Needs `Verifier: FromRef<S>` for the router state `S`.
#[derive(Debug, Clone)]
pub struct VerifiedEvent<E>(pub E);

/// Extracts the verified raw body, with what the verification established.
///
/// For receivers that store the raw delivery, or decode it themselves.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedBody {
    /// The raw body, exactly as received and verified.
    pub body: Bytes,
    /// The timestamp, matching secret and signature.
    pub verified: Verified,
}

impl<S, E> FromRequest<S> for VerifiedEvent<E>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
    E: DeserializeOwned,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let VerifiedBody { body, .. } = VerifiedBody::from_request(req, state).await?;
        Ok(VerifiedEvent(decode_event(&body)?))
    }
}

impl<S> FromRequest<S> for VerifiedBody
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let header = verifier.signature_header(req.headers())?.to_owned();
        let checked = verifier.check_header_at(&header, unix_now())?;
        let body = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::BodyTooLarge { limit: None }
            } else {
                Error::BodyRead(Box::new(rejection))
            }
        })?;
        let verified = verifier.verify_body(&checked, &body)?;
        Ok(VerifiedBody { body, verified })
    }
}

/// Why a webhook extractor refused a request.
///
/// Answers with the status of [`Error::status_code`] (400 for a missing or
/// malformed header, 401 for a stale timestamp or a signature that does not
/// match, 413 for a body over the limit, 422 for a signed body that is not
/// the expected event) and a JSON body
/// `{"error":{"code":"signature_mismatch","message":"…"}}` that never holds
/// a secret or the expected signature.
#[derive(Debug)]
pub struct WebhookRejection(Error);

impl WebhookRejection {
    /// The error behind the rejection.
    pub fn error(&self) -> &Error {
        &self.0
    }

    /// The error behind the rejection, by value.
    pub fn into_error(self) -> Error {
        self.0
    }

    /// The status the rejection answers with.
    pub fn status(&self) -> StatusCode {
        self.0.status_code()
    }
}

impl From<Error> for WebhookRejection {
    fn from(error: Error) -> Self {
        WebhookRejection(error)
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let headers = [(CONTENT_TYPE, HeaderValue::from_static("application/json"))];
        (self.status(), headers, error_body(&self.0)).into_response()
    }
}

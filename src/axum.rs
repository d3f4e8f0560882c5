//! axum 0.8 extractors, [`VerifiedEvent`], [`VerifiedBody`] and
//! [`Delivery`], and the [`DeduplicationLayer`] for exactly-once processing.
//!
//! The [`Verifier`] is router state, or part of it through
//! [`FromRef`]; forgetting it is a compile error, not a runtime surprise.
//!
//! ```
//! use axum::{Router, http::StatusCode, routing::post};
//! use signed_webhooks::axum::{DeduplicationLayer, VerifiedEvent};
//! use signed_webhooks::replay::Deduplicator;
//! use signed_webhooks::{UnleeshedEvent, Verifier};
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
//!     .with_state(verifier)
//!     // Optional: each event processed once, redeliveries answered 200.
//!     .layer(DeduplicationLayer::new(Deduplicator::in_memory()));
//! # Ok(())
//! # }
//! ```
//!
//! Each extractor checks the signature header and its timestamp *before*
//! reading the body, so an unsigned or stale request is refused without
//! buffering anything; the body is then read through axum's own limit
//! ([`DefaultBodyLimit`](axum_core::extract::DefaultBodyLimit), 2 MB unless
//! set). Refusals are [`WebhookRejection`]s.
//!
//! With a [`DeduplicationLayer`], each verified delivery is claimed before
//! its handler runs (by event id; by signature for [`VerifiedBody`]): a
//! delivery already processed is answered `200 {"duplicate":true}` without
//! running the handler, one being processed right now `409` with
//! `Retry-After`. The claim is completed when the handler answers 2xx and
//! released otherwise (or when it panics), so the provider's retry runs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use tower_layer::Layer;
use tower_service::Service;

use crate::adapter::{Admission, ClaimSlot, DUPLICATE_HEADER, Refusal};
use crate::error::Error;
use crate::event::decode_event;
use crate::replay::Deduplicator;
use crate::verify::{Verified, Verifier, unix_now};

/// Extracts a verified, decoded event: [`UnleeshedEvent`](crate::UnleeshedEvent),
/// [`ExchangeEvent`](crate::ExchangeEvent), [`Event<T>`](crate::Event) or
/// any `DeserializeOwned` type.
///
/// Needs `Verifier: FromRef<S>` for the router state `S`. Under a
/// [`DeduplicationLayer`], duplicates never reach the handler.
#[derive(Debug, Clone)]
pub struct VerifiedEvent<E>(pub E);

/// Extracts a verified, decoded event and says whether it is a first
/// delivery: for handlers that want to see duplicates (to log them, say)
/// instead of having them answered for them.
///
/// Without a [`DeduplicationLayer`] every delivery is `First`.
#[derive(Debug, Clone)]
pub enum Delivery<E> {
    /// A first delivery (or a retry of one whose handler failed). The claim
    /// is completed if the handler answers 2xx.
    First(E),
    /// Already processed. Whatever the handler answers, nothing is claimed;
    /// answer 2xx so the provider stops retrying.
    Duplicate(E),
}

/// Extracts the verified raw body, with what the verification established.
///
/// For receivers that store the raw delivery, or decode it themselves.
/// Under a [`DeduplicationLayer`] it is deduplicated by signature: a
/// replayed request is caught, a provider redelivery (signed anew) is not;
/// use [`VerifiedEvent`] to deduplicate by event id.
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
    E: DeserializeOwned + Send,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Delivery::from_request(req, state).await? {
            Delivery::First(event) => Ok(VerifiedEvent(event)),
            Delivery::Duplicate(_) => Err(WebhookRejection(Refusal::Duplicate)),
        }
    }
}

impl<S, E> FromRequest<S> for Delivery<E>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
    E: DeserializeOwned + Send,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (verifier, slot, body, verified) = verify(req, state).await?;
        let event = decode_event(&body)?;
        match admit(slot, &verifier, &verified, &body, true).await? {
            Admission::First => Ok(Delivery::First(event)),
            Admission::Duplicate => Ok(Delivery::Duplicate(event)),
        }
    }
}

impl<S> FromRequest<S> for VerifiedBody
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (verifier, slot, body, verified) = verify(req, state).await?;
        match admit(slot, &verifier, &verified, &body, false).await? {
            Admission::First => Ok(VerifiedBody { body, verified }),
            Admission::Duplicate => Err(WebhookRejection(Refusal::Duplicate)),
        }
    }
}

/// Checks the header and timestamp, reads the body, checks the signature.
async fn verify<S>(
    req: Request,
    state: &S,
) -> Result<(Verifier, Option<ClaimSlot>, Bytes, Verified), Error>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    let verifier = Verifier::from_ref(state);
    let slot = req.extensions().get::<ClaimSlot>().cloned();
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
    Ok((verifier, slot, body, verified))
}

async fn admit(
    slot: Option<ClaimSlot>,
    verifier: &Verifier,
    verified: &Verified,
    body: &[u8],
    by_event_id: bool,
) -> Result<Admission, Error> {
    match slot {
        Some(slot) => slot.admit(verifier, verified, body, by_event_id).await,
        None => Ok(Admission::First),
    }
}

/// Why a webhook extractor did not hand a request to its handler.
///
/// Answers with the status of [`Error::status_code`] (400 for a missing or
/// malformed header, 401 for a stale timestamp or a signature that does not
/// match, 413 for a body over the limit, 422 for a signed body that is not
/// the expected event, 409 and 503 with `Retry-After` for a delivery in
/// progress or a duplicate store that is down) and a JSON body
/// `{"error":{"code":"signature_mismatch","message":"…"}}` that never holds
/// a secret or the expected signature. A duplicate delivery is answered
/// `200` with `{"duplicate":true}` and a `Webhook-Duplicate: true` header.
#[derive(Debug)]
pub struct WebhookRejection(Refusal);

impl WebhookRejection {
    /// The error behind the rejection; `None` for a duplicate.
    pub fn error(&self) -> Option<&Error> {
        match &self.0 {
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
        self.0.status()
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

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.0.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(seconds) = self
            .0
            .retry_after()
            .and_then(|s| HeaderValue::try_from(s).ok())
        {
            headers.insert(RETRY_AFTER, seconds);
        }
        if self.is_duplicate() {
            headers.insert(DUPLICATE_HEADER, HeaderValue::from_static("true"));
        }
        response
    }
}

/// A layer that turns on exactly-once processing for the webhook
/// extractors of the routes it wraps.
///
/// The extractors claim each verified delivery in the [`Deduplicator`]'s
/// store; once the handler has answered, the layer completes the claim if
/// the answer is 2xx and releases it otherwise. A handler that panics, or a
/// request dropped mid-way, releases its claim too (or it expires after its
/// lease if the process dies).
#[derive(Debug, Clone)]
pub struct DeduplicationLayer {
    dedup: Deduplicator,
}

impl DeduplicationLayer {
    /// A layer claiming deliveries through `dedup`.
    pub fn new(dedup: Deduplicator) -> Self {
        DeduplicationLayer { dedup }
    }
}

impl<S> Layer<S> for DeduplicationLayer {
    type Service = Deduplication<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Deduplication {
            inner,
            dedup: self.dedup.clone(),
        }
    }
}

/// The service of a [`DeduplicationLayer`].
#[derive(Debug, Clone)]
pub struct Deduplication<S> {
    inner: S,
    dedup: Deduplicator,
}

impl<S, B, R> Service<http::Request<B>> for Deduplication<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let slot = ClaimSlot::new(self.dedup.clone());
        request.extensions_mut().insert(slot.clone());
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await;
            let success = response.as_ref().is_ok_and(|r| r.status().is_success());
            slot.finish(success).await;
            response
        })
    }
}

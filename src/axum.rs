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
//! ([`DefaultBodyLimit`](axum_core::extract::DefaultBodyLimit), 2 MiB unless
//! set); a `Content-Length` over that limit is refused with 413 before any
//! of the body is read. Once the body is in, the signature is checked and
//! the timestamp checked again, against the clock of that moment. Refusals
//! are [`WebhookRejection`]s; their details are logged (see the crate docs).
//!
//! With a [`DeduplicationLayer`], each verified delivery is claimed before
//! its handler runs (by event id; by signed content for [`VerifiedBody`]): a
//! delivery already processed is answered `200 {"duplicate":true}` without
//! running the handler, one being processed right now `409` with
//! `Retry-After`. The claim is completed when the handler answers 2xx and
//! released otherwise (or when it panics), so the provider's retry runs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum_core::RequestExt;
use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::HeaderValue;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http_body::Body as _;
use http_body_util::{BodyExt, LengthLimitError};
use serde::de::DeserializeOwned;
use tower_layer::Layer;
use tower_service::Service;

use crate::claim::{Admission, ClaimSlot};
use crate::error::Error;
use crate::event::decode_event;
use crate::extract::{DUPLICATE_HEADER, refuse};
use crate::replay::Deduplicator;
use crate::verify::{Verified, Verifier, unix_now};

pub use crate::extract::{Delivery, VerifiedBody, VerifiedEvent, WebhookRejection};

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
            Delivery::Duplicate(_) => Err(WebhookRejection::duplicate()),
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
        let route = Route::of(&req);
        let delivery = async {
            let (verifier, slot, body, verified) = verify(req, state).await?;
            let event = decode_event(&body)?;
            Ok(
                match admit(slot, &verifier, &verified, &body, true).await? {
                    Admission::First => Delivery::First(event),
                    Admission::Duplicate => Delivery::Duplicate(event),
                },
            )
        };
        delivery.await.map_err(|error| route.refuse(error))
    }
}

impl<S> FromRequest<S> for VerifiedBody
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let route = Route::of(&req);
        let admitted = async {
            let (verifier, slot, body, verified) = verify(req, state).await?;
            let admission = admit(slot, &verifier, &verified, &body, false).await?;
            Ok((admission, body, verified))
        };
        match admitted.await.map_err(|error| route.refuse(error))? {
            (Admission::First, body, verified) => Ok(VerifiedBody { body, verified }),
            (Admission::Duplicate, ..) => Err(WebhookRejection::duplicate()),
        }
    }
}

/// The method and path of a request, kept for the log line of a refusal
/// after the request itself has been consumed.
struct Route {
    method: http::Method,
    uri: http::Uri,
}

impl Route {
    fn of(req: &Request) -> Self {
        Route {
            method: req.method().clone(),
            uri: req.uri().clone(),
        }
    }

    fn refuse(&self, error: Error) -> WebhookRejection {
        refuse(&self.method, self.uri.path(), error)
    }
}

/// Checks the header and timestamp, reads the body, checks the signature
/// and, once more, the timestamp.
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
    verifier.check_header_at(&header, unix_now())?;
    let body = read_body(req).await?;
    // The clock is read again now that the body is in: a sender that holds
    // back the body's last byte until the timestamp's window has closed
    // must not pass on the strength of the check made when the headers came.
    let verified = verifier.verify_at(&header, &body, unix_now())?;
    Ok((verifier, slot, body, verified))
}

/// Reads the body through axum's [`DefaultBodyLimit`](axum_core::extract::DefaultBodyLimit),
/// refusing at once a request whose `Content-Length` already exceeds it.
async fn read_body(req: Request) -> Result<Bytes, Error> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    let body = req.into_limited_body();
    // The limited body's upper bound is the smaller of the declared length
    // and the limit: a declared length above it is over the limit.
    if let (Some(declared), Some(upper)) = (declared, body.size_hint().upper())
        && declared > upper
    {
        return Err(Error::BodyTooLarge {
            limit: usize::try_from(upper).ok(),
        });
    }
    match body.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => {
            let error = error.into_inner();
            let over_limit =
                std::iter::successors(Some(&*error as &dyn std::error::Error), |e| e.source())
                    .any(|e| e.is::<LengthLimitError>());
            Err(if over_limit {
                Error::BodyTooLarge { limit: None }
            } else {
                Error::BodyRead(error)
            })
        }
    }
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

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(seconds) = self
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

//! axum 0.8 extractors, [`Webhook`], [`WebhookBody`] and [`Delivery`], and
//! [`Deduplicator`] as a layer, for duplicate detection.
//!
//! Each provider's [`Verifier`] is router state, or part of it through
//! [`FromRef`]: a `Verifier<Stripe>` and a `Verifier<GitHub>` are different
//! types, so one state holds both and each handler gets its provider's.
//! Forgetting one is a compile error, not a runtime surprise.
//!
//! ```
//! use axum::extract::FromRef;
//! use axum::{Router, http::StatusCode, routing::post};
//! use signed_webhooks::axum::{Webhook};
//! use signed_webhooks::dedup::Deduplicator;
//! use signed_webhooks::{GitHub, Stripe, Verifier};
//!
//! async fn stripe(event: Webhook<Stripe>) -> StatusCode {
//!     println!("processed {} {}", event.id(), event.event_type());
//!     StatusCode::OK
//! }
//!
//! async fn github(event: Webhook<GitHub>) -> StatusCode {
//!     println!("processed {} {}", event.delivery(), event.event_type());
//!     StatusCode::OK
//! }
//!
//! #[derive(Clone)]
//! struct Webhooks {
//!     stripe: Verifier<Stripe>,
//!     github: Verifier<GitHub>,
//! }
//! impl FromRef<Webhooks> for Verifier<Stripe> {
//!     fn from_ref(state: &Webhooks) -> Self { state.stripe.clone() }
//! }
//! impl FromRef<Webhooks> for Verifier<GitHub> {
//!     fn from_ref(state: &Webhooks) -> Self { state.github.clone() }
//! }
//!
//! # fn main() -> Result<(), signed_webhooks::ConfigError> {
//! let state = Webhooks {
//!     stripe: Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?,
//!     github: Verifier::new("It's a Secret to Everybody")?,
//! };
//! let app: Router = Router::new()
//!     .route("/webhooks/stripe", post(stripe))
//!     .route("/webhooks/github", post(github))
//!     .with_state(state)
//!     // Optional: each delivery processed once, redeliveries answered 200.
//!     .layer(Deduplicator::in_memory());
//! # Ok(())
//! # }
//! ```
//!
//! (With axum's `macros` feature, `#[derive(FromRef)]` writes the two
//! `impl`s; with a single provider, the verifier itself can be the state.)
//!
//! # One URL for several providers
//!
//! A provider's own URL is simplest. Where one URL must serve several,
//! [`Scheme::matches_headers`](crate::Scheme::matches_headers) tells whose
//! headers a request carries (their shape only: **nothing is verified**,
//! anyone can send such headers), and that provider's verifier decides:
//!
//! ```
//! use axum::body::Bytes;
//! use axum::extract::State;
//! use axum::http::{HeaderMap, StatusCode};
//! use axum::{Router, routing::post};
//! use signed_webhooks::{GitHub, Provider, Stripe, Verifier};
//!
//! #[derive(Clone)]
//! struct Webhooks {
//!     stripe: Verifier<Stripe>,
//!     github: Verifier<GitHub>,
//! }
//!
//! async fn webhooks(State(state): State<Webhooks>, headers: HeaderMap, body: Bytes) -> StatusCode {
//!     // Routing on unsigned headers: the verifier of the provider they name decides.
//!     let outcome = if Stripe::scheme().matches_headers(&headers) {
//!         state.stripe.verify_event(&headers, &body).map(|e| println!("{}", e.event_type()))
//!     } else if GitHub::scheme().matches_headers(&headers) {
//!         state.github.verify_event(&headers, &body).map(|e| println!("{}", e.event_type()))
//!     } else {
//!         return StatusCode::NOT_FOUND;
//!     };
//!     match outcome {
//!         Ok(()) => StatusCode::OK,
//!         Err(error) => error.status_code(),
//!     }
//! }
//!
//! # fn main() -> Result<(), signed_webhooks::ConfigError> {
//! let state = Webhooks {
//!     stripe: Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?,
//!     github: Verifier::new("It's a Secret to Everybody")?,
//! };
//! let app: Router = Router::new().route("/webhooks", post(webhooks)).with_state(state);
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
//!
//! Verifying in the handler skips what the extractors add (the checks
//! before the body is read, duplicate detection through the layer, the
//! refusal's body); [`Verifier::verify_with_key`] gives the key for a
//! [`Deduplicator`] of your own.
//!
//! Each extractor checks the signature headers and the signed time *before*
//! reading the body, so a request with no signature header, a malformed
//! one or a stale timestamp is refused without buffering anything; a
//! `Content-Length` over axum's
//! [`DefaultBodyLimit`](axum::extract::DefaultBodyLimit) (2 MiB unless
//! set) is refused at once. Once the body is in, the signed time is checked
//! again and the signature against the body. Refusals are
//! [`WebhookRejection`]s, logged with their details.
//!
//! A method the provider never delivers with
//! ([`Provider::METHODS`]: `POST`, and `GET`
//! for Twilio, …) is refused 405 with an `Allow` header, before the body
//! is read; a `GET` (or a `HEAD`, answered as the `GET` it stands for) to
//! a provider with an unsigned endpoint check
//! ([`EndpointCheck`](crate::EndpointCheck): Meta's, Dropbox's) is
//! answered as that check. Either way the handler never runs.
//!
//! With a [`Deduplicator`] layer, each verified delivery is claimed before
//! its handler runs, by the key its provider's scheme names (the body's
//! event id, the signed `webhook-id`, or the signed content): a delivery
//! already processed is answered `200 {"duplicate":true}` without running
//! the handler, one being processed right now `409` with `Retry-After`. The
//! claim is completed when the handler answers 2xx and released otherwise
//! (or when it panics), so the provider's retry runs.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use axum::RequestExt;
use axum::body::Body;
use axum::extract::{FromRef, FromRequest, MatchedPath, OriginalUri, Request};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::HeaderValue;
use http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, X_CONTENT_TYPE_OPTIONS};
use http::request::Parts;
use http_body::Body as _;
use http_body_util::{BodyExt, LengthLimitError};
use tower_layer::Layer;
use tower_service::Service;

use crate::dedup::Deduplicator;
use crate::dedup::slot::ClaimSlot;
use crate::extract::{
    Claimed, DUPLICATE_HEADER, UNROUTED, first, log_refusal, receive, unexpected_method,
};
use crate::providers::{Provider, WebhookEvent};
use crate::target::RequestTarget;
use crate::verify::Verifier;

#[cfg(feature = "postgres")]
pub use crate::extract::WebhookTx;
pub use crate::extract::{Delivery, Webhook, WebhookBody, WebhookRejection};

// The extractors are plain functions returning a future, not `async fn`s:
// the request is split before the future is made, so the future (allocated
// and moved for every request, inside axum's boxed handler future) does not
// hold the request as an argument beside its parts.

impl<S, P, E> FromRequest<S> for Webhook<P, E>
where
    Verifier<P>: FromRef<S>,
    S: Send + Sync,
    P: Provider,
    E: WebhookEvent + Send,
{
    type Rejection = WebhookRejection;

    fn from_request(
        req: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        let (verifier, parts, body) = start::<S, P>(req, state);
        async move {
            let delivery = extract_delivery::<P, E>(&verifier, &parts, body).await;
            delivery
                .and_then(first)
                .map_err(|rejection| refuse::<P>(&parts, rejection))
        }
    }
}

impl<S, P, E> FromRequest<S> for Delivery<P, E>
where
    Verifier<P>: FromRef<S>,
    S: Send + Sync,
    P: Provider,
    E: WebhookEvent + Send,
{
    type Rejection = WebhookRejection;

    fn from_request(
        req: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        let (verifier, parts, body) = start::<S, P>(req, state);
        async move {
            extract_delivery(&verifier, &parts, body)
                .await
                .map_err(|rejection| refuse::<P>(&parts, rejection))
        }
    }
}

impl<S, P> FromRequest<S> for WebhookBody<P>
where
    Verifier<P>: FromRef<S>,
    S: Send + Sync,
    P: Provider,
{
    type Rejection = WebhookRejection;

    fn from_request(
        req: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        let (verifier, parts, body) = start::<S, P>(req, state);
        async move {
            let extracted = async {
                method_check(&verifier, &parts)?;
                let slot = parts.extensions.get::<ClaimSlot>();
                let body = pin!(read_body(&parts.headers, body));
                let received =
                    receive(&verifier, &target(&parts), &parts.headers, slot, body).await?;
                let claim = match received.into_body(slot, endpoint(&parts)) {
                    Claimed::Ready(body) => return Ok(body),
                    Claimed::Pending(claim) => claim,
                };
                claim.await
            };
            extracted
                .await
                .map_err(|rejection| refuse::<P>(&parts, rejection))
        }
    }
}

#[cfg(feature = "postgres")]
impl<S, P, E> FromRequest<S> for WebhookTx<P, E>
where
    Verifier<P>: FromRef<S>,
    S: Send + Sync,
    P: Provider,
    E: WebhookEvent + Send,
{
    type Rejection = WebhookRejection;

    fn from_request(
        req: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        let (verifier, parts, body) = start::<S, P>(req, state);
        async move {
            let extracted = async {
                method_check(&verifier, &parts)?;
                let slot = parts.extensions.get::<ClaimSlot>();
                let body = pin!(read_body(&parts.headers, body));
                let received =
                    receive(&verifier, &target(&parts), &parts.headers, slot, body).await?;
                received
                    .into_transactional(&parts.headers, slot, endpoint(&parts))
                    .await
            };
            extracted
                .await
                .map_err(|rejection| refuse::<P>(&parts, rejection))
        }
    }
}

/// The provider's verifier, and the request's parts and body (limited by
/// axum's `DefaultBodyLimit`).
fn start<S, P>(req: Request, state: &S) -> (Verifier<P>, Parts, Body)
where
    Verifier<P>: FromRef<S>,
    P: Provider,
{
    let verifier = Verifier::<P>::from_ref(state);
    let (parts, body) = req.with_limited_body().into_parts();
    (verifier, parts, body)
}

async fn extract_delivery<P, E>(
    verifier: &Verifier<P>,
    parts: &Parts,
    body: Body,
) -> Result<Delivery<P, E>, WebhookRejection>
where
    P: Provider,
    E: WebhookEvent + Send,
{
    method_check(verifier, parts)?;
    let slot = parts.extensions.get::<ClaimSlot>();
    let body = pin!(read_body(&parts.headers, body));
    let received = receive(verifier, &target(parts), &parts.headers, slot, body).await?;
    let claim = match received.into_delivery(&parts.headers, slot, endpoint(parts))? {
        Claimed::Ready(delivery) => return Ok(delivery),
        Claimed::Pending(claim) => claim,
    };
    claim.await
}

/// The answer to a request for its method, as the extractor's refusal: a
/// method the provider never delivers with refused 405, a `GET` answered as
/// the provider's unsigned endpoint check; nothing for a method it
/// delivers with.
fn method_check<P: Provider>(
    verifier: &Verifier<P>,
    parts: &Parts,
) -> Result<(), WebhookRejection> {
    match unexpected_method(verifier, parts.method.as_str(), parts.uri.query()) {
        Some(answer) => Err(answer),
        None => Ok(()),
    }
}

/// The request's method and its path and query, as received: a scheme
/// that signs the URL verifies them after the verifier's public origin
/// (the `Host` and `X-Forwarded-*` headers are never read).
/// Under `Router::nest`, axum strips the matched prefix from the URI: the
/// original one is what the provider called.
fn target(parts: &Parts) -> RequestTarget<'_> {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    RequestTarget::of(&parts.method, uri)
}

/// Logs a refusal with the request's method and path (kept in `parts`,
/// which outlive the extraction: nothing is cloned for the log).
fn refuse<P: Provider>(parts: &Parts, rejection: WebhookRejection) -> WebhookRejection {
    log_refusal(&parts.method, parts.uri.path(), &rejection, P::RETRIES);
    rejection
}

/// The endpoint a delivery's duplicate key names: the route that matched,
/// which whoever replays a request cannot vary (its raw path, they could).
fn endpoint(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<MatchedPath>()
        .map_or(UNROUTED, MatchedPath::as_str)
}

/// Refuses a body whose declared length already exceeds axum's
/// [`DefaultBodyLimit`](axum::extract::DefaultBodyLimit).
fn check_declared_length(headers: &http::HeaderMap, body: &Body) -> Result<(), WebhookRejection> {
    // The limited body's upper bound is the smaller of the declared length
    // and the limit: a declared length above it is over the limit.
    let declared = || {
        headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok())
    };
    match (body.size_hint().upper(), declared()) {
        (Some(upper), Some(declared)) if declared > upper => Err(WebhookRejection::BodyTooLarge {
            limit: usize::try_from(upper).ok(),
        }),
        _ => Ok(()),
    }
}

/// Reads a body to its end within axum's
/// [`DefaultBodyLimit`](axum::extract::DefaultBodyLimit), refusing at
/// once one whose declared length already exceeds it.
async fn read_body(headers: &http::HeaderMap, body: Body) -> Result<Bytes, WebhookRejection> {
    check_declared_length(headers, &body)?;
    match body.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => {
            let error = error.into_inner();
            let over_limit =
                std::iter::successors(Some(&*error as &dyn std::error::Error), |e| e.source())
                    .any(|e| e.is::<LengthLimitError>());
            Err(if over_limit {
                WebhookRejection::BodyTooLarge { limit: None }
            } else {
                WebhookRejection::BodyRead(error)
            })
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        rejection_response(&self)
    }
}

/// The answer to a refusal: its status, its JSON body, and `Retry-After`
/// or `Webhook-Duplicate` where they apply.
fn rejection_response<R: From<Vec<u8>>>(rejection: &WebhookRejection) -> http::Response<R> {
    let mut response = http::Response::new(R::from(rejection.body()));
    *response.status_mut() = rejection.status();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(rejection.content_type()),
    );
    if let Some(seconds) = rejection
        .retry_after()
        .and_then(|after| HeaderValue::try_from(after.as_secs().to_string()).ok())
    {
        headers.insert(RETRY_AFTER, seconds);
    }
    if matches!(rejection, WebhookRejection::Duplicate) {
        headers.insert(DUPLICATE_HEADER, HeaderValue::from_static("true"));
    }
    if matches!(rejection, WebhookRejection::Handshake(_)) {
        // A challenge echoed is never sniffed into HTML.
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    }
    if let Some(allow) = rejection
        .allow()
        .and_then(|allow| HeaderValue::try_from(allow).ok())
    {
        headers.insert(ALLOW, allow);
    }
    response
}

/// A [`Deduplicator`] is a layer: `.layer(dedup)` turns on duplicate
/// detection for the webhook extractors of the routes it wraps.
///
/// The extractors claim each verified delivery in the deduplicator's store,
/// under a key made of the route and what the provider signed, so one
/// layer (and one store) serves every route and provider of an app. Once
/// the handler has answered, the layer completes the claim if the answer is
/// 2xx and releases it otherwise. A handler that panics, or a request
/// dropped mid-way (the client went away, a timeout), releases its claim
/// too, logged (or it expires after its lease if the process dies).
impl<S> Layer<S> for Deduplicator {
    type Service = DedupService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        DedupService {
            inner,
            dedup: self.clone(),
        }
    }
}

/// The service a [`Deduplicator`] layer wraps a route in.
#[derive(Debug, Clone)]
pub struct DedupService<S> {
    inner: S,
    dedup: Deduplicator,
}

impl<S, B, R> Service<http::Request<B>> for DedupService<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    // axum's `Body`: the layer answers 503 itself when a transactional
    // claim's commit fails after a 2xx.
    R: From<Vec<u8>> + Send + 'static,
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
            // An error of the inner service is no answer: not a success.
            let status = response.as_ref().map_or(500, |r| r.status().as_u16());
            match slot.finish(status).await {
                Ok(()) => response,
                // The 2xx must not reach the provider: the delivery is not done.
                Err(error) => Ok(rejection_response(&WebhookRejection::Store(error))),
            }
        })
    }
}

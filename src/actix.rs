//! actix-web 4 extractors, [`Webhook`], [`WebhookBody`] and [`Delivery`],
//! and [`Deduplicator`] as middleware, for duplicate detection.
//!
//! Register each provider's [`Verifier`] as app data, directly or in
//! `web::Data`: a `Verifier<Stripe>` and a `Verifier<GitHub>` are different
//! types, so each handler gets its provider's.
//!
//! ```
//! use actix_web::{App, HttpResponse, web};
//! use signed_webhooks::actix::Webhook;
//! use signed_webhooks::{GitHub, Stripe, Verifier};
//!
//! async fn stripe(event: Webhook<Stripe>) -> HttpResponse {
//!     println!("processed {} {}", event.id(), event.event_type());
//!     HttpResponse::Ok().finish()
//! }
//!
//! async fn github(event: Webhook<GitHub>) -> HttpResponse {
//!     println!("processed {} {}", event.delivery(), event.event_type());
//!     HttpResponse::Ok().finish()
//! }
//!
//! # fn main() -> Result<(), signed_webhooks::ConfigError> {
//! let stripe_verifier = web::Data::new(Verifier::<Stripe>::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
//! let github_verifier = web::Data::new(Verifier::<GitHub>::new("It's a Secret to Everybody")?);
//! let app = App::new()
//!     .app_data(stripe_verifier)
//!     .app_data(github_verifier)
//!     .route("/webhooks/stripe", web::post().to(stripe))
//!     .route("/webhooks/github", web::post().to(github));
//! # Ok(())
//! # }
//! ```
//!
//! Each extractor checks the signature headers and the signed time *before*
//! reading the body, so a request with no signature header, a malformed
//! one or a stale timestamp is refused without buffering anything; the body
//! is then read through actix-web's own limit
//! ([`PayloadConfig`](actix_web::web::PayloadConfig), 256 KiB unless set;
//! actix-web refuses a larger `Content-Length` at once). Once the body is
//! in, the signed time is checked again and the signature against the
//! body. Refusals are [`WebhookRejection`]s, logged with their details; a
//! missing verifier is answered 500, and the log says what to register.
//!
//! A method the provider never delivers with
//! ([`Provider::METHODS`]: `POST`, and `GET`
//! for Twilio, …) is refused 405 with an `Allow` header, before the body
//! is read; a `GET` (or a `HEAD`, answered as the `GET` it stands for) to
//! a provider with an unsigned endpoint check
//! ([`EndpointCheck`](crate::EndpointCheck): Meta's, Dropbox's) is
//! answered as that check. Either way the handler never runs.
//!
//! Wrapped in a [`Deduplicator`] (`.wrap(dedup)`), each verified delivery is
//! claimed before its handler runs: a delivery already processed is
//! answered `200 {"duplicate":true}` without running the handler, one being
//! processed right now `409` with `Retry-After`. The claim is completed
//! when the handler answers 2xx and released otherwise, so the provider's
//! retry runs.
//!
//! # One URL for several providers
//!
//! A provider's own URL is simplest. Where one URL must serve several,
//! [`ProviderGuard`] routes each request to the resource of the provider
//! whose headers it carries. It is **routing only**: it reads unsigned
//! headers, which anyone can send, and verifies nothing; the extractor of
//! the route it picks verifies everything, as on a URL of its own.
//!
//! ```
//! use actix_web::{App, HttpResponse, web};
//! use signed_webhooks::actix::{ProviderGuard, Webhook};
//! use signed_webhooks::{GitHub, Slack, Stripe};
//!
//! async fn stripe(event: Webhook<Stripe>) -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//! async fn github(event: Webhook<GitHub>) -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//! async fn slack(event: Webhook<Slack>) -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//!
//! // (and the three verifiers as app data)
//! let app = App::new()
//!     .service(web::resource("/webhooks").guard(ProviderGuard::<Stripe>::new()).route(web::post().to(stripe)))
//!     .service(web::resource("/webhooks").guard(ProviderGuard::<GitHub>::new()).route(web::post().to(github)))
//!     .service(web::resource("/webhooks").guard(ProviderGuard::<Slack>::new()).route(web::post().to(slack)));
//! ```
//!
//! A request with none of their headers matches no resource: actix-web
//! answers 404 (the app's default service). Put as guards of routes of one
//! resource instead (`web::resource("/webhooks").route(web::post()
//! .guard(…).to(…))`), the same request gets 405.
//!
//! actix-web answers `Expect: 100-continue` itself, before any extractor
//! runs, so a client that asks is invited to send its body even when its
//! signature header is missing; the extractor still refuses the request
//! before reading that body. actix-web 4 is built on `http` 0.2; nothing
//! here asks you for `http` 1.x types.

use std::future::{Future, Ready, ready};
use std::marker::PhantomData;
use std::pin::{Pin, pin};

use actix_web::body::EitherBody;
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use crate::dedup::Deduplicator;
use crate::dedup::slot::ClaimSlot;
use crate::extract::{
    Claimed, DUPLICATE_HEADER, UNROUTED, first, log_refusal, receive, unexpected_method,
};
use crate::headers::Headers;
use crate::providers::{Provider, WebhookEvent};
use crate::scheme::Scheme;
use crate::target::RequestTarget;
use crate::verify::Verifier;

#[cfg(feature = "postgres")]
pub use crate::extract::WebhookTx;
pub use crate::extract::{Delivery, Webhook, WebhookBody, WebhookRejection};

/// A routing guard that matches a request carrying provider `P`'s headers,
/// well formed: its signature header once, parseable by `P`'s scheme, and
/// the timestamp and id headers the scheme signs
/// ([`Scheme::matches_headers`]).
///
/// **Routing only.** The headers it reads are not signed, and nothing is
/// verified: no signature checked, no time compared with the clock. A
/// request with Stripe's header shape and a forged signature is routed to
/// the Stripe resource, whose [`Webhook`] extractor refuses it (401). Never
/// let a guard's match stand for a verified delivery. Providers whose
/// headers have the same shape (GitHub's and Meta's, say) cannot be told
/// apart: give those URLs of their own. See the [module's
/// docs](self#one-url-for-several-providers).
pub struct ProviderGuard<P> {
    scheme: Scheme,
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider> ProviderGuard<P> {
    /// The guard for `P`'s headers.
    pub fn new() -> Self {
        ProviderGuard {
            scheme: P::scheme(),
            provider: PhantomData,
        }
    }
}

impl<P: Provider> Default for ProviderGuard<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Provider> std::fmt::Debug for ProviderGuard<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderGuard")
            .field("provider", &P::NAME)
            .finish()
    }
}

impl<P: Provider> Guard for ProviderGuard<P> {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        self.scheme.matches_headers(&ctx.head().headers)
    }
}

type LocalFuture<T, E = WebhookRejection> = Pin<Box<dyn Future<Output = Result<T, E>>>>;

impl Headers for HeaderMap {
    fn first_two(&self, name: &str) -> [Option<&[u8]>; 2] {
        let mut values = self.get_all(name).map(|value| value.as_bytes());
        [values.next(), values.next()]
    }
}

impl<P: Provider, E: WebhookEvent + 'static> FromRequest for Webhook<P, E> {
    type Error = WebhookRejection;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let delivery = extract_delivery::<P, E>(req, payload);
        let req = req.clone();
        Box::pin(async move {
            delivery
                .await
                .and_then(first)
                .map_err(|r| refuse::<P>(&req, r))
        })
    }
}

impl<P: Provider, E: WebhookEvent + 'static> FromRequest for Delivery<P, E> {
    type Error = WebhookRejection;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let delivery = extract_delivery::<P, E>(req, payload);
        let req = req.clone();
        Box::pin(async move { delivery.await.map_err(|r| refuse::<P>(&req, r)) })
    }
}

fn extract_delivery<P: Provider, E: WebhookEvent + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalFuture<Delivery<P, E>> {
    let body = Bytes::from_request(req, payload);
    let req = req.clone();
    Box::pin(async move {
        let verifier = registered_verifier::<P>(&req)?;
        method_check(&verifier, &req)?;
        let slot = req.extensions().get::<ClaimSlot>().cloned();
        let headers = req.headers();
        let body = pin!(async { body.await.map_err(body_error) });
        let received = receive(&verifier, &target(&req), headers, slot.as_ref(), body).await?;
        let endpoint = endpoint(&req);
        match received.into_delivery(headers, slot.as_ref(), &endpoint)? {
            Claimed::Ready(delivery) => Ok(delivery),
            Claimed::Pending(claim) => claim.await,
        }
    })
}

impl<P: Provider> FromRequest for WebhookBody<P> {
    type Error = WebhookRejection;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let extracted = async {
                let verifier = registered_verifier::<P>(&req)?;
                method_check(&verifier, &req)?;
                let slot = req.extensions().get::<ClaimSlot>().cloned();
                let body = pin!(async { body.await.map_err(body_error) });
                let received =
                    receive(&verifier, &target(&req), req.headers(), slot.as_ref(), body).await?;
                let endpoint = endpoint(&req);
                match received.into_body(slot.as_ref(), &endpoint) {
                    Claimed::Ready(body) => Ok(body),
                    Claimed::Pending(claim) => claim.await,
                }
            };
            extracted.await.map_err(|r| refuse::<P>(&req, r))
        })
    }
}

#[cfg(feature = "postgres")]
impl<P: Provider, E: WebhookEvent + 'static> FromRequest for WebhookTx<P, E> {
    type Error = WebhookRejection;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let extracted = async {
                let verifier = registered_verifier::<P>(&req)?;
                method_check(&verifier, &req)?;
                let slot = req.extensions().get::<ClaimSlot>().cloned();
                let headers = req.headers();
                let body = pin!(async { body.await.map_err(body_error) });
                let received =
                    receive(&verifier, &target(&req), headers, slot.as_ref(), body).await?;
                let endpoint = endpoint(&req);
                received
                    .into_transactional(headers, slot.as_ref(), &endpoint)
                    .await
            };
            extracted.await.map_err(|r| refuse::<P>(&req, r))
        })
    }
}

/// The answer to a request for its method, as the extractor's refusal: a
/// method the provider never delivers with refused 405, a `GET` answered as
/// the provider's unsigned endpoint check; nothing for a method it
/// delivers with.
fn method_check<P: Provider>(
    verifier: &Verifier<P>,
    req: &HttpRequest,
) -> Result<(), WebhookRejection> {
    match unexpected_method(verifier, req.method().as_str(), req.uri().query()) {
        Some(answer) => Err(answer),
        None => Ok(()),
    }
}

/// The request's method and its path and query, as received: a scheme
/// that signs the URL verifies them after the verifier's public origin
/// (the `Host` and `X-Forwarded-*` headers are never read).
fn target(req: &HttpRequest) -> RequestTarget<'_> {
    let uri = req.uri();
    RequestTarget::new(
        req.method().as_str(),
        uri.path_and_query().map_or("/", |pq| pq.as_str()),
    )
}

fn refuse<P: Provider>(req: &HttpRequest, rejection: WebhookRejection) -> WebhookRejection {
    log_refusal(req.method(), req.path(), &rejection, P::RETRIES);
    rejection
}

/// The endpoint a delivery's duplicate key names: the pattern of the route
/// that matched, which whoever replays a request cannot vary (its raw path,
/// which actix-web matches after decoding, they could).
fn endpoint(req: &HttpRequest) -> String {
    req.match_pattern().unwrap_or_else(|| UNROUTED.to_owned())
}

fn registered_verifier<P: Provider>(req: &HttpRequest) -> Result<Verifier<P>, WebhookRejection> {
    if let Some(verifier) = req.app_data::<Verifier<P>>() {
        return Ok(verifier.clone());
    }
    if let Some(verifier) = req.app_data::<Data<Verifier<P>>>() {
        return Ok(Verifier::clone(verifier));
    }
    tracing::error!(
        target: "signed_webhooks",
        provider = P::NAME,
        "no Verifier<{}> in the app data of {} {}; register one with \
         `App::new().app_data(web::Data::new(verifier))`",
        std::any::type_name::<P>(),
        req.method(),
        req.path()
    );
    Err(WebhookRejection::NotConfigured { provider: P::NAME })
}

fn body_error(error: actix_web::Error) -> WebhookRejection {
    if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
        WebhookRejection::BodyTooLarge { limit: None }
    } else {
        WebhookRejection::BodyRead(error.to_string().into())
    }
}

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status().as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(ResponseError::status_code(self));
        response.content_type(self.content_type());
        if let Some(after) = self.retry_after() {
            response.insert_header(("retry-after", after.as_secs().to_string()));
        }
        if matches!(self, WebhookRejection::Duplicate) {
            response.insert_header((DUPLICATE_HEADER, "true"));
        }
        if matches!(self, WebhookRejection::Handshake(_)) {
            // A challenge echoed is never sniffed into HTML.
            response.insert_header(("x-content-type-options", "nosniff"));
        }
        if let Some(allow) = self.allow() {
            response.insert_header(("allow", allow));
        }
        response.body(self.body())
    }
}

/// A [`Deduplicator`] is middleware: `.wrap(dedup)` turns on duplicate
/// detection for the webhook extractors of the services it wraps.
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use signed_webhooks::actix::Webhook;
/// use signed_webhooks::dedup::Deduplicator;
/// use signed_webhooks::{Unleeshed, Verifier};
///
/// async fn unleeshed(event: Webhook<Unleeshed>) -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// # fn main() -> Result<(), signed_webhooks::ConfigError> {
/// let verifier = web::Data::new(Verifier::<Unleeshed>::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
/// let dedup = Deduplicator::in_memory(); // build once, outside the app factory
/// let app = App::new()
///     .app_data(verifier)
///     .wrap(dedup)
///     .route("/webhooks/unleeshed", web::post().to(unleeshed));
/// # Ok(())
/// # }
/// ```
///
/// Build the [`Deduplicator`] once and clone it into each worker's app: an
/// in-memory store built inside the app factory would be one per worker.
/// The extractors claim each verified delivery under a key made of the
/// route and what the provider signed, so one middleware serves every route
/// and provider; once the handler has answered, the middleware completes
/// the claim if the answer is 2xx and releases it otherwise (or it expires
/// after its lease if the process dies).
impl<S, B> Transform<S, ServiceRequest> for Deduplicator
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = DedupMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(DedupMiddleware {
            service,
            dedup: self.clone(),
        }))
    }
}

/// The service a [`Deduplicator`] wraps each service of an app in.
#[derive(Debug)]
pub struct DedupMiddleware<S> {
    service: S,
    dedup: Deduplicator,
}

impl<S, B> Service<ServiceRequest> for DedupMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    // The right body: the middleware's own 503, when a transactional
    // claim's commit fails after a 2xx.
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalFuture<Self::Response, Self::Error>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let slot = ClaimSlot::new(self.dedup.clone());
        request.extensions_mut().insert(slot.clone());
        let response = self.service.call(request);
        Box::pin(async move {
            let response = response.await;
            // An error of the inner service is no answer: not a success.
            let status = response.as_ref().map_or(500, |r| r.status().as_u16());
            let finished = slot.finish(status).await;
            let response = response?;
            Ok(match finished {
                Ok(()) => response.map_into_left_body(),
                // The 2xx must not reach the provider: the delivery is not done.
                Err(error) => {
                    let rejection = WebhookRejection::Store(error);
                    response
                        .into_response(rejection.error_response())
                        .map_into_right_body()
                }
            })
        })
    }
}

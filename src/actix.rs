//! actix-web 4 extractors, [`VerifiedEvent`], [`VerifiedBody`] and
//! [`Delivery`], the [`Deduplication`] middleware for exactly-once
//! processing, and a routing guard, [`SignatureGuard`].
//!
//! Register the [`Verifier`] as app data, either directly or in
//! `web::Data`:
//!
//! ```
//! use actix_web::{App, HttpResponse, web};
//! use signed_webhooks::{UnleeshedEvent, Verifier, actix::VerifiedEvent};
//!
//! async fn unleeshed(VerifiedEvent(event): VerifiedEvent<UnleeshedEvent>) -> HttpResponse {
//!     println!("processed {} {}", event.id(), event.event_type());
//!     HttpResponse::Ok().finish()
//! }
//!
//! # fn main() -> Result<(), signed_webhooks::Error> {
//! let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let app = App::new()
//!     .app_data(web::Data::new(verifier))
//!     .route("/webhooks/unleeshed", web::post().to(unleeshed));
//! # Ok(())
//! # }
//! ```
//!
//! Each extractor checks the signature header and its timestamp *before*
//! reading the body, so an unsigned or stale request is refused without
//! buffering anything; the body is then read through actix-web's own limit
//! ([`PayloadConfig`](actix_web::web::PayloadConfig), 256 KiB unless set;
//! actix-web refuses a larger `Content-Length` at once). Once the body is
//! in, the signature is checked and the timestamp checked again, against
//! the clock of that moment. Refusals are [`WebhookRejection`]s; their
//! details are logged. A missing verifier is answered with 500 and logged
//! with what to register.
//!
//! actix-web answers `Expect: 100-continue` itself, before any extractor
//! runs, so a client that asks is invited to send its body even when its
//! signature header is missing; the extractor still refuses the request
//! before reading that body.
//!
//! Wrapped in the [`Deduplication`] middleware, each verified delivery is
//! claimed before its handler runs (by event id; by signed content for
//! [`VerifiedBody`]): a delivery already processed is answered
//! `200 {"duplicate":true}` without running the handler, one being processed
//! right now `409` with `Retry-After`. The claim is completed when the
//! handler answers 2xx and released otherwise, so the provider's retry runs.
//!
//! actix-web 4 is built on `http` 0.2; nothing here asks you for `http` 1.x
//! types.

use std::future::{Future, Ready, ready};
use std::pin::Pin;

use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::StatusCode;
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use serde::de::DeserializeOwned;

use crate::adapter::{UNLEESHED_SIGNATURE, single_header_value};
use crate::claim::{Admission, ClaimSlot};
use crate::error::Error;
use crate::event::decode_event;
use crate::extract::{DUPLICATE_HEADER, refuse};
use crate::header::SignatureHeader;
use crate::replay::Deduplicator;
use crate::verify::{Verified, Verifier, unix_now};

type LocalFuture<T, E = WebhookRejection> = Pin<Box<dyn Future<Output = Result<T, E>>>>;

pub use crate::extract::{Delivery, VerifiedBody, VerifiedEvent, WebhookRejection};

impl<E: DeserializeOwned + 'static> FromRequest for VerifiedEvent<E> {
    type Error = WebhookRejection;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let delivery = Delivery::<E>::from_request(req, payload);
        Box::pin(async move {
            match delivery.await? {
                Delivery::First(event) => Ok(VerifiedEvent(event)),
                Delivery::Duplicate(_) => Err(WebhookRejection::duplicate()),
            }
        })
    }
}

impl<E: DeserializeOwned + 'static> FromRequest for Delivery<E> {
    type Error = WebhookRejection;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = Verification::start(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let delivery = async {
                let (verification, body, verified) = verified.await?;
                let event = decode_event(&body)?;
                Ok(match verification.admit(&verified, &body, true).await? {
                    Admission::First => Delivery::First(event),
                    Admission::Duplicate => Delivery::Duplicate(event),
                })
            };
            delivery
                .await
                .map_err(|error| refuse(req.method(), req.path(), error))
        })
    }
}

impl FromRequest for VerifiedBody {
    type Error = WebhookRejection;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verified = Verification::start(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let admitted = async {
                let (verification, body, verified) = verified.await?;
                let admission = verification.admit(&verified, &body, false).await?;
                Ok((admission, body, verified))
            };
            match admitted
                .await
                .map_err(|error| refuse(req.method(), req.path(), error))?
            {
                (Admission::First, body, verified) => Ok(VerifiedBody { body, verified }),
                (Admission::Duplicate, ..) => Err(WebhookRejection::duplicate()),
            }
        })
    }
}

/// What the extractors need between checking the header and claiming.
struct Verification {
    verifier: Verifier,
    slot: Option<ClaimSlot>,
}

impl Verification {
    /// Checks the header and its timestamp now, then reads the body and
    /// checks the signature and, once more, the timestamp.
    fn start(
        req: &HttpRequest,
        payload: &mut Payload,
    ) -> LocalFuture<(Self, Bytes, Verified), Error> {
        let (verifier, header) = match check_before_body(req, unix_now()) {
            Ok(checked) => checked,
            Err(error) => return Box::pin(ready(Err(error))),
        };
        let slot = req.extensions().get::<ClaimSlot>().cloned();
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body.await.map_err(body_error)?;
            // The clock is read again now that the body is in: a sender that
            // holds back the body's last byte until the timestamp's window
            // has closed must not pass on the check made when the headers came.
            let verified = verifier.verify_at(&header, &body, unix_now())?;
            Ok((Verification { verifier, slot }, body, verified))
        })
    }

    async fn admit(
        &self,
        verified: &Verified,
        body: &[u8],
        by_event_id: bool,
    ) -> Result<Admission, Error> {
        match &self.slot {
            Some(slot) => {
                slot.admit(&self.verifier, verified, body, by_event_id)
                    .await
            }
            None => Ok(Admission::First),
        }
    }
}

/// Finds the verifier and checks the header and its timestamp, returning
/// what the body check needs later.
fn check_before_body(req: &HttpRequest, now: i64) -> Result<(Verifier, String), Error> {
    let verifier = registered_verifier(req)?;
    let name = verifier.header_name();
    let values = req
        .headers()
        .get_all(name.as_str())
        .map(|value| value.as_bytes());
    let header = single_header_value(name, values)?.to_owned();
    verifier.check_header_at(&header, now)?;
    Ok((verifier, header))
}

fn registered_verifier(req: &HttpRequest) -> Result<Verifier, Error> {
    if let Some(verifier) = req.app_data::<Verifier>() {
        return Ok(verifier.clone());
    }
    if let Some(verifier) = req.app_data::<Data<Verifier>>() {
        return Ok(Verifier::clone(verifier));
    }
    tracing::error!(
        target: "signed_webhooks",
        "no Verifier in the app data of {} {}; register one with \
         `App::new().app_data(web::Data::new(verifier))`",
        req.method(),
        req.path()
    );
    Err(Error::MissingVerifier)
}

fn body_error(error: actix_web::Error) -> Error {
    if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::BodyTooLarge { limit: None }
    } else {
        Error::BodyRead(error.to_string().into())
    }
}

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status().as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/json");
        if let Some(seconds) = self.retry_after() {
            response.insert_header(("retry-after", seconds));
        }
        if self.is_duplicate() {
            response.insert_header((DUPLICATE_HEADER, "true"));
        }
        response.body(self.body())
    }
}

/// Middleware that turns on exactly-once processing for the webhook
/// extractors of the services it wraps.
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use signed_webhooks::actix::{Deduplication, VerifiedEvent};
/// use signed_webhooks::replay::Deduplicator;
/// use signed_webhooks::{UnleeshedEvent, Verifier};
///
/// async fn unleeshed(VerifiedEvent(event): VerifiedEvent<UnleeshedEvent>) -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// # fn main() -> Result<(), signed_webhooks::Error> {
/// let verifier = web::Data::new(Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
/// let dedup = Deduplicator::in_memory(); // build once, outside the app factory
/// let app = App::new()
///     .app_data(verifier)
///     .wrap(Deduplication::new(dedup))
///     .route("/webhooks/unleeshed", web::post().to(unleeshed));
/// # Ok(())
/// # }
/// ```
///
/// Build the [`Deduplicator`] once and clone it into each worker's app: an
/// in-memory store built inside the app factory would be one per worker.
/// The extractors claim each verified delivery; once the handler has
/// answered, the middleware completes the claim if the answer is 2xx and
/// releases it otherwise (or it expires after its lease if the process
/// dies).
#[derive(Debug, Clone)]
pub struct Deduplication {
    dedup: Deduplicator,
}

impl Deduplication {
    /// Middleware claiming deliveries through `dedup`.
    pub fn new(dedup: Deduplicator) -> Self {
        Deduplication { dedup }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Deduplication
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = DeduplicationMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(DeduplicationMiddleware {
            service,
            dedup: self.dedup.clone(),
        }))
    }
}

/// The service of the [`Deduplication`] middleware.
#[derive(Debug)]
pub struct DeduplicationMiddleware<S> {
    service: S,
    dedup: Deduplicator,
}

impl<S, B> Service<ServiceRequest> for DeduplicationMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = LocalFuture<Self::Response, Self::Error>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let slot = ClaimSlot::new(self.dedup.clone());
        request.extensions_mut().insert(slot.clone());
        let response = self.service.call(request);
        Box::pin(async move {
            let response = response.await;
            let success = response.as_ref().is_ok_and(|r| r.status().is_success());
            slot.finish(success).await;
            response
        })
    }
}

/// Routes requests that carry one well-formed signature header.
///
/// **This is routing, not verification.** A guard sees the headers but not
/// the body, so it cannot check a signature: anyone can forge a header of
/// the right shape. Use it to send signed-looking requests to a webhook
/// handler (and others elsewhere); the handler must still verify, with
/// [`VerifiedEvent`] or [`VerifiedBody`].
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use signed_webhooks::actix::SignatureGuard;
///
/// let app = App::new().service(
///     web::resource("/webhooks")
///         .guard(SignatureGuard::new())
///         .route(web::post().to(HttpResponse::Ok)),
/// );
/// ```
#[derive(Debug, Clone)]
pub struct SignatureGuard {
    header_name: http::HeaderName,
}

impl SignatureGuard {
    /// A guard on `X-Unleeshed-Signature`.
    pub fn new() -> Self {
        SignatureGuard {
            header_name: UNLEESHED_SIGNATURE,
        }
    }

    /// A guard on the header a verifier reads
    /// ([`Verifier::header_name`]).
    pub fn for_verifier(verifier: &Verifier) -> Self {
        SignatureGuard {
            header_name: verifier.header_name().clone(),
        }
    }
}

impl Default for SignatureGuard {
    fn default() -> Self {
        SignatureGuard::new()
    }
}

impl Guard for SignatureGuard {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        let values = ctx
            .head()
            .headers()
            .get_all(self.header_name.as_str())
            .map(|value| value.as_bytes());
        single_header_value(&self.header_name, values)
            .is_ok_and(|header| SignatureHeader::parse(header).is_ok())
    }
}

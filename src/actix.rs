//! actix-web 4 extractors, [`VerifiedEvent`] and [`VerifiedBody`], and a
//! routing guard, [`SignatureGuard`].
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
//! ([`PayloadConfig`](actix_web::web::PayloadConfig), 256 KiB unless set).
//! Refusals are [`WebhookError`]s. A missing verifier is answered with 500
//! and logged (through the `log` crate) with what to register.
//!
//! actix-web 4 is built on `http` 0.2; nothing here asks you for `http` 1.x
//! types.

use std::fmt;
use std::future::{Future, ready};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::StatusCode;
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use serde::de::DeserializeOwned;

use crate::adapter::{UNLEESHED_SIGNATURE, error_body, single_header_value};
use crate::error::Error;
use crate::event::decode_event;
use crate::header::SignatureHeader;
use crate::verify::{Verified, Verifier, unix_now};

type LocalFuture<T> = Pin<Box<dyn Future<Output = Result<T, WebhookError>>>>;

/// Extracts a verified, decoded event: [`UnleeshedEvent`](crate::UnleeshedEvent),
/// [`ExchangeEvent`](crate::ExchangeEvent), [`Event<T>`](crate::Event) or
/// any `DeserializeOwned` type.
#[derive(Debug, Clone)]
pub struct VerifiedEvent<E>(pub E);

/// Extracts the verified raw body, with what the verification established.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedBody {
    /// The raw body, exactly as received and verified.
    pub body: Bytes,
    /// The timestamp, matching secret and signature.
    pub verified: Verified,
}

impl<E: DeserializeOwned + 'static> FromRequest for VerifiedEvent<E> {
    type Error = WebhookError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = VerifiedBody::from_request(req, payload);
        Box::pin(async move {
            let VerifiedBody { body, .. } = body.await?;
            Ok(VerifiedEvent(decode_event(&body)?))
        })
    }
}

impl FromRequest for VerifiedBody {
    type Error = WebhookError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let now = unix_now();
        let (verifier, header) = match check_before_body(req, now) {
            Ok(checked) => checked,
            Err(error) => return Box::pin(ready(Err(error.into()))),
        };
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body.await.map_err(body_error)?;
            let verified = verifier.verify_at(&header, &body, now)?;
            Ok(VerifiedBody { body, verified })
        })
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
    log::error!(
        "signed-webhooks: no Verifier in the app data of {} {}; register one with \
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

/// Why a webhook extractor refused a request.
///
/// Answers with the status of [`Error::status_code`] (400 for a missing or
/// malformed header, 401 for a stale timestamp or a signature that does not
/// match, 413 for a body over the limit, 422 for a signed body that is not
/// the expected event, 500 for a missing verifier) and a JSON body
/// `{"error":{"code":"signature_mismatch","message":"…"}}` that never holds
/// a secret or the expected signature.
#[derive(Debug)]
pub struct WebhookError(Error);

impl WebhookError {
    /// The error behind the refusal.
    pub fn error(&self) -> &Error {
        &self.0
    }

    /// The error behind the refusal, by value.
    pub fn into_error(self) -> Error {
        self.0
    }
}

impl From<Error> for WebhookError {
    fn from(error: Error) -> Self {
        WebhookError(error)
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl ResponseError for WebhookError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status_code().as_u16())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .content_type("application/json")
            .body(error_body(&self.0))
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

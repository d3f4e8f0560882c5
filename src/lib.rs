//! Accept signed webhooks safely.
//!
//! Providers such as Unleeshed sign each delivery with HMAC-SHA256 and send
//! the signature in a header shaped like Stripe's:
//!
//! ```text
//! X-Unleeshed-Signature: t=1790000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
//! ```
//!
//! where `v1` is the HMAC of the bytes `"{t}.{raw body}"` keyed with the
//! secret exactly as issued. A [`Verifier`] checks that header against the
//! raw body: the timestamp must be within a tolerance of the clock (300 s by
//! default, past or future), and one `v1` must match one of your secrets,
//! compared in constant time. Only then is the JSON decoded, into
//! [`UnleeshedEvent`], [`ExchangeEvent`], [`Event<T>`] or a type of your own.
//!
//! ```
//! use signed_webhooks::{Signer, UnleeshedEvent, Verifier};
//!
//! # fn main() -> Result<(), signed_webhooks::Error> {
//! # let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! // At start-up: a bad secret (empty, stray whitespace) fails here, not on every request.
//! let verifier = Verifier::new(secret)?;
//!
//! // Per request: the header value and the raw body bytes.
//! # let raw_body = br#"{"id":"evt_1","type":"creator.approved","created_at":"2026-11-22T10:00:00Z","data":{"external_reference":"post-7"}}"#;
//! # let header_value = Signer::new(secret)?.sign(raw_body);
//! let event: UnleeshedEvent = verifier.verify_event(&header_value, raw_body)?;
//! match &event {
//!     UnleeshedEvent::CreatorApproved(approved) => {
//!         println!("{} ready for review", approved.data.external_reference)
//!     }
//!     other => println!("ignoring {}", other.event_type()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Every failure is an [`Error`] with a message meant for the integrator, a
//! stable [`code`](Error::code) and the HTTP [`status`](Error::status_code)
//! to answer with. Secrets never appear in `Debug` output or errors, and
//! are wiped from memory when dropped.
//!
//! # Delivery semantics
//!
//! Providers retry every delivery that is not answered with a 2xx, with the
//! same event id, and never retry one that was. So: answer 2xx only once the
//! event is processed or durably stored, and deduplicate on
//! [`UnleeshedEvent::id`]: the [`replay`] module does it, in one process or
//! across a fleet.
//!
//! # Cargo features
//!
//! - `json-path` (default): decode errors name the JSON path that failed,
//!   such as `data.external_reference`.
//! - `http`: verify from `http` 1.x types ([`Verifier::verify_headers`],
//!   [`Verifier::verify_request`], …), for hyper, tower, `lambda_http`.
//! - `axum`: extractors for axum 0.8 ([`axum::VerifiedEvent`],
//!   [`axum::VerifiedBody`]).
//! - `actix`: extractors and a routing guard for actix-web 4
//!   ([`actix::VerifiedEvent`], [`actix::VerifiedBody`],
//!   [`actix::SignatureGuard`]), and the [`actix::Deduplication`]
//!   middleware.
//! - `redis`: [`replay::RedisStore`], duplicate detection shared by a fleet
//!   of receivers.
//!
//! Duplicate detection itself ([`replay`], with the in-memory store) needs
//! no feature; the axum adapter brings [`axum::DeduplicationLayer`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Logs a warning for the operator through `tracing` (and, with no
/// `tracing` subscriber installed, through the `log` crate).
macro_rules! log_warn {
    ($($arg:tt)*) => {
        tracing::warn!(target: "signed_webhooks", $($arg)*)
    };
}
pub(crate) use log_warn;

#[cfg(feature = "actix")]
pub mod actix;
mod adapter;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(any(feature = "axum", feature = "actix"))]
mod claim;
mod error;
mod event;
#[cfg(any(feature = "axum", feature = "actix"))]
mod extract;
mod header;
#[cfg(feature = "http")]
mod http;
pub mod replay;
mod secret;
mod sign;
mod verify;

pub use adapter::{STRIPE_SIGNATURE, UNLEESHED_SIGNATURE};
pub use error::{DecodeError, Error, HeaderError, SecretError};
pub use event::{
    ApprovedCommentary, Event, ExchangeEvent, FailedCommentary, Offer, Order, OrderCancellation,
    OrderStatusChange, UnleeshedEvent, decode_event,
};
pub use header::{MAX_HEADER_LEN, MAX_SIGNATURES, SignatureHeader};
pub use secret::Secret;
pub use sign::Signer;
pub use verify::{CheckedHeader, DEFAULT_TOLERANCE, Verified, Verifier};

/// The `http` 1.x crate, whose `HeaderName` names the signature header.
pub use ::http::HeaderName;

/// The README's examples, compiled and run as doctests (they use every
/// adapter, so only when every feature is on).
#[cfg(all(
    doctest,
    feature = "http",
    feature = "axum",
    feature = "actix",
    feature = "redis"
))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

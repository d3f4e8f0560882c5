//! Accept signed webhooks safely, from every provider a service hears from.
//!
//! Each provider signs its deliveries its own way. A [`Provider`] type
//! knows how ([`Unleeshed`], [`Exchange`], [`Stripe`], [`Commet`],
//! [`LeadLex`], [`GitHub`], `StandardWebhooks`, `Svix`, or one you describe
//! with a [`Scheme`]); a [`Verifier<P>`](Verifier) holds its secrets and
//! checks a delivery's headers and raw body: the signature in constant
//! time, under any of its secrets (rotation), and the signed time within a
//! tolerance (300 s, past or future, unless the provider signs its time
//! in the body). Only then is the JSON decoded, into the provider's event
//! type or a type of your own.
//!
//! ```
//! use signed_webhooks::{Signer, Stripe, StripeEvent, Verifier};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! // At start-up: a bad secret (empty, stray whitespace) fails here, not on every request.
//! let verifier = Verifier::<Stripe>::new(secret)?;
//!
//! // Per request: the headers (an `http::HeaderMap`, actix-web's, or pairs) and the raw body.
//! # let raw_body = br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":1790000000,"livemode":false,"data":{"object":{"id":"in_1"}}}"#;
//! # let headers = Signer::<Stripe>::new(secret)?.sign(raw_body);
//! let event: StripeEvent = verifier.verify_event(&headers, raw_body)?;
//! assert_eq!(event.event_type(), "invoice.paid");
//! # Ok(())
//! # }
//! ```
//!
//! Every refusal is an [`Error`] with a stable [`code`](Error::code), the
//! HTTP [`status`](Error::status_code) to answer with, a detailed message
//! for the operator's log and a fixed [`public_message`](Error::public_message)
//! for the sender. Secrets never appear in `Debug` output, errors or logs,
//! and are wiped from memory when dropped.
//!
//! When deliveries that should verify do not, [`diagnose::explain`] says
//! which usual mistake would make them verify (a re-serialized body, a
//! secret missing its `whsec_` prefix, milliseconds for seconds, …): opt-in,
//! for development, never run on the request path.
//!
//! # Delivery semantics
//!
//! Most providers redeliver a delivery not answered with a 2xx, with the
//! same event id, for hours or days, and never one that was; some never
//! redeliver at all (GitHub): each preset says which ([`Retries`]). So:
//! answer 2xx only once the event is processed or durably stored, and
//! deduplicate. The [`dedup`] module does it, in one process or across a
//! fleet (Redis, PostgreSQL), keyed by the endpoint and by what the
//! provider signed ([`Verifier::verify_with_key`]). That gives
//! at-least-once processing with duplicates refused, one run at a time per
//! delivery; with PostgreSQL, the record that a delivery is done can commit
//! in the handler's own transaction, which makes its database writes happen
//! exactly once.
//!
//! # Cargo features
//!
//! - `json-path` (default): decode errors name the JSON path that failed,
//!   such as `data.external_reference`.
//! - `standard-webhooks` (default): the Standard Webhooks scheme and its
//!   providers (`StandardWebhooks`, `Svix`), whose base64 signatures and
//!   secrets need `base64ct`.
//! - `ed25519`: Ed25519 signatures (`ed25519-dalek`): the `Discord`
//!   preset, and Standard Webhooks' asymmetric `v1a` for a verifier given
//!   `whpk_` public keys. Off by default, even with `standard-webhooks`.
//! - `p256`: ECDSA P-256 signatures (RustCrypto's `p256`): the `SendGrid`
//!   preset.
//! - `http`: [`Verifier::verify_request`] for a buffered `http` 1.x request
//!   (a `HeaderMap` is [`Headers`] without it).
//! - `axum`: extractors for axum 0.8 (`axum::Webhook`, `axum::WebhookBody`,
//!   `axum::Delivery`); a `dedup::Deduplicator` is their layer.
//! - `actix`: the same extractors for actix-web 4, and the
//!   `Deduplicator` as middleware.
//! - `redis`: `dedup::RedisStore`, duplicate detection shared by a fleet
//!   of receivers.
//! - `postgres`: `dedup::PostgresStore`, duplicate detection in a
//!   PostgreSQL table (through the application's `sqlx` pool), and the
//!   transactional claim: the record that a delivery is done commits in the
//!   handler's own transaction (`axum::WebhookTx`, `actix::WebhookTx`).
//! - `store-contract`: `dedup::contract`, the [`dedup::DedupStore`]
//!   contract as a test suite, for authors of other stores.
//! - `cli`: the `signed-webhooks` command (`cargo install signed-webhooks
//!   --features cli`), which signs bodies, verifies deliveries and explains
//!   a mismatch, and sends events as each provider does, retries included.
//!   Its dependencies (`clap`, `ureq`) come with the feature only.
//!
//! Duplicate detection itself ([`dedup`], with the in-memory store) needs
//! no feature. Logging goes through `tracing` (with its `log` feature), a
//! dependency whatever features are on.

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
#[cfg(feature = "axum")]
pub mod axum;
mod body;
pub mod dedup;
pub mod diagnose;
mod error;
pub mod event;
#[cfg(any(feature = "axum", feature = "actix"))]
mod extract;
mod handshake;
mod headers;
#[cfg(feature = "http")]
mod http;
#[cfg(any(feature = "ed25519", feature = "p256"))]
mod keys;
pub mod providers;
mod scheme;
mod secret;
mod sign;
mod signature;
mod target;
mod time;
mod verify;

pub use error::{ConfigError, DecodeError, Error, HeaderError, SecretError};
pub use event::{Event, decode_event};
pub use handshake::{
    EndpointCheck, EndpointCheckError, Handshake, HandshakeAnswer, MAX_CHALLENGE_LEN,
};
pub use headers::Headers;
pub use providers::{
    Bitbucket, BitbucketEvent, Calendly, CalendlyEvent, Commet, CommetEvent, Dropbox,
    DropboxNotification, Exchange, ExchangeEvent, GitHub, GitHubEvent, GitLab, GitLabEvent,
    LeadLex, LeadLexEvent, LemonSqueezy, LemonSqueezyEvent, Linear, LinearEvent, Meta, MetaEvent,
    Mux, MuxEvent, Notion, NotionEvent, Paddle, PaddleEvent, PagerDuty, PagerDutyEvent, Provider,
    Razorpay, RazorpayEvent, Retries, Sentry, SentryEvent, Slack, SlackEvent, StandardEvent,
    Stripe, StripeEvent, Twitch, TwitchEvent, Unleeshed, UnleeshedEvent, WebhookEvent, WorkOs,
    WorkOsEvent, Zoom, ZoomEvent,
};
#[cfg(feature = "standard-webhooks")]
pub use providers::{Clerk, Resend};
#[cfg(feature = "ed25519")]
pub use providers::{Discord, DiscordInteraction, InteractionType};
#[cfg(feature = "base64")]
pub use providers::{
    HubSpot, HubSpotEvent, HubSpotEvents, Shopify, ShopifyEvent, Square, SquareEvent, Typeform,
    TypeformEvent, Xero, XeroEvent,
};
#[cfg(feature = "sha1")]
pub use providers::{Intercom, IntercomEvent, Vercel, VercelEvent};
#[cfg(feature = "p256")]
pub use providers::{SendGrid, SendGridEvent};
#[cfg(feature = "standard-webhooks")]
pub use providers::{StandardWebhooks, Svix};
#[cfg(all(feature = "sha1", feature = "base64"))]
pub use providers::{Twilio, TwilioRequest};
pub use scheme::{
    Algorithm, BodyShape, DEFAULT_TOLERANCE, DeliveryId, Encoding, IdShape, Part, Scheme,
    SecretFormat, TimeFormat,
};
pub use secret::Secret;
pub use sign::{SignedHeaders, Signer};
pub use signature::{MAX_HEADER_LEN, MAX_SIGNATURES};
pub use target::RequestTarget;
pub use verify::{Verified, Verifier};

/// Internals for the crate's own command, tests, benches and fuzz targets:
/// not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::signature::{ParseError, SignatureHeader};
    pub use crate::time::format_rfc3339;
}

/// The README's examples, compiled and run as doctests (they use every
/// adapter, so only when every feature is on).
#[cfg(all(
    doctest,
    feature = "http",
    feature = "axum",
    feature = "actix",
    feature = "redis",
    feature = "postgres"
))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

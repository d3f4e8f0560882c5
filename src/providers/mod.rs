//! The providers this crate knows, one module each (its scheme, its
//! delivery facts and its events), and the [`Provider`] trait that
//! describes one.
//!
//! | provider | signature | signed time | duplicates by |
//! |---|---|---|---|
//! | [`Unleeshed`] | `X-Unleeshed-Signature: t=…,v1=<hex>` | `t`, 300 s | body `id` |
//! | [`Exchange`] | as Unleeshed (its docs name no header yet) | `t`, 300 s | body `id` |
//! | [`Stripe`] | `Stripe-Signature: t=…,v1=<hex>` | `t`, 300 s | body `id` |
//! | [`Commet`] | `X-Commet-Signature: <hex>` of the body | body `timestamp`, 24 h | body `id` |
//! | [`LeadLex`] | `X-LeadLex-Signature: sha256=<hex>` of the body | body `timestamp`, 72 h | signed content |
//! | [`GitHub`] | `X-Hub-Signature-256: sha256=<hex>` of the body | none | signed content |
//! | `StandardWebhooks`, `Svix` | `webhook-signature: v1,<base64>` (or `svix-*`) | `webhook-timestamp`, 300 s | `webhook-id` |

mod commet;
mod exchange;
mod github;
mod leadlex;
mod standard;
mod stripe;
mod unleeshed;

pub use commet::{Commet, CommetEnvelope, CommetEvent, CommetMode};
pub use exchange::{Exchange, ExchangeEvent, Offer, Order, OrderCancellation, OrderStatusChange};
pub use github::{GitHub, GitHubEvent};
pub use leadlex::{LeadLex, LeadLexBulk, LeadLexEnvelope, LeadLexEvent};
pub use standard::StandardEvent;
#[cfg(feature = "standard-webhooks")]
pub use standard::{StandardWebhooks, Svix};
pub use stripe::{Stripe, StripeData, StripeEvent};
pub use unleeshed::{ApprovedCommentary, FailedCommentary, Unleeshed, UnleeshedEvent};

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::headers::Headers;
use crate::scheme::Scheme;

/// A provider of signed webhooks: how it signs ([`Provider::scheme`]) and
/// what its deliveries decode into ([`Provider::Event`]).
///
/// The crate has one for every provider it knows ([`Stripe`](crate::Stripe),
/// [`GitHub`](crate::GitHub), [`StandardWebhooks`](crate::StandardWebhooks),
/// …). Each is a type, so a [`Verifier<Stripe>`](crate::Verifier) and a
/// `Verifier<GitHub>` are different types: one app can hold both, and a
/// handler asking for Stripe's events gets Stripe's verifier.
///
/// Describe another provider in a few lines:
///
/// ```
/// use signed_webhooks::{Provider, Scheme};
///
/// /// Acme signs the raw body: `X-Acme-Signature: sha256=<hex>`.
/// struct Acme;
///
/// impl Provider for Acme {
///     const NAME: &'static str = "acme";
///     type Event = serde_json::Value;
///     fn scheme() -> Scheme {
///         Scheme::body("x-acme-signature").with_prefix("sha256=")
///     }
/// }
/// ```
pub trait Provider: Send + Sync + 'static {
    /// A short lowercase name, such as `"stripe"`: it keeps the provider's
    /// delivery ids apart from other providers' in a shared duplicate store,
    /// and labels log lines.
    const NAME: &'static str;

    /// What a verified delivery decodes into, unless a handler asks for
    /// another type.
    type Event: WebhookEvent + Send + 'static;

    /// How the provider signs its deliveries. Called once, when a
    /// [`Verifier`](crate::Verifier) or [`Signer`](crate::Signer) is built.
    fn scheme() -> Scheme;
}

/// A type a verified delivery decodes into: any `serde` type from the body
/// alone, and the few events that also need a header of the delivery (a
/// GitHub event's name is in `X-GitHub-Event`, not in the body).
pub trait WebhookEvent: Sized {
    /// Decodes the verified `body`; `headers` are the delivery's.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not this event, and the header
    /// errors when a header the event needs is missing.
    fn decode(body: &[u8], headers: &dyn Headers) -> Result<Self, Error>;
}

impl<T: DeserializeOwned> WebhookEvent for T {
    fn decode(body: &[u8], _: &dyn Headers) -> Result<Self, Error> {
        crate::event::decode_event(body)
    }
}

//! [`Provider`]: what the crate knows about a provider (its scheme, its
//! events), and [`WebhookEvent`]: how a verified delivery becomes an event.

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

//! The providers this crate knows, each with its scheme and its events.
//!
//! | provider | signature | signed time | duplicates by |
//! |---|---|---|---|
//! | [`Unleeshed`] | `X-Unleeshed-Signature: t=…,v1=<hex>` | `t`, 300 s | body `id` |
//! | [`Exchange`] | as Unleeshed (its docs name no header yet) | `t`, 300 s | body `id` |
//! | [`Stripe`] | `Stripe-Signature: t=…,v1=<hex>` | `t`, 300 s | body `id` |
//! | [`Commet`] | `X-Commet-Signature: <hex>` of the body | body `timestamp`, 24 h | body `id` |
//! | [`LeadLex`] | `X-LeadLex-Signature: sha256=<hex>` of the body | body `timestamp`, 72 h | signed content |
//! | [`GitHub`] | `X-Hub-Signature-256: sha256=<hex>` of the body | none | signed content |
//! | [`StandardWebhooks`], [`Svix`] | `webhook-signature: v1,<base64>` (or `svix-*`) | `webhook-timestamp`, 300 s | `webhook-id` |

use std::time::Duration;

#[cfg(feature = "standard-webhooks")]
use crate::event::StandardEvent;
use crate::event::{
    CommetEvent, ExchangeEvent, GitHubEvent, LeadLexEvent, StripeEvent, UnleeshedEvent,
};
use crate::provider::Provider;
use crate::scheme::{DeliveryId, Scheme};

/// Unleeshed: `X-Unleeshed-Signature: t=<unix>,v1=<hex>`, the HMAC-SHA256
/// of `"{t}.{body}"` keyed with the `whsec_…` secret as issued; events
/// [`UnleeshedEvent`], retried with the same `id`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unleeshed;

impl Provider for Unleeshed {
    const NAME: &'static str = "unleeshed";
    type Event = UnleeshedEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("x-unleeshed-signature")
    }
}

/// The partner exchange: `order.*` and `offer.updated` events
/// ([`ExchangeEvent`]), signed with its 64-hex `secretKey` as issued. Its
/// documentation names no signature header yet, so deliveries are read as
/// Unleeshed's are, `X-Unleeshed-Signature: t=…,v1=…`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exchange;

impl Provider for Exchange {
    const NAME: &'static str = "exchange";
    type Event = ExchangeEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("x-unleeshed-signature")
    }
}

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v0=…]`, the HMAC-SHA256 of
/// `"{t}.{body}"` keyed with the endpoint's `whsec_…` secret as issued;
/// events [`StripeEvent`], redelivered with the same `id` and signed anew.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stripe;

impl Provider for Stripe {
    const NAME: &'static str = "stripe";
    type Event = StripeEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("stripe-signature")
    }
}

/// Commet: `X-Commet-Signature: <hex>`, the HMAC-SHA256 of the raw body
/// keyed with the `whsec_…` secret as issued; events [`CommetEvent`].
///
/// Nothing in a header is signed but the body, so a replay is bounded by
/// the body's `timestamp` (when Commet emitted the event, unchanged on its
/// retries, which span about 4 hours): a delivery more than 24 hours after
/// it is refused, and a duplicate store remembers each `id` at least as
/// long.
#[derive(Debug, Clone, Copy, Default)]
pub struct Commet;

impl Provider for Commet {
    const NAME: &'static str = "commet";
    type Event = CommetEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-commet-signature")
            .with_delivery_id(DeliveryId::BodyField("id"))
            .with_body_timestamp("timestamp", Duration::from_secs(24 * 3600))
    }
}

/// LeadLex: `X-LeadLex-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
/// body keyed with the `whsec_…` secret as issued; events [`LeadLexEvent`].
///
/// LeadLex's `X-LeadLex-Timestamp` header is not signed and its bodies
/// carry no id, so a replay is bounded by the body's `timestamp` (a
/// delivery more than 72 hours after it is refused: LeadLex does not
/// publish its retry schedule), and duplicates are recognised by the signed
/// content. `X-LeadLex-Delivery-ID` is unsigned and never used.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeadLex;

impl Provider for LeadLex {
    const NAME: &'static str = "leadlex";
    type Event = LeadLexEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-leadlex-signature")
            .with_prefix("sha256=")
            .with_body_timestamp("timestamp", Duration::from_secs(72 * 3600))
    }
}

/// GitHub: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw
/// body keyed with the secret you chose, as typed; events [`GitHubEvent`]
/// (named by the unsigned `X-GitHub-Event` header). The legacy SHA-1
/// `X-Hub-Signature` is never accepted.
///
/// **GitHub signs no time**: a captured delivery verifies forever. Only
/// duplicate detection refuses its replay, by the signed content, for as
/// long as the store remembers it (its retention); `X-GitHub-Delivery` is
/// unsigned, so a replayer can change it and it is never the key.
#[derive(Debug, Clone, Copy, Default)]
pub struct GitHub;

impl Provider for GitHub {
    const NAME: &'static str = "github";
    type Event = GitHubEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-hub-signature-256").with_prefix("sha256=")
    }
}

/// Standard Webhooks: `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64> …`, the HMAC-SHA256 of
/// `"{id}.{timestamp}.{body}"` keyed with the base64 after `whsec_`;
/// events [`StandardEvent`], deduplicated by the signed `webhook-id`. Svix's
/// `svix-*` headers are read too.
#[cfg(feature = "standard-webhooks")]
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardWebhooks;

#[cfg(feature = "standard-webhooks")]
impl Provider for StandardWebhooks {
    const NAME: &'static str = "standard-webhooks";
    type Event = StandardEvent;
    fn scheme() -> Scheme {
        Scheme::standard_webhooks()
    }
}

/// Svix, and the providers built on it: [`StandardWebhooks`]' scheme, with
/// its `svix-id`, `svix-timestamp` and `svix-signature` headers (or the
/// `webhook-*` ones). A type of its own, so one app can verify a Svix
/// provider and another Standard Webhooks provider with their own secrets.
#[cfg(feature = "standard-webhooks")]
#[derive(Debug, Clone, Copy, Default)]
pub struct Svix;

#[cfg(feature = "standard-webhooks")]
impl Provider for Svix {
    const NAME: &'static str = "svix";
    type Event = StandardEvent;
    fn scheme() -> Scheme {
        // Svix's own names first: a `Signer<Svix>` writes them.
        let mut scheme = Scheme::standard_webhooks();
        scheme.headers.reverse();
        scheme
    }
}

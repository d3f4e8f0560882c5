//! The providers this crate knows, one module each (its scheme, its
//! delivery facts and its events), and the [`Provider`] trait that
//! describes one.
//!
//! Thirty-seven presets: [`Unleeshed`], [`Exchange`], [`Stripe`],
//! [`Commet`], [`LeadLex`], [`GitHub`], `StandardWebhooks`, `Svix`, `Clerk`,
//! `Resend` (feature `standard-webhooks`, on by default), [`Slack`],
//! [`Paddle`], [`Zoom`], [`Linear`], [`Razorpay`], [`LemonSqueezy`],
//! [`Calendly`], [`PagerDuty`], [`Twitch`], [`GitLab`], [`Bitbucket`],
//! [`Meta`], [`WorkOs`], [`Mux`], [`Notion`], [`Sentry`], [`Dropbox`];
//! `Shopify`, `Typeform`, `Xero`, `Square`, `HubSpot` (feature `base64`);
//! `Intercom`, `Vercel` (feature `sha1`), `Twilio` (`sha1` and `base64`);
//! `Discord` (feature `ed25519`) and `SendGrid` (feature `p256`). The
//! README's providers table, generated from the presets by
//! `tests/readme_providers.rs`, gives each one's signature, signed time,
//! duplicate key and redeliveries; each preset's page gives its sources.

mod bitbucket;
mod calendly;
#[cfg(feature = "standard-webhooks")]
mod clerk;
mod commet;
#[cfg(feature = "ed25519")]
mod discord;
mod dropbox;
mod exchange;
mod github;
mod gitlab;
#[cfg(feature = "base64")]
mod hubspot;
#[cfg(feature = "sha1")]
mod intercom;
mod leadlex;
mod lemonsqueezy;
mod linear;
mod meta;
mod mux;
mod notion;
mod paddle;
mod pagerduty;
mod razorpay;
#[cfg(feature = "standard-webhooks")]
mod resend;
#[cfg(feature = "p256")]
mod sendgrid;
mod sentry;
#[cfg(feature = "base64")]
mod shopify;
mod slack;
#[cfg(feature = "base64")]
mod square;
mod standard;
mod stripe;
#[cfg(all(feature = "sha1", feature = "base64"))]
mod twilio;
mod twitch;
#[cfg(feature = "base64")]
mod typeform;
mod unleeshed;
#[cfg(feature = "sha1")]
mod vercel;
mod workos;
#[cfg(feature = "base64")]
mod xero;
mod zoom;

pub use bitbucket::{Bitbucket, BitbucketEvent};
pub use calendly::{Calendly, CalendlyEvent};
#[cfg(feature = "standard-webhooks")]
pub use clerk::Clerk;
pub use commet::{Commet, CommetEnvelope, CommetEvent, CommetMode};
#[cfg(feature = "ed25519")]
pub use discord::{Discord, DiscordInteraction, InteractionType};
pub use dropbox::{Dropbox, DropboxNotification};
pub use exchange::{Exchange, ExchangeEvent, Offer, Order, OrderCancellation, OrderStatusChange};
pub use github::{GitHub, GitHubEvent};
pub use gitlab::{GitLab, GitLabEvent};
#[cfg(feature = "base64")]
pub use hubspot::{HubSpot, HubSpotEvent, HubSpotEvents};
#[cfg(feature = "sha1")]
pub use intercom::{Intercom, IntercomEvent};
pub use leadlex::{LeadLex, LeadLexBulk, LeadLexEnvelope, LeadLexEvent};
pub use lemonsqueezy::{LemonSqueezy, LemonSqueezyEvent, LemonSqueezyMeta};
pub use linear::{Linear, LinearEvent};
pub use meta::{Meta, MetaChange, MetaEntry, MetaEvent};
pub use mux::{Mux, MuxEvent};
pub use notion::{Notion, NotionEnvelope, NotionEvent};
pub use paddle::{Paddle, PaddleEvent};
pub use pagerduty::{PagerDuty, PagerDutyEvent, PagerDutyEventData};
pub use razorpay::{Razorpay, RazorpayEvent};
#[cfg(feature = "standard-webhooks")]
pub use resend::Resend;
#[cfg(feature = "p256")]
pub use sendgrid::{SendGrid, SendGridEvent};
pub use sentry::{Sentry, SentryEvent};
#[cfg(feature = "base64")]
pub use shopify::{Shopify, ShopifyEvent};
pub use slack::{Slack, SlackCallback, SlackEvent};
#[cfg(feature = "base64")]
pub use square::{Square, SquareEvent};
pub use standard::StandardEvent;
#[cfg(feature = "standard-webhooks")]
pub use standard::{StandardWebhooks, Svix};
pub use stripe::{Stripe, StripeData, StripeEvent};
#[cfg(all(feature = "sha1", feature = "base64"))]
pub use twilio::{Twilio, TwilioRequest};
pub use twitch::{Twitch, TwitchEvent, TwitchNotification, TwitchSubscription};
#[cfg(feature = "base64")]
pub use typeform::{Typeform, TypeformEvent};
pub use unleeshed::{ApprovedCommentary, FailedCommentary, Unleeshed, UnleeshedEvent};
#[cfg(feature = "sha1")]
pub use vercel::{Vercel, VercelEvent};
pub use workos::{WorkOs, WorkOsEvent};
#[cfg(feature = "base64")]
pub use xero::{Xero, XeroEvent, XeroResourceEvent};
pub use zoom::{Zoom, ZoomEvent, ZoomNotification};

use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::headers::Headers;
use crate::scheme::Scheme;

/// A provider of signed webhooks: how it signs ([`Provider::scheme`]) and
/// what its deliveries decode into ([`Provider::Event`]).
///
/// The crate has one for every provider it knows ([`Stripe`],
/// [`GitHub`], `StandardWebhooks`,
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

    /// Whether, and for how long, the provider redelivers a delivery it got
    /// no 2xx for. Duplicate detection remembers deliveries at least that
    /// long, and a refusal of a provider that never retries is not a
    /// harmless "try again later": see [`Retries`]. Unknown unless said.
    const RETRIES: Retries = Retries::Unknown {
        source: "not stated for this provider",
    };

    /// Whether a verified `body` is the provider checking the endpoint
    /// rather than a delivery, and what it expects back ([`Handshake`]).
    /// None unless the provider has such a check.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body says it is a handshake but lacks
    /// what the answer needs.
    ///
    /// [`Handshake`]: crate::Handshake
    fn handshake(body: &[u8]) -> Result<Option<crate::Handshake>, Error> {
        let _ = body;
        Ok(None)
    }

    /// The provider's **unsigned** endpoint check, a `GET` with parameters
    /// in its query ([`EndpointCheck`]: Meta's `hub.challenge` with its
    /// verify token, Dropbox's `challenge`), which the axum and actix-web
    /// extractors answer when the `GET` is routed to a webhook handler.
    /// None unless the provider has one: a `GET` to its handler is then
    /// refused 405, unless its scheme signs the method or the URL
    /// ([`Scheme::signs_url`]: Square, Twilio, HubSpot), whose `GET`s are
    /// verified like any delivery (Twilio may be configured to call by
    /// `GET`, HubSpot signs its CRM cards' `GET`s).
    ///
    /// [`Scheme::signs_url`]: crate::Scheme::signs_url
    ///
    /// [`EndpointCheck`]: crate::EndpointCheck
    const ENDPOINT_CHECK: Option<crate::EndpointCheck> = None;
}

/// How a provider redelivers a delivery it did not get a 2xx answer for,
/// with the same event id, and where that fact comes from.
///
/// Duplicate detection reads it: a delivery is remembered at least as long
/// as its redeliveries can arrive ([`span`](Retries::span)), and a provider
/// that [never](Retries::Never) retries is not refused for a fault of the
/// receiver's own (a duplicate store down or full): its delivery would be
/// lost. See [`dedup`](crate::dedup).
///
/// ```
/// use std::time::Duration;
/// use signed_webhooks::{GitHub, Provider, Retries, Stripe};
///
/// assert_eq!(Stripe::RETRIES.span(), Some(Duration::from_secs(3 * 86_400)));
/// assert!(GitHub::RETRIES.is_never());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retries {
    /// Redelivered after each of these waits (counted from the previous
    /// attempt) until answered 2xx.
    Schedule {
        /// The waits, in order.
        waits: &'static [Duration],
        /// Where the schedule is published.
        source: &'static str,
    },
    /// Redelivered for about `span` after the first attempt, on a schedule
    /// the provider does not publish.
    Within {
        /// How long after the first attempt the last redelivery can come.
        span: Duration,
        /// Where that is published.
        source: &'static str,
    },
    /// Never redelivered on its own: a delivery that is refused, fails or
    /// times out is lost, unless someone redelivers it by hand (within
    /// `by_hand` of the first attempt, where the provider allows it).
    Never {
        /// How long after the first attempt a redelivery by hand is
        /// possible, where the provider says.
        by_hand: Option<Duration>,
        /// Where that is published.
        source: &'static str,
    },
    /// The provider does not say.
    Unknown {
        /// What the provider says instead, or that it says nothing.
        source: &'static str,
    },
}

impl Retries {
    /// How long after the first attempt a redelivery of the same event can
    /// arrive: the sum of a schedule's waits, the span the provider states,
    /// or the window for redelivering by hand; `None` when unknown.
    pub const fn span(&self) -> Option<Duration> {
        match *self {
            Retries::Schedule { waits, .. } => {
                let mut total = Duration::ZERO;
                let mut index = 0;
                while index < waits.len() {
                    total = total.saturating_add(waits[index]);
                    index += 1;
                }
                Some(total)
            }
            Retries::Within { span, .. } => Some(span),
            Retries::Never { by_hand, .. } => by_hand,
            Retries::Unknown { .. } => None,
        }
    }

    /// Whether the provider never redelivers on its own.
    pub const fn is_never(&self) -> bool {
        matches!(self, Retries::Never { .. })
    }

    /// The published waits between attempts; empty when there is no
    /// published schedule.
    pub const fn waits(&self) -> &'static [Duration] {
        match *self {
            Retries::Schedule { waits, .. } => waits,
            _ => &[],
        }
    }

    /// Where the fact comes from.
    pub const fn source(&self) -> &'static str {
        match *self {
            Retries::Schedule { source, .. }
            | Retries::Within { source, .. }
            | Retries::Never { source, .. }
            | Retries::Unknown { source } => source,
        }
    }
}

/// Waits in whole minutes and hours, for the presets' schedules.
pub(crate) const fn minutes(n: u64) -> Duration {
    Duration::from_secs(60 * n)
}
pub(crate) const fn hours(n: u64) -> Duration {
    Duration::from_secs(3600 * n)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans duplicate detection sizes its memory by, as each provider
    /// states them (tests/vectors/PROVIDERS.md, section 7).
    #[test]
    fn each_preset_states_how_long_its_redeliveries_arrive() {
        assert_eq!(Unleeshed::RETRIES.span(), Some(hours(26) + minutes(36)));
        assert_eq!(Commet::RETRIES.span(), Some(hours(3) + minutes(51)));
        assert_eq!(Stripe::RETRIES.span(), Some(hours(72)));
        assert_eq!(GitHub::RETRIES.span(), Some(hours(72)), "by hand");
        assert!(GitHub::RETRIES.is_never());
        assert!(GitHub::RETRIES.waits().is_empty());
        assert_eq!(LeadLex::RETRIES.span(), None);
        assert_eq!(Exchange::RETRIES.span(), None);
        #[cfg(feature = "standard-webhooks")]
        {
            let five = Duration::from_secs(5);
            assert_eq!(Svix::RETRIES.span(), Some(hours(27) + minutes(35) + five));
            assert_eq!(
                StandardWebhooks::RETRIES.span(),
                Some(hours(75) + minutes(35) + five)
            );
        }
        #[cfg(feature = "ed25519")]
        {
            assert!(Discord::RETRIES.is_never());
            assert_eq!(Discord::RETRIES.span(), None);
        }
        #[cfg(feature = "p256")]
        assert_eq!(SendGrid::RETRIES.span(), Some(hours(24)));
        for retries in [Unleeshed::RETRIES, Stripe::RETRIES, Commet::RETRIES] {
            assert!(!retries.is_never());
            assert!(!retries.source().is_empty());
        }
    }
}

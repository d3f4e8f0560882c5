//! What the command knows of each provider: its preset (the crate's
//! `Provider` type, which states the scheme, the headers, the retries and
//! the methods it delivers with),
//! and the little the preset does not say: the unsigned headers the
//! provider sends beside its signature, and its sample events
//! (fixtures.rs).
//!
//! # Adding a provider
//!
//! One line in the `presets!` table below: the variant, the name on the
//! command line, the crate's type, its fixtures and the default event.
//! Everything else is read from the preset: the secret's variable, the
//! headers, the signed time and id, the retry schedule, the methods. A provider that
//! names its event in an unsigned header (GitHub's `X-GitHub-Event`) also
//! gets a line in [`Kind::event_header`], and one that sends other unsigned
//! headers receivers read, a case in [`Kind::unsigned_headers`].
//!
//! # Two kinds of preset beside the HMAC ones
//!
//! - **URL-signing** providers (Square, Twilio, HubSpot) sign the URL and
//!   the method with the body: [`Kind::signs_url`] (read from the preset)
//!   makes `sign`, `verify` and `send` require `--url` (`send
//!   --signed-url`) and take `--method`, which they pass to the signer and
//!   the verifier.
//! - **Public-key** providers (Discord, SendGrid; Standard Webhooks' and
//!   Svix's `whpk_`/`whsk_` keys) verify with a public key and sign with a
//!   private one: the secret's variable holds the public key for `verify`
//!   ([`Kind::secret_variable`]), and `sign` and `send` read the private
//!   key from [`Kind::signing_key_variable`] (`keys.rs` makes a pair for
//!   the run when Discord's or SendGrid's is not set).

use clap::ValueEnum;
use signed_webhooks::{Algorithm, DeliveryId, IdShape, Provider, Retries, Scheme, TimeFormat};

use crate::fixtures::{self, Fixture};

/// Declares `Kind` (one variant a provider), `Kind::ALL`, `Kind::name`,
/// `Kind::fixtures`, `Kind::default_type` and the `dispatch!` macro from
/// one table. `$d` is a `$`, for the inner macro's own variables.
macro_rules! presets {
    ($d:tt $($(#[$meta:meta])* $variant:ident $name:literal => $preset:ident, $fixtures:ident, $default:literal;)+) => {
        /// A provider, as named on the command line.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
        pub enum Kind {
            $(
                $(#[$meta])*
                #[value(name = $name)]
                $variant,
            )+
        }

        impl Kind {
            /// Every provider, in the table's order.
            pub const ALL: &[Kind] = &[$(Kind::$variant),+];

            /// The name on the command line, in output and in the secret's
            /// variable.
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)+
                }
            }

            /// The provider's fixtures, one per event type.
            pub fn fixtures(self) -> &'static [Fixture] {
                match self {
                    $(Kind::$variant => fixtures::$fixtures,)+
                }
            }

            /// The event `send` (and `fixture`) makes when no `--type` is
            /// given.
            pub fn default_type(self) -> &'static str {
                match self {
                    $(Kind::$variant => $default,)+
                }
            }
        }

        /// Calls `$function::<P>($args…)` with the preset of `$kind`.
        macro_rules! dispatch {
            ($d kind:expr, $d function:ident($d($d arg:expr),* $d(,)?)) => {
                match $d kind {
                    $($crate::provider::Kind::$variant => {
                        $d function::<::signed_webhooks::$preset>($d($d arg),*)
                    })+
                }
            };
        }
        pub(crate) use dispatch;
    };
}

presets! {$
    Unleeshed "unleeshed" => Unleeshed, UNLEESHED, "creator.approved";
    Exchange "exchange" => Exchange, EXCHANGE, "order.created";
    Stripe "stripe" => Stripe, STRIPE, "invoice.paid";
    Commet "commet" => Commet, COMMET, "subscription.activated";
    Leadlex "leadlex" => LeadLex, LEADLEX, "contact.created";
    Github "github" => GitHub, GITHUB, "ping";
    /// Standard Webhooks (`webhook-*` headers).
    #[value(alias = "standard-webhooks")]
    Standard "standard" => StandardWebhooks, STANDARD, "contact.created";
    /// Svix (`svix-*` headers).
    Svix "svix" => Svix, STANDARD, "contact.created";
    Slack "slack" => Slack, SLACK, "app_mention";
    Shopify "shopify" => Shopify, SHOPIFY, "orders/create";
    Paddle "paddle" => Paddle, PADDLE, "transaction.completed";
    Zoom "zoom" => Zoom, ZOOM, "meeting.started";
    Linear "linear" => Linear, LINEAR, "Issue.create";
    Intercom "intercom" => Intercom, INTERCOM, "conversation.user.created";
    Razorpay "razorpay" => Razorpay, RAZORPAY, "payment.authorized";
    LemonSqueezy "lemonsqueezy" => LemonSqueezy, LEMONSQUEEZY, "order_created";
    Typeform "typeform" => Typeform, TYPEFORM, "form_response";
    Calendly "calendly" => Calendly, CALENDLY, "invitee.created";
    PagerDuty "pagerduty" => PagerDuty, PAGERDUTY, "incident.triggered";
    Vercel "vercel" => Vercel, VERCEL, "deployment.created";
    Twitch "twitch" => Twitch, TWITCH, "stream.online";
    GitLab "gitlab" => GitLab, GITLAB, "Push Hook";
    Bitbucket "bitbucket" => Bitbucket, BITBUCKET, "repo:push";
    Meta "meta" => Meta, META, "whatsapp.messages";
    WorkOs "workos" => WorkOs, WORKOS, "user.created";
    Mux "mux" => Mux, MUX, "video.asset.ready";
    Notion "notion" => Notion, NOTION, "page.created";
    Sentry "sentry" => Sentry, SENTRY, "issue.created";
    Xero "xero" => Xero, XERO, "contact.create";
    Dropbox "dropbox" => Dropbox, DROPBOX, "list_folder";
    Clerk "clerk" => Clerk, CLERK, "user.created";
    Resend "resend" => Resend, RESEND, "email.delivered";
    Square "square" => Square, SQUARE, "payment.updated";
    Twilio "twilio" => Twilio, TWILIO, "sms";
    HubSpot "hubspot" => HubSpot, HUBSPOT, "contact.propertyChange";
    Discord "discord" => Discord, DISCORD, "APPLICATION_COMMAND";
    SendGrid "sendgrid" => SendGrid, SENDGRID, "delivered";
}

/// How a provider retries a delivery not answered 2xx: the waits between
/// attempts, in seconds, after the first one, and where that comes from.
pub struct Schedule {
    pub waits: Vec<u64>,
    pub source: String,
}

const MIN: u64 = 60;
#[cfg(test)]
const HOUR: u64 = 3600;

/// For providers that publish no schedule: waits doubling from 1 min,
/// eight retries, the last about 4 h 15 min after the first attempt. This
/// command's choice, not a provider's.
const DOUBLING: &[u64] = &[
    MIN,
    2 * MIN,
    4 * MIN,
    8 * MIN,
    16 * MIN,
    32 * MIN,
    64 * MIN,
    128 * MIN,
];

/// How the value of an event header is made from a fixture's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventValue {
    /// The type as it is (`orders/create`, `repo:push`, `Push Hook`).
    Whole,
    /// The type up to its first `.` (`issues.opened` is sent as
    /// `issues`, its action being in the body).
    UpToDot,
}

impl Kind {
    /// The variable holding the secret, as the example receivers read it
    /// (`STRIPE_WEBHOOK_SECRET`, …), before the shared `WEBHOOK_SECRET`.
    /// An asymmetric provider's would hold its public key (for `verify`)
    /// or a private key (for `sign` and `send`).
    pub fn secret_variable(self) -> String {
        format!("{}_WEBHOOK_SECRET", self.name().to_ascii_uppercase())
    }

    /// The provider's scheme, as its preset states it.
    pub fn scheme(self) -> Scheme {
        fn of<P: Provider>() -> Scheme {
            P::scheme()
        }
        crate::provider::dispatch!(self, of())
    }

    /// Whether the provider signs the request's URL and method (Square,
    /// Twilio, HubSpot), as its preset says: `sign`, `verify` and `send`
    /// then need the URL.
    pub fn signs_url(self) -> bool {
        self.scheme().signs_url()
    }

    /// The methods the provider delivers with, POST first, as its preset
    /// states them (`Provider::METHODS`): `send --method` takes only these.
    pub fn methods(self) -> &'static [&'static str] {
        fn of<P: Provider>() -> &'static [&'static str] {
            P::METHODS
        }
        crate::provider::dispatch!(self, of())
    }

    /// Whether the provider signs with a private key only, never an HMAC
    /// secret (Discord's Ed25519, SendGrid's ECDSA P-256).
    pub fn public_key_only(self) -> bool {
        matches!(
            self.scheme().algorithm(),
            Algorithm::Ed25519 | Algorithm::EcdsaP256Sha256
        )
    }

    /// The variable holding the private key `sign` and `send` sign with,
    /// for the providers that sign with one (`DISCORD_SIGNING_KEY`,
    /// `SENDGRID_SIGNING_KEY`; `STANDARD_SIGNING_KEY` and
    /// `SVIX_SIGNING_KEY` hold a `whsk_` key, which selects v1a).
    pub fn signing_key_variable(self) -> Option<String> {
        (self.public_key_only() || matches!(self, Kind::Standard | Kind::Svix))
            .then(|| format!("{}_SIGNING_KEY", self.name().to_ascii_uppercase()))
    }

    /// Whether the provider signs a timestamp in a header (`--timestamp`).
    pub fn signs_header_time(self) -> bool {
        self.scheme().signs_header_time()
    }

    /// The header carrying a delivery id: the scheme's, signed, or the
    /// GUID GitHub and LeadLex send unsigned, which this command sends too
    /// (`--id`).
    pub fn id_header(self) -> Option<String> {
        match self {
            Kind::Github => Some("x-github-delivery".to_owned()),
            Kind::Leadlex => Some("x-leadlex-delivery-id".to_owned()),
            _ => self.scheme().id_header().map(str::to_owned),
        }
    }

    /// Whether a delivery id in a header must be a UUID: the scheme's
    /// shape, or the GUIDs GitHub, LeadLex and Shopify send.
    pub fn uuid_ids(self) -> bool {
        matches!(self, Kind::Github | Kind::Leadlex | Kind::Shopify)
            || self.scheme().id_shape() == IdShape::Uuid
    }

    /// The unsigned header naming the event, which the provider's event
    /// type reads (its body does not say), and how its value is made from
    /// a fixture's type (`--type`).
    pub fn event_header(self) -> Option<(&'static str, EventValue)> {
        match self {
            // GitHub's docs: the event's name; the action is in the body.
            Kind::Github => Some(("x-github-event", EventValue::UpToDot)),
            // Shopify's docs: the topic.
            Kind::Shopify => Some(("x-shopify-topic", EventValue::Whole)),
            // Bitbucket's docs: the event key.
            Kind::Bitbucket => Some(("x-event-key", EventValue::Whole)),
            // GitLab's docs: the hook's name (`Push Hook`).
            Kind::GitLab => Some(("x-gitlab-event", EventValue::Whole)),
            // Sentry's docs: the resource; the action is in the body.
            Kind::Sentry => Some(("sentry-hook-resource", EventValue::UpToDot)),
            _ => None,
        }
    }

    /// The body field holding the signed id, kept across retries, if the
    /// scheme names duplicates by one.
    pub fn body_id_field(self) -> Option<&'static str> {
        match self.scheme().delivery_id() {
            DeliveryId::BodyField(field) | DeliveryId::BodyFieldOrBody(field) => Some(field),
            _ => None,
        }
    }

    /// Whether the signed id is a body field, kept across retries.
    pub fn body_id(self) -> bool {
        self.body_id_field().is_some()
    }

    /// How long after the time in its body a delivery is accepted, in
    /// seconds (the crate's `Commet`, `LeadLex` and `Linear` schemes).
    pub fn body_time_window(self) -> Option<i64> {
        self.scheme()
            .body_timestamp()
            .map(|(_, max_age)| i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX))
    }

    /// The body field holding the signed emission time, if any.
    pub fn body_time_field(self) -> Option<&'static str> {
        self.scheme().body_timestamp().map(|(field, _)| field)
    }

    /// Whether a time in the body is written in Unix milliseconds (Linear's
    /// `webhookTimestamp`) rather than RFC 3339.
    pub fn body_time_millis(self) -> bool {
        self.scheme().time_format() == TimeFormat::UnixMillis
    }

    /// How the provider retries, as its preset states it.
    pub fn retries(self) -> Retries {
        fn of<P: Provider>() -> Retries {
            P::RETRIES
        }
        crate::provider::dispatch!(self, of())
    }

    /// The retries in a few words, for `providers`.
    pub fn retries_summary(self) -> String {
        let retries = self.retries();
        let span = |seconds: u64| crate::send::span(seconds);
        match retries {
            Retries::Schedule { waits, .. } => format!(
                "{} retries over {}",
                waits.len(),
                span(retries.span().map_or(0, |s| s.as_secs()))
            ),
            Retries::Within { span: within, .. } => format!("within {}", span(within.as_secs())),
            Retries::Never {
                by_hand: Some(by_hand),
                ..
            } => format!("never (by hand within {})", span(by_hand.as_secs())),
            Retries::Never { .. } => "never".to_owned(),
            _ => "not published".to_owned(),
        }
    }

    /// The retry schedule `send --retries` follows: the provider's
    /// published one, or this command's reading where it publishes only a
    /// span or nothing (see PROVIDERS.md in tests/vectors for each source).
    pub fn schedule(self) -> Schedule {
        let retries = self.retries();
        let published = retries.waits();
        if !published.is_empty() {
            return Schedule {
                waits: published.iter().map(|wait| wait.as_secs()).collect(),
                source: retries.source().to_owned(),
            };
        }
        match retries {
            Retries::Within { span, .. } => {
                // Doubling from a minute, as many waits as fit in the span.
                let mut waits = Vec::new();
                let (mut wait, mut total) = (MIN, 0);
                while total + wait <= span.as_secs() {
                    waits.push(wait);
                    total += wait;
                    wait *= 2;
                }
                Schedule {
                    source: format!(
                        "{} (no waits published: this command doubles them from 1 min, {} \
                         retries within {})",
                        retries.source(),
                        waits.len(),
                        crate::send::span(span.as_secs())
                    ),
                    waits,
                }
            }
            Retries::Never { .. } => Schedule {
                waits: Vec::new(),
                source: retries.source().to_owned(),
            },
            _ => Schedule {
                waits: DOUBLING.to_vec(),
                source: format!(
                    "{}: this command's default, waits doubling from 1 min, 8 retries",
                    retries.source()
                ),
            },
        }
    }

    /// The unsigned headers the provider sends besides the signature's, as
    /// far as `body` and the delivery tell them. `event_type` is the
    /// fixture's type, which names the event header's value
    /// ([`event_header`](Self::event_header)); `delivery` is the delivery
    /// id of a provider with an id header.
    pub fn unsigned_headers(
        self,
        body: &[u8],
        event_type: Option<&str>,
        delivery: Option<&str>,
        now: i64,
    ) -> Vec<(String, String)> {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        // Twilio posts form fields (its JSON bodies name their hash in the
        // URL); the others JSON.
        let content_type = if self == Kind::Twilio && !body.starts_with(b"{") {
            "application/x-www-form-urlencoded"
        } else {
            "application/json"
        };
        let mut headers = vec![("content-type".to_owned(), content_type.to_owned())];
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                headers.push((name.to_owned(), value));
            }
        };
        if let Some((name, made)) = self.event_header() {
            add(
                name,
                event_type.map(|t| match made {
                    EventValue::Whole => t.to_owned(),
                    EventValue::UpToDot => t.split('.').next().unwrap_or(t).to_owned(),
                }),
            );
        }
        match self {
            // Commet's docs, "Headers" and the envelope table.
            Kind::Commet => {
                add("x-commet-event", field("event"));
                add("x-commet-event-id", field("id"));
                add("x-commet-timestamp", field("timestamp"));
            }
            // LeadLex's docs: the delivery id and the time of the attempt.
            Kind::Leadlex => {
                add("x-leadlex-delivery-id", delivery.map(str::to_owned));
                add(
                    "x-leadlex-timestamp",
                    Some(crate::fixtures::rfc3339(now, false)),
                );
                add("user-agent", Some("LeadLex-Webhook/1.0".to_owned()));
            }
            // GitHub's docs: the delivery's GUID.
            Kind::Github => add("x-github-delivery", delivery.map(str::to_owned)),
            // Shopify's docs (tests/vectors/facts/shopify.md): none signed,
            // and its library refuses a delivery without the shop, the API
            // version and the delivery's id.
            Kind::Shopify => {
                add(
                    "x-shopify-shop-domain",
                    Some("acme-apparel.myshopify.com".to_owned()),
                );
                add("x-shopify-api-version", Some("2025-10".to_owned()));
                add("x-shopify-webhook-id", delivery.map(str::to_owned));
                add(
                    "x-shopify-triggered-at",
                    Some(crate::fixtures::rfc3339(now, false)),
                );
            }
            // Twitch's docs: the message type, which the body also tells.
            Kind::Twitch => {
                let kind = if value.get("challenge").is_some() {
                    "webhook_callback_verification"
                } else if value.get("event").is_some() || value.get("events").is_some() {
                    "notification"
                } else {
                    "revocation"
                };
                add("twitch-eventsub-message-type", Some(kind.to_owned()));
            }
            _ => {}
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_span_what_the_providers_say() {
        let total = |kind: Kind| kind.schedule().waits.iter().sum::<u64>();
        // PROVIDERS.md, section 7: about 26 h 36 min, 3 h 51 min, 27 h 35 min, 75 h 35 min.
        assert_eq!(total(Kind::Unleeshed), 26 * HOUR + 36 * MIN);
        assert_eq!(total(Kind::Commet), 3 * HOUR + 51 * MIN);
        assert_eq!(total(Kind::Svix), 27 * HOUR + 35 * MIN + 5);
        assert_eq!(total(Kind::Standard), 75 * HOUR + 35 * MIN + 5);
        assert!(total(Kind::Stripe) <= 72 * HOUR);
        assert!(Kind::Github.schedule().waits.is_empty());
        // Zoom's published waits: 5, 20 and 60 min.
        assert_eq!(Kind::Zoom.schedule().waits, [5 * MIN, 20 * MIN, 60 * MIN]);
        assert_eq!(Kind::Zoom.retries_summary(), "3 retries over 1 h 25 min");
        assert_eq!(Kind::Github.retries_summary(), "never (by hand within 3 d)");
    }

    #[test]
    fn every_preset_is_named_once_and_by_its_own_name() {
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), 37);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 37);
        for kind in Kind::ALL {
            assert_eq!(Kind::from_str(kind.name(), false), Ok(*kind));
            // Exactly the presets that sign the URL they call.
            assert_eq!(
                kind.signs_url(),
                matches!(kind, Kind::Square | Kind::Twilio | Kind::HubSpot),
                "{}",
                kind.name()
            );
            assert_eq!(
                kind.public_key_only(),
                matches!(kind, Kind::Discord | Kind::SendGrid),
                "{}",
                kind.name()
            );
        }
    }

    #[test]
    fn body_time_windows_are_the_crates() {
        use signed_webhooks::{Commet, LeadLex, Verifier};
        let window = |tolerance: Option<std::time::Duration>| {
            tolerance.map(|t| i64::try_from(t.as_secs()).unwrap())
        };
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assert_eq!(
            Kind::Commet.body_time_window(),
            window(Verifier::<Commet>::new(secret).unwrap().tolerance())
        );
        assert_eq!(
            Kind::Leadlex.body_time_window(),
            window(Verifier::<LeadLex>::new(secret).unwrap().tolerance())
        );
    }
}

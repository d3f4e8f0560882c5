//! What the example receivers print of an event: an id and a type. Also
//! compiled into the tests (`tests/common/describe.rs`), so that the test
//! harnesses answer with the very lines the example binaries print.

#[cfg(feature = "standard-webhooks")]
use signed_webhooks::StandardEvent;
use signed_webhooks::{
    CommetEvent, ExchangeEvent, GitHubEvent, LeadLexEvent, StripeEvent, UnleeshedEvent,
};

/// What each example prints of an event: an id and a type. LeadLex's events
/// carry no id, so the key their duplicates are recognised by stands in.
pub trait Describe {
    /// The event's id and type; `key` is the delivery's duplicate-store key.
    fn describe(&self, key: &str) -> (String, String);
}

macro_rules! describe_by_id {
    ($($event:ty),+) => {$(
        impl Describe for $event {
            fn describe(&self, _: &str) -> (String, String) {
                (self.id().to_owned(), self.event_type().to_owned())
            }
        }
    )+};
}
describe_by_id!(UnleeshedEvent, ExchangeEvent, StripeEvent, CommetEvent);

impl Describe for LeadLexEvent {
    fn describe(&self, key: &str) -> (String, String) {
        let id = key.strip_prefix("leadlex:").unwrap_or(key);
        (id.to_owned(), self.event_type().to_owned())
    }
}

impl Describe for GitHubEvent {
    fn describe(&self, _: &str) -> (String, String) {
        (self.delivery().to_owned(), self.event_type().to_owned())
    }
}

#[cfg(feature = "standard-webhooks")]
impl Describe for StandardEvent {
    fn describe(&self, key: &str) -> (String, String) {
        // The signed `webhook-id` is the key: `standard-webhooks:id:<id>`.
        let id = key.rsplit_once(":id:").map_or(key, |(_, id)| id);
        (id.to_owned(), self.event_type().to_owned())
    }
}

/// The id in a duplicate-store key: after `:id:` for a signed id
/// (`stripe:id:evt_1`), else after the provider's name (a content hash,
/// `github:sha256:<hex>`).
fn key_id(key: &str) -> &str {
    match key.rsplit_once(":id:") {
        Some((_, id)) => id,
        None => key.split_once(':').map_or(key, |(_, rest)| rest),
    }
}

/// The other presets' events: the type they state, and the signed id (or
/// content hash) of the key, the id each event's duplicates are known by.
macro_rules! describe_by_key {
    ($($(#[$meta:meta])* $event:ty),+ $(,)?) => {$(
        $(#[$meta])*
        impl Describe for $event {
            fn describe(&self, key: &str) -> (String, String) {
                (key_id(key).to_owned(), self.event_type().to_owned())
            }
        }
    )+};
}
describe_by_key!(
    signed_webhooks::SlackEvent,
    signed_webhooks::PaddleEvent,
    signed_webhooks::ZoomEvent,
    signed_webhooks::LinearEvent,
    signed_webhooks::RazorpayEvent,
    signed_webhooks::LemonSqueezyEvent,
    signed_webhooks::CalendlyEvent,
    signed_webhooks::PagerDutyEvent,
    signed_webhooks::TwitchEvent,
    signed_webhooks::GitLabEvent,
    signed_webhooks::BitbucketEvent,
    signed_webhooks::MetaEvent,
    signed_webhooks::WorkOsEvent,
    signed_webhooks::MuxEvent,
    signed_webhooks::NotionEvent,
    signed_webhooks::SentryEvent,
    #[cfg(feature = "base64")]
    signed_webhooks::ShopifyEvent,
    #[cfg(feature = "base64")]
    signed_webhooks::TypeformEvent,
    #[cfg(feature = "base64")]
    signed_webhooks::SquareEvent,
    #[cfg(feature = "sha1")]
    signed_webhooks::IntercomEvent,
    #[cfg(feature = "sha1")]
    signed_webhooks::VercelEvent,
);

/// Events that state no single type (a batch, a notification of changes):
/// the provider's name stands in.
macro_rules! describe_as {
    ($($(#[$meta:meta])* $event:ty => $label:literal),+ $(,)?) => {$(
        $(#[$meta])*
        impl Describe for $event {
            fn describe(&self, key: &str) -> (String, String) {
                (key_id(key).to_owned(), $label.to_owned())
            }
        }
    )+};
}
describe_as!(
    signed_webhooks::DropboxNotification => "dropbox",
    #[cfg(feature = "base64")]
    signed_webhooks::XeroEvent => "xero",
    #[cfg(feature = "base64")]
    signed_webhooks::HubSpotEvents => "hubspot",
    #[cfg(all(feature = "sha1", feature = "base64"))]
    signed_webhooks::TwilioRequest => "twilio",
    #[cfg(feature = "ed25519")]
    signed_webhooks::DiscordInteraction => "discord",
    #[cfg(feature = "p256")]
    Vec<signed_webhooks::SendGridEvent> => "sendgrid",
);

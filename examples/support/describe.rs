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

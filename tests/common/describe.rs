//! What a test handler reports of each delivery: the id and type the
//! example receivers print (`examples/support/mod.rs`), so one table of
//! expected answers serves the test harnesses and the example binaries.

#[cfg(feature = "standard-webhooks")]
use signed_webhooks::StandardEvent;
use signed_webhooks::{
    CommetEvent, ExchangeEvent, GitHubEvent, LeadLexEvent, StripeEvent, UnleeshedEvent,
};

use super::runs::Runs;

/// An event's id and type, as the examples print them. `key` is the
/// delivery's duplicate-store key.
pub trait Describe {
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

/// LeadLex's events carry no id: the key (`leadlex:sha256:<hex>`) stands in.
impl Describe for LeadLexEvent {
    fn describe(&self, key: &str) -> (String, String) {
        let id = key.strip_prefix("leadlex:").unwrap_or(key);
        (id.to_owned(), self.event_type().to_owned())
    }
}

/// The (unsigned) `X-GitHub-Delivery`, and the `X-GitHub-Event` name.
impl Describe for GitHubEvent {
    fn describe(&self, _: &str) -> (String, String) {
        (self.delivery().to_owned(), self.event_type().to_owned())
    }
}

/// The signed `webhook-id`, from the key `standard-webhooks:id:<id>`.
#[cfg(feature = "standard-webhooks")]
impl Describe for StandardEvent {
    fn describe(&self, key: &str) -> (String, String) {
        let id = key.rsplit_once(":id:").map_or(key, |(_, id)| id);
        (id.to_owned(), self.event_type().to_owned())
    }
}

/// What a test handler answers for a verified delivery (and counts, for a
/// first one): `processed <id> <type>` or `duplicate <id>`, the very lines
/// the example receivers print, escaped as they escape them.
pub fn respond(duplicate: bool, event: &impl Describe, key: &str, runs: &Runs) -> String {
    let (id, event_type) = event.describe(key);
    if duplicate {
        format!("duplicate {}", id.escape_debug())
    } else {
        let line = format!(
            "processed {} {}",
            id.escape_debug(),
            event_type.escape_debug()
        );
        runs.record(&line);
        line
    }
}

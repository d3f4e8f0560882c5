//! Clerk: how it signs, how it delivers, and its events.
//!
//! Clerk delivers its webhooks through Svix: Standard Webhooks' scheme
//! under the `svix-*` header names. Its events share one envelope, `{
//! "type", "object": "event", "data", "event_attributes", "timestamp",
//! "instance_id" }` (`timestamp` in Unix milliseconds), which
//! [`StandardEvent`] reads: the type, the time as sent, `data`, and the
//! rest in its `extra`.

use super::{Provider, Retries, StandardEvent, Svix};
use crate::scheme::Scheme;

/// Clerk: `svix-id`, `svix-timestamp` and `svix-signature: v1,<base64> …`,
/// the HMAC-SHA256 of `"{id}.{timestamp}.{body}"` keyed with the base64
/// after `whsec_` (the endpoint's signing secret, `CLERK_WEBHOOK_SIGNING_SECRET`);
/// events [`StandardEvent`].
///
/// The signed `svix-timestamp` bounds a replay: 300 s, past or future, as
/// the `standardwebhooks` library Clerk's `verifyWebhook` calls.
/// Duplicates are recognised by the signed `svix-id`, which Svix keeps
/// across retries. Only the `svix-*` names are read, as Clerk's own
/// helper requires them (a delivery with `webhook-*` names is refused). A
/// type of its own, so one app holds Clerk's secret beside other Svix
/// providers'.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clerk;

impl Provider for Clerk {
    const NAME: &'static str = "clerk";
    type Event = StandardEvent;
    fn scheme() -> Scheme {
        Scheme::standard_webhooks()
            .with_signature_header("svix-signature")
            .with_timestamp_header("svix-timestamp")
            .with_id_header("svix-id")
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: Svix::RETRIES.waits(),
        source: "Clerk delivers through Svix (Clerk's docs, \"verify-webhook\"); Svix's docs, \
                 \"Retry Schedule\": immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h \
                 and 10 h",
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clerk_reads_svix_names_only_and_retries_as_svix() {
        let scheme = Clerk::scheme();
        assert_eq!(
            scheme.header_names().collect::<Vec<_>>(),
            ["svix-signature", "svix-timestamp", "svix-id"]
        );
        assert_eq!(scheme.check(), Ok(()));
        assert_eq!(Clerk::RETRIES.span(), Svix::RETRIES.span());
    }
}

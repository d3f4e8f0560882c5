//! Resend: how it signs, how it delivers, and its events.
//!
//! Resend delivers its webhooks through Svix: Standard Webhooks' scheme
//! under the `svix-*` header names. Its events (`email.sent`,
//! `email.delivered`, `email.bounced`, `contact.created`, …) share one
//! envelope, `{ "type", "created_at", "data" }`, which [`StandardEvent`]
//! reads (`created_at` in its `extra`).

use super::{Provider, Retries, StandardEvent, Svix};
use crate::scheme::Scheme;

/// Resend: `svix-id`, `svix-timestamp` and `svix-signature: v1,<base64> …`,
/// the HMAC-SHA256 of `"{id}.{timestamp}.{body}"` keyed with the base64
/// after `whsec_` (the webhook's signing secret); events [`StandardEvent`].
///
/// The signed `svix-timestamp` bounds a replay: 300 s, past or future, as
/// the `standardwebhooks` library Resend's SDK calls. Duplicates are
/// recognised by the signed `svix-id`, which Svix keeps across retries.
/// The `webhook-*` names are read too (Resend's SDK lets the caller map
/// any names; that Resend sends `svix-*` is reported by others, not by
/// Resend's own pages). A type of its own, so one app holds Resend's
/// secret beside other Svix providers'.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resend;

impl Provider for Resend {
    const NAME: &'static str = "resend";
    type Event = StandardEvent;
    fn scheme() -> Scheme {
        // Svix's names first, `webhook-*` beside them: a `Signer<Resend>`
        // writes `svix-*`, as Resend sends.
        Svix::scheme()
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: Svix::RETRIES.waits(),
        source: "Resend's docs, \"Retries and replays\": immediately, then after 5 s, 5 min, \
                 30 min, 2 h, 5 h, 10 h and 10 h (Svix's schedule); an endpoint that keeps \
                 failing is eventually disabled",
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resend_reads_both_names_and_retries_as_svix() {
        let scheme = Resend::scheme();
        assert_eq!(scheme.signature_header(), "svix-signature");
        assert_eq!(scheme.header_names().count(), 6);
        assert_eq!(scheme.check(), Ok(()));
        assert_eq!(Resend::RETRIES.waits(), Svix::RETRIES.waits());
    }
}

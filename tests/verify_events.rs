//! `Verifier<P>::verify_event`: a delivery of each provider, signed as it
//! signs, comes out as that provider's event type, and only once it
//! verified.

mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use signed_webhooks::{
    Commet, CommetEvent, Exchange, ExchangeEvent, GitHub, LeadLex, LeadLexEvent, Provider, Signer,
    Stripe, StripeEvent, Verifier,
};
use support::{SECRET, fixture};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// `unix` as RFC 3339 (`2026-09-21T14:13:19Z`): fixtures' emission times
/// moved to the present, for the schemes that check the body's time
/// against the clock.
fn rfc3339(unix: i64) -> String {
    signed_webhooks::__private::format_rfc3339(unix, false)
}

/// The fixture `name` with its top-level `timestamp` set to `at`.
fn emitted_at(name: &str, at: i64) -> Vec<u8> {
    let mut body: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
    body["timestamp"] = rfc3339(at).into();
    serde_json::to_vec(&body).unwrap()
}

/// Signs `body` now as `P` does and verifies it into `P::Event`; a
/// tampered copy must be refused before any decoding.
fn round_trip<P: Provider>(secret: &str, body: &[u8], extra: &[(&str, &str)]) -> P::Event {
    let mut headers: Vec<(String, String)> = Signer::<P>::new(secret)
        .unwrap()
        .sign(body)
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    headers.extend(
        extra
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    let verifier = Verifier::<P>::new(secret).unwrap();
    let mut tampered = body.to_vec();
    tampered.push(b' ');
    let err = verifier.verify_event(&headers, &tampered).err().unwrap();
    assert_eq!(err.code(), "signature_mismatch");
    verifier
        .verify_event(&headers, body)
        .unwrap_or_else(|e| panic!("{}: {e}", P::NAME))
}

#[test]
fn stripe_and_the_exchange_deliver_their_events() {
    let event: StripeEvent =
        round_trip::<Stripe>(SECRET, &fixture("stripe/invoice.paid.json"), &[]);
    assert_eq!(event.event_type(), "invoice.paid");
    let event: ExchangeEvent =
        round_trip::<Exchange>(SECRET, &fixture("exchange/order.created.json"), &[]);
    assert_eq!(event.event_type(), "order.created");
}

#[test]
fn commet_and_leadlex_deliver_their_events_within_their_window() {
    let now = now();
    let body = emitted_at("commet/subscription.activated.json", now - 3600);
    let event: CommetEvent = round_trip::<Commet>(SECRET, &body, &[]);
    assert_eq!(event.event_type(), "subscription.activated");
    assert!(event.is_known());

    let body = emitted_at("leadlex/contact.created.json", now - 2 * 86_400);
    let event: LeadLexEvent = round_trip::<LeadLex>(SECRET, &body, &[]);
    assert_eq!(event.event_type(), "contact.created");

    // A day and more after its emission, a Commet event is refused, signed
    // or not: its retries span about 4 hours.
    let stale = emitted_at("commet/subscription.activated.json", now - 86_401);
    let headers = Signer::<Commet>::new(SECRET).unwrap().sign(&stale);
    let err = Verifier::<Commet>::new(SECRET)
        .unwrap()
        .verify_event(&headers, &stale)
        .unwrap_err();
    assert_eq!(err.code(), "timestamp_too_old");
}

/// GitHub's event name is the `X-GitHub-Event` header, the body its
/// payload: `GitHubEvent` is built from both.
#[test]
fn github_delivers_its_event_named_by_its_header() {
    let body = fixture("github/issues.opened.json");
    let event = round_trip::<GitHub>(
        "It's a Secret to Everybody",
        &body,
        &[
            ("X-GitHub-Event", "issues"),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ],
    );
    assert!(event.is("issues.opened"), "{event:?}");
    assert_eq!(event.delivery(), "72d3162e-cc78-11e3-81ab-4c9367dc0958");
}

#[cfg(feature = "standard-webhooks")]
mod standard {
    use signed_webhooks::{StandardEvent, StandardWebhooks, Svix};

    use super::*;
    use crate::support::SW_SECRET;

    /// The event's id is the signed `webhook-id` header, not part of the
    /// body: the delivery key carries it (the premise changed: the event no
    /// longer holds a copy, which only a decode fed the headers could fill).
    #[test]
    fn standard_webhooks_events_carry_their_signed_id() {
        let body = fixture("standard/contact.created.json");
        let headers = Signer::<StandardWebhooks>::new(SW_SECRET)
            .unwrap()
            .sign_with_id(&body, now(), "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
        let verifier = Verifier::<StandardWebhooks>::new(SW_SECRET).unwrap();
        let event: StandardEvent = verifier.verify_event(&headers, &body).unwrap();
        assert_eq!(event.event_type(), "contact.created");
        assert_eq!(
            verifier
                .verify_with_key(&headers, &body)
                .unwrap()
                .1
                .unwrap(),
            "standard-webhooks:id:msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
        );
    }

    #[test]
    fn standard_webhooks_and_svix_deliver_their_events() {
        let body = fixture("standard/contact.created.json");
        let event: StandardEvent = round_trip::<StandardWebhooks>(SW_SECRET, &body, &[]);
        assert_eq!(event.event_type(), "contact.created");
        let event: StandardEvent = round_trip::<Svix>(SW_SECRET, &body, &[]);
        assert_eq!(event.event_type(), "contact.created");
    }
}

#[test]
fn rfc3339_formats_as_providers_write() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1_776_435_785), "2026-04-17T14:23:05Z");
    assert_eq!(rfc3339(1_709_251_199), "2024-02-29T23:59:59Z");
    assert_eq!(rfc3339(1_789_999_999), "2026-09-21T14:13:19Z");
}

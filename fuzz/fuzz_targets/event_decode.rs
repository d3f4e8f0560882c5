//! `decode_event` on arbitrary bytes, into every event type.
//!
//! Never panics; a failure is always `invalid_event` (422); whatever decodes
//! serializes and decodes again to an equal value; and each typed family
//! agrees with its untyped envelope on what an event is.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use signed_webhooks::{
    CommetEnvelope, CommetEvent, Event, ExchangeEvent, GitHubEvent, LeadLexEnvelope, LeadLexEvent,
    StandardEvent, StripeEvent, UnleeshedEvent, decode_event,
};
use std::fmt::Debug;

/// Decodes `data` into `E`; when that works, checks the round trip.
fn decode_round_trip<E>(data: &[u8]) -> Option<E>
where
    E: DeserializeOwned + Serialize + PartialEq + Debug,
{
    match decode_event::<E>(data) {
        Ok(event) => {
            let json = serde_json::to_vec(&event).expect("a decoded event serializes");
            let again: E = decode_event(&json).unwrap_or_else(|e| {
                panic!("re-decoding {} failed: {e}", String::from_utf8_lossy(&json))
            });
            assert_eq!(
                event,
                again,
                "round trip through {}",
                String::from_utf8_lossy(&json)
            );
            Some(event)
        }
        Err(err) => {
            assert_eq!(err.code(), "invalid_event");
            assert_eq!(err.status_code().as_u16(), 422);
            let _ = err.to_string();
            None
        }
    }
}

/// Decodes `data` into a family and into its untyped envelope: the family
/// decodes only what has a valid envelope, every type it does not know
/// decodes as `Unknown` with the envelope untouched, and the envelope
/// fields agree.
macro_rules! family {
    ($data:expr, $family:ident, $envelope:ty) => {{
        let untyped = decode_round_trip::<$envelope>($data);
        let family = decode_round_trip::<$family>($data);
        if let Some(event) = &family {
            let untyped = untyped.as_ref().expect("the envelope decodes too");
            assert_eq!(event.event_type(), untyped.event_type);
            assert_eq!(event.extra(), &untyped.extra);
            assert_eq!(
                event.is_known(),
                $family::KNOWN_TYPES.contains(&event.event_type())
            );
            if let $family::Unknown(unknown) = event {
                assert_eq!(unknown, untyped);
            }
        }
        if let Some(untyped) = &untyped {
            let t = untyped.event_type.as_str();
            if !$family::KNOWN_TYPES.contains(&t) {
                assert!(
                    family.is_some(),
                    "unknown type {t:?} refused by {}",
                    stringify!($family)
                );
            }
        }
        (untyped, family)
    }};
}

fuzz_target!(|data: &[u8]| {
    let (untyped, unleeshed) = family!(data, UnleeshedEvent, Event<Value>);
    let (_, exchange) = family!(data, ExchangeEvent, Event<Value>);
    if let Some(untyped) = &untyped {
        for (id, created_at) in [
            unleeshed.as_ref().map(|e| (e.id(), e.created_at())),
            exchange.as_ref().map(|e| (e.id(), e.created_at())),
        ]
        .into_iter()
        .flatten()
        {
            assert_eq!(
                (id, created_at),
                (untyped.id.as_str(), untyped.created_at.as_str())
            );
        }
        assert!(!untyped.id.is_empty());
    }

    let (commet_untyped, commet) = family!(data, CommetEvent, CommetEnvelope);
    if let (Some(event), Some(untyped)) = (&commet, &commet_untyped) {
        assert_eq!(event.id(), untyped.id);
        assert_eq!(event.mode(), &untyped.mode);
        assert!(!event.id().is_empty());
    }
    family!(data, LeadLexEvent, LeadLexEnvelope);

    if let Some(event) = decode_round_trip::<StripeEvent>(data) {
        assert!(!event.id().is_empty());
    }
    decode_round_trip::<StandardEvent>(data);

    // GitHub: any body that is JSON gives an event, stored and read back.
    if let Ok(event) = GitHubEvent::<Value>::from_parts("issues", "guid", data) {
        let stored = serde_json::to_vec(&event).expect("a GitHub event serializes");
        let again: GitHubEvent = serde_json::from_slice(&stored).expect("and decodes back");
        assert_eq!(again, event);
    }
});

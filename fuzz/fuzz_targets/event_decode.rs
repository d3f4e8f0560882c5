//! `decode_event` on arbitrary bytes, into the three event types.
//!
//! Never panics; a failure is always `invalid_event` (422); whatever decodes
//! serializes and decodes again to an equal value; and the typed families
//! agree with the untyped envelope on what an event is.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use signed_webhooks::{Event, ExchangeEvent, UnleeshedEvent, decode_event};
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

/// The envelope fields of a family event agree with the untyped envelope.
fn same_envelope(id: &str, event_type: &str, created_at: &str, untyped: &Event<Value>) {
    assert_eq!(id, untyped.id);
    assert_eq!(event_type, untyped.event_type);
    assert_eq!(created_at, untyped.created_at);
}

fuzz_target!(|data: &[u8]| {
    let untyped = decode_round_trip::<Event<Value>>(data);
    let unleeshed = decode_round_trip::<UnleeshedEvent>(data);
    let exchange = decode_round_trip::<ExchangeEvent>(data);

    // A family decodes only what has a valid envelope, and an event type it
    // does not know decodes as `Unknown` with the payload untouched.
    if let Some(event) = &unleeshed {
        let untyped = untyped.as_ref().expect("the envelope decodes too");
        same_envelope(event.id(), event.event_type(), event.created_at(), untyped);
        assert_eq!(event.extra(), &untyped.extra);
        assert_eq!(
            event.is_known(),
            UnleeshedEvent::KNOWN_TYPES.contains(&event.event_type())
        );
        if let UnleeshedEvent::Unknown(unknown) = event {
            assert_eq!(unknown, untyped);
        }
    }
    if let Some(event) = &exchange {
        let untyped = untyped.as_ref().expect("the envelope decodes too");
        same_envelope(event.id(), event.event_type(), event.created_at(), untyped);
        assert_eq!(event.extra(), &untyped.extra);
        assert_eq!(
            event.is_known(),
            ExchangeEvent::KNOWN_TYPES.contains(&event.event_type())
        );
        if let ExchangeEvent::Unknown(unknown) = event {
            assert_eq!(unknown, untyped);
        }
    }
    // An event of a type neither family knows decodes in both.
    if let Some(untyped) = &untyped {
        let t = untyped.event_type.as_str();
        if !UnleeshedEvent::KNOWN_TYPES.contains(&t) {
            assert!(
                unleeshed.is_some(),
                "unknown type {t:?} refused by UnleeshedEvent"
            );
        }
        if !ExchangeEvent::KNOWN_TYPES.contains(&t) {
            assert!(
                exchange.is_some(),
                "unknown type {t:?} refused by ExchangeEvent"
            );
        }
    }
});

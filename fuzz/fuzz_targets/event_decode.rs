//! `decode_event` on arbitrary bytes, into every provider's event types
//! (Unleeshed, the exchange, Stripe, Commet, LeadLex, Standard Webhooks,
//! and GitHub's through `GitHubEvent::from_parts`).
//!
//! Never panics; a failure is always `invalid_event` (422); whatever decodes
//! serializes and decodes again to an equal value; and the typed families
//! agree with the untyped envelope on what an event is.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use signed_webhooks::{
    CommetEvent, Error, Event, ExchangeEvent, GitHubEvent, LeadLexEvent, StandardEvent,
    StripeEvent, UnleeshedEvent, decode_event,
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
            refused(&err);
            None
        }
    }
}

/// What every decode failure is.
fn refused(err: &Error) {
    assert_eq!(err.code(), "invalid_event");
    assert_eq!(err.status_code().as_u16(), 422);
    assert!(matches!(err, Error::Decode(_)));
    let _ = err.to_string();
}

/// Decodes `data` into `E`, for the families that do not serialize: a
/// failure is still a decode error, and a success is an event whose type
/// the untyped JSON agrees with.
fn decode_only<E: DeserializeOwned>(data: &[u8]) -> Option<E> {
    decode_event::<E>(data).map_err(|err| refused(&err)).ok()
}

/// The envelope fields of a family event agree with the untyped envelope.
fn same_envelope(id: &str, event_type: &str, created_at: &str, untyped: &Event<Value>) {
    assert_eq!(id, untyped.id);
    assert_eq!(event_type, untyped.event_type);
    assert_eq!(created_at, untyped.created_at);
}

fuzz_target!(|data: &[u8]| {
    let json = serde_json::from_slice::<Value>(data).ok();
    let type_of = |field: &str| json.as_ref().and_then(|j| j[field].as_str());

    if let Some(event) = decode_only::<CommetEvent>(data) {
        assert_eq!(Some(event.event_type()), type_of("event"));
        assert_eq!(Some(event.id()), type_of("id"));
        assert_eq!(
            event.is_known(),
            CommetEvent::KNOWN_TYPES.contains(&event.event_type())
        );
    }
    if let Some(event) = decode_only::<LeadLexEvent>(data) {
        assert_eq!(Some(event.event_type()), type_of("event"));
        assert_eq!(
            event.is_known(),
            LeadLexEvent::KNOWN_TYPES.contains(&event.event_type())
        );
    }
    if let Some(event) = decode_only::<StripeEvent>(data) {
        assert_eq!(Some(event.event_type()), type_of("type"));
        assert_eq!(Some(event.id()), type_of("id"));
    }
    if let Some(event) = decode_round_trip::<StandardEvent>(data) {
        assert_eq!(Some(event.event_type()), type_of("type"));
    }
    // GitHub's event name and delivery come from headers; the payload is
    // the body, as JSON.
    match GitHubEvent::<Value>::from_parts("issues", "72d3162e-cc78-11e3-81ab-4c9367dc0958", data) {
        Ok(event) => {
            assert_eq!(Some(&event.payload), json.as_ref());
            assert_eq!(event.action(), type_of("action"));
            assert!(event.is("issues"));
        }
        Err(err) => {
            refused(&err);
            assert!(json.is_none(), "valid JSON refused: {err}");
        }
    }

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

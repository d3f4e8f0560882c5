//! Typed events: every fixture decodes to its variant, unknown types and
//! fields are kept, and decode failures say where.

mod support;

use serde::Deserialize;
use serde_json::{Value, json};
use signed_webhooks::{Error, Event, ExchangeEvent, UnleeshedEvent, decode_event};
use support::fixture;

fn decode<E: serde::de::DeserializeOwned>(name: &str) -> E {
    decode_event(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn unleeshed_fixtures_decode_to_their_variants() {
    let UnleeshedEvent::CreatorApproved(event) = decode("unleeshed/creator.approved.json") else {
        panic!("not creator.approved")
    };
    assert_eq!(event.id, "evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A");
    assert_eq!(event.event_type, "creator.approved");
    assert_eq!(event.created_at, "2026-11-22T10:15:30Z");
    assert_eq!(event.data.external_reference, "article-2026-11-0042");
    assert!(event.data.commentary_text().unwrap().starts_with("A sharp"));
    assert_eq!(
        event.data.metadata.as_ref().unwrap()["campaign"],
        "q4-earnings"
    );

    let partner: UnleeshedEvent = decode("unleeshed/partner.approved.json");
    let UnleeshedEvent::PartnerApproved(event) = &partner else {
        panic!("{partner:?}")
    };
    // A payload field the crate does not model is kept.
    assert_eq!(
        event.data.extra["approved_by"],
        "partner-editor@example.com"
    );
    assert_eq!(partner.external_reference(), Some("article-2026-11-0042"));
    assert!(partner.is_known());

    let UnleeshedEvent::CommentaryFailed(event) = decode("unleeshed/commentary.failed.json") else {
        panic!("not commentary.failed")
    };
    assert_eq!(event.data.external_reference, "article-2026-11-0043");
    assert_eq!(
        event.data.error_message(),
        Some("The source article is behind a paywall the generator cannot read.")
    );
}

#[test]
fn an_unknown_event_type_is_kept_not_refused() {
    let event: UnleeshedEvent = decode("unleeshed/commentary.regenerated.json");
    assert!(!event.is_known());
    assert_eq!(event.event_type(), "commentary.regenerated");
    assert_eq!(event.id(), "evt_01JD7XF8X9Y0Z1A2B3C4D5E6F7");
    assert_eq!(event.extra()["api_version"], "2026-10-01");
    assert_eq!(event.external_reference(), Some("article-2026-11-0043"));
    let UnleeshedEvent::Unknown(unknown) = event else {
        panic!()
    };
    assert_eq!(
        unknown.data,
        json!({"external_reference": "article-2026-11-0043", "attempt": 2})
    );

    // An exchange event sent to the Unleeshed endpoint is unknown there, not an error.
    let crossed: UnleeshedEvent = decode("exchange/order.created.json");
    assert!(!crossed.is_known());
}

#[test]
fn exchange_fixtures_decode_to_their_variants() {
    let ExchangeEvent::OrderCreated(created) = decode("exchange/order.created.json") else {
        panic!()
    };
    assert_eq!(created.data.order_id.as_deref(), Some("ord_550e8400e29b"));
    assert_eq!(created.data.status.as_deref(), Some("pending"));
    assert_eq!(created.data.extra["currency"], "EUR");

    let ExchangeEvent::OrderStatusChanged(changed) = decode("exchange/order.status_changed.json")
    else {
        panic!()
    };
    assert_eq!(changed.data.status.as_deref(), Some("shipped"));
    assert_eq!(changed.data.previous_status.as_deref(), Some("paid"));

    let ExchangeEvent::OrderCancelled(cancelled) = decode("exchange/order.cancelled.json") else {
        panic!()
    };
    assert_eq!(cancelled.data.reason.as_deref(), Some("customer_request"));

    let ExchangeEvent::OfferUpdated(offer) = decode("exchange/offer.updated.json") else {
        panic!()
    };
    assert_eq!(
        offer.data.offer_id.as_deref(),
        Some("77120"),
        "numeric ids become strings"
    );
    assert_eq!(offer.data.extra["price"]["amount"], "12.50");

    assert_eq!(ExchangeEvent::KNOWN_TYPES.len(), 4);
    assert_eq!(
        UnleeshedEvent::KNOWN_TYPES,
        ["creator.approved", "partner.approved", "commentary.failed"]
    );
}

#[test]
fn exchange_payloads_tolerate_missing_fields_and_camel_case() {
    let body = br#"{"id":"e1","type":"order.status_changed","createdAt":"2026-11-22T00:00:00Z","data":{}}"#;
    let ExchangeEvent::OrderStatusChanged(event) = decode_event(body).unwrap() else {
        panic!()
    };
    assert_eq!(event.created_at, "2026-11-22T00:00:00Z");
    assert_eq!(event.data.order_id, None);
    let body = br#"{"id":"e2","type":"order.created","created_at":"x","data":{"order_id":"o-1"}}"#;
    let ExchangeEvent::OrderCreated(event) = decode_event(body).unwrap() else {
        panic!()
    };
    assert_eq!(event.data.order_id.as_deref(), Some("o-1"));
}

#[test]
fn data_before_type_decodes_the_same() {
    let body = br#"{"data":{"external_reference":"r-1","note":"kept"},"created_at":"2026-11-22T00:00:00Z","type":"creator.approved","id":"e3"}"#;
    let UnleeshedEvent::CreatorApproved(event) = decode_event(body).unwrap() else {
        panic!()
    };
    assert_eq!(event.data.external_reference, "r-1");
    assert_eq!(event.data.extra["note"], "kept");
}

#[test]
fn serializing_keeps_every_field() {
    for name in [
        "unleeshed/creator.approved.json",
        "unleeshed/partner.approved.json",
        "unleeshed/commentary.failed.json",
        "unleeshed/commentary.regenerated.json",
    ] {
        let original: Value = serde_json::from_slice(&fixture(name)).unwrap();
        let event: UnleeshedEvent = decode(name);
        assert_eq!(serde_json::to_value(&event).unwrap(), original, "{name}");
    }
    for name in ["exchange/order.created.json", "exchange/offer.updated.json"] {
        let event: ExchangeEvent = decode(name);
        let again: ExchangeEvent =
            serde_json::from_value(serde_json::to_value(&event).unwrap()).unwrap();
        assert_eq!(again, event, "{name}");
    }
}

#[test]
fn users_can_decode_into_their_own_payload_types() {
    #[derive(Deserialize)]
    struct Mine {
        external_reference: String,
    }
    let event: Event<Mine> = decode("unleeshed/creator.approved.json");
    assert_eq!(event.data.external_reference, "article-2026-11-0042");
    assert_eq!(event.id, "evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A");

    let raw: Event<Value> = decode("exchange/order.cancelled.json");
    assert_eq!(raw.data["reason"], "customer_request");

    #[derive(Deserialize)]
    struct Whole {
        id: String,
        #[serde(rename = "type")]
        kind: String,
    }
    let whole: Whole = decode("unleeshed/commentary.failed.json");
    assert_eq!(
        (whole.id.as_str(), whole.kind.as_str()),
        ("evt_01JD7XC4N5P6Q7R8S9T0U1V2W3", "commentary.failed")
    );
}

fn decode_error(body: &str) -> signed_webhooks::DecodeError {
    match decode_event::<UnleeshedEvent>(body.as_bytes()) {
        Err(Error::Decode(e)) => *e,
        other => panic!("{body}: {other:?}"),
    }
}

#[test]
#[cfg(feature = "json-path")]
fn decode_errors_name_the_json_path() {
    let e = decode_error(
        r#"{"id":"e","type":"creator.approved","created_at":"t","data":{"external_reference":42}}"#,
    );
    assert_eq!(e.path(), "data.external_reference");
    assert!(e.to_string().contains("data.external_reference"), "{e}");
    assert!(!e.is_syntax());

    let e = decode_error(
        r#"{"id":"e","type":"commentary.failed","created_at":"t","data":{"error":"x"}}"#,
    );
    assert_eq!(e.path(), "data");
}

#[test]
fn decode_errors_say_what_is_wrong() {
    let e = decode_error(
        r#"{"id":"e","type":"commentary.failed","created_at":"t","data":{"error":"x"}}"#,
    );
    assert!(
        e.to_string().contains("missing field `external_reference`"),
        "{e}"
    );

    let e = decode_error(
        r#"{"type":"creator.approved","created_at":"t","data":{"external_reference":"r"}}"#,
    );
    assert!(e.to_string().contains("missing field `id`"), "{e}");

    let e = decode_error(r#"{"id":"e","id":"f","type":"x","created_at":"t","data":{}}"#);
    assert!(e.to_string().contains("duplicate field `id`"), "{e}");

    let e = decode_error(r#"{"id":"e","type":"creator.approved","created_at":"t"}"#);
    assert!(e.to_string().contains("missing field `data`"), "{e}");

    let e = decode_error(r#"{"id":"e","type":"creator.approved","created_at":"t","data":{"#);
    assert!(e.is_syntax());
    assert_eq!(e.line(), 1);

    let e = decode_error("[1,2]");
    assert!(e.to_string().contains("webhook event object"), "{e}");
}

#[test]
fn an_unknown_event_may_have_no_data() {
    let event: UnleeshedEvent =
        decode_event(br#"{"id":"e","type":"ping","created_at":"t"}"#).unwrap();
    let UnleeshedEvent::Unknown(ping) = event else {
        panic!()
    };
    assert_eq!(ping.data, Value::Null);
}

#[test]
fn decode_errors_map_to_422() {
    let err = decode_event::<UnleeshedEvent>(b"not json").unwrap_err();
    assert_eq!(err.code(), "invalid_event");
    assert_eq!(err.status_code(), 422);
}

#[test]
fn an_empty_event_id_is_refused() {
    let body = br#"{"id":"","type":"creator.approved","created_at":"t","data":{"external_reference":"r"}}"#;
    let errors = [
        decode_event::<UnleeshedEvent>(body).unwrap_err(),
        decode_event::<ExchangeEvent>(body).unwrap_err(),
        decode_event::<Event<Value>>(body).unwrap_err(),
    ];
    for error in errors {
        let Error::Decode(e) = error else {
            panic!("{error:?}")
        };
        assert!(e.to_string().contains("a non-empty event id"), "{e}");
        #[cfg(feature = "json-path")]
        assert_eq!(e.path(), "id");
    }
    // A blank id is an id: only the empty one says nothing.
    let body = br#"{"id":" ","type":"ping","created_at":"t"}"#;
    assert_eq!(decode_event::<UnleeshedEvent>(body).unwrap().id(), " ");
}

#[test]
#[cfg(feature = "json-path")]
fn data_before_type_keeps_the_json_path() {
    // The payload is buffered until the type is known; its errors still say
    // where inside it decoding failed.
    let e = decode_error(
        r#"{"data":{"external_reference":42},"id":"e","type":"creator.approved","created_at":"t"}"#,
    );
    assert_eq!(e.path(), "data.external_reference");
    assert!(e.to_string().contains("invalid type: integer `42`"), "{e}");

    let e = decode_error(
        r#"{"data":{"error":"x"},"type":"commentary.failed","id":"e","created_at":"t"}"#,
    );
    assert_eq!(e.path(), "data");
    assert!(
        e.to_string().contains("missing field `external_reference`"),
        "{e}"
    );

    // An envelope error is still the envelope's, wherever `data` is.
    let e = decode_error(
        r#"{"data":{"external_reference":"r"},"type":"creator.approved","created_at":"t"}"#,
    );
    assert_eq!(e.path(), ".");
    assert!(e.to_string().contains("missing field `id`"), "{e}");

    // A payload of your own type does not depend on the event type: it is
    // decoded in place wherever `data` comes.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Mine {
        count: u32,
    }
    let body = br#"{"data":{"count":-1},"type":"x","id":"e","created_at":"t"}"#;
    let Err(Error::Decode(e)) = decode_event::<Event<Mine>>(body) else {
        panic!()
    };
    assert_eq!(e.path(), "data.count");
}

#[test]
fn envelope_fields_are_checked_where_they_are() {
    let e = decode_error(r#"{"id":7,"type":"x","created_at":"t","data":{}}"#);
    assert!(e.to_string().contains("invalid type: integer `7`"), "{e}");
    #[cfg(feature = "json-path")]
    assert_eq!(e.path(), "id");

    let e = decode_error(r#"{"id":"e","type":"x","created_at":"t","createdAt":"u","data":{}}"#);
    assert!(
        e.to_string().contains("duplicate field `created_at`"),
        "{e}"
    );

    let e = decode_error(r#"{"id":"e","type":"x","created_at":"t","data":{},"data":{}}"#);
    assert!(e.to_string().contains("duplicate field `data`"), "{e}");
}

//! Twitch EventSub: how it signs, how it delivers, and its events.
//!
//! Twitch's EventSub webhook transport sends three kinds of message, all
//! signed alike: notifications (`{ "subscription", "event" }`), the
//! `webhook_callback_verification` handshake when a subscription is
//! created (`{ "challenge", "subscription" }`, answered with the challenge
//! as the raw body: the extractors do it), and revocations
//! (`{ "subscription" }`, the reason in its `status`). [`TwitchEvent`]
//! tells them apart by the signed body; the `Twitch-Eventsub-Message-Type`
//! header says the same but is not signed, and is not read.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, WebhookEvent};
use crate::error::Error;
use crate::handshake::Handshake;
use crate::headers::Headers;
use crate::scheme::{DeliveryId, IdShape, Part, Scheme, TimeFormat};

/// Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>`, the
/// HMAC-SHA256 of the message id, the timestamp and the raw body run
/// together (`{Twitch-Eventsub-Message-Id}{Twitch-Eventsub-Message-Timestamp}{body}`),
/// keyed with the subscription's secret as given; events [`TwitchEvent`].
///
/// The signed `Twitch-Eventsub-Message-Timestamp` (RFC 3339, nanoseconds)
/// bounds a replay: within **10 minutes** of the receiver's clock, as
/// Twitch's docs ask ("Guarding against replay attacks", as implemented by
/// `@twurple/eventsub-http`), checked both ways here where Twitch bounds
/// only the age. Duplicates are recognised by the signed
/// `Twitch-Eventsub-Message-Id`, which Twitch keeps when it resends a
/// message. The id must be a UUID, as Twitch's are: run together with the
/// timestamp, only a fixed shape says where it ends.
#[derive(Debug, Clone, Copy, Default)]
pub struct Twitch;

impl Provider for Twitch {
    const NAME: &'static str = "twitch";
    type Event = TwitchEvent;
    fn scheme() -> Scheme {
        Scheme::body("twitch-eventsub-message-signature")
            .with_prefix("sha256=")
            .with_id_header("twitch-eventsub-message-id")
            .with_id_shape(IdShape::Uuid)
            .with_timestamp_header("twitch-eventsub-message-timestamp")
            .with_time_format(TimeFormat::Rfc3339)
            .with_signed_content([Part::Id, Part::Timestamp, Part::Body])
            .with_tolerance(Duration::from_secs(600))
            .with_delivery_id(DeliveryId::IdHeader)
    }
    fn handshake(body: &[u8]) -> Result<Option<Handshake>, Error> {
        // Cheap first: most bodies are not one.
        if !body.windows(11).any(|w| w == b"\"challenge\"") {
            return Ok(None);
        }
        match TwitchEvent::decode(body, &Vec::<(&str, &str)>::new())? {
            TwitchEvent::CallbackVerification { challenge, .. } => {
                Ok(Some(Handshake::Echo(challenge)))
            }
            _ => Ok(None),
        }
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Twitch's EventSub docs, \"Handling duplicate events\": delivery is at least \
                 once; a message Twitch is unsure was received is resent with the same message \
                 id (Twitch-Eventsub-Message-Retry counts the attempts); no schedule is \
                 published, and too many failed or slow answers revoke the subscription \
                 (notification_failures_exceeded)",
    };
}

/// A message from Twitch EventSub, told apart by its signed body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TwitchEvent {
    /// `{ "subscription", "event" }` (or `"events"`, for batched types): an
    /// event of a subscription.
    Notification(TwitchNotification),
    /// `{ "challenge", "subscription" }`: Twitch checking the callback when
    /// a subscription is created; answered 200 with the challenge as the
    /// raw body (`text/plain`), the extractors do it.
    CallbackVerification {
        /// What to answer with.
        challenge: String,
        /// The subscription being created.
        subscription: TwitchSubscription,
    },
    /// `{ "subscription" }` alone: Twitch revoked the subscription; why is
    /// in its `status` (`authorization_revoked`, `user_removed`,
    /// `notification_failures_exceeded`, `version_removed`, …).
    Revocation(TwitchSubscription),
    /// Another JSON message, kept whole.
    Other(Value),
}

/// A notification: the subscription and its event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TwitchNotification {
    /// The subscription the event is for.
    pub subscription: TwitchSubscription,
    /// The event, shaped by the subscription's type and version (`null`
    /// for batched types, which send `events` instead: see `extra`).
    #[serde(default)]
    pub event: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An EventSub subscription, as every message carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TwitchSubscription {
    /// The subscription's id.
    pub id: String,
    /// Its status: `enabled`, `webhook_callback_verification_pending`, or
    /// why it was revoked.
    #[serde(default)]
    pub status: String,
    /// The subscription type, such as `stream.online`.
    #[serde(rename = "type")]
    pub subscription_type: String,
    /// The version of that type, such as `1`.
    #[serde(default)]
    pub version: String,
    /// What the subscription is about (`broadcaster_user_id`, …).
    #[serde(default)]
    pub condition: Value,
    /// How events are delivered (`method`, `callback`).
    #[serde(default)]
    pub transport: Value,
    /// When it was created (RFC 3339), as sent.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Fields this crate does not model (`cost`, …), kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TwitchEvent {
    /// The subscription type (`stream.online`) for a notification or a
    /// revocation, `webhook_callback_verification` for the handshake, the
    /// subscription's type or empty for another message.
    pub fn event_type(&self) -> &str {
        match self {
            TwitchEvent::Notification(notification) => &notification.subscription.subscription_type,
            TwitchEvent::CallbackVerification { .. } => "webhook_callback_verification",
            TwitchEvent::Revocation(subscription) => &subscription.subscription_type,
            TwitchEvent::Other(value) => value["subscription"]["type"].as_str().unwrap_or_default(),
        }
    }

    /// The subscription the message is about.
    pub fn subscription(&self) -> Option<&TwitchSubscription> {
        match self {
            TwitchEvent::Notification(notification) => Some(&notification.subscription),
            TwitchEvent::CallbackVerification { subscription, .. }
            | TwitchEvent::Revocation(subscription) => Some(subscription),
            TwitchEvent::Other(_) => None,
        }
    }
}

/// Decoded from the signed body alone: the unsigned
/// `Twitch-Eventsub-Message-Type` header is not read.
impl WebhookEvent for TwitchEvent {
    fn decode(body: &[u8], _: &dyn Headers) -> Result<Self, Error> {
        #[derive(Deserialize)]
        struct Verification {
            challenge: String,
            subscription: TwitchSubscription,
        }
        let value: Map<String, Value> = crate::event::decode_event(body)?;
        if value.contains_key("challenge") {
            let Verification {
                challenge,
                subscription,
            } = crate::event::decode_event(body)?;
            Ok(TwitchEvent::CallbackVerification {
                challenge,
                subscription,
            })
        } else if value.contains_key("event") || value.contains_key("events") {
            crate::event::decode_event(body).map(TwitchEvent::Notification)
        } else if value.len() == 1 && value.contains_key("subscription") {
            match serde_json::from_value(value["subscription"].clone()) {
                Ok(subscription) => Ok(TwitchEvent::Revocation(subscription)),
                Err(_) => Ok(TwitchEvent::Other(Value::Object(value))),
            }
        } else {
            Ok(TwitchEvent::Other(Value::Object(value)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBSCRIPTION: &str = r#"{"id":"7831a818-7104-49d9-af81-e4616edc3fd0","status":"enabled",
        "type":"stream.online","version":"1","condition":{"broadcaster_user_id":"1337"},
        "transport":{"method":"webhook","callback":"https://example.com/webhooks/twitch"},
        "created_at":"2026-09-20T08:00:00.123456789Z","cost":0}"#;

    fn decode(body: &str) -> TwitchEvent {
        TwitchEvent::decode(body.as_bytes(), &Vec::<(&str, &str)>::new()).unwrap()
    }

    #[test]
    fn the_three_message_kinds_are_told_apart_by_the_body() {
        let notification = decode(&format!(
            r#"{{"subscription":{SUBSCRIPTION},"event":{{"broadcaster_user_id":"1337","type":"live"}}}}"#
        ));
        assert_eq!(notification.event_type(), "stream.online");
        let TwitchEvent::Notification(inner) = &notification else {
            panic!("{notification:?}")
        };
        assert_eq!(inner.event["type"], "live");
        assert_eq!(inner.subscription.extra["cost"], 0);

        let handshake = decode(&format!(
            r#"{{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{SUBSCRIPTION}}}"#
        ));
        assert!(matches!(
            &handshake,
            TwitchEvent::CallbackVerification { challenge, .. }
                if challenge == "pogchamp-kappa-360noscope-vohiyo"
        ));
        assert_eq!(handshake.event_type(), "webhook_callback_verification");

        let revoked = SUBSCRIPTION.replace("\"enabled\"", "\"authorization_revoked\"");
        let revocation = decode(&format!(r#"{{"subscription":{revoked}}}"#));
        let TwitchEvent::Revocation(subscription) = &revocation else {
            panic!("{revocation:?}")
        };
        assert_eq!(subscription.status, "authorization_revoked");

        assert!(matches!(
            decode(r#"{"something":"new"}"#),
            TwitchEvent::Other(_)
        ));
    }
}

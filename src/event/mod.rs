//! Typed webhook events: the envelope every provider event shares, and the
//! decoding of a verified body.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{DecodeError, Error};

mod exchange;
mod unleeshed;

pub use exchange::{ExchangeEvent, Offer, Order, OrderCancellation, OrderStatusChange};
pub use unleeshed::{ApprovedCommentary, FailedCommentary, UnleeshedEvent};

/// One webhook event: the envelope `{ "id", "type", "created_at", "data" }`
/// around a payload `T`.
///
/// Decode into `Event<YourPayload>` to keep the envelope and type the
/// payload yourself, or into `Event<serde_json::Value>` to type nothing.
/// Envelope fields this crate does not model are kept in
/// [`extra`](Event::extra), never dropped; `createdAt` is accepted for
/// `created_at`.
///
/// ```
/// use serde::Deserialize;
/// use signed_webhooks::{decode_event, Event};
///
/// #[derive(Deserialize)]
/// struct Shipment { tracking: String }
///
/// let body = br#"{"id":"evt_9","type":"shipment.sent","created_at":"2026-11-22T10:00:00Z",
///                 "data":{"tracking":"1Z999"},"attempt":2}"#;
/// let event: Event<Shipment> = decode_event(body)?;
/// assert_eq!(event.data.tracking, "1Z999");
/// assert_eq!(event.extra["attempt"], 2);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's unique id. Deliveries of the same event (retries) carry
    /// the same id: deduplicate on it.
    pub id: String,
    /// The event type, such as `creator.approved`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the provider created the event, as the provider wrote it
    /// (RFC 3339).
    pub created_at: String,
    /// The payload.
    pub data: T,
    /// Envelope fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<T> Event<T> {
    /// An event with no extra envelope fields.
    pub fn new(
        id: impl Into<String>,
        event_type: impl Into<String>,
        created_at: impl Into<String>,
        data: T,
    ) -> Self {
        Event {
            id: id.into(),
            event_type: event_type.into(),
            created_at: created_at.into(),
            data,
            extra: Map::new(),
        }
    }

    /// The envelope without its payload, and the payload.
    pub(crate) fn split(self) -> (Event<()>, T) {
        let Event {
            id,
            event_type,
            created_at,
            data,
            extra,
        } = self;
        let envelope = Event {
            id,
            event_type,
            created_at,
            data: (),
            extra,
        };
        (envelope, data)
    }

    /// The same envelope around another payload.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Event<U> {
        Event {
            id: self.id,
            event_type: self.event_type,
            created_at: self.created_at,
            data: f(self.data),
            extra: self.extra,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Event<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let event = deserializer.deserialize_map(EnvelopeVisitor::<Untyped<T>>(PhantomData))?;
        Ok(event.map(|Untyped(data)| data))
    }
}

/// Decodes a JSON body into an event type.
///
/// [`Verifier::verify_event`](crate::Verifier::verify_event) calls this
/// after verifying; call it yourself when you verified separately, for
/// example to keep the [`Verified`](crate::Verified) details as well.
///
/// # Errors
///
/// [`Error::Decode`], with the JSON path where decoding failed (for example
/// `data.external_reference`) when the `json-path` feature is on (the
/// default).
pub fn decode_event<E: DeserializeOwned>(body: &[u8]) -> Result<E, Error> {
    serde_json::from_slice(body).map_err(|error| {
        #[cfg(feature = "json-path")]
        let (path, error) = locate_failure::<E>(body).unwrap_or_else(|| (".".to_owned(), error));
        #[cfg(not(feature = "json-path"))]
        let path = ".".to_owned();
        Box::new(DecodeError::new(path, error)).into()
    })
}

/// Decodes `body` again through a path-tracking wrapper to find where it
/// fails: paid only on failure, so the successful path stays plain
/// `serde_json`.
#[cfg(feature = "json-path")]
#[cold]
fn locate_failure<E: DeserializeOwned>(body: &[u8]) -> Option<(String, serde_json::Error)> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let tracked = serde_path_to_error::deserialize::<_, E>(&mut json).err()?;
    Some((tracked.path().to_string(), tracked.into_inner()))
}

/// A family of payloads chosen by the event's `type`.
pub(crate) trait Payload<'de>: Sized {
    fn deserialize_payload<D: Deserializer<'de>>(
        event_type: &str,
        data: D,
    ) -> Result<Self, D::Error>;
}

/// The payload of [`Event<T>`]: one type whatever the event type.
struct Untyped<T>(T);

impl<'de, T: Deserialize<'de>> Payload<'de> for Untyped<T> {
    fn deserialize_payload<D: Deserializer<'de>>(_: &str, data: D) -> Result<Self, D::Error> {
        T::deserialize(data).map(Untyped)
    }
}

/// Deserializes an event whose payload type depends on its `type` field.
pub(crate) fn deserialize_event<'de, P, D>(deserializer: D) -> Result<Event<P>, D::Error>
where
    P: Payload<'de>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(EnvelopeVisitor::<P>(PhantomData))
}

/// Walks the envelope once. When `type` comes before `data`, as providers
/// write it, the payload is decoded in place; otherwise `data` is buffered
/// and decoded once the type is known.
struct EnvelopeVisitor<P>(PhantomData<P>);

impl<'de, P: Payload<'de>> Visitor<'de> for EnvelopeVisitor<P> {
    type Value = Event<P>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook event object with `id`, `type`, `created_at` and `data`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id: Option<String> = None;
        let mut event_type: Option<String> = None;
        let mut created_at: Option<String> = None;
        let mut data: Option<P> = None;
        let mut buffered: Option<Value> = None;
        let mut extra = Map::new();

        while let Some(key) = map.next_key::<EnvelopeKey>()? {
            match key {
                EnvelopeKey::Id => set_once(&mut id, "id", map.next_value()?)?,
                EnvelopeKey::Type => set_once(&mut event_type, "type", map.next_value()?)?,
                EnvelopeKey::CreatedAt => {
                    set_once(&mut created_at, "created_at", map.next_value()?)?;
                }
                EnvelopeKey::Data => {
                    if data.is_some() || buffered.is_some() {
                        return Err(de::Error::duplicate_field("data"));
                    }
                    match &event_type {
                        Some(event_type) => {
                            data = Some(
                                map.next_value_seed(PayloadSeed::<P>(event_type, PhantomData))?,
                            );
                        }
                        None => buffered = Some(map.next_value()?),
                    }
                }
                EnvelopeKey::Other(name) => {
                    let value = map.next_value()?;
                    extra.insert(name, value);
                }
            }
        }

        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        let event_type = event_type.ok_or_else(|| de::Error::missing_field("type"))?;
        let created_at = created_at.ok_or_else(|| de::Error::missing_field("created_at"))?;
        let data = match (data, buffered) {
            (Some(data), _) => data,
            (None, Some(value)) => {
                P::deserialize_payload(&event_type, value).map_err(de::Error::custom)?
            }
            (None, None) => P::deserialize_payload(&event_type, Value::Null)
                .map_err(|_| de::Error::missing_field("data"))?,
        };
        Ok(Event {
            id,
            event_type,
            created_at,
            data,
            extra,
        })
    }
}

fn set_once<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

struct PayloadSeed<'a, P>(&'a str, PhantomData<P>);

impl<'de, P: Payload<'de>> DeserializeSeed<'de> for PayloadSeed<'_, P> {
    type Value = P;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<P, D::Error> {
        P::deserialize_payload(self.0, deserializer)
    }
}

enum EnvelopeKey {
    Id,
    Type,
    CreatedAt,
    Data,
    Other(String),
}

impl<'de> Deserialize<'de> for EnvelopeKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl Visitor<'_> for KeyVisitor {
            type Value = EnvelopeKey;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<EnvelopeKey, E> {
                Ok(match key {
                    "id" => EnvelopeKey::Id,
                    "type" => EnvelopeKey::Type,
                    "created_at" | "createdAt" => EnvelopeKey::CreatedAt,
                    "data" => EnvelopeKey::Data,
                    other => EnvelopeKey::Other(other.to_owned()),
                })
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Defines the event enum of one provider: a variant per known event type,
/// each an [`Event`] around its payload, plus `Unknown` for every other type.
macro_rules! event_family {
    (
        $(#[$meta:meta])*
        pub enum $family:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident($payload:ty) = $type_name:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $family {
            $(
                $(#[$variant_meta])*
                $variant($crate::Event<$payload>),
            )+
            /// An event type this crate does not know (yet), with its payload
            /// as raw JSON. Providers add event types over time; they arrive
            /// here instead of failing.
            Unknown($crate::Event<serde_json::Value>),
        }

        impl $family {
            /// The event types this enum has a variant for.
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($type_name),+];

            /// The event's id, the key to deduplicate deliveries on.
            pub fn id(&self) -> &str {
                match self {
                    $($family::$variant(event) => &event.id,)+
                    $family::Unknown(event) => &event.id,
                }
            }

            /// The event type as sent.
            pub fn event_type(&self) -> &str {
                match self {
                    $($family::$variant(event) => &event.event_type,)+
                    $family::Unknown(event) => &event.event_type,
                }
            }

            /// When the provider created the event, as it wrote it.
            pub fn created_at(&self) -> &str {
                match self {
                    $($family::$variant(event) => &event.created_at,)+
                    $family::Unknown(event) => &event.created_at,
                }
            }

            /// Envelope fields this crate does not model.
            pub fn extra(&self) -> &serde_json::Map<String, serde_json::Value> {
                match self {
                    $($family::$variant(event) => &event.extra,)+
                    $family::Unknown(event) => &event.extra,
                }
            }

            /// Whether the event type is one this crate models (not
            /// [`Unknown`](Self::Unknown)).
            pub fn is_known(&self) -> bool {
                !matches!(self, $family::Unknown(_))
            }
        }

        /// The payload of each event type, before it is put in its variant.
        enum Payload {
            $($variant($payload),)+
            Unknown(serde_json::Value),
        }

        impl<'de> $crate::event::Payload<'de> for Payload {
            fn deserialize_payload<D: serde::Deserializer<'de>>(
                event_type: &str,
                data: D,
            ) -> Result<Self, D::Error> {
                use serde::Deserialize as _;
                Ok(match event_type {
                    $($type_name => Payload::$variant(<$payload>::deserialize(data)?),)+
                    _ => Payload::Unknown(serde_json::Value::deserialize(data)?),
                })
            }
        }

        impl<'de> serde::Deserialize<'de> for $family {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let event = $crate::event::deserialize_event::<Payload, D>(deserializer)?;
                let (envelope, payload) = event.split();
                Ok(match payload {
                    $(Payload::$variant(data) => $family::$variant(envelope.map(|()| data)),)+
                    Payload::Unknown(data) => $family::Unknown(envelope.map(|()| data)),
                })
            }
        }

        impl serde::Serialize for $family {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $($family::$variant(event) => event.serialize(serializer),)+
                    $family::Unknown(event) => event.serialize(serializer),
                }
            }
        }
    };
}

pub(crate) use event_family;

//! The machinery every provider's envelope is built with.
//!
//! An envelope is described once, with [`define_envelope!`]: the name of
//! its type field (`type` or `event`) and the fields it models besides
//! `data`, each with its JSON name. The macro writes the struct and a
//! deserializer that walks the JSON object once: the payload is decoded in
//! place when the type comes before it, as providers write it, and buffered
//! until the type is known otherwise; fields nobody modelled go to `extra`.
//! [`event_family!`] then builds a provider's enum on top of an envelope: a
//! variant per known event type, `Unknown` for every other.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// A family of payloads chosen by the event type.
pub(crate) trait Payload<'de>: Sized {
    /// Whether the payload's shape depends on the event type. When it does
    /// not, the payload is decoded in place wherever `data` comes.
    const BY_TYPE: bool = true;

    fn deserialize_payload<D: Deserializer<'de>>(
        event_type: &str,
        data: D,
    ) -> Result<Self, D::Error>;
}

/// The payload of an envelope decoded on its own: one type whatever the
/// event type.
pub(crate) struct Untyped<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Payload<'de> for Untyped<T> {
    const BY_TYPE: bool = false;

    fn deserialize_payload<D: Deserializer<'de>>(_: &str, data: D) -> Result<Self, D::Error> {
        T::deserialize(data).map(Untyped)
    }
}

/// What every envelope has besides its own fields, gathered while the
/// object is walked: the type, the payload and the fields nobody modelled.
pub(crate) struct Parts<P> {
    event_type: Option<String>,
    data: Option<P>,
    /// `data` when it came before the type and the payload depends on it.
    buffered: Option<Value>,
    extra: Map<String, Value>,
}

impl<P> Default for Parts<P> {
    fn default() -> Self {
        Parts {
            event_type: None,
            data: None,
            buffered: None,
            extra: Map::new(),
        }
    }
}

impl<'de, P: Payload<'de>> Parts<P> {
    pub(crate) fn read_type<A: MapAccess<'de>>(
        &mut self,
        name: &'static str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        read_field(&mut self.event_type, name, map)
    }

    pub(crate) fn read_data<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        if self.data.is_some() || self.buffered.is_some() {
            return Err(de::Error::duplicate_field("data"));
        }
        let event_type = match &self.event_type {
            Some(event_type) => event_type.as_str(),
            None if !P::BY_TYPE => "",
            None => {
                self.buffered = Some(map.next_value()?);
                return Ok(());
            }
        };
        self.data = Some(map.next_value_seed(PayloadSeed::<P>(event_type, PhantomData))?);
        Ok(())
    }

    pub(crate) fn read_other<A: MapAccess<'de>>(
        &mut self,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value = map.next_value()?;
        self.extra.insert(key, value);
        Ok(())
    }

    /// The type, the payload and the unmodelled fields, once the object is
    /// walked. A payload that was buffered is decoded here; its errors
    /// name no path below `data` (see `decode_event`, which finds it).
    pub(crate) fn finish<E: de::Error>(
        self,
        type_name: &'static str,
    ) -> Result<(String, P, Map<String, Value>), E> {
        let event_type = self.event_type.ok_or_else(|| E::missing_field(type_name))?;
        let data = match (self.data, self.buffered) {
            (Some(data), _) => data,
            (None, Some(value)) => P::deserialize_payload(&event_type, value).map_err(E::custom)?,
            // No `data`: fine for a payload that accepts nothing (JSON
            // values, options), a missing field for any other.
            (None, None) => P::deserialize_payload(&event_type, nothing())
                .map_err(|_| E::missing_field("data"))?,
        };
        Ok((event_type, data, self.extra))
    }
}

struct PayloadSeed<'a, P>(&'a str, PhantomData<P>);

impl<'de, P: Payload<'de>> DeserializeSeed<'de> for PayloadSeed<'_, P> {
    type Value = P;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<P, D::Error> {
        P::deserialize_payload(self.0, deserializer)
    }
}

/// A field name, borrowed from the body when it can be: a known field costs
/// no allocation.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads the value of an envelope field, refusing a second occurrence.
pub(crate) fn read_field<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads an event id, refusing an empty one: receivers deduplicate on it,
/// and an empty id would make every redelivery look new.
pub(crate) fn read_id<'de, A: MapAccess<'de>>(
    slot: &mut Option<String>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    /// Checked while the value is decoded, so the error's path is the
    /// field's.
    struct EventId(String);

    impl<'de> Deserialize<'de> for EventId {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let id = String::deserialize(deserializer)?;
            if id.is_empty() {
                return Err(de::Error::invalid_value(
                    de::Unexpected::Str(""),
                    &"a non-empty event id",
                ));
            }
            Ok(EventId(id))
        }
    }

    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value::<EventId>()?.0);
    Ok(())
}

/// The value of a field after the walk: a missing field is `None` for an
/// optional one, an error for any other.
pub(crate) fn required<'de, T: Deserialize<'de>, E: de::Error>(
    slot: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(nothing()).map_err(|_| E::missing_field(name)),
    }
}

/// A deserializer of nothing: `None` for an `Option`, `null` for a JSON
/// value, an error for anything that needs a value.
fn nothing() -> de::value::UnitDeserializer<de::value::Error> {
    ().into_deserializer()
}

/// Defines an envelope: the struct, its accessors to change the payload,
/// and its deserializer.
///
/// ```text
/// define_envelope! {
///     /// Docs.
///     pub struct Name<T = Default> {
///         local {
///             /// A field that is not in the JSON (filled by the caller).
///             name: Type,
///         }
///         /// Docs of the type field.
///         event_type = "type",
///         /// Docs.
///         field: Type = "jsonName" | "alias" via read_id,
///     }
///     expecting "what a decode error says was expected"
/// }
/// ```
macro_rules! define_envelope {
    (
        $(#[$meta:meta])*
        pub struct $name:ident<T $(= $default:ty)?> {
            $(local {
                $(
                    $(#[$local_meta:meta])*
                    $local:ident: $local_ty:ty,
                )*
            })?
            $(#[$type_meta:meta])*
            event_type = $type_key:literal,
            $(
                $(#[$field_meta:meta])*
                $field:ident: $ty:ty = $key:literal $(| $alias:literal)* $(via $reader:ident)?,
            )*
        }
        expecting $expecting:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[non_exhaustive]
        pub struct $name<T $(= $default)?> {
            $(#[$type_meta])*
            #[serde(rename = $type_key)]
            pub event_type: String,
            $(
                $(#[$field_meta])*
                #[serde(rename = $key)]
                pub $field: $ty,
            )*
            /// The payload, the envelope's `data`.
            pub data: T,
            /// Envelope fields this crate does not model, kept as they came.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
            $($(
                $(#[$local_meta])*
                #[serde(skip)]
                pub $local: $local_ty,
            )*)?
        }

        impl<T> $name<T> {
            /// The same envelope around another payload.
            pub fn map<U>(self, f: impl FnOnce(T) -> U) -> $name<U> {
                let (envelope, data) = self.split();
                $name {
                    event_type: envelope.event_type,
                    $($field: envelope.$field,)*
                    data: f(data),
                    extra: envelope.extra,
                    $($($local: envelope.$local,)*)?
                }
            }

            /// The envelope without its payload, and the payload.
            pub(crate) fn split(self) -> ($name<()>, T) {
                let envelope = $name {
                    event_type: self.event_type,
                    $($field: self.$field,)*
                    data: (),
                    extra: self.extra,
                    $($($local: self.$local,)*)?
                };
                (envelope, self.data)
            }
        }

        impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for $name<T> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let event = $name::<$crate::event::envelope::Untyped<T>>::deserialize_by_type(
                    deserializer,
                )?;
                Ok(event.map(|untyped| untyped.0))
            }
        }

        impl<P> $name<P> {
            /// Decodes the envelope with a payload chosen by the event type.
            pub(crate) fn deserialize_by_type<'de, D>(deserializer: D) -> Result<Self, D::Error>
            where
                P: $crate::event::envelope::Payload<'de>,
                D: serde::Deserializer<'de>,
            {
                struct EnvelopeVisitor<P>(std::marker::PhantomData<P>);

                impl<'de, P: $crate::event::envelope::Payload<'de>> serde::de::Visitor<'de>
                    for EnvelopeVisitor<P>
                {
                    type Value = $name<P>;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<Self::Value, A::Error> {
                        use $crate::event::envelope as envelope;
                        let mut parts = envelope::Parts::<P>::default();
                        $(let mut $field: Option<$ty> = None;)*
                        while let Some(envelope::Key(key)) = map.next_key()? {
                            match &*key {
                                $type_key => parts.read_type($type_key, &mut map)?,
                                "data" => parts.read_data(&mut map)?,
                                $(
                                    $key $(| $alias)* => $crate::event::envelope::define_envelope!(
                                        @read [$($reader)?] &mut $field, $key, &mut map
                                    )?,
                                )*
                                _ => parts.read_other(key.into_owned(), &mut map)?,
                            }
                        }
                        let (event_type, data, extra) = parts.finish($type_key)?;
                        Ok($name {
                            event_type,
                            $($field: envelope::required($field, $key)?,)*
                            data,
                            extra,
                            $($($local: Default::default(),)*)?
                        })
                    }
                }

                deserializer.deserialize_map(EnvelopeVisitor(std::marker::PhantomData))
            }
        }
    };
    (@read [] $($args:tt)*) => {
        $crate::event::envelope::read_field($($args)*)
    };
    (@read [$reader:ident] $($args:tt)*) => {
        $crate::event::envelope::$reader($($args)*)
    };
}

pub(crate) use define_envelope;

/// Defines the event enum of one provider over its envelope: a variant per
/// known event type, each the envelope around its payload, plus `Unknown`
/// for every other type; and accessors that answer for every variant.
///
/// ```text
/// event_family! {
///     /// Docs.
///     pub enum Family(Envelope) {
///         /// Docs.
///         Variant(Payload) = "type.name",
///     }
///     /// Docs.
///     pub fn id(&self) -> &str = |event| &event.id;
/// }
/// ```
macro_rules! event_family {
    (
        $(#[$meta:meta])*
        pub enum $family:ident($envelope:ident) {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident($payload:ty) = $type_name:literal,
            )+
        }
        $(
            $(#[$accessor_meta:meta])*
            pub fn $accessor:ident(&self) -> $ret:ty = |$event:ident| $body:expr;
        )*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $family {
            $(
                $(#[$variant_meta])*
                $variant($envelope<$payload>),
            )+
            /// An event type this crate does not know (yet), with its payload
            /// as raw JSON. Providers add event types over time; they arrive
            /// here instead of failing.
            Unknown($envelope<serde_json::Value>),
        }

        impl $family {
            /// The event types this enum has a variant for.
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($type_name),+];

            /// The event type as sent.
            pub fn event_type(&self) -> &str {
                $crate::event::envelope::event_family!(
                    @match self $family [$($variant)+] |event| &event.event_type
                )
            }

            /// Envelope fields this crate does not model.
            pub fn extra(&self) -> &serde_json::Map<String, serde_json::Value> {
                $crate::event::envelope::event_family!(
                    @match self $family [$($variant)+] |event| &event.extra
                )
            }

            /// Whether the event type is one this crate models (not
            /// [`Unknown`](Self::Unknown)).
            pub fn is_known(&self) -> bool {
                !matches!(self, $family::Unknown(_))
            }
        }

        $crate::event::envelope::event_family!(
            @accessors $family [$($variant)+]
            $({ $(#[$accessor_meta])* $accessor $ret, |$event| $body })*
        );

        /// The payload of each event type, before it is put in its variant.
        enum VariantData {
            $($variant($payload),)+
            Unknown(serde_json::Value),
        }

        impl<'de> $crate::event::envelope::Payload<'de> for VariantData {
            fn deserialize_payload<D: serde::Deserializer<'de>>(
                event_type: &str,
                data: D,
            ) -> Result<Self, D::Error> {
                use serde::Deserialize as _;
                Ok(match event_type {
                    $($type_name => VariantData::$variant(<$payload>::deserialize(data)?),)+
                    _ => VariantData::Unknown(serde_json::Value::deserialize(data)?),
                })
            }
        }

        impl<'de> serde::Deserialize<'de> for $family {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (envelope, data) =
                    $envelope::<VariantData>::deserialize_by_type(deserializer)?.split();
                Ok(match data {
                    $(VariantData::$variant(data) => $family::$variant(envelope.map(|()| data)),)+
                    VariantData::Unknown(data) => $family::Unknown(envelope.map(|()| data)),
                })
            }
        }

        impl serde::Serialize for $family {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::event::envelope::event_family!(
                    @match self $family [$($variant)+] |event| serde::Serialize::serialize(event, serializer)
                )
            }
        }
    };
    // The variant list comes in one token tree, so it can be repeated inside
    // the repetition over accessors.
    (@accessors $family:ident $variants:tt $({
        $(#[$meta:meta])* $accessor:ident $ret:ty, |$event:ident| $body:expr
    })*) => {
        impl $family {
            $(
                $(#[$meta])*
                pub fn $accessor(&self) -> $ret {
                    $crate::event::envelope::event_family!(
                        @match self $family $variants |$event| $body
                    )
                }
            )*
        }
    };
    (@match $self:ident $family:ident [$($variant:ident)+] |$event:ident| $body:expr) => {
        match $self {
            $($family::$variant($event) => $body,)+
            $family::Unknown($event) => $body,
        }
    };
}

pub(crate) use event_family;
